/* fuzz_cpr.c - libFuzzer target for the CPR parser: any bytes, split into lines, as one text
 * column must give a verdict per row (valid, or missing, format or date), a report table, and
 * never a crash, a leak or undefined behaviour; a valid verdict must carry a birth date and a
 * sex. The same bytes as one text go through eff_cpr_mask, after which nothing CPR-shaped may
 * be left (masking twice masks nothing) and the length and every non-digit byte stay. Build
 * and run: make fuzz (clang -fsanitize=fuzzer,address,undefined). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/effekt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static eff_table *lines_as_column(const uint8_t *data, size_t size)
{
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    eff_dict *d = eff_dict_new();
    int32_t *codes = eff_mallocarray(n, sizeof *codes);
    eff_table *t = eff_table_new(n);
    if (!d || !codes || !t)
        abort();
    size_t row = 0, start = 0;
    for (size_t i = 0; i <= size; i++)
        if (i == size || data[i] == '\n') {
            if (eff_dict_intern(d, (const char *)data + start, i - start, &codes[row++], NULL))
                abort();
            start = i + 1;
        }
    if (eff_table_add_str(t, "cpr", codes, d, NULL) != EFF_OK) /* takes our reference */
        abort();
    return t;
}

static void check_mask(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text); /* up to the first NUL, as a message would be */
    eff_cpr_mask(text);
    if (strlen(text) != len || eff_cpr_mask(text) != 0)
        abort();
    for (size_t i = 0; i < len; i++)
        if (text[i] != (char)data[i] && !(text[i] == 'X' && data[i] >= '0' && data[i] <= '9'))
            abort();
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_mask(data, size);
    eff_table *t = lines_as_column(data, size);
    eff_cpr_info *rows = NULL;
    eff_cpr_summary s;
    eff_error err;
    if (eff_cpr_check_column(t, "cpr", &rows, &s, &err) != EFF_OK)
        abort(); /* a text column always gets a verdict per row */
    if (s.valid + s.invalid != eff_table_n_rows(t))
        abort();
    eff_table *report = NULL;
    if (eff_cpr_report_table(rows, eff_table_n_rows(t), &report, &err) != EFF_OK)
        abort();
    eff_table_free(report);
    eff_free(rows);
    eff_table_free(t);
    return 0;
}
