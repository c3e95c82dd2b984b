/* eff_test.h - what every cmocka test program includes: cmocka, the library, a double
 * assertion (cmocka 1.1.5's assert_float_equal casts to float), and temp-file helpers. */
#ifndef EFF_TEST_H
#define EFF_TEST_H

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../src/effekt.h"

/* EFF_TEST_SANITIZED: built with AddressSanitizer (clang or gcc). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EFF_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define EFF_TEST_SANITIZED 1
#endif

/* Nonzero where the slow statistical tests run smaller worlds and skip their CPU-time bounds:
 * built with AddressSanitizer, or EFF_TEST_SMALL set to anything but "" or "0" (make
 * check-valgrind sets it: the ordinary build, run 20-50 times slower under valgrind). */
static inline int eff_test_small(void)
{
#ifdef EFF_TEST_SANITIZED
    return 1;
#else
    const char *v = getenv("EFF_TEST_SMALL");
    return v && *v && strcmp(v, "0") != 0;
#endif
}

/* |got - want| <= atol + rtol * |want|; NaN equals NaN. Prints both to 17 digits on failure. */
#define eff_assert_close(got, want, rtol, atol) \
    eff_assert_close_at((got), (want), (rtol), (atol), __FILE__, __LINE__)

static inline void eff_assert_close_at(double got, double want, double rtol, double atol,
                                       const char *file, int line)
{
    if (isnan(got) && isnan(want))
        return;
    if (!(fabs(got - want) <= atol + rtol * fabs(want))) {
        print_error("got %.17g, want %.17g (rtol %g, atol %g)\n", got, want, rtol, atol);
        _fail(file, line);
    }
}

/* A fresh directory under $TMPDIR for one test program; removed by eff_test_cleanup. */
static char eff_test_dir[256];

static inline const char *eff_test_tmpdir(void)
{
    if (!eff_test_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(eff_test_dir, sizeof eff_test_dir, "%s/effekt-test-XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(eff_test_dir))
            abort();
    }
    return eff_test_dir;
}

/* Path of `name` inside the test directory (static buffer, rotates over 4). */
static inline const char *eff_test_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ & 3];
    snprintf(p, 512, "%s/%s", eff_test_tmpdir(), name);
    return p;
}

/* Writes `len` bytes to the test file `name`; returns its path. */
static inline const char *eff_test_write(const char *name, const char *data, size_t len)
{
    const char *path = eff_test_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        abort();
    return path;
}

static inline const char *eff_test_write_str(const char *name, const char *data)
{
    return eff_test_write(name, data, strlen(data));
}

static inline int eff_test_cleanup(void **state)
{
    (void)state;
    if (eff_test_dir[0]) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", eff_test_dir);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

/* Reads a CSV that must read (the test fails with the message otherwise). Caller frees. */
static inline eff_table *eff_test_read_csv(const char *path)
{
    eff_table *t = NULL;
    eff_error err;
    if (eff_csv_read(path, NULL, NULL, &t, NULL, &err) != EFF_OK) {
        print_error("%s: %s\n", path, err.msg);
        fail();
    }
    return t;
}

/* Number of entries in `dir` whose name starts with '.' (leftover temp files). */
static inline int eff_test_hidden_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

#endif
