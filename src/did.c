/* did.c - the event-study difference-in-differences (see did.h): the design built from the
 * panel, the fit through glm.c, and the per-event-time effects and pre-trend test. Owns the
 * design and the fitted model it keeps. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "did.h"
#include "mem.h"

struct eff_did {
    eff_design *design;
    eff_glm *glm;
    eff_did_effect *effects;
    size_t n_effects;
    size_t *delta_col;   /* per effect: its delta's term, SIZE_MAX when not estimable */
    size_t *rows;        /* design row -> panel row */
    double *att_grad;    /* per effect: the gradient of ATT_e (p entries) */
    eff_wald pretrend;
    eff_did_left_out left_out[64];
    size_t n_left_out;
    unsigned char cell_left_out[64]; /* by e - emin: that effect is not estimable */
};

/* A numeric column's value as a double (NaN when missing). */
static double num(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_is_na(t, col, row))
        return NAN;
    return eff_table_col_type(t, col) == EFF_TYPE_I64 ? (double)eff_table_i64(t, col)[row]
                                                       : eff_table_f64(t, col)[row];
}

static eff_status numeric_col(const eff_table *t, const char *name, size_t *col, eff_error *err)
{
    eff_status st = eff_table_col(t, name, col, err);
    if (st != EFF_OK)
        return st;
    eff_type type = eff_table_col_type(t, *col);
    if (type != EFF_TYPE_I64 && type != EFF_TYPE_F64)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, 0,
                             "column %s must be numeric for the event study, not %s", name,
                             eff_type_name(type));
    return EFF_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Dense codes 0..G-1 for the cluster column over the rows used. */
static eff_status cluster_codes(const eff_table *t, size_t col, const size_t *rows, size_t n,
                                int32_t *codes, size_t *n_clusters, eff_error *err)
{
    double *v = eff_mallocarray(n ? n : 1, sizeof *v);
    if (!v)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    int text = eff_table_col_type(t, col) == EFF_TYPE_STR;
    for (size_t i = 0; i < n; i++)
        v[i] = text ? (double)eff_table_codes(t, col)[rows[i]] : num(t, col, rows[i]);
    double *u = eff_mallocarray(n ? n : 1, sizeof *u);
    if (!u)
        return eff_free(v), eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(u, v, n * sizeof *u);
    qsort(u, n, sizeof *u, cmp_double);
    size_t g = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || u[i] != u[g - 1])
            u[g++] = u[i];
    for (size_t i = 0; i < n; i++)
        codes[i] = (int32_t)((double *)bsearch(&v[i], u, g, sizeof *u, cmp_double) - u);
    eff_free(v), eff_free(u);
    *n_clusters = g;
    return EFF_OK;
}

typedef struct cols {
    size_t y, treated, e, g, cluster, w, x[64];
} cols;

static eff_status resolve(const eff_table *t, const eff_did_spec *s, cols *c, eff_error *err)
{
    if (s->n_x > 64)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "at most 64 covariates");
    if (s->emax - s->emin >= 64)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "an event-time window of at most 64 "
                             "years");
    if (s->emin > -1 || s->emax < -1)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the event-time window %d..%d must hold the reference year -1",
                             s->emin, s->emax);
    eff_status st = numeric_col(t, s->y, &c->y, err);
    if (st == EFF_OK)
        st = numeric_col(t, s->treated, &c->treated, err);
    if (st == EFF_OK)
        st = numeric_col(t, s->event_time, &c->e, err);
    if (st == EFF_OK)
        st = numeric_col(t, s->cohort, &c->g, err);
    if (st == EFF_OK)
        st = eff_table_col(t, s->cluster, &c->cluster, err);
    if (st == EFF_OK && s->weights)
        st = numeric_col(t, s->weights, &c->w, err);
    for (size_t k = 0; st == EFF_OK && k < s->n_x; k++)
        st = numeric_col(t, s->x[k], &c->x[k], err);
    return st;
}

