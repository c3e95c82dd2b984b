/* cmd_glm.c - `effekt glm`: a linear or logit model from one table, with iid, HC1 or
 * cluster-robust standard errors, or cluster-robust ones with wild cluster bootstrap p-values
 * and intervals (src/wildboot.h), printed as the regression table an analyst knows. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char help[] =
    "Usage: effekt glm --data FILE --y COL --x A,B,C [options]\n\n"
    "Fits a linear model (least squares) or a logit model (maximum likelihood) and prints\n"
    "coefficients, standard errors, z or t statistics, p-values, 95% intervals and, for\n"
    "logit, odds ratios. Stars: ** p < 0.05, * p < 0.10 (as in the seed report).\n\n"
    "Options:\n"
    "  --data FILE         the table (.csv, .sas7bdat, .dta, .sav, ...)\n"
    "  --y COL             the outcome (0/1 for logit)\n"
    "  --x A,B,C           regressors; a text column becomes indicators against its first\n"
    "                      level, or against LEVEL with COL:ref=LEVEL\n"
    "  --family F          gaussian (default) or logit\n"
    "  --vcov V            iid (default), hc1, cluster or wild (below)\n"
    "  --cluster COL       cluster column (implies --vcov cluster)\n"
    "  --cluster-nk yes|no apply (N-1)/(N-K) under clustering (default: yes for gaussian,\n"
    "                      no for logit, as Stata)\n"
    "  --weights COL       weights (frequency or probability weights)\n"
    "  --frequency-weights the weights count observations (N = sum of weights)\n"
    "  --offset COL        offset on the linear predictor\n"
    "  --no-intercept      no intercept\n"
    "  --format FMT        text (default), json or csv\n"
    "  --out FILE          write to FILE (atomically) instead of standard output\n"
    "  --lang LANG         da (default) or en: headings of the text format\n"
    "  --help              show this help\n\n"
    "Wild cluster bootstrap (--vcov wild, with --cluster), for few clusters:\n"
    "  --reps N            draws (default 9999); with Rademacher weights and 2^G <= N, all\n"
    "                      2^G sign vectors instead\n"
    "  --boot-weights W    rademacher or webb (default: webb when G < 12, else rademacher)\n"
    "  --seed S            seed of the draws (default 1): same seed, same output\n"
    "The table then has cluster-robust standard errors and, for each coefficient, the\n"
    "bootstrap p-value of coefficient = 0 (the restricted wild bootstrap of the t statistic\n"
    "for gaussian, the restricted score bootstrap for logit, as Stata's boottest) and its 95%\n"
    "interval by test inversion; the stars follow the bootstrap p-value.\n\n"
    "Rows with a missing value in any column used are dropped and counted. Collinear\n"
    "regressors are dropped with a warning naming them. Exit codes: 0 ok, 1 usage,\n"
    "2 bad data (including separation in a logit), 3 no convergence, 4 input/output.\n";

enum { MAX_X = 512 };

typedef struct glm_args {
    const char *data, *y, *out, *weights, *offset, *cluster;
    const char *x[MAX_X];
    size_t n_x;
    int no_intercept;
    cli_format format;
    cli_lang lang;
    eff_glm_options opt;
    int vcov_given;
    int wild;           /* --vcov wild */
    const char *boot_option; /* a bootstrap option given, for the usage check */
    eff_wild_options wopt;
} glm_args;

static int split_x(glm_args *a, char *list)
{
    int rc = cli_split_list("glm", list, a->x, &a->n_x, MAX_X, "regressors");
    return rc || a->n_x ? rc : cli_usage("glm", "--x names no column");
}

