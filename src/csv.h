/* csv.h - delimited text in and out of eff_table.
 * Reading: RFC 4180 quoting, a header row, UTF-8 or Latin-1 (stored as UTF-8), delimiter
 * `,` `;` or tab (detected or given), a decimal comma in `;` files (as fread's dec="auto"),
 * types inferred per column (integer -> double -> string; ISO dates) with overrides. The file
 * is read() through a fixed buffer and parsed straight into column builders; when a column
 * turns out to be text after numbers were stored, or Latin-1 shows up late, the file is read
 * a second time with the types now known (as fread does). Writing goes through eff_atomic.
 * Errors carry path, physical line and field number (1-based). */
#ifndef EFF_CSV_H
#define EFF_CSV_H

#include <stddef.h>

#include "status.h"
#include "table.h"

typedef enum eff_csv_encoding {
    EFF_CSV_ENC_AUTO,   /* UTF-8 unless the bytes are not valid UTF-8, then Latin-1 */
    EFF_CSV_ENC_UTF8,
    EFF_CSV_ENC_LATIN1
} eff_csv_encoding;

typedef enum eff_csv_decimal {
    EFF_CSV_DEC_AUTO,  /* '.'; in a ';' file ',' as well */
    EFF_CSV_DEC_DOT,
    EFF_CSV_DEC_COMMA
} eff_csv_decimal;

typedef struct eff_csv_coltype {
    const char *name; /* column name, case-insensitive */
    eff_type type;
} eff_csv_coltype;

typedef struct eff_csv_options {
    char delimiter;             /* 0: detect among ',' ';' '\t' */
    eff_csv_encoding encoding;
    eff_csv_decimal decimal;
    size_t max_line_bytes;      /* longest record allowed (default 1 MiB) */
    const eff_csv_coltype *types; /* borrowed; overrides of inferred types */
    size_t n_types;
    const char *const *columns; /* borrowed; read only these columns (NULL: all) */
    size_t n_columns;
    int allow_empty;            /* 1: a header without data rows gives a 0-row table */
    int all_text;               /* 1: every column is text, as written (fread's colClasses =
                                   "character"); type overrides still apply */
    /* With both: rows whose keep_column value is not in keep_ids are passed over before
     * anything of them is stored, when keep_column is the file's first column and the value
     * unquoted (the usual id column); other rows are kept, so the caller filters the result
     * again (regfile.h does). Borrowed. */
    const char *keep_column;
    const eff_dict *keep_ids;
    /* Optional: keep_ids' codes in ascending byte order (eff_dict_ranks inverted). While the
     * file's keep_column is sorted the same way (a register sorted by PNR), rows are matched
     * by a merge with no hashing; from the first row out of order on, by hash. Borrowed. */
    const int32_t *keep_sorted;
    /* With keep_ids: the keep column holds keep_ids' own codes (its table column shares that
     * dictionary) instead of a dictionary of its own, so no id is hashed twice, and none at
     * all while the merge runs. A row kept undecided whose id is not in keep_ids has a
     * missing id. */
    int keep_codes;
    /* A text column whose values are (nearly) all distinct, such as a register's person id:
     * its dictionary is sized for one value per row from the start. NULL: none. */
    const char *unique_column;
    /* Rows whose require_column field is empty are passed over before anything of them is
     * stored (when no quote comes before that field; other rows are kept, and the caller
     * filters again). NULL: none. */
    const char *require_column;
} eff_csv_options;

typedef struct eff_csv_info {
    char delimiter;            /* the one used */
    eff_csv_encoding encoding; /* UTF8 or LATIN1 */
    int decimal_comma;         /* some column was read with a decimal comma */
    int passes;                /* 1, or 2 when the file had to be read again */
    long lines;                /* physical lines */
    size_t filter_undecided;   /* rows the early row filters could not decide (kept: the
                                  caller filters them again); 0 means the result is exact */
} eff_csv_info;

eff_csv_options eff_csv_options_default(void);

/* Reads `path` into a new table (caller owns *out; eff_table_free). The column named pnr is a
 * string unless overridden: person ids keep their leading zeros. `info` may be NULL. Missing
 * values: empty fields, NA and "." (SAS's missing). Errors: EFF_EIO (open/read), EFF_EPARSE
 * (ragged row, unterminated quote, NUL byte, bad value in a typed column, empty file, header
 * only, duplicate column names, record longer than max_line_bytes), EFF_EINVAL (unknown column
 * in types/columns), EFF_EABORT (ctx's cancel flag or progress callback). */
eff_status eff_csv_read(const char *path, const eff_csv_options *opt, const eff_ctx *ctx,
                        eff_table **out, eff_csv_info *info, eff_error *err);

/* As eff_csv_read, from `len` bytes in memory (borrowed for the call); `name` stands for the
 * path in the table's source and in messages. */
eff_status eff_csv_read_mem(const char *name, const char *data, size_t len,
                            const eff_csv_options *opt, const eff_ctx *ctx, eff_table **out,
                            eff_csv_info *info, eff_error *err);

typedef struct eff_csv_write_options {
    char delimiter;            /* default ',' */
    eff_csv_encoding encoding; /* UTF8 (default) or LATIN1 (characters outside it: error) */
    eff_csv_decimal decimal;   /* DOT (default) or COMMA (needs a delimiter other than ',') */
    const char *na;            /* text for missing values, default "" */
} eff_csv_write_options;

eff_csv_write_options eff_csv_write_options_default(void);

/* Writes `t` with a header row to `path` atomically. Doubles are written in the shortest form
 * that reads back to the same value (at most 17 significant digits); dates as YYYY-MM-DD;
 * strings quoted when they hold the delimiter, a quote, CR or LF. */
eff_status eff_csv_write(const eff_table *t, const char *path, const eff_csv_write_options *opt,
                         const eff_ctx *ctx, eff_error *err);

#endif
