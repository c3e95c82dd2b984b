/* glm_fit.c - checks, collinearity, weighted least squares and logit IRLS (glm.h says how). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "glm_internal.h"
#include "parallel.h"
#include "linalg.h"
#include "mem.h"

void openblas_set_num_threads(int num_threads);

enum { BLOCK_ROWS = 2048, MAX_PARTS = EFF_MAX_PARTS };

/* Reciprocal condition number below which the scaled X'WX is solved by QR instead. */
static const double CHOL_MIN_RCOND = 1e-10;
/* Stopping rule (glm.h). */
static const double DEV_TOL = 1e-14, STEP_TOL = 1e-12;

eff_glm_options eff_glm_options_default(void)
{
    eff_glm_options o = {EFF_GLM_GAUSSIAN, EFF_VCOV_IID, 100, 1e-12, 0, -1, 0};
    return o;
}

double glm_log1pexp(double x)
{
    if (x <= -37)
        return exp(x);
    if (x <= 18)
        return log1p(exp(x));
    if (x <= 33.3)
        return x + exp(-x);
    return x;
}

/* ---- IRLS pieces ---- */

typedef struct irls {
    const glm_work *w;
    const double *beta;   /* current coefficients (K) */
    double *eta;          /* n */
    double *xtwx[MAX_PARTS], *xtwz[MAX_PARTS];
    double *block[MAX_PARTS];
    double dev[MAX_PARTS], dev_comp[MAX_PARTS];
    double *csum[MAX_PARTS]; /* per part G x K score sums, when this pass collects them */
    int collect_clusters;
} irls;

static void neumaier(double *sum, double *comp, double x)
{
    double t = *sum + x;
    *comp += fabs(*sum) >= fabs(x) ? (*sum - t) + x : (x - t) + *sum;
    *sum = t;
}

/* Row i's deviance contribution and its working weight and response, from one exp() and
 * one log(): with e = exp(-|eta|), log(1 + exp(eta)) = max(eta, 0) + log(1 + e) and mu =
 * 1/(1 + e) or e/(1 + e). The weight uses eta clamped to [-30, 30], as R's logit link does, so a fitted 0
 * or 1 keeps a tiny positive weight. */
static double row_terms(const glm_work *w, double eta, size_t i, double *ww, double *z,
                        double *u)
{
    double e = exp(-fabs(eta));
    /* log1p(e) as -log(1/(1+e)): one log() instead of glibc's slower log1p(); e is in (0, 1],
     * so the absolute error stays below 2e-16 per row */
    double dev = 2 * ((eta > 0 ? eta : 0) - log(1 / (1 + e)) - w->y[i] * eta);
    double ec = fabs(eta) > 30 ? exp(-30.0) : e;
    double mu = eta >= 0 ? 1 / (1 + ec) : ec / (1 + ec), var = mu * (1 - mu);
    *ww = w->w ? w->w[i] * var : var;
    *z = (eta - (w->offset ? w->offset[i] : 0)) + (w->y[i] - mu) / var;
    *u = (w->w ? w->w[i] : 1) * (w->y[i] - mu); /* the score weight */
    return w->w ? w->w[i] * dev : dev;
}

static void working(const glm_work *w, double eta, size_t i, double *ww, double *z)
{
    double u;
    row_terms(w, eta, i, ww, z, &u);
}

/* One pass over rows [lo, hi), BLOCK_ROWS at a time while the block is in cache: eta =
 * X beta + offset (or the starting eta when s->beta is NULL), the deviance, and X'WX (dsyrk)
 * and X'Wz (dgemv) at that eta. Reading X once per iteration is what bounds the fit. */
