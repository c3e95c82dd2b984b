/* eval_model.c - the matched panel and the event study of one subgroup (eval.h steps 4-5):
 * every matched person in the years g+e of the window where the outcome is observed, the
 * covariates in g-1 (never the outcome), the seed's DiD (did.h), the counts behind each
 * treated x event-time cell (for disclosure), and the typical person's predicted paths. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval_internal.h"
#include "mem.h"

typedef struct sg_panel {
    eff_table *t;
    const char *x_names[EFF_EVAL_MAX_COV + 160];
    size_t n_x;
    const char *const_names[EFF_EVAL_MAX_COV]; /* model covariates constant here */
    double const_values[EFF_EVAL_MAX_COV];
    size_t n_const;
} sg_panel;

/* The code a subgroup COLUMN=VALUE selects, or -1 (for "all": -2). *col is the exact index. */
static int32_t subgroup_code(const eval_job *j, const char *id, size_t *col)
{
    if (strcmp(id, "all") == 0)
        return -2;
    const char *eq = strchr(id, '=');
    for (size_t k = 0; k < j->iv->n_exact; k++) {
        const char *name = j->iv->exact[k];
        if (strlen(name) != (size_t)(eq - id) || strncasecmp(name, id, (size_t)(eq - id)) != 0)
            continue;
        *col = k;
        if (strcasecmp(name, j->c->columns[EFF_COL_SEX]) == 0)
            return eq[1] == 'M' || eq[1] == 'K' ? eq[1] : -1;
        int x = eff_persons_extra_index(j->p, name);
        return x < 0 ? -1 : eff_persons_extra_code(j->p, x, eq + 1);
    }
    return -1;
}

int eval_in_subgroup(const eval_job *j, const eval_unit *u, size_t col, int32_t code)
{
    if (code == -2)
        return 1;
    const char *name = j->iv->exact[col];
    if (strcasecmp(name, j->c->columns[EFF_COL_SEX]) == 0) {
        const eff_py *q = eff_persons_at(j->p, u->person, u->g - 1);
        return q && q->sex == code;
    }
    return eff_persons_extra_at(j->p, eff_persons_extra_index(j->p, name), u->person,
                                u->g - 1) == code;
}

static int observed_throughout(const eval_job *j, const eval_unit *u)
{
    for (int e = j->iv->emin; e <= j->iv->emax; e++)
        if (isnan(eval_outcome(j->p, j->iv->outcome, u->person, u->g + e)))
            return 0;
    return 1;
}

typedef struct sg_units {
    const eval_unit **u;
    size_t n;
} sg_units;

/* Chooses the cluster column's values: the matched set when every person of the subgroup is
 * in exactly one set (it nests the person), else the person; or as configured. */
static eff_status cluster_kind(const eval_job *j, const sg_units *su, eff_cluster_kind *kind,
                               eff_error *err)
{
    *kind = j->iv->cluster;
    if (*kind != EFF_CLUSTER_AUTO)
        return EFF_OK;
    size_t n = eff_persons_n(j->p);
    int32_t *set_of = eff_mallocarray(n ? n : 1, sizeof *set_of);
    if (!set_of)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < su->n; i++)
        set_of[su->u[i]->person] = -1;
    *kind = EFF_CLUSTER_SET;
    for (size_t i = 0; i < su->n; i++) {
        int32_t *s = &set_of[su->u[i]->person];
        if (*s >= 0 && *s != su->u[i]->set)
            *kind = EFF_CLUSTER_PERSON;
        *s = su->u[i]->set;
    }
    eff_free(set_of);
    return EFF_OK;
}

static int64_t cluster_of(eff_cluster_kind kind, const eval_unit *u)
{
    return kind == EFF_CLUSTER_PERSON ? u->person : kind == EFF_CLUSTER_PLAN ? u->plan : u->set;
}

/* Model columns beyond the covariates in g-1: cohort x event-time dummies (time_effects =
 * cohort_x_event) and the current covariates, measured in the observation's year. */
