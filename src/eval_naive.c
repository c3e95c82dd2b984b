/* eval_naive.c - the naive event study an analyst without matching would run: two-way fixed
 * effects (person and year, twfe.h) on the unmatched staggered sample, every kept participant
 * of the subgroup with event-time dummies inside the window (-1 the reference; their years
 * outside the window left out) and every person of the control pool, never treated, in every
 * year of the cohorts' windows where the outcome is observed. In percentage points for a
 * binary outcome, clustered by person. Kept for comparison (robustness.csv `naive_twfe`,
 * validate/): with effects that differ by cohort its coefficients mix cohorts and event
 * times (Sun & Abraham 2021), and nothing balances the participants' covariates. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "eval_internal.h"
#include "mem.h"
#include "twfe.h"

typedef struct naive_rows {
    double *y, *x;
    int32_t *unit, *period;
    size_t n, cap, k;
} naive_rows;

static eff_status rows_grow(naive_rows *r, eff_error *err)
{
    if (r->n < r->cap)
        return EFF_OK;
    size_t cap = r->cap ? 2 * r->cap : 4096;
    double *y = eff_reallocarray(r->y, cap, sizeof *y);
    if (y) r->y = y;
    double *x = y ? eff_reallocarray(r->x, cap * r->k, sizeof *x) : NULL;
    if (x) r->x = x;
    int32_t *u = x ? eff_reallocarray(r->unit, cap, sizeof *u) : NULL;
    if (u) r->unit = u;
    int32_t *p = u ? eff_reallocarray(r->period, cap, sizeof *p) : NULL;
    if (p) r->period = p;
    if (!p)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    r->cap = cap;
    return EFF_OK;
}

/* One person's rows: g = 0 for a pool person. Dummies are stored row-major while growing
 * and turned column-major at the end. */
static eff_status add_person(const eval_job *j, const eval_unit *u, int g, int32_t code,
                             int first, int last, naive_rows *r, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    double scale = iv->outcome->kind == EFF_OUTCOME_VALUE ? 1 : 100;
    for (int year = first; year <= last; year++) {
        int e = year - g;
        if (g && (e < iv->emin || e > iv->emax))
            continue;
        double y = eval_outcome(j->p, iv->outcome, u->person, year);
        if (isnan(y))
            continue;
        eff_status st = rows_grow(r, err);
        if (st != EFF_OK)
            return st;
        r->y[r->n] = scale * y;
        r->unit[r->n] = code;
        r->period[r->n] = year - first;
        for (size_t k = 0; k < r->k; k++) {
            int ek = iv->emin + (int)k + (iv->emin + (int)k >= -1);
            r->x[r->n * r->k + k] = g && e == ek;
        }
        r->n++;
    }
    return EFF_OK;
}

static void to_column_major(naive_rows *r, double *out)
{
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->k; k++)
            out[k * r->n + i] = r->x[i * r->k + k];
}

static eff_status collect(eval_job *j, size_t col, int32_t code, naive_rows *r, int *first,
                          int *last, size_t *persons, eff_error *err)
{
    int gmin = 1 << 30, gmax = -(1 << 30);
    for (size_t i = 0; i < j->part.n; i++)
        gmin = j->part.u[i].g < gmin ? j->part.u[i].g : gmin,
        gmax = j->part.u[i].g > gmax ? j->part.u[i].g : gmax;
    *first = gmin + j->iv->emin, *last = gmax + j->iv->emax;
    if (*first < j->c->year_first) *first = j->c->year_first;
    if (*last > j->c->year_last) *last = j->c->year_last;
    eff_status st = EFF_OK;
    int32_t n_units = 0;
    for (size_t i = 0; st == EFF_OK && i < j->part.n; i++)
        if (eval_in_subgroup(j, &j->part.u[i], col, code))
            st = add_person(j, &j->part.u[i], j->part.u[i].g, n_units++, *first, *last, r, err);
    eval_distinct_pass(j);
    for (size_t i = 0; st == EFF_OK && i < j->pool.n; i++) {
        const eval_unit *u = &j->pool.u[i];
        if (eval_distinct_new(j, 0, u->person) && eval_in_subgroup(j, u, col, code))
            st = add_person(j, u, 0, n_units++, *first, *last, r, err);
    }
    *persons = (size_t)n_units;
    return st;
}

eff_status eval_naive_twfe(eval_job *j, size_t col, int32_t code, eff_eval_subgroup *sg,
                           eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    naive_rows r = {.k = (size_t)(iv->emax - iv->emin)};
    int first = 0, last = 0;
    size_t persons = 0;
    for (size_t k = 0; k < sg->n_effects; k++)
        sg->naive[k] = (eff_eval_robust){.event_time = iv->emin + (int)k};
    eff_status st = j->part.n ? collect(j, col, code, &r, &first, &last, &persons, err) : EFF_OK;
    double *x = st == EFF_OK ? eff_mallocarray(r.n * r.k + 1, sizeof *x) : NULL;
    double b[EFF_EVAL_MAX_E], se[EFF_EVAL_MAX_E];
    if (st == EFF_OK && !x)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK) {
        to_column_major(&r, x);
        eff_twfe_data d = {r.n, r.k, r.y, x, r.unit, r.period, persons,
                           (size_t)(last - first + 1)};
        eff_error fit_err;
        eff_status fs = r.n > r.k ? eff_twfe_fit(&d, 1e-10, b, se, &fit_err)
                                  : eff_error_set(&fit_err, EFF_EINVAL, NULL, 0, 0, "no rows");
        if (fs == EFF_ENOMEM) {
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        } else if (fs != EFF_OK) {
            st = eval_say_why(j, &sg->naive_why_not, "naive TWFE", sg->id, &fit_err, err);
        } else {
            double z = 1.959963984540054;
            for (size_t k = 0; k < r.k; k++) {
                int e = iv->emin + (int)k + (iv->emin + (int)k >= -1);
                eff_eval_robust *o = &sg->naive[e - iv->emin];
                *o = (eff_eval_robust){e, 1, b[k], se[k], b[k] - z * se[k], b[k] + z * se[k],
                                       NAN, NAN, 2 * gsl_cdf_ugaussian_Q(fabs(b[k] / se[k]))};
            }
            sg->naive_done = 1;
            sg->naive_persons = persons;
        }
    }
    eff_free(x), eff_free(r.y), eff_free(r.x), eff_free(r.unit), eff_free(r.period);
    return st;
}