static void pass_part(void *arg, size_t lo, size_t hi, int part)
{
    irls *s = arg;
    const glm_work *w = s->w;
    size_t k = w->k;
    double *b = s->block[part], *a = s->xtwx[part], *v = s->xtwz[part];
    double swz[BLOCK_ROWS], sw[BLOCK_ROWS], u[BLOCK_ROWS];
    double sum = 0, comp = 0, *csum = s->collect_clusters ? s->csum[part] : NULL;
    size_t g_count = w->n_clusters;
    memset(a, 0, k * k * sizeof *a);
    memset(v, 0, k * sizeof *v);
    if (csum)
        memset(csum, 0, g_count * k * sizeof *csum);
    for (size_t r0 = lo; r0 < hi; r0 += BLOCK_ROWS) {
        size_t m = hi - r0 < BLOCK_ROWS ? hi - r0 : BLOCK_ROWS;
        double *eta = s->eta + r0;
        if (s->beta) {
            cblas_dgemv(CblasColMajor, CblasNoTrans, (int)m, (int)k, 1.0, w->x + r0, (int)w->n,
                        s->beta, 1, 0.0, eta, 1);
            for (size_t i = 0; w->offset && i < m; i++)
                eta[i] += w->offset[r0 + i];
        }
        for (size_t i = 0; i < m; i++) {
            double ww, z;
            neumaier(&sum, &comp, row_terms(w, eta[i], r0 + i, &ww, &z, &u[i]));
            sw[i] = sqrt(ww);
            swz[i] = sw[i] * z;
        }
        for (size_t j = 0; csum && j < k; j++) {
            const double *xj = w->x + j * w->n + r0;
            const int32_t *cl = w->clusters + r0;
            double *cj = csum + j * g_count;
            for (size_t i = 0; i < m; i++)
                cj[cl[i]] += xj[i] * u[i];
        }
        for (size_t j = 0; j < k; j++) {
            const double *xj = w->x + j * w->n + r0;
            double *bj = b + j * BLOCK_ROWS;
            for (size_t i = 0; i < m; i++)
                bj[i] = xj[i] * sw[i];
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)m, 1.0, b, BLOCK_ROWS,
                    1.0, a, (int)k);
        cblas_dgemv(CblasColMajor, CblasTrans, (int)m, (int)k, 1.0, b, BLOCK_ROWS, swz, 1, 1.0,
                    v, 1);
    }
    s->dev[part] = sum;
    s->dev_comp[part] = comp;
}

/* Runs the pass at `beta` (NULL: the starting eta) and returns the deviance there; X'WX and
 * X'Wz at that point end up summed in part 0's arrays, X'WX mirrored to full. */
static double pass(irls *s, int parts, const double *beta)
{
    s->beta = beta;
    eff_parallel_for(parts, s->w->n, pass_part, s);
    size_t k = s->w->k;
    double sum = 0, comp = 0;
    for (int t = 0; t < parts; t++) {
        neumaier(&sum, &comp, s->dev[t]);
        neumaier(&sum, &comp, s->dev_comp[t]);
        if (t == 0)
            continue;
        for (size_t i = 0; i < k * k; i++)
            s->xtwx[0][i] += s->xtwx[t][i];
        for (size_t i = 0; i < k; i++)
            s->xtwz[0][i] += s->xtwz[t][i];
    }
    for (size_t j = 0; j < k; j++) /* dsyrk filled the upper triangle */
        for (size_t i = 0; i < j; i++)
            s->xtwx[0][i * k + j] = s->xtwx[0][j * k + i];
    return sum + comp;
}

/* The pivoted-QR fallback for an ill-conditioned X'WX: least squares of sqrt(W)z on sqrt(W)X. */
static eff_status qr_step(irls *s, double *beta, double *cov, eff_error *err)
{
    const glm_work *w = s->w;
    size_t n = w->n, k = w->k;
    double *xs = eff_mallocarray(n * k, sizeof *xs), *zs = eff_mallocarray(n, sizeof *zs);
    eff_status st = xs && zs ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !st && i < n; i++) {
        double ww, z;
        working(w, s->eta[i], i, &ww, &z);
        double root = sqrt(ww);
        zs[i] = root * z;
        for (size_t j = 0; j < k; j++)
            xs[j * n + i] = root * w->x[j * n + i];
    }
    if (!st)
        st = eff_linalg_lsq(xs, n, k, zs, beta, cov, err);
    eff_free(xs);
    eff_free(zs);
    return st;
}

/* The Newton step from the last pass's X'WX and X'Wz: new coefficients, and (X'WX)^-1 when
 * cov != NULL. */
static eff_status newton_solve(irls *s, double *beta, double *cov, eff_error *err)
{
    double rcond;
    eff_status st = eff_linalg_spd_solve(s->xtwx[0], s->w->k, s->xtwz[0], beta, cov,
                                         CHOL_MIN_RCOND, &rcond, NULL);
    if (st == EFF_ESINGULAR)
        st = qr_step(s, beta, cov, err);
    return st;
}

static eff_status irls_alloc(irls *s, int parts, size_t n, size_t k, eff_error *err)
{
    s->eta = eff_mallocarray(n, sizeof *s->eta);
    int ok = s->eta != NULL;
    for (int t = 0; ok && s->w->cluster_sums && t < parts; t++)
        ok = (s->csum[t] = eff_mallocarray(s->w->n_clusters * k, sizeof(double))) != NULL;
    for (int t = 0; ok && t < parts; t++) {
        s->xtwx[t] = eff_mallocarray(k * k, sizeof(double));
        s->xtwz[t] = eff_mallocarray(k, sizeof(double));
        s->block[t] = eff_mallocarray((size_t)BLOCK_ROWS * k, sizeof(double));
        ok = s->xtwx[t] && s->xtwz[t] && s->block[t];
    }
    return ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in the logit fit");
}