/* --reps, --boot-weights, --seed. */
static int parse_boot(int opt, const char *arg, glm_args *a)
{
    if (opt == 'R') {
        char *end;
        errno = 0;
        long reps = strtol(arg, &end, 10);
        if (*end || !isdigit((unsigned char)arg[0]) || errno || reps < 1 || reps > 10000000)
            return cli_usage("glm", "--reps takes a whole number from 1 to 10000000, not '%s'",
                             arg);
        a->wopt.reps = reps;
        a->boot_option = "--reps";
    } else if (opt == 'W') {
        if (strcmp(arg, "rademacher") == 0)
            a->wopt.weights = EFF_BOOT_RADEMACHER;
        else if (strcmp(arg, "webb") == 0)
            a->wopt.weights = EFF_BOOT_WEBB;
        else
            return cli_usage("glm", "--boot-weights takes rademacher or webb, not '%s'", arg);
        a->boot_option = "--boot-weights";
    } else if (opt == 's') {
        a->boot_option = "--seed";
        return cli_parse_seed("glm", arg, &a->wopt.seed);
    }
    return 0;
}

static int parse_choice(int opt, const char *arg, glm_args *a)
{
    if (opt == 'F') {
        if (strcmp(arg, "logit") == 0 || strcmp(arg, "binomial") == 0)
            a->opt.family = EFF_GLM_LOGIT;
        else if (strcmp(arg, "gaussian") == 0 || strcmp(arg, "linear") == 0)
            a->opt.family = EFF_GLM_GAUSSIAN;
        else
            return cli_usage("glm", "--family takes gaussian or logit, not '%s'", arg);
    } else if (opt == 'V') {
        a->vcov_given = 1;
        if (strcmp(arg, "iid") == 0)
            a->opt.vcov = EFF_VCOV_IID;
        else if (strcmp(arg, "hc1") == 0)
            a->opt.vcov = EFF_VCOV_HC1;
        else if (strcmp(arg, "cluster") == 0 || strcmp(arg, "wild") == 0)
            a->opt.vcov = EFF_VCOV_CLUSTER;
        else
            return cli_usage("glm", "--vcov takes iid, hc1, cluster or wild, not '%s'", arg);
        a->wild = strcmp(arg, "wild") == 0;
    } else if (opt == 'N') {
        if (strcmp(arg, "yes") && strcmp(arg, "no"))
            return cli_usage("glm", "--cluster-nk takes yes or no, not '%s'", arg);
        a->opt.cluster_nk_adjust = strcmp(arg, "yes") == 0;
    } else {
        return parse_boot(opt, arg, a);
    }
    return 0;
}

static int parse_args(int argc, char **argv, glm_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'D'},    {"y", required_argument, NULL, 'y'},
        {"x", required_argument, NULL, 'x'},       {"family", required_argument, NULL, 'F'},
        {"vcov", required_argument, NULL, 'V'},    {"cluster", required_argument, NULL, 'c'},
        {"cluster-nk", required_argument, NULL, 'N'}, {"weights", required_argument, NULL, 'w'},
        {"frequency-weights", no_argument, NULL, 'q'}, {"offset", required_argument, NULL, 'o'},
        {"no-intercept", no_argument, NULL, 'i'},  {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'O'},     {"lang", required_argument, NULL, 'l'},
        {"reps", required_argument, NULL, 'R'},    {"boot-weights", required_argument, NULL, 'W'},
        {"seed", required_argument, NULL, 's'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->opt = eff_glm_options_default();
    a->wopt = eff_wild_options_default();
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'D': a->data = optarg; break;
        case 'y': a->y = optarg; break;
        case 'x': rc = split_x(a, optarg); break;
        case 'c': a->cluster = optarg; break;
        case 'w': a->weights = optarg; break;
        case 'q': a->opt.frequency_weights = 1; break;
        case 'o': a->offset = optarg; break;
        case 'i': a->no_intercept = 1; break;
        case 'O': a->out = optarg; break;
        default:
            rc = cli_common_option("glm", opt, optarg, argv, &a->format, &a->lang);
            if (rc < 0)
                rc = parse_choice(opt, optarg, a);
            break;
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("glm", "unexpected argument '%s'", argv[optind]);
    if (!a->data || !a->y || !a->n_x)
        return cli_usage("glm", "--data, --y and --x are required");
    if (a->cluster && !a->vcov_given)
        a->opt.vcov = EFF_VCOV_CLUSTER;
    if (a->opt.vcov == EFF_VCOV_CLUSTER && !a->cluster)
        return cli_usage("glm", "--vcov %s needs --cluster COL", a->wild ? "wild" : "cluster");
    if (a->boot_option && !a->wild)
        return cli_usage("glm", "%s belongs to the wild bootstrap: add --vcov wild",
                         a->boot_option);
    return -1;
}

