/* csdid_agg.c - the aggregations of ATT(g,t) (did's compute.aggte), the multiplier-bootstrap
 * critical value of the uniform bands (did's mboot), and the Wald pre-test (csdid.h).
 *
 * An aggregate is sum_k w_k ATT_k with weights from the estimated cohort shares pg. Its
 * influence function is sum_k w_k psi_k plus the effect of estimating the weights (did's wif):
 * for unit i, sum_k att_k [ (1{G_i = g_k} - pg_k) / S - pg_k sum_l (1{G_i = g_l} - pg_l) / S^2 ]
 * with S = sum_k pg_k over the aggregated entries. Overall dynamic and calendar effects are
 * plain means of the per-row aggregates (no further share term), as in did. */
#include "csdid_internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "linalg.h"
#include "mem.h"
#include "rng.h"

const char *eff_cs_agg_name(eff_cs_agg_type type)
{
    static const char *const names[] = {"dynamic", "group", "calendar", "simple"};
    return names[type];
}

/* P(G = g) among the units used. */
static double cohort_share(const eff_cs *cs, int g)
{
    size_t c = 0;
    for (size_t i = 0; i < cs->n; i++)
        c += cs->group[i] == g;
    return (double)c / (double)cs->n;
}

/* The influence function (n) of sum_k w_k att_k over the entries idx (m of them) with
 * weights pg_k / S, the share term included when with_wif; the estimate into *estimate. */
static eff_status weighted_inf(const eff_cs *cs, const size_t *idx, const double *att,
                               const double *const *psi, const int *groups, size_t m,
                               int with_wif, double *inf, double *estimate, eff_error *err)
{
    double *pg = eff_mallocarray(m + 1, sizeof *pg);
    if (!pg) /* not a NaN estimate: that would pass for a row with nothing to aggregate */
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double s = 0, est = 0;
    for (size_t k = 0; k < m; k++) {
        pg[k] = cohort_share(cs, groups[idx ? idx[k] : k]);
        s += pg[k];
    }
    for (size_t k = 0; k < m; k++)
        est += pg[k] / s * att[idx ? idx[k] : k];
    for (size_t i = 0; i < cs->n; i++) {
        double f = 0, dev_sum = 0, if1 = 0, pg_att = 0;
        for (size_t k = 0; k < m; k++) {
            size_t e = idx ? idx[k] : k;
            f += pg[k] / s * psi[e][i];
            double dev = (cs->group[i] == groups[e]) - pg[k];
            dev_sum += dev;
            if1 += dev / s * att[e];
            pg_att += pg[k] * att[e];
        }
        inf[i] = f + (with_wif ? if1 - dev_sum * pg_att / (s * s) : 0);
    }
    eff_free(pg);
    *estimate = est;
    return EFF_OK;
}

typedef struct agg_work {
    const double **psi;      /* ATT(g,t) influence columns */
    double *att;
    int *groups;
    size_t *idx;
    double *row_inf;         /* n x rows */
} agg_work;

static void fill_row(eff_cs_agg_row *r, double est, double se)
{
    double z = gsl_cdf_ugaussian_Qinv(0.025);
    r->estimated = isfinite(est) && isfinite(se);
    r->estimate = est;
    r->std_error = se;
    r->p_value = r->estimated && se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(est / se)) : NAN;
    r->ci_low = est - z * se;
    r->ci_high = est + z * se;
    r->band_low = r->band_high = NAN;
}

/* Row keys and the entries of each row for the aggregation type. */
static int row_key(const eff_cs_att *a, eff_cs_agg_type type)
{
    return type == EFF_CS_DYNAMIC ? a->time - a->group
           : type == EFF_CS_GROUP ? a->group
                                  : a->time;
}

