/* table.h - the columnar table: named, typed columns of equal length.
 * Types: 64-bit integer, double, date (int32 days since 1970-01-01) and string (int32 codes
 * into a shared, reference-counted eff_dict). Each type has an explicit missing value. Owns
 * its column arrays and dictionary references; knows nothing about files. Column names are
 * unique and looked up case-insensitively (Statistics Denmark writes PNR, analysts pnr). */
#ifndef EFF_TABLE_H
#define EFF_TABLE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "dict.h"
#include "labels.h"
#include "status.h"

typedef enum eff_type { EFF_TYPE_I64, EFF_TYPE_F64, EFF_TYPE_DATE, EFF_TYPE_STR } eff_type;

#define EFF_I64_NA INT64_MIN /* missing integer */
#define EFF_STR_NA (-1)      /* missing string code */
/* Missing double: any NaN (eff_f64_na() gives the canonical one). Missing date: EFF_DATE_NA. */
static inline double eff_f64_na(void) { return NAN; }

/* Column flags, set by readers and shown by describe. */
enum { EFF_COL_DECIMAL_COMMA = 1u << 0 };

typedef struct eff_table eff_table;

/* Empty table (no columns) of n_rows rows. NULL on allocation failure. */
eff_table *eff_table_new(size_t n_rows);
void eff_table_free(eff_table *t); /* NULL is a no-op */

size_t eff_table_n_rows(const eff_table *t);
size_t eff_table_n_cols(const eff_table *t);

/* Adds a column named `name` (copied). On EFF_OK the table takes ownership of `values`
 * (eff_malloc'd, n_rows long) and, for strings, of one reference to `dict`; on failure
 * (duplicate name: EFF_EINVAL; EFF_ENOMEM) the table is unchanged and the caller keeps both. */
eff_status eff_table_add_i64(eff_table *t, const char *name, int64_t *values, eff_error *err);
eff_status eff_table_add_f64(eff_table *t, const char *name, double *values, eff_error *err);
eff_status eff_table_add_date(eff_table *t, const char *name, int32_t *values, eff_error *err);
eff_status eff_table_add_str(eff_table *t, const char *name, int32_t *codes, eff_dict *dict,
                             eff_error *err);

/* Index of the column named `name` (case-insensitive), or -1. */
long eff_table_find(const eff_table *t, const char *name);
/* As eff_table_find, but EFF_EINVAL "unknown column" naming the table's source. */
eff_status eff_table_col(const eff_table *t, const char *name, size_t *col, eff_error *err);

const char *eff_table_col_name(const eff_table *t, size_t col); /* borrowed */
eff_type eff_table_col_type(const eff_table *t, size_t col);
const char *eff_type_name(eff_type type); /* "integer", "double", "date", "string" */
unsigned eff_table_col_flags(const eff_table *t, size_t col);
void eff_table_set_col_flags(eff_table *t, size_t col, unsigned flags);

/* Borrowed column data, valid until the table is freed. The accessor must match the type
 * (asserted). Date and string columns are int32 arrays. */
const int64_t *eff_table_i64(const eff_table *t, size_t col);
const double *eff_table_f64(const eff_table *t, size_t col);
const int32_t *eff_table_date(const eff_table *t, size_t col);
const int32_t *eff_table_codes(const eff_table *t, size_t col);
const eff_dict *eff_table_dict(const eff_table *t, size_t col);
/* The string at (row, col), or NULL when missing. Borrowed. */
const char *eff_table_str(const eff_table *t, size_t col, size_t row);
/* 1 when the cell is missing, whatever the type. */
int eff_table_is_na(const eff_table *t, size_t col, size_t row);

/* Value labels of a column (SAS formats, Stata/SPSS label sets): the table takes one
 * reference to `labels` (NULL clears). Borrowed on the way out; NULL when none. Tables made by
 * take, filter, sort and join keep them. */
