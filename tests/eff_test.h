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

/* ---- fault injection (STYLE.md section 8) ---- */

/* Folds `len` bytes into a running digest (64-bit FNV-1a: small inputs, so speed is moot). */
static inline uint64_t eff_test_mix(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (!h)
        h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static inline uint64_t eff_test_mix_str(uint64_t h, const char *s)
{
    return s ? eff_test_mix(h, s, strlen(s) + 1) : eff_test_mix(h, "\xff", 1);
}

/* A digest of all a caller can see of a table: shape, names, types, flags, descriptions,
 * value labels, source and every cell (doubles by their bits, strings by their bytes). Equal
 * before and after a failed call: the call left its input as it was. */
static inline uint64_t eff_test_table_digest(const eff_table *t)
{
    size_t n = eff_table_n_rows(t), nc = eff_table_n_cols(t);
    uint64_t h = eff_test_mix(0, &n, sizeof n);
    h = eff_test_mix(h, &nc, sizeof nc);
    h = eff_test_mix_str(h, eff_table_source(t));
    for (size_t j = 0; j < nc; j++) {
        eff_type type = eff_table_col_type(t, j);
        unsigned flags = eff_table_col_flags(t, j);
        const eff_labels *l = eff_table_col_labels(t, j);
        size_t n_labels = l ? eff_labels_count(l) : 0;
        h = eff_test_mix_str(h, eff_table_col_name(t, j));
        h = eff_test_mix_str(h, eff_table_col_label(t, j));
        h = eff_test_mix(h, &type, sizeof type);
        h = eff_test_mix(h, &flags, sizeof flags);
        h = eff_test_mix(h, &n_labels, sizeof n_labels);
        for (size_t k = 0; k < n_labels; k++)
            h = eff_test_mix_str(h, eff_labels_text(l, k));
        if (type == EFF_TYPE_I64)
            h = eff_test_mix(h, eff_table_i64(t, j), n * sizeof(int64_t));
        else if (type == EFF_TYPE_F64)
            h = eff_test_mix(h, eff_table_f64(t, j), n * sizeof(double));
        else if (type == EFF_TYPE_DATE)
            h = eff_test_mix(h, eff_table_date(t, j), n * sizeof(int32_t));
        else
            for (size_t i = 0; i < n; i++)
                h = eff_test_mix_str(h, eff_table_str(t, j, i));
    }
    return h;
}

/* Digest of a file's bytes (0 when it cannot be read). */
static inline uint64_t eff_test_file_digest(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    uint64_t h = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        h = eff_test_mix(h, buf, got);
    fclose(f);
    return h ? h : 1;
}

/* A sweep must have failed a few allocations before the call succeeded, or it tested nothing. */
#define EFF_TEST_SWEEP_MIN 3

/* Ends a sweep: asserts it was not vacuous and prints how many allocation points it failed
 * (a TAP comment; validate/RESULTS.md quotes the counts). */
#define eff_test_sweep_done(what, n_failed)                                   \
    do {                                                                      \
        assert_true((n_failed) >= EFF_TEST_SWEEP_MIN);                        \
        print_message("# fault injection: %s: %ld allocation points\n", (what), \
                      (long)(n_failed));                                      \
    } while (0)

#endif
