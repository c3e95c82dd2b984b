/* cmd_simulate.c - `effekt simulate`: writes Synthetic Denmark (src/sim.h) into a directory
 * and prints what it wrote. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: effekt simulate [options] --out DIR\n\n"
    "Writes Synthetic Denmark: a register population 2008-2020 with the seed report's\n"
    "interventions planted in it, calibrated to the report's figures. One file per register\n"
    "and year (bef, udda, bfl, fravaer, ras, ind, krim; see docs/registers.md), plus\n"
    "deltagelse.csv (participation records), planer.csv, afdelinger.csv, omraader.csv,\n"
    "survey.csv and truth.csv (the planted and realised effects).\n\n"
    "Options:\n"
    "  --out DIR                  the directory to write (created if missing)\n"
    "  --seed S                   random seed, a whole number (default 20111)\n"
    "  --scale F                  sampling fraction of the areas outside the plans, (0, 1]\n"
    "                             (default 0.05; 1 is the whole country, about 6 million\n"
    "                             persons and 15 GB of CSV). Plan areas are always whole.\n"
    "  --almen-scale F            sampling fraction of the other social housing (the control\n"
    "                             pool), (0, 1] (default: --scale)\n"
    "  --participants-scale F     multiply participation by F, (0, 100] (default 1)\n"
    "  --effects E                seed (default: Tables 3.2, 3.4, 3.6 from the start year\n"
    "                             on), seed-with-pretrends, zero, or a FILE in truth.csv's\n"
    "                             columns (cohort 2014-2017 rows for cohort-specific effects)\n"
    "  --dgp D                    realistic (default: person effects, persistence, area\n"
    "                             shocks) or simple (independent person-years)\n"
    "  --icc R                    area x year intra-cluster correlation, [0, 0.5) (0.02)\n"
    "  --format F                 csv (default), sas (.sas7bdat) or dta (Stata)\n"
    "  --plans N                  simulate the first N of the 89 plans (default 89); for\n"
    "                             quick looks and tests\n"
    "  --threads N                threads (default: the cores); the output is the same\n"
    "  --no-space-check           do not refuse when the disk looks short\n"
    "  --check DIR                do not simulate: compute every calibration figure\n"
    "                             (data/calibration.csv) from DIR's files and compare it\n"
    "                             with its target; exit 2 when one is outside its allowance\n"
    "  --help                     show this help\n\n"
    "Exit codes: 0 ok, 1 usage, 2 bad effects file or option value, 4 cannot write or not\n"
    "enough disk space, 130/143 interrupted (files already finished are kept).\n";

static int parse_number(const char *name, const char *arg, double *out)
{
    char *end;
    *out = strtod(arg, &end);
    if (!*arg || *end)
        return cli_usage("simulate", "%s takes a number, not '%s'", name, arg);
    return 0;
}

static int parse_int(const char *name, const char *arg, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < 0 || v > 1000)
        return cli_usage("simulate", "%s takes a whole number, not '%s'", name, arg);
    *out = (int)v;
    return 0;
}

/* The calibration report of a written directory. */
static int check(const char *dir)
{
    eff_ctx ctx = cli_ctx("simulate");
    eff_sim_check_row *rows;
    size_t n;
    eff_error err;
    eff_error_clear(&err);
    eff_status st = eff_sim_check(dir, &ctx, &rows, &n, &err);
    cli_progress_done();
    if (st != EFF_OK)
        return cli_fail(&err);
    size_t bad = 0;
    printf("%-48s %6s %10s %10s %8s %8s %8s  %s\n", "figure", "check", "target", "value", "se",
           "allowed", "n", "");
    for (size_t k = 0; k < n; k++) {
        const eff_sim_check_row *r = &rows[k];
        bad += !r->ok;
        printf("%-48s %6s %10.4g %10.4g %8.3g %8.3g %8ld  %s\n", r->key, r->check, r->target,
               r->value, r->se, r->allowed, r->n, r->ok ? "ok" : "OUTSIDE");
    }
    printf("%zu of %zu figures outside their allowance\n", bad, n);
    eff_free(rows);
    return bad ? EXIT_DATA : EXIT_OK;
}

