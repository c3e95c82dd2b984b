/* test_match.c - nearest-neighbour matching against MatchIt 4.5.1 (tests/ref/match/make_refs.R):
 * the same matched controls, in the same rounds, and the same weights, for every option alone
 * and in the combinations the issue names, on lalonde and on a data set full of tied scores. */
#include "eff_test.h"

#define REF "tests/ref/match/"

typedef struct spec {
    const char *name;
    eff_match_options opt;
    int exact;
} spec;

static double num(const eff_table *t, size_t j, size_t i)
{
    return eff_table_col_type(t, j) == EFF_TYPE_I64 ? (double)eff_table_i64(t, j)[i]
                                                    : eff_table_f64(t, j)[i];
}

static void check_spec(const char *data_name, const char *exact_col, const spec *sp)
{
    char path[256];
    snprintf(path, sizeof path, REF "%s.csv", data_name);
    eff_table *data = eff_test_read_csv(path);
    snprintf(path, sizeof path, REF "%s_%s.csv", data_name, sp->name);
    eff_table *ref = eff_test_read_csv(path);
    size_t n = eff_table_n_rows(data), ps, tr, ex;
    assert_int_equal(eff_table_col(data, "ps", &ps, NULL), EFF_OK);
    assert_int_equal(eff_table_col(data, "treat", &tr, NULL), EFF_OK);
    assert_int_equal(eff_table_col(data, exact_col, &ex, NULL), EFF_OK);
    double *d = malloc(n * sizeof *d);
    unsigned char *treat = malloc(n);
    int32_t *strata = malloc(n * sizeof *strata);
    for (size_t i = 0; i < n; i++) {
        d[i] = num(data, ps, i);
        treat[i] = num(data, tr, i) == 1;
        strata[i] = eff_table_col_type(data, ex) == EFF_TYPE_STR ? eff_table_codes(data, ex)[i]
                                                                 : (int32_t)num(data, ex, i);
    }
    eff_match *m;
    assert_int_equal(eff_match_nearest(d, treat, sp->exact ? strata : NULL, n, &sp->opt, &m, NULL),
                     EFF_OK);
    for (size_t i = 0; i < n; i++) {
        double want_w = num(ref, 1, i);
        if (fabs(eff_match_weight(m, i) - want_w) > 1e-12 * (1 + want_w)) {
            print_error("%s %s: unit %zu weight %.17g, MatchIt %.17g\n", data_name, sp->name,
                        i + 1, eff_match_weight(m, i), want_w);
            fail();
        }
        const int64_t *row = eff_match_controls(m, i);
        if (!row)
            continue;
        for (int r = 0; r < sp->opt.ratio; r++) {
            int64_t want = eff_table_n_cols(ref) > (size_t)(2 + r) && !eff_table_is_na(ref, 2 + (size_t)r, i)
                               ? (int64_t)num(ref, 2 + (size_t)r, i) - 1
                               : -1;
            if (row[r] != want) {
                print_error("%s %s: treated unit %zu round %d: control %lld, MatchIt %lld\n",
                            data_name, sp->name, i + 1, r + 1, (long long)row[r] + 1,
                            (long long)want + 1);
                fail();
            }
        }
    }
    eff_match_free(m);
    free(d);
    free(treat);
    free(strata);
    eff_table_free(ref);
    eff_table_free(data);
}