static void irls_free(irls *s)
{
    eff_free(s->eta);
    for (int t = 0; t < MAX_PARTS; t++) {
        eff_free(s->csum[t]);
        eff_free(s->xtwx[t]);
        eff_free(s->xtwz[t]);
        eff_free(s->block[t]);
    }
}

/* Largest |new_j - old_j| / (|new_j| + 1). */
static double step_size(const double *old, const double *new, size_t k)
{
    double m = 0;
    for (size_t j = 0; j < k; j++) {
        double s = fabs(new[j] - old[j]) / (fabs(new[j]) + 1);
        m = s > m ? s : m;
    }
    return m;
}

/* Newton iterations from `beta` (have_start) or from R's starting means. */
static eff_status irls_run(glm_work *w, int max_iter, int have_start, double dev_tol,
                           double *beta, double *deviance_out, int *iterations, int *converged,
                           double *bread, eff_error *err)
{
    int parts = w->threads;
    size_t n = w->n, k = w->k;
    irls s;
    memset(&s, 0, sizeof s);
    s.w = w;
    double *trial = eff_mallocarray(k, sizeof *trial), *old = eff_mallocarray(k, sizeof *old);
    eff_status st = trial && old ? irls_alloc(&s, parts, n, k, err)
                                 : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    /* start as R's binomial family: mu = (w y + 1/2) / (w + 1), eta = logit(mu) */
    for (size_t i = 0; !st && !have_start && i < n; i++) {
        double wi = w->w ? w->w[i] : 1, mu = (wi * w->y[i] + 0.5) / (wi + 1);
        s.eta[i] = log(mu / (1 - mu));
    }
    double dev_old = INFINITY, dev = st ? INFINITY : pass(&s, parts, have_start ? beta : NULL);
    for (size_t j = 0; !st && j < k; j++) /* a NaN or infinity in X: stop at once */
        if (!isfinite(s.xtwx[0][j * k + j]) || !isfinite(dev))
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "non-finite values in the design");
    *converged = 0;
    int it = 0;
    while (!st && !*converged && it < max_iter) {
        if (eff_ctx_cancelled(w->ctx)) {
            st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted while fitting");
            break;
        }
        it++;
        if (it == 1 && w->strict_first) {
            double rcond;
            if (eff_linalg_spd_solve(s.xtwx[0], k, s.xtwz[0], trial, NULL, CHOL_MIN_RCOND, &rcond,
                                     NULL) != EFF_OK) {
                w->ill_conditioned = 1;
                st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "ill-conditioned X'WX");
                break;
            }
        } else if ((st = newton_solve(&s, trial, NULL, err)) != EFF_OK) {
            break;
        }
        memcpy(old, beta, k * sizeof *old);
        dev_old = dev;
        /* The Newton decrement d'(X'WX)d predicts the deviance's fall: when it is far below the
         * stopping tolerance, this pass will be the last, so it also collects the cluster
         * score sums for the variance (saving a pass over the data). */
        double decrement = 0;
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++)
                decrement += (trial[a] - old[a]) * s.xtwx[0][b * k + a] * (trial[b] - old[b]);
        s.collect_clusters = w->cluster_sums && decrement < 0.1 * dev_tol * (fabs(dev) + 0.1);
        dev = pass(&s, parts, trial);
        /* step-halving while the deviance is not finite or went up (Stata's line search) */
        for (int h = 0; (it > 1 || have_start) && h < 30 &&
                        !(dev <= dev_old + 1e-12 * (fabs(dev_old) + 0.1));
             h++) {
            for (size_t j = 0; j < k; j++)
                trial[j] = 0.5 * (trial[j] + old[j]);
            dev = pass(&s, parts, trial);
        }
        memcpy(beta, trial, k * sizeof *beta);
        if ((it > 1 || have_start) && (fabs(dev - dev_old) / (fabs(dev) + 0.1) < dev_tol ||
                                       step_size(old, beta, k) < STEP_TOL))
            *converged = 1;
    }
    *iterations = it;
    if (!st && *converged && s.collect_clusters) {
        size_t size = w->n_clusters * k;
        memcpy(w->cluster_sums, s.csum[0], size * sizeof *w->cluster_sums);
        for (int t = 1; t < parts; t++)
            for (size_t i = 0; i < size; i++)
                w->cluster_sums[i] += s.csum[t][i];
        w->cluster_sums_ready = 1;
    }
    if (!st && !isfinite(dev))
        st = eff_error_set(err, EFF_ENOCONV, NULL, 0, 0, "the logit deviance is not finite");
    if (!st && bread) { /* the last pass was at the final coefficients: its X'WX is the bread */
        st = newton_solve(&s, trial, bread, err);
        for (size_t i = 0; !st && i < n; i++)
            w->mu[i] = 1.0 / (1.0 + exp(-s.eta[i]));
    }
    *deviance_out = dev;
    irls_free(&s);
    eff_free(trial);
    eff_free(old);
    return st;
}

