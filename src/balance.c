/* balance.c - MatchIt's balance statistics (formulas in balance.h). */
#include "balance.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "mem.h"

int eff_balance_is_binary(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != 0 && x[i] != 1)
            return 0;
    return 1;
}

/* MatchIt's wm over the units of one group (w NULL: all 1). */
static double group_mean(const double *x, const unsigned char *treat, const double *w, size_t n,
                         int group, double *sum_w)
{
    double sx = 0, sw = 0;
    for (size_t i = 0; i < n; i++) {
        if ((treat[i] != 0) != group)
            continue;
        double wi = w ? w[i] : 1;
        sx += wi * x[i];
        sw += wi;
    }
    *sum_w = sw;
    return sx / sw;
}

/* MatchIt's wvar: weights normalised to 1; p (1 - p) for binary x, else reliability weights. */
static double group_var(const double *x, const unsigned char *treat, const double *w, size_t n,
                        int group, int binary)
{
    double sw;
    double m = group_mean(x, treat, w, n, group, &sw);
    if (binary)
        return m * (1 - m);
    double ss = 0, sw2 = 0;
    for (size_t i = 0; i < n; i++) {
        if ((treat[i] != 0) != group)
            continue;
        double wi = (w ? w[i] : 1) / sw;
        ss += wi * (x[i] - m) * (x[i] - m);
        sw2 += wi * wi;
    }
    return ss / (1 - sw2);
}

double eff_balance_sd_treated(const double *x, const unsigned char *treat, size_t n)
{
    /* MatchIt tests binarity on the whole covariate, not only the treated */
    int binary = eff_balance_is_binary(x, n);
    return sqrt(group_var(x, treat, NULL, n, 1, binary));
}

typedef struct ecdf_point {
    double x, w; /* w: +normalised weight (treated) or - (control) */
} ecdf_point;

static int by_x(const void *a, const void *b)
{
    double x = ((const ecdf_point *)a)->x, y = ((const ecdf_point *)b)->x;
    return (x > y) - (x < y);
}

/* Mean and max over the distinct values of |F_t(v) - F_c(v)| (weights normalised per group). */
static eff_status ecdf_diffs(const double *x, const unsigned char *treat, const double *w,
                             size_t n, double *mean, double *max, eff_error *err)
{
    ecdf_point *p = eff_mallocarray(n, sizeof *p);
    if (!p)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double sw[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        sw[treat[i] != 0] += w ? w[i] : 1;
    for (size_t i = 0; i < n; i++) {
        int t = treat[i] != 0;
        double wi = (w ? w[i] : 1) / sw[t];
        p[i] = (ecdf_point){x[i], t ? wi : -wi};
    }
    qsort(p, n, sizeof *p, by_x);
    double cum = 0, sum = 0, top = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        cum += p[i].w;
        if (i + 1 < n && p[i + 1].x == p[i].x)
            continue; /* the eCDFs are compared after the last of equal values */
        double d = fabs(cum);
        sum += d;
        top = d > top ? d : top;
        count++;
    }
    *mean = sum / (double)count;
    *max = top;
    eff_free(p);
    return EFF_OK;
}

eff_status eff_balance_stats_of(const double *x, const unsigned char *treat, const double *w,
                                size_t n, double sd_denominator, eff_balance_stats *out,
                                eff_error *err)
{
    int binary = eff_balance_is_binary(x, n);
    double sw1, sw0;
    eff_balance_stats b; /* *out is written only on EFF_OK */
    b.mean_treated = group_mean(x, treat, w, n, 1, &sw1);
    b.mean_control = group_mean(x, treat, w, n, 0, &sw0);
    double diff = b.mean_treated - b.mean_control;
    b.smd = fabs(diff) > sqrt(DBL_EPSILON) ? diff / sd_denominator : diff;
    b.var_ratio = NAN;
    if (binary) {
        b.ecdf_mean = b.ecdf_max = fabs(diff);
        *out = b;
        return EFF_OK;
    }
    b.var_ratio = group_var(x, treat, w, n, 1, 0) / group_var(x, treat, w, n, 0, 0);
    eff_status st = ecdf_diffs(x, treat, w, n, &b.ecdf_mean, &b.ecdf_max, err);
    if (st == EFF_OK)
        *out = b;
    return st;
}
