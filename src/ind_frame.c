/* ind_frame.c - one year of the registers for the indicators (ind_internal.h): the persons of
 * the population register (bef) with their age and area type, and every column an indicator
 * of that year names, found by name in whichever register of the year holds it (bef, udda,
 * bfl, fravaer, ras, ind; the first that has it) and joined to bef by person id. Only the
 * columns asked for are read. A register file that does not exist is passed over, unless a
 * needed column is then found nowhere: that is reported against the config line naming it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ind_internal.h"
#include "mem.h"
#include "regfile.h"

const eff_cfg_file ind_sources[IND_N_SOURCES] = {EFF_FILE_BEF, EFF_FILE_UDDA, EFF_FILE_BFL,
                                                 EFF_FILE_FRAVAER, EFF_FILE_RAS, EFF_FILE_IND};

long ind_frame_col(const ind_frame *f, const char *name)
{
    for (size_t k = 0; k < f->n_cols; k++)
        if (strcasecmp(f->cols[k].name, name) == 0)
            return (long)k;
    return -1;
}

static eff_status want(ind_frame *f, const char *name, long line, eff_error *err)
{
    if (!name || ind_frame_col(f, name) >= 0)
        return EFF_OK;
    if (f->n_cols == 64)
        return eff_error_set(err, EFF_EINVAL, f->c->path, line, 0,
                             "the indicators of %d name more than 64 columns", f->year);
    ind_col *cols = eff_reallocarray(f->cols, f->n_cols + 1, sizeof *cols);
    if (!cols)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    f->cols = cols;
    cols[f->n_cols++] = (ind_col){.name = name, .line = line, .file = -1};
    return EFF_OK;
}

static eff_status want_cond(ind_frame *f, const eff_cfg_cond *cond, eff_error *err)
{
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < cond->n; k++)
        st = want(f, cond->terms[k].column, cond->line, err);
    return st;
}

/* The columns the year's indicators name (the rate's event filter is on the events file). */
static eff_status collect(ind_frame *f, eff_error *err)
{
    const eff_config *c = f->c;
    eff_status st = want(f, c->columns[EFF_COL_SEX], c->column_lines[EFF_COL_SEX], err);
    for (size_t k = 0; st == EFF_OK && k < c->n_indicators; k++) {
        const eff_cfg_indicator *d = &c->indicators[k];
        /* the years before the first too, where poverty over several years is read: without
         * its income column there, ind_poverty read column -1 */
        if (f->year < ind_lead_year(d) || f->year > d->year_last)
            continue;
        st = want_cond(f, &d->filter, err);
        if (st == EFF_OK && d->measure == EFF_IND_SHARE)
            st = want_cond(f, &d->condition, err);
        if (st == EFF_OK) st = want(f, d->value, d->value_line, err);
        if (st == EFF_OK) st = want(f, d->wealth, d->line, err);
        for (size_t j = 0; st == EFF_OK && j < d->n_subgroups; j++)
            st = want(f, d->subgroups[j], d->subgroups_line, err);
        if (st == EFF_OK && d->measure == EFF_IND_DEBUT_AGE)
            st = want(f, c->columns[EFF_COL_BIRTH_DATE], c->column_lines[EFF_COL_BIRTH_DATE], err);
        if (st == EFF_OK && d->measure == EFF_IND_PERSISTENCE) /* the status, that year */
            st = want_cond(f, &d->base->condition, err);
        if (st == EFF_OK && d->measure == EFF_IND_POVERTY &&
            (d->scale != EFF_SCALE_COLUMN || d->exclude_students))
            st = want(f, c->columns[EFF_COL_FAMILY], c->column_lines[EFF_COL_FAMILY], err);
        if (st == EFF_OK && d->measure == EFF_IND_POVERTY && d->exclude_students)
            st = want(f, c->columns[EFF_COL_ENROLLED], c->column_lines[EFF_COL_ENROLLED], err);
    }
    return st;
}

static int has_column(const eff_table *header, const char *name)
{
    return eff_table_find(header, name) >= 0;
}

