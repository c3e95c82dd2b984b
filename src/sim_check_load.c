/* sim_check_load.c - reads a Synthetic Denmark year back by person for the calibration
 * report: bef gives the rows (and must be sorted by PNR), the other registers are merged in
 * by PNR. Any format eff_read_table reads. Owns the arrays of a year_data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "regfile.h"
#include "sim_check_internal.h"

/* ---- reading ---- */

uint64_t sim_check_id(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_is_na(t, col, row))
        return 0;
    if (eff_table_col_type(t, col) == EFF_TYPE_STR)
        return strtoull(eff_table_str(t, col, row), NULL, 10);
    if (eff_table_col_type(t, col) == EFF_TYPE_I64)
        return eff_table_i64(t, col)[row] > 0 ? (uint64_t)eff_table_i64(t, col)[row] : 0;
    double v = eff_table_f64(t, col)[row];
    return v > 0 && v < 1.8e19 ? (uint64_t)v : 0;
}

double sim_check_num(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_is_na(t, col, row))
        return NAN;
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64: return (double)eff_table_i64(t, col)[row];
    case EFF_TYPE_F64: return eff_table_f64(t, col)[row];
    case EFF_TYPE_DATE: return eff_table_date(t, col)[row];
    default: return strtod(eff_table_str(t, col, row), NULL);
    }
}

const char *sim_check_str(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_is_na(t, col, row))
        return "";
    if (eff_table_col_type(t, col) == EFF_TYPE_STR)
        return eff_table_str(t, col, row);
    return "";
}

eff_status sim_check_read(const eff_sim_checker *c, const char *name, int year, eff_table **t,
                           eff_error *err)
{
    char path[4200];
    if (year)
        snprintf(path, sizeof path, "%s/%s%d.%s", c->dir, name, year, c->ext);
    else
        snprintf(path, sizeof path, "%s/%s.csv", c->dir, name);
    eff_read_options o = eff_read_options_default();
    return eff_read_table(path, &o, NULL, t, err);
}

