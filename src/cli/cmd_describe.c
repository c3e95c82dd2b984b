/* cmd_describe.c - `effekt describe FILE`: row and column counts, then per column its type,
 * missing count, and min/max/mean or number of categories. An inspection tool for the
 * analyst's own screen: no disclosure control applies. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: effekt describe [options] FILE\n"
    "       effekt describe --data FILE [options]\n\n"
    "Prints the row and column counts of a table, then for each column its type, its\n"
    "number of missing values, and its min/max/mean (numbers, dates) or its number of\n"
    "categories (text), then the columns' descriptions and value labels. FILE may be CSV\n"
    "(.csv, .tsv, .txt), SAS (.sas7bdat, with a .sas7bcat catalogue beside it; .xpt),\n"
    "Stata (.dta) or SPSS (.sav). This is an inspection tool for the analyst's own screen: its\n"
    "output is not disclosure-controlled and must not leave a secure environment.\n\n"
    "Options:\n"
    "  --data FILE           the table to describe (or give FILE as the argument)\n"
    "  --format FMT          text (default), json or csv\n"
    "  --out FILE            write to FILE (atomically) instead of standard output\n"
    "  --lang LANG           da (default) or en: headings of the text format\n"
    "  --delim C             field delimiter: ',', ';', 'tab' (default: detected)\n"
    "  --encoding ENC        auto (default), utf8 or latin1\n"
    "  --decimal MARK        auto (default: ',' is also read in ';' files), dot or comma\n"
    "  --type COL=TYPE       read COL as integer, double, date or string (repeatable)\n"
    "  --max-line-bytes N    longest line allowed (default 1M; k, M, G suffixes)\n"
    "  --catalog FILE        SAS format catalogue (default: NAME.sas7bcat, else\n"
    "                        formats.sas7bcat, beside the file)\n"
    "  --help                show this help\n\n"
    "Missing values in CSV: empty fields, NA and '.'. A column named pnr is always text.\n"
    "Exit codes: 0 ok, 1 usage, 2 bad data, 3 internal, 4 input/output, 130/143 interrupted.\n";

enum { MAX_TYPES = 256 };

typedef struct describe_args {
    const char *path, *out, *catalog;
    cli_format format;
    cli_lang lang;
    eff_csv_options csv;
    eff_csv_coltype types[MAX_TYPES];
} describe_args;

static int parse_type(const char *spec, eff_csv_coltype *t)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return -1;
    static const struct { const char *name; eff_type type; } names[] = {
        {"integer", EFF_TYPE_I64}, {"int", EFF_TYPE_I64},    {"double", EFF_TYPE_F64},
        {"numeric", EFF_TYPE_F64}, {"date", EFF_TYPE_DATE},  {"string", EFF_TYPE_STR},
        {"text", EFF_TYPE_STR},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(eq + 1, names[i].name) == 0) {
            t->type = names[i].type;
            t->name = spec; /* cut at '=' by the caller */
            return 0;
        }
    }
    return -1;
}