typedef enum xkind { X_INTER, X_AGE, X_CLASS, X_NOT_ENROLLED } xkind;
typedef struct extra_col {
    xkind kind;
    int a, b;
    int lo, hi;   /* age or class: values outside are coded as the nearest of these */
    char name[32];
} extra_col;

enum { MAX_EXTRA = 160 };

static double extra_value(const eval_job *j, const extra_col *x, const eval_unit *u, int e)
{
    if (x->kind == X_INTER)
        return u->g == x->a && e == x->b;
    const eff_py *q = eff_persons_at(j->p, u->person, u->g + e);
    if (!q)
        return NAN;
    int v = x->kind == X_AGE ? q->age : q->school_class;
    switch (x->kind) {
    case X_AGE:
    case X_CLASS: return v < 0 ? NAN : (v < x->lo ? x->lo : v > x->hi ? x->hi : v) == x->a;
    default: return q->enrolled < 0 ? NAN : !q->enrolled;
    }
}

/* Dummies for the values seen (observed outcome) of a current age or class, the smallest
 * value the reference. Values at either end join their neighbour while they are sparse
 * (under 2% of the observations), as a dummy for a handful of observations invites
 * separation, or while a 0/1 outcome is the same in all their observations (no 13-year-old
 * with a leisure job), as their dummy would separate: the maximum likelihood estimate would
 * not exist, where Stata drops the observations and fixest the fixed-effect group. */
static size_t level_dummies(const eval_job *j, const sg_units *su, xkind kind, extra_col *out,
                            size_t max)
{
    long seen[131] = {0}, ones[131] = {0}, total = 0;
    int binary = j->iv->outcome->kind != EFF_OUTCOME_VALUE;
    for (size_t i = 0; i < su->n; i++)
        for (int e = j->iv->emin; e <= j->iv->emax; e++) {
            const eval_unit *u = su->u[i];
            const eff_py *q = eff_persons_at(j->p, u->person, u->g + e);
            double y = q ? eval_outcome(j->p, j->iv->outcome, u->person, u->g + e) : NAN;
            if (isnan(y))
                continue;
            int v = kind == X_AGE ? q->age : q->school_class;
            if (v >= 0 && v <= 130)
                seen[v]++, ones[v] += y == 1, total++;
        }
    int lo = 0, hi = 130;
    long below = seen[0], below1 = ones[0], above = seen[130], above1 = ones[130];
    /* pooled ends: lo..(lo) and (hi)..130 */
    while (lo < 130 && (below * 50 < total || (binary && (below1 == 0 || below1 == below)))) {
        lo++;
        below += seen[lo], below1 += ones[lo];
    }
    while (hi > lo && (above * 50 < total || (binary && (above1 == 0 || above1 == above)))) {
        hi--;
        above += seen[hi], above1 += ones[hi];
    }
    size_t n = 0;
    for (int v = lo + 1; v <= hi && n < max; v++) {
        if (!seen[v])
            continue;
        out[n] = (extra_col){kind, v, 0, lo, hi, ""};
        snprintf(out[n++].name, 32, "%s=%d", kind == X_AGE ? "age_now" : "class_now", v);
    }
    return n;
}

static size_t extra_columns(const eval_job *j, const sg_units *su, extra_col *out, size_t max)
{
    size_t n = 0;
    if (j->iv->cohort_x_event) {
        int have[64] = {0}, lo = j->c->year_first, first = 1;
        for (size_t i = 0; i < su->n; i++)
            if (su->u[i]->g - lo >= 0 && su->u[i]->g - lo < 64)
                have[su->u[i]->g - lo] = 1;
        for (int g = 0; g < 64; g++) {
            if (!have[g])
                continue;
            if (first) { /* the reference cohort has no interactions */
                first = 0;
                continue;
            }
            for (int e = j->iv->emin; e <= j->iv->emax && n < max; e++)
                if (e != -1) {
                    out[n] = (extra_col){X_INTER, g + lo, e, 0, 0, ""};
                    snprintf(out[n++].name, 32, "g=%d:e=%d", g + lo, e);
                }
        }
    }
    for (size_t k = 0; k < j->iv->n_current; k++) {
        const char *c = j->iv->current[k];
        if (strcmp(c, "not_enrolled") == 0 && n < max) {
            out[n] = (extra_col){X_NOT_ENROLLED, 0, 0, 0, 0, "not_enrolled"};
            n++;
        } else if (strcmp(c, "age_years") == 0 || strcmp(c, "class") == 0) {
            n += level_dummies(j, su, strcmp(c, "class") == 0 ? X_CLASS : X_AGE, out + n,
                               max - n);
        }
    }
    return n;
}

