/* csdid.h - Callaway & Sant'Anna's (2021) group-time average treatment effects on a panel,
 * as R's `did` 2.5 computes them with DRDID's panel estimators:
 *
 *   ATT(g,t) = E[Y_t - Y_b | G = g] - E[Y_t - Y_b | comparison]
 *
 * for every cohort g (first treated period) and period t, with the base period b = g-1
 * (universal; and varying after the start) or b = t-1 before the start (varying). The
 * comparison units are the never-treated (group 0) or the not yet treated (group > max(t, b),
 * other than g). With covariates (taken in the base period) the 2x2 comparison is made by
 * outcome regression (reg_did_panel), stabilised inverse probability weighting
 * (std_ipw_did_panel) or the doubly robust estimator (drdid_panel); without covariates the
 * three are the difference of mean changes.
 *
 * Inference is by the influence function. psi_i(g,t) is DRDID's influence function scaled by
 * n / n_gt as in `did`, so Var(ATT) = sum_c (sum_{i in c} psi_i)^2 / n^2 over clusters c
 * (the unit itself by default: `did`'s analytic standard error). Aggregations (dynamic,
 * group, calendar, simple) use `did`'s weights, the estimated cohort shares P(G = g), and add
 * the share estimation term (did's wif) to the influence function. Uniform bands come from a
 * multiplier bootstrap with Rademacher weights drawn per cluster: the critical value is the
 * (1 - alpha) quantile of max_k |sum_c v_c Psi_ck| / (n se_k) over the set of estimates.
 * `did` scales by bootstrap IQR-based standard errors instead of the analytic ones; the two
 * agree to bootstrap noise.
 *
 * Stacked data (the matched evaluation): with `stack` set, cohort g is compared only with the
 * never-treated units whose stack is g (its own matched controls), never with other cohorts'
 * controls.
 *
 * A panel that is not balanced: by default units not observed in every period are dropped
 * (counted in eff_cs_n_dropped; the caller warns), as `did` does for panel data. With
 * `pairwise`, each 2x2 uses the units observed in both of its periods.
 *
 * Ownership: eff_cs_fit returns a fit the caller frees with eff_cs_free; the panel is borrowed
 * for the call only. eff_cs_aggregate returns an aggregation freed with eff_cs_agg_free. */
#ifndef EFF_CSDID_H
#define EFF_CSDID_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum eff_cs_control { EFF_CS_NEVER, EFF_CS_NOTYET } eff_cs_control;
typedef enum eff_cs_base { EFF_CS_VARYING, EFF_CS_UNIVERSAL } eff_cs_base;
typedef enum eff_cs_method { EFF_CS_DR, EFF_CS_REG, EFF_CS_IPW } eff_cs_method;
typedef enum eff_cs_agg_type {
    EFF_CS_DYNAMIC, EFF_CS_GROUP, EFF_CS_CALENDAR, EFF_CS_SIMPLE
} eff_cs_agg_type;

/* The panel, unit by unit. */
typedef struct eff_cs_panel {
    size_t n_units, n_times;
    const int *times;        /* n_times periods, strictly increasing */
    const int *group;        /* per unit: its cohort (a period), 0 = never treated */
    const int *stack;        /* per unit or NULL: see the header comment */
    const double *y;         /* n_units x n_times, unit-major; NaN = not observed */
    const double *x;         /* n_units x n_times x k, unit-major; NULL when k = 0 */
    size_t k;
    const double *weight;    /* per unit (> 0) or NULL: DRDID's i.weights, e.g. matching
                                weights; normalised to mean 1 within each 2x2 */
    const int32_t *cluster;  /* per unit codes 0..n_clusters-1; NULL: each unit its own */
    size_t n_clusters;
} eff_cs_panel;

