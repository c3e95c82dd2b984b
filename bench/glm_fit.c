/* glm_fit.c - times effekt's logit with cluster-robust variance on a CSV: reading apart, then
 * design + fit + variance. Prints "read_s fit_s threads rss_before_mb rss_after_mb design_mb". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../src/effekt.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static void log_stderr(void *user, eff_log_level level, const char *msg)
{
    (void)user;
    (void)level;
    fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 1;
    int threads = argc > 2 ? atoi(argv[2]) : 0;
    eff_error err;
    eff_table *t;
    double t0 = now();
    if (eff_read_table(argv[1], NULL, NULL, &t, &err) != EFF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double t1 = now(), before = rss_mb();
    double td = 0;
    const char *x[20];
    char names[20][8];
    for (int j = 0; j < 20; j++) {
        snprintf(names[j], sizeof names[j], "x%d", j + 1);
        x[j] = names[j];
    }
    eff_design_spec spec = {"y", x, 20, 0, NULL, NULL, "cl"};
    eff_design *d;
    eff_glm *g;
    eff_glm_options o = eff_glm_options_default();
    eff_ctx ctx = eff_ctx_default();
    ctx.log = getenv("EFF_BENCH_VERBOSE") ? log_stderr : NULL;
    o.family = EFF_GLM_LOGIT;
    o.vcov = EFF_VCOV_CLUSTER;
    o.threads = threads;
    if ((eff_design_from_table(t, &spec, &d, &err) != EFF_OK || ((td = now() - t1), 0)) ||
        eff_glm_fit(d, &o, &ctx, &g, &err) != EFF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double t2 = now();
    if (getenv("EFF_BENCH_VERBOSE"))
        fprintf(stderr, "design %.3f s\n", td);
    double design_mb = (double)eff_design_n(d) * (double)eff_design_p(d) * 8 / 1048576.0;
    printf("%.3f %.3f %d %.0f %.0f %.0f %.10g %.10g\n", t1 - t0, t2 - t1, threads, before, rss_mb(),
           design_mb, eff_glm_coef(g)[1], eff_glm_coef_row(g, 1).std_error);
    eff_glm_free(g);
    eff_design_free(d);
    eff_table_free(t);
    return 0;
}
