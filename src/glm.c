/* glm.c - eff_glm_fit: input checks, collinearity, the fit, separation checks, variance and
 * the summary statistics; the result object and its accessors. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "glm_internal.h"
#include "linalg.h"
#include "mem.h"
#include "parallel.h"

/* A standard error this many times (1 + |b|) means a coefficient running off to infinity. */
static const double SEPARATION_SE_RATIO = 1e4;

void eff_glm_free(eff_glm *g)
{
    if (!g)
        return;
    for (size_t j = 0; g->terms && j < g->p; j++)
        eff_free(g->terms[j]);
    eff_free(g->terms);
    eff_free(g->keep);
    eff_free(g->unbounded);
    eff_free(g->coef);
    eff_free(g->vcov);
    eff_free(g);
}

static eff_status check_outcome(const eff_design *d, eff_glm_family family, eff_error *err)
{
    const double *y = eff_design_yc(d);
    size_t n = eff_design_n(d);
    int constant = 1;
    for (size_t i = 0; i < n; i++) {
        if (family == EFF_GLM_LOGIT && y[i] != 0 && y[i] != 1)
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "a logit outcome must be 0 or 1; data row %zu has %.15g",
                                 eff_design_source_row(d, i) + 1, y[i]);
        constant &= y[i] == y[0];
    }
    if (constant)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the outcome is constant (%.15g in all %zu rows): nothing to explain",
                             n ? y[0] : 0.0, n);
    return EFF_OK;
}

typedef struct finite_job {
    const eff_design *d;
    long found[EFF_MAX_PARTS]; /* row * p + column of a non-finite value, or -1 */
} finite_job;

static void finite_part(void *arg, size_t lo, size_t hi, int part)
{
    finite_job *f = arg;
    size_t n = eff_design_n(f->d), p = eff_design_p(f->d);
    const double *x = eff_design_xc(f->d);
    f->found[part] = -1;
    for (size_t j = 0; j < p; j++) {
        double acc = 0; /* inf - inf and NaN propagate: one test per column range */
        for (size_t i = lo; i < hi; i++)
            acc += x[j * n + i] * 0.0;
        if (acc == 0)
            continue;
        for (size_t i = lo; i < hi; i++)
            if (!isfinite(x[j * n + i])) {
                f->found[part] = (long)(i * p + j);
                return;
            }
    }
}

/* Index row * p + column of a non-finite regressor value, or -1. */
static long first_non_finite(const eff_design *d)
{
    finite_job f;
    f.d = d;
    int parts = eff_parallel_parts(eff_design_n(d), 100000);
    eff_parallel_for(parts, eff_design_n(d), finite_part, &f);
    for (int t = 0; t < parts; t++)
        if (f.found[t] >= 0)
            return f.found[t];
    return -1;
}

static eff_status check_design(const eff_design *d, const eff_glm_options *o, eff_error *err)
{
    size_t n = eff_design_n(d), p = eff_design_p(d);
    if (n == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "no rows to fit");
    if (p == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "no regressors and no intercept");
    if (p >= n)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "%zu coefficient%s but only %zu complete row%s: a fit needs more "
                             "rows than coefficients",
                             p, p == 1 ? "" : "s", n, n == 1 ? "" : "s");
    if (o->vcov == EFF_VCOV_CLUSTER && !eff_design_clusters(d))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "cluster variance needs a cluster column");
    if (o->vcov == EFF_VCOV_CLUSTER && eff_design_n_clusters(d) < 2)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the cluster column has a single cluster: a cluster-robust variance "
                             "needs at least two");
    return check_outcome(d, o->family, err);
}

typedef struct range_job {
    const eff_design *d;
    double *lo[EFF_MAX_PARTS], *hi[EFF_MAX_PARTS]; /* 2 x p each: [y = 0 | y = 1] */
} range_job;

