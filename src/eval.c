/* eval.c - the evaluation run (eval.h): reads the participation records, runs each
 * intervention through selection, matching and the model, describes the participants and
 * the balance, and sends every cell it will print through disclosure control. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"
#include "mem.h"
#include "regfile.h"

const char *const eff_eval_count_key[EFF_N_COUNT] = {
    "records", "persons", "unlinked", "first_cohort_dropped", "not_resident",
    "outside_rule", "too_few_post_periods", "kept", "unmatched", "matched",
    "pool_candidates", "pool_persons", "controls", "controls_reused"};

static const char *const default_chars[] = {"age", "male", "non_western", "capital",
                                            "single_parent", "mother_vocational",
                                            "father_vocational"};

eff_status eval_units_push(eval_units *us, const eval_unit *u, eff_error *err)
{
    if (us->n == us->cap) {
        size_t cap = us->cap ? 2 * us->cap : 256;
        eval_unit *v = eff_reallocarray(us->u, cap, sizeof *v);
        if (!v)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        us->u = v, us->cap = cap;
    }
    us->u[us->n++] = *u;
    return EFF_OK;
}

void eval_units_free(eval_units *us)
{
    eff_free(us->u);
    *us = (eval_units){0};
}

void eval_distinct_pass(eval_job *j)
{
    j->pass++;
}

int eval_distinct_new(eval_job *j, int tally, int32_t person)
{
    if (j->stamp[tally][person] == j->pass)
        return 0;
    j->stamp[tally][person] = j->pass;
    return 1;
}

double eval_outcome(const eff_persons *p, const eff_cfg_outcome *o, int32_t person, int year)
{
    const eff_py *q = eff_persons_at(p, person, year);
    if (!q || q->age < o->age_min || q->age > o->age_max)
        return NAN;
    switch (o->kind) {
    case EFF_OUTCOME_FLAG: return q->enrolled < 0 ? NAN : q->enrolled;
    case EFF_OUTCOME_THRESHOLD: return q->hours >= o->threshold;
    default: return q->absence;
    }
}

static double parent_vocational(const eff_persons *p, int32_t parent, int year)
{
    const eff_py *q = eff_persons_at(p, parent, year);
    return q && q->vocational == 1;
}

double eval_covariate(const eff_persons *p, const char *name, int32_t person, int year)
{
    const eff_py *q = eff_persons_at(p, person, year);
    if (!q)
        return NAN;
    if (strcmp(name, "age") == 0) return q->age < 0 ? NAN : q->age;
    if (strcmp(name, "female") == 0) return q->sex ? q->sex == 'K' : NAN;
    if (strcmp(name, "male") == 0) return q->sex ? q->sex == 'M' : NAN;
    if (strcmp(name, "western") == 0) return q->origin < 0 ? NAN : q->origin == EFF_ORIGIN_WESTERN;
    if (strcmp(name, "non_western") == 0)
        return q->origin < 0 ? NAN : q->origin == EFF_ORIGIN_NON_WESTERN;
    if (strcmp(name, "capital") == 0) return q->capital;
    if (strcmp(name, "single_parent") == 0) return q->single_parent;
    if (strcmp(name, "mother_vocational") == 0) return parent_vocational(p, q->mother, year);
    if (strcmp(name, "father_vocational") == 0) return parent_vocational(p, q->father, year);
    return NAN;
}

double eval_match_value(const eval_job *j, const char *name, int missing_flag,
                        const eval_unit *u)
{
    int lag = strcmp(name, "outcome_g-2") == 0 ? 2 : strcmp(name, "outcome_g-1") == 0;
    if (!lag)
        return eval_covariate(j->p, name, u->person, u->g - 1);
    double x = eval_outcome(j->p, j->iv->outcome, u->person, u->g - lag);
    return missing_flag ? isnan(x) : isnan(x) ? 0 : x;
}

static eff_status push_warning(char ***list, size_t *n, const char *msg)
{
    char **v = eff_reallocarray(*list, *n + 1, sizeof *v);
    if (!v)
        return EFF_ENOMEM;
    *list = v;
    if (!(v[*n] = eff_strdup(msg)))
        return EFF_ENOMEM;
    (*n)++;
    return EFF_OK;
}

eff_status eval_warn(eval_job *j, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    eff_log(j->ctx, EFF_LOG_WARN, "%s", msg);
    return push_warning(&j->out->warnings, &j->out->n_warnings, msg);
}

static void expand_covariates(eval_job *j)
{
    eval_covs *cv = &j->covs;
    for (size_t k = 0; k < j->iv->n_covariates && cv->n + 2 <= EFF_EVAL_MAX_COV; k++) {
        if (strcmp(j->iv->covariates[k], "origin") == 0) {
            cv->names[cv->n++] = "western";
            cv->names[cv->n++] = "non_western";
        } else {
            cv->names[cv->n++] = j->iv->covariates[k];
        }
    }
    cv->n_model = cv->n;
    if (j->iv->match_on_outcome) {
        cv->names[cv->n++] = "outcome_g-1";
        cv->names[cv->n++] = "outcome_g-2";
    }
}

/* Means (age) and shares in percent in year g, over matched participants or controls. */
static void characteristics(eval_job *j)
{
    eff_eval_iv *o = j->out;
    const eff_cfg_intervention *iv = j->iv;
    size_t n = iv->n_characteristics ? iv->n_characteristics : 7;
    for (size_t k = 0; k < n; k++) {
        const char *name = iv->n_characteristics ? iv->characteristics[k] : default_chars[k];
        eff_eval_char *ch = &o->chars[o->n_chars++];
        ch->name = name;
        ch->is_share = strcmp(name, "age") != 0;
        for (int treated = 1; treated >= 0; treated--) {
            double sum = 0, wsum = 0;
            long persons = 0, with = 0;
            eval_distinct_pass(j);
            for (size_t i = 0; i < j->matched.n; i++) {
                const eval_unit *u = &j->matched.u[i];
                double x = u->treated == treated ? eval_covariate(j->p, name, u->person, u->g)
                                                 : NAN;
                if (isnan(x))
                    continue;
                sum += u->weight * x, wsum += u->weight;
                persons += eval_distinct_new(j, 0, u->person);
                with += x == 1 && eval_distinct_new(j, 1, u->person);
            }
            eff_eval_cell *cell = treated ? &ch->participants : &ch->controls;
            cell->value = wsum > 0 ? (ch->is_share ? 100 : 1) * sum / wsum : NAN;
            cell->persons = persons;
            cell->with = ch->is_share ? with : -1;
        }
    }
}