typedef struct eff_cs_options {
    eff_cs_control control;
    eff_cs_base base;
    eff_cs_method method;
    int pairwise;            /* 1: per-2x2 availability instead of dropping unbalanced units */
    long reps;               /* multiplier bootstrap draws for the bands (0: no bands) */
    uint64_t seed;
    double alpha;            /* 0.05 */
} eff_cs_options;

eff_cs_options eff_cs_options_default(void);

typedef struct eff_cs_att {
    int group, time, base;
    int estimated;           /* 0: the universal reference (t = g-1, ATT 0) or no data */
    double att, std_error;
    double band_low, band_high; /* NaN without bootstrap */
    size_t n_treated, n_control;
} eff_cs_att;

typedef struct eff_cs eff_cs;

/* Errors (EFF_EINVAL, with what and which unit or cohort): times not increasing, a cohort
 * with no units left, no never-treated units (never) or no comparison units for a cohort,
 * a singular regression or a non-converging propensity score (EFF_ENOCONV); EFF_ENOMEM. */
eff_status eff_cs_fit(const eff_cs_panel *p, const eff_cs_options *opt, eff_cs **out,
                      eff_error *err);
void eff_cs_free(eff_cs *cs);

size_t eff_cs_n_att(const eff_cs *cs);
const eff_cs_att *eff_cs_att_at(const eff_cs *cs, size_t k);
size_t eff_cs_n_units(const eff_cs *cs);      /* units used */
size_t eff_cs_n_dropped(const eff_cs *cs);    /* units dropped for an unbalanced panel */
size_t eff_cs_n_cohorts_dropped(const eff_cs *cs); /* units treated in the first period */
/* The influence function of ATT(g,t) number k: n_units values (0 outside its 2x2), as did's
 * inffunc column. */
const double *eff_cs_influence(const eff_cs *cs, size_t k);

/* The Wald pre-test over the estimated pre-period ATT(g,t) (t < g): W = a' V^-1 a with V the
 * influence-function covariance. *df = 0 and NaN when there is none or V is singular (still
 * EFF_OK: no test is a finding); EFF_ENOMEM, with the same NaN and 0, when out of memory. */
eff_status eff_cs_pretest(const eff_cs *cs, double *w, int *df, double *p_value, eff_error *err);

typedef struct eff_cs_agg_row {
    int key;                 /* event time, cohort or period (type) */
    int estimated;
    double estimate, std_error, p_value, ci_low, ci_high, band_low, band_high;
} eff_cs_agg_row;

typedef struct eff_cs_agg {
    eff_cs_agg_type type;
    eff_cs_agg_row *rows;    /* none for simple */
    size_t n_rows;
    eff_cs_agg_row overall;
    double crit;             /* the bands' critical value (NaN without bootstrap) */
} eff_cs_agg;

eff_status eff_cs_aggregate(const eff_cs *cs, eff_cs_agg_type type, eff_cs_agg **out,
                            eff_error *err);
void eff_cs_agg_free(eff_cs_agg *a);

const char *eff_cs_agg_name(eff_cs_agg_type type);

/* A long table (one row per unit and period) as a panel. Columns: y and the covariates
 * numeric (missing = not observed), time and group whole numbers (group missing = 0, never
 * treated), id and cluster of any type. Errors (EFF_EINVAL, naming the file and line): an
 * unknown or text column, two rows for one unit and period, a cohort or cluster that changes
 * within a unit. The data owns its arrays; free with eff_cs_data_free. */
typedef struct eff_cs_columns {
    const char *y, *time, *id, *group;
    const char *const *x;
    size_t n_x;
    const char *cluster;     /* NULL: the unit */
} eff_cs_columns;

typedef struct eff_cs_data eff_cs_data;
struct eff_table;
eff_status eff_cs_panel_from_table(const struct eff_table *t, const eff_cs_columns *c,
                                   eff_cs_data **out, eff_error *err);
const eff_cs_panel *eff_cs_data_panel(const eff_cs_data *d);
void eff_cs_data_free(eff_cs_data *d);

#endif
