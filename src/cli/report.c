/* report.c - DIR/report.html of `effekt run`: one self-contained page (inline CSS and SVG, no
 * script, no network reference) in the seed report's order: 1 about the evaluation (data,
 * software, run, the config's text and the inputs' SHA-256), 2 the interventions and their
 * funding, 3 the effects (report_iv.c), 4 the status indicators, 5 the stakeholder survey,
 * and an appendix on method and disclosure control. Charts and tables other commands make
 * are reused through their writers (love plot, indicator charts, chapters 2 and 5). Written
 * atomically after every other file of the run; it prints only what passed disclosure
 * control, and never a person id.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "chapters.h"
#include "i18n.h"
#include "report.h"

void report_esc(cli_out *o, const char *s)
{
    int html = o->html;
    o->html = 1;
    cli_out_write(o, s, strlen(s));
    o->html = html;
}

void report_num(char *buf, size_t size, double v, int dec, int da)
{
    if (!isfinite(v))
        snprintf(buf, size, "–");
    else
        run_fmt(v, dec, da, buf, size);
}

static const char css[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:64em;margin:2em auto;"
    "padding:0 1em;line-height:1.45;color:#222}\n"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;"
    "padding-bottom:.2em;margin-top:2.2em}h3{margin-top:2em}h4{margin:1.4em 0 .4em}\n"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}\n"
    "caption{text-align:left;font-weight:bold;padding-bottom:.4em}\n"
    "th,td{border-bottom:1px solid #ccc;padding:.25em .6em;vertical-align:top;text-align:left}\n"
    "th{background:#eef3f7}td.n{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}td.sup{color:#777}\n"
    ".note{font-size:.85em;color:#444}.sub{color:#555}\n"
    "figure{margin:1em 0}figure svg{max-width:100%;height:auto}"
    "figcaption{font-size:.9em;font-style:italic}\n"
    ".summary{background:#f4f8fb;border-left:4px solid #0072B2;padding:.3em 1em;margin:1em 0}\n"
    "pre{background:#f6f6f6;padding:.8em;white-space:pre-wrap;font-size:.8em}\n"
    "code{font-size:.85em;overflow-wrap:anywhere}td{overflow-wrap:anywhere}\n"
    "summary{cursor:pointer;color:#0061a0}details{margin:.6em 0}\n"
    "nav li{margin:.2em 0}\n"
    "@media print{body{max-width:none;margin:0}h2{break-before:page}figure,table{"
    "break-inside:avoid}summary{color:#222}}\n";

static void row(cli_out *o, const char *label, const char *value)
{
    cli_out_printf(o, "<tr><th>%s</th><td>", label);
    report_esc(o, value);
    cli_out_printf(o, "</td></tr>\n");
}

/* ---- 1 about ---- */

static void config_text(cli_out *o, const run_info *ri, int da)
{
    cli_out_printf(o, "<h3>%s</h3>\n<details><summary>%s <code>", i18n_tr(I18N_CONFIG, da),
                   i18n_tr(I18N_CONFIG_SHOW, da));
    report_esc(o, ri->config_path);
    cli_out_printf(o, "</code></summary>\n<pre>");
    FILE *f = fopen(ri->config_path, "r");
    if (f) {
        char buf[4096];
        size_t n;
        o->html = 1;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            cli_out_write(o, buf, n);
        o->html = 0;
        fclose(f);
    } else {
        cli_out_printf(o, "%s", i18n_tr(I18N_CONFIG_UNREADABLE, da));
    }
    cli_out_printf(o, "</pre></details>\n");
}

