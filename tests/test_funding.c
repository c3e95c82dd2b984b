/* test_funding.c - the seed's chapter 2 (src/funding.c): every figure of a small hand-made
 * set of plans and estates against values computed by hand, the threshold's edge (a share
 * exactly at it is not below), and each bad input named by its file and row. */
#include "eff_test.h"

static const char plans_ok[] =
    "plan_id,name,municipality,grant_dkk,cofin_housing_dkk,cofin_municipality_dkk,cofin_other_dkk\n"
    "1,A,101,1000000,200000,100000,0\n"
    "2,B,147,2000000,500000,200000,100000\n"
    "3,C,101,3000000,600000,300000,100000\n";
static const char estates_ok[] = "estate_id,plan_id,residents\n"
                                 "11,1,100\n21,2,200\n22,2,300\n31,3,400\n"
                                 "99,,999\n"; /* other social housing: no plan */

static eff_table *table(const char *name, const char *text)
{
    return eff_test_read_csv(eff_test_write_str(name, text));
}

static void test_hand_computed(void **state)
{
    (void)state;
    eff_table *p = table("plans.csv", plans_ok), *e = table("estates.csv", estates_ok);
    eff_funding f;
    eff_error err;
    assert_int_equal(eff_funding_compute(p, e, 0.25, &f, &err), EFF_OK);
    assert_int_equal(f.plans, 3);
    assert_int_equal(f.estates, 4);
    assert_int_equal(f.residents, 1000);
    eff_assert_close(f.grant_total_dkk, 6000000, 0, 0);
    eff_assert_close(f.grant_per_plan_dkk, 2000000, 0, 0);
    eff_assert_close(f.grant_per_estate_dkk, 1500000, 0, 0);
    eff_assert_close(f.grant_per_resident_dkk, 6000, 0, 0);
    eff_assert_close(f.cofin_total_dkk, 2100000, 0, 0);
    eff_assert_close(f.cofin_by_source_dkk[0], 1300000, 0, 0);
    eff_assert_close(f.cofin_by_source_dkk[1], 600000, 0, 0);
    eff_assert_close(f.cofin_by_source_dkk[2], 200000, 0, 0);
    eff_assert_close(f.cofin_share_total, 2.1 / 8.1, 1e-15, 0);
    eff_assert_close(f.plan[0].cofin_share, 3.0 / 13.0, 1e-15, 0);
    eff_assert_close(f.plan[1].cofin_share, 8.0 / 28.0, 1e-15, 0);
    eff_assert_close(f.plan[2].cofin_share, 0.25, 1e-15, 0);
    assert_int_equal(f.n_below, 1); /* plan 1 (23.1%); plan 3 is exactly at 25%: not below */
    assert_true(f.plan[0].below && !f.plan[1].below && !f.plan[2].below);
    assert_int_equal(f.plan[1].estates, 2);
    assert_int_equal(f.plan[1].residents, 500);
    eff_funding_free(&f);
    assert_int_equal(eff_funding_compute(p, e, 0.30, &f, &err), EFF_OK);
    assert_int_equal(f.n_below, 3); /* 28.6% and 25% are below 30% too */
    eff_funding_free(&f);
    eff_table_free(p);
    eff_table_free(e);
}

/* Each bad input: its status, and the row (and text) the message names. */
static void expect_bad(const char *plans, const char *estates, double threshold, long row,
                       const char *needle)
{
    eff_table *p = table("bad_plans.csv", plans), *e = table("bad_estates.csv", estates);
    eff_funding f;
    eff_error err;
    eff_status st = eff_funding_compute(p, e, threshold, &f, &err);
    if (st != EFF_EINVAL || err.line != row || !strstr(err.msg, needle)) {
        print_error("got %d at row %ld: %s; want row %ld: %s\n", st, err.line, err.msg, row,
                    needle);
        fail();
    }
    assert_null(f.plan);
    eff_table_free(p);
    eff_table_free(e);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *head = "plan_id,name,municipality,grant_dkk,cofin_housing_dkk,"
                       "cofin_municipality_dkk,cofin_other_dkk\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%s1,A,101,1000000,200000,100000,0\n2,B,147,-5,1,1,1\n", head);
    expect_bad(buf, estates_ok, 0.25, 3, "grant_dkk: negative");
    snprintf(buf, sizeof buf, "%s1,A,101,1000000,,100000,0\n", head);
    expect_bad(buf, "estate_id,plan_id,residents\n11,1,100\n", 0.25, 2,
               "cofin_housing_dkk: missing");
    snprintf(buf, sizeof buf, "%s1,A,101,1000000,1,1,1\n1,B,147,2000000,1,1,1\n", head);
    expect_bad(buf, "estate_id,plan_id,residents\n11,1,100\n", 0.25, 3, "plan 1 is listed twice");
    expect_bad(plans_ok, "estate_id,plan_id,residents\n11,1,100\n21,2,200\n11,3,50\n", 0.25, 4,
               "estate 11 is listed under two plans");
    expect_bad(plans_ok, "estate_id,plan_id,residents\n11,1,100\n41,4,200\n", 0.25, 3,
               "plan 4 is not in the plans table");
    expect_bad(plans_ok, "estate_id,plan_id,residents\n11,1,-100\n", 0.25, 2,
               "residents: negative");
    expect_bad(plans_ok, "estate_id,plan,residents\n11,1,100\n", 0.25, 1, "no column plan_id");
    snprintf(buf, sizeof buf, "%s1,A,101,1000000,mange,100000,0\n", head);
    expect_bad(buf, estates_ok, 0.25, 2, "cofin_housing_dkk: expected an amount, got \"mange\"");
    expect_bad(plans_ok, estates_ok, 1.5, 0, "threshold must be in [0, 1)");
}

/* Every allocation failing in turn: EFF_ENOMEM with no plan array left behind, both tables
 * unchanged. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_table *p = table("plans.csv", plans_ok), *e = table("estates.csv", estates_ok);
    uint64_t p0 = eff_test_table_digest(p), e0 = eff_test_table_digest(e);
    long n = 0;
    for (;; n++) {
        eff_funding f;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_funding_compute(p, e, 0.25, &f, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(p), p0);
        assert_int_equal(eff_test_table_digest(e), e0);
        if (st == EFF_OK) {
            assert_int_equal(f.residents, 1000);
            eff_funding_free(&f);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_null(f.plan);
    }
    eff_test_sweep_done("eff_funding_compute", n);
    eff_table_free(p);
    eff_table_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
