/* config.c - the evaluation config (config.h): INI through inih, read line by line through a
 * counting reader so every key knows its line (Debian's inih is built without
 * INI_HANDLER_LINENO). Values are checked as they arrive; cross-references (an intervention's
 * outcome) are resolved at the end, still naming the line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "mem.h"

const char *const eff_cfg_col_key[EFF_COL_N] = {
    "pnr", "sex", "age", "origin", "capital", "family_type", "children", "mother", "father",
    "estate", "vocational", "enrolled", "education", "hours", "absence", "class",
    "estate_id", "plan_2006_10", "plan_2011_14", "participation_pnr", "participation_activity",
    "participation_start", "participation_plan", "case", "event_date", "family", "birth_date"};
const char *const eff_cfg_col_default[EFF_COL_N] = {
    "PNR", "KOEN", "ALDER", "herkomst", "hovedstad", "FAMILIE_TYPE", "ANTBOERNF", "MOR_ID",
    "FAR_ID", "afdeling", "erhvkomp", "i_uddannelse", "UDD", "LOENTIMER", "FRAVAER_PCT",
    "KLASSETRIN",
    "estate_id", "plan_2006_10", "plan_2011_14", "pnr", "aktivitet", "start_aar", "plan_id",
    "SAGSNR", "GERNINGSDATO", "FAMILIE_ID", "FOED_DAG"};
const char *const eff_cfg_file_key[EFF_FILE_N] = {"bef", "udda", "bfl", "fravaer", "estates",
                                                  "participation", "ras", "ind", "krim"};
static const char *const file_default[EFF_FILE_N] = {
    "bef{year}.csv", "udda{year}.csv", "bfl{year}.csv", "fravaer{year}.csv", "afdelinger.csv",
    "deltagelse.csv", "ras{year}.csv", "ind{year}.csv", "krim{year}.csv"};

static char *counting_reader(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    char *r = fgets(str, num, ps->fp);
    if (r)
        ps->line++;
    return r;
}

int cfg_fail(parse_state *ps, const char *fmt, const char *a, const char *b)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b);
    ps->status = eff_error_set(ps->err, EFF_EINVAL, ps->c->path, ps->line, 0, "%s", msg);
    ps->failed = 1;
    return 0;
}

int cfg_oom(parse_state *ps)
{
    ps->status = eff_error_set(ps->err, EFF_ENOMEM, ps->c->path, ps->line, 0, "out of memory");
    ps->failed = 1;
    return 0;
}

int cfg_parse_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

int cfg_parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "1", "on", "ja"};
    static const char *const no[] = {"no", "false", "0", "off", "nej"};
    for (size_t k = 0; k < 5; k++) {
        if (strcmp(v, yes[k]) == 0) return *out = 1, 0;
        if (strcmp(v, no[k]) == 0) return *out = 0, 0;
    }
    return -1;
}

/* "A-B" or "A..B" with integers, A <= B. */
int cfg_parse_range(const char *v, long *a, long *b)
{
    char buf[64];
    if (strlen(v) >= sizeof buf)
        return -1;
    strcpy(buf, v);
    char *sep = strstr(buf, "..");
    size_t skip = 2;
    if (!sep) {
        sep = buf[0] ? strchr(buf + 1, '-') : NULL; /* a leading minus belongs to A; an
                                                       empty value has no buf + 1 (fuzz_config) */
        skip = 1;
    }
    if (!sep)
        return -1;
    *sep = '\0';
    if (cfg_parse_long(buf, -1000000, 1000000, a) || cfg_parse_long(sep + skip, -1000000, 1000000, b) ||
        *a > *b)
        return -1;
    return 0;
}

char *cfg_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Splits a comma-separated list into owned strings. -1 on too many, -2 out of memory. */
int cfg_parse_list(const char *v, char **out, size_t *n)
{
    char *copy = eff_strdup(v);
    if (!copy)
        return -2;
    for (size_t k = 0; k < *n; k++)
        eff_free(out[k]);
    *n = 0;
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *t = cfg_trim(tok);
        if (!*t)
            continue;
        if (*n == EFF_CFG_MAX_LIST || !(out[*n] = eff_strdup(t))) {
            rc = *n == EFF_CFG_MAX_LIST ? -1 : -2;
            break;
        }
        (*n)++;
    }
    eff_free(copy);
    return rc;
}

int cfg_set_str(char **slot, const char *v)
{
    char *s = eff_strdup(v);
    if (!s)
        return -1;
    eff_free(*slot);
    *slot = s;
    return 0;
}

