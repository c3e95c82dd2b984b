/* cmd_survey.c - `effekt survey`: the seed's chapter 5 from a survey export (survey.h):
 * Table 5.1 (respondents per theme), Tables 5.2-5.3 (share in the top two steps of the scale
 * with a 95% Wilson interval and N, per item and theme), a stacked bar chart of the answers
 * per item, and a summary naming the items at or above one half. A theme hidden by
 * disclosure control is left out of every file.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chapters.h"
#include "i18n.h"

static const char help[] =
    "Usage: effekt survey --data FILE --theme COL --items A,B,... --out DIR [options]\n\n"
    "The seed report's chapter 5: respondents per theme (Table 5.1), the share answering in\n"
    "the top two steps of the scale (\"i høj grad\", \"i meget høj grad\") with a 95% Wilson\n"
    "interval and N per item and theme (Tables 5.2, 5.3), a stacked bar chart of the answers\n"
    "per item (DIR/figures/survey_ITEM.svg), and a summary of the items at or above one half.\n\n"
    "Options:\n"
    "  --data FILE           the survey export, one row per respondent\n"
    "  --theme COL           the theme column\n"
    "  --items A,B,...       the item columns\n"
    "  --themes T1,T2,...    the themes expected, in this order (default: as found)\n"
    "  --scale L1,L2,...     the scale's labels from low to high (default: slet ikke, i mindre\n"
    "                        grad, i nogen grad, i høj grad, i meget høj grad); codes 1..k are\n"
    "                        read as the labels, and \"ved ikke\" or 9 as don't know\n"
    "  --dont-know MODE      exclude (default): \"ved ikke\" and empty answers are left out of\n"
    "                        the denominator; include: they count in it\n"
    "  --threshold N         fewest respondents a theme is shown with (default 5, least 3)\n"
    "  --out DIR             where responses.csv, items.csv and figures/ go\n"
    "  --format FMT          text (default) or json (everything, on standard output)\n"
    "  --lang LANG           da (default) or en\n"
    "  --help                show this help\n\n"
    "Exit codes: 0 ok, 1 usage, 2 bad data (an answer not on the scale, a respondent\n"
    "without a theme, a theme with no respondents: file, row and column named), 4\n"
    "input/output.\n";

enum { MAX_LIST = 64 };

typedef struct survey_args {
    const char *data, *out;
    char *items_buf, *themes_buf, *scale_buf;
    const char *items[MAX_LIST], *themes[MAX_LIST], *scale[MAX_LIST];
    size_t n_items, n_themes, n_scale;
    eff_survey_options opt;
    cli_format format;
    cli_lang lang;
} survey_args;

static int list(char **buf, const char *arg, const char **out, size_t *n, const char *what)
{
    free(*buf);
    if (!(*buf = strdup(arg)))
        return cli_usage("survey", "out of memory");
    return cli_split_list("survey", *buf, out, n, MAX_LIST, what);
}

static int parse_args(int argc, char **argv, survey_args *a)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'D'},   {"theme", required_argument, NULL, 'T'},
        {"items", required_argument, NULL, 'I'},  {"themes", required_argument, NULL, 'S'},
        {"scale", required_argument, NULL, 'C'},  {"dont-know", required_argument, NULL, 'K'},
        {"threshold", required_argument, NULL, 't'}, {"out", required_argument, NULL, 'O'},
        {"format", required_argument, NULL, 'f'}, {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    a->opt.threshold = 5;
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'h': fputs(help, stdout); return -1;
        case 'D': a->data = optarg; break;
        case 'T': a->opt.theme = optarg; break;
        case 'O': a->out = optarg; break;
        case 'I': rc = list(&a->items_buf, optarg, a->items, &a->n_items, "items"); break;
        case 'S': rc = list(&a->themes_buf, optarg, a->themes, &a->n_themes, "themes"); break;
        case 'C': rc = list(&a->scale_buf, optarg, a->scale, &a->n_scale, "scale labels"); break;
        case 'K':
            if (strcmp(optarg, "exclude") && strcmp(optarg, "include"))
                rc = cli_usage("survey", "--dont-know takes exclude or include, not '%s'", optarg);
            a->opt.dont_know_include = strcmp(optarg, "include") == 0;
            break;
        case 't':
            a->opt.threshold = strtol(optarg, &end, 10);
            if (end == optarg || *end || a->opt.threshold < 3)
                rc = cli_usage("survey", "--threshold takes a whole number of at least 3");
            break;
        default: rc = cli_common_option("survey", opt, optarg, argv, &a->format, &a->lang);
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage("survey", "unexpected argument '%s'", argv[optind]);
    if (!a->data || !a->opt.theme || !a->n_items || !a->out)
        return cli_usage("survey", "--data, --theme, --items and --out are required");
    if (a->format == CLI_CSV)
        return cli_usage("survey", "--format takes text or json");
    if (a->n_scale == 1 || a->n_scale > EFF_SURVEY_MAX_SCALE)
        return cli_usage("survey", "--scale takes 2-%d labels", EFF_SURVEY_MAX_SCALE);
    a->opt.items = a->items, a->opt.n_items = a->n_items;
    a->opt.themes = a->n_themes ? a->themes : NULL, a->opt.n_themes = a->n_themes;
    a->opt.scale = a->n_scale ? a->scale : NULL, a->opt.n_scale = a->n_scale;
    return 0;
}

static const char *const da_scale[] = {"slet ikke", "i mindre grad", "i nogen grad",
                                       "i høj grad", "i meget høj grad"};

static const char *step_label(const char *const *scale, const eff_survey *s, size_t j, int da)
{
    if (j == s->n_scale)
        return i18n_tr(I18N_DON_T_KNOW, da);
    if (j == s->n_scale + 1)
        return i18n_tr(I18N_NO_ANSWER, da);
    return scale ? scale[j] : da_scale[j];
}

/* ---- files ---- */

