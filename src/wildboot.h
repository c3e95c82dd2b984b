/* wildboot.h - wild cluster bootstrap tests and intervals for one coefficient of a fitted
 * linear or logit model (glm.h), for few clusters, where the cluster-robust sandwich
 * over-rejects. As Stata's boottest (Roodman, MacKinnon, Nielsen and Webb 2019, "Fast and
 * wild: bootstrap inference in Stata using boottest", Stata Journal 19(1), sections 3-5):
 *
 * Linear (Gaussian) models: the wild cluster restricted bootstrap (WCR) of the CR1 t statistic
 *   t = (b_j - theta) / se_j, se_j from the cluster-robust variance with glm.h's factors
 *   G/(G-1) (N-1)/(N-K). The null b_j = theta is imposed: b~ is least squares under it,
 *   u~ its residuals, and draw b refits y* = X b~ + v_g u~ (v_g one weight per cluster).
 *   Nothing is refitted: with a = (X'WX)^-1 e_j, S_g = X_g'W_g u~_g and D_g = (X'WX)^-1
 *   X_g'W_g X_g a, the draw's numerator is sum_g v_g a'S_g and its cluster scores are
 *   z_h = v_h a'S_h - D_h' sum_g S_g v_g. One O(N K) pass makes the G x K arrays; a draw
 *   costs O(G K) (two dgemm over blocks of draws). S_g is linear in theta, so the numerator
 *   and sum_h z_h^2 are a line and a quadratic in theta: five numbers per draw make t*_b(theta)
 *   O(1) per draw for every theta the interval search tries.
 * Logit models: the restricted score bootstrap (Kline and Santos 2012, "A score based approach
 *   to wild bootstrap inference", J. Econometric Methods 1(1); boottest's default after ML).
 *   The logit is refitted with b_j = theta (Newton on the other coefficients, x_j theta as an
 *   offset); at that fit, with scores s_i = x_i w_i (y_i - p_i), A the inverse information
 *   (X'WX)^-1 over all coefficients and s_g = sum_{i in g} s_i'A e_j, the statistic of draw v
 *   is sum_g v_g s_g / sqrt(c sum_h (v_h s_h - pi_h sum_g v_g s_g)^2), pi_h cluster h's share
 *   of the weight (boottest's recentring, boottest.mata MakeInterpolables); the sample
 *   statistic is that of v = 1, a cluster-robust score (LM) statistic. c = G/(G-1) (glm.h's
 *   logit factor). O(G) per draw; every theta tried needs its own restricted fit.
 *
 * Weights v_g: Rademacher (+-1) or Webb's six points (+-sqrt(3/2), +-1, +-sqrt(1/2), 1/6
 * each); AUTO takes Webb when G < 12, else Rademacher. With Rademacher and 2^G <= reps all
 * 2^G sign vectors are used (draw b has v_g = -1 where bit g of b is set) and reps becomes
 * 2^G. Draw b comes from stream b of the seed (rng.h): same seed, same draws, whatever the
 * threads.
 *
 * p-value (symmetric, boottest's default): the share of draws with |t*_b| >= |t|. A draw
 * within a relative 1e-9 of |t| counts as a tie (>=): under enumeration the draws v = +-1
 * equal the sample statistic in exact arithmetic, and rounding must not decide them.
 * (boottest.mata's getp counts |t*| > |t| strictly; the two differ only by such ties.)
 * A draw whose statistic is NaN (0/0) is left out of both counts, as boottest does. A draw
 * whose weights are all equal ties with the sample statistic at every theta (t* does not
 * change when v is scaled; v = 1 is the sample): its statistic is set to +-t exactly.
 *
 * Interval (want_ci): the set of theta with p(theta) >= 1 - level, by test inversion (boottest
 * searches p on a grid and refines; this does so on a continuous stand-in for p). p is a
 * step function; its crossings are the
 * roots of f(theta) = |t| (1 - 1e-9) - (the m-th largest |t*_b|), m the fewest draws that make
 * p >= 1 - level, which is continuous in theta (f <= 0 exactly when p >= 1 - level). From
 * the estimate (p = 1) theta steps outward by 2 se, doubling, until f > 0; f is evaluated at
 * 23 (logit: 5) evenly spaced points between the estimate and there, and regula falsi with
 * the Illinois modification runs between the outermost accepted point and its rejected
 * neighbour until they are 1e-9 se apart (se: the CR1 one for linear models, the fit's for
 * logit). Each end is the accepted side of its last bracket: p(ci_low) >= 1 - level, and a
 * rejected theta lies within 1e-9 se below it. A set with holes is reported by its outer ends
 * as far as the grid sees them. Both ends are infinite when the all-equal draws alone make up
 * 1 - level of the draws (Rademacher with G <= 5, say), with a warning through the context;
 * an end is -inf/+inf when p stays >= 1 - level for 2^40 se, and NaN (with a warning) when the
 * restricted logit cannot be fitted on the way there. boottest reports no interval after ML;
 * this inverts the same score test.
 *
 * Weights of the design (eff_design_weights) enter as in glm.h: linear models are weighted
 * least squares (the bootstrap works on sqrt(w)-scaled rows), logit scores and information
 * carry w, and pi_h are weight shares. Frequency weights change only N in (N-1)/(N-K), which
 * is read from the fit, so both kinds are supported. An offset is kept in both models.
 *
 * Cost: linear, one QR of the N x K design (the bread, as glm.c), one O(N K) pass, O(G K B)
 * for the draws, O(B) per theta (about 40 thetas for an interval); logit, one restricted fit
 * (two to four O(N K^2) passes, warm-started) and O(G B) per theta (about 20 for an
 * interval). Memory: O(G K) per thread, 8 B numbers, G B bytes for the draws' weights. The
 * draws run on one thread per core (eff_parallel_for), BLAS single-threaded inside
 * (eff_glm_fit set it).
 * The context's cancel flag is checked between blocks of draws and between thetas. */