/* Which register holds each wanted column; `tried` lists the files looked in. */
static eff_status resolve(ind_frame *f, const eff_ctx *ctx, eff_error *err)
{
    char tried[1024] = "";
    for (size_t s = 0; s < IND_N_SOURCES; s++) {
        char path[4096];
        eff_status st = eff_config_path(f->c, ind_sources[s], f->year, path, sizeof path, err);
        if (st != EFF_OK)
            return st;
        eff_read_options o = eff_read_options_default();
        o.header_only = 1;
        eff_table *header = NULL;
        eff_error ignored;
        st = eff_read_table(path, &o, ctx, &header, ind_sources[s] == EFF_FILE_BEF ? err : &ignored);
        if (st == EFF_EIO && ind_sources[s] != EFF_FILE_BEF)
            continue; /* no such register this year: fine unless a column is then missing */
        if (st != EFF_OK) {
            if (ind_sources[s] == EFF_FILE_BEF)
                eff_config_blame_file(f->c, EFF_FILE_BEF, err);
            return st;
        }
        const char *base = strrchr(path, '/');
        size_t len = strlen(tried);
        if (len + strlen(path) + 3 < sizeof tried)
            snprintf(tried + len, sizeof tried - len, "%s%.200s", len ? ", " : "",
                     base ? base + 1 : path);
        for (size_t k = 0; k < f->n_cols; k++)
            if (f->cols[k].file < 0 && has_column(header, f->cols[k].name))
                f->cols[k].file = (int)ind_sources[s];
        eff_table_free(header);
    }
    for (size_t k = 0; k < f->n_cols; k++)
        if (f->cols[k].file < 0)
            return eff_error_set(err, EFF_EINVAL, f->c->path, f->cols[k].line, 0,
                                 "unknown column '%s': no register of %d has it (looked in %s)",
                                 f->cols[k].name, f->year, tried);
    return EFF_OK;
}

eff_status ind_read(const ind_frame *f, eff_cfg_file file, const char *const *names, size_t n,
                    const eff_ctx *ctx, eff_table **t, eff_error *err)
{
    char path[4096];
    eff_status st = eff_config_path(f->c, file, f->year, path, sizeof path, err);
    if (st != EFF_OK)
        return st;
    eff_read_options o = eff_read_options_default();
    o.columns = names, o.n_columns = n;
    if (f->pnr && file != EFF_FILE_KRIM) { /* only bef's persons, coded as bef codes them */
        o.id_column = names[0], o.id_set = f->pnr, o.id_sorted = f->sorted, o.id_codes = 1;
        o.id_set_hint = 1;
    }
    if (file == EFF_FILE_BEF)
        o.unique_column = names[0]; /* a person once */
    eff_csv_coltype id_type = {names[0], EFF_TYPE_STR}; /* ids are text: leading zeros count */
    o.csv.types = &id_type, o.csv.n_types = 1;
    o.csv.allow_empty = 1;
    st = eff_read_table(path, &o, ctx, t, err);
    if (st != EFF_OK)
        eff_config_blame_file(f->c, file, err);
    long id = st == EFF_OK ? eff_table_find(*t, names[0]) : 0;
    if (st == EFF_OK && (id < 0 || eff_table_col_type(*t, (size_t)id) != EFF_TYPE_STR))
        st = eff_error_set(err, EFF_EINVAL, path, 0, 0, "the id column %s is not text", names[0]);
    if (st != EFF_OK)
        eff_table_free(*t), *t = NULL;
    return st;
}

eff_status ind_find_cols(const eff_table *t, const char *const *names, size_t n, size_t *at,
                         eff_error *err)
{
    for (size_t k = 0; k < n; k++) {
        long j = eff_table_find(t, names[k]);
        if (j < 0)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0, "no column %s",
                                 names[k]);
        at[k] = (size_t)j;
    }
    return EFF_OK;
}

