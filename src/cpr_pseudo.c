/* cpr_pseudo.c - a table's CPR column replaced by keyed pseudonyms (cpr.h).
 * Builds a new table: every other column copied with its metadata, in order; the CPR column
 * becomes 16 hex digits per value. Error messages name the file, row and column, never the
 * value. */
#include "cpr.h"
#include "cpr_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

static size_t type_size(eff_type type)
{
    return type == EFF_TYPE_I64 ? sizeof(int64_t)
           : type == EFF_TYPE_F64 ? sizeof(double) : sizeof(int32_t);
}

static const void *col_data(const eff_table *t, size_t col)
{
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64: return eff_table_i64(t, col);
    case EFF_TYPE_F64: return eff_table_f64(t, col);
    case EFF_TYPE_DATE: return eff_table_date(t, col);
    default: return eff_table_codes(t, col);
    }
}

/* Appends a copy of column `col` of `t` to `dst`, with its labels, description and flags. */
static eff_status copy_column(const eff_table *t, size_t col, eff_table *dst, eff_error *err)
{
    size_t n = eff_table_n_rows(t), j = eff_table_n_cols(dst);
    eff_type type = eff_table_col_type(t, col);
    const char *name = eff_table_col_name(t, col);
    void *data = eff_mallocarray(n ? n : 1, type_size(type));
    if (!data)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory copying a column");
    if (n)
        memcpy(data, col_data(t, col), n * type_size(type));
    eff_status st;
    switch (type) {
    case EFF_TYPE_I64: st = eff_table_add_i64(dst, name, data, err); break;
    case EFF_TYPE_F64: st = eff_table_add_f64(dst, name, data, err); break;
    case EFF_TYPE_DATE: st = eff_table_add_date(dst, name, data, err); break;
    default: {
        eff_dict *d = eff_dict_retain((eff_dict *)eff_table_dict(t, col));
        st = eff_table_add_str(dst, name, data, d, err);
        if (st)
            eff_dict_release(d);
    }
    }
    if (st) {
        eff_free(data);
        return st;
    }
    eff_table_set_col_flags(dst, j, eff_table_col_flags(t, col));
    eff_table_set_col_labels(dst, j, eff_table_col_labels(t, col));
    return eff_table_set_col_label(dst, j, eff_table_col_label(t, col), err);
}

/* Parses row r's value and decides what becomes of it: 1 to pseudonymise (digits filled),
 * 0 to leave missing, or an error. */
static eff_status judge(const eff_table *t, size_t col, size_t r, const eff_cpr_pseudo_options *opt,
                        eff_cpr_pseudo_stats *s, char digits[11], eff_error *err)
{
    const char *v = eff_table_str(t, col, r);
    eff_cpr_info info;
    eff_cpr_reason why = eff_cpr_parse(v, v ? strlen(v) : 0, &info);
    digits[0] = '\0';
    if (why == EFF_CPR_MISSING) {
        s->missing++;
        return EFF_OK;
    }
    if (why != EFF_CPR_VALID && !opt->allow_invalid)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2, (long)col + 1,
                             "column \"%s\", data row %zu: %s (expected DDMMYY-SSSS or "
                             "DDMMYYSSSS with a real birth date; --allow-invalid passes it)",
                             eff_table_col_name(t, col), r + 1,
                             why == EFF_CPR_FORMAT ? "not a CPR number"
                                                   : "a CPR number with an impossible date");
    if (why == EFF_CPR_FORMAT) {
        s->dropped++;
        return EFF_OK;
    }
    s->invalid_dates += why == EFF_CPR_DATE;
    memcpy(digits, info.digits, 11);
    return EFF_OK;
}

/* The pseudonyms of column `col` as codes into a new dictionary; collisions checked. */
static eff_status pseudonyms(const eff_table *t, size_t col, const eff_cpr_key *key,
                             const eff_cpr_pseudo_options *opt, int32_t *codes, eff_dict *d,
                             eff_cpr_pseudo_stats *s, eff_error *err)
{
    size_t n = eff_table_n_rows(t);
    uint64_t *ids = eff_mallocarray(n ? n : 1, sizeof *ids);
    char (*cprs)[11] = eff_mallocarray(n ? n : 1, sizeof *cprs);
    eff_status st = ids && cprs ? EFF_OK
                                : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        codes[r] = EFF_STR_NA;
        ids[r] = 0;
        st = judge(t, col, r, opt, s, cprs[r], err);
        if (st || !cprs[r][0])
            continue;
        char hex[17];
        ids[r] = eff_cpr_pseudonym(key, cprs[r]);
        snprintf(hex, sizeof hex, "%016" PRIx64, ids[r]);
        st = eff_dict_intern(d, hex, 16, &codes[r], err);
        s->pseudonymised++;
    }
    if (st == EFF_OK)
        st = eff_cpr_check_collisions(ids, (const char(*)[11])cprs, n, eff_table_source(t),
                                      err);
    if (cprs)
        memset(cprs, 0, (n ? n : 1) * sizeof *cprs); /* no CPR numbers left in freed memory */
    eff_free(cprs);
    eff_free(ids);
    return st;
}

static eff_status add_pseudonyms(const eff_table *t, size_t col, const eff_cpr_key *key,
                                 const eff_cpr_pseudo_options *opt, eff_table *dst,
                                 eff_cpr_pseudo_stats *s, eff_error *err)
{
    size_t n = eff_table_n_rows(t);
    int32_t *codes = eff_mallocarray(n ? n : 1, sizeof *codes);
    eff_dict *d = eff_dict_new();
    eff_status st = codes && d ? pseudonyms(t, col, key, opt, codes, d, s, err)
                               : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK && (st = eff_table_add_str(dst, eff_table_col_name(t, col), codes, d,
                                                err)) == EFF_OK)
        return EFF_OK;
    eff_free(codes);
    eff_dict_release(d);
    return st;
}

eff_status eff_cpr_pseudonymise(const eff_table *t, const char *column, const eff_cpr_key *key,
                                const eff_cpr_pseudo_options *opt, eff_table **out,
                                eff_cpr_pseudo_stats *stats, eff_error *err)
{
    static const eff_cpr_pseudo_options strict = {0};
    size_t col;
    eff_status st = cpr_text_column(t, column, &col, err);
    if (st)
        return st;
    eff_cpr_pseudo_stats s = {.rows = eff_table_n_rows(t)};
    eff_table *r = eff_table_new(eff_table_n_rows(t));
    if (!r)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; st == EFF_OK && k < eff_table_n_cols(t); k++)
        st = k == col ? add_pseudonyms(t, col, key, opt ? opt : &strict, r, &s, err)
                      : copy_column(t, k, r, err);
    if (st == EFF_OK && eff_table_source(t))
        st = eff_table_set_source(r, eff_table_source(t), err);
    if (st) {
        eff_table_free(r);
        return st;
    }
    *out = r;
    if (stats)
        *stats = s;
    return EFF_OK;
}
