/* sim_sink.c - the register files of Synthetic Denmark: their names and columns (one table,
 * documented in docs/registers.md), the byte buffers rows are formatted into, and the files
 * the buffers go to.
 *
 * Every format starts as CSV text: rows are formatted once, with fixed decimals, into a
 * buffer per register and block of persons, and the blocks are written in pnr order. For SAS
 * and Stata the year's CSV goes to a hidden temporary file that is read back (with the
 * register's declared types) and written through ReadStat; so every format holds the same
 * values, rounded the same way.
 * In memory (eff_sim_options.tables) the same put calls append typed values to columns
 * instead, rounded as the text would read back; person ids are codes of one dictionary of
 * every pnr (code = person index), shared by all the tables, so neither the simulator nor
 * the store interns a pnr per row. test_sim_memory holds the two ways to the same values.
 * Owns its buffers and open files. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "csv.h"
#include "date.h"
#include "mem.h"
#include "regfile.h"
#include "sim_internal.h"
#include "sim_sink.h"
#include "table.h"
#include "tableset.h"

#define S EFF_TYPE_STR
#define I EFF_TYPE_I64
#define F EFF_TYPE_F64
#define D EFF_TYPE_DATE
const sim_register sim_registers[SIM_REG_N] = {
    {"bef", 17,
     {"PNR", "KOEN", "FOED_DAG", "ALDER", "IE_TYPE", "OPR_LAND", "herkomst", "KOM", "hovedstad",
      "FAMILIE_ID", "FAMILIE_TYPE", "ANTPERSF", "ANTBOERNF", "MOR_ID", "FAR_ID", "afdeling",
      "omraadetype"},
     {S, S, D, I, I, I, S, I, I, I, I, I, I, S, S, I, S}},
    {"udda", 5, {"PNR", "HFAUDD", "erhvkomp", "UDD", "i_uddannelse"}, {S, I, I, I, I}},
    {"bfl", 2, {"PNR", "LOENTIMER"}, {S, I}},
    {"fravaer", 6, {"PNR", "KLASSETRIN", "SKOLEDAGE", "FRAVAERSDAGE", "FRAVAER_PCT", "AFGANGSPROEVE"},
     {S, I, I, F, F, I}},
    {"ras", 3, {"PNR", "BESKST", "SOCIO13"}, {S, I, I}},
    {"ind", 5, {"PNR", "DISPON_NY", "FAMDISPON_NY", "FAMAEKVIVADISP", "FORMUE"}, {S, I, I, I, I}},
    {"krim", 4, {"PNR", "SAGSNR", "GERNINGSDATO", "KATEGORI"}, {S, S, D, S}},
};
#undef S
#undef I
#undef F
#undef D

/* ---- buffers ---- */

int sim_buf_reserve(sim_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + more)
        cap *= 2;
    char *d = eff_reallocarray(b->data, cap, 1);
    if (!d) {
        b->failed = 1;
        return -1;
    }
    b->data = d, b->cap = cap;
    return 0;
}

void sim_buf_free(sim_buf *b)
{
    eff_free(b->data);
    for (int j = 0; b->cols && j < SIM_MAX_COLS; j++) {
        eff_free(b->cols[j].data);
        eff_dict_release(b->cols[j].dict);
    }
    eff_free(b->cols);
    *b = (sim_buf){0};
}

/* ---- column mode ---- */

enum { TYPE_ERROR = 2 }; /* sim_buf.failed: a value that its column's type cannot hold */

static size_t type_size(eff_type t)
{
    return t == EFF_TYPE_I64 || t == EFF_TYPE_F64 ? 8 : 4;
}

int sim_buf_columns(sim_buf *b, int reg)
{
    b->reg = reg;
    if (!(b->cols = eff_calloc(SIM_MAX_COLS, sizeof *b->cols)))
        b->failed = 1;
    return b->cols ? 0 : -1;
}

static int col_reserve(sim_col *c, eff_type t, size_t more)
{
    if (c->n + more <= c->cap)
        return 0;
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->n + more)
        cap *= 2;
    void *d = eff_reallocarray(c->data, cap, type_size(t));
    if (!d)
        return -1;
    c->data = d, c->cap = cap;
    return 0;
}

/* The row's next column with room for a value, and its type; NULL after a failure. */
static sim_col *next_col(sim_buf *b, eff_type *t)
{
    const sim_register *r = &sim_registers[b->reg];
    if (b->failed)
        return NULL;
    if (b->col >= r->n_cols) {
        b->failed = TYPE_ERROR;
        return NULL;
    }
    *t = r->types[b->col];
    sim_col *c = &b->cols[b->col++];
    if (col_reserve(c, *t, 1) != 0) {
        b->failed = 1;
        return NULL;
    }
    return c;
}

