/* report_iv.c - chapter 3 of report.html, one section per intervention, in the seed's order:
 * the main result in plain words, the participant flow and characteristics (Tables 3.1,
 * 3.3, 3.5), balance and the love plot, the effects with stars and the pre-trend test
 * (Tables 3.2, 3.4, 3.6) and their figure, the typical person (Figures 3.2, 3.5) and the
 * robustness checks. A cell disclosure control hid is "–" and carries its id in data-cell;
 * nothing derived from it is printed.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_cli.h"
#include "i18n.h"
#include "report.h"

static void cell_attr(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, int e)
{
    cli_out_printf(o, " data-cell=\"");
    report_esc(o, iv->cfg->id);
    cli_out_printf(o, "/");
    report_esc(o, sg->id);
    cli_out_printf(o, "/effects/e=%d\"", e);
}

static void td_text(cli_out *o, const char *cls, const char *s)
{
    cli_out_printf(o, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    report_esc(o, s);
    cli_out_printf(o, "</td>");
}

static void td_num(cli_out *o, double v, int dec, int da, const char *suffix)
{
    char buf[64];
    report_num(buf, sizeof buf, v, dec, da);
    cli_out_printf(o, "<td class=\"n\">%s%s</td>", buf, isfinite(v) && suffix ? suffix : "");
}

/* An interval "lo–hi" on the report's scale, NaN ends as n/a. */
static void interval(char *buf, size_t size, double lo, double hi, int dec, int da)
{
    char a[32], b[32];
    if (isfinite(lo)) report_num(a, sizeof a, lo, dec, da);
    else snprintf(a, sizeof a, "%s", i18n_tr(I18N_NA, da));
    if (isfinite(hi)) report_num(b, sizeof b, hi, dec, da);
    else snprintf(b, sizeof b, "%s", i18n_tr(I18N_NA, da));
    snprintf(buf, size, "%s; %s", a, b);
}

/* ---- the main result in plain words ---- */

static void when_text(int e, int da, char *buf, size_t size)
{
    snprintf(buf, size, i18n_tr(e == 0 ? I18N_S_WHEN0 : e == 1 ? I18N_S_WHEN1 : I18N_S_WHENN, da), e);
}

static void odds_magnitude(double ratio, int da, char *buf, size_t size)
{
    char n[32];
    if (ratio >= 1.95) {
        const char *w = report_number_word((int)lround(ratio), da);
        snprintf(n, sizeof n, "%ld", lround(ratio));
        snprintf(buf, size, i18n_tr(I18N_S_TIMES, da), w ? w : n);
    } else if (ratio > 1.05 || ratio < 0.95) {
        snprintf(n, sizeof n, "%ld", lround(fabs(ratio - 1) * 100));
        snprintf(buf, size, i18n_tr(ratio > 1 ? I18N_S_HIGHER : I18N_S_LOWER, da), n);
    } else {
        snprintf(buf, size, "%s", i18n_tr(I18N_S_SAME, da));
    }
}

/* One event time's clause: the magnitude and the statistics in brackets. */
static void clause(const eff_eval_subgroup *sg, size_t k, int logit, int da, char *mag,
                   char *stat, size_t size)
{
    const eff_eval_effect *f = &sg->effects[k];
    char a[32], b[32], c[32], p[32];
    int sig;
    if (logit) {
        const eff_coef_row *r = &f->coef;
        odds_magnitude(r->odds_ratio, da, mag, size);
        report_num(a, sizeof a, r->odds_ratio, r->odds_ratio < 1 ? 2 : 1, da);
        report_num(b, sizeof b, r->or95_low, r->or95_low < 1 ? 2 : 1, da);
        report_num(c, sizeof c, r->or95_high, r->or95_high < 1 ? 2 : 1, da);
        snprintf(stat, size, i18n_tr(I18N_S_STAT_OR, da), a, b, c);
        sig = !(r->or95_low <= 1 && 1 <= r->or95_high);
    } else {
        report_num(a, sizeof a, fabs(f->coef.estimate), 1, da);
        snprintf(mag, size, i18n_tr(f->coef.estimate >= 0 ? I18N_S_PP_HIGHER : I18N_S_PP_LOWER, da),
                 a);
        report_num(b, sizeof b, f->coef.ci95_low, 1, da);
        report_num(c, sizeof c, f->coef.ci95_high, 1, da);
        snprintf(stat, size, i18n_tr(I18N_S_STAT_PP, da), b, c);
        sig = !(f->coef.ci95_low <= 0 && 0 <= f->coef.ci95_high);
    }
    size_t len = strlen(stat);
    if (!sig)
        snprintf(stat + len, size - len, "%s", i18n_tr(I18N_S_NOT_SIG, da));
    len = strlen(stat);
    if (sg->wild_done && sg->wild[k].estimated && isfinite(sg->wild[k].p_value)) {
        double pv = sg->wild[k].p_value; /* "0,00" would read as certainty */
        report_num(p, sizeof p, pv, pv < 0.01 ? 3 : 2, da);
        snprintf(stat + len, size - len,
                 i18n_tr(pv < 0.001                ? I18N_S_WILD_TINY
                         : sig && pv >= 0.05       ? I18N_S_WILD_NOT_SIG
                                                   : I18N_S_WILD, da), p);
    }
}

