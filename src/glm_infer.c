/* glm_infer.c - regression-table rows, Wald tests, and predictions with delta-method
 * standard errors (distributions from GSL). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "glm_internal.h"
#include "linalg.h"
#include "mem.h"

/* Two-sided p-value and the (1 - alpha/2) quantile: z, or t with df degrees of freedom. */
static double two_sided_p(double stat, double df)
{
    return df > 0 ? 2 * gsl_cdf_tdist_Q(fabs(stat), df) : 2 * gsl_cdf_ugaussian_Q(fabs(stat));
}

static double quantile(double prob, double df)
{
    return df > 0 ? gsl_cdf_tdist_Pinv(prob, df) : gsl_cdf_ugaussian_Pinv(prob);
}

eff_coef_row eff_glm_coef_row(const eff_glm *g, size_t j)
{
    eff_coef_row r;
    double nan = NAN;
    r.estimate = r.std_error = r.statistic = r.p_value = nan;
    r.ci95_low = r.ci95_high = r.ci90_low = r.ci90_high = nan;
    r.odds_ratio = r.or95_low = r.or95_high = nan;
    if (!g->keep[j])
        return r;
    double df = g->stats.t_df;
    r.estimate = g->coef[j];
    r.std_error = sqrt(g->vcov[j * g->p + j]);
    r.statistic = r.estimate / r.std_error;
    r.p_value = two_sided_p(r.statistic, df);
    double q95 = quantile(0.975, df), q90 = quantile(0.95, df);
    r.ci95_low = r.estimate - q95 * r.std_error;
    r.ci95_high = r.estimate + q95 * r.std_error;
    r.ci90_low = r.estimate - q90 * r.std_error;
    r.ci90_high = r.estimate + q90 * r.std_error;
    if (g->family == EFF_GLM_LOGIT) {
        r.odds_ratio = exp(r.estimate);
        r.or95_low = exp(r.ci95_low);
        r.or95_high = exp(r.ci95_high);
    }
    return r;
}

eff_status eff_glm_wald(const eff_glm *g, const double *r_mat, const double *r_vec, size_t q,
                        eff_wald *out, eff_error *err)
{
    size_t p = g->p;
    if (q == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "a Wald test needs a restriction");
    for (size_t a = 0; a < q; a++)
        for (size_t j = 0; j < p; j++)
            if (!g->keep[j] && r_mat[a * p + j] != 0)
                return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                     "the restriction involves \"%s\", which was dropped",
                                     g->terms[j]);
    double *rb = eff_mallocarray(q, sizeof *rb), *rvr = eff_calloc(q * q, sizeof *rvr);
    double *sol = eff_mallocarray(q, sizeof *sol);
    if (!rb || !rvr || !sol) {
        eff_free(rb);
        eff_free(rvr);
        eff_free(sol);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t a = 0; a < q; a++) {
        rb[a] = -(r_vec ? r_vec[a] : 0);
        for (size_t j = 0; j < p; j++)
            if (g->keep[j])
                rb[a] += r_mat[a * p + j] * g->coef[j];
    }
    /* R V R' over the kept terms */
    for (size_t a = 0; a < q; a++)
        for (size_t b = 0; b < q; b++)
            for (size_t i = 0; i < p; i++) {
                if (!g->keep[i] || r_mat[a * p + i] == 0)
                    continue;
                for (size_t j = 0; j < p; j++)
                    if (g->keep[j])
                        rvr[b * q + a] += r_mat[a * p + i] * g->vcov[j * p + i] * r_mat[b * p + j];
            }
    double rcond;
    eff_status st = eff_linalg_spd_solve(rvr, q, rb, sol, NULL, 1e-14, &rcond, err);
    if (!st) {
        double w = 0;
        for (size_t a = 0; a < q; a++)
            w += rb[a] * sol[a];
        double df2 = g->stats.t_df;
        if (df2 > 0) {
            out->statistic = w / (double)q;
            out->df1 = (double)q;
            out->df2 = df2;
            out->p_value = gsl_cdf_fdist_Q(out->statistic, (double)q, df2);
        } else {
            out->statistic = w;
            out->df1 = (double)q;
            out->df2 = 0;
            out->p_value = gsl_cdf_chisq_Q(w, (double)q);
        }
    } else if (st == EFF_ESINGULAR) { /* EFF_ENOMEM stays what it is */
        st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                           "the restrictions' variance R V R' is singular (are two restrictions "
                           "the same?)");
    }
    eff_free(rb);
    eff_free(rvr);
    eff_free(sol);
    return st;
}

