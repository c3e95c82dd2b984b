/* did.h - the seed report's event-study difference-in-differences on a matched panel:
 *
 *   g(E y) = a + sum_{e != -1} lambda_e [event time = e] + b treated
 *            + sum_{e != -1} delta_e treated [event time = e] + cohort effects + covariates
 *
 * with g the logit (binary outcome; exp(delta_e) is the odds ratio against e = -1) or the
 * identity (a continuous outcome; delta_e in its own units, e.g. percentage points). Event
 * time and cohort enter additively, as in the seed. Standard errors are cluster-robust
 * (glm.h's conventions: Stata's and R sandwich::vcovCL's). Per event time it also gives the
 * effect on the treated observed then on the response scale: the mean over them of
 * mu(x'b) - mu(x'b - delta_e), with its delta-method SE (ATT_e); and the joint Wald test that
 * every pre-period delta is zero (the pre-trend test; not rejecting it is no evidence of
 * parallel trends). A delta that cannot be estimated (collinear, no treated observations)
 * is reported as such, never as 0.
 * Ownership: eff_did_fit returns a result the caller frees with eff_did_free; the panel is
 * borrowed for the call. */
#ifndef EFF_DID_H
#define EFF_DID_H

#include <stddef.h>

#include "glm.h"
#include "table.h"

typedef struct eff_did_spec {
    const char *y;          /* outcome: 0/1 for logit */
    const char *treated;    /* 0/1 */
    const char *event_time; /* integer e = calendar year - start cohort */
    const char *cohort;     /* start cohort g (integer) */
    const char *cluster;    /* cluster column (any type): person, matched set or plan */
    const char *const *x;   /* numeric covariates (measured before the start) */
    size_t n_x;
    const char *weights;    /* optional matching weights */
    int emin, emax;         /* the window; rows outside it are left out; -1 is the reference */
    eff_glm_family family;
    int leave_out_separating; /* logit: a 0/1 covariate one of whose values meets only one
                                 outcome is left out with the rows at that value, as Stata's
                                 logit does (eff_did_left_out); else such data is an error */
} eff_did_spec;

/* A covariate left out for separation: rows where it equaled `value` were not used. */
typedef struct eff_did_left_out {
    char name[64];
    int value;
    int outcome;             /* the only outcome those rows had */
    size_t rows;
} eff_did_left_out;

typedef struct eff_did_effect {
    int event_time;
    int estimable;           /* 0 for e = -1 (the reference) and for a term that dropped */
    eff_coef_row coef;       /* delta_e: estimate, SE, p, 95% interval, odds ratio (logit) */
    double att, att_se;      /* ATT_e on the response scale (probability or units) */
    size_t n_treated;        /* treated observations at e */
} eff_did_effect;

typedef struct eff_did eff_did;

/* Errors: EFF_EINVAL (unknown or text column where a number is needed, a window without -1,
 * no treated or control observations, glm's errors), EFF_ENOCONV, EFF_ENOMEM. */
eff_status eff_did_fit(const eff_table *panel, const eff_did_spec *spec, const eff_ctx *ctx,
                       eff_did **out, eff_error *err);
void eff_did_free(eff_did *d);

/* Event times emin..emax in order (the reference included, not estimable). */
size_t eff_did_n_effects(const eff_did *d);
const eff_did_effect *eff_did_effect_at(const eff_did *d, size_t k);
/* The covariance of delta_e and delta_f (model scale) and of ATT_e and ATT_f (response scale,
 * delta method with the full cluster-robust V), for the effects at k and l of
 * eff_did_effect_at: what a joint test of several event times needs. NaN when either is not
 * estimable. */
double eff_did_delta_cov(const eff_did *d, size_t k, size_t l);
double eff_did_att_cov(const eff_did *d, size_t k, size_t l);
/* The pre-trend test over the estimable pre-period deltas; statistic NaN when there are none. */
eff_wald eff_did_pretrend(const eff_did *d);
const eff_glm *eff_did_model(const eff_did *d);
/* The design the model was fitted on (borrowed), the panel row of its row i, and the term of
 * the effect at k (SIZE_MAX when not estimable): what a bootstrap of one effect needs. */
const eff_design *eff_did_design(const eff_did *d);
size_t eff_did_panel_row(const eff_did *d, size_t i);
size_t eff_did_delta_term(const eff_did *d, size_t k);
size_t eff_did_n_obs(const eff_did *d);

/* The covariates left out for separation, in the order they were (leave_out_separating). */
size_t eff_did_n_left_out(const eff_did *d);
const eff_did_left_out *eff_did_left_out_at(const eff_did *d, size_t k);

#endif
