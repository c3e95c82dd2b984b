/* fuzz_regfile.c - libFuzzer target for the register reader through ReadStat: any bytes as a
 * SAS, Stata or SPSS file must give a table or an error (EFF_EPARSE, EFF_EIO, EFF_EINVAL),
 * never a crash, a leak or undefined behaviour. The first byte picks the extension, and so
 * the parser: 0 .sas7bdat, 1 .sas7bcat (the bytes as the format catalogue of a small data
 * file written once), 2 .xpt, 3 .dta, 4 .sav, 5 .zsav (6 and 7 as 0 and 1); its high bits the
 * options: 0x08 header_only, 0x10 labels_as_text, and after a good read a second one of the
 * same file with 0x20 a column selection, 0x40 an id filter, 0x80 a required column, built
 * from what the first read found. The files live in a directory of their own (mkdtemp), so
 * no stray formats.sas7bcat is picked up. Seeds: tests/fuzz/seeds/regfile/ (a selector byte,
 * then a small file of tests/data, or one ReadStat or effekt wrote: xpt v5 and v8, zsav, RLE
 * sas7bdat, bytecode sav). Build and run: make fuzz (clang, ASan + UBSan). ReadStat itself
 * is Debian's, not instrumented: libFuzzer sees only our callbacks' coverage, and ASan its
 * faults only where they reach an intercepted call (malloc, strlen, memcpy) or crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/effekt.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], fixed[96], catalog[96];

static void remove_files(void)
{
    static const char *const exts[] = {"sas7bdat", "xpt", "dta", "sav", "zsav"};
    char path[128];
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        snprintf(path, sizeof path, "%s/in.%s", dir, exts[i]);
        unlink(path);
    }
    unlink(fixed);
    unlink(catalog);
    rmdir(dir);
}

/* The directory, and the data file a fuzzed catalogue is read against: a text, a number, a
 * date column. */
static int setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/effekt-fuzz-regfile-XXXXXX");
    if (!mkdtemp(dir))
        return 0;
    snprintf(fixed, sizeof fixed, "%s/fixed.sas7bdat", dir);
    snprintf(catalog, sizeof catalog, "%s/cat.sas7bcat", dir);
    atexit(remove_files);
    static const char csv[] = "pnr,koen,kom,foed_dag\n"
                              "0412345678,K,101,1977-03-12\n"
                              "4000000017,M,147,\n";
    eff_table *t = NULL;
    if (eff_csv_read_mem("fixed.csv", csv, sizeof csv - 1, NULL, NULL, &t, NULL, NULL) ||
        eff_write_table(t, fixed, NULL, NULL, NULL))
        abort();
    eff_table_free(t);
    return 1;
}

static int expected(eff_status st)
{
    return st == EFF_OK || st == EFF_EPARSE || st == EFF_EIO || st == EFF_EINVAL;
}

/* A second read of the same file with a selection, an id filter or a required column taken
 * from `t`, the first read: it must succeed and agree. */
static void read_again(const char *path, unsigned char flags, const eff_read_options *first,
                       const eff_table *t)
{
    size_t n_cols = eff_table_n_cols(t), text = n_cols;
    if (n_cols == 0)
        return;
    for (size_t j = 0; j < n_cols && text == n_cols; j++)
        if (eff_table_col_type(t, j) == EFF_TYPE_STR)
            text = j;
    eff_read_options o = *first;
    const char *names[2] = {eff_table_col_name(t, 0), eff_table_col_name(t, n_cols - 1)};
    if (flags & 0x20)
        o.columns = names, o.n_columns = n_cols > 1 ? 2 : 1;
    eff_dict *ids = eff_dict_new();
    if (!ids)
        abort();
    if (flags & 0x40 && text < n_cols) {
        int32_t code;
        for (size_t i = 0; i < 3 && i < eff_table_n_rows(t); i++)
            if (!eff_table_is_na(t, text, i)) {
                const char *s = eff_table_str(t, text, i);
                if (eff_dict_intern(ids, s, strlen(s), &code, NULL))
                    abort();
            }
        if (eff_dict_intern(ids, "no such id", 10, &code, NULL))
            abort();
        o.id_column = eff_table_col_name(t, text), o.id_set = ids;
        if (o.columns) /* the id column among those read */
            names[1] = o.id_column, o.n_columns = 2;
    }
    if (flags & 0x80)
        o.require_column = o.columns ? names[0] : eff_table_col_name(t, n_cols - 1);
    eff_table *u = NULL;
    eff_error err;
    eff_status st = eff_read_table(path, &o, NULL, &u, &err);
    if (st == EFF_EINVAL && strstr(err.msg, "is not text"))
        st = EFF_OK; /* labels_as_text: the first read's text column is numeric in the file */
    else if (st != EFF_OK || eff_table_n_rows(u) > eff_table_n_rows(t) ||
             eff_table_n_cols(u) > n_cols) {
        fprintf(stderr, "second read: status %d: %s\n", st, st ? err.msg : "more than the first");
        abort();
    }
    eff_table_free(u);
    eff_dict_release(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready && !(ready = setup()))
        return 0;
    if (size == 0)
        return 0;
    static const char *const exts[] = {"sas7bdat", "sas7bcat", "xpt", "dta", "sav", "zsav"};
    size_t kind = (data[0] & 7u) % 6;
    char path[128];
    snprintf(path, sizeof path, "%s/in.%s", dir, exts[kind]);
    unsigned char flags;
    if (fuzz_write_input(kind == 1 ? catalog : path, &data, &size, &flags) != 0)
        return 0;
    eff_read_options o = eff_read_options_default();
    o.header_only = (flags & 0x08) != 0;
    o.labels_as_text = (flags & 0x10) != 0;
    if (kind == 1)
        o.catalog = catalog;
    const char *read = kind == 1 ? fixed : path;
    eff_table *t = NULL;
    eff_error err;
    eff_status st = eff_read_table(read, &o, NULL, &t, &err);
    if (!expected(st)) {
        fprintf(stderr, "status %d: %s\n", st, err.msg);
        abort(); /* no other failure is expected from bytes alone */
    }
    if (st == EFF_OK && !o.header_only && (flags & 0xe0))
        read_again(read, flags, &o, t);
    eff_table_free(t);
    return 0;
}