typedef struct bal_data {
    double *x, *w;
    unsigned char *t;
    int32_t *person;
    size_t n;
} bal_data;

/* Covariate k over units (NaN values left out); lags are the outcome in g-1 or g-2. */
static void bal_fill(const eval_job *j, size_t k, const eval_unit *u, size_t n, int weighted,
                     bal_data *b)
{
    const char *name = j->covs.names[k];
    int lag = k >= j->covs.n_model;
    for (size_t i = 0; i < n; i++) {
        double x = lag ? eval_outcome(j->p, j->iv->outcome, u[i].person, u[i].g - 1 -
                                      (strcmp(name, "outcome_g-2") == 0))
                       : eval_covariate(j->p, name, u[i].person, u[i].g - 1);
        if (isnan(x))
            continue;
        b->x[b->n] = x, b->t[b->n] = u[i].treated, b->person[b->n] = u[i].person;
        b->w[b->n++] = weighted ? u[i].weight : 1;
    }
}

static eff_status balance(eval_job *j, eff_error *err)
{
    size_t cap = j->part.n + j->pool.n + j->matched.n + 1;
    bal_data all = {eff_mallocarray(cap, sizeof(double)), eff_mallocarray(cap, sizeof(double)),
                    eff_malloc(cap), eff_mallocarray(cap, sizeof(int32_t)), 0};
    bal_data m = {eff_mallocarray(cap, sizeof(double)), eff_mallocarray(cap, sizeof(double)),
                  eff_malloc(cap), eff_mallocarray(cap, sizeof(int32_t)), 0};
    eff_status st = all.x && all.w && all.t && all.person && m.x && m.w && m.t && m.person
                        ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; st == EFF_OK && k < j->covs.n; k++) {
        all.n = m.n = 0;
        bal_fill(j, k, j->part.u, j->part.n, 0, &all);
        bal_fill(j, k, j->pool.u, j->pool.n, 0, &all);
        bal_fill(j, k, j->matched.u, j->matched.n, 1, &m);
        eff_eval_balance *b = &j->out->balance[j->out->n_balance++];
        snprintf(b->name, sizeof b->name, "%s", j->covs.names[k]);
        b->binary = eff_balance_is_binary(all.x, all.n);
        double sd = eff_balance_sd_treated(all.x, all.t, all.n);
        st = eff_balance_stats_of(all.x, all.t, NULL, all.n, sd, &b->all, err);
        if (st == EFF_OK)
            st = eff_balance_stats_of(m.x, m.t, m.w, m.n, sd, &b->matched, err);
        b->treated.with = b->control.with = b->binary ? 0 : -1;
        eval_distinct_pass(j);
        for (size_t i = 0; i < m.n; i++) { /* participants and controls never share a person */
            eff_eval_cell *cell = m.t[i] ? &b->treated : &b->control;
            cell->persons += eval_distinct_new(j, 0, m.person[i]);
            cell->with += b->binary && m.x[i] == 1 && eval_distinct_new(j, 1, m.person[i]);
        }
    }
    eff_free(all.x), eff_free(all.w), eff_free(all.t), eff_free(all.person);
    eff_free(m.x), eff_free(m.w), eff_free(m.t), eff_free(m.person);
    return st;
}

