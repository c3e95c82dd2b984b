/* design.c - model matrices from tables: listwise deletion, indicator expansion of text
 * columns against a reference level, weights, offset, and cluster codes. */
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "parallel.h"

struct eff_design {
    size_t n, p, n_dropped, n_clusters;
    double *x, *y, *w, *offset;
    int32_t *clusters;
    char **terms;
    size_t *source_rows;
};

eff_design *eff_design_new(size_t n, size_t p)
{
    eff_design *d = eff_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->n = n;
    d->p = p;
    d->x = (p && n > SIZE_MAX / p / sizeof *d->x) ? NULL
                                                   : eff_malloc_large(n * p * sizeof *d->x);
    d->y = eff_mallocarray(n ? n : 1, sizeof *d->y);
    d->terms = eff_calloc(p ? p : 1, sizeof *d->terms);
    d->source_rows = eff_mallocarray(n ? n : 1, sizeof *d->source_rows);
    if (!d->x || !d->y || !d->terms || !d->source_rows) {
        eff_design_free(d);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d->source_rows[i] = i;
    return d;
}

void eff_design_free(eff_design *d)
{
    if (!d)
        return;
    for (size_t j = 0; d->terms && j < d->p; j++)
        eff_free(d->terms[j]);
    eff_free(d->terms);
    eff_free_large(d->x, d->n * d->p * sizeof *d->x);
    eff_free(d->y);
    eff_free(d->w);
    eff_free(d->offset);
    eff_free(d->clusters);
    eff_free(d->source_rows);
    eff_free(d);
}

size_t eff_design_n(const eff_design *d) { return d->n; }
size_t eff_design_p(const eff_design *d) { return d->p; }
size_t eff_design_n_dropped(const eff_design *d) { return d->n_dropped; }
double *eff_design_x(eff_design *d) { return d->x; }
const double *eff_design_xc(const eff_design *d) { return d->x; }
double *eff_design_y(eff_design *d) { return d->y; }
const double *eff_design_yc(const eff_design *d) { return d->y; }
const double *eff_design_weights(const eff_design *d) { return d->w; }
const double *eff_design_offset(const eff_design *d) { return d->offset; }
const int32_t *eff_design_clusters(const eff_design *d) { return d->clusters; }
size_t eff_design_n_clusters(const eff_design *d) { return d->n_clusters; }
size_t eff_design_source_row(const eff_design *d, size_t i) { return d->source_rows[i]; }
const char *eff_design_term(const eff_design *d, size_t j) { return d->terms[j]; }

eff_status eff_design_set_term(eff_design *d, size_t j, const char *name, eff_error *err)
{
    char *copy = eff_strdup(name);
    if (!copy)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_free(d->terms[j]);
    d->terms[j] = copy;
    return EFF_OK;
}

static eff_status copy_vector(double **dst, const double *src, size_t n, eff_error *err)
{
    double *v = eff_mallocarray(n ? n : 1, sizeof *v);
    if (!v)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(v, src, n * sizeof *v);
    eff_free(*dst);
    *dst = v;
    return EFF_OK;
}

eff_status eff_design_set_weights(eff_design *d, const double *w, eff_error *err)
{
    return copy_vector(&d->w, w, d->n, err);
}

eff_status eff_design_set_offset(eff_design *d, const double *offset, eff_error *err)
{
    return copy_vector(&d->offset, offset, d->n, err);
}

eff_status eff_design_set_clusters(eff_design *d, const int32_t *codes, size_t n_clusters,
                                   eff_error *err)
{
    int32_t *c = eff_mallocarray(d->n ? d->n : 1, sizeof *c);
    if (!c)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(c, codes, d->n * sizeof *c);
    eff_free(d->clusters);
    d->clusters = c;
    d->n_clusters = n_clusters;
    return EFF_OK;
}

/* ---- building from a table ---- */

typedef struct term_src {
    size_t col;
    int text;
    int32_t ref;        /* reference level's code (text) */
    int32_t *level_of;  /* code -> indicator index, -1 for the reference or absent */
    size_t n_levels;    /* indicators */
} term_src;

static double number_at(const eff_table *t, size_t j, size_t i)
{
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_I64: return (double)eff_table_i64(t, j)[i];
    case EFF_TYPE_F64: return eff_table_f64(t, j)[i];
    case EFF_TYPE_DATE: return (double)eff_table_date(t, j)[i];
    default: return NAN;
    }
}

