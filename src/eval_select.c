/* eval_select.c - who is compared with whom (eval.h steps 1-3): the participants kept from
 * the participation records, the control pool of each start cohort, and the matching within
 * each cohort. Matching runs cohort by cohort in ascending order, so that with
 * reuse_across_cohorts = no a control used in one cohort is gone for the later ones. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "eval_internal.h"
#include "match.h"
#include "mem.h"
#include "pscore.h"

enum { OK_ELIGIBLE = 0, NOT_RESIDENT, OUTSIDE_RULE, TOO_FEW_POST };

static int rule_met(const eff_cfg_intervention *iv, const eff_py *q)
{
    if (q->age < iv->age_min || q->age > iv->age_max || q->age < 0)
        return 0;
    if (iv->sex && q->sex != iv->sex)
        return 0;
    if (iv->school == EFF_SCHOOL_PRIMARY)
        return q->enrolled == 1 && q->school_level == 1;
    if (iv->school == EFF_SCHOOL_UPPER)
        return q->enrolled == 1 && (q->school_level == 1 || q->school_level == 2);
    return 1;
}

/* Why (person, g) cannot take part, or OK_ELIGIBLE. */
static int eligibility(const eval_job *j, int32_t person, int g)
{
    const eff_py *before = eff_persons_at(j->p, person, g - 1), *now = eff_persons_at(j->p, person, g);
    if (!before || !now)
        return NOT_RESIDENT;
    if (!rule_met(j->iv, now))
        return OUTSIDE_RULE;
    for (int e = 0; e < j->iv->min_post_periods; e++)
        if (isnan(eval_outcome(j->p, j->iv->outcome, person, g + e)))
            return TOO_FEW_POST;
    return OK_ELIGIBLE;
}

static int wanted(const eff_cfg_intervention *iv, const char *activity)
{
    for (size_t k = 0; activity && k < iv->n_activities; k++)
        if (strcmp(activity, iv->activities[k]) == 0)
            return 1;
    return 0;
}

typedef struct first_start {
    int g;
    long line;
    int32_t plan;
} first_start;

/* The first start year of each distinct id among the intervention's records. */
static eff_status first_starts(eval_job *j, const eff_table *rec, const char *path,
                               const size_t *col, eff_dict *ids, first_start **firsts,
                               eff_dict *plans, eff_error *err)
{
    size_t n = eff_table_n_rows(rec), cap = 0;
    eff_status st = EFF_OK;
    *firsts = NULL;
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        if (!wanted(j->iv, eff_table_str(rec, col[1], r)))
            continue;
        const char *pnr = eff_table_str(rec, col[0], r);
        double g = eff_table_col_type(rec, col[2]) == EFF_TYPE_I64
                       ? (eff_table_i64(rec, col[2])[r] == EFF_I64_NA
                              ? NAN : (double)eff_table_i64(rec, col[2])[r])
                       : eff_table_f64(rec, col[2])[r];
        if (!pnr || isnan(g))
            return eff_error_set(err, EFF_EINVAL, path, (long)r + 2, 0,
                                 "a participation record needs an id and a start year");
        if (g - 1 < j->c->year_first || g > j->c->year_last || g != floor(g))
            return eff_error_set(err, EFF_EINVAL, path, (long)r + 2, 0,
                                 "start year %.0f is outside the register years %d-%d (the "
                                 "covariates need year g-1)", g, j->c->year_first + 1,
                                 j->c->year_last);
        j->out->counts[EFF_N_RECORDS].value++;
        char plan_text[64] = "";
        if (eff_table_col_type(rec, col[3]) == EFF_TYPE_STR) {
            const char *s = eff_table_str(rec, col[3], r);
            snprintf(plan_text, sizeof plan_text, "%s", s ? s : "");
        } else if (!eff_table_is_na(rec, col[3], r)) {
            double v = eff_table_col_type(rec, col[3]) == EFF_TYPE_I64
                           ? (double)eff_table_i64(rec, col[3])[r] : eff_table_f64(rec, col[3])[r];
            snprintf(plan_text, sizeof plan_text, "%.15g", v);
        }
        int32_t id, plan;
        size_t before = eff_dict_size(ids);
        st = eff_dict_intern(ids, pnr, strlen(pnr), &id, err);
        if (st == EFF_OK)
            st = eff_dict_intern(plans, plan_text, strlen(plan_text), &plan, err);
        if (st != EFF_OK)
            break;
        if ((size_t)id >= cap) {
            cap = cap ? 2 * cap : 256;
            first_start *f = eff_reallocarray(*firsts, cap, sizeof *f);
            if (!f)
                return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
            *firsts = f;
        }
        first_start *f = &(*firsts)[id];
        if ((size_t)id == before || (int)g < f->g)
            *f = (first_start){(int)g, (long)r + 2, plan};
    }
    return st;
}

