/* mc.c - the Monte Carlo of the effect evaluation (issue 9), in memory. Each replication
 * simulates Synthetic Denmark with its own seed, keeps the registers the evaluation reads as
 * tables (eff_sim_options.tables; nothing big is written or parsed again), evaluates them
 * with the config, and writes one CSV row per intervention x subgroup x event time with the
 * estimate, its standard error, ATT_e, the truth of truth.csv and the pre-trend test, for
 * validate/mc_summary.py. The small files of a world (areas, participants, truth) go to a
 * temporary directory that is emptied after each replication.
 *
 * An intervention id "ID__variant" (e.g. fritidsjob__person) is a variant of ID: the same
 * participants evaluated another way (clustering, matching), compared against ID's truth.
 *
 * Failures are rows, never gaps: a replication whose simulation or evaluation fails gives a
 * row "run failed"; a subgroup whose model could not be estimated (separation, no
 * convergence) gives its rows with estimated = 0 and the reason.
 *
 * Issue 12 adds the robustness estimates of each row: Callaway-Sant'Anna (pp), the wild
 * bootstrap's p-value and interval (at the config's wild_level), the naive TWFE estimate
 * (naive_twfe = yes), the model's 90% interval, and the planted log odds weighted by the
 * cohorts' sizes (cohort-specific effects, --effects file:PATH).
 *
 *   build/effekt-mc --dgp realistic|simple --effects seed|zero|seed-with-pretrends|file:PATH
 *                   --reps N [--first K] [--config FILE] [--scale S] [--almen-scale A]
 *                   [--participants-scale P] [--threads T] --out FILE.csv
 * Seeds are 1000 + replication number (1-based), as in validate/mc.sh. */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/config.h"
#include "../src/eval.h"
#include "../src/persons.h"
#include "../src/regfile.h"
#include "../src/sim.h"
#include "../src/tableset.h"

typedef struct mc_args {
    const char *config, *out, *dgp, *effects;
    long reps, first;
    int timing;                /* EFFEKT_DEBUG=1: phase times on stderr */
    eff_sim_options sim;
} mc_args;

static int usage(const char *msg)
{
    fprintf(stderr, "effekt-mc: %s\nusage: effekt-mc --dgp realistic|simple --effects "
            "seed|zero|seed-with-pretrends --reps N [--first K] [--config FILE] [--scale S] "
            "[--almen-scale A] [--participants-scale P] [--threads T] --out FILE.csv\n", msg);
    return 2;
}

static int parse_args(int argc, char **argv, mc_args *a)
{
    a->config = "validate/mc.ini", a->dgp = "realistic", a->effects = "seed", a->first = 1;
    a->sim = eff_sim_options_default();
    a->sim.scale = 0.001;      /* the rest of the country: read by no evaluation */
    a->sim.almen_scale = 0.1;  /* the control pool: 100,000 persons for 2,000 participants */
    a->sim.threads = 1;        /* two replications at once use two cores best */
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage("an option lacks its value");
        i++;
        if (strcmp(k, "--config") == 0) a->config = v;
        else if (strcmp(k, "--out") == 0) a->out = v;
        else if (strcmp(k, "--dgp") == 0) a->dgp = v;
        else if (strcmp(k, "--effects") == 0) a->effects = v;
        else if (strcmp(k, "--reps") == 0) a->reps = atol(v);
        else if (strcmp(k, "--first") == 0) a->first = atol(v);
        else if (strcmp(k, "--scale") == 0) a->sim.scale = atof(v);
        else if (strcmp(k, "--almen-scale") == 0) a->sim.almen_scale = atof(v);
        else if (strcmp(k, "--participants-scale") == 0) a->sim.participants_scale = atof(v);
        else if (strcmp(k, "--threads") == 0) a->sim.threads = atoi(v);
        else return usage(k);
    }
    if (!a->out || a->reps < 1 || a->first < 1)
        return usage("--out and --reps N >= 1 are needed");
    if (strcmp(a->dgp, "simple") == 0) a->sim.dgp = EFF_SIM_SIMPLE;
    else if (strcmp(a->dgp, "realistic") != 0) return usage("--dgp: realistic or simple");
    if (strcmp(a->effects, "zero") == 0) a->sim.effects = EFF_SIM_EFFECTS_ZERO;
    else if (strcmp(a->effects, "seed-with-pretrends") == 0)
        a->sim.effects = EFF_SIM_EFFECTS_PRETRENDS;
    else if (strncmp(a->effects, "file:", 5) == 0) {
        a->sim.effects = EFF_SIM_EFFECTS_FILE;
        a->sim.effects_file = a->effects + 5;
    } else if (strcmp(a->effects, "seed") != 0)
        return usage("--effects: seed, zero, seed-with-pretrends or file:PATH");
    a->sim.registers = EFF_SIM_EVAL_REGISTERS;
    a->timing = getenv("EFFEKT_DEBUG") && strcmp(getenv("EFFEKT_DEBUG"), "1") == 0;
    a->sim.check_space = 0;
    return 0;
}

