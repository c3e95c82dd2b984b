/* test_wildboot.c - the wild cluster bootstrap (src/wildboot.h) against brute force: every
 * one of the 2^G Rademacher draws refitted with eff_glm_fit (linear WCR), or the score
 * statistic recomputed row by row from its definition (logit); against an independent R
 * implementation (tests/ref/wild/make_wild_refs.R: lm + sandwich::vcovCL per draw); the
 * interval by test inversion at its ends; the weight rules; bad inputs; allocation failures. */
#include <lapacke.h>

#include <gsl/gsl_randist.h>

#include "eff_test.h"

#define REF "tests/ref/wild/"

/* Tolerances. Brute force refits every draw with the fit's own QR (linear) or IRLS to the
 * optimum (logit), while wildboot.c uses cluster-level algebra: the two agree to rounding,
 * about 1e-13 relative on these small problems; 1e-9 leaves room for the conditioning of a
 * draw. R solves its own QR (LINPACK) and sums in another order: 1e-8, as the brief asks. */
#define BRUTE_RTOL 1e-9
#define R_RTOL 1e-8
/* The tie rule of wildboot.h, repeated here so that the brute force counts the same way. */
#define TIE_RTOL 1e-9

/* ---- synthetic data ---- */

typedef struct data {
    size_t n, p, g;       /* rows, terms (intercept first), clusters */
    double *x, *y, *yb, *w, *off; /* x n x p column-major; y linear, yb 0/1 */
    int32_t *cl;
} data;

/* Clusters of unequal sizes (6 + 3 (h mod 5) rows), a cluster-level regressor, a cluster
 * effect and heteroskedastic noise: the case the wild cluster bootstrap is for. */
static data make_data(size_t g_count, uint64_t seed)
{
    data s;
    memset(&s, 0, sizeof s);
    for (size_t h = 0; h < g_count; h++)
        s.n += 6 + 3 * (h % 5);
    s.p = 4;
    s.g = g_count;
    s.x = calloc(s.n * s.p, sizeof *s.x);
    s.y = calloc(s.n, sizeof *s.y);
    s.yb = calloc(s.n, sizeof *s.yb);
    s.w = calloc(s.n, sizeof *s.w);
    s.off = calloc(s.n, sizeof *s.off);
    s.cl = calloc(s.n, sizeof *s.cl);
    gsl_rng *r = eff_rng_new(seed, 0);
    double effect[64], level[64];
    for (size_t h = 0; h < g_count; h++) {
        effect[h] = gsl_ran_gaussian(r, 0.5);
        level[h] = gsl_ran_gaussian(r, 1);
    }
    for (size_t h = 0, i = 0; h < g_count; h++)
        for (size_t m = 0; m < 6 + 3 * (h % 5); m++, i++) {
            s.cl[i] = (int32_t)h;
            s.x[i] = 1;
            s.x[s.n + i] = gsl_ran_gaussian(r, 1);
            s.x[2 * s.n + i] = level[h] + gsl_ran_gaussian(r, 0.5);
            s.x[3 * s.n + i] = gsl_rng_uniform(r) < 0.4;
            double eta = 0.5 + 0.4 * s.x[s.n + i] - 0.3 * s.x[2 * s.n + i] + 0.2 * s.x[3 * s.n + i];
            s.y[i] = eta + effect[h] + gsl_ran_gaussian(r, 1 + fabs(s.x[s.n + i]));
            s.yb[i] = gsl_rng_uniform(r) < 1 / (1 + exp(-(eta - 0.5 + effect[h])));
            s.w[i] = 0.5 + 2 * gsl_rng_uniform(r);
            s.off[i] = gsl_ran_gaussian(r, 0.3);
        }
    eff_rng_free(r);
    return s;
}

static void free_data(data *s)
{
    free(s->x);
    free(s->y);
    free(s->yb);
    free(s->w);
    free(s->off);
    free(s->cl);
}

/* A design of the columns `keep` marks (all when NULL), outcome y, optional weights and
 * offset, and the data's clusters. */
