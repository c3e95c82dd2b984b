/* persons.c - the person-year store (persons.h). Each yearly file is read with only the
 * columns needed, its pnr dictionary mapped once onto the store's (a code map, not a hash per
 * row), and its rows written into records laid out person-major (records of one person are
 * adjacent: the evaluation walks a person's years). Parents are interned as persons when first
 * named, so a link never dangles. */
#include "persons.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "persons_internal.h"
#include "regfile.h"


eff_status persons_grow(eff_persons *p, size_t need, eff_error *err)
{
    if (need <= p->cap)
        return EFF_OK;
    size_t cap = p->cap ? p->cap : 1024;
    while (cap < need)
        cap *= 2;
    eff_py *rec = eff_reallocarray(p->rec, cap * (size_t)p->ny, sizeof *rec);
    if (!rec)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory (person records)");
    memset(rec + p->cap * (size_t)p->ny, 0, (cap - p->cap) * (size_t)p->ny * sizeof *rec);
    p->rec = rec;
    for (size_t k = 0; k < p->n_extra; k++) {
        int32_t *x = eff_reallocarray(p->extra[k], cap * (size_t)p->ny, sizeof *x);
        if (!x)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory (person records)");
        for (size_t i = p->cap * (size_t)p->ny; i < cap * (size_t)p->ny; i++)
            x[i] = -1;
        p->extra[k] = x;
    }
    p->cap = cap;
    return EFF_OK;
}

/* Store numbers of a table's text id column (-1 for an id the store does not keep). */
/* The person number of each code of the id column's dictionary (-1: not kept), borrowed
 * from the cache until four more dictionaries have been mapped: a fill maps at most three. */
static eff_status map_ids(eff_persons *p, const eff_table *t, size_t col, const int32_t **map,
                          eff_error *err)
{
    const eff_dict *d = eff_table_dict(t, col);
    uint64_t serial = eff_dict_serial(d);
    size_t n = eff_dict_size(d), oldest = 0;
    for (size_t k = 0; k < 4; k++) {
        struct id_map *m = &p->id_maps[k];
        if (m->serial == serial && m->size == n) {
            m->used = ++p->id_map_clock;
            *map = m->map;
            return EFF_OK;
        }
        if (m->used < p->id_maps[oldest].used)
            oldest = k;
    }
    struct id_map *m = &p->id_maps[oldest];
    int32_t *fresh = eff_mallocarray(n ? n : 1, sizeof *fresh);
    if (!fresh)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < n; c++) /* lookups only: the scan decided who is kept */
        fresh[c] = eff_dict_find(p->ids, eff_dict_str(d, (int32_t)c),
                                 eff_dict_len(d, (int32_t)c));
    eff_free(m->map);
    *m = (struct id_map){serial, n, fresh, ++p->id_map_clock};
    *map = fresh;
    return EFF_OK;
}

void persons_drop_id_maps(eff_persons *p)
{
    for (size_t k = 0; k < 4; k++) {
        eff_free(p->id_maps[k].map);
        p->id_maps[k] = (struct id_map){0};
    }
}

/* Rewrites "no column \"X\"" from a reader into an error at the config line naming X. */
static void blame_config(const eff_config *c, const char *path, eff_error *err)
{
    const char *at = strstr(err->msg, "no column \"");
    if (err->status != EFF_EINVAL || !at)
        return;
    char name[128];
    if (sscanf(at + 11, "%127[^\"]", name) != 1)
        return;
    for (int k = 0; k < EFF_COL_N; k++)
        if (strcasecmp(c->columns[k], name) == 0) {
            char file[200];
            snprintf(file, sizeof file, "%.199s", path);
            eff_error_set(err, EFF_EINVAL, c->path, c->column_lines[k], 0,
                          "column \"%s\" (%s = %s%s) is not in %s", name, eff_cfg_col_key[k],
                          name, c->column_lines[k] ? "" : ", the default", file);
            return;
        }
}

eff_status persons_note_input(eff_persons *p, const char *path, eff_error *err)
{
    char **v = eff_reallocarray(p->inputs, p->n_inputs + 1, sizeof *v);
    if (!v)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    p->inputs = v;
    if (!(v[p->n_inputs] = eff_strdup(path)))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    p->n_inputs++;
    return EFF_OK;
}