#ifndef EFF_WILDBOOT_H
#define EFF_WILDBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "glm.h"

typedef enum eff_boot_weights { EFF_BOOT_AUTO, EFF_BOOT_RADEMACHER, EFF_BOOT_WEBB } eff_boot_weights;

typedef struct eff_wild_options {
    eff_boot_weights weights; /* AUTO: Webb when G < 12, else Rademacher */
    long reps;                /* draws (default 9999); >= 1 */
    uint64_t seed;            /* default 1 */
    double level;             /* of the interval (default 0.95), in (0, 1) */
    int want_ci;              /* 1 (default): invert the test for the interval */
    int cluster_nk_adjust;    /* -1 (default): glm.h's default (linear yes, logit no); 0 or 1.
                                 Scales t and every t* alike: the p-value does not depend on it */
} eff_wild_options;

eff_wild_options eff_wild_options_default(void);

typedef struct eff_wild_result {
    double estimate;   /* b_j of the fit */
    double null_value; /* theta tested */
    double statistic;  /* WCR: the CR1 t; score: the score statistic at the restricted fit */
    double p_value;    /* share of draws at least as extreme (|t*| >= |t|) */
    double ci_low, ci_high; /* NaN unless want_ci */
    size_t n_clusters;
    long reps;         /* draws used: 2^G when enumerated */
    int enumerated;    /* 1: all 2^G Rademacher sign vectors */
    eff_boot_weights weights_used;
    int method;        /* 0 WCR (linear), 1 score bootstrap (logit) */
} eff_wild_result;

/* Tests b_j = null_value for term j of `g`, which was fitted on `d` (same rows and terms;
 * the design and the fit are borrowed for the call). clusters: codes 0..n_clusters-1 per
 * design row, every code used, or NULL to use d's clusters. Gaussian -> WCR, logit -> score
 * bootstrap. Errors: EFF_EINVAL (no clusters; fewer than 2 clusters; a cluster code out of
 * range or unused; j out of range or dropped as collinear; reps < 1; level outside (0, 1);
 * G x reps above 1 GiB, the draws' size; g not fitted on d), EFF_ESINGULAR or EFF_ENOCONV
 * (logit: the restricted fit at null_value failed, its message naming theta), EFF_ENOMEM,
 * EFF_EABORT. *out is written only on EFF_OK. */
eff_status eff_wild_test(const eff_glm *g, const eff_design *d, size_t j, double null_value,
                         const int32_t *clusters, size_t n_clusters, const eff_wild_options *opt,
                         const eff_ctx *ctx, eff_wild_result *out, eff_error *err);

/* As eff_wild_test, also writing the draws' statistics t*_b at null_value, in draw order, to
 * draws (caller's storage, n_draws long, written only on EFF_OK; EFF_EINVAL when shorter than
 * the draws used: opt->reps, or 2^G when enumerated). For checking the bootstrap draw by
 * draw. */
eff_status eff_wild_test_draws(const eff_glm *g, const eff_design *d, size_t j,
                               double null_value, const int32_t *clusters, size_t n_clusters,
                               const eff_wild_options *opt, const eff_ctx *ctx,
                               eff_wild_result *out, double *draws, size_t n_draws,
                               eff_error *err);

/* "rademacher", "webb" or "auto". */
const char *eff_boot_weights_name(eff_boot_weights w);

#endif
