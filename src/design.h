/* design.h - the model matrix: outcome, regressors (numeric columns, and text columns expanded
 * to indicators against a reference level), weights, offset and clusters, built from a table
 * with listwise deletion of missing values, or filled in directly by code that builds its own
 * terms (event-time dummies). Dense, column-major (n x p), so BLAS works on it in place. Owns
 * all of its arrays. */
#ifndef EFF_DESIGN_H
#define EFF_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

typedef struct eff_design eff_design;

typedef struct eff_design_spec {
    const char *y;               /* outcome column */
    const char *const *x;        /* regressors: "col", or "col:ref=LEVEL" for a text column */
    size_t n_x;
    int no_intercept;            /* 1: no "(Intercept)" column */
    const char *weights;         /* optional weight column (>= 0) */
    const char *offset;          /* optional offset column */
    const char *cluster;         /* optional cluster column (any type) */
} eff_design_spec;

/* A regressor spec "col" or "col:ref=LEVEL": writes the column name into buf (truncated to
 * size) and returns the reference level, or NULL when there is none. */
const char *eff_design_split_term(const char *spec, char *buf, size_t size);

/* Builds the design from `t`. Rows with a missing value in any column used are dropped and
 * counted (eff_design_n_dropped). Text regressors become indicators "col=LEVEL" for every
 * level seen except the reference (the first in byte order, or LEVEL). Errors (EFF_EINVAL):
 * unknown column, text outcome, negative weight, unknown reference level, no rows left.
 * Caller owns *out. */
eff_status eff_design_from_table(const eff_table *t, const eff_design_spec *spec,
                                 eff_design **out, eff_error *err);

/* An empty design of n rows and p regressors for code that fills it itself; the terms are
 * named with eff_design_set_term. NULL on allocation failure. */
eff_design *eff_design_new(size_t n, size_t p);
void eff_design_free(eff_design *d);

size_t eff_design_n(const eff_design *d);
size_t eff_design_p(const eff_design *d);
size_t eff_design_n_dropped(const eff_design *d);
/* Column-major n x p, writable for code that builds its own design. */
double *eff_design_x(eff_design *d);
const double *eff_design_xc(const eff_design *d);
double *eff_design_y(eff_design *d);
const double *eff_design_yc(const eff_design *d);
/* NULL when absent. */
const double *eff_design_weights(const eff_design *d);
const double *eff_design_offset(const eff_design *d);
/* Cluster codes 0..G-1 per row, or NULL. */
const int32_t *eff_design_clusters(const eff_design *d);
size_t eff_design_n_clusters(const eff_design *d);
/* Row of the source table for design row i (identity for eff_design_new). */
size_t eff_design_source_row(const eff_design *d, size_t i);

const char *eff_design_term(const eff_design *d, size_t j);
eff_status eff_design_set_term(eff_design *d, size_t j, const char *name, eff_error *err);
/* Attaches weights / offset (copied, n long) or cluster codes (copied; G distinct codes). */
eff_status eff_design_set_weights(eff_design *d, const double *w, eff_error *err);
eff_status eff_design_set_offset(eff_design *d, const double *offset, eff_error *err);
eff_status eff_design_set_clusters(eff_design *d, const int32_t *codes, size_t n_clusters,
                                   eff_error *err);

#endif