eff_status persons_read_file(eff_persons *p, const eff_config *c, eff_cfg_file f, int year,
                             const char *const *cols, size_t n_cols, const eff_dict *keep,
                             const char *require, const eff_ctx *ctx, eff_table **t,
                             eff_error *err)
{
    char path[4096];
    eff_status st = eff_config_path(c, f, year, path, sizeof path, err);
    if (st != EFF_OK)
        return st;
    eff_read_options opt = eff_read_options_default();
    opt.columns = cols;
    opt.n_columns = n_cols;
    opt.id_column = keep ? c->columns[EFF_COL_PNR] : NULL;
    opt.id_set = keep;
    opt.id_sorted = keep ? p->sorted_ids : NULL;
    opt.require_column = require;
    opt.id_set_hint = keep != NULL; /* the fills pass over persons not kept */
    /* person ids are text even when every one is digits (leading zeros matter) */
    static const eff_cfg_col id_cols[] = {EFF_COL_PNR, EFF_COL_MOTHER, EFF_COL_FATHER,
                                          EFF_COL_PART_PNR};
    eff_csv_coltype types[4];
    size_t n_types = 0;
    for (size_t k = 0; k < n_cols && n_types < 4; k++)
        for (size_t j = 0; j < 4; j++)
            if (strcasecmp(cols[k], c->columns[id_cols[j]]) == 0) {
                types[n_types++] = (eff_csv_coltype){cols[k], EFF_TYPE_STR};
                break;
            }
    opt.csv.types = types;
    opt.csv.n_types = n_types;
    opt.csv.allow_empty = 1;
    st = eff_read_table(path, &opt, ctx, t, err);
    if (st != EFF_OK) {
        blame_config(c, path, err);
        eff_config_blame_file(c, f, err);
    }
    return st;
}

/* A numeric cell as a double (NaN when missing). The column was checked to be numeric. */
static double num(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_col_type(t, col) == EFF_TYPE_I64) {
        int64_t v = eff_table_i64(t, col)[row];
        return v == EFF_I64_NA ? NAN : (double)v;
    }
    return eff_table_f64(t, col)[row];
}

/* Finds the configured columns cols[0..n) in t, checking the kind of each: 'n' numeric, 's'
 * text, 'x' either. */
eff_status persons_find_cols(const eff_table *t, const char *const *cols, const char *kinds,
                            size_t n, size_t *idx, eff_error *err)
{
    for (size_t k = 0; k < n; k++) {
        eff_status st = eff_table_col(t, cols[k], &idx[k], err);
        if (st != EFF_OK)
            return st;
        eff_type ty = eff_table_col_type(t, idx[k]);
        int numeric = ty == EFF_TYPE_I64 || ty == EFF_TYPE_F64;
        if ((kinds[k] == 'n' && !numeric) || (kinds[k] == 's' && ty != EFF_TYPE_STR))
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                                 "column \"%s\" is %s; expected %s", cols[k], eff_type_name(ty),
                                 kinds[k] == 'n' ? "a number" : "text");
    }
    return EFF_OK;
}

/* KOEN as text (M/K) or as Statistics Denmark's code (1 man, 2 woman). */
static char sex_of(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_col_type(t, col) == EFF_TYPE_STR) {
        const char *s = eff_table_str(t, col, row);
        return !s ? 0 : (s[0] == 'M' || s[0] == 'm') ? 'M' : (s[0] == 'K' || s[0] == 'k') ? 'K'
                                                                                         : 0;
    }
    double v = num(t, col, row);
    return v == 1 ? 'M' : v == 2 ? 'K' : 0;
}

static int8_t origin_of(const char *s)
{
    if (!s) return -1;
    if (strcmp(s, "dansk") == 0) return EFF_ORIGIN_DANISH;
    if (strcmp(s, "vestlig") == 0) return EFF_ORIGIN_WESTERN;
    if (strcmp(s, "ikke_vestlig") == 0) return EFF_ORIGIN_NON_WESTERN;
    return -2;
}

