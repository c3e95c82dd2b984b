/* eval.h - the effect evaluation of the seed report's chapter 3, for each intervention of a
 * config (config.h) on the person-year store (persons.h):
 *   1. participants: the intervention's activity records, start year g = first year of
 *      participation, kept when linked, resident in g-1 and g, within the population rule in
 *      g and with the outcome observed at e = 0..min_post_periods-1; every loss is counted;
 *   2. the control pool per cohort g: never-participants living in g-1 in an estate without
 *      a 2006-10 or 2011-14 plan, meeting the same rule and observation requirement;
 *   3. matching per cohort on a logit propensity score of the covariates in g-1 (and the
 *      outcome in g-1 and g-2), exact on g and on the exact columns (match.h);
 *   4. the event-study DiD per subgroup on the matched panel (did.h), clustered on the
 *      matched set when every person is in one set, else on the person (or as configured);
 *   5. the typical person's predicted paths and their difference-in-differences;
 *   6. participant characteristics in g, covariate balance before and after matching;
 *   7. disclosure control (disclosure.h) over every cell the run will print.
 * Warnings (an intervention below its minimum N, an empty cohort) go through ctx and into
 * the result. No person id is kept in any result.
 * Ownership: eff_eval_run returns a result the caller frees with eff_eval_free; everything in
 * it belongs to it. The config and the store are borrowed for the call. */
#ifndef EFF_EVAL_H
#define EFF_EVAL_H

#include <stddef.h>

#include "balance.h"
#include "config.h"
#include "did.h"
#include "disclosure.h"
#include "persons.h"
#include "table.h"

enum { EFF_EVAL_MAX_E = 21, EFF_EVAL_MAX_COV = 24, EFF_EVAL_N_GAMMA = 21 };

/* A count or statistic as printed, with its disclosure verdict. */
typedef struct eff_eval_cell {
    double value;       /* NaN when undefined */
    long persons;       /* distinct persons behind it */
    long with;          /* a share: persons with the condition; -1 otherwise */
    int suppressed;
    size_t sdc_index;   /* into the run's disclosure table */
} eff_eval_cell;

/* Where the participants went, in order (INTERFACES.md `counts`). */
typedef enum eff_eval_count {
    EFF_N_RECORDS, EFF_N_PERSONS, EFF_N_UNLINKED, EFF_N_FIRST_COHORT, EFF_N_NOT_RESIDENT,
    EFF_N_OUTSIDE_RULE, EFF_N_TOO_FEW_POST, EFF_N_KEPT, EFF_N_UNMATCHED,
    EFF_N_MATCHED, EFF_N_POOL, EFF_N_POOL_PERSONS, EFF_N_CONTROLS, EFF_N_CONTROLS_REUSED,
    EFF_N_COUNT
} eff_eval_count;
extern const char *const eff_eval_count_key[EFF_N_COUNT];

typedef struct eff_eval_char {
    const char *name;            /* characteristics key (config) */
    int is_share;                /* 1: a share in percent; 0: a mean (age, years) */
    eff_eval_cell participants, controls;
} eff_eval_char;

typedef struct eff_eval_balance {
    char name[48];
    int binary;
    eff_balance_stats all, matched;
    eff_eval_cell treated, control;  /* the matched means, as disclosure sees them */
    int suppressed;
} eff_eval_balance;

typedef struct eff_eval_effect {
    int event_time;
    int estimable;               /* 0: reference, dropped, or suppressed (see reason) */
    const char *reason;          /* "reference", "not estimable", "suppressed: ..." or "" */
    eff_coef_row coef;
    double att_pp, att_pp_se;    /* percentage points */
    long persons, persons_y1, persons_y0; /* treated persons observed at e */
    long n_obs;                  /* treated and control observations at e */
    int hidden;                  /* suppressed by disclosure control: no number of it shown */
    size_t sdc_index;
} eff_eval_effect;

/* A robustness estimate at one event time (eval_robust.c): Callaway-Sant'Anna on the
 * percentage-point scale, or the main model's effect with wild-bootstrap inference. */
typedef struct eff_eval_robust {
    int event_time;
    int estimated;
    double estimate, std_error, ci_low, ci_high, band_low, band_high, p_value;
} eff_eval_robust;

