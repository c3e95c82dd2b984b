/* twfe.c - two-way fixed effects by alternating projections (twfe.h). */
#include "twfe.h"

#include <math.h>
#include <string.h>

#include "linalg.h"
#include "mem.h"

/* Subtracts the group means of v (codes g, n_groups groups); returns the largest change. */
static double demean(double *v, size_t n, const int32_t *g, size_t n_groups, double *sum,
                     double *count)
{
    memset(sum, 0, n_groups * sizeof *sum);
    memset(count, 0, n_groups * sizeof *count);
    for (size_t i = 0; i < n; i++)
        sum[g[i]] += v[i], count[g[i]] += 1;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double m = sum[g[i]] / count[g[i]];
        v[i] -= m;
        worst = fmax(worst, fabs(m));
    }
    return worst;
}

static eff_status sweep(const eff_twfe_data *d, double *v, double tol, double *work,
                        eff_error *err)
{
    size_t big = d->n_units > d->n_periods ? d->n_units : d->n_periods;
    double scale = 0;
    for (size_t i = 0; i < d->n; i++)
        scale = fmax(scale, fabs(v[i]));
    for (int it = 0; it < 10000; it++) {
        double a = demean(v, d->n, d->unit, d->n_units, work, work + big);
        double b = demean(v, d->n, d->period, d->n_periods, work, work + big);
        if (fmax(a, b) <= tol * (scale > 0 ? scale : 1))
            return EFF_OK;
    }
    return eff_error_set(err, EFF_ENOCONV, NULL, 0, 0,
                         "the fixed effects did not settle in 10000 sweeps");
}

static eff_status check_codes(const eff_twfe_data *d, eff_error *err)
{
    if (d->n <= d->k || d->k == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "%zu rows for %zu regressors", d->n,
                             d->k);
    for (size_t i = 0; i < d->n; i++)
        if (d->unit[i] < 0 || (size_t)d->unit[i] >= d->n_units || d->period[i] < 0 ||
            (size_t)d->period[i] >= d->n_periods || !isfinite(d->y[i]))
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "row %zu: a code out of range or a missing outcome", i + 1);
    return EFF_OK;
}

/* Cluster-robust variance of b by unit: inv M inv with the small-sample factor. */
static void cluster_se(const eff_twfe_data *d, const double *xt, const double *e,
                       const double *inv, double *score, double *se)
{
    size_t n = d->n, k = d->k, G = 0;
    memset(score, 0, d->n_units * k * sizeof *score);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            score[(size_t)d->unit[i] * k + j] += xt[j * n + i] * e[i];
    double meat[64 * 64] = {0};
    for (size_t g = 0; g < d->n_units; g++) {
        int any = 0;
        for (size_t j = 0; j < k; j++) {
            any |= score[g * k + j] != 0;
            for (size_t l = 0; l < k; l++)
                meat[j * k + l] += score[g * k + j] * score[g * k + l];
        }
        G += any;
    }
    double factor = G > 1 ? (double)G / (double)(G - 1) * (double)(n - 1) / (double)(n - k) : NAN;
    for (size_t j = 0; j < k; j++) {
        double v = 0;
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++)
                v += inv[j * k + a] * meat[a * k + b] * inv[b * k + j];
        se[j] = sqrt(factor * v);
    }
}

eff_status eff_twfe_fit(const eff_twfe_data *d, double tol, double *b, double *se,
                        eff_error *err)
{
    eff_status st = check_codes(d, err);
    if (st != EFF_OK)
        return st;
    if (d->k > 64)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "more than 64 regressors");
    size_t n = d->n, k = d->k, big = d->n_units > d->n_periods ? d->n_units : d->n_periods;
    double *m = eff_mallocarray(n * (k + 2) + 2 * big + d->n_units * k + k * k + 1, sizeof *m);
    if (!m)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double *yt = m + n * k, *e = yt + n, *work = e + n, *score = work + 2 * big;
    double *inv = score + d->n_units * k;
    memcpy(m, d->x, n * k * sizeof *m);
    memcpy(yt, d->y, n * sizeof *yt);
    for (size_t j = 0; st == EFF_OK && j <= k; j++) {
        double *col = j < k ? m + j * n : yt, before = 0, after = 0;
        for (size_t i = 0; i < n; i++)
            before += col[i] * col[i];
        st = sweep(d, col, tol, work, err);
        for (size_t i = 0; st == EFF_OK && i < n; i++)
            after += col[i] * col[i];
        if (st == EFF_OK && j < k && !(after > 1e-16 * before))
            st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0,
                               "regressor %zu is collinear with the fixed effects", j + 1);
    }
    if (st == EFF_OK)
        st = eff_linalg_lsq(m, n, k, yt, b, inv, err);
    if (st == EFF_OK) {
        for (size_t i = 0; i < n; i++) {
            double f = 0;
            for (size_t j = 0; j < k; j++)
                f += m[j * n + i] * b[j];
            e[i] = yt[i] - f;
        }
        cluster_se(d, m, e, inv, score, se);
    }
    eff_free(m);
    return st;
}
