/* run_cli.h - shared by the parts of `effekt run`: cmd_run.c (options and the flow),
 * run_out.c (the files under --out), run_ind.c (the indicators' files) and run_text.c (the
 * tables on the terminal).
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#ifndef EFF_RUN_CLI_H
#define EFF_RUN_CLI_H

#include <jansson.h>

#include "cli.h"

typedef struct run_info {
    const char *config_path;
    const eff_config *cfg;
    const eff_eval *eval;      /* NULL when the config has no interventions */
    const eff_indicators *ind; /* NULL when it has no indicators */
    const eff_funding *funding; /* [funding], or NULL */
    const eff_survey *survey;  /* [survey], or NULL */
    cli_lang lang;
    const char *out_dir;
    char started[32];         /* ISO 8601, UTC */
    double seconds;
    char **inputs;            /* the files read, and their SHA-256 in hex */
    char **sha256;
    size_t n_inputs;
} run_info;

/* Writes every file of the run under info->out_dir, each atomically. */
eff_status run_write_files(const run_info *info, eff_error *err);
/* results.json as a jansson tree (caller owns). */
json_t *run_results_json(const run_info *info);
/* run_ind.c: indicators.csv and figures/indicator_ID.svg; results.json's "indicators". */
eff_status run_write_indicators(const run_info *info, eff_error *err);
json_t *run_indicators_json(const run_info *info);
/* run_robust.c: DIR/<intervention>/robustness.csv and sensitivity.csv; results.json's
 * "robustness" and "sensitivity" of an intervention. */
eff_status run_write_robustness(const run_info *info, const eff_eval_iv *iv, eff_error *err);
json_t *run_robustness_json(const eff_eval_iv *iv);
json_t *run_sensitivity_json(const eff_eval_iv *iv);
/* The numbers of an effects.csv row, NaN where the field is empty (reference, not estimable,
 * or hidden by disclosure control): estimate, std_error, ci_low, ci_high, p_value,
 * odds_ratio, att_pp, att_pp_se, n_persons, n_obs; *stars gets the stars (static). */
enum { RUN_EFFECT_NV = 10 };
void run_effect_values(const eff_eval_subgroup *sg, const eff_eval_effect *f, int logit,
                       double v[RUN_EFFECT_NV], const char **stars);
/* A robustness.csv row's numbers (estimate, std_error, ci_low, ci_high, band_low, band_high,
 * p_value), NaN where empty; `shown` from the two functions below. */
void run_robust_values(const eff_eval_robust *r, int with_e, int shown, double v[7]);
int run_effect_shown(const eff_eval_subgroup *sg, size_t k); /* effect k passed disclosure */
int run_overall_shown(const eff_eval_subgroup *sg);   /* so did every e >= 0 */
/* run_xlsx: DIR/tables.xlsx (report_xlsx.c), every table of the run, a sheet each. */
eff_status run_write_xlsx(const run_info *info, eff_error *err);
/* The seed's tables on stdout. */
void run_print_tables(const run_info *info);

/* run_labels.c: the labels several outputs share (Danish when `da`, else English), their
 * words from i18n.c (i18n_tr). */
/* A characteristic's label (config key, e.g. "age"); `young`: the intervention is for
 * young people (boys/girls rather than men/women). Unknown keys are returned as they are. */
const char *run_char_label(const char *name, int da, int young);
/* The label of eff_eval_count k (the participant flow); English is the results.json key. */
const char *run_count_label(size_t k, int da);
/* "udsat", "almen", "befolkning" -> e.g. "Udsatte boligområder"; others as they are. */
const char *run_group_label(const char *group, int da);
/* "**" below 5%, "*" below 10% (the seed's convention), "" otherwise. */
const char *run_stars(double p);
/* The label of an event time, e.g. "2 år før indsatsen" / "2 years before". */
void run_event_label(int e, int da, char *buf, size_t size);
/* A number with `dec` decimals, with a decimal comma in Danish (human text only). */
void run_fmt(double v, int dec, int da, char *buf, size_t size);
int run_pretest_shown(const eff_eval_subgroup *sg); /* the pre-period test: every e <= -2 */
/* run_out.c: the balance rows disclosure control let through, for love_plot_write. */
struct balance_rows;
void run_balance_rows(const eff_eval_iv *iv, struct balance_rows *b);
/* run_ind.c: the chart of indicator d (figures/indicator_ID.svg) into o. */
void run_indicator_svg(cli_out *o, const run_info *ri, const eff_cfg_indicator *d);
/* report.c: DIR/report.html (self-contained) and its new figures under DIR/figures/. */
eff_status report_write(const run_info *ri, eff_error *err);
/* The label of a subgroup column, e.g. "koen=K" -> "piger" for young people. */
void run_subgroup_label(const eff_cfg_intervention *iv, const char *id, int da, char *buf,
                        size_t size);

#endif
