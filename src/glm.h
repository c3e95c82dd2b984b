/* glm.h - linear and logit models with model-based, heteroskedasticity-robust and
 * cluster-robust variances, as the seed report's effect estimates and propensity scores need.
 *
 * Gaussian/identity: weighted least squares by Householder QR with refinement (linalg.h).
 * Binomial/logit: IRLS (Newton for the canonical link) with step-halving. X'WX and X'Wz are
 * accumulated over row blocks, one block range per thread (BLAS single-threaded inside:
 * dsyrk, dgemv), and solved by Cholesky when the reciprocal condition number of the scaled
 * X'WX is above 1e-10, else by pivoted-QR least squares on sqrt(W)X. Stopping rule: the
 * relative change in deviance |D - D_old| / (|D| + 0.1), with D summed by Neumaier's
 * compensated sum, is below 1e-14, or the largest step |db_j| / (|b_j| + 1) is below 1e-12;
 * EFF_ENOCONV after max_iter iterations (100). R's glm stops at 1e-8, about 1e-7 short of
 * the optimum; reference values are made with glm.control(epsilon = 1e-15).
 *
 * Collinear regressors (pivoted QR of the scaled design, tolerance 1e-12, dropped in R's
 * order) are reported by name and get missing estimates. Separation in logit is reported with
 * the regressors involved (EFF_EINVAL): a regressor whose values for y = 1 and y = 0 do not
 * overlap (beyond one shared boundary value), or, after the fit, fitted probabilities of 0 or
 * 1 together with standard errors exploding (se > 1e4 (1 + |b|)).
 *
 * Variances (N rows, or the sum of frequency weights; K estimated coefficients; G clusters):
 *   iid      linear: s^2 (X'WX)^-1, s^2 = sum w e^2 / (N - K); logit: (X'WX)^-1
 *   hc1      B M B, M = sum s_i s_i', s_i = x_i w_i (y_i - mu_i); linear x N/(N-K) (Stata
 *            regress, R vcovHC HC1); logit x N/(N-1) (Stata logit)
 *   cluster  B M B, M = sum_g S_g S_g', S_g = sum_{i in g} s_i; x G/(G-1), and for linear
 *            models also x (N-1)/(N-K) (Stata; R vcovCL's defaults); the second factor can be
 *            switched on or off (cluster_nk_adjust).
 * Inference: linear models use t (N-K df; G-1 under clustering) and F; logit uses z and
 * chi-square. */
#ifndef EFF_GLM_H
#define EFF_GLM_H

#include <stddef.h>

#include "design.h"

typedef enum eff_glm_family { EFF_GLM_GAUSSIAN, EFF_GLM_LOGIT } eff_glm_family;
typedef enum eff_vcov_type { EFF_VCOV_IID, EFF_VCOV_HC1, EFF_VCOV_CLUSTER } eff_vcov_type;

typedef struct eff_glm_options {
    eff_glm_family family;
    eff_vcov_type vcov;
    int max_iter;          /* logit iterations (default 100) */
    double rank_tol;       /* collinearity tolerance on |R_kk| / |R_11| (default 1e-12) */
    int threads;           /* 0: one per core */
    int cluster_nk_adjust; /* -1: family default (linear yes, logit no); 0 or 1 to choose */
    int frequency_weights; /* weights count observations: N = sum of weights */
} eff_glm_options;

eff_glm_options eff_glm_options_default(void);

typedef struct eff_glm eff_glm;

/* Fits the model. Errors: EFF_EINVAL (logit outcome not 0/1, constant outcome, more
 * coefficients than observations, cluster variance without clusters or with one cluster,
 * separation), EFF_ENOCONV, EFF_ENOMEM. Caller owns *out (eff_glm_free). The design is
 * borrowed for the call only. */
eff_status eff_glm_fit(const eff_design *d, const eff_glm_options *opt, const eff_ctx *ctx,
                       eff_glm **out, eff_error *err);
void eff_glm_free(eff_glm *g);