static void about(cli_out *o, const run_info *ri, int da)
{
    const eff_config *c = ri->cfg;
    char buf[256];
    cli_out_printf(o, "<section id=\"about\">\n<h2>1 %s</h2>\n<p>%s</p>\n<table>\n<caption>%s"
                      "</caption>\n",
                   i18n_tr(I18N_CH_ABOUT, da), i18n_tr(I18N_ABOUT_INTRO, da),
                   i18n_tr(I18N_DATA, da));
    snprintf(buf, sizeof buf, "%d-%d", c->year_first, c->year_last);
    row(o, i18n_tr(I18N_REG_YEARS, da), buf);
    if (c->n_indicators) {
        snprintf(buf, sizeof buf, "%d-%d", c->ind_year_first ? c->ind_year_first : c->year_first,
                 c->ind_year_last ? c->ind_year_last : c->year_last);
        row(o, i18n_tr(I18N_IND_YEARS, da), buf);
    }
    row(o, i18n_tr(I18N_AREAS, da), i18n_tr(I18N_AREAS_TEXT, da));
    row(o, i18n_tr(I18N_SOFTWARE, da), "effekt " EFFEKT_VERSION);
    row(o, i18n_tr(I18N_RUN_STARTED, da), ri->started);
    report_num(buf, sizeof buf, ri->seconds, 1, da);
    row(o, i18n_tr(I18N_SECONDS, da), buf);
    snprintf(buf, sizeof buf, "%llu", c->seed);
    row(o, i18n_tr(I18N_SEED, da), buf);
    snprintf(buf, sizeof buf, "%ld", c->threshold);
    row(o, i18n_tr(I18N_THRESHOLD, da), buf);
    cli_out_printf(o, "</table>\n");
    config_text(o, ri, da);
    cli_out_printf(o, "<h3>%s</h3>\n<details><summary>", i18n_tr(I18N_INPUTS, da));
    cli_out_printf(o, i18n_tr(I18N_INPUTS_SHOW, da), ri->n_inputs);
    cli_out_printf(o, "</summary>\n<table>\n<tr><th>%s</th><th>SHA-256</th></tr>\n",
                   i18n_tr(I18N_FILE, da));
    for (size_t k = 0; k < ri->n_inputs; k++) {
        cli_out_printf(o, "<tr><td><code>");
        report_esc(o, ri->inputs[k]);
        cli_out_printf(o, "</code></td><td><code>");
        report_esc(o, ri->sha256[k]);
        cli_out_printf(o, "</code></td></tr>\n");
    }
    cli_out_printf(o, "</table></details>\n</section>\n");
}

/* ---- 2 the interventions and their funding ---- */

static void target_group(const eff_cfg_intervention *iv, int da, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, i18n_tr(I18N_AGE_RANGE, da), iv->age_min,
                                  iv->age_max);
    if (iv->sex && len < size)
        len += (size_t)snprintf(buf + len, size - len, ", %s",
                                i18n_tr(iv->sex == 'K' ? I18N_WOMEN : I18N_MEN, da));
    if (iv->school != EFF_SCHOOL_ANY && len < size)
        snprintf(buf + len, size - len, ", %s",
                 i18n_tr(iv->school == EFF_SCHOOL_PRIMARY ? I18N_SCHOOL_PRIMARY : I18N_SCHOOL_UPPER,
                           da));
}