static int parse_csv_option(int opt, char *arg, describe_args *a)
{
    switch (opt) {
    case 'd':
        if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
            a->csv.delimiter = '\t';
        else if (strlen(arg) == 1)
            a->csv.delimiter = arg[0];
        else
            return cli_usage("describe", "--delim takes one character or 'tab', not '%s'", arg);
        return 0;
    case 'e':
        if (strcmp(arg, "auto") == 0)
            a->csv.encoding = EFF_CSV_ENC_AUTO;
        else if (strcmp(arg, "utf8") == 0 || strcmp(arg, "utf-8") == 0)
            a->csv.encoding = EFF_CSV_ENC_UTF8;
        else if (strcmp(arg, "latin1") == 0 || strcmp(arg, "latin-1") == 0)
            a->csv.encoding = EFF_CSV_ENC_LATIN1;
        else
            return cli_usage("describe", "--encoding takes auto, utf8 or latin1, not '%s'", arg);
        return 0;
    case 'c':
        if (strcmp(arg, "auto") == 0)
            a->csv.decimal = EFF_CSV_DEC_AUTO;
        else if (strcmp(arg, "dot") == 0 || strcmp(arg, ".") == 0)
            a->csv.decimal = EFF_CSV_DEC_DOT;
        else if (strcmp(arg, "comma") == 0 || strcmp(arg, ",") == 0)
            a->csv.decimal = EFF_CSV_DEC_COMMA;
        else
            return cli_usage("describe", "--decimal takes auto, dot or comma, not '%s'", arg);
        return 0;
    case 't':
        if (a->csv.n_types == MAX_TYPES || parse_type(arg, &a->types[a->csv.n_types]) != 0)
            return cli_usage("describe",
                             "--type takes COL=TYPE with TYPE integer, double, date or string, "
                             "not '%s'", arg);
        *strchr(arg, '=') = '\0';
        a->csv.n_types++;
        return 0;
    case 'm':
        if (cli_parse_size(arg, &a->csv.max_line_bytes) != 0)
            return cli_usage("describe", "--max-line-bytes takes a size such as 4M, not '%s'",
                             arg);
        return 0;
    }
    return cli_usage("describe", "unknown option");
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, describe_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'D'},     {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},      {"lang", required_argument, NULL, 'l'},
        {"delim", required_argument, NULL, 'd'},    {"encoding", required_argument, NULL, 'e'},
        {"decimal", required_argument, NULL, 'c'},  {"type", required_argument, NULL, 't'},
        {"max-line-bytes", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {"catalog", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->csv = eff_csv_options_default();
    a->csv.types = a->types;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'D': a->path = optarg; break;
        case 'o': a->out = optarg; break;
        case 'C': a->catalog = optarg; break;
        default:
            rc = cli_common_option("describe", opt, optarg, argv, &a->format, &a->lang);
            if (rc < 0)
                rc = parse_csv_option(opt, optarg, a);
            break;
        }
        if (rc)
            return rc;
    }
    if (optind < argc) {
        if (a->path || optind + 1 < argc)
            return cli_usage("describe", "give one file, as an argument or with --data");
        a->path = argv[optind];
    }
    if (!a->path)
        return cli_usage("describe", "no file given");
    return -1;
}

/* What was read, for the heading: CSV details, or the file's format. */
typedef struct describe_input {
    eff_format format;
    int is_csv;
    eff_csv_info csv;
} describe_input;

static const char *enc_name(eff_csv_encoding e)
{
    return e == EFF_CSV_ENC_LATIN1 ? "latin1" : "utf8";
}

static void format_value(const eff_col_summary *s, double v, char *buf, size_t size)
{
    if (isnan(v))
        buf[0] = '\0';
    else if (s->type == EFF_TYPE_DATE)
        eff_date_format((int32_t)v, buf, size);
    else
        snprintf(buf, size, "%.10g", v);
}

/* Label sets shown in full up to this many values; longer ones end with "...". */
enum { LABELS_SHOWN = 8 };

static void write_value_labels(cli_out *o, const eff_labels *l)
{
    size_t n = eff_labels_count(l);
    for (size_t i = 0; i < n && i < LABELS_SHOWN; i++) {
        if (eff_labels_string_values(l))
            cli_out_printf(o, "%s\"%s\" = %s", i ? "; " : "", eff_labels_value(l, i),
                           eff_labels_text(l, i));
        else
            cli_out_printf(o, "%s%.15g = %s", i ? "; " : "", eff_labels_number(l, i),
                           eff_labels_text(l, i));
    }
    cli_out_printf(o, "%s\n", n > LABELS_SHOWN ? "; ..." : "");
}

/* Variable descriptions and value labels, for the columns that have them. */
static void write_text_labels(cli_out *o, const eff_table *t, int da)
{
    int heading = 0;
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        const char *label = eff_table_col_label(t, j);
        const eff_labels *l = eff_table_col_labels(t, j);
        if (!label && !l)
            continue;
        if (!heading++)
            cli_out_printf(o, "\n%s\n", da ? "etiketter" : "labels");
        if (label)
            cli_out_printf(o, "  %-20s %s\n", eff_table_col_name(t, j), label);
        if (l) {
            cli_out_printf(o, "  %-20s %s %s: ", label ? "" : eff_table_col_name(t, j),
                           da ? "værdier" : "values", eff_labels_name(l));
            write_value_labels(o, l);
        }
    }
}

