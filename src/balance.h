/* balance.h - covariate balance before and after matching, computed as MatchIt 4.5.1's
 * summary() does (match.qoi.R, bal1var and qqsum; aux_functions.R, wvar and wm):
 *   - means of treated and controls, weighted by the matching weights after matching;
 *   - standardised mean difference (mean_t - mean_c) / s, where s is the SD of the treated
 *     units in the unmatched sample (sqrt(p (1 - p)) for a 0/1 covariate), the same before and
 *     after; a difference below sqrt(DBL_EPSILON) is left unstandardised, as MatchIt does;
 *   - variance ratio var_t / var_c with reliability-weighted variances (sum w (x - m)^2 /
 *     (1 - sum w^2), w normalised to sum 1); none for a 0/1 covariate;
 *   - mean and maximum difference of the weighted empirical CDFs over the distinct values
 *     (for a 0/1 covariate both are |p_t - p_c|).
 * Pure functions over arrays; the caller owns everything. */
#ifndef EFF_BALANCE_H
#define EFF_BALANCE_H

#include <stddef.h>

#include "status.h"

typedef struct eff_balance_stats {
    double mean_treated, mean_control;
    double smd;        /* standardised mean difference */
    double var_ratio;  /* NaN for a binary covariate */
    double ecdf_mean, ecdf_max;
} eff_balance_stats;

/* 1 when every value is 0 or 1. */
int eff_balance_is_binary(const double *x, size_t n);

/* The SMD denominator: the SD of the treated units' x (all of them, unweighted). */
double eff_balance_sd_treated(const double *x, const unsigned char *treat, size_t n);

/* Balance of x with weights w (NULL: all 1) and the given SMD denominator. EFF_ENOMEM only. */
eff_status eff_balance_stats_of(const double *x, const unsigned char *treat, const double *w,
                                size_t n, double sd_denominator, eff_balance_stats *out,
                                eff_error *err);

#endif
