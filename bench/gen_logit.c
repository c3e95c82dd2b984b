/* gen_logit.c - the logit benchmark's data: ROWS rows of y (0/1), 20 regressors (12
 * continuous, 8 binary) and a cluster id (1,000 clusters, with a cluster effect), from a
 * known logit model. Deterministic. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

int main(int argc, char **argv)
{
    xs_state = 0x853c49e6748fea9bULL;
    long rows = argc > 1 ? atol(argv[1]) : 2000000;
    double ce[1000];
    for (int g = 0; g < 1000; g++)
        ce[g] = 0.3 * normal();
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    printf("y");
    for (int j = 1; j <= 20; j++)
        printf(",x%d", j);
    printf(",cl\n");
    double x[21];
    for (long i = 0; i < rows; i++) {
        int g = (int)(unif() * 1000);
        double eta = -0.5 + ce[g];
        for (int j = 1; j <= 20; j++) {
            x[j] = j <= 12 ? normal() : (unif() < 0.3 ? 1 : 0);
            eta += (j % 3 == 0 ? 0.2 : -0.1) * x[j] / (1 + j % 4);
        }
        printf("%d", unif() < 1 / (1 + exp(-eta)));
        for (int j = 1; j <= 20; j++)
            printf(j <= 12 ? ",%.6f" : ",%.0f", x[j]);
        printf(",%d\n", g + 1);
    }
    return 0;
}