static void write_text(cli_out *o, const describe_args *a, const eff_table *t,
                       const eff_col_summary *s, const describe_input *in)
{
    int da = a->lang == CLI_DA;
    cli_out_printf(o, "%s\n%zu %s, %zu %s\n", a->path, eff_table_n_rows(t),
                   da ? "rækker" : "rows", eff_table_n_cols(t), da ? "kolonner" : "columns");
    if (in->is_csv) {
        char delim[8];
        snprintf(delim, sizeof delim, in->csv.delimiter == '\t' ? "tab" : "'%c'",
                 in->csv.delimiter);
        cli_out_printf(o, "%s %s, %s %s%s\n\n", da ? "skilletegn" : "delimiter", delim,
                       da ? "tegnsæt" : "encoding", enc_name(in->csv.encoding),
                       in->csv.decimal_comma ? (da ? ", decimalkomma" : ", decimal comma") : "");
    } else {
        cli_out_printf(o, "%s %s\n\n", da ? "filtype" : "format", eff_format_name(in->format));
    }
    cli_out_printf(o, "%-20s %-8s %10s %14s %14s %14s %11s\n", da ? "kolonne" : "column", "type",
                   da ? "mangler" : "missing", "min", da ? "maks" : "max",
                   da ? "gennemsnit" : "mean", da ? "kategorier" : "categories");
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        char lo[32], hi[32], mean[32], cats[32] = "";
        format_value(&s[j], s[j].min, lo, sizeof lo);
        format_value(&s[j], s[j].max, hi, sizeof hi);
        format_value(&s[j], s[j].mean, mean, sizeof mean);
        if (s[j].type == EFF_TYPE_STR)
            snprintf(cats, sizeof cats, "%zu", s[j].categories);
        char line[512];
        snprintf(line, sizeof line, "%-20s %-8s %10zu %14s %14s %14s %11s%s", s[j].name,
                 eff_type_name(s[j].type), s[j].missing, lo, hi, mean, cats,
                 s[j].flags & EFF_COL_DECIMAL_COMMA ? (da ? "  (decimalkomma)" : "  (decimal comma)")
                                                    : "");
        size_t len = strlen(line);
        while (len > 0 && line[len - 1] == ' ')
            len--;
        line[len] = '\0';
        cli_out_printf(o, "%s\n", line);
    }
    write_text_labels(o, t, da);
}

static json_t *json_number(const eff_col_summary *s, double v)
{
    if (!isfinite(v))
        return json_null(); /* jansson drops NaN silently: write null on purpose */
    if (s->type == EFF_TYPE_DATE) {
        char buf[32];
        eff_date_format((int32_t)v, buf, sizeof buf);
        return json_string(buf);
    }
    if (s->type == EFF_TYPE_I64 && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *json_labels(const eff_labels *l)
{
    if (!l)
        return json_null();
    json_t *arr = json_array();
    for (size_t i = 0; i < eff_labels_count(l); i++) {
        json_t *value = eff_labels_string_values(l) ? json_string(eff_labels_value(l, i))
                                                    : json_real(eff_labels_number(l, i));
        json_array_append_new(arr, json_pack("{s:o, s:s}", "value", value, "label",
                                             eff_labels_text(l, i)));
    }
    return json_pack("{s:s, s:o}", "name", eff_labels_name(l), "values", arr);
}

static int write_json(cli_out *o, const describe_args *a, const eff_table *t,
                      const eff_col_summary *s, const describe_input *in)
{
    json_t *cols = json_array();
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        json_t *c = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:b}", "name", s[j].name,
                              "type", eff_type_name(s[j].type), "missing",
                              (json_int_t)s[j].missing, "min", json_number(&s[j], s[j].min),
                              "max", json_number(&s[j], s[j].max), "mean",
                              json_number(&s[j], s[j].mean), "categories",
                              s[j].type == EFF_TYPE_STR ? json_integer((json_int_t)s[j].categories)
                                                        : json_null(),
                              "decimal_comma", (s[j].flags & EFF_COL_DECIMAL_COMMA) != 0);
        const char *label = eff_table_col_label(t, j);
        json_object_set_new(c, "label", label ? json_string(label) : json_null());
        json_object_set_new(c, "value_labels", json_labels(eff_table_col_labels(t, j)));
        json_array_append_new(cols, c);
    }
    char delim[2] = {in->csv.delimiter, '\0'};
    json_t *root = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:o}", "file", a->path, "format",
                             eff_format_name(in->format), "rows", (json_int_t)eff_table_n_rows(t),
                             "columns_count", (json_int_t)eff_table_n_cols(t), "delimiter",
                             in->is_csv ? json_string(delim) : json_null(), "encoding",
                             in->is_csv ? json_string(enc_name(in->csv.encoding)) : json_null(),
                             "columns", cols);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text)
        return -1;
    cli_out_printf(o, "%s\n", text);
    free(text);
    return 0;
}

