/* test_balance.c - covariate balance (src/balance.c): a small case worked by hand, and the one
 * allocation failing. Balance against MatchIt is checked in test_match.c, beside matching. */
#include "eff_test.h"

static const double x[] = {1, 2, 2, 4, 3, 5};
static const unsigned char treat[] = {1, 1, 1, 0, 0, 0};

static void worked_by_hand(void **state)
{
    (void)state;
    eff_balance_stats b;
    double sd = eff_balance_sd_treated(x, treat, 6);
    eff_assert_close(sd, sqrt(1.0 / 3.0), 1e-15, 0); /* 1, 2, 2: mean 5/3, var 1/3 */
    assert_int_equal(eff_balance_stats_of(x, treat, NULL, 6, sd, &b, NULL), EFF_OK);
    eff_assert_close(b.mean_treated, 5.0 / 3.0, 1e-15, 0);
    eff_assert_close(b.mean_control, 4.0, 1e-15, 0);
    eff_assert_close(b.smd, (5.0 / 3.0 - 4.0) / sd, 1e-14, 0);
    eff_assert_close(b.var_ratio, (1.0 / 3.0) / 1.0, 1e-14, 0);
    /* eCDFs at 1, 2, 3, 4, 5: |1/3 - 0|, |1 - 0|, |1 - 1/3|, |1 - 2/3|, 0 */
    eff_assert_close(b.ecdf_max, 1.0, 1e-15, 0);
    eff_assert_close(b.ecdf_mean, (1.0 / 3 + 1 + 2.0 / 3 + 1.0 / 3 + 0) / 5, 1e-15, 0);
    assert_true(eff_balance_is_binary((const double[]){0, 1, 1}, 3));
    assert_false(eff_balance_is_binary(x, 6));
}

/* The one allocation (the eCDF points) failing: EFF_ENOMEM, *out untouched (it was written
 * in part before the fix), the inputs unchanged. A 0/1 covariate allocates nothing. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    const double w[] = {1, 1, 1, 0.5, 0, 2.5};
    uint64_t before = eff_test_mix(eff_test_mix(eff_test_mix(0, x, sizeof x), treat, sizeof treat),
                                   w, sizeof w);
    long n = 0;
    for (;; n++) {
        eff_balance_stats b, untouched;
        memset(&b, 0x5a, sizeof b);
        untouched = b;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_balance_stats_of(x, treat, w, 6, 1.0, &b, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(eff_test_mix(eff_test_mix(0, x, sizeof x), treat,
                                                   sizeof treat), w, sizeof w), before);
        if (st == EFF_OK)
            break;
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_memory_equal(&b, &untouched, sizeof b);
    }
    assert_int_equal(n, 1);
    print_message("# fault injection: eff_balance_stats_of: %ld allocation points\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_by_hand),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