typedef struct eff_glm_stats {
    size_t n;            /* observations used */
    size_t n_dropped;    /* rows dropped for missing values (from the design) */
    size_t k;            /* coefficients estimated (not dropped) */
    size_t n_clusters;
    double df_resid;     /* N - K */
    double loglik, deviance, null_deviance, aic;
    double sigma;        /* linear: residual standard error; logit: 1 */
    int iterations, converged;
    size_t n_extreme;    /* logit: observations whose fitted probability is within 10 machine
                            epsilons of 0 or 1 (R's "fitted probabilities numerically 0 or 1
                            occurred"), the mark of separation */
    double t_df;         /* degrees of freedom of t and F denominators; 0 for z and chi-square */
} eff_glm_stats;

eff_glm_stats eff_glm_get_stats(const eff_glm *g);
eff_glm_family eff_glm_get_family(const eff_glm *g);
size_t eff_glm_p(const eff_glm *g);                /* terms, including dropped ones */
const char *eff_glm_term(const eff_glm *g, size_t j);
int eff_glm_dropped(const eff_glm *g, size_t j);   /* 1: collinear, no estimate */
const double *eff_glm_coef(const eff_glm *g);      /* p; NaN where dropped */
const double *eff_glm_vcov(const eff_glm *g);      /* p x p; NaN rows/columns where dropped */

typedef struct eff_coef_row {
    double estimate, std_error, statistic, p_value;
    double ci95_low, ci95_high, ci90_low, ci90_high;
    double odds_ratio, or95_low, or95_high; /* logit; NaN for linear */
} eff_coef_row;

/* The regression-table row of term j (all NaN for a dropped term). */
eff_coef_row eff_glm_coef_row(const eff_glm *g, size_t j);

typedef struct eff_wald {
    double statistic; /* chi-square (logit) or F (linear) */
    double df1, df2;  /* df2 = 0 for chi-square */
    double p_value;
} eff_wald;

/* Wald test of R b = r, R q x p row-major over all p terms (dropped terms must have zero
 * weight). EFF_EINVAL when R V R' is singular or a dropped term is involved. */
eff_status eff_glm_wald(const eff_glm *g, const double *r_mat, const double *r_vec, size_t q,
                        eff_wald *out, eff_error *err);

/* Sum_k c_k mu(x_k'b) on the response scale (probabilities for logit), with its delta-method
 * standard error sqrt(grad' V grad), grad = sum_k c_k mu'(x_k'b) x_k. xs is m x p row-major;
 * offsets may be NULL. m = 1 and c = {1} is a prediction for one covariate profile. */
eff_status eff_glm_lincomb(const eff_glm *g, const double *xs, const double *offsets,
                           const double *c, size_t m, double *value, double *se,
                           eff_error *err);

/* The average over the design rows `rows` (n_rows of them; NULL: all) of
 * mu(x with term j = 1) - mu(x with term j = 0): the average effect on those rows (on the
 * treated, for a treatment term), with its delta-method standard error. */
eff_status eff_glm_average_effect(const eff_glm *g, const eff_design *d, size_t j,
                                  const size_t *rows, size_t n_rows, double *value, double *se,
                                  eff_error *err);

/* As eff_glm_average_effect, but giving the gradient of the average with respect to the
 * coefficients (p entries, caller's storage; 0 for dropped terms) instead of its standard
 * error, so that several averages can be tested jointly (eff_glm_cov_of). */
eff_status eff_glm_average_effect_grad(const eff_glm *g, const eff_design *d, size_t j,
                                       const size_t *rows, size_t n_rows, double *value,
                                       double *grad, eff_error *err);

/* a' V b over the kept terms: the covariance of two delta-method quantities with gradients
 * a and b (a = b: the variance). */
double eff_glm_cov_of(const eff_glm *g, const double *a, const double *b);
/* sqrt(a' V a): the delta-method standard error; NaN when the sum lost its precision (terms
 * of V many orders above the result cancel: nearly collinear terms with huge variances in
 * the gradient), where a clamp at zero would print a standard error of 0. */
double eff_glm_se_of(const eff_glm *g, const double *a);

#endif
