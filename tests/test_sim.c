/* test_sim.c - Synthetic Denmark (src/sim*.c): the calibration targets on a default run,
 * byte-identical output whatever the thread count, every file of every format read back,
 * truth.csv against what was planted and against the effect the files themselves show, and
 * bad options and effects files. */
#include <errno.h>
#include <sys/stat.h>

#include "eff_test.h"

static const char *run(const char *name, const eff_sim_options *o)
{
    const char *dir = eff_test_path(name);
    eff_error err;
    eff_status st = eff_sim_run(o, dir, NULL, NULL, &err);
    if (st != EFF_OK) {
        print_error("simulate %s: %s\n", name, err.msg);
        fail();
    }
    return dir;
}

/* A small world: a few plans, a sliver of the rest. */
static eff_sim_options small(int plans, double scale)
{
    eff_sim_options o = eff_sim_options_default();
    o.plans = plans, o.scale = scale;
    return o;
}

static void expect_calibrated(const char *dir)
{
    eff_sim_check_row *rows;
    size_t n;
    eff_error err;
    assert_int_equal(eff_sim_check(dir, NULL, &rows, &n, &err), EFF_OK);
    assert_true(n >= 100);
    size_t bad = 0;
    for (size_t k = 0; k < n; k++)
        if (!rows[k].ok) {
            print_error("%s: target %g, got %g (se %g, allowed %g)\n", rows[k].key, rows[k].target,
                        rows[k].value, rows[k].se, rows[k].allowed);
            bad++;
        }
    eff_free(rows);
    assert_int_equal(bad, 0);
}

/* The default run (89 plans, the demo's sample) meets every target of data/calibration.csv
 * within its tolerance plus 4 sampling SEs. The sanitizer build and valgrind (eff_test_small)
 * check a smaller world (the default takes minutes there); the exact counts then scale with
 * the plans simulated. */
static void test_calibration_default(void **state)
{
    (void)state;
    eff_sim_options o = eff_test_small() ? small(12, 0.01) : eff_sim_options_default();
    const char *dir = run("default", &o);
    expect_calibrated(dir);
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* Every file of dir a has a byte-identical twin in b, and b has no others; returns count. */
static int compare_dirs(const char *a, const char *b)
{
    DIR *d = opendir(a);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char pa[1024], pb[1024];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        if (!same_file(pa, pb)) {
            print_error("%s differs\n", e->d_name);
            fail();
        }
        files++;
    }
    closedir(d);
    return files;
}

static void test_threads_identical(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        /* several blocks of persons (8,192 each): 70,870 persons in CSV, 30,376 when small */
        eff_sim_options o = small(4, f ? 0.002 : eff_test_small() ? 0.003 : 0.01);
        o.format = f ? EFF_SIM_SAS : EFF_SIM_CSV;
        o.threads = 1;
        const char *one = run(f ? "t1sas" : "t1", &o);
        o.threads = 2;
        const char *two = run(f ? "t2sas" : "t2", &o);
        char a[512], b[512];
        snprintf(a, sizeof a, "%s", one), snprintf(b, sizeof b, "%s", two);
        assert_int_equal(compare_dirs(a, b), 98);
        assert_int_equal(eff_test_hidden_files(a), 0);
    }
}

/* Every file of every format reads back and describes; SAS and Stata hold the CSV's rows. */
static void test_formats_read_back(void **state)
{
    (void)state;
    static const char *const ext[] = {"csv", "sas7bdat", "dta"};
    static const char *const regs[] = {"bef", "udda", "bfl", "fravaer", "ras", "ind", "krim"};
    char dirs[3][512];
    for (int f = 0; f < 3; f++) {
        eff_sim_options o = small(2, 0.002);
        o.format = (eff_sim_format)f;
        snprintf(dirs[f], sizeof dirs[f], "%s", run(ext[f], &o));
    }
    for (int year = 2008; year <= 2020; year++)
        for (int r = 0; r < 7; r++) {
            size_t rows[3];
            for (int f = 0; f < 3; f++) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s%d.%s", dirs[f], regs[r], year, ext[f]);
                eff_table *t = NULL;
                eff_error err;
                eff_read_options ro = eff_read_options_default();
                if (eff_read_table(path, &ro, NULL, &t, &err) != EFF_OK) {
                    print_error("%s: %s\n", path, err.msg);
                    fail();
                }
                eff_col_summary *sum = NULL;
                assert_int_equal(eff_describe_table(t, &sum, &err), EFF_OK);
                eff_free(sum);
                rows[f] = eff_table_n_rows(t);
                eff_table_free(t);
            }
            assert_int_equal(rows[1], rows[0]);
            assert_int_equal(rows[2], rows[0]);
        }
    /* The same figures from every format. */
    for (int f = 1; f < 3; f++) {
        eff_sim_check_row *a, *b;
        size_t na, nb;
        eff_error err;
        assert_int_equal(eff_sim_check(dirs[0], NULL, &a, &na, &err), EFF_OK);
        assert_int_equal(eff_sim_check(dirs[f], NULL, &b, &nb, &err), EFF_OK);
        assert_int_equal(na, nb);
        for (size_t k = 0; k < na; k++)
            eff_assert_close(b[k].value, a[k].value, 1e-12, 1e-9);
        eff_free(a), eff_free(b);
    }
}

