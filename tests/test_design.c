/* test_design.c - the model matrix (src/design.c): text regressors as indicators against their
 * reference level, listwise deletion, weights, offset and clusters from a table, and every
 * allocation failing in turn. The fits on designs are checked against R in test_glm.c. */
#include "eff_test.h"

static const char csv[] = "y,x,omr,w,off,kom\n"
                          "1,0.5,udsat,1,0,101\n"
                          "0,1.5,almen,2,0.1,147\n"
                          "1,,almen,1,0,101\n" /* x missing: dropped */
                          "0,2.5,oevrig,0.5,0,751\n"
                          "1,3.5,udsat,1,0.2,147\n"
                          "0,4.5,almen,1,0,751\n";

static const char *const terms[] = {"x", "omr:ref=udsat"};

/* Everything a caller can read from a design. */
static uint64_t digest(const eff_design *d)
{
    size_t n = eff_design_n(d), p = eff_design_p(d), dropped = eff_design_n_dropped(d);
    size_t g = eff_design_n_clusters(d);
    uint64_t h = eff_test_mix(0, &n, sizeof n);
    h = eff_test_mix(h, &p, sizeof p);
    h = eff_test_mix(h, &dropped, sizeof dropped);
    h = eff_test_mix(h, &g, sizeof g);
    h = eff_test_mix(h, eff_design_xc(d), n * p * sizeof(double));
    h = eff_test_mix(h, eff_design_yc(d), n * sizeof(double));
    if (eff_design_weights(d))
        h = eff_test_mix(h, eff_design_weights(d), n * sizeof(double));
    if (eff_design_offset(d))
        h = eff_test_mix(h, eff_design_offset(d), n * sizeof(double));
    if (eff_design_clusters(d))
        h = eff_test_mix(h, eff_design_clusters(d), n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        size_t r = eff_design_source_row(d, i);
        h = eff_test_mix(h, &r, sizeof r);
    }
    for (size_t j = 0; j < p; j++)
        h = eff_test_mix_str(h, eff_design_term(d, j));
    return h;
}

static void from_table(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(eff_test_write_str("design.csv", csv));
    eff_design_spec spec = {"y", terms, 2, 0, "w", "off", "kom"};
    eff_design *d;
    eff_error err;
    assert_int_equal(eff_design_from_table(t, &spec, &d, &err), EFF_OK);
    assert_int_equal(eff_design_n(d), 5);
    assert_int_equal(eff_design_n_dropped(d), 1);
    assert_int_equal(eff_design_p(d), 4); /* intercept, x, omr=almen, omr=oevrig */
    assert_string_equal(eff_design_term(d, 2), "omr=almen");
    assert_string_equal(eff_design_term(d, 3), "omr=oevrig");
    assert_int_equal(eff_design_source_row(d, 2), 3);
    eff_assert_close(eff_design_xc(d)[2 * 5 + 1], 1, 0, 0); /* row 1 is almen */
    eff_assert_close(eff_design_weights(d)[2], 0.5, 0, 0);
    eff_assert_close(eff_design_offset(d)[3], 0.2, 0, 0);
    assert_int_equal(eff_design_n_clusters(d), 3);
    eff_design_free(d);
    eff_table_free(t);
}

/* eff_design_from_table, every allocation failing in turn: with integer cluster ids (the
 * direct table) and with text ones (hashed), EFF_ENOMEM, *out untouched, the table unchanged;
 * the design after the sweep is the one made without failures. */
static void allocation_failure_from_table(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(eff_test_write_str("oom.csv", csv));
    uint64_t before = eff_test_table_digest(t);
    const eff_design_spec specs[2] = {{"y", terms, 2, 0, "w", "off", "kom"},
                                      {"y", terms, 2, 1, NULL, NULL, "omr"}};
    for (int k = 0; k < 2; k++) {
        eff_design *ref;
        assert_int_equal(eff_design_from_table(t, &specs[k], &ref, NULL), EFF_OK);
        long n = 0;
        for (;; n++) {
            eff_design *d = (eff_design *)&n; /* a sentinel */
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_design_from_table(t, &specs[k], &d, &err);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_table_digest(t), before);
            if (st == EFF_OK) {
                assert_int_equal(digest(d), digest(ref));
                eff_design_free(d);
                break;
            }
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(err.status, EFF_ENOMEM);
            assert_ptr_equal(d, (eff_design *)&n);
        }
        eff_test_sweep_done(k ? "eff_design_from_table (text clusters)"
                              : "eff_design_from_table (weights, offset, integer clusters)", n);
        eff_design_free(ref);
    }
    eff_table_free(t);
}

/* eff_design_new gives NULL; a failed setter leaves the design as it was and its input
 * unchanged. */
static void allocation_failure_new_and_set(void **state)
{
    (void)state;
    const double w[3] = {1, 2, 3}, off[3] = {0.5, 0, -0.5};
    const int32_t codes[3] = {0, 1, 0};
    uint64_t inputs = eff_test_mix(eff_test_mix(eff_test_mix(0, w, sizeof w), off, sizeof off),
                                   codes, sizeof codes);
    long failed = 0;
    eff_design *d = NULL;
    for (long n = 0; !d; n++) {
        eff_mem_fail_after(n);
        d = eff_design_new(3, 2);
        eff_mem_fail_after(-1);
        failed += !d;
    }
    memset(eff_design_x(d), 0, 6 * sizeof(double));
    memset(eff_design_y(d), 0, 3 * sizeof(double));
    for (int k = 0; k < 5; k++) {
        for (long n = 0;; n++) {
            uint64_t before = digest(d);
            eff_status st;
            eff_error err;
            eff_mem_fail_after(n);
            switch (k) {
            case 0: st = eff_design_set_term(d, 0, "(Intercept)", &err); break;
            case 1: st = eff_design_set_term(d, 1, "dose", &err); break;
            case 2: st = eff_design_set_weights(d, w, &err); break;
            case 3: st = eff_design_set_offset(d, off, &err); break;
            default: st = eff_design_set_clusters(d, codes, 2, &err); break;
            }
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_mix(eff_test_mix(eff_test_mix(0, w, sizeof w), off,
                                                       sizeof off), codes, sizeof codes),
                             inputs);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(digest(d), before);
            failed++;
        }
    }
    assert_string_equal(eff_design_term(d, 1), "dose");
    assert_int_equal(eff_design_n_clusters(d), 2);
    eff_test_sweep_done("eff_design_new, _set_term, _set_weights, _set_offset, _set_clusters",
                        failed);
    eff_design_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(from_table),
        cmocka_unit_test(allocation_failure_from_table),
        cmocka_unit_test(allocation_failure_new_and_set),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
