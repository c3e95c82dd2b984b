/* glm_fit.c - checks, collinearity, weighted least squares and logit IRLS (glm.h says how). */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "glm_internal.h"
#include "linalg.h"
#include "mem.h"

void openblas_set_num_threads(int num_threads);

enum { BLOCK_ROWS = 2048, MAX_PARTS = 16 };

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

typedef struct part_job {
    glm_range_fn fn;
    void *arg;
    size_t lo, hi;
    int part;
} part_job;

static void *run_part(void *p)
{
    part_job *j = p;
    j->fn(j->arg, j->lo, j->hi, j->part);
    return NULL;
}

void glm_parallel(int parts, size_t n, glm_range_fn fn, void *arg)
{
    if (parts < 1)
        parts = 1;
    if (parts > MAX_PARTS)
        parts = MAX_PARTS;
    part_job jobs[MAX_PARTS];
    pthread_t threads[MAX_PARTS];
    int started[MAX_PARTS] = {0};
    for (int t = 0; t < parts; t++)
        jobs[t] = (part_job){fn, arg, n * (size_t)t / (size_t)parts,
                             n * (size_t)(t + 1) / (size_t)parts, t};
    for (int t = 1; t < parts; t++)
        started[t] = pthread_create(&threads[t], NULL, run_part, &jobs[t]) == 0;
    run_part(&jobs[0]);
    for (int t = 1; t < parts; t++) {
        if (started[t])
            pthread_join(threads[t], NULL);
        else
            run_part(&jobs[t]); /* no thread to be had: do it here */
    }
}

/* ---- IRLS pieces ---- */

typedef struct irls {
    const glm_work *w;
    const double *beta;   /* current coefficients (K) */
    double *eta;          /* n */
    double *xtwx[MAX_PARTS], *xtwz[MAX_PARTS];
    double *block[MAX_PARTS];
    double dev[MAX_PARTS], dev_comp[MAX_PARTS];
    double *sw_z;         /* fallback: sqrt(W) z, n */
    double *sw;           /* fallback: sqrt(W), n */
} irls;

static void neumaier(double *sum, double *comp, double x)
{
    double t = *sum + x;
    *comp += fabs(*sum) >= fabs(x) ? (*sum - t) + x : (x - t) + *sum;
    *sum = t;
}

/* eta = X beta + offset and the deviance over rows [lo, hi). */
static void eta_part(void *arg, size_t lo, size_t hi, int part)
{
    irls *s = arg;
    const glm_work *w = s->w;
    if (hi > lo)
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)(hi - lo), (int)w->k, 1.0, w->x + lo,
                    (int)w->n, s->beta, 1, 0.0, s->eta + lo, 1);
    double sum = 0, comp = 0;
    for (size_t i = lo; i < hi; i++) {
        if (w->offset)
            s->eta[i] += w->offset[i];
        double e = s->eta[i];
        double dev = 2 * (glm_log1pexp(e) - w->y[i] * e);
        neumaier(&sum, &comp, w->w ? w->w[i] * dev : dev);
    }
    s->dev[part] = sum;
    s->dev_comp[part] = comp;
}

/* Working weight and response of row i, with eta clamped to [-30, 30] as R's logit link
 * does, so a fitted 0 or 1 keeps a tiny positive weight. */
static void working(const glm_work *w, double eta, size_t i, double *ww, double *z)
{
    double e = eta < -30 ? -30 : eta > 30 ? 30 : eta;
    double mu = 1.0 / (1.0 + exp(-e)), var = mu * (1 - mu);
    *ww = w->w ? w->w[i] * var : var;
    *z = (eta - (w->offset ? w->offset[i] : 0)) + (w->y[i] - mu) / var;
}

/* X'WX and X'Wz over rows [lo, hi), BLOCK_ROWS at a time through dsyrk and dgemv. */
static void accumulate_part(void *arg, size_t lo, size_t hi, int part)
{
    irls *s = arg;
    const glm_work *w = s->w;
    size_t k = w->k;
    double *b = s->block[part], *a = s->xtwx[part], *v = s->xtwz[part];
    double swz[BLOCK_ROWS], sw[BLOCK_ROWS];
    memset(a, 0, k * k * sizeof *a);
    memset(v, 0, k * sizeof *v);
    for (size_t r0 = lo; r0 < hi; r0 += BLOCK_ROWS) {
        size_t m = hi - r0 < BLOCK_ROWS ? hi - r0 : BLOCK_ROWS;
        for (size_t i = 0; i < m; i++) {
            double ww, z;
            working(w, s->eta[r0 + i], r0 + i, &ww, &z);
            sw[i] = sqrt(ww);
            swz[i] = sw[i] * z;
        }
        for (size_t j = 0; j < k; j++) {
            const double *xj = w->x + j * w->n + r0;
            for (size_t i = 0; i < m; i++)
                b[j * BLOCK_ROWS + i] = xj[i] * sw[i];
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)m, 1.0, b, BLOCK_ROWS,
                    1.0, a, (int)k);
        cblas_dgemv(CblasColMajor, CblasTrans, (int)m, (int)k, 1.0, b, BLOCK_ROWS, swz, 1, 1.0,
                    v, 1);
    }
}

