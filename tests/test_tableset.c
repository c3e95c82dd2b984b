/* test_tableset.c - tables held in memory under file paths (src/tableset.c) and read through
 * eff_read_table as their files would be (src/regfile.c): columns chosen, rows filtered,
 * unknown columns refused; CSV parsed from memory (eff_csv_read_mem); eff_table_select. */
#include "eff_test.h"

static eff_table *parse(const char *name, const char *csv)
{
    eff_table *t = NULL;
    eff_error err;
    eff_csv_options o = eff_csv_options_default();
    static const eff_csv_coltype types[] = {{"pnr", EFF_TYPE_STR}};
    o.types = types, o.n_types = 1;
    if (eff_csv_read_mem(name, csv, strlen(csv), &o, NULL, &t, NULL, &err) != EFF_OK) {
        print_error("%s:%ld: %s\n", err.path, err.line, err.msg);
        fail();
    }
    return t;
}

static const char *const BEF = "pnr,age,estate,name\n"
                               "0101,30,7,a\n"
                               "0202,41,,b\n"
                               "0303,12,9,c\n"
                               "0404,55,7,\"d, e\"\n";

static void test_csv_from_memory(void **state)
{
    (void)state;
    eff_table *t = parse("mem/bef2011.csv", BEF);
    assert_int_equal(eff_table_n_rows(t), 4);
    assert_string_equal(eff_table_source(t), "mem/bef2011.csv");
    assert_string_equal(eff_table_str(t, 0, 0), "0101"); /* text: leading zero kept */
    assert_int_equal(eff_table_i64(t, 1)[3], 55);
    assert_true(eff_table_is_na(t, 2, 1));
    assert_string_equal(eff_table_str(t, 3, 3), "d, e");
    eff_table_free(t);
    /* errors name the stand-in path and the line */
    eff_error err;
    const char *ragged = "a,b\n1,2\n3\n";
    assert_int_equal(eff_csv_read_mem("mem/x.csv", ragged, strlen(ragged), NULL, NULL, &t, NULL,
                                      &err), EFF_EPARSE);
    assert_string_equal(err.path, "mem/x.csv");
    assert_int_equal(err.line, 3);
    /* longer than the reader's buffer: refilled from memory like a file */
    size_t n = 100000;
    char *big = malloc(16 * n + 8), *w = big;
    w += sprintf(w, "k,v\n");
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "%zu,%zu\n", i, 2 * i);
    assert_int_equal(eff_csv_read_mem("big", big, (size_t)(w - big), NULL, NULL, &t, NULL, &err),
                     EFF_OK);
    assert_int_equal(eff_table_n_rows(t), n);
    assert_int_equal(eff_table_i64(t, 1)[n - 1], 2 * (int64_t)(n - 1));
    eff_table_free(t);
    free(big);
}

static void test_select(void **state)
{
    (void)state;
    eff_table *t = parse("s", BEF), *s = NULL;
    eff_error err;
    size_t cols[2] = {3, 0};
    int64_t rows[3] = {2, -1, 0};
    assert_int_equal(eff_table_select(t, cols, 2, rows, 3, &s, &err), EFF_OK);
    assert_int_equal(eff_table_n_cols(s), 2);
    assert_string_equal(eff_table_col_name(s, 0), "name");
    assert_string_equal(eff_table_str(s, 0, 0), "c");
    assert_true(eff_table_is_na(s, 1, 1)); /* row -1: missing */
    assert_string_equal(eff_table_str(s, 1, 2), "0101");
    assert_ptr_equal(eff_table_dict(s, 1), eff_table_dict(t, 0)); /* shared, not copied */
    eff_table_free(t); /* the selection keeps its own reference */
    assert_string_equal(eff_table_str(s, 1, 0), "0303");
    eff_table_free(s);
}