/* An integer (or a decimal held as scaled / 10^decimals) into a numeric column. */
static void col_number(sim_buf *b, long long scaled, int decimals)
{
    static const double pow10[] = {1, 10, 100, 1000, 10000};
    eff_type t;
    sim_col *c = next_col(b, &t);
    if (!c)
        return;
    if (t == EFF_TYPE_F64) /* as the text "%lld.%0*lld" reads back: correctly rounded */
        ((double *)c->data)[c->n++] = (double)scaled / pow10[decimals];
    else if (t == EFF_TYPE_I64 && decimals == 0)
        ((int64_t *)c->data)[c->n++] = scaled;
    else
        b->failed = TYPE_ERROR;
}

static void col_code(sim_buf *b, eff_type want, int32_t v, int persons)
{
    eff_type t;
    sim_col *c = next_col(b, &t);
    if (!c)
        return;
    if (t != want) {
        b->failed = TYPE_ERROR;
        return;
    }
    ((int32_t *)c->data)[c->n++] = v;
    c->persons |= persons;
}

static void col_na(sim_buf *b)
{
    eff_type t;
    sim_col *c = next_col(b, &t);
    if (!c)
        return;
    if (t == EFF_TYPE_I64)
        ((int64_t *)c->data)[c->n++] = EFF_I64_NA;
    else if (t == EFF_TYPE_F64)
        ((double *)c->data)[c->n++] = eff_f64_na();
    else
        ((int32_t *)c->data)[c->n++] = t == EFF_TYPE_DATE ? EFF_DATE_NA : EFF_STR_NA;
}

static void col_str(sim_buf *b, const char *s)
{
    sim_col *c = &b->cols[b->col < SIM_MAX_COLS ? b->col : 0];
    int32_t code = EFF_STR_NA;
    if (!b->failed && !c->dict && !(c->dict = eff_dict_new()))
        b->failed = 1;
    if (!b->failed && eff_dict_intern(c->dict, s, strlen(s), &code, NULL) != EFF_OK)
        b->failed = 1;
    col_code(b, EFF_TYPE_STR, code, 0);
}

void sim_put_person(sim_buf *b, int32_t person, const char *text)
{
    if (b->cols)
        col_code(b, EFF_TYPE_STR, person, 1);
    else
        sim_put_str(b, text);
}

static void sep(sim_buf *b)
{
    if (b->col++)
        b->data[b->len++] = ',';
}

void sim_put_str(sim_buf *b, const char *s)
{
    if (b->cols) {
        col_str(b, s);
        return;
    }
    size_t n = strlen(s);
    if (sim_buf_reserve(b, n + 2) != 0)
        return;
    sep(b);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void sim_put_int(sim_buf *b, long long v)
{
    if (b->cols) {
        col_number(b, v, 0);
        return;
    }
    if (sim_buf_reserve(b, 24) != 0)
        return;
    sep(b);
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        b->data[b->len++] = '-';
    while (n)
        b->data[b->len++] = tmp[--n];
}

/* A number with `decimals` decimals (0-4), from the value rounded to them. */
void sim_put_fixed(sim_buf *b, double v, int decimals)
{
    static const long long pow10[] = {1, 10, 100, 1000, 10000};
    long long scaled = llround(v * (double)pow10[decimals]);
    if (decimals == 0 || b->cols) {
        if (b->cols)
            col_number(b, scaled, decimals);
        else
            sim_put_int(b, scaled);
        return;
    }
    if (sim_buf_reserve(b, 32) != 0)
        return;
    sep(b);
    char tmp[32];
    unsigned long long u = scaled < 0 ? 0ULL - (unsigned long long)scaled : (unsigned long long)scaled;
    int n = 0;
    for (int k = 0; k < decimals; k++, u /= 10)
        tmp[n++] = (char)('0' + u % 10);
    tmp[n++] = '.';
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (scaled < 0)
        b->data[b->len++] = '-';
    while (n)
        b->data[b->len++] = tmp[--n];
}

void sim_put_date(sim_buf *b, int32_t days)
{
    if (b->cols) {
        col_code(b, EFF_TYPE_DATE, days, 0);
        return;
    }
    int y, m, d;
    eff_date_to_ymd(days, &y, &m, &d);
    if (y < 0 || y > 9999 || sim_buf_reserve(b, 12) != 0)
        return;
    sep(b);
    char *o = b->data + b->len;
    o[0] = (char)('0' + y / 1000), o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10), o[3] = (char)('0' + y % 10), o[4] = '-';
    o[5] = (char)('0' + m / 10), o[6] = (char)('0' + m % 10), o[7] = '-';
    o[8] = (char)('0' + d / 10), o[9] = (char)('0' + d % 10);
    b->len += 10;
}

