/* report_xlsx.c - DIR/tables.xlsx of `effekt run`: every table of the run on a sheet of its
 * own (libxlsxwriter): "Om"/"About", per intervention its characteristics and flow, balance,
 * effects, typical person, robustness and sensitivity, then the indicators, funding and
 * survey. Numbers are numeric cells with number formats, headings in the run's language
 * (i18n.c, through i18n_tr and run_labels.c). The cells come from the same functions as the
 * CSV files, so what disclosure control hid is an empty cell here exactly where the CSV field
 * is empty; no person id is written. The workbook goes to a temp file beside the target
 * (eff_atomic), renamed onto tables.xlsx only after workbook_close succeeds. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "chapters.h"
#include "i18n.h"
#include "match_cli.h"
#include "run_cli.h"


/* Number formats. Values in percent (characteristics, levels, indicators) keep the CSV's
 * number and show a literal "%" (a quoted % does not scale); fractions (co-financing, survey
 * shares) use Excel's own percent format. */
typedef enum fmt_id { F_HEAD, F_PCT, F_FRAC, F_1, F_2, F_3, F_INT, F_DKK, F_COUNT } fmt_id;
static const char *const fmt_code[F_COUNT] = {
    [F_PCT] = "0.0\" %\"", [F_FRAC] = "0.0%", [F_1] = "0.0", [F_2] = "0.00",
    [F_3] = "0.000", [F_INT] = "0", [F_DKK] = "#,##0"};

typedef struct xw {
    lxw_workbook *wb;
    lxw_format *f[F_COUNT];
    int da;
    lxw_error failed;        /* the first error of any write; LXW_NO_ERROR when none */
    char failed_sheet[128];
} xw;

typedef struct col {
    const char *head;
    double width;
} col;

typedef struct sheet {
    xw *x;
    lxw_worksheet *ws;
    lxw_row_t row;           /* the next row */
    char name[128];          /* 31 characters, up to 4 bytes each */
} sheet;

static void note(sheet *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && s->x->failed == LXW_NO_ERROR) {
        s->x->failed = e;
        snprintf(s->x->failed_sheet, sizeof s->x->failed_sheet, "%s", s->name);
    }
}

/* A number, or an empty cell when it is NaN (undefined or hidden). */
static void num(sheet *s, lxw_col_t c, double v, fmt_id f)
{
    if (isfinite(v))
        note(s, worksheet_write_number(s->ws, s->row, c, v, s->x->f[f]));
}

static void text(sheet *s, lxw_col_t c, const char *t)
{
    if (t && *t)
        note(s, worksheet_write_string(s->ws, s->row, c, t, NULL));
}

static void bold(sheet *s, lxw_col_t c, const char *t)
{
    if (t && *t)
        note(s, worksheet_write_string(s->ws, s->row, c, t, s->x->f[F_HEAD]));
}

/* Bytes of the first `chars` UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t b = 0;
    for (size_t n = 0; s[b] && n < chars; n++)
        do
            b++;
        while (((unsigned char)s[b] & 0xC0) == 0x80);
    return b;
}

/* Adds a sheet "ID SUFFIX" (Excel: at most 31 characters, none of []:*?/\, not starting or
 * ending with '; unique), writes the bold header row with column widths and freezes it. */