static int is_control_estate(const eff_persons *p, int32_t estate)
{
    size_t lo = 0, hi = p->n_control_estates;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->estate_ids[mid] < estate) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->n_control_estates && p->estate_ids[lo] == estate;
}

static eff_status extra_codes(eff_persons *p, const eff_table *t, size_t col, size_t k,
                              size_t row, int32_t *code, eff_error *err)
{
    char buf[64];
    const char *s;
    if (eff_table_col_type(t, col) == EFF_TYPE_STR) {
        s = eff_table_str(t, col, row);
    } else {
        double v = num(t, col, row);
        snprintf(buf, sizeof buf, "%.15g", v);
        s = isnan(v) ? NULL : buf;
    }
    *code = -1;
    return s ? eff_dict_intern(p->extra_dict[k], s, strlen(s), code, err) : EFF_OK;
}


eff_status persons_fill_bef(eff_persons *p, const eff_config *c, const eff_table *t, int year,
                           eff_error *err)
{
    static const eff_cfg_col want[BEF_NCOL] = {
        EFF_COL_PNR, EFF_COL_SEX, EFF_COL_AGE, EFF_COL_ORIGIN, EFF_COL_CAPITAL,
        EFF_COL_FAMILY_TYPE, EFF_COL_CHILDREN, EFF_COL_MOTHER, EFF_COL_FATHER, EFF_COL_ESTATE};
    const char *names[BEF_NCOL + EFF_PERSONS_MAX_EXTRA];
    char kinds[BEF_NCOL + EFF_PERSONS_MAX_EXTRA + 1] = "sxnsnnnssn";
    for (size_t k = 0; k < BEF_NCOL; k++)
        names[k] = c->columns[want[k]];
    for (size_t k = 0; k < p->n_extra; k++)
        names[BEF_NCOL + k] = p->extra_name[k], kinds[BEF_NCOL + k] = 'x';
    size_t col[BEF_NCOL + EFF_PERSONS_MAX_EXTRA];
    eff_status st = persons_find_cols(t, names, kinds, BEF_NCOL + p->n_extra, col, err);
    const int32_t *id = NULL, *mother = NULL, *father = NULL;
    if (st == EFF_OK) st = map_ids(p, t, col[0], &id, err);
    if (st == EFF_OK) st = map_ids(p, t, col[7], &mother, err);
    if (st == EFF_OK) st = map_ids(p, t, col[8], &father, err);
    const int32_t *idc = st == EFF_OK ? eff_table_codes(t, col[0]) : NULL;
    const int32_t *mc = st == EFF_OK ? eff_table_codes(t, col[7]) : NULL;
    const int32_t *fc = st == EFF_OK ? eff_table_codes(t, col[8]) : NULL;
    size_t y = (size_t)(year - p->y0);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        if (idc[r] < 0 || id[idc[r]] < 0)
            continue;
        size_t at = (size_t)id[idc[r]] * (size_t)p->ny + y;
        eff_py *q = &p->rec[at];
        double age = num(t, col[2], r), fam = num(t, col[5], r), kids = num(t, col[6], r);
        double estate = num(t, col[9], r), cap = num(t, col[4], r);
        *q = (eff_py){.present = 1, .sex = sex_of(t, col[1], r),
                      .origin = origin_of(eff_table_str(t, col[3], r)),
                      .capital = cap == 1, .single_parent = fam == 2 && kids > 0,
                      .vocational = -1, .enrolled = -1, .school_level = -1,
                      .school_class = -1,
                      .age = isnan(age) ? -1 : (int16_t)age,
                      .estate = isnan(estate) ? -1 : (int32_t)estate,
                      .mother = mc[r] < 0 ? -1 : mother[mc[r]],
                      .father = fc[r] < 0 ? -1 : father[fc[r]], .absence = NAN};
        if (q->origin == -2) {
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2, 0,
                               "%s: expected dansk, vestlig or ikke_vestlig, got \"%s\"",
                               names[3], eff_table_str(t, col[3], r));
            break;
        }
        q->control_estate = q->estate >= 0 && is_control_estate(p, q->estate);
        for (size_t k = 0; st == EFF_OK && k < p->n_extra; k++)
            st = extra_codes(p, t, col[BEF_NCOL + k], k, r, &p->extra[k][at], err);
    }
    return st;
}