static eff_design *design_of(const data *s, const unsigned char *keep, const double *y,
                             const double *w, const double *off)
{
    size_t p = 0;
    for (size_t c = 0; c < s->p; c++)
        p += !keep || keep[c];
    eff_design *d = eff_design_new(s->n, p);
    assert_non_null(d);
    static const char *names[] = {"(Intercept)", "x1", "x2", "x3"};
    for (size_t c = 0, a = 0; c < s->p; c++) {
        if (keep && !keep[c])
            continue;
        memcpy(eff_design_x(d) + a * s->n, s->x + c * s->n, s->n * sizeof(double));
        assert_int_equal(eff_design_set_term(d, a++, names[c], NULL), EFF_OK);
    }
    memcpy(eff_design_y(d), y, s->n * sizeof(double));
    if (w)
        assert_int_equal(eff_design_set_weights(d, w, NULL), EFF_OK);
    if (off)
        assert_int_equal(eff_design_set_offset(d, off, NULL), EFF_OK);
    assert_int_equal(eff_design_set_clusters(d, s->cl, s->g, NULL), EFF_OK);
    return d;
}

static eff_glm *fit(const eff_design *d, eff_glm_family family)
{
    eff_glm_options o = eff_glm_options_default();
    o.family = family;
    o.vcov = EFF_VCOV_CLUSTER;
    eff_glm *g = NULL;
    eff_error err;
    if (eff_glm_fit(d, &o, NULL, &g, &err) != EFF_OK) {
        print_error("fit: %s\n", err.msg);
        fail();
    }
    return g;
}

static long count_extreme(const double *ts, long reps, double t)
{
    long c = 0;
    for (long b = 0; b < reps; b++)
        c += fabs(ts[b]) >= fabs(t) * (1 - TIE_RTOL);
    return c;
}

/* The fit under b_j = theta: column j out, theta x_j into the offset; all p coefficients. */
static void restricted(const data *s, size_t j, double theta, const double *y, const double *w,
                       const double *off, eff_glm_family family, double *beta)
{
    unsigned char keep[4] = {1, 1, 1, 1};
    keep[j] = 0;
    double *o = malloc(s->n * sizeof *o);
    for (size_t i = 0; i < s->n; i++)
        o[i] = (off ? off[i] : 0) + theta * s->x[j * s->n + i];
    eff_design *d = design_of(s, keep, y, w, o);
    eff_glm *g = fit(d, family);
    for (size_t c = 0, a = 0; c < s->p; c++)
        beta[c] = c == j ? theta : eff_glm_coef(g)[a++];
    eff_glm_free(g);
    eff_design_free(d);
    free(o);
}

static double xb(const data *s, size_t i, const double *beta)
{
    double v = 0;
    for (size_t c = 0; c < s->p; c++)
        v += s->x[c * s->n + i] * beta[c];
    return v;
}

static double wald_t(const eff_glm *g, size_t j, double theta)
{
    return (eff_glm_coef(g)[j] - theta) / sqrt(eff_glm_vcov(g)[j * eff_glm_p(g) + j]);
}

/* ---- 1. enumeration against brute force ---- */

typedef struct lin_case {
    size_t j;
    double theta;
    int weighted, offset;
} lin_case;

/* WCR by refitting: y* = X b~ + off + v_g u~, t* = (b*_j - theta) / se*_j from eff_glm_fit. */
static void brute_wcr(const data *s, const lin_case *lc, double *ts, double *t)
{
    const double *w = lc->weighted ? s->w : NULL, *off = lc->offset ? s->off : NULL;
    eff_design *d = design_of(s, NULL, s->y, w, off);
    eff_glm *g = fit(d, EFF_GLM_GAUSSIAN);
    *t = wald_t(g, lc->j, lc->theta);
    eff_glm_free(g);
    eff_design_free(d);
    double beta[4], *fitted = malloc(s->n * sizeof *fitted), *ystar = malloc(s->n * sizeof *ystar);
    restricted(s, lc->j, lc->theta, s->y, w, off, EFF_GLM_GAUSSIAN, beta);
    for (size_t i = 0; i < s->n; i++)
        fitted[i] = xb(s, i, beta) + (off ? off[i] : 0);
    for (long b = 0; b < 1L << s->g; b++) {
        for (size_t i = 0; i < s->n; i++)
            ystar[i] = fitted[i] + ((b >> s->cl[i]) & 1 ? -1 : 1) * (s->y[i] - fitted[i]);
        d = design_of(s, NULL, ystar, w, off);
        g = fit(d, EFF_GLM_GAUSSIAN);
        ts[b] = wald_t(g, lc->j, lc->theta);
        eff_glm_free(g);
        eff_design_free(d);
    }
    free(fitted);
    free(ystar);
}

