/* test_disclosure.c - src/disclosure.c: small cells and small complements are suppressed,
 * a lone suppressed cell in a margin drags another with it, and on random tables no margin is
 * left with exactly one suppressed cell. */
#include "eff_test.h"

static eff_sdc *table(long threshold)
{
    eff_sdc *s = NULL;
    eff_error err;
    assert_int_equal(eff_sdc_new(threshold, &s, &err), EFF_OK);
    return s;
}

static size_t cell(eff_sdc *s, const char *id, long persons, long with)
{
    size_t k;
    eff_error err;
    assert_int_equal(eff_sdc_cell(s, id, persons, with, &k, &err), EFF_OK);
    return k;
}

static void test_threshold(void **state)
{
    (void)state;
    eff_sdc *s = NULL;
    eff_error err;
    assert_int_equal(eff_sdc_new(2, &s, &err), EFF_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err.msg, "at least 3"));
    s = table(EFF_SDC_DEFAULT_THRESHOLD);
    assert_int_equal(eff_sdc_threshold(s), 5);
    assert_int_equal(eff_sdc_cell(s, "bad", -1, -1, NULL, &err), EFF_EINVAL);
    assert_int_equal(eff_sdc_cell(s, "bad", 4, 5, NULL, &err), EFF_EINVAL);
    size_t a = cell(s, "a", 10, -1);
    assert_int_equal(eff_sdc_margin(s, a, (size_t[]){7}, 1, &err), EFF_EINVAL);
    assert_int_equal(eff_sdc_margin(s, a, (size_t[]){a}, 1, &err), EFF_EINVAL);
    eff_sdc_free(s);
}

static void test_primary(void **state)
{
    (void)state;
    eff_sdc *s = table(5);
    size_t four = cell(s, "count 4", 4, -1), five = cell(s, "count 5", 5, -1);
    size_t none = cell(s, "empty", 0, -1);
    size_t rare = cell(s, "share 3 of 100", 100, 3), common = cell(s, "share 97 of 100", 100, 97);
    size_t half = cell(s, "share 50 of 100", 100, 50), edge = cell(s, "share 5 of 10", 10, 5);
    eff_error err;
    assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
    assert_true(eff_sdc_suppressed(s, four));
    assert_false(eff_sdc_suppressed(s, five));
    assert_true(eff_sdc_suppressed(s, none)); /* shown as suppressed, never as zero */
    assert_true(eff_sdc_suppressed(s, rare));
    assert_true(eff_sdc_suppressed(s, common)); /* 3 without the condition */
    assert_false(eff_sdc_suppressed(s, half));
    assert_false(eff_sdc_suppressed(s, edge));
    assert_int_equal(eff_sdc_n_suppressed(s), 4);
    assert_non_null(strstr(eff_sdc_reason(s, common), "without"));
    assert_string_equal(eff_sdc_reason(s, half), "");
    assert_true(eff_sdc_coef_ok(s, 5, 5));
    assert_false(eff_sdc_coef_ok(s, 4, 500));
    assert_false(eff_sdc_coef_ok(s, 500, 4));
    eff_sdc_free(s);
}

/* `all` = boys + girls: hiding the girls alone would leave them as all - boys. */
static void test_secondary_subgroups(void **state)
{
    (void)state;
    eff_sdc *s = table(5);
    size_t all = cell(s, "all", 43, -1), boys = cell(s, "koen=M", 40, -1);
    size_t girls = cell(s, "koen=K", 3, -1);
    eff_error err;
    assert_int_equal(eff_sdc_margin(s, all, (size_t[]){boys, girls}, 2, &err), EFF_OK);
    assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
    assert_true(eff_sdc_suppressed(s, girls));
    assert_true(eff_sdc_suppressed(s, boys)); /* the smaller shown cell of the margin */
    assert_false(eff_sdc_suppressed(s, all));
    assert_non_null(strstr(eff_sdc_reason(s, boys), "koen=K"));
    eff_sdc_free(s);
}

