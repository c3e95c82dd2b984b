/* test_rosenbaum.c - Rosenbaum sensitivity bounds (src/rosenbaum.c) against R
 * (tests/ref/rosenbaum/make_rosenbaum_refs.R: psignrank, brute force over sign patterns,
 * pair-by-pair convolution, wilcox.test's normal approximation, binom.test and pbinom), against
 * a brute force written here, and against cases worked by hand; directions, zeros and missing
 * pairs; the normal path against the exact one; large n; bad input; out of memory;
 * gamma_star and the default grid. */
#include "eff_test.h"

#include <time.h>

/* rtol 1e-12: the exact paths and R's references sum the same probabilities in different
 * orders (grouped binomials vs pair by pair, DP vs all 2^n patterns), a few 1e-15 apart for
 * n of a few hundred; the brief's tolerance. */
#define RTOL_EXACT 1e-12
/* Groups of thousands of tied pairs (the "binomial" references, up to 20,000 pairs): GSL's
 * binomial pmf (exp of a difference of lnfact values) is off by up to 1.4e-11 relative at
 * m = 1e4 against R's dbinom, less after rescaling to sum 1; the bounds came within 1e-12 of
 * R's (measured), so 3e-12. */
#define RTOL_GSL_PMF 3e-12
/* Bounds below this are not p-values anyone reads, and subnormal ones lack 12 digits. */
#define ATOL_TINY 1e-290

enum { MAX_PAIRS = 25000 };

static double num(const eff_table *t, const char *name, size_t r)
{
    long c = eff_table_find(t, name);
    assert_true(c >= 0);
    if (eff_table_is_na(t, (size_t)c, r))
        return NAN;
    return eff_table_col_type(t, (size_t)c) == EFF_TYPE_I64 ? (double)eff_table_i64(t, (size_t)c)[r]
                                                            : eff_table_f64(t, (size_t)c)[r];
}

static const char *str(const eff_table *t, const char *name, size_t r)
{
    long c = eff_table_find(t, name);
    assert_true(c >= 0);
    return eff_table_str(t, (size_t)c, r);
}

/* The differences of set `name` (missing as NaN) into d (cap MAX_PAIRS); returns their number. */
static size_t set_pairs(const eff_table *pairs, const char *name, double *d)
{
    size_t n = 0;
    for (size_t r = 0; r < eff_table_n_rows(pairs); r++)
        if (!strcmp(str(pairs, "set", r), name)) {
            assert_true(n < MAX_PAIRS);
            d[n++] = num(pairs, "d", r);
        }
    assert_true(n > 0);
    return n;
}

static void check_method(const double *d, size_t n, int dir, double gamma, eff_rosen_method m,
                         double stat, size_t n_used, double up, double lo, double rtol)
{
    eff_rosen_bound b;
    eff_rosen_info info;
    eff_error err;
    eff_status st = eff_rosen_signrank_method(d, n, dir, &gamma, 1, m, &b, &info, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, EFF_OK);
    assert_true(info.statistic == stat);
    assert_int_equal(info.n_used, n_used);
    assert_int_equal(info.exact, m != EFF_ROSEN_NORMAL);
    if (m != EFF_ROSEN_AUTO)
        assert_int_equal(info.method, m);
    assert_true(b.gamma == gamma);
    eff_assert_close(b.p_upper, up, rtol, ATOL_TINY);
    eff_assert_close(b.p_lower, lo, rtol, ATOL_TINY);
}

