/* gen_numeric.c - writes the CSV benchmark's input: ROWS rows of 12 numeric columns, six
 * integer (ids, years, ages, counts, amounts) and six double (amounts, rates, shares), about
 * 100 bytes a row. Deterministic (xorshift64*), so every run reads the same bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

int main(int argc, char **argv)
{
    xs_state = 0x9e3779b97f4a7c15ULL;
    long rows = argc > 1 ? atol(argv[1]) : 10000000;
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    printf("id,year,age,kids,income,municipality,wage,rate,share,hours,benefit,score\n");
    for (long i = 0; i < rows; i++) {
        printf("%ld,%d,%d,%d,%d,%d,%.2f,%.8f,%.6f,%.3f,%.4f,%.15g\n", 4000000000L + i * 3,
               2008 + (int)(next() % 13), (int)(next() % 100), (int)(next() % 6),
               (int)(next() % 900000), 101 + (int)(next() % 900), unif() * 60000.0,
               unif() * 0.2, unif(), unif() * 2000.0, unif() * 250000.0 - 20000.0,
               (unif() - 0.5) * 10.0);
    }
    return 0;
}
