/* csdid.c - the group-time ATT(g,t) of Callaway & Sant'Anna with DRDID's panel estimators
 * and their influence functions (csdid.h). Each ATT(g,t) is a 2x2 comparison: the change
 * dy = y_t - y_b of cohort g against that of its comparison units. The 2x2 functions follow
 * DRDID's reg_did_panel, std_ipw_did_panel and drdid_panel line by line (unit weights 1), so
 * that their influence functions are the same numbers, not only the same asymptotics. */
#include "csdid_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "design.h"
#include "glm.h"
#include "linalg.h"
#include "mem.h"

eff_cs_options eff_cs_options_default(void)
{
    eff_cs_options o = {EFF_CS_NEVER, EFF_CS_VARYING, EFF_CS_DR, 0, 999, 20111, 0.05};
    return o;
}

/* One 2x2: n rows, d 0/1, dy the change, w the unit weights normalised to mean 1 (DRDID's
 * i.weights), x n x p column-major with the intercept first. */
typedef struct cs_2x2 {
    size_t n, p;
    const double *d, *dy, *w, *x;
} cs_2x2;

/* mean_i v_i x_ij: DRDID's colMeans(v * int.cov)[j]. */
static double col_mean_w(const cs_2x2 *s, const double *v, size_t j)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += v[i] * s->x[j * s->n + i];
    return sum / (double)s->n;
}

static double mean_of(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return sum / (double)n;
}

/* Weighted least squares of dy on x among the comparison units: the fitted change for every
 * row (out_delta) and each row's linear representation w_i (1-d_i) e_i x_i' (X'WX / n)^-1
 * (p x n, a column per row). */
static eff_status cs_outcome_regression(const cs_2x2 *s, double *out_delta, double *lin_rep,
                                        eff_error *err)
{
    size_t nc = 0, n = s->n, p = s->p;
    for (size_t i = 0; i < n; i++)
        nc += s->d[i] == 0 && s->w[i] > 0;
    if (nc < p)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "%zu comparison units for %zu outcome-regression terms", nc, p);
    double *xc = eff_mallocarray(nc * p + nc + p + p * p, sizeof *xc);
    if (!xc)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double *yc = xc + nc * p, *b = yc + nc, *inv = b + p;
    for (size_t i = 0, r = 0; i < n; i++) {
        if (s->d[i] != 0 || !(s->w[i] > 0))
            continue;
        double sw = sqrt(s->w[i]);
        for (size_t j = 0; j < p; j++)
            xc[j * nc + r] = sw * s->x[j * n + i];
        yc[r++] = sw * s->dy[i];
    }
    eff_status st = eff_linalg_lsq(xc, nc, p, yc, b, inv, err);
    if (st == EFF_OK) {
        for (size_t i = 0; i < n; i++) {
            double f = 0;
            for (size_t j = 0; j < p; j++)
                f += s->x[j * n + i] * b[j];
            out_delta[i] = f;
            double e = s->w[i] * (1 - s->d[i]) * (s->dy[i] - f);
            for (size_t j = 0; j < p; j++) {
                double v = 0;
                for (size_t l = 0; l < p; l++)
                    v += s->x[l * n + i] * inv[l * p + j];
                lin_rep[i * p + j] = e * v * (double)n;
            }
        }
    } else {
        eff_error_prefix(err, "outcome regression among the comparison units");
    }
    eff_free(xc);
    return st;
}

/* The logit propensity score of d on x with weights w: fitted values (capped at 1 - 1e-6, as
 * DRDID) and each row's linear representation w_i (d_i - ps_i) x_i' n (X'WX)^-1 (p x n). */