static eff_status add_f64(sg_panel *sp, const char *name, double *v, size_t n, int model_cov,
                          eff_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
    if (!(hi > lo)) {
        if (model_cov && sp->n_const < EFF_EVAL_MAX_COV) {
            sp->const_names[sp->n_const] = name;
            sp->const_values[sp->n_const++] = lo;
        }
        eff_free(v);
        return EFF_OK;
    }
    eff_status st = eff_table_add_f64(sp->t, name, v, err);
    if (st != EFF_OK) {
        eff_free(v);
        return st;
    }
    sp->x_names[sp->n_x++] = eff_table_col_name(sp->t, eff_table_n_cols(sp->t) - 1);
    return EFF_OK;
}

static eff_status add_i64(eff_table *t, const char *name, int64_t *v, eff_error *err)
{
    eff_status st = eff_table_add_i64(t, name, v, err);
    if (st != EFF_OK)
        eff_free(v);
    return st;
}

static eff_status build_panel(const eval_job *j, const sg_units *su, eff_cluster_kind kind,
                              sg_panel *sp, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    size_t n = 0, n_model = iv->model_covariates ? j->covs.n_model : 0;
    for (size_t i = 0; i < su->n; i++)
        for (int e = iv->emin; e <= iv->emax; e++)
            n += !isnan(eval_outcome(j->p, iv->outcome, su->u[i]->person, su->u[i]->g + e));
    static extra_col extra[MAX_EXTRA]; /* one run at a time */
    size_t n_inter = extra_columns(j, su, extra, MAX_EXTRA);
    size_t n_cov = n_model + n_inter;
    double *y = eff_mallocarray(n + 1, sizeof *y), *w = eff_mallocarray(n + 1, sizeof *w);
    int64_t *cols[5];
    double *x[EFF_EVAL_MAX_COV + MAX_EXTRA];
    int ok = y && w;
    for (size_t k = 0; k < 5; k++)
        ok &= (cols[k] = eff_mallocarray(n + 1, sizeof(int64_t))) != NULL;
    for (size_t k = 0; k < n_cov; k++)
        ok &= (x[k] = eff_mallocarray(n + 1, sizeof(double))) != NULL;
    sp->t = eff_table_new(n);
    eff_status st = ok && sp->t ? EFF_OK
                                : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t r = 0;
    for (size_t i = 0; st == EFF_OK && i < su->n; i++) {
        const eval_unit *u = su->u[i];
        for (int e = iv->emin; e <= iv->emax; e++) {
            double v = eval_outcome(j->p, iv->outcome, u->person, u->g + e);
            if (isnan(v))
                continue;
            y[r] = v, w[r] = u->weight;
            cols[0][r] = u->treated, cols[1][r] = e, cols[2][r] = u->g;
            cols[3][r] = cluster_of(kind, u);
            cols[4][r] = (int64_t)i; /* the unit, for the robustness results */
            for (size_t k = 0; k < n_model; k++)
                x[k][r] = eval_covariate(j->p, j->covs.names[k], u->person, u->g - 1);
            for (size_t k = 0; k < n_inter; k++)
                x[n_model + k][r] = extra_value(j, &extra[k], u, e);
            r++;
        }
    }
    static const char *const names[5] = {"treated", "event_time", "cohort", "cluster", "unit"};
    if (st == EFF_OK && (st = eff_table_add_f64(sp->t, "y", y, err)) == EFF_OK) y = NULL;
    if (st == EFF_OK && (st = eff_table_add_f64(sp->t, "w", w, err)) == EFF_OK) w = NULL;
    for (size_t k = 0; k < 5; k++) {
        if (st == EFF_OK) st = add_i64(sp->t, names[k], cols[k], err);
        else eff_free(cols[k]);
    }
    /* with dummies for the age in the year itself, the age in g-1 is that age less e + 1
     * (but for the pooled ends): nearly collinear, it would only blow up the variances */
    int age_dummies = 0;
    for (size_t k = 0; k < n_inter; k++)
        age_dummies |= extra[k].kind == X_AGE;
    for (size_t k = 0; k < n_cov; k++) {
        int model = k < n_model;
        if (st == EFF_OK && !(model && age_dummies && strcmp(j->covs.names[k], "age") == 0))
            st = add_f64(sp, model ? j->covs.names[k] : extra[k - n_model].name, x[k],
                         n, model, err);
        else
            eff_free(x[k]);
    }
    eff_free(y);
    eff_free(w);
    return st;
}