static int add_sheet(xw *x, sheet *s, const char *id, const char *suffix, const col *cols,
                     size_t n)
{
    char base[160];
    size_t suf = 0;
    for (const char *p = suffix ? suffix : ""; *p; p++)
        suf += ((unsigned char)*p & 0xC0) != 0x80;
    size_t room = !suffix ? 31 : suf < 30 ? 30 - suf : 1;
    snprintf(base, sizeof base, "%.*s%s%s", (int)utf8_prefix(id, room), id, suffix ? " " : "",
             suffix ? suffix : "");
    for (char *p = base; *p; p++)
        if (strchr("[]:*?/\\", *p))
            *p = '_';
    if (base[0] == '\'')
        base[0] = '_';
    if (base[0] && base[strlen(base) - 1] == '\'')
        base[strlen(base) - 1] = '_';
    snprintf(s->name, sizeof s->name, "%s", base);
    for (int k = 2; k < 100 && workbook_validate_sheet_name(x->wb, s->name) != LXW_NO_ERROR; k++)
        snprintf(s->name, sizeof s->name, "%.*s %d", (int)utf8_prefix(base, 28), base, k);
    s->x = x;
    s->row = 0;
    s->ws = workbook_add_worksheet(x->wb, s->name);
    if (!s->ws) {
        snprintf(x->failed_sheet, sizeof x->failed_sheet, "%s", s->name);
        return -1;
    }
    for (size_t c = 0; c < n; c++) {
        note(s, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL));
        bold(s, (lxw_col_t)c, cols[c].head);
    }
    worksheet_freeze_panes(s->ws, 1, 0);
    s->row = 1;
    return 0;
}

/* A second table further down a sheet: a blank row, then its bold header. */
static void subheader(sheet *s, const char *const *heads, size_t n)
{
    s->row++;
    for (size_t c = 0; c < n; c++)
        bold(s, (lxw_col_t)c, heads[c]);
    s->row++;
}

/* ---- the run ---- */

static int about_sheet(xw *x, const run_info *ri)
{
    col cols[] = {{i18n_tr(I18N_ITEM, x->da), 34}, {i18n_tr(I18N_VALUE, x->da), 72}};
    sheet s;
    if (add_sheet(x, &s, i18n_tr(I18N_ABOUT, x->da), NULL, cols, 2))
        return -1;
    text(&s, 0, i18n_tr(I18N_CONFIGURATION, x->da)), text(&s, 1, ri->config_path), s.row++;
    text(&s, 0, i18n_tr(I18N_RUN_STARTED_UTC, x->da)), text(&s, 1, ri->started), s.row++;
    text(&s, 0, i18n_tr(I18N_EFFEKT_VERSION, x->da)), text(&s, 1, EFFEKT_VERSION), s.row++;
    text(&s, 0, i18n_tr(I18N_LANGUAGE, x->da)), text(&s, 1, x->da ? "da" : "en"), s.row++;
    text(&s, 0, i18n_tr(I18N_XL_SEED, x->da));
    if (ri->cfg->seed <= (1ULL << 53)) { /* exact as a double; larger ones as text */
        num(&s, 1, (double)ri->cfg->seed, F_INT);
    } else {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)ri->cfg->seed);
        text(&s, 1, seed);
    }
    s.row++;
    text(&s, 0, i18n_tr(I18N_DISCLOSURE_THRESHOLD_PERSONS, x->da));
    num(&s, 1, (double)ri->cfg->threshold, F_INT), s.row++;
    size_t hidden = (ri->eval ? eff_sdc_n_suppressed(ri->eval->sdc) : 0) +
                    eff_ind_n_suppressed(ri->ind);
    text(&s, 0, i18n_tr(I18N_SUPPRESSED_CELLS, x->da));
    num(&s, 1, (double)hidden, F_INT), s.row++;
    const char *heads[] = {i18n_tr(I18N_INPUT_FILE, x->da), "SHA-256"};
    subheader(&s, heads, 2);
    for (size_t k = 0; k < ri->n_inputs; k++, s.row++)
        text(&s, 0, ri->inputs[k]), text(&s, 1, ri->sha256[k]);
    return 0;
}