static eff_status optional_col(const eff_table *t, const char *name, long *col, eff_error *err)
{
    *col = -1;
    if (!name)
        return EFF_OK;
    size_t j;
    eff_status st = eff_table_col(t, name, &j, err);
    if (!st)
        *col = (long)j;
    return st;
}

/* Clears keep[i], lo <= i < hi, where column j is missing. */
static void drop_missing(const eff_table *t, size_t j, size_t lo, size_t hi, unsigned char *keep)
{
    size_t n = hi;
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_I64: {
        const int64_t *v = eff_table_i64(t, j);
        for (size_t i = lo; i < n; i++)
            keep[i] &= v[i] != EFF_I64_NA;
        break;
    }
    case EFF_TYPE_F64: {
        const double *v = eff_table_f64(t, j);
        for (size_t i = lo; i < n; i++)
            keep[i] &= !isnan(v[i]);
        break;
    }
    case EFF_TYPE_DATE:
    case EFF_TYPE_STR: {
        const int32_t *v = eff_table_col_type(t, j) == EFF_TYPE_DATE ? eff_table_date(t, j)
                                                                      : eff_table_codes(t, j);
        int32_t na = eff_table_col_type(t, j) == EFF_TYPE_DATE ? EFF_DATE_NA : EFF_STR_NA;
        for (size_t i = lo; i < n; i++)
            keep[i] &= v[i] != na;
        break;
    }
    }
}

typedef struct keep_job {
    const eff_table *t;
    const size_t *cols;
    size_t n_cols;
    unsigned char *keep;
} keep_job;

/* Rows [lo, hi): cleared where any used column is missing. */
static void keep_part(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    keep_job *k = arg;
    memset(k->keep + lo, 1, hi - lo);
    for (size_t c = 0; c < k->n_cols; c++)
        drop_missing(k->t, k->cols[c], lo, hi, k->keep);
}

static unsigned char *keep_rows(const eff_table *t, size_t ycol, const term_src *terms,
                                size_t n_terms, const long *extra, size_t *n_keep)
{
    size_t n = eff_table_n_rows(t), n_cols = 0;
    unsigned char *keep = eff_malloc(n);
    size_t *cols = eff_mallocarray(n_terms + 4, sizeof *cols);
    if (!keep || !cols) {
        eff_free(keep);
        eff_free(cols);
        return NULL;
    }
    cols[n_cols++] = ycol;
    for (size_t k = 0; k < n_terms; k++)
        cols[n_cols++] = terms[k].col;
    for (size_t k = 0; k < 3; k++)
        if (extra[k] >= 0)
            cols[n_cols++] = (size_t)extra[k];
    keep_job job = {t, cols, n_cols, keep};
    eff_parallel_for(eff_parallel_parts(n, 200000), n, keep_part, &job);
    eff_free(cols);
    *n_keep = 0;
    for (size_t i = 0; i < n; i++)
        *n_keep += keep[i];
    return keep;
}