static void interventions(cli_out *o, const run_info *ri, int da)
{
    const eff_config *c = ri->cfg;
    cli_out_printf(o, "<section id=\"funding\">\n<h2>2 %s</h2>\n", i18n_tr(I18N_CH_FUNDING, da));
    if (c->n_interventions) {
        cli_out_printf(o, "<table>\n<caption>%s</caption>\n<tr><th>%s</th><th>%s</th><th>%s</th>"
                          "<th>%s</th><th>%s</th></tr>\n",
                       i18n_tr(I18N_IV_TABLE, da), i18n_tr(I18N_INTERVENTION, da),
                       i18n_tr(I18N_ACTIVITIES, da), i18n_tr(I18N_OUTCOME, da),
                       i18n_tr(I18N_TARGET, da), i18n_tr(I18N_WINDOW, da));
        for (size_t k = 0; k < c->n_interventions; k++) {
            const eff_cfg_intervention *iv = &c->interventions[k];
            char buf[512] = "";
            cli_out_printf(o, "<tr><td>");
            report_esc(o, report_iv_name(iv->id, da));
            cli_out_printf(o, "</td><td>");
            for (size_t a = 0; a < iv->n_activities; a++) {
                cli_out_printf(o, "%s", a ? ", " : "");
                report_esc(o, iv->activities[a]);
            }
            cli_out_printf(o, "</td><td>");
            report_esc(o, report_outcome_name(iv->outcome->id, da));
            cli_out_printf(o, "</td><td>");
            target_group(iv, da, buf, sizeof buf);
            report_esc(o, buf);
            cli_out_printf(o, "</td><td class=\"n\">%d .. %d</td></tr>\n", iv->emin, iv->emax);
        }
        cli_out_printf(o, "</table>\n");
    }
    if (ri->funding) {
        cli_out_printf(o, "<p>%s</p>\n<pre>", i18n_tr(I18N_FUNDING_INTRO, da));
        o->html = 1;
        funding_text(o, ri->funding, da);
        o->html = 0;
        cli_out_printf(o, "</pre>\n");
    } else {
        cli_out_printf(o, "<p>%s</p>\n", i18n_tr(I18N_FUNDING_NONE, da));
    }
    cli_out_printf(o, "</section>\n");
}

/* ---- 4 indicators ---- */

static void seed_table(cli_out *o, const run_info *ri, const eff_cfg_indicator *d, int da)
{
    size_t n = 0;
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        if (strcmp(c->indicator, d->id) != 0 || !isfinite(c->seed_value))
            continue;
        if (n++ == 0)
            cli_out_printf(o, "<table>\n<caption>%s</caption>\n<tr><th>%s</th><th>%s</th>"
                              "<th>%s</th><th>%s</th><th>%s</th></tr>\n",
                           i18n_tr(I18N_IND_SEED, da), i18n_tr(I18N_GROUP, da),
                           i18n_tr(I18N_SUBGROUP, da), i18n_tr(I18N_YEAR, da),
                           i18n_tr(I18N_THIS_RUN, da), i18n_tr(I18N_SEED_VALUE, da));
        char ours[32], seed[32];
        report_num(ours, sizeof ours, c->value, 1, da);
        report_num(seed, sizeof seed, c->seed_value, 1, da);
        cli_out_printf(o, "<tr><td>");
        report_esc(o, run_group_label(c->group, da));
        cli_out_printf(o, "</td><td>");
        report_esc(o, strcmp(c->subgroup, "all") ? c->subgroup : i18n_tr(I18N_ALL, da));
        cli_out_printf(o, "</td><td class=\"n\">%d</td><td class=\"n%s\">%s</td>"
                          "<td class=\"n\">%s</td></tr>\n",
                       c->year, isfinite(c->value) ? "" : " sup", ours, seed);
    }
    if (n)
        cli_out_printf(o, "</table>\n");
}

static void indicators(cli_out *o, const run_info *ri, int da)
{
    const eff_config *c = ri->cfg;
    cli_out_printf(o, "<section id=\"indicators\">\n<h2>4 %s</h2>\n", i18n_tr(I18N_CH_IND, da));
    if (!ri->ind || !c->n_indicators) {
        cli_out_printf(o, "<p>%s</p>\n</section>\n", i18n_tr(I18N_IND_NONE, da));
        return;
    }
    cli_out_printf(o, "<p>%s</p>\n", i18n_tr(I18N_IND_INTRO, da));
    for (size_t k = 0; k < c->n_indicators; k++) {
        const eff_cfg_indicator *d = &c->indicators[k];
        const char *title = d->title ? d->title : d->id;
        cli_out_printf(o, "<h3 id=\"ind-");
        report_esc(o, d->id);
        cli_out_printf(o, "\">4.%zu ", k + 1);
        report_esc(o, title);
        cli_out_printf(o, "</h3>\n<figure>\n");
        run_indicator_svg(o, ri, d);
        cli_out_printf(o, "<figcaption>");
        cli_out_printf(o, i18n_tr(I18N_IND_FIG, da), (int)k + 1);
        cli_out_printf(o, " ");
        report_esc(o, title);
        cli_out_printf(o, "</figcaption></figure>\n");
        seed_table(o, ri, d, da);
    }
    cli_out_printf(o, "<p class=\"note\">%s</p>\n</section>\n", i18n_tr(I18N_SUPPRESSED_NOTE, da));
}

