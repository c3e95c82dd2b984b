/* csv_internal.h - the CSV reader's state, shared by csv_read.c (buffer, records, header) and
 * csv_column.c (column builders: type inference, promotion, storage). */
#ifndef EFF_CSV_INTERNAL_H
#define EFF_CSV_INTERNAL_H

#include <stdint.h>

#include "csv.h"

/* Zeroed bytes kept past the data in the read buffer, so the number parser may load 8 bytes
 * at any position before the data's end. */
enum { CSV_BUF_PAD = 16 };

enum builder_type { B_UNKNOWN, B_I64, B_F64, B_DATE, B_STR, B_SKIP };

typedef struct col_builder {
    char *name;
    int type;       /* enum builder_type */
    int forced;     /* type fixed: by the user, by the pnr rule, or by the previous pass */
    int reread_str; /* text found after numbers or dates were stored: string next pass */
    unsigned flags; /* EFF_COL_* */
    void *data;     /* int64_t*, double*, int32_t* (dates, string codes), row_cap long */
    eff_dict *dict;
    int32_t last;   /* the code of the column's previous string + 1 (0: none): a repeated
                       value (origin, sex, a category) costs a compare, not a hash */
} col_builder;

typedef struct csv_reader {
    const char *path;
    const eff_csv_options *opt;
    const eff_ctx *ctx;
    eff_error *err;
    int fd;
    const char *mem;            /* eff_csv_read_mem: the bytes instead of fd */
    size_t mem_len, mem_pos;
    uint64_t file_size, bytes_read;
    char *buf;
    size_t cap, len, pos;
    int eof;
    size_t nul_off;    /* offset of a NUL byte in buf not yet reached, or SIZE_MAX */
    long line;         /* physical line at pos */
    char delim;
    char dec;          /* primary decimal mark */
    int dec_both;      /* also try '.' after ',' (auto in ';' files) */
    int latin1;
    int enc_auto;
    int need_reread;
    int reread_latin1;
    size_t ncol;
    col_builder *cols;
    long keep_col;     /* the early row filters' columns (-1: none); see eff_csv_options */
    long require_col;
    uint64_t *keep_bits; /* a bitmap of the keep ids' hashes: most unwanted rows are rejected
                            without a dictionary probe (a cache miss each) */
    size_t keep_mask;
    int keep_bits_failed; /* out of memory for the bitmap: the dictionary alone decides */
    size_t undecided;  /* rows kept because a filter could not decide them early */
    const char *view;  /* the record the early filters last looked at, its line end and */
    const char *view_eol; /* whether it holds a quote: found once with memchr, used twice */
    int view_quote;
    int merging;       /* keep_sorted in use: the file is in order so far */
    size_t cursor;     /* first sorted keep id not below the last id seen */
    char last_id[64];  /* the last id seen, to notice a file out of order */
    int32_t keep_code; /* the current record's id as a keep code, when the filter found it */
    size_t last_len;
    size_t nrow, row_cap;
    char *scratch;     /* unescaped quoted fields */
    size_t scratch_cap;
    char *conv;        /* Latin-1 fields converted to UTF-8 (apart: the source may be scratch) */
    size_t conv_cap;
} csv_reader;

/* Stores field s[0..n) of column j in row rd->nrow, inferring or checking the type.
 * `quoted`: the field was quoted (no trimming). EFF_EPARSE for a value that a forced type
 * rejects or invalid UTF-8 when UTF-8 was asked for. */
eff_status csv_store_field(csv_reader *rd, size_t j, const char *s, size_t n, int quoted);

/* Gives column c its type and storage (row_cap rows), rows before `row` missing. */
eff_status csv_start_column(csv_reader *rd, col_builder *c, int type, size_t row);

/* Grows every column to hold `cap` rows. */
eff_status csv_reserve_rows(csv_reader *rd, size_t cap);

/* Frees the columns' data and dictionaries (names stay). */
void csv_reset_columns(csv_reader *rd);

/* Moves the built columns into a new table. */
eff_status csv_build_table(csv_reader *rd, eff_table **out);

/* Refills the buffer, growing it when the unparsed record already fills it (csv_read.c). */
eff_status csv_refill(csv_reader *rd);

/* Ends the buffer's data with a newline when the file's last line has none. */
void csv_close_last_line(csv_reader *rd);

/* Validates the options (csv_header.c). */
eff_status csv_check_options(csv_reader *rd);

/* Pass 1: detects BOM, encoding, delimiter and decimal mark, reads the column names and sets
 * up the builders. Later passes skip the header. Leaves rd->pos after the header. */
eff_status csv_read_header(csv_reader *rd, int pass);

/* Grows *buf to at least n bytes (keeping its contents); NULL on allocation failure. */
char *csv_grow(char **buf, size_t *cap, size_t n);

#endif
