/* wildboot_score.c - the restricted score bootstrap of a logit coefficient (Kline and Santos
 * 2012, as boottest after ML; formulas in wildboot.h). For each theta: the logit refitted with
 * b_j = theta by Newton's method on the other coefficients, warm-started from the last fit;
 * at that fit, the cluster sums of the scores projected on A e_j; then the draws, O(G) each.
 * Owns the restricted fit's arrays; the data, the fit and the draws are the problem's. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "linalg.h"
#include "mem.h"
#include "parallel.h"
#include "wildboot_internal.h"

enum { BLOCK_ROWS = 2048, MAX_ITER = 100 };

/* Stopping rule of glm.h's IRLS: |D - D_old| / (|D| + 0.1) < 1e-14 or a largest relative step
 * below 1e-12; quadratic convergence leaves the coefficients at machine precision then. */
static const double DEV_TOL = 1e-14, STEP_TOL = 1e-12;
/* A restricted information matrix less well conditioned than this is not solved. */
static const double MIN_RCOND = 1e-13;

typedef struct score {
    wild_engine base;
    const wild_problem *pb;
    double *beta;      /* the last restricted fit (k): the next one starts there */
    double *pi;        /* G: each cluster's share of the weight */
    double *H, *grad;  /* k x k information and k score at the last pass */
    double *S;         /* G x K cluster score sums at the last pass */
    double dev;
    double *trial, *step, *hff, *gf, *d, *A; /* scratch: k, k, k x k, k, k, k x k */
    double *s;         /* G: the projected cluster scores */
    unsigned char *ones; /* G codes of v = 1 */
    double *h_part[EFF_MAX_PARTS], *g_part[EFF_MAX_PARTS], *s_part[EFF_MAX_PARTS];
    double *block[EFF_MAX_PARTS], dev_part[EFF_MAX_PARTS];
    const double *at;  /* coefficients of the pass under way */
} score;

/* ---- one pass over the data at e->at ---- */

/* Row terms at eta: deviance, sqrt of the working weight, score weight w (y - p). */
static double row_terms(const wild_problem *pb, size_t i, double eta, double *sw, double *u)
{
    double e = exp(-fabs(eta)), p = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
    double wi = pb->w ? pb->w[i] : 1, y = pb->y[i];
    *sw = sqrt(wi * p * (1 - p));
    *u = wi * (y - p);
    return 2 * wi * ((eta > 0 ? eta : 0) + log1p(e) - y * eta);
}

static void pass_part(void *arg, size_t lo, size_t hi, int part)
{
    score *e = arg;
    const wild_problem *pb = e->pb;
    size_t k = pb->k, g_count = pb->g;
    double eta[BLOCK_ROWS], sw[BLOCK_ROWS], u[BLOCK_ROWS], dev = 0;
    double *h = e->h_part[part], *grad = e->g_part[part], *s = e->s_part[part];
    double *b = e->block[part];
    memset(h, 0, k * k * sizeof *h);
    memset(grad, 0, k * sizeof *grad);
    memset(s, 0, g_count * k * sizeof *s);
    for (size_t r0 = lo; r0 < hi; r0 += BLOCK_ROWS) {
        size_t m = hi - r0 < BLOCK_ROWS ? hi - r0 : BLOCK_ROWS;
        for (size_t i = 0; i < m; i++)
            eta[i] = pb->offset ? pb->offset[r0 + i] : 0;
        for (size_t c = 0; c < k; c++)
            for (size_t i = 0; i < m; i++)
                eta[i] += pb->col[c][r0 + i] * e->at[c];
        for (size_t i = 0; i < m; i++)
            dev += row_terms(pb, r0 + i, eta[i], &sw[i], &u[i]);
        const int32_t *cl = pb->cl + r0;
        for (size_t c = 0; c < k; c++) {
            const double *x = pb->col[c] + r0;
            double *bc = b + c * BLOCK_ROWS, *sc = s + c * g_count, gc = 0;
            for (size_t i = 0; i < m; i++) {
                bc[i] = x[i] * sw[i];
                sc[cl[i]] += x[i] * u[i];
                gc += x[i] * u[i];
            }
            grad[c] += gc;
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)m, 1.0, b, BLOCK_ROWS,
                    1.0, h, (int)k);
    }
    e->dev_part[part] = dev;
}