void sim_put_na(sim_buf *b)
{
    if (b->cols) {
        col_na(b);
        return;
    }
    if (sim_buf_reserve(b, 2) == 0)
        sep(b);
}

void sim_end_row(sim_buf *b)
{
    if (b->cols) {
        if (b->col != sim_registers[b->reg].n_cols && !b->failed)
            b->failed = TYPE_ERROR;
        b->col = 0, b->rows++;
        return;
    }
    if (sim_buf_reserve(b, 1) == 0)
        b->data[b->len++] = '\n';
    b->col = 0;
}

/* ---- files ---- */

/* 2021-01-01 00:00 UTC, the seed report's year: stamped into SAS and Stata headers. */
static const time_t SIM_FILE_TIMESTAMP = 1609459200;

static const char *ext_of(eff_sim_format f)
{
    return f == EFF_SIM_SAS ? "sas7bdat" : f == EFF_SIM_DTA ? "dta" : "csv";
}

/* The header row of register `reg`. */
static void put_header(sim_buf *b, int reg)
{
    for (int c = 0; c < sim_registers[reg].n_cols; c++)
        sim_put_str(b, sim_registers[reg].cols[c]);
    sim_end_row(b);
}

eff_status sim_file_open(sim_file *f, const char *dir, int reg, int year, eff_sim_format format,
                         struct eff_tableset *tables, eff_dict *persons, eff_error *err)
{
    memset(f, 0, sizeof *f);
    f->reg = reg, f->format = format, f->tables = tables, f->persons = persons;
    const char *name = sim_registers[reg].name;
    if ((size_t)snprintf(f->path, sizeof f->path, "%s/%s%d.%s", dir, name, year,
                         ext_of(format)) >= sizeof f->path)
        return eff_error_set(err, EFF_EINVAL, dir, 0, 0, "the output path is too long");
    if (tables)
        return sim_buf_columns(&f->mem, reg) == 0
                   ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    char *csv = f->path;
    if (format != EFF_SIM_CSV) {
        snprintf(f->csv_path, sizeof f->csv_path, "%s/.%s%d.tmp.csv", dir, name, year);
        csv = f->csv_path;
    }
    eff_status st = eff_atomic_open(csv, &f->out, err);
    if (st != EFF_OK)
        return st;
    sim_buf header = {0};
    put_header(&header, reg);
    st = header.failed ? eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory")
                       : eff_atomic_write(f->out, header.data, header.len, err);
    sim_buf_free(&header);
    return st;
}

static eff_status append_columns(sim_file *f, sim_buf *b, eff_error *err);

eff_status sim_file_write(sim_file *f, sim_buf *b, eff_error *err)
{
    if (b->failed == TYPE_ERROR)
        return eff_error_set(err, EFF_EINVAL, f->path, 0, 0, "internal error: a row of %s does "
                             "not fit the register's declared columns", sim_registers[f->reg].name);
    if (b->failed)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (f->tables)
        return append_columns(f, b, err);
    eff_status st = b->len ? eff_atomic_write(f->out, b->data, b->len, err) : EFF_OK;
    b->len = 0, b->col = 0;
    return st;
}

/* A part's columns after the year's: string codes translated into the year's dictionaries
 * (person codes need none); the part is emptied. */
static eff_status append_columns(sim_file *f, sim_buf *b, eff_error *err)
{
    const sim_register *r = &sim_registers[f->reg];
    eff_status st = EFF_OK;
    for (int j = 0; j < r->n_cols && st == EFF_OK; j++) {
        sim_col *src = &b->cols[j], *dst = &f->mem.cols[j];
        size_t size = type_size(r->types[j]);
        if (col_reserve(dst, r->types[j], src->n) != 0)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        if (src->dict) {
            int32_t *codes = src->data, *out = (int32_t *)dst->data + dst->n;
            size_t nd = eff_dict_size(src->dict);
            int32_t *map = eff_mallocarray(nd ? nd : 1, sizeof *map);
            if (!map || (!dst->dict && !(dst->dict = eff_dict_new())))
                st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
            for (size_t k = 0; st == EFF_OK && k < nd; k++)
                st = eff_dict_intern(dst->dict, eff_dict_str(src->dict, (int32_t)k),
                                     eff_dict_len(src->dict, (int32_t)k), &map[k], err);
            for (size_t i = 0; st == EFF_OK && i < src->n; i++)
                out[i] = codes[i] < 0 ? codes[i] : map[codes[i]];
            eff_free(map);
            eff_dict_release(src->dict);
            src->dict = NULL;
        } else {
            memcpy((char *)dst->data + dst->n * size, src->data, src->n * size);
        }
        dst->n += src->n;
        dst->persons |= src->persons;
        src->n = 0;
    }
    f->mem.rows += b->rows;
    b->rows = 0, b->col = 0;
    return st;
}

