/* sim_part.c - participants and planted effects: who takes part in which intervention and
 * when, the participation records a plan's secretariat would keep (deltagelse.csv, with
 * unlinkable and out-of-rule records among them), the planted effects, and truth.csv.
 *
 * Selection: for each intervention the pool is every (udsat resident, start year g) with the
 * intervention's rule met in g, g = 2014..2017. Each pair is weighted exp(theta'x), x being
 * the matching covariates measured in g-1, with theta found by entropy balancing (Newton on
 * the convex dual) so that the weighted covariate means equal Tables 3.1, 3.3 and 3.5; then n
 * pairs are drawn without replacement with probability proportional to weight (Efraimidis and
 * Spirakis' keys), one per person. Nothing about outcomes or person effects enters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sim_internal.h"

const char *const sim_iv_name[IV_N] = {"fritidsjob", "boern_unge", "netvaerksmoedre"};
const char *const sim_iv_outcome[IV_N] = {"fritidsjob", "fravaer_pct", "i_uddannelse"};
/* The event-time window each intervention is estimated over (seed-notes 11). */
const int sim_iv_emin[IV_N] = {-2, -2, -3};

int sim_rule(const sim_world *w, size_t i, int iv, int year)
{
    const sim_person *p = &w->persons[i];
    if (!sim_present(p, year) || w->households[p->household].area != AREA_UDSAT)
        return 0;
    sim_py py;
    sim_py_make(w, i, year, &py);
    int level = py.udd / 1000;
    switch (iv) {
    case IV_FRITID: return py.alder >= 14 && py.alder <= 20 && py.enrolled && level <= 2;
    case IV_BOERN: return py.alder >= 12 && py.alder <= 14 && py.enrolled && level == 1;
    default: return p->sex == 1 && py.alder >= 30 && py.alder <= 49;
    }
}

/* ---- planted effects ---- */

double sim_effect(const sim_world *w, int iv, int sub, int g, int e)
{
    if (e < SIM_EMIN || e > SIM_EMAX || e == -1 || g < SIM_FIRST_COHORT || g > SIM_LAST_COHORT)
        return 0;
    double v = w->fx.v[iv][sub][1 + g - SIM_FIRST_COHORT][e - SIM_EMIN];
    if (isnan(v))
        v = w->fx.v[iv][sub][0][e - SIM_EMIN];
    return isnan(v) ? 0 : v;
}

static int iv_of(const char *s)
{
    for (int k = 0; k < IV_N; k++)
        if (strcmp(s, sim_iv_name[k]) == 0)
            return k;
    return -1;
}

/* One planted value; `line` is the file line for messages (0 for the built-in table). */
static eff_status plant(sim_world *w, const char *path, long line, const char *iv_s,
                        const char *outcome, const char *sub_s, const char *cohort, long e,
                        double value, eff_error *err)
{
    int iv = iv_of(iv_s);
    if (iv < 0)
        return eff_error_set(err, EFF_EINVAL, path, line, 1, "unknown intervention '%s'", iv_s);
    if (strcmp(outcome, sim_iv_outcome[iv]) != 0)
        return eff_error_set(err, EFF_EINVAL, path, line, 2,
                             "intervention %s has the outcome %s, not '%s'", iv_s,
                             sim_iv_outcome[iv], outcome);
    int subs[2], n_sub = 0;
    if (strcmp(sub_s, "all") == 0)
        subs[n_sub++] = 0, subs[n_sub++] = 1;
    else if (iv == IV_FRITID && strcmp(sub_s, "koen=M") == 0)
        subs[n_sub++] = 0;
    else if (iv == IV_FRITID && strcmp(sub_s, "koen=K") == 0)
        subs[n_sub++] = 1;
    else
        return eff_error_set(err, EFF_EINVAL, path, line, 3,
                             "subgroup '%s' is not planted: use all%s", sub_s,
                             iv == IV_FRITID ? ", koen=M or koen=K" : "");
    int c = 0;
    if (strcmp(cohort, "all") != 0) {
        char *end;
        long g = strtol(cohort, &end, 10);
        if (*end || g < SIM_FIRST_COHORT || g > SIM_LAST_COHORT)
            return eff_error_set(err, EFF_EINVAL, path, line, 4,
                                 "cohort '%s' is not all or a start year 2014-2017", cohort);
        c = 1 + (int)g - SIM_FIRST_COHORT;
        w->fx.cohort_specific = 1;
    }
    if (e < sim_iv_emin[iv] || e > SIM_EMAX || e == -1)
        return eff_error_set(err, EFF_EINVAL, path, line, 5,
                             "event time %ld is outside %s's window %d..%d (or is the reference "
                             "year -1)", e, iv_s, sim_iv_emin[iv], SIM_EMAX);
    if (!isfinite(value) || fabs(value) > (iv == IV_BOERN ? 50.0 : 10.0))
        return eff_error_set(err, EFF_EINVAL, path, line, iv == IV_BOERN ? 7 : 6,
                             "the planted %s must be a finite number of at most %s",
                             iv == IV_BOERN ? "att_pp" : "log_odds", iv == IV_BOERN ? "50" : "10");
    for (int k = 0; k < n_sub; k++)
        w->fx.v[iv][subs[k]][c][e - SIM_EMIN] = value;
    return EFF_OK;
}

