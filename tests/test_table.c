/* test_table.c - columns, lookup, row selection, stable ordering and the hash join. */
#include "eff_test.h"

/* A small person-year table: pnr (text), year, income (double, one missing). */
static eff_table *person_years(void)
{
    static const char *pnr[] = {"0400000003", "4000000017", "0400000003", "4000000025",
                                "4000000017"};
    static const int64_t year[] = {2012, 2011, 2011, 2011, 2012};
    static const double income[] = {310.5, 250.0, 300.0, NAN, 260.0};
    eff_table *t = eff_table_new(5);
    eff_dict *d = eff_dict_new();
    int32_t *codes = eff_malloc(5 * sizeof *codes);
    int64_t *y = eff_malloc(5 * sizeof *y);
    double *inc = eff_malloc(5 * sizeof *inc);
    for (int i = 0; i < 5; i++) {
        eff_dict_intern(d, pnr[i], strlen(pnr[i]), &codes[i], NULL);
        y[i] = year[i];
        inc[i] = income[i];
    }
    assert_int_equal(eff_table_add_str(t, "pnr", codes, d, NULL), EFF_OK);
    assert_int_equal(eff_table_add_i64(t, "year", y, NULL), EFF_OK);
    assert_int_equal(eff_table_add_f64(t, "income", inc, NULL), EFF_OK);
    eff_table_set_source(t, "bef.csv", NULL);
    return t;
}

static void columns_and_lookup(void **state)
{
    (void)state;
    eff_table *t = person_years();
    assert_int_equal(eff_table_n_rows(t), 5);
    assert_int_equal(eff_table_n_cols(t), 3);
    assert_int_equal(eff_table_find(t, "PNR"), 0);
    assert_int_equal(eff_table_find(t, "Year"), 1);
    assert_int_equal(eff_table_find(t, "koen"), -1);
    size_t j;
    eff_error err;
    assert_int_equal(eff_table_col(t, "koen", &j, &err), EFF_EINVAL);
    assert_string_equal(err.msg, "unknown column \"koen\"");
    assert_string_equal(err.path, "bef.csv");
    int64_t *dup = eff_malloc(5 * sizeof *dup);
    assert_int_equal(eff_table_add_i64(t, "YEAR", dup, &err), EFF_EINVAL); /* names unique */
    eff_free(dup); /* the caller keeps ownership on failure */
    assert_int_equal(eff_table_n_cols(t), 3);
    assert_true(eff_table_is_na(t, 2, 3));
    assert_false(eff_table_is_na(t, 2, 0));
    assert_string_equal(eff_type_name(EFF_TYPE_DATE), "date");
    eff_table_free(t);
    eff_table_free(NULL);
}

static void filter_and_take(void **state)
{
    (void)state;
    eff_table *t = person_years(), *f;
    unsigned char keep[] = {1, 0, 1, 0, 0};
    assert_int_equal(eff_table_filter(t, keep, &f, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(f), 2);
    assert_string_equal(eff_table_str(f, 0, 1), "0400000003");
    assert_int_equal(eff_table_i64(f, 1)[1], 2011);
    eff_table_free(f);
    int64_t rows[] = {4, -1, 4};
    assert_int_equal(eff_table_take(t, rows, 3, &f, NULL), EFF_OK);
    assert_int_equal(eff_table_i64(f, 1)[0], 2012);
    assert_true(eff_table_is_na(f, 0, 1) && eff_table_is_na(f, 1, 1) && eff_table_is_na(f, 2, 1));
    eff_table_free(t); /* the dictionary is shared: f stays valid */
    assert_string_equal(eff_table_str(f, 0, 2), "4000000017");
    eff_table_free(f);
}

static void sort_is_stable_with_missing_last(void **state)
{
    (void)state;
    eff_table *t = person_years(), *s;
    const char *keys[] = {"pnr", "year"};
    assert_int_equal(eff_table_sort(t, keys, 2, &s, NULL), EFF_OK);
    static const char *want_pnr[] = {"0400000003", "0400000003", "4000000017", "4000000017",
                                     "4000000025"};
    static const int64_t want_year[] = {2011, 2012, 2011, 2012, 2011};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(eff_table_str(s, 0, i), want_pnr[i]);
        assert_int_equal(eff_table_i64(s, 1)[i], want_year[i]);
    }
    eff_table_free(s);
    const char *by_income[] = {"income"};
    int64_t *order;
    assert_int_equal(eff_table_order(t, by_income, 1, &order, NULL), EFF_OK);
    int64_t want[] = {1, 4, 2, 0, 3}; /* the missing income last */
    assert_memory_equal(order, want, sizeof want);
    eff_free(order);
    const char *by_year[] = {"year"}; /* ties keep input order */
    assert_int_equal(eff_table_order(t, by_year, 1, &order, NULL), EFF_OK);
    int64_t want_y[] = {1, 2, 3, 0, 4};
    assert_memory_equal(order, want_y, sizeof want_y);
    eff_free(order);
    const char *bad[] = {"nope"};
    assert_int_equal(eff_table_order(t, bad, 1, &order, NULL), EFF_EINVAL);
    eff_table_free(t);
}