/* The profile's value of model term `term` (a covariate), or NaN with an error. */
static eff_status profile_value(const eval_job *j, const char *term, double *v, eff_error *err)
{
    const eff_cfg_profile *pr = &j->iv->profile;
    for (size_t k = 0; k < pr->n; k++) {
        const char *key = pr->keys[k], *val = pr->values[k];
        int origin = strcmp(key, "origin") == 0;
        if (origin && (strcmp(term, "western") == 0 || strcmp(term, "non_western") == 0)) {
            if (strcmp(val, "dansk") && strcmp(val, "vestlig") && strcmp(val, "ikke_vestlig"))
                return eff_error_set(err, EFF_EINVAL, j->c->path, pr->lines[k], 0,
                                     "typical.origin: expected dansk, vestlig or ikke_vestlig, "
                                     "got '%s'", val);
            *v = strcmp(term, "western") == 0 ? strcmp(val, "vestlig") == 0
                                              : strcmp(val, "ikke_vestlig") == 0;
            return EFF_OK;
        }
        if (strcmp(key, term) == 0) {
            char *end;
            *v = strtod(val, &end);
            if (end == val || *end || !isfinite(*v))
                return eff_error_set(err, EFF_EINVAL, j->c->path, pr->lines[k], 0,
                                     "typical.%s: expected a number, got '%s'", key, val);
            return EFF_OK;
        }
    }
    return eff_error_set(err, EFF_EINVAL, j->c->path, pr->line, 0,
                         "the typical person of %s sets no value for the model's covariate "
                         "'%s' (add typical.%s =)", j->iv->id, term,
                         strcmp(term, "western") == 0 || strcmp(term, "non_western") == 0
                             ? "origin" : term);
}

/* Every profile key names a covariate of the model, or one constant in this subgroup at the
 * same value. */
static eff_status check_profile(const eval_job *j, const sg_panel *sp, eff_error *err)
{
    const eff_cfg_profile *pr = &j->iv->profile;
    for (size_t k = 0; k < pr->n; k++) {
        const char *key = pr->keys[k];
        int known = 0;
        for (size_t c = 0; c < j->covs.n_model; c++) {
            const char *name = j->covs.names[c];
            known |= strcmp(name, key) == 0 ||
                     (strcmp(key, "origin") == 0 &&
                      (strcmp(name, "western") == 0 || strcmp(name, "non_western") == 0));
        }
        for (size_t c = 0; c < j->iv->n_current; c++)
            known |= strcmp(j->iv->current[c], key) == 0 ||
                     (strcmp(key, "class") == 0 && strcmp(j->iv->current[c], "class") == 0);
        if (!known)
            return eff_error_set(err, EFF_EINVAL, j->c->path, pr->lines[k], 0,
                                 "typical.%s: the model of %s has no covariate '%s'", key,
                                 j->iv->id, key);
        for (size_t c = 0; c < sp->n_const; c++) {
            double v;
            eff_status st = profile_value(j, sp->const_names[c], &v, err);
            if (st == EFF_OK && v != sp->const_values[c] &&
                (strcmp(key, sp->const_names[c]) == 0 || strcmp(key, "origin") == 0))
                return eff_error_set(err, EFF_EINVAL, j->c->path, pr->lines[k], 0,
                                     "typical.%s: in this subgroup everyone has %s = %g, so "
                                     "the model cannot predict %g", key, sp->const_names[c],
                                     sp->const_values[c], v);
        }
    }
    return EFF_OK;
}

