/* test_labels.c - value-label sets (src/labels.c): numbers and strings, insertion order, a
 * value labelled again, the kind checked, and every allocation failing in turn. */
#include "eff_test.h"

static void numbers_and_strings(void **state)
{
    (void)state;
    eff_labels *l = eff_labels_new("koen", 0);
    eff_error err;
    assert_int_equal(eff_labels_add_number(l, 1, "Mand", &err), EFF_OK);
    assert_int_equal(eff_labels_add_number(l, 2, "Kvinde", &err), EFF_OK);
    assert_int_equal(eff_labels_add_number(l, 1, "M", &err), EFF_OK); /* relabelled */
    assert_int_equal(eff_labels_count(l), 2);
    assert_string_equal(eff_labels_name(l), "koen");
    assert_string_equal(eff_labels_find_number(l, 1), "M");
    assert_null(eff_labels_find_number(l, 3));
    assert_null(eff_labels_find_string(l, "1"));
    assert_int_equal(eff_labels_add_string(l, "K", "Kvinde", &err), EFF_EINVAL);
    eff_labels *s = eff_labels_new(NULL, 1);
    assert_string_equal(eff_labels_name(s), "");
    assert_int_equal(eff_labels_add_string(s, "K", "Kvinde", &err), EFF_OK);
    assert_int_equal(eff_labels_add_number(s, 1, "Mand", &err), EFF_EINVAL);
    assert_string_equal(eff_labels_value(s, 0), "K");
    assert_string_equal(eff_labels_find_string(s, "K"), "Kvinde");
    assert_ptr_equal(eff_labels_retain(s), s);
    eff_labels_release(s);
    eff_labels_release(s);
    eff_labels_release(l);
    eff_labels_release(NULL);
}

/* Digest of a set: its name, kind and every entry in order. */
static uint64_t digest(const eff_labels *l)
{
    int kind = eff_labels_string_values(l);
    size_t n = eff_labels_count(l);
    uint64_t h = eff_test_mix_str(0, eff_labels_name(l));
    h = eff_test_mix(h, &kind, sizeof kind);
    h = eff_test_mix(h, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
        if (kind)
            h = eff_test_mix_str(h, eff_labels_value(l, i));
        else {
            double v = eff_labels_number(l, i);
            h = eff_test_mix(h, &v, sizeof v);
        }
        h = eff_test_mix_str(h, eff_labels_text(l, i));
    }
    return h;
}

/* Every allocation failing in turn: eff_labels_new gives NULL; a failed add (a new value past
 * the capacities 8 and 16, or a value labelled again) leaves the set as it was. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    long failed = 0;
    for (int kind = 0; kind < 2; kind++) {
        eff_labels *l = NULL;
        for (long n = 0; !l; n++) {
            eff_mem_fail_after(n);
            l = eff_labels_new("kommune", kind);
            eff_mem_fail_after(-1);
            failed += !l;
        }
        for (int i = 0; i < 20; i++) {
            char value[16], text[32];
            snprintf(value, sizeof value, "%d", 100 + i % 18); /* 18 and 19 relabel 0 and 1 */
            snprintf(text, sizeof text, "kommune nr. %d", i);
            for (long n = 0;; n++) {
                uint64_t before = digest(l);
                eff_error err;
                eff_mem_fail_after(n);
                eff_status st = kind ? eff_labels_add_string(l, value, text, &err)
                                     : eff_labels_add_number(l, 100 + i % 18, text, &err);
                eff_mem_fail_after(-1);
                if (st == EFF_OK)
                    break;
                assert_int_equal(st, EFF_ENOMEM);
                assert_int_equal(err.status, EFF_ENOMEM);
                assert_int_equal(digest(l), before);
                failed++;
            }
        }
        assert_int_equal(eff_labels_count(l), 18);
        assert_string_equal(kind ? eff_labels_find_string(l, "101")
                                 : eff_labels_find_number(l, 101), "kommune nr. 19");
        eff_labels_release(l);
    }
    eff_test_sweep_done("eff_labels_new, eff_labels_add_number/_string x 20", failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_and_strings),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