/* Runs eff_wild_test_draws with Rademacher weights and reps = 2^G (enumeration). */
static eff_wild_result wild(const data *s, const double *y, const double *w, const double *off,
                            eff_glm_family family, size_t j, double theta, double *ts)
{
    eff_design *d = design_of(s, NULL, y, w, off);
    eff_glm *g = fit(d, family);
    eff_wild_options o = eff_wild_options_default();
    o.weights = EFF_BOOT_RADEMACHER;
    o.reps = 1L << s->g;
    o.want_ci = 0;
    eff_wild_result r;
    eff_error err;
    if (eff_wild_test_draws(g, d, j, theta, NULL, 0, &o, NULL, &r, ts, (size_t)o.reps, &err)) {
        print_error("wild: %s\n", err.msg);
        fail();
    }
    eff_glm_free(g);
    eff_design_free(d);
    return r;
}

static void compare(const eff_wild_result *r, double t, const double *ts, const double *want,
                    long reps, double rtol)
{
    assert_int_equal(r->enumerated, 1);
    assert_int_equal(r->reps, reps);
    eff_assert_close(r->statistic, t, rtol, 0);
    for (long b = 0; b < reps; b++)
        eff_assert_close(ts[b], want[b], rtol, rtol);
    long count = count_extreme(want, reps, t);
    assert_int_equal(lround(r->p_value * (double)reps), count);
    assert_true(fabs(r->p_value * (double)reps - (double)count) < 1e-9);
}

static void wcr_matches_brute_force(void **state)
{
    (void)state;
    static const lin_case cases[] = {{1, 0.0, 0, 0}, {2, -0.3, 1, 0}, {3, 0.5, 0, 1}};
    data s = make_data(10, 7);
    long reps = 1L << s.g;
    double *ts = malloc((size_t)reps * sizeof *ts), *want = malloc((size_t)reps * sizeof *want);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const lin_case *lc = &cases[c];
        double t;
        brute_wcr(&s, lc, want, &t);
        eff_wild_result r = wild(&s, s.y, lc->weighted ? s.w : NULL, lc->offset ? s.off : NULL,
                                 EFF_GLM_GAUSSIAN, lc->j, lc->theta, ts);
        assert_int_equal(r.method, 0);
        compare(&r, t, ts, want, reps, BRUTE_RTOL);
    }
    free(ts);
    free(want);
    free_data(&s);
}

