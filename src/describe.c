/* describe.c - column summaries: missing counts, range, compensated mean, category counts. */
#include "describe.h"

#include <math.h>
#include <string.h>

#include "mem.h"

/* Neumaier's variant of Kahan summation: exact to the last bits for sums of millions. */
typedef struct ksum {
    double sum, comp;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->sum + x;
    if (fabs(k->sum) >= fabs(x))
        k->comp += (k->sum - t) + x;
    else
        k->comp += (x - t) + k->sum;
    k->sum = t;
}

static void summarise_numbers(const eff_table *t, size_t j, eff_col_summary *s)
{
    size_t n = eff_table_n_rows(t);
    ksum k = {0, 0};
    double lo = INFINITY, hi = -INFINITY;
    if (s->type == EFF_TYPE_I64) {
        const int64_t *v = eff_table_i64(t, j);
        for (size_t i = 0; i < n; i++) {
            if (v[i] == EFF_I64_NA)
                continue;
            double x = (double)v[i];
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            ksum_add(&k, x);
            s->present++;
        }
    } else {
        const double *v = eff_table_f64(t, j);
        for (size_t i = 0; i < n; i++) {
            if (isnan(v[i]))
                continue;
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
            ksum_add(&k, v[i]);
            s->present++;
        }
    }
    if (s->present) {
        s->min = lo;
        s->max = hi;
        s->mean = (k.sum + k.comp) / (double)s->present;
    }
}

static void summarise_dates(const eff_table *t, size_t j, eff_col_summary *s)
{
    const int32_t *v = eff_table_date(t, j);
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0, n = eff_table_n_rows(t); i < n; i++) {
        if (v[i] == EFF_DATE_NA)
            continue;
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
        s->present++;
    }
    if (s->present) {
        s->min = lo;
        s->max = hi;
    }
}

static eff_status summarise_strings(const eff_table *t, size_t j, eff_col_summary *s,
                                    eff_error *err)
{
    const int32_t *v = eff_table_codes(t, j);
    size_t n_codes = eff_dict_size(eff_table_dict(t, j));
    unsigned char *seen = eff_calloc(n_codes ? n_codes : 1, 1);
    if (!seen)
        return eff_error_set(err, EFF_ENOMEM, eff_table_source(t), 0, 0, "out of memory");
    for (size_t i = 0, n = eff_table_n_rows(t); i < n; i++) {
        if (v[i] < 0)
            continue;
        s->present++;
        s->categories += !seen[v[i]];
        seen[v[i]] = 1;
    }
    eff_free(seen);
    return EFF_OK;
}

eff_status eff_describe_table(const eff_table *t, eff_col_summary **out, eff_error *err)
{
    size_t nc = eff_table_n_cols(t);
    eff_col_summary *s = eff_calloc(nc ? nc : 1, sizeof *s);
    if (!s)
        return eff_error_set(err, EFF_ENOMEM, eff_table_source(t), 0, 0, "out of memory");
    for (size_t j = 0; j < nc; j++) {
        s[j].name = eff_table_col_name(t, j);
        s[j].type = eff_table_col_type(t, j);
        s[j].flags = eff_table_col_flags(t, j);
        s[j].min = s[j].max = s[j].mean = NAN;
        if (s[j].type == EFF_TYPE_I64 || s[j].type == EFF_TYPE_F64)
            summarise_numbers(t, j, &s[j]);
        else if (s[j].type == EFF_TYPE_DATE)
            summarise_dates(t, j, &s[j]);
        else if (summarise_strings(t, j, &s[j], err) != EFF_OK) {
            eff_free(s);
            return err ? err->status : EFF_ENOMEM;
        }
        s[j].missing = eff_table_n_rows(t) - s[j].present;
    }
    *out = s;
    return EFF_OK;
}