/* Tables 3.1/3.3/3.5, then the participant flow. */
static int chars_sheet(xw *x, const eff_eval_iv *iv)
{
    col cols[] = {{i18n_tr(I18N_CHARACTERISTIC, x->da), 62}, {i18n_tr(I18N_UNIT, x->da), 8},
                  {i18n_tr(I18N_PARTICIPANTS_COL, x->da), 15}, {"N", 8},
                  {i18n_tr(I18N_CONTROLS_COL, x->da), 15}, {"N", 8}};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, i18n_tr(I18N_CHARACTERISTICS, x->da), cols, 6))
        return -1;
    int young = iv->cfg->age_max <= 25;
    for (size_t k = 0; k < iv->n_chars; k++, s.row++) {
        const eff_eval_char *c = &iv->chars[k];
        text(&s, 0, run_char_label(c->name, x->da, young));
        text(&s, 1, c->is_share ? "%" : i18n_tr(I18N_YEARS, x->da));
        const eff_eval_cell *cell[2] = {&c->participants, &c->controls};
        for (int g = 0; g < 2; g++) {
            num(&s, (lxw_col_t)(2 + 2 * g), cell[g]->suppressed ? NAN : cell[g]->value,
                c->is_share ? F_PCT : F_1);
            num(&s, (lxw_col_t)(3 + 2 * g), cell[g]->suppressed ? NAN : (double)cell[g]->persons,
                F_INT);
        }
    }
    const char *heads[] = {i18n_tr(I18N_FLOW, x->da), i18n_tr(I18N_XL_COUNT, x->da)};
    subheader(&s, heads, 2);
    for (size_t k = 0; k < EFF_N_COUNT; k++, s.row++) {
        const eff_eval_cell *c = &iv->counts[k];
        text(&s, 0, run_count_label(k, x->da));
        num(&s, 1, c->suppressed ? NAN : c->value, F_INT);
    }
    return 0;
}

/* As balance.csv: rows disclosure control hid are left out. */
static int balance_sheet(xw *x, const eff_eval_iv *iv)
{
    col cols[] = {{i18n_tr(I18N_COVARIATE, x->da), 26}, {i18n_tr(I18N_SAMPLE, x->da), 18},
                  {i18n_tr(I18N_MEAN_PARTICIPANTS, x->da), 18},
                  {i18n_tr(I18N_MEAN_CONTROLS, x->da), 18}, {"SMD", 9},
                  {i18n_tr(I18N_VARIANCE_RATIO, x->da), 14}, {i18n_tr(I18N_ECDF_MEAN, x->da), 11},
                  {i18n_tr(I18N_ECDF_MAX, x->da), 11}, {"|SMD| > 0.1", 11}};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, "balance", cols, 9))
        return -1;
    for (size_t k = 0; k < iv->n_balance; k++) {
        const eff_eval_balance *b = &iv->balance[k];
        if (b->suppressed)
            continue;
        for (int m = 0; m < 2; m++, s.row++) {
            const eff_balance_stats *st = m ? &b->matched : &b->all;
            text(&s, 0, b->name);
            text(&s, 1, m ? i18n_tr(I18N_AFTER_MATCHING, x->da)
                          : i18n_tr(I18N_BEFORE_MATCHING, x->da));
            num(&s, 2, st->mean_treated, F_3), num(&s, 3, st->mean_control, F_3);
            num(&s, 4, st->smd, F_3), num(&s, 5, st->var_ratio, F_2);
            num(&s, 6, st->ecdf_mean, F_3), num(&s, 7, st->ecdf_max, F_3);
            num(&s, 8, fabs(st->smd) > SMD_FLAG, F_INT);
        }
    }
    return 0;
}

