/* rosenbaum.h - Rosenbaum sensitivity bounds for 1:1 matched pairs: how strong an unobserved
 * confounder (odds of treatment differing by a factor Gamma within a pair) would have to be to
 * explain an effect away. Wilcoxon's signed-rank test for paired differences (a DiD per pair
 * and event time) and McNemar's test for a binary outcome (Rosenbaum, Observational Studies,
 * 2nd ed. 2002, sections 4.3.2-4.3.3). Pure functions on the caller's arrays: nothing is kept
 * between calls, and all working memory is freed before they return. */
#ifndef EFF_ROSENBAUM_H
#define EFF_ROSENBAUM_H

#include <stddef.h>

#include "status.h"

typedef struct eff_rosen_bound {
    double gamma;   /* >= 1 */
    double p_upper; /* the largest one-sided p-value over confounders of strength gamma */
    double p_lower; /* the smallest */
} eff_rosen_bound;

/* How the signed-rank distribution is computed. AUTO takes the cheaper exact algorithm when
 * its work is within the budget (EFF_ROSEN_EXACT_BUDGET), the normal approximation otherwise.
 * DP and ENUM force one exact algorithm up to 100 times the budget, and DP up to
 * EFF_ROSEN_MAX_STATES states (EFF_EINVAL beyond: meant for tests and checks); NORMAL forces
 * the approximation. */
typedef enum eff_rosen_method {
    EFF_ROSEN_AUTO = 0,
    EFF_ROSEN_NORMAL,
    EFF_ROSEN_DP,
    EFF_ROSEN_ENUM
} eff_rosen_method;

/* Exact work allowed for one bound (a call does two per gamma but 1: 41 for the 21-value
 * grid), in DP multiply-adds; an enumeration leaf counts 2. Measured (gcc -O2) at about
 * 0.45 ns per multiply-add and 1 ns per leaf, so at the budget the 21-value grid takes about
 * 0.25 s, and 0.1 s for 20,000 pairs of a binary outcome. Exact under it, for example: up to
 * about 310 untied pairs (work n^3 / 3); any binary outcome (|d| in {1, 2}: work 2 (m + 1)
 * for the smaller group's m); three distinct |d| while the two smaller groups' (m + 1)
 * multiply to at most 5e6 (about 2,200 pairs each). Otherwise the normal approximation. */
#define EFF_ROSEN_EXACT_BUDGET 1e7
/* The DP's array length limit, for a forced DP (two arrays of doubles: 2 x 512 MiB at the
 * limit); under AUTO at most 1e7 states (80 MB each: the final pass costs one per state). */
#define EFF_ROSEN_MAX_STATES ((size_t)1 << 26)

typedef struct eff_rosen_info {
    size_t n_pairs;   /* pairs with a difference (NaN ones excluded) */
    size_t n_zero;    /* of those, differences of exactly 0 (dropped) */
    size_t n_used;    /* n_pairs - n_zero: the pairs ranked */
    int exact;        /* 1: exact distribution; 0: normal approximation */
    double statistic; /* T: the sum of the ranks (average ranks for ties) of the pairs whose
                         difference has the sign `direction` tests */
    size_t n_missing; /* NaN differences skipped */
    size_t n_ties;    /* distinct |d| among the pairs used (groups of tied ranks) */
    eff_rosen_method method; /* the one used: NORMAL, DP or ENUM */
} eff_rosen_info;