/* A = (X'WX)^-1 at p_i (k = 4), by LAPACK's Cholesky. */
static void information_inverse(const data *s, const double *w, const double *pr, double *A)
{
    memset(A, 0, 16 * sizeof *A);
    for (size_t i = 0; i < s->n; i++) {
        double v = (w ? w[i] : 1) * pr[i] * (1 - pr[i]);
        for (size_t a = 0; a < 4; a++)
            for (size_t b = 0; b < 4; b++)
                A[b * 4 + a] += v * s->x[a * s->n + i] * s->x[b * s->n + i];
    }
    assert_int_equal(LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', 4, A, 4), 0);
    assert_int_equal(LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', 4, A, 4), 0);
    for (size_t b = 0; b < 4; b++)
        for (size_t a = b + 1; a < 4; a++)
            A[b * 4 + a] = A[a * 4 + b];
}

/* The score statistic of sign vector b, row by row: u*_i = v_g(i) w_i (y_i - p_i) x_i'A e_j,
 * t* = sum u* / sqrt(G/(G-1) sum_h (sum_{i in h} u*_i - pi_h sum u*)^2). b < 0: v = 1. */
static double score_stat(const data *s, const double *u, const double *pi, long b)
{
    double num = 0, sums[64] = {0}, den = 0;
    for (size_t i = 0; i < s->n; i++) {
        double us = (b >= 0 && ((b >> s->cl[i]) & 1) ? -1 : 1) * u[i];
        num += us;
        sums[s->cl[i]] += us;
    }
    for (size_t h = 0; h < s->g; h++)
        den += (sums[h] - pi[h] * num) * (sums[h] - pi[h] * num);
    return num / sqrt((double)s->g / ((double)s->g - 1) * den);
}

static void brute_score(const data *s, const lin_case *lc, double *ts, double *t)
{
    const double *w = lc->weighted ? s->w : NULL, *off = lc->offset ? s->off : NULL;
    double beta[4], A[16], pi[64] = {0}, total = 0;
    double *pr = malloc(s->n * sizeof *pr), *u = malloc(s->n * sizeof *u);
    restricted(s, lc->j, lc->theta, s->yb, w, off, EFF_GLM_LOGIT, beta);
    for (size_t i = 0; i < s->n; i++)
        pr[i] = 1 / (1 + exp(-(xb(s, i, beta) + (off ? off[i] : 0))));
    information_inverse(s, w, pr, A);
    for (size_t i = 0; i < s->n; i++) {
        double xa = 0, wi = w ? w[i] : 1;
        for (size_t c = 0; c < 4; c++)
            xa += s->x[c * s->n + i] * A[lc->j * 4 + c];
        u[i] = wi * (s->yb[i] - pr[i]) * xa;
        pi[s->cl[i]] += wi;
        total += wi;
    }
    for (size_t h = 0; h < s->g; h++)
        pi[h] /= total;
    *t = score_stat(s, u, pi, -1);
    for (long b = 0; b < 1L << s->g; b++)
        ts[b] = score_stat(s, u, pi, b);
    free(pr);
    free(u);
}

static void score_matches_brute_force(void **state)
{
    (void)state;
    static const lin_case cases[] = {{1, 0.0, 0, 0}, {2, -0.4, 1, 0}, {3, 0.3, 0, 1}};
    data s = make_data(9, 11);
    long reps = 1L << s.g;
    double *ts = malloc((size_t)reps * sizeof *ts), *want = malloc((size_t)reps * sizeof *want);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const lin_case *lc = &cases[c];
        double t;
        brute_score(&s, lc, want, &t);
        eff_wild_result r = wild(&s, s.yb, lc->weighted ? s.w : NULL, lc->offset ? s.off : NULL,
                                 EFF_GLM_LOGIT, lc->j, lc->theta, ts);
        assert_int_equal(r.method, 1);
        compare(&r, t, ts, want, reps, BRUTE_RTOL);
    }
    free(ts);
    free(want);
    free_data(&s);
}

/* ---- 2. the interval by test inversion ---- */

static double p_at(const eff_glm *g, const eff_design *d, size_t j, double theta,
                   const eff_wild_options *base)
{
    eff_wild_options o = *base;
    o.want_ci = 0;
    eff_wild_result r;
    assert_int_equal(eff_wild_test(g, d, j, theta, NULL, 0, &o, NULL, &r, NULL), EFF_OK);
    return r.p_value;
}

typedef struct ci_case {
    eff_glm_family family;
    eff_boot_weights weights;
    long reps;
    double level, root_tol; /* wildboot's search tolerance, in standard errors */
} ci_case;

static void interval_ends_are_where_p_crosses(void **state)
{
    (void)state;
    static const ci_case cases[] = {
        {EFF_GLM_GAUSSIAN, EFF_BOOT_AUTO, 999, 0.95, 1e-9},        /* Webb, G = 10 */
        {EFF_GLM_GAUSSIAN, EFF_BOOT_RADEMACHER, 9999, 0.90, 1e-9}, /* all 1,024 */
        {EFF_GLM_LOGIT, EFF_BOOT_AUTO, 399, 0.95, 1e-9},
    };
    data s = make_data(10, 3);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const ci_case *cc = &cases[c];
        int logit = cc->family == EFF_GLM_LOGIT;
        eff_design *d = design_of(&s, NULL, logit ? s.yb : s.y, NULL, NULL);
        eff_glm *g = fit(d, cc->family);
        eff_wild_options o = eff_wild_options_default();
        o.weights = cc->weights;
        o.reps = cc->reps;
        o.level = cc->level;
        eff_wild_result r;
        assert_int_equal(eff_wild_test(g, d, 1, 0.0, NULL, 0, &o, NULL, &r, NULL), EFF_OK);
        double alpha = 1 - cc->level, se = eff_glm_coef_row(g, 1).std_error;
        double step = 1.5 * cc->root_tol * se, jump = 2.0 / (double)r.reps + 1e-12;
        /* The search may end on the crossing itself (f = 0 to the last bit), where a fresh
         * test at that theta, through other roundings, can land on either side. Under valgrind,
         * whose emulated floating point is not bit-identical to the hardware's (x87 long double
         * at double precision; here the fitted coefficients differ in the last bit), it does.
         * So p is taken a thousandth of the tolerance inside each end, where the side is no
         * longer a matter of rounding. */
        double hair = 1e-3 * cc->root_tol * se;
        assert_true(r.ci_low < r.estimate && r.estimate < r.ci_high);
        double lo = p_at(g, d, 1, r.ci_low + hair, &o), hi = p_at(g, d, 1, r.ci_high - hair, &o);
        /* just inside each end p is at or just above 1 - level; a hair outside, below it */
        assert_true(lo >= alpha && lo <= alpha + jump);
        assert_true(hi >= alpha && hi <= alpha + jump);
        assert_true(p_at(g, d, 1, r.ci_low - step, &o) < alpha);
        assert_true(p_at(g, d, 1, r.ci_high + step, &o) < alpha);
        eff_glm_free(g);
        eff_design_free(d);
    }
    free_data(&s);
}

