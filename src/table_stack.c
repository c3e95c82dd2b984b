/* table_stack.c - row-wise stacking of tables with type unification and dictionary merging. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "table_internal.h"

typedef struct stack_col {
    const char *name; /* borrowed from the part that first has it */
    eff_type type;
    size_t first_part; /* where the type was decided, for messages */
} stack_col;

static eff_status plan_columns(const eff_table *const *parts, const char *const *names,
                               size_t n_parts, stack_col **out, size_t *n_out, eff_error *err)
{
    size_t cap = 16, n = 0;
    stack_col *cols = eff_calloc(cap, sizeof *cols);
    if (!cols)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory stacking tables");
    for (size_t p = 0; p < n_parts; p++) {
        for (size_t j = 0; j < eff_table_n_cols(parts[p]); j++) {
            const char *name = eff_table_col_name(parts[p], j);
            eff_type type = eff_table_col_type(parts[p], j);
            size_t k = 0;
            while (k < n && strcasecmp(cols[k].name, name) != 0)
                k++;
            if (k < n) {
                eff_type have = cols[k].type;
                int numeric = (have == EFF_TYPE_I64 || have == EFF_TYPE_F64) &&
                              (type == EFF_TYPE_I64 || type == EFF_TYPE_F64);
                if (have != type && !numeric) {
                    eff_error_set(err, EFF_EINVAL, names[p], 0, 0,
                                  "column \"%s\" is %s here but %s in %s", name,
                                  eff_type_name(type), eff_type_name(have),
                                  names[cols[k].first_part]);
                    eff_free(cols);
                    return EFF_EINVAL;
                }
                if (have != type)
                    cols[k].type = EFF_TYPE_F64;
                continue;
            }
            if (n == cap) {
                stack_col *grown = eff_reallocarray(cols, cap * 2, sizeof *cols);
                if (!grown) {
                    eff_free(cols);
                    return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory stacking tables");
                }
                cols = grown;
                cap *= 2;
            }
            cols[n++] = (stack_col){name, type, p};
        }
    }
    *out = cols;
    *n_out = n;
    return EFF_OK;
}

/* Copies part p's column (or missing values when absent) into dst[offset..]. */
static eff_status fill_part(const eff_table *part, long src, const stack_col *c, void *dst,
                            size_t offset, eff_dict *dict, eff_error *err)
{
    size_t n = eff_table_n_rows(part);
    eff_type from = src >= 0 ? eff_table_col_type(part, (size_t)src) : c->type;
    for (size_t i = 0; i < n; i++) {
        int na = src < 0 || eff_table_is_na(part, (size_t)src, i);
        switch (c->type) {
        case EFF_TYPE_I64:
            ((int64_t *)dst)[offset + i] = na ? EFF_I64_NA : eff_table_i64(part, (size_t)src)[i];
            break;
        case EFF_TYPE_F64:
            ((double *)dst)[offset + i] =
                na ? eff_f64_na()
                   : from == EFF_TYPE_I64 ? (double)eff_table_i64(part, (size_t)src)[i]
                                          : eff_table_f64(part, (size_t)src)[i];
            break;
        case EFF_TYPE_DATE:
            ((int32_t *)dst)[offset + i] = na ? EFF_DATE_NA : eff_table_date(part, (size_t)src)[i];
            break;
        case EFF_TYPE_STR: {
            int32_t code = EFF_STR_NA;
            if (!na) {
                const char *s = eff_table_str(part, (size_t)src, i);
                eff_status st = eff_dict_intern(dict, s, strlen(s), &code, err);
                if (st)
                    return st;
            }
            ((int32_t *)dst)[offset + i] = code;
            break;
        }
        }
    }
    return EFF_OK;
}

static eff_status build_column(const eff_table *const *parts, const char *const *names,
                               size_t n_parts, const stack_col *c, const eff_ctx *ctx,
                               eff_table *out, eff_error *err)
{
    size_t total = eff_table_n_rows(out), offset = 0;
    size_t size = c->type == EFF_TYPE_I64 || c->type == EFF_TYPE_F64 ? 8 : 4;
    void *data = eff_mallocarray(total ? total : 1, size);
    eff_dict *dict = c->type == EFF_TYPE_STR ? eff_dict_new() : NULL;
    eff_status st = !data || (c->type == EFF_TYPE_STR && !dict)
                        ? eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory stacking tables")
                        : EFF_OK;
    const eff_labels *labels = NULL;
    for (size_t p = 0; st == EFF_OK && p < n_parts; p++) {
        long src = eff_table_find(parts[p], c->name);
        if (src < 0 && eff_table_n_rows(parts[p]) > 0)
            eff_log(ctx, EFF_LOG_WARN, "%s has no column \"%s\": missing in its %zu rows",
                    names[p], c->name, eff_table_n_rows(parts[p]));
        if (src >= 0 && !labels)
            labels = eff_table_col_labels(parts[p], (size_t)src);
        st = fill_part(parts[p], src, c, data, offset, dict, err);
        offset += eff_table_n_rows(parts[p]);
    }
    if (st == EFF_OK) {
        switch (c->type) {
        case EFF_TYPE_I64: st = eff_table_add_i64(out, c->name, data, err); break;
        case EFF_TYPE_F64: st = eff_table_add_f64(out, c->name, data, err); break;
        case EFF_TYPE_DATE: st = eff_table_add_date(out, c->name, data, err); break;
        case EFF_TYPE_STR: st = eff_table_add_str(out, c->name, data, dict, err); break;
        }
    }
    if (st) {
        eff_free(data);
        eff_dict_release(dict);
        return st;
    }
    eff_table_set_col_labels(out, eff_table_n_cols(out) - 1, labels);
    return EFF_OK;
}

eff_status eff_table_stack(const eff_table *const *parts, const char *const *part_names,
                           size_t n_parts, const eff_ctx *ctx, eff_table **out, eff_error *err)
{
    stack_col *cols = NULL;
    size_t n_cols = 0, total = 0;
    eff_status st = plan_columns(parts, part_names, n_parts, &cols, &n_cols, err);
    if (st)
        return st;
    for (size_t p = 0; p < n_parts; p++)
        total += eff_table_n_rows(parts[p]);
    eff_table *t = eff_table_new(total);
    if (!t)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory stacking tables");
    for (size_t k = 0; st == EFF_OK && k < n_cols; k++)
        st = build_column(parts, part_names, n_parts, &cols[k], ctx, t, err);
    eff_free(cols);
    if (st) {
        eff_table_free(t);
        return st;
    }
    *out = t;
    return EFF_OK;
}