/* ---- 5 the survey ---- */

static void survey(cli_out *o, const run_info *ri, int da)
{
    const eff_config *c = ri->cfg;
    cli_out_printf(o, "<section id=\"survey\">\n<h2>5 %s</h2>\n", i18n_tr(I18N_CH_SURVEY, da));
    if (!ri->survey) {
        cli_out_printf(o, "<p>%s</p>\n</section>\n", i18n_tr(I18N_SURVEY_NONE, da));
        return;
    }
    const char *const *items = (const char *const *)c->survey_items;
    cli_out_printf(o, "<p>%s</p>\n<pre>", i18n_tr(I18N_SURVEY_INTRO, da));
    o->html = 1;
    survey_text(o, items, ri->survey, da);
    o->html = 0;
    cli_out_printf(o, "</pre>\n");
    for (size_t i = 0; i < ri->survey->n_items; i++) {
        cli_out_printf(o, "<figure>\n");
        survey_chart_svg(o, items, c->n_survey_scale ? (const char *const *)c->survey_scale : NULL,
                         ri->survey, i, da);
        char cap[512];
        snprintf(cap, sizeof cap, i18n_tr(I18N_SURVEY_FIG, da), (int)i + 1, items[i]);
        cli_out_printf(o, "<figcaption>");
        report_esc(o, cap);
        cli_out_printf(o, "</figcaption></figure>\n");
    }
    cli_out_printf(o, "</section>\n");
}

/* ---- appendix ---- */

static void list(cli_out *o, char *const *s, size_t n, const char *extra, int da)
{
    for (size_t k = 0; k < n; k++) {
        cli_out_printf(o, "%s", k ? ", " : "");
        report_esc(o, s[k]);
    }
    if (extra) {
        cli_out_printf(o, "%s", n ? ", " : "");
        report_esc(o, extra);
    }
    if (!n && !extra)
        cli_out_printf(o, "%s", i18n_tr(I18N_NONE, da));
}