/* A register of one row per (pnr, year): koen and an area type. */
static eff_table *areas(int with_duplicate)
{
    const char *pnr[] = {"4000000017", "0400000003", "0400000003", "9999999999", "4000000017"};
    const int64_t year[] = {2011, 2011, 2012, 2011, 2011};
    size_t n = with_duplicate ? 5 : 4;
    eff_table *t = eff_table_new(n);
    eff_dict *d = eff_dict_new(), *a = eff_dict_new();
    int32_t *codes = eff_malloc(n * sizeof *codes), *type = eff_malloc(n * sizeof *type);
    int64_t *y = eff_malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        eff_dict_intern(d, pnr[i], 10, &codes[i], NULL);
        eff_dict_intern(a, i % 2 ? "almen" : "udsat", 5, &type[i], NULL);
        y[i] = year[i];
    }
    eff_table_add_str(t, "PNR", codes, d, NULL);
    eff_table_add_i64(t, "year", y, NULL);
    eff_table_add_str(t, "omraade", type, a, NULL);
    eff_table_set_source(t, "omraader.csv", NULL);
    return t;
}

static void join_on_pnr_and_year(void **state)
{
    (void)state;
    eff_table *l = person_years(), *r = areas(0), *j;
    const char *keys[] = {"pnr", "year"};
    eff_join_options o = eff_join_options_default();
    eff_join_stats st;
    assert_int_equal(eff_table_join(l, r, keys, 2, &o, &j, &st, NULL), EFF_OK);
    /* matches: (0400000003,2012) (4000000017,2011) (0400000003,2011) */
    assert_int_equal(eff_table_n_rows(j), 3);
    assert_int_equal(eff_table_n_cols(j), 4);
    assert_int_equal(st.left_unmatched, 2);
    assert_int_equal(st.right_unmatched, 1);
    assert_string_equal(eff_table_str(j, 3, 0), "udsat");  /* row 0: 0400000003 2012 */
    assert_string_equal(eff_table_str(j, 3, 1), "udsat");  /* 4000000017 2011 */
    assert_string_equal(eff_table_str(j, 3, 2), "almen");  /* 0400000003 2011 */
    eff_table_free(j);
    o.kind = EFF_JOIN_LEFT;
    assert_int_equal(eff_table_join(l, r, keys, 2, &o, &j, &st, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(j), 5);
    assert_true(eff_table_is_na(j, 3, 3)); /* 4000000025 has no area */
    assert_true(eff_table_is_na(j, 3, 4));
    eff_table_free(j);
    eff_table_free(l);
    eff_table_free(r);
}

static void join_duplicate_key_is_an_error(void **state)
{
    (void)state;
    eff_table *l = person_years(), *r = areas(1), *j = NULL;
    const char *keys[] = {"pnr", "year"};
    eff_error err;
    assert_int_equal(eff_table_join(l, r, keys, 2, NULL, &j, NULL, &err), EFF_EINVAL);
    assert_null(j);
    assert_string_equal(err.path, "omraader.csv");
    assert_non_null(strstr(err.msg, "not unique: data rows 1 and 5"));
    assert_null(strstr(err.msg, "4000000017")); /* no person id in messages */
    eff_join_options o = eff_join_options_default();
    o.right_unique = 0; /* one-to-many allowed: the left row repeats */
    assert_int_equal(eff_table_join(l, r, keys, 2, &o, &j, NULL, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(j), 4);
    assert_string_equal(eff_table_str(j, 3, 1), "udsat");
    assert_string_equal(eff_table_str(j, 3, 2), "udsat");
    eff_table_free(j);
    const char *bad[] = {"pnr", "income"};
    assert_int_equal(eff_table_join(l, r, bad, 2, NULL, &j, NULL, &err), EFF_EINVAL);
    eff_table_free(l);
    eff_table_free(r);
}

static void join_type_mismatch_and_name_clash(void **state)
{
    (void)state;
    eff_table *l = person_years(), *r = person_years(), *j;
    const char *keys[] = {"pnr", "year"};
    eff_join_options o = eff_join_options_default();
    o.right_unique = 0;
    assert_int_equal(eff_table_join(l, r, keys, 2, &o, &j, NULL, NULL), EFF_OK);
    assert_int_equal(eff_table_find(j, "income.y"), 3);
    assert_int_equal(eff_table_n_rows(j), 5);
    eff_table_free(j);
    eff_table *y = eff_table_new(5);
    double *fy = eff_calloc(5, sizeof *fy);
    eff_table_add_f64(y, "year", fy, NULL);
    const char *by_year[] = {"year"};
    eff_error err;
    assert_int_equal(eff_table_join(l, y, by_year, 1, NULL, &j, NULL, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "integer on the left but double on the right"));
    eff_table_free(y);
    eff_table_free(l);
    eff_table_free(r);
}

static void join_large_many_to_one(void **state)
{
    (void)state;
    size_t n = 100000;
    eff_table *l = eff_table_new(n), *r = eff_table_new(n / 10);
    int64_t *lk = eff_malloc(n * sizeof *lk), *rk = eff_malloc(n / 10 * sizeof *rk);
    double *rv = eff_malloc(n / 10 * sizeof *rv);
    for (size_t i = 0; i < n; i++)
        lk[i] = (int64_t)((i * 7919) % n);
    for (size_t i = 0; i < n / 10; i++) {
        rk[i] = (int64_t)(i * 10);
        rv[i] = (double)i;
    }
    eff_table_add_i64(l, "k", lk, NULL);
    eff_table_add_i64(r, "k", rk, NULL);
    eff_table_add_f64(r, "v", rv, NULL);
    const char *keys[] = {"k"};
    eff_table *j;
    eff_join_stats st;
    assert_int_equal(eff_table_join(l, r, keys, 1, NULL, &j, &st, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(j), n / 10);
    assert_int_equal(st.right_unmatched, 0);
    for (size_t i = 0; i < eff_table_n_rows(j); i++)
        eff_assert_close(eff_table_f64(j, 1)[i] * 10, (double)eff_table_i64(j, 0)[i], 0, 0);
    eff_table_free(j);
    eff_table_free(l);
    eff_table_free(r);
}

static void allocation_failure_in_join_and_sort(void **state)
{
    (void)state;
    eff_table *l = person_years(), *r = areas(0);
    uint64_t l0 = eff_test_table_digest(l), r0 = eff_test_table_digest(r);
    const char *keys[] = {"pnr", "year"};
    long n = 0;
    for (;; n++) {
        eff_table *j = NULL, *s = NULL;
        eff_mem_fail_after(n);
        eff_status a = eff_table_join(l, r, keys, 2, NULL, &j, NULL, NULL);
        eff_mem_fail_after(n);
        eff_status b = eff_table_sort(l, keys, 2, &s, NULL);
        eff_mem_fail_after(-1);
        assert_true(a == EFF_OK || (a == EFF_ENOMEM && !j));
        assert_true(b == EFF_OK || (b == EFF_ENOMEM && !s));
        assert_int_equal(eff_test_table_digest(l), l0); /* inputs untouched */
        assert_int_equal(eff_test_table_digest(r), r0);
        eff_table_free(j);
        eff_table_free(s);
        if (a == EFF_OK && b == EFF_OK)
            break;
    }
    eff_test_sweep_done("eff_table_join, eff_table_sort", n);
    eff_table_free(l);
    eff_table_free(r);
}

/* person_years() with value labels on year and a description on income. */
static eff_table *labelled(void)
{
    eff_table *t = person_years();
    eff_labels *l = eff_labels_new("aar", 0);
    assert_int_equal(eff_labels_add_number(l, 2011, "first year", NULL), EFF_OK);
    eff_table_set_col_labels(t, 1, l);
    eff_labels_release(l);
    assert_int_equal(eff_table_set_col_label(t, 2, "disposable income", NULL), EFF_OK);
    return t;
}

/* The other entry points, every allocation failing in turn: EFF_ENOMEM (NULL from
 * eff_table_new), *out untouched, the input tables as they were; a table modified in place
 * (add, labels to text, descriptions, source) is unchanged on failure. */
static void allocation_failure_in_the_rest(void **state)
{
    (void)state;
    eff_table *t = labelled(), *u = areas(0);
    uint64_t t0 = eff_test_table_digest(t), u0 = eff_test_table_digest(u);
    const eff_table *parts[] = {t, u, t};
    const char *names[] = {"a.csv", "b.csv", "c.csv"};
    const char *by_income[] = {"pnr", "income"};
    const size_t cols[] = {2, 0};
    const int64_t rows[] = {4, -1, 0};
    const unsigned char keep[] = {1, 0, 1, 1, 0};
    long n = 0;
    for (int done = 0; !done; n++) {
        eff_table *out[4] = {t, t, t, t}; /* sentinels: written only on EFF_OK */
        int64_t *order = (int64_t *)rows;
        eff_status st[5];
        eff_mem_fail_after(n);
        st[0] = eff_table_stack(parts, names, 3, NULL, &out[0], NULL);
        eff_mem_fail_after(n);
        st[1] = eff_table_select(t, cols, 2, rows, 3, &out[1], NULL);
        eff_mem_fail_after(n);
        st[2] = eff_table_filter(t, keep, &out[2], NULL);
        eff_mem_fail_after(n);
        st[3] = eff_table_order(t, by_income, 2, &order, NULL);
        eff_mem_fail_after(n);
        out[3] = eff_table_new(3);
        st[4] = out[3] ? EFF_OK : EFF_ENOMEM;
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(t), t0);
        assert_int_equal(eff_test_table_digest(u), u0);
        done = 1;
        for (int k = 0; k < 5; k++) {
            assert_true(st[k] == EFF_OK || st[k] == EFF_ENOMEM);
            done &= st[k] == EFF_OK;
        }
        for (int k = 0; k < 3; k++)
            if (st[k] == EFF_OK)
                eff_table_free(out[k]);
            else
                assert_ptr_equal(out[k], t);
        if (st[3] == EFF_OK)
            eff_free(order);
        else
            assert_ptr_equal(order, rows);
        eff_table_free(st[4] == EFF_OK ? out[3] : NULL);
    }
    eff_test_sweep_done("eff_table_stack, _select, _filter, _order, _new", n - 1);
    /* in place, on a fresh copy: a failed call leaves it as the call before left it */
    for (n = 0;; n++) {
        eff_table *c = labelled();
        uint64_t c0 = eff_test_table_digest(c);
        int64_t *values = eff_calloc(5, sizeof *values);
        eff_status st[4];
        for (int k = 0; k < 4; k++) {
            eff_mem_fail_after(n);
            switch (k) {
            case 0: st[k] = eff_table_labels_to_text(c, 1, NULL); break;
            case 1: st[k] = eff_table_add_i64(c, "extra", values, NULL); break;
            case 2: st[k] = eff_table_set_col_label(c, 0, "person", NULL); break;
            default: st[k] = eff_table_set_source(c, "elsewhere.csv", NULL); break;
            }
            eff_mem_fail_after(-1);
            if (st[k] == EFF_OK)
                c0 = eff_test_table_digest(c);
            assert_int_equal(st[k] == EFF_OK || st[k] == EFF_ENOMEM, 1);
            assert_int_equal(eff_test_table_digest(c), c0);
        }
        if (st[1] != EFF_OK)
            eff_free(values); /* the caller keeps the values on failure */
        eff_table_free(c);
        if (!st[0] && !st[1] && !st[2] && !st[3])
            break;
    }
    eff_test_sweep_done("eff_table_labels_to_text, _add_i64, _set_col_label, _set_source", n);
    eff_table_free(t);
    eff_table_free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_and_lookup),
        cmocka_unit_test(filter_and_take),
        cmocka_unit_test(sort_is_stable_with_missing_last),
        cmocka_unit_test(join_on_pnr_and_year),
        cmocka_unit_test(join_duplicate_key_is_an_error),
        cmocka_unit_test(join_type_mismatch_and_name_clash),
        cmocka_unit_test(join_large_many_to_one),
        cmocka_unit_test(allocation_failure_in_join_and_sort),
        cmocka_unit_test(allocation_failure_in_the_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
