/* pscore.c - rows, treatment, propensity score, distance and exact strata for matching. */
#include "pscore.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "design.h"
#include "glm.h"
#include "mem.h"

void eff_pscore_free(eff_pscore *p)
{
    if (!p)
        return;
    eff_free(p->rows);
    eff_free(p->treat);
    eff_free(p->score);
    eff_free(p->distance);
    eff_free(p->strata);
    eff_free(p);
}

static double value_at(const eff_table *t, size_t j, size_t i)
{
    switch (eff_table_col_type(t, j)) {
    case EFF_TYPE_I64: return (double)eff_table_i64(t, j)[i];
    case EFF_TYPE_F64: return eff_table_f64(t, j)[i];
    case EFF_TYPE_DATE: return (double)eff_table_date(t, j)[i];
    default: return NAN;
    }
}

/* Rows with every needed column present. */
static eff_status usable_rows(const eff_table *t, const eff_pscore_spec *s, unsigned char *keep,
                              eff_error *err)
{
    size_t n = eff_table_n_rows(t), col;
    memset(keep, 1, n);
    const char *fixed[2] = {s->treat, s->score};
    for (int k = 0; k < 2; k++) {
        if (!fixed[k])
            continue;
        eff_status st = eff_table_col(t, fixed[k], &col, err);
        if (st)
            return st;
        for (size_t i = 0; i < n; i++)
            keep[i] &= !eff_table_is_na(t, col, i);
    }
    const char *const *lists[2] = {s->covariates, s->exact};
    size_t counts[2] = {s->n_covariates, s->n_exact};
    for (int l = 0; l < 2; l++)
        for (size_t k = 0; k < counts[l]; k++) {
            char name[256];
            eff_design_split_term(lists[l][k], name, sizeof name);
            eff_status st = eff_table_col(t, name, &col, err);
            if (st)
                return st;
            for (size_t i = 0; i < n; i++)
                keep[i] &= !eff_table_is_na(t, col, i);
        }
    return EFF_OK;
}

static eff_status check_treatment(const eff_table *t, const eff_pscore *p, size_t col,
                                  eff_error *err)
{
    if (eff_table_col_type(t, col) == EFF_TYPE_STR)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                             "treatment \"%s\" is text; it must be 0 or 1",
                             eff_table_col_name(t, col));
    size_t treated = 0;
    for (size_t r = 0; r < p->n; r++) {
        double v = value_at(t, col, p->rows[r]);
        if (v != 0 && v != 1)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                                 "treatment \"%s\" must be 0 or 1; data row %zu has %.15g",
                                 eff_table_col_name(t, col), p->rows[r] + 1, v);
        p->treat[r] = v == 1;
        treated += v == 1;
    }
    if (treated == 0 || treated == p->n)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                             "there are no %s rows to match", treated ? "control" : "treated");
    return EFF_OK;
}

static eff_status check_covariates(const eff_table *t, const eff_pscore_spec *s,
                                   const eff_pscore *p, eff_error *err)
{
    for (size_t k = 0; k < s->n_covariates; k++) {
        char name[256];
        eff_design_split_term(s->covariates[k], name, sizeof name);
        size_t col;
        eff_table_col(t, name, &col, NULL);
        int constant = 1;
        for (size_t r = 1; r < p->n && constant; r++) {
            size_t i = p->rows[r], i0 = p->rows[0];
            constant = eff_table_col_type(t, col) == EFF_TYPE_STR
                           ? eff_table_codes(t, col)[i] == eff_table_codes(t, col)[i0]
                           : value_at(t, col, i) == value_at(t, col, i0);
        }
        if (constant)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                                 "covariate \"%s\" is constant: it cannot tell the groups apart",
                                 name);
    }
    return EFF_OK;
}

/* The logit of treatment on the covariates, fitted on the usable rows; score = p-hat. */
static eff_status model_score(const eff_table *t, const eff_pscore_spec *s, eff_pscore *p,
                              const eff_ctx *ctx, eff_error *err)
{
    eff_table *sub = NULL;
    int64_t *rows = eff_mallocarray(p->n, sizeof *rows);
    if (!rows)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < p->n; r++)
        rows[r] = (int64_t)p->rows[r];
    eff_status st = eff_table_take(t, rows, p->n, &sub, err);
    eff_free(rows);
    eff_design *d = NULL;
    eff_glm *g = NULL;
    if (!st) {
        eff_design_spec ds = {s->treat, s->covariates, s->n_covariates, 0, NULL, NULL, NULL};
        st = eff_design_from_table(sub, &ds, &d, err);
    }
    if (!st) {
        eff_glm_options o = eff_glm_options_default();
        o.family = EFF_GLM_LOGIT;
        st = eff_glm_fit(d, &o, ctx, &g, err);
        if (st)
            eff_error_prefix(err, "the propensity model");
    }
    for (size_t i = 0; !st && i < p->n; i++) {
        double eta = 0;
        for (size_t j = 0; j < eff_glm_p(g); j++)
            if (!eff_glm_dropped(g, j))
                eta += eff_design_xc(d)[j * p->n + i] * eff_glm_coef(g)[j];
        p->score[i] = 1 / (1 + exp(-eta));
        p->distance[i] = eta;
    }
    eff_glm_free(g);
    eff_design_free(d);
    eff_table_free(sub);
    return st;
}

