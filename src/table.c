/* table.c - column storage, lookup, and row selection (take, filter). Ordering and joins are in
 * table_ops.c. */
#include "table_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

typedef struct column {
    char *name;
    eff_type type;
    unsigned flags;
    void *data; /* int64_t*, double*, or int32_t* (dates and string codes); NULL once moved */
    eff_dict *dict;
    eff_labels *labels;
    char *label;
} column;

struct eff_table {
    size_t n_rows, n_cols, cap_cols;
    column *cols;
    char *source;
};

static const char *const type_names[] = {
    [EFF_TYPE_I64] = "integer",
    [EFF_TYPE_F64] = "double",
    [EFF_TYPE_DATE] = "date",
    [EFF_TYPE_STR] = "string",
};

const char *eff_type_name(eff_type type)
{
    return (unsigned)type <= EFF_TYPE_STR ? type_names[type] : "unknown";
}

static size_t type_size(eff_type type)
{
    return type == EFF_TYPE_I64 || type == EFF_TYPE_F64 ? 8 : 4;
}

eff_table *eff_table_new(size_t n_rows)
{
    eff_table *t = eff_calloc(1, sizeof *t);
    if (t)
        t->n_rows = n_rows;
    return t;
}

void eff_table_free(eff_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->n_cols; j++) {
        eff_free(t->cols[j].name);
        eff_free(t->cols[j].data);
        eff_dict_release(t->cols[j].dict);
        eff_labels_release(t->cols[j].labels);
        eff_free(t->cols[j].label);
    }
    eff_free(t->cols);
    eff_free(t->source);
    eff_free(t);
}

size_t eff_table_n_rows(const eff_table *t) { return t->n_rows; }
size_t eff_table_n_cols(const eff_table *t) { return t->n_cols; }