/* The design row of the typical person, treated or not, at event time e. */
static eff_status typical_row(const eval_job *j, const eff_glm *g, int treated, int e,
                              double *x, eff_error *err)
{
    int cohort = j->iv->profile.cohort;
    for (size_t k = 0; k < eff_glm_p(g); k++) {
        const char *term = eff_glm_term(g, k);
        int a, b;
        char tail;
        if (strcmp(term, "(Intercept)") == 0) x[k] = 1;
        else if (strcmp(term, "treated") == 0) x[k] = treated;
        else if (sscanf(term, "treated:e=%d%c", &a, &tail) == 1) x[k] = treated && e == a;
        else if (sscanf(term, "e=%d%c", &a, &tail) == 1) x[k] = e == a;
        else if (sscanf(term, "g=%d:e=%d%c", &a, &b, &tail) == 2) x[k] = cohort == a && e == b;
        else if (sscanf(term, "age_now=%d%c", &a, &tail) == 1 ||
                 sscanf(term, "class_now=%d%c", &a, &tail) == 1) {
            /* the profile's age or class in g-1, one year older at e = 0 */
            double base;
            eff_status st = profile_value(j, term[0] == 'a' ? "age" : "class", &base, err);
            if (st != EFF_OK)
                return st;
            x[k] = base + 1 + e == a;
        }
        else if (sscanf(term, "g=%d%c", &a, &tail) == 1) x[k] = cohort == a;
        else {
            eff_status st = profile_value(j, term, &x[k], err);
            if (st != EFF_OK)
                return st;
        }
        if (eff_glm_dropped(g, k))
            x[k] = 0;
    }
    return EFF_OK;
}

/* x'b and its standard error on the link scale (dropped terms have x = 0). */
static void link_and_se(const eff_glm *g, const double *x, double *eta, double *se,
                        double *vtmp, double *vx)
{
    size_t p = eff_glm_p(g);
    const double *b = eff_glm_coef(g), *v = eff_glm_vcov(g);
    *eta = 0;
    for (size_t k = 0; k < p; k++) {
        *eta += x[k] == 0 ? 0 : x[k] * b[k];
        for (size_t l = 0; l < p; l++)
            vtmp[k * p + l] = eff_glm_dropped(g, k) || eff_glm_dropped(g, l) ? 0 : v[k * p + l];
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)p, (int)p, 1.0, vtmp, (int)p, x, 1, 0.0, vx, 1);
    *se = sqrt(fmax(0, cblas_ddot((int)p, x, 1, vx, 1)));
}

static double inv_link(int logit, double eta) { return logit ? 1 / (1 + exp(-eta)) : eta; }