/* With G = 4 and Rademacher weights, 2 of the 16 draws have all weights equal and tie with
 * the sample statistic at every theta: p >= 1/8 everywhere, so no theta is rejected at 5%
 * and both ends are infinite (rounding far from the estimate must not make them finite). */
static void few_clusters_give_unbounded_intervals(void **state)
{
    (void)state;
    data s = make_data(4, 19);
    for (int logit = 0; logit < 2; logit++) {
        eff_design *d = design_of(&s, NULL, logit ? s.yb : s.y, NULL, NULL);
        eff_glm *g = fit(d, logit ? EFF_GLM_LOGIT : EFF_GLM_GAUSSIAN);
        eff_wild_options o = eff_wild_options_default();
        o.weights = EFF_BOOT_RADEMACHER;
        eff_wild_result r;
        assert_int_equal(eff_wild_test(g, d, 1, 0.0, NULL, 0, &o, NULL, &r, NULL), EFF_OK);
        assert_int_equal(r.reps, 16);
        assert_true(r.p_value >= 2.0 / 16);
        assert_true(r.ci_low == -INFINITY && r.ci_high == INFINITY);
        eff_glm_free(g);
        eff_design_free(d);
    }
    free_data(&s);
}

/* ---- 3. against R ---- */

typedef struct r_case {
    const char *name, *term, *y, *weights;
    eff_glm_family family;
} r_case;

static double ref_num(const eff_table *t, size_t col, size_t row)
{
    return eff_table_col_type(t, col) == EFF_TYPE_I64 ? (double)eff_table_i64(t, col)[row]
                                                     : eff_table_f64(t, col)[row];
}

static void matches_r(void **state)
{
    (void)state;
    static const r_case cases[] = {
        {"lm_x1", "x1", "y", NULL, EFF_GLM_GAUSSIAN},
        {"lm_x2", "x2", "y", NULL, EFF_GLM_GAUSSIAN},
        {"lmw_x3", "x3", "y", "w", EFF_GLM_GAUSSIAN},
        {"logit_x1", "x1", "yb", NULL, EFF_GLM_LOGIT},
        {"logitw_x2", "x2", "yb", "w", EFF_GLM_LOGIT},
    };
    eff_table *data_t = eff_test_read_csv(REF "wild_data.csv");
    eff_table *refs = eff_test_read_csv(REF "wild_refs.csv");
    eff_table *draws = eff_test_read_csv(REF "wild_draws.csv");
    const char *x[] = {"x1", "x2", "x3"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const r_case *rc = &cases[c];
        assert_string_equal(eff_table_str(refs, 0, c), rc->name);
        double theta = ref_num(refs, 2, c), t = ref_num(refs, 3, c);
        long count = (long)ref_num(refs, 4, c), reps = (long)ref_num(refs, 5, c);
        eff_design_spec spec = {rc->y, x, 3, 0, rc->weights, NULL, "cl"};
        eff_design *d;
        assert_int_equal(eff_design_from_table(data_t, &spec, &d, NULL), EFF_OK);
        eff_glm *g = fit(d, rc->family);
        size_t j = (size_t)(rc->term[1] - '0'); /* x1 is term 1 after the intercept */
        eff_wild_options o = eff_wild_options_default();
        o.weights = EFF_BOOT_RADEMACHER;
        o.want_ci = 0;
        double ts[256];
        eff_wild_result r;
        assert_int_equal(eff_wild_test_draws(g, d, j, theta, NULL, 0, &o, NULL, &r, ts, 256, NULL),
                         EFF_OK);
        assert_int_equal(r.reps, reps);
        assert_int_equal(r.enumerated, 1);
        eff_assert_close(r.statistic, t, R_RTOL, 0);
        assert_int_equal(lround(r.p_value * (double)reps), count);
        for (long b = 0; b < reps; b++) {
            size_t row = c * (size_t)reps + (size_t)b;
            assert_string_equal(eff_table_str(draws, 0, row), rc->name);
            eff_assert_close(ts[b], ref_num(draws, 2, row), R_RTOL, R_RTOL);
        }
        eff_glm_free(g);
        eff_design_free(d);
    }
    eff_table_free(data_t);
    eff_table_free(refs);
    eff_table_free(draws);
}

