/* test_linalg.c - least squares against NIST StRD certified values (tests/ref/nist,
 * used as published), rank detection in R's order, and the SPD solver. */
#include "../src/linalg.h"
#include "eff_test.h"

#define NIST "tests/ref/nist/"


static double col_value(const eff_table *t, size_t j, size_t i)
{
    return eff_table_col_type(t, j) == EFF_TYPE_I64 ? (double)eff_table_i64(t, j)[i]
                                                    : eff_table_f64(t, j)[i];
}

/* Log relative error, as NIST defines it: -log10(|got - want| / |want|), capped at 15; the
 * log absolute error when the certified value is 0 (Wampler1's standard errors). */
static double lre(double got, double want)
{
    double rel = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    return rel == 0 ? 15 : fmin(15, -log10(rel));
}

/* Fits the NIST problem `name` (polynomial in x up to `degree`, or all columns when degree is
 * 0) and checks every estimate and standard error to `min_lre` digits. */
static void nist_problem(const char *name, int degree, double min_lre)
{
    char path[256];
    snprintf(path, sizeof path, NIST "%s.csv", name);
    eff_table *data = eff_test_read_csv(path);
    snprintf(path, sizeof path, NIST "%s.certified.csv", name);
    eff_table *cert = eff_test_read_csv(path);
    size_t n = eff_table_n_rows(data), k = eff_table_n_rows(cert);
    double *x = malloc(n * k * sizeof *x), *y = malloc(n * sizeof *y);
    double *b = malloc(k * sizeof *b), *cov = malloc(k * k * sizeof *cov);
    for (size_t i = 0; i < n; i++) {
        y[i] = col_value(data, 0, i);
        x[i] = 1.0;
        for (size_t j = 1; j < k; j++)
            x[j * n + i] = degree ? pow(col_value(data, 1, i), (double)j) : col_value(data, j, i);
    }
    unsigned char keep[16];
    size_t rank;
    assert_int_equal(eff_linalg_rank(x, n, k, 1e-12, keep, &rank, NULL), EFF_OK);
    assert_int_equal(rank, k); /* R's lm at its default tolerance drops a term of Filip */
    assert_int_equal(eff_linalg_lsq(x, n, k, y, b, cov, NULL), EFF_OK);
    long double rss = 0;
    for (size_t i = 0; i < n; i++) {
        long double r = y[i];
        for (size_t j = 0; j < k; j++)
            r -= (long double)x[j * n + i] * b[j];
        rss += r * r;
    }
    double s2 = (double)(rss / (long double)(n - k));
    double worst = 15;
    for (size_t j = 0; j < k; j++) {
        double e = lre(b[j], col_value(cert, 1, j));
        double s = lre(sqrt(s2 * cov[j * k + j]), col_value(cert, 2, j));
        worst = fmin(worst, fmin(e, s));
    }
    print_message("# NIST %s: lowest LRE %.1f (need %.0f)\n", name, worst, min_lre);
    assert_true(worst >= min_lre);
    free(x);
    free(y);
    free(b);
    free(cov);
    eff_table_free(data);
    eff_table_free(cert);
}

static void nist_longley(void **state) { (void)state; nist_problem("longley", 0, 9); }
static void nist_pontius(void **state) { (void)state; nist_problem("pontius", 2, 9); }
static void nist_wampler1(void **state) { (void)state; nist_problem("wampler1", 5, 9); }
static void nist_wampler2(void **state) { (void)state; nist_problem("wampler2", 5, 9); }
static void nist_wampler3(void **state) { (void)state; nist_problem("wampler3", 5, 9); }
static void nist_filip(void **state) { (void)state; nist_problem("filip", 10, 7); }

/* Aliased columns are dropped in R's order: the later of two equal columns goes. */
static void rank_drops_in_order(void **state)
{
    (void)state;
    size_t n = 6;
    double x[6 * 5];
    for (size_t i = 0; i < n; i++) {
        x[0 * n + i] = 1;
        x[1 * n + i] = (double)i;
        x[2 * n + i] = (double)(i * i);
        x[3 * n + i] = 2.0 * (double)i + 1; /* = 2*x1 + x0: aliased */
        x[4 * n + i] = 0;                   /* all zero */
    }
    unsigned char keep[5];
    size_t rank;
    assert_int_equal(eff_linalg_rank(x, n, 5, 1e-12, keep, &rank, NULL), EFF_OK);
    assert_int_equal(rank, 3);
    assert_true(keep[0] && keep[1] && keep[2] && !keep[3] && !keep[4]);
}

