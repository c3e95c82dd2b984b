/* csv_column.c - the CSV reader's column builders: a column starts untyped, takes the type of
 * its first value (integer, double, ISO date, else string), widens integer -> double in place,
 * and asks for a second pass when text turns up after numbers or dates were stored. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "csv_internal.h"
#include "mem.h"
#include "numparse.h"
#include "utf8.h"

static const char *builder_type_name(int type)
{
    switch (type) {
    case B_I64: return "an integer";
    case B_F64: return "a number";
    case B_DATE: return "a date (YYYY-MM-DD)";
    default: return "text";
    }
}

char *csv_grow(char **buf, size_t *cap, size_t n)
{
    if (n > *cap) {
        size_t want = *cap ? *cap : 256;
        while (want < n)
            want *= 2;
        char *grown = eff_reallocarray(*buf, want, 1);
        if (!grown)
            return NULL;
        *buf = grown;
        *cap = want;
    }
    return *buf;
}

static size_t elem_size(int type)
{
    return type == B_I64 || type == B_F64 ? 8 : 4;
}

static eff_status oom(csv_reader *rd)
{
    return eff_error_set(rd->err, EFF_ENOMEM, rd->path, rd->line, 0,
                         "out of memory reading the file");
}

/* Column arrays are plain malloc'd memory, prefaulted in one call (eff_mem_prefault).
 * Transparent huge pages (madvise) were tried and measured slower here: on a machine whose
 * memory another process just freed, the kernel's direct compaction stalled the first touch
 * of each 2 MiB page. */
eff_status csv_reserve_rows(csv_reader *rd, size_t cap)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        col_builder *c = &rd->cols[j];
        if (!c->data)
            continue;
        size_t size = elem_size(c->type);
        void *data = eff_reallocarray(c->data, cap, size);
        if (!data)
            return oom(rd);
        c->data = data;
        if (cap > rd->row_cap) /* the new rows will all be written: map them in one call */
            eff_mem_prefault((char *)data + rd->row_cap * size, (cap - rd->row_cap) * size);
    }
    rd->row_cap = cap;
    return EFF_OK;
}

eff_status csv_start_column(csv_reader *rd, col_builder *c, int type, size_t row)
{
    c->data = eff_mallocarray(rd->row_cap, elem_size(type));
    if (!c->data)
        return oom(rd);
    eff_mem_prefault(c->data, rd->row_cap * elem_size(type));
    int shared = type == B_STR && rd->opt->keep_codes && rd->opt->keep_ids &&
                 rd->opt->keep_column && strcasecmp(c->name, rd->opt->keep_column) == 0;
    if (shared && !c->dict) /* the keep ids' codes: see eff_csv_options.keep_codes */
        c->dict = eff_dict_retain((eff_dict *)rd->opt->keep_ids);
    if (type == B_STR && !c->dict && !(c->dict = eff_dict_new())) {
        eff_free(c->data);
        c->data = NULL;
        return oom(rd);
    }
    if (type == B_STR && !shared && rd->opt->unique_column && eff_dict_size(c->dict) == 0 &&
        strcasecmp(c->name, rd->opt->unique_column) == 0 &&
        eff_dict_reserve(c->dict, rd->row_cap, rd->row_cap * 12, rd->err) != EFF_OK)
        return oom(rd);
    c->type = type;
    for (size_t i = 0; i < row; i++) {
        if (type == B_I64)
            ((int64_t *)c->data)[i] = EFF_I64_NA;
        else if (type == B_F64)
            ((double *)c->data)[i] = eff_f64_na();
        else
            ((int32_t *)c->data)[i] = type == B_DATE ? EFF_DATE_NA : EFF_STR_NA;
    }
    return EFF_OK;
}

/* Integer column becomes double, in place: both are 8 bytes per row. */
static void widen_to_f64(col_builder *c, size_t rows)
{
    unsigned char *p = c->data;
    for (size_t i = 0; i < rows; i++) {
        int64_t v;
        memcpy(&v, p + 8 * i, 8);
        double d = v == EFF_I64_NA ? eff_f64_na() : (double)v;
        memcpy(p + 8 * i, &d, 8);
    }
    c->type = B_F64;
}