static void test_set_put_get(void **state)
{
    (void)state;
    eff_tableset *ts = eff_tableset_new();
    eff_error err;
    assert_null(eff_tableset_get(ts, "d/bef2011.csv"));
    assert_null(eff_tableset_get(NULL, "d/bef2011.csv"));
    assert_int_equal(eff_tableset_put(ts, "d//bef2011.csv", parse("a", BEF), &err), EFF_OK);
    assert_non_null(eff_tableset_get(ts, "d/bef2011.csv"));
    assert_non_null(eff_tableset_get(ts, "d/./bef2011.csv"));
    assert_null(eff_tableset_get(ts, "d/bef2012.csv"));
    /* a second put replaces (the first is freed: the sanitizer build would see a leak) */
    assert_int_equal(eff_tableset_put(ts, "d/bef2011.csv", parse("b", "pnr\n1\n"), &err), EFF_OK);
    assert_int_equal(eff_tableset_n(ts), 1);
    assert_int_equal(eff_table_n_rows(eff_tableset_get(ts, "d/bef2011.csv")), 1);
    for (int y = 0; y < 40; y++) { /* grows past its first capacity */
        char path[64];
        snprintf(path, sizeof path, "d/udda%d.csv", 2000 + y);
        assert_int_equal(eff_tableset_put(ts, path, parse(path, BEF), &err), EFF_OK);
    }
    assert_int_equal(eff_tableset_n(ts), 41);
    assert_string_equal(eff_table_source(eff_tableset_get(ts, "d/udda2039.csv")), "d/udda2039.csv");
    eff_tableset_free(ts);
    eff_tableset_free(NULL);
}