/* A stratum's key: each exact column's value as raw bytes (integers as their 8 bytes, so ids
 * past 2^53 stay apart; -0 and 0 as one double; text by its code). */
static void key_part(const eff_table *t, size_t col, size_t row, char *out)
{
    memset(out, 0, 8);
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64: memcpy(out, eff_table_i64(t, col) + row, 8); break;
    case EFF_TYPE_F64: {
        double v = eff_table_f64(t, col)[row];
        if (v == 0)
            v = 0;
        memcpy(out, &v, 8);
        break;
    }
    case EFF_TYPE_DATE: memcpy(out, eff_table_date(t, col) + row, 4); break;
    case EFF_TYPE_STR: memcpy(out, eff_table_codes(t, col) + row, 4); break;
    }
}

static eff_status build_strata(const eff_table *t, const eff_pscore_spec *s, eff_pscore *p,
                               eff_error *err)
{
    if (!s->n_exact)
        return EFF_OK;
    size_t *cols = eff_mallocarray(s->n_exact, sizeof *cols);
    eff_dict *keys = eff_dict_new();
    p->strata = eff_mallocarray(p->n, sizeof *p->strata);
    char *key = eff_mallocarray(s->n_exact, 8);
    eff_status st = cols && keys && p->strata && key
                        ? EFF_OK
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; !st && k < s->n_exact; k++) {
        char name[256];
        eff_design_split_term(s->exact[k], name, sizeof name);
        st = eff_table_col(t, name, &cols[k], err);
    }
    for (size_t r = 0; !st && r < p->n; r++) {
        for (size_t k = 0; k < s->n_exact; k++)
            key_part(t, cols[k], p->rows[r], key + 8 * k);
        st = eff_dict_intern(keys, key, 8 * s->n_exact, &p->strata[r], err);
    }
    if (!st)
        p->n_strata = eff_dict_size(keys);
    eff_dict_release(keys);
    eff_free(key);
    eff_free(cols);
    return st;
}

static eff_status fill(const eff_table *t, const eff_pscore_spec *s, eff_pscore *p,
                       const eff_ctx *ctx, eff_error *err)
{
    size_t col;
    eff_status st = eff_table_col(t, s->treat, &col, err);
    if (!st)
        st = check_treatment(t, p, col, err);
    if (!st)
        st = check_covariates(t, s, p, err);
    if (!st && s->score) {
        eff_table_col(t, s->score, &col, NULL);
        for (size_t r = 0; r < p->n; r++) {
            double v = value_at(t, col, p->rows[r]);
            p->score[r] = v;
            if (s->logit_distance && !(v > 0 && v < 1))
                return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                                     "score %.15g in data row %zu is not in (0, 1): no logit", v,
                                     p->rows[r] + 1);
            p->distance[r] = s->logit_distance ? log(v / (1 - v)) : v;
        }
    } else if (!st) {
        st = model_score(t, s, p, ctx, err);
        for (size_t r = 0; !st && !s->logit_distance && r < p->n; r++)
            p->distance[r] = p->score[r];
    }
    if (!st)
        st = build_strata(t, s, p, err);
    return st;
}

eff_status eff_pscore_build(const eff_table *t, const eff_pscore_spec *spec, const eff_ctx *ctx,
                            eff_pscore **out, eff_error *err)
{
    size_t n = eff_table_n_rows(t);
    unsigned char *keep = eff_malloc(n);
    eff_pscore *p = eff_calloc(1, sizeof *p);
    eff_status st = keep && p ? usable_rows(t, spec, keep, err)
                              : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        for (size_t i = 0; i < n; i++)
            p->n += keep[i];
        p->n_dropped = n - p->n;
        p->rows = eff_mallocarray(p->n, sizeof *p->rows);
        p->treat = eff_mallocarray(p->n, 1);
        p->score = eff_mallocarray(p->n, sizeof *p->score);
        p->distance = eff_mallocarray(p->n, sizeof *p->distance);
        if (!p->rows || !p->treat || !p->score || !p->distance)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!st && p->n == 0)
        st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                           "no rows left after dropping those with missing values");
    for (size_t i = 0, r = 0; !st && i < n; i++)
        if (keep[i])
            p->rows[r++] = i;
    if (!st)
        st = fill(t, spec, p, ctx, err);
    eff_free(keep);
    if (st) {
        eff_pscore_free(p);
        return st;
    }
    *out = p;
    return EFF_OK;
}