eff_status eval_participants(eval_job *j, const eff_table *rec, const char *path,
                             eff_error *err)
{
    const eff_config *c = j->c;
    size_t col[4];
    const char *names[4] = {c->columns[EFF_COL_PART_PNR], c->columns[EFF_COL_PART_ACTIVITY],
                            c->columns[EFF_COL_PART_START], c->columns[EFF_COL_PART_PLAN]};
    for (size_t k = 0; k < 4; k++) {
        eff_status st = eff_table_col(rec, names[k], &col[k], err);
        if (st != EFF_OK)
            return st;
    }
    if (eff_table_col_type(rec, col[0]) != EFF_TYPE_STR ||
        eff_table_col_type(rec, col[1]) != EFF_TYPE_STR ||
        (eff_table_col_type(rec, col[2]) != EFF_TYPE_I64 &&
         eff_table_col_type(rec, col[2]) != EFF_TYPE_F64))
        return eff_error_set(err, EFF_EINVAL, path, 1, 0, "participation records need a text "
                             "id, a text activity and a numeric start year");
    eff_dict *ids = eff_dict_new(), *plans = eff_dict_new();
    first_start *firsts = NULL;
    eff_status st = ids && plans ? first_starts(j, rec, path, col, ids, &firsts, plans, err)
                                 : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = st == EFF_OK ? eff_dict_size(ids) : 0;
    eff_eval_cell *cnt = j->out->counts;
    cnt[EFF_N_PERSONS].value = (double)n;
    for (size_t i = 0; st == EFF_OK && i < n; i++) {
        int32_t person = eff_persons_find(j->p, eff_dict_str(ids, (int32_t)i));
        int g = firsts[i].g;
        if (person < 0) {
            cnt[EFF_N_UNLINKED].value++;
            continue;
        }
        if (c->drop_first_cohort && g == c->first_cohort) {
            cnt[EFF_N_FIRST_COHORT].value++;
            continue;
        }
        int why = eligibility(j, person, g);
        if (why != OK_ELIGIBLE) {
            cnt[why == NOT_RESIDENT ? EFF_N_NOT_RESIDENT : why == OUTSIDE_RULE
                                          ? EFF_N_OUTSIDE_RULE : EFF_N_TOO_FEW_POST].value++;
            continue;
        }
        eval_unit u = {.person = person, .plan = firsts[i].plan, .set = -1, .g = (int16_t)g,
                       .treated = 1};
        st = eval_units_push(&j->part, &u, err);
    }
    cnt[EFF_N_KEPT].value = (double)j->part.n;
    eff_free(firsts);
    eff_dict_release(ids);
    eff_dict_release(plans);
    return st;
}

static int has_cohort(const eval_job *j, int g)
{
    for (size_t k = 0; k < j->part.n; k++)
        if (j->part.u[k].g == g)
            return 1;
    return 0;
}