static eff_status typical_person(const eval_job *j, const sg_units *su, const eff_did *d,
                                 eff_eval_subgroup *sg, eff_error *err)
{
    const eff_glm *g = eff_did_model(d);
    size_t p = eff_glm_p(g);
    int logit = eff_glm_get_family(g) == EFF_GLM_LOGIT;
    double scale = logit ? 100 : 1, z = 1.959963984540054;
    int has_cohort = 0, lowest = 1 << 30;
    char want[32];
    snprintf(want, sizeof want, "g=%d", j->iv->profile.cohort);
    for (size_t k = 0; k < p; k++)
        has_cohort |= strcmp(eff_glm_term(g, k), want) == 0;
    for (size_t k = 0; k < su->n; k++) /* the model's reference cohort */
        lowest = su->u[k]->g < lowest ? su->u[k]->g : lowest;
    if (!has_cohort && j->iv->profile.cohort != lowest)
        return eff_error_set(err, EFF_EINVAL, j->c->path, j->iv->profile.line, 0,
                             "typical.cohort: %d is not a start cohort of %s's model",
                             j->iv->profile.cohort, j->iv->id);
    double *rows = eff_mallocarray(4 * p + p * p + p, sizeof *rows);
    if (!rows)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double *vtmp = rows + 4 * p, *vx = vtmp + p * p;
    eff_status st = typical_row(j, g, 1, -1, rows + p, err);
    if (st == EFF_OK) st = typical_row(j, g, 0, -1, rows + 3 * p, err);
    for (int e = j->iv->emin; st == EFF_OK && e <= j->iv->emax; e++) {
        eff_eval_typical *t = &sg->typical[sg->n_typical++];
        t->event_time = e;
        if ((st = typical_row(j, g, 1, e, rows, err)) != EFF_OK ||
            (st = typical_row(j, g, 0, e, rows + 2 * p, err)) != EFF_OK)
            break;
        double eta, se;
        link_and_se(g, rows, &eta, &se, vtmp, vx);
        t->p_treated = scale * inv_link(logit, eta);
        t->p_treated_lo = scale * inv_link(logit, eta - z * se);
        t->p_treated_hi = scale * inv_link(logit, eta + z * se);
        link_and_se(g, rows + 2 * p, &eta, &se, vtmp, vx);
        t->p_control = scale * inv_link(logit, eta);
        t->p_control_lo = scale * inv_link(logit, eta - z * se);
        t->p_control_hi = scale * inv_link(logit, eta + z * se);
        static const double c[4] = {1, -1, -1, 1};
        double v, s;
        st = eff_glm_lincomb(g, rows, NULL, c, 4, &v, &s, err);
        t->did_pp = scale * v, t->did_pp_se = scale * s;
        t->did_pp_lo = t->did_pp - z * t->did_pp_se, t->did_pp_hi = t->did_pp + z * t->did_pp_se;
        t->shown = 1;
    }
    eff_free(rows);
    return st;
}

static eff_status set_why_not(eff_eval_subgroup *sg, const char *why, eff_error *err)
{
    sg->estimated = 0;
    eff_free(sg->why_not);
    if (!(sg->why_not = eff_strdup(why)))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    return EFF_OK;
}

/* Persons with y = 1 and y = 0 per treated x event-time cell; persons and observations. */
static void cell_counts(const eval_job *j, const sg_units *su, eff_eval_subgroup *sg,
                        long *ever_y1)
{
    const eff_cfg_intervention *iv = j->iv;
    *ever_y1 = 0;
    for (size_t i = 0; i < su->n; i++) {
        const eval_unit *u = su->u[i];
        int any = 0;
        for (int e = iv->emin; e <= iv->emax; e++) {
            double v = eval_outcome(j->p, iv->outcome, u->person, u->g + e);
            if (isnan(v)) {
                sg->n_obs_missing++;
                continue;
            }
            eff_eval_effect *f = &sg->effects[e - iv->emin];
            f->n_obs++;
            if (!u->treated)
                continue;
            f->persons++;
            f->persons_y1 += v == 1;
            f->persons_y0 += v == 0;
            any |= v == 1;
        }
        *ever_y1 += u->treated && any;
    }
}

