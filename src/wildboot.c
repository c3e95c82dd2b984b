/* wildboot.c - eff_wild_test: the checks, the problem both methods share (kept columns,
 * clusters, the small-sample factor), the bootstrap weights, and the interval by test
 * inversion. The methods themselves are in wildboot_wcr.c (linear) and wildboot_score.c
 * (logit); wildboot.h gives the formulas. */
#include <math.h>
#include <string.h>

#include "mem.h"
#include "parallel.h"
#include "rng.h"
#include "wildboot_internal.h"

/* AUTO's switch: Webb's weights below this many clusters (Webb 2013; boottest's advice). */
enum { WEBB_BELOW_G = 12 };
/* The interval search doubles its step at most this often (2 se * 2^40: unbounded). */
enum { MAX_DOUBLINGS = 40 };
/* The draws' weight codes take G x reps bytes; past this the problem is not a few-cluster one. */
static const double MAX_DRAW_BYTES = 1073741824.0;
/* A draw's statistic within this relative distance of the sample one is a tie and counts as
 * at least as extreme (wildboot.h). 1e-9: far above the rounding of either side (about 1e-15
 * against brute force in tests/test_wildboot.c), far below any real gap between draws. */
static const double TIE_RTOL = 1e-9;

eff_wild_options eff_wild_options_default(void)
{
    eff_wild_options o = {EFF_BOOT_AUTO, 9999, 1, 0.95, 1, -1};
    return o;
}

const char *eff_boot_weights_name(eff_boot_weights w)
{
    return w == EFF_BOOT_RADEMACHER ? "rademacher" : w == EFF_BOOT_WEBB ? "webb" : "auto";
}

/* ---- checks and the shared problem ---- */

static eff_status check_term(const eff_glm *g, const eff_design *d, size_t j, eff_error *err)
{
    if (eff_glm_p(g) != eff_design_p(d) || eff_glm_get_stats(g).n != eff_design_n(d))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the fit (%zu rows, %zu terms) was not made on this design (%zu "
                             "rows, %zu terms)",
                             eff_glm_get_stats(g).n, eff_glm_p(g), eff_design_n(d),
                             eff_design_p(d));
    if (j >= eff_glm_p(g))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "term %zu does not exist (the model "
                             "has %zu)", j + 1, eff_glm_p(g));
    if (eff_glm_dropped(g, j))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "term \"%s\" was dropped as collinear: it has no coefficient to test",
                             eff_glm_term(g, j));
    return EFF_OK;
}

static eff_status check_options(const eff_wild_options *o, double null_value, eff_error *err)
{
    if (o->reps < 1)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the bootstrap needs at least one replication (reps = %ld)", o->reps);
    if (o->want_ci && !(o->level > 0 && o->level < 1))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the interval's level must lie strictly between 0 and 1, not %g",
                             o->level);
    if (!isfinite(null_value))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the null value must be finite");
    if (o->weights != EFF_BOOT_AUTO && o->weights != EFF_BOOT_RADEMACHER &&
        o->weights != EFF_BOOT_WEBB)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "unknown bootstrap weights (%d)",
                             (int)o->weights);
    return EFF_OK;
}

/* Every code in 0..G-1, each used by some row. */
static eff_status check_clusters(const int32_t *cl, size_t n, size_t g_count, eff_error *err)
{
    if (!cl)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the wild cluster bootstrap needs clusters: none were given and "
                             "the design has none");
    if (g_count < 2)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "%zu cluster%s: the wild cluster bootstrap needs at least two",
                             g_count, g_count == 1 ? "" : "s");
    unsigned char *seen = eff_calloc(g_count, 1);
    if (!seen)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = EFF_OK;
    for (size_t i = 0; i < n && !st; i++) {
        if (cl[i] < 0 || (size_t)cl[i] >= g_count)
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "cluster code %ld in design row %zu is outside 0..%zu",
                               (long)cl[i], i + 1, g_count - 1);
        else
            seen[cl[i]] = 1;
    }
    for (size_t h = 0; h < g_count && !st; h++)
        if (!seen[h])
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                               "cluster code %zu has no rows: codes must be 0..G-1, all used", h);
    eff_free(seen);
    return st;
}