/* Each column's range among y = 0 and among y = 1 rows (zero weights left out). */
static void range_part(void *arg, size_t lo, size_t hi, int part)
{
    range_job *r = arg;
    size_t n = eff_design_n(r->d), p = eff_design_p(r->d);
    const double *y = eff_design_yc(r->d), *w = eff_design_weights(r->d);
    double *mn = r->lo[part], *mx = r->hi[part];
    for (size_t j = 0; j < 2 * p; j++) {
        mn[j] = INFINITY;
        mx[j] = -INFINITY;
    }
    for (size_t j = 0; j < p; j++) {
        const double *x = eff_design_xc(r->d) + j * n;
        for (size_t i = lo; i < hi; i++) {
            if (w && w[i] == 0)
                continue;
            size_t c = (y[i] == 1) * p + j;
            mn[c] = x[i] < mn[c] ? x[i] : mn[c];
            mx[c] = x[i] > mx[c] ? x[i] : mx[c];
        }
    }
}

/* Complete or quasi-complete separation by one regressor: its values among y = 1 and among
 * y = 0 overlap in at most one boundary value. */
static eff_status check_separation_1d(const eff_design *d, const unsigned char *keep,
                                      eff_error *err)
{
    size_t p = eff_design_p(d);
    int parts = eff_parallel_parts(eff_design_n(d), 100000), ok = 1;
    range_job r;
    memset(&r, 0, sizeof r);
    r.d = d;
    for (int t = 0; t < parts && ok; t++) {
        r.lo[t] = eff_mallocarray(2 * p, sizeof(double));
        r.hi[t] = eff_mallocarray(2 * p, sizeof(double));
        ok = r.lo[t] && r.hi[t];
    }
    eff_status st = ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st)
        eff_parallel_for(parts, eff_design_n(d), range_part, &r);
    for (size_t j = 0; !st && j < p; j++) {
        if (!keep[j])
            continue;
        double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
        for (int t = 0; t < parts; t++)
            for (int c = 0; c < 2; c++) {
                lo[c] = fmin(lo[c], r.lo[t][(size_t)c * p + j]);
                hi[c] = fmax(hi[c], r.hi[t][(size_t)c * p + j]);
            }
        if (lo[0] == hi[0] && lo[1] == hi[1] && lo[0] == lo[1])
            continue; /* constant: the intercept */
        int complete = hi[0] < lo[1] || hi[1] < lo[0];
        if (hi[0] <= lo[1] || hi[1] <= lo[0])
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "%s separation: regressor \"%s\" predicts the outcome %s (its "
                               "values for y = 1 and y = 0 do not overlap); the maximum "
                               "likelihood estimate does not exist",
                               complete ? "complete" : "quasi-complete", eff_design_term(d, j),
                               complete ? "perfectly" : "perfectly on one side");
    }
    for (int t = 0; t < EFF_MAX_PARTS; t++) {
        eff_free(r.lo[t]);
        eff_free(r.hi[t]);
    }
    return st;
}

/* The terms whose model-based standard errors explode (glm_mark_unbounded), quoted into
 * names; their count. The model-based ones, so that the verdict does not depend on the
 * variance asked for: a cluster-robust variance can explode where the information does not,
 * and the other way round. */
static size_t unbounded_terms(const eff_glm *g, char *names, size_t size)
{
    size_t len = 0, count = 0;
    names[0] = '\0';
    for (size_t j = 0; j < g->p; j++) {
        if (g->keep[j] && g->unbounded[j]) {
            count++;
            if (len + strlen(g->terms[j]) + 4 < size)
                len += (size_t)snprintf(names + len, size - len, "%s\"%s\"", len ? ", " : "",
                                        g->terms[j]);
        }
    }
    return count;
}

/* After the fit: exploding standard errors name the regressors running off to infinity. */
static eff_status check_separation_fit(const eff_glm *g, eff_error *err)
{
    char names[400];
    if (!unbounded_terms(g, names, sizeof names))
        return EFF_OK;
    return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                         "quasi-complete separation: fitted probabilities of 0 or 1 and standard "
                         "errors without bound for %s; the maximum likelihood estimate does not "
                         "exist",
                         names);
}