static eff_status write_csvs(const char *dir, const char *const *items, const eff_survey *s,
                             eff_error *err)
{
    char path[4096];
    cli_out o;
    snprintf(path, sizeof path, "%s/responses.csv", dir);
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "theme,respondents\n");
    for (size_t th = 0; th < s->n_themes; th++)
        if (!s->hidden[th])
            cli_out_printf(&o, "%s,%ld\n", s->themes[th], s->respondents[th]);
    if (s->total >= 0)
        cli_out_printf(&o, "total,%ld\n", s->total);
    if ((st = cli_out_close(&o, err)) != EFF_OK)
        return st;
    snprintf(path, sizeof path, "%s/items.csv", dir);
    if ((st = cli_out_open(&o, path, err)) != EFF_OK)
        return st;
    cli_out_printf(&o, "item,theme,share_high,ci_low,ci_high,n\n");
    for (size_t i = 0; i < s->n_items; i++)
        for (size_t th = 0; th < s->n_themes; th++) {
            const eff_survey_cell *c = &s->cells[i * s->n_themes + th];
            if (!s->hidden[th])
                cli_out_printf(&o, "%s,%s,%.17g,%.17g,%.17g,%ld\n", items[i], s->themes[th],
                               c->share, c->low, c->high, c->n);
        }
    return cli_out_close(&o, err);
}

/* One bar per theme, its answers stacked from low to high, then don't know and no answer;
 * a blue-to-orange diverging palette that stays ordered in grey. */