/* Levels of text term k among kept rows, in byte order; all but the reference get an index. */
static eff_status plan_levels(const eff_table *t, term_src *ts, const char *ref_name,
                              const unsigned char *keep, eff_error *err)
{
    const eff_dict *dict = eff_table_dict(t, ts->col);
    const int32_t *codes = eff_table_codes(t, ts->col);
    size_t n_codes = eff_dict_size(dict);
    int32_t *ranks = NULL;
    unsigned char *seen = eff_calloc(n_codes ? n_codes : 1, 1);
    ts->level_of = eff_mallocarray(n_codes ? n_codes : 1, sizeof *ts->level_of);
    eff_status st = seen && ts->level_of ? eff_dict_ranks(dict, &ranks, err)
                                         : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st) {
        eff_free(seen);
        return st;
    }
    for (size_t i = 0, n = eff_table_n_rows(t); i < n; i++)
        if (keep[i])
            seen[codes[i]] = 1;
    /* order[rank] = code, for the codes seen */
    int32_t *order = eff_mallocarray(n_codes ? n_codes : 1, sizeof *order);
    if (!order) {
        eff_free(seen);
        eff_free(ranks);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t c = 0; c < n_codes; c++)
        order[ranks[c]] = (int32_t)c;
    ts->ref = -1;
    if (ref_name) {
        ts->ref = eff_dict_find(dict, ref_name, strlen(ref_name));
        if (ts->ref < 0 || !seen[ts->ref])
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                               "reference level \"%s\" does not occur in column \"%s\"", ref_name,
                               eff_table_col_name(t, ts->col));
    }
    ts->n_levels = 0;
    for (size_t r = 0; st == EFF_OK && r < n_codes; r++) {
        int32_t c = order[r];
        ts->level_of[c] = -1;
        if (!seen[c])
            continue;
        if (ts->ref < 0)
            ts->ref = c; /* the first level in byte order, as R's factor() */
        else if (c != ts->ref)
            ts->level_of[c] = (int32_t)ts->n_levels++;
    }
    /* R's model.matrix refuses such a factor ("contrasts can be applied only to factors with
     * 2 or more levels"); dropping it without a word would hide a wrong population filter. */
    if (st == EFF_OK && ts->n_levels == 0 && ts->ref >= 0)
        st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                           "text regressor \"%s\" has a single level (\"%s\") in the rows used: it "
                           "needs two or more",
                           eff_table_col_name(t, ts->col), eff_dict_str(dict, ts->ref));
    eff_free(order);
    eff_free(seen);
    eff_free(ranks);
    return st;
}

const char *eff_design_split_term(const char *spec, char *buf, size_t size)
{
    const char *colon = strstr(spec, ":ref=");
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(buf, size, "%.*s", (int)n, spec);
    return colon ? colon + 5 : NULL;
}

static eff_status name_terms(eff_design *d, const eff_table *t, const term_src *ts, size_t n_x,
                             int intercept, eff_error *err)
{
    size_t j = 0;
    eff_status st = intercept ? eff_design_set_term(d, j++, "(Intercept)", err) : EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < n_x; k++) {
        const char *col = eff_table_col_name(t, ts[k].col);
        if (!ts[k].text) {
            st = eff_design_set_term(d, j++, col, err);
            continue;
        }
        const eff_dict *dict = eff_table_dict(t, ts[k].col);
        for (size_t c = 0; st == EFF_OK && c < eff_dict_size(dict); c++) {
            if (ts[k].level_of[c] < 0)
                continue;
            char name[512];
            snprintf(name, sizeof name, "%s=%s", col, eff_dict_str(dict, (int32_t)c));
            st = eff_design_set_term(d, j + (size_t)ts[k].level_of[c], name, err);
        }
        j += ts[k].n_levels;
    }
    return st;
}

/* dst[r] = column j at the kept rows, as doubles: one typed pass per column. `first` is the
 * table row of rows[0] when the rows are consecutive (nothing dropped), else SIZE_MAX. */
static void gather_numbers(const eff_table *t, size_t j, const size_t *rows, size_t n,
                           size_t first, double *dst)
{
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_I64: {
        const int64_t *v = eff_table_i64(t, j);
        if (first != SIZE_MAX)
            for (size_t r = 0; r < n; r++)
                dst[r] = (double)v[first + r];
        else
            for (size_t r = 0; r < n; r++)
                dst[r] = (double)v[rows[r]];
        break;
    }
    case EFF_TYPE_F64: {
        const double *v = eff_table_f64(t, j);
        if (first != SIZE_MAX)
            memcpy(dst, v + first, n * sizeof *dst);
        else
            for (size_t r = 0; r < n; r++)
                dst[r] = v[rows[r]];
        break;
    }
    case EFF_TYPE_DATE: {
        const int32_t *v = eff_table_date(t, j);
        for (size_t r = 0; r < n; r++)
            dst[r] = (double)v[rows[r]];
        break;
    }
    default:
        break;
    }
}

typedef struct fill_job {
    eff_design *d;
    const eff_table *t;
    size_t ycol, n_x;
    const term_src *ts;
    int intercept;
} fill_job;

/* Rows [lo, hi) of every design column: parts of the matrix are first touched (and so
 * paged in) by the thread that fills them. */
