/* cmd_run.c - `effekt run CONFIG --out DIR`: the effect evaluation of the seed report's
 * chapter 3 from register extracts and participation records (config.h, persons.h, eval.h),
 * written under DIR (run_out.c, run_json.c) and shown as the seed's tables (run_text.c).
 * Everything is computed before the first file is written, and each file is written to a
 * temporary name and renamed, so a failed run leaves no half-written output.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "run_cli.h"
#include "i18n.h"

static const char help[] =
    "Usage: effekt run CONFIG --out DIR [--data-dir DIR] [--lang da|en] [--format text|json]\n\n"
    "The effect evaluation the config describes (docs/config.md; examples/lbf-2011-14.ini is\n"
    "the seed report's chapter 3): participants and their start cohorts, a control pool of\n"
    "residents of other social housing, propensity score matching per cohort, the event-study\n"
    "difference-in-differences with cluster-robust errors and a pre-trend test, the typical\n"
    "person, participant characteristics and balance; every printed cell through disclosure\n"
    "control.\n\n"
    "Options:\n"
    "  --out DIR          where the results go (created if needed): report.html (the whole\n"
    "                     report, self-contained), tables.xlsx (every table, a sheet each),\n"
    "                     results.json, effects.csv, figures/, and per intervention\n"
    "                     characteristics.csv, balance.csv, typical_person.csv, love_plot.svg\n"
    "  --data-dir DIR     resolve the config's relative file names here (default: the\n"
    "                     config's data_dir, else the config file's directory)\n"
    "  --lang LANG        da (default) or en: the tables' and the report's language\n"
    "  --format FMT       text (default): the seed's tables; json: results.json on stdout\n\n"
    "Exit codes: 0 ok (warnings, e.g. an intervention below its minimum N, are printed and in\n"
    "results.json), 1 usage, 2 bad config or data (the message names the config line or the\n"
    "file, line and column), 3 no convergence or internal error, 4 input/output.\n";

typedef struct run_args {
    const char *config, *out, *data_dir;
    cli_format format;
    cli_lang lang;
} run_args;

static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},   {"data-dir", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'}, {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int opt, rc = 0;
    optind = 1;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if (opt == 'o') a->out = optarg;
        else if (opt == 'd') a->data_dir = optarg;
        else {
            rc = cli_common_option("run", opt, optarg, argv, &a->format, &a->lang);
            if (rc < 0)
                rc = cli_usage("run", "unexpected option");
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        a->config = argv[optind++];
    if (!a->config)
        return cli_usage("run", "no config file given");
    if (optind < argc)
        return cli_usage("run", "unexpected argument '%s'", argv[optind]);
    if (!a->out)
        return cli_usage("run", "--out DIR is required");
    if (a->format == CLI_CSV)
        return cli_usage("run", "--format takes text or json");
    return 0;
}

typedef struct hash_job {
    run_info *ri;
    eff_status *status;
    eff_error *errors;
} hash_job;

static void hash_part(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    hash_job *h = arg;
    for (size_t k = lo; k < hi; k++)
        h->status[k] = eff_digest_sha256_file(h->ri->inputs[k], h->ri->sha256[k], &h->errors[k]);
}

/* SHA-256 of every input, the files spread over the cores. */
static eff_status hash_inputs(const eff_persons *p, const eff_config *c, run_info *ri,
                              eff_error *err)
{
    size_t n = eff_persons_n_inputs(p) + 1;
    ri->inputs = calloc(n, sizeof *ri->inputs);
    ri->sha256 = calloc(n, sizeof *ri->sha256);
    hash_job h = {ri, calloc(n, sizeof *h.status), calloc(n, sizeof *h.errors)};
    if (!ri->inputs || !ri->sha256 || !h.status || !h.errors) {
        free(h.status), free(h.errors);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    char participation[4096];
    eff_status st = eff_config_path(c, EFF_FILE_PARTICIPATION, 0, participation,
                                    sizeof participation, err);
    for (size_t k = 0; st == EFF_OK && k < n; k++) {
        ri->inputs[k] = strdup(k + 1 < n ? eff_persons_input(p, k) : participation);
        ri->sha256[k] = calloc(65, 1);
        ri->n_inputs = k + 1;
        if (!ri->inputs[k] || !ri->sha256[k])
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == EFF_OK)
        eff_parallel_for(eff_parallel_parts(n, 1), n, hash_part, &h);
    for (size_t k = 0; st == EFF_OK && k < n; k++)
        if (h.status[k] != EFF_OK)
            *err = h.errors[k], st = h.status[k];
    free(h.status);
    free(h.errors);
    return st;
}

typedef struct hash_task {
    const eff_persons *persons;
    const eff_config *cfg;
    run_info *ri;
    eff_status status;
    eff_error err;
} hash_task;

static void *hash_thread(void *arg)
{
    hash_task *t = arg;
    t->status = hash_inputs(t->persons, t->cfg, t->ri, &t->err);
    return NULL;
}

static void free_inputs(run_info *ri)
{
    for (size_t k = 0; k < ri->n_inputs; k++) {
        free(ri->inputs[k]);
        free(ri->sha256[k]);
    }
    free(ri->inputs);
    free(ri->sha256);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* A file the config names under [funding] or [survey], resolved as the registers are. */
static eff_status read_named(const eff_config *c, const char *name, long line, const eff_ctx *ctx,
                             eff_table **t, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", name[0] == '/' ? "" : c->dir, name[0] == '/' ? "" : "/",
             name);
    eff_read_options o = eff_read_options_default();
    eff_status st = eff_read_table(path, &o, ctx, t, err);
    if (st == EFF_EIO) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (named at %s:%ld)", c->path, line);
    }
    return st;
}