static void signrank_matches_r(void **state)
{
    (void)state;
    eff_table *pairs = eff_test_read_csv("tests/ref/rosenbaum/signrank_pairs.csv");
    eff_table *ref = eff_test_read_csv("tests/ref/rosenbaum/signrank.csv");
    size_t seen[6] = {0};
    static const char *const sources[] = {"psignrank", "brute", "convolution", "wilcox",
                                          "normal", "binomial"};
    static double d[MAX_PAIRS];
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        size_t n = set_pairs(pairs, str(ref, "set", r), d), s = 0;
        while (s < 6 && strcmp(str(ref, "source", r), sources[s]))
            s++;
        assert_true(s < 6);
        seen[s]++;
        int dir = (int)num(ref, "direction", r);
        double g = num(ref, "gamma", r), stat = num(ref, "statistic", r);
        double up = num(ref, "p_upper", r), lo = num(ref, "p_lower", r);
        size_t used = (size_t)num(ref, "n_used", r);
        if (s == 5) { /* large tie groups: GSL's binomial pmf against R's dbinom */
            check_method(d, n, dir, g, EFF_ROSEN_AUTO, stat, used, up, lo, RTOL_GSL_PMF);
            continue;
        }
        if (s >= 3) { /* the normal approximation, forced; the same formula as R's, with the
                         variance summed from the ranks (R: from the tie counts) */
            check_method(d, n, dir, g, EFF_ROSEN_NORMAL, stat, used, up, lo, 1e-12);
            continue;
        }
        check_method(d, n, dir, g, EFF_ROSEN_AUTO, stat, used, up, lo, RTOL_EXACT);
        if (s == 0 || s == 1) /* Gamma = 1 without ties: the two bounds are R's psignrank */
            assert_true(s == 1 || up == lo);
        if (s == 1) { /* small: both exact algorithms, forced */
            check_method(d, n, dir, g, EFF_ROSEN_DP, stat, used, up, lo, RTOL_EXACT);
            check_method(d, n, dir, g, EFF_ROSEN_ENUM, stat, used, up, lo, RTOL_EXACT);
        } else if (s == 2) {
            check_method(d, n, dir, g, EFF_ROSEN_DP, stat, used, up, lo, RTOL_EXACT);
        }
    }
    assert_true(seen[0] >= 16 && seen[1] >= 100 && seen[2] >= 80 && seen[3] >= 6 && seen[4] >= 100 &&
                seen[5] >= 60);
    eff_table_free(pairs);
    eff_table_free(ref);
}

/* Worked by hand: sums of the subsets of the ranks, each weighted p^|S| (1 - p)^(n - |S|). */
static void signrank_by_hand(void **state)
{
    (void)state;
    static const double g12[] = {1, 2}, g13[] = {1, 3};
    eff_rosen_bound b[2];
    eff_rosen_info info;
    /* d = {1, 2, 3}: T = 6 only when all three are positive: Gamma 1: (1/2)^3 = 1/8;
     * Gamma 2: p = 2/3, (2/3)^3 = 8/27 upper, (1/3)^3 = 1/27 lower */
    const double a[] = {1, 2, 3};
    assert_int_equal(eff_rosen_signrank(a, 3, 1, g12, 2, b, &info, NULL), EFF_OK);
    assert_true(info.statistic == 6 && info.exact && info.n_used == 3 && info.n_ties == 3);
    eff_assert_close(b[0].p_upper, 1.0 / 8, 1e-15, 0);
    eff_assert_close(b[0].p_lower, 1.0 / 8, 1e-15, 0);
    eff_assert_close(b[1].p_upper, 8.0 / 27, 1e-15, 0);
    eff_assert_close(b[1].p_lower, 1.0 / 27, 1e-15, 0);
    /* d = {1, -2, 3}: T = 1 + 3 = 4; subsets summing to >= 4: {1,3}, {2,3}, {1,2,3}.
     * Gamma 1: 3/8. Gamma 2: upper 2 (2/3)^2 (1/3) + (2/3)^3 = 8/27 + 8/27 = 16/27; lower
     * 2 (1/3)^2 (2/3) + (1/3)^3 = 4/27 + 1/27 = 5/27 */
    const double c[] = {1, -2, 3};
    assert_int_equal(eff_rosen_signrank(c, 3, 1, g12, 2, b, &info, NULL), EFF_OK);
    assert_true(info.statistic == 4);
    eff_assert_close(b[0].p_upper, 3.0 / 8, 1e-15, 0);
    eff_assert_close(b[1].p_upper, 16.0 / 27, 1e-15, 0);
    eff_assert_close(b[1].p_lower, 5.0 / 27, 1e-15, 0);
    /* d = {1, 1, -1}: one tie group, average rank 2, T = 4 = 2 K with K >= 2 of 3.
     * Gamma 1: (3 + 1)/8 = 1/2. Gamma 3: upper 3 (3/4)^2 (1/4) + (3/4)^3 = 27/64 + 27/64 =
     * 27/32; lower 3 (1/4)^2 (3/4) + (1/4)^3 = 9/64 + 1/64 = 5/32 */
    const double e[] = {1, 1, -1};
    assert_int_equal(eff_rosen_signrank(e, 3, 1, g13, 2, b, &info, NULL), EFF_OK);
    assert_true(info.statistic == 4 && info.n_ties == 1);
    eff_assert_close(b[0].p_upper, 1.0 / 2, 1e-15, 0);
    eff_assert_close(b[1].p_upper, 27.0 / 32, 1e-15, 0);
    eff_assert_close(b[1].p_lower, 5.0 / 32, 1e-15, 0);
}

