/* cmd_funding.c - `effekt funding`: the seed's chapter 2 from a plans table and an estates
 * table (funding.h): totals, means per plan, estate and resident, co-financing shares with
 * the plans below the threshold, and the split of co-financing across its sources.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "i18n.h"

static const char help[] =
    "Usage: effekt funding --plans FILE --estates FILE [options]\n\n"
    "The seed report's chapter 2: what the comprehensive plans were granted, the estates and\n"
    "residents they covered, the mean grant per plan, estate and resident, each plan's local\n"
    "co-financing as a share of its total budget (grant plus co-financing), the plans below\n"
    "the required share, and how the co-financing splits across its sources.\n\n"
    "Options:\n"
    "  --plans FILE        plan_id,name,municipality,grant_dkk,cofin_housing_dkk,\n"
    "                      cofin_municipality_dkk,cofin_other_dkk (Synthetic Denmark's\n"
    "                      planer.csv)\n"
    "  --estates FILE      estate_id,plan_id,residents; estates without a plan_id are\n"
    "                      passed over (afdelinger.csv)\n"
    "  --threshold X       the required co-financing share of the total budget (0.25)\n"
    "  --format FMT        text (default) or json\n"
    "  --out FILE          write to FILE (atomically) instead of standard output\n"
    "  --lang LANG         da (default) or en\n"
    "  --help              show this help\n\n"
    "Exit codes: 0 ok, 1 usage, 2 bad data (a negative or missing amount, a plan or estate\n"
    "listed twice, an estate whose plan is not in the plans table: the file and row are\n"
    "named), 4 input/output.\n";

typedef struct funding_args {
    const char *plans, *estates, *out;
    double threshold;
    cli_format format;
    cli_lang lang;
} funding_args;

static int parse_args(int argc, char **argv, funding_args *a)
{
    static const struct option longopts[] = {
        {"plans", required_argument, NULL, 'p'},  {"estates", required_argument, NULL, 'e'},
        {"threshold", required_argument, NULL, 't'}, {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'O'},    {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    *a = (funding_args){.threshold = 0.25};
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'h': fputs(help, stdout); return -1;
        case 'p': a->plans = optarg; break;
        case 'e': a->estates = optarg; break;
        case 'O': a->out = optarg; break;
        case 't':
            a->threshold = strtod(optarg, &end);
            if (end == optarg || *end || !(a->threshold >= 0 && a->threshold < 1))
                rc = cli_usage("funding", "--threshold takes a share in [0, 1), not '%s'",
                               optarg);
            break;
        default: rc = cli_common_option("funding", opt, optarg, argv, &a->format, &a->lang);
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("funding", "unexpected argument '%s'", argv[optind]);
    if (!a->plans || !a->estates)
        return cli_usage("funding", "--plans and --estates are required");
    if (a->format == CLI_CSV)
        return cli_usage("funding", "--format takes text or json");
    return 0;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *const source_key[EFF_FUNDING_SOURCES] = {"housing", "municipality", "other"};

json_t *funding_json(const eff_funding *f)
{
    json_t *below = json_array(), *plans = json_array(), *sources = json_object();
    for (long k = 0; k < f->plans; k++) {
        const eff_funding_plan *p = &f->plan[k];
        if (p->below)
            json_array_append_new(below, json_integer((json_int_t)p->plan_id));
        json_array_append_new(plans, json_pack("{s:I,s:o,s:o,s:o,s:b,s:I,s:I}", "plan_id",
                                               (json_int_t)p->plan_id, "grant_dkk",
                                               jnum(p->grant_dkk), "cofin_dkk",
                                               jnum(p->cofin_dkk), "cofin_share",
                                               jnum(p->cofin_share), "below", p->below,
                                               "estates", (json_int_t)p->estates, "residents",
                                               (json_int_t)p->residents));
    }
    for (int s = 0; s < EFF_FUNDING_SOURCES; s++)
        json_object_set_new(sources, source_key[s],
                            json_pack("{s:o,s:o}", "dkk", jnum(f->cofin_by_source_dkk[s]),
                                      "share", jnum(f->cofin_total_dkk > 0
                                                        ? f->cofin_by_source_dkk[s] /
                                                              f->cofin_total_dkk
                                                        : NAN)));
    json_t *root = json_pack(
        "{s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "plans", (json_int_t)f->plans,
        "estates", (json_int_t)f->estates, "residents", (json_int_t)f->residents,
        "grant_total_dkk", jnum(f->grant_total_dkk), "grant_per_plan_dkk",
        jnum(f->grant_per_plan_dkk), "grant_per_estate_dkk", jnum(f->grant_per_estate_dkk),
        "grant_per_resident_dkk", jnum(f->grant_per_resident_dkk), "cofin_total_dkk",
        jnum(f->cofin_total_dkk), "cofin_share_of_budget", jnum(f->cofin_share_total),
        "cofin_threshold", jnum(f->threshold), "below_cofinancing", below, "cofin_sources",
        sources, "by_plan", plans);
    return root;
}

static void write_json(cli_out *o, const eff_funding *f)
{
    json_t *root = funding_json(f);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        cli_out_printf(o, "%s\n", text);
    free(text);
    json_decref(root);
}

void funding_text(cli_out *o, const eff_funding *f, int da)
{
    cli_out_printf(o, "%s\n\n", i18n_tr(I18N_FW_TITLE, da));
    cli_out_printf(o, "%-44s %16.0f\n", i18n_tr(I18N_FW_GRANTED, da), f->grant_total_dkk);
    cli_out_printf(o, "%-44s %16ld\n%-44s %16ld\n%-44s %16ld\n", i18n_tr(I18N_FW_PLANS, da),
                   f->plans, i18n_tr(I18N_FW_ESTATES, da), f->estates,
                   i18n_tr(I18N_FW_RESIDENTS, da), f->residents);
    cli_out_printf(o, "%-44s %16.0f\n%-44s %16.0f\n%-44s %16.0f\n",
                   i18n_tr(I18N_FW_PER_PLAN, da), f->grant_per_plan_dkk,
                   i18n_tr(I18N_FW_PER_ESTATE, da), f->grant_per_estate_dkk,
                   i18n_tr(I18N_FW_PER_RESIDENT, da), f->grant_per_resident_dkk);
    cli_out_printf(o, "\n%-44s %15.1f%%\n", i18n_tr(I18N_FW_COFIN_SHARE, da),
                   100 * f->cofin_share_total);
    for (int s = 0; s < EFF_FUNDING_SOURCES; s++)
        cli_out_printf(o, "  %-42s %15.1f%%\n", i18n_tr((i18n_msg)(I18N_FW_SRC_HOUSING + s), da),
                       f->cofin_total_dkk > 0
                           ? 100 * f->cofin_by_source_dkk[s] / f->cofin_total_dkk : NAN);
    cli_out_printf(o, "\n%s %.0f%%: %zu", i18n_tr(I18N_FW_BELOW, da), 100 * f->threshold,
                   f->n_below);
    for (long k = 0, shown = 0; k < f->plans; k++)
        if (f->plan[k].below)
            cli_out_printf(o, "%s%.0f (%.1f%%)", shown++ ? ", " : " (", f->plan[k].plan_id,
                           100 * f->plan[k].cofin_share);
    cli_out_printf(o, "%s\n", f->n_below ? ")" : "");
}

static eff_status read_input(const char *path, eff_table **t, eff_error *err)
{
    eff_read_options o = eff_read_options_default();
    o.csv.allow_empty = 1;
    return eff_read_table(path, &o, NULL, t, err);
}

int cmd_funding(int argc, char **argv)
{
    funding_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    eff_error err;
    eff_error_clear(&err);
    eff_table *plans = NULL, *estates = NULL;
    eff_funding f = {0};
    cli_out o;
    eff_status st = cli_out_open(&o, a.out, &err);
    if (st == EFF_OK) st = read_input(a.plans, &plans, &err);
    if (st == EFF_OK) st = read_input(a.estates, &estates, &err);
    if (st == EFF_OK) st = eff_funding_compute(plans, estates, a.threshold, &f, &err);
    if (st == EFF_OK) {
        if (a.format == CLI_JSON)
            write_json(&o, &f);
        else
            funding_text(&o, &f, a.lang == CLI_DA);
    }
    rc = cli_out_finish(&o, st, &err);
    eff_funding_free(&f);
    eff_table_free(plans);
    eff_table_free(estates);
    return rc;
}
