/* regfile_write.c - eff_table to .sas7bdat, .dta and .sav through ReadStat's writer, whose
 * bytes go to an eff_atomic (temp file, 1 MiB buffer, rename on success). ReadStat needs the
 * row count before the first row and calls the data writer once per row: the buffer is what
 * makes that fast. */
#include <readstat.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "mem.h"
#include "regfile_internal.h"

typedef struct rw_state {
    eff_atomic *out;
    eff_error *err;
    eff_status status;
    const char *path;
    char rs_msg[256];
} rw_state;

static ssize_t write_bytes(const void *bytes, size_t len, void *user)
{
    rw_state *w = user;
    if (w->status != EFF_OK)
        return -1;
    w->status = eff_atomic_write(w->out, bytes, len, w->err);
    return w->status == EFF_OK ? (ssize_t)len : -1;
}

static void on_error(const char *msg, void *user)
{
    rw_state *w = user;
    snprintf(w->rs_msg, sizeof w->rs_msg, "%s", msg);
}

/* Stata's int32 holds -2,147,483,647 .. 2,147,483,620; the values above are its missing codes. */
static int fits_stata_int32(const eff_table *t, size_t j)
{
    const int64_t *v = eff_table_i64(t, j);
    for (size_t i = 0, n = eff_table_n_rows(t); i < n; i++)
        if (v[i] != EFF_I64_NA && (v[i] < -2147483647LL || v[i] > 2147483620LL))
            return 0;
    return 1;
}

static size_t string_width(const eff_table *t, size_t j)
{
    const eff_dict *d = eff_table_dict(t, j);
    size_t width = 1;
    for (size_t c = 0, n = eff_dict_size(d); c < n; c++)
        if (eff_dict_len(d, (int32_t)c) > width)
            width = eff_dict_len(d, (int32_t)c);
    return width;
}

static readstat_type_t column_type(const eff_table *t, size_t j, eff_format format)
{
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_STR: return READSTAT_TYPE_STRING;
    case EFF_TYPE_I64:
        return format == EFF_FORMAT_DTA && fits_stata_int32(t, j) ? READSTAT_TYPE_INT32
                                                                  : READSTAT_TYPE_DOUBLE;
    default: return READSTAT_TYPE_DOUBLE;
    }
}

static const char *date_format(eff_format format)
{
    switch (format) {
    case EFF_FORMAT_DTA: return "%td";
    case EFF_FORMAT_SAV: return "DATE11";
    default: return "DATE9";
    }
}

/* A label set for column j, where the format can hold it: numbers in all three (Stata: whole
 * numbers only), text in SPSS. SAS keeps labels in a separate catalogue: not written. */
static void add_labels(readstat_writer_t *wr, readstat_variable_t *var, const eff_table *t,
                       size_t j, eff_format format, readstat_type_t type)
{
    const eff_labels *l = eff_table_col_labels(t, j);
    if (!l || format == EFF_FORMAT_SAS7BDAT)
        return;
    int text = eff_labels_string_values(l);
    if (text && format != EFF_FORMAT_SAV)
        return;
    char name[64];
    snprintf(name, sizeof name, "%s", eff_labels_name(l)[0] ? eff_labels_name(l)
                                                              : eff_table_col_name(t, j));
    readstat_type_t set_type = text ? READSTAT_TYPE_STRING
                                    : format == EFF_FORMAT_DTA ? READSTAT_TYPE_INT32 : type;
    readstat_label_set_t *set = readstat_add_label_set(wr, set_type, name);
    for (size_t i = 0; i < eff_labels_count(l); i++) {
        if (text)
            readstat_label_string_value(set, eff_labels_value(l, i), eff_labels_text(l, i));
        else if (format == EFF_FORMAT_DTA)
            readstat_label_int32_value(set, (int32_t)eff_labels_number(l, i), eff_labels_text(l, i));
        else
            readstat_label_double_value(set, eff_labels_number(l, i), eff_labels_text(l, i));
    }
    readstat_variable_set_label_set(var, set);
}

static void add_variables(readstat_writer_t *wr, const eff_table *t, eff_format format)
{
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        readstat_type_t type = column_type(t, j, format);
        size_t width = type == READSTAT_TYPE_STRING ? string_width(t, j) : 0;
        readstat_variable_t *var = readstat_add_variable(wr, eff_table_col_name(t, j), type, width);
        if (eff_table_col_type(t, j) == EFF_TYPE_DATE)
            readstat_variable_set_format(var, date_format(format));
        if (eff_table_col_label(t, j))
            readstat_variable_set_label(var, eff_table_col_label(t, j));
        add_labels(wr, var, t, j, format, type);
    }
}