static eff_status cs_pscore(const cs_2x2 *s, double *ps, double *lin_rep, eff_error *err)
{
    size_t n = s->n, p = s->p;
    eff_design *des = eff_design_new(n, p);
    if (!des)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(eff_design_x(des), s->x, n * p * sizeof *s->x);
    memcpy(eff_design_y(des), s->d, n * sizeof *s->d);
    eff_glm_options o = eff_glm_options_default();
    o.family = EFF_GLM_LOGIT;
    o.vcov = EFF_VCOV_IID;
    o.threads = 1;
    eff_ctx ctx = eff_ctx_default();
    eff_glm *g = NULL;
    eff_status st = eff_design_set_weights(des, s->w, err);
    if (st == EFF_OK)
        st = eff_glm_fit(des, &o, &ctx, &g, err);
    for (size_t j = 0; st == EFF_OK && j < p; j++)
        if (eff_glm_dropped(g, j))
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "covariate %zu is collinear in the propensity score", j);
    if (st == EFF_OK) {
        const double *b = eff_glm_coef(g), *v = eff_glm_vcov(g);
        for (size_t i = 0; i < n; i++) {
            double eta = 0;
            for (size_t j = 0; j < p; j++)
                eta += s->x[j * n + i] * b[j];
            double pi = 1 / (1 + exp(-eta));
            ps[i] = pi < 1 - 1e-6 ? pi : 1 - 1e-6;
            for (size_t j = 0; j < p; j++) {
                double r = 0;
                for (size_t l = 0; l < p; l++)
                    r += s->x[l * n + i] * v[l * p + j];
                lin_rep[i * p + j] = s->w[i] * (s->d[i] - ps[i]) * r * (double)n;
            }
        }
    } else {
        eff_error_prefix(err, "propensity score");
    }
    eff_glm_free(g);
    eff_design_free(des);
    return st;
}

/* sum_j lin_rep_ij m_j: a row's estimation-effect term. */
static double lin_dot(const double *lin_rep, size_t i, size_t p, const double *m)
{
    double v = 0;
    for (size_t j = 0; j < p; j++)
        v += lin_rep[i * p + j] * m[j];
    return v;
}

/* DRDID reg_did_panel. */
static eff_status cs_reg(const cs_2x2 *s, double *att, double *inf, double *work, eff_error *err)
{
    size_t n = s->n, p = s->p;
    double *out = work, *lin = out + n, *wt = lin + n * p, *m1 = wt + n;
    eff_status st = cs_outcome_regression(s, out, lin, err);
    if (st != EFF_OK)
        return st;
    double treat = 0, cont = 0;
    for (size_t i = 0; i < n; i++) {
        wt[i] = s->w[i] * s->d[i];
        treat += wt[i] * s->dy[i];
        cont += wt[i] * out[i];
    }
    double mw = mean_of(wt, n);
    double eta_treat = treat / (double)n / mw, eta_cont = cont / (double)n / mw;
    *att = eta_treat - eta_cont;
    for (size_t j = 0; j < p; j++)
        m1[j] = col_mean_w(s, wt, j);
    for (size_t i = 0; i < n; i++) {
        double inf_treat = wt[i] * (s->dy[i] - eta_treat) / mw;
        double inf_cont = (wt[i] * (out[i] - eta_cont) + lin_dot(lin, i, p, m1)) / mw;
        inf[i] = inf_treat - inf_cont;
    }
    return EFF_OK;
}

/* DRDID std_ipw_did_panel. */
static eff_status cs_ipw(const cs_2x2 *s, double *att, double *inf, double *work, eff_error *err)
{
    size_t n = s->n, p = s->p;
    double *ps = work, *lin = ps + n, *wc = lin + n * p, *wt = wc + n, *m2 = wt + n;
    eff_status st = cs_pscore(s, ps, lin, err);
    if (st != EFF_OK)
        return st;
    double treat = 0, cont = 0;
    for (size_t i = 0; i < n; i++) {
        wt[i] = s->w[i] * s->d[i];
        wc[i] = s->w[i] * ps[i] * (1 - s->d[i]) / (1 - ps[i]);
        treat += wt[i] * s->dy[i];
        cont += wc[i] * s->dy[i];
    }
    double mwt = mean_of(wt, n), mwc = mean_of(wc, n);
    double eta_treat = treat / (double)n / mwt, eta_cont = cont / (double)n / mwc;
    *att = eta_treat - eta_cont;
    for (size_t j = 0; j < p; j++) {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += wc[i] * (s->dy[i] - eta_cont) * s->x[j * n + i];
        m2[j] = sum / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        double inf_treat = wt[i] * (s->dy[i] - eta_treat) / mwt;
        double inf_cont = (wc[i] * (s->dy[i] - eta_cont) + lin_dot(lin, i, p, m2)) / mwc;
        inf[i] = inf_treat - inf_cont;
    }
    return EFF_OK;
}