/* ---- truth.csv ---- */

typedef struct truth_row {
    char iv[24], sub[12], cohort[8];
    int e;
    double log_odds, att_pp;
} truth_row;

static size_t read_truth(const char *dir, truth_row *rows, size_t max)
{
    char path[600];
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    eff_csv_options o = eff_csv_options_default();
    static const eff_csv_coltype types[] = {{"log_odds", EFF_TYPE_F64}, {"att_pp", EFF_TYPE_F64},
                                            {"cohort", EFF_TYPE_STR}};
    o.types = types, o.n_types = 3;
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_OK);
    size_t c[6];
    static const char *const names[] = {"intervention", "subgroup", "cohort", "event_time",
                                        "log_odds", "att_pp"};
    for (int k = 0; k < 6; k++)
        assert_int_equal(eff_table_col(t, names[k], &c[k], &err), EFF_OK);
    size_t n = eff_table_n_rows(t);
    assert_true(n <= max);
    for (size_t r = 0; r < n; r++) {
        snprintf(rows[r].iv, sizeof rows[r].iv, "%s", eff_table_str(t, c[0], r));
        snprintf(rows[r].sub, sizeof rows[r].sub, "%s", eff_table_str(t, c[1], r));
        snprintf(rows[r].cohort, sizeof rows[r].cohort, "%s", eff_table_str(t, c[2], r));
        rows[r].e = (int)eff_table_i64(t, c[3])[r];
        rows[r].log_odds = eff_table_f64(t, c[4])[r];
        rows[r].att_pp = eff_table_f64(t, c[5])[r];
    }
    eff_table_free(t);
    return n;
}

/* The seed's planted value for a cell from data/effects-seed.csv (NaN: none). */
static double seed_value(const char *iv, const char *sub, int e, int want_att)
{
    eff_table *t = eff_test_read_csv("data/effects-seed.csv");
    size_t c[5];
    eff_error err;
    static const char *const names[] = {"intervention", "subgroup", "event_time", "log_odds",
                                        "att_pp"};
    for (int k = 0; k < 5; k++)
        assert_int_equal(eff_table_col(t, names[k], &c[k], &err), EFF_OK);
    double v = NAN;
    for (size_t r = 0; r < eff_table_n_rows(t); r++)
        if (!strcmp(eff_table_str(t, c[0], r), iv) && !strcmp(eff_table_str(t, c[1], r), sub) &&
            eff_table_i64(t, c[2])[r] == e) {
            size_t col = c[want_att ? 4 : 3];
            v = eff_table_col_type(t, col) == EFF_TYPE_F64 ? eff_table_f64(t, col)[r]
                                                             : (double)eff_table_i64(t, col)[r];
        }
    eff_table_free(t);
    return v;
}

/* truth.csv holds one row per estimated cell: 4 + 4 leisure-job rows (by sex), 4 absence
 * rows, 5 network-mother rows; the planted values are the seed's tables, zero before the
 * start unless pre-trends are asked for, and nothing at all under --effects zero. */
