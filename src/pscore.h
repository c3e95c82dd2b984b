/* pscore.h - what matching needs from a table: the rows that can take part (no missing value
 * in the treatment, covariates, score or exact columns), the treatment, the propensity score
 * (a logit of the treatment on the covariates, or a score column the user gives), the
 * distance (the score, or its logit), and exact-matching strata. Owns its arrays. */
#ifndef EFF_PSCORE_H
#define EFF_PSCORE_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

typedef struct eff_pscore_spec {
    const char *treat;                 /* 0/1 column */
    const char *const *covariates;     /* the propensity model's regressors (text: indicators) */
    size_t n_covariates;
    const char *score;                 /* a score column instead of the model (NULL: model) */
    int logit_distance;                /* 1: distance = logit(score), for Austin's caliper */
    const char *const *exact;          /* exact-matching columns */
    size_t n_exact;
} eff_pscore_spec;

typedef struct eff_pscore {
    size_t n;              /* rows taking part */
    size_t n_dropped;      /* rows left out for a missing value */
    size_t *rows;          /* their rows in the table */
    unsigned char *treat;
    double *score;         /* propensity score (probability) */
    double *distance;      /* score, or its logit */
    int32_t *strata;       /* exact strata 0..n_strata-1, or NULL */
    size_t n_strata;
} eff_pscore;

/* Errors (EFF_EINVAL): unknown column; a treatment that is not 0/1; no treated or no control
 * rows; a constant covariate; separation in the propensity model (from eff_glm_fit); a score
 * outside (0, 1) with logit_distance. Caller owns *out (eff_pscore_free). */
eff_status eff_pscore_build(const eff_table *t, const eff_pscore_spec *spec, const eff_ctx *ctx,
                            eff_pscore **out, eff_error *err);
void eff_pscore_free(eff_pscore *p);

#endif
