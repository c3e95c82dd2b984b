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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(against_lm),
        cmocka_unit_test(collinear_with_the_effects),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