static int run_key(parse_state *ps, const char *name, const char *v)
{
    eff_config *c = ps->c;
    long a, b;
    int flag;
    if (strcmp(name, "title") == 0)
        return cfg_set_str(&c->title, v) ? cfg_oom(ps) : 1;
    if (strcmp(name, "data_dir") == 0) {
        if (ps->dir_fixed) /* --data-dir wins */
            return 1;
        char path[4096];
        if (v[0] == '/')
            snprintf(path, sizeof path, "%s", v);
        else
            snprintf(path, sizeof path, "%s/%s", c->dir ? c->dir : ".", v);
        return cfg_set_str(&c->dir, path) ? cfg_oom(ps) : 1;
    }
    if (strcmp(name, "years") == 0) {
        if (cfg_parse_range(v, &a, &b) || a < 1900 || b > 2100)
            return cfg_fail(ps, "years: expected FIRST-LAST (e.g. 2011-2019), got '%s'%s", v, "");
        c->year_first = (int)a, c->year_last = (int)b;
        return 1;
    }
    if (strcmp(name, "disclosure_threshold") == 0) {
        if (cfg_parse_long(v, 3, 1000000, &a))
            return cfg_fail(ps, "disclosure_threshold must be a whole number of at least 3, "
                            "got '%s'%s", v, "");
        c->threshold = a;
        return 1;
    }
    if (strcmp(name, "seed") == 0) {
        char *end;
        errno = 0;
        c->seed = strtoull(v, &end, 10);
        if (errno || end == v || *end || v[0] == '-')
            return cfg_fail(ps, "seed: expected a whole number, got '%s'%s", v, "");
        return 1;
    }
    if (strcmp(name, "first_cohort") == 0) {
        if (cfg_parse_long(v, 1900, 2100, &a))
            return cfg_fail(ps, "first_cohort: expected a year, got '%s'%s", v, "");
        c->first_cohort = (int)a;
        return 1;
    }
    int *bools[] = {&c->drop_first_cohort, &c->reuse_across_cohorts, &c->microdata};
    const char *bool_keys[] = {"drop_first_cohort", "reuse_across_cohorts", "microdata"};
    for (size_t k = 0; k < 3; k++)
        if (strcmp(name, bool_keys[k]) == 0) {
            if (cfg_parse_bool(v, &flag))
                return cfg_fail(ps, "%s: expected yes or no, got '%s'", name, v);
            *bools[k] = flag;
            return 1;
        }
    return cfg_fail(ps, "unknown key '%s' in [run]%s", name, "");
}

static int table_key(parse_state *ps, const char *section, const char *name, const char *v,
                     const char *const *keys, int n, char **slots, long *lines)
{
    for (int k = 0; k < n; k++)
        if (strcmp(name, keys[k]) == 0) {
            if (!*v)
                return cfg_fail(ps, "%s: empty value in [%s]", name, section);
            if (cfg_set_str(&slots[k], v))
                return cfg_oom(ps);
            lines[k] = ps->line;
            return 1;
        }
    return cfg_fail(ps, "unknown key '%s' in [%s]", name, section);
}

static eff_cfg_outcome *outcome_of(parse_state *ps, const char *id)
{
    eff_config *c = ps->c;
    for (size_t k = 0; k < c->n_outcomes; k++)
        if (strcmp(c->outcomes[k].id, id) == 0)
            return &c->outcomes[k];
    if (c->n_outcomes == EFF_CFG_MAX_OUTCOMES) {
        cfg_fail(ps, "too many outcomes (at most 8)%s%s", "", "");
        return NULL;
    }
    eff_cfg_outcome *o = &c->outcomes[c->n_outcomes];
    if (!(o->id = eff_strdup(id))) {
        cfg_oom(ps);
        return NULL;
    }
    o->kind = EFF_OUTCOME_FLAG;
    o->source = EFF_COL_N;
    o->age_max = 130;
    o->line = ps->line;
    c->n_outcomes++;
    return o;
}

static int outcome_key(parse_state *ps, eff_cfg_outcome *o, const char *name, const char *v)
{
    if (strcmp(name, "source") == 0) {
        static const eff_cfg_col ok[] = {EFF_COL_ENROLLED, EFF_COL_HOURS, EFF_COL_ABSENCE};
        for (size_t k = 0; k < 3; k++)
            if (strcmp(v, eff_cfg_col_key[ok[k]]) == 0) {
                o->source = ok[k];
                o->kind = ok[k] == EFF_COL_ENROLLED ? EFF_OUTCOME_FLAG
                          : ok[k] == EFF_COL_HOURS  ? EFF_OUTCOME_THRESHOLD
                                                    : EFF_OUTCOME_VALUE;
                return 1;
            }
        return cfg_fail(ps, "source: expected enrolled, hours or absence, got '%s'%s", v, "");
    }
    if (strcmp(name, "age") == 0) {
        long a, b;
        if (cfg_parse_range(v, &a, &b) || a < 0 || b > 130)
            return cfg_fail(ps, "age: expected MIN-MAX (e.g. 13-24), got '%s'%s", v, "");
        o->age_min = (int)a, o->age_max = (int)b;
        return 1;
    }
    if (strcmp(name, "threshold") == 0) {
        char *end;
        o->threshold = strtod(v, &end);
        if (end == v || *end || !(o->threshold >= 0))
            return cfg_fail(ps, "threshold: expected a number >= 0, got '%s'%s", v, "");
        return 1;
    }
    return cfg_fail(ps, "unknown key '%s' in [outcome.%s]", name, o->id);
}