/* A deterministic LCG (Knuth's MMIX constants): the test's data, the same on every run. */
static uint64_t lcg_state = 42;
static double lcg_unif(void)
{
    lcg_state = lcg_state * 6364136223846793005u + 1442695040888963407u;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* All 2^n sign patterns of the non-zero, non-missing d, ranks by counting. */
static void brute_force(const double *d, size_t n, int dir, double g, double *up, double *lo)
{
    double a[20];
    int hit[20];
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(d[i]) && d[i] != 0)
            a[u] = fabs(d[i]), hit[u++] = dir > 0 ? d[i] > 0 : d[i] < 0;
    long r2[20], t2 = 0; /* doubled average ranks: 2 #less + #equal + 1 */
    for (size_t i = 0; i < u; i++) {
        long less = 0, eq = 0;
        for (size_t j = 0; j < u; j++)
            less += a[j] < a[i], eq += a[j] == a[i];
        r2[i] = 2 * less + eq + 1;
        t2 += hit[i] ? r2[i] : 0;
    }
    double p = g / (1 + g), q = 1 / (1 + g);
    *up = *lo = 0;
    for (unsigned long s = 0; s < 1ul << u; s++) {
        long sum = 0, k = 0;
        for (size_t i = 0; i < u; i++)
            if (s >> i & 1)
                sum += r2[i], k++;
        if (sum >= t2) {
            *up += pow(p, (double)k) * pow(q, (double)((long)u - k));
            *lo += pow(q, (double)k) * pow(p, (double)((long)u - k));
        }
    }
}

static void signrank_matches_brute_force(void **state)
{
    (void)state;
    static const double gammas[] = {1, 1.37, 2.5, 3};
    static const eff_rosen_method methods[] = {EFF_ROSEN_AUTO, EFF_ROSEN_DP, EFF_ROSEN_ENUM};
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 1 + (size_t)(lcg_unif() * 13);
        double d[14];
        int levels = 1 + (int)(lcg_unif() * 6), halves = rep % 3 == 0, nonzero = 0;
        for (size_t i = 0; i < n; i++) {
            /* small integer levels give ties, zeros and both signs; a third in halves */
            d[i] = floor(lcg_unif() * (2 * levels + 1)) - levels;
            if (halves)
                d[i] /= 2;
            if (lcg_unif() < 0.05)
                d[i] = NAN;
            nonzero += !isnan(d[i]) && d[i] != 0;
        }
        if (!nonzero)
            continue;
        int dir = rep % 2 ? 1 : -1;
        for (size_t m = 0; m < 3; m++) {
            eff_rosen_bound b[4];
            eff_rosen_info info;
            assert_int_equal(eff_rosen_signrank_method(d, n, dir, gammas, 4, methods[m], b, &info,
                                                       NULL), EFF_OK);
            assert_int_equal(info.n_used, (size_t)nonzero);
            for (size_t k = 0; k < 4; k++) {
                double up, lo;
                brute_force(d, n, dir, gammas[k], &up, &lo);
                eff_assert_close(b[k].p_upper, up, RTOL_EXACT, 0);
                eff_assert_close(b[k].p_lower, lo, RTOL_EXACT, 0);
            }
        }
    }
}

static void mcnemar_matches_r(void **state)
{
    (void)state;
    eff_table *ref = eff_test_read_csv("tests/ref/rosenbaum/mcnemar.csv");
    assert_true(eff_table_n_rows(ref) >= 100);
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        double g = num(ref, "gamma", r);
        eff_rosen_bound b;
        eff_error err;
        assert_int_equal(eff_rosen_mcnemar((size_t)num(ref, "treated_only", r),
                                           (size_t)num(ref, "control_only", r),
                                           (int)num(ref, "direction", r), &g, 1, &b, &err),
                         EFF_OK);
        assert_true(b.gamma == g);
        /* GSL's binomial tail (an incomplete beta through lnbeta) against R's pbinom (TOMS
         * 708): measured within 1.4e-13 relative up to D = 710 discordant pairs, 2.4e-11 at
         * D = 17,500 */
        double D = num(ref, "treated_only", r) + num(ref, "control_only", r);
        double rtol = D < 1000 ? 1e-12 : 5e-11;
        eff_assert_close(b.p_upper, num(ref, "p_upper", r), rtol, ATOL_TINY);
        eff_assert_close(b.p_lower, num(ref, "p_lower", r), rtol, ATOL_TINY);
        if (g == 1)
            assert_true(b.p_upper == b.p_lower);
    }
    eff_table_free(ref);
}

