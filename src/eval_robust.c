/* eval_robust.c - the robustness results of one subgroup (issue 12), next to the seed's
 * pooled event study:
 *   1. Callaway-Sant'Anna stack by stack (csdid.h): cohort g's participants against only
 *      cohort g's matched controls (never pooled: that would break the matching), on the
 *      percentage-point scale, with a universal base period so the pre-periods share the
 *      e = -1 reference, aggregated to event time with did's cohort-share weights;
 *   2. Rosenbaum bounds (rosenbaum.h) on the matched pairs, only for 1:1 matching without
 *      replacement;
 *   3. wild cluster bootstrap inference (wildboot.h) on the model's effects, clustered by
 *      plan (controls inherit their participant's plan) or by each person's own estate.
 * A failure of one of them is said (why_not and a warning), never fatal, unless memory runs
 * out. Nothing here is printed unless its event time passed disclosure control (run_out.c
 * checks the effect's hidden flag). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csdid.h"
#include "eval_internal.h"
#include "mem.h"
#include "rosenbaum.h"
#include "wildboot.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Codes 0..G-1 for the keys, in key order. */
static eff_status codes_of(const int64_t *keys, size_t n, int32_t *codes, size_t *n_codes,
                           eff_error *err)
{
    int64_t *sorted = eff_mallocarray(n + 1, sizeof *sorted);
    if (!sorted)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(sorted, keys, n * sizeof *keys);
    qsort(sorted, n, sizeof *sorted, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || sorted[m - 1] != sorted[i])
            sorted[m++] = sorted[i];
    for (size_t i = 0; i < n; i++) {
        const int64_t *at = bsearch(&keys[i], sorted, m, sizeof *sorted, cmp_i64);
        codes[i] = (int32_t)(at - sorted);
    }
    *n_codes = m;
    eff_free(sorted);
    return EFF_OK;
}

eff_status eval_say_why(eval_job *j, char **why, const char *what, const char *sg_id,
                        const eff_error *e, eff_error *err)
{
    char buf[700];
    snprintf(buf, sizeof buf, "%s not estimated: %s", what, e->msg);
    eff_free(*why);
    if (!(*why = eff_strdup(buf)))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    return eval_warn(j, "%s, %s: %s", j->iv->id, sg_id, buf);
}

typedef struct cs_arrays {
    int *times, *group, *stack;
    double *y, *weight;
    int64_t *keys;
    int32_t *cluster;
} cs_arrays;

static void cs_arrays_free(cs_arrays *a)
{
    eff_free(a->times), eff_free(a->group), eff_free(a->stack), eff_free(a->y);
    eff_free(a->weight), eff_free(a->keys), eff_free(a->cluster);
}

/* The stacked panel: one unit per matched person and cohort, calendar years, the outcome
 * (in percentage points for a binary one) inside the unit's window only. */
static eff_status cs_panel(const eval_job *j, const eval_unit *const *u, size_t n,
                           eff_cluster_kind kind, cs_arrays *a, eff_cs_panel *p, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    double scale = iv->outcome->kind == EFF_OUTCOME_VALUE ? 1 : 100;
    int gmin = u[0]->g, gmax = u[0]->g;
    for (size_t i = 1; i < n; i++)
        gmin = u[i]->g < gmin ? u[i]->g : gmin, gmax = u[i]->g > gmax ? u[i]->g : gmax;
    int t0 = gmin + iv->emin;
    size_t T = (size_t)(gmax + iv->emax - t0 + 1);
    a->times = eff_mallocarray(T, sizeof *a->times);
    a->group = eff_mallocarray(n, sizeof *a->group);
    a->stack = eff_mallocarray(n, sizeof *a->stack);
    a->y = eff_mallocarray(n * T, sizeof *a->y);
    a->weight = eff_mallocarray(n, sizeof *a->weight);
    a->keys = eff_mallocarray(n, sizeof *a->keys);
    a->cluster = eff_mallocarray(n, sizeof *a->cluster);
    if (!a->times || !a->group || !a->stack || !a->y || !a->weight || !a->keys || !a->cluster)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t t = 0; t < T; t++)
        a->times[t] = t0 + (int)t;
    for (size_t i = 0; i < n; i++) {
        a->group[i] = u[i]->treated ? u[i]->g : 0;
        a->stack[i] = u[i]->g;
        a->weight[i] = u[i]->weight;
        a->keys[i] = kind == EFF_CLUSTER_PERSON ? u[i]->person
                     : kind == EFF_CLUSTER_PLAN ? u[i]->plan
                                                : u[i]->set;
        for (size_t t = 0; t < T; t++)
            a->y[i * T + t] = NAN;
        for (int e = iv->emin; e <= iv->emax; e++)
            a->y[i * T + (size_t)(u[i]->g + e - t0)] =
                scale * eval_outcome(j->p, iv->outcome, u[i]->person, u[i]->g + e);
    }
    *p = (eff_cs_panel){.n_units = n, .n_times = T, .times = a->times, .group = a->group,
                        .stack = a->stack, .y = a->y, .weight = a->weight,
                        .cluster = a->cluster};
    return codes_of(a->keys, n, a->cluster, &p->n_clusters, err);
}