/* Rows in the window with every value present. */
static size_t usable_rows(const eff_table *t, const eff_did_spec *s, const cols *c, size_t *rows)
{
    size_t n = 0;
    for (size_t r = 0; r < eff_table_n_rows(t); r++) {
        double e = num(t, c->e, r);
        int ok = !isnan(e) && e >= s->emin && e <= s->emax && !isnan(num(t, c->y, r)) &&
                 !isnan(num(t, c->treated, r)) && !isnan(num(t, c->g, r)) &&
                 !eff_table_is_na(t, c->cluster, r) && (!s->weights || !isnan(num(t, c->w, r)));
        for (size_t k = 0; ok && k < s->n_x; k++)
            ok = !isnan(num(t, c->x[k], r));
        if (ok)
            rows[n++] = r;
    }
    return n;
}

/* The position among the non-reference event times (-1 for the reference). */
static int event_slot(int e, int emin)
{
    return e == -1 ? -1 : e < -1 ? e - emin : e - emin - 1;
}

typedef struct layout {
    size_t ne;          /* non-reference event times */
    size_t n_cohorts;   /* distinct cohorts; the first is the reference */
    double cohorts[64];
    size_t p;
} layout;

static size_t col_event(const layout *l, int slot) { (void)l; return 1 + (size_t)slot; }
static size_t col_treated(const layout *l) { return 1 + l->ne; }
static size_t col_delta(const layout *l, int slot) { return 2 + l->ne + (size_t)slot; }
static size_t col_cohort(const layout *l, size_t c) { return 1 + 2 * l->ne + c; }
static size_t col_x(const layout *l, size_t k) { return 2 * l->ne + l->n_cohorts + k + 1; }

static eff_status name_terms(eff_design *d, const eff_did_spec *s, const layout *l,
                             eff_error *err)
{
    char name[96];
    eff_status st = eff_design_set_term(d, 0, "(Intercept)", err);
    for (int e = s->emin; st == EFF_OK && e <= s->emax; e++) {
        int slot = event_slot(e, s->emin);
        if (slot < 0)
            continue;
        snprintf(name, sizeof name, "e=%d", e);
        st = eff_design_set_term(d, col_event(l, slot), name, err);
        snprintf(name, sizeof name, "treated:e=%d", e);
        if (st == EFF_OK)
            st = eff_design_set_term(d, col_delta(l, slot), name, err);
    }
    if (st == EFF_OK)
        st = eff_design_set_term(d, col_treated(l), "treated", err);
    for (size_t c = 1; st == EFF_OK && c < l->n_cohorts; c++) {
        snprintf(name, sizeof name, "g=%.0f", l->cohorts[c]);
        st = eff_design_set_term(d, col_cohort(l, c), name, err);
    }
    for (size_t k = 0; st == EFF_OK && k < s->n_x; k++)
        st = eff_design_set_term(d, col_x(l, k), s->x[k], err);
    return st;
}

static eff_status build_design(const eff_table *t, const eff_did_spec *s, const cols *c,
                               const size_t *rows, size_t n, const layout *l, eff_design **out,
                               eff_error *err)
{
    eff_design *d = eff_design_new(n, l->p);
    if (!d)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double *x = eff_design_x(d), *y = eff_design_y(d);
    memset(x, 0, n * l->p * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        size_t r = rows[i];
        int e = (int)num(t, c->e, r), slot = event_slot(e, s->emin);
        double treated = num(t, c->treated, r), g = num(t, c->g, r);
        y[i] = num(t, c->y, r);
        x[i] = 1;
        if (slot >= 0) {
            x[col_event(l, slot) * n + i] = 1;
            x[col_delta(l, slot) * n + i] = treated;
        }
        x[col_treated(l) * n + i] = treated;
        for (size_t k = 1; k < l->n_cohorts; k++)
            x[col_cohort(l, k) * n + i] = g == l->cohorts[k];
        for (size_t k = 0; k < s->n_x; k++)
            x[col_x(l, k) * n + i] = num(t, c->x[k], r);
    }
    eff_status st = name_terms(d, s, l, err);
    int32_t *codes = eff_mallocarray(n ? n : 1, sizeof *codes);
    size_t g = 0;
    if (st == EFF_OK && !codes)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK)
        st = cluster_codes(t, c->cluster, rows, n, codes, &g, err);
    if (st == EFF_OK)
        st = eff_design_set_clusters(d, codes, g, err);
    eff_free(codes);
    if (st == EFF_OK && s->weights) {
        double *w = eff_mallocarray(n ? n : 1, sizeof *w);
        if (!w)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; st == EFF_OK && i < n; i++)
            w[i] = num(t, c->w, rows[i]);
        if (st == EFF_OK)
            st = eff_design_set_weights(d, w, err);
        eff_free(w);
    }
    if (st != EFF_OK)
        return eff_design_free(d), st;
    *out = d;
    return EFF_OK;
}