/* Rows in the subsample that gives large fits their starting point, and the sizes it is used
 * for. Newton's method converges quadratically, so from the optimum of every 20th row or so
 * the full data needs two or three passes instead of five or six. */
enum { START_SAMPLE = 50000, START_MIN_N = 400000 };

/* Starting coefficients from every stride-th row; 0 when that fit fails (any reason). */
static int subsample_start(const glm_work *w, int max_iter, double *beta)
{
    size_t stride = w->n / START_SAMPLE, m = (w->n + stride - 1) / stride, k = w->k;
    double *x = eff_mallocarray(m * k, sizeof *x), *y = eff_mallocarray(m, sizeof *y);
    double *wt = w->w ? eff_mallocarray(m, sizeof *wt) : NULL;
    double *off = w->offset ? eff_mallocarray(m, sizeof *off) : NULL;
    double *mu = eff_mallocarray(m, sizeof *mu);
    int ok = x && y && mu && (!w->w || wt) && (!w->offset || off);
    for (size_t r = 0; ok && r < m; r++) {
        size_t i = r * stride;
        y[r] = w->y[i];
        if (wt)
            wt[r] = w->w[i];
        if (off)
            off[r] = w->offset[i];
        for (size_t j = 0; j < k; j++)
            x[j * m + r] = w->x[j * w->n + i];
    }
    if (ok) {
        glm_work sub = *w;
        sub.clusters = NULL;
        sub.cluster_sums = NULL;
        sub.x = x;
        sub.n = m;
        sub.y = y;
        sub.w = wt;
        sub.offset = off;
        sub.mu = mu;
        double dev;
        int iterations, converged;
        ok = irls_run(&sub, max_iter, 0, 1e-10, beta, &dev, &iterations, &converged, NULL, NULL) ==
                 EFF_OK && converged;
    }
    eff_free(x);
    eff_free(y);
    eff_free(wt);
    eff_free(off);
    eff_free(mu);
    return ok;
}

eff_status glm_fit_logit(glm_work *w, int max_iter, double *beta, double *deviance_out,
                         int *iterations, int *converged, eff_error *err)
{
    int have_start = w->n >= START_MIN_N && subsample_start(w, max_iter, beta);
    if (!have_start)
        memset(beta, 0, w->k * sizeof *beta);
    return irls_run(w, max_iter, have_start, DEV_TOL, beta, deviance_out, iterations, converged,
                    w->bread, err);
}

/* Weighted least squares: QR of sqrt(w) X against sqrt(w) (y - offset). */
eff_status glm_fit_linear(glm_work *w, double *beta, double *rss, eff_error *err)
{
    size_t n = w->n, k = w->k;
    double *xs = NULL, *ys = eff_mallocarray(n, sizeof *ys);
    const double *x = w->x;
    if (w->w && ys) {
        xs = eff_mallocarray(n * k, sizeof *xs);
        for (size_t j = 0; xs && j < k; j++)
            for (size_t i = 0; i < n; i++)
                xs[j * n + i] = sqrt(w->w[i]) * w->x[j * n + i];
        x = xs;
    }
    eff_status st = ys && (!w->w || xs) ? EFF_OK
                                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !st && i < n; i++)
        ys[i] = (w->y[i] - (w->offset ? w->offset[i] : 0)) * (w->w ? sqrt(w->w[i]) : 1);
    if (!st)
        st = eff_linalg_lsq(x, n, k, ys, beta, w->bread, err);
    for (size_t j = 0; !st && j < k; j++)
        if (!isfinite(beta[j]))
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "non-finite values in the design");
    long double sum = 0;
    for (size_t i = 0; !st && i < n; i++) {
        long double fit = w->offset ? w->offset[i] : 0;
        for (size_t j = 0; j < k; j++)
            fit += (long double)w->x[j * n + i] * beta[j];
        w->mu[i] = (double)fit;
        long double e = w->y[i] - fit;
        sum += (w->w ? w->w[i] : 1) * e * e;
    }
    *rss = (double)sum;
    eff_free(xs);
    eff_free(ys);
    return st;
}

/* BLAS runs single-threaded inside our own row-block threads. */
void glm_blas_single_thread(void)
{
    openblas_set_num_threads(1);
    /* LAPACKE's NaN scan of every input costs a pass per call; our inputs are checked */
    LAPACKE_set_nancheck(0);
}

int glm_default_threads(size_t n)
{
    return eff_parallel_parts(n, 50000); /* small problems: thread start-up costs more */
}