static void direction_zeros_and_missing(void **state)
{
    (void)state;
    double d[60], neg[60], padded[75];
    for (size_t i = 0; i < 60; i++) {
        d[i] = round((lcg_unif() - 0.4) * 40) / 4; /* ties and a few zeros */
        neg[i] = -d[i];
        padded[i] = d[i];
    }
    for (size_t i = 60; i < 75; i++)
        padded[i] = i % 2 ? 0 : NAN;
    double g[21];
    eff_rosen_default_grid(g, 21);
    eff_rosen_bound a[21], b[21], c[21];
    eff_rosen_info ia, ib, ic;
    assert_int_equal(eff_rosen_signrank(d, 60, -1, g, 21, a, &ia, NULL), EFF_OK);
    assert_int_equal(eff_rosen_signrank(neg, 60, 1, g, 21, b, &ib, NULL), EFF_OK);
    assert_int_equal(eff_rosen_signrank(padded, 75, -1, g, 21, c, &ic, NULL), EFF_OK);
    assert_true(ia.statistic == ib.statistic && ia.statistic == ic.statistic);
    assert_int_equal(ic.n_missing, 8);
    assert_int_equal(ic.n_zero, ia.n_zero + 7);
    assert_int_equal(ic.n_pairs, 67);
    assert_int_equal(ic.n_used, ia.n_used);
    assert_true(ia.n_zero > 0 && ia.n_used + ia.n_zero == 60);
    for (size_t k = 0; k < 21; k++) {
        /* the same sort, ranks and sums: the same bits */
        assert_true(a[k].p_upper == b[k].p_upper && a[k].p_lower == b[k].p_lower);
        assert_true(a[k].p_upper == c[k].p_upper && a[k].p_lower == c[k].p_lower);
    }
}

/* The normal approximation's error bound for comparing it with the exact bounds: the first
 * Edgeworth term, |gamma_1| / 6 max |(z^2 - 1) phi(z)| = |gamma_1| phi(0) / 6 with gamma_1 =
 * the skewness of T' = sum r (p q (q - p)) / (sum r^2 p q)^(3/2), doubled, plus 2/n for the
 * O(1/n) terms (kurtosis, and the discreteness that the correction of 1/2 leaves). */
static double edgeworth_tol(const double *d, size_t n, double gamma)
{
    double s2 = 0, s3 = 0, p = gamma / (1 + gamma), q = 1 / (1 + gamma);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) { /* ranks of untied |d|, or any ranks: r ~ i */
        double r = 0;
        for (size_t j = 0; j < n; j++)
            r += fabs(d[j]) < fabs(d[i]) ? 1 : fabs(d[j]) == fabs(d[i]) ? 0.5 : 0;
        r += 0.5;
        s2 += r * r, s3 += r * r * r, used++;
    }
    double g1 = s3 * p * q * fabs(q - p) / pow(s2 * p * q, 1.5);
    return 2 * g1 * 0.3989422804014327 / 6 + 2.0 / (double)used;
}