eff_status ind_map_rows(const ind_frame *f, const eff_table *t, size_t pnr_col, int32_t **rows,
                        eff_error *err)
{
    const eff_dict *d = eff_table_dict(t, pnr_col);
    const int32_t *codes = eff_table_codes(t, pnr_col);
    size_t n = eff_table_n_rows(t), nd = eff_dict_size(d);
    int32_t *map = ind_alloc(nd, sizeof *map);
    *rows = ind_alloc(n, sizeof **rows);
    if (!map || !*rows) {
        eff_free(map), eff_free(*rows), *rows = NULL;
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int shared = d == f->pnr; /* in-memory registers share one dictionary */
    for (size_t k = 0; k < nd; k++) {
        int32_t code = shared ? (int32_t)k
                              : eff_dict_find(f->pnr, eff_dict_str(d, (int32_t)k),
                                              eff_dict_len(d, (int32_t)k));
        map[k] = code >= 0 && (size_t)code < f->n_codes ? f->row_of[code] : -1;
    }
    for (size_t r = 0; r < n; r++)
        (*rows)[r] = codes[r] >= 0 ? map[codes[r]] : -1;
    eff_free(map);
    return EFF_OK;
}

double ind_number_at(const eff_table *t, size_t col, size_t r)
{
    if (eff_table_is_na(t, col, r))
        return NAN;
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64: return (double)eff_table_i64(t, col)[r];
    case EFF_TYPE_F64: return eff_table_f64(t, col)[r];
    default: return (double)eff_table_date(t, col)[r];
    }
}

void *ind_alloc(size_t n, size_t size)
{
    void *p = eff_mallocarray(n + 1, size);
    if (p)
        eff_mem_prefault(p, (n + 1) * size); /* millions of rows: huge pages, faulted at once */
    return p;
}

eff_status ind_col_fill(ind_col *k, size_t n_out, const eff_table *t, size_t col,
                        const int32_t *rows, eff_error *err)
{
    size_t n = eff_table_n_rows(t);
    k->is_text = eff_table_col_type(t, col) == EFF_TYPE_STR;
    if (k->is_text) {
        k->code = ind_alloc(n_out, sizeof *k->code);
        k->dict = eff_dict_retain((eff_dict *)eff_table_dict(t, col));
    } else {
        k->num = ind_alloc(n_out, sizeof *k->num);
    }
    if (!k->code && !k->num)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n_out; i++)
        k->is_text ? (void)(k->code[i] = -1) : (void)(k->num[i] = NAN);
    const int32_t *codes = k->is_text ? eff_table_codes(t, col) : NULL;
    for (size_t r = 0; r < n; r++) {
        int32_t i = rows ? rows[r] : (int32_t)r;
        if (i < 0)
            continue;
        if (k->is_text)
            k->code[i] = codes[r] >= 0 ? codes[r] : -1;
        else
            k->num[i] = ind_number_at(t, col, r);
    }
    return EFF_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Udsat estates: plan_2011_14 = 1 in the estates file. Sorted ids into *ids. */
static eff_status udsat_estates(const ind_frame *f, const eff_ctx *ctx, double **ids, size_t *n,
                                eff_error *err)
{
    const eff_config *c = f->c;
    const char *names[2] = {c->columns[EFF_COL_ESTATE_ID], c->columns[EFF_COL_PLAN_2011_14]};
    char path[4096];
    eff_status st = eff_config_path(c, EFF_FILE_ESTATES, 0, path, sizeof path, err);
    eff_read_options o = eff_read_options_default();
    o.columns = names, o.n_columns = 2;
    eff_table *t = NULL;
    if (st == EFF_OK && (st = eff_read_table(path, &o, ctx, &t, err)) != EFF_OK)
        eff_config_blame_file(c, EFF_FILE_ESTATES, err);
    size_t at[2] = {0, 1};
    if (st == EFF_OK) st = ind_find_cols(t, names, 2, at, err);
    size_t rows = st == EFF_OK ? eff_table_n_rows(t) : 0;
    *ids = st == EFF_OK ? eff_mallocarray(rows + 1, sizeof **ids) : NULL;
    if (st == EFF_OK && !*ids)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    *n = 0;
    for (size_t r = 0; st == EFF_OK && r < rows; r++) {
        if (eff_table_col_type(t, at[0]) == EFF_TYPE_STR ||
            eff_table_col_type(t, at[1]) == EFF_TYPE_STR) {
            st = eff_error_set(err, EFF_EINVAL, path, 0, 0, "%s and %s must be numbers",
                               names[0], names[1]);
            break;
        }
        if (ind_number_at(t, at[1], r) == 1)
            (*ids)[(*n)++] = ind_number_at(t, at[0], r);
    }
    eff_table_free(t);
    if (st == EFF_OK)
        qsort(*ids, *n, sizeof **ids, cmp_double);
    return st;
}

