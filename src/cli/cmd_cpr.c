/* cmd_cpr.c - `effekt cpr check|keygen|pseudonymise`: CPR numbers validated, secret keys
 * made, and a CPR column replaced by keyed pseudonyms (cpr.h). No output, message or error
 * holds a CPR number or any part of a key. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: effekt cpr check FILE --column COL [--out FILE] [--format text|json]\n"
    "       effekt cpr keygen KEYFILE\n"
    "       effekt cpr pseudonymise FILE --column COL[,COL...] --key-file KEYFILE --out FILE\n"
    "                               [--allow-invalid]\n\n"
    "check: validates each value of COL as a CPR number, DDMMYY-SSSS with or without the\n"
    "  dash: a real birth date in the century that the 7th digit and YY give. The modulus-11\n"
    "  check is information only (valid numbers have failed it since 1 October 2007).\n"
    "  Prints counts (valid, invalid by reason, mod-11 failures); --out FILE also writes one\n"
    "  row per data row: row,valid,reason,birth_date,sex,mod11_ok (reason: missing, format or\n"
    "  date; birth_date, sex and mod11_ok empty when invalid). Never repeats the number.\n"
    "keygen: writes a new random 32-byte key as 64 hex digits and a newline, mode 0600;\n"
    "  never overwrites an existing file.\n"
    "pseudonymise: replaces COL by the first 16 hex digits of HMAC-SHA-256(key, the ten\n"
    "  digits), keeping every other column. A value that is not a valid CPR number is an\n"
    "  error (file:line:column, nothing written); with --allow-invalid, numbers with an\n"
    "  impossible date are pseudonymised and values that are not CPR-shaped become empty.\n"
    "  Empty values stay empty. Two numbers with the same pseudonym are an error. Several\n"
    "  columns (PNR,MOR_ID,FAR_ID) are pseudonymised in one pass under the same key, so a\n"
    "  mother's id still links to her own row.\n\n"
    "Options:\n"
    "  --data FILE         the input table (or FILE as an argument)\n"
    "  --column COL        the column holding CPR numbers (pseudonymise: a comma list)\n"
    "  --key-file FILE     the key (mode 0600; accessible by group or others: refused)\n"
    "  --out FILE          output table (CSV, or .dta/.sav/.sas7bdat), written atomically\n"
    "  --allow-invalid     see pseudonymise\n"
    "  --format FMT        text (default) or json (check's summary)\n"
    "  --help              show this help\n\n"
    "Exit codes: 0 ok (check: also when values are invalid), 1 usage, 2 bad data (an unknown\n"
    "or non-text column, an invalid value, a collision, a key file readable by others or\n"
    "malformed), 4 input/output (a missing file, a key file that exists already).\n";

typedef struct cpr_args {
    const char *data, *column, *key, *out;
    int allow_invalid;
    cli_format format;
    cli_lang lang;
} cpr_args;

static int parse_args(const char *cmd, int argc, char **argv, cpr_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},     {"column", required_argument, NULL, 'c'},
        {"key-file", required_argument, NULL, 'k'}, {"out", required_argument, NULL, 'O'},
        {"allow-invalid", no_argument, NULL, 'a'},  {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *a = (cpr_args){0};
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(help, stdout); return -1;
        case 'd': a->data = optarg; break;
        case 'c': a->column = optarg; break;
        case 'k': a->key = optarg; break;
        case 'O': a->out = optarg; break;
        case 'a': a->allow_invalid = 1; break;
        default: rc = cli_common_option(cmd, opt, optarg, argv, &a->format, &a->lang);
        }
    }
    if (rc)
        return rc;
    if (optind < argc && !a->data)
        a->data = argv[optind++];
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    return 0;
}

static void summary_text(cli_out *o, const eff_cpr_summary *s)
{
    cli_out_printf(o, "rows            %zu\nvalid           %zu\ninvalid         %zu\n", s->rows,
                   s->valid, s->invalid);
    for (int r = EFF_CPR_MISSING; r < EFF_CPR_REASON_COUNT; r++)
        cli_out_printf(o, "  %-13s %zu\n", eff_cpr_reason_name((eff_cpr_reason)r),
                       s->by_reason[r]);
    cli_out_printf(o, "mod-11 failures %zu (valid numbers; not an error since 1 October 2007)\n"
                      "sex M / K       %zu / %zu\n",
                   s->mod11_failures, s->male, s->female);
}

static void summary_json(cli_out *o, const eff_cpr_summary *s)
{
    json_t *by = json_object();
    for (int r = EFF_CPR_MISSING; r < EFF_CPR_REASON_COUNT; r++)
        json_object_set_new(by, eff_cpr_reason_name((eff_cpr_reason)r),
                            json_integer((json_int_t)s->by_reason[r]));
    json_t *root = json_pack("{s:I,s:I,s:I,s:o,s:I,s:{s:I,s:I}}", "rows", (json_int_t)s->rows,
                             "valid", (json_int_t)s->valid, "invalid", (json_int_t)s->invalid,
                             "invalid_by_reason", by, "mod11_failures",
                             (json_int_t)s->mod11_failures, "sex", "M", (json_int_t)s->male,
                             "K", (json_int_t)s->female);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        cli_out_printf(o, "%s\n", text);
    else
        cli_out_printf(o, "{}\n");
    free(text);
    json_decref(root);
}

/* Reads FILE with every CSV column as text, so a CPR number keeps its leading zero. */
static eff_status read_input(const char *path, const char *only, eff_table **t, eff_error *err)
{
    eff_read_options o = eff_read_options_default();
    o.csv.allow_empty = 1;
    o.csv.all_text = 1;
    if (only) {
        o.columns = &only;
        o.n_columns = 1;
    }
    return eff_read_table(path, &o, NULL, t, err);
}