static const spec *specs(size_t *count)
{
    static spec s[17];
    static const char *names[] = {"default", "ratio2", "replace", "caliper", "caliper_raw",
                                  "smallest", "data_order", "discard_both", "exact",
                                  "caliper_exact", "ratio2_replace", "ratio2_caliper",
                                  "discard_caliper", "smallest_exact", "discard_treated",
                                  "discard_control", "exact_ratio2"};
    for (size_t k = 0; k < 17; k++) {
        s[k].name = names[k];
        s[k].opt = eff_match_options_default();
        s[k].exact = strstr(names[k], "exact") != NULL;
    }
    s[1].opt.ratio = 2;
    s[2].opt.replace = 1;
    s[3].opt.caliper = 0.1;
    s[4].opt.caliper = 0.02;
    s[4].opt.caliper_sd = 0;
    s[5].opt.order = EFF_ORDER_SMALLEST;
    s[6].opt.order = EFF_ORDER_DATA;
    s[7].opt.discard = EFF_DISCARD_BOTH;
    s[9].opt.caliper = 0.1;
    s[10].opt.ratio = 2;
    s[10].opt.replace = 1;
    s[11].opt.ratio = 2;
    s[11].opt.caliper = 0.1;
    s[12].opt.discard = EFF_DISCARD_BOTH;
    s[12].opt.caliper = 0.1;
    s[13].opt.order = EFF_ORDER_SMALLEST;
    s[14].opt.discard = EFF_DISCARD_TREATED;
    s[15].opt.discard = EFF_DISCARD_CONTROL;
    s[16].opt.ratio = 2; /* MatchIt's quirk counts within the stratum (found in review) */
    *count = 17;
    return s;
}

static void lalonde_matches_matchit(void **state)
{
    (void)state;
    size_t count;
    const spec *s = specs(&count);
    for (size_t k = 0; k < count; k++)
        check_spec("lalonde", "married", &s[k]);
}

static void tied_scores_match_matchit(void **state)
{
    (void)state;
    size_t count;
    const spec *s = specs(&count);
    for (size_t k = 0; k < count; k++)
        check_spec("ties", "s", &s[k]);
}

static void random_order_is_deterministic(void **state)
{
    (void)state;
    eff_table *data = eff_test_read_csv(REF "lalonde.csv");
    size_t n = eff_table_n_rows(data), ps, tr;
    eff_table_col(data, "ps", &ps, NULL);
    eff_table_col(data, "treat", &tr, NULL);
    double *d = malloc(n * sizeof *d);
    unsigned char *treat = malloc(n);
    for (size_t i = 0; i < n; i++) {
        d[i] = num(data, ps, i);
        treat[i] = num(data, tr, i) == 1;
    }
    eff_match_options o = eff_match_options_default();
    o.order = EFF_ORDER_RANDOM;
    o.seed = 42;
    eff_match *a, *b;
    assert_int_equal(eff_match_nearest(d, treat, NULL, n, &o, &a, NULL), EFF_OK);
    assert_int_equal(eff_match_nearest(d, treat, NULL, n, &o, &b, NULL), EFF_OK);
    for (size_t i = 0; i < n; i++)
        if (treat[i])
            assert_int_equal(eff_match_controls(a, i)[0], eff_match_controls(b, i)[0]);
    eff_match_free(a);
    eff_match_free(b);
    /* a caliper too tight for anyone: no error, zero matches */
    double far[3] = {0.5, 0.1, 0.9};
    unsigned char one_treated[3] = {1, 0, 0};
    o = eff_match_options_default();
    o.caliper = 0.01;
    o.caliper_sd = 0;
    assert_int_equal(eff_match_nearest(far, one_treated, NULL, 3, &o, &a, NULL), EFF_OK);
    assert_int_equal(eff_match_get_counts(a).matched_treated, 0);
    assert_int_equal(eff_match_controls(a, 0)[0], -1);
    eff_match_free(a);
    /* MatchIt's later-round quirk counts indices within the exact stratum: unit 1 gets {2, 5}
     * (MatchIt 4.5.1 on this example, found in review), not {2, 4} */
    double ps7[7] = {0.50, 0.49, 0.10, 0.40, 0.30, 0.12, 0.11};
    unsigned char t7[7] = {1, 0, 0, 0, 0, 1, 0};
    int32_t s7[7] = {0, 0, 1, 0, 0, 1, 1};
    o = eff_match_options_default();
    o.ratio = 2;
    assert_int_equal(eff_match_nearest(ps7, t7, s7, 7, &o, &a, NULL), EFF_OK);
    assert_int_equal(eff_match_controls(a, 0)[0], 1);
    assert_int_equal(eff_match_controls(a, 0)[1], 4);
    eff_match_free(a);
    /* the nearer control wins, whichever side (MatchIt 4.5.1's integer abs() would take 0.4) */
    double sides[3] = {0.5, 0.4, 0.55};
    assert_int_equal(eff_match_nearest(sides, one_treated, NULL, 3, NULL, &a, NULL), EFF_OK);
    assert_int_equal(eff_match_controls(a, 0)[0], 2);
    eff_match_free(a);
    /* no controls */
    memset(treat, 1, n);
    eff_error err;
    assert_int_equal(eff_match_nearest(d, treat, NULL, n, NULL, &a, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "no control units"));
    free(d);
    free(treat);
    eff_table_free(data);
}