void survey_chart_svg(cli_out *o, const char *const *items, const char *const *scale,
                      const eff_survey *s, size_t i, int da)
{
    static const char *const fill[] = {"#b35806", "#f1a340", "#fee0b6", "#998ec3", "#542788",
                                       "#cccccc", "#eeeeee"};
    size_t bars = 0, k = s->n_scale;
    for (size_t th = 0; th < s->n_themes; th++)
        bars += !s->hidden[th];
    double left = 240, width = 420, top = 50, row = 30, height = top + row * (double)bars + 110;
    cli_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                       "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" "
                       "height=\"100%%\" fill=\"white\"/>\n<text x=\"%.0f\" y=\"24\" "
                       "font-size=\"15\" font-weight=\"bold\">",
                   left + width + 40, height, left);
    cli_svg_text(o, items[i]);
    cli_out_printf(o, "</text>\n");
    size_t b = 0;
    for (size_t th = 0; th < s->n_themes; th++) {
        if (s->hidden[th])
            continue;
        const eff_survey_cell *c = &s->cells[i * s->n_themes + th];
        long all = 0;
        for (size_t j = 0; j < k + 2; j++)
            all += c->counts[j];
        double y = top + row * (double)b++, x = left;
        cli_out_printf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
                           "dominant-baseline=\"middle\">", left - 8, y + 10);
        cli_svg_text(o, s->themes[th]);
        cli_out_printf(o, "</text>\n");
        for (size_t j = 0; j < k + 2 && all > 0; j++) {
            double w = width * (double)c->counts[j] / (double)all;
            size_t colour = j < k ? (k == 5 ? j : j * 4 / (k - 1)) : 5 + (j - k);
            cli_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" "
                               "fill=\"%s\" stroke=\"white\"/>\n", x, y, w, fill[colour]);
            x += w;
        }
    }
    double axis = top + row * (double)bars;
    for (int tick = 0; tick <= 4; tick++) /* the share axis */
        cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d%%</text>\n",
                       left + width * tick / 4, axis - 4, left + width * tick / 4, axis + 2,
                       left + width * tick / 4, axis + 16, 25 * tick);
    double ly = axis + 34;
    for (size_t j = 0; j < k + 2; j++) { /* legend, in two rows */
        double lx = left - 230 + (double)(j % 4) * 170, yy = ly + (double)(j / 4) * 20;
        size_t colour = j < k ? (k == 5 ? j : j * 4 / (k - 1)) : 5 + (j - k);
        cli_out_printf(o, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\" "
                           "stroke=\"#666\"/><text x=\"%.0f\" y=\"%.0f\">", lx, yy, fill[colour],
                       lx + 16, yy + 10);
        cli_svg_text(o, step_label(scale, s, j, da));
        cli_out_printf(o, "</text>\n");
    }
    cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#444\">%s</text>\n</svg>\n", left,
                   ly + 52, i18n_tr(I18N_SHARE_OF_THE_THEME, da));
}

static eff_status write_chart(const char *figures, const char *const *items,
                              const char *const *scale, const eff_survey *s, size_t i, int da,
                              eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/survey_%s.svg", figures, items[i]);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    survey_chart_svg(&o, items, scale, s, i, da);
    return cli_out_close(&o, err);
}

eff_status survey_files(const char *dir, const char *const *items, const char *const *scale,
                        const eff_survey *s, int da, eff_error *err)
{
    char figures[4096];
    snprintf(figures, sizeof figures, "%s/figures", dir);
    if ((mkdir(dir, 0777) != 0 && errno != EEXIST) ||
        (mkdir(figures, 0777) != 0 && errno != EEXIST))
        return eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the directory: %s",
                             strerror(errno));
    eff_status st = write_csvs(dir, items, s, err);
    return st == EFF_OK ? survey_charts(figures, items, scale, s, da, err) : st;
}

