/* csv_header.c - what the CSV reader settles before the first data row: options, byte-order
 * mark, encoding, delimiter, decimal mark, column names, type overrides and the first guess
 * of the row count (from the file size, so column arrays rarely need to grow). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csv_internal.h"
#include "mem.h"
#include "utf8.h"

eff_status csv_check_options(csv_reader *rd)
{
    const eff_csv_options *o = rd->opt;
    char d = o->delimiter;
    if (d && (d == '"' || d == '\n' || d == '\r' || d == '.' || (d >= '0' && d <= '9')))
        return eff_error_set(rd->err, EFF_EINVAL, NULL, 0, 0, "invalid delimiter '%c'", d);
    if (o->decimal == EFF_CSV_DEC_COMMA && d == ',')
        return eff_error_set(rd->err, EFF_EINVAL, NULL, 0, 0,
                             "a decimal comma needs a delimiter other than ','");
    if (o->max_line_bytes < 16)
        return eff_error_set(rd->err, EFF_EINVAL, NULL, 0, 0,
                             "the line limit must be at least 16 bytes");
    return EFF_OK;
}

/* Offset just past the newline ending the record at `from` (quotes respected), or 0. */
static size_t record_end(csv_reader *rd, size_t from)
{
    int in_quotes = 0;
    for (size_t i = from; i < rd->len; i++) {
        if (rd->buf[i] == '"')
            in_quotes = !in_quotes;
        else if (rd->buf[i] == '\n' && !in_quotes)
            return i + 1;
    }
    if (rd->eof && rd->len > from) { /* last record without a newline */
        csv_close_last_line(rd);
        return rd->len;
    }
    return 0;
}

/* The delimiter that splits the first lines into the same number (> 1) of fields, most
 * fields winning; else the most frequent one in the header; else ','. Ties go to ';' first:
 * a ';' file with decimal commas splits consistently on ',' too, while a ',' file seldom holds
 * a ';' on every line. */
static char detect_delimiter(const csv_reader *rd, size_t start)
{
    static const char candidates[3] = {';', '\t', ','};
    size_t best_count = 0, header_best = 0;
    char best = 0, header_choice = ',';
    /* Only whole lines count: the first buffer may end inside one. */
    for (int c = 0; c < 3; c++) {
        size_t first = 0, lines = 0;
        int consistent = 1, in_quotes = 0;
        size_t count = 0;
        for (size_t i = start; i < rd->len && lines < 30; i++) {
            char ch = rd->buf[i];
            if (ch == '"')
                in_quotes = !in_quotes;
            else if (ch == candidates[c] && !in_quotes)
                count++;
            else if (ch == '\n' && !in_quotes) {
                if (lines == 0)
                    first = count;
                else if (count != first && count > 0)
                    consistent = 0;
                lines++;
                count = 0;
            }
        }
        if (lines == 0)
            first = count;
        if (first > header_best) {
            header_best = first;
            header_choice = candidates[c];
        }
        if (consistent && first > best_count) {
            best_count = first;
            best = candidates[c];
        }
    }
    return best ? best : header_choice;
}

static int builder_type_of(eff_type t)
{
    switch (t) {
    case EFF_TYPE_I64: return B_I64;
    case EFF_TYPE_F64: return B_F64;
    case EFF_TYPE_DATE: return B_DATE;
    default: return B_STR;
    }
}

/* Splits the header record [start, end) into names (unquoted, trimmed, UTF-8). */
static eff_status split_names(csv_reader *rd, size_t start, size_t end)
{
    size_t cap = 16;
    rd->cols = eff_calloc(cap, sizeof *rd->cols);
    if (!rd->cols)
        return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 1, 0, "out of memory");
    const char *p = rd->buf + start, *lim = rd->buf + end - 1; /* lim: the newline */
    if (lim > p && lim[-1] == '\r')
        lim--;
    for (;;) {
        char raw[1024];
        size_t n = 0;
        int quoted = *p == '"';
        if (quoted)
            p++;
        for (; p < lim; p++) {
            if (quoted && *p == '"') {
                if (p + 1 < lim && p[1] == '"')
                    p++;
                else {
                    quoted = 0;
                    continue;
                }
            } else if (!quoted && *p == rd->delim)
                break;
            if (n < sizeof raw - 1)
                raw[n++] = *p;
        }
        while (n > 0 && raw[n - 1] == ' ')
            n--;
        size_t skip = 0;
        while (skip < n && raw[skip] == ' ')
            skip++;
        if (rd->ncol == cap) {
            col_builder *cols = eff_reallocarray(rd->cols, cap * 2, sizeof *cols);
            if (!cols)
                return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 1, 0, "out of memory");
            memset(cols + cap, 0, cap * sizeof *cols);
            rd->cols = cols;
            cap *= 2;
        }
        char name[2048];
        size_t len = n - skip;
        if (len == 0)
            len = (size_t)snprintf(name, sizeof name, "V%zu", rd->ncol + 1);
        else if (rd->latin1)
            len = eff_latin1_to_utf8(raw + skip, len, name);
        else
            memcpy(name, raw + skip, len);
        if (!(rd->cols[rd->ncol++].name = eff_strndup(name, len)))
            return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 1, 0, "out of memory");
        if (p >= lim)
            return EFF_OK;
        p++; /* the delimiter */
    }
}