static void fill_part(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    fill_job *f = arg;
    eff_design *d = f->d;
    size_t n = d->n, m = hi - lo, j = f->intercept ? 1 : 0;
    const size_t *rows = d->source_rows + lo;
    size_t first = d->n_dropped == 0 ? lo : SIZE_MAX;
    gather_numbers(f->t, f->ycol, rows, m, first, d->y + lo);
    for (size_t r = lo; f->intercept && r < hi; r++)
        d->x[r] = 1.0;
    for (size_t k = 0; k < f->n_x; k++) {
        const term_src *ts = &f->ts[k];
        if (!ts->text) {
            gather_numbers(f->t, ts->col, rows, m, first, d->x + (j++) * n + lo);
            continue;
        }
        const int32_t *codes = eff_table_codes(f->t, ts->col);
        for (size_t l = 0; l < ts->n_levels; l++)
            memset(d->x + (j + l) * n + lo, 0, m * sizeof *d->x);
        for (size_t r = 0; r < m; r++) {
            int32_t level = ts->level_of[codes[rows[r]]];
            if (level >= 0)
                d->x[(j + (size_t)level) * n + lo + r] = 1.0;
        }
        j += ts->n_levels;
    }
}

static void fill_rows(eff_design *d, const eff_table *t, size_t ycol, const term_src *ts,
                      size_t n_x, int intercept, const unsigned char *keep)
{
    size_t row = 0;
    for (size_t i = 0, rows = eff_table_n_rows(t); i < rows; i++)
        if (keep[i])
            d->source_rows[row++] = i;
    fill_job f = {d, t, ycol, n_x, ts, intercept};
    eff_parallel_for(eff_parallel_parts(d->n, 100000), d->n, fill_part, &f);
}

/* Integer cluster ids in [0, 4n): codes by a direct table instead of hashing. Returns 0 when
 * the ids do not fit (the caller hashes then). */
static int small_int_clusters(eff_design *d, const eff_table *t, size_t col, int32_t *codes)
{
    if (eff_table_col_type(t, col) != EFF_TYPE_I64)
        return 0;
    const int64_t *v = eff_table_i64(t, col);
    int64_t limit = (int64_t)(4 * d->n + 16);
    for (size_t r = 0; r < d->n; r++) {
        int64_t id = v[d->source_rows[r]];
        if (id < 0 || id >= limit)
            return 0;
    }
    int32_t *map = eff_mallocarray((size_t)limit, sizeof *map);
    if (!map)
        return 0;
    memset(map, 0xff, (size_t)limit * sizeof *map);
    int32_t next = 0;
    for (size_t r = 0; r < d->n; r++) {
        int64_t id = v[d->source_rows[r]];
        if (map[id] < 0)
            map[id] = next++;
        codes[r] = map[id];
    }
    eff_free(map);
    d->n_clusters = (size_t)next;
    return 1;
}

/* Cluster codes 0..G-1 by the raw bytes of each row's value (text by its code). */
static eff_status fill_clusters(eff_design *d, const eff_table *t, size_t col, eff_error *err)
{
    int32_t *direct = eff_mallocarray(d->n, sizeof *direct);
    if (direct && small_int_clusters(d, t, col, direct)) {
        d->clusters = direct;
        return EFF_OK;
    }
    eff_free(direct);
    eff_dict *ids = eff_dict_new();
    int32_t *codes = eff_mallocarray(d->n ? d->n : 1, sizeof *codes);
    eff_status st = ids && codes ? EFF_OK
                                 : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; st == EFF_OK && r < d->n; r++) {
        size_t i = d->source_rows[r];
        unsigned char key[8];
        size_t len = 8;
        switch (eff_table_col_type(t, col)) {
        case EFF_TYPE_I64: memcpy(key, eff_table_i64(t, col) + i, 8); break;
        case EFF_TYPE_F64: {
            double v = eff_table_f64(t, col)[i];
            if (v == 0)
                v = 0; /* -0 and 0 are one cluster */
            memcpy(key, &v, 8);
            break;
        }
        case EFF_TYPE_DATE: memcpy(key, eff_table_date(t, col) + i, 4); len = 4; break;
        case EFF_TYPE_STR: memcpy(key, eff_table_codes(t, col) + i, 4); len = 4; break;
        }
        st = eff_dict_intern(ids, (const char *)key, len, &codes[r], err);
    }
    if (st == EFF_OK) {
        d->clusters = codes;
        d->n_clusters = eff_dict_size(ids);
        codes = NULL;
    }
    eff_free(codes);
    eff_dict_release(ids);
    return st;
}