static int in_row(const eff_cs_att *a, eff_cs_agg_type type, int key)
{
    if (!a->estimated)
        return 0;
    switch (type) {
    case EFF_CS_DYNAMIC: return a->time - a->group == key;
    case EFF_CS_GROUP: return a->group == key && a->time >= a->group;
    case EFF_CS_CALENDAR: return a->time == key && a->group <= a->time;
    default: return a->time >= a->group;
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The distinct keys of the type, ascending. */
static size_t agg_keys(const eff_cs *cs, eff_cs_agg_type type, int *keys)
{
    size_t m = 0;
    int min_group = 0;
    for (size_t k = 0; k < cs->n_att; k++)
        if (min_group == 0 || cs->att[k].group < min_group)
            min_group = cs->att[k].group;
    for (size_t k = 0; k < cs->n_att; k++) {
        const eff_cs_att *a = &cs->att[k];
        if (type == EFF_CS_GROUP && a->time < a->group)
            continue;
        if (type == EFF_CS_CALENDAR && a->time < min_group)
            continue;
        keys[m++] = row_key(a, type);
    }
    qsort(keys, m, sizeof *keys, cmp_int);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || keys[u - 1] != keys[i])
            keys[u++] = keys[i];
    return u;
}

/* The per-row aggregates of dynamic, group and calendar. */
static eff_status agg_rows(const eff_cs *cs, eff_cs_agg *a, agg_work *w, eff_error *err)
{
    int *keys = eff_mallocarray(cs->n_att + 1, sizeof *keys);
    if (!keys)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n_keys = agg_keys(cs, a->type, keys);
    a->rows = eff_calloc(n_keys + 1, sizeof *a->rows);
    w->row_inf = eff_calloc(cs->n * (n_keys + 1), sizeof *w->row_inf);
    double *sums = eff_mallocarray(cs->n_clusters + 1, sizeof *sums);
    eff_status st = a->rows && w->row_inf && sums ? EFF_OK
                    : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; st == EFF_OK && r < n_keys; r++) {
        size_t m = 0;
        for (size_t k = 0; k < cs->n_att; k++)
            if (in_row(&cs->att[k], a->type, keys[r]))
                w->idx[m++] = k;
        eff_cs_agg_row *row = &a->rows[a->n_rows++];
        row->key = keys[r];
        fill_row(row, NAN, NAN);
        if (m == 0) { /* the universal reference period (0, as did prints it), or nothing */
            for (size_t k = 0; k < cs->n_att; k++) {
                const eff_cs_att *x = &cs->att[k];
                if (x->time == x->base && row_key(x, a->type) == keys[r])
                    row->estimate = 0;
            }
            continue;
        }
        double *inf = w->row_inf + r * cs->n, est;
        if (a->type == EFF_CS_GROUP) { /* a plain mean within the cohort */
            est = 0;
            memset(inf, 0, cs->n * sizeof *inf);
            for (size_t k = 0; k < m; k++) {
                est += w->att[w->idx[k]] / (double)m;
                for (size_t i = 0; i < cs->n; i++)
                    inf[i] += w->psi[w->idx[k]][i] / (double)m;
            }
        } else {
            st = weighted_inf(cs, w->idx, w->att, w->psi, w->groups, m, 1, inf, &est, err);
            if (st != EFF_OK)
                break;
        }
        eff_cs_cluster_sum(cs, inf, sums);
        fill_row(row, est, eff_cs_se_of(cs, sums));
    }
    eff_free(keys);
    eff_free(sums);
    return st;
}

/* Overall effects: simple (share-weighted over post entries), group (share-weighted over
 * cohorts), dynamic (mean over e >= 0) and calendar (mean over periods). */
