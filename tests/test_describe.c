/* test_describe.c - column summaries: counts, ranges, compensated means, categories. */
#include "eff_test.h"

static void summaries_by_type(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("d.csv",
                                          "pnr,koen,alder,vaegt,foed\n"
                                          "4000000017,M,34,70.5,1977-03-12\n"
                                          "4000000025,K,,80,1982-07-01\n"
                                          "4000000033,K,61,NA,\n"
                                          "4000000041,,15,60.25,1996-11-11\n");
    eff_table *t;
    assert_int_equal(eff_csv_read(path, NULL, NULL, &t, NULL, NULL), EFF_OK);
    eff_col_summary *s;
    assert_int_equal(eff_describe_table(t, &s, NULL), EFF_OK);
    assert_string_equal(s[0].name, "pnr");
    assert_int_equal(s[0].categories, 4);
    assert_int_equal(s[1].categories, 2);
    assert_int_equal(s[1].missing, 1);
    assert_int_equal(s[2].type, EFF_TYPE_I64);
    assert_int_equal(s[2].missing, 1);
    eff_assert_close(s[2].min, 15, 0, 0);
    eff_assert_close(s[2].max, 61, 0, 0);
    eff_assert_close(s[2].mean, 110.0 / 3.0, 1e-15, 0);
    eff_assert_close(s[3].mean, 210.75 / 3.0, 1e-15, 0);
    assert_int_equal(s[4].type, EFF_TYPE_DATE);
    eff_assert_close(s[4].min, eff_date_from_ymd(1977, 3, 12), 0, 0);
    eff_assert_close(s[4].max, eff_date_from_ymd(1996, 11, 11), 0, 0);
    assert_true(isnan(s[4].mean));
    assert_true(isnan(s[0].min));
    eff_free(s);
    eff_table_free(t);
}

/* 1e8 + k*0.1 for a million rows: a naive sum loses the last digits, Neumaier keeps them. */
static void mean_is_compensated(void **state)
{
    (void)state;
    size_t n = 1000000;
    eff_table *t = eff_table_new(n);
    double *v = eff_malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = i % 2 ? 1e8 + 0.1 : 1e8 - 0.1 + 1e-7;
    eff_table_add_f64(t, "x", v, NULL);
    eff_col_summary *s;
    assert_int_equal(eff_describe_table(t, &s, NULL), EFF_OK);
    /* exact mean of the stored doubles, by pairing: (a + b) / 2 with a, b the two values */
    double a = 1e8 + 0.1, b = 1e8 - 0.1 + 1e-7;
    eff_assert_close(s[0].mean, a / 2 + b / 2, 1e-15, 0);
    eff_free(s);
    eff_table_free(t);
}

static void empty_and_all_missing(void **state)
{
    (void)state;
    eff_table *t = eff_table_new(0);
    eff_col_summary *s;
    assert_int_equal(eff_describe_table(t, &s, NULL), EFF_OK);
    eff_free(s);
    eff_table_free(t);
    const char *path = eff_test_write_str("na.csv", "a,b\n,1\n.,2\n");
    assert_int_equal(eff_csv_read(path, NULL, NULL, &t, NULL, NULL), EFF_OK);
    assert_int_equal(eff_describe_table(t, &s, NULL), EFF_OK);
    assert_int_equal(s[0].missing, 2);
    assert_int_equal(s[0].categories, 0);
    eff_free(s);
    eff_table_free(t);
}

/* Every allocation failing in turn: EFF_ENOMEM, *out untouched, the table unchanged. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("oom.csv", "pnr,koen,kom,alder\n"
                                                     "4000000017,M,Aarhus,34\n"
                                                     "4000000025,K,,\n"
                                                     "4000000033,K,Odense,61\n");
    eff_table *t = eff_test_read_csv(path);
    uint64_t before = eff_test_table_digest(t);
    long n = 0;
    for (;; n++) {
        eff_col_summary *s = (eff_col_summary *)&n; /* a sentinel: must stay as it is */
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_describe_table(t, &s, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(t), before);
        if (st == EFF_OK) {
            assert_int_equal(s[2].categories, 2);
            eff_free(s);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_ptr_equal(s, (eff_col_summary *)&n);
    }
    eff_test_sweep_done("eff_describe_table", n);
    eff_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summaries_by_type),
        cmocka_unit_test(mean_is_compensated),
        cmocka_unit_test(empty_and_all_missing),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
