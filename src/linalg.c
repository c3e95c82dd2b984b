/* linalg.c - pivoted-QR rank, refined QR least squares, scaled Cholesky solves (LAPACKE). */
#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "mem.h"
#include "parallel.h"

static eff_status oom(eff_error *err)
{
    return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in linear algebra");
}

/* Copies X and scales each column to unit Euclidean norm; norms[j] = 0 for a zero column. */
static double *scaled_copy(const double *x, size_t n, size_t p, double *norms)
{
    double *a = eff_mallocarray(n * p, sizeof *a);
    if (!a)
        return NULL;
    memcpy(a, x, n * p * sizeof *a);
    for (size_t j = 0; j < p; j++) {
        norms[j] = cblas_dnrm2((int)n, a + j * n, 1);
        if (norms[j] > 0)
            cblas_dscal((int)n, 1.0 / norms[j], a + j * n, 1);
    }
    return a;
}

/* In-order choice, as dqrdc2: column j is dropped when, after the kept columns before it, what
 * is left of it is below tol. Works on rt = R P' (min(n,p) x p), whose columns have the same
 * inner products as the scaled columns of X. */
static eff_status choose_in_order(const double *rt, size_t m, size_t p, double tol,
                                  unsigned char *keep, eff_error *err)
{
    double *sub = eff_mallocarray(m * p, sizeof *sub);
    double *tau = eff_mallocarray(p, sizeof *tau);
    if (!sub || !tau) {
        eff_free(sub);
        eff_free(tau);
        return oom(err);
    }
    size_t kept = 0;
    for (size_t j = 0; j < p; j++) {
        if (!keep[j])
            continue; /* a zero column */
        size_t c = 0;
        for (size_t i = 0; i < j; i++)
            if (keep[i])
                memcpy(sub + (c++) * m, rt + i * m, m * sizeof *sub);
        memcpy(sub + c * m, rt + j * m, m * sizeof *sub);
        double last = 1.0;
        if (c < m) {
            LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (int)m, (int)(c + 1), sub, (int)m, tau);
            last = fabs(sub[c * m + c]);
        } else {
            last = 0; /* more columns than rows: j cannot add a dimension */
        }
        double norm = cblas_dnrm2((int)m, rt + j * m, 1);
        if (last < tol * (norm > 0 ? norm : 1))
            keep[j] = 0;
        else
            kept++;
    }
    (void)kept;
    eff_free(sub);
    eff_free(tau);
    return EFF_OK;
}

enum { TSQR_BLOCK = 4096 };

/* The R factor of rows [lo, hi) of X with unit-norm columns, without copying X: a
 * tall-skinny QR that folds row blocks into R one at a time, R <- R of [R; X_block]
 * (dgeqrf), as stable as Householder QR of the whole matrix. r is p x p (upper; zero below). */
static int tsqr_rows(const double *x, size_t n, size_t p, const double *norms, size_t lo,
                     size_t hi, double *r, double *a, double *tau)
{
    memset(r, 0, p * p * sizeof *r);
    for (size_t r0 = lo; r0 < hi; r0 += TSQR_BLOCK) {
        size_t b = hi - r0 < TSQR_BLOCK ? hi - r0 : TSQR_BLOCK, m = p + b;
        for (size_t j = 0; j < p; j++) {
            double *col = a + j * m, scale = !norms ? 1.0 : norms[j] > 0 ? 1.0 / norms[j] : 0;
            memcpy(col, r + j * p, p * sizeof *col);
            for (size_t i = 0; i < b; i++)
                col[p + i] = x[j * n + r0 + i] * scale;
        }
        if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (int)m, (int)p, a, (int)m, tau) != 0)
            return -1;
        for (size_t j = 0; j < p; j++)
            for (size_t i = 0; i < p; i++)
                r[j * p + i] = i <= j ? a[j * m + i] : 0;
    }
    return 0;
}

typedef struct tsqr_job {
    const double *x, *norms;
    size_t n, p;
    double *r[EFF_MAX_PARTS], *a[EFF_MAX_PARTS], *tau[EFF_MAX_PARTS];
    int failed[EFF_MAX_PARTS];
} tsqr_job;

static void tsqr_part(void *arg, size_t lo, size_t hi, int part)
{
    tsqr_job *j = arg;
    j->failed[part] = tsqr_rows(j->x, j->n, j->p, j->norms, lo, hi, j->r[part], j->a[part],
                                j->tau[part]);
}

