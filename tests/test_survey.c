/* test_survey.c - the stakeholder survey (src/survey.c): Wilson intervals against R's
 * prop.test(correct = FALSE) (tests/ref/survey/make_wilson_refs.R) and one worked by hand,
 * counts and shares of a small hand-made export (labels, codes, "ved ikke" and empty answers
 * excluded or included, a scale of its own), a small theme suppressed with the total that
 * would give it away, and each bad input named by its row and column. */
#include "eff_test.h"

static void test_wilson(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv("tests/ref/survey/wilson.csv");
    long x, n;
    size_t rows = eff_table_n_rows(t);
    assert_true(rows >= 10);
    for (size_t r = 0; r < rows; r++) {
        x = (long)eff_table_i64(t, 0)[r], n = (long)eff_table_i64(t, 1)[r];
        double lo, hi, want_lo = eff_table_col_type(t, 2) == EFF_TYPE_I64
                                     ? (double)eff_table_i64(t, 2)[r] : eff_table_f64(t, 2)[r];
        double want_hi = eff_table_col_type(t, 3) == EFF_TYPE_I64 ? (double)eff_table_i64(t, 3)[r]
                                                                 : eff_table_f64(t, 3)[r];
        eff_survey_wilson(x, n, 0.95, &lo, &hi);
        eff_assert_close(lo, want_lo, 1e-13, 1e-15);
        eff_assert_close(hi, want_hi, 1e-13, 1e-15);
    }
    eff_table_free(t);
    /* by hand, x = 5 of n = 10: p = 0.5, z = 1.959964, (0.5 + z^2/20)/(1 + z^2/10) = 0.5, and
     * half-width z/(1 + z^2/10) sqrt(0.025 + z^2/400) = 0.2634069 */
    double lo, hi;
    eff_survey_wilson(5, 10, 0.95, &lo, &hi);
    eff_assert_close(hi - 0.5, 0.2634069, 1e-6, 0);
    eff_survey_wilson(0, 0, 0.95, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
}

/* Theme a: 6 respondents; theme b: 2 (below a threshold of 3, so hidden, and the total). */
static const char export_ok[] =
    "id,tema,q1,q2\n"
    "1,a,i høj grad,5\n"
    "2,a,I MEGET HØJ GRAD ,4\n"
    "3,a,slet ikke,1\n"
    "4,a,ved ikke,9\n"
    "5,a,,3\n"
    "6,a,i nogen grad,\n"
    "7,b,i høj grad,5\n"
    "8,b,slet ikke,2\n";

static const char *const items[] = {"q1", "q2"};

static void test_counts(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(eff_test_write_str("survey.csv", export_ok));
    eff_survey_options o = {.theme = "tema", .items = items, .n_items = 2, .threshold = 3};
    eff_survey s;
    eff_error err;
    assert_int_equal(eff_survey_compute(t, &o, &s, &err), EFF_OK);
    assert_int_equal(s.n_themes, 2);
    assert_string_equal(s.themes[0], "a");
    assert_int_equal(s.respondents[0], 6);
    assert_false(s.hidden[0]);
    assert_true(s.hidden[1]);       /* 2 respondents */
    assert_int_equal(s.total, -1);  /* 8 - 6 would give b away */
    const eff_survey_cell *q1 = &s.cells[0], *q2 = &s.cells[s.n_themes];
    /* q1, theme a: high 2 (høj, meget høj) of 4 answered (ved ikke and empty left out) */
    assert_int_equal(q1->n, 4);
    eff_assert_close(q1->share, 0.5, 0, 0);
    assert_int_equal(q1->counts[5], 1); /* ved ikke */
    assert_int_equal(q1->counts[6], 1); /* empty */
    /* q2 as codes: 5 and 4 high of 4 answered (9 = ved ikke, one empty) */
    assert_int_equal(q2->n, 4);
    eff_assert_close(q2->share, 0.5, 0, 0);
    eff_survey_free(&s);
    o.dont_know_include = 1; /* ved ikke and empty in the denominator */
    assert_int_equal(eff_survey_compute(t, &o, &s, &err), EFF_OK);
    assert_int_equal(s.cells[0].n, 6);
    eff_assert_close(s.cells[0].share, 2.0 / 6.0, 1e-15, 0);
    eff_survey_free(&s);
    /* a scale of its own, three steps: the top two are "some" and "much" */
    static const char *const scale[] = {"none", "some", "much"};
    eff_table *u = eff_test_read_csv(eff_test_write_str(
        "scale.csv", "tema,q1,q2\nx,much,1\nx,some,2\nx,none,3\nx,much,3\n"));
    o = (eff_survey_options){.theme = "tema", .items = items, .n_items = 2, .scale = scale,
                             .n_scale = 3, .threshold = 3};
    assert_int_equal(eff_survey_compute(u, &o, &s, &err), EFF_OK);
    eff_assert_close(s.cells[0].share, 0.75, 0, 0);
    eff_assert_close(s.cells[1].share, 0.75, 0, 0);
    assert_int_equal(s.total, 4);
    eff_survey_free(&s);
    eff_table_free(u);
    eff_table_free(t);
}

static void expect_bad(const char *csv, const char *const *themes, size_t n_themes, long row,
                       long col, const char *needle)
{
    eff_table *t = eff_test_read_csv(eff_test_write_str("bad_survey.csv", csv));
    eff_survey_options o = {.theme = "tema", .items = items, .n_items = 2, .themes = themes,
                            .n_themes = n_themes, .threshold = 3};
    eff_survey s;
    eff_error err;
    eff_status st = eff_survey_compute(t, &o, &s, &err);
    if (st != EFF_EINVAL || err.line != row || err.column != col || !strstr(err.msg, needle)) {
        print_error("got %d at %ld:%ld %s; want %ld:%ld %s\n", st, err.line, err.column, err.msg,
                    row, col, needle);
        fail();
    }
    assert_null(s.cells);
    eff_table_free(t);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_bad("id,tema,q1,q2\n1,a,i høj grad,5\n2,a,måske,4\n", NULL, 0, 3, 3,
               "q1: an answer not on the scale");
    expect_bad("id,tema,q1,q2\n1,a,i høj grad,5\n2,a,slet ikke,7\n", NULL, 0, 3, 4,
               "q2: an answer not on the scale");
    expect_bad("id,tema,q1,q2\n1,a,i høj grad,5\n2,,slet ikke,1\n", NULL, 0, 3, 2,
               "a respondent without a theme");
    static const char *const themes[] = {"a", "b"};
    expect_bad("id,tema,q1,q2\n1,a,i høj grad,5\n", themes, 2, 0, 2, "theme 'b' has no respondents");
    expect_bad("id,tema,q1,q2\n1,c,i høj grad,5\n", themes, 2, 2, 2, "theme 'c' is not one of");
    expect_bad("id,theme,q1,q2\n1,a,i høj grad,5\n", NULL, 0, 1, 0, "no column tema");
}

/* Every allocation failing in turn, themes found and themes given: EFF_ENOMEM with nothing
 * left in the result, the table unchanged. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(eff_test_write_str("oom.csv", export_ok));
    uint64_t before = eff_test_table_digest(t);
    static const char *const themes[] = {"a", "b"};
    for (int given = 0; given < 2; given++) {
        eff_survey_options o = {.theme = "tema", .items = items, .n_items = 2, .threshold = 3,
                                .themes = given ? themes : NULL, .n_themes = given ? 2 : 0};
        long n = 0;
        for (;; n++) {
            eff_survey s;
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_survey_compute(t, &o, &s, &err);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_table_digest(t), before);
            if (st == EFF_OK) {
                assert_int_equal(s.respondents[0], 6);
                assert_int_equal(s.total, -1);
                eff_survey_free(&s);
                break;
            }
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(err.status, EFF_ENOMEM);
            assert_true(!s.themes && !s.respondents && !s.hidden && !s.cells && !s.n_themes);
        }
        eff_test_sweep_done(given ? "eff_survey_compute (themes given)" : "eff_survey_compute", n);
    }
    eff_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
