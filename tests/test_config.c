/* test_config.c - the evaluation config (src/config*.c): the shipped example read in full,
 * --data-dir against data_dir, file patterns, and every kind of bad config named by its line. */
#include "eff_test.h"

static void test_example(void **state)
{
    (void)state;
    eff_config *c;
    eff_error err;
    assert_int_equal(eff_config_load("examples/lbf-2011-14.ini", NULL, &c, &err), EFF_OK);
    assert_string_equal(c->dir, "examples/../build/demo/synthetic");
    assert_int_equal(c->year_first, 2011);
    assert_int_equal(c->year_last, 2019);
    assert_int_equal(c->threshold, 5);
    assert_int_equal(c->n_interventions, 3);
    const eff_cfg_intervention *f = eff_config_intervention(c, "fritidsjob");
    assert_non_null(f);
    assert_string_equal(f->outcome->id, "fritidsjob");
    assert_int_equal(f->outcome->kind, EFF_OUTCOME_THRESHOLD);
    assert_true(f->outcome->threshold == 110);
    assert_int_equal(f->age_min, 14);
    assert_int_equal(f->age_max, 20);
    assert_int_equal(f->school, EFF_SCHOOL_UPPER);
    assert_int_equal(f->emin, -2);
    assert_int_equal(f->emax, 2);
    assert_int_equal(f->n_activities, 2);
    assert_int_equal(f->n_subgroups, 2);
    assert_string_equal(f->subgroups[1], "koen=K");
    assert_int_equal(f->profile.cohort, 2015);
    assert_int_equal(f->profile.n, 7);
    const eff_cfg_intervention *m = eff_config_intervention(c, "netvaerksmoedre");
    assert_int_equal(m->emin, -3);
    assert_int_equal(m->sex, 'K');
    assert_int_equal(m->n_subgroups, 1); /* none given: all */
    assert_string_equal(m->subgroups[0], "all");
    assert_int_equal(eff_config_intervention(c, "boern_unge")->outcome->kind, EFF_OUTCOME_VALUE);
    char path[512];
    assert_int_equal(eff_config_path(c, EFF_FILE_UDDA, 2015, path, sizeof path, &err), EFF_OK);
    assert_string_equal(path, "examples/../build/demo/synthetic/udda2015.csv");
    assert_int_equal(eff_config_path(c, EFF_FILE_PARTICIPATION, 2015, path, sizeof path, &err),
                     EFF_OK);
    assert_string_equal(path, "examples/../build/demo/synthetic/deltagelse.csv");
    eff_config_free(c);
    /* --data-dir wins over data_dir */
    assert_int_equal(eff_config_load("examples/lbf-2011-14.ini", "/data/x", &c, &err), EFF_OK);
    assert_string_equal(c->dir, "/data/x");
    eff_config_free(c);
}

static const char minimal[] =
    "[outcome.y]\nsource = enrolled\n"
    "[intervention.a]\nactivities = mentor\noutcome = y\ncovariates = age\n";

/* Loads `text` and expects `status` at `line` with `needle` in the message. */
static void expect_error(const char *text, eff_status status, long line, const char *needle)
{
    const char *path = eff_test_write_str("bad.ini", text);
    eff_config *c = NULL;
    eff_error err;
    eff_status st = eff_config_load(path, NULL, &c, &err);
    if (st != status || err.line != line || !strstr(err.msg, needle)) {
        print_error("got status %d line %ld '%s'; want %d line %ld '%s'\n", st, err.line,
                    err.msg, status, line, needle);
        fail();
    }
    assert_null(c);
    assert_string_equal(err.path, path);
}

