/* gen_match.c - the matching benchmark's data: TREATED treated and CONTROLS controls, six
 * covariates (age, two incomes, years of schooling, sex, non-Western origin) whose
 * distributions differ by group, as participants differ from other social-housing residents. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

int main(int argc, char **argv)
{
    xs_state = 0x243f6a8885a308d3ULL;
    long treated = argc > 1 ? atol(argv[1]) : 20000, controls = argc > 2 ? atol(argv[2]) : 1000000;
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    printf("treat,alder,indkomst,formue,udd_aar,kvinde,ikke_vestlig\n");
    for (long i = 0; i < treated + controls; i++) {
        int t = i < treated;
        double shift = t ? 0.4 : 0;
        printf("%d,%d,%.2f,%.2f,%d,%d,%d\n", t, 16 + (int)(unif() * 50 - 8 * shift),
               exp(12 + 0.6 * normal() - 0.3 * shift), exp(10 + normal()),
               9 + (int)(unif() * 8 - 2 * shift), unif() < 0.5 + 0.1 * shift,
               unif() < 0.2 + 0.5 * shift);
    }
    return 0;
}
