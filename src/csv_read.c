/* csv_read.c - the CSV reader's buffer and record loop.
 * The file is read() into one buffer. Records are parsed only inside the "region" that ends
 * just after the buffer's last newline, so an unquoted field always meets a newline before the
 * region ends and its scan needs no bounds check; only quoted fields, which may span lines,
 * check the bound and ask for more data (the record is then parsed again from its start
 * after the buffer is refilled). Column builders live in csv_column.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_internal.h"
#include "mem.h"
#include "numparse.h"
#include "utf8.h"

enum {
    BUF_MIN = 256 << 10,    /* 256 KiB: parsed while still in L2; grows for longer records */
    DETECT_LINES = 30,      /* lines sampled to detect the delimiter */
    NEED_MORE = -1          /* parse_record: the record continues past the region */
};

eff_csv_options eff_csv_options_default(void)
{
    eff_csv_options o;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = 1 << 20;
    return o;
}

static eff_status io_error(csv_reader *rd, const char *what)
{
    return eff_error_set(rd->err, EFF_EIO, rd->path, 0, 0, "cannot %s: %s", what,
                         strerror(errno));
}

static eff_status parse_error(csv_reader *rd, long line, long col, const char *msg)
{
    return eff_error_set(rd->err, EFF_EPARSE, rd->path, line, col, "%s", msg);
}

static int report_progress(csv_reader *rd)
{
    const eff_ctx *ctx = rd->ctx;
    if (eff_ctx_cancelled(ctx))
        return 1;
    return ctx && ctx->progress && ctx->progress(ctx->progress_user, rd->bytes_read, rd->file_size);
}

/* Moves the unparsed tail to the front and reads until the buffer is full or the file ends. */
static eff_status fill(csv_reader *rd)
{
    if (rd->pos > 0) {
        memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
        rd->len -= rd->pos;
        if (rd->nul_off != SIZE_MAX)
            rd->nul_off -= rd->pos;
        rd->pos = 0;
    }
    size_t old_len = rd->len;
    while (!rd->eof && rd->len < rd->cap - 1) { /* one byte kept for the final newline */
        if (rd->mem) {
            size_t n = rd->mem_len - rd->mem_pos, room = rd->cap - 1 - rd->len;
            if (n > room)
                n = room;
            memcpy(rd->buf + rd->len, rd->mem + rd->mem_pos, n);
            rd->mem_pos += n, rd->len += n, rd->bytes_read += n;
            rd->eof = rd->mem_pos == rd->mem_len;
            break;
        }
        ssize_t n = read(rd->fd, rd->buf + rd->len, rd->cap - 1 - rd->len);
        if (n < 0) {
            if (errno == EINTR && !eff_ctx_cancelled(rd->ctx))
                continue;
            if (errno == EINTR)
                break;
            return io_error(rd, "read the file");
        }
        if (n == 0)
            rd->eof = 1;
        rd->len += (size_t)n;
        rd->bytes_read += (uint64_t)n;
    }
    memset(rd->buf + rd->len, 0, CSV_BUF_PAD);
    if (report_progress(rd))
        return eff_error_set(rd->err, EFF_EABORT, rd->path, 0, 0, "interrupted while reading");
    if (rd->nul_off == SIZE_MAX) {
        const char *nul = memchr(rd->buf + old_len, 0, rd->len - old_len);
        if (nul)
            rd->nul_off = (size_t)(nul - rd->buf);
    }
    return EFF_OK;
}

static eff_status grow_buffer(csv_reader *rd)
{
    size_t cap = rd->cap * 2;
    char *buf = eff_reallocarray(rd->buf, cap + CSV_BUF_PAD, 1);
    if (!buf)
        return eff_error_set(rd->err, EFF_ENOMEM, rd->path, rd->line, 0, "out of memory");
    rd->buf = buf;
    rd->cap = cap;
    return EFF_OK;
}

void csv_close_last_line(csv_reader *rd)
{
    if (rd->len > 0 && rd->buf[rd->len - 1] != '\n') {
        rd->buf[rd->len++] = '\n'; /* fill() kept one byte free for this */
        memset(rd->buf + rd->len, 0, CSV_BUF_PAD);
    }
}

/* Offset just past the last newline in [pos, len), or 0 when there is none. At end of file a
 * missing final newline is supplied. */
