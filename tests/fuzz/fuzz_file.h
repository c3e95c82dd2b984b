/* fuzz_file.h - what the harnesses whose readers take a path share: the input's first byte as
 * option flags, the rest written to a file that this process reuses. */
#ifndef EFF_FUZZ_FILE_H
#define EFF_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>

/* Splits off the flag byte and writes the rest to `path`. 0 when the file holds the bytes;
 * -1 for an empty input (nothing to read) or a failed write (the harness skips the input). */
static int fuzz_write_input(const char *path, const uint8_t **data, size_t *size,
                            unsigned char *flags)
{
    if (*size == 0)
        return -1;
    *flags = (*data)[0];
    (*data)++;
    (*size)--;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t written = fwrite(*data, 1, *size, f);
    return fclose(f) == 0 && written == *size ? 0 : -1;
}

#endif