static void test_truth_planted(void **state)
{
    (void)state;
    static const eff_sim_effects modes[] = {EFF_SIM_EFFECTS_SEED, EFF_SIM_EFFECTS_PRETRENDS,
                                            EFF_SIM_EFFECTS_ZERO};
    static const char *const names[] = {"truth_seed", "truth_pre", "truth_zero"};
    for (int k = 0; k < 3; k++) {
        eff_sim_options o = small(6, 0.002);
        o.effects = modes[k];
        const char *dir = run(names[k], &o);
        truth_row rows[64];
        size_t n = read_truth(dir, rows, 64);
        assert_int_equal(n, 17);
        for (size_t r = 0; r < n; r++) {
            int absence = !strcmp(rows[r].iv, "boern_unge");
            assert_int_equal(strcmp(rows[r].cohort, "all"), 0);
            assert_true(rows[r].e != -1);
            double want = seed_value(rows[r].iv, rows[r].sub, rows[r].e, absence);
            assert_false(isnan(want));
            if (modes[k] == EFF_SIM_EFFECTS_ZERO || (modes[k] == EFF_SIM_EFFECTS_SEED && rows[r].e < 0))
                want = 0;
            if (absence) {
                assert_true(isnan(rows[r].log_odds));
                eff_assert_close(rows[r].att_pp, want, 1e-12, 1e-12);
            } else {
                eff_assert_close(rows[r].log_odds, want, 0, 0);
                /* realised effects take the planted one's sign, and vanish with it */
                if (want == 0)
                    eff_assert_close(rows[r].att_pp, 0, 0, 0);
                else
                    assert_true(rows[r].att_pp * want > 0 && fabs(rows[r].att_pp) < 100);
            }
        }
    }
}

/* A file of effects, cohort-specific in one cell: truth.csv gives every cohort's rows. */
static void test_truth_from_file(void **state)
{
    (void)state;
    const char *fx = eff_test_write_str(
        "effects.csv", "intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp\n"
                       "fritidsjob,fritidsjob,all,all,0,1,\n"
                       "fritidsjob,fritidsjob,koen=M,2015,0,2,\n"
                       "boern_unge,fravaer_pct,all,all,1,,-3\n"
                       "netvaerksmoedre,i_uddannelse,all,all,2,0.5,\n");
    eff_sim_options o = small(6, 0.002);
    o.effects = EFF_SIM_EFFECTS_FILE, o.effects_file = fx;
    const char *dir = run("truth_file", &o);
    truth_row rows[128];
    size_t n = read_truth(dir, rows, 128);
    assert_int_equal(n, 17 * 5);
    int seen = 0;
    for (size_t r = 0; r < n; r++) {
        double want = 0;
        if (!strcmp(rows[r].iv, "fritidsjob") && rows[r].e == 0)
            want = !strcmp(rows[r].cohort, "2015") && !strcmp(rows[r].sub, "koen=M") ? 2 : 1;
        if (!strcmp(rows[r].iv, "fritidsjob") && rows[r].e == 0 && !strcmp(rows[r].sub, "koen=M") &&
            !strcmp(rows[r].cohort, "all"))
            want = NAN; /* boys' cohorts differ: no single log odds ratio */
        if (!strcmp(rows[r].iv, "netvaerksmoedre") && rows[r].e == 2)
            want = 0.5;
        if (!strcmp(rows[r].iv, "boern_unge")) {
            /* a cohort's cell may have nobody observed in so small a world: then empty */
            if (strcmp(rows[r].cohort, "all") != 0 && isnan(rows[r].att_pp))
                continue;
            /* a 3 pp cut is more than the 2% floor: some participants are clipped at 0, so
             * the realised mean shift lies between -3 and 0, near -3 */
            if (rows[r].e == 1)
                assert_true(rows[r].att_pp >= -3 && rows[r].att_pp < -2.5);
            else
                eff_assert_close(rows[r].att_pp, 0, 0, 0);
            continue;
        }
        eff_assert_close(rows[r].log_odds, want, 0, 0);
        seen += want == 2;
    }
    assert_int_equal(seen, 1);
}

static void expect_effects_error(const char *content, long line, long column)
{
    const char *fx = eff_test_write_str("bad_effects.csv", content);
    eff_sim_options o = small(1, 0.001);
    o.effects = EFF_SIM_EFFECTS_FILE, o.effects_file = fx;
    eff_error err;
    assert_int_equal(eff_sim_run(&o, eff_test_path("never"), NULL, NULL, &err), EFF_EINVAL);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_non_null(strstr(err.path, "bad_effects.csv"));
}

