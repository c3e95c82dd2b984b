/* config_ind.c - the [indicators] and [indicator.ID] sections of the evaluation config
 * (config.h): status indicators by area type, their populations, measures, subgroups and
 * years, and the conditions that define them (`COLUMN OP VALUE` terms joined by `&`). Which
 * register holds a column is only known once the files are opened, so an unknown column is
 * reported by the indicator engine (indicator.c), still against the line that names it. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "mem.h"

static const char *const measure_names[EFF_IND_N_MEASURES] = {
    "share", "mean", "rate", "poverty", "recidivism", "debut_age", "persistence"};
static const char *const scale_names[] = {"column", "oecd_modified", "oecd", "sqrt"};

static const struct { const char *text; eff_cmp_op op; } ops[] = {
    {"<=", EFF_OP_LE}, {">=", EFF_OP_GE}, {"!=", EFF_OP_NE}, {"<>", EFF_OP_NE},
    {"==", EFF_OP_EQ}, {"=", EFF_OP_EQ},  {"<", EFF_OP_LT},  {">", EFF_OP_GT}};

/* parse_term's reason when an allocation failed: told apart from a bad term by its address */
static const char out_of_memory[] = "out of memory";

static void free_cond(eff_cfg_cond *c)
{
    for (size_t k = 0; k < c->n; k++) {
        eff_free(c->terms[k].column);
        eff_free(c->terms[k].text);
    }
    c->n = 0;
}

/* One term, `COLUMN OP VALUE`, into t. 0 ok; -1 with `why` set. */
static int parse_term(char *s, eff_cfg_term *t, const char **why)
{
    s = cfg_trim(s);
    char *at = NULL;
    size_t op_len = 0;
    eff_cmp_op op = EFF_OP_EQ;
    for (char *p = s; *p && !at; p++) /* the first operator character starts the operator */
        for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
            if (strncmp(p, ops[k].text, strlen(ops[k].text)) == 0) {
                at = p, op_len = strlen(ops[k].text), op = ops[k].op;
                break;
            }
    if (!at)
        return *why = "expected COLUMN OP VALUE with OP one of = != < <= > >=", -1;
    char *value = cfg_trim(at + op_len);
    *at = '\0';
    char *column = cfg_trim(s);
    if (!*column || !*value)
        return *why = "a term needs a column and a value", -1;
    size_t n = strlen(value);
    if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0])
        value[n - 1] = '\0', value++;
    char *end;
    double x = strtod(value, &end);
    t->number = *value && !*end ? x : NAN;
    if (op != EFF_OP_EQ && op != EFF_OP_NE && isnan(t->number))
        return *why = "< <= > >= need a number", -1;
    t->op = op;
    if (!(t->column = eff_strdup(column)) || !(t->text = eff_strdup(value)))
        return eff_free(t->column), t->column = NULL, *why = out_of_memory, -1;
    return 0;
}

static int cond_key(parse_state *ps, const char *name, const char *v, eff_cfg_cond *c)
{
    free_cond(c);
    char *copy = eff_strdup(v);
    if (!copy)
        return cfg_oom(ps);
    const char *why = NULL;
    for (char *save = NULL, *tok = strtok_r(copy, "&", &save); tok && !why;
         tok = strtok_r(NULL, "&", &save)) {
        if (c->n == EFF_CFG_MAX_TERMS)
            why = "too many terms (at most 8)";
        else if (parse_term(tok, &c->terms[c->n], &why) == 0)
            c->n++;
    }
    eff_free(copy);
    if (!why && c->n == 0)
        why = "empty";
    if (why) {
        free_cond(c);
        return why == out_of_memory
                   ? cfg_oom(ps)
                   : cfg_fail(ps, "%s: %s (e.g. i_uddannelse = 0 & BESKST != 1)", name, why);
    }
    c->line = ps->line;
    return 1;
}