eff_status eval_pool(eval_job *j, eff_error *err)
{
    size_t n = eff_persons_n(j->p);
    unsigned char *seen = eff_calloc(n ? n : 1, 1);
    if (!seen)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = EFF_OK;
    long persons = 0;
    for (int g = j->c->year_first + 1; st == EFF_OK && g <= j->c->year_last; g++) {
        if (!has_cohort(j, g))
            continue;
        for (size_t i = 0; st == EFF_OK && i < n; i++) {
            const eff_py *before = eff_persons_at(j->p, (int32_t)i, g - 1);
            if (!before || !before->control_estate || j->ever_participant[i] ||
                eligibility(j, (int32_t)i, g) != OK_ELIGIBLE)
                continue;
            eval_unit u = {.person = (int32_t)i, .plan = -1, .set = -1, .g = (int16_t)g};
            st = eval_units_push(&j->pool, &u, err);
            persons += !seen[i];
            seen[i] = 1;
        }
    }
    j->out->counts[EFF_N_POOL].value = (double)j->pool.n;
    j->out->counts[EFF_N_POOL_PERSONS].value = (double)persons;
    eff_free(seen);
    return st;
}

/* The exact-matching code of a unit for exact column k in g-1, -1 when missing. */
static int32_t exact_code(const eval_job *j, size_t k, const eval_unit *u)
{
    const char *name = j->iv->exact[k];
    if (strcasecmp(name, j->c->columns[EFF_COL_SEX]) == 0) {
        const eff_py *q = eff_persons_at(j->p, u->person, u->g - 1);
        return q && q->sex ? q->sex : -1;
    }
    int x = eff_persons_extra_index(j->p, name);
    return x < 0 ? -1 : eff_persons_extra_at(j->p, x, u->person, u->g - 1);
}

static eff_status add_column(eff_table *t, const char *name, const eval_unit *const *units,
                             size_t n, const eval_job *j, int lag_missing, size_t *n_added,
                             const char **names, eff_error *err)
{
    double *v = eff_mallocarray(n ? n : 1, sizeof *v);
    if (!v)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = eval_match_value(j, name, lag_missing, units[i]);
        v[i] = x;
        if (!isnan(x)) lo = fmin(lo, x), hi = fmax(hi, x);
    }
    char col[64];
    snprintf(col, sizeof col, "%s%s", name, lag_missing ? "_missing" : "");
    if (!(hi > lo)) { /* constant here: the score cannot use it */
        eff_free(v);
        return EFF_OK;
    }
    eff_status st = eff_table_add_f64(t, col, v, err);
    if (st != EFF_OK) {
        eff_free(v);
        return st;
    }
    names[(*n_added)++] = eff_table_col_name(t, eff_table_n_cols(t) - 1);
    return EFF_OK;
}

static eff_status cohort_table(const eval_job *j, const eval_unit *const *units, size_t n,
                               eff_table **out, const char **cov, size_t *n_cov,
                               const char **exact, eff_error *err)
{
    eff_table *t = eff_table_new(n);
    int64_t *treat = eff_mallocarray(n ? n : 1, sizeof *treat);
    eff_status st = t && treat ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < n; i++)
        treat[i] = units[i]->treated;
    if (st == EFF_OK && (st = eff_table_add_i64(t, "treat", treat, err)) == EFF_OK)
        treat = NULL;
    *n_cov = 0;
    for (size_t k = 0; st == EFF_OK && k < j->covs.n; k++) {
        st = add_column(t, j->covs.names[k], units, n, j, 0, n_cov, cov, err);
        if (st == EFF_OK && k >= j->covs.n_model)
            st = add_column(t, j->covs.names[k], units, n, j, 1, n_cov, cov, err);
    }
    for (size_t k = 0; st == EFF_OK && k < j->iv->n_exact; k++) {
        int64_t *code = eff_mallocarray(n ? n : 1, sizeof *code);
        char name[32];
        snprintf(name, sizeof name, "exact_%zu", k);
        if (!code) {
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (size_t i = 0; i < n; i++) {
            int32_t x = exact_code(j, k, units[i]);
            code[i] = x < 0 ? EFF_I64_NA : x;
        }
        if ((st = eff_table_add_i64(t, name, code, err)) != EFF_OK)
            eff_free(code);
        else
            exact[k] = eff_table_col_name(t, eff_table_n_cols(t) - 1);
    }
    eff_free(treat);
    if (st != EFF_OK) {
        eff_table_free(t);
        return st;
    }
    *out = t;
    return EFF_OK;
}

