/* funding.c - chapter 2 of the seed (funding.h): totals, means and co-financing shares of the
 * plans, checked row by row. Plans are looked up by id through a sorted index, so the check
 * that every estate's plan exists is n log n. */
#include "funding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static const char *const plan_cols[] = {"plan_id", "grant_dkk", "cofin_housing_dkk",
                                        "cofin_municipality_dkk", "cofin_other_dkk"};
static const char *const estate_cols[] = {"estate_id", "plan_id", "residents"};

static eff_status columns(const eff_table *t, const char *const *names, size_t n, size_t *col,
                          eff_error *err)
{
    for (size_t k = 0; k < n; k++) {
        long j = eff_table_find(t, names[k]);
        if (j < 0)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 1, 0, "no column %s",
                                 names[k]);
        col[k] = (size_t)j;
        eff_type type = eff_table_col_type(t, col[k]);
        for (size_t r = 0; (type == EFF_TYPE_STR || type == EFF_TYPE_DATE) &&
                           r < eff_table_n_rows(t); r++) /* all empty is no type at all */
            if (!eff_table_is_na(t, col[k], r))
                return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                                     (long)col[k] + 1, "%s: expected an amount, got \"%s\"",
                                     names[k], type == EFF_TYPE_STR ? eff_table_str(t, col[k], r)
                                                                    : "a date");
    }
    return EFF_OK;
}

static double number(const eff_table *t, size_t col, size_t r)
{
    if (eff_table_is_na(t, col, r) || eff_table_col_type(t, col) == EFF_TYPE_STR ||
        eff_table_col_type(t, col) == EFF_TYPE_DATE)
        return NAN;
    return eff_table_col_type(t, col) == EFF_TYPE_I64 ? (double)eff_table_i64(t, col)[r]
                                                      : eff_table_f64(t, col)[r];
}

typedef struct plan_key {
    double id;
    size_t index;
} plan_key;

static int by_id(const void *a, const void *b)
{
    double x = ((const plan_key *)a)->id, y = ((const plan_key *)b)->id;
    return (x > y) - (x < y);
}

static eff_status read_plans(const eff_table *t, eff_funding *f, plan_key *keys, eff_error *err)
{
    size_t col[5], n = eff_table_n_rows(t);
    eff_status st = columns(t, plan_cols, 5, col, err);
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        double v[5];
        for (size_t k = 0; k < 5; k++) {
            v[k] = number(t, col[k], r);
            if (!(v[k] >= 0) || (k == 0 && v[k] != floor(v[k])))
                return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                                     (long)col[k] + 1, "%s: %s", plan_cols[k],
                                     isnan(v[k]) ? "missing" : k == 0 ? "not a whole number"
                                                                    : "negative");
        }
        eff_funding_plan *p = &f->plan[r];
        *p = (eff_funding_plan){.plan_id = v[0], .grant_dkk = v[1]};
        for (int s = 0; s < EFF_FUNDING_SOURCES; s++) {
            p->cofin_dkk += v[2 + s];
            f->cofin_by_source_dkk[s] += v[2 + s];
        }
        keys[r] = (plan_key){v[0], r};
    }
    qsort(keys, n, sizeof *keys, by_id);
    for (size_t k = 1; st == EFF_OK && k < n; k++)
        if (keys[k].id == keys[k - 1].id)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)keys[k].index + 2,
                                 0, "plan %.0f is listed twice (also row %zu)", keys[k].id,
                                 keys[k - 1].index + 2);
    return st;
}

typedef struct estate_key {
    double id;
    size_t row;
} estate_key;

static int by_estate(const void *a, const void *b)
{
    const estate_key *x = a, *y = b;
    if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
    return (x->row > y->row) - (x->row < y->row);
}

static eff_status read_estates(const eff_table *t, eff_funding *f, const plan_key *keys,
                               size_t n_plans, eff_error *err)
{
    size_t col[3], n = eff_table_n_rows(t);
    eff_status st = columns(t, estate_cols, 3, col, err);
    estate_key *seen = st == EFF_OK ? eff_mallocarray(n + 1, sizeof *seen) : NULL;
    if (st == EFF_OK && !seen)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t m = 0;
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        double id = number(t, col[0], r), plan = number(t, col[1], r),
               residents = number(t, col[2], r);
        if (isnan(id))
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                               (long)col[0] + 1, "an estate without an id");
        if (st != EFF_OK || isnan(plan)) /* other social housing: no plan */
            continue;
        if (!(residents >= 0)) {
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                               (long)col[2] + 1, "residents: %s",
                               isnan(residents) ? "missing" : "negative");
            break;
        }
        plan_key want = {plan, 0};
        const plan_key *p = bsearch(&want, keys, n_plans, sizeof *keys, by_id);
        if (!p) {
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                               (long)col[1] + 1, "estate %.0f: plan %.0f is not in the plans "
                               "table", id, plan);
            break;
        }
        f->plan[p->index].estates++;
        f->plan[p->index].residents += (long)residents;
        f->estates++, f->residents += (long)residents;
        seen[m++] = (estate_key){id, r};
    }
    if (st == EFF_OK)
        qsort(seen, m, sizeof *seen, by_estate);
    for (size_t k = 1; st == EFF_OK && k < m; k++)
        if (seen[k].id == seen[k - 1].id)
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)seen[k].row + 2, 0,
                               "estate %.0f is listed under two plans (also row %zu)",
                               seen[k].id, seen[k - 1].row + 2);
    eff_free(seen);
    return st;
}

eff_status eff_funding_compute(const eff_table *plans, const eff_table *estates, double threshold,
                               eff_funding *out, eff_error *err)
{
    *out = (eff_funding){.threshold = threshold};
    if (!(threshold >= 0 && threshold < 1))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the co-financing threshold must "
                             "be in [0, 1), got %g", threshold);
    size_t n = eff_table_n_rows(plans);
    if (n == 0)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(plans), 0, 0, "no plans");
    out->plan = eff_calloc(n, sizeof *out->plan);
    plan_key *keys = eff_mallocarray(n, sizeof *keys);
    eff_status st = out->plan && keys ? EFF_OK
                                      : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK) st = read_plans(plans, out, keys, err);
    if (st == EFF_OK) st = read_estates(estates, out, keys, n, err);
    eff_free(keys);
    if (st != EFF_OK) {
        eff_funding_free(out);
        return st;
    }
    out->plans = (long)n;
    double budget = 0;
    for (size_t k = 0; k < n; k++) {
        eff_funding_plan *p = &out->plan[k];
        out->grant_total_dkk += p->grant_dkk;
        out->cofin_total_dkk += p->cofin_dkk;
        budget += p->grant_dkk + p->cofin_dkk;
        p->cofin_share = p->grant_dkk + p->cofin_dkk > 0
                             ? p->cofin_dkk / (p->grant_dkk + p->cofin_dkk) : NAN;
        p->below = p->cofin_share < threshold;
        out->n_below += (size_t)p->below;
    }
    out->grant_per_plan_dkk = out->grant_total_dkk / (double)n;
    out->grant_per_estate_dkk = out->estates ? out->grant_total_dkk / (double)out->estates : NAN;
    out->grant_per_resident_dkk =
        out->residents ? out->grant_total_dkk / (double)out->residents : NAN;
    out->cofin_share_total = budget > 0 ? out->cofin_total_dkk / budget : NAN;
    return EFF_OK;
}

void eff_funding_free(eff_funding *f)
{
    eff_free(f->plan);
    f->plan = NULL;
}