static void sentence(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    char who[96], label[64], text[4096] = "", when[64], mag[256], stat[512];
    run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
    if (strcmp(sg->id, "all") == 0)
        snprintf(who, sizeof who, "%s", i18n_tr(I18N_S_WHO, da));
    else
        snprintf(who, sizeof who, i18n_tr(I18N_S_WHO_SUB, da), label);
    const char *outcome = report_outcome_name(iv->cfg->outcome->id, da);
    size_t len = 0;
    for (size_t k = 0; sg->estimated && k < sg->n_effects; k++) {
        const eff_eval_effect *f = &sg->effects[k];
        if (f->event_time < 0)
            continue;
        when_text(f->event_time, da, when, sizeof when);
        char part[1024];
        if (f->hidden || !f->estimable) {
            snprintf(part, sizeof part, i18n_tr(f->hidden ? I18N_S_HIDDEN : I18N_S_NOT_ESTIMABLE, da),
                     when);
        } else {
            clause(sg, k, logit, da, mag, stat, sizeof stat);
            if (len > 0)
                snprintf(part, sizeof part, "%s: %s (%s)", when, mag, stat);
            else if (logit)
                snprintf(part, sizeof part, i18n_tr(I18N_S_LOGIT, da), who, mag, outcome, when,
                         stat);
            else {
                char lower[96];
                snprintf(lower, sizeof lower, "%s", who);
                lower[0] = (char)tolower((unsigned char)lower[0]);
                snprintf(part, sizeof part, i18n_tr(I18N_S_LINEAR, da), when, outcome, mag,
                         lower, stat);
            }
        }
        if (len == 0)
            part[0] = (char)toupper((unsigned char)part[0]);
        snprintf(text + len, sizeof text - len, "%s%s", len ? "; " : "", part);
        len = strlen(text);
    }
    cli_out_printf(o, "<p class=\"result\">");
    if (len) {
        report_esc(o, text);
        cli_out_printf(o, ".");
    } else {
        char subject[256];
        snprintf(subject, sizeof subject, strcmp(sg->id, "all") ? "%s (%s)" : "%s",
                 report_iv_name(iv->cfg->id, da), label);
        snprintf(text, sizeof text, i18n_tr(I18N_S_NONE, da), subject);
        report_esc(o, text);
    }
    cli_out_printf(o, "</p>\n");
}

/* ---- participants ---- */

static void cell_or_dash(cli_out *o, const eff_eval_cell *c, int dec, int da, const char *unit)
{
    if (c->suppressed)
        cli_out_printf(o, "<td class=\"n sup\">–</td>");
    else
        td_num(o, c->value, dec, da, unit);
}