static eff_status add_column(eff_table *t, const sim_col *c, const char *name, eff_type type,
                             eff_dict *persons, eff_error *err)
{
    void *data = c->data;
    switch (type) {
    case EFF_TYPE_I64: return eff_table_add_i64(t, name, data, err);
    case EFF_TYPE_F64: return eff_table_add_f64(t, name, data, err);
    case EFF_TYPE_DATE: return eff_table_add_date(t, name, data, err);
    case EFF_TYPE_STR: break;
    }
    eff_dict *d = c->persons ? eff_dict_retain(persons) : c->dict ? eff_dict_retain(c->dict)
                                                                  : eff_dict_new();
    eff_status st = d ? eff_table_add_str(t, name, data, d, err)
                      : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st != EFF_OK)
        eff_dict_release(d);
    return st;
}

/* In memory: the columns become a table in the set, under the file's path. */
static eff_status keep_in_memory(sim_file *f, eff_error *err)
{
    const sim_register *r = &sim_registers[f->reg];
    eff_table *t = eff_table_new(f->mem.rows);
    eff_status st = t ? eff_table_set_source(t, f->path, err)
                      : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (int j = 0; j < r->n_cols && st == EFF_OK; j++) {
        sim_col *c = &f->mem.cols[j];
        if (col_reserve(c, r->types[j], 1) != 0) {
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if ((st = add_column(t, c, r->cols[j], r->types[j], f->persons, err)) == EFF_OK)
            c->data = NULL, c->n = c->cap = 0; /* the table owns them now */
    }
    sim_buf_free(&f->mem);
    if (st != EFF_OK) {
        eff_table_free(t);
        return st;
    }
    return eff_tableset_put(f->tables, f->path, t, err);
}

/* The register's CSV read back with its declared types from the hidden file. */
static eff_status read_back(sim_file *f, const eff_ctx *ctx, eff_table **t, eff_error *err)
{
    const sim_register *r = &sim_registers[f->reg];
    eff_csv_coltype types[SIM_MAX_COLS];
    for (int c = 0; c < r->n_cols; c++)
        types[c] = (eff_csv_coltype){r->cols[c], r->types[c]};
    eff_csv_options o = eff_csv_options_default();
    o.types = types, o.n_types = (size_t)r->n_cols, o.allow_empty = 1, o.delimiter = ',';
    eff_status st = eff_csv_read(f->csv_path, &o, ctx, t, NULL, err);
    unlink(f->csv_path);
    return st;
}

/* SAS or Stata: the CSV read back with the register's types, then written by ReadStat. */
static eff_status convert(sim_file *f, const eff_ctx *ctx, eff_error *err)
{
    eff_table *t = NULL;
    eff_status st = read_back(f, ctx, &t, err);
    if (st != EFF_OK)
        return st;
    eff_write_options wo = eff_write_options_default();
    wo.timestamp = SIM_FILE_TIMESTAMP; /* the same bytes from the same seed */
    st = eff_write_table(t, f->path, &wo, ctx, err);
    eff_table_free(t);
    return st;
}

eff_status sim_file_close(sim_file *f, const eff_ctx *ctx, eff_sim_summary *s, eff_error *err)
{
    if (f->tables)
        return keep_in_memory(f, err);
    eff_atomic *a = f->out;
    f->out = NULL;
    if (f->format == EFF_SIM_CSV)
        return sim_file_commit(a, f->path, s, err);
    eff_status st = eff_atomic_commit(a, err);
    if (st == EFF_OK)
        st = convert(f, ctx, err);
    if (st != EFF_OK)
        return st;
    eff_sim_summary tmp = {0};
    /* sim_file_commit counts a committed file; a converted one is counted by size here. */
    FILE *fp = fopen(f->path, "rb");
    if (fp) {
        fseek(fp, 0, SEEK_END);
        tmp.bytes = (uint64_t)ftell(fp);
        fclose(fp);
    }
    s->bytes += tmp.bytes;
    s->files++;
    return EFF_OK;
}

void sim_file_abort(sim_file *f)
{
    sim_buf_free(&f->mem);
    if (f->out)
        eff_atomic_abort(f->out);
    f->out = NULL;
    if (f->csv_path[0])
        unlink(f->csv_path);
}