static eff_status make_layout(const eff_table *t, const eff_did_spec *s, const cols *c,
                              const size_t *rows, size_t n, layout *l, eff_error *err)
{
    l->ne = (size_t)(s->emax - s->emin);
    l->n_cohorts = 0;
    for (size_t i = 0; i < n; i++) {
        double g = num(t, c->g, rows[i]);
        size_t k = 0;
        while (k < l->n_cohorts && l->cohorts[k] != g)
            k++;
        if (k == l->n_cohorts) {
            if (l->n_cohorts == 64)
                return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "more than 64 start cohorts");
            l->cohorts[l->n_cohorts++] = g;
        }
    }
    qsort(l->cohorts, l->n_cohorts, sizeof *l->cohorts, cmp_double);
    l->p = 2 + 2 * l->ne + (l->n_cohorts ? l->n_cohorts - 1 : 0) + s->n_x;
    return EFF_OK;
}

static eff_status effects(eff_did *res, const eff_did_spec *s, const layout *l, eff_error *err)
{
    size_t n = eff_design_n(res->design);
    const double *x = eff_design_xc(res->design);
    size_t *rows = eff_mallocarray(n ? n : 1, sizeof *rows);
    double r_mat[64 * 256];
    size_t q = 0;
    res->n_effects = (size_t)(s->emax - s->emin + 1);
    res->effects = eff_calloc(res->n_effects, sizeof *res->effects);
    res->delta_col = eff_mallocarray(res->n_effects, sizeof *res->delta_col);
    res->att_grad = eff_calloc(res->n_effects * l->p, sizeof *res->att_grad);
    if (!rows || !res->effects || !res->delta_col || !res->att_grad || l->p > 256)
        return eff_free(rows), eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = EFF_OK;
    for (int e = s->emin; st == EFF_OK && e <= s->emax; e++) {
        eff_did_effect *ef = &res->effects[e - s->emin];
        int slot = event_slot(e, s->emin);
        ef->event_time = e;
        ef->att = ef->att_se = NAN;
        res->delta_col[e - s->emin] = SIZE_MAX;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (x[col_treated(l) * n + i] != 1)
                continue;
            int at_e = slot < 0; /* the reference year is the row with no event dummy */
            for (int k = 0; k < (int)l->ne; k++)
                if (x[col_event(l, k) * n + i] == 1)
                    at_e = slot == k;
            if (at_e)
                rows[m++] = i;
        }
        ef->n_treated = m;
        if (slot < 0 || res->cell_left_out[e - s->emin] ||
            eff_glm_dropped(res->glm, col_delta(l, slot)) || m == 0) {
            ef->coef = eff_glm_coef_row(res->glm, slot < 0 ? 0 : col_delta(l, slot));
            ef->estimable = 0;
            if (slot < 0)
                ef->coef.estimate = 0, ef->coef.std_error = NAN;
            else if (res->cell_left_out[e - s->emin]) { /* a kept term measuring nothing */
                double nan = NAN;
                ef->coef = (eff_coef_row){nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
            }
            continue;
        }
        size_t j = col_delta(l, slot);
        double *grad = &res->att_grad[(size_t)(e - s->emin) * l->p];
        ef->estimable = 1;
        ef->coef = eff_glm_coef_row(res->glm, j);
        res->delta_col[e - s->emin] = j;
        st = eff_glm_average_effect_grad(res->glm, res->design, j, rows, m, &ef->att, grad, err);
        if (st == EFF_OK)
            ef->att_se = eff_glm_se_of(res->glm, grad);
        if (st == EFF_OK && e < -1) { /* the pre-trend test's row */
            memset(&r_mat[q * l->p], 0, l->p * sizeof *r_mat);
            r_mat[q * l->p + j] = 1;
            q++;
        }
    }
    res->pretrend = (eff_wald){NAN, 0, 0, NAN};
    if (st == EFF_OK && q > 0) {
        double zero[64] = {0};
        st = eff_glm_wald(res->glm, r_mat, zero, q, &res->pretrend, err);
    }
    eff_free(rows);
    return st;
}

