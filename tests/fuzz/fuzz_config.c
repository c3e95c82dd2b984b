/* fuzz_config.c - libFuzzer target for the config parser: any bytes as an INI file must give a
 * config or an error naming a line (EFF_EPARSE, EFF_EINVAL), never a crash, a leak or
 * undefined behaviour. Build and run: make fuzz. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/effekt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/effekt-fuzz-%d.ini", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    eff_config *c = NULL;
    eff_error err;
    eff_status st = eff_config_load(path, "/tmp", &c, &err);
    if (st == EFF_OK)
        eff_config_free(c);
    else if (st != EFF_EPARSE && st != EFF_EINVAL && st != EFF_EIO)
        abort();
    return 0;
}
