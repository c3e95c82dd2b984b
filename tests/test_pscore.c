/* test_pscore.c - what matching takes from a table (src/pscore.c): rows with a missing value
 * left out, and every allocation failing in turn. The scores against R's glm are checked in
 * test_match.c, beside matching. */
#include "eff_test.h"

#define REF "tests/ref/match/"

static void missing_rows_left_out(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(eff_test_write_str(
        "ps.csv", "treat,x,ps,g\n1,1,0.5,a\n0,,0.25,a\n0,3,0.2,b\n1,4,,b\n0,5,0.4,a\n1,2,0.7,b\n"));
    const char *exact[] = {"g"};
    eff_pscore_spec spec = {"treat", NULL, 0, "ps", 1, exact, 1};
    eff_pscore *p;
    assert_int_equal(eff_pscore_build(t, &spec, NULL, &p, NULL), EFF_OK);
    assert_int_equal(p->n, 5);
    assert_int_equal(p->n_dropped, 1);
    assert_int_equal(p->rows[3], 4);
    assert_int_equal(p->n_strata, 2);
    eff_assert_close(p->distance[0], 0, 0, 0);
    eff_pscore_free(p);
    eff_table_free(t);
}

/* Every allocation failing in turn, with the propensity model (a logit on lalonde) and with a
 * given score: EFF_ENOMEM, *out untouched, the table unchanged. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(REF "lalonde.csv");
    uint64_t before = eff_test_table_digest(t);
    const char *cov[] = {"age", "educ", "race", "married", "nodegree", "re74", "re75"};
    const char *exact[] = {"married", "race"};
    const eff_pscore_spec specs[2] = {{"treat", cov, 7, NULL, 0, exact, 2},
                                      {"treat", NULL, 0, "ps", 1, exact, 2}};
    for (int k = 0; k < 2; k++) {
        long n = 0;
        for (;; n++) {
            eff_pscore *p = (eff_pscore *)&n; /* a sentinel */
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_pscore_build(t, &specs[k], NULL, &p, &err);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_table_digest(t), before);
            if (st == EFF_OK) {
                assert_int_equal(p->n, eff_table_n_rows(t));
                assert_int_equal(p->n_strata, 6);
                eff_pscore_free(p);
                break;
            }
            if (st != EFF_ENOMEM)
                print_error("n = %ld: %s\n", n, err.msg);
            assert_int_equal(st, EFF_ENOMEM);
            assert_ptr_equal(p, (eff_pscore *)&n);
        }
        eff_test_sweep_done(k ? "eff_pscore_build (given score)" : "eff_pscore_build (logit)", n);
    }
    eff_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_rows_left_out),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