static void test_effects_file_errors(void **state)
{
    (void)state;
    static const char head[] = "intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%sfritidsjob,fritidsjob,all,all,0,1,\nlektiecafe,x,all,all,0,1,\n", head);
    expect_effects_error(buf, 3, 1);
    snprintf(buf, sizeof buf, "%sfritidsjob,fritidsjob,all,all,-1,1,\n", head);
    expect_effects_error(buf, 2, 5);
    snprintf(buf, sizeof buf, "%snetvaerksmoedre,i_uddannelse,all,all,0,big,\n", head);
    expect_effects_error(buf, 2, 6);
    snprintf(buf, sizeof buf, "%sfritidsjob,fritidsjob,all,2013,0,1,\n", head);
    expect_effects_error(buf, 2, 4);
    snprintf(buf, sizeof buf, "%sboern_unge,fritidsjob,all,all,0,,1\n", head);
    expect_effects_error(buf, 2, 2);
    expect_effects_error("intervention,outcome,cohort\nfritidsjob,fritidsjob,all\n", 1, 0);
    /* nothing was written for the failed runs */
    assert_int_equal(access(eff_test_path("never"), F_OK), -1);
}

/* ---- the realised effect, read from the files of two runs ---- */

/* One year of the files, by person: enough to find participants and their outcomes. */
typedef struct year_view {
    size_t n;
    uint64_t *pnr;
    int *alder, *sex, *udd, *enrolled;
    double *hours, *absence;
} year_view;

static long find(const year_view *v, uint64_t pnr)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->pnr[mid] == pnr)
            return (long)mid;
        if (v->pnr[mid] < pnr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static eff_table *read_year(const char *dir, const char *reg, int year)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s%d.csv", dir, reg, year);
    return eff_test_read_csv(path);
}

static double cell(const eff_table *t, const char *col, size_t r)
{
    size_t c;
    eff_error err;
    assert_int_equal(eff_table_col(t, col, &c, &err), EFF_OK);
    if (eff_table_is_na(t, c, r))
        return NAN;
    if (eff_table_col_type(t, c) == EFF_TYPE_STR)
        return strtod(eff_table_str(t, c, r), NULL);
    return eff_table_col_type(t, c) == EFF_TYPE_I64 ? (double)eff_table_i64(t, c)[r]
                                                     : eff_table_f64(t, c)[r];
}

static void view_load(year_view *v, const char *dir, int year)
{
    eff_table *bef = read_year(dir, "bef", year);
    size_t n = v->n = eff_table_n_rows(bef), c;
    eff_error err;
    v->pnr = calloc(n, sizeof *v->pnr), v->alder = calloc(n, sizeof(int));
    v->sex = calloc(n, sizeof(int)), v->udd = calloc(n, sizeof(int));
    v->enrolled = calloc(n, sizeof(int)), v->hours = calloc(n, sizeof(double));
    v->absence = calloc(n, sizeof(double));
    assert_int_equal(eff_table_col(bef, "KOEN", &c, &err), EFF_OK);
    for (size_t r = 0; r < n; r++) {
        v->pnr[r] = (uint64_t)cell(bef, "PNR", r);
        v->alder[r] = (int)cell(bef, "ALDER", r);
        v->sex[r] = !strcmp(eff_table_str(bef, c, r), "K");
        v->absence[r] = NAN;
    }
    eff_table_free(bef);
    eff_table *t = read_year(dir, "udda", year);
    for (size_t r = 0; r < eff_table_n_rows(t); r++) {
        long i = find(v, (uint64_t)cell(t, "PNR", r));
        double udd = cell(t, "UDD", r);
        v->udd[i] = isnan(udd) ? 0 : (int)udd;
        v->enrolled[i] = cell(t, "i_uddannelse", r) == 1;
    }
    eff_table_free(t);
    t = read_year(dir, "bfl", year);
    for (size_t r = 0; r < eff_table_n_rows(t); r++)
        v->hours[find(v, (uint64_t)cell(t, "PNR", r))] = cell(t, "LOENTIMER", r);
    eff_table_free(t);
    t = read_year(dir, "fravaer", year);
    for (size_t r = 0; r < eff_table_n_rows(t); r++)
        v->absence[find(v, (uint64_t)cell(t, "PNR", r))] = cell(t, "FRAVAER_PCT", r);
    eff_table_free(t);
}

static void view_free(year_view *v)
{
    free(v->pnr), free(v->alder), free(v->sex), free(v->udd), free(v->enrolled);
    free(v->hours), free(v->absence);
}