/* Fills everything but the draws. pb->col is allocated (k pointers). */
static eff_status make_problem(const eff_glm *g, const eff_design *d, size_t j,
                               const int32_t *clusters, size_t g_count,
                               const eff_wild_options *o, const eff_ctx *ctx, wild_problem *pb,
                               double **beta_owned, eff_error *err)
{
    eff_glm_stats s = eff_glm_get_stats(g);
    size_t n = eff_design_n(d), p = eff_glm_p(g);
    memset(pb, 0, sizeof *pb);
    pb->n = n;
    pb->k = s.k;
    pb->col = eff_mallocarray(s.k, sizeof *pb->col);
    *beta_owned = eff_mallocarray(s.k, sizeof **beta_owned);
    if (!pb->col || !*beta_owned)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0, a = 0; c < p; c++) {
        if (eff_glm_dropped(g, c))
            continue;
        if (c == j)
            pb->jk = a;
        pb->col[a] = eff_design_xc(d) + c * n;
        (*beta_owned)[a++] = eff_glm_coef(g)[c];
    }
    pb->beta = *beta_owned;
    pb->estimate = eff_glm_coef(g)[j];
    pb->fit_se = sqrt(eff_glm_vcov(g)[j * p + j]);
    pb->y = eff_design_yc(d);
    pb->w = eff_design_weights(d);
    pb->offset = eff_design_offset(d);
    pb->cl = clusters;
    pb->g = g_count;
    pb->n_obs = s.df_resid + (double)s.k;
    int linear = eff_glm_get_family(g) == EFF_GLM_GAUSSIAN;
    int nk = o->cluster_nk_adjust < 0 ? linear : o->cluster_nk_adjust;
    double gd = (double)g_count;
    pb->c = gd / (gd - 1) * (nk ? (pb->n_obs - 1) / (pb->n_obs - (double)s.k) : 1.0);
    pb->threads = eff_parallel_parts(n, 50000);
    pb->ctx = ctx;
    return EFF_OK;
}

/* ---- the weights ---- */

typedef struct draw_job {
    wild_problem *pb;
    eff_boot_weights weights;
    int enumerated;
    uint64_t seed;
    int failed[EFF_MAX_PARTS];
} draw_job;

/* Draws [lo, hi): draw b from stream b of the seed, so the draws do not depend on threads. */
static void draw_part(void *arg, size_t lo, size_t hi, int part)
{
    draw_job *j = arg;
    size_t g_count = j->pb->g;
    if (j->enumerated) {
        for (size_t b = lo; b < hi; b++)
            for (size_t h = 0; h < g_count; h++)
                j->pb->code[b * g_count + h] = (unsigned char)((b >> h) & 1);
        return;
    }
    gsl_rng *r = eff_rng_new(j->seed, 0);
    if (!r) {
        j->failed[part] = 1;
        return;
    }
    for (size_t b = lo; b < hi; b++) {
        unsigned char *c = j->pb->code + b * g_count;
        eff_rng_stream(r, j->seed, b);
        if (j->weights == EFF_BOOT_WEBB) {
            for (size_t h = 0; h < g_count; h++)
                c[h] = (unsigned char)gsl_rng_uniform_int(r, 6);
        } else {
            unsigned long word = 0;
            for (size_t h = 0; h < g_count; h++) {
                if (h % 32 == 0)
                    word = gsl_rng_get(r); /* 32 random bits (rng.h) */
                c[h] = (unsigned char)((word >> (h % 32)) & 1);
            }
        }
    }
    eff_rng_free(r);
}

/* Resolves AUTO, decides on enumeration and fills pb->code and pb->value. */
static eff_status make_draws(wild_problem *pb, const eff_wild_options *o,
                             eff_boot_weights *used, int *enumerated, eff_error *err)
{
    eff_boot_weights w = o->weights;
    if (w == EFF_BOOT_AUTO)
        w = pb->g < WEBB_BELOW_G ? EFF_BOOT_WEBB : EFF_BOOT_RADEMACHER;
    *enumerated = w == EFF_BOOT_RADEMACHER && pb->g < 63 && (1L << pb->g) <= o->reps;
    pb->reps = *enumerated ? 1L << pb->g : o->reps;
    static const double webb[6] = {-1.2247448713915890491, -1, -0.70710678118654752440,
                                   0.70710678118654752440, 1, 1.2247448713915890491};
    if (w == EFF_BOOT_WEBB)
        memcpy(pb->value, webb, sizeof webb);
    else
        pb->value[0] = 1, pb->value[1] = -1;
    if ((double)pb->reps * (double)pb->g > MAX_DRAW_BYTES)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "%ld draws of %zu cluster weights would take %.0f MB: the wild "
                             "bootstrap is for few clusters (use fewer draws, or the "
                             "cluster-robust variance alone)",
                             pb->reps, pb->g, (double)pb->reps * (double)pb->g / 1048576);
    pb->code = eff_mallocarray((size_t)pb->reps, pb->g);
    if (!pb->code)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0,
                             "out of memory for %ld draws of %zu cluster weights", pb->reps, pb->g);
    draw_job job;
    memset(&job, 0, sizeof job);
    job.pb = pb;
    job.weights = w;
    job.enumerated = *enumerated;
    job.seed = o->seed;
    int parts = eff_parallel_parts((size_t)pb->reps, 2000);
    eff_parallel_for(parts, (size_t)pb->reps, draw_part, &job);
    for (int t = 0; t < parts; t++)
        if (job.failed[t])
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    *used = w;
    return EFF_OK;
}

