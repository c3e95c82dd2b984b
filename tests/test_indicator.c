/* test_indicator.c - the indicator engine (src/indicator.c, ind_*.c): every measure against
 * base R on a small world (tests/ref/ind/make_ind_refs.R: values and persons of every shown
 * cell), the example config's definitions against Synthetic Denmark's own calibration report
 * (sim_check.c, an independent reading of the same files), disclosure control through the
 * area and subgroup margins as an attacker would subtract, and bad configs by their line. */
#include "eff_test.h"

typedef struct cell_key {
    char indicator[64], group[16], subgroup[96];
    int year;
} cell_key;

static eff_config *load(const char *path, const char *data_dir)
{
    eff_config *c = NULL;
    eff_error err;
    if (eff_config_load(path, data_dir, &c, &err) != EFF_OK) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    return c;
}

static eff_indicators *compute(const eff_config *c)
{
    eff_indicators *r = NULL;
    eff_error err;
    if (eff_ind_compute(c, NULL, &r, &err) != EFF_OK) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    return r;
}

static const eff_ind_cell *find(const eff_indicators *r, const char *indicator,
                                const char *group, const char *subgroup, int year)
{
    for (size_t k = 0; k < eff_ind_n_cells(r); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(r, k);
        if (c->year == year && strcmp(c->indicator, indicator) == 0 &&
            strcmp(c->group, group) == 0 && strcmp(c->subgroup, subgroup) == 0)
            return c;
    }
    return NULL;
}

/* Every cell base R computes: shown ones must agree to rounding, in value and persons. */
static void test_against_r(void **state)
{
    (void)state;
    eff_config *c = load("tests/data/ind/ind.ini", NULL);
    eff_indicators *r = compute(c);
    eff_table *want = eff_test_read_csv("tests/ref/ind/expected.csv");
    size_t n = eff_table_n_rows(want), shown = 0, gone_shown = 0;
    size_t col[7];
    const char *names[7] = {"indicator", "group", "subgroup", "year", "value", "n", "gone"};
    for (size_t k = 0; k < 7; k++)
        assert_true(eff_table_find(want, names[k]) >= 0),
            col[k] = (size_t)eff_table_find(want, names[k]);
    for (size_t i = 0; i < n; i++) {
        const eff_ind_cell *got = find(r, eff_table_str(want, col[0], i),
                                       eff_table_str(want, col[1], i),
                                       eff_table_str(want, col[2], i),
                                       (int)eff_table_i64(want, col[3])[i]);
        assert_non_null(got); /* every R cell exists, shown or suppressed */
        if (got->n < 0)
            continue;
        shown++;
        eff_assert_close(got->value, eff_table_f64(want, col[4])[i], 1e-12, 1e-12);
        assert_int_equal(got->n, eff_table_i64(want, col[5])[i]);
        if (got->gone >= 0) /* persistence: those gone from the register, where shown */
            assert_int_equal(got->gone, eff_table_i64(want, col[6])[i]);
        gone_shown += got->gone >= 0;
    }
    /* and no cell R does not have: the engine invents no subgroup */
    assert_int_equal(eff_ind_n_cells(r), n);
    print_message("%zu of %zu cells shown and equal to R's\n", shown, n);
    assert_true(2 * shown >= n); /* the comparison is not empty */
    assert_true(gone_shown >= 1);
    eff_table_free(want);
    eff_ind_free(r);
    eff_config_free(c);
}

/* ---- disclosure, as an attacker subtracts ---- */

static const char *const areas[3] = {"udsat", "almen", "befolkning"};

/* Persons, and for a share those with the condition, of a shown cell (weights 1). */
static void counts(const eff_cfg_indicator *d, const eff_ind_cell *c, double *n, double *with)
{
    *n = (double)c->n;
    switch (d->measure) {
    case EFF_IND_SHARE:
    case EFF_IND_POVERTY:
    case EFF_IND_RECIDIVISM: *with = round(c->value * (double)c->n / 100); break;
    case EFF_IND_PERSISTENCE: /* over those still in the register */
        *with = c->gone >= 0 ? round(c->value * (double)(c->n - c->gone) / 100) : NAN;
        break;
    default: *with = NAN;
    }
}