/* DRDID drdid_panel (locally efficient doubly robust), with its trimming of comparison units
 * whose propensity score is 0.995 or more. */
static eff_status cs_dr(const cs_2x2 *s, double *att, double *inf, double *work, eff_error *err)
{
    size_t n = s->n, p = s->p;
    double *ps = work, *lin_ps = ps + n, *out = lin_ps + n * p, *lin_ols = out + n;
    double *wc = lin_ols + n * p, *wt = wc + n, *m = wt + n;
    double *m1 = m, *m2 = m + p, *m3 = m + 2 * p;
    eff_status st = cs_pscore(s, ps, lin_ps, err);
    if (st == EFF_OK)
        st = cs_outcome_regression(s, out, lin_ols, err);
    if (st != EFF_OK)
        return st;
    double treat = 0, cont = 0;
    for (size_t i = 0; i < n; i++) {
        double trim = s->d[i] == 1 ? (ps[i] < 1.01) : (ps[i] < 0.995);
        wt[i] = trim * s->w[i] * s->d[i];
        wc[i] = trim * s->w[i] * ps[i] * (1 - s->d[i]) / (1 - ps[i]);
        treat += wt[i] * (s->dy[i] - out[i]);
        cont += wc[i] * (s->dy[i] - out[i]);
    }
    double mwt = mean_of(wt, n), mwc = mean_of(wc, n);
    double eta_treat = treat / (double)n / mwt, eta_cont = cont / (double)n / mwc;
    *att = eta_treat - eta_cont;
    for (size_t j = 0; j < p; j++) {
        double s2 = 0;
        for (size_t i = 0; i < n; i++)
            s2 += wc[i] * (s->dy[i] - out[i] - eta_cont) * s->x[j * n + i];
        m1[j] = col_mean_w(s, wt, j);
        m2[j] = s2 / (double)n;
        m3[j] = col_mean_w(s, wc, j);
    }
    for (size_t i = 0; i < n; i++) {
        double e = s->dy[i] - out[i];
        double inf_treat = (wt[i] * (e - eta_treat) - lin_dot(lin_ols, i, p, m1)) / mwt;
        double inf_cont = (wc[i] * (e - eta_cont) + lin_dot(lin_ps, i, p, m2) -
                           lin_dot(lin_ols, i, p, m3)) / mwc;
        inf[i] = inf_treat - inf_cont;
    }
    return EFF_OK;
}

/* ---- the panel ---------------------------------------------------------------------- */

typedef struct cs_build {
    const eff_cs_panel *p;
    size_t *unit;            /* used unit -> panel unit */
    int *cohorts;
    size_t n_cohorts;
} cs_build;

static int unit_complete(const eff_cs_panel *p, size_t u)
{
    for (size_t t = 0; t < p->n_times; t++) {
        if (isnan(p->y[u * p->n_times + t]))
            return 0;
        for (size_t j = 0; j < p->k; j++)
            if (isnan(p->x[(u * p->n_times + t) * p->k + j]))
                return 0;
    }
    return 1;
}