static int is_na_token(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == 'N' && s[1] == 'A');
}

/* Parses all of s[0..n) as a number, trying ',' then '.' in a ';' file. */
static int parse_whole_number(const csv_reader *rd, const char *s, size_t n, eff_number *num)
{
    const char *end = eff_parse_number(s, rd->dec, num);
    if (end == s + n)
        return 1;
    if (rd->dec_both) {
        end = eff_parse_number(s, '.', num);
        return end == s + n;
    }
    return 0;
}

static int classify(const csv_reader *rd, const char *s, size_t n)
{
    eff_number num;
    int32_t day;
    if (parse_whole_number(rd, s, n, &num))
        return num.is_int ? B_I64 : B_F64;
    if (eff_date_parse_iso(s, n, &day))
        return B_DATE;
    return B_STR;
}

static eff_status mismatch(csv_reader *rd, size_t j, const char *s, size_t n)
{
    col_builder *c = &rd->cols[j];
    if (c->forced)
        return eff_error_set(rd->err, EFF_EPARSE, rd->path, rd->line, (long)j + 1,
                             "column \"%s\": expected %s, found \"%.*s\"", c->name,
                             builder_type_name(c->type), n > 60 ? 60 : (int)n, s);
    /* The numbers already stored lost their text (leading zeros, say): read again as text. */
    eff_free(c->data);
    c->data = NULL;
    c->type = B_SKIP;
    c->reread_str = 1;
    rd->need_reread = 1;
    return EFF_OK;
}

static eff_status store_missing(csv_reader *rd, col_builder *c)
{
    size_t row = rd->nrow;
    switch (c->type) {
    case B_I64: ((int64_t *)c->data)[row] = EFF_I64_NA; break;
    case B_F64: ((double *)c->data)[row] = eff_f64_na(); break;
    case B_DATE: ((int32_t *)c->data)[row] = EFF_DATE_NA; break;
    case B_STR: ((int32_t *)c->data)[row] = EFF_STR_NA; break;
    default: break;
    }
    return EFF_OK;
}

static eff_status store_string(csv_reader *rd, size_t j, const char *s, size_t n)
{
    col_builder *c = &rd->cols[j];
    if (!eff_ascii(s, n)) {
        if (rd->latin1) {
            char *u = csv_grow(&rd->conv, &rd->conv_cap, 2 * n + 1);
            if (!u)
                return oom(rd);
            n = eff_latin1_to_utf8(s, n, u);
            s = u;
        } else if (!eff_utf8_valid(s, n, 0)) {
            if (!rd->enc_auto)
                return eff_error_set(rd->err, EFF_EPARSE, rd->path, rd->line, (long)j + 1,
                                     "column \"%s\": invalid UTF-8 (use --encoding latin1)",
                                     c->name);
            rd->reread_latin1 = 1; /* the whole file is Latin-1: read it again as such */
            rd->need_reread = 1;
        }
    }
    int32_t code;
    if (c->dict == rd->opt->keep_ids) { /* eff_csv_options.keep_codes */
        code = rd->keep_code >= 0 ? rd->keep_code : eff_dict_find(c->dict, s, n);
        ((int32_t *)c->data)[rd->nrow] = code >= 0 ? code : EFF_STR_NA;
        return EFF_OK;
    }
    int32_t last = c->last - 1;
    if (last >= 0 && eff_dict_len(c->dict, last) == n &&
        memcmp(eff_dict_str(c->dict, last), s, n) == 0) {
        ((int32_t *)c->data)[rd->nrow] = last;
        return EFF_OK;
    }
    eff_status st = eff_dict_intern(c->dict, s, n, &code, rd->err);
    if (st)
        return st == EFF_ENOMEM ? oom(rd) : st;
    ((int32_t *)c->data)[rd->nrow] = code;
    c->last = code + 1;
    return EFF_OK;
}

