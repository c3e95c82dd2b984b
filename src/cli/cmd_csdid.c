/* cmd_csdid.c - `effekt csdid`: Callaway & Sant'Anna's group-time ATT(g,t) from a long panel,
 * their aggregation, uniform bands and the pre-test, as R's did::att_gt and did::aggte. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: effekt csdid --data FILE --y COL --time COL --id COL --group COL [options]\n\n"
    "Group-time average treatment effects ATT(g,t) of Callaway & Sant'Anna (2021), as R's\n"
    "did package computes them: each cohort g (first treated period; 0 or empty = never\n"
    "treated) against never-treated or not-yet-treated units, with analytic standard\n"
    "errors from the influence function, an aggregation, uniform bands from a multiplier\n"
    "bootstrap, and the Wald pre-test of the pre-period ATT(g,t).\n\n"
    "Options:\n"
    "  --data FILE             the long panel: one row per unit and period\n"
    "  --y COL                 the outcome\n"
    "  --time COL              the period (whole numbers)\n"
    "  --id COL                the unit id (any type)\n"
    "  --group COL             the cohort: first treated period, 0 or empty = never\n"
    "  --control C             never (default) or notyet\n"
    "  --base-period B         varying (default: t-1 before the start, g-1 after) or\n"
    "                          universal (g-1 throughout)\n"
    "  --x A,B                 covariates (their values in the base period are used)\n"
    "  --method M              dr (default), reg or ipw (DRDID's drdid_panel,\n"
    "                          reg_did_panel, std_ipw_did_panel)\n"
    "  --aggregate A           dynamic (default), group, calendar or simple\n"
    "  --cluster COL           cluster the standard errors (default: the unit)\n"
    "  --reps N                multiplier-bootstrap draws for the bands (default 999; 0: no\n"
    "                          bands)\n"
    "  --seed S                the bootstrap's seed (default 20111)\n"
    "  --alpha A               1 - the bands' coverage (default 0.05)\n"
    "  --pairwise              keep units not observed in every period: each ATT(g,t) uses\n"
    "                          the units observed in its two periods (default: such units\n"
    "                          are dropped, with a warning, as did does)\n"
    "  --format FMT            text (default), json or csv\n"
    "  --out FILE              write to FILE (atomically) instead of standard output\n"
    "  --help                  show this help\n\n"
    "Exit codes: 0 ok, 1 usage, 2 bad data (a cohort without units, no never-treated\n"
    "units with --control never, a cohort changing within a unit), 3 no convergence,\n"
    "4 input/output.\n";

enum { MAX_X = 64 };

typedef struct cs_args {
    const char *data, *out;
    eff_cs_columns cols;
    const char *x[MAX_X];
    eff_cs_options opt;
    eff_cs_agg_type agg;
    cli_format format;
    cli_lang lang;
} cs_args;

static int parse_choice(int opt, const char *arg, cs_args *a)
{
    static const char *const aggs[] = {"dynamic", "group", "calendar", "simple"};
    if (opt == 'C') {
        if (strcmp(arg, "never") && strcmp(arg, "notyet"))
            return cli_usage("csdid", "--control takes never or notyet, not '%s'", arg);
        a->opt.control = strcmp(arg, "never") ? EFF_CS_NOTYET : EFF_CS_NEVER;
    } else if (opt == 'B') {
        if (strcmp(arg, "varying") && strcmp(arg, "universal"))
            return cli_usage("csdid", "--base-period takes varying or universal, not '%s'", arg);
        a->opt.base = strcmp(arg, "varying") ? EFF_CS_UNIVERSAL : EFF_CS_VARYING;
    } else if (opt == 'M') {
        if (strcmp(arg, "dr") == 0)
            a->opt.method = EFF_CS_DR;
        else if (strcmp(arg, "reg") == 0)
            a->opt.method = EFF_CS_REG;
        else if (strcmp(arg, "ipw") == 0)
            a->opt.method = EFF_CS_IPW;
        else
            return cli_usage("csdid", "--method takes dr, reg or ipw, not '%s'", arg);
    } else if (opt == 'A') {
        for (int k = 0; k < 4; k++)
            if (strcmp(arg, aggs[k]) == 0) {
                a->agg = (eff_cs_agg_type)k;
                return 0;
            }
        return cli_usage("csdid", "--aggregate takes dynamic, group, calendar or simple, "
                                  "not '%s'", arg);
    }
    return 0;
}

static int parse_number(int opt, const char *arg, cs_args *a)
{
    char *end;
    if (opt == 'r') {
        long v = strtol(arg, &end, 10);
        if (*end || end == arg || v < 0 || v > 10000000)
            return cli_usage("csdid", "--reps takes a whole number from 0 to 10000000, not '%s'",
                             arg);
        a->opt.reps = v;
    } else if (opt == 'a') {
        double v = strtod(arg, &end);
        if (*end || end == arg || !(v > 0 && v < 1))
            return cli_usage("csdid", "--alpha takes a number between 0 and 1, not '%s'", arg);
        a->opt.alpha = v;
    } else if (opt == 's') {
        return cli_parse_seed("csdid", arg, &a->opt.seed);
    }
    return 0;
}

static int parse_args(int argc, char **argv, cs_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'D'},   {"y", required_argument, NULL, 'y'},
        {"time", required_argument, NULL, 't'},   {"id", required_argument, NULL, 'i'},
        {"group", required_argument, NULL, 'g'},  {"control", required_argument, NULL, 'C'},
        {"base-period", required_argument, NULL, 'B'}, {"x", required_argument, NULL, 'x'},
        {"method", required_argument, NULL, 'M'}, {"aggregate", required_argument, NULL, 'A'},
        {"cluster", required_argument, NULL, 'c'}, {"reps", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"alpha", required_argument, NULL, 'a'},
        {"pairwise", no_argument, NULL, 'p'},     {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'O'},    {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->opt = eff_cs_options_default();
    a->agg = EFF_CS_DYNAMIC;
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'D': a->data = optarg; break;
        case 'y': a->cols.y = optarg; break;
        case 't': a->cols.time = optarg; break;
        case 'i': a->cols.id = optarg; break;
        case 'g': a->cols.group = optarg; break;
        case 'c': a->cols.cluster = optarg; break;
        case 'x': rc = cli_split_list("csdid", optarg, a->x, &a->cols.n_x, MAX_X, "covariates");
                  break;
        case 'p': a->opt.pairwise = 1; break;
        case 'O': a->out = optarg; break;
        case 'r': case 'a': case 's': rc = parse_number(opt, optarg, a); break;
        default:
            rc = cli_common_option("csdid", opt, optarg, argv, &a->format, &a->lang);
            if (rc < 0)
                rc = parse_choice(opt, optarg, a);
            break;
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("csdid", "unexpected argument '%s'", argv[optind]);
    if (!a->data || !a->cols.y || !a->cols.time || !a->cols.id || !a->cols.group)
        return cli_usage("csdid", "--data, --y, --time, --id and --group are required");
    a->cols.x = a->x;
    return -1;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *agg_key_name(eff_cs_agg_type t)
{
    return t == EFF_CS_DYNAMIC ? "event_time" : t == EFF_CS_GROUP ? "group" : "time";
}

static json_t *row_json(const eff_cs_agg_row *r, const char *key, int with_key)
{
    json_t *o = json_object();
    if (with_key)
        json_object_set_new(o, key, json_integer(r->key));
    json_object_set_new(o, "estimate", jnum(r->estimate));
    json_object_set_new(o, "std_error", jnum(r->std_error));
    json_object_set_new(o, "ci_low", jnum(r->ci_low));
    json_object_set_new(o, "ci_high", jnum(r->ci_high));
    json_object_set_new(o, "band_low", jnum(r->band_low));
    json_object_set_new(o, "band_high", jnum(r->band_high));
    json_object_set_new(o, "p_value", jnum(r->p_value));
    return o;
}

typedef struct cs_result {
    const eff_cs *cs;
    const eff_cs_agg *agg;
    double w, p;
    int df;
} cs_result;

static int write_json(cli_out *o, const cs_args *a, const cs_result *r)
{
    static const char *methods[] = {"dr", "reg", "ipw"};
    json_t *att = json_array(), *agg = json_array();
    for (size_t k = 0; k < eff_cs_n_att(r->cs); k++) {
        const eff_cs_att *t = eff_cs_att_at(r->cs, k);
        json_array_append_new(
            att, json_pack("{s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:I, s:I}", "group", t->group,
                           "time", t->time, "base_period", t->base, "att", jnum(t->att),
                           "std_error", jnum(t->std_error), "band_low", jnum(t->band_low),
                           "band_high", jnum(t->band_high), "n_treated",
                           (json_int_t)t->n_treated, "n_control", (json_int_t)t->n_control));
    }
    for (size_t k = 0; k < r->agg->n_rows; k++)
        json_array_append_new(agg, row_json(&r->agg->rows[k], agg_key_name(a->agg), 1));
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:{s:o, s:i, s:o}}",
        "method", methods[a->opt.method], "control",
        a->opt.control == EFF_CS_NEVER ? "never" : "notyet", "base_period",
        a->opt.base == EFF_CS_VARYING ? "varying" : "universal", "cluster",
        a->cols.cluster ? a->cols.cluster : a->cols.id, "n_units",
        (json_int_t)eff_cs_n_units(r->cs), "n_dropped_unbalanced",
        (json_int_t)eff_cs_n_dropped(r->cs), "n_dropped_first_period",
        (json_int_t)eff_cs_n_cohorts_dropped(r->cs), "att_gt", att, "aggregate", agg,
        "aggregation", eff_cs_agg_name(a->agg), "overall", row_json(&r->agg->overall, "", 0),
        "band_critical_value", jnum(r->agg->crit), "pretest_p", jnum(r->p), "pretest", "W",
        jnum(r->w), "df", r->df, "p", jnum(r->p));
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

static void csv_row(cli_out *o, const char *kind, const char *g, const char *t, const char *e,
                    const double *v)
{
    cli_out_printf(o, "%s,%s,%s,%s", kind, g, t, e);
    for (int k = 0; k < 7; k++)
        csv_num(o, v[k]);
    cli_out_printf(o, "\n");
}

static void write_csv(cli_out *o, const cs_args *a, const cs_result *r)
{
    char g[16], t[16], e[16];
    cli_out_printf(o, "kind,group,time,event_time,estimate,std_error,ci_low,ci_high,band_low,"
                      "band_high,p_value\n");
    for (size_t k = 0; k < eff_cs_n_att(r->cs); k++) {
        const eff_cs_att *x = eff_cs_att_at(r->cs, k);
        double z = 1.959963984540054, se = x->std_error;
        double v[7] = {x->att, se, x->att - z * se, x->att + z * se, x->band_low, x->band_high,
                       NAN};
        snprintf(g, sizeof g, "%d", x->group);
        snprintf(t, sizeof t, "%d", x->time);
        snprintf(e, sizeof e, "%d", x->time - x->group);
        csv_row(o, "att_gt", g, t, e, v);
    }
    for (size_t k = 0; k <= r->agg->n_rows; k++) {
        const eff_cs_agg_row *x = k < r->agg->n_rows ? &r->agg->rows[k] : &r->agg->overall;
        double v[7] = {x->estimate, x->std_error, x->ci_low, x->ci_high, x->band_low,
                       x->band_high, x->p_value};
        g[0] = t[0] = e[0] = '\0';
        char *slot = a->agg == EFF_CS_DYNAMIC ? e : a->agg == EFF_CS_GROUP ? g : t;
        if (k < r->agg->n_rows)
            snprintf(slot, 16, "%d", x->key);
        csv_row(o, k < r->agg->n_rows ? eff_cs_agg_name(a->agg) : "overall", g, t, e, v);
    }
}

static void write_text(cli_out *o, const cs_args *a, const cs_result *r)
{
    static const char *methods[] = {"doubly robust", "outcome regression", "IPW"};
    cli_out_printf(o, "Callaway & Sant'Anna: %s, %s controls, %s base period, %zu units",
                   methods[a->opt.method],
                   a->opt.control == EFF_CS_NEVER ? "never-treated" : "not-yet-treated",
                   a->opt.base == EFF_CS_VARYING ? "varying" : "universal",
                   eff_cs_n_units(r->cs));
    if (eff_cs_n_dropped(r->cs))
        cli_out_printf(o, " (%zu dropped: not observed in every period)",
                       eff_cs_n_dropped(r->cs));
    cli_out_printf(o, "\n\n%6s %6s %12s %11s   %s\n", "group", "time", "ATT(g,t)", "std.error",
                   "[uniform band]");
    for (size_t k = 0; k < eff_cs_n_att(r->cs); k++) {
        const eff_cs_att *x = eff_cs_att_at(r->cs, k);
        if (!x->estimated) {
            cli_out_printf(o, "%6d %6d %12s   (%s)\n", x->group, x->time, "",
                           x->time == x->base ? "reference" : "not estimated");
            continue;
        }
        cli_out_printf(o, "%6d %6d %12.6g %11.6g   [%.6g, %.6g]\n", x->group, x->time, x->att,
                       x->std_error, x->band_low, x->band_high);
    }
    cli_out_printf(o, "\nAggregation: %s\n%10s %12s %11s   %s\n", eff_cs_agg_name(a->agg),
                   agg_key_name(a->agg), "estimate", "std.error", "[95% CI] [uniform band]");
    for (size_t k = 0; k < r->agg->n_rows; k++) {
        const eff_cs_agg_row *x = &r->agg->rows[k];
        if (!x->estimated) {
            cli_out_printf(o, "%10d %12s   (reference)\n", x->key, "");
            continue;
        }
        cli_out_printf(o, "%10d %12.6g %11.6g   [%.6g, %.6g] [%.6g, %.6g]\n", x->key,
                       x->estimate, x->std_error, x->ci_low, x->ci_high, x->band_low,
                       x->band_high);
    }
    const eff_cs_agg_row *x = &r->agg->overall;
    cli_out_printf(o, "%10s %12.6g %11.6g   [%.6g, %.6g]\n", "overall", x->estimate,
                   x->std_error, x->ci_low, x->ci_high);
    if (r->df > 0)
        cli_out_printf(o, "\nPre-test of parallel trends: W = %.4f, df = %d, p = %.5f\n", r->w,
                       r->df, r->p);
    else
        cli_out_printf(o, "\nPre-test of parallel trends: no pre-period ATT(g,t)\n");
}

static eff_status estimate(cs_args *a, const eff_ctx *ctx, eff_cs **cs, eff_cs_agg **agg,
                           eff_error *err)
{
    const char *cols[MAX_X + 6] = {a->cols.y, a->cols.time, a->cols.id, a->cols.group};
    size_t n = 4;
    for (size_t j = 0; j < a->cols.n_x; j++)
        cols[n++] = a->x[j];
    if (a->cols.cluster)
        cols[n++] = a->cols.cluster;
    eff_read_options ro = eff_read_options_default();
    ro.columns = cols;
    ro.n_columns = n;
    eff_table *t = NULL;
    eff_cs_data *d = NULL;
    eff_status st = eff_read_table(a->data, &ro, ctx, &t, err);
    cli_progress_done();
    if (!st)
        st = eff_cs_panel_from_table(t, &a->cols, &d, err);
    if (!st)
        st = eff_cs_fit(eff_cs_data_panel(d), &a->opt, cs, err);
    if (!st && eff_cs_n_dropped(*cs))
        eff_log(ctx, EFF_LOG_WARN, "%s: %zu units not observed in every period were dropped "
                "(--pairwise keeps them)", a->data, eff_cs_n_dropped(*cs));
    if (!st && eff_cs_n_cohorts_dropped(*cs))
        eff_log(ctx, EFF_LOG_WARN, "%s: %zu units treated in the first period were dropped",
                a->data, eff_cs_n_cohorts_dropped(*cs));
    if (!st)
        st = eff_cs_aggregate(*cs, a->agg, agg, err);
    if (st && err->path[0] == '\0')
        snprintf(err->path, sizeof err->path, "%s", a->data);
    eff_cs_data_free(d);
    eff_table_free(t);
    return st;
}

int cmd_csdid(int argc, char **argv)
{
    cs_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    eff_error err;
    eff_error_clear(&err);
    cli_out out;
    if (cli_out_open(&out, a.out, &err) != EFF_OK)
        return cli_fail(&err);
    eff_ctx ctx = cli_ctx(a.data);
    eff_cs *cs = NULL;
    eff_cs_agg *agg = NULL;
    eff_status st = estimate(&a, &ctx, &cs, &agg, &err);
    if (!st) {
        cs_result r = {cs, agg, NAN, NAN, 0};
        st = eff_cs_pretest(cs, &r.w, &r.df, &r.p, &err);
        if (st) {
            /* out of memory: reported below */
        } else if (a.format == CLI_JSON) {
            if (write_json(&out, &a, &r) != 0)
                st = eff_error_set(&err, EFF_ENOMEM, NULL, 0, 0, "out of memory writing JSON");
        } else if (a.format == CLI_CSV) {
            write_csv(&out, &a, &r);
        } else {
            write_text(&out, &a, &r);
        }
    }
    eff_cs_agg_free(agg);
    eff_cs_free(cs);
    return cli_out_finish(&out, st, &err);
}
