/* test_csdid.c - Callaway & Sant'Anna against what R's did 2.5.1 publishes for its mpdta panel
 * (the table, did's README and reference manual), against the difference-of-means
 * formula the estimates come from, and against tests/ref/csdid/ (base-R implementation of
 * did's and DRDID's formulas, make_csdid_refs.R) for standard errors, covariates, every
 * method, control group and base period; and the bad inputs. */
#include "eff_test.h"

#define MPDTA "tests/ref/csdid/mpdta.csv"

static eff_cs_data *mpdta(const char *const *x, size_t n_x, const char *cluster)
{
    eff_table *t = eff_test_read_csv(MPDTA);
    eff_cs_columns c = {"lemp", "year", "countyreal", "first.treat", x, n_x, cluster};
    eff_cs_data *d = NULL;
    eff_error err;
    assert_int_equal(eff_cs_panel_from_table(t, &c, &d, &err), EFF_OK);
    eff_table_free(t);
    return d;
}

static eff_cs *fit(const eff_cs_panel *p, eff_cs_method m, eff_cs_control c, eff_cs_base b)
{
    eff_cs_options o = eff_cs_options_default();
    o.method = m;
    o.control = c;
    o.base = b;
    o.reps = 0;
    eff_cs *cs = NULL;
    eff_error err;
    eff_status st = eff_cs_fit(p, &o, &cs, &err);
    if (st != EFF_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(st, EFF_OK);
    return cs;
}

static const eff_cs_att *att_of(const eff_cs *cs, int g, int t)
{
    for (size_t k = 0; k < eff_cs_n_att(cs); k++)
        if (eff_cs_att_at(cs, k)->group == g && eff_cs_att_at(cs, k)->time == t)
            return eff_cs_att_at(cs, k);
    fail_msg("no ATT(%d,%d)", g, t);
    return NULL;
}

/* Rounded to the printed digits, the number equals the printed one. */
static void assert_printed(double got, double printed, int digits)
{
    double scale = pow(10, digits);
    if (fabs(round(got * scale) / scale - printed) > 1e-12)
        fail_msg("%.10f prints as %.*f, not %.*f", got, digits, got, digits, printed);
}

static void published_att_gt(void **state)
{
    (void)state;
    static const double table[3][4] = {{-0.0105, -0.0704, -0.1373, -0.1008},
                                       {0.0065, -0.0028, -0.0046, -0.0412},
                                       {0.0305, -0.0027, -0.0311, -0.0261}};
    static const int groups[3] = {2004, 2006, 2007};
    eff_cs_data *d = mpdta(NULL, 0, NULL);
    eff_cs *cs = fit(eff_cs_data_panel(d), EFF_CS_REG, EFF_CS_NEVER, EFF_CS_VARYING);
    assert_int_equal(eff_cs_n_att(cs), 12);
    assert_int_equal(eff_cs_n_units(cs), 500);
    for (int g = 0; g < 3; g++)
        for (int t = 0; t < 4; t++)
            assert_printed(att_of(cs, groups[g], 2004 + t)->att, table[g][t], 4);
    double w, p;
    int df;
    eff_cs_pretest(cs, &w, &df, &p);
    assert_int_equal(df, 5);
    assert_printed(p, 0.16812, 5);

    eff_error err;
    eff_cs_agg *a = NULL;
    assert_int_equal(eff_cs_aggregate(cs, EFF_CS_DYNAMIC, &a, &err), EFF_OK);
    static const double dyn[7] = {0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008};
    assert_int_equal(a->n_rows, 7);
    for (int e = 0; e < 7; e++) {
        assert_int_equal(a->rows[e].key, e - 3);
        assert_printed(a->rows[e].estimate, dyn[e], 4);
    }
    assert_printed(a->overall.estimate, -0.0772, 4);
    /* analytic SE within 10% of did's published bootstrap SE */
    assert_true(fabs(a->overall.std_error / 0.0219 - 1) < 0.10);
    eff_cs_agg_free(a);
    assert_int_equal(eff_cs_aggregate(cs, EFF_CS_GROUP, &a, &err), EFF_OK);
    assert_printed(a->overall.estimate, -0.031, 3);
    assert_true(fabs(a->overall.std_error / 0.0126 - 1) < 0.10);
    eff_cs_agg_free(a);
    eff_cs_free(cs);
    eff_cs_data_free(d);
}

/* mean_{G=g}(y_t - y_b) - mean_{comparison}(y_t - y_b), straight from the panel. */
static double diff_of_means(const eff_cs_panel *p, int g, size_t ti, size_t bi, int notyet)
{
    double st = 0, sc = 0;
    size_t nt = 0, nc = 0;
    int later = p->times[ti] > p->times[bi] ? p->times[ti] : p->times[bi];
    for (size_t u = 0; u < p->n_units; u++) {
        double dy = p->y[u * p->n_times + ti] - p->y[u * p->n_times + bi];
        int gu = p->group[u];
        if (gu == g)
            st += dy, nt++;
        else if (gu == 0 || (notyet && gu > later))
            sc += dy, nc++;
    }
    return st / (double)nt - sc / (double)nc;
}

static size_t tpos(const eff_cs_panel *p, int t)
{
    for (size_t i = 0; i < p->n_times; i++)
        if (p->times[i] == t)
            return i;
    fail_msg("no period %d", t);
    return 0;
}

/* Without covariates all three methods are the difference of mean changes, for either
 * control group and base period. */
static void difference_of_means(void **state)
{
    (void)state;
    eff_cs_data *d = mpdta(NULL, 0, NULL);
    const eff_cs_panel *p = eff_cs_data_panel(d);
    size_t checked = 0;
    for (int m = 0; m < 3; m++)
        for (int c = 0; c < 2; c++)
            for (int b = 0; b < 2; b++) {
                eff_cs *cs = fit(p, (eff_cs_method)m, (eff_cs_control)c, (eff_cs_base)b);
                for (size_t k = 0; k < eff_cs_n_att(cs); k++) {
                    const eff_cs_att *a = eff_cs_att_at(cs, k);
                    if (a->time == a->base) {
                        assert_int_equal(b, EFF_CS_UNIVERSAL);
                        assert_int_equal(a->estimated, 0);
                        continue;
                    }
                    double want = diff_of_means(p, a->group, tpos(p, a->time),
                                                tpos(p, a->base), c == EFF_CS_NOTYET);
                    eff_assert_close(a->att, want, 0, 1e-10);
                    checked++;
                }
                eff_cs_free(cs);
            }
    assert_int_equal(checked, 3 * (12 + 12 + 12 + 12));
    eff_cs_data_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(published_att_gt),
        cmocka_unit_test(difference_of_means),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
