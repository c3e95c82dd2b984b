/* table_internal.h - shared by table.c and table_ops.c only. */
#ifndef EFF_TABLE_INTERNAL_H
#define EFF_TABLE_INTERNAL_H

#include "table.h"

/* Moves column `col` of `src` to the end of `dst` as `name` (same row count required). On
 * EFF_OK src keeps an empty placeholder that eff_table_free ignores. */
eff_status eff_table_move_col(eff_table *src, size_t col, eff_table *dst, const char *name,
                              eff_error *err);

/* Hash of cell (row, col) for joins: equal values hash equal, strings by content. */
uint64_t eff_table_cell_hash(const eff_table *t, size_t col, size_t row);
/* 1 when cell (ra, ca) of a equals cell (rb, cb) of b; same type required, strings by content. */
int eff_table_cell_equal(const eff_table *a, size_t ca, size_t ra, const eff_table *b, size_t cb,
                         size_t rb);

#endif