static eff_glm *new_result(const eff_design *d, eff_glm_family family)
{
    size_t p = eff_design_p(d);
    eff_glm *g = eff_calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->family = family;
    g->p = p;
    g->terms = eff_calloc(p, sizeof *g->terms);
    g->keep = eff_calloc(p, 1);
    g->unbounded = eff_calloc(p, 1);
    g->coef = eff_mallocarray(p, sizeof *g->coef);
    g->vcov = eff_mallocarray(p * p, sizeof *g->vcov);
    int ok = g->terms && g->keep && g->unbounded && g->coef && g->vcov;
    for (size_t j = 0; ok && j < p; j++)
        ok = (g->terms[j] = eff_strdup(eff_design_term(d, j) ? eff_design_term(d, j) : "")) != NULL;
    if (!ok) {
        eff_glm_free(g);
        return NULL;
    }
    return g;
}

/* Copies the kept columns (a view when all are kept). */
static const double *kept_columns(const eff_design *d, const unsigned char *keep, size_t k,
                                  double **owned)
{
    size_t n = eff_design_n(d), p = eff_design_p(d);
    *owned = NULL;
    if (k == p)
        return eff_design_xc(d);
    double *x = eff_mallocarray(n * k, sizeof *x);
    if (!x)
        return NULL;
    for (size_t j = 0, c = 0; j < p; j++)
        if (keep[j])
            memcpy(x + (c++) * n, eff_design_xc(d) + j * n, n * sizeof *x);
    *owned = x;
    return x;
}

static double weighted_n(const eff_design *d, int frequency)
{
    const double *w = eff_design_weights(d);
    if (!frequency || !w)
        return (double)eff_design_n(d);
    double s = 0;
    for (size_t i = 0; i < eff_design_n(d); i++)
        s += w[i];
    return s;
}

/* The intercept of the null model (intercept and offset only): the weighted mean for a linear
 * model; for logit, Newton's method in one variable on sum w (y - mu(b + offset)) = 0. */
static double null_intercept(const glm_work *w, eff_glm_family family)
{
    double sw = 0, swy = 0;
    for (size_t i = 0; i < w->n; i++) {
        double wi = w->w ? w->w[i] : 1;
        sw += wi;
        swy += wi * (w->y[i] - (family == EFF_GLM_GAUSSIAN && w->offset ? w->offset[i] : 0));
    }
    double b = family == EFF_GLM_GAUSSIAN ? swy / sw : log(swy / (sw - swy));
    for (int it = 0; family == EFF_GLM_LOGIT && w->offset && it < 100; it++) {
        double grad = 0, hess = 0;
        for (size_t i = 0; i < w->n; i++) {
            double wi = w->w ? w->w[i] : 1, mu = 1 / (1 + exp(-(b + w->offset[i])));
            grad += wi * (w->y[i] - mu);
            hess += wi * mu * (1 - mu);
        }
        double step = grad / hess;
        b += step;
        if (fabs(step) < 1e-13 * (1 + fabs(b)))
            break;
    }
    return b;
}

/* The deviance of the null model: intercept (when the model has one) and offset only, as R's
 * glm computes null.deviance. */
static double null_deviance(const eff_glm *g, const glm_work *w)
{
    int intercept = g->p > 0 && strcmp(g->terms[0], "(Intercept)") == 0 && g->keep[0];
    double b = intercept ? null_intercept(w, g->family) : 0, dev = 0;
    for (size_t i = 0; i < w->n; i++) {
        double wi = w->w ? w->w[i] : 1, y = w->y[i], eta = b + (w->offset ? w->offset[i] : 0);
        if (g->family == EFF_GLM_LOGIT)
            dev += 2 * wi * (glm_log1pexp(eta) - y * eta);
        else
            dev += wi * (y - eta) * (y - eta);
    }
    return dev;
}

