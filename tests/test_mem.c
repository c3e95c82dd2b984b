/* test_mem.c - the allocator's fault injection: the n-th allocation fails, and every later one
 * too (persistent) or only that one (EFF_TEST_FAIL_ONCE, transient); the count it returns;
 * overflow-checked array sizes. */
#include "eff_test.h"

static void persistent_and_transient(void **state)
{
    (void)state;
    for (int once = 0; once < 2; once++) {
        setenv("EFF_TEST_FAIL_ONCE", once ? "1" : "0", 1);
        eff_mem_fail_after(2);
        void *a = eff_malloc(8), *b = eff_calloc(2, 8), *c = eff_malloc(8), *d = eff_strdup("x");
        char *e = eff_reallocarray(NULL, 4, 4);
        long made = eff_mem_fail_after(-1);
        assert_non_null(a);
        assert_non_null(b);
        assert_null(c); /* the third */
        if (once) {
            assert_non_null(d);
            assert_non_null(e);
        } else {
            assert_null(d);
            assert_null(e);
        }
        assert_int_equal(made, 5);
        eff_free(a), eff_free(b), eff_free(c), eff_free(d), eff_free(e);
    }
    unsetenv("EFF_TEST_FAIL_ONCE");
    void *f = eff_malloc(1); /* injection off */
    assert_non_null(f);
    eff_free(f);
}

static void overflow(void **state)
{
    (void)state;
    assert_null(eff_mallocarray(SIZE_MAX / 2, 4));
    void *p = eff_malloc(16);
    assert_null(eff_reallocarray(p, SIZE_MAX / 8, 16));
    eff_free(p); /* still valid after the refused realloc */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(persistent_and_transient),
        cmocka_unit_test(overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
