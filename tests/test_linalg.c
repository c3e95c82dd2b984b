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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nist_longley),  cmocka_unit_test(nist_pontius),
        cmocka_unit_test(nist_wampler1), cmocka_unit_test(nist_wampler2),
        cmocka_unit_test(nist_wampler3), cmocka_unit_test(nist_filip),
        cmocka_unit_test(rank_drops_in_order), cmocka_unit_test(spd_solve_and_condition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