static int number_key(parse_state *ps, const char *name, const char *v, double lo, double hi,
                      double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: expected a number in %g-%g, got '%%s'%%s", name, lo, hi);
        return cfg_fail(ps, msg, v, "");
    }
    *out = x;
    return 1;
}

static int pick(parse_state *ps, const char *name, const char *v, const char *const *names,
                int n, int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(v, names[k]) == 0)
            return *out = k, 1;
    return cfg_fail(ps, "%s: unknown value '%s' (see docs/config.md)", name, v);
}

static int subgroups_key(parse_state *ps, eff_cfg_indicator *d, const char *v)
{
    char *copy = eff_strdup(v);
    if (!copy)
        return cfg_oom(ps);
    for (size_t k = 0; k < d->n_subgroups; k++)
        eff_free(d->subgroups[k]);
    d->n_subgroups = 0;
    int ok = 1;
    for (char *save = NULL, *tok = strtok_r(copy, "&", &save); tok && ok;
         tok = strtok_r(NULL, "&", &save)) {
        char *t = cfg_trim(tok);
        if (!*t || d->n_subgroups == EFF_CFG_MAX_SUBGROUP_COLS)
            ok = cfg_fail(ps, "subgroups: one column, or two joined by & (e.g. KOEN & "
                          "herkomst), got '%s'%s", v, "");
        else if (!(d->subgroups[d->n_subgroups++] = eff_strdup(t)))
            ok = cfg_oom(ps);
    }
    eff_free(copy);
    d->subgroups_line = ps->line;
    return ok;
}

static int range_key(parse_state *ps, const char *name, const char *v, long lo, long hi,
                     int *a, int *b)
{
    long x, y;
    if (cfg_parse_range(v, &x, &y) || x < lo || y > hi)
        return cfg_fail(ps, "%s: expected MIN-MAX, the first not above the second, got '%s'",
                        name, v);
    *a = (int)x, *b = (int)y;
    return 1;
}

static int str_key(parse_state *ps, char **slot, long *line, const char *v)
{
    if (cfg_set_str(slot, v))
        return cfg_oom(ps);
    if (line)
        *line = ps->line;
    return 1;
}

int cfg_ind_key(parse_state *ps, eff_cfg_indicator *d, const char *name, const char *v)
{
    int k = 0;
    if (strcmp(name, "measure") == 0) {
        int ok = pick(ps, name, v, measure_names, EFF_IND_N_MEASURES, &k);
        return ok ? (d->measure = (eff_ind_measure)k, d->has_measure = 1) : 0;
    }
    if (strcmp(name, "title") == 0) return str_key(ps, &d->title, NULL, v);
    if (strcmp(name, "age") == 0) return range_key(ps, name, v, 0, 130, &d->age_min, &d->age_max);
    if (strcmp(name, "years") == 0)
        return range_key(ps, name, v, 1900, 2100, &d->year_first, &d->year_last);
    if (strcmp(name, "sex") == 0) {
        if (strcmp(v, "M") && strcmp(v, "K"))
            return cfg_fail(ps, "sex: expected M or K, got '%s'%s", v, "");
        return d->sex = v[0], 1;
    }
    if (strcmp(name, "filter") == 0) return cond_key(ps, name, v, &d->filter);
    if (strcmp(name, "condition") == 0 || strcmp(name, "events") == 0)
        return cond_key(ps, name, v, &d->condition);
    if (strcmp(name, "value") == 0 || strcmp(name, "income") == 0)
        return str_key(ps, &d->value, &d->value_line, v);
    if (strcmp(name, "subgroups") == 0) return subgroups_key(ps, d, v);
    if (strcmp(name, "per") == 0) return number_key(ps, name, v, 1, 1e6, &d->per);
    if (strcmp(name, "poverty_line") == 0)
        return number_key(ps, name, v, 0.01, 2, &d->poverty_line);
    if (strcmp(name, "scale") == 0) {
        int ok = pick(ps, name, v, scale_names, 4, &k);
        return ok ? (d->scale = (eff_poverty_scale)k, 1) : 0;
    }
    if (strcmp(name, "wealth") == 0) return str_key(ps, &d->wealth, NULL, v);
    if (strcmp(name, "wealth_limit") == 0)
        return number_key(ps, name, v, -1e15, 1e15, &d->wealth_limit);
    static const struct { const char *key; long lo, hi; size_t offset; } whole[] = {
        {"within_days", 1, 36500, offsetof(eff_cfg_indicator, within_days)},
        {"years_below", 1, 10, offsetof(eff_cfg_indicator, years_below)},
        {"after", 1, 50, offsetof(eff_cfg_indicator, after)},
        {"base_year", 1900, 2100, offsetof(eff_cfg_indicator, base_year)}};
    for (size_t k = 0; k < sizeof whole / sizeof *whole; k++) {
        long x;
        if (strcmp(name, whole[k].key) != 0)
            continue;
        if (cfg_parse_long(v, whole[k].lo, whole[k].hi, &x)) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s: expected a whole number in %ld-%ld, got '%%s'%%s",
                     name, whole[k].lo, whole[k].hi);
            return cfg_fail(ps, msg, v, "");
        }
        *(int *)((char *)d + whole[k].offset) = (int)x;
        return 1;
    }
    if (strcmp(name, "of") == 0) return str_key(ps, &d->of, &d->of_line, v);
    if (strcmp(name, "exclude_students") == 0) {
        if (cfg_parse_bool(v, &d->exclude_students))
            return cfg_fail(ps, "%s: expected yes or no, got '%s'", name, v);
        return 1;
    }
    return cfg_fail(ps, "unknown key '%s' in [indicator.%s]", name, d->id);
}