static eff_status check_names(csv_reader *rd)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        if (!rd->latin1 && !eff_utf8_valid(rd->cols[j].name, strlen(rd->cols[j].name), 0))
            return eff_error_set(rd->err, EFF_EPARSE, rd->path, 1, (long)j + 1,
                                 "column name is not valid UTF-8 (use --encoding latin1)");
        for (size_t k = 0; k < j; k++)
            if (strcasecmp(rd->cols[j].name, rd->cols[k].name) == 0)
                return eff_error_set(rd->err, EFF_EPARSE, rd->path, 1, (long)j + 1,
                                     "duplicate column name \"%s\" (also column %zu)",
                                     rd->cols[j].name, k + 1);
    }
    return EFF_OK;
}

static long find_builder(const csv_reader *rd, const char *name)
{
    for (size_t j = 0; j < rd->ncol; j++)
        if (strcasecmp(rd->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

static eff_status unknown_column(csv_reader *rd, const char *name, const char *where)
{
    return eff_error_set(rd->err, EFF_EINVAL, rd->path, 1, 0,
                         "no column \"%s\" (named in %s); the file has %zu columns, the first "
                         "\"%s\"",
                         name, where, rd->ncol, rd->cols[0].name);
}

/* Type overrides, the pnr rule and the column selection. */
static eff_status apply_options(csv_reader *rd)
{
    const eff_csv_options *o = rd->opt;
    for (size_t j = 0; o->all_text && j < rd->ncol; j++) {
        rd->cols[j].type = B_STR;
        rd->cols[j].forced = 1;
    }
    long pnr = find_builder(rd, "pnr");
    if (pnr >= 0) { /* person ids are strings: leading zeros matter (INTERFACES.md) */
        rd->cols[pnr].type = B_STR;
        rd->cols[pnr].forced = 1;
    }
    for (size_t i = 0; i < o->n_types; i++) {
        long j = find_builder(rd, o->types[i].name);
        if (j < 0)
            return unknown_column(rd, o->types[i].name, "a type override");
        rd->cols[j].type = builder_type_of(o->types[i].type);
        rd->cols[j].forced = 1;
    }
    if (o->columns) {
        unsigned char *keep = eff_calloc(rd->ncol, 1);
        if (!keep)
            return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 1, 0, "out of memory");
        for (size_t i = 0; i < o->n_columns; i++) {
            long j = find_builder(rd, o->columns[i]);
            if (j < 0) {
                eff_free(keep);
                return unknown_column(rd, o->columns[i], "the column selection");
            }
            keep[j] = 1;
        }
        for (size_t j = 0; j < rd->ncol; j++)
            if (!keep[j]) {
                rd->cols[j].type = B_SKIP;
                rd->cols[j].forced = 1;
            }
        eff_free(keep);
    }
    return EFF_OK;
}

/* Rows expected: file size over the bytes per line seen in the first buffer, plus 2%. */
static size_t estimate_rows(const csv_reader *rd)
{
    size_t lines = 0;
    for (const char *p = rd->buf + rd->pos; (p = memchr(p, '\n', (size_t)(rd->buf + rd->len - p)));
         p++)
        lines++;
    size_t sampled = rd->len - rd->pos;
    if (!lines || !rd->file_size || rd->eof)
        return lines + 1024;
    double est = (double)rd->file_size / ((double)sampled / (double)lines) * 1.02 + 1024;
    return est > 1e12 ? (size_t)1e12 : (size_t)est;
}

static eff_status start_builders(csv_reader *rd)
{
    eff_status st = csv_reserve_rows(rd, estimate_rows(rd));
    for (size_t j = 0; !st && j < rd->ncol; j++) {
        col_builder *c = &rd->cols[j];
        if (c->forced && c->type != B_SKIP)
            st = csv_start_column(rd, c, c->type, 0);
    }
    return st;
}

static void settle_format(csv_reader *rd, size_t start)
{
    const eff_csv_options *o = rd->opt;
    rd->enc_auto = o->encoding == EFF_CSV_ENC_AUTO;
    if (o->encoding == EFF_CSV_ENC_LATIN1)
        rd->latin1 = 1;
    else if (rd->enc_auto && !rd->latin1) /* rd->latin1 may be set by a previous pass */
        rd->latin1 = !eff_utf8_valid(rd->buf + start, rd->len - start, !rd->eof);
    rd->delim = o->delimiter ? o->delimiter : detect_delimiter(rd, start);
    rd->dec = '.';
    rd->dec_both = 0;
    if (o->decimal == EFF_CSV_DEC_COMMA || (o->decimal == EFF_CSV_DEC_AUTO && rd->delim == ';')) {
        rd->dec = ',';
        rd->dec_both = o->decimal == EFF_CSV_DEC_AUTO;
    }
}

eff_status csv_read_header(csv_reader *rd, int pass)
{
    if (rd->len == 0 && rd->eof)
        return eff_error_set(rd->err, EFF_EPARSE, rd->path, 0, 0, "the file is empty");
    size_t start = 0, end;
    if (rd->len >= 3 && memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0)
        start = 3; /* UTF-8 byte-order mark */
    while (!(end = record_end(rd, start))) {
        if (rd->eof) /* nothing but a byte-order mark */
            return eff_error_set(rd->err, EFF_EPARSE, rd->path, 0, 0, "the file is empty");
        eff_status st = csv_refill(rd);
        if (st)
            return st;
    }
    settle_format(rd, start);
    if (pass == 1) {
        eff_status st = split_names(rd, start, end);
        if (!st)
            st = check_names(rd);
        if (!st)
            st = apply_options(rd);
        if (st)
            return st;
    }
    rd->pos = end;
    rd->line = 2;
    for (const char *nl = rd->buf + start; (nl = memchr(nl, '\n', (size_t)(rd->buf + end - 1 - nl))); nl++)
        rd->line++; /* newlines inside quoted names */
    return start_builders(rd);
}