/* The seed's chapters 2 and 5, when the config has their sections. */
static eff_status run_chapters(const eff_config *c, const eff_ctx *ctx, eff_funding *funding,
                               eff_survey *survey, eff_error *err)
{
    eff_table *a = NULL, *b = NULL;
    eff_status st = EFF_OK;
    if (c->funding_line) {
        st = read_named(c, c->funding_plans, c->funding_line, ctx, &a, err);
        if (st == EFF_OK) st = read_named(c, c->funding_estates, c->funding_line, ctx, &b, err);
        if (st == EFF_OK) st = eff_funding_compute(a, b, c->funding_threshold, funding, err);
        eff_table_free(a), eff_table_free(b), a = b = NULL;
    }
    if (st == EFF_OK && c->survey_line) {
        eff_survey_options o = {
            .theme = c->survey_theme, .items = (const char *const *)c->survey_items,
            .n_items = c->n_survey_items,
            .scale = c->n_survey_scale ? (const char *const *)c->survey_scale : NULL,
            .n_scale = c->n_survey_scale,
            .themes = c->n_survey_themes ? (const char *const *)c->survey_themes : NULL,
            .n_themes = c->n_survey_themes, .dont_know_include = c->survey_dont_know_include,
            .threshold = c->threshold};
        st = read_named(c, c->survey_data, c->survey_line, ctx, &a, err);
        if (st == EFF_OK) st = eff_survey_compute(a, &o, survey, err);
        eff_table_free(a);
    }
    return st;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.format = CLI_TEXT, .lang = CLI_DA};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_info ri = {.config_path = a.config, .lang = a.lang, .out_dir = a.out};
    time_t now = time(NULL);
    strftime(ri.started, sizeof ri.started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    eff_error err;
    eff_error_clear(&err);
    eff_ctx ctx = cli_ctx("run");
    eff_config *cfg = NULL;
    eff_persons *persons = NULL;
    eff_eval *eval = NULL;
    const char *extra[EFF_PERSONS_MAX_EXTRA];
    eff_indicators *ind = NULL;
    eff_status st = eff_config_load(a.config, a.data_dir, &cfg, &err);
    int evaluate = st == EFF_OK && cfg->n_interventions > 0;
    if (evaluate)
        st = eff_persons_load(cfg, extra, eff_config_extra_columns(cfg, extra), &ctx, &persons, &err);
    eff_log(&ctx, EFF_LOG_DEBUG, "registers read: %.1f s", seconds_since(&t0));
    /* the inputs are checksummed while the evaluation runs: it uses one core */
    hash_task ht = {persons, cfg, &ri, EFF_OK, {0}};
    pthread_t hasher;
    int hashing = evaluate && st == EFF_OK && pthread_create(&hasher, NULL, hash_thread, &ht) == 0;
    if (evaluate && st == EFF_OK && !hashing)
        hash_thread(&ht);
    if (evaluate && st == EFF_OK)
        st = eff_eval_run(cfg, persons, &ctx, &eval, &err);
    eff_log(&ctx, EFF_LOG_DEBUG, "evaluation done: %.1f s", seconds_since(&t0));
    if (hashing)
        pthread_join(hasher, NULL);
    if (st == EFF_OK && ht.status != EFF_OK)
        st = ht.status, err = ht.err;
    eff_log(&ctx, EFF_LOG_DEBUG, "inputs checksummed: %.1f s", seconds_since(&t0));
    if (st == EFF_OK && cfg->n_indicators > 0)
        st = eff_ind_compute(cfg, &ctx, &ind, &err);
    eff_log(&ctx, EFF_LOG_DEBUG, "indicators done: %.1f s", seconds_since(&t0));
    eff_funding funding = {0};
    eff_survey survey = {0};
    if (st == EFF_OK) st = run_chapters(cfg, &ctx, &funding, &survey, &err);
    cli_progress_done();
    if (st == EFF_OK && mkdir(a.out, 0777) != 0 && errno != EEXIST)
        st = eff_error_set(&err, EFF_EIO, a.out, 0, 0, "cannot create the output directory: %s",
                           strerror(errno));
    if (st == EFF_OK) {
        ri.cfg = cfg, ri.eval = eval, ri.ind = ind;
        ri.funding = cfg->funding_line ? &funding : NULL;
        ri.survey = cfg->survey_line ? &survey : NULL;
        ri.seconds = seconds_since(&t0);
        st = run_write_files(&ri, &err);
    }
    if (st == EFF_OK && a.format == CLI_JSON) {
        json_t *root = run_results_json(&ri);
        char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(root);
    } else if (st == EFF_OK) {
        run_print_tables(&ri);
        printf("\n%s %s/\n", i18n_tr(I18N_RESULTS_WRITTEN_TO, a.lang == CLI_DA),
               a.out);
    }
    rc = st == EFF_OK ? EXIT_OK : cli_fail(&err);
    free_inputs(&ri);
    eff_eval_free(eval);
    eff_ind_free(ind);
    eff_funding_free(&funding);
    eff_survey_free(&survey);
    eff_persons_free(persons);
    eff_config_free(cfg);
    return rc;
}