/* Tables 3.2/3.4/3.6 as effects.csv has them (run_effect_values), then the pre-trend tests. */
static int effects_sheet(xw *x, const eff_eval_iv *iv)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    col cols[] = {{i18n_tr(I18N_SUBGROUP, x->da), 12}, {"e", 5}, {i18n_tr(I18N_TIME, x->da), 22},
                  {logit ? i18n_tr(I18N_ESTIMATE_LOG_ODDS, x->da)
                         : i18n_tr(I18N_ESTIMATE_PP, x->da), 18},
                  {i18n_tr(I18N_STD_ERROR, x->da), 12}, {i18n_tr(I18N_95_CI_LOW, x->da), 13},
                  {i18n_tr(I18N_95_CI_HIGH, x->da), 13}, {"p", 8},
                  {i18n_tr(I18N_STARS, x->da), 8}, {"Odds ratio", 11}, {"ATT (pp)", 10},
                  {i18n_tr(I18N_ATT_STD_ERROR_PP, x->da), 20},
                  {i18n_tr(I18N_PERSONS, x->da), 10}, {i18n_tr(I18N_OBSERVATIONS, x->da), 13}};
    static const fmt_id f[RUN_EFFECT_NV] = {F_3, F_3, F_3, F_3, F_3, F_2, F_1, F_1, F_INT, F_INT};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, i18n_tr(I18N_SHEET_EFFECTS, x->da), cols, 14))
        return -1;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], when[64];
        run_subgroup_label(iv->cfg, sg->id, x->da, label, sizeof label);
        for (size_t k = 0; k < sg->n_effects; k++, s.row++) {
            const eff_eval_effect *e = &sg->effects[k];
            double v[RUN_EFFECT_NV];
            const char *stars;
            run_effect_values(sg, e, logit, v, &stars);
            run_event_label(e->event_time, x->da, when, sizeof when);
            text(&s, 0, label), num(&s, 1, e->event_time, F_INT), text(&s, 2, when);
            for (size_t i = 0; i < 5; i++)
                num(&s, (lxw_col_t)(3 + i), v[i], f[i]);
            text(&s, 8, stars);
            for (size_t i = 5; i < RUN_EFFECT_NV; i++)
                num(&s, (lxw_col_t)(4 + i), v[i], f[i]);
        }
    }
    const char *heads[] = {i18n_tr(I18N_PRETREND, x->da), "χ²", i18n_tr(I18N_DF, x->da),
                           "p", i18n_tr(I18N_M_CLUSTER, x->da), i18n_tr(I18N_CLUSTERED_BY, x->da)};
    subheader(&s, heads, 6);
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        if (!sg->estimated || !sg->pretrend_shown)
            continue;
        char label[64];
        run_subgroup_label(iv->cfg, sg->id, x->da, label, sizeof label);
        text(&s, 0, label), num(&s, 1, sg->pretrend.statistic, F_2);
        num(&s, 2, sg->pretrend.df1, F_INT), num(&s, 3, sg->pretrend.p_value, F_3);
        num(&s, 4, (double)sg->n_clusters, F_INT), text(&s, 5, sg->cluster);
        s.row++;
    }
    return 0;
}

/* As typical_person.csv: a hidden event time is an empty row. */
static int typical_sheet(xw *x, const eff_eval_iv *iv)
{
    const char *lo = i18n_tr(I18N_LOW, x->da), *hi = i18n_tr(I18N_HIGH, x->da);
    col cols[] = {{i18n_tr(I18N_SUBGROUP, x->da), 12}, {i18n_tr(I18N_COHORT, x->da), 8}, {"e", 5},
                  {i18n_tr(I18N_TIME, x->da), 22}, {i18n_tr(I18N_PARTICIPANTS_COL, x->da), 15},
                  {lo, 8}, {hi, 8}, {i18n_tr(I18N_CONTROLS_COL, x->da), 15}, {lo, 8}, {hi, 8},
                  {i18n_tr(I18N_DID_PP, x->da), 22}, {i18n_tr(I18N_STD_ERROR, x->da), 12},
                  {lo, 8}, {hi, 8}};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, i18n_tr(I18N_TYPICAL_PERSON, x->da), cols, 14))
        return -1;
    fmt_id level = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE ? F_PCT : F_1;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], when[64];
        run_subgroup_label(iv->cfg, sg->id, x->da, label, sizeof label);
        for (size_t k = 0; k < sg->n_typical; k++, s.row++) {
            const eff_eval_typical *t = &sg->typical[k];
            run_event_label(t->event_time, x->da, when, sizeof when);
            text(&s, 0, label), num(&s, 1, iv->cfg->profile.cohort, F_INT);
            num(&s, 2, t->event_time, F_INT), text(&s, 3, when);
            double v[10] = {t->p_treated, t->p_treated_lo, t->p_treated_hi, t->p_control,
                            t->p_control_lo, t->p_control_hi, t->did_pp, t->did_pp_se,
                            t->did_pp_lo, t->did_pp_hi};
            for (size_t i = 0; i < 10; i++)
                num(&s, (lxw_col_t)(4 + i), t->shown ? v[i] : NAN, i < 6 ? level : F_1);
        }
    }
    return 0;
}

