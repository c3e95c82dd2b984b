/* fuzz_csv.c - libFuzzer target for the CSV reader and writer: any bytes must give a table or
 * a located error, never a crash, a leak or undefined behaviour. Inputs shorter than the
 * reader's buffer exercise parsing; the option byte varies delimiter, encoding and limits.
 * Build and run: make fuzz (clang -fsanitize=fuzzer,address,undefined). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/effekt.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/effekt-fuzz-%d.csv", (int)getpid());
    unsigned char flags;
    if (fuzz_write_input(path, &data, &size, &flags) != 0)
        return 0;
    eff_csv_options o = eff_csv_options_default();
    static const char delims[4] = {0, ',', ';', '\t'};
    o.delimiter = delims[flags & 3];
    o.encoding = (eff_csv_encoding)((flags >> 2) % 3);
    o.decimal = (eff_csv_decimal)((flags >> 4) % 3);
    if (o.decimal == EFF_CSV_DEC_COMMA && o.delimiter == ',')
        o.decimal = EFF_CSV_DEC_AUTO;
    o.max_line_bytes = flags & 0x40 ? 64 : 1 << 20;
    o.allow_empty = flags >> 7;
    eff_table *t = NULL;
    eff_error err;
    if (eff_csv_read(path, &o, NULL, &t, NULL, &err) == EFF_OK) {
        eff_col_summary *s;
        if (eff_describe_table(t, &s, NULL) == EFF_OK)
            eff_free(s);
        char out[80];
        snprintf(out, sizeof out, "%s.out", path);
        eff_csv_write(t, out, NULL, NULL, NULL);
        eff_table *back = NULL;
        eff_csv_read(out, NULL, NULL, &back, NULL, NULL);
        eff_table_free(back);
        unlink(out);
        eff_table_free(t);
    } else if (err.status != EFF_EPARSE && err.status != EFF_EINVAL && err.status != EFF_EIO) {
        abort(); /* no other failure is expected from bytes alone */
    }
    return 0;
}
