/* rosenbaum.c - Rosenbaum sensitivity bounds (rosenbaum.h): the signed-rank statistic's
 * distribution under a confounder of strength Gamma, exact (tie groups convolved on a dense
 * array or enumerated, the largest group looked up as a binomial tail) or normal; McNemar's
 * bounds from GSL's binomial. Owns only scratch memory, freed before each call returns. */
#include "rosenbaum.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "mem.h"

/* Forced exact methods (tests) still refuse work beyond this many budgets: hours, not days. */
enum { FORCED_BUDGETS = 100 };

/* A group of tied |d|: m pairs, each of doubled rank r (first + last position, 1-based). */
typedef struct group {
    uint64_t r;
    size_t m;
} group;

/* Everything about the data that does not depend on gamma. */
typedef struct plan {
    group *groups;     /* ascending rank */
    size_t n_groups;
    size_t last;       /* the group looked up, never convolved */
    uint64_t t2;       /* 2 T */
    double sum_r2;     /* sum of doubled ranks */
    double sum_rr4;    /* sum of squared doubled ranks */
    eff_rosen_method method;
    uint64_t step;     /* DP: gcd of the doubled ranks of the convolved groups */
    size_t states;     /* DP: length of the final array */
    /* scratch, allocated once for all gammas */
    double *pmf;       /* ENUM: each convolved group's pmf, back to back; DP: the largest */
    size_t *pmf_at;    /* ENUM: where group j's pmf starts in pmf */
    /* The last group's looked-up tail for the side being summed, by kmin = ceil((2T - sum) /
     * r_last) clamped to 0 .. m_last + 1: P(K_last >= kmin) for the upper side, P(K_last <
     * kmin) for the lower one. look[0] is the value of a sum already at 2T, look[m_last + 1]
     * of one that cannot reach it. */
    double *look;
    double *f, *h;     /* DP arrays */
    uint64_t *reach;   /* ENUM: the largest sum groups j.. (in enumeration order) can add */
} plan;

typedef struct absd {
    double a;
    int hit; /* has the sign `direction` tests */
} absd;

static int cmp_absd(const void *x, const void *y)
{
    double a = ((const absd *)x)->a, b = ((const absd *)y)->a;
    return (a > b) - (a < b);
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/* Neumaier's compensated sum: the tails add up to a million positive terms. */
typedef struct ksum {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->s + x;
    k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
    k->s = t;
}

static eff_status check_common(int direction, const double *gammas, size_t n_gamma,
                               const eff_rosen_bound *out, eff_error *err)
{
    if (direction != 1 && direction != -1)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "direction must be +1 (effect > 0) or -1 (effect < 0), got %d",
                             direction);
    if (n_gamma && (!gammas || !out))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "%zu gammas but no %s array",
                             n_gamma, gammas ? "output" : "gamma");
    for (size_t k = 0; k < n_gamma; k++)
        if (!(gammas[k] >= 1) || !isfinite(gammas[k]))
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "gamma %zu is %g: a sensitivity parameter Gamma must be a "
                                 "finite number >= 1", k + 1, gammas[k]);
    return EFF_OK;
}

/* Sorts the non-zero |d|, groups the ties and sums the doubled ranks. */
static eff_status rank_pairs(const double *d, size_t n, int direction, plan *pl,
                             eff_rosen_info *inf, eff_error *err)
{
    memset(inf, 0, sizeof *inf);
    for (size_t i = 0; i < n; i++)
        inf->n_missing += isnan(d[i]), inf->n_zero += d[i] == 0;
    inf->n_pairs = n - inf->n_missing;
    inf->n_used = inf->n_pairs - inf->n_zero;
    if (!inf->n_used)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "no non-zero paired difference among %zu pairs (%zu zero, %zu "
                             "missing): the signed-rank test needs at least one", n,
                             inf->n_zero, inf->n_missing);
    if (inf->n_used > INT32_MAX) /* keeps n (n + 1), the largest 2T, within 63 bits */
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "%zu pairs: more than 2^31 - 1",
                             inf->n_used);
    absd *a = eff_mallocarray(inf->n_used, sizeof *a);
    pl->groups = eff_mallocarray(inf->n_used, sizeof *pl->groups);
    if (!a || !pl->groups) {
        eff_free(a);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory ranking %zu pairs",
                             inf->n_used);
    }
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(d[i]) && d[i] != 0)
            a[u++] = (absd){fabs(d[i]), direction > 0 ? d[i] > 0 : d[i] < 0};
    qsort(a, u, sizeof *a, cmp_absd);
    for (size_t i = 0; i < u;) {
        size_t j = i, hits = 0;
        while (j < u && a[j].a == a[i].a)
            hits += (size_t)a[j++].hit;
        uint64_t r = (uint64_t)i + 1 + (uint64_t)j; /* positions i+1 .. j, doubled mean */
        pl->groups[pl->n_groups++] = (group){r, j - i};
        pl->t2 += r * hits;
        pl->sum_r2 += (double)r * (double)(j - i);
        pl->sum_rr4 += (double)r * (double)r * (double)(j - i);
        i = j;
    }
    eff_free(a);
    inf->n_ties = pl->n_groups;
    inf->statistic = (double)pl->t2 / 2;
    return EFF_OK;
}