static void robust_rows(sheet *s, const eff_eval_iv *iv, const eff_eval_subgroup *sg,
                        const char *method, const eff_eval_robust *r, size_t n, int overall)
{
    xw *x = s->x;
    char label[64], when[64];
    run_subgroup_label(iv->cfg, sg->id, x->da, label, sizeof label);
    for (size_t k = 0; k < n; k++, s->row++) {
        double v[7];
        run_robust_values(&r[k], !overall, overall ? run_overall_shown(sg)
                                                   : run_effect_shown(sg, k), v);
        text(s, 0, label), text(s, 1, method);
        if (!overall) {
            run_event_label(r[k].event_time, x->da, when, sizeof when);
            num(s, 2, r[k].event_time, F_INT), text(s, 3, when);
        }
        for (int i = 0; i < 7; i++)
            num(s, (lxw_col_t)(4 + i), v[i], F_3);
    }
}

/* As robustness.csv: Callaway-Sant'Anna (pp), its mean over e >= 0, the model's effects
 * with wild-bootstrap inference, and the naive TWFE when asked for. */
static int robustness_sheet(xw *x, const eff_eval_iv *iv)
{
    col cols[] = {{i18n_tr(I18N_SUBGROUP, x->da), 12}, {i18n_tr(I18N_METHOD, x->da), 40}, {"e", 5},
                  {i18n_tr(I18N_TIME, x->da), 22}, {i18n_tr(I18N_ESTIMATE, x->da), 10},
                  {i18n_tr(I18N_STD_ERROR, x->da), 12}, {i18n_tr(I18N_95_CI_LOW, x->da), 13},
                  {i18n_tr(I18N_95_CI_HIGH, x->da), 13},
                  {i18n_tr(I18N_UNIFORM_BAND_LOW, x->da), 17},
                  {i18n_tr(I18N_UNIFORM_BAND_HIGH, x->da), 17}, {"p", 8}};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, i18n_tr(I18N_ROBUSTNESS, x->da), cols, 11))
        return -1;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        if (sg->cs_done) {
            robust_rows(&s, iv, sg, "Callaway-Sant'Anna (pp)", sg->cs, sg->n_effects, 0);
            robust_rows(&s, iv, sg, i18n_tr(I18N_CALLAWAY_SANT_ANNA_MEAN, x->da),
                        &sg->cs_overall, 1, 1);
        }
        if (sg->wild_done)
            robust_rows(&s, iv, sg, i18n_tr(I18N_WILD_CLUSTER_BOOTSTRAP_MODEL, x->da),
                        sg->wild, sg->n_effects, 0);
        if (sg->naive_done)
            robust_rows(&s, iv, sg, i18n_tr(I18N_NAIVE_TWFE_UNMATCHED_PP, x->da),
                        sg->naive, sg->n_effects, 0);
    }
    return 0;
}