/* Each part's R over its rows, then the R of the stacked R's: the whole matrix's R. */
static eff_status tsqr(const double *x, size_t n, size_t p, const double *norms, double *r,
                       eff_error *err)
{
    int parts = eff_parallel_parts(n, 100000);
    tsqr_job job;
    memset(&job, 0, sizeof job);
    job.x = x;
    job.norms = norms;
    job.n = n;
    job.p = p;
    size_t rows = TSQR_BLOCK + p > (size_t)parts * p ? TSQR_BLOCK + p : (size_t)parts * p;
    int ok = 1;
    for (int t = 0; t < parts && ok; t++) {
        job.r[t] = eff_mallocarray(p * p, sizeof(double));
        job.a[t] = eff_mallocarray(rows * p, sizeof(double));
        job.tau[t] = eff_mallocarray(p, sizeof(double));
        ok = job.r[t] && job.a[t] && job.tau[t];
    }
    eff_status st = ok ? EFF_OK : oom(err);
    if (!st) {
        eff_parallel_for(parts, n, tsqr_part, &job);
        for (int t = 0; t < parts; t++)
            if (job.failed[t])
                st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "QR factorisation failed");
    }
    if (!st) {
        size_t m = (size_t)parts * p;
        double *a = job.a[0];
        for (size_t j = 0; j < p; j++)
            for (int t = 0; t < parts; t++)
                memcpy(a + j * m + (size_t)t * p, job.r[t] + j * p, p * sizeof *a);
        if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (int)m, (int)p, a, (int)m, job.tau[0]) != 0)
            st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "QR factorisation failed");
        for (size_t j = 0; !st && j < p; j++)
            for (size_t i = 0; i < p; i++)
                r[j * p + i] = i <= j ? a[j * m + i] : 0;
    }
    for (int t = 0; t < EFF_MAX_PARTS; t++) {
        eff_free(job.r[t]);
        eff_free(job.a[t]);
        eff_free(job.tau[t]);
    }
    return st;
}

eff_status eff_linalg_rank(const double *x, size_t n, size_t p, double tol, unsigned char *keep,
                           size_t *rank, eff_error *err)
{
    double *norms = eff_mallocarray(p, sizeof *norms), *tau = eff_mallocarray(p, sizeof *tau);
    double *r = eff_mallocarray(p * p, sizeof *r), *rt = eff_calloc(p * p, sizeof *rt);
    lapack_int *jpvt = eff_calloc(p, sizeof *jpvt);
    /* keep and *rank are written only on EFF_OK: the choice is made here first */
    unsigned char *kept = eff_calloc(p ? p : 1, 1);
    eff_status st = norms && tau && r && rt && jpvt && kept ? EFF_OK : oom(err);
    /* QR of X itself, then the column scaling on R: X = Q R gives ||X_j|| = ||R_j|| and
     * X D^-1 = Q (R D^-1), which saves a pass over X for the norms */
    if (!st)
        st = tsqr(x, n, p, NULL, r, err);
    for (size_t j = 0; !st && j < p; j++) {
        norms[j] = cblas_dnrm2((int)p, r + j * p, 1);
        if (!isfinite(norms[j])) {
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "non-finite values in the matrix");
            break;
        }
        kept[j] = norms[j] > 0;
        if (norms[j] > 0)
            cblas_dscal((int)p, 1.0 / norms[j], r + j * p, 1);
    }
    /* X_s = Q R, so the pivoted QR of the small R ranks X_s, and R's columns carry X_s's
     * inner products for the in-order choice */
    if (!st)
        memcpy(rt, r, p * p * sizeof *rt);
    if (!st && LAPACKE_dgeqp3(LAPACK_COL_MAJOR, (int)p, (int)p, r, (int)p, jpvt, tau) != 0)
        st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "QR factorisation failed");
    if (!st) {
        size_t m = n < p ? n : p, ranked = 0, nonzero = 0;
        double r11 = fabs(r[0]);
        for (size_t k = 0; k < m; k++)
            ranked += fabs(r[k * p + k]) >= tol * r11 && r11 > 0;
        for (size_t j = 0; j < p; j++)
            nonzero += kept[j];
        if (ranked < nonzero)
            st = choose_in_order(rt, p, p, tol, kept, err);
    }
    if (!st) {
        memcpy(keep, kept, p);
        *rank = 0;
        for (size_t j = 0; j < p; j++)
            *rank += keep[j];
    }
    eff_free(norms);
    eff_free(tau);
    eff_free(r);
    eff_free(rt);
    eff_free(jpvt);
    eff_free(kept);
    return st;
}

/* Q'v for the factored, scaled X (a, tau), into v in place. */
static int apply_qt(const double *a, const double *tau, size_t n, size_t k, double *v)
{
    return LAPACKE_dormqr(LAPACK_COL_MAJOR, 'L', 'T', (int)n, 1, (int)k, a, (int)n, tau, v,
                          (int)n);
}

/* Solves R c = (Q'v)[0..k) and writes c into v[0..k). */
static int solve_r(const double *a, size_t n, size_t k, double *v)
{
    return LAPACKE_dtrtrs(LAPACK_COL_MAJOR, 'U', 'N', 'N', (int)k, 1, a, (int)n, v, (int)n);
}

/* r = y - X b, accumulated in long double: the residual of an ill-conditioned fit is a small
 * difference of large numbers, and its digits are what the refinement step corrects with. */
