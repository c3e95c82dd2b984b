/* test_eval.c - the effect evaluation (src/eval*.c, src/persons.c) on a small Synthetic
 * Denmark with the shipped example config: the participant flow adds up, disclosure leaves no
 * shown cell on fewer persons than the threshold (at two thresholds) and no margin with one
 * hidden cell, matching improves balance, and the options do what they say (no reuse of
 * controls across cohorts, dropping the first cohort, a balanced panel, cohort x event time
 * effects, min_outcome_persons, a typical person the model cannot predict). */
#include "eff_test.h"

static const char *world;

static int setup(void **state)
{
    (void)state;
    eff_sim_options o = eff_sim_options_default();
    o.plans = 8, o.scale = 0.01, o.participants_scale = 3, o.seed = 7;
    world = eff_test_path("world");
    eff_error err;
    if (eff_sim_run(&o, world, NULL, NULL, &err) != EFF_OK) {
        print_error("simulate: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static eff_config *config(void)
{
    eff_config *c;
    eff_error err;
    if (eff_config_load("examples/lbf-2011-14.ini", world, &c, &err) != EFF_OK) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    for (size_t k = 0; k < c->n_interventions; k++)
        c->interventions[k].min_n = 20; /* a small world */
    return c;
}

static eff_eval *run(const eff_config *c, eff_persons **p, eff_status want, eff_error *err)
{
    eff_eval *e = NULL;
    const char *extra[1] = {"koen"};
    assert_int_equal(eff_persons_load(c, extra, 1, NULL, p, err), EFF_OK);
    eff_status st = eff_eval_run(c, *p, NULL, &e, err);
    if (st != want)
        print_error("eval: %d %s\n", st, err->msg);
    assert_int_equal(st, want);
    return e;
}

static const eff_eval_iv *iv_of(const eff_eval *e, const char *id)
{
    for (size_t k = 0; k < e->n_ivs; k++)
        if (strcmp(e->ivs[k].cfg->id, id) == 0)
            return &e->ivs[k];
    fail();
    return NULL;
}

static void expect_cell_safe(const eff_eval_cell *c, long t)
{
    if (c->suppressed || isnan(c->value))
        return;
    if (c->with >= 0) {
        assert_true(c->with >= t);
        assert_true(c->persons - c->with >= t);
    }
    if (c->persons > 0 || c->value != 0)
        assert_true(c->persons >= t);
}

/* Margin rule: of total and parts, never exactly one hidden. */
static void expect_margin(const eff_eval_cell *total, const eff_eval_cell *const *parts,
                          size_t n)
{
    int hidden = total->suppressed;
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        hidden += parts[k]->suppressed, sum += parts[k]->value;
    assert_true(sum == total->value);
    assert_int_not_equal(hidden, 1);
}

static void expect_safe(const eff_eval *e, long t)
{
    for (size_t k = 0; k < e->n_ivs; k++) {
        const eff_eval_iv *iv = &e->ivs[k];
        const eff_eval_cell *c = iv->counts;
        for (size_t j = 0; j < EFF_N_COUNT; j++)
            if (j != EFF_N_RECORDS && j != EFF_N_POOL)
                expect_cell_safe(&c[j], t);
        const eff_eval_cell *lost[] = {&c[EFF_N_UNLINKED], &c[EFF_N_FIRST_COHORT],
                                       &c[EFF_N_NOT_RESIDENT], &c[EFF_N_OUTSIDE_RULE],
                                       &c[EFF_N_TOO_FEW_POST], &c[EFF_N_KEPT]};
        expect_margin(&c[EFF_N_PERSONS], lost, 6);
        if (!iv->estimated)
            continue;
        const eff_eval_cell *kept[] = {&c[EFF_N_UNMATCHED], &c[EFF_N_MATCHED]};
        expect_margin(&c[EFF_N_KEPT], kept, 2);
        for (size_t j = 0; j < iv->n_chars; j++) {
            expect_cell_safe(&iv->chars[j].participants, t);
            expect_cell_safe(&iv->chars[j].controls, t);
        }
        for (size_t j = 0; j < iv->n_balance; j++)
            if (!iv->balance[j].suppressed) {
                expect_cell_safe(&iv->balance[j].treated, t);
                expect_cell_safe(&iv->balance[j].control, t);
            }
        const eff_eval_cell *subs[EFF_CFG_MAX_LIST];
        double sum = 0;
        for (size_t g = 0; g < iv->n_subgroups; g++)
            subs[g] = &iv->subgroups[g].n_participants, sum += subs[g]->value;
        if (iv->n_subgroups > 1 && sum == c[EFF_N_MATCHED].value) /* they give the total away */
            expect_margin(&c[EFF_N_MATCHED], subs, iv->n_subgroups);
        int binary = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
        for (size_t g = 0; g < iv->n_subgroups; g++) {
            const eff_eval_subgroup *sg = &iv->subgroups[g];
            expect_cell_safe(&sg->n_participants, t);
            int ref_hidden = 0;
            for (size_t j = 0; j < sg->n_effects; j++) {
                const eff_eval_effect *f = &sg->effects[j];
                ref_hidden |= f->event_time == -1 && f->hidden;
                if (f->hidden) {
                    assert_false(f->estimable);
                    continue;
                }
                assert_true(f->persons >= t);
                if (binary) {
                    assert_true(f->persons_y1 >= t);
                    assert_true(f->persons_y0 >= t);
                }
            }
            for (size_t j = 0; j < sg->n_typical; j++) {
                const eff_eval_typical *p = &sg->typical[j];
                if (p->shown) {
                    assert_false(ref_hidden);
                    assert_false(sg->effects[p->event_time - sg->effects[0].event_time].hidden);
                }
            }
        }
    }
}

static void test_disclosure(void **state)
{
    (void)state;
    long thresholds[2] = {5, 12};
    size_t suppressed[2];
    for (int k = 0; k < 2; k++) {
        eff_config *c = config();
        c->threshold = thresholds[k];
        eff_persons *p;
        eff_error err;
        eff_eval *e = run(c, &p, EFF_OK, &err);
        expect_safe(e, thresholds[k]);
        suppressed[k] = eff_sdc_n_suppressed(e->sdc);
        eff_eval_free(e);
        eff_persons_free(p);
        eff_config_free(c);
    }
    assert_true(suppressed[0] > 0);           /* the world is small enough to test something */
    assert_true(suppressed[1] > suppressed[0]);
}

static void test_flow_and_balance(void **state)
{
    (void)state;
    eff_config *c = config();
    eff_persons *p;
    eff_error err;
    eff_eval *e = run(c, &p, EFF_OK, &err);
    const eff_eval_iv *f = iv_of(e, "fritidsjob");
    assert_true(f->estimated);
    double matched = 0;
    for (size_t k = 0; k < f->n_cohorts; k++)
        matched += (double)f->cohort_participants[k];
    assert_true(matched == f->counts[EFF_N_MATCHED].value);
    assert_true(f->counts[EFF_N_CONTROLS].value <= matched); /* 1:1, controls may be reused */
    assert_true(f->counts[EFF_N_POOL_PERSONS].value <= f->counts[EFF_N_POOL].value);
    double sub = 0;
    for (size_t g = 0; g < f->n_subgroups; g++)
        sub += f->subgroups[g].n_participants.value;
    assert_true(sub == matched); /* koen=M and koen=K partition the matched participants */
    double before = 0, after = 0;
    for (size_t k = 0; k < f->n_balance; k++)
        before += fabs(f->balance[k].all.smd), after += fabs(f->balance[k].matched.smd);
    assert_true(after < before);
    for (size_t k = 0; k < f->n_balance; k++)
        assert_true(fabs(f->balance[k].matched.smd) < 0.35);
    eff_eval_free(e);
    eff_persons_free(p);
    eff_config_free(c);
}

static void test_options(void **state)
{
    (void)state;
    eff_config *c = config();
    c->reuse_across_cohorts = 0;
    c->drop_first_cohort = 1;
    eff_cfg_intervention *iv = (eff_cfg_intervention *)eff_config_intervention(c, "fritidsjob");
    iv->balanced = 1;
    iv->cohort_x_event = 1;
    ((eff_cfg_intervention *)eff_config_intervention(c, "netvaerksmoedre"))->min_outcome_persons =
        100000;
    eff_persons *p;
    eff_error err;
    eff_eval *e = run(c, &p, EFF_OK, &err);
    const eff_eval_iv *f = iv_of(e, "fritidsjob");
    assert_true(f->counts[EFF_N_CONTROLS_REUSED].value == 0);
    assert_true(f->counts[EFF_N_CONTROLS].value == f->counts[EFF_N_MATCHED].value);
    assert_true(f->counts[EFF_N_FIRST_COHORT].value > 0);
    for (size_t k = 0; k < f->n_cohorts; k++)
        assert_int_not_equal(f->cohorts[k], 2014);
    for (size_t g = 0; g < f->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &f->subgroups[g];
        if (!sg->estimated)
            print_error("%s: %s\n", sg->id, sg->why_not);
        assert_true(sg->estimated);
        for (size_t k = 1; k < sg->n_effects; k++) /* balanced: every person at every e */
            assert_int_equal(sg->effects[k].n_obs, sg->effects[0].n_obs);
        assert_non_null(strstr(sg->model_terms, "g=2016:e=0")); /* cohort x event time */
    }
    const eff_eval_subgroup *m = &iv_of(e, "netvaerksmoedre")->subgroups[0];
    assert_false(m->estimated);
    assert_non_null(strstr(m->why_not, "min_outcome_persons"));
    eff_eval_free(e);
    eff_persons_free(p);
    eff_config_free(c);
}

static void test_bad_profile(void **state)
{
    (void)state;
    eff_config *c = config();
    eff_cfg_intervention *iv = (eff_cfg_intervention *)eff_config_intervention(c, "fritidsjob");
    free(iv->profile.values[1]); /* typical.female = 1 in the girls' model: fine; 0 is not */
    iv->profile.values[1] = eff_strdup("0");
    assert_string_equal(iv->profile.keys[1], "female");
    eff_persons *p;
    eff_error err;
    eff_eval *e = run(c, &p, EFF_EINVAL, &err);
    assert_null(e);
    assert_int_equal(err.line, iv->profile.lines[1]);
    assert_non_null(strstr(err.msg, "everyone has female = 1"));
    eff_persons_free(p);
    eff_config_free(c);
}

/* ---- allocation failures ---- */

/* Everything a reader of the evaluation sees, as a digest: per intervention and subgroup the
 * counts, effects, reasons, robustness estimates, texts, and every warning. */
static uint64_t eval_digest(const eff_eval *e)
{
    uint64_t h = eff_test_mix(0, &e->n_ivs, sizeof e->n_ivs);
    for (size_t w = 0; w < e->n_warnings; w++)
        h = eff_test_mix_str(h, e->warnings[w]);
    for (size_t k = 0; k < e->n_ivs; k++) {
        const eff_eval_iv *iv = &e->ivs[k];
        h = eff_test_mix(h, &iv->estimated, sizeof iv->estimated);
        h = eff_test_mix(h, &iv->n_subgroups, sizeof iv->n_subgroups);
        h = eff_test_mix(h, &iv->n_balance, sizeof iv->n_balance);
        for (size_t b = 0; b < iv->n_balance; b++)
            h = eff_test_mix(h, &iv->balance[b].matched, sizeof iv->balance[b].matched);
        for (size_t s = 0; s < iv->n_subgroups; s++) {
            const eff_eval_subgroup *sg = &iv->subgroups[s];
            h = eff_test_mix_str(h, sg->id);
            h = eff_test_mix_str(h, sg->why_not);
            h = eff_test_mix_str(h, sg->model_terms);
            h = eff_test_mix_str(h, sg->sens_why_not);
            h = eff_test_mix_str(h, sg->naive_why_not);
            h = eff_test_mix(h, &sg->estimated, sizeof sg->estimated);
            h = eff_test_mix(h, &sg->n_obs, sizeof sg->n_obs);
            for (size_t f = 0; f < sg->n_effects; f++) {
                const eff_eval_effect *x = &sg->effects[f];
                h = eff_test_mix_str(h, x->reason);
                h = eff_test_mix(h, &x->coef.estimate, sizeof x->coef.estimate);
                h = eff_test_mix(h, &x->att_pp, sizeof x->att_pp);
                h = eff_test_mix(h, &x->hidden, sizeof x->hidden);
                h = eff_test_mix(h, &sg->cs[f].estimate, sizeof sg->cs[f].estimate);
                h = eff_test_mix(h, &sg->naive[f].estimate, sizeof sg->naive[f].estimate);
            }
        }
    }
    return h;
}

/* eff_eval_run, every allocation failing in turn, on a tiny Synthetic Denmark (one plan; the
 * control pool sampled more densely than the rest) with one intervention: matching, the
 * model in two subgroups, Callaway-Sant'Anna, the wild bootstrap (99 draws), naive TWFE,
 * Rosenbaum bounds and disclosure. EFF_ENOMEM, *out untouched or NULL, the persons and the
 * config unchanged; after the sweep, what a run without failures gives. About 1,600 points:
 * the slowest sweep of the suite. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_sim_options o = eff_sim_options_default();
    o.plans = 1, o.scale = 0.0005, o.almen_scale = 0.01, o.participants_scale = 10, o.seed = 7;
    o.year_first = 2012, o.year_last = 2018;
    const char *dir = eff_test_path("tiny");
    eff_error err;
    assert_int_equal(eff_sim_run(&o, dir, NULL, NULL, &err), EFF_OK);
    const char *ini = eff_test_write_str(
        "tiny.ini", "[run]\nyears = 2012-2018\ndisclosure_threshold = 3\nfirst_cohort = 2014\n"
                    "[outcome.fritidsjob]\nsource = hours\nthreshold = 110\n"
                    "[intervention.fritidsjob]\nactivities = lommepengejob, fritidsjob\n"
                    "outcome = fritidsjob\nage = 14-20\nwindow = -2..1\nmin_post_periods = 1\n"
                    "min_n = 5\ncovariates = age, female, origin\nsubgroups = all, koen=K\n"
                    "exact = koen\nratio = 1\ncaliper = 0.2\nnaive_twfe = yes\n"
                    "wild_bootstrap = yes\nwild_reps = 99\n");
    eff_config *c;
    assert_int_equal(eff_config_load(ini, dir, &c, &err), EFF_OK);
    eff_persons *p;
    const char *extra[1] = {"koen"};
    assert_int_equal(eff_persons_load(c, extra, 1, NULL, &p, &err), EFF_OK);
    uint64_t persons = 0;
    for (int32_t i = 0; i < (int32_t)eff_persons_n(p); i++)
        for (int y = eff_persons_year_first(p); y <= eff_persons_year_last(p); y++) {
            const eff_py *py = eff_persons_at(p, i, y);
            if (py)
                persons = eff_test_mix(persons, py, sizeof *py);
        }
    eff_cfg_intervention iv0 = c->interventions[0];
    eff_eval *ref;
    assert_int_equal(eff_eval_run(c, p, NULL, &ref, &err), EFF_OK);
    assert_true(ref->ivs[0].estimated);
    uint64_t want = eval_digest(ref);
    long n = 0;
    for (;; n++) {
        eff_eval *e = (eff_eval *)&n;
        eff_mem_fail_after(n);
        eff_status st = eff_eval_run(c, p, NULL, &e, &err);
        eff_mem_fail_after(-1);
        assert_memory_equal(&c->interventions[0], &iv0, sizeof iv0);
        if (st == EFF_OK) {
            assert_int_equal(eval_digest(e), want);
            eff_eval_free(e);
            break;
        }
        if (st != EFF_ENOMEM)
            print_error("n = %ld: %s\n", n, err.msg);
        assert_int_equal(st, EFF_ENOMEM);
        assert_true(e == NULL || e == (eff_eval *)&n);
    }
    uint64_t after = 0;
    for (int32_t i = 0; i < (int32_t)eff_persons_n(p); i++)
        for (int y = eff_persons_year_first(p); y <= eff_persons_year_last(p); y++) {
            const eff_py *py = eff_persons_at(p, i, y);
            if (py)
                after = eff_test_mix(after, py, sizeof *py);
        }
    assert_int_equal(after, persons);
    eff_test_sweep_done("eff_eval_run", n);
    eff_eval_free(ref);
    eff_persons_free(p);
    eff_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disclosure),
        cmocka_unit_test(test_flow_and_balance),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_bad_profile),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
