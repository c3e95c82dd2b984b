/* eval_internal.h - shared by the evaluation's parts: eval.c (the run, characteristics,
 * balance, disclosure), eval_select.c (participants, control pools, matching) and
 * eval_model.c (the panel, the event-study fit, the typical person). */
#ifndef EFF_EVAL_INTERNAL_H
#define EFF_EVAL_INTERNAL_H

#include <stdint.h>

#include "eval.h"
#include "table.h"

/* One person in one cohort's matching: a participant, or a candidate control. */
typedef struct eval_unit {
    int32_t person;
    int32_t plan;       /* participant's plan code; controls inherit it when matched */
    int32_t set;        /* matched set (its participant's unit number), -1 when unmatched */
    int16_t g;
    uint8_t treated;
    double weight;      /* matching weight; 0 when unmatched */
} eval_unit;

typedef struct eval_units {
    eval_unit *u;
    size_t n, cap;
} eval_units;

/* The covariates of a run, expanded (origin -> western, non_western), plus the outcome lags
 * used for matching only. */
typedef struct eval_covs {
    const char *names[EFF_EVAL_MAX_COV];
    size_t n_model;       /* the first n_model go into the outcome model */
    size_t n;             /* with the lags */
} eval_covs;

typedef struct eval_job {
    const eff_config *c;
    const eff_cfg_intervention *iv;
    const eff_persons *p;
    const eff_ctx *ctx;
    eff_eval_iv *out;
    eval_units part;      /* kept participants (treated), then after matching: set >= 0 */
    eval_units pool;      /* candidate controls over every cohort */
    eval_units matched;   /* matched participants and controls */
    eval_covs covs;
    const unsigned char *ever_participant; /* over persons */
    uint32_t *stamp[2];   /* distinct-person counting: the pass a person was last seen in */
    uint32_t pass;
} eval_job;

/* Distinct persons, whose counts disclosure control needs (a control reused in two cohorts
 * is one person): start a pass, then ask whether a person is new to it, in one of two
 * independent tallies (e.g. all and those with the condition). */
void eval_distinct_pass(eval_job *j);
int eval_distinct_new(eval_job *j, int tally, int32_t person);

eff_status eval_units_push(eval_units *us, const eval_unit *u, eff_error *err);
void eval_units_free(eval_units *us);

/* The outcome of a person in a year, NaN when not observed. */
double eval_outcome(const eff_persons *p, const eff_cfg_outcome *o, int32_t person, int year);
/* Covariate `name` of a person in year `year` (0/1 or a number; NaN when missing). */
double eval_covariate(const eff_persons *p, const char *name, int32_t person, int year);
/* A matching covariate of a unit in g-1; the outcome lags ("outcome_g-1", "outcome_g-2")
 * are 0 where not observed, or with missing_flag 1 whether they are not observed. */
double eval_match_value(const eval_job *j, const char *name, int missing_flag,
                        const eval_unit *u);
/* A warning: logged through ctx and kept in the intervention's result. */
eff_status eval_warn(eval_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* eval_select.c */
eff_status eval_participants(eval_job *j, const eff_table *records, const char *records_path,
                             eff_error *err);
eff_status eval_pool(eval_job *j, eff_error *err);
eff_status eval_match(eval_job *j, eff_error *err);

/* eval_model.c */
eff_status eval_fit_subgroup(eval_job *j, eff_eval_subgroup *sg, eff_error *err);
/* Whether a unit is in the subgroup whose exact column is col and code is code (-2: all). */
int eval_in_subgroup(const eval_job *j, const eval_unit *u, size_t col, int32_t code);

/* Why a robustness result is missing: kept in *why ("WHAT not estimated: msg") and warned. */
eff_status eval_say_why(eval_job *j, char **why, const char *what, const char *sg_id,
                        const eff_error *e, eff_error *err);

/* eval_naive.c: the naive two-way fixed-effects event study of the subgroup on the unmatched
 * sample (every kept participant and every person of the control pool), in sg->naive. */
eff_status eval_naive_twfe(eval_job *j, size_t col, int32_t code, eff_eval_subgroup *sg,
                           eff_error *err);

/* eval_robust.c: Callaway-Sant'Anna, Rosenbaum bounds and the wild bootstrap of one
 * subgroup's matched units (d: its fitted model, or NULL when it could not be fitted;
 * unit_of_row: the unit of each row of the panel it was fitted on). */
eff_status eval_robustness(eval_job *j, const eval_unit *const *units, size_t n,
                           eff_cluster_kind kind, const eff_did *d, const int64_t *unit_of_row,
                           eff_eval_subgroup *sg, eff_error *err);

/* eval_sdc.c: registers every printed cell of the run, applies the suppression and marks
 * the suppressed cells, effects and typical-person points. */
eff_status eval_disclose(eff_eval *e, eff_error *err);

#endif