/* Each participant's first start year in a pool of activities. */
static size_t starts(const char *dir, const char *const *pool, uint64_t *pnr, int *g, size_t max)
{
    char path[600];
    snprintf(path, sizeof path, "%s/deltagelse.csv", dir);
    eff_table *t = eff_test_read_csv(path);
    size_t ca, n = 0;
    eff_error err;
    assert_int_equal(eff_table_col(t, "aktivitet", &ca, &err), EFF_OK);
    for (size_t r = 0; r < eff_table_n_rows(t); r++) {
        int in = 0;
        for (int k = 0; pool[k]; k++)
            in |= !strcmp(eff_table_str(t, ca, r), pool[k]);
        if (!in)
            continue;
        uint64_t id = (uint64_t)cell(t, "pnr", r);
        int year = (int)cell(t, "start_aar", r);
        size_t k = 0;
        while (k < n && pnr[k] != id)
            k++;
        if (k == n) {
            assert_true(n < max);
            pnr[n] = id, g[n++] = year;
        } else if (year < g[k]) {
            g[k] = year;
        }
    }
    eff_table_free(t);
    return n;
}

/* Under the same seed, with effects and without, a participant's draws are the same; so the
 * mean difference of their outcomes is the realised effect, which truth.csv must state.
 * Small (eff_test_small): 12 plans, still over 100 participants in every cell. */
static void test_truth_realised(void **state)
{
    (void)state;
    eff_sim_options o = small(eff_test_small() ? 12 : 30, 0.002);
    o.participants_scale = 10;
    char with[512], without[512];
    snprintf(with, sizeof with, "%s", run("cf_seed", &o));
    o.effects = EFF_SIM_EFFECTS_ZERO;
    snprintf(without, sizeof without, "%s", run("cf_zero", &o));
    truth_row truth[64];
    size_t n_truth = read_truth(with, truth, 64);
    year_view a[13], b[13];
    for (int y = 0; y < 13; y++)
        view_load(&a[y], with, 2008 + y), view_load(&b[y], without, 2008 + y);
    static const char *const leisure[] = {"lommepengejob", "fritidsjob", NULL};
    static const char *const youth[] = {"brandkadet", "mentor", "projekt_event", "kreativ_laering",
                                        "lommepengejob", "fritidsjob", NULL};
    static uint64_t pnr[20000];
    static int g[20000];
    for (int iv = 0; iv < 2; iv++) {
        size_t n = starts(with, iv ? youth : leisure, pnr, g, 20000);
        double sum[2][3] = {{0}}, ss[2][3] = {{0}}, cnt[2][3] = {{0}};
        for (size_t k = 0; k < n; k++) {
            const year_view *vg = &a[g[k] - 2008];
            long i = find(vg, pnr[k]);
            if (i < 0)
                continue;
            int level = vg->udd[i] / 1000, age = vg->alder[i];
            int rule = iv ? age >= 12 && age <= 14 && level == 1
                          : age >= 14 && age <= 20 && level >= 1 && level <= 2;
            if (!rule)
                continue;
            for (int e = 0; e <= 2 && g[k] + e <= 2020; e++) {
                const year_view *va = &a[g[k] + e - 2008], *vb = &b[g[k] + e - 2008];
                long ia = find(va, pnr[k]), ib = find(vb, pnr[k]);
                if (ia < 0 || ib < 0)
                    continue;
                double d;
                if (iv) {
                    if (isnan(va->absence[ia]))
                        continue;
                    d = va->absence[ia] - vb->absence[ib];
                } else {
                    if (va->alder[ia] < 13 || va->alder[ia] > 24)
                        continue;
                    d = 100.0 * ((va->hours[ia] >= 110) - (vb->hours[ib] >= 110));
                }
                int s = iv ? 0 : vg->sex[i];
                sum[s][e] += d, ss[s][e] += d * d, cnt[s][e]++;
            }
        }
        for (size_t r = 0; r < n_truth; r++) {
            if (strcmp(truth[r].iv, iv ? "boern_unge" : "fritidsjob") || truth[r].e < 0)
                continue;
            int s = !strcmp(truth[r].sub, "koen=K"), e = truth[r].e;
            assert_true(cnt[s][e] > 50);
            double mean = sum[s][e] / cnt[s][e];
            double se = sqrt((ss[s][e] / cnt[s][e] - mean * mean) / cnt[s][e]);
            /* leisure jobs: 4 SEs of the paired difference; absence: the files round to
             * 0.05 pp and clamp at 0, so the mean shift is the planted one within 0.05 */
            double allowed = iv ? 0.05 : 4 * se + 1e-9;
            if (fabs(mean - truth[r].att_pp) > allowed) {
                print_error("%s %s e=%d: files %g (se %g, n %g), truth %g\n", truth[r].iv,
                            truth[r].sub, e, mean, se, cnt[s][e], truth[r].att_pp);
                fail();
            }
        }
    }
    for (int y = 0; y < 13; y++)
        view_free(&a[y]), view_free(&b[y]);
}