/* As sensitivity.csv: Rosenbaum bounds at Gamma 1.0-3.0 for the event times shown. */
static int sensitivity_sheet(xw *x, const eff_eval_iv *iv)
{
    col cols[] = {{i18n_tr(I18N_SUBGROUP, x->da), 12}, {"e", 5}, {i18n_tr(I18N_TIME, x->da), 22},
                  {"Γ", 6}, {i18n_tr(I18N_P_LOWER_BOUND, x->da), 15},
                  {i18n_tr(I18N_P_UPPER_BOUND, x->da), 15}, {"Test", 10},
                  {i18n_tr(I18N_PAIRS, x->da), 8}, {"Γ*", 6}};
    sheet s;
    if (add_sheet(x, &s, iv->cfg->id, i18n_tr(I18N_SENSITIVITY, x->da), cols, 9))
        return -1;
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], when[64];
        run_subgroup_label(iv->cfg, sg->id, x->da, label, sizeof label);
        for (size_t k = 0; sg->sens_done && k < sg->n_effects; k++) {
            const eff_eval_sens *v = &sg->sens[k];
            if (!v->done || !run_effect_shown(sg, k))
                continue;
            run_event_label(v->event_time, x->da, when, sizeof when);
            for (int l = 0; l < EFF_EVAL_N_GAMMA; l++, s.row++) {
                text(&s, 0, label), num(&s, 1, v->event_time, F_INT), text(&s, 2, when);
                num(&s, 3, 1 + l / 10.0, F_1);
                num(&s, 4, v->p_lower[l], F_3), num(&s, 5, v->p_upper[l], F_3);
                text(&s, 6, v->test), num(&s, 7, (double)v->n_pairs, F_INT);
                num(&s, 8, v->gamma_star, F_1);
            }
        }
    }
    return 0;
}

static int intervention_sheets(xw *x, const eff_eval_iv *iv)
{
    if (!iv->estimated) /* as on disk: no tables, the warnings say why */
        return 0;
    return chars_sheet(x, iv) || balance_sheet(x, iv) || effects_sheet(x, iv) ||
           typical_sheet(x, iv) || robustness_sheet(x, iv) || sensitivity_sheet(x, iv);
}

/* indicators.csv, with the title and unit, and the seed's value beside ours. */
static int indicators_sheet(xw *x, const run_info *ri)
{
    if (!ri->ind || ri->cfg->n_indicators == 0)
        return 0;
    col cols[] = {{i18n_tr(I18N_INDICATOR, x->da), 26}, {i18n_tr(I18N_TITLE, x->da), 44},
                  {i18n_tr(I18N_XL_GROUP, x->da), 22}, {i18n_tr(I18N_SUBGROUP, x->da), 14},
                  {i18n_tr(I18N_EVENT_TIME, x->da), 6}, {i18n_tr(I18N_VALUE, x->da), 9}, {i18n_tr(I18N_UNIT, x->da), 10},
                  {"N", 9}, {i18n_tr(I18N_SEED_FIGURE, x->da), 30},
                  {i18n_tr(I18N_XL_SEED_VALUE, x->da), 16}};
    sheet s;
    if (add_sheet(x, &s, i18n_tr(I18N_INDICATORS, x->da), NULL, cols, 10))
        return -1;
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++, s.row++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        const eff_cfg_indicator *d = eff_ind_spec(ri->ind, c);
        const char *unit = eff_ind_unit(d);
        fmt_id f = strcmp(unit, "percent") == 0 ? F_PCT : F_1;
        text(&s, 0, c->indicator), text(&s, 1, d->title ? d->title : d->id);
        text(&s, 2, run_group_label(c->group, x->da)), text(&s, 3, c->subgroup);
        num(&s, 4, c->year, F_INT), num(&s, 5, c->value, f);
        text(&s, 6, strcmp(unit, "percent") == 0 ? "%"
                    : strcmp(unit, "per_1000") == 0 ? i18n_tr(I18N_PER_1_000, x->da)
                                                    : i18n_tr(I18N_VALUE_LC, x->da));
        num(&s, 7, c->n >= 0 ? (double)c->n : NAN, F_INT);
        text(&s, 8, c->seed_figure), num(&s, 9, c->seed_value, f);
    }
    return 0;
}