static void test_errors(void **state)
{
    (void)state;
    char buf[1024];
    eff_config *c;
    eff_error err;
    assert_int_equal(eff_config_load(eff_test_write_str("ok.ini", minimal), NULL, &c, &err),
                     EFF_OK);
    assert_int_equal(c->interventions[0].min_post_periods, 2);
    eff_config_free(c);
    snprintf(buf, sizeof buf, "[run]\nyears = 2011-2019\ncolour = blue\n%s", minimal);
    expect_error(buf, EFF_EINVAL, 3, "unknown key 'colour' in [run]");
    snprintf(buf, sizeof buf, "[run]\n\ndisclosure_threshold = 2\n%s", minimal);
    expect_error(buf, EFF_EINVAL, 3, "at least 3");
    snprintf(buf, sizeof buf, "%swindow = -1..2\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "window");
    snprintf(buf, sizeof buf, "%sthis line has no equals sign\n", minimal);
    expect_error(buf, EFF_EPARSE, 7, "cannot parse");
    snprintf(buf, sizeof buf, "[outcome.y]\nsource = enrolled\n[intervention.a]\n"
                              "activities = mentor\noutcome = z\ncovariates = age\n");
    expect_error(buf, EFF_EINVAL, 5, "unknown outcome 'z'");
    snprintf(buf, sizeof buf, "%ssubgroups = koen=K\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "not matched exactly");
    snprintf(buf, sizeof buf, "%scovariates = age, shoe_size\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "unknown name 'shoe_size'");
    snprintf(buf, sizeof buf, "%s[plans]\nx = 1\n", minimal);
    expect_error(buf, EFF_EINVAL, 8, "unknown section [plans]");
    snprintf(buf, sizeof buf, "[outcome.y]\nthreshold = 3\n[intervention.a]\n"
                              "activities = mentor\noutcome = y\ncovariates = age\n");
    expect_error(buf, EFF_EINVAL, 2, "no source");
    snprintf(buf, sizeof buf, "[columns]\nage =\n%s", minimal);
    expect_error(buf, EFF_EINVAL, 2, "empty value");
    snprintf(buf, sizeof buf, "%sage = 20-14\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "age: expected MIN-MAX");
    /* an empty range (here after inih strips a comment) read the uninitialised stack past the
     * value (fuzz_config found it, tests/data/fuzz/config-empty-range.ini; ASan saw it only when
     * the stack held no NUL for 64 bytes; valgrind in make check-valgrind sees it every time) */
    snprintf(buf, sizeof buf, "%sage = ; 13-24\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "age: expected MIN-MAX");
    snprintf(buf, sizeof buf, "%swindow =\n", minimal);
    expect_error(buf, EFF_EINVAL, 7, "window");
    snprintf(buf, sizeof buf, "[run]\nyears =\n%s", minimal);
    expect_error(buf, EFF_EINVAL, 2, "years");
    snprintf(buf, sizeof buf, "[outcome.z]\nsource = enrolled\nage = ;\n%s", minimal);
    expect_error(buf, EFF_EINVAL, 3, "age");
    {
        eff_config *fc = NULL;
        eff_status fs = eff_config_load("tests/data/fuzz/config-empty-range.ini", NULL, &fc, &err);
        assert_int_not_equal(fs, EFF_OK);
        assert_null(fc);
    }
    /* issue 12's keys */
    static const char *const robust_bad[][2] = {
        {"wild_reps = 10", "wild_reps: expected a whole number in range"},
        {"wild_weights = mammen", "wild_weights"},
        {"wild_cluster = kommune", "wild_cluster"},
        {"wild_level = 1.5", "wild_level: expected a number between 0.5 and 1"},
        {"wild_bootstrap = maybe", "wild_bootstrap: expected yes or no"},
        {"balanced = triples", "balanced: expected yes or no"},
        {"naive_twfe = 2", "naive_twfe: expected yes or no"},
        {"model_covariates = some", "model_covariates: expected yes or no"},
        {"trend = no_such_indicator", "trend: no [indicator.no_such_indicator] section"},
    };
    for (size_t k = 0; k < sizeof robust_bad / sizeof *robust_bad; k++) {
        snprintf(buf, sizeof buf, "%s%s\n", minimal, robust_bad[k][0]);
        expect_error(buf, EFF_EINVAL, 7, robust_bad[k][1]);
    }
    snprintf(buf, sizeof buf, "%swild_reps = 999\nwild_weights = webb\nwild_cluster = estate\n"
             "wild_level = 0.9\nbalanced = pairs\nnaive_twfe = yes\nmodel_covariates = no\n",
             minimal);
    assert_int_equal(eff_config_load(eff_test_write_str("robust.ini", buf), NULL, &c, &err),
                     EFF_OK);
    const eff_cfg_intervention *iv = &c->interventions[0];
    assert_int_equal(iv->wild_reps, 999);
    assert_int_equal(iv->wild_weights, 2);
    assert_int_equal(iv->wild_cluster, 1);
    assert_true(iv->wild_level == 0.9 && iv->balanced == 2 && iv->naive_twfe == 1 &&
                iv->model_covariates == 0 && iv->wild == 1);
    eff_config_free(c);
    expect_error("[run]\nyears = 2011-2019\n", EFF_EINVAL, 0, "no [intervention.ID], [indicator.ID], [funding] or [survey]");
    assert_int_equal(eff_config_load("tests/data/no-such.ini", NULL, &c, &err), EFF_EIO);
}

/* Every allocation failing in turn, loading the shipped example (every section: run, files,
 * columns, outcomes, interventions with typical persons, indicators with conditions and
 * subgroups, funding, survey) and a config whose intervention gets its default subgroup:
 * EFF_ENOMEM (not EFF_EINVAL, with an error record or without one), *out NULL, the file on
 * disk unchanged. inih's own buffers are not behind eff_mem_fail_after (it reads into our
 * line buffer on the stack); the sweep covers our allocations. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    const char *paths[2] = {"examples/lbf-2011-14.ini",
                            eff_test_write_str("oom.ini", "[outcome.y]\nsource = enrolled\n"
                                                          "[intervention.a]\nactivities = "
                                                          "mentor, sport\noutcome = y\n"
                                                          "covariates = age\n")};
    for (int k = 0; k < 2; k++) {
        uint64_t file = eff_test_file_digest(paths[k]);
        assert_true(file != 0);
        long n = 0;
        for (;; n++) {
            eff_config *c = (eff_config *)&n;
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_config_load(paths[k], NULL, &c, &err);
            eff_mem_fail_after(n);
            eff_config *quiet = NULL; /* no error record: the status alone must say it */
            eff_status st_quiet = eff_config_load(paths[k], NULL, &quiet, NULL);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_file_digest(paths[k]), file);
            assert_int_equal(st_quiet, st);
            eff_config_free(quiet);
            if (st == EFF_OK) {
                assert_true(c->n_interventions >= 1);
                eff_config_free(c);
                break;
            }
            if (st != EFF_ENOMEM)
                print_error("n = %ld: %s:%ld: %s\n", n, err.path, err.line, err.msg);
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(err.status, EFF_ENOMEM);
            assert_null(c);
        }
        eff_test_sweep_done(k ? "eff_config_load (a small config)"
                              : "eff_config_load (examples/lbf-2011-14.ini)", n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