static void participants(cli_out *o, const eff_eval_iv *iv, int k, int da)
{
    cli_out_printf(o, "<h4>%s</h4>\n<details><summary>%s</summary><table>\n",
                   i18n_tr(I18N_PARTICIPANTS, da), i18n_tr(I18N_FLOW, da));
    for (size_t c = 0; c < EFF_N_COUNT; c++) {
        cli_out_printf(o, "<tr>");
        td_text(o, NULL, run_count_label((eff_eval_count)c, da));
        cell_or_dash(o, &iv->counts[c], 0, da, NULL);
        cli_out_printf(o, "</tr>\n");
    }
    cli_out_printf(o, "</table></details>\n");
    if (!iv->estimated)
        return;
    int young = iv->cfg->age_max <= 25;
    cli_out_printf(o, "<table>\n<caption>");
    cli_out_printf(o, i18n_tr(I18N_CHARS_CAPTION, da), 2 * k - 1);
    cli_out_printf(o, "</caption>\n<tr><th></th><th>%s</th><th>%s</th></tr>\n",
                   i18n_tr(I18N_PARTICIPANTS_COL, da), i18n_tr(I18N_CONTROLS_COL, da));
    for (size_t c = 0; c < iv->n_chars; c++) {
        const eff_eval_char *ch = &iv->chars[c];
        const char *unit = ch->is_share ? NULL : i18n_tr(I18N_YEARS_UNIT, da);
        cli_out_printf(o, "<tr>");
        td_text(o, NULL, run_char_label(ch->name, da, young));
        cell_or_dash(o, &ch->participants, 0, da, unit);
        cell_or_dash(o, &ch->controls, 0, da, unit);
        cli_out_printf(o, "</tr>\n");
    }
    char a[32], b[32];
    const eff_eval_cell *n = &iv->counts[EFF_N_MATCHED], *m = &iv->counts[EFF_N_CONTROLS];
    report_num(a, sizeof a, n->suppressed ? NAN : n->value, 0, da);
    report_num(b, sizeof b, m->suppressed ? NAN : m->value, 0, da);
    cli_out_printf(o, "</table>\n<p class=\"note\">");
    cli_out_printf(o, i18n_tr(I18N_N_NOTE, da), a, b);
    cli_out_printf(o, "</p>\n");
}

static void balance(cli_out *o, const eff_eval_iv *iv, int *fig, int da)
{
    size_t shown = 0, hidden = 0, over = 0;
    double before = 0, after = 0;
    for (size_t k = 0; k < iv->n_balance; k++) {
        const eff_eval_balance *b = &iv->balance[k];
        if (b->suppressed) {
            hidden++;
            continue;
        }
        shown++;
        before = fmax(before, fabs(b->all.smd));
        after = fmax(after, fabs(b->matched.smd));
        over += fabs(b->matched.smd) > SMD_FLAG;
    }
    char a[32], c[32];
    report_num(a, sizeof a, before, 2, da);
    report_num(c, sizeof c, after, 2, da);
    cli_out_printf(o, "<h4>%s</h4>\n<p>", i18n_tr(I18N_BALANCE, da));
    cli_out_printf(o, i18n_tr(I18N_BALANCE_TEXT, da), shown, a, c, over);
    if (hidden) {
        cli_out_printf(o, " ");
        cli_out_printf(o, i18n_tr(I18N_BALANCE_HIDDEN, da), hidden);
    }
    cli_out_printf(o, "</p>\n");
    balance_rows *rows = malloc(sizeof *rows);
    if (!rows) {
        o->failed = 1;
        eff_error_set(&o->err, EFF_ENOMEM, o->path, 0, 0, "out of memory (love plot)");
        return;
    }
    run_balance_rows(iv, rows);
    cli_out_printf(o, "<figure>\n");
    love_plot_write(o, rows, da);
    cli_out_printf(o, "<figcaption>");
    cli_out_printf(o, i18n_tr(I18N_LOVE_CAPTION, da), ++*fig);
    cli_out_printf(o, "</figcaption></figure>\n");
    free(rows);
}

/* ---- effects (Tables 3.2, 3.4, 3.6) ---- */

