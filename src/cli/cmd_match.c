/* cmd_match.c - `effekt match`: propensity score matching (match.h) from one table, with the
 * matched rows (or pairs) written out, and balance before and after (balance.h). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "match_cli.h"

static const char help[] =
    "Usage: effekt match --data FILE --treat COL --covariates A,B,C --out MATCHED.csv [options]\n\n"
    "Greedy nearest-neighbour matching on the propensity score (a logit of COL on the\n"
    "covariates), with MatchIt 4.5.1's rules: one sort by distance, each treated unit takes\n"
    "the nearest eligible control (the left one on a tie), k rounds for k:1.\n\n"
    "Options:\n"
    "  --data FILE            the table (.csv, .sas7bdat, .dta, .sav, ...)\n"
    "  --treat COL            treatment, 0 or 1\n"
    "  --covariates A,B,C     the propensity model's regressors (text columns: indicators)\n"
    "  --score COL            use this score instead of fitting the model\n"
    "  --logit-distance       match on the logit of the score (Austin's caliper scale)\n"
    "  --id COL               the unit's id, for the pair file and the count of persons\n"
    "                         matched in more than one exact stratum\n"
    "  --ratio K              controls per treated unit (default 1)\n"
    "  --replace              controls may be reused\n"
    "  --caliper C            maximum distance; --caliper-units sd (default) or raw\n"
    "  --exact A,B            match only within equal values of these columns\n"
    "  --discard D            none (default), treated, control or both: common support\n"
    "  --order O              largest (default), smallest, data or random (with --seed S,\n"
    "                         default 0)\n"
    "  --out FILE             matched rows with distance, weights and subclass (with\n"
    "                         --replace: the matched pairs); micro-data, for the analyst\n"
    "  --balance FILE         balance before and after, per covariate (CSV)\n"
    "  --love-plot FILE       the balance as an SVG love plot\n"
    "  --format FMT           text (default) or json: counts and balance on standard output\n"
    "  --lang LANG            da (default) or en\n\n"
    "A caliper too tight for anyone is a warning: zero matches, exit 0. Exit codes: 0 ok,\n"
    "1 usage, 2 bad data (treatment not 0/1, no treated or controls, a constant covariate,\n"
    "separation in the propensity model), 3 no convergence, 4 input/output.\n";

enum { MAX_LIST = 256 };

typedef struct match_args {
    const char *data, *treat, *score, *id, *out, *balance, *love_plot;
    const char *covariates[MAX_LIST], *exact[MAX_LIST];
    size_t n_cov, n_exact;
    int logit_distance;
    eff_match_options opt;
    cli_format format;
    cli_lang lang;
} match_args;

static int parse_choice(int opt, char *arg, match_args *a)
{
    static const char *orders[] = {"largest", "smallest", "data", "random"};
    static const char *discards[] = {"none", "treated", "control", "both"};
    char *end;
    switch (opt) {
    case 'r': {
        long ratio = strtol(arg, &end, 10);
        if (*end || ratio < 1 || ratio > 100)
            return cli_usage("match", "--ratio takes a whole number from 1 to 100, not '%s'", arg);
        a->opt.ratio = (int)ratio;
        return 0;
    }
    case 'c':
        a->opt.caliper = strtod(arg, &end);
        return *end || !(a->opt.caliper > 0) ? cli_usage("match", "--caliper takes a number > 0") : 0;
    case 'u':
        if (strcmp(arg, "sd") && strcmp(arg, "raw"))
            return cli_usage("match", "--caliper-units takes sd or raw, not '%s'", arg);
        a->opt.caliper_sd = strcmp(arg, "sd") == 0;
        return 0;
    case 's': return cli_parse_seed("match", arg, &a->opt.seed);
    case 'o':
        for (int k = 0; k < 4; k++)
            if (strcmp(arg, orders[k]) == 0)
                return a->opt.order = (eff_match_order)k, 0;
        return cli_usage("match", "--order takes largest, smallest, data or random, not '%s'", arg);
    case 'd':
        for (int k = 0; k < 4; k++)
            if (strcmp(arg, discards[k]) == 0)
                return a->opt.discard = (eff_discard)k, 0;
        return cli_usage("match", "--discard takes none, treated, control or both, not '%s'", arg);
    case 'C': return cli_split_list("match", arg, a->covariates, &a->n_cov, MAX_LIST, "covariates");
    case 'e': return cli_split_list("match", arg, a->exact, &a->n_exact, MAX_LIST, "exact columns");
    }
    return cli_usage("match", "unknown option");
}

static int parse_args(int argc, char **argv, match_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'D'},      {"treat", required_argument, NULL, 't'},
        {"covariates", required_argument, NULL, 'C'}, {"score", required_argument, NULL, 'S'},
        {"logit-distance", no_argument, NULL, 'L'},  {"id", required_argument, NULL, 'i'},
        {"ratio", required_argument, NULL, 'r'},     {"replace", no_argument, NULL, 'R'},
        {"caliper", required_argument, NULL, 'c'},   {"caliper-units", required_argument, NULL, 'u'},
        {"exact", required_argument, NULL, 'e'},     {"discard", required_argument, NULL, 'd'},
        {"order", required_argument, NULL, 'o'},     {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'O'},       {"balance", required_argument, NULL, 'B'},
        {"love-plot", required_argument, NULL, 'P'}, {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->opt = eff_match_options_default();
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'D': a->data = optarg; break;
        case 't': a->treat = optarg; break;
        case 'S': a->score = optarg; break;
        case 'L': a->logit_distance = 1; break;
        case 'i': a->id = optarg; break;
        case 'R': a->opt.replace = 1; break;
        case 'O': a->out = optarg; break;
        case 'B': a->balance = optarg; break;
        case 'P': a->love_plot = optarg; break;
        default:
            rc = cli_common_option("match", opt, optarg, argv, &a->format, &a->lang);
            if (rc < 0)
                rc = parse_choice(opt, optarg, a);
            break;
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("match", "unexpected argument '%s'", argv[optind]);
    if (!a->data || !a->treat || !a->out || (!a->n_cov && !a->score))
        return cli_usage("match", "--data, --treat, --covariates (or --score) and --out are required");
    if (a->format == CLI_CSV)
        return cli_usage("match", "--format takes text or json (the tables go to --out and --balance)");
    return -1;
}

/* MatchIt's subclasses (no replacement): each matched treated unit, in data order, and its
 * controls. 0 for unmatched units. */
