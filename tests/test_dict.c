/* test_dict.c - string interning: codes, growth, ranks, and allocation failure. */
#include "eff_test.h"

static void interns_and_finds(void **state)
{
    (void)state;
    eff_dict *d = eff_dict_new();
    int32_t a, b, c;
    assert_int_equal(eff_dict_intern(d, "udsat", 5, &a, NULL), EFF_OK);
    assert_int_equal(eff_dict_intern(d, "almen", 5, &b, NULL), EFF_OK);
    assert_int_equal(eff_dict_intern(d, "udsat", 5, &c, NULL), EFF_OK);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(c, a);
    assert_int_equal(eff_dict_size(d), 2);
    assert_string_equal(eff_dict_str(d, b), "almen");
    assert_int_equal(eff_dict_find(d, "almen", 5), 1);
    assert_int_equal(eff_dict_find(d, "oevrig", 6), -1);
    assert_int_equal(eff_dict_find(d, "alme", 4), -1); /* prefixes are other strings */
    int32_t e;
    assert_int_equal(eff_dict_intern(d, "", 0, &e, NULL), EFF_OK); /* empty string is a value */
    assert_int_equal(eff_dict_len(d, e), 0);
    eff_dict_release(d);
    eff_dict_release(NULL);
}

static void grows_to_many_ids(void **state)
{
    (void)state;
    eff_dict *d = eff_dict_new();
    char id[16];
    for (int i = 0; i < 200000; i++) {
        int32_t code;
        snprintf(id, sizeof id, "%010d", 400000000 + i * 7);
        assert_int_equal(eff_dict_intern(d, id, 10, &code, NULL), EFF_OK);
        assert_int_equal(code, i);
    }
    for (int i = 0; i < 200000; i += 997) {
        snprintf(id, sizeof id, "%010d", 400000000 + i * 7);
        assert_int_equal(eff_dict_find(d, id, 10), i);
        assert_string_equal(eff_dict_str(d, i), id);
    }
    eff_dict_release(d);
}

static void ranks_are_bytewise_order(void **state)
{
    (void)state;
    eff_dict *d = eff_dict_new();
    const char *words[] = {"oevrig", "udsat", "Almen", "almen", "æble", "10", "9"};
    int32_t code;
    for (size_t i = 0; i < 7; i++)
        eff_dict_intern(d, words[i], strlen(words[i]), &code, NULL);
    int32_t *rank;
    assert_int_equal(eff_dict_ranks(d, &rank, NULL), EFF_OK);
    /* byte order: "10" < "9" < "Almen" < "almen" < "oevrig" < "udsat" < "æble" */
    int32_t want[] = {4, 5, 2, 3, 6, 0, 1};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(rank[i], want[i]);
    eff_free(rank);
    eff_dict_release(d);
}

static void refcount_shares(void **state)
{
    (void)state;
    eff_dict *d = eff_dict_new();
    assert_ptr_equal(eff_dict_retain(d), d);
    eff_dict_release(d);
    int32_t code; /* still alive after one release */
    assert_int_equal(eff_dict_intern(d, "x", 1, &code, NULL), EFF_OK);
    eff_dict_release(d);
}

static void allocation_failure_leaves_dict_usable(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        eff_mem_fail_after(-1);
        eff_dict *d = eff_dict_new();
        assert_non_null(d);
        eff_mem_fail_after(n);
        eff_error err;
        eff_status st = EFF_OK;
        int i;
        char s[16];
        for (i = 0; i < 300 && st == EFF_OK; i++) {
            int32_t code;
            snprintf(s, sizeof s, "v%d", i);
            st = eff_dict_intern(d, s, strlen(s), &code, &err);
        }
        eff_mem_fail_after(-1);
        if (st == EFF_OK) {
            eff_dict_release(d);
            eff_test_sweep_done("eff_dict_intern x 300", n);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        /* every string added before the failure is still there, the failed one is not */
        for (int k = 0; k < i - 1; k++) {
            snprintf(s, sizeof s, "v%d", k);
            assert_int_equal(eff_dict_find(d, s, strlen(s)), k);
        }
        snprintf(s, sizeof s, "v%d", i - 1);
        assert_int_equal(eff_dict_find(d, s, strlen(s)), -1);
        eff_dict_release(d);
    }
}

/* Every allocation of new, reserve (ordered and hashed) and ranks failing in turn: NULL, or
 * EFF_ENOMEM with the dictionary's strings and codes as they were and *ranks untouched. */
static void allocation_failure_in_new_reserve_ranks(void **state)
{
    (void)state;
    long failed = 0;
    eff_dict *d = NULL;
    for (long n = 0; !d; n++) {
        eff_mem_fail_after(n);
        d = eff_dict_new();
        eff_mem_fail_after(-1);
        failed += !d;
    }
    static const char *const words[] = {"udsat", "almen", "oevrig"}; /* not in order: hashed */
    for (int pass = 0; pass < 2; pass++) {
        for (long n = 0;; n++) {
            size_t size = eff_dict_size(d);
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_dict_reserve(d, 1000 * (size_t)(pass + 1), 9000, &err);
            eff_mem_fail_after(-1);
            assert_int_equal(eff_dict_size(d), size);
            for (size_t k = 0; k < size; k++)
                assert_int_equal(eff_dict_find(d, words[k], strlen(words[k])), (int32_t)k);
            if (st == EFF_OK)
                break;
            assert_int_equal(st, EFF_ENOMEM);
            failed++;
        }
        for (int k = 0; k < 3; k++) { /* after the first pass the index is hashed */
            int32_t code;
            assert_int_equal(eff_dict_intern(d, words[k], strlen(words[k]), &code, NULL), EFF_OK);
        }
    }
    for (long n = 0;; n++) {
        int32_t *ranks = (int32_t *)&n;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_dict_ranks(d, &ranks, &err);
        eff_mem_fail_after(-1);
        if (st == EFF_OK) {
            assert_int_equal(ranks[0], 2); /* almen, oevrig, udsat */
            eff_free(ranks);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_ptr_equal(ranks, (int32_t *)&n);
        failed++;
    }
    eff_test_sweep_done("eff_dict_new, eff_dict_reserve, eff_dict_ranks", failed);
    eff_dict_release(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interns_and_finds),
        cmocka_unit_test(grows_to_many_ids),
        cmocka_unit_test(ranks_are_bytewise_order),
        cmocka_unit_test(refcount_shares),
        cmocka_unit_test(allocation_failure_leaves_dict_usable),
        cmocka_unit_test(allocation_failure_in_new_reserve_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
