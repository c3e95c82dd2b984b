/* test_status.c - status names, error records and their formatting. */
#include "eff_test.h"

static void every_status_has_a_name(void **state)
{
    (void)state;
    for (int s = 0; s < EFF_STATUS_COUNT; s++) {
        const char *name = eff_status_str((eff_status)s);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown status");
        for (int t = 0; t < s; t++) /* names are distinct */
            assert_string_not_equal(name, eff_status_str((eff_status)t));
    }
    assert_string_equal(eff_status_str(EFF_STATUS_COUNT), "unknown status");
    assert_string_equal(eff_status_str(EFF_EIO), "input/output error");
}

static void error_formats_location(void **state)
{
    (void)state;
    eff_error err;
    char buf[1024];
    eff_status st = eff_error_set(&err, EFF_EPARSE, "visits_2015.csv", 1042, 7,
                                  "column \"%s\": expected a number, found \"%s\"", "income", "n/a");
    assert_int_equal(st, EFF_EPARSE);
    eff_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf,
                        "visits_2015.csv:1042:7: column \"income\": expected a number, found \"n/a\"");
    eff_error_set(&err, EFF_EIO, "out.csv", 0, 0, "disk full");
    eff_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "out.csv: disk full");
    eff_error_set(&err, EFF_EINVAL, NULL, 0, 0, "bad");
    eff_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "bad");
    eff_error_set(&err, EFF_EPARSE, "a.csv", 3, 0, "x");
    eff_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a.csv:3: x");
}

static void prefix_keeps_location(void **state)
{
    (void)state;
    eff_error err;
    char buf[1024];
    eff_error_set(&err, EFF_EPARSE, "bef2011.csv", 5, 2, "ragged row");
    eff_error_prefix(&err, "reading register %s", "bef");
    eff_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "bef2011.csv:5:2: reading register bef: ragged row");
    assert_null(NULL); /* a NULL error record is accepted everywhere */
    assert_int_equal(eff_error_set(NULL, EFF_ENOMEM, NULL, 0, 0, "x"), EFF_ENOMEM);
    eff_error_prefix(NULL, "x");
    eff_error_clear(NULL);
}

static void long_message_is_truncated_not_overflowed(void **state)
{
    (void)state;
    eff_error err;
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    eff_error_set(&err, EFF_EINVAL, big, 1, 1, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
    assert_int_equal(strlen(err.path), sizeof err.path - 1);
    eff_error_prefix(&err, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static int log_calls;
static char last_log[256];
static void capture(void *user, eff_log_level level, const char *msg)
{
    (void)user;
    (void)level;
    log_calls++;
    snprintf(last_log, sizeof last_log, "%s", msg);
}

static void log_goes_through_callback_only(void **state)
{
    (void)state;
    eff_ctx ctx = eff_ctx_default();
    eff_log(&ctx, EFF_LOG_WARN, "silent %d", 1); /* no callback: nothing happens */
    eff_log(NULL, EFF_LOG_WARN, "silent");
    ctx.log = capture;
    eff_log(&ctx, EFF_LOG_WARN, "intervention %s below minimum N", "mentor");
    assert_int_equal(log_calls, 1);
    assert_string_equal(last_log, "intervention mentor below minimum N");
    volatile sig_atomic_t flag = 0;
    ctx.cancel = &flag;
    assert_false(eff_ctx_cancelled(&ctx));
    flag = SIGINT;
    assert_true(eff_ctx_cancelled(&ctx));
    assert_false(eff_ctx_cancelled(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_name),
        cmocka_unit_test(error_formats_location),
        cmocka_unit_test(prefix_keeps_location),
        cmocka_unit_test(long_message_is_truncated_not_overflowed),
        cmocka_unit_test(log_goes_through_callback_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
