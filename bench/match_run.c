/* match_run.c - times effekt's matching on a CSV: reading apart, then the propensity model
 * (logit), the 1:1 matching without replacement with a 0.2-SD caliper. Prints
 * "read_s match_s matched_treated". */
#include <stdio.h>
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
    if (argc != 2)
        return 1;
    eff_table *t;
    eff_error err;
    double t0 = now();
    if (eff_read_table(argv[1], NULL, NULL, &t, &err) != EFF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double t1 = now();
    const char *cov[] = {"alder", "indkomst", "formue", "udd_aar", "kvinde", "ikke_vestlig"};
    eff_pscore_spec spec = {"treat", cov, 6, NULL, 0, NULL, 0};
    eff_pscore *p;
    eff_match *m;
    eff_match_options o = eff_match_options_default();
    o.caliper = 0.2;
    if (eff_pscore_build(t, &spec, NULL, &p, &err) != EFF_OK ||
        eff_match_nearest(p->distance, p->treat, NULL, p->n, &o, &m, &err) != EFF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double t2 = now();
    printf("%.3f %.3f %zu\n", t1 - t0, t2 - t1, eff_match_get_counts(m).matched_treated);
    eff_match_free(m);
    eff_pscore_free(p);
    eff_table_free(t);
    return 0;
}
