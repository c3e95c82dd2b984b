/* test_sim_memory.c - Synthetic Denmark's in-memory mode (eff_sim_options.tables, the Monte
 * Carlo's replications): every register-year it holds equals its file read back, value for
 * value; only the registers and years asked for are made, and none of them is written; and
 * an evaluation of the tables gives exactly the evaluation of the files. */
#include "eff_test.h"

static const char *const REGS[] = {"bef", "udda", "bfl", "fravaer", "ras", "ind", "krim"};

static eff_sim_options tiny(void)
{
    eff_sim_options o = eff_sim_options_default();
    o.plans = 4, o.scale = 0.002, o.almen_scale = 0.02, o.participants_scale = 10;
    o.seed = 777;
    return o;
}

static void simulate(const eff_sim_options *o, const char *dir)
{
    eff_error err;
    if (eff_sim_run(o, dir, NULL, NULL, &err) != EFF_OK) {
        print_error("simulate: %s\n", err.msg);
        fail();
    }
}

static double cell(const eff_table *t, size_t col, size_t row)
{
    switch (eff_table_col_type(t, col)) {
    case EFF_TYPE_I64:
        return eff_table_is_na(t, col, row) ? NAN : (double)eff_table_i64(t, col)[row];
    case EFF_TYPE_F64: return eff_table_f64(t, col)[row];
    case EFF_TYPE_DATE:
        return eff_table_is_na(t, col, row) ? NAN : (double)eff_table_date(t, col)[row];
    case EFF_TYPE_STR: break;
    }
    return NAN;
}

/* Same columns, rows and values; numbers compared exactly (the memory holds what the text
 * reads back as), strings byte for byte. */
static void expect_same_table(const eff_table *file, const eff_table *mem, const char *what)
{
    assert_int_equal(eff_table_n_cols(mem), eff_table_n_cols(file));
    assert_int_equal(eff_table_n_rows(mem), eff_table_n_rows(file));
    for (size_t j = 0; j < eff_table_n_cols(file); j++) {
        assert_string_equal(eff_table_col_name(mem, j), eff_table_col_name(file, j));
        int text = eff_table_col_type(file, j) == EFF_TYPE_STR;
        if ((eff_table_col_type(mem, j) == EFF_TYPE_STR) != text) {
            print_error("%s column %s: %s vs %s\n", what, eff_table_col_name(file, j),
                        eff_type_name(eff_table_col_type(file, j)),
                        eff_type_name(eff_table_col_type(mem, j)));
            fail();
        }
        for (size_t r = 0; r < eff_table_n_rows(file); r++) {
            if (text) {
                const char *a = eff_table_str(file, j, r), *b = eff_table_str(mem, j, r);
                if (!a || !b ? a != b : strcmp(a, b) != 0) {
                    print_error("%s row %zu column %s: \"%s\" vs \"%s\"\n", what, r + 1,
                                eff_table_col_name(file, j), a ? a : "NA", b ? b : "NA");
                    fail();
                }
            } else {
                double a = cell(file, j, r), b = cell(mem, j, r);
                if (!(a == b || (isnan(a) && isnan(b)))) {
                    print_error("%s row %zu column %s: %.17g vs %.17g\n", what, r + 1,
                                eff_table_col_name(file, j), a, b);
                    fail();
                }
            }
        }
    }
}

static void test_tables_equal_files(void **state)
{
    (void)state;
    eff_sim_options o = tiny();
    const char *files = eff_test_path("files"), *mem_dir = eff_test_path("mem");
    char fdir[512], mdir[512];
    snprintf(fdir, sizeof fdir, "%s", files), snprintf(mdir, sizeof mdir, "%s", mem_dir);
    simulate(&o, fdir);
    eff_tableset *ts = eff_tableset_new();
    o.tables = ts;
    o.threads = 2; /* and the thread count changes nothing here either */
    simulate(&o, mdir);
    assert_int_equal(eff_tableset_n(ts), 7 * 13);
    eff_ctx ctx = eff_ctx_default();
    for (int year = 2008; year <= 2020; year++)
        for (int r = 0; r < 7; r++) {
            char fpath[700], mpath[700];
            snprintf(fpath, sizeof fpath, "%s/%s%d.csv", fdir, REGS[r], year);
            snprintf(mpath, sizeof mpath, "%s/%s%d.csv", mdir, REGS[r], year);
            assert_int_equal(access(mpath, F_OK), -1); /* not written */
            const eff_table *m = eff_tableset_get(ts, mpath);
            assert_non_null(m);
            eff_table *f = NULL;
            eff_error err;
            /* person and case ids are text, as every reader of them asks (digits otherwise) */
            eff_csv_coltype ids[3] = {{"PNR", EFF_TYPE_STR}, {"MOR_ID", EFF_TYPE_STR},
                                      {"FAR_ID", EFF_TYPE_STR}};
            eff_read_options ro = eff_read_options_default();
            ro.csv.types = ids, ro.csv.n_types = r == 0 ? 3 : 1, ro.csv.allow_empty = 1;
            if (r == 6)
                ids[1].name = "SAGSNR", ro.csv.n_types = 2;
            assert_int_equal(eff_read_table(fpath, &ro, &ctx, &f, &err), EFF_OK);
            expect_same_table(f, m, fpath);
            eff_table_free(f);
        }
    /* the small files are written, and the same */
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/truth.csv", fdir), snprintf(b, sizeof b, "%s/truth.csv", mdir);
    eff_table *ta = eff_test_read_csv(a), *tb = eff_test_read_csv(b);
    expect_same_table(ta, tb, "truth.csv");
    eff_table_free(ta), eff_table_free(tb);
    eff_tableset_free(ts);
}

