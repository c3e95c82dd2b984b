/* test_persons.c - the evaluation's view of the registers (src/persons.c, persons_scan.c): a
 * few persons of a tiny Synthetic Denmark read back as the files hold them, and every
 * allocation of the load failing in turn. The evaluation on top is tested in test_eval.c. */
#include <sys/stat.h>

#include "eff_test.h"

static const char *world; /* a tiny world, cut down to a few dozen persons */

/* Rows of `name` in `from` whose PNR (or pnr) is in `keep`, written to `to` as text. */
static void cut(const char *from, const char *to, const char *name, const eff_dict *keep)
{
    char src[600], dst[600];
    snprintf(src, sizeof src, "%s/%s", from, name);
    snprintf(dst, sizeof dst, "%s/%s", to, name);
    eff_read_options o = eff_read_options_default();
    o.csv.all_text = 1;
    eff_table *t = NULL, *kept = NULL;
    eff_error err;
    if (eff_read_table(src, &o, NULL, &t, &err) != EFF_OK) {
        print_error("%s: %s\n", src, err.msg);
        fail();
    }
    long col = eff_table_find(t, "pnr");
    if (col >= 0 && keep) {
        size_t n = eff_table_n_rows(t);
        unsigned char *in = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            const char *s = eff_table_str(t, (size_t)col, i);
            in[i] = s && eff_dict_find(keep, s, strlen(s)) >= 0;
        }
        assert_int_equal(eff_table_filter(t, in, &kept, NULL), EFF_OK);
        free(in);
    }
    assert_int_equal(eff_write_table(kept ? kept : t, dst, NULL, NULL, &err), EFF_OK);
    eff_table_free(kept);
    eff_table_free(t);
}

/* The participants and the first 40 residents of 2014, in each register of 2014-2017. */
static int setup(void **state)
{
    (void)state;
    eff_sim_options o = eff_sim_options_default();
    o.plans = 1, o.scale = 0.0005, o.almen_scale = 0.002, o.participants_scale = 3, o.seed = 7;
    o.year_first = 2014, o.year_last = 2017, o.registers = EFF_SIM_EVAL_REGISTERS;
    const char *full = eff_test_path("full");
    eff_error err;
    if (eff_sim_run(&o, full, NULL, NULL, &err) != EFF_OK) {
        print_error("simulate: %s\n", err.msg);
        return -1;
    }
    static char dir[512];
    snprintf(dir, sizeof dir, "%s", eff_test_path("few"));
    if (mkdir(dir, 0700) != 0)
        return -1;
    eff_dict *keep = eff_dict_new();
    char path[600];
    snprintf(path, sizeof path, "%s/bef2014.csv", full);
    eff_table *bef = eff_test_read_csv(path);
    snprintf(path, sizeof path, "%s/deltagelse.csv", full);
    eff_table *part = eff_test_read_csv(path);
    const eff_table *from[2] = {bef, part};
    for (int k = 0; k < 2; k++) {
        size_t col = (size_t)eff_table_find(from[k], "pnr");
        for (size_t i = 0; i < eff_table_n_rows(from[k]) && (k || i < 40); i++) {
            const char *s = eff_table_str(from[k], col, i);
            int32_t code;
            if (s && eff_dict_intern(keep, s, strlen(s), &code, NULL) != EFF_OK)
                return -1;
        }
    }
    eff_table_free(bef);
    eff_table_free(part);
    static const char *const yearly[] = {"bef", "udda", "bfl", "fravaer"};
    for (int y = 2014; y <= 2017; y++)
        for (int k = 0; k < 4; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s%d.csv", yearly[k], y);
            cut(full, dir, name, keep);
        }
    cut(full, dir, "afdelinger.csv", NULL);
    cut(full, dir, "deltagelse.csv", NULL);
    eff_dict_release(keep);
    world = dir;
    return 0;
}