/* Rosenbaum bounds at one event time e >= 0, for Gamma = 1, 1.1, ..., 3. */
typedef struct eff_eval_sens {
    int event_time;
    int done;
    const char *test;            /* "wilcoxon" or "mcnemar" */
    size_t n_pairs;              /* pairs compared (both observed at e and -1) */
    int exact;                   /* exact distribution (else the normal approximation) */
    double p_lower[EFF_EVAL_N_GAMMA], p_upper[EFF_EVAL_N_GAMMA];
    double gamma_star;           /* the smallest Gamma with p_upper > 0.05; NaN: none <= 3 */
} eff_eval_sens;

typedef struct eff_eval_typical {
    int event_time;
    int shown;                   /* 0 when suppressed with its effect */
    double p_treated, p_treated_lo, p_treated_hi;   /* percent (or the outcome's units) */
    double p_control, p_control_lo, p_control_hi;
    double did_pp, did_pp_se, did_pp_lo, did_pp_hi; /* 0 at e = -1 */
} eff_eval_typical;

typedef struct eff_eval_subgroup {
    char *id;                    /* "all" or COLUMN=VALUE */
    int estimated;
    char *why_not;               /* when not estimated */
    eff_eval_cell n_participants, n_controls;
    size_t n_obs;
    size_t n_obs_missing;        /* person-years of the window without the outcome: dropped */
    const char *cluster;         /* "set", "person" or "plan" */
    size_t n_clusters;
    eff_eval_effect effects[EFF_EVAL_MAX_E];
    size_t n_effects;
    double delta_cov[EFF_EVAL_MAX_E][EFF_EVAL_MAX_E]; /* covariances of the estimates (model
                                    scale) and of att_pp (pp^2) by effect index; NaN where not
                                    estimable or hidden: what a joint test needs */
    double att_cov[EFF_EVAL_MAX_E][EFF_EVAL_MAX_E];
    eff_wald pretrend;           /* statistic NaN when there is no pre-period term */
    int pretrend_shown;
    eff_eval_typical typical[EFF_EVAL_MAX_E];
    size_t n_typical;            /* 0 when there is no profile for this subgroup */
    char *model_terms;           /* the model's covariate list, for the method text */
    /* robustness (eval_robust.c); by effect index as effects[] */
    eff_eval_robust cs[EFF_EVAL_MAX_E];  /* Callaway-Sant'Anna, dynamic, universal base */
    eff_eval_robust cs_overall;          /* the mean over e >= 0 */
    double cs_pretest_p;
    int cs_done;
    char *cs_why_not;
    eff_eval_robust wild[EFF_EVAL_MAX_E]; /* the model's effects, wild-bootstrap p and CI */
    int wild_done;
    char *wild_why_not;
    const char *wild_cluster;    /* "plan" or "estate" */
    size_t wild_clusters;
    long wild_reps;
    int wild_enumerated;
    const char *wild_weights;    /* "rademacher" or "webb" */
    eff_eval_sens sens[EFF_EVAL_MAX_E];
    int sens_done;
    char *sens_why_not;
    eff_eval_robust naive[EFF_EVAL_MAX_E]; /* naive_twfe = yes: TWFE on the unmatched sample */
    int naive_done;
    size_t naive_persons;
    char *naive_why_not;
} eff_eval_subgroup;

typedef struct eff_eval_iv {
    const eff_cfg_intervention *cfg;
    int estimated;               /* 0: below min_n or no match (warnings say why) */
    eff_eval_cell counts[EFF_N_COUNT];
    int cohorts[8];
    long cohort_participants[8];
    size_t n_cohorts;
    eff_eval_char chars[EFF_CFG_MAX_LIST];
    size_t n_chars;
    eff_eval_balance balance[EFF_EVAL_MAX_COV];
    size_t n_balance;
    eff_eval_subgroup *subgroups;
    size_t n_subgroups;
    char **warnings;
    size_t n_warnings;
    eff_table *microdata;        /* only with [run] microdata = yes: the matched panel, one
                                    row per person and event time, WITH PERSON IDS */
} eff_eval_iv;

typedef struct eff_eval {
    eff_eval_iv *ivs;
    size_t n_ivs;
    eff_sdc *sdc;
    char **warnings;             /* every warning of the run, each prefixed by its source */
    size_t n_warnings;
} eff_eval;

/* Runs every intervention. Errors: EFF_EINVAL for a config that does not fit the data (a
 * participation start year outside the registers, with its file line; a typical-person value
 * the model does not contain, with its config line), EFF_ENOCONV, EFF_ENOMEM, EFF_EABORT. */
eff_status eff_eval_run(const eff_config *c, const eff_persons *p, const eff_ctx *ctx,
                        eff_eval **out, eff_error *err);
void eff_eval_free(eff_eval *e);

#endif