/* bef's id codes in byte order, for the merge of the other registers: the codes as they
 * come when bef is sorted by id (a register usually is: then no sorting), else sorted. */
static eff_status sort_codes(ind_frame *f, const eff_table *t, size_t col, eff_error *err)
{
    const int32_t *codes = eff_table_codes(t, col);
    f->sorted = ind_alloc(f->n_codes, sizeof *f->sorted);
    if (!f->sorted)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    int in_order = f->n == f->n_codes;
    for (size_t r = 0; in_order && r < f->n; r++) {
        in_order = codes[r] == (int32_t)r;
        if (in_order && r > 0) {
            int32_t x = (int32_t)r - 1, y = (int32_t)r;
            size_t la = eff_dict_len(f->pnr, x), lb = eff_dict_len(f->pnr, y);
            int c = memcmp(eff_dict_str(f->pnr, x), eff_dict_str(f->pnr, y), la < lb ? la : lb);
            in_order = c < 0 || (c == 0 && la < lb);
        }
    }
    if (in_order) {
        for (size_t k = 0; k < f->n_codes; k++)
            f->sorted[k] = (int32_t)k;
        return EFF_OK;
    }
    int32_t *rank = NULL;
    eff_status st = eff_dict_ranks(f->pnr, &rank, err);
    for (size_t k = 0; st == EFF_OK && k < f->n_codes; k++)
        f->sorted[rank[k]] = (int32_t)k;
    eff_free(rank);
    return st;
}

/* bef: the persons, their age and area; the bef columns wanted. */
static eff_status load_bef(ind_frame *f, const eff_ctx *ctx, eff_error *err)
{
    const eff_config *c = f->c;
    const char *names[3 + 64] = {c->columns[EFF_COL_PNR], c->columns[EFF_COL_AGE],
                                 c->columns[EFF_COL_ESTATE]};
    size_t n = 3, from[64]; /* the bef column each wanted bef column is filled from */
    for (size_t k = 0; k < f->n_cols && n < 67; k++) {
        if (f->cols[k].file != EFF_FILE_BEF)
            continue;
        size_t j = 0;
        while (j < n && strcasecmp(names[j], f->cols[k].name) != 0)
            j++;
        if (j == n)
            names[n++] = f->cols[k].name;
        from[k < 64 ? k : 63] = j;
    }
    eff_table *t = NULL;
    double *udsat = NULL;
    size_t n_udsat = 0;
    size_t at[67]; /* where each name is in the table read */
    eff_status st = ind_read(f, EFF_FILE_BEF, names, n, ctx, &t, err);
    if (st == EFF_OK) st = ind_find_cols(t, names, n, at, err);
    if (st == EFF_OK && (eff_table_col_type(t, at[1]) == EFF_TYPE_STR ||
                         eff_table_col_type(t, at[2]) == EFF_TYPE_STR))
        st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                           "%s and %s must be numbers", names[1], names[2]);
    if (st == EFF_OK) st = udsat_estates(f, ctx, &udsat, &n_udsat, err);
    if (st == EFF_OK) {
        f->n = eff_table_n_rows(t);
        f->pnr = eff_dict_retain((eff_dict *)eff_table_dict(t, at[0]));
        f->n_codes = eff_dict_size(f->pnr);
        f->row_of = ind_alloc(f->n_codes, sizeof *f->row_of);
        f->pnr_code = ind_alloc(f->n, sizeof *f->pnr_code);
        f->age = ind_alloc(f->n, sizeof *f->age);
        f->area = ind_alloc(f->n, sizeof *f->area);
        if (!f->row_of || !f->pnr_code || !f->age || !f->area)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == EFF_OK) {
        const int32_t *codes = eff_table_codes(t, at[0]);
        for (size_t k = 0; k < f->n_codes; k++)
            f->row_of[k] = -1;
        st = sort_codes(f, t, at[0], err);
        for (size_t r = 0; st == EFF_OK && r < f->n; r++) {
            if (codes[r] < 0) {
                st = eff_error_set(err, EFF_EPARSE, eff_table_source(t), (long)r + 2, 0,
                                   "a person without an id (%s)", names[0]);
                break;
            }
            f->pnr_code[r] = codes[r];
            if (f->row_of[codes[r]] < 0)
                f->row_of[codes[r]] = (int32_t)r;
            double age = ind_number_at(t, at[1], r), estate = ind_number_at(t, at[2], r);
            f->age[r] = isnan(age) || age < 0 || age > 200 ? -1 : (int16_t)age;
            f->area[r] = isnan(estate) ? IND_OEVRIG
                         : bsearch(&estate, udsat, n_udsat, sizeof *udsat, cmp_double)
                             ? IND_UDSAT : IND_ALMEN;
        }
    }
    for (size_t k = 0; st == EFF_OK && k < f->n_cols && k < 64; k++)
        if (f->cols[k].file == EFF_FILE_BEF)
            st = ind_col_fill(&f->cols[k], f->n, t, at[from[k]], NULL, err);
    eff_free(udsat);
    eff_table_free(t);
    return st;
}