/* ---- p-values ---- */

/* What the draws at one theta give: the p-value, and f, continuous in theta, with f <= 0
 * exactly when p >= alpha: f = |t| (1 - tie) - the m-th largest |t*|, m the fewest hits that
 * make p >= alpha. Its root is where p crosses alpha, found by interpolation rather than by
 * halving a step function. */
typedef struct search {
    wild_engine *e;
    const wild_problem *pb;
    long reps;
    double alpha;
    double *draws, *work; /* reps each */
    long *constant, n_constant; /* the draws with all weights equal */
} search;

/* Draws whose weights are all equal (v = c 1): in exact arithmetic their statistic is the
 * sample one times the sign of c, at every theta (t* does not change when v is scaled, and
 * v = 1 gives back the sample). They are set so rather than left to rounding, which far from
 * the estimate breaks the tie. Rademacher enumeration has two such draws; Webb's weights
 * draw them with probability 6^(1-G). */
static eff_status find_constant(search *s, eff_error *err)
{
    const wild_problem *pb = s->pb;
    s->constant = eff_mallocarray((size_t)s->reps, sizeof *s->constant);
    if (!s->constant)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (long b = 0; b < s->reps; b++) {
        const unsigned char *c = pb->code + (size_t)b * pb->g;
        size_t h = 1;
        while (h < pb->g && c[h] == c[0])
            h++;
        if (h == pb->g)
            s->constant[s->n_constant++] = b;
    }
    return EFF_OK;
}

static long hits_of(double t, const double *draws, long reps, long *feasible)
{
    long hits = 0;
    *feasible = 0;
    for (long b = 0; b < reps; b++) {
        if (isnan(draws[b])) /* 0/0: left out, as boottest does */
            continue;
        (*feasible)++;
        hits += fabs(draws[b]) >= fabs(t) * (1 - TIE_RTOL);
    }
    return hits;
}

/* The m-th largest of a[0..n) (1 <= m <= n), reordering a: Hoare's selection. */
static double select_largest(double *a, long n, long m)
{
    long lo = 0, hi = n - 1, want = n - m; /* its index in ascending order */
    while (lo < hi) {
        double pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                double x = a[i];
                a[i++] = a[j];
                a[j--] = x;
            }
        }
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            break;
    }
    return a[want];
}

static eff_status evaluate(search *s, double theta, double *stat, double *p, double *f,
                           eff_error *err)
{
    eff_status st = s->e->eval(s->e, theta, stat, s->draws, err);
    if (st)
        return st;
    for (long i = 0; i < s->n_constant; i++) {
        long b = s->constant[i];
        s->draws[b] = s->pb->value[s->pb->code[(size_t)b * s->pb->g]] > 0 ? *stat : -*stat;
    }
    long feasible, hits = hits_of(*stat, s->draws, s->reps, &feasible);
    if (!feasible)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "no bootstrap draw has a finite statistic at %.10g", theta);
    *p = (double)hits / (double)feasible;
    if (!f)
        return EFF_OK;
    long m = (long)ceil(s->alpha * (double)feasible), n = 0;
    while (m > 1 && (double)(m - 1) / (double)feasible >= s->alpha) /* as p is computed */
        m--;
    while ((double)m / (double)feasible < s->alpha)
        m++;
    for (long b = 0; b < s->reps; b++)
        if (!isnan(s->draws[b]))
            s->work[n++] = fabs(s->draws[b]);
    *f = fabs(*stat) * (1 - TIE_RTOL) - select_largest(s->work, n, m);
    return EFF_OK;
}

/* ---- the interval by test inversion ---- */

static eff_status f_at(search *s, double theta, double *f, eff_error *err)
{
    double stat, p;
    return evaluate(s, theta, &stat, &p, f, err);
}