static eff_status check_weights(eff_design *d, const eff_table *t, long wcol, eff_error *err)
{
    d->w = eff_mallocarray(d->n ? d->n : 1, sizeof *d->w);
    if (!d->w)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < d->n; r++) {
        d->w[r] = number_at(t, (size_t)wcol, d->source_rows[r]);
        if (!(d->w[r] >= 0) || !isfinite(d->w[r]))
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                                 "weight column \"%s\" has a negative or infinite value (data "
                                 "row %zu)",
                                 eff_table_col_name(t, (size_t)wcol), d->source_rows[r] + 1);
    }
    return EFF_OK;
}

static eff_status resolve_terms(const eff_table *t, const eff_design_spec *spec, term_src *ts,
                                const char **refs, size_t *ycol, eff_error *err)
{
    eff_status st = eff_table_col(t, spec->y, ycol, err);
    if (!st && eff_table_col_type(t, *ycol) == EFF_TYPE_STR)
        st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                           "outcome \"%s\" is text; it must be a number", spec->y);
    for (size_t k = 0; st == EFF_OK && k < spec->n_x; k++) {
        char name[256];
        refs[k] = eff_design_split_term(spec->x[k], name, sizeof name);
        st = eff_table_col(t, name, &ts[k].col, err);
        if (st)
            break;
        ts[k].text = eff_table_col_type(t, ts[k].col) == EFF_TYPE_STR;
        if (refs[k] && !ts[k].text)
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                               "\"%s\": only a text column has a reference level", spec->x[k]);
    }
    return st;
}

static eff_status build(const eff_table *t, const eff_design_spec *spec, term_src *ts,
                        const char **refs, eff_design **out, eff_error *err)
{
    size_t ycol, n_keep = 0;
    long extra[3];
    eff_status st = resolve_terms(t, spec, ts, refs, &ycol, err);
    if (!st)
        st = optional_col(t, spec->weights, &extra[0], err);
    if (!st)
        st = optional_col(t, spec->offset, &extra[1], err);
    if (!st)
        st = optional_col(t, spec->cluster, &extra[2], err);
    if (st)
        return st;
    unsigned char *keep = keep_rows(t, ycol, ts, spec->n_x, extra, &n_keep);
    if (!keep)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (n_keep == 0)
        st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                           "no rows left after dropping those with missing values");
    size_t p = spec->no_intercept ? 0 : 1;
    for (size_t k = 0; st == EFF_OK && k < spec->n_x; k++) {
        if (ts[k].text)
            st = plan_levels(t, &ts[k], refs[k], keep, err);
        p += ts[k].text ? ts[k].n_levels : 1;
    }
    eff_design *d = st ? NULL : eff_design_new(n_keep, p);
    if (!st && !d)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory for the design matrix");
    if (!st) {
        d->n_dropped = eff_table_n_rows(t) - n_keep; /* before filling: see gather_numbers */
        fill_rows(d, t, ycol, ts, spec->n_x, !spec->no_intercept, keep);
        st = name_terms(d, t, ts, spec->n_x, !spec->no_intercept, err);
    }
    if (!st && extra[0] >= 0)
        st = check_weights(d, t, extra[0], err);
    if (!st && extra[1] >= 0) {
        d->offset = eff_mallocarray(n_keep, sizeof *d->offset);
        st = d->offset ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t r = 0; !st && r < n_keep; r++)
            d->offset[r] = number_at(t, (size_t)extra[1], d->source_rows[r]);
    }
    if (!st && extra[2] >= 0)
        st = fill_clusters(d, t, (size_t)extra[2], err);
    eff_free(keep);
    if (st) {
        eff_design_free(d);
        return st;
    }
    *out = d;
    return EFF_OK;
}

eff_status eff_design_from_table(const eff_table *t, const eff_design_spec *spec,
                                 eff_design **out, eff_error *err)
{
    term_src *ts = eff_calloc(spec->n_x ? spec->n_x : 1, sizeof *ts);
    const char **refs = eff_calloc(spec->n_x ? spec->n_x : 1, sizeof *refs);
    eff_status st = ts && refs ? build(t, spec, ts, refs, out, err)
                               : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; ts && k < spec->n_x; k++)
        eff_free(ts[k].level_of);
    eff_free(ts);
    eff_free(refs);
    return st;
}