/* Runs the pass at `at`; the sums end up in e->H (full), e->grad, e->S, e->dev. */
static void pass(score *e, const double *at)
{
    const wild_problem *pb = e->pb;
    size_t k = pb->k, gk = pb->g * k;
    int parts = pb->threads;
    e->at = at;
    eff_parallel_for(parts, pb->n, pass_part, e);
    memcpy(e->H, e->h_part[0], k * k * sizeof *e->H);
    memcpy(e->grad, e->g_part[0], k * sizeof *e->grad);
    memcpy(e->S, e->s_part[0], gk * sizeof *e->S);
    e->dev = e->dev_part[0];
    for (int t = 1; t < parts; t++) {
        for (size_t i = 0; i < k * k; i++)
            e->H[i] += e->h_part[t][i];
        for (size_t i = 0; i < k; i++)
            e->grad[i] += e->g_part[t][i];
        for (size_t i = 0; i < gk; i++)
            e->S[i] += e->s_part[t][i];
        e->dev += e->dev_part[t];
    }
    for (size_t j = 0; j < k; j++) /* dsyrk filled the upper triangle */
        for (size_t i = 0; i < j; i++)
            e->H[i * k + j] = e->H[j * k + i];
}

/* ---- the restricted fit ---- */

/* The Newton step on the free coefficients (all but jk): H_FF d = grad_F. */
static eff_status newton_step(score *e, double theta, double *step, eff_error *err)
{
    size_t k = e->pb->k, jk = e->pb->jk, f = k - 1;
    double *hff = e->hff, *gf = e->gf, *d = e->d, rcond;
    for (size_t c = 0, a = 0; c < k; c++) {
        if (c == jk)
            continue;
        gf[a] = e->grad[c];
        for (size_t r = 0, b = 0; r < k; r++)
            if (r != jk)
                hff[a * f + b++] = e->H[c * k + r];
        a++;
    }
    eff_status st = eff_linalg_spd_solve(hff, f, gf, d, NULL, MIN_RCOND, &rcond, err);
    if (st == EFF_ENOMEM)
        return st;
    if (st)
        return eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0,
                             "the logit with the coefficient fixed at %.10g has an "
                             "ill-conditioned information matrix (reciprocal condition %.3g)",
                             theta, rcond);
    for (size_t c = 0, a = 0; c < k; c++)
        step[c] = c == jk ? 0 : d[a++];
    return EFF_OK;
}

/* Fits the logit with b_j = theta from e->beta; e->beta, H, grad, S are the fit's after. */
static eff_status restricted_fit(score *e, double theta, eff_error *err)
{
    size_t k = e->pb->k;
    double *trial = e->trial, *step = e->step;
    e->beta[e->pb->jk] = theta;
    pass(e, e->beta);
    if (!isfinite(e->dev))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the logit deviance with the coefficient fixed at %.10g is not "
                             "finite", theta);
    for (int it = 0; k > 1 && it < MAX_ITER; it++) {
        if (eff_ctx_cancelled(e->pb->ctx))
            return eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted in the score bootstrap");
        eff_status st = newton_step(e, theta, step, err);
        if (st)
            return st;
        double dev_old = e->dev, largest = 0;
        for (size_t c = 0; c < k; c++)
            trial[c] = e->beta[c] + step[c];
        pass(e, trial);
        /* step-halving while the deviance is not finite or went up (as glm_fit.c) */
        for (int h = 0; h < 30 && !(e->dev <= dev_old + 1e-12 * (fabs(dev_old) + 0.1)); h++) {
            for (size_t c = 0; c < k; c++)
                trial[c] = 0.5 * (trial[c] + e->beta[c]);
            pass(e, trial);
        }
        for (size_t c = 0; c < k; c++) {
            double s = fabs(trial[c] - e->beta[c]) / (fabs(trial[c]) + 1);
            largest = s > largest ? s : largest;
        }
        memcpy(e->beta, trial, k * sizeof *trial);
        if (fabs(e->dev - dev_old) / (fabs(e->dev) + 0.1) < DEV_TOL || largest < STEP_TOL)
            return isfinite(e->dev) ? EFF_OK
                                    : eff_error_set(err, EFF_ENOCONV, NULL, 0, 0,
                                                    "the restricted logit deviance is not finite");
    }
    if (k == 1)
        return EFF_OK; /* nothing free: the pass at theta is the fit */
    return eff_error_set(err, EFF_ENOCONV, NULL, 0, 0,
                         "the logit with the coefficient fixed at %.10g did not converge in %d "
                         "iterations", theta, MAX_ITER);
}

/* ---- the statistic and the draws ---- */

/* s = S A e_j at the restricted fit: the cluster scores projected as boottest's uXAR. */
static eff_status projected_scores(score *e, double theta, double *s, eff_error *err)
{
    size_t k = e->pb->k;
    double *A = e->A, rcond;
    eff_status st = eff_linalg_spd_solve(e->H, k, e->grad, e->d, A, MIN_RCOND, &rcond, err);
    if (st == EFF_ENOMEM)
        return st;
    if (st)
        return eff_error_set(err, EFF_ESINGULAR, NULL, 0, 0,
                             "the logit information at the coefficient fixed at %.10g is "
                             "ill-conditioned (reciprocal condition %.3g)", theta, rcond);
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)e->pb->g, (int)k, 1.0, e->S, (int)e->pb->g,
                A + e->pb->jk * k, 1, 0.0, s, 1);
    return EFF_OK;
}