/* The first theta = est + sign 2 se 2^m with f > 0 (rejected); *found 0 when there is none. */
static eff_status bracket(search *s, double est, int sign, double *outer, double *f_out,
                          int *found, eff_error *err)
{
    *found = 0;
    for (int m = 0; m <= MAX_DOUBLINGS; m++) {
        double theta = est + sign * 2 * s->e->scale * ldexp(1.0, m);
        eff_status st = f_at(s, theta, f_out, err);
        if (st)
            return st;
        if (*f_out > 0) {
            *outer = theta;
            *found = 1;
            return EFF_OK;
        }
    }
    return EFF_OK;
}

/* Regula falsi with the Illinois modification between an accepted inner and a rejected outer
 * point, each trial kept a quarter tolerance inside the bracket, until the two are within
 * tol; the accepted one is the answer. (Not GSL's solvers: they allocate through GSL's error
 * handler, which aborts by default, and return no side of the bracket.) */
static eff_status illinois(search *s, double inner, double f_in, double outer, double f_out,
                           double tol, double *bound, eff_error *err)
{
    int side = 0;
    for (int it = 0; it < 200 && fabs(outer - inner) > tol; it++) {
        double c = inner - f_in * (outer - inner) / (f_out - f_in), fc;
        double lo = fmin(inner, outer) + 0.25 * tol, hi = fmax(inner, outer) - 0.25 * tol;
        c = !(c >= lo) ? lo : c > hi ? hi : c; /* NaN too */
        if (c == inner || c == outer)
            break; /* adjacent doubles */
        eff_status st = f_at(s, c, &fc, err);
        if (st)
            return st;
        if (fc <= 0) {
            inner = c, f_in = fc;
            f_out *= side < 0 ? 0.5 : 1;
            side = -1;
        } else {
            outer = c, f_out = fc;
            f_in *= side > 0 ? 0.5 : 1;
            side = 1;
        }
    }
    *bound = inner;
    return EFF_OK;
}

/* Between est (accepted: t = 0 there) and outer (rejected): the outermost accepted point of
 * the grid and its rejected neighbour bracket the end. */
static eff_status refine(search *s, double est, double outer, double f_out, double *bound,
                         eff_error *err)
{
    double inner = est, f_in = 0;
    int have_inner = 0;
    eff_status st = EFF_OK;
    for (int i = s->e->grid - 1; i >= 1 && !st && !have_inner; i--) {
        double theta = est + (outer - est) * i / s->e->grid, f;
        st = f_at(s, theta, &f, err);
        if (!st && f <= 0)
            inner = theta, f_in = f, have_inner = 1;
        else if (!st)
            outer = theta, f_out = f;
    }
    if (!st && !have_inner)
        st = f_at(s, est, &f_in, err);
    if (!st)
        st = illinois(s, inner, f_in, outer, f_out, s->e->root_tol * s->e->scale, bound, err);
    return st;
}

/* One end of the interval. A failed evaluation (the restricted logit) leaves it NaN, with a
 * warning; cancellation and allocation failures are returned. */
static eff_status interval_end(search *s, double est, int sign, const eff_ctx *ctx,
                               double *bound, eff_error *err)
{
    double outer = 0, f_out = 0;
    int found;
    eff_error local;
    eff_error_clear(&local);
    eff_status st = bracket(s, est, sign, &outer, &f_out, &found, &local);
    if (!st && !found) {
        *bound = sign * INFINITY;
        return EFF_OK;
    }
    if (!st)
        st = refine(s, est, outer, f_out, bound, &local);
    if (st == EFF_ENOMEM || st == EFF_EABORT) {
        if (err)
            *err = local;
        return st;
    }
    if (st) {
        eff_log(ctx, EFF_LOG_WARN, "the %s end of the bootstrap interval is unknown: %s",
                sign < 0 ? "lower" : "upper", local.msg);
        *bound = NAN;
    }
    return EFF_OK;
}