/* The whole population includes the other two area types. */
static void test_secondary_areas(void **state)
{
    (void)state;
    eff_sdc *s = table(5);
    size_t pop = cell(s, "befolkning", 1104, 500), udsat = cell(s, "udsat", 4, 2);
    size_t almen = cell(s, "almen", 100, 40), oevrig = cell(s, "oevrig", 1000, 458);
    eff_error err;
    assert_int_equal(eff_sdc_margin(s, pop, (size_t[]){udsat, almen, oevrig}, 3, &err), EFF_OK);
    assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
    assert_true(eff_sdc_suppressed(s, udsat));
    assert_true(eff_sdc_suppressed(s, almen));
    assert_false(eff_sdc_suppressed(s, oevrig));
    assert_false(eff_sdc_suppressed(s, pop));
    eff_sdc_free(s);
}

/* Two margins sharing a cell: the second suppression opens the second margin. */
static void test_secondary_chain(void **state)
{
    (void)state;
    eff_sdc *s = table(5);
    size_t t1 = cell(s, "T1", 60, -1), a = cell(s, "a", 3, -1), b = cell(s, "b", 57, -1);
    size_t t2 = cell(s, "T2", 157, -1), c = cell(s, "c", 100, -1);
    eff_error err;
    assert_int_equal(eff_sdc_margin(s, t1, (size_t[]){a, b}, 2, &err), EFF_OK);
    assert_int_equal(eff_sdc_margin(s, t2, (size_t[]){b, c}, 2, &err), EFF_OK);
    assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
    assert_true(eff_sdc_suppressed(s, a) && eff_sdc_suppressed(s, b));
    assert_true(eff_sdc_suppressed(s, c)); /* T2 = b + c: b alone hidden would be T2 - c */
    assert_false(eff_sdc_suppressed(s, t1) || eff_sdc_suppressed(s, t2));
    eff_sdc_free(s);
}

/* Random tables: every cell below the threshold (or with a small complement) is hidden, and
 * no margin is left with exactly one hidden non-empty cell, which subtraction would recover. */
static void test_random_tables(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int rep = 0; rep < 300; rep++) {
        long t = 3 + rep % 5;
        eff_sdc *s = table(t);
        eff_error err;
        size_t n = 4 + (size_t)(rep % 17);
        long persons[32], with[32];
        size_t margin[8][4], parts_n[8], n_margins = 0;
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            persons[k] = (long)(x % 40);
            with[k] = rep % 2 ? -1 : (long)((x >> 20) % (uint64_t)(persons[k] + 1));
            cell(s, "c", persons[k], with[k]);
        }
        for (int g = 0; g < 6; g++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t total = x % n, step = 1 + (x >> 32) % 3, k = 0;
            for (size_t j = 1; j <= 3; j++)
                if ((total + j * step) % n != total)
                    margin[n_margins][1 + k++] = (total + j * step) % n;
            if (!k)
                continue;
            margin[n_margins][0] = total, parts_n[n_margins] = k;
            assert_int_equal(eff_sdc_margin(s, total, &margin[n_margins][1], k, &err), EFF_OK);
            n_margins++;
        }
        assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
        for (size_t k = 0; k < n; k++) {
            int small = persons[k] < t || (with[k] >= 0 && (with[k] < t || persons[k] - with[k] < t));
            if (small)
                assert_true(eff_sdc_suppressed(s, k));
            assert_int_equal(eff_sdc_reason(s, k)[0] != 0, eff_sdc_suppressed(s, k));
        }
        for (size_t g = 0; g < n_margins; g++) {
            size_t hidden = 0, cells = 0, partners = 0;
            for (size_t k = 0; k <= parts_n[g]; k++) {
                int dup = 0; /* a margin may list a cell twice: count it once */
                for (size_t j = 0; j < k; j++)
                    dup |= margin[g][j] == margin[g][k];
                if (dup)
                    continue;
                size_t c = margin[g][k];
                /* an empty cell (nobody) gives nothing away and hides nothing */
                hidden += eff_sdc_suppressed(s, c) && persons[c] > 0, cells++;
                partners += !eff_sdc_suppressed(s, c) && persons[c] > 0;
            }
            /* (random margins need not add up: one whose other cells are all empty has no
             * partner to hide, which a table that adds up cannot have) */
            assert_true(hidden != 1 || cells == 1 || partners == 0);
        }
        eff_sdc_free(s);
    }
}