/* A count derived by subtraction must be 0 or at least the threshold. */
static void assert_safe(double count, long threshold, const char *what)
{
    if (isnan(count) || count == 0 || count >= (double)threshold)
        return;
    print_error("%s: %g persons can be derived (threshold %ld)\n", what, count, threshold);
    fail();
}

/* whole = udsat + almen + the unpublished rest: with befolkning and both areas shown the
 * rest is derived, and must be safe; with one area hidden, it and the rest are only known
 * as a sum, which must be safe too. Same for all = the subgroups + the missing. */
static void check_margins(const eff_config *c, const eff_indicators *r, long threshold,
                          size_t *hidden)
{
    char what[256];
    for (size_t k = 0; k < eff_ind_n_cells(r); k++) {
        const eff_ind_cell *x = eff_ind_cell_at(r, k);
        const eff_cfg_indicator *d = eff_ind_spec(r, x);
        if (x->n < 0) {
            (*hidden)++;
            continue;
        }
        assert_true(x->n >= threshold);
        double n, with;
        counts(d, x, &n, &with);
        snprintf(what, sizeof what, "%s/%s/%s/%d", x->indicator, x->group, x->subgroup, x->year);
        if (!isnan(with)) {
            assert_safe(with, threshold, what);
            assert_safe(n - with, threshold, what);
        }
        if (x->gone >= 0)
            assert_safe((double)x->gone, threshold, what);
        if (strcmp(x->group, "befolkning") == 0 && x->gone >= 0) { /* those gone, by area */
            double rest = (double)x->gone;
            for (int a = 0; a < 2; a++) {
                const eff_ind_cell *p = find(r, x->indicator, areas[a], x->subgroup, x->year);
                if (p && p->gone >= 0)
                    rest -= (double)p->gone;
            }
            assert_safe(rest, threshold, what);
        }
        if (strcmp(x->group, "befolkning") == 0) { /* the area margin */
            double rest = n, rest_with = with;
            for (int a = 0; a < 2; a++) {
                const eff_ind_cell *p = find(r, x->indicator, areas[a], x->subgroup, x->year);
                if (p && p->n >= 0) {
                    double pn, pw;
                    counts(d, p, &pn, &pw);
                    rest -= pn, rest_with -= pw;
                }
            }
            snprintf(what, sizeof what, "%s/%s/%d: befolkning less the areas shown",
                     x->indicator, x->subgroup, x->year);
            assert_safe(rest, threshold, what);
            assert_safe(rest_with, threshold, what);
            assert_safe(rest - rest_with, threshold, what);
        }
        if (strcmp(x->subgroup, "all") == 0 && d->n_subgroups > 0) { /* the subgroup margin */
            double rest = n, rest_with = with;
            for (size_t j = 0; j < eff_ind_n_cells(r); j++) {
                const eff_ind_cell *p = eff_ind_cell_at(r, j);
                if (p->n < 0 || p->year != x->year || strcmp(p->subgroup, "all") == 0 ||
                    strcmp(p->indicator, x->indicator) || strcmp(p->group, x->group))
                    continue;
                double pn, pw;
                counts(d, p, &pn, &pw);
                rest -= pn, rest_with -= pw;
            }
            snprintf(what, sizeof what, "%s/%s/%d: all less the subgroups shown",
                     x->indicator, x->group, x->year);
            assert_safe(rest, threshold, what);
            assert_safe(rest_with, threshold, what);
            assert_safe(rest - rest_with, threshold, what);
        }
    }
    (void)c;
}