/* truth.csv's rows for all cohorts together. */
typedef struct truth {
    eff_table *t;
    size_t iv, sg, cohort, e, log_odds, att_pp;
} truth;

static eff_status truth_load(truth *tr, const char *dir, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    eff_status st = eff_read_table(path, NULL, NULL, &tr->t, err);
    const char *names[6] = {"intervention", "subgroup", "cohort", "event_time", "log_odds",
                            "att_pp"};
    size_t *cols[6] = {&tr->iv, &tr->sg, &tr->cohort, &tr->e, &tr->log_odds, &tr->att_pp};
    for (int k = 0; st == EFF_OK && k < 6; k++)
        st = eff_table_col(tr->t, names[k], cols[k], err);
    return st;
}

static double num(const eff_table *t, size_t col, size_t row)
{
    if (eff_table_col_type(t, col) == EFF_TYPE_I64) {
        int64_t v = eff_table_i64(t, col)[row];
        return v == EFF_I64_NA ? NAN : (double)v;
    }
    return eff_table_col_type(t, col) == EFF_TYPE_F64 ? eff_table_f64(t, col)[row] : NAN;
}

/* The planted (log odds, att_pp) of truth id `iv` (up to "__"), subgroup, cohort ("all" or
 * a year), event time. */
static int truth_of_cohort(const truth *tr, const char *iv, const char *sg, const char *cohort,
                           int e, double *lo, double *pp)
{
    const char *variant = strstr(iv, "__");
    size_t n_iv = variant ? (size_t)(variant - iv) : strlen(iv);
    for (size_t r = 0; r < eff_table_n_rows(tr->t); r++) {
        const char *ti = eff_table_str(tr->t, tr->iv, r), *ts = eff_table_str(tr->t, tr->sg, r);
        const char *tc = eff_table_str(tr->t, tr->cohort, r);
        if (ti && ts && tc && strlen(ti) == n_iv && strncmp(ti, iv, n_iv) == 0 &&
            strcmp(ts, sg) == 0 && strcmp(tc, cohort) == 0 && num(tr->t, tr->e, r) == e) {
            *lo = num(tr->t, tr->log_odds, r), *pp = num(tr->t, tr->att_pp, r);
            return 1;
        }
    }
    return 0;
}

static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.17g", v);
    else
        fputs(",", f);
}

static int truth_of(const truth *tr, const char *iv, const char *sg, int e, double *lo,
                    double *pp)
{
    return truth_of_cohort(tr, iv, sg, "all", e, lo, pp);
}

/* The planted log odds (or the realised att_pp) at e averaged over the cohorts observed at e
 * within the register years (g + e <= the last one) with their numbers of kept participants
 * as weights: what a pooled model that assumes one effect per event time estimates when the
 * effects differ by cohort, and what the stacked estimator's ATT_e averages (truth.csv's
 * all-cohort att_pp also counts the cohorts the simulator observes after the registers end).
 * Without cohort rows, the all-cohort value. */
static double truth_weighted(const truth *tr, const eff_eval_iv *iv, const char *sg, int e,
                             int year_last, int att_pp)
{
    double sum = 0, w = 0, lo, pp;
    for (size_t c = 0; c < iv->n_cohorts; c++) {
        char g[16];
        snprintf(g, sizeof g, "%d", iv->cohorts[c]);
        if (iv->cohorts[c] + e <= year_last &&
            truth_of_cohort(tr, iv->cfg->id, sg, g, e, &lo, &pp) && isfinite(att_pp ? pp : lo))
            sum += (double)iv->cohort_participants[c] * (att_pp ? pp : lo),
            w += (double)iv->cohort_participants[c];
    }
    if (w > 0)
        return sum / w;
    if (!truth_of(tr, iv->cfg->id, sg, e, &lo, &pp))
        return NAN;
    return att_pp ? pp : lo;
}