long eff_table_find(const eff_table *t, const char *name)
{
    for (size_t j = 0; j < t->n_cols; j++)
        if (strcasecmp(t->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

eff_status eff_table_col(const eff_table *t, const char *name, size_t *col, eff_error *err)
{
    long j = eff_table_find(t, name);
    if (j < 0)
        return eff_error_set(err, EFF_EINVAL, t->source, 0, 0, "unknown column \"%s\"", name);
    *col = (size_t)j;
    return EFF_OK;
}

static eff_status add_column(eff_table *t, const char *name, eff_type type, void *data,
                             eff_dict *dict, eff_error *err)
{
    if (eff_table_find(t, name) >= 0)
        return eff_error_set(err, EFF_EINVAL, t->source, 0, 0, "duplicate column name \"%s\"",
                             name);
    if (t->n_cols == t->cap_cols) {
        size_t cap = t->cap_cols ? t->cap_cols * 2 : 8;
        column *cols = eff_reallocarray(t->cols, cap, sizeof *cols);
        if (!cols)
            return eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory adding column");
        t->cols = cols;
        t->cap_cols = cap;
    }
    char *copy = eff_strdup(name);
    if (!copy)
        return eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory adding column");
    t->cols[t->n_cols++] = (column){copy, type, 0, data, dict, NULL, NULL};
    return EFF_OK;
}

eff_status eff_table_add_i64(eff_table *t, const char *name, int64_t *values, eff_error *err)
{
    return add_column(t, name, EFF_TYPE_I64, values, NULL, err);
}

eff_status eff_table_add_f64(eff_table *t, const char *name, double *values, eff_error *err)
{
    return add_column(t, name, EFF_TYPE_F64, values, NULL, err);
}

eff_status eff_table_add_date(eff_table *t, const char *name, int32_t *values, eff_error *err)
{
    return add_column(t, name, EFF_TYPE_DATE, values, NULL, err);
}

eff_status eff_table_add_str(eff_table *t, const char *name, int32_t *codes, eff_dict *dict,
                             eff_error *err)
{
    return add_column(t, name, EFF_TYPE_STR, codes, dict, err);
}

const char *eff_table_col_name(const eff_table *t, size_t col) { return t->cols[col].name; }
eff_type eff_table_col_type(const eff_table *t, size_t col) { return t->cols[col].type; }
unsigned eff_table_col_flags(const eff_table *t, size_t col) { return t->cols[col].flags; }
void eff_table_set_col_flags(eff_table *t, size_t col, unsigned flags) { t->cols[col].flags = flags; }

const int64_t *eff_table_i64(const eff_table *t, size_t col)
{
    assert(t->cols[col].type == EFF_TYPE_I64);
    return t->cols[col].data;
}

const double *eff_table_f64(const eff_table *t, size_t col)
{
    assert(t->cols[col].type == EFF_TYPE_F64);
    return t->cols[col].data;
}

const int32_t *eff_table_date(const eff_table *t, size_t col)
{
    assert(t->cols[col].type == EFF_TYPE_DATE);
    return t->cols[col].data;
}

const int32_t *eff_table_codes(const eff_table *t, size_t col)
{
    assert(t->cols[col].type == EFF_TYPE_STR);
    return t->cols[col].data;
}

const eff_dict *eff_table_dict(const eff_table *t, size_t col)
{
    assert(t->cols[col].type == EFF_TYPE_STR);
    return t->cols[col].dict;
}

const char *eff_table_str(const eff_table *t, size_t col, size_t row)
{
    int32_t code = eff_table_codes(t, col)[row];
    return code < 0 ? NULL : eff_dict_str(t->cols[col].dict, code);
}

int eff_table_is_na(const eff_table *t, size_t col, size_t row)
{
    const column *c = &t->cols[col];
    switch (c->type) {
    case EFF_TYPE_I64: return ((const int64_t *)c->data)[row] == EFF_I64_NA;
    case EFF_TYPE_F64: return isnan(((const double *)c->data)[row]);
    case EFF_TYPE_DATE: return ((const int32_t *)c->data)[row] == EFF_DATE_NA;
    case EFF_TYPE_STR: return ((const int32_t *)c->data)[row] < 0;
    }
    return 1;
}

void eff_table_set_col_labels(eff_table *t, size_t col, const eff_labels *labels)
{
    /* The reference count is bookkeeping, not the set's value: sharing a const set is fine. */
    eff_labels *shared = labels ? eff_labels_retain((eff_labels *)(uintptr_t)labels) : NULL;
    eff_labels_release(t->cols[col].labels);
    t->cols[col].labels = shared;
}

const eff_labels *eff_table_col_labels(const eff_table *t, size_t col)
{
    return t->cols[col].labels;
}

eff_status eff_table_set_col_label(eff_table *t, size_t col, const char *label, eff_error *err)
{
    char *copy = NULL;
    if (label && !(copy = eff_strdup(label)))
        return eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory");
    eff_free(t->cols[col].label);
    t->cols[col].label = copy;
    return EFF_OK;
}

const char *eff_table_col_label(const eff_table *t, size_t col)
{
    return t->cols[col].label;
}

static double numeric_cell(const column *c, size_t i)
{
    if (c->type == EFF_TYPE_I64) {
        int64_t v = ((const int64_t *)c->data)[i];
        return v == EFF_I64_NA ? NAN : (double)v;
    }
    return ((const double *)c->data)[i];
}

eff_status eff_table_labels_to_text(eff_table *t, size_t col, eff_error *err)
{
    column *c = &t->cols[col];
    if (!c->labels || eff_labels_string_values(c->labels) ||
        (c->type != EFF_TYPE_I64 && c->type != EFF_TYPE_F64))
        return eff_error_set(err, EFF_EINVAL, t->source, 0, 0,
                             "column \"%s\" has no numeric value labels", c->name);
    int32_t *codes = eff_mallocarray(t->n_rows ? t->n_rows : 1, sizeof *codes);
    eff_dict *dict = eff_dict_new();
    eff_status st = codes && dict ? EFF_OK
                                  : eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < t->n_rows; i++) {
        double v = numeric_cell(c, i);
        codes[i] = EFF_STR_NA;
        if (isnan(v))
            continue;
        char number[32];
        const char *text = eff_labels_find_number(c->labels, v);
        if (!text) {
            snprintf(number, sizeof number, "%.15g", v);
            text = number;
        }
        st = eff_dict_intern(dict, text, strlen(text), &codes[i], err);
    }
    if (st) {
        eff_free(codes);
        eff_dict_release(dict);
        return st;
    }
    eff_free(c->data);
    eff_labels_release(c->labels);
    c->labels = NULL;
    c->data = codes;
    c->dict = dict;
    c->type = EFF_TYPE_STR;
    return EFF_OK;
}

/* Copies flags, labels and description of column `from` onto the new column `to`. */
static eff_status copy_col_meta(const column *from, eff_table *dst, size_t to, eff_error *err)
{
    dst->cols[to].flags = from->flags;
    eff_table_set_col_labels(dst, to, from->labels);
    return eff_table_set_col_label(dst, to, from->label, err);
}

eff_status eff_table_set_source(eff_table *t, const char *path, eff_error *err)
{
    char *copy = NULL;
    if (path && !(copy = eff_strdup(path)))
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    eff_free(t->source);
    t->source = copy;
    return EFF_OK;
}

const char *eff_table_source(const eff_table *t) { return t->source; }

static void *gather(const column *c, const int64_t *rows, size_t n)
{
    void *out = eff_mallocarray(n ? n : 1, type_size(c->type));
    if (!out)
        return NULL;
    if (c->type == EFF_TYPE_I64 || c->type == EFF_TYPE_F64) {
        const uint64_t *src = c->data; /* copy bits: a double NaN payload survives */
        uint64_t *dst = out, na;
        if (c->type == EFF_TYPE_I64) {
            int64_t v = EFF_I64_NA;
            memcpy(&na, &v, 8);
        } else {
            double v = eff_f64_na();
            memcpy(&na, &v, 8);
        }
        for (size_t i = 0; i < n; i++)
            dst[i] = rows[i] < 0 ? na : src[rows[i]];
    } else {
        const int32_t *src = c->data;
        int32_t *dst = out, na = c->type == EFF_TYPE_DATE ? EFF_DATE_NA : EFF_STR_NA;
        for (size_t i = 0; i < n; i++)
            dst[i] = rows[i] < 0 ? na : src[rows[i]];
    }
    return out;
}

eff_status eff_table_select(const eff_table *t, const size_t *cols, size_t n_cols,
                            const int64_t *rows, size_t n, eff_table **out, eff_error *err)
{
    eff_table *r = eff_table_new(n);
    if (!r || eff_table_set_source(r, t->source, err) != EFF_OK) {
        eff_table_free(r);
        return eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory selecting rows");
    }
    if (!cols)
        n_cols = t->n_cols;
    for (size_t j = 0; j < n_cols; j++) {
        const column *c = &t->cols[cols ? cols[j] : j];
        void *data = gather(c, rows, n);
        eff_status st = data ? add_column(r, c->name, c->type, data, NULL, err)
                             : eff_error_set(err, EFF_ENOMEM, t->source, 0, 0,
                                             "out of memory selecting rows");
        if (st) {
            eff_free(data);
            eff_table_free(r);
            return st;
        }
        if (c->dict)
            r->cols[j].dict = eff_dict_retain(c->dict);
        if ((st = copy_col_meta(c, r, j, err)) != EFF_OK) {
            eff_table_free(r);
            return st;
        }
    }
    *out = r;
    return EFF_OK;
}

eff_status eff_table_take(const eff_table *t, const int64_t *rows, size_t n, eff_table **out,
                          eff_error *err)
{
    return eff_table_select(t, NULL, 0, rows, n, out, err);
}

eff_status eff_table_filter(const eff_table *t, const unsigned char *keep, eff_table **out,
                            eff_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_rows; i++)
        n += keep[i] != 0;
    int64_t *rows = eff_mallocarray(n ? n : 1, sizeof *rows);
    if (!rows)
        return eff_error_set(err, EFF_ENOMEM, t->source, 0, 0, "out of memory filtering rows");
    for (size_t i = 0, k = 0; i < t->n_rows; i++)
        if (keep[i])
            rows[k++] = (int64_t)i;
    eff_status st = eff_table_take(t, rows, n, out, err);
    eff_free(rows);
    return st;
}

eff_status eff_table_move_col(eff_table *src, size_t col, eff_table *dst, const char *name,
                              eff_error *err)
{
    column *c = &src->cols[col];
    assert(src->n_rows == dst->n_rows && c->data);
    eff_status st = add_column(dst, name, c->type, c->data, c->dict, err);
    if (st)
        return st;
    column *moved = &dst->cols[dst->n_cols - 1];
    moved->flags = c->flags;
    moved->labels = c->labels;
    moved->label = c->label;
    c->data = NULL;
    c->dict = NULL;
    c->labels = NULL;
    c->label = NULL;
    return EFF_OK;
}

uint64_t eff_table_cell_hash(const eff_table *t, size_t col, size_t row)
{
    const column *c = &t->cols[col];
    switch (c->type) {
    case EFF_TYPE_I64: return eff_hash_bytes((const int64_t *)c->data + row, 8);
    case EFF_TYPE_F64: {
        double v = ((const double *)c->data)[row];
        if (v == 0)
            v = 0; /* -0.0 and 0.0 are one key */
        return eff_hash_bytes(&v, 8);
    }
    case EFF_TYPE_DATE: return eff_hash_bytes((const int32_t *)c->data + row, 4);
    case EFF_TYPE_STR: {
        int32_t code = ((const int32_t *)c->data)[row];
        return eff_hash_bytes(eff_dict_str(c->dict, code), eff_dict_len(c->dict, code));
    }
    }
    return 0;
}

int eff_table_cell_equal(const eff_table *a, size_t ca, size_t ra, const eff_table *b, size_t cb,
                         size_t rb)
{
    const column *x = &a->cols[ca], *y = &b->cols[cb];
    switch (x->type) {
    case EFF_TYPE_I64: return ((const int64_t *)x->data)[ra] == ((const int64_t *)y->data)[rb];
    case EFF_TYPE_F64: return ((const double *)x->data)[ra] == ((const double *)y->data)[rb];
    case EFF_TYPE_DATE: return ((const int32_t *)x->data)[ra] == ((const int32_t *)y->data)[rb];
    case EFF_TYPE_STR: {
        int32_t i = ((const int32_t *)x->data)[ra], j = ((const int32_t *)y->data)[rb];
        if (x->dict == y->dict)
            return i == j;
        size_t n = eff_dict_len(x->dict, i);
        return n == eff_dict_len(y->dict, j) &&
               memcmp(eff_dict_str(x->dict, i), eff_dict_str(y->dict, j), n) == 0;
    }
    }
    return 0;
}