/* Only the registers and years asked for; the truth of the years made is the same. */
static void test_registers_and_years(void **state)
{
    (void)state;
    eff_sim_options o = tiny();
    eff_tableset *ts = eff_tableset_new();
    o.tables = ts;
    o.registers = EFF_SIM_EVAL_REGISTERS;
    o.year_first = 2011, o.year_last = 2019;
    const char *dir = eff_test_path("subset");
    char d[512];
    snprintf(d, sizeof d, "%s", dir);
    simulate(&o, d);
    assert_int_equal(eff_tableset_n(ts), 4 * 9);
    char path[700];
    snprintf(path, sizeof path, "%s/bef2010.csv", d);
    assert_null(eff_tableset_get(ts, path));
    snprintf(path, sizeof path, "%s/ras2015.csv", d);
    assert_null(eff_tableset_get(ts, path));
    snprintf(path, sizeof path, "%s/fravaer2019.csv", d);
    assert_non_null(eff_tableset_get(ts, path));
    eff_tableset_free(ts);
    /* bad ranges and bits are refused */
    eff_error err;
    o = tiny();
    o.year_first = 2007;
    assert_int_equal(eff_sim_run(&o, d, NULL, NULL, &err), EFF_EINVAL);
    o = tiny();
    o.year_first = 2015, o.year_last = 2012;
    assert_int_equal(eff_sim_run(&o, d, NULL, NULL, &err), EFF_EINVAL);
    o = tiny();
    o.registers = 1u << EFF_SIM_N_REGISTERS;
    assert_int_equal(eff_sim_run(&o, d, NULL, NULL, &err), EFF_EINVAL);
}

static eff_eval *evaluate(const char *dir, const eff_ctx *ctx, eff_config **c, eff_persons **p)
{
    eff_error err;
    const char *extra[EFF_CFG_MAX_EXTRA];
    if (eff_config_load("tests/data/run/recovery.ini", dir, c, &err) != EFF_OK ||
        eff_persons_load(*c, extra, eff_config_extra_columns(*c, extra), ctx, p, &err) !=
            EFF_OK) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    eff_eval *e = NULL;
    assert_int_equal(eff_eval_run(*c, *p, NULL, &e, &err), EFF_OK);
    return e;
}

/* The evaluation of the tables is the evaluation of the files, to the last bit. */
static void test_evaluation_equal(void **state)
{
    (void)state;
    eff_sim_options o = tiny();
    char fdir[512], mdir[512];
    snprintf(fdir, sizeof fdir, "%s", eff_test_path("efiles"));
    snprintf(mdir, sizeof mdir, "%s", eff_test_path("emem"));
    simulate(&o, fdir);
    eff_tableset *ts = eff_tableset_new();
    o.tables = ts, o.registers = EFF_SIM_EVAL_REGISTERS;
    o.year_first = 2011, o.year_last = 2019;
    simulate(&o, mdir);
    eff_ctx ctx = eff_ctx_default();
    ctx.tables = ts;
    eff_config *cf, *cm;
    eff_persons *pf, *pm;
    eff_eval *ef = evaluate(fdir, NULL, &cf, &pf), *em = evaluate(mdir, &ctx, &cm, &pm);
    assert_int_equal(eff_persons_n(pm), eff_persons_n(pf));
    assert_int_equal(em->n_ivs, ef->n_ivs);
    int estimated = 0;
    for (size_t k = 0; k < ef->n_ivs; k++) {
        const eff_eval_iv *a = &ef->ivs[k], *b = &em->ivs[k];
        for (int n = 0; n < EFF_N_COUNT; n++)
            assert_true(a->counts[n].value == b->counts[n].value ||
                        (isnan(a->counts[n].value) && isnan(b->counts[n].value)));
        assert_int_equal(b->n_subgroups, a->n_subgroups);
        for (size_t s = 0; s < a->n_subgroups; s++) {
            const eff_eval_subgroup *x = &a->subgroups[s], *y = &b->subgroups[s];
            assert_int_equal(y->estimated, x->estimated);
            estimated += x->estimated;
            for (size_t j = 0; j < x->n_effects; j++) {
                eff_assert_close(y->effects[j].coef.estimate, x->effects[j].coef.estimate, 0, 0);
                eff_assert_close(y->effects[j].coef.std_error, x->effects[j].coef.std_error, 0, 0);
            }
        }
    }
    assert_true(estimated > 0); /* the comparison compared something */
    eff_eval_free(ef), eff_eval_free(em);
    eff_persons_free(pf), eff_persons_free(pm);
    eff_config_free(cf), eff_config_free(cm);
    eff_tableset_free(ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_equal_files),
        cmocka_unit_test(test_registers_and_years),
        cmocka_unit_test(test_evaluation_equal),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
