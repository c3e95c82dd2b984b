/* regfile_read.c - times eff_read_table on one file (any format); prints
 * "seconds rows cols". With --convert IN OUT it writes IN (any format) to OUT instead. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/effekt.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    eff_table *t;
    eff_error err;
    char msg[1024];
    int convert = argc == 4 && strcmp(argv[1], "--convert") == 0;
    if (!convert && argc != 2) {
        fprintf(stderr, "usage: regfile_read FILE | --convert IN OUT\n");
        return 1;
    }
    double t0 = now();
    if (eff_read_table(argv[convert ? 2 : 1], NULL, NULL, &t, &err) != EFF_OK) {
        eff_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    double secs = now() - t0;
    if (convert && eff_write_table(t, argv[3], NULL, NULL, &err) != EFF_OK) {
        eff_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    if (!convert)
        printf("%.3f %zu %zu\n", secs, eff_table_n_rows(t), eff_table_n_cols(t));
    eff_table_free(t);
    return 0;
}