static eff_status fit(eval_job *j, const sg_units *su, eff_cluster_kind kind,
                      eff_eval_subgroup *sg, eff_error *err)
{
    sg_panel sp = {0};
    eff_did *d = NULL;
    eff_status st = build_panel(j, su, kind, &sp, err);
    eff_did_spec spec = {.y = "y", .treated = "treated", .event_time = "event_time",
                         .cohort = "cohort", .cluster = "cluster", .x = sp.x_names,
                         .n_x = sp.n_x, .weights = "w", .emin = j->iv->emin,
                         .emax = j->iv->emax,
                         .family = j->iv->outcome->kind == EFF_OUTCOME_VALUE ? EFF_GLM_GAUSSIAN
                                                                             : EFF_GLM_LOGIT,
                         .leave_out_separating = 1};
    if (st == EFF_OK && j->iv->profile.cohort &&
        strcmp(j->iv->profile.subgroup ? j->iv->profile.subgroup : "all", sg->id) == 0)
        st = check_profile(j, &sp, err);
    if (st == EFF_OK) {
        eff_error fit_err;
        eff_status fs = eff_did_fit(sp.t, &spec, j->ctx, &d, &fit_err);
        if (fs == EFF_ENOMEM || fs == EFF_EABORT) {
            *err = fit_err;
            st = fs;
        } else if (fs != EFF_OK) { /* separation, no convergence: said, not fatal */
            char why[600];
            snprintf(why, sizeof why, "the model could not be estimated: %s", fit_err.msg);
            st = set_why_not(sg, why, err);
            if (st == EFF_OK)
                st = eval_warn(j, "%s, %s: %s", j->iv->id, sg->id, why);
        }
    }
    for (size_t k = 0; st == EFF_OK && d && k < eff_did_n_left_out(d); k++) {
        const eff_did_left_out *lo = eff_did_left_out_at(d, k);
        if (strncmp(lo->name, "treated:e=", 10) == 0 || strncmp(lo->name, "control:e=", 10) == 0)
            st = eval_warn(j, "%s, %s: every one of the %zu %s observations at e = %s has "
                           "outcome %d: that effect is not estimable, and they are left out, as "
                           "Stata's logit does", j->iv->id, sg->id, lo->rows,
                           lo->name[0] == 't' ? "participants'" : "controls'", lo->name + 10,
                           lo->outcome);
        else
            st = eval_warn(j, "%s, %s: every one of the %zu observations with %s = %d has "
                           "outcome %d: the covariate is left out with them, as Stata's logit "
                           "does (its estimate would not exist)", j->iv->id, sg->id, lo->rows,
                           lo->name, lo->value, lo->outcome);
    }
    if (st == EFF_OK && d) {
        sg->estimated = 1;
        sg->n_obs = eff_did_n_obs(d);
        sg->n_clusters = eff_glm_get_stats(eff_did_model(d)).n_clusters;
        double scale = spec.family == EFF_GLM_LOGIT ? 100 : 1;
        for (size_t k = 0; k < eff_did_n_effects(d); k++) {
            const eff_did_effect *de = eff_did_effect_at(d, k);
            eff_eval_effect *f = &sg->effects[k];
            f->estimable = de->estimable;
            f->coef = de->coef;
            f->att_pp = scale * de->att, f->att_pp_se = scale * de->att_se;
            f->reason = de->event_time == -1 ? "reference" : de->estimable ? "" : "not estimable";
        }
        for (size_t k = 0; k < eff_did_n_effects(d); k++)
            for (size_t l = 0; l < eff_did_n_effects(d); l++) {
                sg->delta_cov[k][l] = eff_did_delta_cov(d, k, l);
                sg->att_cov[k][l] = scale * scale * eff_did_att_cov(d, k, l);
            }
        sg->pretrend = eff_did_pretrend(d);
        sg->pretrend_shown = !isnan(sg->pretrend.statistic);
        size_t len = 1;
        for (size_t k = 0; k < sp.n_x; k++)
            len += strlen(sp.x_names[k]) + 2;
        if (!(sg->model_terms = eff_calloc(len, 1))) /* not "covariates: null" and EFF_OK */
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; st == EFF_OK && k < sp.n_x; k++)
            strcat(strcat(sg->model_terms, k ? ", " : ""), sp.x_names[k]);
        if (st == EFF_OK && j->iv->profile.cohort &&
            strcmp(j->iv->profile.subgroup ? j->iv->profile.subgroup : "all", sg->id) == 0)
            st = typical_person(j, su, d, sg, err);
    }
    long unit_col = sp.t ? eff_table_find(sp.t, "unit") : -1; /* no panel when build_panel
                                                                  failed */
    if (st == EFF_OK && unit_col >= 0)
        st = eval_robustness(j, su->u, su->n, kind, d, eff_table_i64(sp.t, (size_t)unit_col),
                             sg, err);
    eff_did_free(d);
    eff_table_free(sp.t);
    return st;
}

