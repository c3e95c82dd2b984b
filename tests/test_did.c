/* test_did.c - src/did.c against R: glm (epsilon 1e-15) with the event-time, treated,
 * treated x event-time, cohort and covariate terms, sandwich::vcovCL by person, the ATT on
 * the response scale with its delta-method SE, the joint covariances of the deltas and of
 * the ATTs, and the pre-trend Wald test (tests/ref/did/make_refs.R made the references); a
 * separating covariate left out as Stata's logit does (make_sep_refs.R). */
#include "eff_test.h"

/* The joint covariances of the deltas and of the ATTs, against R's (make_refs.R). */
static void compare_cov(const eff_did *d, const char *cov_path)
{
    eff_table *ref = eff_test_read_csv(cov_path);
    size_t c[4];
    eff_error err;
    static const char *const cols[] = {"event_time_k", "event_time_l", "delta_cov", "att_cov"};
    for (int k = 0; k < 4; k++)
        assert_int_equal(eff_table_col(ref, cols[k], &c[k], &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(ref), 16);
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        size_t k = (size_t)(eff_table_i64(ref, c[0])[r] + 2), l = (size_t)(eff_table_i64(ref, c[1])[r] + 2);
        eff_assert_close(eff_did_delta_cov(d, k, l), eff_table_f64(ref, c[2])[r], 1e-6, 1e-12);
        eff_assert_close(eff_did_att_cov(d, k, l), eff_table_f64(ref, c[3])[r], 1e-6, 1e-14);
    }
    assert_true(isnan(eff_did_delta_cov(d, 1, 0))); /* the reference year has none */
    assert_true(isnan(eff_did_att_cov(d, 0, 1)));
    eff_table_free(ref);
}

static void compare(eff_glm_family family, const char *ref_path)
{
    eff_table *panel = eff_test_read_csv("tests/ref/did/panel.csv");
    eff_table *ref = eff_test_read_csv(ref_path);
    static const char *const x[] = {"age", "girl"};
    eff_did_spec s = {.y = family == EFF_GLM_LOGIT ? "yb" : "yc", .treated = "treated",
                      .event_time = "e", .cohort = "g", .cluster = "id", .x = x, .n_x = 2,
                      .emin = -2, .emax = 2, .family = family};
    eff_did *d = NULL;
    eff_error err;
    if (eff_did_fit(panel, &s, NULL, &d, &err) != EFF_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    assert_int_equal(eff_did_n_obs(d), 7500);
    assert_int_equal(eff_did_n_effects(d), 5);
    const eff_did_effect *refyear = eff_did_effect_at(d, 1);
    assert_int_equal(refyear->event_time, -1);
    assert_false(refyear->estimable);
    assert_true(refyear->coef.estimate == 0 && isnan(refyear->coef.std_error));
    size_t c[6];
    static const char *const cols[] = {"event_time", "estimate", "std_error", "att", "att_se",
                                       "pretrend_chi2"};
    for (int k = 0; k < 6; k++)
        assert_int_equal(eff_table_col(ref, cols[k], &c[k], &err), EFF_OK);
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        int e = (int)eff_table_i64(ref, c[0])[r];
        const eff_did_effect *ef = eff_did_effect_at(d, (size_t)(e + 2));
        assert_int_equal(ef->event_time, e);
        assert_true(ef->estimable);
        eff_assert_close(ef->coef.estimate, eff_table_f64(ref, c[1])[r], 1e-7, 1e-10);
        eff_assert_close(ef->coef.std_error, eff_table_f64(ref, c[2])[r], 1e-7, 1e-10);
        eff_assert_close(ef->att, eff_table_f64(ref, c[3])[r], 1e-7, 1e-10);
        eff_assert_close(ef->att_se, eff_table_f64(ref, c[4])[r], 1e-7, 1e-10);
        if (family == EFF_GLM_LOGIT)
            eff_assert_close(ef->coef.odds_ratio, exp(eff_table_f64(ref, c[1])[r]), 1e-7, 0);
    }
    eff_wald w = eff_did_pretrend(d);
    double chi2 = eff_table_f64(ref, c[5])[0];
    if (family == EFF_GLM_LOGIT) {
        assert_true(w.df1 == 1 && w.df2 == 0);
        eff_assert_close(w.statistic, chi2, 1e-7, 1e-12);
    } else { /* F(1, G-1) = the chi-square with one restriction */
        eff_assert_close(w.statistic * w.df1, chi2, 1e-7, 1e-12);
    }
    compare_cov(d, family == EFF_GLM_LOGIT ? "tests/ref/did/logit_cov.csv"
                                           : "tests/ref/did/linear_cov.csv");
    eff_did_free(d);
    eff_table_free(panel);
    eff_table_free(ref);
}

static void test_logit_against_r(void **state)
{
    (void)state;
    compare(EFF_GLM_LOGIT, "tests/ref/did/logit.csv");
}