static const char config_text[] =
    "[run]\nyears = 2014-2017\nfirst_cohort = 2016\n"
    "[outcome.fritidsjob]\nsource = hours\nthreshold = 110\n"
    "[outcome.fravaer_pct]\nsource = absence\n"
    "[intervention.fritidsjob]\nactivities = lommepengejob, fritidsjob\noutcome = fritidsjob\n"
    "age = 14-20\nwindow = -2..1\nmin_post_periods = 1\ncovariates = age, female, origin, "
    "capital, single_parent, mother_vocational\n"
    "[intervention.boern_unge]\nactivities = mentor, brandkadet\noutcome = fravaer_pct\n"
    "age = 12-14\nwindow = -2..1\nmin_post_periods = 1\ncovariates = age\n"
    "current_covariates = class\n";

static eff_config *config(void)
{
    eff_config *c = NULL;
    eff_error err;
    if (eff_config_load(eff_test_write_str("persons.ini", config_text), world, &c, &err)) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    return c;
}

/* Everything a reader sees of the persons: ids, and every record of every year. */
static uint64_t persons_digest(const eff_persons *p)
{
    size_t n = eff_persons_n(p);
    uint64_t h = eff_test_mix(0, &n, sizeof n);
    for (int32_t i = 0; i < (int32_t)n; i++) {
        h = eff_test_mix_str(h, eff_persons_pnr(p, i));
        for (int y = eff_persons_year_first(p); y <= eff_persons_year_last(p); y++) {
            const eff_py *py = eff_persons_at(p, i, y);
            if (!py)
                continue;
            int32_t koen = eff_persons_extra_at(p, 0, i, y);
            h = eff_test_mix(h, &y, sizeof y);
            h = eff_test_mix(h, &koen, sizeof koen);
            h = eff_test_mix(h, &py->sex, 1);
            h = eff_test_mix(h, &py->age, sizeof py->age);
            h = eff_test_mix(h, &py->estate, sizeof py->estate);
            h = eff_test_mix(h, &py->mother, sizeof py->mother);
            h = eff_test_mix(h, &py->enrolled, 1);
            h = eff_test_mix(h, &py->hours, sizeof py->hours);
            h = eff_test_mix(h, &py->absence, sizeof py->absence);
            h = eff_test_mix(h, &py->school_class, 1);
        }
    }
    return h;
}

static void loads_the_few(void **state)
{
    (void)state;
    eff_config *c = config();
    eff_persons *p;
    eff_error err;
    const char *extra[1] = {"koen"};
    assert_int_equal(eff_persons_load(c, extra, 1, NULL, &p, &err), EFF_OK);
    assert_true(eff_persons_n(p) > 0);
    assert_int_equal(eff_persons_year_first(p), 2014);
    assert_int_equal(eff_persons_year_last(p), 2017);
    assert_int_equal(eff_persons_extra_index(p, "KOEN"), -1); /* the sex column is no extra */
    assert_true(eff_persons_n_inputs(p) >= 17);                /* 4 registers x 4 years, estates */
    eff_persons_free(p);
    eff_config_free(c);
}

/* Every allocation of the load failing in turn (two passes over four years of four registers,
 * on threads, the estates and the participants): EFF_ENOMEM, *out NULL or untouched, the files
 * unchanged; after the sweep the persons of a load without failures. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_config *c = config();
    const char *extra[2] = {"herkomst", "hovedstad"};
    eff_persons *ref;
    eff_error err;
    assert_int_equal(eff_persons_load(c, extra, 2, NULL, &ref, &err), EFF_OK);
    uint64_t want = persons_digest(ref);
    char path[600];
    snprintf(path, sizeof path, "%s/bef2015.csv", world);
    uint64_t file = eff_test_file_digest(path);
    long n = 0;
    for (;; n++) {
        eff_persons *p = (eff_persons *)&n;
        eff_mem_fail_after(n);
        eff_status st = eff_persons_load(c, extra, 2, NULL, &p, &err);
        eff_mem_fail_after(-1);
        if (st == EFF_OK) {
            assert_int_equal(persons_digest(p), want);
            eff_persons_free(p);
            break;
        }
        if (st != EFF_ENOMEM)
            print_error("n = %ld: %s:%ld: %s\n", n, err.path, err.line, err.msg);
        assert_int_equal(st, EFF_ENOMEM);
        assert_true(p == NULL || p == (eff_persons *)&n);
    }
    assert_int_equal(eff_test_file_digest(path), file);
    eff_test_sweep_done("eff_persons_load", n);
    eff_persons_free(ref);
    eff_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_the_few),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, setup, eff_test_cleanup);
}
