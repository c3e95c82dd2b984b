/* csdid_panel.c - a long table (one row per unit and period) made into csdid.h's unit-major
 * panel, with the checks a user's file needs: one row per unit and period, a cohort and a
 * cluster that do not change within a unit, whole-number periods and cohorts. Rows are
 * named by their line for a CSV (one record per line) and by their row number otherwise. */
#include "csdid.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "table.h"

struct eff_cs_data {
    eff_cs_panel panel;
    int *times, *group;
    double *y, *x;
    int32_t *cluster;
};

const eff_cs_panel *eff_cs_data_panel(const eff_cs_data *d) { return &d->panel; }

void eff_cs_data_free(eff_cs_data *d)
{
    if (!d)
        return;
    eff_free(d->times), eff_free(d->group), eff_free(d->y), eff_free(d->x), eff_free(d->cluster);
    eff_free(d);
}

typedef struct row_key {
    int64_t unit;
    int time;
    size_t row;
} row_key;

static int cmp_key(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    if (x->unit != y->unit)
        return (x->unit > y->unit) - (x->unit < y->unit);
    if (x->time != y->time)
        return (x->time > y->time) - (x->time < y->time);
    return (x->row > y->row) - (x->row < y->row);
}

static int is_csv(const eff_table *t)
{
    const char *src = eff_table_source(t);
    size_t n = src ? strlen(src) : 0;
    return n > 4 && strcasecmp(src + n - 4, ".csv") == 0;
}

static eff_status row_error(const eff_table *t, size_t row, eff_error *err, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));

static eff_status row_error(const eff_table *t, size_t row, eff_error *err, const char *fmt,
                            ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (is_csv(t))
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)row + 2, 0, "%s", msg);
    return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0, "row %zu: %s", row + 1,
                         msg);
}

/* The value at a numeric or date cell; NaN when missing or not a number. */
static double num_at(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_is_na(t, col, row))
        return NAN;
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64: return (double)eff_table_i64(t, col)[row];
    case EFF_TYPE_F64: return eff_table_f64(t, col)[row];
    case EFF_TYPE_DATE: return (double)eff_table_date(t, col)[row];
    default: return NAN;
    }
}

/* A key for any column: integers as themselves, text by its code, doubles when whole. */
static eff_status key_at(const eff_table *t, size_t col, size_t row, const char *what,
                         int64_t *key, eff_error *err)
{
    if (eff_table_is_na(t, col, row))
        return row_error(t, row, err, "the %s is missing", what);
    if (eff_table_col_type(t, col) == EFF_TYPE_STR) {
        *key = eff_table_codes(t, col)[row];
        return EFF_OK;
    }
    double v = num_at(t, col, row);
    if (v != floor(v) || fabs(v) > 9e15)
        return row_error(t, row, err, "the %s %.17g is not a whole number", what, v);
    *key = (int64_t)v;
    return EFF_OK;
}

static eff_status whole_at(const eff_table *t, size_t col, size_t row, const char *what,
                           int missing_as, int *out, eff_error *err)
{
    double v = num_at(t, col, row);
    if (isnan(v) && eff_table_is_na(t, col, row)) {
        if (missing_as < 0)
            return row_error(t, row, err, "the %s is missing", what);
        *out = missing_as;
        return EFF_OK;
    }
    if (isnan(v) || v != floor(v) || fabs(v) > 1e9)
        return row_error(t, row, err, "the %s is not a whole number", what);
    *out = (int)v;
    return EFF_OK;
}

typedef struct cs_cols {
    size_t y, time, id, group, cluster, x[64];
    int has_cluster;
} cs_cols;

static eff_status find_columns(const eff_table *t, const eff_cs_columns *c, cs_cols *k,
                               eff_error *err)
{
    if (c->n_x > 64)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "more than 64 covariates");
    eff_status st = eff_table_col(t, c->y, &k->y, err);
    if (!st)
        st = eff_table_col(t, c->time, &k->time, err);
    if (!st)
        st = eff_table_col(t, c->id, &k->id, err);
    if (!st)
        st = eff_table_col(t, c->group, &k->group, err);
    for (size_t j = 0; !st && j < c->n_x; j++)
        st = eff_table_col(t, c->x[j], &k->x[j], err);
    k->has_cluster = c->cluster != NULL;
    if (!st && c->cluster)
        st = eff_table_col(t, c->cluster, &k->cluster, err);
    size_t numeric[] = {k->y, k->time, k->group};
    const char *names[] = {c->y, c->time, c->group};
    for (size_t j = 0; !st && j < 3 + c->n_x; j++) {
        size_t col = j < 3 ? numeric[j] : k->x[j - 3];
        if (eff_table_col_type(t, col) == EFF_TYPE_STR)
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                               "column '%s' is text; a number is needed",
                               j < 3 ? names[j] : c->x[j - 3]);
    }
    return st;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The distinct periods, ascending. */
static eff_status collect_times(eff_cs_data *d, const row_key *keys, size_t n, eff_error *err)
{
    d->times = eff_mallocarray(n + 1, sizeof *d->times);
    if (!d->times)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        d->times[i] = keys[i].time;
    qsort(d->times, n, sizeof *d->times, cmp_int);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || d->times[m - 1] != d->times[i])
            d->times[m++] = d->times[i];
    d->panel.n_times = m;
    return EFF_OK;
}

