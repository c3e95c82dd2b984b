/* run_ind.c - the status indicators of `effekt run` (indicator.h) as files: indicators.csv
 * (INTERFACES.md), a line chart per indicator (figures/indicator_ID.svg: one line per area
 * group, a panel per subgroup, the seed's values as crosses) and their part of results.json.
 * Only shown cells are written; a suppressed one is empty (CSV), null (JSON) or a gap in
 * its line. Colours are Okabe and Ito's, and each group also has its own dash and marker, so
 * the lines stay apart in grey print.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "run_cli.h"
#include "i18n.h"

static const char *const groups[3] = {"udsat", "almen", "befolkning"};
static const char *const colour[3] = {"#D55E00", "#0072B2", "#009E73"};
static const char *const dash[3] = {"", "7 4", "2 3"};

static void num(cli_out *o, double v)
{
    if (isfinite(v))
        cli_out_printf(o, ",%.17g", v);
    else
        cli_out_printf(o, ",");
}

static eff_status write_csv(const run_info *ri, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/indicators.csv", ri->out_dir);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "indicator,group,subgroup,year,value,n,seed_figure\n");
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        cli_out_printf(&o, "%s,%s,%s,%d", c->indicator, c->group, c->subgroup, c->year);
        num(&o, c->value);
        if (c->n >= 0) cli_out_printf(&o, ",%ld", c->n);
        else cli_out_printf(&o, ",");
        cli_out_printf(&o, ",%s\n", c->seed_figure ? c->seed_figure : "");
    }
    return cli_out_close(&o, err);
}

/* ---- charts ---- */

typedef struct panel {
    const char *subgroup;
    double x0, y0;       /* top-left of the plot area */
} panel;

enum { PLOT_W = 300, PLOT_H = 180, MARGIN_L = 60, MARGIN_T = 58, GAP_X = 90, GAP_Y = 80 };

static double nice_max(double v)
{
    if (!(v > 0))
        return 1;
    double p = pow(10, floor(log10(v))), m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

static int group_index(const char *g)
{
    for (int k = 0; k < 3; k++)
        if (strcmp(g, groups[k]) == 0)
            return k;
    return -1;
}

static void marker(cli_out *o, int g, double x, double y)
{
    if (g == 0)
        cli_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", x, y,
                       colour[g]);
    else if (g == 1)
        cli_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"/>\n",
                       x - 3.5, y - 3.5, colour[g]);
    else
        cli_out_printf(o, "<path d=\"M%.1f %.1fl4 7h-8z\" fill=\"%s\"/>\n", x, y - 4.5, colour[g]);
}