static readstat_error_t insert_cell(readstat_writer_t *wr, const eff_table *t, size_t j,
                                    size_t i, eff_format format)
{
    const readstat_variable_t *var = readstat_get_variable(wr, (int)j);
    if (eff_table_is_na(t, j, i))
        return readstat_insert_missing_value(wr, var);
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_STR: return readstat_insert_string_value(wr, var, eff_table_str(t, j, i));
    case EFF_TYPE_F64: return readstat_insert_double_value(wr, var, eff_table_f64(t, j)[i]);
    case EFF_TYPE_DATE:
        return readstat_insert_double_value(wr, var, rf_from_days(format, eff_table_date(t, j)[i]));
    case EFF_TYPE_I64: {
        int64_t v = eff_table_i64(t, j)[i];
        if (readstat_variable_get_type(var) == READSTAT_TYPE_INT32)
            return readstat_insert_int32_value(wr, var, (int32_t)v);
        return readstat_insert_double_value(wr, var, (double)v);
    }
    }
    return READSTAT_OK;
}

static readstat_error_t begin(readstat_writer_t *wr, eff_format format, rw_state *w, long rows)
{
    switch (format) {
    case EFF_FORMAT_SAS7BDAT: return readstat_begin_writing_sas7bdat(wr, w, rows);
    case EFF_FORMAT_DTA: return readstat_begin_writing_dta(wr, w, rows);
    default: return readstat_begin_writing_sav(wr, w, rows);
    }
}

static readstat_error_t write_rows(readstat_writer_t *wr, const eff_table *t, eff_format format,
                                   const eff_ctx *ctx, rw_state *w)
{
    readstat_error_t e = begin(wr, format, w, (long)eff_table_n_rows(t));
    if (e == READSTAT_OK)
        e = readstat_validate_metadata(wr);
    for (size_t j = 0; e == READSTAT_OK && j < eff_table_n_cols(t); j++)
        if ((e = readstat_validate_variable(wr, readstat_get_variable(wr, (int)j))) != READSTAT_OK)
            eff_error_set(w->err, EFF_EINVAL, w->path, 0, 0, "column \"%s\": ReadStat: %s",
                          eff_table_col_name(t, j), readstat_error_message(e));
    for (size_t i = 0; e == READSTAT_OK && i < eff_table_n_rows(t); i++) {
        if ((i & 0xffff) == 0 && eff_ctx_cancelled(ctx)) {
            w->status = eff_error_set(w->err, EFF_EABORT, w->path, 0, 0, "interrupted while writing");
            return READSTAT_ERROR_USER_ABORT;
        }
        e = readstat_begin_row(wr);
        for (size_t j = 0; e == READSTAT_OK && j < eff_table_n_cols(t); j++)
            e = insert_cell(wr, t, j, i, format);
        if (e == READSTAT_OK)
            e = readstat_end_row(wr);
    }
    if (e == READSTAT_OK)
        e = readstat_end_writing(wr);
    return e;
}

eff_status rf_write_readstat(const eff_table *t, const char *path, eff_format format,
                             const eff_write_options *opt, const eff_ctx *ctx, eff_error *err)
{
    eff_error local;
    rw_state w = {NULL, err ? err : &local, EFF_OK, path, ""};
    eff_error_clear(w.err);
    eff_status st = eff_atomic_open(path, &w.out, w.err);
    if (st)
        return st;
    readstat_writer_t *wr = readstat_writer_init();
    if (!wr) {
        eff_atomic_abort(w.out);
        return eff_error_set(w.err, EFF_ENOMEM, path, 0, 0, "out of memory");
    }
    readstat_set_data_writer(wr, write_bytes);
    readstat_writer_set_error_handler(wr, on_error);
    if (opt->timestamp)
        readstat_writer_set_file_timestamp(wr, opt->timestamp);
    if (format == EFF_FORMAT_SAS7BDAT)
        readstat_writer_set_file_format_is_64bit(wr, !opt->sas_32bit);
    if (opt->compress && format != EFF_FORMAT_DTA)
        readstat_writer_set_compression(wr, READSTAT_COMPRESS_ROWS);
    add_variables(wr, t, format);
    readstat_error_t e = write_rows(wr, t, format, ctx, &w);
    readstat_writer_free(wr);
    if (e != READSTAT_OK || w.status != EFF_OK) {
        eff_atomic_abort(w.out);
        if (w.status != EFF_OK)
            return w.status;
        if (w.err->status != EFF_OK) /* a located message from validation */
            return w.err->status;
        return eff_error_set(w.err, EFF_EINVAL, path, 0, 0, "ReadStat: %s%s%s",
                             readstat_error_message(e), w.rs_msg[0] ? ": " : "", w.rs_msg);
    }
    return eff_atomic_commit(w.out, w.err);
}