/* ---- weights, enumeration and seeds ---- */

static eff_wild_result run_with(const data *s, eff_boot_weights w, long reps, uint64_t seed)
{
    eff_design *d = design_of(s, NULL, s->y, NULL, NULL);
    eff_glm *g = fit(d, EFF_GLM_GAUSSIAN);
    eff_wild_options o = eff_wild_options_default();
    o.weights = w;
    o.reps = reps;
    o.seed = seed;
    o.want_ci = 0;
    eff_wild_result r;
    assert_int_equal(eff_wild_test(g, d, 2, 0.0, NULL, 0, &o, NULL, &r, NULL), EFF_OK);
    eff_glm_free(g);
    eff_design_free(d);
    return r;
}

static void weight_rules(void **state)
{
    (void)state;
    data s10 = make_data(10, 5), s12 = make_data(12, 5);
    eff_wild_result r = run_with(&s10, EFF_BOOT_AUTO, 999, 1);
    assert_int_equal(r.weights_used, EFF_BOOT_WEBB); /* G < 12 */
    assert_int_equal(r.enumerated, 0);
    assert_int_equal(r.reps, 999);
    r = run_with(&s12, EFF_BOOT_AUTO, 9999, 1);
    assert_int_equal(r.weights_used, EFF_BOOT_RADEMACHER);
    assert_int_equal(r.enumerated, 1);
    assert_int_equal(r.reps, 4096);
    r = run_with(&s10, EFF_BOOT_RADEMACHER, 1023, 1); /* 2^10 > 1023: drawn */
    assert_int_equal(r.enumerated, 0);
    assert_int_equal(r.reps, 1023);
    eff_wild_result e1 = run_with(&s10, EFF_BOOT_RADEMACHER, 1024, 1);
    eff_wild_result e2 = run_with(&s10, EFF_BOOT_RADEMACHER, 1024, 99);
    assert_int_equal(e1.enumerated, 1);
    assert_true(e1.p_value == e2.p_value); /* enumeration ignores the seed */
    /* same seed, same draws; another seed, other draws */
    eff_wild_result a = run_with(&s10, EFF_BOOT_WEBB, 499, 42);
    eff_wild_result b = run_with(&s10, EFF_BOOT_WEBB, 499, 42);
    eff_wild_result c = run_with(&s10, EFF_BOOT_WEBB, 499, 43);
    assert_true(a.p_value == b.p_value && a.statistic == b.statistic);
    assert_true(a.p_value != c.p_value);
    /* Webb's draws have p on a 1/499 grid, and the symmetric p-value lies in [0, 1] */
    assert_true(fabs(a.p_value * 499 - round(a.p_value * 499)) < 1e-9);
    assert_true(a.p_value > 0 && a.p_value <= 1);
    free_data(&s10);
    free_data(&s12);
}

/* Frequency weights change only N in (N-1)/(N-K): the statistic follows the fit's cluster t
 * either way, and the p-value, which that factor cannot move, stays the same. */