/* Wilcoxon signed-rank bounds (Rosenbaum 2002, section 4.3.3).
 * d: n paired differences (borrowed; NaN = missing pair, skipped). direction +1 tests
 * H1: effect > 0 (T = sum of the ranks of |d| of the positive d), -1 tests effect < 0 (ranks of
 * the negative d; the same as +1 on -d). Zeros are dropped before ranking (Wilcoxon's rule,
 * as R's wilcox.test), and exactly equal |d| get their average rank (no tolerance: round the
 * differences first if they carry floating-point noise); an infinite d ranks highest.
 * For each gamma >= 1, with T' = sum_i r_i B_i over the pairs used, B_i independent:
 *   p_upper = P(T' >= T) with B_i ~ Bernoulli(Gamma / (1 + Gamma)),
 *   p_lower = P(T' >= T) with B_i ~ Bernoulli(1 / (1 + Gamma));
 * at Gamma = 1 both are the usual one-sided exact signed-rank p-value (R's psignrank).
 * Exact: ranks are doubled to integers and tied pairs grouped (a group of m pairs of rank r
 * adds r K, K ~ Binomial(m, p), its pmf from GSL rescaled to sum 1). One group is never
 * convolved: its binomial tail is looked up. The others are either convolved on a dense
 * array of sums, reduced by the gcd of their ranks (DP: work = sum over groups of the array
 * length x (m + 1); the group with the largest r m is the one looked up) or enumerated group
 * by group (ENUM: work = 2 x the product of (m + 1); the largest group looked up). AUTO takes
 * the cheaper if it is within EFF_ROSEN_EXACT_BUDGET. Each bound is summed on its small side:
 * P(T' >= T) when T is at or above the mean p sum r, else 1 - P(T' < T), all terms positive,
 * so small p-values keep their relative accuracy and ones near 1 rise with gamma (checked
 * against R: within 2e-14 relative up to 300 pairs, 1e-12 at 20,000 pairs of a binary
 * outcome, where GSL's binomial pmf sets the limit). Probabilities below about 1e-308
 * underflow to 0; they never matter for a p-value.
 * Normal approximation otherwise: mean p sum r, variance p (1 - p) sum r^2 (these already
 * hold the tie correction, since r are the average ranks), continuity correction 1/2:
 * P(T' >= T) ~ Q((T - 1/2 - mean) / sd); at Gamma = 1 this is R's wilcox.test(d, exact =
 * FALSE, correct = TRUE). At Gamma = 1 T' is symmetric and the error O(1/n); for Gamma > 1 it
 * is skewed (skewness about 1.3 |1 - 2p| / sqrt(n p (1 - p))) and the error up to about
 * skewness x 0.4 / 6: measured 3e-3 for 350 untied pairs at Gamma = 2.
 * out[k] is for gammas[k] (out may be NULL when n_gamma is 0); info (NULL allowed) says which
 * computation was used. Cost: O(n log n) plus the exact work, within the budget under AUTO.
 * Errors: EFF_EINVAL for a gamma below 1 or not finite, direction not +1 or -1, no non-zero
 * (and non-missing) difference, d NULL with n > 0, or a forced DP too large; EFF_ENOMEM. Out
 * and info are written only on EFF_OK. */
eff_status eff_rosen_signrank(const double *d, size_t n, int direction, const double *gammas,
                              size_t n_gamma, eff_rosen_bound *out, eff_rosen_info *info,
                              eff_error *err);

/* eff_rosen_signrank with the computation chosen by `method` (see eff_rosen_method). */
eff_status eff_rosen_signrank_method(const double *d, size_t n, int direction,
                                     const double *gammas, size_t n_gamma,
                                     eff_rosen_method method, eff_rosen_bound *out,
                                     eff_rosen_info *info, eff_error *err);

/* McNemar bounds for a binary outcome (Rosenbaum 2002, section 4.3.2): among the D =
 * treated_only + control_only discordant pairs, `treated_only` where only the treated has the
 * event and `control_only` where only the control has it. direction +1 tests treated_only
 * large (k = treated_only), -1 control_only large (k = control_only). Exact, from GSL's
 * binomial distribution: p_upper = P(Bin(D, Gamma / (1 + Gamma)) >= k), p_lower the same with
 * 1 / (1 + Gamma); at Gamma = 1 the one-sided exact McNemar test (R's binom.test(k, D,
 * alternative = "greater")). Errors: EFF_EINVAL for a gamma below 1 or not finite, direction
 * not +1 or -1, no discordant pair, D above UINT_MAX. out is written only on EFF_OK. */
eff_status eff_rosen_mcnemar(size_t treated_only, size_t control_only, int direction,
                             const double *gammas, size_t n_gamma, eff_rosen_bound *out,
                             eff_error *err);

/* The sensitivity value: the smallest b[k].gamma whose p_upper exceeds alpha (> alpha, not
 * >=), whatever the order of b; so when p_upper already exceeds alpha at the grid's smallest
 * gamma (no effect even without confounding) that gamma is returned, gammas[0] for an
 * ascending grid starting at 1. NaN when no p_upper exceeds alpha (the effect survives the
 * whole grid) or n is 0; NaN p_upper are passed over. */
double eff_rosen_gamma_star(const eff_rosen_bound *b, size_t n, double alpha);

/* The standard grid 1.0, 1.1, ..., 3.0 (g[k] = 1 + k / 10.0, 21 values). Writes the first
 * min(cap, 21) of them (g may be NULL when cap is 0) and returns 21 in any case. */
size_t eff_rosen_default_grid(double *g, size_t cap);

#endif