/* Balance before and after matching, as MatchIt's summary(standardize = TRUE) gives it. */
static void balance_matches_matchit(void **state)
{
    (void)state;
    static const char *names[] = {"default", "ratio2", "replace", "caliper"};
    size_t count;
    const spec *sp = specs(&count);
    eff_table *data = eff_test_read_csv(REF "lalonde.csv");
    size_t n = eff_table_n_rows(data), ps, tr, race;
    eff_table_col(data, "ps", &ps, NULL);
    eff_table_col(data, "treat", &tr, NULL);
    eff_table_col(data, "race", &race, NULL);
    double *d = malloc(n * sizeof *d), *x = malloc(n * sizeof *x);
    unsigned char *treat = malloc(n);
    for (size_t i = 0; i < n; i++) {
        d[i] = num(data, ps, i);
        treat[i] = num(data, tr, i) == 1;
    }
    for (size_t k = 0; k < 4; k++) {
        const spec *s = NULL;
        for (size_t j = 0; j < count; j++)
            if (strcmp(sp[j].name, names[k]) == 0)
                s = &sp[j];
        eff_match *m;
        assert_int_equal(eff_match_nearest(d, treat, NULL, n, &s->opt, &m, NULL), EFF_OK);
        double *w = malloc(n * sizeof *w);
        for (size_t i = 0; i < n; i++)
            w[i] = eff_match_weight(m, i);
        char path[256];
        snprintf(path, sizeof path, REF "lalonde_%s.balance.csv", names[k]);
        eff_table *ref = eff_test_read_csv(path);
        for (size_t r = 0; r < eff_table_n_rows(ref); r++) {
            const char *var = eff_table_str(ref, 0, r);
            if (strncmp(var, "race", 4) == 0) { /* a level of the text covariate */
                for (size_t i = 0; i < n; i++)
                    x[i] = strcmp(eff_table_str(data, race, i), var + 4) == 0;
            } else {
                size_t c;
                assert_int_equal(eff_table_col(data, var, &c, NULL), EFF_OK);
                for (size_t i = 0; i < n; i++)
                    x[i] = num(data, c, i);
            }
            int after = strcmp(eff_table_str(ref, 1, r), "matched") == 0;
            eff_balance_stats b;
            assert_int_equal(eff_balance_stats_of(x, treat, after ? w : NULL, n,
                                                  eff_balance_sd_treated(x, treat, n), &b, NULL),
                             EFF_OK);
            /* rtol 1e-10: the same sums, in another order */
            eff_assert_close(b.mean_treated, num(ref, 2, r), 1e-10, 1e-12);
            eff_assert_close(b.mean_control, num(ref, 3, r), 1e-10, 1e-12);
            eff_assert_close(b.smd, num(ref, 4, r), 1e-10, 1e-12);
            if (!eff_table_is_na(ref, 5, r))
                eff_assert_close(b.var_ratio, num(ref, 5, r), 1e-10, 0);
            else
                assert_true(isnan(b.var_ratio));
            eff_assert_close(b.ecdf_mean, num(ref, 6, r), 1e-10, 1e-12);
            eff_assert_close(b.ecdf_max, num(ref, 7, r), 1e-10, 1e-12);
        }
        eff_table_free(ref);
        free(w);
        eff_match_free(m);
    }
    free(d);
    free(x);
    free(treat);
    eff_table_free(data);
}