/* ---- bad options, a full disk, an interruption ---- */

static void test_bad_options(void **state)
{
    (void)state;
    eff_error err;
    eff_sim_options o = small(1, 0.001);
    o.scale = 0;
    assert_int_equal(eff_sim_run(&o, eff_test_path("opt"), NULL, NULL, &err), EFF_EINVAL);
    o = small(90, 0.001);
    assert_int_equal(eff_sim_run(&o, eff_test_path("opt"), NULL, NULL, &err), EFF_EINVAL);
    o = small(1, 0.001);
    o.icc = 0.5;
    assert_int_equal(eff_sim_run(&o, eff_test_path("opt"), NULL, NULL, &err), EFF_EINVAL);
    /* short of disk: refused before anything is written */
    o = small(1, 0.001);
    o.assume_free_bytes = 1000000;
    assert_int_equal(eff_sim_run(&o, eff_test_path("short"), NULL, NULL, &err), EFF_EIO);
    assert_non_null(strstr(err.msg, "disk space"));
    char path[600];
    snprintf(path, sizeof path, "%s/planer.csv", eff_test_path("short"));
    assert_int_equal(access(path, F_OK), -1);
}

static void test_disk_full_and_interrupt(void **state)
{
    (void)state;
    eff_error err;
    eff_sim_options o = small(2, 0.002);
    eff_atomic_inject_fault(ENOSPC, 4 << 20); /* the disk fills after 4 MiB */
    const char *dir = eff_test_path("full");
    assert_int_equal(eff_sim_run(&o, dir, NULL, NULL, &err), EFF_EIO);
    eff_atomic_inject_fault(0, 0);
    assert_int_equal(eff_test_hidden_files(dir), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/planer.csv", dir); /* finished before the disk filled */
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    assert_int_equal(access(path, F_OK), -1);

    volatile sig_atomic_t cancel = 1;
    eff_ctx ctx = eff_ctx_default();
    ctx.cancel = &cancel;
    dir = eff_test_path("interrupted");
    assert_int_equal(eff_sim_run(&o, dir, &ctx, NULL, &err), EFF_EABORT);
    assert_int_equal(eff_test_hidden_files(dir), 0);
}

/* eff_sim_run, every allocation failing in turn, on the smallest world that calibrates (one
 * plan, one year, the population register only, one thread): EFF_ENOMEM (calibration said
 * "the targets cannot be met by this population", EFF_EINVAL, when its cells could not grow),
 * no temp file left; after the sweep the files of a run without failures. Every run repeats the
 * calibration (about 20 ms), so this sweep takes about 20 s (50 s under ASan). The checker
 * (eff_sim_check) is not swept: it reads every register of every year from files. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_sim_options o = small(1, 0.0005);
    o.year_first = o.year_last = 2015;
    o.registers = 1u << EFF_SIM_BEF;
    o.threads = 1;
    const char *ref = run("oom_ref", &o);
    char path[600];
    snprintf(path, sizeof path, "%s/bef2015.csv", ref);
    uint64_t bef = eff_test_file_digest(path);
    snprintf(path, sizeof path, "%s/truth.csv", ref);
    uint64_t truth = eff_test_file_digest(path);
    assert_true(bef && truth);
    const char *dir = eff_test_path("oom");
    long n = 0;
    for (;; n++) {
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_sim_run(&o, dir, NULL, NULL, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_hidden_files(dir), 0);
        if (st == EFF_OK)
            break;
        if (st != EFF_ENOMEM)
            print_error("n = %ld: %s\n", n, err.msg);
        assert_int_equal(st, EFF_ENOMEM);
    }
    snprintf(path, sizeof path, "%s/bef2015.csv", dir);
    assert_int_equal(eff_test_file_digest(path), bef);
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    assert_int_equal(eff_test_file_digest(path), truth);
    eff_test_sweep_done("eff_sim_run", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_default),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_formats_read_back),
        cmocka_unit_test(test_truth_planted),
        cmocka_unit_test(test_truth_from_file),
        cmocka_unit_test(test_effects_file_errors),
        cmocka_unit_test(test_truth_realised),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_disk_full_and_interrupt),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
