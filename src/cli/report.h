/* report.h - shared by the parts of DIR/report.html: report.c (the page, chapters 1, 2, 4, 5
 * and the method appendix), report_iv.c (chapter 3: one section per intervention),
 * report_svg.c (the figures new to the report) and report_i18n.c (every label of the report,
 * Danish and English, in one table). Only what passed disclosure control is printed. */
#ifndef EFF_REPORT_H
#define EFF_REPORT_H

#include "run_cli.h"

typedef enum report_msg {
    /* the page */
    R_DOC_TITLE, R_SUBTITLE, R_CONTENTS, R_CH_ABOUT, R_CH_FUNDING, R_CH_EFFECTS, R_CH_IND,
    R_CH_SURVEY, R_CH_METHOD, R_WARNINGS, R_SUPPRESSED_NOTE,
    /* 1 about */
    R_ABOUT_INTRO, R_DATA, R_REG_YEARS, R_IND_YEARS, R_AREAS, R_AREAS_TEXT, R_SOFTWARE,
    R_RUN_STARTED, R_SECONDS, R_SEED, R_THRESHOLD, R_CONFIG, R_CONFIG_SHOW, R_CONFIG_UNREADABLE,
    R_INPUTS, R_INPUTS_SHOW, R_FILE,
    /* 2 interventions and funding */
    R_IV_TABLE, R_INTERVENTION, R_ACTIVITIES, R_OUTCOME, R_TARGET, R_WINDOW, R_AGE_RANGE,
    R_WOMEN, R_MEN, R_SCHOOL_PRIMARY, R_SCHOOL_UPPER, R_FUNDING_INTRO, R_FUNDING_NONE,
    /* 3 effects */
    R_EFF_INTRO, R_NOT_ESTIMATED, R_SUMMARY, R_PARTICIPANTS, R_FLOW, R_COUNT, R_CHARS_CAPTION,
    R_PARTICIPANTS_COL, R_CONTROLS_COL, R_YEARS_UNIT, R_N_NOTE, R_N_SUB_NOTE, R_BALANCE, R_BALANCE_TEXT,
    R_BALANCE_HIDDEN, R_LOVE_CAPTION, R_EFFECTS, R_EFF_CAPTION, R_ODDS_RATIO, R_PP, R_CI95,
    R_ATT_PP, R_REFERENCE, R_NOT_ESTIMABLE, R_STARS_NOTE, R_LOGIT_NOTE, R_LINEAR_NOTE,
    R_PRETREND, R_PRETREND_LINE, R_PRETREND_NOT_SHOWN, R_PRETREND_MEANING, R_EFF_FIG_CAPTION,
    R_TREND_CAPTION,
    R_TYPICAL, R_TYPICAL_CAPTION, R_ROBUST, R_ROBUST_INTRO, R_CS, R_BAND, R_WILD_P,
    R_WILD_CI_OR, R_WILD_CI_PP, R_GAMMA, R_NAIVE, R_CS_OVERALL, R_CS_PRETEST, R_WILD_NOTE,
    R_WILD_ENUMERATED, R_ROBUST_NONE, R_EVENT_TIME,
    /* the plain-language sentences */
    R_S_WHO, R_S_WHO_SUB, R_S_LOGIT, R_S_LINEAR, R_S_TIMES, R_S_HIGHER, R_S_SAME, R_S_LOWER,
    R_S_PP_HIGHER, R_S_PP_LOWER, R_S_WHEN0, R_S_WHEN1, R_S_WHENN, R_S_STAT_OR, R_S_STAT_PP,
    R_S_NOT_SIG, R_S_WILD, R_S_WILD_NOT_SIG, R_NA, R_S_HIDDEN, R_S_NOT_ESTIMABLE, R_S_NONE, R_S_CAVEAT,
    /* figures */
    R_AX_EVENT, R_AX_PROB, R_AX_LEVEL, R_AX_OR, R_AX_PP, R_LEG_BAND, R_LEG_REF, R_LEG_CI,
    /* 4 indicators, 5 survey */
    R_IND_INTRO, R_IND_NONE, R_IND_FIG, R_IND_SEED, R_GROUP, R_SUBGROUP, R_YEAR, R_THIS_RUN,
    R_SEED_VALUE, R_SURVEY_INTRO, R_SURVEY_NONE, R_SURVEY_FIG,
    /* appendix */
    R_M_DESIGN, R_M_DESIGN_TEXT, R_M_MODEL, R_M_MODEL_TEXT, R_M_COVS, R_M_EXACT, R_M_CALIPER,
    R_M_RATIO, R_M_REPLACE, R_M_MODEL_KIND, R_M_MODEL_TERMS, R_M_CLUSTER, R_YES, R_NO,
    R_LOGIT, R_LINEAR, R_CL_SET, R_CL_PERSON, R_CL_PLAN, R_CL_ESTATE, R_NONE, R_M_OUTCOME_LAGS,
    R_M_ROBUST_TEXT, R_M_DISCLOSURE, R_M_DISCLOSURE_TEXT, R_M_SUPPRESSED_LIST, R_CELL,
    R_REASON, R_M_NO_PNR, R_ALL,
    R_N_MSG
} report_msg;

/* The label in Danish (da != 0) or English; never NULL. Labels holding a printf format say
 * so by their %s/%d. */
const char *report_tr(report_msg m, int da);
/* Names for the seed's ids, e.g. "fritidsjob" -> "Fritidsjobindsatsen"; else the id. */
const char *report_iv_name(const char *id, int da);
/* An outcome as a noun for the sentences, e.g. "fritidsjob" -> "et fritidsjob". */
const char *report_outcome_name(const char *id, int da);
/* A cluster kind ("set", "person", "plan", "estate") in words. */
const char *report_cluster_name(const char *kind, int da);
/* 2..10 as a word ("tre" / "three"); NULL outside. */
const char *report_number_word(int n, int da);

/* Escapes &, <, > and " for HTML text and attribute values. */
void report_esc(cli_out *o, const char *s);
/* A number in the report's language (decimal comma in Danish), "–" when not finite. */
void report_num(char *buf, size_t size, double v, int dec, int da);

/* report_iv.c: the section of one intervention (chapter 3, number k from 1), its figures
 * also written under DIR/figures/. *fig counts the chapter's figures. */
eff_status report_iv_section(cli_out *o, const run_info *ri, const eff_eval_iv *iv, int k,
                             int *fig, eff_error *err);

/* report_svg.c: the typical person's predicted paths with 95% bands (percent axis); the
 * effects by event time with 95% intervals (odds ratios on a log axis, else pp). Hidden
 * points are left out. */
void report_typical_svg(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, int da);
void report_effects_svg(cli_out *o, const eff_eval_iv *iv, int da);
/* The number of effects report_effects_svg would draw, the references left out. */
size_t report_effects_drawn(const eff_eval_iv *iv);

#endif