/* The propensity model reproduces R's glm fitted values; a given score and its logit. */
static void propensity_scores(void **state)
{
    (void)state;
    eff_table *t = eff_test_read_csv(REF "lalonde.csv");
    const char *cov[] = {"age", "educ", "race", "married", "nodegree", "re74", "re75"};
    eff_pscore_spec spec = {"treat", cov, 7, NULL, 0, NULL, 0};
    eff_pscore *p;
    assert_int_equal(eff_pscore_build(t, &spec, NULL, &p, NULL), EFF_OK);
    size_t ps;
    eff_table_col(t, "ps", &ps, NULL);
    for (size_t i = 0; i < p->n; i++) {
        eff_assert_close(p->score[i], eff_table_f64(t, ps)[i], 1e-10, 0); /* R: epsilon 1e-15 */
        eff_assert_close(p->distance[i], p->score[i], 0, 0);
    }
    eff_pscore_free(p);
    const char *exact[] = {"married"};
    eff_pscore_spec given = {"treat", NULL, 0, "ps", 1, exact, 1};
    assert_int_equal(eff_pscore_build(t, &given, NULL, &p, NULL), EFF_OK);
    assert_int_equal(p->n_strata, 2);
    for (size_t i = 0; i < p->n; i++) {
        double s = eff_table_f64(t, ps)[i];
        eff_assert_close(p->distance[i], log(s / (1 - s)), 1e-15, 0);
    }
    eff_pscore_free(p);
    eff_table_free(t);
}

/* Every allocation failing in turn, for 2:1 matching within exact strata, on common support,
 * with a caliper in SDs and a random order: EFF_ENOMEM, *out untouched, the inputs unchanged;
 * the match after the sweep is the one made without failures. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_table *data = eff_test_read_csv(REF "lalonde.csv");
    size_t n = eff_table_n_rows(data), ps, tr, married;
    eff_table_col(data, "ps", &ps, NULL);
    eff_table_col(data, "treat", &tr, NULL);
    eff_table_col(data, "married", &married, NULL);
    double *d = malloc(n * sizeof *d);
    unsigned char *treat = malloc(n);
    int32_t *strata = malloc(n * sizeof *strata);
    for (size_t i = 0; i < n; i++) {
        d[i] = num(data, ps, i);
        treat[i] = num(data, tr, i) == 1;
        strata[i] = (int32_t)num(data, married, i);
    }
    uint64_t before = eff_test_mix(eff_test_mix(eff_test_mix(0, d, n * sizeof *d), treat, n),
                                   strata, n * sizeof *strata);
    eff_match_options o = eff_match_options_default();
    o.ratio = 2, o.caliper = 0.5, o.caliper_sd = 1, o.discard = EFF_DISCARD_BOTH;
    o.order = EFF_ORDER_RANDOM, o.seed = 7;
    eff_match *ref;
    assert_int_equal(eff_match_nearest(d, treat, strata, n, &o, &ref, NULL), EFF_OK);
    long k = 0;
    for (;; k++) {
        eff_match *m = (eff_match *)&k; /* a sentinel */
        eff_error err;
        eff_mem_fail_after(k);
        eff_status st = eff_match_nearest(d, treat, strata, n, &o, &m, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(eff_test_mix(eff_test_mix(0, d, n * sizeof *d), treat, n),
                                      strata, n * sizeof *strata), before);
        if (st == EFF_OK) {
            for (size_t i = 0; i < n; i++)
                eff_assert_close(eff_match_weight(m, i), eff_match_weight(ref, i), 0, 0);
            eff_match_free(m);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(err.status, EFF_ENOMEM);
        assert_ptr_equal(m, (eff_match *)&k);
    }
    eff_test_sweep_done("eff_match_nearest", k);
    eff_match_free(ref);
    free(d);
    free(treat);
    free(strata);
    eff_table_free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lalonde_matches_matchit),
        cmocka_unit_test(tied_scores_match_matchit),
        cmocka_unit_test(random_order_is_deterministic),
        cmocka_unit_test(balance_matches_matchit),
        cmocka_unit_test(propensity_scores),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