static void normal_close_to_exact(void **state)
{
    (void)state;
    enum { N = 300 };
    static double d[N];
    for (size_t i = 0; i < N; i++)
        d[i] = (lcg_unif() + 0.07) * (i % 3 ? 1 : -1) * (1 + lcg_unif()); /* untied */
    double g[21];
    eff_rosen_default_grid(g, 21);
    eff_rosen_bound ex[21], nm[21];
    eff_rosen_info ie, in;
    assert_int_equal(eff_rosen_signrank(d, N, 1, g, 21, ex, &ie, NULL), EFF_OK);
    assert_true(ie.exact && ie.method == EFF_ROSEN_DP); /* within the budget */
    assert_int_equal(eff_rosen_signrank_method(d, N, 1, g, 21, EFF_ROSEN_NORMAL, nm, &in, NULL),
                     EFF_OK);
    assert_false(in.exact);
    int moderate = 0;
    for (size_t k = 0; k < 21; k++) {
        double tol = edgeworth_tol(d, N, g[k]);
        eff_assert_close(nm[k].p_upper, ex[k].p_upper, 0, tol);
        eff_assert_close(nm[k].p_lower, ex[k].p_lower, 0, tol);
        moderate += ex[k].p_upper > 0.01 && ex[k].p_upper < 0.99; /* a test that can fail */
    }
    assert_true(moderate >= 3);
    /* at Gamma = 1 the distribution is symmetric (gamma_1 = 0) and the error O(1/n), its
     * kurtosis term about 1.2/n x max |(z^3 - 3z) phi(z)| / 24 < 0.05/n: within 1/n, with a
     * weaker effect so that the p-value is moderate */
    for (size_t i = 0; i < N; i++)
        d[i] = lcg_unif() - 0.48;
    assert_int_equal(eff_rosen_signrank(d, N, 1, g, 1, ex, &ie, NULL), EFF_OK);
    assert_int_equal(eff_rosen_signrank_method(d, N, 1, g, 1, EFF_ROSEN_NORMAL, nm, &in, NULL),
                     EFF_OK);
    assert_true(ie.exact && ex[0].p_upper > 0.01 && ex[0].p_upper < 0.5);
    eff_assert_close(nm[0].p_upper, ex[0].p_upper, 0, 1.0 / N);
}

/* 20,000 pairs: a binary outcome (|d| in {1, 2}) is exact, a continuous one normal; p_upper
 * rises and p_lower falls with gamma. */