/* The bef row of a pnr (files are sorted by pnr: checked on load), or -1. */
long sim_check_row(const year_data *y, uint64_t pnr)
{
    size_t lo = 0, hi = y->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (y->pnr[mid] == pnr)
            return (long)mid;
        if (y->pnr[mid] < pnr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

#define ALLOC(field) (int)((y->field = eff_calloc(n ? n : 1, sizeof *y->field)) == NULL)

static int alloc_year(year_data *y, size_t n)
{
    y->n = n;
    int bad = ALLOC(pnr) | ALLOC(alder) | ALLOC(birth) | ALLOC(udd) | ALLOC(nkids) |
              ALLOC(klasse) | ALLOC(mother) | ALLOC(father) | ALLOC(cluster) | ALLOC(sex) | ALLOC(origin) |
              ALLOC(area) | ALLOC(cph) | ALLOC(single) | ALLOC(enrolled) | ALLOC(voc) |
              ALLOC(beskst) | ALLOC(exam) | ALLOC(hours) | ALLOC(absence) | ALLOC(eqinc) |
              ALLOC(mistanke) | ALLOC(sigtelse);
    for (size_t i = 0; !bad && i < n; i++) {
        y->absence[i] = y->eqinc[i] = NAN;
        y->klasse[i] = -1, y->exam[i] = -1, y->voc[i] = -1;
    }
    return bad;
}
#undef ALLOC

void sim_check_year_free(year_data *y)
{
    void *fields[] = {y->pnr, y->alder, y->birth, y->udd, y->nkids, y->klasse, y->mother, y->cluster,
                      y->father, y->sex, y->origin, y->area, y->cph, y->single, y->enrolled,
                      y->voc, y->beskst, y->exam, y->hours, y->absence, y->eqinc, y->mistanke,
                      y->sigtelse};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        eff_free(fields[k]);
    memset(y, 0, sizeof *y);
}

static eff_status st_prefix(eff_error *err, const char *path)
{
    if (!err->path[0])
        snprintf(err->path, sizeof err->path, "%.255s", path);
    return err->status;
}

eff_status sim_check_col(const eff_table *t, const char *name, size_t *col, eff_error *err)
{
    return eff_table_col(t, name, col, err);
}

int sim_check_code(const char *s, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0)
            return k;
    return -1;
}

const char *const sim_check_area_names[AREA_N] = {"udsat", "almen", "oevrig"};
const char *const sim_check_origin_names[ORIG_N] = {"dansk", "vestlig", "ikke_vestlig"};

static eff_status load_bef(year_data *y, const eff_table *t, const char *path, eff_error *err)
{
    static const char *const cols[] = {"PNR", "KOEN", "FOED_DAG", "ALDER", "herkomst",
                                       "hovedstad", "FAMILIE_TYPE", "ANTBOERNF", "MOR_ID",
                                       "FAR_ID", "omraadetype", "afdeling", "KOM"};
    size_t c[13];
    for (int k = 0; k < 13; k++)
        if (sim_check_col(t, cols[k], &c[k], err) != EFF_OK)
            return st_prefix(err, path);
    size_t n = eff_table_n_rows(t);
    if (alloc_year(y, n))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        y->pnr[i] = sim_check_id(t, c[0], i);
        if (i > 0 && y->pnr[i] <= y->pnr[i - 1])
            return eff_error_set(err, EFF_EPARSE, path, (long)i + 2, 1,
                                 "the file is not sorted by PNR (or a PNR repeats)");
        y->sex[i] = strcmp(sim_check_str(t, c[1], i), "K") == 0;
        double birth = sim_check_num(t, c[2], i), alder = sim_check_num(t, c[3], i);
        if (!(fabs(birth) < 1e6) || !(alder >= 0 && alder < 200))
            return eff_error_set(err, EFF_EPARSE, path, (long)i + 2, (long)(fabs(birth) < 1e6 ? c[3] : c[2]) + 1,
                                 "FOED_DAG or ALDER is missing or out of range");
        y->birth[i] = (int32_t)birth;
        y->alder[i] = (int32_t)alder;
        y->origin[i] = (int8_t)sim_check_code(sim_check_str(t, c[4], i), sim_check_origin_names, ORIG_N);
        y->cph[i] = sim_check_num(t, c[5], i) == 1;
        y->single[i] = sim_check_num(t, c[6], i) == 2;
        double kids = sim_check_num(t, c[7], i);
        y->nkids[i] = kids >= 0 && kids < 100 ? (int32_t)kids : 0;
        y->area[i] = (int8_t)sim_check_code(sim_check_str(t, c[10], i), sim_check_area_names, AREA_N);
        double estate = sim_check_num(t, c[11], i), kom = sim_check_num(t, c[12], i);
        y->cluster[i] = !isnan(estate) && estate >= 0 && estate < SIM_CHECK_KOM ? (int32_t)estate
                        : !isnan(kom) && kom >= 0 && kom < 1000 ? SIM_CHECK_KOM + (int32_t)kom
                                                                 : 0;
    }
    /* Parents as rows of the same year (-1: unknown or not present). */
    for (size_t i = 0; i < n; i++) {
        uint64_t m = sim_check_id(t, c[8], i), f = sim_check_id(t, c[9], i);
        y->mother[i] = m ? (int32_t)sim_check_row(y, m) : -1;
        y->father[i] = f ? (int32_t)sim_check_row(y, f) : -1;
    }
    return EFF_OK;
}

/* Calls fn for each row of a register with its bef row. */
typedef void (*row_fn)(year_data *y, long row, const eff_table *t, const size_t *c, size_t r);

static eff_status merge(const eff_sim_checker *ck, year_data *y, const char *name, int year,
                        const char *const *cols, int n_cols, row_fn fn, eff_error *err)
{
    eff_table *t = NULL;
    eff_status st = sim_check_read(ck, name, year, &t, err);
    size_t c[8];
    for (int k = 0; st == EFF_OK && k < n_cols; k++)
        st = sim_check_col(t, cols[k], &c[k], err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        long row = sim_check_row(y, sim_check_id(t, c[0], r));
        if (row >= 0)
            fn(y, row, t, c, r);
    }
    eff_table_free(t);
    return st;
}