static size_t region_end(csv_reader *rd)
{
    if (rd->eof) {
        if (rd->len > rd->pos)
            csv_close_last_line(rd);
        return rd->len;
    }
    for (size_t i = rd->len; i > rd->pos; i--)
        if (rd->buf[i - 1] == '\n')
            return i;
    return 0;
}

static eff_status too_long(csv_reader *rd, long line)
{
    return eff_error_set(rd->err, EFF_EPARSE, rd->path, line, 0,
                         "line is longer than the limit of %zu bytes (--max-line-bytes)",
                         rd->opt->max_line_bytes);
}

/* Scans a quoted field starting at the opening quote *pp. On success *pp is past the closing
 * quote and [*fs, *fs + *fn) is the content, unescaped into scratch when it held "". */
static int scan_quoted(csv_reader *rd, char **pp, const char *lim, const char **fs, size_t *fn,
                       long line0, size_t col)
{
    char *start = *pp + 1, *q = start;
    int escaped = 0;
    for (;;) {
        char *close = memchr(q, '"', (size_t)(lim - q));
        if (!close) {
            if (rd->eof) {
                parse_error(rd, line0, (long)col + 1, "unterminated quoted field");
                return 0;
            }
            return NEED_MORE;
        }
        if (close + 1 < lim && close[1] == '"') {
            escaped = 1;
            q = close + 2;
            continue;
        }
        for (const char *nl = start; (nl = memchr(nl, '\n', (size_t)(close - nl))); nl++)
            rd->line++;
        *pp = close + 1;
        *fs = start;
        *fn = (size_t)(close - start);
        break;
    }
    if (escaped) {
        char *out = csv_grow(&rd->scratch, &rd->scratch_cap, *fn + 1);
        if (!out) {
            eff_error_set(rd->err, EFF_ENOMEM, rd->path, line0, 0, "out of memory");
            return 0;
        }
        size_t k = 0;
        for (size_t i = 0; i < *fn; i++) {
            out[k++] = (*fs)[i];
            if ((*fs)[i] == '"')
                i++;
        }
        out[k] = '\0';
        *fs = out;
        *fn = k;
    }
    return 1;
}

static inline int at_eol(const char *p)
{
    return *p == '\n' || (*p == '\r' && p[1] == '\n');
}

/* Number of fields in the record starting at p (quotes respected), for error messages. */
static size_t count_fields(const csv_reader *rd, const char *p, const char *lim)
{
    size_t n = 1;
    int in_quotes = 0;
    for (; p < lim && (in_quotes || !at_eol(p)); p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (*p == rd->delim && !in_quotes)
            n++;
    }
    return n;
}

static eff_status nul_error(csv_reader *rd, const char *rec, long line0)
{
    const char *nul = rd->buf + rd->nul_off;
    long line = line0, col = 1;
    int in_quotes = 0;
    for (const char *p = rec; p < nul; p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (*p == '\n')
            line++;
        else if (*p == rd->delim && !in_quotes)
            col++;
    }
    return parse_error(rd, line, col, "NUL byte in the data (is this a binary file?)");
}

/* Fast path for a numeric column: parse in place and store when the number fills the field.
 * Anything else (a missing value, text, an integer column meeting a fraction) takes the
 * checked path through csv_store_field. */
static inline int try_number(csv_reader *rd, col_builder *c, char **pp)
{
    eff_number num;
    const char *q = eff_parse_number_padded(*pp, rd->dec, &num);
    if (!q || (*q != rd->delim && !at_eol(q)))
        return 0;
    if (c->type == B_F64)
        ((double *)c->data)[rd->nrow] = num.value;
    else if (num.is_int)
        ((int64_t *)c->data)[rd->nrow] = num.ival;
    else
        return 0;
    if (num.used_comma)
        c->flags |= EFF_COL_DECIMAL_COMMA;
    *pp = (char *)q;
    return 1;
}

/* Field k of the record at p, unquoted and trimmed: 1 with its bounds, 0 when a quote, the
 * record's end or the buffer's zero padding comes first (then nothing is decided early). */