static void test_disclosure(void **state)
{
    (void)state;
    /* weights 1, so that a share's value times its persons is the count behind it */
    FILE *in = fopen("tests/data/ind/ind.ini", "r");
    assert_non_null(in);
    char text[8192];
    size_t len = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[len] = '\0';
    char *w = strstr(text, "weights = omraader.csv");
    assert_non_null(w);
    memset(w, ' ', strlen("weights = omraader.csv"));
    w[0] = ';';
    static const long thresholds[] = {3, 5, 10, 25};
    for (size_t t = 0; t < 4; t++) {
        char *at = strstr(text, "disclosure_threshold = ");
        at += strlen("disclosure_threshold = ");
        snprintf(at, 3, "%-2ld", thresholds[t]);
        at[2] = '\n';
        const char *path = eff_test_write_str("ind_sdc.ini", text);
        eff_config *c = load(path, "tests/data/ind");
        eff_indicators *r = compute(c);
        size_t hidden = 0;
        check_margins(c, r, thresholds[t], &hidden);
        assert_true(hidden > 0 && hidden < eff_ind_n_cells(r)); /* something to protect */
        assert_int_equal(hidden, eff_ind_n_suppressed(r));
        eff_ind_free(r);
        eff_config_free(c);
    }
}

/* ---- the example's definitions against the calibration report ---- */

static const struct {
    const char *prefix, *indicator, *cols[2];
} figures[] = {
    {"leisure", "fritidsjob_14_16", {NULL}}, {"absence", "fravaer_12_14", {NULL}},
    {"womenedu", "kvinder_uddannelse_30_49", {NULL}},
    {"poverty", "boernefattigdom_0_6", {"herkomst"}},
    {"suspicions", "mistanker_10_14", {NULL}}, {"charges", "sigtelser_15_20", {NULL}},
    {"absence10", "fravaer_over_10pct", {"herkomst"}},
    {"exitexam", "afgangsproeve", {"herkomst"}},
    {"edu1720", "uddannelse_17_20", {"koen", "herkomst"}}, {"neet", "neet_16_24", {NULL}},
    {"employment", "beskaeftigelse_25_50", {"herkomst"}},
    {"vocational", "erhvervskompetence", {NULL}},
};

/* The cell a calibration key names (prefix.group[.values].year), or 0. */
static int key_cell(const char *key, cell_key *out)
{
    char buf[96], *part[6];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", key);
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && n < 6;
         tok = strtok_r(NULL, ".", &save))
        part[n++] = tok;
    for (size_t f = 0; n >= 3 && f < sizeof figures / sizeof *figures; f++) {
        if (strcmp(part[0], figures[f].prefix) != 0)
            continue;
        int n_cols = figures[f].cols[0] ? (figures[f].cols[1] ? 2 : 1) : 0, n_vals = n - 3;
        if (n_vals != 0 && n_vals != n_cols)
            return 0;
        snprintf(out->indicator, sizeof out->indicator, "%s", figures[f].indicator);
        snprintf(out->group, sizeof out->group, "%s", part[1]);
        snprintf(out->subgroup, sizeof out->subgroup, "all");
        for (int v = 0; v < n_vals; v++) {
            size_t len = v ? strlen(out->subgroup) : 0;
            snprintf(out->subgroup + len, sizeof out->subgroup - len, "%s%s=%s", v ? "&" : "",
                     figures[f].cols[v], part[2 + v]);
        }
        out->year = atoi(part[n - 1]);
        return 1;
    }
    return 0;
}