static int cpr_check(int argc, char **argv)
{
    cpr_args a;
    int rc = parse_args("cpr check", argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!a.data || !a.column)
        return cli_usage("cpr check", "FILE (or --data) and --column are required");
    if (a.key || a.allow_invalid || a.format == CLI_CSV)
        return cli_usage("cpr check", "takes --format text or json, and no --key-file or "
                                      "--allow-invalid");
    eff_error err;
    eff_error_clear(&err);
    eff_table *t = NULL, *report = NULL;
    eff_cpr_info *rows = NULL;
    eff_cpr_summary s;
    cli_out o;
    eff_status st = cli_out_open(&o, NULL, &err);
    if (st == EFF_OK) st = read_input(a.data, a.column, &t, &err);
    if (st == EFF_OK) st = eff_cpr_check_column(t, a.column, &rows, &s, &err);
    if (st == EFF_OK && a.out) {
        eff_write_options w = eff_write_options_default();
        st = eff_cpr_report_table(rows, s.rows, &report, &err);
        if (st == EFF_OK) st = eff_write_table(report, a.out, &w, NULL, &err);
    }
    if (st == EFF_OK)
        (a.format == CLI_JSON ? summary_json : summary_text)(&o, &s);
    rc = cli_out_finish(&o, st, &err);
    eff_table_free(report);
    eff_free(rows);
    eff_table_free(t);
    return rc;
}

static int cpr_keygen(int argc, char **argv)
{
    cpr_args a;
    int rc = parse_args("cpr keygen", argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!a.data)
        return cli_usage("cpr keygen", "the key file to create is required");
    if (a.column || a.key || a.out || a.allow_invalid)
        return cli_usage("cpr keygen", "takes only the name of the key file to create");
    eff_error err;
    eff_error_clear(&err);
    if (eff_cpr_keygen(a.data, &err) != EFF_OK)
        return cli_fail(&err);
    fprintf(stderr, "effekt cpr keygen: wrote a new key to %s (mode 0600); keep it secret\n",
            a.data);
    return EXIT_OK;
}

/* Pseudonymises each column of the comma list `columns` in turn; *out is the last copy. */
static eff_status pseudonymise_columns(eff_table *t, const char *columns, const eff_cpr_key *key,
                                       const eff_cpr_pseudo_options *po, eff_table **out,
                                       eff_error *err)
{
    char name[256];
    eff_table *cur = t;
    eff_status st = EFF_OK;
    for (const char *p = columns; st == EFF_OK && (*p || cur == t);) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof name) {
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "--column: an empty or over-long column name in \"%s\"", columns);
            break;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        eff_cpr_pseudo_stats s;
        eff_table *next = NULL;
        st = eff_cpr_pseudonymise(cur, name, key, po, &next, &s, err);
        if (st == EFF_OK)
            fprintf(stderr, "effekt cpr pseudonymise: %s: %zu rows, %zu pseudonymised, %zu empty, "
                            "%zu with an impossible date, %zu not CPR-shaped (left empty)\n",
                    name, s.rows, s.pseudonymised, s.missing, s.invalid_dates, s.dropped);
        if (cur != t)
            eff_table_free(cur);
        cur = next;
        p += len + (p[len] == ',');
    }
    if (st != EFF_OK && cur != t)
        eff_table_free(cur);
    *out = st == EFF_OK ? cur : NULL;
    return st;
}

static int cpr_pseudonymise(int argc, char **argv)
{
    cpr_args a;
    int rc = parse_args("cpr pseudonymise", argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!a.data || !a.column || !a.key || !a.out)
        return cli_usage("cpr pseudonymise",
                         "FILE (or --data), --column, --key-file and --out are required");
    eff_error err;
    eff_error_clear(&err);
    eff_cpr_key key;
    eff_table *t = NULL, *pseudo = NULL;
    eff_cpr_pseudo_options po = {.allow_invalid = a.allow_invalid};
    eff_write_options w = eff_write_options_default();
    eff_status st = eff_cpr_key_read(a.key, &key, &err);
    if (st == EFF_OK) {
        st = read_input(a.data, NULL, &t, &err);
        if (st == EFF_OK) st = pseudonymise_columns(t, a.column, &key, &po, &pseudo, &err);
        eff_cpr_key_wipe(&key);
    }
    if (st == EFF_OK) st = eff_write_table(pseudo, a.out, &w, NULL, &err);
    eff_table_free(pseudo);
    eff_table_free(t);
    return st ? cli_fail(&err) : EXIT_OK;
}

int cmd_cpr(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (!sub)
        return cli_usage("cpr", "a subcommand is required: check, keygen or pseudonymise");
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (strcmp(sub, "check") == 0)
        return cpr_check(argc - 1, argv + 1);
    if (strcmp(sub, "keygen") == 0)
        return cpr_keygen(argc - 1, argv + 1);
    if (strcmp(sub, "pseudonymise") == 0 || strcmp(sub, "pseudonymize") == 0)
        return cpr_pseudonymise(argc - 1, argv + 1);
    return cli_usage("cpr", "unknown subcommand '%s' (check, keygen or pseudonymise)", sub);
}