/* The matched panel with person ids: an explicit micro-data export (config `microdata`). */
static eff_status microdata(eval_job *j, eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    size_t n = 0;
    for (size_t i = 0; i < j->matched.n; i++)
        for (int e = iv->emin; e <= iv->emax; e++)
            n += !isnan(eval_outcome(j->p, iv->outcome, j->matched.u[i].person,
                                     j->matched.u[i].g + e));
    eff_table *t = eff_table_new(n);
    eff_dict *ids = eff_dict_new();
    int32_t *pnr = eff_mallocarray(n + 1, sizeof *pnr);
    int64_t *ints[4];
    double *dbl[2 + EFF_EVAL_MAX_COV];
    int ok = t && ids && pnr;
    for (size_t k = 0; k < 4; k++)
        ok &= (ints[k] = eff_mallocarray(n + 1, sizeof(int64_t))) != NULL;
    for (size_t k = 0; k < 2 + j->covs.n_model; k++)
        ok &= (dbl[k] = eff_mallocarray(n + 1, sizeof(double))) != NULL;
    eff_status st = ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t r = 0;
    for (size_t i = 0; st == EFF_OK && i < j->matched.n; i++) {
        const eval_unit *u = &j->matched.u[i];
        const char *id = eff_persons_pnr(j->p, u->person);
        int32_t code;
        st = eff_dict_intern(ids, id, strlen(id), &code, err);
        for (int e = iv->emin; st == EFF_OK && e <= iv->emax; e++) {
            double y = eval_outcome(j->p, iv->outcome, u->person, u->g + e);
            if (isnan(y))
                continue;
            pnr[r] = code;
            ints[0][r] = u->g, ints[1][r] = u->treated, ints[2][r] = u->set, ints[3][r] = e;
            dbl[0][r] = u->weight, dbl[1][r] = y;
            for (size_t k = 0; k < j->covs.n_model; k++)
                dbl[2 + k][r] = eval_covariate(j->p, j->covs.names[k], u->person, u->g - 1);
            r++;
        }
    }
    static const char *const int_names[4] = {"cohort", "treated", "matched_set", "event_time"};
    if (st == EFF_OK && (st = eff_table_add_str(t, "pnr", pnr, ids, err)) == EFF_OK)
        pnr = NULL, ids = NULL; /* the table has both */
    eff_dict_release(ids);
    for (size_t k = 0; k < 4; k++)
        if (st == EFF_OK && (st = eff_table_add_i64(t, int_names[k], ints[k], err)) == EFF_OK)
            ints[k] = NULL;
    for (size_t k = 0; k < 2 + j->covs.n_model; k++) {
        const char *name = k == 0 ? "weight" : k == 1 ? iv->outcome->id : j->covs.names[k - 2];
        if (st == EFF_OK && (st = eff_table_add_f64(t, name, dbl[k], err)) == EFF_OK)
            dbl[k] = NULL;
    }
    eff_free(pnr);
    for (size_t k = 0; k < 4; k++)
        eff_free(ints[k]);
    for (size_t k = 0; k < 2 + j->covs.n_model; k++)
        eff_free(dbl[k]);
    if (st != EFF_OK) {
        eff_table_free(t);
        return st;
    }
    j->out->microdata = t;
    return EFF_OK;
}