/* Log-likelihood, deviance, null deviance, AIC. */
static void summary_stats(eff_glm *g, const glm_work *w, double dev_or_rss, double n_obs)
{
    eff_glm_stats *s = &g->stats;
    double sum_log_w = 0;
    for (size_t i = 0; w->w && i < w->n; i++)
        if (w->w[i] > 0)
            sum_log_w += log(w->w[i]);
    s->null_deviance = null_deviance(g, w);
    s->deviance = dev_or_rss;
    if (g->family == EFF_GLM_LOGIT) {
        s->loglik = -0.5 * dev_or_rss; /* binary outcome: the saturated loglik is 0 */
        s->aic = dev_or_rss + 2 * (double)s->k;
    } else { /* as R's logLik.lm with weights */
        s->loglik = 0.5 * (sum_log_w - n_obs * (log(2 * M_PI) + 1 - log(n_obs) + log(dev_or_rss)));
        s->aic = -2 * s->loglik + 2 * ((double)s->k + 1);
    }
}

/* Spreads the K x K results over all p terms, NaN where dropped. */
static void expand(eff_glm *g, const double *beta, const double *vcov_k, size_t k)
{
    size_t p = g->p;
    for (size_t i = 0; i < p * p; i++)
        g->vcov[i] = NAN;
    for (size_t i = 0, a = 0; i < p; i++) {
        g->coef[i] = NAN;
        if (!g->keep[i])
            continue;
        g->coef[i] = beta[a];
        for (size_t j = 0, b = 0; j < p; j++)
            if (g->keep[j])
                g->vcov[j * p + i] = vcov_k[(b++) * k + a];
        a++;
    }
}