static void subclasses(const eff_pscore *p, const eff_match *m, int64_t *sub)
{
    int64_t next = 0;
    memset(sub, 0, p->n * sizeof *sub);
    for (size_t i = 0; i < p->n; i++) {
        const int64_t *c = eff_match_controls(m, i);
        if (!c || eff_match_weight(m, i) == 0)
            continue;
        sub[i] = ++next;
        for (int r = 0; r < eff_match_ratio(m); r++)
            if (c[r] >= 0)
                sub[c[r]] = next;
    }
}

/* The matched rows with distance, weights and subclass appended. */
static eff_status write_matched(const eff_table *t, const eff_pscore *p, const eff_match *m,
                                const char *path, eff_error *err)
{
    size_t count = 0;
    for (size_t i = 0; i < p->n; i++)
        count += eff_match_weight(m, i) > 0;
    int64_t *rows = malloc((count ? count : 1) * sizeof *rows), *sub = malloc(p->n * sizeof *sub);
    double *dist = eff_mallocarray(count, sizeof *dist), *w = eff_mallocarray(count, sizeof *w);
    int64_t *subc = eff_mallocarray(count, sizeof *subc);
    eff_table *out = NULL;
    eff_status st = rows && sub && dist && w && subc
                        ? EFF_OK
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        subclasses(p, m, sub);
        for (size_t i = 0, k = 0; i < p->n; i++) {
            if (eff_match_weight(m, i) <= 0)
                continue;
            rows[k] = (int64_t)p->rows[i];
            dist[k] = p->distance[i];
            w[k] = eff_match_weight(m, i);
            subc[k++] = sub[i];
        }
        st = eff_table_take(t, rows, count, &out, err);
    }
    if (!st && !(st = eff_table_add_f64(out, "distance", dist, err)))
        dist = NULL;
    if (!st && !(st = eff_table_add_f64(out, "weights", w, err)))
        w = NULL;
    if (!st && !(st = eff_table_add_i64(out, "subclass", subc, err)))
        subc = NULL;
    if (!st)
        st = eff_write_table(out, path, NULL, NULL, err);
    eff_table_free(out);
    free(rows);
    free(sub);
    eff_free(dist);
    eff_free(w);
    eff_free(subc);
    return st;
}

static void id_text(const eff_table *t, long id_col, size_t row, char *buf, size_t size)
{
    if (id_col < 0) {
        snprintf(buf, size, "%zu", row + 1);
        return;
    }
    size_t c = (size_t)id_col;
    if (eff_table_is_na(t, c, row)) {
        buf[0] = '\0'; /* a missing id: written empty, counted as nobody */
        return;
    }
    switch (eff_table_col_type(t, c)) {
    case EFF_TYPE_STR: snprintf(buf, size, "%s", eff_table_str(t, c, row)); break;
    case EFF_TYPE_I64: snprintf(buf, size, "%lld", (long long)eff_table_i64(t, c)[row]); break;
    case EFF_TYPE_DATE: eff_date_format(eff_table_date(t, c)[row], buf, size); break;
    case EFF_TYPE_F64: snprintf(buf, size, "%.17g", eff_table_f64(t, c)[row]); break;
    }
}