static eff_status interval(search *s, double est, const eff_ctx *ctx, double *low, double *high,
                           eff_error *err)
{
    wild_engine *e = s->e;
    if ((double)s->n_constant / (double)s->reps >= s->alpha) {
        *low = -INFINITY; /* p >= n_constant / reps >= alpha at every theta */
        *high = INFINITY;
        eff_log(ctx, EFF_LOG_WARN, "the bootstrap interval is unbounded: %ld of the %ld draws "
                "have all %zu weights equal and tie with the sample statistic at every value",
                s->n_constant, s->reps, s->pb->g);
        return EFF_OK;
    }
    if (!(e->scale > 0) || !isfinite(e->scale)) {
        *low = *high = NAN;
        eff_log(ctx, EFF_LOG_WARN, "no bootstrap interval: the standard error is %g", e->scale);
        return EFF_OK;
    }
    if (e->restart)
        e->restart(e);
    eff_status st = interval_end(s, est, -1, ctx, low, err);
    if (!st && e->restart)
        e->restart(e);
    return st ? st : interval_end(s, est, 1, ctx, high, err);
}

/* ---- the entry points ---- */

static eff_status run(const eff_glm *g, wild_problem *pb, double null_value,
                      const eff_wild_options *o, eff_wild_result *r, double *draws,
                      eff_error *err)
{
    search s = {NULL, pb, pb->reps, 1 - o->level, NULL, NULL, NULL, 0};
    s.draws = eff_mallocarray((size_t)pb->reps, sizeof *s.draws);
    s.work = eff_mallocarray((size_t)pb->reps, sizeof *s.work);
    /* the draws at null_value, kept for the caller until nothing can fail any more: the
     * interval's evaluations overwrite s.draws, and may run out of memory */
    double *at_null = draws ? eff_mallocarray((size_t)pb->reps, sizeof *at_null) : NULL;
    eff_status st = s.draws && s.work && (at_null || !draws)
                        ? find_constant(&s, err)
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st)
        st = eff_glm_get_family(g) == EFF_GLM_LOGIT ? wild_score_new(pb, &s.e, err)
                                                    : wild_wcr_new(pb, null_value, &s.e, err);
    if (!st)
        st = evaluate(&s, null_value, &r->statistic, &r->p_value, NULL, err);
    if (!st && draws)
        memcpy(at_null, s.draws, (size_t)pb->reps * sizeof *at_null);
    r->ci_low = r->ci_high = NAN;
    if (!st && o->want_ci)
        st = interval(&s, pb->estimate, pb->ctx, &r->ci_low, &r->ci_high, err);
    if (!st && draws)
        memcpy(draws, at_null, (size_t)pb->reps * sizeof *draws);
    if (s.e)
        s.e->destroy(s.e);
    eff_free(s.draws);
    eff_free(s.work);
    eff_free(s.constant);
    eff_free(at_null);
    return st;
}

eff_status eff_wild_test_draws(const eff_glm *g, const eff_design *d, size_t j,
                               double null_value, const int32_t *clusters, size_t n_clusters,
                               const eff_wild_options *opt, const eff_ctx *ctx,
                               eff_wild_result *out, double *draws, size_t n_draws,
                               eff_error *err)
{
    eff_wild_options o = opt ? *opt : eff_wild_options_default();
    if (!clusters) {
        clusters = eff_design_clusters(d);
        n_clusters = eff_design_n_clusters(d);
    }
    eff_status st = check_term(g, d, j, err);
    if (!st)
        st = check_options(&o, null_value, err);
    if (!st)
        st = check_clusters(clusters, eff_design_n(d), n_clusters, err);
    if (st)
        return st;
    wild_problem pb;
    double *beta = NULL;
    eff_wild_result r;
    memset(&r, 0, sizeof r);
    st = make_problem(g, d, j, clusters, n_clusters, &o, ctx, &pb, &beta, err);
    if (!st)
        st = make_draws(&pb, &o, &r.weights_used, &r.enumerated, err);
    if (!st && draws && n_draws < (size_t)pb.reps)
        st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                           "room for %zu draw statistics, but %ld draws are made", n_draws,
                           pb.reps);
    if (!st)
        st = run(g, &pb, null_value, &o, &r, draws, err);
    if (!st) {
        r.estimate = pb.estimate;
        r.null_value = null_value;
        r.n_clusters = pb.g;
        r.reps = pb.reps;
        r.method = eff_glm_get_family(g) == EFF_GLM_LOGIT;
        *out = r;
    }
    eff_free(pb.col);
    eff_free(pb.code);
    eff_free(beta);
    return st;
}

eff_status eff_wild_test(const eff_glm *g, const eff_design *d, size_t j, double null_value,
                         const int32_t *clusters, size_t n_clusters, const eff_wild_options *opt,
                         const eff_ctx *ctx, eff_wild_result *out, eff_error *err)
{
    return eff_wild_test_draws(g, d, j, null_value, clusters, n_clusters, opt, ctx, out, NULL, 0,
                               err);
}