static eff_status fit_kept(eff_glm *g, const eff_design *d, const eff_glm_options *o,
                           glm_work *w, double *beta, double *vcov_k, eff_error *err)
{
    eff_glm_stats *s = &g->stats;
    double n_obs = weighted_n(d, o->frequency_weights), dev = 0, sigma2 = 1;
    eff_status st;
    if (g->family == EFF_GLM_LOGIT) {
        /* not converging is reported by the caller, after the separation check that explains
         * most non-convergence */
        st = glm_fit_logit(w, o->max_iter > 0 ? o->max_iter : 100, beta, &dev, &s->iterations,
                           &s->converged, err);
    } else {
        st = glm_fit_linear(w, beta, &dev, err);
        s->iterations = 1;
        s->converged = 1;
        sigma2 = dev / (n_obs - (double)w->k);
    }
    s->sigma = g->family == EFF_GLM_LOGIT ? 1.0 : sqrt(sigma2);
    s->df_resid = n_obs - (double)w->k;
    s->t_df = g->family == EFF_GLM_LOGIT ? 0
              : o->vcov == EFF_VCOV_CLUSTER ? (double)w->n_clusters - 1
                                            : s->df_resid;
    if (!st)
        st = glm_vcov(w, o, g->family, sigma2, n_obs, vcov_k, err);
    if (!st) {
        summary_stats(g, w, dev, n_obs);
        expand(g, beta, vcov_k, w->k);
        memset(g->unbounded, 0, g->p);
        for (size_t j = 0, a = 0; g->family == EFF_GLM_LOGIT && j < g->p; j++) {
            if (!g->keep[j])
                continue;
            double se = sqrt(w->bread[a * w->k + a]); /* the inverse information */
            g->unbounded[j] = !(se <= SEPARATION_SE_RATIO * (1 + fabs(beta[a])));
            a++;
        }
    }
    return st;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Fits on the columns g->keep marks. With `strict`, gives up (w.ill_conditioned) when the
 * first Newton system is not a well-conditioned Cholesky solve. */
static eff_status fit_with(eff_glm *g, const eff_design *d, const eff_glm_options *o, int strict,
                           const eff_ctx *ctx, int *ill_conditioned, eff_error *err)
{
    size_t n = eff_design_n(d), p = eff_design_p(d), k = 0;
    for (size_t j = 0; j < p; j++)
        k += g->keep[j];
    double *owned = NULL;
    glm_work w;
    memset(&w, 0, sizeof w);
    w.x = kept_columns(d, g->keep, k, &owned);
    double *beta = eff_calloc(k, sizeof *beta), *vcov_k = eff_mallocarray(k * k, sizeof *vcov_k);
    double *mu = eff_mallocarray(n, sizeof *mu), *bread = eff_mallocarray(k * k, sizeof *bread);
    /* the logit's last pass can collect the cluster score sums (when they are few enough) */
    size_t g_count = eff_design_n_clusters(d);
    int fused = o->vcov == EFF_VCOV_CLUSTER && g->family == EFF_GLM_LOGIT && g_count * 4 <= n;
    w.cluster_sums = fused ? eff_mallocarray(g_count * k, sizeof *w.cluster_sums) : NULL;
    eff_status st = w.x && beta && vcov_k && mu && bread && (!fused || w.cluster_sums)
                        ? EFF_OK
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        w.n = n;
        w.k = k;
        w.y = eff_design_yc(d);
        w.w = eff_design_weights(d);
        w.offset = eff_design_offset(d);
        w.clusters = eff_design_clusters(d);
        w.n_clusters = eff_design_n_clusters(d);
        w.mu = mu;
        w.bread = bread;
        w.threads = o->threads > 0 ? o->threads : glm_default_threads(n);
        if (w.threads > EFF_MAX_PARTS) /* the per-part accumulators number EFF_MAX_PARTS */
            w.threads = EFF_MAX_PARTS;
        w.strict_first = strict;
        w.ctx = ctx;
        g->stats.n = n;
        g->stats.n_dropped = eff_design_n_dropped(d);
        g->stats.k = k;
        g->stats.n_clusters = w.n_clusters;
        st = fit_kept(g, d, o, &w, beta, vcov_k, err);
        *ill_conditioned = w.ill_conditioned;
        g->stats.n_extreme = 0;
        for (size_t i = 0; st == EFF_OK && g->family == EFF_GLM_LOGIT && i < n; i++)
            g->stats.n_extreme += (!w.w || w.w[i] > 0) &&
                                  (mu[i] < 10 * DBL_EPSILON || mu[i] > 1 - 10 * DBL_EPSILON);
    }
    eff_free(owned);
    eff_free(beta);
    eff_free(vcov_k);
    eff_free(mu);
    eff_free(bread);
    eff_free(w.cluster_sums);
    return st;
}

/* Marks the columns to keep by the pivoted-QR rank, warning about each one dropped. */
static eff_status rank_columns(eff_glm *g, const eff_design *d, const eff_glm_options *o,
                               const eff_ctx *ctx, eff_error *err)
{
    size_t k;
    eff_status st = eff_linalg_rank(eff_design_xc(d), eff_design_n(d), eff_design_p(d),
                                    o->rank_tol > 0 ? o->rank_tol : 1e-12, g->keep, &k, err);
    for (size_t j = 0; !st && j < g->p; j++)
        if (!g->keep[j])
            eff_log(ctx, EFF_LOG_WARN, "regressor \"%s\" is collinear with the others: dropped",
                    g->terms[j]);
    return st;
}

/* After the fit, for logit: the data is scanned for a regressor that separates (one pass, the
 * cost of an iteration: how far the iterations ran before stopping must not decide whether
 * separation is seen). Exploding errors without such a regressor are separation by a
 * combination when some fitted probability is 0 or 1 or the fit did not converge; otherwise
 * they belong to terms that are nearly collinear (identified by a handful of observations):
 * the estimate exists, and R's glm reports it as it is; so does this, with a warning. */