/* mu(eta) and d mu / d eta. */
static void mean_and_slope(eff_glm_family family, double eta, double *mu, double *slope)
{
    if (family == EFF_GLM_LOGIT) {
        *mu = 1.0 / (1.0 + exp(-eta));
        *slope = *mu * (1 - *mu);
    } else {
        *mu = eta;
        *slope = 1;
    }
}

static double linear_predictor(const eff_glm *g, const double *x)
{
    double eta = 0;
    for (size_t j = 0; j < g->p; j++)
        if (g->keep[j])
            eta += x[j] * g->coef[j];
    return eta;
}

/* a' V b over the kept terms, and the sum of its terms' magnitudes (what rounding scales with). */
static double quad_form(const eff_glm *g, const double *a, const double *b, double *magnitude)
{
    double v = 0, m = 0;
    for (size_t i = 0; i < g->p; i++) {
        if (!g->keep[i] || a[i] == 0)
            continue;
        for (size_t j = 0; j < g->p; j++)
            if (g->keep[j]) {
                double t = a[i] * g->vcov[j * g->p + i] * b[j];
                v += t, m += fabs(t);
            }
    }
    *magnitude = m;
    return v;
}

double eff_glm_cov_of(const eff_glm *g, const double *a, const double *b)
{
    double magnitude;
    return quad_form(g, a, b, &magnitude);
}

double eff_glm_se_of(const eff_glm *g, const double *a)
{
    double magnitude, v = quad_form(g, a, a, &magnitude);
    /* rounding leaves about p^2 epsilons of the magnitude: far below 1e-11 of it for any
     * model this library fits, so a smaller result is noise */
    if (magnitude > 0 && !(v > 1e-11 * magnitude))
        return NAN;
    return sqrt(v > 0 ? v : 0);
}


eff_status eff_glm_lincomb(const eff_glm *g, const double *xs, const double *offsets,
                           const double *c, size_t m, double *value, double *se, eff_error *err)
{
    double *grad = eff_calloc(g->p, sizeof *grad);
    if (!grad)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    double sum = 0;
    for (size_t k = 0; k < m; k++) {
        const double *x = xs + k * g->p;
        double mu, slope;
        mean_and_slope(g->family, linear_predictor(g, x) + (offsets ? offsets[k] : 0), &mu, &slope);
        sum += c[k] * mu;
        for (size_t j = 0; j < g->p; j++)
            grad[j] += c[k] * slope * x[j];
    }
    *value = sum;
    *se = eff_glm_se_of(g, grad);
    eff_free(grad);
    return EFF_OK;
}

eff_status eff_glm_average_effect_grad(const eff_glm *g, const eff_design *d, size_t j,
                                       const size_t *rows, size_t n_rows, double *value,
                                       double *grad, eff_error *err)
{
    size_t n = eff_design_n(d), p = g->p;
    if (eff_design_p(d) != p || j >= p)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the design does not match the fit");
    if (!g->keep[j])
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "term \"%s\" was dropped: it has no effect to average", g->terms[j]);
    size_t count = rows ? n_rows : n;
    double *x = eff_mallocarray(p, sizeof *x);
    if (!x || count == 0) {
        eff_free(x);
        return count ? eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory")
                     : eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "no rows to average over");
    }
    memset(grad, 0, p * sizeof *grad);
    const double *off = eff_design_offset(d);
    double sum = 0;
    for (size_t r = 0; r < count; r++) {
        size_t i = rows ? rows[r] : r;
        for (size_t l = 0; l < p; l++)
            x[l] = eff_design_xc(d)[l * n + i];
        double mu1, s1, mu0, s0, o = off ? off[i] : 0;
        x[j] = 1;
        double eta1 = linear_predictor(g, x) + o;
        mean_and_slope(g->family, eta1, &mu1, &s1);
        for (size_t l = 0; l < p; l++)
            grad[l] += s1 * x[l] / (double)count;
        x[j] = 0;
        mean_and_slope(g->family, linear_predictor(g, x) + o, &mu0, &s0);
        for (size_t l = 0; l < p; l++)
            grad[l] -= s0 * x[l] / (double)count;
        sum += mu1 - mu0;
    }
    for (size_t l = 0; l < p; l++)
        if (!g->keep[l])
            grad[l] = 0;
    *value = sum / (double)count;
    eff_free(x);
    return EFF_OK;
}

eff_status eff_glm_average_effect(const eff_glm *g, const eff_design *d, size_t j,
                                  const size_t *rows, size_t n_rows, double *value, double *se,
                                  eff_error *err)
{
    double *grad = eff_calloc(g->p, sizeof *grad);
    if (!grad)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = eff_glm_average_effect_grad(g, d, j, rows, n_rows, value, grad, err);
    if (st == EFF_OK)
        *se = eff_glm_se_of(g, grad);
    eff_free(grad);
    return st;
}