void eff_table_set_col_labels(eff_table *t, size_t col, const eff_labels *labels);
const eff_labels *eff_table_col_labels(const eff_table *t, size_t col);
/* Replaces the numeric column `col` by a text column of its value labels, so labels can be
 * used as category names: a value with a label becomes the label, one without becomes its
 * number written out (%.15g), missing stays missing. The description is kept; the label set
 * is dropped. EFF_EINVAL when the column has no numeric labels. */
eff_status eff_table_labels_to_text(eff_table *t, size_t col, eff_error *err);

/* The column's description (SAS/Stata/SPSS variable label), copied; NULL when none. */
eff_status eff_table_set_col_label(eff_table *t, size_t col, const char *label, eff_error *err);
const char *eff_table_col_label(const eff_table *t, size_t col);

/* Where the table came from (copied; used in error messages). NULL when unknown. */
eff_status eff_table_set_source(eff_table *t, const char *path, eff_error *err);
const char *eff_table_source(const eff_table *t);

/* New table of the given rows, in that order (rows may repeat). A row index < 0 gives a
 * missing row. Caller owns *out. */
eff_status eff_table_take(const eff_table *t, const int64_t *rows, size_t n, eff_table **out,
                          eff_error *err);
/* As eff_table_take, keeping only the columns cols[0..n_cols) in that order (cols NULL: all).
 * Columns keep their metadata; string columns share their dictionaries. */
eff_status eff_table_select(const eff_table *t, const size_t *cols, size_t n_cols,
                            const int64_t *rows, size_t n, eff_table **out, eff_error *err);
/* New table of the rows where keep[row] != 0. Caller owns *out. */
eff_status eff_table_filter(const eff_table *t, const unsigned char *keep, eff_table **out,
                            eff_error *err);

/* Stable ascending order of the rows by the named key columns; missing values sort last.
 * Strings sort byte-wise. Caller owns *order (n_rows entries, eff_free). */
eff_status eff_table_order(const eff_table *t, const char *const *keys, size_t n_keys,
                           int64_t **order, eff_error *err);
/* eff_table_order then eff_table_take. Caller owns *out. */
eff_status eff_table_sort(const eff_table *t, const char *const *keys, size_t n_keys,
                          eff_table **out, eff_error *err);

/* Stacks tables row-wise (yearly files of one register). The result has the union of their
 * columns, in order of first appearance, matched case-insensitively; a column missing from a
 * part is missing in its rows (and logged through ctx). Integer and double stack to double;
 * any other pair of types is EFF_EINVAL naming the column and both parts. `part_names`
 * (e.g. file names) is used in messages. Labels come from the first part that has them.
 * Caller owns *out. */
eff_status eff_table_stack(const eff_table *const *parts, const char *const *part_names,
                           size_t n_parts, const eff_ctx *ctx, eff_table **out, eff_error *err);

typedef enum eff_join_kind { EFF_JOIN_INNER, EFF_JOIN_LEFT } eff_join_kind;

typedef struct eff_join_options {
    eff_join_kind kind;
    int right_unique; /* 1: a key occurring twice in `right` is an error (EFF_EINVAL) */
} eff_join_options;

typedef struct eff_join_stats {
    size_t left_unmatched;  /* left rows with no partner (kept as missing in a left join) */
    size_t right_unmatched; /* right rows that no left row matched */
} eff_join_stats;

eff_join_options eff_join_options_default(void); /* inner, right_unique = 1 */

/* Hash join of `left` and `right` on the named key columns, present in both with the same
 * type. The result has left's columns in order, then right's non-key columns; a right column
 * whose name is already taken gets the suffix ".y". Rows come in left order; a left row
 * matching several right rows (right_unique = 0) is repeated. Missing keys never match (as in
 * SQL). Caller owns *out; `stats` may be NULL. Cost: O(rows) expected. */
eff_status eff_table_join(const eff_table *left, const eff_table *right, const char *const *keys,
                          size_t n_keys, const eff_join_options *opt, eff_table **out,
                          eff_join_stats *stats, eff_error *err);

#endif