static eff_status keep_matches(eval_job *j, const eval_unit *const *units, const eff_pscore *ps,
                               const eff_match *m, const size_t *part_index,
                               unsigned char *used, unsigned char *times, eff_error *err)
{
    size_t n = ps->n;
    int64_t *set_of = eff_mallocarray(n ? n : 1, sizeof *set_of);
    if (!set_of)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < n; k++)
        set_of[k] = -1;
    for (size_t k = 0; k < n; k++) { /* a control belongs to the first set that chose it */
        const int64_t *ctl = ps->treat[k] ? eff_match_controls(m, k) : NULL;
        for (int r = 0; ctl && r < eff_match_ratio(m); r++)
            if (ctl[r] >= 0 && set_of[ctl[r]] < 0)
                set_of[ctl[r]] = (int64_t)k;
    }
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < n; k++) {
        double w = eff_match_weight(m, k);
        if (!(w > 0))
            continue;
        eval_unit u = *units[ps->rows[k]];
        size_t lead = ps->treat[k] ? k : (size_t)set_of[k];
        u.set = (int32_t)part_index[ps->rows[lead]];
        u.plan = units[ps->rows[lead]]->plan;
        u.weight = w;
        if (!u.treated) {
            used[u.person] = 1;
            times[u.person] += times[u.person] < 255;
        }
        st = eval_units_push(&j->matched, &u, err);
    }
    eff_free(set_of);
    return st;
}

/* Common support on the 0/1 covariates: when every participant of the cohort has the same
 * value, a control with the other value has a propensity of 0 in the limit (the logit would
 * not exist: separation), so it leaves the pool; the same the other way round for
 * participants, who then stay unmatched. Repeated until nothing changes. */
static size_t binary_support(const eval_job *j, const eval_unit **units, size_t *part_index,
                             size_t n)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t c = 0; c < j->covs.n + (j->covs.n - j->covs.n_model); c++) {
            size_t k = c < j->covs.n ? c : j->covs.n_model + (c - j->covs.n);
            int flag = c >= j->covs.n; /* the lags' missing indicators come last */
            const char *name = j->covs.names[k];
            double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
            int binary = 1;
            for (size_t i = 0; i < n; i++) {
                double x = eval_match_value(j, name, flag, units[i]);
                if (isnan(x))
                    continue;
                binary &= x == 0 || x == 1;
                int t = units[i]->treated;
                lo[t] = fmin(lo[t], x), hi[t] = fmax(hi[t], x);
            }
            for (int t = 0; binary && t < 2; t++) {
                if (!(lo[t] == hi[t]) || !(lo[1 - t] < hi[1 - t]))
                    continue;
                size_t m = 0;
                for (size_t i = 0; i < n; i++) {
                    double x = eval_match_value(j, name, flag, units[i]);
                    if (units[i]->treated == t || isnan(x) || x == lo[t])
                        part_index[m] = part_index[i], units[m++] = units[i];
                }
                changed |= m < n;
                n = m;
            }
        }
    }
    return n;
}