static void design_table(cli_out *o, const run_info *ri, int da)
{
    const eff_eval *ev = ri->eval;
    static const i18n_msg rows[] = {I18N_M_COVS, I18N_M_EXACT, I18N_M_CALIPER, I18N_M_RATIO, I18N_M_REPLACE,
                                      I18N_M_MODEL_KIND, I18N_M_MODEL_TERMS, I18N_M_CLUSTER};
    cli_out_printf(o, "<table>\n<tr><th></th>");
    for (size_t k = 0; k < ev->n_ivs; k++) {
        cli_out_printf(o, "<th>");
        report_esc(o, report_iv_name(ev->ivs[k].cfg->id, da));
        cli_out_printf(o, "</th>");
    }
    cli_out_printf(o, "</tr>\n");
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        cli_out_printf(o, "<tr><th>%s</th>", i18n_tr(rows[r], da));
        for (size_t k = 0; k < ev->n_ivs; k++) {
            const eff_eval_iv *iv = &ev->ivs[k];
            const eff_cfg_intervention *c = iv->cfg;
            char buf[64];
            cli_out_printf(o, "<td>");
            switch (rows[r]) {
            case I18N_M_COVS:
                list(o, c->covariates, c->n_covariates,
                     c->match_on_outcome ? i18n_tr(I18N_M_OUTCOME_LAGS, da) : NULL, da);
                break;
            case I18N_M_EXACT: list(o, c->exact, c->n_exact, "g", da); break;
            case I18N_M_CALIPER:
                report_num(buf, sizeof buf, c->caliper, 2, da);
                cli_out_printf(o, "%s", c->caliper > 0 ? buf : i18n_tr(I18N_NONE, da));
                break;
            case I18N_M_RATIO: cli_out_printf(o, "%d", c->ratio); break;
            case I18N_M_REPLACE: cli_out_printf(o, "%s", i18n_tr(c->replace ? I18N_YES : I18N_NO, da)); break;
            case I18N_M_MODEL_KIND:
                cli_out_printf(o, "%s", i18n_tr(c->outcome->kind == EFF_OUTCOME_VALUE
                                                      ? I18N_LINEAR : I18N_LOGIT, da));
                break;
            default:
                for (size_t g = 0; g < iv->n_subgroups; g++) {
                    const eff_eval_subgroup *sg = &iv->subgroups[g];
                    char label[64];
                    if (!sg->estimated)
                        continue;
                    run_subgroup_label(c, sg->id, da, label, sizeof label);
                    cli_out_printf(o, "%s", g ? "<br>" : "");
                    report_esc(o, label);
                    cli_out_printf(o, ": ");
                    if (rows[r] == I18N_M_MODEL_TERMS)
                        report_esc(o, sg->model_terms ? sg->model_terms : "");
                    else
                        cli_out_printf(o, "%s (%zu)", report_cluster_name(sg->cluster, da),
                                       sg->n_clusters);
                }
            }
            cli_out_printf(o, "</td>");
        }
        cli_out_printf(o, "</tr>\n");
    }
    cli_out_printf(o, "</table>\n");
}

static void suppressed_list(cli_out *o, const run_info *ri, int da)
{
    const eff_sdc *s = ri->eval ? ri->eval->sdc : NULL;
    cli_out_printf(o, "<details><summary>%s</summary>\n<table>\n<tr><th>%s</th><th>%s</th></tr>\n",
                   i18n_tr(I18N_M_SUPPRESSED_LIST, da), i18n_tr(I18N_CELL, da),
                   i18n_tr(I18N_REASON, da));
    for (size_t k = 0; s && k < eff_sdc_n_cells(s); k++) {
        if (!eff_sdc_suppressed(s, k))
            continue;
        cli_out_printf(o, "<tr><td><code>");
        report_esc(o, eff_sdc_id(s, k));
        cli_out_printf(o, "</code></td><td>");
        report_esc(o, eff_sdc_reason(s, k));
        cli_out_printf(o, "</td></tr>\n");
    }
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        if (c->n >= 0)
            continue;
        cli_out_printf(o, "<tr><td><code>indicators/");
        report_esc(o, c->indicator);
        cli_out_printf(o, "/");
        report_esc(o, c->group);
        cli_out_printf(o, "/");
        report_esc(o, c->subgroup);
        cli_out_printf(o, "/%d</code></td><td>", c->year);
        report_esc(o, c->reason ? c->reason : "");
        cli_out_printf(o, "</td></tr>\n");
    }
    cli_out_printf(o, "</table></details>\n");
}

static void method(cli_out *o, const run_info *ri, int da)
{
    cli_out_printf(o, "<section id=\"method\">\n<h2>%s</h2>\n", i18n_tr(I18N_CH_METHOD, da));
    if (ri->eval && ri->eval->n_ivs) {
        cli_out_printf(o, "<h3>%s</h3>\n<p>%s</p>\n", i18n_tr(I18N_M_DESIGN, da),
                       i18n_tr(I18N_M_DESIGN_TEXT, da));
        cli_out_printf(o, "<h3>%s</h3>\n<p>%s</p>\n", i18n_tr(I18N_M_MODEL, da),
                       i18n_tr(I18N_M_MODEL_TEXT, da));
        design_table(o, ri, da);
        cli_out_printf(o, "<h3>%s</h3>\n<p>%s</p>\n", i18n_tr(I18N_ROBUST, da),
                       i18n_tr(I18N_M_ROBUST_TEXT, da));
    }
    size_t n = (ri->eval ? eff_sdc_n_suppressed(ri->eval->sdc) : 0) +
               eff_ind_n_suppressed(ri->ind);
    long t = ri->cfg->threshold;
    cli_out_printf(o, "<h3 id=\"disclosure\">%s</h3>\n<p>", i18n_tr(I18N_M_DISCLOSURE, da));
    cli_out_printf(o, i18n_tr(I18N_M_DISCLOSURE_TEXT, da), t, t, t, n);
    cli_out_printf(o, " %s</p>\n", i18n_tr(I18N_M_NO_PNR, da));
    suppressed_list(o, ri, da);
    cli_out_printf(o, "</section>\n");
}