static void frequency_weights(void **state)
{
    (void)state;
    data s = make_data(10, 21);
    for (size_t i = 0; i < s.n; i++)
        s.w[i] = 1 + (double)(i % 3);
    eff_design *d = design_of(&s, NULL, s.y, s.w, NULL);
    eff_wild_result r[2];
    double t[2], n_obs[2];
    for (int freq = 0; freq < 2; freq++) {
        eff_glm_options go = eff_glm_options_default();
        go.vcov = EFF_VCOV_CLUSTER;
        go.frequency_weights = freq;
        eff_glm *g = NULL;
        assert_int_equal(eff_glm_fit(d, &go, NULL, &g, NULL), EFF_OK);
        eff_wild_options o = eff_wild_options_default();
        o.weights = EFF_BOOT_RADEMACHER;
        o.want_ci = 0;
        assert_int_equal(eff_wild_test(g, d, 2, 0.1, NULL, 0, &o, NULL, &r[freq], NULL), EFF_OK);
        t[freq] = wald_t(g, 2, 0.1);
        n_obs[freq] = eff_glm_get_stats(g).df_resid + 4;
        eff_glm_free(g);
    }
    assert_true(n_obs[1] > 1.9 * n_obs[0]); /* the weights average 2 */
    for (int freq = 0; freq < 2; freq++)
        eff_assert_close(r[freq].statistic, t[freq], 1e-12, 0);
    assert_true(fabs(r[0].statistic - r[1].statistic) > 1e-6 * fabs(r[0].statistic));
    assert_true(r[0].p_value == r[1].p_value);
    eff_design_free(d);
    free_data(&s);
}

/* ---- 4. bad inputs ---- */

static void expect_einval(const eff_glm *g, const eff_design *d, size_t j, const int32_t *cl,
                          size_t g_count, const eff_wild_options *o, const char *text)
{
    eff_wild_result r;
    r.p_value = -7;
    eff_error err;
    assert_int_equal(eff_wild_test(g, d, j, 0.0, cl, g_count, o, NULL, &r, &err), EFF_EINVAL);
    if (!strstr(err.msg, text)) {
        print_error("message \"%s\" lacks \"%s\"\n", err.msg, text);
        fail();
    }
    assert_true(r.p_value == -7); /* out untouched */
}

static void bad_inputs(void **state)
{
    (void)state;
    data s = make_data(6, 9);
    eff_design *d = design_of(&s, NULL, s.y, NULL, NULL);
    eff_glm *g = fit(d, EFF_GLM_GAUSSIAN);
    eff_wild_options o = eff_wild_options_default();
    int32_t *one = calloc(s.n, sizeof *one), *gap = calloc(s.n, sizeof *gap);
    for (size_t i = 0; i < s.n; i++)
        gap[i] = s.cl[i] == 2 ? 1 : s.cl[i]; /* code 2 unused */
    expect_einval(g, d, 1, one, 1, &o, "at least two");
    expect_einval(g, d, 1, gap, s.g, &o, "cluster code 2 has no rows");
    one[3] = 5;
    expect_einval(g, d, 1, one, 2, &o, "outside 0..1");
    expect_einval(g, d, 9, NULL, 0, &o, "does not exist");
    o.reps = 0;
    expect_einval(g, d, 1, NULL, 0, &o, "at least one replication");
    o.reps = 200000000; /* 6 x 2e8 bytes of draws */
    expect_einval(g, d, 1, NULL, 0, &o, "the wild bootstrap is for few clusters");
    o = eff_wild_options_default();
    o.level = 1;
    expect_einval(g, d, 1, NULL, 0, &o, "strictly between 0 and 1");
    o = eff_wild_options_default();
    double draws[10];
    eff_wild_result r;
    assert_int_equal(eff_wild_test_draws(g, d, 1, 0, NULL, 0, &o, NULL, &r, draws, 10, NULL),
                     EFF_EINVAL);
    /* a design without clusters */
    eff_design *bare = eff_design_new(s.n, 2);
    memcpy(eff_design_x(bare), s.x, 2 * s.n * sizeof(double));
    memcpy(eff_design_y(bare), s.y, s.n * sizeof(double));
    eff_glm_options go = eff_glm_options_default();
    eff_glm *gb = NULL;
    assert_int_equal(eff_glm_fit(bare, &go, NULL, &gb, NULL), EFF_OK);
    expect_einval(gb, bare, 1, NULL, 0, &o, "needs clusters");
    expect_einval(gb, d, 1, NULL, 0, &o, "was not made on this design");
    /* a term dropped as collinear: x3 = 2 x1 */
    memcpy(s.x + 3 * s.n, s.x + s.n, s.n * sizeof(double));
    for (size_t i = 0; i < s.n; i++)
        s.x[3 * s.n + i] *= 2;
    eff_design *col = design_of(&s, NULL, s.y, NULL, NULL);
    eff_glm *gc = fit(col, EFF_GLM_GAUSSIAN);
    assert_true(eff_glm_dropped(gc, 3));
    expect_einval(gc, col, 3, NULL, 0, &o, "dropped as collinear");
    eff_glm_free(gc);
    eff_design_free(col);
    eff_glm_free(gb);
    eff_design_free(bare);
    eff_glm_free(g);
    eff_design_free(d);
    free(one);
    free(gap);
    free_data(&s);
}

