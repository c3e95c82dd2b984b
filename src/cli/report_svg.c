/* report_svg.c - the figures new to report.html: the typical person (the seed's Figures 3.2
 * and 3.5: predicted paths of a participant and a like control over event time, with 95%
 * bands) and the effects by event time (odds ratios on a log axis with 1 marked, or
 * percentage points with 0 marked). Okabe-Ito colours, and each series also has its own dash
 * and marker, so the figures read in grey print. A point disclosure control hid is not
 * drawn; lines break there. No ids in the SVG, so several can sit in one page.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "i18n.h"

static const char *const colour[] = {"#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00",
                                     "#56B4E9"};
enum { N_COLOUR = 6 };
static const char *const dash[] = {"", "7 4", "2 3", "9 3 2 3"};

/* The plot area and the data ranges it maps. */
typedef struct frame {
    double x0, y0, w, h;   /* top-left, size */
    double emin, emax;     /* event times */
    double lo, hi;         /* y range (log10 of it when logy) */
    int logy;
} frame;

static double fx(const frame *f, double e)
{
    double span = f->emax > f->emin ? f->emax - f->emin : 1;
    return f->x0 + f->w * (0.04 + 0.92 * (e - f->emin) / span);
}

static double fy(const frame *f, double v)
{
    double y = f->logy ? log10(v) : v;
    if (y < f->lo) y = f->lo;
    if (y > f->hi) y = f->hi;
    return f->y0 + f->h * (1 - (y - f->lo) / (f->hi - f->lo));
}

static double nice_step(double span)
{
    double p = pow(10, floor(log10(span / 5))), m = span / 5 / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

static void svg_open(cli_out *o, double w, double h)
{
    cli_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                   w, h, w, h);
}

static void marker(cli_out *o, int s, double x, double y, int hollow)
{
    const char *c = colour[s % N_COLOUR];
    char fill[64];
    snprintf(fill, sizeof fill, hollow ? "fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\""
                                       : "fill=\"%s\"", c);
    switch (s % 4) {
    case 0: cli_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" %s/>\n", x, y, fill); break;
    case 1:
        cli_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" %s/>\n", x - 4,
                       y - 4, fill);
        break;
    case 2: cli_out_printf(o, "<path d=\"M%.1f %.1fl5 9h-10z\" %s/>\n", x, y - 5.5, fill); break;
    default: cli_out_printf(o, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" %s/>\n", x, y - 5, fill);
    }
}

/* Axes: y grid with labels (ticks given), x ticks at each event time, both titles. */
static void axes(cli_out *o, const frame *f, const double *ticks, size_t n, const char *ytitle,
                 int da)
{
    for (size_t k = 0; k < n; k++) {
        double y = fy(f, ticks[k]);
        char lab[32];
        double t = ticks[k];
        report_num(lab, sizeof lab, t, fabs(t - round(t)) < 1e-9 ? 0 : fabs(t) < 0.1 ? 2 : 1, da);
        cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">%s</text>\n",
                       f->x0, y, f->x0 + f->w, y, f->x0 - 6, y, lab);
    }
    cli_out_printf(o, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"#333\"/>\n", f->x0,
                   f->y0, f->y0 + f->h, f->x0 + f->w);
    for (int e = (int)f->emin; e <= (int)f->emax; e++)
        cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
                       fx(f, e), f->y0 + f->h, fx(f, e), f->y0 + f->h + 4, fx(f, e),
                       f->y0 + f->h + 17, e);
    /* before | from the year of participation */
    cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
                      "stroke-dasharray=\"1 3\"/>\n",
                   fx(f, -0.5), f->y0, fx(f, -0.5), f->y0 + f->h);
    cli_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                   f->x0 + f->w / 2, f->y0 + f->h + 36, i18n_tr(I18N_AX_EVENT, da));
    cli_out_printf(o, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
                      "text-anchor=\"middle\">%s</text>\n",
                   f->x0 - 48, f->y0 + f->h / 2, ytitle);
}

/* ---- the typical person ---- */