int cfg_indicators_key(parse_state *ps, const char *name, const char *v)
{
    eff_config *c = ps->c;
    if (strcmp(name, "years") == 0)
        return range_key(ps, name, v, 1900, 2100, &c->ind_year_first, &c->ind_year_last);
    if (strcmp(name, "weights") == 0)
        return str_key(ps, &c->ind_weights, &c->ind_weights_line, v);
    if (strcmp(name, "seed_figures") == 0)
        return str_key(ps, &c->ind_seed_figures, &c->ind_seed_figures_line, v);
    if (strcmp(name, "history") == 0)
        return range_key(ps, name, v, 1900, 2100, &c->history_first, &c->history_last);
    return cfg_fail(ps, "unknown key '%s' in [indicators]%s", name, "");
}

eff_cfg_indicator *cfg_indicator_of(parse_state *ps, const char *id)
{
    eff_config *c = ps->c;
    for (size_t k = 0; k < c->n_indicators; k++)
        if (strcmp(c->indicators[k].id, id) == 0)
            return &c->indicators[k];
    if (!c->indicators && !(c->indicators = eff_calloc(EFF_CFG_MAX_IND, sizeof *c->indicators))) {
        cfg_oom(ps);
        return NULL;
    }
    if (c->n_indicators == EFF_CFG_MAX_IND) {
        cfg_fail(ps, "too many indicators (at most 40)%s%s", "", "");
        return NULL;
    }
    for (const char *p = id; *p; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
            cfg_fail(ps, "[indicator.%s]: an indicator id is lower-case letters, digits and "
                     "_ (it names files)%s", id, "");
            return NULL;
        }
    eff_cfg_indicator *d = &c->indicators[c->n_indicators];
    if (!(d->id = eff_strdup(id))) {
        cfg_oom(ps);
        return NULL;
    }
    d->age_min = 0, d->age_max = 130;
    d->per = 1000;
    d->poverty_line = 0.5;
    d->scale = EFF_SCALE_COLUMN;
    d->wealth_limit = INFINITY;
    d->within_days = 730;
    d->years_below = 1;
    d->line = ps->line;
    c->n_indicators++;
    return d;
}

/* A persistence indicator: `of` is a share indicator without subgroups, the base year one of
 * its years, and the persistence's only year the base year + after. */