static eff_status store_number(csv_reader *rd, size_t j, int64_t ival, double value, int is_int)
{
    col_builder *c = &rd->cols[j];
    if (c->type == B_I64) {
        if (is_int) {
            ((int64_t *)c->data)[rd->nrow] = ival;
            return EFF_OK;
        }
        widen_to_f64(c, rd->nrow);
    }
    ((double *)c->data)[rd->nrow] = value;
    return EFF_OK;
}

static void trim(const char **s, size_t *n, char delim)
{
    const char *p = *s, *e = *s + *n;
    while (p < e && (*p == ' ' || (*p == '\t' && delim != '\t')))
        p++;
    while (e > p && (e[-1] == ' ' || (e[-1] == '\t' && delim != '\t')))
        e--;
    *s = p;
    *n = (size_t)(e - p);
}

eff_status csv_store_field(csv_reader *rd, size_t j, const char *s, size_t n, int quoted)
{
    col_builder *c = &rd->cols[j];
    if (c->type == B_SKIP)
        return EFF_OK;
    if (!quoted) /* fread's strip.white: padding from fixed-width exports is not data */
        trim(&s, &n, rd->delim);
    if (is_na_token(s, n) && !(quoted && n > 0))
        return store_missing(rd, c);
    if (c->type == B_UNKNOWN) {
        eff_status st = csv_start_column(rd, c, classify(rd, s, n), rd->nrow);
        if (st)
            return st;
    }
    eff_number num;
    int32_t day;
    switch (c->type) {
    case B_I64:
    case B_F64:
        if (!parse_whole_number(rd, s, n, &num) || (c->forced && c->type == B_I64 && !num.is_int))
            return mismatch(rd, j, s, n);
        if (num.used_comma)
            c->flags |= EFF_COL_DECIMAL_COMMA;
        return store_number(rd, j, num.ival, num.value, num.is_int);
    case B_DATE:
        if (!eff_date_parse_iso(s, n, &day))
            return mismatch(rd, j, s, n);
        ((int32_t *)c->data)[rd->nrow] = day;
        return EFF_OK;
    case B_STR:
        return store_string(rd, j, s, n);
    }
    return EFF_OK;
}

void csv_reset_columns(csv_reader *rd)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        col_builder *c = &rd->cols[j];
        eff_free(c->data);
        c->data = NULL;
        eff_dict_release(c->dict);
        c->dict = NULL;
        c->last = 0;
    }
}

static eff_status add_built_column(csv_reader *rd, eff_table *t, col_builder *c)
{
    eff_status st;
    if (c->type == B_UNKNOWN) { /* all missing: a string column with no categories */
        if ((st = csv_start_column(rd, c, B_STR, rd->nrow)) != EFF_OK)
            return st;
    }
    void *data = eff_reallocarray(c->data, rd->nrow ? rd->nrow : 1, elem_size(c->type));
    if (data) /* shrink; on failure keep the larger block */
        c->data = data;
    switch (c->type) {
    case B_I64: st = eff_table_add_i64(t, c->name, c->data, rd->err); break;
    case B_F64: st = eff_table_add_f64(t, c->name, c->data, rd->err); break;
    case B_DATE: st = eff_table_add_date(t, c->name, c->data, rd->err); break;
    default: st = eff_table_add_str(t, c->name, c->data, c->dict, rd->err); break;
    }
    if (st)
        return st;
    eff_table_set_col_flags(t, eff_table_n_cols(t) - 1, c->flags);
    c->data = NULL;
    c->dict = NULL;
    c->last = 0;
    return EFF_OK;
}

eff_status csv_build_table(csv_reader *rd, eff_table **out)
{
    eff_table *t = eff_table_new(rd->nrow);
    if (!t || eff_table_set_source(t, rd->path, rd->err)) {
        eff_table_free(t);
        return oom(rd);
    }
    for (size_t j = 0; j < rd->ncol; j++) {
        col_builder *c = &rd->cols[j];
        if (c->type == B_SKIP)
            continue;
        eff_status st = add_built_column(rd, t, c);
        if (st) {
            eff_table_free(t);
            return st;
        }
    }
    *out = t;
    return EFF_OK;
}
