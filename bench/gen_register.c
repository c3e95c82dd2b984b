/* gen_register.c - a register-shaped CSV for the format benchmark: ROWS rows of 10 columns in
 * BEF/IND style (pnr text, koen text, ages, codes, amounts, a birth date). Deterministic. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

int main(int argc, char **argv)
{
    xs_state = 0x2545F4914F6CDD1DULL;
    long rows = argc > 1 ? atol(argv[1]) : 5000000;
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    printf("PNR,KOEN,ALDER,KOM,INDKOMST,HFAUDD,IE_TYPE,OPR_LAND,FOED_DAG,BESKST\n");
    for (long i = 0; i < rows; i++) {
        int age = (int)(next() % 100);
        printf("%010ld,%c,%d,%d,%.2f,%d,%d,%d,%04d-%02d-%02d,%.3f\n", 4000000000L + i * 7,
               next() % 2 ? 'M' : 'K', age, 101 + (int)(next() % 900),
               (double)(next() % 100000000) / 100.0, 1000 + (int)(next() % 9000),
               1 + (int)(next() % 3), 5100 + (int)(next() % 700), 2011 - age,
               1 + (int)(next() % 12), 1 + (int)(next() % 28), (double)(next() % 1000000) / 1000.0);
    }
    return 0;
}