eff_status eval_fit_subgroup(eval_job *j, eff_eval_subgroup *sg, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    size_t col = 0;
    int32_t code = subgroup_code(j, sg->id, &col);
    sg->n_effects = (size_t)(iv->emax - iv->emin + 1);
    for (size_t k = 0; k < sg->n_effects; k++)
        sg->effects[k] = (eff_eval_effect){.event_time = iv->emin + (int)k,
                                           .reason = "not estimated"};
    sg->pretrend.statistic = NAN;
    for (size_t k = 0; k < EFF_EVAL_MAX_E; k++)
        for (size_t l = 0; l < EFF_EVAL_MAX_E; l++)
            sg->delta_cov[k][l] = sg->att_cov[k][l] = NAN;
    sg_units su = {eff_mallocarray(j->matched.n + 1, sizeof *su.u), 0};
    if (!su.u)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    long treated = 0, controls = 0;
    unsigned char *broken = NULL; /* balanced = pairs: sets with someone not observed */
    if (iv->balanced == 2 && !(broken = eff_calloc(j->part.n + 1, 1))) {
        eff_free(su.u);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; broken && i < j->matched.n; i++) {
        const eval_unit *u = &j->matched.u[i];
        if (u->set >= 0 && (size_t)u->set <= j->part.n && !observed_throughout(j, u))
            broken[u->set] = 1;
    }
    eval_distinct_pass(j);
    for (size_t i = 0; code != -1 && i < j->matched.n; i++) {
        const eval_unit *u = &j->matched.u[i];
        if (!eval_in_subgroup(j, u, col, code) || (iv->balanced && !observed_throughout(j, u)) ||
            (broken && (u->set < 0 || broken[u->set])))
            continue;
        su.u[su.n++] = u;
        treated += u->treated;
        controls += !u->treated && eval_distinct_new(j, 0, u->person);
    }
    eff_free(broken);
    sg->n_participants.value = (double)treated, sg->n_participants.persons = treated;
    sg->n_controls.value = (double)controls, sg->n_controls.persons = controls;
    long ever_y1;
    cell_counts(j, &su, sg, &ever_y1);
    eff_cluster_kind kind;
    eff_status st = cluster_kind(j, &su, &kind, err);
    sg->cluster = kind == EFF_CLUSTER_PERSON ? "person" : kind == EFF_CLUSTER_PLAN ? "plan" : "set";
    char why[300];
    if (st == EFF_OK && (treated == 0 || controls == 0)) {
        snprintf(why, sizeof why, "no matched %s in subgroup %s",
                 treated ? "controls" : "participants", sg->id);
        st = set_why_not(sg, why, err);
    } else if (st == EFF_OK && iv->outcome->kind != EFF_OUTCOME_VALUE &&
               ever_y1 < iv->min_outcome_persons) {
        snprintf(why, sizeof why, "fewer than min_outcome_persons = %ld participants have the "
                 "outcome in the window (%ld)", iv->min_outcome_persons, ever_y1);
        st = set_why_not(sg, why, err);
        if (st == EFF_OK)
            st = eval_warn(j, "%s, %s: not estimated: %s", iv->id, sg->id, why);
    } else if (st == EFF_OK) {
        st = fit(j, &su, kind, sg, err);
    }
    if (st == EFF_OK && iv->naive_twfe && code != -1)
        st = eval_naive_twfe(j, col, code, sg, err);
    eff_free(su.u);
    return st;
}