static int raw_field(const csv_reader *rd, const char *p, long k, const char **fs,
                     const char **fe)
{
    if (rd->view == p && rd->view_eol && !rd->view_quote && (size_t)k > rd->ncol / 2) {
        /* a late field of a plain record: walk back from its end, fields are short */
        const char *e = rd->view_eol;
        if (e > p && e[-1] == '\r')
            e--;
        for (size_t j = rd->ncol - 1; j > (size_t)k; j--) {
            while (e > p && e[-1] != rd->delim)
                e--;
            if (e == p)
                return 0; /* fewer fields than the header: decided when it is parsed */
            e--;
        }
        const char *b = e;
        while (b > p && b[-1] != rd->delim)
            b--;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        *fs = b, *fe = e;
        return 1;
    }
    for (long j = 0; j < k; j++) {
        while (*p != rd->delim) {
            if (*p == '"' || *p == '\n' || *p == '\r' || *p == '\0')
                return 0;
            p++;
        }
        p++;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    const char *e = p;
    while (*e != rd->delim && *e != '\n' && *e != '\r') {
        if (*e == '"' || *e == '\0')
            return 0;
        e++;
    }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *fs = p, *fe = e;
    return 1;
}

/* Bytes equal to c in [p, e), eight at a time (a zero byte of x ^ c..c is a match). */
static size_t count_byte(const char *p, const char *e, char c)
{
    const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    const uint64_t pattern = ones * (unsigned char)c;
    size_t n = 0;
    for (; e - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t x = w ^ pattern;
        uint64_t y = ((x & low7) + low7) | x;
        n += (size_t)__builtin_popcountll(~y & ~low7);
    }
    for (; p < e; p++)
        n += *p == c;
    return n;
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* The merge with the sorted keep ids: 1 unwanted, 0 wanted, -1 the file has left sorted
 * order here (merging stops; the hash decides from now on). Repeating a record gives the
 * same verdict, as a record cut by the buffer's end is looked at again. */
static int merge_verdict(csv_reader *rd, const char *f, size_t n)
{
    if (n > sizeof rd->last_id || bytes_cmp(f, n, rd->last_id, rd->last_len) < 0) {
        rd->merging = 0;
        return -1;
    }
    memcpy(rd->last_id, f, n);
    rd->last_len = n;
    const eff_dict *d = rd->opt->keep_ids;
    size_t total = eff_dict_size(d);
    int c = 1;
    while (rd->cursor < total) {
        int32_t code = rd->opt->keep_sorted[rd->cursor];
        c = bytes_cmp(eff_dict_str(d, code), eff_dict_len(d, code), f, n);
        if (c >= 0)
            break;
        rd->cursor++;
    }
    if (rd->cursor < total && c == 0) {
        rd->keep_code = rd->opt->keep_sorted[rd->cursor];
        return 0;
    }
    return 1;
}

static eff_status build_keep_bits(csv_reader *rd);

/* 1 when the record at p is certainly not wanted by the early row filters. A record cut by
 * the buffer's end is decided again once it is whole. */
static int unwanted(csv_reader *rd, const char *p, const char *lim)
{
    const char *fs, *fe;
    rd->keep_code = -1;
    rd->view = p;
    rd->view_eol = memchr(p, '\n', (size_t)(lim - p));
    rd->view_quote = rd->view_eol ? memchr(p, '"', (size_t)(rd->view_eol - p)) != NULL : 1;
    if (rd->require_col >= 0) {
        if (!raw_field(rd, p, rd->require_col, &fs, &fe))
            rd->undecided++;
        else if (fs == fe)
            return 1;
    }
    if (rd->keep_col >= 0) {
        if (!raw_field(rd, p, rd->keep_col, &fs, &fe)) {
            rd->undecided++;
            return 0;
        }
        if (rd->merging) {
            int r = merge_verdict(rd, fs, (size_t)(fe - fs));
            if (r >= 0)
                return r;
        }
        if (!rd->keep_bits && !rd->keep_bits_failed)
            rd->keep_bits_failed = build_keep_bits(rd) != EFF_OK; /* without it: slower */
        uint64_t h = eff_hash_bytes(fs, (size_t)(fe - fs));
        size_t bit = (size_t)(h >> 20) & rd->keep_mask;
        if (rd->keep_bits && !(rd->keep_bits[bit >> 6] >> (bit & 63) & 1))
            return 1;
        rd->keep_code = eff_dict_find(rd->opt->keep_ids, fs, (size_t)(fe - fs));
        return rd->keep_code < 0;
    }
    return 0;
}

/* The early row filters' columns and, unless the keep ids are merged, their bitmap (8 bits per
 * id, at least 2^16; built when the merge stops). */
static eff_status setup_filters(csv_reader *rd)
{
    const eff_csv_options *o = rd->opt;
    rd->keep_col = rd->require_col = -1;
    rd->undecided = 0;
    rd->merging = o->keep_sorted != NULL;
    rd->cursor = 0;
    rd->last_len = 0;
    for (size_t j = 0; j < rd->ncol; j++) {
        if (o->keep_ids && o->keep_column && strcasecmp(rd->cols[j].name, o->keep_column) == 0)
            rd->keep_col = (long)j;
        if (o->require_column && strcasecmp(rd->cols[j].name, o->require_column) == 0)
            rd->require_col = (long)j;
    }
    /* the bitmap is for a file out of id order: a sorted one is merged without it */
    if (rd->keep_col < 0 || rd->keep_bits || rd->merging)
        return EFF_OK;
    return build_keep_bits(rd);
}

static eff_status build_keep_bits(csv_reader *rd)
{
    const eff_csv_options *o = rd->opt;
    size_t n = eff_dict_size(o->keep_ids), bits = 1 << 16;
    while (bits < 8 * n)
        bits <<= 1;
    rd->keep_bits = eff_calloc(bits / 64, sizeof *rd->keep_bits);
    if (!rd->keep_bits)
        return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 0, 0, "out of memory");
    rd->keep_mask = bits - 1;
    for (size_t c = 0; c < n; c++) {
        uint64_t h = eff_hash_bytes(eff_dict_str(o->keep_ids, (int32_t)c),
                                    eff_dict_len(o->keep_ids, (int32_t)c));
        size_t bit = (size_t)(h >> 20) & rd->keep_mask;
        rd->keep_bits[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    return EFF_OK;
}

/* Passes over the record at *ppos without storing it, checking its field count as a stored
 * record's is checked. Returns EFF_OK, NEED_MORE, or an error. */
static int skip_record(csv_reader *rd, size_t *ppos, size_t end)
{
    const char *p = rd->buf + *ppos, *lim = rd->buf + end;
    long newlines = 0;
    size_t fields = 1;
    int in_quotes = 0;
    if (rd->view == p && rd->view_eol && !rd->view_quote) { /* a plain record: counted fast */
        const char *e = rd->view_eol > p && rd->view_eol[-1] == '\r' ? rd->view_eol - 1
                                                                     : rd->view_eol;
        fields += count_byte(p, e, rd->delim);
        p = e;
    }
    for (; p < lim; p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (in_quotes)
            newlines += *p == '\n';
        else if (*p == rd->delim)
            fields++;
        else if (at_eol(p))
            break;
    }
    if (p >= lim)
        return NEED_MORE;
    if (fields != rd->ncol) {
        char msg[128];
        snprintf(msg, sizeof msg, "expected %zu fields, found %zu", rd->ncol, fields);
        return parse_error(rd, rd->line, (long)(fields < rd->ncol ? fields + 1 : rd->ncol + 1),
                           msg);
    }
    p += *p == '\r' ? 2 : 1;
    size_t next = (size_t)(p - rd->buf);
    if (rd->nul_off < next)
        return nul_error(rd, rd->buf + *ppos, rd->line);
    if (next - *ppos > rd->opt->max_line_bytes)
        return too_long(rd, rd->line);
    rd->line += 1 + newlines;
    *ppos = next;
    return EFF_OK;
}

/* Parses one record at *ppos into row rd->nrow. Returns EFF_OK, NEED_MORE, or an error. */
static int parse_record(csv_reader *rd, size_t *ppos, size_t end)
{
    char *p = rd->buf + *ppos;
    const char *lim = rd->buf + end;
    const long line0 = rd->line;
    if (at_eol(p)) { /* blank line: skipped, as R's blank.lines.skip */
        *ppos += *p == '\r' ? 2 : 1;
        rd->line++;
        return EFF_OK;
    }
    if ((rd->keep_col >= 0 || rd->require_col >= 0) && unwanted(rd, p, lim))
        return skip_record(rd, ppos, end);
    if (rd->nrow == rd->row_cap) {
        eff_status st = csv_reserve_rows(rd, rd->row_cap + rd->row_cap / 2 + 1024);
        if (st)
            return st;
    }
    const char delim = rd->delim;
    for (size_t j = 0; j < rd->ncol; j++) {
        col_builder *const c = &rd->cols[j];
        if (*p == '"') {
            const char *fs;
            size_t fn;
            int r = scan_quoted(rd, &p, lim, &fs, &fn, line0, j);
            if (r != 1) {
                rd->line = line0;
                return r == NEED_MORE ? NEED_MORE : (int)rd->err->status;
            }
            if (*p != delim && !at_eol(p))
                return parse_error(rd, rd->line, (long)j + 1,
                                   "unexpected character after a closing quote");
            eff_status st = csv_store_field(rd, j, fs, fn, 1);
            if (st)
                return st;
        } else if (!((c->type == B_I64 || c->type == B_F64) && try_number(rd, c, &p))) {
            const char *fs = p;
            while (*p != delim && *p != '\n' && !(*p == '\r' && p[1] == '\n'))
                p++;
            eff_status st = csv_store_field(rd, j, fs, (size_t)(p - fs), 0);
            if (st)
                return st;
        }
        if (*p == delim) {
            if (j + 1 == rd->ncol) {
                char msg[128];
                snprintf(msg, sizeof msg, "expected %zu fields, found %zu", rd->ncol,
                         count_fields(rd, rd->buf + *ppos, lim));
                return parse_error(rd, line0, (long)rd->ncol + 1, msg);
            }
            p++;
        } else if (j + 1 < rd->ncol) {
            char msg[128];
            snprintf(msg, sizeof msg, "expected %zu fields, found %zu", rd->ncol, j + 1);
            return parse_error(rd, line0, (long)j + 2, msg);
        }
    }
    p += *p == '\r' ? 2 : 1;
    size_t next = (size_t)(p - rd->buf);
    if (rd->nul_off < next)
        return nul_error(rd, rd->buf + *ppos, line0);
    if (next - *ppos > rd->opt->max_line_bytes)
        return too_long(rd, line0);
    rd->line++;
    rd->nrow++;
    *ppos = next;
    return EFF_OK;
}

/* Parses the records of the current buffer. Returns EFF_OK with rd->pos at the first record
 * not yet parsed. */
static eff_status parse_region(csv_reader *rd, size_t end)
{
    while (rd->pos < end) {
        int r = parse_record(rd, &rd->pos, end);
        if (r == NEED_MORE)
            return EFF_OK;
        if (r != EFF_OK)
            return (eff_status)r;
    }
    return EFF_OK;
}

/* Makes sure a whole record (the header, or one that did not fit) can be reached: refills,
 * and grows the buffer when the unparsed part already fills it. */
eff_status csv_refill(csv_reader *rd)
{
    if (rd->pos == 0 && rd->len >= rd->cap - 1) {
        if (rd->len > rd->opt->max_line_bytes)
            return too_long(rd, rd->line);
        eff_status st = grow_buffer(rd);
        if (st)
            return st;
    }
    return fill(rd);
}

static eff_status parse_body(csv_reader *rd)
{
    for (;;) {
        size_t end = region_end(rd);
        eff_status st = parse_region(rd, end);
        if (st)
            return st;
        if (rd->eof && rd->pos >= rd->len)
            return EFF_OK;
        if (rd->eof && rd->pos < rd->len) /* only a quoted field can be left open at EOF */
            return parse_error(rd, rd->line, 0, "unterminated quoted field");
        if ((st = csv_refill(rd)) != EFF_OK)
            return st;
    }
}

static eff_status open_file(csv_reader *rd)
{
    if (rd->mem) {
        rd->file_size = rd->mem_len;
        return EFF_OK;
    }
    rd->fd = open(rd->path, O_RDONLY);
    if (rd->fd < 0)
        return io_error(rd, "open the file");
    struct stat sb;
    if (fstat(rd->fd, &sb) != 0)
        return io_error(rd, "examine the file");
    if (S_ISREG(sb.st_mode))
        rd->file_size = (uint64_t)sb.st_size;
    if (S_ISDIR(sb.st_mode)) {
        errno = EISDIR;
        return io_error(rd, "read the file");
    }
    return EFF_OK;
}

static eff_status rewind_file(csv_reader *rd)
{
    if (rd->mem)
        rd->mem_pos = 0;
    else if (lseek(rd->fd, 0, SEEK_SET) != 0)
        return eff_error_set(rd->err, EFF_EPARSE, rd->path, 0, 0,
                             "a column's type changed late in the file and the input cannot be "
                             "read twice (a pipe?); give the type with --type");
    rd->len = rd->pos = 0;
    rd->eof = 0;
    rd->nul_off = SIZE_MAX;
    rd->line = 1;
    rd->nrow = 0;
    rd->bytes_read = 0;
    return EFF_OK;
}

/* Prepares pass 2: columns that met text become strings, the rest keep their type. */
static void plan_reread(csv_reader *rd)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        col_builder *c = &rd->cols[j];
        if (c->reread_str) {
            c->type = B_STR;
            c->forced = 1;
        } else if (c->type != B_UNKNOWN && c->type != B_SKIP) {
            c->forced = 1;
        }
    }
    if (rd->reread_latin1)
        rd->latin1 = 1;
    csv_reset_columns(rd);
    rd->need_reread = rd->reread_latin1 = 0;
}

static eff_status read_passes(csv_reader *rd, eff_csv_info *info)
{
    eff_status st = open_file(rd);
    for (int pass = 1; st == EFF_OK; pass++) {
        if (pass > 1 && (st = rewind_file(rd)) != EFF_OK)
            break;
        if (!(st = fill(rd)) && !(st = csv_read_header(rd, pass)))
            st = setup_filters(rd);
        if (st || (st = parse_body(rd)))
            break;
        if (!rd->need_reread || pass == 3) {
            info->passes = pass;
            break;
        }
        plan_reread(rd);
    }
    return st;
}

static void free_reader(csv_reader *rd)
{
    csv_reset_columns(rd);
    for (size_t j = 0; j < rd->ncol; j++)
        eff_free(rd->cols[j].name);
    eff_free(rd->cols);
    eff_free(rd->buf);
    eff_free(rd->scratch);
    eff_free(rd->conv);
    eff_free(rd->keep_bits);
    if (rd->fd >= 0)
        close(rd->fd);
}

static eff_status read_source(const char *path, const char *mem, size_t mem_len,
                              const eff_csv_options *opt, const eff_ctx *ctx, eff_table **out,
                              eff_csv_info *info, eff_error *err)
{
    eff_csv_options defaults = eff_csv_options_default();
    eff_error local_err;
    eff_csv_info local_info;
    csv_reader rd;
    memset(&rd, 0, sizeof rd);
    rd.path = path;
    rd.opt = opt ? opt : &defaults;
    rd.ctx = ctx;
    rd.err = err ? err : &local_err;
    rd.fd = -1;
    rd.mem = mem, rd.mem_len = mem_len;
    rd.line = 1;
    rd.nul_off = SIZE_MAX;
    rd.keep_col = rd.require_col = -1;
    if (!info)
        info = &local_info;
    memset(info, 0, sizeof *info);
    eff_status st = csv_check_options(&rd);
    if (!st) {
        rd.cap = BUF_MIN;
        if (!(rd.buf = eff_calloc(rd.cap + CSV_BUF_PAD, 1)))
            st = eff_error_set(rd.err, EFF_ENOMEM, path, 0, 0, "out of memory");
    }
    if (!st)
        st = read_passes(&rd, info);
    if (!st && rd.nrow == 0 && !rd.opt->allow_empty)
        st = eff_error_set(rd.err, EFF_EPARSE, path, rd.line > 1 ? rd.line - 1 : 1, 0,
                           "the file has a header but no data rows");
    if (!st)
        st = csv_build_table(&rd, out);
    if (!st) {
        info->delimiter = rd.delim;
        info->encoding = rd.latin1 ? EFF_CSV_ENC_LATIN1 : EFF_CSV_ENC_UTF8;
        info->lines = rd.line - 1;
        info->filter_undecided = rd.undecided;
        for (size_t j = 0; j < rd.ncol; j++)
            info->decimal_comma |= (rd.cols[j].flags & EFF_COL_DECIMAL_COMMA) != 0;
    }
    free_reader(&rd);
    return st;
}

eff_status eff_csv_read(const char *path, const eff_csv_options *opt, const eff_ctx *ctx,
                        eff_table **out, eff_csv_info *info, eff_error *err)
{
    return read_source(path, NULL, 0, opt, ctx, out, info, err);
}

eff_status eff_csv_read_mem(const char *name, const char *data, size_t len,
                            const eff_csv_options *opt, const eff_ctx *ctx, eff_table **out,
                            eff_csv_info *info, eff_error *err)
{
    static const char empty[1] = "";
    return read_source(name, data ? data : empty, data ? len : 0, opt, ctx, out, info, err);
}