static const char *stars(double p)
{
    return p < 0.05 ? "**" : p < 0.10 ? "*" : "";
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null(); /* jansson drops NaN: write null */
}

/* The p-value that sets the stars: the bootstrap's under --vcov wild. */
static double star_p(const eff_coef_row *r, const eff_wild_result *boot, size_t j)
{
    return boot ? boot[j].p_value : r->p_value;
}

/* The first estimated term's bootstrap: what every term's shares (draws, weights). */
static const eff_wild_result *boot_info(const eff_glm *g, const eff_wild_result *boot)
{
    for (size_t j = 0; boot && j < eff_glm_p(g); j++)
        if (!eff_glm_dropped(g, j))
            return &boot[j];
    return NULL;
}

static void text_boot_header(cli_out *o, const glm_args *a, const eff_wild_result *b)
{
    int da = a->lang == CLI_DA;
    cli_out_printf(o, "Wild cluster bootstrap (%s): %ld %s%s", b->method ?
                   (da ? "score-bootstrap, H0 pålagt" : "restricted score bootstrap") :
                   (da ? "WCR, H0 pålagt" : "restricted WCR"), b->reps,
                   b->weights_used == EFF_BOOT_WEBB ? "Webb" : "Rademacher",
                   da ? "-træk" : " draws");
    if (b->enumerated)
        cli_out_printf(o, " (%s 2^%zu)", da ? "alle fortegnsvektorer," : "all sign vectors,",
                       b->n_clusters);
    else
        cli_out_printf(o, ", %s %llu", da ? "frø" : "seed", (unsigned long long)a->wopt.seed);
    cli_out_printf(o, "; %s\n", da ? "p for koefficient = 0, 95% KI ved testinversion"
                                   : "p of coefficient = 0, 95% CI by test inversion");
}

static void text_header(cli_out *o, const glm_args *a, const eff_glm *g,
                        const eff_wild_result *boot)
{
    int da = a->lang == CLI_DA, logit = eff_glm_get_family(g) == EFF_GLM_LOGIT;
    eff_glm_stats s = eff_glm_get_stats(g);
    static const char *vcov_da[] = {"modelbaseret", "robust (HC1)", "klyngerobust"};
    static const char *vcov_en[] = {"model-based", "robust (HC1)", "cluster-robust"};
    cli_out_printf(o, "%s, N = %zu (%zu %s)\n",
                   logit ? "Logit" : (da ? "Lineær model" : "Linear model"), s.n, s.n_dropped,
                   da ? "rækker udeladt for manglende værdier" : "rows dropped for missing values");
    cli_out_printf(o, "%s: %s", da ? "Varians" : "Variance", (da ? vcov_da : vcov_en)[a->opt.vcov]);
    if (a->opt.vcov == EFF_VCOV_CLUSTER)
        cli_out_printf(o, " (G = %zu)", s.n_clusters);
    if (logit)
        cli_out_printf(o, "; %s %d, %s\n", da ? "iterationer" : "iterations", s.iterations,
                       s.converged ? (da ? "konvergeret" : "converged")
                                   : (da ? "ikke konvergeret" : "not converged"));
    else
        cli_out_printf(o, "; %s %.6g, df %.0f\n", da ? "residual-sd" : "residual s.e.", s.sigma,
                       s.t_df);
    if (boot_info(g, boot))
        text_boot_header(o, a, boot_info(g, boot));
    cli_out_printf(o, "Log-likelihood %.6f, deviance %.6f, %s %.6f, AIC %.4f\n\n", s.loglik,
                   s.deviance, da ? "nul-deviance" : "null deviance", s.null_deviance, s.aic);
    cli_out_printf(o, "%-24s %12s %11s %8s %9s   %s", "term", da ? "estimat" : "estimate",
                   da ? "std.fejl" : "std.error", s.t_df > 0 ? "t" : "z", "p",
                   logit ? (da ? "odds ratio [95% KI]" : "odds ratio [95% CI]")
                         : (da ? "[95% KI]" : "[95% CI]"));
    if (boot && logit) /* the bootstrap interval on the row's scale: odds ratios */
        cli_out_printf(o, "   %s", da ? "boot-p odds ratio [boot 95% KI]"
                                      : "boot p odds ratio [boot 95% CI]");
    else if (boot)
        cli_out_printf(o, "   %s", da ? "boot-p [boot 95% KI]" : "boot p [boot 95% CI]");
    cli_out_printf(o, "\n");
}