static void on_udda(year_data *y, long i, const eff_table *t, const size_t *c, size_t r)
{
    double voc = sim_check_num(t, c[1], r), udd = sim_check_num(t, c[2], r);
    y->voc[i] = isnan(voc) ? -1 : voc == 1;
    y->udd[i] = udd >= 0 && udd < 1e6 ? (int32_t)udd : 0; /* missing: not enrolled */
    y->enrolled[i] = sim_check_num(t, c[3], r) == 1;
}
static void on_bfl(year_data *y, long i, const eff_table *t, const size_t *c, size_t r)
{
    y->hours[i] += sim_check_num(t, c[1], r);
}
static void on_absence(year_data *y, long i, const eff_table *t, const size_t *c, size_t r)
{
    double klasse = sim_check_num(t, c[1], r);
    y->klasse[i] = klasse >= 0 && klasse <= 20 ? (int32_t)klasse : -1;
    y->absence[i] = sim_check_num(t, c[2], r);
    double exam = sim_check_num(t, c[3], r);
    y->exam[i] = isnan(exam) ? -1 : exam == 1;
}
static void on_ras(year_data *y, long i, const eff_table *t, const size_t *c, size_t r)
{
    double status = sim_check_num(t, c[1], r);
    y->beskst[i] = status >= 0 && status < 100 ? (int8_t)status : 0;
}
static void on_ind(year_data *y, long i, const eff_table *t, const size_t *c, size_t r)
{
    y->eqinc[i] = sim_check_num(t, c[1], r);
}

/* Crime: a case on a date counts once (the file is sorted by pnr, then date). */
static eff_status load_crime(const eff_sim_checker *ck, year_data *y, int year, eff_error *err)
{
    eff_table *t = NULL;
    eff_status st = sim_check_read(ck, "krim", year, &t, err);
    size_t c[4];
    static const char *const cols[] = {"PNR", "SAGSNR", "GERNINGSDATO", "KATEGORI"};
    for (int k = 0; st == EFF_OK && k < 4; k++)
        st = sim_check_col(t, cols[k], &c[k], err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        long row = sim_check_row(y, sim_check_id(t, c[0], r));
        if (row < 0)
            continue;
        if (r > 0 && sim_check_id(t, c[0], r) == sim_check_id(t, c[0], r - 1) &&
            strcmp(sim_check_str(t, c[1], r), sim_check_str(t, c[1], r - 1)) == 0 &&
            sim_check_num(t, c[2], r) == sim_check_num(t, c[2], r - 1))
            continue;
        if (strcmp(sim_check_str(t, c[3], r), "mistanke") == 0)
            y->mistanke[row]++;
        else
            y->sigtelse[row]++;
    }
    eff_table_free(t);
    return st;
}

eff_status sim_check_year(eff_sim_checker *ck, int year, year_data **out, eff_error *err)
{
    year_data *y = &ck->years[year - CK_Y0];
    *out = y;
    if (y->loaded)
        return EFF_OK;
    eff_table *bef = NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/bef%d.%s", ck->dir, year, ck->ext);
    eff_status st = sim_check_read(ck, "bef", year, &bef, err);
    if (st == EFF_OK)
        st = load_bef(y, bef, path, err);
    eff_table_free(bef);
    static const char *const udda[] = {"PNR", "erhvkomp", "UDD", "i_uddannelse"};
    static const char *const bfl[] = {"PNR", "LOENTIMER"};
    static const char *const frav[] = {"PNR", "KLASSETRIN", "FRAVAER_PCT", "AFGANGSPROEVE"};
    static const char *const ras[] = {"PNR", "BESKST"};
    static const char *const ind[] = {"PNR", "FAMAEKVIVADISP"};
    if (st == EFF_OK)
        st = merge(ck, y, "udda", year, udda, 4, on_udda, err);
    if (st == EFF_OK)
        st = merge(ck, y, "bfl", year, bfl, 2, on_bfl, err);
    if (st == EFF_OK)
        st = merge(ck, y, "fravaer", year, frav, 4, on_absence, err);
    if (st == EFF_OK)
        st = merge(ck, y, "ras", year, ras, 2, on_ras, err);
    if (st == EFF_OK)
        st = merge(ck, y, "ind", year, ind, 2, on_ind, err);
    if (st == EFF_OK)
        st = load_crime(ck, y, year, err);
    if (st != EFF_OK)
        sim_check_year_free(y);
    else
        y->loaded = 1;
    return st;
}