static size_t time_pos(const eff_cs_data *d, int t)
{
    size_t lo = 0, hi = d->panel.n_times;
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Fills y, x, group and cluster unit by unit from the sorted keys. */
static eff_status fill_units(eff_cs_data *d, const eff_table *t, const cs_cols *k,
                             const eff_cs_columns *c, const row_key *keys, size_t n,
                             eff_error *err)
{
    size_t T = d->panel.n_times, n_units = 0;
    for (size_t i = 0; i < n; i++)
        n_units += i == 0 || keys[i].unit != keys[i - 1].unit;
    d->panel.n_units = n_units;
    d->panel.k = c->n_x;
    d->y = eff_mallocarray(n_units * T + 1, sizeof *d->y);
    d->x = eff_mallocarray(n_units * T * c->n_x + 1, sizeof *d->x);
    d->group = eff_mallocarray(n_units + 1, sizeof *d->group);
    int64_t *cl = eff_mallocarray(n_units + 1, sizeof *cl);
    if (!d->y || !d->x || !d->group || !cl) {
        eff_free(cl);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n_units * T; i++)
        d->y[i] = NAN;
    for (size_t i = 0; i < n_units * T * c->n_x; i++)
        d->x[i] = NAN;
    eff_status st = EFF_OK;
    size_t u = 0, first = 0;
    for (size_t i = 0; !st && i < n; i++) {
        const row_key *r = &keys[i];
        if (i > 0 && r->unit != keys[i - 1].unit)
            u++, first = i;
        if (i > first && r->time == keys[i - 1].time) {
            st = row_error(t, r->row, err, "a second row for the same unit and period %d",
                           r->time);
            break;
        }
        int g;
        int64_t cv = 0;
        st = whole_at(t, k->group, r->row, "cohort", 0, &g, err);
        if (!st && k->has_cluster)
            st = key_at(t, k->cluster, r->row, "cluster", &cv, err);
        if (!st && i > first && g != d->group[u])
            st = row_error(t, r->row, err, "the unit's cohort changes over time: %d here, "
                           "%d on an earlier row", g, d->group[u]);
        if (!st && i > first && k->has_cluster && cv != cl[u])
            st = row_error(t, r->row, err, "the unit's cluster changes over time");
        if (st)
            break;
        d->group[u] = g;
        cl[u] = cv;
        size_t tp = time_pos(d, r->time);
        d->y[u * T + tp] = num_at(t, k->y, r->row);
        for (size_t j = 0; j < c->n_x; j++)
            d->x[(u * T + tp) * c->n_x + j] = num_at(t, k->x[j], r->row);
    }
    if (!st && k->has_cluster) {
        /* cluster values to codes 0..G-1 */
        int64_t *sorted = eff_mallocarray(n_units + 1, sizeof *sorted);
        d->cluster = eff_mallocarray(n_units + 1, sizeof *d->cluster);
        if (!sorted || !d->cluster) {
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        } else {
            memcpy(sorted, cl, n_units * sizeof *cl);
            size_t m = 0;
            for (size_t i = 0; i < n_units; i++) { /* insertion into a sorted unique list */
                size_t lo = 0, hi = m;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (sorted[mid] < cl[i])
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo == m || sorted[lo] != cl[i]) {
                    memmove(sorted + lo + 1, sorted + lo, (m - lo) * sizeof *sorted);
                    sorted[lo] = cl[i];
                    m++;
                }
            }
            for (size_t i = 0; i < n_units; i++) {
                size_t lo = 0, hi = m;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (sorted[mid] < cl[i])
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                d->cluster[i] = (int32_t)lo;
            }
            d->panel.cluster = d->cluster;
            d->panel.n_clusters = m;
        }
        eff_free(sorted);
    }
    eff_free(cl);
    return st;
}

eff_status eff_cs_panel_from_table(const eff_table *t, const eff_cs_columns *c,
                                   eff_cs_data **out, eff_error *err)
{
    *out = NULL;
    cs_cols k;
    memset(&k, 0, sizeof k);
    eff_status st = find_columns(t, c, &k, err);
    if (st)
        return st;
    size_t n = eff_table_n_rows(t);
    if (n == 0)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0, "the table is empty");
    eff_cs_data *d = eff_calloc(1, sizeof *d);
    row_key *keys = eff_mallocarray(n, sizeof *keys);
    if (!d || !keys) {
        eff_free(d), eff_free(keys);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; !st && i < n; i++) {
        keys[i].row = i;
        st = key_at(t, k.id, i, "unit id", &keys[i].unit, err);
        if (!st)
            st = whole_at(t, k.time, i, "period", -1, &keys[i].time, err);
    }
    if (!st) {
        qsort(keys, n, sizeof *keys, cmp_key);
        st = collect_times(d, keys, n, err);
    }
    if (!st)
        st = fill_units(d, t, &k, c, keys, n, err);
    eff_free(keys);
    if (st) {
        eff_cs_data_free(d);
        return st;
    }
    d->panel.times = d->times;
    d->panel.group = d->group;
    d->panel.y = d->y;
    d->panel.x = c->n_x ? d->x : NULL;
    *out = d;
    return EFF_OK;
}