static double deviance(irls *s, int parts)
{
    glm_parallel(parts, s->w->n, eta_part, s);
    double sum = 0, comp = 0;
    for (int t = 0; t < parts; t++) {
        neumaier(&sum, &comp, s->dev[t]);
        neumaier(&sum, &comp, s->dev_comp[t]);
    }
    return sum + comp;
}

/* Sums the parts' X'WX (upper triangle) and X'Wz into part 0's arrays. */
static void reduce_parts(irls *s, int parts)
{
    size_t k = s->w->k;
    for (int t = 1; t < parts; t++) {
        for (size_t i = 0; i < k * k; i++)
            s->xtwx[0][i] += s->xtwx[t][i];
        for (size_t i = 0; i < k; i++)
            s->xtwz[0][i] += s->xtwz[t][i];
    }
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

/* One Newton step from the current eta: new coefficients, and (X'WX)^-1 when cov != NULL. */
static eff_status newton_step(irls *s, int parts, double *beta, double *cov, eff_error *err)
{
    glm_parallel(parts, s->w->n, accumulate_part, s);
    reduce_parts(s, parts);
    double rcond;
    size_t k = s->w->k;
    for (size_t j = 0; j < k; j++) /* dsyrk filled the upper triangle: mirror it */
        for (size_t i = 0; i < j; i++)
            s->xtwx[0][i * k + j] = s->xtwx[0][j * k + i];
    eff_status st = eff_linalg_spd_solve(s->xtwx[0], k, s->xtwz[0], beta, cov, CHOL_MIN_RCOND,
                                         &rcond, NULL);
    if (st == EFF_ESINGULAR)
        st = qr_step(s, beta, cov, err);
    return st;
}

static eff_status irls_alloc(irls *s, int parts, size_t n, size_t k, eff_error *err)
{
    s->eta = eff_mallocarray(n, sizeof *s->eta);
    int ok = s->eta != NULL;
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

eff_status glm_fit_logit(glm_work *w, int max_iter, double *beta, double *deviance_out,
                         int *iterations, int *converged, eff_error *err)
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
    for (size_t i = 0; !st && i < n; i++) {
        double wi = w->w ? w->w[i] : 1, mu = (wi * w->y[i] + 0.5) / (wi + 1);
        s.eta[i] = log(mu / (1 - mu));
    }
    double dev_old = INFINITY, dev = INFINITY;
    *converged = 0;
    int it = 0;
    for (it = 1; !st && it <= max_iter && !*converged; it++) {
        st = newton_step(&s, parts, trial, NULL, err);
        if (st)
            break;
        memcpy(old, beta, k * sizeof *old);
        s.beta = trial;
        dev = deviance(&s, parts);
        /* step-halving while the deviance is not finite or went up (Stata's line search) */
        for (int h = 0; it > 1 && h < 30 && !(dev <= dev_old + 1e-12 * (fabs(dev_old) + 0.1));
             h++) {
            for (size_t j = 0; j < k; j++)
                trial[j] = 0.5 * (trial[j] + old[j]);
            dev = deviance(&s, parts);
        }
        memcpy(beta, trial, k * sizeof *beta);
        if (it > 1 && (fabs(dev - dev_old) / (fabs(dev) + 0.1) < DEV_TOL ||
                       step_size(old, beta, k) < STEP_TOL))
            *converged = 1;
        dev_old = dev;
    }
    *iterations = it - 1;
    if (!st && !isfinite(dev))
        st = eff_error_set(err, EFF_ENOCONV, NULL, 0, 0, "the logit deviance is not finite");
    if (!st) { /* the variance's bread and the fitted means, at the final coefficients */
        s.beta = beta;
        deviance(&s, parts);
        st = newton_step(&s, parts, trial, w->bread, err);
        for (size_t i = 0; !st && i < n; i++)
            w->mu[i] = 1.0 / (1.0 + exp(-s.eta[i]));
        *deviance_out = dev;
    }
    irls_free(&s);
    eff_free(trial);
    eff_free(old);
    return st;
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
}

int glm_default_threads(size_t n)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    if (cores > MAX_PARTS)
        cores = MAX_PARTS;
    size_t by_rows = n / 50000 + 1; /* small problems: thread start-up would cost more */
    return (int)((size_t)cores < by_rows ? (size_t)cores : by_rows);
}