static void spd_solve_and_condition(void **state)
{
    (void)state;
    double a[4] = {4, 2, 2, 3}, rhs[2] = {2, 1}, b[2], inv[4], rcond;
    assert_int_equal(eff_linalg_spd_solve(a, 2, rhs, b, inv, 1e-10, &rcond, NULL), EFF_OK);
    eff_assert_close(b[0], 0.5, 1e-15, 1e-15); /* 4*0.5 + 2*0 = 2, 2*0.5 + 3*0 = 1 */
    eff_assert_close(b[1], 0.0, 0, 1e-15);
    eff_assert_close(inv[0], 3.0 / 8, 1e-15, 0);
    eff_assert_close(inv[1], -2.0 / 8, 1e-15, 0);
    double singular[4] = {1, 1, 1, 1};
    assert_int_equal(eff_linalg_spd_solve(singular, 2, rhs, b, NULL, 1e-10, &rcond, NULL),
                     EFF_ESINGULAR);
}

/* Every allocation failing in turn, for each entry point: EFF_ENOMEM, outputs untouched
 * (they are written only on EFF_OK), inputs unchanged. LAPACKE's high-level routines allocate
 * their own workspace with plain malloc, outside eff_mem_fail_after: the sweep covers only
 * our allocations. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    enum { N = 6, P = 5 };
    double x[N * P], y[N];
    for (size_t i = 0; i < N; i++) {
        x[0 * N + i] = 1;
        x[1 * N + i] = (double)i;
        x[2 * N + i] = (double)(i * i);
        x[3 * N + i] = 2.0 * (double)i + 1; /* aliased: choose_in_order runs too */
        x[4 * N + i] = 0;
        y[i] = 1 + 0.5 * (double)i - 0.25 * (double)(i * i) + (i % 2 ? 0.125 : -0.125);
    }
    uint64_t x0 = eff_test_mix(0, x, sizeof x), y0 = eff_test_mix(0, y, sizeof y);
    long n = 0;
    for (;; n++) { /* rank */
        unsigned char keep[P];
        size_t rank = 77;
        memset(keep, 0xee, sizeof keep);
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_linalg_rank(x, N, P, 1e-12, keep, &rank, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(0, x, sizeof x), x0);
        if (st == EFF_OK) {
            assert_int_equal(rank, 3);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_int_equal(rank, 77);
        for (size_t j = 0; j < P; j++)
            assert_int_equal(keep[j], 0xee);
    }
    eff_test_sweep_done("eff_linalg_rank", n);
    for (n = 0;; n++) { /* least squares on the three kept columns, with (X'X)^-1 */
        double b[3] = {-7, -7, -7}, cov[9];
        for (size_t j = 0; j < 9; j++)
            cov[j] = -7;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_linalg_lsq(x, N, 3, y, b, cov, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(0, x, sizeof x), x0);
        assert_int_equal(eff_test_mix(0, y, sizeof y), y0);
        if (st == EFF_OK) {
            eff_assert_close(b[1], 0.5, 1e-6, 0.1);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        for (size_t j = 0; j < 9; j++)
            assert_true(cov[j] == -7 && b[j % 3] == -7);
    }
    eff_test_sweep_done("eff_linalg_lsq", n);
    double a[9] = {4, 2, 1, 2, 3, 0.5, 1, 0.5, 2}, rhs[3] = {2, 1, 0.5};
    uint64_t a0 = eff_test_mix(0, a, sizeof a), r0 = eff_test_mix(0, rhs, sizeof rhs);
    for (n = 0;; n++) { /* Cholesky: two allocations only */
        double b[3] = {-7, -7, -7}, inv[9] = {-7}, rcond = -7;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_linalg_spd_solve(a, 3, rhs, b, inv, 1e-10, &rcond, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(0, a, sizeof a), a0);
        assert_int_equal(eff_test_mix(0, rhs, sizeof rhs), r0);
        if (st == EFF_OK)
            break;
        assert_int_equal(st, EFF_ENOMEM);
        assert_true(b[0] == -7 && inv[0] == -7 && rcond == -7);
    }
    assert_int_equal(n, 2);
    print_message("# fault injection: eff_linalg_spd_solve: %ld allocation points\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nist_longley),  cmocka_unit_test(nist_pontius),
        cmocka_unit_test(nist_wampler1), cmocka_unit_test(nist_wampler2),
        cmocka_unit_test(nist_wampler3), cmocka_unit_test(nist_filip),
        cmocka_unit_test(rank_drops_in_order), cmocka_unit_test(spd_solve_and_condition),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
