/* test_panel.c - yearly register files (CSV, SAS, Stata mixed) into one person-year table,
 * column selection and person filter, type disagreements, and joins on (pnr, year). */
#include "eff_test.h"

static int warnings;
static char last_warning[512];
static void on_log(void *user, eff_log_level level, const char *msg)
{
    (void)user;
    if (level == EFF_LOG_WARN) {
        warnings++;
        snprintf(last_warning, sizeof last_warning, "%s", msg);
    }
}

static void year_from_file_name(void **state)
{
    (void)state;
    assert_int_equal(eff_panel_year_of("bef2011.csv"), 2011);
    assert_int_equal(eff_panel_year_of("/data/raw/udda_2015.sas7bdat"), 2015);
    assert_int_equal(eff_panel_year_of("reg2010/bef.csv"), -1); /* the directory does not count */
    assert_int_equal(eff_panel_year_of("bef20110.csv"), -1);    /* five digits are not a year */
    assert_int_equal(eff_panel_year_of("ind2011_2012.csv"), 2012);
    assert_int_equal(eff_panel_year_of("deltagelse.csv"), -1);
}

/* bef for 2011 (CSV), 2012 (SAS) and 2013 (Stata): ALDER integer in CSV and Stata, double in
 * SAS; 2013 lacks INDKOMST. */
static char year_paths[3][512];

static void write_years(const char **paths)
{
    eff_test_write_str("bef2011.csv", "PNR,KOEN,ALDER,INDKOMST\n"
                                      "0400000017,M,34,300000\n"
                                      "4000000025,K,29,250000.5\n"
                                      "4000000033,K,61,\n");
    const char *y12 = eff_test_write_str("y12.csv", "PNR,KOEN,ALDER,INDKOMST\n"
                                                    "0400000017,M,35,310000\n"
                                                    "4000000025,K,30,260000\n"
                                                    "4000000041,M,16,0\n");
    const char *y13 = eff_test_write_str("y13.csv", "PNR,KOEN,ALDER\n"
                                                    "0400000017,M,36\n"
                                                    "4000000041,M,17\n");
    eff_table *t;
    assert_int_equal(eff_read_table(y12, NULL, NULL, &t, NULL), EFF_OK);
    assert_int_equal(eff_write_table(t, eff_test_path("bef2012.sas7bdat"), NULL, NULL, NULL), EFF_OK);
    eff_table_free(t);
    assert_int_equal(eff_read_table(y13, NULL, NULL, &t, NULL), EFF_OK);
    assert_int_equal(eff_write_table(t, eff_test_path("bef2013.dta"), NULL, NULL, NULL), EFF_OK);
    eff_table_free(t);
    static const char *names[] = {"bef2011.csv", "bef2012.sas7bdat", "bef2013.dta"};
    for (int k = 0; k < 3; k++) {
        snprintf(year_paths[k], sizeof year_paths[k], "%s", eff_test_path(names[k]));
        paths[k] = year_paths[k];
    }
}