static long time_index(const eff_cs_panel *p, int t)
{
    for (size_t i = 0; i < p->n_times; i++)
        if (p->times[i] == t)
            return (long)i;
    return -1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Which units are used, the cohorts, and the checks that do not depend on the 2x2s. */
static eff_status cs_select_units(eff_cs *cs, cs_build *b, eff_error *err)
{
    const eff_cs_panel *p = b->p;
    for (size_t t = 1; t < p->n_times; t++)
        if (p->times[t] <= p->times[t - 1])
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "periods must increase: %d follows %d", p->times[t],
                                 p->times[t - 1]);
    if (p->n_times < 2)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the panel has fewer than 2 periods");
    b->unit = eff_mallocarray(p->n_units + 1, sizeof *b->unit);
    b->cohorts = eff_mallocarray(p->n_units + 1, sizeof *b->cohorts);
    cs->group = eff_mallocarray(p->n_units + 1, sizeof *cs->group);
    if (!b->unit || !b->cohorts || !cs->group)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n_never = 0, n_raw = 0;
    int *raw = b->cohorts;
    for (size_t u = 0; u < p->n_units; u++) {
        int g = p->group[u];
        if (g != 0 && g > p->times[p->n_times - 1])
            g = 0; /* first treated after the panel: untreated throughout it, as in did */
        if (g != 0 && time_index(p, g) < 0)
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "unit %zu: cohort %d is not one of the periods", u + 1, g);
        if (g != 0)
            raw[n_raw++] = g;
        if (g != 0 && g <= p->times[0]) {
            cs->n_first++;
            continue;
        }
        if (!cs->opt.pairwise && !unit_complete(p, u)) {
            cs->n_dropped++;
            continue;
        }
        cs->group[cs->n] = g;
        n_never += g == 0;
        b->unit[cs->n++] = u;
    }
    qsort(raw, n_raw, sizeof *raw, cmp_int);
    size_t nc = 0;
    for (size_t i = 0; i < n_raw; i++)
        if ((nc == 0 || raw[nc - 1] != raw[i]) && raw[i] > p->times[0])
            raw[nc++] = raw[i];
    b->n_cohorts = nc;
    for (size_t c = 0; c < nc; c++) {
        size_t members = 0;
        for (size_t i = 0; i < cs->n; i++)
            members += cs->group[i] == raw[c];
        if (members == 0)
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "cohort %d has no units observed in every period (%zu units "
                                 "dropped for an unbalanced panel)", raw[c], cs->n_dropped);
    }
    if (nc == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "no treated cohort after the first period");
    if (cs->opt.control == EFF_CS_NEVER && n_never == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "no never-treated units (group 0) to compare with; use "
                             "not-yet-treated controls");
    return EFF_OK;
}

/* The 2x2 of cohort g at period t against base period b: its rows, and the influence function
 * of ATT(g,t) scaled by n / n_gt into column k. */
