/* sim_sink.c - the register files of Synthetic Denmark: their names and columns (one table,
 * documented in docs/registers.md), the byte buffers rows are formatted into, and the files
 * the buffers go to.
 *
 * Every format starts as CSV text: rows are formatted once, with fixed decimals, into a
 * buffer per register and block of persons, and the blocks are written in pnr order. For SAS
 * and Stata the year's CSV goes to a hidden temporary file that is read back (with the
 * register's declared types) and written through ReadStat; so every format holds the same
 * values, rounded the same way. Owns its buffers and open files. */
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
    *b = (sim_buf){0};
}

static void sep(sim_buf *b)
{
    if (b->col++)
        b->data[b->len++] = ',';
}

void sim_put_str(sim_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (sim_buf_reserve(b, n + 2) != 0)
        return;
    sep(b);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void sim_put_int(sim_buf *b, long long v)
{
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
    if (decimals == 0) {
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
    if (sim_buf_reserve(b, 2) == 0)
        sep(b);
}

void sim_end_row(sim_buf *b)
{
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

eff_status sim_file_open(sim_file *f, const char *dir, int reg, int year, eff_sim_format format,
                         eff_error *err)
{
    memset(f, 0, sizeof *f);
    f->reg = reg, f->format = format;
    const char *name = sim_registers[reg].name;
    if ((size_t)snprintf(f->path, sizeof f->path, "%s/%s%d.%s", dir, name, year,
                         ext_of(format)) >= sizeof f->path)
        return eff_error_set(err, EFF_EINVAL, dir, 0, 0, "the output path is too long");
    char *csv = f->path;
    if (format != EFF_SIM_CSV) {
        snprintf(f->csv_path, sizeof f->csv_path, "%s/.%s%d.tmp.csv", dir, name, year);
        csv = f->csv_path;
    }
    eff_status st = eff_atomic_open(csv, &f->out, err);
    if (st != EFF_OK)
        return st;
    sim_buf header = {0};
    for (int c = 0; c < sim_registers[reg].n_cols; c++)
        sim_put_str(&header, sim_registers[reg].cols[c]);
    sim_end_row(&header);
    st = header.failed ? eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory")
                       : eff_atomic_write(f->out, header.data, header.len, err);
    sim_buf_free(&header);
    return st;
}

eff_status sim_file_write(sim_file *f, sim_buf *b, eff_error *err)
{
    if (b->failed)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = b->len ? eff_atomic_write(f->out, b->data, b->len, err) : EFF_OK;
    b->len = 0, b->col = 0;
    return st;
}

/* SAS or Stata: the CSV read back with the register's types, then written by ReadStat. */
static eff_status convert(sim_file *f, const eff_ctx *ctx, eff_error *err)
{
    const sim_register *r = &sim_registers[f->reg];
    eff_csv_coltype types[SIM_MAX_COLS];
    for (int c = 0; c < r->n_cols; c++)
        types[c] = (eff_csv_coltype){r->cols[c], r->types[c]};
    eff_csv_options o = eff_csv_options_default();
    o.types = types, o.n_types = (size_t)r->n_cols, o.allow_empty = 1, o.delimiter = ',';
    eff_table *t = NULL;
    eff_status st = eff_csv_read(f->csv_path, &o, ctx, &t, NULL, err);
    unlink(f->csv_path);
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
    if (f->out)
        eff_atomic_abort(f->out);
    f->out = NULL;
    if (f->csv_path[0])
        unlink(f->csv_path);
}