/* With replacement (no subclasses in MatchIt): one line per treated-control pair. */
static eff_status write_pairs(const eff_table *t, const eff_pscore *p, const eff_match *m,
                              long id_col, const char *path, eff_error *err)
{
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st)
        return st;
    cli_out_printf(&o, "subclass,treated,control,control_weight\n");
    size_t pair = 0;
    for (size_t i = 0; i < p->n; i++) {
        const int64_t *c = eff_match_controls(m, i);
        if (!c || eff_match_weight(m, i) == 0)
            continue;
        pair++;
        for (int r = 0; r < eff_match_ratio(m); r++) {
            if (c[r] < 0)
                continue;
            char a[128], b[128];
            id_text(t, id_col, p->rows[i], a, sizeof a);
            id_text(t, id_col, p->rows[c[r]], b, sizeof b);
            cli_out_printf(&o, "%zu,%s,%s,%.17g\n", pair, a, b, eff_match_weight(m, (size_t)c[r]));
        }
    }
    return cli_out_close(&o, err);
}

/* Persons (by --id) matched in more than one exact stratum. */
static size_t persons_in_several_strata(const eff_table *t, const eff_pscore *p,
                                        const eff_match *m, long id_col)
{
    if (id_col < 0 || !p->strata)
        return 0;
    eff_dict *ids = eff_dict_new();
    int32_t *first = malloc(p->n * sizeof *first);
    unsigned char *multi = calloc(p->n, 1);
    size_t count = 0;
    for (size_t i = 0; ids && first && multi && i < p->n; i++) {
        if (eff_match_weight(m, i) <= 0)
            continue;
        char key[128];
        int32_t code;
        id_text(t, id_col, p->rows[i], key, sizeof key);
        if (!key[0])
            continue;
        size_t before = eff_dict_size(ids);
        if (eff_dict_intern(ids, key, strlen(key), &code, NULL) != EFF_OK)
            break;
        if (eff_dict_size(ids) > before)
            first[code] = p->strata[i];
        else if (first[code] != p->strata[i] && !multi[code]) {
            multi[code] = 1;
            count++;
        }
    }
    eff_dict_release(ids);
    free(first);
    free(multi);
    return count;
}

static json_t *jnum(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static void write_summary(cli_out *o, const match_args *a, const eff_match_counts *c,
                          size_t dropped, size_t multi, const balance_rows *b)
{
    int da = a->lang == CLI_DA;
    if (a->format == CLI_JSON) {
        json_t *bal = json_array();
        for (size_t k = 0; b && k < b->n; k++)
            for (int s = 0; s < 2; s++) {
                const eff_balance_stats *st = s ? &b->rows[k].matched : &b->rows[k].all;
                json_array_append_new(bal, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
                    "covariate", b->rows[k].name, "sample", s ? "matched" : "all",
                    "mean_treated", jnum(st->mean_treated), "mean_control", jnum(st->mean_control),
                    "smd", jnum(st->smd), "var_ratio", jnum(st->var_ratio), "ecdf_mean",
                    jnum(st->ecdf_mean), "ecdf_max", jnum(st->ecdf_max), "flagged",
                    fabs(st->smd) > SMD_FLAG));
            }
        json_t *root = json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o}",
            "counts", "treated", (json_int_t)c->treated, "controls", (json_int_t)c->controls,
            "matched_treated", (json_int_t)c->matched_treated, "matched_controls",
            (json_int_t)c->matched_controls, "discarded_treated", (json_int_t)c->discarded_treated,
            "discarded_controls", (json_int_t)c->discarded_controls, "rows_dropped_missing",
            (json_int_t)dropped, "persons_in_several_strata", (json_int_t)multi,
            "caliper", c->caliper > 0 ? json_real(c->caliper) : json_null(), "balance", bal);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(root);
        if (text)
            cli_out_printf(o, "%s\n", text);
        free(text);
        return;
    }
    cli_out_printf(o, "%-12s %10s %10s\n", "", da ? "behandlede" : "treated", da ? "kontroller" : "controls");
    cli_out_printf(o, "%-12s %10zu %10zu\n", da ? "alle" : "all", c->treated, c->controls);
    cli_out_printf(o, "%-12s %10zu %10zu\n", da ? "matchede" : "matched", c->matched_treated, c->matched_controls);
    cli_out_printf(o, "%-12s %10zu %10zu\n", da ? "umatchede" : "unmatched",
                   c->treated - c->matched_treated - c->discarded_treated,
                   c->controls - c->matched_controls - c->discarded_controls);
    cli_out_printf(o, "%-12s %10zu %10zu\n", da ? "kasserede" : "discarded", c->discarded_treated, c->discarded_controls);
    if (dropped)
        cli_out_printf(o, "%zu %s\n", dropped, da ? "rækker udeladt for manglende værdier" : "rows dropped for missing values");
    if (multi)
        cli_out_printf(o, "%zu %s\n", multi, da ? "personer matchet i mere end ét stratum" : "persons matched in more than one stratum");
    if (!b)
        return;
    cli_out_printf(o, "\n%-24s %10s %10s   (|SMD| > 0.1: *)\n", da ? "kovariat" : "covariate",
                   da ? "SMD før" : "SMD before", da ? "SMD efter" : "SMD after");
    for (size_t k = 0; k < b->n; k++)
        cli_out_printf(o, "%-24s %10.4f %10.4f %s\n", b->rows[k].name, b->rows[k].all.smd,
                       b->rows[k].matched.smd, fabs(b->rows[k].matched.smd) > SMD_FLAG ? "*" : "");
}