static void effect_cells(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg,
                         size_t k, int logit, int da)
{
    const eff_eval_effect *f = &sg->effects[k];
    int cols = logit ? 3 : 2;
    const char *text = NULL, *cls = "";
    if (f->hidden)
        text = "–", cls = " sup";
    else if (!sg->estimated || (!f->estimable && f->event_time != -1))
        text = i18n_tr(I18N_NOT_ESTIMABLE, da);
    else if (f->event_time == -1)
        text = i18n_tr(I18N_REFERENCE, da);
    if (text) {
        for (int c = 0; c < cols; c++) {
            cli_out_printf(o, "<td class=\"n%s\"", cls);
            cell_attr(o, iv, sg, f->event_time);
            cli_out_printf(o, ">%s</td>", c == 0 || f->hidden ? text : "");
        }
        return;
    }
    const eff_coef_row *r = &f->coef;
    char v[48], ci[96];
    report_num(v, sizeof v, logit ? r->odds_ratio : r->estimate, logit ? 3 : 2, da);
    if (logit)
        interval(ci, sizeof ci, r->or95_low, r->or95_high, 2, da);
    else
        interval(ci, sizeof ci, r->ci95_low, r->ci95_high, 2, da);
    cli_out_printf(o, "<td class=\"n\"");
    cell_attr(o, iv, sg, f->event_time);
    cli_out_printf(o, ">%s%s</td><td class=\"n\"", v, run_stars(r->p_value));
    cell_attr(o, iv, sg, f->event_time);
    cli_out_printf(o, ">[%s]</td>", ci);
    if (logit) {
        report_num(v, sizeof v, f->att_pp, 1, da);
        cli_out_printf(o, "<td class=\"n\"");
        cell_attr(o, iv, sg, f->event_time);
        cli_out_printf(o, ">%s</td>", v);
    }
}

static void pretrend_notes(cli_out *o, const eff_eval_iv *iv, int da)
{
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], line[512], chi[32], p[32];
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        if (!sg->estimated) {
            snprintf(line, sizeof line, "%s: %s", label, sg->why_not ? sg->why_not : "");
        } else if (!sg->pretrend_shown) {
            snprintf(line, sizeof line, i18n_tr(I18N_PRETREND_NOT_SHOWN, da),
                     i18n_tr(I18N_PRETREND, da), label);
        } else {
            report_num(chi, sizeof chi, sg->pretrend.statistic, 2, da);
            report_num(p, sizeof p, sg->pretrend.p_value, 3, da);
            snprintf(line, sizeof line, i18n_tr(I18N_PRETREND_LINE, da),
                     i18n_tr(I18N_PRETREND, da), label, sg->pretrend.df1, chi, p,
                     report_cluster_name(sg->cluster, da), sg->n_clusters);
        }
        cli_out_printf(o, "<br>");
        report_esc(o, line);
    }
}

static void effects(cli_out *o, const eff_eval_iv *iv, int k, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    int cols = logit ? 3 : 2;
    cli_out_printf(o, "<h4>%s</h4>\n<table>\n<caption>", i18n_tr(I18N_EFFECTS, da));
    char cap[512];
    snprintf(cap, sizeof cap, i18n_tr(I18N_EFF_CAPTION, da), 2 * k,
             report_iv_name(iv->cfg->id, da), report_outcome_name(iv->cfg->outcome->id, da));
    report_esc(o, cap);
    cli_out_printf(o, "</caption>\n<tr><th></th>");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        char label[64];
        run_subgroup_label(iv->cfg, iv->subgroups[g].id, da, label, sizeof label);
        cli_out_printf(o, "<th colspan=\"%d\">", cols);
        report_esc(o, label);
        cli_out_printf(o, "</th>");
    }
    cli_out_printf(o, "</tr>\n<tr><th></th>");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        cli_out_printf(o, "<th>%s</th><th>%s</th>", i18n_tr(logit ? I18N_ODDS_RATIO : I18N_PP, da),
                       i18n_tr(I18N_CI95, da));
        if (logit)
            cli_out_printf(o, "<th>%s</th>", i18n_tr(I18N_ATT_PP, da));
    }
    cli_out_printf(o, "</tr>\n");
    size_t n = iv->n_subgroups ? iv->subgroups[0].n_effects : 0;
    for (size_t e = 0; e < n; e++) {
        char label[64];
        run_event_label(iv->subgroups[0].effects[e].event_time, da, label, sizeof label);
        cli_out_printf(o, "<tr>");
        td_text(o, NULL, label);
        for (size_t g = 0; g < iv->n_subgroups; g++)
            if (e < iv->subgroups[g].n_effects)
                effect_cells(o, iv, &iv->subgroups[g], e, logit, da);
        cli_out_printf(o, "</tr>\n");
    }
    cli_out_printf(o, "</table>\n<p class=\"note\">%s<br>%s<br>%s", i18n_tr(I18N_STARS_NOTE, da),
                   i18n_tr(logit ? I18N_LOGIT_NOTE : I18N_LINEAR_NOTE, da),
                   i18n_tr(I18N_SUPPRESSED_NOTE, da));
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], a[32], b[32], line[256];
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        report_num(a, sizeof a, sg->n_participants.suppressed ? NAN : sg->n_participants.value,
                   0, da);
        report_num(b, sizeof b, sg->n_controls.suppressed ? NAN : sg->n_controls.value, 0, da);
        snprintf(line, sizeof line, i18n_tr(I18N_N_SUB_NOTE, da), label, a, b);
        cli_out_printf(o, "<br>");
        report_esc(o, line);
    }
    pretrend_notes(o, iv, da);
    cli_out_printf(o, "<br>%s</p>\n", i18n_tr(I18N_PRETREND_MEANING, da));
}

