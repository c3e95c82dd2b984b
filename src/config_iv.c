/* config_iv.c - the [intervention.ID] sections of the evaluation config (config.h) and the
 * checks that need the whole file: every intervention has activities and a defined outcome,
 * and every subgroup column is matched exactly (splitting on any other column would break
 * matched pairs). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "mem.h"

/* The covariates a run can build, measured in g-1 (`origin` is two indicators). */
static const char *const covariate_names[] = {
    "age", "female", "origin", "capital", "single_parent", "mother_vocational",
    "father_vocational"};
/* Model-only covariates measured in the year of the observation (g+e). */
static const char *const current_names[] = {"age_years", "class", "not_enrolled"};
/* The rows a characteristics table can have, measured in g. */
static const char *const characteristic_names[] = {
    "age", "male", "female", "non_western", "western", "capital", "single_parent",
    "mother_vocational", "father_vocational"};

static int in_list(const char *s, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0)
            return 1;
    return 0;
}

static int list_key(parse_state *ps, const char *name, const char *v, char **items, size_t *n,
                    long *line, const char *const *allowed, size_t n_allowed)
{
    int rc = cfg_parse_list(v, items, n);
    if (rc == -2)
        return cfg_oom(ps);
    if (rc)
        return cfg_fail(ps, "%s: too many entries (at most 16)%s", name, "");
    for (size_t k = 0; allowed && k < *n; k++)
        if (!in_list(items[k], allowed, n_allowed))
            return cfg_fail(ps, "%s: unknown name '%s' (see docs/config.md)", name, items[k]);
    if (line)
        *line = ps->line;
    return 1;
}

static int profile_key(parse_state *ps, eff_cfg_profile *p, const char *key, const char *v)
{
    long x;
    if (strcmp(key, "cohort") == 0) {
        if (cfg_parse_long(v, 1900, 2100, &x))
            return cfg_fail(ps, "typical.cohort: expected a year, got '%s'%s", v, "");
        p->cohort = (int)x;
        p->line = ps->line;
        return 1;
    }
    if (strcmp(key, "subgroup") == 0)
        return cfg_set_str(&p->subgroup, v) ? cfg_oom(ps) : 1;
    if (strcmp(key, "label") == 0)
        return cfg_set_str(&p->label, v) ? cfg_oom(ps) : 1;
    if (p->n == EFF_CFG_MAX_LIST)
        return cfg_fail(ps, "too many typical.* values (at most 16)%s%s", "", "");
    p->keys[p->n] = eff_strdup(key);
    p->values[p->n] = eff_strdup(v);
    if (!p->keys[p->n] || !p->values[p->n]) {
        eff_free(p->keys[p->n]);
        eff_free(p->values[p->n]);
        return cfg_oom(ps);
    }
    p->lines[p->n++] = ps->line;
    return 1;
}

static int enum_key(parse_state *ps, const char *name, const char *v, const char *const *names,
                    int n, int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(v, names[k]) == 0)
            return *out = k, 1;
    return cfg_fail(ps, "%s: unknown value '%s' (see docs/config.md)", name, v);
}

static int number_key(parse_state *ps, eff_cfg_intervention *iv, const char *name,
                      const char *v)
{
    static const char *const keys[] = {"min_post_periods", "min_n", "min_outcome_persons",
                                       "ratio", "wild_reps"};
    static const long lo[] = {1, 1, 0, 1, 99}, hi[] = {10, 100000000, 100000000, 100, 1000000};
    long x;
    for (size_t k = 0; k < 5; k++)
        if (strcmp(name, keys[k]) == 0) {
            if (cfg_parse_long(v, lo[k], hi[k], &x))
                return cfg_fail(ps, "%s: expected a whole number in range, got '%s'", name, v);
            if (k == 0) iv->min_post_periods = (int)x;
            else if (k == 1) iv->min_n = x;
            else if (k == 2) iv->min_outcome_persons = x;
            else if (k == 3) iv->ratio = (int)x;
            else iv->wild_reps = x;
            return 1;
        }
    if (strcmp(name, "caliper") == 0) {
        char *end;
        iv->caliper = strtod(v, &end);
        if (end == v || *end || !(iv->caliper >= 0))
            return cfg_fail(ps, "caliper: expected a number >= 0 (SDs of the logit of the "
                                "score; 0 for none), got '%s'%s", v, "");
        return 1;
    }
    return -1;
}