/* DP work with `last` looked up: array length x (m + 1) per convolved group, then one pass. */
static double dp_work(const plan *pl, size_t last, uint64_t *step, double *states)
{
    uint64_t g = 0;
    for (size_t j = 0; j < pl->n_groups; j++)
        if (j != last)
            g = gcd_u64(g, pl->groups[j].r);
    *step = g ? g : 1;
    double len = 1, work = 0;
    for (size_t j = 0; j < pl->n_groups; j++) {
        if (j == last)
            continue;
        work += len * (double)(pl->groups[j].m + 1);
        len += (double)pl->groups[j].m * (double)(pl->groups[j].r / *step);
    }
    *states = len;
    return work + len;
}

/* An enumeration leaf costs about twice a DP multiply-add (measured: 1 ns against 0.45 ns,
 * gcc -O2), so it counts as 2 against the same budget. */
static double enum_work(const plan *pl, size_t last)
{
    double work = 2;
    for (size_t j = 0; j < pl->n_groups && work < 1e300; j++)
        if (j != last)
            work *= (double)(pl->groups[j].m + 1);
    return work;
}

/* Picks the algorithm (gamma-independent, so every bound of a call is computed the same way). */
static eff_status choose(plan *pl, eff_rosen_method want, eff_error *err)
{
    size_t by_span = 0, by_m = 0;
    for (size_t j = 1; j < pl->n_groups; j++) {
        const group *g = &pl->groups[j];
        if ((double)g->r * (double)g->m >=
            (double)pl->groups[by_span].r * (double)pl->groups[by_span].m)
            by_span = j;
        if (g->m >= pl->groups[by_m].m)
            by_m = j;
    }
    uint64_t step;
    double states, w_dp = dp_work(pl, by_span, &step, &states), w_enum = enum_work(pl, by_m);
    if (want == EFF_ROSEN_AUTO)
        want = w_dp > EFF_ROSEN_EXACT_BUDGET && w_enum > EFF_ROSEN_EXACT_BUDGET ? EFF_ROSEN_NORMAL
               : w_enum <= w_dp                                           ? EFF_ROSEN_ENUM
                                                                          : EFF_ROSEN_DP;
    double w = want == EFF_ROSEN_DP ? w_dp : w_enum;
    if (want != EFF_ROSEN_NORMAL &&
        (w > FORCED_BUDGETS * EFF_ROSEN_EXACT_BUDGET ||
         (want == EFF_ROSEN_DP && states > (double)EFF_ROSEN_MAX_STATES)))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the exact %s for %zu tie groups needs %.3g operations and %.3g "
                             "states, more than allowed (%.3g, %zu)",
                             want == EFF_ROSEN_DP ? "DP" : "enumeration", pl->n_groups, w,
                             states, FORCED_BUDGETS * EFF_ROSEN_EXACT_BUDGET,
                             (size_t)EFF_ROSEN_MAX_STATES);
    pl->method = want;
    pl->last = want == EFF_ROSEN_DP ? by_span : by_m;
    pl->step = step;
    pl->states = want == EFF_ROSEN_DP ? (size_t)states : 0; /* else it may not fit */
    return EFF_OK;
}