/* Why a subgroup was not estimated, as one word for the summary. */
static const char *failure_kind(const eff_eval_subgroup *sg)
{
    if (sg->estimated)
        return "";
    if (!sg->why_not)
        return "other";
    if (strstr(sg->why_not, "separat"))
        return "separation";
    if (strstr(sg->why_not, "converge"))
        return "no_convergence";
    if (strstr(sg->why_not, "could not be estimated"))
        return "fit_failed";
    return "too_few";
}

static void write_rows(FILE *f, long rep, const eff_eval *e, const truth *tr, int timing,
                       int year_last)
{
    for (size_t k = 0; timing && k < e->n_ivs; k++)
        for (size_t s = 0; s < e->ivs[k].n_subgroups; s++)
            if (e->ivs[k].subgroups[s].why_not)
                fprintf(stderr, "effekt-mc: replication %ld, %s %s: %s\n", rep,
                        e->ivs[k].cfg->id, e->ivs[k].subgroups[s].id,
                        e->ivs[k].subgroups[s].why_not);
    for (size_t k = 0; k < e->n_ivs; k++) {
        const eff_eval_iv *iv = &e->ivs[k];
        if (!iv->estimated) {
            fprintf(f, "%ld,%s,,,,,,,,,,0,not_estimated,,,,,,,,,,,,,\n", rep, iv->cfg->id);
            continue;
        }
        for (size_t s = 0; s < iv->n_subgroups; s++) {
            const eff_eval_subgroup *sg = &iv->subgroups[s];
            for (size_t j = 0; j < sg->n_effects || (!sg->estimated && j == 0); j++) {
                const eff_eval_effect *ef = sg->n_effects ? &sg->effects[j] : NULL;
                int et = ef ? ef->event_time : 0;
                if (ef && et == -1)
                    continue;
                double lo = NAN, pp = NAN;
                truth_of(tr, iv->cfg->id, sg->id, et, &lo, &pp);
                int ok = sg->estimated && ef && ef->estimable && !ef->hidden;
                fprintf(f, "%ld,%s,%s,%d", rep, iv->cfg->id, sg->id, et);
                put_num(f, ok ? ef->coef.estimate : NAN);
                put_num(f, ok ? ef->coef.std_error : NAN);
                put_num(f, ok ? ef->att_pp : NAN);
                put_num(f, ok ? ef->att_pp_se : NAN);
                put_num(f, lo);
                put_num(f, pp);
                put_num(f, sg->estimated ? sg->pretrend.p_value : NAN);
                fprintf(f, ",%d,%s,%s,%zu", ok,
                        sg->estimated && ef && ef->hidden ? "hidden"
                        : sg->estimated && !ok            ? "not_estimable"
                                                          : failure_kind(sg),
                        sg->cluster ? sg->cluster : "", sg->n_clusters);
                /* issue 12: the robustness estimates beside the model's */
                const eff_eval_robust *cs = ef ? &sg->cs[j] : NULL, *wb = ef ? &sg->wild[j] : NULL;
                const eff_eval_robust *nv = ef ? &sg->naive[j] : NULL;
                int show = ef && !ef->hidden;
                put_num(f, ok ? ef->coef.ci90_low : NAN);
                put_num(f, ok ? ef->coef.ci90_high : NAN);
                put_num(f, show && sg->cs_done && cs->estimated ? cs->estimate : NAN);
                put_num(f, show && sg->cs_done && cs->estimated ? cs->std_error : NAN);
                put_num(f, show && sg->wild_done && wb->estimated ? wb->p_value : NAN);
                put_num(f, show && sg->wild_done && wb->estimated ? wb->ci_low : NAN);
                put_num(f, show && sg->wild_done && wb->estimated ? wb->ci_high : NAN);
                put_num(f, show && sg->naive_done && nv->estimated ? nv->estimate : NAN);
                put_num(f, truth_weighted(tr, iv, sg->id, et, year_last, 0));
                put_num(f, truth_weighted(tr, iv, sg->id, et, year_last, 1));
                fprintf(f, "\n");
            }
        }
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One replication: world, store, evaluation, rows. */
static eff_status replicate(const mc_args *a, long rep, const char *dir, FILE *out,
                            eff_error *err)
{
    eff_tableset *tables = eff_tableset_new();
    if (!tables)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_sim_options o = a->sim;
    o.seed = (uint64_t)(1000 + rep);
    o.tables = tables;
    eff_config *c = NULL;
    eff_persons *p = NULL;
    eff_eval *e = NULL;
    truth tr = {0};
    eff_ctx ctx = eff_ctx_default();
    ctx.tables = tables;
    const char *extra[EFF_CFG_MAX_EXTRA];
    double t0 = now();
    eff_status st = eff_config_load(a->config, dir, &c, err);
    if (st == EFF_OK) { /* only the years the evaluation reads */
        o.year_first = c->year_first, o.year_last = c->year_last;
        st = eff_sim_run(&o, dir, NULL, NULL, err);
    }
    double t1 = now();
    if (st == EFF_OK)
        st = eff_persons_load(c, extra, eff_config_extra_columns(c, extra), &ctx, &p, err);
    eff_tableset_free(tables); /* the store holds what the evaluation needs */
    double t2 = now();
    if (st == EFF_OK) st = eff_eval_run(c, p, NULL, &e, err);
    if (a->timing)
        fprintf(stderr, "effekt-mc: simulate %.1f s, store %.1f s, evaluate %.1f s\n", t1 - t0,
                t2 - t1, now() - t2);
    if (st == EFF_OK) st = truth_load(&tr, dir, err);
    if (st == EFF_OK)
        write_rows(out, rep, e, &tr, a->timing, c->year_last);
    eff_table_free(tr.t);
    eff_eval_free(e);
    eff_persons_free(p);
    eff_config_free(c);
    return st;
}

/* Empties the replication's directory (only the files a simulation writes there). */
static void clear_dir(const char *dir)
{
    static const char *const names[] = {"omraader.csv", "afdelinger.csv", "planer.csv",
                                        "deltagelse.csv", "survey.csv", "truth.csv",
                                        "simulate.json"};
    char path[4096];
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
}

int main(int argc, char **argv)
{
    mc_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    /* a replication allocates and frees the same few hundred megabytes again and again: keep
     * them in the heap instead of returning them to the kernel (a fifth of the time went to
     * page faults) */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    char dir[] = "/tmp/effekt-mc.XXXXXX", tmp[4096];
    if (!mkdtemp(dir)) {
        fprintf(stderr, "effekt-mc: cannot make a temporary directory: %s\n", strerror(errno));
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", a.out);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, "effekt-mc: %s: %s\n", tmp, strerror(errno));
        rmdir(dir);
        return 1;
    }
    fputs("rep,intervention,subgroup,event_time,estimate,std_error,att_pp,att_pp_se,"
          "truth_log_odds,truth_att_pp,pretrend_p,estimated,failure,cluster,n_clusters,"
          "ci90_low,ci90_high,cs_estimate,cs_se,wild_p,wild_ci_low,wild_ci_high,"
          "naive_twfe,truth_log_odds_weighted,truth_att_pp_weighted\n", out);
    time_t t0 = time(NULL);
    for (long rep = a.first; rep < a.first + a.reps; rep++) {
        eff_error err;
        eff_error_clear(&err);
        if (replicate(&a, rep, dir, out, &err) != EFF_OK) {
            fprintf(out, "%ld,run failed,,,,,,,,,,0,%s,,,,,,,,,,,,,\n", rep,
                    eff_status_str(err.status));
            fprintf(stderr, "effekt-mc: replication %ld: %s%s%s\n", rep, err.path[0] ? err.path : "",
                    err.path[0] ? ": " : "", err.msg);
        }
        fflush(out);
        clear_dir(dir);
        fprintf(stderr, "effekt-mc: %s/%s replication %ld done (%lds)\n", a.dgp, a.effects, rep,
                (long)(time(NULL) - t0));
    }
    rmdir(dir);
    if (fclose(out) != 0 || rename(tmp, a.out) != 0) {
        fprintf(stderr, "effekt-mc: %s: %s\n", a.out, strerror(errno));
        return 1;
    }
    return 0;
}