static void write_csv_value(cli_out *o, const eff_col_summary *s, double v)
{
    char buf[40] = "";
    if (!isnan(v)) {
        if (s->type == EFF_TYPE_DATE)
            eff_date_format((int32_t)v, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%.17g", v);
    }
    cli_out_printf(o, ",%s", buf);
}

static void write_csv(cli_out *o, const eff_table *t, const eff_col_summary *s)
{
    cli_out_printf(o, "column,type,missing,min,max,mean,categories,decimal_comma\n");
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        int quote = strpbrk(s[j].name, ",\"\n") != NULL;
        cli_out_printf(o, quote ? "\"%s\",%s,%zu" : "%s,%s,%zu", s[j].name,
                       eff_type_name(s[j].type), s[j].missing);
        write_csv_value(o, &s[j], s[j].min);
        write_csv_value(o, &s[j], s[j].max);
        write_csv_value(o, &s[j], s[j].mean);
        if (s[j].type == EFF_TYPE_STR)
            cli_out_printf(o, ",%zu", s[j].categories);
        else
            cli_out_printf(o, ",");
        cli_out_printf(o, ",%d\n", (s[j].flags & EFF_COL_DECIMAL_COMMA) != 0);
    }
}

int cmd_describe(int argc, char **argv)
{
    describe_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    eff_error err;
    eff_error_clear(&err);
    cli_out out;
    if (cli_out_open(&out, a.out, &err) != EFF_OK)
        return cli_fail(&err);
    eff_ctx ctx = cli_ctx(a.path);
    eff_table *t = NULL;
    describe_input in;
    memset(&in, 0, sizeof in);
    in.format = eff_format_of(a.path);
    in.is_csv = in.format == EFF_FORMAT_CSV || in.format == EFF_FORMAT_UNKNOWN;
    eff_col_summary *s = NULL;
    eff_status st;
    if (in.is_csv) { /* any name that is not a statistics file is tried as text */
        in.format = EFF_FORMAT_CSV;
        st = eff_csv_read(a.path, &a.csv, &ctx, &t, &in.csv, &err);
    } else {
        eff_read_options ro = eff_read_options_default();
        ro.catalog = a.catalog;
        st = eff_read_table(a.path, &ro, &ctx, &t, &err);
    }
    cli_progress_done();
    if (!st)
        st = eff_describe_table(t, &s, &err);
    if (!st) {
        if (a.format == CLI_JSON) {
            if (write_json(&out, &a, t, s, &in) != 0)
                st = eff_error_set(&err, EFF_ENOMEM, NULL, 0, 0, "out of memory writing JSON");
        } else if (a.format == CLI_CSV) {
            write_csv(&out, t, s);
        } else {
            write_text(&out, &a, t, s, &in);
        }
    }
    eff_free(s);
    eff_table_free(t);
    return cli_out_finish(&out, st, &err);
}