static eff_status alloc_scratch(plan *pl, eff_error *err)
{
    if (pl->method == EFF_ROSEN_NORMAL)
        return EFF_OK;
    size_t pmf_len = 0, m_last = pl->groups[pl->last].m;
    for (size_t j = 0; j < pl->n_groups; j++)
        if (j != pl->last)
            pmf_len = pl->method == EFF_ROSEN_ENUM ? pmf_len + pl->groups[j].m + 1
                      : pl->groups[j].m + 1 > pmf_len ? pl->groups[j].m + 1 : pmf_len;
    pl->pmf = eff_mallocarray(pmf_len > m_last + 1 ? pmf_len : m_last + 1, sizeof *pl->pmf);
    pl->look = eff_mallocarray(m_last + 2, sizeof *pl->look);
    int ok = pl->pmf && pl->look;
    if (ok && pl->method == EFF_ROSEN_DP) {
        pl->f = eff_mallocarray(pl->states, sizeof *pl->f);
        pl->h = eff_mallocarray(pl->states, sizeof *pl->h);
        ok = pl->f && pl->h;
    } else if (ok) {
        pl->pmf_at = eff_mallocarray(pl->n_groups, sizeof *pl->pmf_at);
        pl->reach = eff_mallocarray(pl->n_groups + 1, sizeof *pl->reach);
        ok = pl->pmf_at && pl->reach;
    }
    if (!ok)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0,
                             "out of memory for the exact signed-rank distribution (%zu tie "
                             "groups, %zu states)", pl->n_groups, pl->states);
    return EFF_OK;
}

static void free_plan(plan *pl)
{
    eff_free(pl->groups);
    eff_free(pl->pmf);
    eff_free(pl->pmf_at);
    eff_free(pl->look);
    eff_free(pl->f);
    eff_free(pl->h);
    eff_free(pl->reach);
}

/* The Binomial(m, p) pmf from GSL, rescaled to sum to 1: GSL's pmf (exp of differences of
 * lnfact) is off by up to about 1.4e-11 relative for m = 1e4 (checked against R's dbinom),
 * partly in common, so unscaled the masses summed to 1 + 2.6e-12 and p-values near 1 wobbled
 * by that much from one gamma to the next. */
static void binom_pmf(size_t m, double p, double *pmf)
{
    double total = 0;
    for (size_t k = 0; k <= m; k++)
        total += pmf[k] = gsl_ran_binomial_pdf((unsigned)k, p, (unsigned)m);
    for (size_t k = 0; k <= m; k++)
        pmf[k] /= total;
}

/* look[k] = P(K >= k) (upper) or P(K < k) (lower) for K ~ Binomial(m, p), k = 0 .. m + 1,
 * each summed from the side where it is small (P(K >= k) above the mean from the top, at or
 * below it as 1 - P(K < k)), so a tail of 1e-200 is not lost next to 1. `pmf`: scratch of
 * m + 1. */
static void binom_look(size_t m, double p, int upper, double *pmf, double *look)
{
    binom_pmf(m, p, pmf);
    size_t mid = (size_t)floor((double)m * p);
    double s = 0;
    look[m + 1] = upper ? 0 : 1;
    for (size_t k = m + 1; k-- > mid + 1;) {
        s += pmf[k];
        look[k] = upper ? s : 1 - s;
    }
    s = 0;
    for (size_t k = 0; k <= mid; k++) {
        look[k] = upper ? 1 - s : s;
        s += pmf[k];
    }
}

/* The last group's looked-up value for a sum of `need` short of 2T. */
static double last_look(const plan *pl, int64_t need)
{
    if (need <= 0)
        return pl->look[0];
    const group *g = &pl->groups[pl->last];
    uint64_t k = ((uint64_t)need + g->r - 1) / g->r;
    return pl->look[k > g->m ? g->m + 1 : k];
}