/* The treated (or the controls) at event time e all with one outcome (no participant had a
 * leisure job two years before; no control mother enrolled that year): the estimate of that
 * delta (or of the event-time term it is measured against) would not exist. Their rows are
 * left out and the effect is reported as not estimable, as Stata leaves out the term and its
 * observations. */
static int leave_out_effect_cell(const eff_table *t, const eff_did_spec *s, int e, int treated,
                                 const cols *c, size_t *rows, size_t *n, eff_did *res)
{
    size_t count = 0, ones = 0;
    for (size_t i = 0; i < *n; i++)
        if (num(t, c->treated, rows[i]) == treated && num(t, c->e, rows[i]) == e)
            count++, ones += num(t, c->y, rows[i]) == 1;
    if (count == 0 || (ones != 0 && ones != count) || count == *n || res->n_left_out == 64)
        return 0;
    eff_did_left_out *lo = &res->left_out[res->n_left_out++];
    snprintf(lo->name, sizeof lo->name, "%s:e=%d", treated ? "treated" : "control", e);
    lo->value = 1, lo->outcome = ones != 0, lo->rows = count;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++)
        if (!(num(t, c->treated, rows[i]) == treated && num(t, c->e, rows[i]) == e))
            rows[kept++] = rows[i];
    *n = kept;
    res->cell_left_out[e - s->emin] = 1;
    return 1;
}

/* A 0/1 covariate one of whose values meets only one outcome (no western mother enrolled)
 * separates: the logit's estimate would not exist. As Stata's logit does, the covariate is
 * left out with the rows at that value, which the model predicts perfectly and which say
 * nothing about the other terms (R's glm reaches the same estimates of them while that
 * covariate's coefficient runs off to infinity). Repeated, since leaving rows out may make
 * another covariate separate. `s` is the caller's copy: its covariates are rewritten. */
static void leave_out_separating(const eff_table *t, eff_did_spec *s, const char **x_names,
                                 cols *c, size_t *rows, size_t *n, eff_did *res)
{
    for (int again = 1; again;) {
        again = 0;
        for (size_t k = 0; k < s->n_x && !again; k++) {
            size_t count[2] = {0, 0}, ones[2] = {0, 0};
            int binary = 1;
            for (size_t i = 0; i < *n && binary; i++) {
                double x = num(t, c->x[k], rows[i]);
                binary = x == 0 || x == 1;
                count[x == 1]++, ones[x == 1] += num(t, c->y, rows[i]) == 1;
            }
            for (int v = 0; binary && v < 2 && !again && count[0] && count[1]; v++) {
                if ((ones[v] != 0 && ones[v] != count[v]) || res->n_left_out == 64)
                    continue;
                eff_did_left_out *lo = &res->left_out[res->n_left_out++];
                snprintf(lo->name, sizeof lo->name, "%s", x_names[k]);
                lo->value = v, lo->outcome = ones[v] != 0, lo->rows = count[v];
                size_t kept = 0;
                for (size_t i = 0; i < *n; i++)
                    if (num(t, c->x[k], rows[i]) != v)
                        rows[kept++] = rows[i];
                *n = kept;
                for (size_t m = k; m + 1 < s->n_x; m++)
                    x_names[m] = x_names[m + 1], c->x[m] = c->x[m + 1];
                s->n_x--;
                again = 1;
            }
        }
        for (int e = s->emin; e <= s->emax && !again; e++)
            for (int treated = 1; treated >= 0 && !again; treated--)
                again = e != -1 && leave_out_effect_cell(t, s, e, treated, c, rows, n, res);
    }
}