static eff_status cs_store(const eval_job *j, const eff_cs_agg *agg, const eff_cs *cs,
                           eff_eval_subgroup *sg, eff_error *err)
{
    for (size_t k = 0; k < sg->n_effects; k++)
        sg->cs[k] = (eff_eval_robust){.event_time = j->iv->emin + (int)k};
    for (size_t r = 0; r < agg->n_rows; r++) {
        const eff_cs_agg_row *row = &agg->rows[r];
        long k = row->key - j->iv->emin;
        if (k < 0 || (size_t)k >= sg->n_effects || !row->estimated)
            continue;
        sg->cs[k] = (eff_eval_robust){row->key, 1, row->estimate, row->std_error, row->ci_low,
                                      row->ci_high, row->band_low, row->band_high,
                                      row->p_value};
    }
    const eff_cs_agg_row *o = &agg->overall;
    sg->cs_overall = (eff_eval_robust){0, o->estimated, o->estimate, o->std_error, o->ci_low,
                                       o->ci_high, NAN, NAN, o->p_value};
    double w;
    int df;
    eff_status st = eff_cs_pretest(cs, &w, &df, &sg->cs_pretest_p, err);
    sg->cs_done = st == EFF_OK;
    return st;
}

static eff_status cs_stacked(eval_job *j, const eval_unit *const *u, size_t n,
                             eff_cluster_kind kind, eff_eval_subgroup *sg, eff_error *err)
{
    cs_arrays a = {0};
    eff_cs_panel p;
    eff_cs *cs = NULL;
    eff_cs_agg *agg = NULL;
    eff_status st = cs_panel(j, u, n, kind, &a, &p, err);
    if (st == EFF_OK) {
        eff_cs_options o = eff_cs_options_default();
        o.method = EFF_CS_REG;
        o.base = EFF_CS_UNIVERSAL;
        o.pairwise = 1;
        o.seed = j->c->seed;
        eff_error fit_err;
        eff_status fs = eff_cs_fit(&p, &o, &cs, &fit_err);
        if (fs == EFF_OK)
            fs = eff_cs_aggregate(cs, EFF_CS_DYNAMIC, &agg, &fit_err);
        if (fs == EFF_ENOMEM)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        else if (fs != EFF_OK)
            st = eval_say_why(j, &sg->cs_why_not, "Callaway-Sant'Anna", sg->id, &fit_err, err);
        else
            st = cs_store(j, agg, cs, sg, err);
    }
    eff_cs_agg_free(agg);
    eff_cs_free(cs);
    cs_arrays_free(&a);
    return st;
}

/* ---- Rosenbaum bounds ------------------------------------------------------------- */

/* The outcome of a unit at event time e (NaN when not observed). */
static double y_at(const eval_job *j, const eval_unit *u, int e)
{
    return eval_outcome(j->p, j->iv->outcome, u->person, u->g + e);
}

static int cmp_set(const void *a, const void *b)
{
    const eval_unit *x = *(const eval_unit *const *)a, *y = *(const eval_unit *const *)b;
    if (x->set != y->set)
        return (x->set > y->set) - (x->set < y->set);
    return (int)y->treated - (int)x->treated; /* the participant first */
}