static void axpy(double *restrict y, const double *restrict x, double a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

/* DP: the distribution of the convolved groups' sum on the lattice step * s, then each state
 * times the last group's looked-up tail. */
static double tail_dp(plan *pl, double p)
{
    double *f = pl->f, *h = pl->h;
    size_t len = 1;
    f[0] = 1;
    for (size_t j = 0; j < pl->n_groups; j++) {
        if (j == pl->last)
            continue;
        size_t m = pl->groups[j].m, r = (size_t)(pl->groups[j].r / pl->step);
        size_t next = len + m * r;
        binom_pmf(m, p, pl->pmf);
        memset(h, 0, next * sizeof *h);
        for (size_t k = 0; k <= m; k++) {
            double w = pl->pmf[k];
            if (w == 0) /* underflow: below 1e-308, nothing a p-value needs */
                continue;
            axpy(h + k * r, f, w, len);
        }
        double *t = f;
        f = h, h = t, len = next;
    }
    ksum sum = {0, 0};
    for (size_t s = 0; s < len; s++)
        if (f[s] != 0)
            ksum_add(&sum, f[s] * last_look(pl, (int64_t)pl->t2 - (int64_t)(s * pl->step)));
    return sum.s + sum.c;
}

/* ENUM: sum over the convolved groups' counts, level by level (enumeration order = the
 * groups but the last, ascending rank). A subtree whose sum already reaches 2T, or cannot
 * reach it, adds its whole mass (1) times look[0] or look[m_last + 1]. */
static double enum_level(const plan *pl, const size_t *order, size_t n_levels, size_t level,
                         uint64_t sum)
{
    const group *lg = &pl->groups[pl->last];
    if (sum >= pl->t2)
        return pl->look[0];
    if (sum + pl->reach[level] < pl->t2)
        return pl->look[lg->m + 1];
    if (level == n_levels)
        return last_look(pl, (int64_t)(pl->t2 - sum));
    const group *g = &pl->groups[order[level]];
    const double *w = pl->pmf + pl->pmf_at[order[level]];
    double s = 0;
    if (level + 1 < n_levels) {
        for (size_t k = 0; k <= g->m; k++)
            if (w[k] != 0)
                s += w[k] * enum_level(pl, order, n_levels, level + 1, sum + k * g->r);
        return s;
    }
    /* the leaves, where the time goes: the last group's tail at kmin = ceil(need / r_last),
     * need = 2T - sum - k r falling by r per step; kept as need = kmin r_last - e, 0 <= e <
     * r_last, and stepped without a division (r = a r_last + b) */
    uint64_t need = pl->t2 - sum, kmin = (need + lg->r - 1) / lg->r, e = kmin * lg->r - need;
    uint64_t a = g->r / lg->r, b = g->r % lg->r;
    size_t k = 0;
    for (; k <= g->m && need > 0; k++) {
        s += w[k] * pl->look[kmin <= lg->m ? kmin : lg->m + 1];
        if (need <= g->r)
            need = 0;
        else {
            need -= g->r, e += b, kmin -= a;
            if (e >= lg->r)
                e -= lg->r, kmin--;
        }
    }
    double rest = 0;
    for (; k <= g->m; k++) /* the rest of this group reaches 2T */
        rest += w[k];
    return s + rest * pl->look[0];
}

static double tail_enum(plan *pl, double p)
{
    /* enumeration order: pl->groups but the last, reusing pmf_at's tail for the order */
    size_t n_levels = 0, at = 0;
    size_t order[64]; /* each level at least doubles the work: under the cap, <= 31 levels */
    for (size_t j = 0; j < pl->n_groups; j++) {
        if (j == pl->last)
            continue;
        pl->pmf_at[j] = at;
        binom_pmf(pl->groups[j].m, p, pl->pmf + at);
        at += pl->groups[j].m + 1;
        order[n_levels++] = j;
    }
    pl->reach[n_levels] = pl->groups[pl->last].r * pl->groups[pl->last].m;
    for (size_t l = n_levels; l-- > 0;)
        pl->reach[l] = pl->reach[l + 1] + pl->groups[order[l]].r * pl->groups[order[l]].m;
    return enum_level(pl, order, n_levels, 0, 0);
}

/* P(T' >= T) with each B_i ~ Bernoulli(p); q = 1 - p given apart (1/(1+G) is exact-er).
 * Exact: summed on the side that is small, P(T' >= T) itself when T is at or above the mean
 * p sum r, else 1 - P(T' < T): either way the sum is of positive terms, a small p-value keeps
 * its relative accuracy, and one near 1 is 1 - (an accurate small number), which rises with
 * gamma as it should (summed directly, it wobbled by a few ulp around 1). */
static double tail(plan *pl, double p, double q)
{
    double mean2 = p * pl->sum_r2; /* 2 x the mean */
    if (pl->method == EFF_ROSEN_NORMAL) {
        double sd = sqrt(p * q * pl->sum_rr4 / 4);
        return gsl_cdf_ugaussian_Q(((double)pl->t2 / 2 - 0.5 - mean2 / 2) / sd);
    }
    int upper = (double)pl->t2 >= mean2;
    binom_look(pl->groups[pl->last].m, p, upper, pl->pmf, pl->look);
    double t = pl->method == EFF_ROSEN_DP ? tail_dp(pl, p) : tail_enum(pl, p);
    return upper ? t : 1 - t;
}

eff_status eff_rosen_signrank_method(const double *d, size_t n, int direction,
                                     const double *gammas, size_t n_gamma,
                                     eff_rosen_method method, eff_rosen_bound *out,
                                     eff_rosen_info *info, eff_error *err)
{
    eff_status st = check_common(direction, gammas, n_gamma, out, err);
    if (st)
        return st;
    if (n && !d)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "%zu differences but no array", n);
    if (method < EFF_ROSEN_AUTO || method > EFF_ROSEN_ENUM)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "unknown method %d", (int)method);
    plan pl = {0};
    eff_rosen_info inf;
    st = rank_pairs(d, n, direction, &pl, &inf, err);
    if (!st)
        st = choose(&pl, method, err);
    if (!st)
        st = alloc_scratch(&pl, err);
    if (st) {
        free_plan(&pl);
        return st;
    }
    for (size_t k = 0; k < n_gamma; k++) {
        double g = gammas[k], hi = g / (1 + g), lo = 1 / (1 + g);
        out[k].gamma = g;
        out[k].p_upper = tail(&pl, hi, lo);
        out[k].p_lower = g == 1 ? out[k].p_upper : tail(&pl, lo, hi);
    }
    inf.method = pl.method;
    inf.exact = pl.method != EFF_ROSEN_NORMAL;
    if (info)
        *info = inf;
    free_plan(&pl);
    return EFF_OK;
}