static eff_status write_file(const char *path, const balance_rows *b, int svg, int da,
                             eff_error *err)
{
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st)
        return st;
    if (svg)
        love_plot_write(&o, b, da);
    else
        balance_write_csv(&o, b);
    return cli_out_close(&o, err);
}

static eff_status run(const match_args *a, const eff_ctx *ctx, cli_out *out, eff_error *err)
{
    eff_table *t = NULL;
    eff_pscore *p = NULL;
    eff_match *m = NULL;
    balance_rows *b = NULL;
    eff_status st = eff_read_table(a->data, NULL, ctx, &t, err);
    cli_progress_done();
    eff_pscore_spec spec = {a->treat, a->covariates, a->n_cov, a->score, a->logit_distance,
                            a->exact, a->n_exact};
    if (!st)
        st = eff_pscore_build(t, &spec, ctx, &p, err);
    if (!st)
        st = eff_match_nearest(p->distance, p->treat, p->strata, p->n, &a->opt, &m, err);
    eff_match_counts c = m ? eff_match_get_counts(m) : (eff_match_counts){0};
    if (!st && c.matched_treated == 0 && c.caliper > 0)
        eff_log(ctx, EFF_LOG_WARN, "no treated unit has a control within the caliper (%.6g): "
                                   "nothing is matched", c.caliper);
    else if (!st && c.matched_treated == 0)
        eff_log(ctx, EFF_LOG_WARN, "nothing is matched (%zu treated and %zu controls discarded)",
                c.discarded_treated, c.discarded_controls);
    long id_col = !st && a->id ? eff_table_find(t, a->id) : -1;
    if (!st && a->id && id_col < 0)
        st = eff_error_set(err, EFF_EINVAL, a->data, 0, 0, "unknown column \"%s\"", a->id);
    if (!st)
        st = a->opt.replace ? write_pairs(t, p, m, id_col, a->out, err)
                            : write_matched(t, p, m, a->out, err);
    int want_balance = a->balance || a->love_plot || a->format == CLI_JSON || a->format == CLI_TEXT;
    if (!st && want_balance && a->n_cov) {
        b = malloc(sizeof *b);
        st = b ? balance_compute(t, p, m, a->covariates, a->n_cov, b, err)
               : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!st && a->balance)
        st = write_file(a->balance, b, 0, a->lang == CLI_DA, err);
    if (!st && a->love_plot)
        st = write_file(a->love_plot, b, 1, a->lang == CLI_DA, err);
    if (!st)
        write_summary(out, a, &c, p->n_dropped, persons_in_several_strata(t, p, m, id_col), b);
    if (st && err->path[0] == '\0')
        snprintf(err->path, sizeof err->path, "%s", a->data);
    free(b);
    eff_match_free(m);
    eff_pscore_free(p);
    eff_table_free(t);
    return st;
}

int cmd_match(int argc, char **argv)
{
    match_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    eff_error err;
    eff_error_clear(&err);
    cli_out out;
    if (cli_out_open(&out, NULL, &err) != EFF_OK)
        return cli_fail(&err);
    eff_ctx ctx = cli_ctx(a.data);
    return cli_out_finish(&out, run(&a, &ctx, &out, &err), &err);
}