/* The bounds at one event time over the pairs (treated, control). */
static eff_status sens_at(const eval_job *j, const eval_unit *const *pairs, size_t n_pairs,
                          int e, int direction, eff_eval_sens *s, double *d, eff_error *err)
{
    int binary = j->iv->outcome->kind != EFF_OUTCOME_VALUE, exact_lag = binary;
    size_t m = 0, t_only = 0, c_only = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        const eval_unit *t = pairs[2 * i], *c = pairs[2 * i + 1];
        double te = y_at(j, t, e), tb = y_at(j, t, -1), ce = y_at(j, c, e), cb = y_at(j, c, -1);
        if (isnan(te) || isnan(tb) || isnan(ce) || isnan(cb))
            continue;
        d[m++] = (te - tb) - (ce - cb);
        exact_lag &= tb == cb;
        t_only += te == 1 && ce == 0;
        c_only += te == 0 && ce == 1;
    }
    double grid[EFF_EVAL_N_GAMMA];
    eff_rosen_default_grid(grid, EFF_EVAL_N_GAMMA);
    eff_rosen_bound b[EFF_EVAL_N_GAMMA];
    eff_rosen_info info = {0};
    eff_error e_err;
    eff_status st;
    /* McNemar on y_e only where the pairs agree on the outcome in g-1: then the paired DiD is
     * the difference in y_e, and the exact binomial test is the natural one */
    if (binary && exact_lag && m > 0) {
        s->test = "mcnemar";
        st = eff_rosen_mcnemar(t_only, c_only, direction, grid, EFF_EVAL_N_GAMMA, b, &e_err);
        info.exact = 1;
    } else {
        s->test = "wilcoxon";
        st = m > 0 ? eff_rosen_signrank(d, m, direction, grid, EFF_EVAL_N_GAMMA, b, &info,
                                        &e_err)
                   : eff_error_set(&e_err, EFF_EINVAL, NULL, 0, 0, "no complete pairs");
    }
    if (st == EFF_ENOMEM)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    s->event_time = e;
    s->n_pairs = m;
    if (st != EFF_OK) /* no informative pairs at e: no bounds there */
        return EFF_OK;
    s->done = 1;
    s->exact = info.exact;
    for (int k = 0; k < EFF_EVAL_N_GAMMA; k++)
        s->p_lower[k] = b[k].p_lower, s->p_upper[k] = b[k].p_upper;
    s->gamma_star = eff_rosen_gamma_star(b, EFF_EVAL_N_GAMMA, 0.05);
    return EFF_OK;
}

static eff_status sensitivity(eval_job *j, const eval_unit *const *u, size_t n,
                              eff_eval_subgroup *sg, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    if (iv->ratio != 1 || iv->replace) {
        eff_error why = {0};
        snprintf(why.msg, sizeof why.msg, "Rosenbaum bounds need 1:1 matching without "
                 "replacement (ratio = %d, replace = %s)", iv->ratio, iv->replace ? "yes" : "no");
        return eval_say_why(j, &sg->sens_why_not, "sensitivity", sg->id, &why, err);
    }
    const eval_unit **sorted = eff_mallocarray(n + 1, sizeof *sorted);
    double *d = eff_mallocarray(n + 1, sizeof *d);
    if (!sorted || !d) {
        eff_free(sorted), eff_free(d);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(sorted, u, n * sizeof *u);
    qsort(sorted, n, sizeof *sorted, cmp_set);
    size_t n_pairs = 0; /* (participant, control) of the same set, packed in place */
    for (size_t i = 0; i + 1 < n; i++)
        if (sorted[i]->set >= 0 && sorted[i]->set == sorted[i + 1]->set &&
            sorted[i]->treated && !sorted[i + 1]->treated) {
            sorted[2 * n_pairs] = sorted[i], sorted[2 * n_pairs + 1] = sorted[i + 1];
            n_pairs++, i++;
        }
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < sg->n_effects; k++) {
        int e = iv->emin + (int)k;
        sg->sens[k] = (eff_eval_sens){.event_time = e, .test = "", .gamma_star = NAN};
        if (e < 0)
            continue;
        const eff_eval_effect *f = &sg->effects[k];
        int direction = f->estimable && f->coef.estimate < 0 ? -1 : 1;
        if (!f->estimable && sg->cs[k].estimated && sg->cs[k].estimate < 0)
            direction = -1;
        st = sens_at(j, (const eval_unit *const *)sorted, n_pairs, e, direction, &sg->sens[k],
                     d, err);
    }
    sg->sens_done = st == EFF_OK;
    eff_free(sorted), eff_free(d);
    return st;
}