static void write_text(cli_out *o, const glm_args *a, const eff_glm *g,
                       const eff_wild_result *boot)
{
    int da = a->lang == CLI_DA, logit = eff_glm_get_family(g) == EFF_GLM_LOGIT;
    text_header(o, a, g, boot);
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        if (eff_glm_dropped(g, j)) {
            cli_out_printf(o, "%-24s %12s   (%s)\n", eff_glm_term(g, j), "",
                           da ? "udeladt: kollineær" : "dropped: collinear");
            continue;
        }
        eff_coef_row r = eff_glm_coef_row(g, j);
        cli_out_printf(o, "%-24s %12.6g %11.6g %8.3f %9.4g %-2s", eff_glm_term(g, j), r.estimate,
                       r.std_error, r.statistic, r.p_value, stars(star_p(&r, boot, j)));
        if (logit)
            cli_out_printf(o, " %.6g [%.6g, %.6g]", r.odds_ratio, r.or95_low, r.or95_high);
        else
            cli_out_printf(o, " [%.6g, %.6g]", r.ci95_low, r.ci95_high);
        if (boot && logit)
            cli_out_printf(o, "   %.4g [%.6g, %.6g]", boot[j].p_value, exp(boot[j].ci_low),
                           exp(boot[j].ci_high));
        else if (boot)
            cli_out_printf(o, "   %.4g [%.6g, %.6g]", boot[j].p_value, boot[j].ci_low,
                           boot[j].ci_high);
        cli_out_printf(o, "\n");
    }
    cli_out_printf(o, "\n** p < 0.05, * p < 0.10%s\n",
                   boot ? (da ? " (bootstrap-p)" : " (bootstrap p)") : "");
}

static json_t *json_boot(const glm_args *a, const eff_wild_result *b)
{
    return json_pack("{s:s, s:I, s:s, s:b, s:I, s:f, s:I}", "method",
                     b->method ? "score" : "wcr", "reps", (json_int_t)b->reps, "weights",
                     eff_boot_weights_name(b->weights_used), "enumerated", b->enumerated, "seed",
                     (json_int_t)a->wopt.seed, "level", a->wopt.level, "n_clusters",
                     (json_int_t)b->n_clusters);
}

static json_t *json_coef(const eff_glm *g, size_t j, const eff_wild_result *boot)
{
    eff_coef_row r = eff_glm_coef_row(g, j);
    json_t *c = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "term",
                          eff_glm_term(g, j), "estimate", jnum(r.estimate), "std_error",
                          jnum(r.std_error), "statistic", jnum(r.statistic), "p_value",
                          jnum(r.p_value), "ci_low", jnum(r.ci95_low), "ci_high",
                          jnum(r.ci95_high), "ci90_low", jnum(r.ci90_low), "ci90_high",
                          jnum(r.ci90_high), "stars", stars(star_p(&r, boot, j)));
    if (c && eff_glm_get_family(g) == EFF_GLM_LOGIT) {
        json_object_set_new(c, "odds_ratio", jnum(r.odds_ratio));
        json_object_set_new(c, "odds_ratio_ci_low", jnum(r.or95_low));
        json_object_set_new(c, "odds_ratio_ci_high", jnum(r.or95_high));
    }
    if (c && boot) {
        json_object_set_new(c, "boot_p", jnum(boot[j].p_value));
        json_object_set_new(c, "boot_ci_low", jnum(boot[j].ci_low));
        json_object_set_new(c, "boot_ci_high", jnum(boot[j].ci_high));
    }
    if (c && boot && eff_glm_get_family(g) == EFF_GLM_LOGIT) {
        json_object_set_new(c, "boot_odds_ratio_ci_low", jnum(exp(boot[j].ci_low)));
        json_object_set_new(c, "boot_odds_ratio_ci_high", jnum(exp(boot[j].ci_high)));
    }
    return c;
}