static eff_status check_fit(eff_glm *g, const eff_design *d, eff_status st, const eff_ctx *ctx,
                            eff_error *err)
{
    char names[400];
    if (st == EFF_OK && g->family == EFF_GLM_LOGIT) {
        st = check_separation_1d(d, g->keep, err);
        if (!st && unbounded_terms(g, names, sizeof names) > 0) {
            if (g->stats.converged && g->stats.n_extreme == 0)
                eff_log(ctx, EFF_LOG_WARN, "standard errors of %s are very large: the terms "
                        "are nearly collinear (no fitted probability is 0 or 1, so this is not "
                        "separation); the fit is kept", names);
            else
                st = check_separation_fit(g, err);
        }
    } else if (st == EFF_ENOCONV && g->family == EFF_GLM_LOGIT) {
        eff_error first = err ? *err : (eff_error){0};
        if (check_separation_1d(d, g->keep, err) == EFF_OK && err)
            *err = first;
        else
            st = EFF_EINVAL;
    }
    if (!st && !g->stats.converged)
        st = eff_error_set(err, EFF_ENOCONV, NULL, 0, 0,
                           "the logit fit did not converge in %d iterations",
                           g->stats.iterations);
    return st;
}

eff_status eff_glm_fit(const eff_design *d, const eff_glm_options *opt, const eff_ctx *ctx,
                       eff_glm **out, eff_error *err)
{
    double t0 = seconds();
    eff_glm_options o = opt ? *opt : eff_glm_options_default();
    eff_status st = check_design(d, &o, err);
    if (st)
        return st;
    glm_blas_single_thread();
    eff_glm *g = new_result(d, o.family);
    if (!g)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double t1 = seconds(), t2 = t1;
    int ill = 0;
    if (o.family == EFF_GLM_LOGIT) {
        /* A first Newton system that Cholesky solves with rcond > 1e-10 means a design of full
         * rank (its scaled condition number is below 1e5), so the ranking pass over the data
         * is needed only when that fails. */
        memset(g->keep, 1, g->p);
        st = fit_with(g, d, &o, 1, ctx, &ill, err);
    }
    if (o.family != EFF_GLM_LOGIT || (st == EFF_ESINGULAR && ill)) {
        eff_error_clear(err);
        st = rank_columns(g, d, &o, ctx, err);
        t2 = seconds();
        if (!st)
            st = fit_with(g, d, &o, 0, ctx, &ill, err);
    }
    eff_log(ctx, EFF_LOG_DEBUG, "glm: checks %.3f s, rank %.3f s, fit and variance %.3f s (%d "
                                "iterations)",
            t1 - t0, t2 - t1, seconds() - t2, g->stats.iterations);
    if (st != EFF_EABORT)
        st = check_fit(g, d, st, ctx, err);
    if (st) {
        /* A non-finite regressor value makes the fit fail: the scan for it (a pass over the
         * data) is spent only then, and its message replaces the fit's. */
        long bad = st == EFF_EABORT ? -1 : first_non_finite(d);
        if (bad >= 0)
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "regressor \"%s\" is not finite in data row %zu",
                               eff_design_term(d, (size_t)bad % g->p),
                               eff_design_source_row(d, (size_t)bad / g->p) + 1);
        eff_glm_free(g);
        return st;
    }
    *out = g;
    return EFF_OK;
}

eff_glm_stats eff_glm_get_stats(const eff_glm *g) { return g->stats; }
eff_glm_family eff_glm_get_family(const eff_glm *g) { return g->family; }
size_t eff_glm_p(const eff_glm *g) { return g->p; }
const char *eff_glm_term(const eff_glm *g, size_t j) { return g->terms[j]; }
int eff_glm_dropped(const eff_glm *g, size_t j) { return !g->keep[j]; }
const double *eff_glm_coef(const eff_glm *g) { return g->coef; }
const double *eff_glm_vcov(const eff_glm *g) { return g->vcov; }
