/* cmd_glm.c - `effekt glm`: a linear or logit model from one table, with iid, HC1 or
 * cluster-robust standard errors, printed as the regression table an analyst knows. */
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
    "  --vcov V            iid (default), hc1 or cluster\n"
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
} glm_args;

static int split_x(glm_args *a, char *list)
{
    int rc = cli_split_list("glm", list, a->x, &a->n_x, MAX_X, "regressors");
    return rc || a->n_x ? rc : cli_usage("glm", "--x names no column");
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
        else if (strcmp(arg, "cluster") == 0)
            a->opt.vcov = EFF_VCOV_CLUSTER;
        else
            return cli_usage("glm", "--vcov takes iid, hc1 or cluster, not '%s'", arg);
    } else if (opt == 'N') {
        if (strcmp(arg, "yes") && strcmp(arg, "no"))
            return cli_usage("glm", "--cluster-nk takes yes or no, not '%s'", arg);
        a->opt.cluster_nk_adjust = strcmp(arg, "yes") == 0;
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
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->opt = eff_glm_options_default();
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
        return cli_usage("glm", "--vcov cluster needs --cluster COL");
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

static void write_text(cli_out *o, const glm_args *a, const eff_glm *g)
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
    cli_out_printf(o, "Log-likelihood %.6f, deviance %.6f, %s %.6f, AIC %.4f\n\n", s.loglik,
                   s.deviance, da ? "nul-deviance" : "null deviance", s.null_deviance, s.aic);
    cli_out_printf(o, "%-24s %12s %11s %8s %9s   %s\n", "term", da ? "estimat" : "estimate",
                   da ? "std.fejl" : "std.error", s.t_df > 0 ? "t" : "z", "p",
                   logit ? (da ? "odds ratio [95% KI]" : "odds ratio [95% CI]")
                         : (da ? "[95% KI]" : "[95% CI]"));
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        if (eff_glm_dropped(g, j)) {
            cli_out_printf(o, "%-24s %12s   (%s)\n", eff_glm_term(g, j), "",
                           da ? "udeladt: kollineær" : "dropped: collinear");
            continue;
        }
        eff_coef_row r = eff_glm_coef_row(g, j);
        cli_out_printf(o, "%-24s %12.6g %11.6g %8.3f %9.4g %-2s", eff_glm_term(g, j), r.estimate,
                       r.std_error, r.statistic, r.p_value, stars(r.p_value));
        if (logit)
            cli_out_printf(o, " %.6g [%.6g, %.6g]\n", r.odds_ratio, r.or95_low, r.or95_high);
        else
            cli_out_printf(o, " [%.6g, %.6g]\n", r.ci95_low, r.ci95_high);
    }
    cli_out_printf(o, "\n** p < 0.05, * p < 0.10\n");
}

static int write_json(cli_out *o, const glm_args *a, const eff_glm *g)
{
    static const char *vcov_names[] = {"iid", "hc1", "cluster"};
    int logit = eff_glm_get_family(g) == EFF_GLM_LOGIT;
    eff_glm_stats s = eff_glm_get_stats(g);
    json_t *coefs = json_array(), *dropped = json_array();
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        eff_coef_row r = eff_glm_coef_row(g, j);
        if (eff_glm_dropped(g, j))
            json_array_append_new(dropped, json_string(eff_glm_term(g, j)));
        json_t *c = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "term",
                              eff_glm_term(g, j), "estimate", jnum(r.estimate), "std_error",
                              jnum(r.std_error), "statistic", jnum(r.statistic), "p_value",
                              jnum(r.p_value), "ci_low", jnum(r.ci95_low), "ci_high",
                              jnum(r.ci95_high), "ci90_low", jnum(r.ci90_low), "ci90_high",
                              jnum(r.ci90_high), "stars", stars(r.p_value));
        if (logit) {
            json_object_set_new(c, "odds_ratio", jnum(r.odds_ratio));
            json_object_set_new(c, "odds_ratio_ci_low", jnum(r.or95_low));
            json_object_set_new(c, "odds_ratio_ci_high", jnum(r.or95_high));
        }
        json_array_append_new(coefs, c);
    }
    json_t *root = json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:b, s:o, s:o, s:o}", "n",
        (json_int_t)s.n, "n_dropped", (json_int_t)s.n_dropped, "family",
        logit ? "logit" : "gaussian", "vcov", vcov_names[a->opt.vcov], "loglik", jnum(s.loglik),
        "deviance", jnum(s.deviance), "null_deviance", jnum(s.null_deviance), "aic", jnum(s.aic),
        "sigma", jnum(s.sigma), "iterations", s.iterations, "converged", s.converged, "n_clusters",
        a->opt.vcov == EFF_VCOV_CLUSTER ? json_integer((json_int_t)s.n_clusters) : json_null(),
        "dropped", dropped, "coefficients", coefs);
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

static void write_csv(cli_out *o, const eff_glm *g)
{
    cli_out_printf(o, "term,estimate,std_error,statistic,p_value,ci_low,ci_high,odds_ratio,stars\n");
    for (size_t j = 0; j < eff_glm_p(g); j++) {
        eff_coef_row r = eff_glm_coef_row(g, j);
        const char *term = eff_glm_term(g, j);
        cli_out_printf(o, strpbrk(term, ",\"") ? "\"%s\"" : "%s", term);
        csv_num(o, r.estimate);
        csv_num(o, r.std_error);
        csv_num(o, r.statistic);
        csv_num(o, r.p_value);
        csv_num(o, r.ci95_low);
        csv_num(o, r.ci95_high);
        csv_num(o, r.odds_ratio);
        cli_out_printf(o, ",%s\n", isfinite(r.p_value) ? stars(r.p_value) : "");
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

static eff_status fit_model(glm_args *a, const eff_ctx *ctx, eff_glm **g, eff_error *err)
{
    static char names[MAX_X][256];
    const char *cols[MAX_X + 4];
    eff_read_options ro = eff_read_options_default();
    ro.columns = cols;
    ro.n_columns = needed_columns(a, cols, names);
    eff_table *t = NULL;
    eff_design *d = NULL;
    eff_status st = eff_read_table(a->data, &ro, ctx, &t, err);
    cli_progress_done();
    if (!st) {
        eff_design_spec spec = {a->y, a->x, a->n_x, a->no_intercept, a->weights, a->offset,
                                a->cluster};
        st = eff_design_from_table(t, &spec, &d, err);
    }
    if (!st)
        st = eff_glm_fit(d, &a->opt, ctx, g, err);
    if (st && err->path[0] == '\0')
        snprintf(err->path, sizeof err->path, "%s", a->data);
    eff_design_free(d);
    eff_table_free(t);
    return st;
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
    eff_status st = fit_model(&a, &ctx, &g, &err);
    if (!st) {
        if (a.format == CLI_JSON) {
            if (write_json(&out, &a, g) != 0)
                st = eff_error_set(&err, EFF_ENOMEM, NULL, 0, 0, "out of memory writing JSON");
        } else if (a.format == CLI_CSV) {
            write_csv(&out, g);
        } else {
            write_text(&out, &a, g);
        }
    }
    eff_glm_free(g);
    return cli_out_finish(&out, st, &err);
}