static int resolve_persistence(parse_state *ps, eff_cfg_indicator *d)
{
    eff_config *c = ps->c;
    if (d->measure != EFF_IND_PERSISTENCE)
        return 0;
    ps->line = d->of_line;
    for (size_t k = 0; k < c->n_indicators && !d->base; k++)
        if (strcmp(c->indicators[k].id, d->of) == 0)
            d->base = &c->indicators[k];
    if (!d->base || d->base->measure != EFF_IND_SHARE || d->base->n_subgroups > 0)
        return cfg_fail(ps, "of: '%s' is not a share indicator without subgroups of this "
                        "config%s", d->of, ""), -1;
    if (d->n_subgroups > 0) {
        ps->line = d->subgroups_line;
        return cfg_fail(ps, "[indicator.%s]: persistence has no subgroups%s", d->id, ""), -1;
    }
    if (!d->base_year)
        d->base_year = d->base->year_first;
    d->year_first = d->year_last = d->base_year + d->after;
    if (d->base_year < d->base->year_first || d->base_year > d->base->year_last) {
        ps->line = d->line;
        return cfg_fail(ps, "[indicator.%s]: base_year is not a year of '%s'", d->id, d->of), -1;
    }
    return 0;
}

/* What each measure needs, checked once the section is read. */
int cfg_ind_resolve(parse_state *ps)
{
    eff_config *c = ps->c;
    for (size_t k = 0; k < c->n_indicators; k++) {
        eff_cfg_indicator *d = &c->indicators[k];
        const char *missing = !d->has_measure ? "measure = (share, mean, rate, poverty, "
                                                "recidivism, debut_age or persistence)"
                              : d->measure == EFF_IND_SHARE && d->condition.n == 0
                                  ? "condition = (e.g. BESKST = 1)"
                              : d->measure == EFF_IND_MEAN && !d->value ? "value = COLUMN"
                              : d->measure == EFF_IND_POVERTY && !d->value
                                  ? "income = COLUMN (the equivalised or the family income)"
                              : d->measure == EFF_IND_PERSISTENCE && !d->of
                                  ? "of = ID (the share indicator whose condition persists)"
                              : d->measure == EFF_IND_PERSISTENCE && !d->after
                                  ? "after = YEARS"
                                  : NULL;
        if (missing) {
            ps->line = d->line;
            return cfg_fail(ps, "[indicator.%s] has no %s", d->id, missing), -1;
        }
        if (d->measure == EFF_IND_POVERTY && isfinite(d->wealth_limit) && !d->wealth) {
            ps->line = d->line;
            return cfg_fail(ps, "[indicator.%s]: wealth_limit needs wealth = COLUMN%s", d->id,
                            ""), -1;
        }
        if (!d->year_first) {
            d->year_first = c->ind_year_first ? c->ind_year_first : c->year_first;
            d->year_last = c->ind_year_first ? c->ind_year_last : c->year_last;
        }
    }
    if (!c->history_first) {
        c->history_first = c->ind_year_first ? c->ind_year_first : c->year_first;
        c->history_last = c->ind_year_first ? c->ind_year_last : c->year_last;
    }
    for (size_t k = 0; k < c->n_indicators; k++)
        if (resolve_persistence(ps, &c->indicators[k]) != 0)
            return -1;
    return 0;
}

void cfg_ind_free(eff_config *c)
{
    for (size_t k = 0; k < c->n_indicators; k++) {
        eff_cfg_indicator *d = &c->indicators[k];
        eff_free(d->id);
        eff_free(d->title);
        eff_free(d->value);
        eff_free(d->wealth);
        eff_free(d->of);
        free_cond(&d->filter);
        free_cond(&d->condition);
        for (size_t j = 0; j < d->n_subgroups; j++)
            eff_free(d->subgroups[j]);
    }
    eff_free(c->indicators);
    eff_free(c->ind_weights);
    eff_free(c->ind_seed_figures);
}