/* The statistic of one draw: sum v s / sqrt(c sum_h (v_h s_h - pi_h sum v s)^2). */
static double draw_stat(const score *e, const unsigned char *code, const double *s)
{
    const wild_problem *pb = e->pb;
    double num = 0, den = 0;
    for (size_t h = 0; h < pb->g; h++)
        num += pb->value[code[h]] * s[h];
    for (size_t h = 0; h < pb->g; h++) {
        double z = pb->value[code[h]] * s[h] - e->pi[h] * num;
        den += z * z;
    }
    return num / sqrt(pb->c * den);
}

static eff_status score_eval(wild_engine *base, double theta, double *stat, double *draws,
                             eff_error *err)
{
    score *e = (score *)base;
    const wild_problem *pb = e->pb;
    eff_status st = restricted_fit(e, theta, err);
    if (!st)
        st = projected_scores(e, theta, e->s, err);
    if (st)
        return st;
    for (long b = 0; b < pb->reps; b++)
        draws[b] = draw_stat(e, pb->code + (size_t)b * pb->g, e->s);
    *stat = draw_stat(e, e->ones, e->s);
    return EFF_OK;
}

/* ---- the engine ---- */

static void score_restart(wild_engine *base)
{
    score *e = (score *)base;
    memcpy(e->beta, e->pb->beta, e->pb->k * sizeof *e->beta);
}

static void score_free(wild_engine *base)
{
    score *e = (score *)base;
    if (!e)
        return;
    for (int t = 0; t < EFF_MAX_PARTS; t++) {
        eff_free(e->h_part[t]);
        eff_free(e->g_part[t]);
        eff_free(e->s_part[t]);
        eff_free(e->block[t]);
    }
    eff_free(e->beta);
    eff_free(e->pi);
    eff_free(e->H);
    eff_free(e->grad);
    eff_free(e->S);
    eff_free(e->trial);
    eff_free(e->step);
    eff_free(e->hff);
    eff_free(e->gf);
    eff_free(e->d);
    eff_free(e->A);
    eff_free(e->s);
    eff_free(e->ones);
    eff_free(e);
}

static int alloc_arrays(score *e)
{
    const wild_problem *pb = e->pb;
    size_t k = pb->k, g_count = pb->g;
    e->beta = eff_mallocarray(k, sizeof *e->beta);
    e->pi = eff_calloc(g_count, sizeof *e->pi);
    e->H = eff_mallocarray(k * k, sizeof *e->H);
    e->grad = eff_mallocarray(k, sizeof *e->grad);
    e->S = eff_mallocarray(g_count * k, sizeof *e->S);
    e->trial = eff_mallocarray(k, sizeof(double));
    e->step = eff_mallocarray(k, sizeof(double));
    e->hff = eff_mallocarray(k * k, sizeof(double));
    e->gf = eff_mallocarray(k, sizeof(double));
    e->d = eff_mallocarray(k, sizeof(double));
    e->A = eff_mallocarray(k * k, sizeof(double));
    e->s = eff_mallocarray(g_count, sizeof(double));
    e->ones = eff_malloc(g_count);
    int ok = e->beta && e->pi && e->H && e->grad && e->S && e->trial && e->step && e->hff &&
             e->gf && e->d && e->A && e->s && e->ones;
    for (int t = 0; ok && t < pb->threads; t++) {
        e->h_part[t] = eff_mallocarray(k * k, sizeof(double));
        e->g_part[t] = eff_mallocarray(k, sizeof(double));
        e->s_part[t] = eff_mallocarray(g_count * k, sizeof(double));
        e->block[t] = eff_mallocarray((size_t)BLOCK_ROWS * k, sizeof(double));
        ok = e->h_part[t] && e->g_part[t] && e->s_part[t] && e->block[t];
    }
    return ok;
}

eff_status wild_score_new(const wild_problem *pb, wild_engine **out, eff_error *err)
{
    score *e = eff_calloc(1, sizeof *e);
    if (e)
        e->pb = pb;
    if (!e || !alloc_arrays(e)) {
        score_free(e ? &e->base : NULL);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    e->base.eval = score_eval;
    e->base.destroy = score_free;
    e->base.restart = score_restart;
    e->base.scale = pb->fit_se;
    e->base.root_tol = 1e-9;
    e->base.grid = 6; /* each point is a refit */
    double total = 0;
    for (size_t i = 0; i < pb->n; i++) {
        double wi = pb->w ? pb->w[i] : 1;
        e->pi[pb->cl[i]] += wi;
        total += wi;
    }
    for (size_t h = 0; h < pb->g; h++)
        e->pi[h] /= total;
    unsigned char one = 0;
    while (pb->value[one] != 1) /* Rademacher's code 0, Webb's code 4 */
        one++;
    memset(e->ones, one, pb->g);
    score_restart(&e->base);
    *out = &e->base;
    return EFF_OK;
}