static eff_status load_other(ind_frame *f, eff_cfg_file file, const eff_ctx *ctx,
                             eff_error *err)
{
    const char *names[65] = {f->c->columns[EFF_COL_PNR]};
    size_t n = 1;
    for (size_t k = 0; k < f->n_cols && n < 65; k++)
        if (f->cols[k].file == (int)file)
            names[n++] = f->cols[k].name;
    if (n == 1)
        return EFF_OK;
    eff_table *t = NULL;
    int32_t *rows = NULL;
    size_t at[65];
    eff_status st = ind_read(f, file, names, n, ctx, &t, err);
    if (st == EFF_OK) st = ind_find_cols(t, names, n, at, err);
    if (st == EFF_OK) st = ind_map_rows(f, t, at[0], &rows, err);
    for (size_t j = 1; st == EFF_OK && j < n; j++)
        st = ind_col_fill(&f->cols[ind_frame_col(f, names[j])], f->n, t, at[j], rows, err);
    eff_free(rows);
    eff_table_free(t);
    return st;
}

eff_status ind_frame_load(const eff_config *c, int year, const eff_ctx *ctx, ind_frame *f,
                          eff_error *err)
{
    *f = (ind_frame){.c = c, .year = year};
    eff_status st = collect(f, err);
    if (st == EFF_OK) st = resolve(f, ctx, err);
    if (st == EFF_OK) st = load_bef(f, ctx, err);
    for (size_t s = 1; st == EFF_OK && s < IND_N_SOURCES; s++)
        st = load_other(f, ind_sources[s], ctx, err);
    return st;
}

void ind_col_free(ind_col *k)
{
    eff_free(k->num);
    eff_free(k->code);
    eff_dict_release(k->dict);
    k->num = NULL, k->code = NULL, k->dict = NULL;
}

void ind_frame_free(ind_frame *f)
{
    for (size_t k = 0; k < f->n_cols; k++)
        ind_col_free(&f->cols[k]);
    eff_free(f->cols);
    eff_free(f->age);
    eff_free(f->area);
    eff_free(f->row_of);
    eff_free(f->pnr_code);
    eff_free(f->sorted);
    eff_dict_release(f->pnr);
    *f = (ind_frame){0};
}