/* eff_read_table of a stored path: as the file would read, never touching the disk. */
static void test_read_stored(void **state)
{
    (void)state;
    eff_tableset *ts = eff_tableset_new();
    eff_error err;
    assert_int_equal(eff_tableset_put(ts, "/nonexistent/bef2011.csv", parse("a", BEF), &err),
                     EFF_OK);
    eff_ctx ctx = eff_ctx_default();
    ctx.tables = ts;
    eff_read_options o = eff_read_options_default();
    const char *cols[2] = {"ESTATE", "pnr"}; /* case-insensitive; the file's order is kept */
    o.columns = cols, o.n_columns = 2;
    o.require_column = "estate";
    eff_table *t = NULL;
    assert_int_equal(eff_read_table("/nonexistent/bef2011.csv", &o, &ctx, &t, &err), EFF_OK);
    assert_int_equal(eff_table_n_cols(t), 2);
    assert_string_equal(eff_table_col_name(t, 0), "pnr");
    assert_int_equal(eff_table_n_rows(t), 3); /* 0202 has no estate */
    eff_table_free(t);
    /* the id filter */
    eff_dict *keep = eff_dict_new();
    int32_t code;
    assert_int_equal(eff_dict_intern(keep, "0303", 4, &code, &err), EFF_OK);
    assert_int_equal(eff_dict_intern(keep, "0202", 4, &code, &err), EFF_OK);
    o.id_column = "pnr", o.id_set = keep;
    assert_int_equal(eff_read_table("/nonexistent/bef2011.csv", &o, &ctx, &t, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 1);
    assert_string_equal(eff_table_str(t, 0, 0), "0303");
    eff_table_free(t);
    /* with the hint, the stored table's other rows may stay (the estate filter still holds) */
    o.id_set_hint = 1;
    assert_int_equal(eff_read_table("/nonexistent/bef2011.csv", &o, &ctx, &t, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 3);
    eff_table_free(t);
    eff_dict_release(keep);
    /* an unknown column is refused, naming it and the path */
    const char *bad[1] = {"KOEN"};
    o = eff_read_options_default();
    o.columns = bad, o.n_columns = 1;
    assert_int_equal(eff_read_table("/nonexistent/bef2011.csv", &o, &ctx, &t, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "no column \"KOEN\""));
    assert_string_equal(err.path, "/nonexistent/bef2011.csv");
    /* a path not in the set goes to the file system */
    assert_int_equal(eff_read_table("/nonexistent/bef2012.csv", NULL, &ctx, &t, &err), EFF_EIO);
    eff_tableset_free(ts);
}

/* Every allocation of a put failing in turn: EFF_ENOMEM, the table freed (put takes it also
 * on failure; ASan would see a leak), the set as it was. */
static void allocation_failure_in_put(void **state)
{
    (void)state;
    eff_table *model = parse("a", BEF);
    uint64_t digest = eff_test_table_digest(model);
    eff_tableset *ts = eff_tableset_new();
    long failed = 0;
    for (int y = 0; y < 20; y++) { /* past the first capacity (16) */
        char path[64];
        snprintf(path, sizeof path, "d//udda%d.csv", 2000 + y);
        for (long n = 0;; n++) {
            eff_table *t = NULL;
            eff_error err;
            const int64_t rows[4] = {0, 1, 2, 3};
            assert_int_equal(eff_table_take(model, rows, 4, &t, &err), EFF_OK);
            eff_mem_fail_after(n);
            eff_status st = eff_tableset_put(ts, path, t, &err);
            eff_mem_fail_after(-1);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(eff_tableset_n(ts), (size_t)y);
            assert_null(eff_tableset_get(ts, path));
            failed++;
        }
        assert_int_equal(eff_tableset_n(ts), (size_t)y + 1);
    }
    for (int y = 0; y < 20; y++) {
        char path[64];
        snprintf(path, sizeof path, "d/udda%d.csv", 2000 + y);
        assert_non_null(eff_tableset_get(ts, path));
    }
    eff_test_sweep_done("eff_tableset_put (20 puts)", failed);
    eff_tableset_free(ts);
    assert_int_equal(eff_test_table_digest(model), digest);
    eff_table_free(model);
    /* a set that cannot be made */
    eff_mem_fail_after(0);
    assert_null(eff_tableset_new());
    eff_mem_fail_after(-1);
}

/* eff_read_table of a stored path, every allocation failing in turn: EFF_ENOMEM, never a
 * look at the disk (where the path does not exist: EFF_EIO), the stored table unchanged. */
static void allocation_failure_reading_stored(void **state)
{
    (void)state;
    eff_tableset *ts = eff_tableset_new();
    assert_int_equal(eff_tableset_put(ts, "/nonexistent/bef2011.csv", parse("a", BEF), NULL),
                     EFF_OK);
    uint64_t before = eff_test_table_digest(eff_tableset_get(ts, "/nonexistent/bef2011.csv"));
    /* a lookup allocates nothing: out of memory is never "not stored" (which would send a
     * reader to the file system) */
    eff_mem_fail_after(0);
    const eff_table *found = eff_tableset_get(ts, "/nonexistent//./bef2011.csv");
    eff_mem_fail_after(-1);
    assert_non_null(found);
    eff_ctx ctx = eff_ctx_default();
    ctx.tables = ts;
    eff_read_options o = eff_read_options_default();
    const char *cols[2] = {"estate", "pnr"};
    o.columns = cols, o.n_columns = 2;
    o.require_column = "estate";
    long n = 0;
    for (;; n++) {
        eff_table *t = NULL;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_read_table("/nonexistent//bef2011.csv", &o, &ctx, &t, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(eff_tableset_get(ts, "/nonexistent/bef2011.csv")),
                         before);
        if (st == EFF_OK) {
            assert_int_equal(eff_table_n_rows(t), 3);
            eff_table_free(t);
            break;
        }
        if (st != EFF_ENOMEM)
            print_error("n = %ld: %s\n", n, err.msg);
        assert_int_equal(st, EFF_ENOMEM);
        assert_null(t);
    }
    eff_test_sweep_done("eff_read_table (stored table)", n);
    eff_tableset_free(ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_from_memory),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_set_put_get),
        cmocka_unit_test(test_read_stored),
        cmocka_unit_test(allocation_failure_in_put),
        cmocka_unit_test(allocation_failure_reading_stored),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