/* ---- robustness ---- */

static void robust_row(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, size_t k,
                       int logit, int da)
{
    const eff_eval_effect *f = &sg->effects[k];
    char label[64], buf[96];
    int cols = 6 + sg->naive_done;
    run_event_label(f->event_time, da, label, sizeof label);
    cli_out_printf(o, "<tr>");
    td_text(o, NULL, label);
    if (!run_effect_shown(sg, k) || f->event_time == -1) {
        int ref = run_effect_shown(sg, k); /* else hidden: a dash in every column */
        for (int c = 0; c < cols; c++) {
            cli_out_printf(o, "<td class=\"n%s\"", ref ? "" : " sup");
            cell_attr(o, iv, sg, f->event_time);
            cli_out_printf(o, ">%s</td>", !ref ? "–" : c == 0 ? i18n_tr(I18N_REFERENCE, da) : "");
        }
        cli_out_printf(o, "</tr>\n");
        return;
    }
    const eff_eval_robust *cs = &sg->cs[k], *w = &sg->wild[k];
    int cs_ok = sg->cs_done && cs->estimated, w_ok = sg->wild_done && w->estimated;
#define TD_OPEN() (cli_out_printf(o, "<td class=\"n\""), cell_attr(o, iv, sg, f->event_time), \
                   cli_out_printf(o, ">"))
    TD_OPEN();
    report_num(buf, sizeof buf, cs_ok ? cs->estimate : NAN, 1, da);
    cli_out_printf(o, "%s</td>", cs_ok ? buf : "");
    TD_OPEN();
    interval(buf, sizeof buf, cs->ci_low, cs->ci_high, 1, da);
    cli_out_printf(o, "%s%s%s</td>", cs_ok ? "[" : "", cs_ok ? buf : "", cs_ok ? "]" : "");
    TD_OPEN();
    interval(buf, sizeof buf, cs->band_low, cs->band_high, 1, da);
    cli_out_printf(o, "%s%s%s</td>", cs_ok ? "[" : "", cs_ok ? buf : "", cs_ok ? "]" : "");
    TD_OPEN();
    report_num(buf, sizeof buf, w_ok ? w->p_value : NAN, 3, da);
    cli_out_printf(o, "%s</td>", w_ok ? buf : "");
    TD_OPEN();
    if (logit)
        interval(buf, sizeof buf, exp(w->ci_low), exp(w->ci_high), 2, da);
    else
        interval(buf, sizeof buf, w->ci_low, w->ci_high, 2, da);
    cli_out_printf(o, "%s%s%s</td>", w_ok ? "[" : "", w_ok ? buf : "", w_ok ? "]" : "");
    TD_OPEN();
    const eff_eval_sens *s = &sg->sens[k];
    if (sg->sens_done && s->done && isnan(s->gamma_star))
        cli_out_printf(o, "&gt; 3");
    else if (sg->sens_done && s->done) {
        report_num(buf, sizeof buf, s->gamma_star, 1, da);
        cli_out_printf(o, "%s", buf);
    }
    cli_out_printf(o, "</td>");
    if (sg->naive_done) {
        TD_OPEN();
        report_num(buf, sizeof buf, sg->naive[k].estimate, 1, da);
        cli_out_printf(o, "%s</td>", sg->naive[k].estimated ? buf : "");
    }
#undef TD_OPEN
    cli_out_printf(o, "</tr>\n");
}

