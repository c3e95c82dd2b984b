/* wildboot_run.c - times effekt's wild cluster bootstrap on a CSV (bench/gen_wild.c): reading
 * apart, then for the linear model design + fit + WCR (9,999 draws, p-value and 95% interval),
 * and for the logit design + fit + score bootstrap, its p-value alone and with the interval.
 * The coefficient tested is x1's, null 0. Prints one line:
 * "read_s lin_fit_s lin_wild_s lin_p lin_lo lin_hi logit_fit_s logit_p_s logit_ci_s logit_p
 *  logit_lo logit_hi G reps weights". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../src/effekt.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const eff_error *err)
{
    fprintf(stderr, "wildboot_run: %s\n", err->msg);
    exit(2);
}

/* Design + fit, then the bootstrap with or without the interval; seconds of each. */
static void run(const eff_table *t, const char *y, eff_glm_family family, int want_ci,
                double *fit_s, double *wild_s, eff_wild_result *r)
{
    static const char *x[] = {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"};
    eff_design_spec spec = {y, x, 10, 0, NULL, NULL, "cl"};
    eff_error err;
    eff_design *d;
    eff_glm *g;
    eff_glm_options o = eff_glm_options_default();
    o.family = family;
    o.vcov = EFF_VCOV_CLUSTER;
    double t0 = now();
    if (eff_design_from_table(t, &spec, &d, &err) || eff_glm_fit(d, &o, NULL, &g, &err))
        die(&err);
    double t1 = now();
    eff_wild_options wo = eff_wild_options_default();
    wo.want_ci = want_ci;
    if (eff_wild_test(g, d, 1, 0.0, NULL, 0, &wo, NULL, r, &err))
        die(&err);
    *fit_s = t1 - t0;
    *wild_s = now() - t1;
    eff_glm_free(g);
    eff_design_free(d);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 1;
    eff_error err;
    eff_table *t;
    double t0 = now();
    if (eff_read_table(argv[1], NULL, NULL, &t, &err) != EFF_OK)
        die(&err);
    double read_s = now() - t0, lin_fit, lin_wild, lg_fit, lg_p, lg_ci, unused;
    eff_wild_result lin, lgp, lgc;
    run(t, "y", EFF_GLM_GAUSSIAN, 1, &lin_fit, &lin_wild, &lin);
    run(t, "yb", EFF_GLM_LOGIT, 0, &lg_fit, &lg_p, &lgp);
    run(t, "yb", EFF_GLM_LOGIT, 1, &unused, &lg_ci, &lgc);
    printf("%.3f %.3f %.3f %.6g %.6g %.6g %.3f %.3f %.3f %.6g %.6g %.6g %zu %ld %s\n", read_s,
           lin_fit, lin_wild, lin.p_value, lin.ci_low, lin.ci_high, lg_fit, lg_p, lg_ci,
           lgp.p_value, lgc.ci_low, lgc.ci_high, lin.n_clusters, lin.reps,
           eff_boot_weights_name(lin.weights_used));
    eff_table_free(t);
    return 0;
}