static void test_against_checker(void **state)
{
    (void)state;
    eff_sim_options o = eff_sim_options_default();
    o.plans = 6, o.scale = 0.004;
    const char *dir = eff_test_path("world");
    eff_error err;
    assert_int_equal(eff_sim_run(&o, dir, NULL, NULL, &err), EFF_OK);
    eff_sim_check_row *rows = NULL;
    size_t n_rows = 0;
    assert_int_equal(eff_sim_check(dir, NULL, &rows, &n_rows, &err), EFF_OK);
    eff_config *c = load("examples/lbf-2011-14.ini", dir);
    eff_indicators *r = compute(c);
    size_t compared = 0;
    for (size_t k = 0; k < n_rows; k++) {
        cell_key key;
        if (!key_cell(rows[k].key, &key) || isnan(rows[k].value))
            continue;
        const eff_ind_cell *got = find(r, key.indicator, key.group, key.subgroup, key.year);
        if (!got) {
            print_error("%s: no cell %s/%s/%s/%d\n", rows[k].key, key.indicator, key.group,
                        key.subgroup, key.year);
            fail();
        }
        if (got->n < 0)
            continue; /* suppressed in this small world */
        compared++;
        eff_assert_close(got->value, rows[k].value, 1e-9, 1e-9);
        if (got->seed_figure == NULL) {
            print_error("%s: no seed figure on %s/%s/%s/%d\n", rows[k].key, key.indicator,
                        key.group, key.subgroup, key.year);
            fail();
        }
    }
    assert_true(compared >= 40); /* most of the seed's chapter-4 and trend figures */
    eff_free(rows);
    eff_ind_free(r);
    eff_config_free(c);
}

/* Poverty over several years as the config's only user of its income column: the years
 * before its first must read that column too (they did not, and the years_below pass read
 * column -1 of the frame). Its cells are those of the full run. */
static void test_poverty_years_alone(void **state)
{
    (void)state;
    eff_config *full = load("tests/data/ind/ind.ini", NULL);
    eff_indicators *want = compute(full);
    const char *path = eff_test_write_str("alone.ini", "[run]\nyears = 2014-2016\n"
                                                       "disclosure_threshold = 3\n"
                                                       "[indicators]\nweights = omraader.csv\n"
                                                       "history = 2014-2016\n"
                                                       "[indicator.fattigdom_3aar]\n"
                                                       "measure = poverty\nage = 0-6\n"
                                                       "income = FAMAEKVIVADISP\n"
                                                       "years_below = 3\nyears = 2016-2016\n");
    eff_config *c = load(path, "tests/data/ind");
    eff_indicators *got = compute(c);
    size_t n = 0, shown = 0;
    for (size_t k = 0; k < eff_ind_n_cells(want); k++) {
        const eff_ind_cell *w = eff_ind_cell_at(want, k);
        if (strcmp(w->indicator, "fattigdom_3aar") != 0)
            continue;
        const eff_ind_cell *g = find(got, w->indicator, w->group, w->subgroup, w->year);
        assert_non_null(g);
        assert_int_equal(g->n, w->n);
        eff_assert_close(g->value, w->value, 0, 0);
        n++, shown += w->n >= 0;
    }
    assert_int_equal(eff_ind_n_cells(got), n);
    assert_true(shown > 0);
    eff_ind_free(got);
    eff_config_free(c);
    eff_ind_free(want);
    eff_config_free(full);
}

/* ---- allocation failures ---- */

/* The digest of the stored registers a sweep reads. */
static uint64_t stored_digest(const eff_tableset *ts)
{
    static const char *const names[] = {"bef2015", "bef2016", "udda2016", "ind2016", "krim2015",
                                        "fravaer2016", "ras2016", "omraader"};
    uint64_t h = 0;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char path[64];
        snprintf(path, sizeof path, "tests/data/ind/%s.csv", names[k]);
        const eff_table *t = eff_tableset_get(ts, path);
        assert_non_null(t);
        uint64_t d = eff_test_table_digest(t);
        h = eff_test_mix(h, &d, sizeof d);
    }
    return h;
}