static void robust_notes(cli_out *o, const eff_eval_subgroup *sg, int da)
{
    char buf[512], p[32];
    cli_out_printf(o, "<p class=\"note\">");
    if (sg->cs_done && run_pretest_shown(sg) && isfinite(sg->cs_pretest_p)) {
        report_num(p, sizeof p, sg->cs_pretest_p, 3, da);
        snprintf(buf, sizeof buf, i18n_tr(I18N_CS_PRETEST, da), p);
        report_esc(o, buf);
        cli_out_printf(o, "<br>");
    }
    if (sg->wild_done) {
        snprintf(buf, sizeof buf, i18n_tr(I18N_WILD_NOTE, da), sg->wild_clusters,
                 report_cluster_name(sg->wild_cluster, da), sg->wild_reps, sg->wild_weights,
                 sg->wild_enumerated ? i18n_tr(I18N_WILD_ENUMERATED, da) : "");
        report_esc(o, buf);
        cli_out_printf(o, "<br>");
    }
    const char *why[4] = {sg->cs_why_not, sg->wild_why_not, sg->sens_why_not,
                          sg->naive_why_not};
    for (int w = 0; w < 4; w++)
        if (why[w]) {
            report_esc(o, why[w]);
            cli_out_printf(o, "<br>");
        }
    cli_out_printf(o, "%s</p>\n", i18n_tr(I18N_SUPPRESSED_NOTE, da));
}

static void robustness(cli_out *o, const eff_eval_iv *iv, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    cli_out_printf(o, "<h4 id=\"robust-");
    report_esc(o, iv->cfg->id);
    cli_out_printf(o, "\">%s</h4>\n<p>%s</p>\n", i18n_tr(I18N_ROBUST, da),
                   i18n_tr(I18N_ROBUST_INTRO, da));
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], buf[64];
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        cli_out_printf(o, "<h5>");
        report_esc(o, label);
        cli_out_printf(o, "</h5>\n");
        if (!sg->cs_done && !sg->wild_done && !sg->sens_done && !sg->naive_done) {
            cli_out_printf(o, "<p>%s</p>\n", i18n_tr(I18N_ROBUST_NONE, da));
            robust_notes(o, sg, da);
            continue;
        }
        cli_out_printf(o, "<table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                          "<th>%s</th><th>%s</th>",
                       i18n_tr(I18N_EVENT_TIME, da), i18n_tr(I18N_CS, da), i18n_tr(I18N_CI95, da),
                       i18n_tr(I18N_BAND, da), i18n_tr(I18N_WILD_P, da),
                       i18n_tr(logit ? I18N_WILD_CI_OR : I18N_WILD_CI_PP, da),
                       i18n_tr(I18N_GAMMA, da));
        if (sg->naive_done)
            cli_out_printf(o, "<th>%s</th>", i18n_tr(I18N_NAIVE, da));
        cli_out_printf(o, "</tr>\n");
        for (size_t k = 0; k < sg->n_effects; k++)
            robust_row(o, iv, sg, k, logit, da);
        if (sg->cs_done) {
            const eff_eval_robust *r = &sg->cs_overall;
            int shown = run_overall_shown(sg) && r->estimated;
            cli_out_printf(o, "<tr><td>%s</td>", i18n_tr(I18N_CS_OVERALL, da));
            report_num(buf, sizeof buf, shown ? r->estimate : NAN, 1, da);
            cli_out_printf(o, "<td class=\"n\">%s</td>", buf);
            interval(buf, sizeof buf, r->ci_low, r->ci_high, 1, da);
            cli_out_printf(o, "<td class=\"n\">%s%s%s</td><td colspan=\"%d\"></td></tr>\n",
                           shown ? "[" : "", shown ? buf : "", shown ? "]" : "",
                           4 + sg->naive_done);
        }
        cli_out_printf(o, "</table>\n");
        robust_notes(o, sg, da);
    }
}

/* ---- the section ---- */

/* DIR/figures/NAME.svg; the name's unsafe characters become _ */
static eff_status figure_file(const run_info *ri, const char *name, const eff_eval_iv *iv,
                              const eff_eval_subgroup *sg, eff_error *err)
{
    char path[4096], safe[256];
    snprintf(safe, sizeof safe, "%s", name);
    for (char *c = safe; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("=_-.", *c))
            *c = '_';
    snprintf(path, sizeof path, "%s/figures/%s.svg", ri->out_dir, safe);
    cli_out f;
    eff_status st = cli_out_open(&f, path, err);
    if (st != EFF_OK)
        return st;
    if (sg)
        report_typical_svg(&f, iv, sg, ri->lang == CLI_DA);
    else
        report_effects_svg(&f, iv, ri->lang == CLI_DA);
    return cli_out_close(&f, err);
}

