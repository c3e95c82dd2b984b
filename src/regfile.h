/* regfile.h - register files in and out, whatever their format: CSV (csv.h) or, through
 * ReadStat, SAS (.sas7bdat with its .sas7bcat format catalogue, .xpt), Stata (.dta) and SPSS
 * (.sav). The format is chosen by the file's extension. SAS, Stata and SPSS date and datetime
 * formats become dates (days since 1970; SAS and Stata count from 1960, SPSS seconds from
 * 1582-10-14; datetimes are floored to their day). System missing, SAS/Stata special missing
 * (.A-.Z) and SPSS user-missing values become missing, and so does an empty string. Value
 * labels and variable labels are kept on the table's columns. */
#ifndef EFF_REGFILE_H
#define EFF_REGFILE_H

#include <stddef.h>
#include <time.h>

#include "csv.h"
#include "status.h"
#include "table.h"

typedef enum eff_format {
    EFF_FORMAT_UNKNOWN,
    EFF_FORMAT_CSV,      /* .csv .tsv .txt */
    EFF_FORMAT_SAS7BDAT,
    EFF_FORMAT_XPT,      /* SAS transport (read only) */
    EFF_FORMAT_DTA,
    EFF_FORMAT_SAV
} eff_format;

/* The format of `path` by extension, case-insensitive. */
eff_format eff_format_of(const char *path);
const char *eff_format_name(eff_format format); /* "csv", "sas7bdat", ... */

typedef struct eff_read_options {
    eff_csv_options csv;          /* CSV only (its own columns field is ignored: see below) */
    const char *const *columns;   /* borrowed; read only these (case-insensitive); NULL: all */
    size_t n_columns;
    const char *id_column;        /* with id_set: keep only rows whose id_column (text) is in */
    const eff_dict *id_set;       /* id_set, e.g. the persons of an evaluation (borrowed) */
    const int32_t *id_sorted;     /* optional: id_set's codes in byte order (CSV: a register
                                     sorted by id is filtered by a merge; borrowed) */
    const char *require_column;   /* rows where this column is missing are left out (CSV: most
                                     of them before they are built) */
    const char *unique_column;    /* CSV: a text column of distinct values (eff_csv_options) */
    int id_codes;                 /* with id_set (CSV): the id column holds id_set's codes,
                                     sharing its dictionary (eff_csv_options.keep_codes) */
    int id_set_hint;              /* 1: the caller passes over rows outside id_set itself, so
                                     a reader may keep them where dropping them costs more
                                     than it saves (a table held in memory) */
    const char *catalog;          /* .sas7bcat; NULL: <name>.sas7bcat, else formats.sas7bcat,
                                     beside the file when present */
    int labels_as_text;           /* 1: numeric columns with value labels become text columns
                                     of their labels (eff_table_labels_to_text) */
    int header_only;              /* 1: no rows, only the columns (all of them; `columns` and
                                     the row filters are ignored): what a file holds */
} eff_read_options;

eff_read_options eff_read_options_default(void);

/* Reads one table (caller owns *out). Errors: EFF_EIO (cannot open or read), EFF_EPARSE
 * (malformed, truncated or corrupt file, with ReadStat's message, a block size ReadStat
 * refuses to allocate among them; a named catalogue that matches no column), EFF_EINVAL
 * (unknown column in the selection, id_column not text, an unknown extension), EFF_ENOMEM,
 * EFF_EABORT. A column named twice in the selection is read once. The row count a file
 * claims is checked against its size before anything is allocated for it. */
eff_status eff_read_table(const char *path, const eff_read_options *opt, const eff_ctx *ctx,
                          eff_table **out, eff_error *err);

typedef struct eff_write_options {
    eff_csv_write_options csv; /* CSV only */
    int compress;              /* sas7bdat: RLE rows (COMPRESS=CHAR); sav: bytecode */
    int sas_32bit;             /* sas7bdat: 32-bit header layout instead of 64-bit */
    time_t timestamp;          /* creation time stored in SAS, Stata and SPSS headers; 0: now
                                  (a fixed time makes the bytes reproducible) */
} eff_write_options;

eff_write_options eff_write_options_default(void);

/* Writes `t` to `path` (CSV, .sas7bdat, .dta or .sav) atomically, through a 1 MiB buffer.
 * Integers and doubles become numeric columns (Stata: int32 where every value fits), dates
 * numeric with a date format (DATE9. / %td / DATE11), text a string column as wide as its
 * longest value; value labels and variable labels are written where the format has them. */
eff_status eff_write_table(const eff_table *t, const char *path, const eff_write_options *opt,
                           const eff_ctx *ctx, eff_error *err);

#endif
