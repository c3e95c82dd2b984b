/* glm_internal.h - shared by glm_fit.c, glm_vcov.c and glm_infer.c. */
#ifndef EFF_GLM_INTERNAL_H
#define EFF_GLM_INTERNAL_H

#include "glm.h"

struct eff_glm {
    eff_glm_family family;
    size_t p;              /* all terms */
    char **terms;
    unsigned char *keep;   /* 1: estimated */
    unsigned char *unbounded; /* logit: the model-based standard error (inverse information)
                                 explodes: separation or near-collinearity, whatever the
                                 variance reported */
    double *coef;          /* p, NaN where dropped */
    double *vcov;          /* p x p */
    eff_glm_stats stats;
};

/* What the fit hands to the variance step, on the K kept columns. */
typedef struct glm_work {
    const double *x;       /* n x K, column-major */
    size_t n, k;
    const double *y, *w, *offset; /* w and offset may be NULL */
    const int32_t *clusters;
    size_t n_clusters;
    double *mu;            /* fitted means (n) */
    double *bread;         /* (X'WX)^-1, K x K */
    double *cluster_sums;  /* G x K score sums at the final fit, when the fit provides them
                              (logit: filled in its last pass); NULL: the variance computes them */
    int cluster_sums_ready;
    int threads;
    int strict_first;      /* the first Newton step must be a well-conditioned Cholesky solve */
    const eff_ctx *ctx;    /* its cancel flag is checked once per iteration */
    int ill_conditioned;   /* set when strict_first failed: the caller ranks the columns */
} glm_work;

/* log(1 + exp(x)) without overflow (R's log1pexp cut-offs). */
double glm_log1pexp(double x);

/* Logit IRLS on the K kept columns (glm_fit.c): beta (K), fills w->mu and w->bread. */
eff_status glm_fit_logit(glm_work *w, int max_iter, double *beta, double *deviance,
                         int *iterations, int *converged, eff_error *err);
/* Weighted least squares: beta (K), w->mu (fitted values), w->bread = (X'WX)^-1, rss. */
eff_status glm_fit_linear(glm_work *w, double *beta, double *rss, eff_error *err);
void glm_blas_single_thread(void);
int glm_default_threads(size_t n);

/* Fills vcov (K x K) for the requested type. */
eff_status glm_vcov(const glm_work *w, const eff_glm_options *opt, eff_glm_family family,
                    double sigma2, double n_obs, double *vcov, eff_error *err);

#endif