/* ---- wild cluster bootstrap --------------------------------------------------------- */

static int64_t wild_cluster_of(const eval_job *j, const eval_unit *u)
{
    if (j->iv->wild_cluster == 1) {
        const eff_py *q = eff_persons_at(j->p, u->person, u->g - 1);
        if (q && q->estate >= 0)
            return q->estate;
        return -1 - (int64_t)u->person; /* no estate: the person alone */
    }
    return u->plan;
}

static void wild_store(const eff_did *d, size_t k, const eff_wild_result *r,
                       eff_eval_subgroup *sg)
{
    const eff_did_effect *f = eff_did_effect_at(d, k);
    double se = r->statistic != 0 ? fabs((r->estimate - r->null_value) / r->statistic) : NAN;
    sg->wild[k] = (eff_eval_robust){f->event_time, 1, r->estimate, se, r->ci_low, r->ci_high,
                                    NAN, NAN, r->p_value};
    sg->wild_clusters = r->n_clusters;
    sg->wild_reps = r->reps;
    sg->wild_enumerated = r->enumerated;
    sg->wild_weights = r->weights_used == EFF_BOOT_WEBB ? "webb" : "rademacher";
}

static eff_status wild(eval_job *j, const eval_unit *const *u, const eff_did *d,
                       const int64_t *unit_of_row, eff_eval_subgroup *sg, eff_error *err)
{
    const eff_design *des = eff_did_design(d);
    size_t n = eff_design_n(des), G = 0;
    int64_t *keys = eff_mallocarray(n + 1, sizeof *keys);
    int32_t *codes = eff_mallocarray(n + 1, sizeof *codes);
    eff_status st = keys && codes ? EFF_OK
                                  : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < n; i++)
        keys[i] = wild_cluster_of(j, u[unit_of_row[eff_did_panel_row(d, i)]]);
    if (st == EFF_OK)
        st = codes_of(keys, n, codes, &G, err);
    eff_wild_options o = eff_wild_options_default();
    o.reps = j->iv->wild_reps;
    o.seed = j->c->seed;
    o.weights = j->iv->wild_weights == 1   ? EFF_BOOT_RADEMACHER
                : j->iv->wild_weights == 2 ? EFF_BOOT_WEBB
                                           : EFF_BOOT_AUTO;
    o.want_ci = 1;
    o.level = j->iv->wild_level;
    sg->wild_cluster = j->iv->wild_cluster == 1 ? "estate" : "plan";
    for (size_t k = 0; st == EFF_OK && k < sg->n_effects; k++) {
        sg->wild[k] = (eff_eval_robust){.event_time = j->iv->emin + (int)k};
        size_t term = eff_did_delta_term(d, k);
        if (term == SIZE_MAX)
            continue;
        eff_wild_result r;
        eff_error e_err;
        eff_status ws = eff_wild_test(eff_did_model(d), des, term, 0.0, codes, G, &o, j->ctx, &r,
                                      &e_err);
        if (ws == EFF_ENOMEM || ws == EFF_EABORT) {
            *err = e_err;
            st = ws;
        } else if (ws != EFF_OK) {
            st = eval_say_why(j, &sg->wild_why_not, "wild cluster bootstrap", sg->id, &e_err, err);
            break;
        } else {
            wild_store(d, k, &r, sg);
            sg->wild_done = 1;
        }
    }
    eff_free(keys), eff_free(codes);
    return st;
}

eff_status eval_robustness(eval_job *j, const eval_unit *const *units, size_t n,
                           eff_cluster_kind kind, const eff_did *d, const int64_t *unit_of_row,
                           eff_eval_subgroup *sg, eff_error *err)
{
    if (n == 0)
        return EFF_OK;
    eff_status st = cs_stacked(j, units, n, kind, sg, err);
    if (st == EFF_OK)
        st = sensitivity(j, units, n, sg, err);
    if (st == EFF_OK && d && j->iv->wild)
        st = wild(j, units, d, unit_of_row, sg, err);
    return st;
}