/* Chapter 2: the plans, then the totals in funding_text's order. */
static int funding_sheet(xw *x, const run_info *ri)
{
    const eff_funding *f = ri->funding;
    if (!f)
        return 0;
    col cols[] = {{"Plan", 44}, {i18n_tr(I18N_GRANT_DKK, x->da), 16},
                  {i18n_tr(I18N_CO_FINANCING_DKK, x->da), 20},
                  {i18n_tr(I18N_CO_FINANCING_SHARE, x->da), 20},
                  {i18n_tr(I18N_BELOW_THE_REQUIREMENT, x->da), 20},
                  {i18n_tr(I18N_FW_ESTATES, x->da), 16}, {i18n_tr(I18N_FW_RESIDENTS, x->da), 12}};
    sheet s;
    if (add_sheet(x, &s, i18n_tr(I18N_FUNDING, x->da), NULL, cols, 7))
        return -1;
    for (long k = 0; k < f->plans; k++, s.row++) {
        const eff_funding_plan *p = &f->plan[k];
        num(&s, 0, p->plan_id, F_INT), num(&s, 1, p->grant_dkk, F_DKK);
        num(&s, 2, p->cofin_dkk, F_DKK), num(&s, 3, p->cofin_share, F_FRAC);
        text(&s, 4, p->below ? i18n_tr(I18N_YES, x->da) : i18n_tr(I18N_NO, x->da));
        num(&s, 5, (double)p->estates, F_INT), num(&s, 6, (double)p->residents, F_INT);
    }
    const char *heads[] = {i18n_tr(I18N_FW_TITLE, x->da), i18n_tr(I18N_TOTAL, x->da)};
    subheader(&s, heads, 2);
    struct { i18n_msg w; double v; fmt_id f; } rows[] = {
        {I18N_FW_GRANTED, f->grant_total_dkk, F_DKK}, {I18N_FW_PLANS, (double)f->plans, F_INT},
        {I18N_FW_ESTATES, (double)f->estates, F_INT}, {I18N_FW_RESIDENTS, (double)f->residents, F_INT},
        {I18N_FW_PER_PLAN, f->grant_per_plan_dkk, F_DKK},
        {I18N_FW_PER_ESTATE, f->grant_per_estate_dkk, F_DKK},
        {I18N_FW_PER_RESIDENT, f->grant_per_resident_dkk, F_DKK},
        {I18N_FW_COFIN_SHARE, f->cofin_share_total, F_FRAC}};
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++, s.row++)
        text(&s, 0, i18n_tr(rows[k].w, x->da)), num(&s, 1, rows[k].v, rows[k].f);
    for (int k = 0; k < EFF_FUNDING_SOURCES; k++, s.row++) {
        char label[96];
        snprintf(label, sizeof label, "  %s", i18n_tr((i18n_msg)(I18N_FW_SRC_HOUSING + k), x->da));
        text(&s, 0, label);
        num(&s, 1, f->cofin_total_dkk > 0 ? f->cofin_by_source_dkk[k] / f->cofin_total_dkk : NAN,
            F_FRAC);
    }
    char below[128];
    snprintf(below, sizeof below, "%s %.0f%%", i18n_tr(I18N_FW_BELOW, x->da), 100 * f->threshold);
    text(&s, 0, below), num(&s, 1, (double)f->n_below, F_INT);
    return 0;
}