eff_status eff_rosen_signrank(const double *d, size_t n, int direction, const double *gammas,
                              size_t n_gamma, eff_rosen_bound *out, eff_rosen_info *info,
                              eff_error *err)
{
    return eff_rosen_signrank_method(d, n, direction, gammas, n_gamma, EFF_ROSEN_AUTO, out,
                                     info, err);
}

/* P(Bin(n, p) >= k) from GSL (gsl_cdf_binomial_Q(k, ...) is P(X > k)). */
static double binom_at_least(unsigned k, double p, unsigned n)
{
    return k == 0 ? 1 : gsl_cdf_binomial_Q(k - 1, p, n);
}

eff_status eff_rosen_mcnemar(size_t treated_only, size_t control_only, int direction,
                             const double *gammas, size_t n_gamma, eff_rosen_bound *out,
                             eff_error *err)
{
    eff_status st = check_common(direction, gammas, n_gamma, out, err);
    if (st)
        return st;
    if (treated_only == 0 && control_only == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "no discordant pairs (treated_only = control_only = 0): McNemar's "
                             "test needs at least one");
    if (treated_only > UINT_MAX - control_only)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "%zu + %zu discordant pairs: more than %u", treated_only,
                             control_only, UINT_MAX);
    unsigned n = (unsigned)(treated_only + control_only);
    unsigned k = (unsigned)(direction > 0 ? treated_only : control_only);
    for (size_t j = 0; j < n_gamma; j++) {
        double g = gammas[j];
        out[j].gamma = g;
        out[j].p_upper = binom_at_least(k, g / (1 + g), n);
        out[j].p_lower = binom_at_least(k, 1 / (1 + g), n);
    }
    return EFF_OK;
}

double eff_rosen_gamma_star(const eff_rosen_bound *b, size_t n, double alpha)
{
    double best = NAN;
    for (size_t k = 0; k < n; k++)
        if (b[k].p_upper > alpha && !(b[k].gamma >= best))
            best = b[k].gamma;
    return best;
}

size_t eff_rosen_default_grid(double *g, size_t cap)
{
    enum { N = 21 };
    for (size_t k = 0; k < N && k < cap; k++)
        g[k] = 1 + (double)k / 10.0;
    return N;
}
