/* linalg.c - pivoted-QR rank, refined QR least squares, scaled Cholesky solves (LAPACKE). */
#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "mem.h"

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

eff_status eff_linalg_rank(const double *x, size_t n, size_t p, double tol, unsigned char *keep,
                           size_t *rank, eff_error *err)
{
    double *norms = eff_mallocarray(p, sizeof *norms);
    double *tau = eff_mallocarray(p, sizeof *tau);
    lapack_int *jpvt = eff_calloc(p, sizeof *jpvt);
    double *a = norms ? scaled_copy(x, n, p, norms) : NULL;
    eff_status st = a && tau && jpvt ? EFF_OK : oom(err);
    size_t m = n < p ? n : p, r = 0;
    if (!st && LAPACKE_dgeqp3(LAPACK_COL_MAJOR, (int)n, (int)p, a, (int)n, jpvt, tau) != 0)
        st = eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0, "QR factorisation failed");
    if (!st) {
        double r11 = m ? fabs(a[0]) : 0;
        for (size_t k = 0; k < m; k++)
            r += fabs(a[k * n + k]) >= tol * r11 && r11 > 0;
        for (size_t j = 0; j < p; j++)
            keep[j] = norms[j] > 0;
        size_t nonzero = 0;
        for (size_t j = 0; j < p; j++)
            nonzero += keep[j];
        if (r < nonzero) {
            /* rt[:, jpvt[k]-1] = R[:, k]: the factor with columns back in their own order */
            double *rt = eff_calloc(m * p, sizeof *rt);
            if (!rt)
                st = oom(err);
            for (size_t k = 0; !st && k < p; k++)
                for (size_t i = 0; i <= k && i < m; i++)
                    rt[(size_t)(jpvt[k] - 1) * m + i] = a[k * n + i];
            if (!st)
                st = choose_in_order(rt, m, p, tol, keep, err);
            eff_free(rt);
        }
        r = 0;
        for (size_t j = 0; j < p; j++)
            r += keep[j];
        *rank = r;
    }
    eff_free(a);
    eff_free(norms);
    eff_free(tau);
    eff_free(jpvt);
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
