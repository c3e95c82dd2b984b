/* csv_read.c - times eff_csv_read on one file: wall seconds, MB/s, and peak RSS against the
 * bytes of column data. Prints one line: seconds mb_per_s peak_rss_mb column_mb rows cols. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "../src/effekt.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csv_read FILE\n");
        return 1;
    }
    struct stat sb;
    if (stat(argv[1], &sb) != 0)
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    eff_table *t;
    eff_error err;
    if (eff_csv_read(argv[1], NULL, NULL, &t, NULL, &err) != EFF_OK) {
        char msg[1024];
        eff_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double col_bytes = 0;
    for (size_t j = 0; j < eff_table_n_cols(t); j++)
        col_bytes += (double)eff_table_n_rows(t) *
                     (eff_table_col_type(t, j) == EFF_TYPE_I64 ||
                              eff_table_col_type(t, j) == EFF_TYPE_F64 ? 8 : 4);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%.3f %.1f %.1f %.1f %zu %zu\n", secs, (double)sb.st_size / 1e6 / secs,
           (double)ru.ru_maxrss / 1024.0, col_bytes / 1048576.0, eff_table_n_rows(t),
           eff_table_n_cols(t));
    eff_table_free(t);
    return 0;
}