/* Whether a model uses the school class (a current covariate). */
int persons_needs_class(const eff_config *c)
{
    for (size_t k = 0; k < c->n_interventions; k++)
        for (size_t j = 0; j < c->interventions[k].n_current; j++)
            if (strcmp(c->interventions[k].current[j], "class") == 0)
                return 1;
    return 0;
}

/* udda, bfl or fravaer: rows of persons not in bef that year are ignored. */
eff_status persons_fill_other(eff_persons *p, const eff_config *c, eff_cfg_file f,
                             const eff_table *t, int year, eff_error *err)
{
    const char *names[4] = {c->columns[EFF_COL_PNR]};
    size_t n = 1;
    if (f == EFF_FILE_UDDA) {
        names[1] = c->columns[EFF_COL_VOCATIONAL], names[2] = c->columns[EFF_COL_ENROLLED];
        names[3] = c->columns[EFF_COL_EDUCATION], n = 4;
    } else {
        names[1] = c->columns[f == EFF_FILE_BFL ? EFF_COL_HOURS : EFF_COL_ABSENCE], n = 2;
        if (f == EFF_FILE_FRAVAER && persons_needs_class(c))
            names[2] = c->columns[EFF_COL_CLASS], n = 3;
    }
    size_t col[4];
    const int32_t *id = NULL;
    eff_status st = persons_find_cols(t, names, "snnn", n, col, err);
    if (st == EFF_OK) st = map_ids(p, t, col[0], &id, err);
    const int32_t *idc = st == EFF_OK ? eff_table_codes(t, col[0]) : NULL;
    size_t y = (size_t)(year - p->y0);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        if (idc[r] < 0 || id[idc[r]] < 0)
            continue;
        eff_py *q = &p->rec[(size_t)id[idc[r]] * (size_t)p->ny + y];
        if (!q->present)
            continue;
        double v = num(t, col[1], r);
        if (f == EFF_FILE_UDDA) {
            double en = num(t, col[2], r), udd = num(t, col[3], r);
            q->vocational = isnan(v) ? 0 : v == 1;
            q->enrolled = isnan(en) ? -1 : en == 1;
            q->school_level = q->enrolled == 1 && !isnan(udd) ? (int8_t)(udd / 1000) : 0;
        } else if (f == EFF_FILE_BFL) {
            q->hours = isnan(v) ? 0 : (int32_t)fmin(v, 1e9);
        } else {
            q->absence = (float)v;
            if (n == 3) {
                double k = num(t, col[2], r);
                q->school_class = isnan(k) || k < 0 || k > 99 ? -1 : (int8_t)k;
            }
        }
    }
    return st;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The estates without a comprehensive plan from either fund: the control pool's homes. */
eff_status persons_load_estates(eff_persons *p, const eff_config *c, const eff_ctx *ctx,
                               eff_error *err)
{
    const char *names[3] = {c->columns[EFF_COL_ESTATE_ID], c->columns[EFF_COL_PLAN_2006_10],
                            c->columns[EFF_COL_PLAN_2011_14]};
    eff_table *t = NULL;
    size_t col[3];
    eff_status st = persons_read_file(p, c, EFF_FILE_ESTATES, 0, names, 3, NULL, NULL, ctx, &t,
                                      err);
    if (st == EFF_OK) st = persons_find_cols(t, names, "nnn", 3, col, err);
    if (st == EFF_OK) {
        size_t n = eff_table_n_rows(t);
        p->estate_ids = eff_mallocarray(n ? n : 1, sizeof *p->estate_ids);
        if (!p->estate_ids)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t r = 0; st == EFF_OK && r < n; r++) {
            double id = num(t, col[0], r), f1 = num(t, col[1], r), f2 = num(t, col[2], r);
            if (isnan(id) || isnan(f1) || isnan(f2)) {
                st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2, 0,
                                   "an estate needs its id and both plan flags (0 or 1)");
                break;
            }
            if (f1 == 0 && f2 == 0)
                p->estate_ids[p->n_control_estates++] = (int32_t)id;
        }
        if (st == EFF_OK)
            qsort(p->estate_ids, p->n_control_estates, sizeof *p->estate_ids, cmp_i32);
    }
    eff_table_free(t);
    return st;
}