/* Chapter 5: items.csv (themes hidden by disclosure control left out), then Table 5.1. */
static int survey_sheet(xw *x, const run_info *ri)
{
    const eff_survey *v = ri->survey;
    if (!v)
        return 0;
    col cols[] = {{i18n_tr(I18N_SURVEY_ITEM, x->da), 30}, {i18n_tr(I18N_THEME, x->da), 30},
                  {i18n_tr(I18N_SHARE_TO_A_HIGH, x->da), 32},
                  {i18n_tr(I18N_95_CI_LOW, x->da), 13}, {i18n_tr(I18N_95_CI_HIGH, x->da), 13},
                  {"N", 8}};
    sheet s;
    if (add_sheet(x, &s, i18n_tr(I18N_SURVEY, x->da), NULL, cols, 6))
        return -1;
    for (size_t i = 0; i < v->n_items; i++)
        for (size_t th = 0; th < v->n_themes; th++) {
            const eff_survey_cell *c = &v->cells[i * v->n_themes + th];
            if (v->hidden[th])
                continue;
            text(&s, 0, ri->cfg->survey_items[i]), text(&s, 1, v->themes[th]);
            num(&s, 2, c->share, F_FRAC), num(&s, 3, c->low, F_FRAC);
            num(&s, 4, c->high, F_FRAC), num(&s, 5, (double)c->n, F_INT);
            s.row++;
        }
    const char *heads[] = {i18n_tr(I18N_THEME, x->da), i18n_tr(I18N_RESPONDENTS, x->da)};
    subheader(&s, heads, 2);
    for (size_t th = 0; th < v->n_themes; th++)
        if (!v->hidden[th])
            text(&s, 0, v->themes[th]), num(&s, 1, (double)v->respondents[th], F_INT), s.row++;
    if (v->total >= 0)
        text(&s, 0, i18n_tr(I18N_TOTAL, x->da)), num(&s, 1, (double)v->total, F_INT);
    return 0;
}

static int write_sheets(xw *x, const run_info *ri)
{
    if (about_sheet(x, ri))
        return -1;
    for (size_t k = 0; ri->eval && k < ri->eval->n_ivs; k++)
        if (intervention_sheets(x, &ri->eval->ivs[k]))
            return -1;
    return indicators_sheet(x, ri) || funding_sheet(x, ri) || survey_sheet(x, ri);
}

eff_status run_write_xlsx(const run_info *ri, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tables.xlsx", ri->out_dir);
    eff_atomic *a;
    eff_status st = eff_atomic_open(path, &a, err);
    if (st != EFF_OK)
        return st;
    xw x = {.da = ri->lang == CLI_DA};
    x.wb = workbook_new(eff_atomic_temp_path(a));
    if (!x.wb) {
        eff_atomic_abort(a);
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory starting the workbook");
    }
    /* the run's start as the creation time: the same run gives the same workbook */
    struct tm tm = {0};
    lxw_doc_properties props = {.title = "effekt", .comments = "effekt " EFFEKT_VERSION};
    if (sscanf(ri->started, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900, tm.tm_mon -= 1;
        props.created = timegm(&tm);
    }
    int bad = workbook_set_properties(x.wb, &props) != LXW_NO_ERROR;
    for (int f = 0; f < F_COUNT && !bad; f++) {
        bad = !(x.f[f] = workbook_add_format(x.wb));
        if (!bad && f == F_HEAD)
            format_set_bold(x.f[f]);
        else if (!bad)
            format_set_num_format(x.f[f], fmt_code[f]);
    }
    bad = bad || write_sheets(&x, ri);
    lxw_error closed = workbook_close(x.wb); /* frees the workbook in any case */
    if (bad || x.failed != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        eff_atomic_abort(a);
        if (x.failed != LXW_NO_ERROR)
            return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot write sheet '%s': %s",
                                 x.failed_sheet, lxw_strerror(x.failed));
        if (closed != LXW_NO_ERROR)
            return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot write the workbook: %s",
                                 lxw_strerror(closed));
        if (x.failed_sheet[0])
            return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot add the sheet '%s' (out of "
                                 "memory, or a name Excel refuses)", x.failed_sheet);
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory starting the workbook");
    }
    return eff_atomic_commit(a, err);
}