static int write_json(cli_out *o, const glm_args *a, const eff_glm *g,
                      const eff_wild_result *boot)
{
    int logit = eff_glm_get_family(g) == EFF_GLM_LOGIT;
    eff_glm_stats s = eff_glm_get_stats(g);
    json_t *coefs = json_array(), *dropped = json_array();
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        if (eff_glm_dropped(g, j))
            json_array_append_new(dropped, json_string(eff_glm_term(g, j)));
        json_array_append_new(coefs, json_coef(g, j, boot));
    }
    static const char *vcov_names[] = {"iid", "hc1", "cluster"};
    json_t *root = json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:b, s:o, s:o, s:o}", "n",
        (json_int_t)s.n, "n_dropped", (json_int_t)s.n_dropped, "family",
        logit ? "logit" : "gaussian", "vcov", a->wild ? "wild" : vcov_names[a->opt.vcov],
        "loglik", jnum(s.loglik), "deviance", jnum(s.deviance), "null_deviance",
        jnum(s.null_deviance), "aic", jnum(s.aic), "sigma", jnum(s.sigma), "iterations",
        s.iterations, "converged", s.converged, "n_clusters",
        a->opt.vcov == EFF_VCOV_CLUSTER ? json_integer((json_int_t)s.n_clusters) : json_null(),
        "dropped", dropped, "coefficients", coefs);
    if (root && boot_info(g, boot))
        json_object_set_new(root, "bootstrap", json_boot(a, boot_info(g, boot)));
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text)
        return -1;
    cli_out_printf(o, "%s\n", text);
    free(text);
    return 0;
}

static void csv_num(cli_out *o, double v)
{
    if (isfinite(v))
        cli_out_printf(o, ",%.17g", v);
    else
        cli_out_printf(o, ",");
}

static void csv_boot(cli_out *o, const eff_wild_result *b)
{
    csv_num(o, b->p_value);
    csv_num(o, b->ci_low);
    csv_num(o, b->ci_high);
    if (b->method < 0) /* a dropped term */
        cli_out_printf(o, ",,,,");
    else
        cli_out_printf(o, ",%ld,%s,%d,%s", b->reps, eff_boot_weights_name(b->weights_used),
                       b->enumerated, b->method ? "score" : "wcr");
}

static void write_csv(cli_out *o, const eff_glm *g, const eff_wild_result *boot)
{
    cli_out_printf(o, "term,estimate,std_error,statistic,p_value,ci_low,ci_high,odds_ratio,"
                      "stars%s\n", boot ? ",boot_p,boot_ci_low,boot_ci_high,boot_reps,"
                                         "boot_weights,boot_enumerated,boot_method" : "");
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        eff_coef_row r = eff_glm_coef_row(g, j);
        const char *term = eff_glm_term(g, j);
        double p = star_p(&r, boot, j);
        cli_out_printf(o, strpbrk(term, ",\"") ? "\"%s\"" : "%s", term);
        csv_num(o, r.estimate);
        csv_num(o, r.std_error);
        csv_num(o, r.statistic);
        csv_num(o, r.p_value);
        csv_num(o, r.ci95_low);
        csv_num(o, r.ci95_high);
        csv_num(o, r.odds_ratio);
        cli_out_printf(o, ",%s", isfinite(p) ? stars(p) : "");
        if (boot)
            csv_boot(o, &boot[j]);
        cli_out_printf(o, "\n");
    }
}

