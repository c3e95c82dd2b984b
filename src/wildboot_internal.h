/* wildboot_internal.h - shared by wildboot.c (checks, weights, p-values, the interval search),
 * wildboot_wcr.c (linear: the restricted wild bootstrap) and wildboot_score.c (logit: the
 * restricted score bootstrap). Formulas and references in wildboot.h. */
#ifndef EFF_WILDBOOT_INTERNAL_H
#define EFF_WILDBOOT_INTERNAL_H

#include "wildboot.h"

/* The problem both methods see: the kept columns of the design, the tested one among them,
 * the clusters, the draws. Everything is borrowed from the caller's design and fit. */
typedef struct wild_problem {
    size_t n, k;              /* rows; kept terms */
    size_t jk;                /* the tested term among the kept ones */
    const double **col;       /* k kept columns (n each) */
    const double *y, *w, *offset; /* w and offset may be NULL */
    const int32_t *cl;        /* cluster code per row */
    size_t g;                 /* clusters */
    double n_obs;             /* N of (N-1)/(N-K): rows, or the sum of frequency weights */
    double c;                 /* the small-sample factor on the variance */
    const double *beta;       /* the fit's kept coefficients (k) */
    double estimate;          /* beta[jk] */
    double fit_se;            /* the fit's standard error of term j: a scale for the search */
    int threads;
    const eff_ctx *ctx;
    /* the draws: code[b * g + h] indexes value[] for cluster h in draw b */
    long reps;
    unsigned char *code;
    double value[6];
} wild_problem;

/* One method, evaluated at any theta: the sample statistic and the draws' statistics (reps,
 * always written). scale is the standard error the interval search steps by; root_tol its
 * tolerance in units of scale; grid the points it first tries between the estimate and the
 * bracket (a refit each, for logit). */
typedef struct wild_engine {
    eff_status (*eval)(struct wild_engine *e, double theta, double *stat, double *draws,
                       eff_error *err);
    void (*destroy)(struct wild_engine *e);
    double scale, root_tol;
    int grid;
    void (*restart)(struct wild_engine *e); /* before the search (NULL: none); the logit's
                                               warm starts begin again from the fit */
} wild_engine;

/* The linear model's WCR engine, its draws prepared around theta0 (wildboot_wcr.c). */
eff_status wild_wcr_new(const wild_problem *pb, double theta0, wild_engine **out,
                        eff_error *err);

/* The logit's score-bootstrap engine (wildboot_score.c). */
eff_status wild_score_new(const wild_problem *pb, wild_engine **out, eff_error *err);

#endif