/* ---- the page ---- */

static void head(cli_out *o, const run_info *ri, int da)
{
    const char *title = ri->cfg->title ? ri->cfg->title : i18n_tr(I18N_DOC_TITLE, da);
    cli_out_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>", da ? "da" : "en");
    report_esc(o, title);
    cli_out_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
    report_esc(o, title);
    cli_out_printf(o, "</h1>\n<p class=\"sub\">");
    char buf[256];
    snprintf(buf, sizeof buf, i18n_tr(I18N_SUBTITLE, da), EFFEKT_VERSION, ri->started);
    report_esc(o, buf);
    cli_out_printf(o, "</p>\n</header>\n<nav><h2>%s</h2><ol>\n", i18n_tr(I18N_CONTENTS, da));
    static const struct { const char *id; i18n_msg m; } ch[] = {
        {"about", I18N_CH_ABOUT}, {"funding", I18N_CH_FUNDING}, {"effects", I18N_CH_EFFECTS},
        {"indicators", I18N_CH_IND}, {"survey", I18N_CH_SURVEY}};
    for (size_t k = 0; k < sizeof ch / sizeof *ch; k++) {
        cli_out_printf(o, "<li><a href=\"#%s\">%s</a>", ch[k].id, i18n_tr(ch[k].m, da));
        for (size_t i = 0; ch[k].m == I18N_CH_EFFECTS && ri->eval && i < ri->eval->n_ivs; i++) {
            cli_out_printf(o, "%s<a href=\"#iv-", i ? ", " : "<br>");
            report_esc(o, ri->eval->ivs[i].cfg->id);
            cli_out_printf(o, "\">");
            report_esc(o, report_iv_name(ri->eval->ivs[i].cfg->id, da));
            cli_out_printf(o, "</a>");
        }
        cli_out_printf(o, "</li>\n");
    }
    cli_out_printf(o, "</ol><p><a href=\"#method\">%s</a></p></nav>\n",
                   i18n_tr(I18N_CH_METHOD, da));
}

eff_status report_write(const run_info *ri, eff_error *err)
{
    int da = ri->lang == CLI_DA;
    char path[4096];
    snprintf(path, sizeof path, "%s/figures", ri->out_dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot create the directory: %s",
                             strerror(errno));
    snprintf(path, sizeof path, "%s/report.html", ri->out_dir);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    head(&o, ri, da);
    about(&o, ri, da);
    interventions(&o, ri, da);
    cli_out_printf(&o, "<section id=\"effects\">\n<h2>3 %s</h2>\n<p>%s</p>\n",
                   i18n_tr(I18N_CH_EFFECTS, da), i18n_tr(I18N_EFF_INTRO, da));
    int fig = 0;
    for (size_t k = 0; st == EFF_OK && ri->eval && k < ri->eval->n_ivs; k++)
        st = report_iv_section(&o, ri, &ri->eval->ivs[k], (int)k + 1, &fig, err);
    if (st != EFF_OK) {
        cli_out_abort(&o);
        return st;
    }
    cli_out_printf(&o, "</section>\n");
    indicators(&o, ri, da);
    survey(&o, ri, da);
    method(&o, ri, da);
    cli_out_printf(&o, "</body>\n</html>\n");
    return cli_out_close(&o, err);
}