/* The analysed N beside a flow of losses: a small loss is hidden, and the secondary cell is
 * the other shown cell of the margin, not the headline N, even though the N is smaller. */
static void test_headline(void **state)
{
    (void)state;
    eff_sdc *s;
    assert_int_equal(eff_sdc_new(5, &s, NULL), EFF_OK);
    size_t kept, unmatched, matched;
    assert_int_equal(eff_sdc_cell(s, "kept", 321, -1, &kept, NULL), EFF_OK);
    assert_int_equal(eff_sdc_cell(s, "unmatched", 3, -1, &unmatched, NULL), EFF_OK);
    assert_int_equal(eff_sdc_cell(s, "matched", 318, -1, &matched, NULL), EFF_OK);
    size_t parts[2] = {unmatched, matched};
    assert_int_equal(eff_sdc_margin(s, kept, parts, 2, NULL), EFF_OK);
    eff_sdc_headline(s, matched);
    assert_int_equal(eff_sdc_apply(s, NULL), EFF_OK);
    assert_true(eff_sdc_suppressed(s, unmatched));
    assert_true(eff_sdc_suppressed(s, kept));
    assert_false(eff_sdc_suppressed(s, matched));
    eff_sdc_free(s);
}

/* Builds 70 cells (past the first capacity, 64) and 20 margins (past 16), each call swept:
 * a failed eff_sdc_cell or eff_sdc_margin leaves the table as it was (no cell or margin half
 * added, *index untouched); retried, it succeeds, and the suppressions come out as those of a
 * table built without failures. Returns the allocation points failed (none with inject 0). */
static long build_swept(eff_sdc **out, int inject)
{
    long failed = 0, n = 0;
    eff_sdc *s = NULL;
    eff_error err;
    for (;; n++) {
        eff_mem_fail_after(inject ? n : -1);
        eff_status st = eff_sdc_new(5, &s, &err);
        eff_mem_fail_after(-1);
        if (st == EFF_OK)
            break;
        assert_int_equal(st, EFF_ENOMEM);
        assert_null(s);
        failed++;
    }
    for (size_t k = 0; k < 70; k++) {
        char id[32];
        snprintf(id, sizeof id, "cell/%zu", k);
        for (n = 0;; n++) {
            size_t index = 999;
            eff_mem_fail_after(inject ? n : -1);
            eff_status st = eff_sdc_cell(s, id, (long)(k * 7 % 23), -1, &index, &err);
            eff_mem_fail_after(-1);
            if (st == EFF_OK) {
                assert_int_equal(index, k);
                break;
            }
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(index, 999);
            assert_int_equal(eff_sdc_n_cells(s), k);
            failed++;
        }
    }
    for (size_t g = 0; g < 20; g++) {
        size_t parts[3] = {3 * g + 1, 3 * g + 2, 3 * g + 2}; /* one listed twice */
        for (n = 0;; n++) {
            eff_mem_fail_after(inject ? n : -1);
            eff_status st = eff_sdc_margin(s, 3 * g, parts, 3, &err);
            eff_mem_fail_after(-1);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            failed++;
        }
    }
    assert_int_equal(eff_sdc_apply(s, &err), EFF_OK);
    *out = s;
    return failed;
}

static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_sdc *ref, *s;
    build_swept(&ref, 0);
    long failed = build_swept(&s, 1);
    assert_int_equal(eff_sdc_n_cells(s), 70);
    assert_true(eff_sdc_n_suppressed(ref) > 0);
    for (size_t k = 0; k < 70; k++) {
        assert_int_equal(eff_sdc_suppressed(s, k), eff_sdc_suppressed(ref, k));
        assert_string_equal(eff_sdc_reason(s, k), eff_sdc_reason(ref, k));
        assert_string_equal(eff_sdc_id(s, k), eff_sdc_id(ref, k));
    }
    eff_test_sweep_done("eff_sdc_new, eff_sdc_cell x 70, eff_sdc_margin x 20", failed);
    eff_sdc_free(ref);
    eff_sdc_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_primary),
        cmocka_unit_test(test_secondary_subgroups),
        cmocka_unit_test(test_secondary_areas),
        cmocka_unit_test(test_secondary_chain),
        cmocka_unit_test(test_random_tables),
        cmocka_unit_test(test_headline),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