static eff_status match_cohort(eval_job *j, int g, unsigned char *used, unsigned char *times,
                               eff_error *err)
{
    size_t cap = j->part.n + j->pool.n, n = 0, n_treated = 0;
    const eval_unit **units = eff_mallocarray(cap ? cap : 1, sizeof *units);
    size_t *part_index = eff_mallocarray(cap ? cap : 1, sizeof *part_index);
    if (!units || !part_index) {
        eff_free(units);
        eff_free(part_index);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < j->part.n; k++)
        if (j->part.u[k].g == g)
            part_index[n] = k, units[n++] = &j->part.u[k], n_treated++;
    size_t n_controls = 0;
    for (size_t k = 0; k < j->pool.n; k++)
        if (j->pool.u[k].g == g && (j->c->reuse_across_cohorts || !used[j->pool.u[k].person]))
            part_index[n] = 0, units[n++] = &j->pool.u[k], n_controls++;
    n = binary_support(j, units, part_index, n);
    n_controls = 0;
    for (size_t k = 0; k < n; k++)
        n_controls += !units[k]->treated;
    eff_status st = EFF_OK;
    if (n_treated && !n_controls) {
        st = eval_warn(j, "start cohort %d: no candidate controls; its %zu participants are "
                       "unmatched", g, n_treated);
        j->out->counts[EFF_N_UNMATCHED].value += (double)n_treated;
    } else if (n_treated) {
        const char *cov[2 * EFF_EVAL_MAX_COV], *exact[EFF_CFG_MAX_LIST];
        size_t n_cov = 0;
        eff_table *t = NULL;
        eff_pscore *ps = NULL;
        eff_match *m = NULL;
        st = cohort_table(j, units, n, &t, cov, &n_cov, exact, err);
        eff_pscore_spec spec = {.treat = "treat", .covariates = cov, .n_covariates = n_cov,
                                .logit_distance = j->iv->caliper > 0, .exact = exact,
                                .n_exact = j->iv->n_exact};
        if (st == EFF_OK) {
            st = eff_pscore_build(t, &spec, j->ctx, &ps, err);
            if (st == EFF_EINVAL || st == EFF_ENOCONV) { /* said, and the cohort unmatched */
                st = eval_warn(j, "%s, start cohort %d: the propensity model could not be "
                               "fitted (%s); its %zu participants are unmatched", j->iv->id, g,
                               err->msg, n_treated);
                j->out->counts[EFF_N_UNMATCHED].value += (double)n_treated;
                eff_table_free(t);
                eff_free(units);
                eff_free(part_index);
                return st;
            }
        }
        eff_match_options mo = eff_match_options_default();
        mo.ratio = j->iv->ratio;
        mo.replace = j->iv->replace;
        mo.caliper = j->iv->caliper;
        mo.caliper_sd = 1;
        if (st == EFF_OK)
            st = eff_match_nearest(ps->distance, ps->treat, ps->strata, ps->n, &mo, &m, err);
        if (st == EFF_OK) {
            size_t before = j->matched.n;
            st = keep_matches(j, units, ps, m, part_index, used, times, err);
            size_t got = 0;
            for (size_t k = before; k < j->matched.n; k++)
                got += j->matched.u[k].treated;
            j->out->counts[EFF_N_UNMATCHED].value += (double)(n_treated - got);
            j->out->counts[EFF_N_MATCHED].value += (double)got;
            if (j->out->n_cohorts < 8) {
                j->out->cohorts[j->out->n_cohorts] = g;
                j->out->cohort_participants[j->out->n_cohorts++] = (long)got;
            }
        } else {
            eff_error_prefix(err, "matching start cohort %d of %s", g, j->iv->id);
        }
        eff_match_free(m);
        eff_pscore_free(ps);
        eff_table_free(t);
    }
    eff_free(units);
    eff_free(part_index);
    return st;
}

eff_status eval_match(eval_job *j, eff_error *err)
{
    size_t n = eff_persons_n(j->p);
    unsigned char *used = eff_calloc(n ? n : 1, 1), *times = eff_calloc(n ? n : 1, 1);
    eff_status st = used && times ? EFF_OK
                                  : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (int g = j->c->year_first + 1; st == EFF_OK && g <= j->c->year_last; g++)
        if (has_cohort(j, g))
            st = match_cohort(j, g, used, times, err);
    long controls = 0, reused = 0;
    for (size_t i = 0; st == EFF_OK && i < n; i++)
        controls += times[i] > 0, reused += times[i] > 1;
    j->out->counts[EFF_N_CONTROLS].value = (double)controls;
    j->out->counts[EFF_N_CONTROLS_REUSED].value = (double)reused;
    eff_free(used);
    eff_free(times);
    return st;
}