static void draw_panel(cli_out *o, const run_info *ri, const eff_cfg_indicator *d,
                       const panel *p, int y0, int y1, double ymax)
{
    int da = ri->lang == CLI_DA;
    double span = y1 > y0 ? y1 - y0 : 1;
#define PX(year) (p->x0 + PLOT_W * ((year) - y0) / span)
#define PY(v) (p->y0 + PLOT_H * (1 - (v) / ymax))
    cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", p->x0, p->y0 - 10);
    cli_svg_text(o, strcmp(p->subgroup, "all") == 0 ? i18n_tr(I18N_ALL_CAP, da) : p->subgroup);
    cli_out_printf(o, "</text>\n");
    for (int t = 0; t <= 4; t++) { /* grid and y labels (a decimal comma in Danish) */
        double v = ymax * t / 4, y = PY(v);
        char label[32];
        run_fmt(v, fabs(v - round(v)) < 1e-9 ? 0 : fabs(v * 10 - round(v * 10)) < 1e-9 ? 1 : 2, da,
                label, sizeof label);
        cli_out_printf(o, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
                          "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">%s</text>\n",
                       p->x0, y, p->x0 + PLOT_W, y, t ? "#ddd" : "#333", p->x0 - 6, y, label);
    }
    for (int year = y0; year <= y1; year++)
        cli_out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n",
                       PX(year), p->y0 + PLOT_H + 16, year);
    for (int g = 0; g < 3; g++) { /* a line per group, broken where a cell is suppressed */
        int open = 0;
        for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
            const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
            if (strcmp(c->indicator, d->id) || strcmp(c->subgroup, p->subgroup) ||
                group_index(c->group) != g)
                continue;
            if (!isfinite(c->value)) {
                if (open) cli_out_printf(o, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                                            "stroke-dasharray=\"%s\"/>\n", colour[g], dash[g]);
                open = 0;
                continue;
            }
            cli_out_printf(o, open ? " L%.1f %.1f" : "<path d=\"M%.1f %.1f", PX(c->year),
                           PY(c->value));
            open = 1;
        }
        if (open)
            cli_out_printf(o, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                              "stroke-dasharray=\"%s\"/>\n", colour[g], dash[g]);
        for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
            const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
            if (strcmp(c->indicator, d->id) || strcmp(c->subgroup, p->subgroup) ||
                group_index(c->group) != g)
                continue;
            if (isfinite(c->value))
                marker(o, g, PX(c->year), PY(c->value));
            if (isfinite(c->seed_value)) /* the seed's value: a cross in the group's colour */
                cli_out_printf(o, "<path d=\"M%.1f %.1fl8 8m0 -8l-8 8\" stroke=\"%s\" "
                                  "stroke-width=\"2\"/>\n",
                               PX(c->year) - 4, PY(c->seed_value) - 4, colour[g]);
        }
    }
#undef PX
#undef PY
}

void run_indicator_svg(cli_out *o, const run_info *ri, const eff_cfg_indicator *d)
{
    int da = ri->lang == CLI_DA;
    const char *subgroups[64];
    size_t n_panels = 0;
    double top = 0;
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        if (strcmp(c->indicator, d->id) != 0)
            continue;
        top = fmax(top, fmax(isfinite(c->value) ? c->value : 0,
                             isfinite(c->seed_value) ? c->seed_value : 0));
        size_t i = 0;
        while (i < n_panels && strcmp(subgroups[i], c->subgroup) != 0)
            i++;
        if (i == n_panels && n_panels < 64)
            subgroups[n_panels++] = c->subgroup;
    }
    for (size_t k = 1; k < n_panels; k++) /* all first, then the subgroups */
        if (strcmp(subgroups[k], "all") == 0) {
            const char *all = subgroups[k];
            memmove(&subgroups[1], &subgroups[0], k * sizeof *subgroups);
            subgroups[0] = all;
        }
    double ymax = nice_max(top * 1.05);
    size_t cols = n_panels < 3 ? n_panels : 3, rows = (n_panels + cols - 1) / (cols ? cols : 1);
    double width = MARGIN_L + (double)cols * (PLOT_W + GAP_X), height =
        MARGIN_T + (double)rows * (PLOT_H + GAP_Y) + 40;
    if (width < MARGIN_L + 3 * 190 + 150) /* room for the legend's four entries */
        width = MARGIN_L + 3 * 190 + 150;
    cli_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                       "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                       "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">",
                   width, height, width, height, MARGIN_L);
    cli_svg_text(o, d->title ? d->title : d->id);
    const char *unit = d->measure == EFF_IND_MEAN        ? i18n_tr(I18N_MEAN, da)
                       : d->measure == EFF_IND_DEBUT_AGE ? i18n_tr(I18N_AGE_IN_YEARS, da)
                       : d->measure == EFF_IND_RATE ? i18n_tr(I18N_PER_1_000, da)
                                                    : i18n_tr(I18N_PERCENT, da);
    cli_out_printf(o, "</text>\n<text x=\"%d\" y=\"40\" fill=\"#444\">%s: %s; %s</text>\n",
                   MARGIN_L, i18n_tr(I18N_UNIT, da), unit, i18n_tr(I18N_X_AXIS_YEAR, da));
    int y0 = d->year_first, y1 = d->year_last;
    for (size_t k = 0; k < n_panels; k++) {
        panel p = {subgroups[k], MARGIN_L + (double)(k % cols) * (PLOT_W + GAP_X),
                   MARGIN_T + 20 + (double)(k / cols) * (PLOT_H + GAP_Y)};
        draw_panel(o, ri, d, &p, y0, y1, ymax);
    }
    double ly = height - 22, lx = MARGIN_L;
    for (int g = 0; g < 3; g++, lx += 190) { /* legend */
        cli_out_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                           "stroke-width=\"2\" stroke-dasharray=\"%s\"/>\n",
                       lx, ly, lx + 28, ly, colour[g], dash[g]);
        marker(o, g, lx + 14, ly);
        cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" dominant-baseline=\"middle\">%s</text>\n",
                       lx + 34, ly, run_group_label(groups[g], da));
    }
    cli_out_printf(o, "<path d=\"M%.0f %.0fl8 8m0 -8l-8 8\" stroke=\"#333\" stroke-width=\"2\"/>"
                       "<text x=\"%.0f\" y=\"%.0f\" dominant-baseline=\"middle\">%s</text>\n",
                   lx + 10, ly - 4, lx + 24, ly, i18n_tr(I18N_THE_SEED_REPORT, da));
    cli_out_printf(o, "</svg>\n");
}