static void stacks_years_of_mixed_formats(void **state)
{
    (void)state;
    const char *paths[3];
    write_years(paths);
    eff_ctx ctx = eff_ctx_default();
    ctx.log = on_log;
    warnings = 0;
    eff_table *t;
    eff_error err;
    assert_int_equal(eff_panel_read(paths, 3, NULL, &ctx, &t, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 8);
    size_t year, alder, ind, pnr;
    eff_table_col(t, "year", &year, NULL);
    eff_table_col(t, "alder", &alder, NULL);
    eff_table_col(t, "indkomst", &ind, NULL);
    eff_table_col(t, "pnr", &pnr, NULL);
    assert_int_equal(year, eff_table_n_cols(t) - 1);
    assert_int_equal(eff_table_i64(t, year)[0], 2011);
    assert_int_equal(eff_table_i64(t, year)[3], 2012);
    assert_int_equal(eff_table_i64(t, year)[7], 2013);
    assert_int_equal(eff_table_col_type(t, alder), EFF_TYPE_F64); /* integer + double */
    eff_assert_close(eff_table_f64(t, alder)[6], 36, 0, 0);
    assert_string_equal(eff_table_str(t, pnr, 6), "0400000017"); /* leading zero kept via SAS/Stata */
    assert_true(eff_table_is_na(t, ind, 6));                     /* 2013 has no INDKOMST */
    eff_assert_close(eff_table_f64(t, ind)[1], 250000.5, 0, 0);
    assert_int_equal(warnings, 1);
    assert_non_null(strstr(last_warning, "no column \"INDKOMST\""));

    /* only two persons, two columns */
    eff_dict *ids = eff_dict_new();
    int32_t code;
    eff_dict_intern(ids, "0400000017", 10, &code, NULL);
    eff_dict_intern(ids, "4000000041", 10, &code, NULL);
    eff_read_options o = eff_read_options_default();
    const char *cols[] = {"pnr", "alder"};
    o.columns = cols;
    o.n_columns = 2;
    o.id_column = "pnr";
    o.id_set = ids;
    eff_table *few;
    assert_int_equal(eff_panel_read(paths, 3, &o, NULL, &few, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(few), 5);
    assert_int_equal(eff_table_n_cols(few), 3);
    eff_table_free(few);
    eff_dict_release(ids);

    /* a register of the same persons: join on (pnr, year) */
    const char *udda = eff_test_write_str("udda.csv", "pnr,year,HFAUDD\n"
                                                       "0400000017,2011,1010\n"
                                                       "0400000017,2013,1510\n"
                                                       "9999999999,2011,2000\n");
    eff_table *u, *j;
    eff_csv_options co = eff_csv_options_default();
    eff_read_options ro = eff_read_options_default();
    ro.csv = co;
    assert_int_equal(eff_read_table(udda, &ro, NULL, &u, NULL), EFF_OK);
    eff_join_stats st;
    assert_int_equal(eff_panel_join(t, u, EFF_JOIN_LEFT, NULL, &j, &st, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(j), 8);
    assert_int_equal(st.left_unmatched, 6);
    assert_int_equal(st.right_unmatched, 1);
    eff_table_free(j);
    assert_int_equal(eff_panel_join(t, u, EFF_JOIN_INNER, NULL, &j, &st, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(j), 2);
    eff_table_free(j);
    eff_table_free(u);
    eff_table_free(t);
}

static void type_disagreement_names_both_files(void **state)
{
    (void)state;
    const char *a = eff_test_write_str("ind2011.csv", "pnr,beloeb\n1,100\n");
    char pa[512];
    snprintf(pa, sizeof pa, "%s", a);
    const char *b = eff_test_write_str("ind2012.csv", "pnr,beloeb\n1,ukendt\n");
    const char *paths[] = {pa, b};
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_panel_read(paths, 2, NULL, NULL, &t, &err), EFF_EINVAL);
    assert_null(t);
    assert_string_equal(err.path, b);
    assert_non_null(strstr(err.msg, "column \"beloeb\" is string here but integer in"));
    assert_non_null(strstr(err.msg, "ind2011.csv"));
    const char *no_year[] = {eff_test_write_str("bef.csv", "pnr,x\n1,2\n")};
    assert_int_equal(eff_panel_read(no_year, 1, NULL, NULL, &t, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "cannot tell the year"));
    const char *has_year[] = {eff_test_write_str("bef2011.csv", "pnr,year\n1,2011\n")};
    assert_int_equal(eff_panel_read(has_year, 1, NULL, NULL, &t, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "already has a column \"year\""));
}

/* Every allocation of a panel read, and of a join on (pnr, year), failing in turn: EFF_ENOMEM
 * (or success), *out NULL or untouched, the joined tables unchanged, no leak. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    const char *paths[3];
    write_years(paths);
    eff_table *panel = NULL;
    long n = 0;
    for (;; n++) {
        eff_table *t = NULL;
        eff_mem_fail_after(n);
        eff_status st = eff_panel_read(paths, 3, NULL, NULL, &t, NULL);
        eff_mem_fail_after(-1);
        if (st == EFF_OK) {
            assert_int_equal(eff_table_n_rows(t), 8);
            panel = t;
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_null(t);
    }
    eff_test_sweep_done("eff_panel_read", n);
    eff_table *u = eff_test_read_csv(eff_test_write_str("udda_oom.csv",
                                                        "pnr,year,HFAUDD\n0400000017,2011,1010\n"
                                                        "0400000017,2013,1510\n"
                                                        "9999999999,2011,2000\n"));
    uint64_t p0 = eff_test_table_digest(panel), u0 = eff_test_table_digest(u);
    for (n = 0;; n++) {
        eff_table *j = (eff_table *)&n;
        eff_join_stats js = {77, 77};
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_panel_join(panel, u, EFF_JOIN_LEFT, NULL, &j, &js, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(panel), p0);
        assert_int_equal(eff_test_table_digest(u), u0);
        if (st == EFF_OK) {
            assert_int_equal(eff_table_n_rows(j), 8);
            eff_table_free(j);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_ptr_equal(j, (eff_table *)&n);
        assert_true(js.left_unmatched == 77 && js.right_unmatched == 77);
    }
    eff_test_sweep_done("eff_panel_join", n);
    eff_table_free(u);
    eff_table_free(panel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(year_from_file_name),
        cmocka_unit_test(stacks_years_of_mixed_formats),
        cmocka_unit_test(type_disagreement_names_both_files),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