eff_status eff_did_fit(const eff_table *panel, const eff_did_spec *spec_in, const eff_ctx *ctx,
                       eff_did **out, eff_error *err)
{
    eff_did_spec own = *spec_in;
    const eff_did_spec *spec = &own;
    const char *x_names[64];
    *out = NULL;
    cols c;
    eff_status st = resolve(panel, spec, &c, err);
    if (st != EFF_OK)
        return st;
    size_t *rows = eff_mallocarray(eff_table_n_rows(panel) + 1, sizeof *rows);
    eff_did *res = eff_calloc(1, sizeof *res);
    if (!rows || !res) {
        eff_free(rows), eff_free(res);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t n = usable_rows(panel, spec, &c, rows);
    for (size_t k = 0; k < own.n_x; k++)
        x_names[k] = own.x[k];
    own.x = x_names;
    if (own.leave_out_separating && own.family == EFF_GLM_LOGIT)
        leave_out_separating(panel, &own, x_names, &c, rows, &n, res);
    layout l;
    st = make_layout(panel, spec, &c, rows, n, &l, err);
    if (st == EFF_OK)
        st = build_design(panel, spec, &c, rows, n, &l, &res->design, err);
    res->rows = rows;
    if (st == EFF_OK) {
        eff_glm_options o = eff_glm_options_default();
        o.family = spec->family;
        o.vcov = EFF_VCOV_CLUSTER;
        st = eff_glm_fit(res->design, &o, ctx, &res->glm, err);
    }
    if (st == EFF_OK)
        st = effects(res, spec, &l, err);
    if (st != EFF_OK) {
        eff_did_free(res);
        return st;
    }
    *out = res;
    return EFF_OK;
}

void eff_did_free(eff_did *d)
{
    if (!d)
        return;
    eff_design_free(d->design);
    eff_glm_free(d->glm);
    eff_free(d->effects);
    eff_free(d->delta_col);
    eff_free(d->att_grad);
    eff_free(d->rows);
    eff_free(d);
}

double eff_did_delta_cov(const eff_did *d, size_t k, size_t l)
{
    if (k >= d->n_effects || l >= d->n_effects || d->delta_col[k] == SIZE_MAX ||
        d->delta_col[l] == SIZE_MAX)
        return NAN;
    return eff_glm_vcov(d->glm)[d->delta_col[k] * eff_glm_p(d->glm) + d->delta_col[l]];
}

double eff_did_att_cov(const eff_did *d, size_t k, size_t l)
{
    if (k >= d->n_effects || l >= d->n_effects || d->delta_col[k] == SIZE_MAX ||
        d->delta_col[l] == SIZE_MAX)
        return NAN;
    size_t p = eff_glm_p(d->glm);
    return eff_glm_cov_of(d->glm, &d->att_grad[k * p], &d->att_grad[l * p]);
}

size_t eff_did_n_effects(const eff_did *d)
{
    return d->n_effects;
}

const eff_did_effect *eff_did_effect_at(const eff_did *d, size_t k)
{
    return k < d->n_effects ? &d->effects[k] : NULL;
}

eff_wald eff_did_pretrend(const eff_did *d)
{
    return d->pretrend;
}

const eff_glm *eff_did_model(const eff_did *d)
{
    return d->glm;
}

size_t eff_did_n_obs(const eff_did *d)
{
    return eff_design_n(d->design);
}

size_t eff_did_n_left_out(const eff_did *d) { return d->n_left_out; }
const eff_did_left_out *eff_did_left_out_at(const eff_did *d, size_t k)
{
    return k < d->n_left_out ? &d->left_out[k] : NULL;
}

const eff_design *eff_did_design(const eff_did *d) { return d->design; }
size_t eff_did_panel_row(const eff_did *d, size_t i) { return d->rows[i]; }
size_t eff_did_delta_term(const eff_did *d, size_t k)
{
    return k < d->n_effects ? d->delta_col[k] : SIZE_MAX;
}
