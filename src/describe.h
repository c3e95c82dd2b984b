/* describe.h - per-column summaries of a table: what an analyst looks at first in a new
 * register extract. Computes; formatting belongs to the caller. */
#ifndef EFF_DESCRIBE_H
#define EFF_DESCRIBE_H

#include <stddef.h>

#include "table.h"

typedef struct eff_col_summary {
    const char *name; /* borrowed from the table */
    eff_type type;
    unsigned flags;   /* EFF_COL_* */
    size_t missing;
    size_t present;
    double min, max;  /* numbers and dates (days); NaN when nothing is present */
    double mean;      /* numbers only; NaN otherwise; Neumaier-compensated sum */
    size_t categories; /* strings: distinct values present */
} eff_col_summary;

/* One summary per column (caller owns *out, n_cols long; eff_free). Borrowed names stay valid
 * while `t` lives. Cost: one pass over each column. */
eff_status eff_describe_table(const eff_table *t, eff_col_summary **out, eff_error *err);

#endif