/* The columns the model needs, so a wide register is read narrowly. */
static size_t needed_columns(const glm_args *a, const char **cols, char names[][256])
{
    size_t n = 0;
    cols[n++] = a->y;
    for (size_t k = 0; k < a->n_x; k++) {
        eff_design_split_term(a->x[k], names[k], 256);
        cols[n++] = names[k];
    }
    const char *extra[3] = {a->weights, a->offset, a->cluster};
    for (int e = 0; e < 3; e++)
        if (extra[e])
            cols[n++] = extra[e];
    /* a column named twice is read once */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < m && strcasecmp(cols[j], cols[i]) != 0)
            j++;
        if (j == m)
            cols[m++] = cols[i];
    }
    return m;
}

/* Reads the table, builds the design (kept for the bootstrap: caller frees) and fits. */
static eff_status fit_model(glm_args *a, const eff_ctx *ctx, eff_design **d, eff_glm **g,
                            eff_error *err)
{
    static char names[MAX_X][256];
    const char *cols[MAX_X + 4];
    eff_read_options ro = eff_read_options_default();
    ro.columns = cols;
    ro.n_columns = needed_columns(a, cols, names);
    eff_table *t = NULL;
    eff_status st = eff_read_table(a->data, &ro, ctx, &t, err);
    cli_progress_done();
    if (!st) {
        eff_design_spec spec = {a->y, a->x, a->n_x, a->no_intercept, a->weights, a->offset,
                                a->cluster};
        st = eff_design_from_table(t, &spec, d, err);
    }
    if (!st)
        st = eff_glm_fit(*d, &a->opt, ctx, g, err);
    if (st && err->path[0] == '\0')
        snprintf(err->path, sizeof err->path, "%s", a->data);
    eff_table_free(t);
    return st;
}

/* The wild bootstrap of coefficient = 0 for every estimated term (method -1: dropped, or a
 * logit whose restricted fit failed: a warning, and the row's bootstrap columns empty). */
static eff_status bootstrap_all(const glm_args *a, const eff_glm *g, const eff_design *d,
                                const eff_ctx *ctx, eff_wild_result *boot, eff_error *err)
{
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        memset(&boot[j], 0, sizeof boot[j]);
        boot[j].p_value = boot[j].ci_low = boot[j].ci_high = NAN;
        boot[j].method = -1;
        if (eff_glm_dropped(g, j))
            continue;
        eff_status st = eff_wild_test(g, d, j, 0.0, NULL, 0, &a->wopt, ctx, &boot[j], err);
        if (st == EFF_ESINGULAR || st == EFF_ENOCONV) {
            eff_log(ctx, EFF_LOG_WARN, "no wild bootstrap for \"%s\": %s", eff_glm_term(g, j),
                    err->msg);
            eff_error_clear(err);
            continue;
        }
        if (st) {
            eff_error_prefix(err, "the wild bootstrap of \"%s\": ", eff_glm_term(g, j));
            return st;
        }
    }
    return EFF_OK;
}

static eff_status write_out(cli_out *out, const glm_args *a, const eff_glm *g,
                            const eff_wild_result *boot, eff_error *err)
{
    if (a->format == CLI_JSON) {
        if (write_json(out, a, g, boot) != 0)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory writing JSON");
    } else if (a->format == CLI_CSV) {
        write_csv(out, g, boot);
    } else {
        write_text(out, a, g, boot);
    }
    return EFF_OK;
}

int cmd_glm(int argc, char **argv)
{
    glm_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    eff_error err;
    eff_error_clear(&err);
    cli_out out;
    if (cli_out_open(&out, a.out, &err) != EFF_OK)
        return cli_fail(&err);
    eff_ctx ctx = cli_ctx(a.data);
    eff_glm *g = NULL;
    eff_design *d = NULL;
    eff_wild_result *boot = NULL;
    eff_status st = fit_model(&a, &ctx, &d, &g, &err);
    if (!st && a.wild) {
        boot = eff_mallocarray(eff_glm_p(g), sizeof *boot);
        st = boot ? bootstrap_all(&a, g, d, &ctx, boot, &err)
                  : eff_error_set(&err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!st)
        st = write_out(&out, &a, g, boot, &err);
    eff_free(boot);
    eff_glm_free(g);
    eff_design_free(d);
    return cli_out_finish(&out, st, &err);
}