static int parse_choice(int opt, const char *arg, eff_sim_options *o)
{
    switch (opt) {
    case 'e':
        if (!strcmp(arg, "seed"))
            o->effects = EFF_SIM_EFFECTS_SEED;
        else if (!strcmp(arg, "seed-with-pretrends"))
            o->effects = EFF_SIM_EFFECTS_PRETRENDS;
        else if (!strcmp(arg, "zero"))
            o->effects = EFF_SIM_EFFECTS_ZERO;
        else
            o->effects = EFF_SIM_EFFECTS_FILE, o->effects_file = arg;
        return 0;
    case 'g':
        if (strcmp(arg, "realistic") && strcmp(arg, "simple"))
            return cli_usage("simulate", "--dgp takes realistic or simple, not '%s'", arg);
        o->dgp = strcmp(arg, "simple") ? EFF_SIM_REALISTIC : EFF_SIM_SIMPLE;
        return 0;
    case 'f':
        if (!strcmp(arg, "csv"))
            o->format = EFF_SIM_CSV;
        else if (!strcmp(arg, "sas"))
            o->format = EFF_SIM_SAS;
        else if (!strcmp(arg, "dta"))
            o->format = EFF_SIM_DTA;
        else
            return cli_usage("simulate", "--format takes csv, sas or dta, not '%s'", arg);
        return 0;
    }
    return cli_usage("simulate", "unknown option");
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'O'},     {"seed", required_argument, NULL, 's'},
        {"scale", required_argument, NULL, 'S'},   {"participants-scale", required_argument, NULL, 'P'},
        {"almen-scale", required_argument, NULL, 'A'},
        {"effects", required_argument, NULL, 'e'}, {"dgp", required_argument, NULL, 'g'},
        {"icc", required_argument, NULL, 'i'},     {"format", required_argument, NULL, 'f'},
        {"plans", required_argument, NULL, 'p'},   {"threads", required_argument, NULL, 't'},
        {"no-space-check", no_argument, NULL, 'n'}, {"check", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    eff_sim_options o = eff_sim_options_default();
    const char *out = NULL, *check_dir = NULL;
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'O': out = optarg; break;
        case 's': rc = cli_parse_seed("simulate", optarg, &o.seed); break;
        case 'S': rc = parse_number("--scale", optarg, &o.scale); break;
        case 'A': rc = parse_number("--almen-scale", optarg, &o.almen_scale); break;
        case 'P': rc = parse_number("--participants-scale", optarg, &o.participants_scale); break;
        case 'i': rc = parse_number("--icc", optarg, &o.icc); break;
        case 'p': rc = parse_int("--plans", optarg, &o.plans); break;
        case 't': rc = parse_int("--threads", optarg, &o.threads); break;
        case 'n': o.check_space = 0; break;
        case 'c': check_dir = optarg; break;
        case ':': rc = cli_usage("simulate", "%s needs a value", argv[optind - 1]); break;
        case '?': rc = cli_usage("simulate", "unknown option '%s'", argv[optind - 1]); break;
        default: rc = parse_choice(opt, optarg, &o); break;
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("simulate", "unexpected argument '%s'", argv[optind]);
    if (check_dir)
        return out ? cli_usage("simulate", "--check and --out do not go together") : check(check_dir);
    if (!out)
        return cli_usage("simulate", "--out DIR is required");
    eff_ctx ctx = cli_ctx("simulate");
    eff_sim_summary s;
    eff_error err;
    eff_error_clear(&err);
    eff_status st = eff_sim_run(&o, out, &ctx, &s, &err);
    cli_progress_done();
    if (st != EFF_OK)
        return cli_fail(&err);
    printf("wrote %zu files (%.1f MB) for %zu persons to %s in %.1f s\n", s.files,
           (double)s.bytes / 1e6, s.persons, out, s.seconds);
    return EXIT_OK;
}