static eff_cfg_intervention *intervention_of(parse_state *ps, const char *id)
{
    eff_config *c = ps->c;
    for (size_t k = 0; k < c->n_interventions; k++)
        if (strcmp(c->interventions[k].id, id) == 0)
            return &c->interventions[k];
    if (c->n_interventions == EFF_CFG_MAX_IV) {
        cfg_fail(ps, "too many interventions (at most 8)%s%s", "", "");
        return NULL;
    }
    eff_cfg_intervention *iv = &c->interventions[c->n_interventions];
    if (!(iv->id = eff_strdup(id))) {
        cfg_oom(ps);
        return NULL;
    }
    iv->age_min = 0, iv->age_max = 200;
    iv->emin = -2, iv->emax = 2;
    iv->min_post_periods = 2;
    iv->min_n = 30;
    iv->min_outcome_persons = 0;
    iv->match_on_outcome = 1;
    iv->ratio = 1;
    iv->wild = 1;
    iv->model_covariates = 1;
    iv->wild_reps = 9999;
    iv->wild_level = 0.95;
    iv->caliper = 0;
    iv->line = ps->line;
    c->n_interventions++;
    return iv;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *ps = user;
    if (ps->failed)
        return 0;
    char v[2048];
    snprintf(v, sizeof v, "%s", value);
    char *val = cfg_trim(v);
    if (strcmp(section, "run") == 0)
        return run_key(ps, name, val);
    if (strcmp(section, "files") == 0)
        return table_key(ps, section, name, val, eff_cfg_file_key, EFF_FILE_N, ps->c->files,
                         ps->c->file_lines);
    if (strcmp(section, "columns") == 0)
        return table_key(ps, section, name, val, eff_cfg_col_key, EFF_COL_N, ps->c->columns,
                         ps->c->column_lines);
    if (strncmp(section, "outcome.", 8) == 0 && section[8]) {
        eff_cfg_outcome *o = outcome_of(ps, section + 8);
        return o ? outcome_key(ps, o, name, val) : 0;
    }
    if (strncmp(section, "intervention.", 13) == 0 && section[13]) {
        eff_cfg_intervention *iv = intervention_of(ps, section + 13);
        return iv ? cfg_iv_key(ps, iv, name, val) : 0;
    }
    if (strcmp(section, "indicators") == 0)
        return cfg_indicators_key(ps, name, val);
    if (strcmp(section, "funding") == 0)
        return cfg_funding_key(ps, name, val);
    if (strcmp(section, "survey") == 0)
        return cfg_survey_key(ps, name, val);
    if (strncmp(section, "indicator.", 10) == 0 && section[10]) {
        eff_cfg_indicator *d = cfg_indicator_of(ps, section + 10);
        return d ? cfg_ind_key(ps, d, name, val) : 0;
    }
    return cfg_fail(ps, "unknown section [%s] (expected run, files, columns, outcome.ID, "
                    "intervention.ID, indicators, indicator.ID, funding or survey)%s", section, "");
}

static eff_status set_defaults(eff_config *c, const char *path, const char *data_dir,
                               eff_error *err)
{
    c->year_first = 2011, c->year_last = 2019;
    c->threshold = 5;
    c->seed = 20111;
    c->first_cohort = 2014;
    c->reuse_across_cohorts = 1;
    c->funding_threshold = 0.25;
    if (!(c->path = eff_strdup(path)))
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    if (data_dir) {
        c->dir = eff_strdup(data_dir);
    } else {
        const char *slash = strrchr(path, '/');
        c->dir = slash ? eff_strndup(path, (size_t)(slash - path) + (slash == path)) :
                         eff_strdup(".");
    }
    if (!c->dir)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    for (int k = 0; k < EFF_FILE_N; k++)
        if (!(c->files[k] = eff_strdup(file_default[k])))
            return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    for (int k = 0; k < EFF_COL_N; k++)
        if (!(c->columns[k] = eff_strdup(eff_cfg_col_default[k])))
            return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    return EFF_OK;
}