static eff_status run_iv(eval_job *j, const eff_table *records, const char *records_path,
                         eff_error *err)
{
    const eff_cfg_intervention *iv = j->iv;
    expand_covariates(j);
    eff_status st = eval_participants(j, records, records_path, err);
    if (st == EFF_OK) st = eval_pool(j, err);
    long kept = (long)j->part.n;
    if (st == EFF_OK && kept < iv->min_n)
        return eval_warn(j, "%s: %ld participants kept, fewer than min_n = %ld; not estimated",
                         iv->id, kept, iv->min_n);
    if (st == EFF_OK) st = eval_match(j, err);
    if (st == EFF_OK && j->out->counts[EFF_N_MATCHED].value == 0)
        return eval_warn(j, "%s: no participant found a control; not estimated", iv->id);
    if (st != EFF_OK)
        return st;
    j->out->estimated = 1;
    characteristics(j);
    st = balance(j, err);
    if (st == EFF_OK && j->c->microdata)
        st = microdata(j, err);
    j->out->subgroups = eff_calloc(iv->n_subgroups, sizeof *j->out->subgroups);
    if (st == EFF_OK && !j->out->subgroups)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; st == EFF_OK && k < iv->n_subgroups; k++) {
        eff_eval_subgroup *sg = &j->out->subgroups[j->out->n_subgroups++];
        if (!(sg->id = eff_strdup(iv->subgroups[k])))
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        st = eval_fit_subgroup(j, sg, err);
    }
    return st;
}

static eff_status read_records(const eff_config *c, const eff_ctx *ctx, eff_table **t,
                               char *path, size_t size, eff_error *err)
{
    eff_status st = eff_config_path(c, EFF_FILE_PARTICIPATION, 0, path, size, err);
    if (st != EFF_OK)
        return st;
    eff_read_options opt = eff_read_options_default();
    const char *cols[4] = {c->columns[EFF_COL_PART_PNR], c->columns[EFF_COL_PART_ACTIVITY],
                           c->columns[EFF_COL_PART_START], c->columns[EFF_COL_PART_PLAN]};
    eff_csv_coltype types[1] = {{cols[0], EFF_TYPE_STR}};
    opt.columns = cols, opt.n_columns = 4;
    opt.csv.types = types, opt.csv.n_types = 1;
    opt.csv.allow_empty = 1;
    st = eff_read_table(path, &opt, ctx, t, err);
    if (st != EFF_OK)
        eff_config_blame_file(c, EFF_FILE_PARTICIPATION, err);
    return st;
}