static eff_status write_chart(const run_info *ri, const eff_cfg_indicator *d, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/figures/indicator_%s.svg", ri->out_dir, d->id);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    run_indicator_svg(&o, ri, d);
    return cli_out_close(&o, err);
}

eff_status run_write_indicators(const run_info *ri, eff_error *err)
{
    if (!ri->ind || ri->cfg->n_indicators == 0)
        return EFF_OK;
    eff_status st = write_csv(ri, err);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/figures", ri->out_dir);
    if (st == EFF_OK && mkdir(dir, 0777) != 0 && errno != EEXIST)
        st = eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the directory: %s",
                           strerror(errno));
    for (size_t k = 0; st == EFF_OK && k < ri->cfg->n_indicators; k++)
        st = write_chart(ri, &ri->cfg->indicators[k], err);
    return st;
}

static json_t *jnum_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *run_indicators_json(const run_info *ri)
{
    json_t *list = json_array();
    for (size_t k = 0; ri->ind && k < ri->cfg->n_indicators; k++) {
        const eff_cfg_indicator *d = &ri->cfg->indicators[k];
        static const char *const measures[] = {"share", "mean", "rate", "poverty",
                                               "recidivism", "debut_age", "persistence"};
        json_t *cells = json_array();
        for (size_t i = 0; i < eff_ind_n_cells(ri->ind); i++) {
            const eff_ind_cell *c = eff_ind_cell_at(ri->ind, i);
            if (strcmp(c->indicator, d->id) != 0)
                continue;
            json_t *o = json_pack(
                "{s:s,s:s,s:i,s:o,s:o,s:o,s:o}", "group", c->group, "subgroup", c->subgroup,
                "year", c->year, "value", jnum_or_null(c->value),
                "n", c->n >= 0 ? json_integer(c->n) : json_null(),
                "seed_figure", c->seed_figure ? json_string(c->seed_figure) : json_null(),
                "seed_value", jnum_or_null(c->seed_value));
            if (d->measure == EFF_IND_PERSISTENCE) /* deaths and emigrants, counted */
                json_object_set_new(o, "gone", c->gone >= 0 ? json_integer(c->gone) : json_null());
            json_array_append_new(cells, o);
        }
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", d->id, "title",
                                              d->title ? d->title : d->id, "measure",
                                              measures[d->measure], "unit", eff_ind_unit(d),
                                              "cells", cells));
    }
    return list;
}