eff_status survey_charts(const char *figures, const char *const *items,
                         const char *const *scale, const eff_survey *s, int da, eff_error *err)
{
    eff_status st = EFF_OK;
    for (size_t i = 0; st == EFF_OK && i < s->n_items; i++)
        st = write_chart(figures, items, scale, s, i, da, err);
    return st;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *survey_json(const char *const *items, const eff_survey *s)
{
    json_t *themes = json_array(), *cells = json_array();
    for (size_t th = 0; th < s->n_themes; th++)
        json_array_append_new(themes, json_pack("{s:s,s:o}", "theme", s->themes[th],
                                                "respondents", s->hidden[th] ? json_null()
                                                : json_integer(s->respondents[th])));
    for (size_t i = 0; i < s->n_items; i++)
        for (size_t th = 0; th < s->n_themes; th++) {
            const eff_survey_cell *c = &s->cells[i * s->n_themes + th];
            int h = s->hidden[th];
            json_array_append_new(cells, json_pack(
                "{s:s,s:s,s:o,s:o,s:o,s:o}", "item", items[i], "theme", s->themes[th],
                "share_high", h ? json_null() : jnum(c->share), "ci_low",
                h ? json_null() : jnum(c->low), "ci_high", h ? json_null() : jnum(c->high), "n",
                h ? json_null() : json_integer(c->n)));
        }
    return json_pack("{s:o,s:o,s:o}", "responses", themes, "total",
                     s->total >= 0 ? json_integer(s->total) : json_null(), "items", cells);
}

static void write_json(const survey_args *a, const eff_survey *s)
{
    json_t *root = survey_json(a->items, s);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
}

void survey_text(cli_out *o, const char *const *items, const eff_survey *s, int da)
{
    cli_out_printf(o, "%s\n\n", i18n_tr(I18N_TABLE_5_1_RESPONSES, da));
    for (size_t th = 0; th < s->n_themes; th++)
        s->hidden[th] ? cli_out_printf(o, "%-44s %8s\n", s->themes[th], ".")
                      : cli_out_printf(o, "%-44s %8ld\n", s->themes[th], s->respondents[th]);
    s->total >= 0 ? cli_out_printf(o, "%-44s %8ld\n\n", i18n_tr(I18N_TOTAL, da), s->total)
                  : cli_out_printf(o, "%-44s %8s\n\n", i18n_tr(I18N_TOTAL, da), ".");
    cli_out_printf(o, "%s\n\n", i18n_tr(I18N_SHARE_ANSWERING_TO_A, da));
    for (size_t i = 0; i < s->n_items; i++) {
        cli_out_printf(o, "%s\n", items[i]);
        for (size_t th = 0; th < s->n_themes; th++) {
            const eff_survey_cell *c = &s->cells[i * s->n_themes + th];
            if (!s->hidden[th])
                cli_out_printf(o, "  %-42s %5.0f%% [%3.0f; %3.0f] N = %ld\n", s->themes[th], 100 * c->share,
                       100 * c->low, 100 * c->high, c->n);
        }
    }
    cli_out_printf(o, "\n%s\n", i18n_tr(I18N_AT_LEAST_HALF_ANSWER, da));
    for (size_t th = 0; th < s->n_themes; th++) {
        if (s->hidden[th])
            continue;
        cli_out_printf(o, "  %s:", s->themes[th]);
        int any = 0;
        for (size_t i = 0; i < s->n_items; i++)
            if (s->cells[i * s->n_themes + th].share >= 0.5)
                cli_out_printf(o, "%s %s", any++ ? "," : "", items[i]);
        cli_out_printf(o, "%s\n", any ? "" : i18n_tr(I18N_NONE_LEAD, da));
    }
}

static void write_text(const survey_args *a, const eff_survey *s)
{
    cli_out o = {0}; /* standard output */
    survey_text(&o, a->items, s, a->lang == CLI_DA);
}

int cmd_survey(int argc, char **argv)
{
    survey_args a = {0};
    int rc = parse_args(argc, argv, &a);
    eff_error err;
    eff_error_clear(&err);
    eff_table *t = NULL;
    eff_survey s = {0};
    eff_status st = EFF_OK;
    if (rc == 0) {
        eff_read_options ro = eff_read_options_default();
        st = eff_read_table(a.data, &ro, NULL, &t, &err);
        if (st == EFF_OK) st = eff_survey_compute(t, &a.opt, &s, &err);
        if (st == EFF_OK)
            st = survey_files(a.out, a.items, a.n_scale ? a.scale : NULL, &s, a.lang == CLI_DA,
                              &err);
        if (st == EFF_OK)
            a.format == CLI_JSON ? write_json(&a, &s) : write_text(&a, &s);
        rc = st == EFF_OK ? EXIT_OK : cli_fail(&err);
    }
    eff_survey_free(&s);
    eff_table_free(t);
    free(a.items_buf), free(a.themes_buf), free(a.scale_buf);
    return rc < 0 ? EXIT_OK : rc;
}
