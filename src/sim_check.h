/* sim_check.h - the calibration report of a Synthetic Denmark directory: every figure of
 * data/calibration.csv computed from the files and set against its target (sim_check.c). */
#ifndef EFF_SIM_CHECK_H
#define EFF_SIM_CHECK_H

#include <stddef.h>

#include "status.h"

typedef struct eff_sim_check_row {
    char key[96];
    char check[8];     /* exact, close (tolerance only), level, min or report */
    double target;
    double value;      /* NaN when it cannot be computed from the files */
    double se;         /* sampling standard error (0 for counts) */
    double allowed;    /* |value - target| allowed: tolerance + q se (exact: 0), q the
                          two-sided 6.3e-5 quantile of t with clusters - 1 df (4 for many) */
    long n;            /* persons (or rows) behind the value */
    long clusters;     /* independent units behind the se: areas, or persons */
    int ok;            /* 1 when within the allowance, or when check is report */
} eff_sim_check_row;

/* Computes every row (caller frees *rows with eff_free). Errors: EFF_EIO / EFF_EPARSE from
 * reading the files (a file not sorted by PNR is EFF_EPARSE), EFF_ENOMEM. */
eff_status eff_sim_check(const char *dir, const eff_ctx *ctx, eff_sim_check_row **rows,
                         size_t *n_rows, eff_error *err);

#endif