int cfg_iv_key(parse_state *ps, eff_cfg_intervention *iv, const char *name, const char *v)
{
    long a, b;
    int flag;
    if (strncmp(name, "typical.", 8) == 0 && name[8])
        return profile_key(ps, &iv->profile, name + 8, v);
    int r = number_key(ps, iv, name, v);
    if (r >= 0)
        return r;
    if (strcmp(name, "activities") == 0)
        return list_key(ps, name, v, iv->activities, &iv->n_activities, NULL, NULL, 0);
    if (strcmp(name, "covariates") == 0)
        return list_key(ps, name, v, iv->covariates, &iv->n_covariates, &iv->covariates_line,
                        covariate_names, sizeof covariate_names / sizeof *covariate_names);
    if (strcmp(name, "current_covariates") == 0)
        return list_key(ps, name, v, iv->current, &iv->n_current, NULL, current_names,
                        sizeof current_names / sizeof *current_names);
    if (strcmp(name, "characteristics") == 0)
        return list_key(ps, name, v, iv->characteristics, &iv->n_characteristics,
                        &iv->characteristics_line, characteristic_names,
                        sizeof characteristic_names / sizeof *characteristic_names);
    if (strcmp(name, "subgroups") == 0)
        return list_key(ps, name, v, iv->subgroups, &iv->n_subgroups, &iv->subgroups_line,
                        NULL, 0);
    if (strcmp(name, "exact") == 0)
        return list_key(ps, name, v, iv->exact, &iv->n_exact, &iv->exact_line, NULL, 0);
    if (strcmp(name, "trend") == 0) {
        iv->trend_line = ps->line;
        return cfg_set_str(&iv->trend, v) ? cfg_oom(ps) : 1;
    }
    if (strcmp(name, "outcome") == 0) {
        iv->outcome_line = ps->line;
        return cfg_set_str(&iv->outcome_id, v) ? cfg_oom(ps) : 1;
    }
    if (strcmp(name, "age") == 0) {
        if (cfg_parse_range(v, &a, &b) || a < 0 || b > 130)
            return cfg_fail(ps, "age: expected MIN-MAX (e.g. 14-20), got '%s'%s", v, "");
        iv->age_min = (int)a, iv->age_max = (int)b;
        return 1;
    }
    if (strcmp(name, "window") == 0) {
        if (cfg_parse_range(v, &a, &b) || a > -2 || b < 0 || a < -10 || b > 10)
            return cfg_fail(ps, "window: expected FIRST..LAST event times with FIRST <= -2 "
                                "and LAST >= 0 (e.g. -2..2), got '%s'%s", v, "");
        iv->emin = (int)a, iv->emax = (int)b;
        return 1;
    }
    if (strcmp(name, "sex") == 0) {
        static const char *const s[] = {"any", "M", "K"};
        int k = 0;
        r = enum_key(ps, name, v, s, 3, &k);
        iv->sex = k == 1 ? 'M' : k == 2 ? 'K' : 0;
        return r;
    }
    if (strcmp(name, "school") == 0) {
        static const char *const s[] = {"any", "grundskole", "grundskole_gymnasial"};
        int k = 0;
        r = enum_key(ps, name, v, s, 3, &k);
        iv->school = (eff_school_rule)k;
        return r;
    }
    if (strcmp(name, "cluster") == 0) {
        static const char *const s[] = {"auto", "set", "person", "plan"};
        int k = 0;
        r = enum_key(ps, name, v, s, 4, &k);
        iv->cluster = (eff_cluster_kind)k;
        return r;
    }
    if (strcmp(name, "balanced") == 0 && strcmp(v, "pairs") == 0) {
        iv->balanced = 2;
        return 1;
    }
    if (strcmp(name, "wild_level") == 0) {
        char *end;
        iv->wild_level = strtod(v, &end);
        if (end == v || *end || !(iv->wild_level > 0.5 && iv->wild_level < 1))
            return cfg_fail(ps, "wild_level: expected a number between 0.5 and 1, got '%s'%s",
                            v, "");
        return 1;
    }
    if (strcmp(name, "wild_weights") == 0) {
        static const char *const s[] = {"auto", "rademacher", "webb"};
        return enum_key(ps, name, v, s, 3, &iv->wild_weights);
    }
    if (strcmp(name, "wild_cluster") == 0) {
        static const char *const s[] = {"plan", "estate"};
        return enum_key(ps, name, v, s, 2, &iv->wild_cluster);
    }
    if (strcmp(name, "time_effects") == 0) {
        static const char *const s[] = {"additive", "cohort_x_event"};
        return enum_key(ps, name, v, s, 2, &iv->cohort_x_event);
    }
    int *bools[] = {&iv->match_on_outcome, &iv->replace, &iv->balanced, &iv->wild,
                    &iv->naive_twfe, &iv->model_covariates};
    const char *bool_keys[] = {"match_on_outcome", "replace", "balanced", "wild_bootstrap",
                               "naive_twfe", "model_covariates"};
    for (size_t k = 0; k < 6; k++)
        if (strcmp(name, bool_keys[k]) == 0) {
            if (cfg_parse_bool(v, &flag))
                return cfg_fail(ps, "%s: expected yes or no, got '%s'", name, v);
            *bools[k] = flag;
            return 1;
        }
    return cfg_fail(ps, "unknown key '%s' in [intervention.%s]", name, iv->id);
}