static void residual(const double *x, size_t n, size_t k, const double *y, const double *b,
                     double *r)
{
    for (size_t i = 0; i < n; i++) {
        long double s = y[i];
        for (size_t j = 0; j < k; j++)
            s -= (long double)x[j * n + i] * b[j];
        r[i] = (double)s;
    }
}

static eff_status qr_solve(const double *a, const double *tau, size_t n, size_t k,
                           const double *norms, const double *rhs, double *out, double *work)
{
    memcpy(work, rhs, n * sizeof *work);
    if (apply_qt(a, tau, n, k, work) != 0 || solve_r(a, n, k, work) != 0)
        return EFF_ESINGULAR;
    for (size_t j = 0; j < k; j++)
        out[j] = work[j] / norms[j];
    return EFF_OK;
}

/* (X'X)^-1 from the scaled QR: R'R = X_s'X_s, so dpotri on R gives (X_s'X_s)^-1; then the
 * column scaling is undone. */
static eff_status unscaled_inverse(const double *a, size_t n, size_t k, const double *norms,
                                   double *cov, eff_error *err)
{
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i <= j; i++)
            cov[j * k + i] = a[j * n + i];
    if (LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (int)k, cov, (int)k) != 0)
        return eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "singular triangular factor");
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i <= j; i++)
            cov[j * k + i] = cov[i * k + j] = cov[j * k + i] / (norms[i] * norms[j]);
    return EFF_OK;
}

eff_status eff_linalg_lsq(const double *x, size_t n, size_t k, const double *y, double *b,
                          double *cov, eff_error *err)
{
    double *norms = eff_mallocarray(k, sizeof *norms);
    double *tau = eff_mallocarray(k, sizeof *tau);
    double *work = eff_mallocarray(n, sizeof *work);
    double *r = eff_mallocarray(n, sizeof *r);
    double *db = eff_mallocarray(k, sizeof *db);
    double *a = norms ? scaled_copy(x, n, k, norms) : NULL;
    eff_status st = a && tau && work && r && db ? EFF_OK : oom(err);
    for (size_t j = 0; !st && j < k; j++)
        if (norms[j] == 0)
            st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "a regressor is all zero");
    if (!st && LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (int)n, (int)k, a, (int)n, tau) != 0)
        st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "QR factorisation failed");
    if (!st && qr_solve(a, tau, n, k, norms, y, b, work) != EFF_OK)
        st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "singular least-squares system");
    if (!st) { /* one step of iterative refinement */
        residual(x, n, k, y, b, r);
        if (qr_solve(a, tau, n, k, norms, r, db, work) == EFF_OK)
            for (size_t j = 0; j < k; j++)
                b[j] += db[j];
    }
    if (!st && cov)
        st = unscaled_inverse(a, n, k, norms, cov, err);
    eff_free(a);
    eff_free(norms);
    eff_free(tau);
    eff_free(work);
    eff_free(r);
    eff_free(db);
    return st;
}

eff_status eff_linalg_spd_solve(const double *a, size_t k, const double *rhs, double *b,
                                double *inv, double min_rcond, double *rcond, eff_error *err)
{
    double *s = eff_mallocarray(k * k, sizeof *s);
    double *d = eff_mallocarray(k, sizeof *d);
    if (!s || !d) {
        eff_free(s);
        eff_free(d);
        return oom(err);
    }
    eff_status st = EFF_OK;
    for (size_t j = 0; j < k; j++) {
        double diag = a[j * k + j];
        if (!(diag > 0))
            st = EFF_ESINGULAR;
        d[j] = diag > 0 ? 1.0 / sqrt(diag) : 0;
    }
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i <= j; i++)
            s[j * k + i] = a[j * k + i] * d[i] * d[j];
    *rcond = 0;
    if (!st) {
        double anorm = LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'U', (int)k, s, (int)k);
        if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)k, s, (int)k) != 0 ||
            LAPACKE_dpocon(LAPACK_COL_MAJOR, 'U', (int)k, s, (int)k, anorm, rcond) != 0 ||
            *rcond < min_rcond)
            st = EFF_ESINGULAR;
    }
    if (!st) {
        for (size_t j = 0; j < k; j++)
            b[j] = rhs[j] * d[j];
        LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (int)k, 1, s, (int)k, b, (int)k);
        for (size_t j = 0; j < k; j++)
            b[j] *= d[j];
        if (inv) {
            LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (int)k, s, (int)k);
            for (size_t j = 0; j < k; j++)
                for (size_t i = 0; i <= j; i++)
                    inv[j * k + i] = inv[i * k + j] = s[j * k + i] * d[i] * d[j];
        }
    }
    eff_free(s);
    eff_free(d);
    if (st)
        return eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0,
                             "ill-conditioned system (reciprocal condition %.3g)", *rcond);
    return EFF_OK;
}