/* Every linked person of any participation record: never a control. */
static eff_status ever_participants(const eff_config *c, const eff_persons *p,
                                    const eff_table *t, unsigned char **out, eff_error *err)
{
    size_t n = eff_persons_n(p), col;
    *out = eff_calloc(n ? n : 1, 1);
    if (!*out)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = eff_table_col(t, c->columns[EFF_COL_PART_PNR], &col, err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        const char *pnr = eff_table_str(t, col, r);
        int32_t person = pnr ? eff_persons_find(p, pnr) : -1;
        if (person >= 0)
            (*out)[person] = 1;
    }
    return st;
}

eff_status eff_eval_run(const eff_config *c, const eff_persons *p, const eff_ctx *ctx,
                        eff_eval **out, eff_error *err)
{
    *out = NULL;
    eff_eval *e = eff_calloc(1, sizeof *e);
    if (!e || !(e->ivs = eff_calloc(c->n_interventions, sizeof *e->ivs))) {
        eff_free(e);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    eff_table *records = NULL;
    unsigned char *ever = NULL;
    char path[4096];
    eff_status st = eff_sdc_new(c->threshold, &e->sdc, err);
    if (st == EFF_OK) st = read_records(c, ctx, &records, path, sizeof path, err);
    if (st == EFF_OK) st = ever_participants(c, p, records, &ever, err);
    size_t n_persons = eff_persons_n(p) + 1;
    uint32_t *stamp[2] = {eff_calloc(n_persons, sizeof(uint32_t)),
                          eff_calloc(n_persons, sizeof(uint32_t))};
    if (st == EFF_OK && (!stamp[0] || !stamp[1]))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; st == EFF_OK && k < c->n_interventions; k++) {
        eval_job j = {.c = c, .iv = &c->interventions[k], .p = p, .ctx = ctx,
                      .out = &e->ivs[e->n_ivs++], .ever_participant = ever,
                      .stamp = {stamp[0], stamp[1]}};
        memset(stamp[0], 0, n_persons * sizeof(uint32_t)); /* passes restart at 1 */
        memset(stamp[1], 0, n_persons * sizeof(uint32_t));
        j.out->cfg = j.iv;
        eff_log(ctx, EFF_LOG_DEBUG, "evaluating %s", j.iv->id);
        st = run_iv(&j, records, path, err);
        eval_units_free(&j.part);
        eval_units_free(&j.pool);
        eval_units_free(&j.matched);
        for (size_t w = 0; st == EFF_OK && w < j.out->n_warnings; w++)
            if (push_warning(&e->warnings, &e->n_warnings, j.out->warnings[w]) != EFF_OK)
                st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == EFF_OK) st = eval_disclose(e, err);
    eff_table_free(records);
    eff_free(ever);
    eff_free(stamp[0]);
    eff_free(stamp[1]);
    if (st != EFF_OK) {
        eff_eval_free(e);
        return st;
    }
    *out = e;
    return EFF_OK;
}

void eff_eval_free(eff_eval *e)
{
    if (!e)
        return;
    for (size_t k = 0; k < e->n_ivs; k++) {
        eff_eval_iv *iv = &e->ivs[k];
        for (size_t s = 0; s < iv->n_subgroups; s++) {
            eff_free(iv->subgroups[s].id);
            eff_free(iv->subgroups[s].why_not);
            eff_free(iv->subgroups[s].model_terms);
            eff_free(iv->subgroups[s].cs_why_not);
            eff_free(iv->subgroups[s].wild_why_not);
            eff_free(iv->subgroups[s].sens_why_not);
            eff_free(iv->subgroups[s].naive_why_not);
        }
        eff_free(iv->subgroups);
        for (size_t w = 0; w < iv->n_warnings; w++)
            eff_free(iv->warnings[w]);
        eff_free(iv->warnings);
        eff_table_free(iv->microdata);
    }
    for (size_t w = 0; w < e->n_warnings; w++)
        eff_free(e->warnings[w]);
    eff_free(e->warnings);
    eff_free(e->ivs);
    eff_sdc_free(e->sdc);
    eff_free(e);
}
