/* cpr_internal.h - what cpr.c and cpr_pseudo.c share, not part of the public API. */
#ifndef EFF_CPR_INTERNAL_H
#define EFF_CPR_INTERNAL_H

#include "cpr.h"

/* The index of the text column `column` of t. EFF_EINVAL for an unknown column or one that is
 * not text (a CPR number read as a number has lost its leading zero). */
eff_status cpr_text_column(const eff_table *t, const char *column, size_t *col, eff_error *err);

#endif