/* ---- allocation failures and cancellation ---- */

static void allocation_failure_sweep(void **state)
{
    (void)state;
    data s = make_data(6, 13);
    for (int logit = 0; logit < 2; logit++) {
        eff_design *d = design_of(&s, NULL, logit ? s.yb : s.y, s.w, NULL);
        eff_glm *g = fit(d, logit ? EFF_GLM_LOGIT : EFF_GLM_GAUSSIAN);
        size_t p = eff_glm_p(g), nd = eff_design_n(d);
        uint64_t inputs = eff_test_mix(eff_test_mix(0, eff_glm_coef(g), p * sizeof(double)),
                                       eff_glm_vcov(g), p * p * sizeof(double));
        inputs = eff_test_mix(inputs, eff_design_xc(d), nd * p * sizeof(double));
        inputs = eff_test_mix(inputs, eff_design_clusters(d), nd * sizeof(int32_t));
        eff_wild_options o = eff_wild_options_default();
        o.reps = 99;
        o.weights = EFF_BOOT_WEBB;
        long n = 0;
        for (;; n++) { /* the test and its interval, the draws kept */
            eff_wild_result r, r0;
            double draws[99];
            memset(&r, 0x5a, sizeof r), r0 = r;
            for (int b = 0; b < 99; b++)
                draws[b] = -7;
            eff_mem_fail_after(n);
            eff_status st = eff_wild_test_draws(g, d, 1, 0.0, NULL, 0, &o, NULL, &r, draws, 99,
                                                NULL);
            eff_mem_fail_after(-1);
            uint64_t now = eff_test_mix(eff_test_mix(0, eff_glm_coef(g), p * sizeof(double)),
                                        eff_glm_vcov(g), p * p * sizeof(double));
            now = eff_test_mix(now, eff_design_xc(d), nd * p * sizeof(double));
            now = eff_test_mix(now, eff_design_clusters(d), nd * sizeof(int32_t));
            assert_int_equal(now, inputs);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            assert_memory_equal(&r, &r0, sizeof r); /* written only on EFF_OK */
            for (int b = 0; b < 99; b++) /* and the draws too (they were, before the fix,
                                          * when the interval ran out of memory) */
                assert_true(draws[b] == -7);
        }
        eff_test_sweep_done(logit ? "eff_wild_test_draws (score bootstrap)"
                                  : "eff_wild_test_draws (WCR)", n);
        eff_glm_free(g);
        eff_design_free(d);
    }
    free_data(&s);
}

static void cancel_flag_stops(void **state)
{
    (void)state;
    data s = make_data(8, 17);
    eff_design *d = design_of(&s, NULL, s.y, NULL, NULL);
    eff_glm *g = fit(d, EFF_GLM_GAUSSIAN);
    volatile sig_atomic_t cancel = 1;
    eff_ctx ctx = eff_ctx_default();
    ctx.cancel = &cancel;
    eff_wild_result r;
    assert_int_equal(eff_wild_test(g, d, 1, 0.0, NULL, 0, NULL, &ctx, &r, NULL), EFF_EABORT);
    eff_glm_free(g);
    eff_design_free(d);
    free_data(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wcr_matches_brute_force),
        cmocka_unit_test(score_matches_brute_force),
        cmocka_unit_test(interval_ends_are_where_p_crosses),
        cmocka_unit_test(few_clusters_give_unbounded_intervals),
        cmocka_unit_test(matches_r),
        cmocka_unit_test(weight_rules),
        cmocka_unit_test(frequency_weights),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(allocation_failure_sweep),
        cmocka_unit_test(cancel_flag_stops),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