static void large_n(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *bin = malloc(N * sizeof *bin), *cont = malloc(N * sizeof *cont);
    assert_non_null(bin);
    assert_non_null(cont);
    for (size_t i = 0; i < N; i++) {
        double u = lcg_unif();
        /* a small effect: P(d > 0) = 0.29 against P(d < 0) = 0.26 */
        bin[i] = u < 0.1 ? -2 : u < 0.26 ? -1 : u < 0.71 ? 0 : u < 0.9 ? 1 : 2;
        cont[i] = lcg_unif() - 0.47;
    }
    double g[21];
    eff_rosen_default_grid(g, 21);
    eff_rosen_bound b[21], c[21], nm[21];
    eff_rosen_info ib, ic;
    clock_t t0 = clock();
    assert_int_equal(eff_rosen_signrank(bin, N, 1, g, 21, b, &ib, NULL), EFF_OK);
    assert_int_equal(eff_rosen_signrank(cont, N, 1, g, 21, c, &ic, NULL), EFF_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(ib.exact && ib.method == EFF_ROSEN_ENUM && ib.n_ties == 2);
    assert_false(ic.exact);
    if (!eff_test_small())
        assert_true(secs < 1); /* CPU time, so other jobs on the machine do not count */
    for (size_t k = 1; k < 21; k++) {
        if (!(b[k].p_upper >= b[k - 1].p_upper && b[k].p_lower <= b[k - 1].p_lower))
            print_error("gamma %g: upper %.17g after %.17g, lower %.17g after %.17g\n", g[k],
                        b[k].p_upper, b[k - 1].p_upper, b[k].p_lower, b[k - 1].p_lower);
        assert_true(b[k].p_upper >= b[k - 1].p_upper && b[k].p_lower <= b[k - 1].p_lower);
        assert_true(c[k].p_upper >= c[k - 1].p_upper && c[k].p_lower <= c[k - 1].p_lower);
    }
    assert_true(b[0].p_upper < 0.05 && b[20].p_upper > 0.05); /* the grid brackets it */
    /* the normal approximation of the same binary data agrees to the Edgeworth bound
     * (computed here for the untied ranks 1..n: the same order of skewness) */
    assert_int_equal(eff_rosen_signrank_method(bin, N, 1, g, 21, EFF_ROSEN_NORMAL, nm, NULL, NULL),
                     EFF_OK);
    for (size_t k = 0; k < 21; k++) {
        double p = g[k] / (1 + g[k]), q = 1 / (1 + g[k]), nn = (double)ib.n_used;
        double g1 = (nn * nn * nn * nn / 4) * p * q * fabs(q - p) / pow(nn * nn * nn / 3 * p * q, 1.5);
        eff_assert_close(nm[k].p_upper, b[k].p_upper, 0, 2 * g1 * 0.3989 / 6 + 2 / nn);
    }
    free(bin);
    free(cont);
}

/* Binary outcomes of moderate size: both exact algorithms agree (DP by rows, ENUM by leaves). */
static void dp_and_enum_agree(void **state)
{
    (void)state;
    double d[400], g[21];
    for (size_t i = 0; i < 400; i++) {
        double u = lcg_unif();
        d[i] = u < 0.15 ? -2 : u < 0.35 ? -1 : u < 0.55 ? 0 : u < 0.8 ? 1 : u < 0.95 ? 2 : 3;
    }
    eff_rosen_default_grid(g, 21);
    eff_rosen_bound a[21], b[21];
    assert_int_equal(eff_rosen_signrank_method(d, 400, 1, g, 21, EFF_ROSEN_DP, a, NULL, NULL),
                     EFF_OK);
    assert_int_equal(eff_rosen_signrank_method(d, 400, 1, g, 21, EFF_ROSEN_ENUM, b, NULL, NULL),
                     EFF_OK);
    for (size_t k = 0; k < 21; k++) {
        eff_assert_close(a[k].p_upper, b[k].p_upper, RTOL_EXACT, 0);
        eff_assert_close(a[k].p_lower, b[k].p_lower, RTOL_EXACT, 0);
    }
    assert_true(a[0].p_upper < 0.5 && a[20].p_lower < 1e-6);
}

static void expect_einval(eff_status st, const eff_error *err, const eff_rosen_bound *b,
                          const char *msg)
{
    assert_int_equal(st, EFF_EINVAL);
    assert_int_equal(err->status, EFF_EINVAL);
    if (!strstr(err->msg, msg)) {
        print_error("message \"%s\" lacks \"%s\"\n", err->msg, msg);
        fail();
    }
    assert_true(b->gamma == -7); /* output untouched */
}

static void bad_input(void **state)
{
    (void)state;
    const double d[] = {1, -2, 3}, zeros[] = {0, 0, NAN}, g1[] = {1, 2}, low[] = {1, 0.99},
                 inf[] = {INFINITY}, nan[] = {NAN};
    eff_rosen_bound b[2] = {{-7, 0, 0}, {-7, 0, 0}};
    eff_error e;
    expect_einval(eff_rosen_signrank(d, 3, 1, low, 2, b, NULL, &e), &e, b, "gamma 2 is 0.99");
    expect_einval(eff_rosen_signrank(d, 3, 1, low, 2, b, NULL, &e), &e, b, ">= 1");
    expect_einval(eff_rosen_signrank(d, 3, 1, inf, 1, b, NULL, &e), &e, b, "finite");
    expect_einval(eff_rosen_signrank(d, 3, 1, nan, 1, b, NULL, &e), &e, b, "gamma 1 is nan");
    expect_einval(eff_rosen_signrank(zeros, 3, 1, g1, 2, b, NULL, &e), &e, b,
                  "no non-zero paired difference among 3 pairs (2 zero, 1 missing)");
    expect_einval(eff_rosen_signrank(d, 0, 1, g1, 2, b, NULL, &e), &e, b,
                  "no non-zero paired difference");
    expect_einval(eff_rosen_signrank(d, 3, 0, g1, 2, b, NULL, &e), &e, b,
                  "direction must be +1 (effect > 0) or -1 (effect < 0), got 0");
    expect_einval(eff_rosen_signrank(d, 3, 2, g1, 2, b, NULL, &e), &e, b, "got 2");
    expect_einval(eff_rosen_signrank(NULL, 3, 1, g1, 2, b, NULL, &e), &e, b, "no array");
    expect_einval(eff_rosen_signrank(d, 3, 1, g1, 2, NULL, NULL, &e), &e, b, "no output");
    expect_einval(eff_rosen_signrank_method(d, 3, 1, g1, 2, (eff_rosen_method)9, b, NULL, &e),
                  &e, b, "unknown method");
    expect_einval(eff_rosen_mcnemar(0, 0, 1, g1, 2, b, &e), &e, b, "no discordant pairs");
    expect_einval(eff_rosen_mcnemar(3, 1, -2, g1, 2, b, &e), &e, b, "got -2");
    expect_einval(eff_rosen_mcnemar(3, 1, 1, low, 2, b, &e), &e, b, "gamma 2 is 0.99");
    /* 5,000 untied pairs: the exact DP would need about 4e10 operations; forced, refused */
    static double big[5000];
    for (size_t i = 0; i < 5000; i++)
        big[i] = (double)(i + 1) * (i % 2 ? 1 : -1);
    expect_einval(eff_rosen_signrank_method(big, 5000, 1, g1, 2, EFF_ROSEN_DP, b, NULL, &e), &e,
                  b, "more than allowed");
    expect_einval(eff_rosen_signrank_method(big, 5000, 1, g1, 2, EFF_ROSEN_ENUM, b, NULL, &e),
                  &e, b, "more than allowed");
    /* ... and under AUTO, the normal approximation */
    eff_rosen_info info;
    assert_int_equal(eff_rosen_signrank(big, 5000, 1, g1, 2, b, &info, &e), EFF_OK);
    assert_false(info.exact);
    /* no gammas: only the statistic */
    assert_int_equal(eff_rosen_signrank(d, 3, 1, NULL, 0, NULL, &info, &e), EFF_OK);
    assert_true(info.statistic == 4);
}

static void out_of_memory(void **state)
{
    (void)state;
    const double d[] = {1, -2, 2, 3, 0, 4, -4, 5, 6, 1};
    static const eff_rosen_method methods[] = {EFF_ROSEN_DP, EFF_ROSEN_ENUM, EFF_ROSEN_NORMAL};
    double g[3] = {1, 1.5, 2};
    for (size_t m = 0; m < 3; m++) {
        long fails = 0;
        for (long k = 0;; k++) {
            eff_rosen_bound b[3] = {{-7, 0, 0}, {-7, 0, 0}, {-7, 0, 0}};
            eff_error e;
            eff_mem_fail_after(k);
            eff_status st = eff_rosen_signrank_method(d, 10, 1, g, 3, methods[m], b, NULL, &e);
            eff_mem_fail_after(-1);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            assert_true(b[0].gamma == -7); /* written only on EFF_OK */
            assert_non_null(strstr(e.msg, "out of memory"));
            fails++;
        }
        assert_true(fails >= 1);
        print_message("# fault injection: eff_rosen_signrank_method (method %zu): %ld allocation "
                      "points\n", m, fails);
    }
}

static void gamma_star(void **state)
{
    (void)state;
    const eff_rosen_bound b[] = {{1.0, 0.01, 0.01}, {1.1, 0.03, 0.004}, {1.2, 0.049, 0.001},
                                 {1.3, 0.05, 0.0005}, {1.4, 0.06, 0.0001}, {1.5, 0.2, 0.0}};
    /* 0.05 is not above alpha = 0.05: the first above it is 0.06 at 1.4 */
    assert_true(eff_rosen_gamma_star(b, 6, 0.05) == 1.4);
    assert_true(eff_rosen_gamma_star(b, 6, 0.04) == 1.2);
    assert_true(eff_rosen_gamma_star(b, 6, 0.005) == 1.0); /* even gamma = 1: gammas[0] */
    assert_true(isnan(eff_rosen_gamma_star(b, 6, 0.2)));   /* none above: NaN */
    assert_true(isnan(eff_rosen_gamma_star(b, 0, 0.05)));
    const eff_rosen_bound shuffled[] = {b[5], b[3], b[4], {1.05, NAN, NAN}, b[0], b[2], b[1]};
    assert_true(eff_rosen_gamma_star(shuffled, 7, 0.05) == 1.4);
    assert_true(eff_rosen_gamma_star(shuffled, 7, 0.04) == 1.2);
}

static void default_grid(void **state)
{
    (void)state;
    double g[22];
    g[21] = -1;
    assert_int_equal(eff_rosen_default_grid(g, 22), 21);
    for (int k = 0; k <= 20; k++)
        assert_true(g[k] == 1 + (double)k / 10.0);
    assert_true(g[0] == 1 && g[10] == 2 && g[20] == 3 && g[21] == -1);
    g[3] = -1;
    assert_int_equal(eff_rosen_default_grid(g, 3), 21);
    assert_true(g[2] == 1.2 && g[3] == -1);
    assert_int_equal(eff_rosen_default_grid(NULL, 0), 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signrank_matches_r),
        cmocka_unit_test(signrank_by_hand),
        cmocka_unit_test(signrank_matches_brute_force),
        cmocka_unit_test(mcnemar_matches_r),
        cmocka_unit_test(direction_zeros_and_missing),
        cmocka_unit_test(normal_close_to_exact),
        cmocka_unit_test(large_n),
        cmocka_unit_test(dp_and_enum_agree),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(out_of_memory),
        cmocka_unit_test(gamma_star),
        cmocka_unit_test(default_grid),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
