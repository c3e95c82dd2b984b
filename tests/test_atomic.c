/* test_atomic.c - outputs appear whole or not at all; failures leave no temp file and never
 * touch an existing target. */
#include <errno.h>
#include <sys/stat.h>

#include "eff_test.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void commit_replaces_target(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("out.txt", "old contents\n");
    eff_atomic *a;
    eff_error err;
    assert_int_equal(eff_atomic_open(path, &a, &err), EFF_OK);
    assert_int_equal(eff_atomic_printf(a, &err, "new %d\n", 42), EFF_OK);
    /* until commit, the old file is what readers see, and a hidden temp file exists */
    assert_string_equal(slurp(path), "old contents\n");
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 1);
    assert_int_equal(eff_atomic_commit(a, &err), EFF_OK);
    assert_string_equal(slurp(path), "new 42\n");
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
}

static void abort_keeps_old_file(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("keep.txt", "precious\n");
    eff_atomic *a;
    assert_int_equal(eff_atomic_open(path, &a, NULL), EFF_OK);
    assert_int_equal(eff_atomic_puts(a, "half-written", NULL), EFF_OK);
    eff_atomic_abort(a);
    eff_atomic_abort(NULL);
    assert_string_equal(slurp(path), "precious\n");
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
}

static void disk_full_is_reported_and_cleaned(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("full.txt", "before\n");
    eff_atomic *a;
    eff_error err;
    assert_int_equal(eff_atomic_open(path, &a, &err), EFF_OK);
    eff_atomic_inject_fault(ENOSPC, 3 << 20); /* the disk fills after 3 MiB */
    eff_status st = EFF_OK;
    char block[4096];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 2048 && st == EFF_OK; i++) /* 8 MiB */
        st = eff_atomic_write(a, block, sizeof block, &err);
    if (st == EFF_OK)
        st = eff_atomic_commit(a, &err);
    else
        eff_atomic_abort(a);
    eff_atomic_inject_fault(0, 0);
    assert_int_equal(st, EFF_EIO);
    assert_non_null(strstr(err.msg, "disk is full"));
    assert_string_equal(err.path, path);
    assert_string_equal(slurp(path), "before\n");
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
}

static void disk_full_at_commit_flush(void **state)
{
    (void)state;
    const char *path = eff_test_path("small.txt");
    eff_atomic *a;
    eff_error err;
    assert_int_equal(eff_atomic_open(path, &a, &err), EFF_OK);
    eff_atomic_inject_fault(ENOSPC, 10);
    assert_int_equal(eff_atomic_puts(a, "more than ten bytes", &err), EFF_OK); /* buffered */
    assert_int_equal(eff_atomic_commit(a, &err), EFF_EIO);
    eff_atomic_inject_fault(0, 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
}

static void unwritable_directory(void **state)
{
    (void)state;
    eff_atomic *a = NULL;
    eff_error err;
    assert_int_equal(eff_atomic_open("/nonexistent-dir/x.csv", &a, &err), EFF_EIO);
    assert_null(a);
    assert_string_equal(err.path, "/nonexistent-dir/x.csv");
    assert_int_equal(eff_atomic_open("", &a, &err), EFF_EINVAL);
    assert_int_equal(eff_atomic_open("dir/", &a, &err), EFF_EINVAL);
}

static void signal_cleanup_removes_live_temps(void **state)
{
    (void)state;
    eff_atomic *a, *b;
    assert_int_equal(eff_atomic_open(eff_test_path("s1.txt"), &a, NULL), EFF_OK);
    assert_int_equal(eff_atomic_open(eff_test_path("s2.txt"), &b, NULL), EFF_OK);
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 2);
    eff_atomic_cleanup_on_signal();
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
    eff_atomic_abort(a);
    eff_atomic_abort(b);
}

static void private_mode(void **state)
{
    (void)state;
    const char *path = eff_test_path("key.bin");
    eff_atomic *a;
    assert_int_equal(eff_atomic_open(path, &a, NULL), EFF_OK);
    eff_atomic_set_private(a);
    assert_int_equal(eff_atomic_write(a, "k", 1, NULL), EFF_OK);
    assert_int_equal(eff_atomic_commit(a, NULL), EFF_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
}

static void large_writes_bypass_buffer(void **state)
{
    (void)state;
    const char *path = eff_test_path("big.bin");
    size_t n = (3u << 20) + 17;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 31);
    eff_atomic *a;
    assert_int_equal(eff_atomic_open(path, &a, NULL), EFF_OK);
    assert_int_equal(eff_atomic_write(a, "head", 4, NULL), EFF_OK);
    assert_int_equal(eff_atomic_write(a, data, n, NULL), EFF_OK);
    assert_int_equal(eff_atomic_commit(a, NULL), EFF_OK);
    FILE *f = fopen(path, "rb");
    char *back = malloc(n + 4);
    assert_int_equal(fread(back, 1, n + 4, f), n + 4);
    fclose(f);
    assert_memory_equal(back, "head", 4);
    assert_memory_equal(back + 4, data, n);
    free(back);
    free(data);
}

/* Every allocation failing in turn: opening (the handle and its buffer) and a printf too long
 * for the stack buffer. EFF_ENOMEM, *out untouched, no temp file left, the old target intact;
 * after a failed printf the output can still be aborted, or committed whole. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("oom.txt", "old contents\n");
    uint64_t old = eff_test_file_digest(path);
    char long_line[1200];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    long failed = 0;
    for (int commit = 0; commit < 2; commit++) {
        for (long n = 0;; n++) {
            eff_atomic *a = (eff_atomic *)&n; /* a sentinel */
            eff_error err;
            eff_mem_fail_after(n);
            eff_status st = eff_atomic_open(path, &a, &err);
            if (st == EFF_OK)
                st = eff_atomic_printf(a, &err, "%s\n", long_line);
            eff_mem_fail_after(-1);
            if (st == EFF_OK) {
                if (commit) {
                    assert_int_equal(eff_atomic_commit(a, &err), EFF_OK);
                    assert_int_equal(strlen(slurp(path)), sizeof long_line);
                } else {
                    eff_atomic_abort(a);
                }
                break;
            }
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(err.status, EFF_ENOMEM);
            if (a != (eff_atomic *)&n) /* open succeeded, printf failed: the output lives on */
                eff_atomic_abort(a);
            assert_int_equal(eff_test_file_digest(path), old);
            assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
            failed++;
        }
        if (!commit)
            assert_int_equal(eff_test_file_digest(path), old);
    }
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
    assert_int_equal(failed, 6); /* handle, buffer, the long line; twice */
    print_message("# fault injection: eff_atomic_open, eff_atomic_printf: 3 allocation points\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_replaces_target),
        cmocka_unit_test(abort_keeps_old_file),
        cmocka_unit_test(disk_full_is_reported_and_cleaned),
        cmocka_unit_test(disk_full_at_commit_flush),
        cmocka_unit_test(unwritable_directory),
        cmocka_unit_test(signal_cleanup_removes_live_temps),
        cmocka_unit_test(private_mode),
        cmocka_unit_test(large_writes_bypass_buffer),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
