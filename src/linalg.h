/* linalg.h - the few dense linear-algebra steps the models need, on LAPACK and BLAS
 * (OpenBLAS): rank and collinearity by pivoted QR, least squares by QR with iterative
 * refinement, and symmetric positive definite solves by Cholesky with a condition check.
 * Matrices are column-major. Nothing here prints or allocates beyond its own scratch. */
#ifndef EFF_LINALG_H
#define EFF_LINALG_H

#include <stddef.h>

#include "status.h"

/* Rank of the n x p matrix X and which columns to keep. Columns are scaled to unit norm and
 * factored by LAPACK's dgeqp3; the rank is the number of |R_kk| >= tol * |R_11| (tol 1e-12 by
 * default in the models). When X is rank deficient, the columns to drop are chosen in order,
 * as R's lm (dqrdc2) does: a column is dropped when it lies in the span of the kept columns
 * before it (tested on the small p x p factor, not on X). All-zero columns are dropped.
 * keep[j] = 1 for kept columns; *rank is their number (both written only on EFF_OK).
 * EFF_EINVAL when X holds a NaN or an infinity. Cost O(n p^2). */
eff_status eff_linalg_rank(const double *x, size_t n, size_t p, double tol, unsigned char *keep,
                           size_t *rank, eff_error *err);

/* Least squares min ||y - X b|| for a full-rank n x k X (k <= n): Householder QR of X with
 * unit-norm columns (dgeqrf), then one step of iterative refinement with the residual summed
 * in long double, which recovers the digits the NIST problems (Filip, Wampler) ask for.
 * Writes b (k) and, when cov is not NULL, (X'X)^-1 (k x k). EFF_ESINGULAR if a diagonal of R
 * is zero. */
eff_status eff_linalg_lsq(const double *x, size_t n, size_t k, const double *y, double *b,
                          double *cov, eff_error *err);

/* Solves A b = rhs for a symmetric positive definite k x k A (upper triangle used), scaling A
 * to unit diagonal first; *rcond is LAPACK's reciprocal condition estimate of the scaled A.
 * EFF_ESINGULAR when the factorisation fails or rcond < min_rcond (A and rhs unchanged then).
 * With inv not NULL, also writes A^-1 (full k x k). */
eff_status eff_linalg_spd_solve(const double *a, size_t k, const double *rhs, double *b,
                                double *inv, double min_rcond, double *rcond, eff_error *err);

#endif