static eff_status cs_one(eff_cs *cs, const cs_build *b, int g, size_t ti, size_t bi,
                         eff_cs_att *a, double *inf_col, eff_error *err)
{
    const eff_cs_panel *p = b->p;
    size_t n = cs->n, pk = p->k + 1, T = p->n_times;
    int t = p->times[ti], base = p->times[bi], later = t > base ? t : base;
    size_t *rows = eff_mallocarray(n + 1, sizeof *rows);
    double *buf = eff_mallocarray(n * (pk + 3) + n * (6 + 2 * pk) + 4 * pk + 1, sizeof *buf);
    if (!rows || !buf) {
        eff_free(rows);
        eff_free(buf);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t u = b->unit[i];
        int gi = cs->group[i];
        int compare = gi == 0 || (cs->opt.control == EFF_CS_NOTYET && gi > later && gi != g);
        if (gi != g && !compare)
            continue;
        if (p->stack && p->stack[u] != g)
            continue;
        if (isnan(p->y[u * T + ti]) || isnan(p->y[u * T + bi]))
            continue;
        int x_ok = 1;
        for (size_t j = 0; j < p->k; j++)
            x_ok &= !isnan(p->x[(u * T + bi) * p->k + j]);
        if (x_ok)
            rows[m++] = i;
    }
    double *d = buf, *dy = d + m, *w = dy + m, *x = w + m, *work = x + m * pk;
    double w_sum = 0;
    for (size_t r = 0; r < m; r++)
        w_sum += p->weight ? p->weight[b->unit[rows[r]]] : 1;
    for (size_t r = 0; r < m; r++) {
        size_t i = rows[r], u = b->unit[i];
        d[r] = cs->group[i] == g;
        w[r] = (p->weight ? p->weight[u] : 1) / (w_sum / (double)m);
        dy[r] = p->y[u * T + ti] - p->y[u * T + bi];
        x[r] = 1;
        for (size_t j = 0; j < p->k; j++)
            x[(j + 1) * m + r] = p->x[(u * T + bi) * p->k + j];
        a->n_treated += d[r] == 1;
    }
    a->n_control = m - a->n_treated;
    eff_status st = EFF_OK;
    if (a->n_treated > 0 && a->n_control > 0) {
        double *inf = work + m * (5 + 2 * pk) + 4 * pk;
        cs_2x2 s = {m, pk, d, dy, w, x};
        st = cs->opt.method == EFF_CS_REG   ? cs_reg(&s, &a->att, inf, work, err)
             : cs->opt.method == EFF_CS_IPW ? cs_ipw(&s, &a->att, inf, work, err)
                                            : cs_dr(&s, &a->att, inf, work, err);
        if (st == EFF_OK) {
            a->estimated = 1;
            for (size_t r = 0; r < m; r++)
                inf_col[rows[r]] = (double)n / (double)m * inf[r];
        } else {
            eff_error_prefix(err, "ATT(%d,%d)", g, t);
        }
    } else if (a->n_treated > 0 && (p->stack || cs->opt.control == EFF_CS_NEVER)) {
        st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                           "cohort %d has no comparison units observed in %d and %d", g, base, t);
    }
    eff_free(rows);
    eff_free(buf);
    return st;
}

/* The ATT(g,t) to estimate, in did's order: cohort, then period. */
static eff_status cs_plan(eff_cs *cs, const cs_build *b, eff_error *err)
{
    const eff_cs_panel *p = b->p;
    cs->att = eff_calloc(b->n_cohorts * p->n_times + 1, sizeof *cs->att);
    if (!cs->att)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < b->n_cohorts; c++) {
        int g = b->cohorts[c];
        size_t gi = (size_t)time_index(p, g), last_pre = gi - 1;
        size_t first = cs->opt.base == EFF_CS_VARYING ? 1 : 0;
        for (size_t ti = first; ti < p->n_times; ti++) {
            eff_cs_att *a = &cs->att[cs->n_att++];
            a->group = g;
            a->time = p->times[ti];
            size_t bi = cs->opt.base == EFF_CS_VARYING && ti < gi ? ti - 1 : last_pre;
            a->base = p->times[bi];
            a->att = a->std_error = a->band_low = a->band_high = NAN;
            if (ti == bi)
                a->att = 0; /* the universal reference period */
        }
    }
    cs->inf = eff_calloc(cs->n * cs->n_att + 1, sizeof *cs->inf);
    return cs->inf ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
}

static eff_status cs_clusters(eff_cs *cs, const eff_cs_panel *p, const cs_build *b,
                              eff_error *err)
{
    cs->cluster = eff_mallocarray(cs->n + 1, sizeof *cs->cluster);
    if (!cs->cluster)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    cs->n_clusters = p->cluster ? p->n_clusters : cs->n;
    for (size_t i = 0; i < cs->n; i++) {
        int32_t c = p->cluster ? p->cluster[b->unit[i]] : (int32_t)i;
        if (c < 0 || (size_t)c >= cs->n_clusters)
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "unit %zu: cluster code %d outside 0..%zu", b->unit[i] + 1,
                                 (int)c, cs->n_clusters - 1);
        cs->cluster[i] = c;
    }
    cs->inf_cluster = eff_calloc(cs->n_clusters * cs->n_att + 1, sizeof *cs->inf_cluster);
    if (!cs->inf_cluster)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < cs->n_att; k++)
        eff_cs_cluster_sum(cs, cs->inf + k * cs->n, cs->inf_cluster + k * cs->n_clusters);
    return EFF_OK;
}