static void typical_series(cli_out *o, const frame *f, const eff_eval_subgroup *sg, int s)
{
    const char *c = colour[s];
    /* the band: one polygon per run of shown points */
    for (size_t k = 0; k < sg->n_typical;) {
        size_t end = k;
        while (end < sg->n_typical && sg->typical[end].shown)
            end++;
        if (end > k) {
            cli_out_printf(o, "<path d=\"");
            for (size_t i = k; i < end; i++) {
                const eff_eval_typical *t = &sg->typical[i];
                cli_out_printf(o, "%s%.1f %.1f", i == k ? "M" : "L", fx(f, t->event_time),
                               fy(f, s ? t->p_control_hi : t->p_treated_hi));
            }
            for (size_t i = end; i-- > k;) {
                const eff_eval_typical *t = &sg->typical[i];
                cli_out_printf(o, "L%.1f %.1f", fx(f, t->event_time),
                               fy(f, s ? t->p_control_lo : t->p_treated_lo));
            }
            cli_out_printf(o, "Z\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"%s\" "
                              "stroke-width=\"0.8\" stroke-dasharray=\"%s\"/>\n",
                           c, c, s ? "3 2" : "");
        }
        k = end + 1;
    }
    int open = 0;
    for (size_t k = 0; k < sg->n_typical; k++) {
        const eff_eval_typical *t = &sg->typical[k];
        if (!t->shown) {
            if (open) cli_out_printf(o, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open)
            cli_out_printf(o, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
                              "stroke-dasharray=\"%s\" d=\"", c, dash[s]);
        cli_out_printf(o, "%s%.1f %.1f", open ? "L" : "M", fx(f, t->event_time),
                       fy(f, s ? t->p_control : t->p_treated));
        open = 1;
    }
    if (open)
        cli_out_printf(o, "\"/>\n");
    for (size_t k = 0; k < sg->n_typical; k++)
        if (sg->typical[k].shown)
            marker(o, s, fx(f, sg->typical[k].event_time),
                   fy(f, s ? sg->typical[k].p_control : sg->typical[k].p_treated), 0);
}

void report_typical_svg(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    frame f = {80, 62, 500, 250, 0, 0, 0, 0, 0};
    double top = 0, bottom = 0;
    for (size_t k = 0; k < sg->n_typical; k++) {
        const eff_eval_typical *t = &sg->typical[k];
        f.emin = k ? fmin(f.emin, t->event_time) : t->event_time;
        f.emax = k ? fmax(f.emax, t->event_time) : t->event_time;
        if (!t->shown)
            continue;
        top = fmax(top, fmax(t->p_treated_hi, t->p_control_hi));
        bottom = fmin(bottom, fmin(t->p_treated_lo, t->p_control_lo));
    }
    if (logit)
        top = fmin(top, 100), bottom = 0;
    double step = nice_step(top - bottom > 0 ? top - bottom : 1);
    f.lo = floor(bottom / step) * step;
    f.hi = ceil(top / step) * step;
    if (f.hi <= f.lo)
        f.hi = f.lo + step;
    double ticks[64];
    size_t n = 0;
    for (double v = f.lo; v <= f.hi + step / 2 && n < 64; v += step)
        ticks[n++] = v;
    svg_open(o, 640, 410);
    cli_out_printf(o, "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s"
                      "</text>\n<text x=\"%.0f\" y=\"40\" fill=\"#444\">",
                   f.x0, i18n_tr(I18N_TYPICAL, da), f.x0);
    char label[64];
    run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
    cli_svg_text(o, iv->cfg->profile.label ? iv->cfg->profile.label : label);
    cli_out_printf(o, "</text>\n");
    axes(o, &f, ticks, n, i18n_tr(logit ? I18N_AX_PROB : I18N_AX_LEVEL, da), da);
    typical_series(o, &f, sg, 1);
    typical_series(o, &f, sg, 0);
    const i18n_msg leg[3] = {I18N_PARTICIPANTS_COL, I18N_CONTROLS_COL, I18N_LEG_BAND};
    for (int s = 0; s < 3; s++) {
        double lx = f.x0 + 170.0 * s, ly = 390;
        if (s < 2) {
            cli_out_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                              "stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>\n",
                           lx, ly, lx + 30, ly, colour[s], dash[s]);
            marker(o, s, lx + 15, ly, 0);
        } else {
            cli_out_printf(o, "<rect x=\"%.0f\" y=\"%.0f\" width=\"30\" height=\"12\" fill=\"#888\" "
                              "fill-opacity=\"0.3\" stroke=\"#888\" stroke-width=\"0.8\"/>\n",
                           lx, ly - 6);
        }
        cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" dominant-baseline=\"middle\">%s</text>\n",
                       lx + 36, ly, i18n_tr(leg[s], da));
    }
    cli_out_printf(o, "</svg>\n");
}

/* ---- the effects by event time ---- */

typedef struct point {
    double est, lo, hi;
} point;

/* Effect k of sg on the figure's scale; 0 when nothing may be drawn, 2 for the reference. */
static int effect_point(const eff_eval_subgroup *sg, size_t k, int logit, point *p)
{
    const eff_eval_effect *e = &sg->effects[k];
    if (!sg->estimated || e->hidden)
        return 0;
    if (e->event_time == -1) {
        p->est = p->lo = p->hi = logit ? 1 : 0;
        return 2;
    }
    if (!e->estimable)
        return 0;
    if (logit)
        *p = (point){e->coef.odds_ratio, e->coef.or95_low, e->coef.or95_high};
    else
        *p = (point){e->coef.estimate, e->coef.ci95_low, e->coef.ci95_high};
    return isfinite(p->est) ? 1 : 0;
}