static eff_status typical(cli_out *o, const run_info *ri, const eff_eval_iv *iv, int *fig,
                          eff_error *err)
{
    int da = ri->lang == CLI_DA;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        if (!sg->n_typical)
            continue;
        char name[256], cap[1024], label[64];
        snprintf(name, sizeof name, "typical_%s_%s", iv->cfg->id, sg->id);
        eff_status st = figure_file(ri, name, iv, sg, err);
        if (st != EFF_OK)
            return st;
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        cli_out_printf(o, "<h4>%s</h4>\n<figure>\n", i18n_tr(I18N_TYPICAL, da));
        report_typical_svg(o, iv, sg, da);
        snprintf(cap, sizeof cap, i18n_tr(I18N_TYPICAL_CAPTION, da), ++*fig,
                 report_outcome_name(iv->cfg->outcome->id, da),
                 iv->cfg->profile.label ? iv->cfg->profile.label : label);
        cli_out_printf(o, "<figcaption>");
        report_esc(o, cap);
        cli_out_printf(o, "</figcaption></figure>\n");
    }
    return EFF_OK;
}

eff_status report_iv_section(cli_out *o, const run_info *ri, const eff_eval_iv *iv, int k,
                             int *fig, eff_error *err)
{
    int da = ri->lang == CLI_DA;
    cli_out_printf(o, "<section id=\"iv-");
    report_esc(o, iv->cfg->id);
    cli_out_printf(o, "\">\n<h3>3.%d ", k);
    report_esc(o, report_iv_name(iv->cfg->id, da));
    cli_out_printf(o, "</h3>\n");
    if (iv->estimated) {
        cli_out_printf(o, "<div class=\"summary\"><h4>%s</h4>\n", i18n_tr(I18N_SUMMARY, da));
        for (size_t g = 0; g < iv->n_subgroups; g++)
            sentence(o, iv, &iv->subgroups[g], da);
        cli_out_printf(o, "<p class=\"note\">%s</p></div>\n", i18n_tr(I18N_S_CAVEAT, da));
    } else {
        cli_out_printf(o, "<p>%s</p>\n", i18n_tr(I18N_NOT_ESTIMATED, da));
    }
    for (size_t t = 0; iv->cfg->trend && ri->ind && t < ri->cfg->n_indicators; t++) {
        const eff_cfg_indicator *d = &ri->cfg->indicators[t];
        if (strcmp(d->id, iv->cfg->trend) != 0)
            continue;
        cli_out_printf(o, "<figure>\n");
        run_indicator_svg(o, ri, d); /* the seed opens each intervention with its trend */
        cli_out_printf(o, "<figcaption>");
        cli_out_printf(o, i18n_tr(I18N_TREND_CAPTION, da), ++*fig, d->id);
        cli_out_printf(o, "</figcaption></figure>\n");
    }
    participants(o, iv, k, da);
    eff_status st = EFF_OK;
    if (iv->estimated) {
        balance(o, iv, fig, da);
        effects(o, iv, k, da);
        if (report_effects_drawn(iv)) { /* not an empty frame */
            char name[256];
            snprintf(name, sizeof name, "effects_%s", iv->cfg->id);
            st = figure_file(ri, name, iv, NULL, err);
            cli_out_printf(o, "<figure>\n");
            report_effects_svg(o, iv, da);
            cli_out_printf(o, "<figcaption>");
            cli_out_printf(o, i18n_tr(I18N_EFF_FIG_CAPTION, da), ++*fig);
            cli_out_printf(o, "</figcaption></figure>\n");
        }
        if (st == EFF_OK) st = typical(o, ri, iv, fig, err);
        robustness(o, iv, da);
    }
    if (iv->n_warnings) {
        cli_out_printf(o, "<details><summary>%s</summary><ul>\n", i18n_tr(I18N_WARNINGS, da));
        for (size_t w = 0; w < iv->n_warnings; w++) {
            cli_out_printf(o, "<li>");
            report_esc(o, iv->warnings[w]);
            cli_out_printf(o, "</li>\n");
        }
        cli_out_printf(o, "</ul></details>\n");
    }
    cli_out_printf(o, "</section>\n");
    return st;
}