int persons_needs(const eff_config *c, eff_cfg_col source)
{
    for (size_t k = 0; k < c->n_outcomes; k++)
        if (c->outcomes[k].source == source)
            return 1;
    return 0;
}

eff_status persons_add_extras(eff_persons *p, const eff_config *c, const char *const *extra,
                             size_t n_extra, eff_error *err)
{
    for (size_t k = 0; k < n_extra; k++) {
        if (strcasecmp(extra[k], c->columns[EFF_COL_SEX]) == 0 ||
            eff_persons_extra_index(p, extra[k]) >= 0)
            continue;
        if (p->n_extra == EFF_PERSONS_MAX_EXTRA)
            return eff_error_set(err, EFF_EINVAL, c->path, 0, 0,
                                 "too many exact-matching and subgroup columns (at most 8)");
        size_t j = p->n_extra;
        if (!(p->extra_name[j] = eff_strdup(extra[k])) || !(p->extra_dict[j] = eff_dict_new())) {
            eff_free(p->extra_name[j]); /* not counted yet: eff_persons_free would miss it */
            p->extra_name[j] = NULL;
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        }
        p->n_extra++;
    }
    return EFF_OK;
}

void eff_persons_free(eff_persons *p)
{
    if (!p)
        return;
    eff_dict_release(p->ids);
    eff_free(p->rec);
    for (size_t k = 0; k < p->n_extra; k++) {
        eff_free(p->extra[k]);
        eff_dict_release(p->extra_dict[k]);
        eff_free(p->extra_name[k]);
    }
    for (size_t k = 0; k < p->n_inputs; k++)
        eff_free(p->inputs[k]);
    eff_free(p->inputs);
    eff_free(p->estate_ids);
    eff_free(p->linked);
    eff_free(p->sorted_ids);
    persons_drop_id_maps(p);
    pthread_mutex_destroy(&p->fill_lock);
    eff_free(p);
}

size_t eff_persons_n(const eff_persons *p) { return eff_dict_size(p->ids); }
int eff_persons_year_first(const eff_persons *p) { return p->y0; }
int eff_persons_year_last(const eff_persons *p) { return p->y0 + p->ny - 1; }

int32_t eff_persons_find(const eff_persons *p, const char *pnr)
{
    int32_t person = eff_dict_find(p->ids, pnr, strlen(pnr));
    /* a participant's id is kept before the registers are read: it is linked only when a
     * population register holds it */
    return person >= 0 && p->linked && p->linked[person] ? person : -1;
}

const char *eff_persons_pnr(const eff_persons *p, int32_t person)
{
    return eff_dict_str(p->ids, person);
}

const eff_py *eff_persons_at(const eff_persons *p, int32_t person, int year)
{
    if (person < 0 || (size_t)person >= eff_dict_size(p->ids) || year < p->y0 ||
        year >= p->y0 + p->ny)
        return NULL;
    const eff_py *q = &p->rec[(size_t)person * (size_t)p->ny + (size_t)(year - p->y0)];
    return q->present ? q : NULL;
}

int eff_persons_extra_index(const eff_persons *p, const char *name)
{
    for (size_t k = 0; k < p->n_extra; k++)
        if (strcasecmp(p->extra_name[k], name) == 0)
            return (int)k;
    return -1;
}

int32_t eff_persons_extra_code(const eff_persons *p, int k, const char *value)
{
    return eff_dict_find(p->extra_dict[k], value, strlen(value));
}

int32_t eff_persons_extra_at(const eff_persons *p, int k, int32_t person, int year)
{
    if (!eff_persons_at(p, person, year))
        return -1;
    return p->extra[k][(size_t)person * (size_t)p->ny + (size_t)(year - p->y0)];
}

size_t eff_persons_n_inputs(const eff_persons *p) { return p->n_inputs; }
const char *eff_persons_input(const eff_persons *p, size_t k) { return p->inputs[k]; }