static size_t or_ticks(frame *f, double *ticks)
{
    static const double cand[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
    size_t n = 0;
    for (size_t k = 0; k < sizeof cand / sizeof *cand; k++)
        if (log10(cand[k]) >= f->lo - 1e-9 && log10(cand[k]) <= f->hi + 1e-9)
            ticks[n++] = cand[k];
    return n;
}

size_t report_effects_drawn(const eff_eval_iv *iv)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    size_t n = 0;
    for (size_t g = 0; g < iv->n_subgroups; g++)
        for (size_t k = 0; k < iv->subgroups[g].n_effects; k++) {
            point p;
            n += effect_point(&iv->subgroups[g], k, logit, &p) == 1;
        }
    return n;
}

void report_effects_svg(cli_out *o, const eff_eval_iv *iv, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    frame f = {80, 40, 500, 250, 0, 0, 0, 0, logit};
    double lo = logit ? 1 : 0, hi = lo;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        for (size_t k = 0; k < sg->n_effects; k++) {
            int e = sg->effects[k].event_time;
            f.emin = fmin(f.emin, e), f.emax = fmax(f.emax, e);
            point p;
            if (effect_point(sg, k, logit, &p) && isfinite(p.lo) && isfinite(p.hi))
                lo = fmin(lo, p.lo), hi = fmax(hi, p.hi);
        }
    }
    double ticks[64];
    size_t n = 0;
    if (logit) { /* 1/50 to 50: a wider interval is cut at the edge */
        f.lo = floor(log10(fmax(lo, 0.02)) * 2) / 2, f.hi = ceil(log10(fmin(hi, 50)) * 2) / 2;
        n = or_ticks(&f, ticks);
    } else {
        double step = nice_step(hi - lo > 0 ? hi - lo : 1);
        f.lo = floor(lo / step) * step, f.hi = ceil(hi / step) * step;
        for (double v = f.lo; v <= f.hi + step / 2 && n < 64; v += step)
            ticks[n++] = v;
    }
    if (f.hi <= f.lo)
        f.hi = f.lo + 1;
    double height = 360 + 20.0 * (double)((iv->n_subgroups + 2) / 3);
    svg_open(o, 640, height);
    cli_out_printf(o, "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s: ",
                   f.x0, i18n_tr(I18N_EFFECTS, da));
    cli_svg_text(o, report_iv_name(iv->cfg->id, da));
    cli_out_printf(o, "</text>\n");
    axes(o, &f, ticks, n, i18n_tr(logit ? I18N_AX_OR : I18N_AX_PP, da), da);
    cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
                      "stroke-width=\"1.2\"/>\n",
                   f.x0, fy(&f, logit ? 1 : 0), f.x0 + f.w, fy(&f, logit ? 1 : 0));
    double spread = iv->n_subgroups > 1 ? 0.12 : 0;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        double off = iv->n_subgroups > 1
                         ? -spread + 2 * spread * (double)g / (double)(iv->n_subgroups - 1) : 0;
        for (size_t k = 0; k < sg->n_effects; k++) {
            point p;
            int kind = effect_point(sg, k, logit, &p);
            if (!kind)
                continue;
            double x = fx(&f, sg->effects[k].event_time + off);
            if (kind == 1 && isfinite(p.lo) && isfinite(p.hi))
                cli_out_printf(o, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8\" "
                                  "stroke=\"%s\" stroke-width=\"1.8\" stroke-dasharray=\"%s\"/>\n",
                               x, fy(&f, p.lo), fy(&f, p.hi), x - 4, fy(&f, p.lo), x - 4,
                               fy(&f, p.hi), colour[g % N_COLOUR], dash[g % 4]);
            marker(o, (int)g, x, fy(&f, p.est), kind == 2);
        }
    }
    for (size_t g = 0; g < iv->n_subgroups; g++) { /* legend */
        char label[64];
        run_subgroup_label(iv->cfg, iv->subgroups[g].id, da, label, sizeof label);
        double lx = f.x0 + 150.0 * (double)(g % 3), ly = 350 + 20.0 * (double)(g / 3);
        cli_out_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                          "stroke-width=\"1.8\" stroke-dasharray=\"%s\"/>\n",
                       lx + 10, ly - 8, lx + 10, ly + 8, colour[g % N_COLOUR], dash[g % 4]);
        marker(o, (int)g, lx + 10, ly, 0);
        cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" dominant-baseline=\"middle\">", lx + 22, ly);
        cli_svg_text(o, label);
        cli_out_printf(o, "</text>\n");
    }
    double ly = height - 12;
    marker(o, 0, f.x0 + 4, ly, 1);
    cli_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" dominant-baseline=\"middle\">%s; %s</text>\n"
                      "</svg>\n",
                   f.x0 + 14, ly, i18n_tr(I18N_LEG_REF, da), i18n_tr(I18N_LEG_CI, da));
}