static int fail_at(parse_state *ps, long line, const char *fmt, const char *a, const char *b)
{
    ps->line = line;
    return cfg_fail(ps, fmt, a, b) - 1;
}

static int check_subgroups(parse_state *ps, const eff_cfg_intervention *iv)
{
    for (size_t k = 0; k < iv->n_subgroups; k++) {
        const char *s = iv->subgroups[k];
        if (strcmp(s, "all") == 0)
            continue;
        const char *eq = strchr(s, '=');
        if (!eq || eq == s || !eq[1])
            return fail_at(ps, iv->subgroups_line, "subgroup '%s': expected all or "
                           "COLUMN=VALUE%s", s, "");
        int exact = 0;
        for (size_t j = 0; j < iv->n_exact; j++)
            exact |= strlen(iv->exact[j]) == (size_t)(eq - s) &&
                     strncasecmp(iv->exact[j], s, (size_t)(eq - s)) == 0;
        if (!exact)
            return fail_at(ps, iv->subgroups_line, "subgroup '%s' splits on a column that is "
                           "not matched exactly; add it to exact = (in [intervention.%s]) or "
                           "splitting would break matched pairs", s, iv->id);
    }
    return 0;
}

int cfg_resolve(parse_state *ps)
{
    eff_config *c = ps->c;
    for (size_t k = 0; k < c->n_outcomes; k++)
        if (c->outcomes[k].source == EFF_COL_N)
            return fail_at(ps, c->outcomes[k].line, "[outcome.%s] has no source = "
                           "(enrolled, hours or absence)%s", c->outcomes[k].id, "");
    if (cfg_ind_resolve(ps) != 0 || cfg_ch_resolve(ps) != 0)
        return -1;
    if (c->n_interventions == 0 && c->n_indicators == 0 && !c->funding_line && !c->survey_line)
        return fail_at(ps, 0, "no [intervention.ID], [indicator.ID], [funding] or [survey] "
                       "section%s%s", "", "");
    for (size_t k = 0; k < c->n_interventions; k++) {
        eff_cfg_intervention *iv = &c->interventions[k];
        if (iv->n_activities == 0)
            return fail_at(ps, iv->line, "[intervention.%s] has no activities =%s", iv->id, "");
        if (!iv->outcome_id)
            return fail_at(ps, iv->line, "[intervention.%s] has no outcome =%s", iv->id, "");
        for (size_t j = 0; j < c->n_outcomes; j++)
            if (strcmp(c->outcomes[j].id, iv->outcome_id) == 0)
                iv->outcome = &c->outcomes[j];
        if (!iv->outcome)
            return fail_at(ps, iv->outcome_line, "unknown outcome '%s' (no [outcome.%s] "
                           "section)", iv->outcome_id, iv->outcome_id);
        if (iv->n_subgroups == 0 && cfg_parse_list("all", iv->subgroups, &iv->n_subgroups))
            return ps->line = iv->line, cfg_oom(ps) - 1;
        if (check_subgroups(ps, iv))
            return -1;
        size_t t = 0;
        while (iv->trend && t < c->n_indicators && strcmp(c->indicators[t].id, iv->trend) != 0)
            t++;
        if (iv->trend && t == c->n_indicators)
            return fail_at(ps, iv->trend_line, "trend: no [indicator.%s] section%s", iv->trend,
                           "");
        if (iv->n_covariates == 0)
            return fail_at(ps, iv->line, "[intervention.%s] has no covariates =%s", iv->id,
                           "");
        if (iv->min_post_periods > iv->emax + 1)
            return fail_at(ps, iv->line, "[intervention.%s]: min_post_periods is longer than "
                           "the window%s", iv->id, "");
    }
    if (c->n_interventions > 0 && c->year_last - c->year_first < 3) /* g-2 .. g+1 */
        return fail_at(ps, 0, "years: the register years span fewer than four years%s%s", "",
                       "");
    return 0;
}