static double field_num(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return *s && !*end ? v : NAN;
}

/* The compiled-in seed table: fields split on commas (no quoting in that file). */
static eff_status load_seed(sim_world *w, int with_pretrends, eff_error *err)
{
    const char *const *lines = sim_effects_seed_lines();
    for (size_t i = 1; lines[i]; i++) {
        char buf[256], *f[8];
        snprintf(buf, sizeof buf, "%s", lines[i]);
        int n = 0;
        for (char *s = buf; n < 8; n++) {
            f[n] = s;
            char *c = strchr(s, ',');
            if (!c) {
                n++;
                break;
            }
            *c = 0, s = c + 1;
        }
        long e = strtol(f[4], NULL, 10);
        if (e < 0 && !with_pretrends)
            continue;
        double v = field_num(*f[5] ? f[5] : f[6]);
        eff_status st = plant(w, "data/effects-seed.csv", (long)i + 1, f[0], f[1], f[2], f[3], e,
                              v, err);
        if (st != EFF_OK)
            return st;
    }
    return EFF_OK;
}

static eff_status load_file(sim_world *w, const char *path, eff_error *err)
{
    eff_csv_options o = eff_csv_options_default();
    o.all_text = 1;
    eff_table *t = NULL;
    eff_status st = eff_csv_read(path, &o, NULL, &t, NULL, err);
    if (st != EFF_OK)
        return st;
    static const char *const need[] = {"intervention", "outcome", "subgroup", "cohort",
                                       "event_time", "log_odds", "att_pp"};
    size_t col[7];
    for (int k = 0; k < 7 && st == EFF_OK; k++)
        if (eff_table_col(t, need[k], &col[k], err) != EFF_OK)
            st = eff_error_set(err, EFF_EINVAL, path, 1, 0,
                               "the effects file has no column '%s' (truth.csv's columns: "
                               "intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp)",
                               need[k]);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        long line = (long)r + 2;
        const char *v[7];
        for (int k = 0; k < 7; k++)
            v[k] = eff_table_is_na(t, col[k], r) ? "" : eff_table_str(t, col[k], r);
        char *end;
        long e = strtol(v[4], &end, 10);
        if (!*v[4] || *end) {
            st = eff_error_set(err, EFF_EINVAL, path, line, (long)col[4] + 1,
                               "event_time '%s' is not a whole number", v[4]);
            break;
        }
        int iv = iv_of(v[0]);
        const char *num = iv == IV_BOERN ? v[6] : v[5];
        double value = field_num(num);
        if (iv >= 0 && isnan(value)) {
            st = eff_error_set(err, EFF_EINVAL, path, line,
                               (long)(iv == IV_BOERN ? col[6] : col[5]) + 1,
                               "%s needs a number in %s, not '%s'", v[0],
                               iv == IV_BOERN ? "att_pp" : "log_odds", num);
            break;
        }
        st = plant(w, path, line, v[0], v[1], v[2], v[3], e, value, err);
    }
    eff_table_free(t);
    return st;
}

eff_status sim_effects_load(sim_world *w, eff_error *err)
{
    for (int iv = 0; iv < IV_N; iv++)
        for (int s = 0; s < 2; s++)
            for (int c = 0; c <= SIM_LAST_COHORT - SIM_FIRST_COHORT + 1; c++)
                for (int e = 0; e < SIM_NE; e++)
                    w->fx.v[iv][s][c][e] = c == 0 ? 0 : NAN;
    switch (w->opt.effects) {
    case EFF_SIM_EFFECTS_SEED: return load_seed(w, 0, err);
    case EFF_SIM_EFFECTS_PRETRENDS: return load_seed(w, 1, err);
    case EFF_SIM_EFFECTS_ZERO: return EFF_OK;
    default: return load_file(w, w->opt.effects_file, err);
    }
}