static void test_linear_against_r(void **state)
{
    (void)state;
    compare(EFF_GLM_GAUSSIAN, "tests/ref/did/linear.csv");
}

/* A 0/1 covariate whose value 1 meets only y = 0: left out with its rows, as Stata's logit
 * does; the rest against R's glm on those rows (make_sep_refs.R). Without the option, the
 * separation is an error naming it. */
static void test_separating_covariate_left_out(void **state)
{
    (void)state;
    eff_table *panel = eff_test_read_csv("tests/ref/did/panel_sep.csv");
    eff_table *ref = eff_test_read_csv("tests/ref/did/logit_sep.csv");
    static const char *const x[] = {"age", "rare", "girl"};
    eff_did_spec s = {.y = "yb", .treated = "treated", .event_time = "e", .cohort = "g",
                      .cluster = "id", .x = x, .n_x = 3, .emin = -2, .emax = 2,
                      .family = EFF_GLM_LOGIT};
    eff_did *d = NULL;
    eff_error err;
    assert_int_equal(eff_did_fit(panel, &s, NULL, &d, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "separation: regressor \"rare\""));
    s.leave_out_separating = 1;
    assert_int_equal(eff_did_fit(panel, &s, NULL, &d, &err), EFF_OK);
    size_t c[6];
    static const char *const cols[] = {"event_time", "estimate", "std_error", "att", "att_se",
                                       "rows_left_out"};
    for (int k = 0; k < 6; k++)
        assert_int_equal(eff_table_col(ref, cols[k], &c[k], &err), EFF_OK);
    assert_int_equal(eff_did_n_left_out(d), 1);
    const eff_did_left_out *lo = eff_did_left_out_at(d, 0);
    assert_string_equal(lo->name, "rare");
    assert_int_equal(lo->value, 1);
    assert_int_equal(lo->outcome, 0);
    assert_int_equal(lo->rows, eff_table_i64(ref, c[5])[0]);
    assert_null(eff_did_left_out_at(d, 1));
    assert_int_equal(eff_did_n_obs(d), 7500 - lo->rows);
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        int e = (int)eff_table_i64(ref, c[0])[r];
        const eff_did_effect *ef = eff_did_effect_at(d, (size_t)(e + 2));
        eff_assert_close(ef->coef.estimate, eff_table_f64(ref, c[1])[r], 1e-7, 1e-10);
        eff_assert_close(ef->coef.std_error, eff_table_f64(ref, c[2])[r], 1e-7, 1e-10);
        eff_assert_close(ef->att, eff_table_f64(ref, c[3])[r], 1e-7, 1e-10);
        eff_assert_close(ef->att_se, eff_table_f64(ref, c[4])[r], 1e-7, 1e-10);
    }
    eff_did_free(d);
    /* the caller's covariate list is untouched */
    assert_string_equal(s.x[1], "rare");
    assert_int_equal(s.n_x, 3);
    eff_table_free(panel);
    eff_table_free(ref);
}

/* One cell of the design with a single outcome: the treated at e = -2 without the outcome, or
 * the controls at e = 0. That delta is not estimable, the cell's rows are left out, and the
 * other deltas are R's on the remaining rows (make_sep_refs.R). */
static void expect_cell_left_out(const char *panel_path, const char *ref_path, const char *name,
                                 int e_lost)
{
    eff_table *panel = eff_test_read_csv(panel_path);
    eff_table *ref = eff_test_read_csv(ref_path);
    static const char *const x[] = {"age", "girl"};
    eff_did_spec s = {.y = "yb", .treated = "treated", .event_time = "e", .cohort = "g",
                      .cluster = "id", .x = x, .n_x = 2, .emin = -2, .emax = 2,
                      .family = EFF_GLM_LOGIT, .leave_out_separating = 1};
    eff_did *d = NULL;
    eff_error err;
    assert_int_equal(eff_did_fit(panel, &s, NULL, &d, &err), EFF_OK);
    assert_int_equal(eff_did_n_left_out(d), 1);
    const eff_did_left_out *lo = eff_did_left_out_at(d, 0);
    assert_string_equal(lo->name, name);
    assert_int_equal(lo->outcome, 0);
    size_t c[4];
    static const char *const cols[] = {"event_time", "estimate", "std_error", "rows_left_out"};
    for (int k = 0; k < 4; k++)
        assert_int_equal(eff_table_col(ref, cols[k], &c[k], &err), EFF_OK);
    assert_int_equal(lo->rows, eff_table_i64(ref, c[3])[0]);
    const eff_did_effect *lost = eff_did_effect_at(d, (size_t)(e_lost + 2));
    assert_false(lost->estimable);
    assert_true(isnan(lost->coef.estimate) && isnan(lost->att));
    for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
        int e = (int)eff_table_i64(ref, c[0])[r];
        const eff_did_effect *ef = eff_did_effect_at(d, (size_t)(e + 2));
        assert_true(ef->estimable);
        eff_assert_close(ef->coef.estimate, eff_table_f64(ref, c[1])[r], 1e-7, 1e-10);
        eff_assert_close(ef->coef.std_error, eff_table_f64(ref, c[2])[r], 1e-7, 1e-10);
    }
    eff_did_free(d);
    eff_table_free(panel);
    eff_table_free(ref);
}