/* Every allocation failing in turn, over every measure in three small configs on
 * tests/data/ind (the weights file, a share with a filter and two subgroup columns, a mean, a
 * rate and poverty on the OECD scale with wealth and students, in one year; persistence; and
 * recidivism, debut age and poverty over two years), the registers read from memory:
 * EFF_ENOMEM, *out untouched or NULL, the stored registers unchanged; the cells after the
 * sweep (values, persons, reasons) are those of a run without failures. Under UBSan the third
 * config also found qsort given NULL for an indicator without rows. (A sweep costs about
 * N^2/2 allocations for N points: the configs are small.) */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    static const char *const configs[3] = {
        "[run]\nyears = 2016-2016\ndisclosure_threshold = 3\n"
        "[indicators]\nweights = omraader.csv\n"
        "[indicator.fravaer10]\nmeasure = share\nfilter = KLASSETRIN >= 8\n"
        "condition = FRAVAER_PCT > 10\nsubgroups = KOEN & herkomst\n"
        "[indicator.fravaer]\nmeasure = mean\nage = 12-14\nvalue = FRAVAER_PCT\n"
        "[indicator.sigtelser]\nmeasure = rate\nage = 15-20\nevents = KATEGORI = sigtelse\n"
        "[indicator.fattigdom_oecd]\nmeasure = poverty\nage = 0-6\nincome = FAMDISPON_NY\n"
        "scale = oecd_modified\nwealth = FORMUE\nwealth_limit = 500000\n"
        "exclude_students = yes\n",
        "[run]\nyears = 2015-2016\ndisclosure_threshold = 3\n"
        "[indicators]\nhistory = 2015-2016\n"
        "[indicator.neet_all]\nmeasure = share\nage = 16-24\n"
        "condition = i_uddannelse = 0 & BESKST != 1\n"
        "[indicator.neet_persist]\nmeasure = persistence\nof = neet_all\nbase_year = 2015\n"
        "after = 1\n",
        "[run]\nyears = 2015-2016\ndisclosure_threshold = 3\n"
        "[indicators]\nhistory = 2015-2016\n"
        "[indicator.recidiv]\nmeasure = recidivism\nage = 10-25\n"
        "[indicator.debut]\nmeasure = debut_age\n"
        "[indicator.fattigdom_2aar]\nmeasure = poverty\nage = 0-6\nincome = FAMAEKVIVADISP\n"
        "years_below = 2\nyears = 2016-2016\n"};
    static const char *const names[3] = {"eff_ind_compute (share, mean, rate, poverty)",
                                         "eff_ind_compute (persistence)",
                                         "eff_ind_compute (recidivism, debut, poverty years)"};
    /* the registers served from memory (the Monte Carlo's mode, tableset.h): parsing them
     * is swept in test_csv.c, and the CSV reader's 256 KiB buffer per file read made this
     * sweep take minutes under ASan */
    eff_tableset *ts = eff_tableset_new();
    DIR *dir = opendir("tests/data/ind");
    assert_non_null(dir);
    for (struct dirent *de; (de = readdir(dir));) {
        if (!strstr(de->d_name, ".csv"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/data/ind/%s", de->d_name);
        assert_int_equal(eff_tableset_put(ts, path, eff_test_read_csv(path), NULL), EFF_OK);
    }
    closedir(dir);
    uint64_t files = stored_digest(ts);
    eff_ctx ctx = eff_ctx_default();
    ctx.tables = ts;
    for (int k = 0; k < 3; k++) {
        eff_config *c = load(eff_test_write_str("oom.ini", configs[k]), "tests/data/ind");
        eff_indicators *want;
        assert_int_equal(eff_ind_compute(c, &ctx, &want, NULL), EFF_OK);
        long n = 0;
        for (;; n++) {
            eff_indicators *r = (eff_indicators *)&n;
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_ind_compute(c, &ctx, &r, &err);
            eff_mem_fail_after(-1);
            if (st == EFF_OK) {
                assert_int_equal(eff_ind_n_cells(r), eff_ind_n_cells(want));
                for (size_t j = 0; j < eff_ind_n_cells(r); j++) {
                    const eff_ind_cell *x = eff_ind_cell_at(r, j), *y = eff_ind_cell_at(want, j);
                    assert_int_equal(x->n, y->n);
                    eff_assert_close(x->value, y->value, 0, 0);
                    assert_string_equal(x->reason, y->reason); /* not a vaguer one */
                }
                eff_ind_free(r);
                break;
            }
            if (st != EFF_ENOMEM)
                print_error("n = %ld: %s:%ld: %s\n", n, err.path, err.line, err.msg);
            assert_int_equal(st, EFF_ENOMEM);
            assert_true(r == NULL || r == (eff_indicators *)&n);
        }
        eff_test_sweep_done(names[k], n);
        eff_ind_free(want);
        eff_config_free(c);
    }
    uint64_t after = stored_digest(ts);
    eff_tableset_free(ts);
    assert_int_equal(after, files);
}

/* ---- bad configs name their line ---- */

static void expect_error(const char *text, long line, const char *needle)
{
    const char *path = eff_test_write_str("ind_bad.ini", text);
    eff_config *c = NULL;
    eff_indicators *r = NULL;
    eff_error err;
    eff_status st = eff_config_load(path, "tests/data/ind", &c, &err);
    if (st == EFF_OK)
        st = eff_ind_compute(c, NULL, &r, &err);
    if (st == EFF_OK || err.line != line || !strstr(err.msg, needle)) {
        print_error("got status %d line %ld '%s'; want line %ld '%s'\n", st, err.line, err.msg,
                    line, needle);
        fail();
    }
    assert_null(r);
    eff_config_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    /* each body follows [run] and [indicator.x] (lines 1-3); the line the error names */
    static const struct { const char *body; long line; const char *needle; } cases[] = {
        {"measure = share\ncondition = BESKSTX = 1\n", 5, "unknown column 'BESKSTX'"},
        {"measure = share\nage = 24-16\ncondition = BESKST = 1\n", 5, "age: expected MIN-MAX"},
        {"measure = share\nage = 16-24\n", 4, "has no condition"},
        {"measure = mean\n", 4, "has no value"},
        {"measure = poverty\n", 4, "has no income"},
        {"condition = BESKST = 1\n", 4, "has no measure"},
        {"measure = ratio\n", 4, "measure: unknown value 'ratio'"},
        {"measure = share\ncondition = herkomst > 2\n", 5, "herkomst holds text"},
        {"measure = share\ncondition = BESKST = ja\n", 5,
         "BESKST holds numbers, and 'ja' is not one"},
        {"measure = share\ncondition = BESKST ~ 1\n", 5, "condition: expected COLUMN OP VALUE"},
        {"measure = share\ncondition = BESKST = 1\nsubgroups = PNR\n", 6, "more than 64 values"},
        {"measure = rate\nevents = KATEGORIX = x\n", 5, "has no column 'KATEGORIX'"},
        {"measure = poverty\nincome = FAMAEKVIVADISP\nyears_below = 0\n", 6,
         "years_below: expected a whole number in 1-10, got '0'"},
        {"measure = persistence\nof = fattigdom\nafter = 2\n", 5,
         "of: 'fattigdom' is not a share indicator"},
        {"measure = share\ncondition = BESKST = 1\nshoe = 3\n", 6,
         "unknown key 'shoe' in [indicator.x]"},
    };
    char buf[1024];
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(buf, sizeof buf, "[run]\nyears = 2015-2016\n[indicator.x]\n%s", cases[k].body);
        expect_error(buf, cases[k].line, cases[k].needle);
    }
    expect_error("[run]\nyears = 2015-2016\n[indicator.X-1]\nmeasure = share\n", 4,
                 "lower-case letters");
    expect_error("[indicators]\nweights = nowhere.csv\n[run]\nyears = 2015-2016\n"
                 "[indicator.x]\nmeasure = share\ncondition = BESKST = 1\n",
                 0, "named by weights = at");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_r),
        cmocka_unit_test(test_disclosure),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_against_checker),
        cmocka_unit_test(test_poverty_years_alone),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