static eff_status agg_overall(const eff_cs *cs, eff_cs_agg *a, agg_work *w, eff_error *err)
{
    double *inf = eff_calloc(cs->n + 1, sizeof *inf);
    double *sums = eff_mallocarray(cs->n_clusters + 1, sizeof *sums);
    const double **row_psi = eff_mallocarray(a->n_rows + 1, sizeof *row_psi);
    double *row_att = eff_mallocarray(a->n_rows + 1, sizeof *row_att);
    int *row_groups = eff_mallocarray(a->n_rows + 1, sizeof *row_groups);
    if (!inf || !sums || !row_psi || !row_att || !row_groups) {
        eff_free(inf), eff_free(sums), eff_free(row_psi), eff_free(row_att), eff_free(row_groups);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double est = NAN;
    size_t m = 0;
    eff_status st = EFF_OK;
    if (a->type == EFF_CS_SIMPLE) {
        for (size_t k = 0; k < cs->n_att; k++)
            if (in_row(&cs->att[k], EFF_CS_SIMPLE, 0))
                w->idx[m++] = k;
        if (m > 0)
            st = weighted_inf(cs, w->idx, w->att, w->psi, w->groups, m, 1, inf, &est, err);
    } else {
        for (size_t r = 0; r < a->n_rows; r++) {
            const eff_cs_agg_row *row = &a->rows[r];
            if (!row->estimated || (a->type == EFF_CS_DYNAMIC && row->key < 0))
                continue;
            row_psi[m] = w->row_inf + r * cs->n;
            row_att[m] = row->estimate;
            row_groups[m++] = row->key;
        }
        if (m > 0 && a->type == EFF_CS_GROUP) {
            st = weighted_inf(cs, NULL, row_att, row_psi, row_groups, m, 1, inf, &est, err);
        } else if (m > 0) {
            est = 0;
            for (size_t k = 0; k < m; k++) {
                est += row_att[k] / (double)m;
                for (size_t i = 0; i < cs->n; i++)
                    inf[i] += row_psi[k][i] / (double)m;
            }
        }
    }
    if (st == EFF_OK) {
        eff_cs_cluster_sum(cs, inf, sums);
        fill_row(&a->overall, est, m > 0 ? eff_cs_se_of(cs, sums) : NAN);
    }
    eff_free(inf), eff_free(sums), eff_free(row_psi), eff_free(row_att), eff_free(row_groups);
    return st;
}

/* The uniform band over the rows. */
static eff_status agg_bands(const eff_cs *cs, eff_cs_agg *a, const agg_work *w, eff_error *err)
{
    a->crit = NAN;
    if (a->n_rows == 0 || cs->opt.reps <= 0)
        return EFF_OK;
    double *psi = eff_mallocarray(cs->n_clusters * a->n_rows + 1, sizeof *psi);
    double *se = eff_mallocarray(a->n_rows + 1, sizeof *se);
    if (!psi || !se) {
        eff_free(psi), eff_free(se);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t r = 0; r < a->n_rows; r++) {
        eff_cs_cluster_sum(cs, w->row_inf + r * cs->n, psi + r * cs->n_clusters);
        se[r] = a->rows[r].estimated ? a->rows[r].std_error : NAN;
    }
    eff_status st = eff_cs_band_crit(cs, psi, se, a->n_rows, &a->crit, err);
    for (size_t r = 0; st == EFF_OK && r < a->n_rows && isfinite(a->crit); r++) {
        eff_cs_agg_row *row = &a->rows[r];
        if (row->estimated) {
            row->band_low = row->estimate - a->crit * row->std_error;
            row->band_high = row->estimate + a->crit * row->std_error;
        }
    }
    eff_free(psi), eff_free(se);
    return st;
}

eff_status eff_cs_aggregate(const eff_cs *cs, eff_cs_agg_type type, eff_cs_agg **out,
                            eff_error *err)
{
    *out = NULL;
    eff_cs_agg *a = eff_calloc(1, sizeof *a);
    agg_work w = {0};
    w.psi = eff_mallocarray(cs->n_att + 1, sizeof *w.psi);
    w.att = eff_mallocarray(cs->n_att + 1, sizeof *w.att);
    w.groups = eff_mallocarray(cs->n_att + 1, sizeof *w.groups);
    w.idx = eff_mallocarray(cs->n_att + 1, sizeof *w.idx);
    eff_status st = a && w.psi && w.att && w.groups && w.idx
                        ? EFF_OK
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK) {
        a->type = type;
        a->crit = NAN;
        for (size_t k = 0; k < cs->n_att; k++) {
            w.psi[k] = cs->inf + k * cs->n;
            w.att[k] = cs->att[k].att;
            w.groups[k] = cs->att[k].group;
        }
        if (type != EFF_CS_SIMPLE)
            st = agg_rows(cs, a, &w, err);
        if (st == EFF_OK)
            st = agg_overall(cs, a, &w, err);
        if (st == EFF_OK)
            st = agg_bands(cs, a, &w, err);
    }
    eff_free(w.psi), eff_free(w.att), eff_free(w.groups), eff_free(w.idx), eff_free(w.row_inf);
    if (st != EFF_OK) {
        eff_cs_agg_free(a);
        return st;
    }
    *out = a;
    return EFF_OK;
}

