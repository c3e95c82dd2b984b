/* gen_wild.c - the wild bootstrap benchmark's data: ROWS rows of a continuous outcome y, a
 * 0/1 outcome yb, 10 regressors (x1 a plan-level treatment, x2-x6 continuous, x7-x10 binary)
 * and a plan id cl: 89 plans of unequal size (a plan's share grows with its number, as
 * participants crowd into a few big plans), each with its own effect on both outcomes.
 * Deterministic. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

enum { PLANS = 89, X = 10 };

int main(int argc, char **argv)
{
    xs_state = 0x9e3779b97f4a7c15ULL;
    long rows = argc > 1 ? atol(argv[1]) : 200000;
    double effect[PLANS], treated[PLANS];
    for (int g = 0; g < PLANS; g++) {
        effect[g] = 0.4 * normal();
        treated[g] = unif() < 0.5;
    }
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    printf("y,yb");
    for (int j = 1; j <= X; j++)
        printf(",x%d", j);
    printf(",cl\n");
    double x[X + 1];
    for (long i = 0; i < rows; i++) {
        int g = (int)(PLANS * sqrt(unif())); /* plan g's share grows linearly with g */
        x[1] = treated[g];
        double eta = -0.3 + 0.15 * x[1] + effect[g];
        for (int j = 2; j <= X; j++) {
            x[j] = j <= 6 ? normal() : (unif() < 0.3 ? 1 : 0);
            eta += (j % 3 == 0 ? 0.2 : -0.1) * x[j];
        }
        double y = eta + (1 + 0.5 * fabs(x[2])) * normal();
        printf("%.6f,%d", y, unif() < 1 / (1 + exp(-eta)));
        for (int j = 1; j <= X; j++)
            printf(j <= 6 && j > 1 ? ",%.6f" : ",%.0f", x[j]);
        printf(",%d\n", g + 1);
    }
    return 0;
}