eff_status eff_config_load(const char *path, const char *data_dir, eff_config **out,
                           eff_error *err)
{
    *out = NULL;
    eff_config *c = eff_calloc(1, sizeof *c);
    if (!c)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    eff_status st = set_defaults(c, path, data_dir, err);
    if (st != EFF_OK) {
        eff_config_free(c);
        return st;
    }
    parse_state ps = {.c = c, .err = err, .dir_fixed = data_dir != NULL};
    ps.fp = fopen(path, "r");
    if (!ps.fp) {
        eff_error_set(err, EFF_EIO, path, 0, 0, "cannot read the config: %s", strerror(errno));
        eff_config_free(c);
        return EFF_EIO;
    }
    int rc = ini_parse_stream(counting_reader, &ps, handler, &ps);
    fclose(ps.fp);
    if (!ps.failed && rc != 0) {
        ps.status = eff_error_set(err, rc > 0 ? EFF_EPARSE : EFF_EIO, path, rc > 0 ? rc : 0, 0,
                                  rc > 0 ? "cannot parse this line (expected [section] or key "
                                           "= value)"
                                         : "cannot read the config");
        ps.failed = 1;
    }
    if (!ps.failed && cfg_resolve(&ps) != 0)
        ps.failed = 1;
    if (ps.failed) {
        eff_config_free(c);
        return ps.status ? ps.status : EFF_EINVAL; /* every failure sets it; never EFF_OK */
    }
    *out = c;
    return EFF_OK;
}

static void free_list(char **items, size_t n)
{
    for (size_t k = 0; k < n; k++)
        eff_free(items[k]);
}

void eff_config_free(eff_config *c)
{
    if (!c)
        return;
    eff_free(c->path);
    eff_free(c->dir);
    eff_free(c->title);
    free_list(c->files, EFF_FILE_N);
    free_list(c->columns, EFF_COL_N);
    for (size_t k = 0; k < c->n_outcomes; k++)
        eff_free(c->outcomes[k].id);
    for (size_t k = 0; k < c->n_interventions; k++) {
        eff_cfg_intervention *iv = &c->interventions[k];
        eff_free(iv->id);
        eff_free(iv->outcome_id);
        eff_free(iv->trend);
        free_list(iv->activities, iv->n_activities);
        free_list(iv->covariates, iv->n_covariates);
        free_list(iv->current, iv->n_current);
        free_list(iv->subgroups, iv->n_subgroups);
        free_list(iv->exact, iv->n_exact);
        free_list(iv->characteristics, iv->n_characteristics);
        free_list(iv->profile.keys, iv->profile.n);
        free_list(iv->profile.values, iv->profile.n);
        eff_free(iv->profile.subgroup);
        eff_free(iv->profile.label);
    }
    cfg_ind_free(c);
    cfg_ch_free(c);
    eff_free(c);
}

eff_status eff_config_path(const eff_config *c, eff_cfg_file f, int year, char *buf,
                           size_t size, eff_error *err)
{
    const char *pat = c->files[f];
    char name[2048];
    const char *at = strstr(pat, "{year}");
    int n = at ? snprintf(name, sizeof name, "%.*s%d%s", (int)(at - pat), pat, year, at + 6)
               : snprintf(name, sizeof name, "%s", pat);
    if (n < 0 || (size_t)n >= sizeof name)
        return eff_error_set(err, EFF_EINVAL, c->path, c->file_lines[f], 0,
                             "file name too long");
    n = name[0] == '/' ? snprintf(buf, size, "%s", name)
                       : snprintf(buf, size, "%s/%s", c->dir, name);
    if (n < 0 || (size_t)n >= size)
        return eff_error_set(err, EFF_EINVAL, c->path, c->file_lines[f], 0,
                             "file path too long");
    return EFF_OK;
}

const eff_cfg_intervention *eff_config_intervention(const eff_config *c, const char *id)
{
    for (size_t k = 0; k < c->n_interventions; k++)
        if (strcmp(c->interventions[k].id, id) == 0)
            return &c->interventions[k];
    return NULL;
}

void eff_config_blame_file(const eff_config *c, eff_cfg_file f, eff_error *err)
{
    if (!err || err->status != EFF_EIO)
        return;
    char where[600];
    if (c->file_lines[f])
        snprintf(where, sizeof where, " (named by %s = %s at %s:%ld)", eff_cfg_file_key[f],
                 c->files[f], c->path, c->file_lines[f]);
    else
        snprintf(where, sizeof where, " (the default %s = %s; set it under [files] in %s)",
                 eff_cfg_file_key[f], c->files[f], c->path);
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, "%s", where);
}

size_t eff_config_extra_columns(const eff_config *c, const char **out)
{
    size_t n = 0;
    for (size_t k = 0; k < c->n_interventions; k++)
        for (size_t j = 0; j < c->interventions[k].n_exact && n < EFF_CFG_MAX_EXTRA; j++) {
            const char *name = c->interventions[k].exact[j];
            size_t seen = 0;
            while (seen < n && strcasecmp(out[seen], name) != 0)
                seen++;
            if (seen == n)
                out[n++] = name;
        }
    return n;
}