void eff_cs_agg_free(eff_cs_agg *a)
{
    if (!a)
        return;
    eff_free(a->rows);
    eff_free(a);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

eff_status eff_cs_band_crit(const eff_cs *cs, const double *psi, const double *se, size_t k,
                            double *crit, eff_error *err)
{
    *crit = NAN;
    long reps = cs->opt.reps;
    size_t G = cs->n_clusters, used = 0;
    for (size_t j = 0; j < k; j++)
        used += isfinite(se[j]) && se[j] > 0;
    if (reps <= 0 || used == 0)
        return EFF_OK;
    double *v = eff_mallocarray(G + k + (size_t)reps + 1, sizeof *v);
    gsl_rng *r = eff_rng_new(cs->opt.seed, 0x636264);
    if (!v || !r) {
        eff_free(v);
        if (r)
            eff_rng_free(r);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double *s = v + G, *tmax = s + k;
    for (long b = 0; b < reps; b++) {
        unsigned long bits = 0;
        for (size_t c = 0; c < G; c++) {
            if (c % 32 == 0)
                bits = gsl_rng_get(r);
            v[c] = (bits >> (c % 32)) & 1 ? 1.0 : -1.0;
        }
        cblas_dgemv(CblasColMajor, CblasTrans, (int)G, (int)k, 1.0 / (double)cs->n, psi,
                    (int)G, v, 1, 0.0, s, 1);
        double m = 0;
        for (size_t j = 0; j < k; j++)
            if (isfinite(se[j]) && se[j] > 0 && fabs(s[j]) / se[j] > m)
                m = fabs(s[j]) / se[j];
        tmax[b] = m;
    }
    qsort(tmax, (size_t)reps, sizeof *tmax, cmp_double);
    /* R's quantile(type = 1): the ceil(p B)-th smallest */
    size_t at = (size_t)ceil((1 - cs->opt.alpha) * (double)reps - 1e-9);
    *crit = tmax[(at > 0 ? at : 1) - 1];
    eff_free(v);
    eff_rng_free(r);
    return EFF_OK;
}

eff_status eff_cs_pretest(const eff_cs *cs, double *w, int *df, double *p_value, eff_error *err)
{
    *w = *p_value = NAN;
    *df = 0;
    size_t q = 0, G = cs->n_clusters;
    size_t *pre = eff_mallocarray(cs->n_att + 1, sizeof *pre);
    if (!pre)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory (the pre-test)");
    for (size_t k = 0; k < cs->n_att; k++)
        if (cs->att[k].estimated && cs->att[k].time < cs->att[k].group)
            pre[q++] = k;
    double *v = eff_calloc(q * q + 3 * q + 1, sizeof *v);
    double *a = v ? v + q * q : NULL, *z = v ? a + q : NULL; /* no arithmetic on NULL */
    eff_status st = v ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0,
                                               "out of memory (the pre-test)");
    if (q > 0 && v) {
        double n2 = (double)cs->n * (double)cs->n;
        for (size_t i = 0; i < q; i++) {
            a[i] = cs->att[pre[i]].att;
            const double *pi = cs->inf_cluster + pre[i] * G;
            for (size_t j = 0; j <= i; j++) {
                const double *pj = cs->inf_cluster + pre[j] * G;
                double s = 0;
                for (size_t c = 0; c < G; c++)
                    s += pi[c] * pj[c];
                v[j * q + i] = v[i * q + j] = s / n2;
            }
        }
        double rc;
        eff_error e;
        eff_status solved = eff_linalg_spd_solve(v, q, a, z, NULL, DBL_EPSILON, &rc, &e);
        if (solved == EFF_OK) {
            double s = 0;
            for (size_t i = 0; i < q; i++)
                s += a[i] * z[i];
            *w = s;
            *df = (int)q;
            *p_value = gsl_cdf_chisq_Q(s, (double)q);
        } else if (solved == EFF_ENOMEM) { /* singular is no test; out of memory is a failure */
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory (the pre-test)");
        }
    }
    eff_free(v);
    eff_free(pre);
    return st;
}
