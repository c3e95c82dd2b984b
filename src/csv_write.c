/* csv_write.c - eff_table to delimited text, through eff_atomic (temp file + rename).
 * Numbers are machine-readable: '.' unless a decimal comma is asked for, and doubles in the
 * shortest of %.15g/%.16g/%.17g that strtod reads back to the same bits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "csv.h"
#include "mem.h"
#include "utf8.h"

eff_csv_write_options eff_csv_write_options_default(void)
{
    eff_csv_write_options o = {',', EFF_CSV_ENC_UTF8, EFF_CSV_DEC_DOT, ""};
    return o;
}

/* Shortest %.Ng (N = 15..17) that round-trips; "" for NaN; "Inf"/"-Inf" as R writes them. */
static int format_double(double v, char *buf, size_t size)
{
    if (isnan(v))
        return snprintf(buf, size, "%s", "");
    if (isinf(v))
        return snprintf(buf, size, "%s", v > 0 ? "Inf" : "-Inf");
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return n;
}

typedef struct writer {
    eff_atomic *out;
    const eff_csv_write_options *opt;
    char *conv; /* Latin-1 conversion buffer */
    size_t conv_cap;
    eff_error *err;
} writer;

static eff_status put_text(writer *w, const char *s, size_t n, const char *path)
{
    if (w->opt->encoding == EFF_CSV_ENC_LATIN1 && !eff_ascii(s, n)) {
        if (n + 1 > w->conv_cap) {
            char *c = eff_reallocarray(w->conv, n + 1, 1);
            if (!c)
                return eff_error_set(w->err, EFF_ENOMEM, path, 0, 0, "out of memory");
            w->conv = c;
            w->conv_cap = n + 1;
        }
        size_t k = eff_utf8_to_latin1(s, n, w->conv);
        if (k == (size_t)-1)
            return eff_error_set(w->err, EFF_EINVAL, path, 0, 0,
                                 "\"%.*s\" has a character that Latin-1 cannot hold",
                                 n > 40 ? 40 : (int)n, s);
        s = w->conv;
        n = k;
    }
    return eff_atomic_write(w->out, s, n, w->err);
}

static eff_status put_string(writer *w, const char *s, size_t n, const char *path)
{
    int quote = n == 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == w->opt->delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    quote |= (n == 2 && memcmp(s, "NA", 2) == 0) || (n == 1 && s[0] == '.');
    if (!quote)
        return put_text(w, s, n, path);
    eff_status st = eff_atomic_write(w->out, "\"", 1, w->err);
    for (size_t i = 0; !st && i < n;) {
        const char *q = memchr(s + i, '"', n - i);
        size_t run = q ? (size_t)(q - (s + i)) + 1 : n - i;
        st = put_text(w, s + i, run, path);
        if (!st && q)
            st = eff_atomic_write(w->out, "\"", 1, w->err);
        i += run;
    }
    return st ? st : eff_atomic_write(w->out, "\"", 1, w->err);
}

static eff_status put_cell(writer *w, const eff_table *t, size_t j, size_t i, const char *path)
{
    char num[64];
    int n = 0;
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_I64: {
        int64_t v = eff_table_i64(t, j)[i];
        if (v != EFF_I64_NA)
            n = snprintf(num, sizeof num, "%lld", (long long)v);
        break;
    }
    case EFF_TYPE_F64:
        n = format_double(eff_table_f64(t, j)[i], num, sizeof num);
        if (w->opt->decimal == EFF_CSV_DEC_COMMA) {
            char *dot = strchr(num, '.');
            if (dot)
                *dot = ',';
        }
        break;
    case EFF_TYPE_DATE:
        eff_date_format(eff_table_date(t, j)[i], num, sizeof num);
        n = (int)strlen(num);
        break;
    case EFF_TYPE_STR: {
        const char *s = eff_table_str(t, j, i);
        if (s)
            return put_string(w, s, strlen(s), path);
        break;
    }
    }
    if (n == 0)
        return eff_atomic_puts(w->out, w->opt->na, w->err);
    return eff_atomic_write(w->out, num, (size_t)n, w->err);
}

static eff_status write_rows(writer *w, const eff_table *t, const eff_ctx *ctx, const char *path)
{
    size_t nc = eff_table_n_cols(t), nr = eff_table_n_rows(t);
    char delim = w->opt->delimiter;
    eff_status st = EFF_OK;
    for (size_t j = 0; !st && j < nc; j++) {
        const char *name = eff_table_col_name(t, j);
        st = put_string(w, name, strlen(name), path);
        if (!st)
            st = eff_atomic_write(w->out, j + 1 < nc ? &delim : "\n", 1, w->err);
    }
    for (size_t i = 0; !st && i < nr; i++) {
        if ((i & 0xffff) == 0 && eff_ctx_cancelled(ctx))
            return eff_error_set(w->err, EFF_EABORT, path, 0, 0, "interrupted while writing");
        for (size_t j = 0; !st && j < nc; j++) {
            st = put_cell(w, t, j, i, path);
            if (!st)
                st = eff_atomic_write(w->out, j + 1 < nc ? &delim : "\n", 1, w->err);
        }
    }
    return st;
}

eff_status eff_csv_write(const eff_table *t, const char *path, const eff_csv_write_options *opt,
                         const eff_ctx *ctx, eff_error *err)
{
    eff_csv_write_options defaults = eff_csv_write_options_default();
    if (!opt)
        opt = &defaults;
    if (opt->decimal == EFF_CSV_DEC_COMMA && opt->delimiter == ',')
        return eff_error_set(err, EFF_EINVAL, path, 0, 0,
                             "a decimal comma needs a delimiter other than ','");
    writer w = {NULL, opt, NULL, 0, err};
    eff_status st = eff_atomic_open(path, &w.out, err);
    if (st)
        return st;
    st = write_rows(&w, t, ctx, path);
    eff_free(w.conv);
    if (st) {
        eff_atomic_abort(w.out);
        return st;
    }
    return eff_atomic_commit(w.out, err);
}