static eff_status cs_estimate(eff_cs *cs, const cs_build *b, eff_error *err)
{
    const eff_cs_panel *p = b->p;
    for (size_t k = 0; k < cs->n_att; k++) {
        eff_cs_att *a = &cs->att[k];
        if (a->time == a->base)
            continue;
        size_t ti = (size_t)time_index(p, a->time), bi = (size_t)time_index(p, a->base);
        eff_status st = cs_one(cs, b, a->group, ti, bi, a, cs->inf + k * cs->n, err);
        if (st != EFF_OK)
            return st;
    }
    eff_status st = cs_clusters(cs, p, b, err);
    if (st != EFF_OK)
        return st;
    double *se = eff_mallocarray(cs->n_att + 1, sizeof *se);
    if (!se)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < cs->n_att; k++) {
        eff_cs_att *a = &cs->att[k];
        se[k] = a->estimated ? eff_cs_se_of(cs, cs->inf_cluster + k * cs->n_clusters) : NAN;
        a->std_error = se[k];
    }
    double crit = NAN;
    st = eff_cs_band_crit(cs, cs->inf_cluster, se, cs->n_att, &crit, err);
    for (size_t k = 0; st == EFF_OK && k < cs->n_att; k++) {
        eff_cs_att *a = &cs->att[k];
        if (a->estimated && isfinite(crit)) {
            a->band_low = a->att - crit * a->std_error;
            a->band_high = a->att + crit * a->std_error;
        }
    }
    eff_free(se);
    return st;
}

eff_status eff_cs_fit(const eff_cs_panel *p, const eff_cs_options *opt, eff_cs **out,
                      eff_error *err)
{
    *out = NULL;
    if (p->k > 0 && !p->x)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "covariates announced but not given");
    eff_cs *cs = eff_calloc(1, sizeof *cs);
    if (!cs)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    cs->opt = opt ? *opt : eff_cs_options_default();
    cs_build b = {p, NULL, NULL, 0};
    eff_status st = cs_select_units(cs, &b, err);
    if (st == EFF_OK)
        st = cs_plan(cs, &b, err);
    if (st == EFF_OK)
        st = cs_estimate(cs, &b, err);
    eff_free(b.unit);
    eff_free(b.cohorts);
    if (st != EFF_OK) {
        eff_cs_free(cs);
        return st;
    }
    *out = cs;
    return EFF_OK;
}

void eff_cs_free(eff_cs *cs)
{
    if (!cs)
        return;
    eff_free(cs->cluster);
    eff_free(cs->group);
    eff_free(cs->att);
    eff_free(cs->inf);
    eff_free(cs->inf_cluster);
    eff_free(cs);
}

size_t eff_cs_n_att(const eff_cs *cs) { return cs->n_att; }
const eff_cs_att *eff_cs_att_at(const eff_cs *cs, size_t k) { return &cs->att[k]; }
size_t eff_cs_n_units(const eff_cs *cs) { return cs->n; }
size_t eff_cs_n_dropped(const eff_cs *cs) { return cs->n_dropped; }
size_t eff_cs_n_cohorts_dropped(const eff_cs *cs) { return cs->n_first; }
const double *eff_cs_influence(const eff_cs *cs, size_t k) { return cs->inf + k * cs->n; }

void eff_cs_cluster_sum(const eff_cs *cs, const double *f, double *out)
{
    memset(out, 0, cs->n_clusters * sizeof *out);
    for (size_t i = 0; i < cs->n; i++)
        out[cs->cluster[i]] += f[i];
}

double eff_cs_se_of(const eff_cs *cs, const double *cluster_sums)
{
    double ss = 0;
    for (size_t c = 0; c < cs->n_clusters; c++)
        ss += cluster_sums[c] * cluster_sums[c];
    return sqrt(ss) / (double)cs->n;
}