static void test_separating_effect_cell(void **state)
{
    (void)state;
    expect_cell_left_out("tests/ref/did/panel_cell.csv", "tests/ref/did/logit_cell.csv",
                         "treated:e=-2", -2);
    expect_cell_left_out("tests/ref/did/panel_ctl.csv", "tests/ref/did/logit_ctl.csv",
                         "control:e=0", 0);
}

static void test_bad_specs(void **state)
{
    (void)state;
    eff_table *panel = eff_test_read_csv("tests/ref/did/panel.csv");
    eff_did_spec s = {.y = "yb", .treated = "treated", .event_time = "e", .cohort = "g",
                      .cluster = "id", .emin = 0, .emax = 2, .family = EFF_GLM_LOGIT};
    eff_did *d = NULL;
    eff_error err;
    assert_int_equal(eff_did_fit(panel, &s, NULL, &d, &err), EFF_EINVAL); /* no -1 */
    assert_non_null(strstr(err.msg, "reference year -1"));
    s.emin = -2, s.y = "nope";
    assert_int_equal(eff_did_fit(panel, &s, NULL, &d, &err), EFF_EINVAL);
    assert_null(d);
    eff_table_free(panel);
}

/* The first `ids` persons of a reference panel: a smaller panel for the sweep. */
static eff_table *first_persons(const char *path, int64_t ids)
{
    eff_table *panel = eff_test_read_csv(path), *small;
    size_t id;
    assert_int_equal(eff_table_col(panel, "id", &id, NULL), EFF_OK);
    size_t n = eff_table_n_rows(panel);
    unsigned char *keep = malloc(n);
    for (size_t i = 0; i < n; i++)
        keep[i] = eff_table_i64(panel, id)[i] <= ids;
    assert_int_equal(eff_table_filter(panel, keep, &small, NULL), EFF_OK);
    free(keep);
    eff_table_free(panel);
    return small;
}

/* Every allocation failing in turn, for the logit with a separating covariate left out and for
 * the linear model: EFF_ENOMEM, *out untouched, the panel and the spec unchanged; the effects
 * after the sweep are those of a fit without failures. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    static const char *const x_sep[] = {"age", "rare", "girl"}, *const x[] = {"age", "girl"};
    const char *paths[2] = {"tests/ref/did/panel_sep.csv", "tests/ref/did/panel.csv"};
    for (int k = 0; k < 2; k++) {
        eff_table *panel = first_persons(paths[k], 400);
        uint64_t before = eff_test_table_digest(panel);
        eff_did_spec s = {.y = k ? "yc" : "yb", .treated = "treated", .event_time = "e",
                          .cohort = "g", .cluster = "id", .x = k ? x : x_sep, .n_x = k ? 2 : 3,
                          .emin = -2, .emax = 2, .family = k ? EFF_GLM_GAUSSIAN : EFF_GLM_LOGIT,
                          .leave_out_separating = 1};
        eff_did *ref;
        eff_error err;
        assert_int_equal(eff_did_fit(panel, &s, NULL, &ref, &err), EFF_OK);
        assert_int_equal(eff_did_n_left_out(ref), k ? 0 : 1);
        long n = 0;
        for (;; n++) {
            eff_did *d = (eff_did *)&n; /* a sentinel */
            eff_mem_fail_after(n);
            eff_status st = eff_did_fit(panel, &s, NULL, &d, &err);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_table_digest(panel), before);
            assert_int_equal(s.n_x, k ? 2 : 3);
            assert_string_equal(s.x[1], k ? "girl" : "rare");
            if (st == EFF_OK) {
                for (size_t e = 0; e < eff_did_n_effects(d); e++) {
                    eff_assert_close(eff_did_effect_at(d, e)->att, eff_did_effect_at(ref, e)->att,
                                     0, 0);
                    eff_assert_close(eff_did_effect_at(d, e)->coef.std_error,
                                     eff_did_effect_at(ref, e)->coef.std_error, 0, 0);
                }
                eff_did_free(d);
                break;
            }
            if (st != EFF_ENOMEM)
                print_error("n = %ld: %s\n", n, err.msg);
            assert_int_equal(st, EFF_ENOMEM);
            assert_true(d == NULL || d == (eff_did *)&n); /* NULL, or untouched */
        }
        eff_test_sweep_done(k ? "eff_did_fit (linear)"
                              : "eff_did_fit (logit, a covariate left out)", n);
        eff_did_free(ref);
        eff_table_free(panel);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logit_against_r),
        cmocka_unit_test(test_linear_against_r),
        cmocka_unit_test(test_separating_covariate_left_out),
        cmocka_unit_test(test_separating_effect_cell),
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
