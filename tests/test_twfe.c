/* test_twfe.c - two-way fixed effects against R's lm with unit and period dummies
 * (tests/ref/twfe/make_twfe_refs.R: an unbalanced panel; standard errors clustered by unit
 * with fixest's small-sample convention), and the regressor collinear with the fixed effects
 * that an event study without never-treated units has. */
#include "eff_test.h"

#define REF "tests/ref/twfe/"

typedef struct panel {
    size_t n;
    double *y, *x;
    int32_t *unit, *period;
} panel;

static panel load(void)
{
    eff_table *t = eff_test_read_csv(REF "panel.csv");
    panel p = {eff_table_n_rows(t), NULL, NULL, NULL, NULL};
    p.y = malloc(p.n * sizeof *p.y);
    p.x = malloc(2 * p.n * sizeof *p.x);
    p.unit = malloc(p.n * sizeof *p.unit);
    p.period = malloc(p.n * sizeof *p.period);
    const char *names[5] = {"unit", "period", "x1", "x2", "y"};
    size_t c[5];
    eff_error err;
    for (int k = 0; k < 5; k++)
        assert_int_equal(eff_table_col(t, names[k], &c[k], &err), EFF_OK);
    for (size_t i = 0; i < p.n; i++) {
        p.unit[i] = (int32_t)eff_table_i64(t, c[0])[i];
        p.period[i] = (int32_t)eff_table_i64(t, c[1])[i];
        p.x[i] = eff_table_col_type(t, c[2]) == EFF_TYPE_I64 ? (double)eff_table_i64(t, c[2])[i]
                                                             : eff_table_f64(t, c[2])[i];
        p.x[p.n + i] = eff_table_f64(t, c[3])[i];
        p.y[i] = eff_table_f64(t, c[4])[i];
    }
    eff_table_free(t);
    return p;
}

static void panel_free(panel *p)
{
    free(p->y), free(p->x), free(p->unit), free(p->period);
}

static void against_lm(void **state)
{
    (void)state;
    panel p = load();
    eff_twfe_data d = {p.n, 2, p.y, p.x, p.unit, p.period, 40, 7};
    double b[2], se[2];
    eff_error err;
    assert_int_equal(eff_twfe_fit(&d, 1e-13, b, se, &err), EFF_OK);
    eff_table *ref = eff_test_read_csv(REF "ref.csv");
    size_t ce, cs;
    assert_int_equal(eff_table_col(ref, "estimate", &ce, &err), EFF_OK);
    assert_int_equal(eff_table_col(ref, "std_error", &cs, &err), EFF_OK);
    for (int k = 0; k < 2; k++) {
        eff_assert_close(b[k], eff_table_f64(ref, ce)[k], 1e-9, 0);
        eff_assert_close(se[k], eff_table_f64(ref, cs)[k], 1e-9, 0);
    }
    eff_table_free(ref);
    panel_free(&p);
}

/* x = period code is a linear function of the period effects: collinear, said so. */
static void collinear_with_the_effects(void **state)
{
    (void)state;
    panel p = load();
    for (size_t i = 0; i < p.n; i++)
        p.x[p.n + i] = p.period[i];
    eff_twfe_data d = {p.n, 2, p.y, p.x, p.unit, p.period, 40, 7};
    double b[2], se[2];
    eff_error err;
    assert_int_equal(eff_twfe_fit(&d, 1e-13, b, se, &err), EFF_ESINGULAR);
    assert_non_null(strstr(err.msg, "regressor 2 is collinear"));
    p.unit[3] = 40; /* out of range */
    assert_int_equal(eff_twfe_fit(&d, 1e-13, b, se, &err), EFF_EINVAL);
    panel_free(&p);
}

/* Every allocation failing in turn: EFF_ENOMEM, b and se untouched, the panel unchanged.
 * LAPACKE's own workspace is allocated outside eff_mem_fail_after and is not swept. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    panel p = load();
    eff_twfe_data d = {p.n, 2, p.y, p.x, p.unit, p.period, 40, 7};
    uint64_t before = eff_test_mix(0, p.y, p.n * sizeof *p.y);
    before = eff_test_mix(before, p.x, 2 * p.n * sizeof *p.x);
    before = eff_test_mix(before, p.unit, p.n * sizeof *p.unit);
    before = eff_test_mix(before, p.period, p.n * sizeof *p.period);
    long n = 0;
    for (;; n++) {
        double b[2] = {-7, -7}, se[2] = {-7, -7};
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_twfe_fit(&d, 1e-13, b, se, &err);
        eff_mem_fail_after(-1);
        uint64_t after = eff_test_mix(0, p.y, p.n * sizeof *p.y);
        after = eff_test_mix(after, p.x, 2 * p.n * sizeof *p.x);
        after = eff_test_mix(after, p.unit, p.n * sizeof *p.unit);
        after = eff_test_mix(after, p.period, p.n * sizeof *p.period);
        assert_int_equal(after, before);
        if (st == EFF_OK)
            break;
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_true(b[0] == -7 && b[1] == -7 && se[0] == -7 && se[1] == -7);
    }
    eff_test_sweep_done("eff_twfe_fit", n);
    panel_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(against_lm),
        cmocka_unit_test(collinear_with_the_effects),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
