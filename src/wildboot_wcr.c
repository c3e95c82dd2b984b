/* wildboot_wcr.c - the wild cluster restricted bootstrap of a linear model's CR1 t statistic
 * (wildboot.h; Roodman et al. 2019, section 3). One pass over the data to cluster-level
 * sums, then for every draw five numbers that give t*_b(theta) for any theta in O(1). Owns
 * those arrays; the data, the fit and the draws are the problem's. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "linalg.h"
#include "mem.h"
#include "parallel.h"
#include "wildboot_internal.h"

enum { BLOCK_ROWS = 2048, BLOCK_DRAWS = 256 };
/* A block of draws holds V, Z0, Z1 (G x m) and S'V (K x m): m is cut so that this stays
 * below 8 MB per thread when clusters are many. */
enum { BLOCK_DOUBLES = 1 << 20 };

typedef struct wcr {
    wild_engine base;
    const wild_problem *pb;
    double theta0; /* the sums below are the restricted fit's at theta0 */
    double se;     /* CR1 standard error of b_j */
    /* per draw, at theta = theta0 - delta: numerator n0 + delta n1, and
     * sum_h z_h^2 = d00 + 2 delta d01 + delta^2 d11 */
    double *n0, *n1, *d00, *d01, *d11;
} wcr;

/* Cluster-level sums over all rows, G x K column-major (and G for su):
 *   S0_g = sum w x u~(theta0), S1_g = sum w x (x'a) / a_jj, su_g = sum w (x'a) u^.
 * S_g(theta) = S0_g + (theta0 - theta) S1_g, since u~(theta) = u~(theta0) + X a (theta0 -
 * theta) / a_jj; su_g = a'X_g'W u^_g makes the unrestricted CR1 variance. */
typedef struct sums {
    double *s0, *s1, *su;
} sums;

typedef struct pass_job {
    const wild_problem *pb;
    const double *a, *beta0; /* a = A e_j; beta0: the restricted fit at theta0 */
    double ajj;
    sums part[EFF_MAX_PARTS];
} pass_job;

static void pass_part(void *arg, size_t lo, size_t hi, int part)
{
    pass_job *j = arg;
    const wild_problem *pb = j->pb;
    size_t k = pb->k, g_count = pb->g;
    double u0[BLOCK_ROWS], uh[BLOCK_ROWS], r[BLOCK_ROWS];
    sums *s = &j->part[part];
    for (size_t r0 = lo; r0 < hi; r0 += BLOCK_ROWS) {
        size_t m = hi - r0 < BLOCK_ROWS ? hi - r0 : BLOCK_ROWS;
        for (size_t i = 0; i < m; i++) {
            double y = pb->y[r0 + i] - (pb->offset ? pb->offset[r0 + i] : 0);
            u0[i] = uh[i] = y;
            r[i] = 0;
        }
        for (size_t c = 0; c < k; c++) {
            const double *x = pb->col[c] + r0;
            for (size_t i = 0; i < m; i++) {
                u0[i] -= x[i] * j->beta0[c];
                uh[i] -= x[i] * pb->beta[c];
                r[i] += x[i] * j->a[c];
            }
        }
        const int32_t *cl = pb->cl + r0;
        for (size_t i = 0; i < m; i++) {
            double wi = pb->w ? pb->w[r0 + i] : 1;
            s->su[cl[i]] += wi * r[i] * uh[i];
            u0[i] *= wi;
            r[i] *= wi / j->ajj;
        }
        for (size_t c = 0; c < k; c++) {
            const double *x = pb->col[c] + r0;
            double *s0 = s->s0 + c * g_count, *s1 = s->s1 + c * g_count;
            for (size_t i = 0; i < m; i++) {
                s0[cl[i]] += x[i] * u0[i];
                s1[cl[i]] += x[i] * r[i];
            }
        }
    }
}

static void free_sums(sums *s)
{
    eff_free(s->s0);
    eff_free(s->s1);
    eff_free(s->su);
}

static int alloc_sums(sums *s, size_t g_count, size_t k)
{
    s->s0 = eff_calloc(g_count * k, sizeof *s->s0);
    s->s1 = eff_calloc(g_count * k, sizeof *s->s1);
    s->su = eff_calloc(g_count, sizeof *s->su);
    return s->s0 && s->s1 && s->su;
}

/* The sums into part 0's arrays (the caller frees every part). */
static eff_status cluster_sums(const wild_problem *pb, const double *a, const double *beta0,
                               pass_job *job, eff_error *err)
{
    memset(job, 0, sizeof *job);
    job->pb = pb;
    job->a = a;
    job->beta0 = beta0;
    job->ajj = a[pb->jk];
    int parts = pb->threads;
    for (int t = 0; t < parts; t++)
        if (!alloc_sums(&job->part[t], pb->g, pb->k))
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_parallel_for(parts, pb->n, pass_part, job);
    size_t gk = pb->g * pb->k;
    for (int t = 1; t < parts; t++) {
        for (size_t i = 0; i < gk; i++) {
            job->part[0].s0[i] += job->part[t].s0[i];
            job->part[0].s1[i] += job->part[t].s1[i];
        }
        for (size_t h = 0; h < pb->g; h++)
            job->part[0].su[h] += job->part[t].su[h];
    }
    return EFF_OK;
}

/* A = (X'WX)^-1 by the QR of sqrt(w) X, as the linear fit computes its bread (linalg.h). */
static eff_status bread(const wild_problem *pb, double *inv, eff_error *err)
{
    size_t n = pb->n, k = pb->k;
    int contiguous = !pb->w;
    for (size_t c = 1; c < k && contiguous; c++)
        contiguous = pb->col[c] == pb->col[0] + c * n;
    double *xs = contiguous ? NULL : eff_mallocarray(n * k, sizeof *xs);
    double *ys = eff_mallocarray(n, sizeof *ys), *b = eff_mallocarray(k, sizeof *b);
    eff_status st = (contiguous || xs) && ys && b
                        ? EFF_OK
                        : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !st && i < n; i++) {
        double root = pb->w ? sqrt(pb->w[i]) : 1;
        ys[i] = root * (pb->y[i] - (pb->offset ? pb->offset[i] : 0));
        for (size_t c = 0; xs && c < k; c++)
            xs[c * n + i] = root * pb->col[c][i];
    }
    if (!st)
        st = eff_linalg_lsq(contiguous ? pb->col[0] : xs, n, k, ys, b, inv, err);
    eff_free(xs);
    eff_free(ys);
    eff_free(b);
    return st;
}

/* ---- the draws ---- */

typedef struct draw_job {
    wcr *e;
    const double *s0, *s1;    /* G: a'S0_g, a'S1_g */
    const double *S0, *S1, *D; /* G x K */
    double *scratch[EFF_MAX_PARTS];
    size_t block;             /* draws per block */
    int cancelled;
} draw_job;

/* Column sums of squares and cross products of Z0 and Z1 (G x m). */
static void denominators(wcr *e, size_t b0, size_t m, const double *z0, const double *z1)
{
    size_t g_count = e->pb->g;
    for (size_t b = 0; b < m; b++) {
        const double *a = z0 + b * g_count, *c = z1 + b * g_count;
        double s00 = 0, s01 = 0, s11 = 0;
        for (size_t h = 0; h < g_count; h++) {
            s00 += a[h] * a[h];
            s01 += a[h] * c[h];
            s11 += c[h] * c[h];
        }
        e->d00[b0 + b] = s00;
        e->d01[b0 + b] = s01;
        e->d11[b0 + b] = s11;
    }
}

/* Z = diag(s) V - D (S'V), the draws' cluster scores along a (G x m). */
static void cluster_scores(const draw_job *j, const double *v, size_t m, const double *s,
                           const double *S, double *p, double *z)
{
    int g_count = (int)j->e->pb->g, k = (int)j->e->pb->k;
    for (size_t b = 0; b < m; b++)
        for (int h = 0; h < g_count; h++)
            z[b * (size_t)g_count + (size_t)h] = s[h] * v[b * (size_t)g_count + (size_t)h];
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, k, (int)m, g_count, 1.0, S, g_count, v,
                g_count, 0.0, p, k);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, g_count, (int)m, k, -1.0, j->D,
                g_count, p, k, 1.0, z, g_count);
}

static void draw_part(void *arg, size_t lo, size_t hi, int part)
{
    draw_job *j = arg;
    wcr *e = j->e;
    const wild_problem *pb = e->pb;
    size_t g_count = pb->g;
    size_t block = j->block;
    double *v = j->scratch[part], *z0 = v + g_count * block;
    double *z1 = z0 + g_count * block, *p = z1 + g_count * block;
    for (size_t b0 = lo; b0 < hi && !j->cancelled; b0 += block) {
        size_t m = hi - b0 < block ? hi - b0 : block;
        for (size_t i = 0; i < m * g_count; i++)
            v[i] = pb->value[pb->code[b0 * g_count + i]];
        cblas_dgemv(CblasColMajor, CblasTrans, (int)g_count, (int)m, 1.0, v, (int)g_count, j->s0,
                    1, 0.0, e->n0 + b0, 1);
        cblas_dgemv(CblasColMajor, CblasTrans, (int)g_count, (int)m, 1.0, v, (int)g_count, j->s1,
                    1, 0.0, e->n1 + b0, 1);
        cluster_scores(j, v, m, j->s0, j->S0, p, z0);
        cluster_scores(j, v, m, j->s1, j->S1, p, z1);
        denominators(e, b0, m, z0, z1);
        if (eff_ctx_cancelled(pb->ctx))
            j->cancelled = 1;
    }
}

/* The five numbers of every draw from the sums (s0 = S0 a, s1 = S1 a, D = a_jj S1 A). */
static eff_status run_draws(wcr *e, const sums *s, const double *A, const double *a,
                            eff_error *err)
{
    const wild_problem *pb = e->pb;
    size_t g_count = pb->g, k = pb->k;
    double *s0 = eff_mallocarray(g_count, sizeof *s0), *s1 = eff_mallocarray(g_count, sizeof *s1);
    double *D = eff_mallocarray(g_count * k, sizeof *D);
    draw_job job;
    memset(&job, 0, sizeof job);
    int parts = eff_parallel_parts((size_t)pb->reps, 4 * BLOCK_DRAWS), ok = s0 && s1 && D;
    job.block = BLOCK_DOUBLES / (3 * g_count + k);
    job.block = job.block < 1 ? 1 : job.block > BLOCK_DRAWS ? BLOCK_DRAWS : job.block;
    for (int t = 0; t < parts && ok; t++)
        ok = (job.scratch[t] = eff_mallocarray((3 * g_count + k) * job.block,
                                               sizeof(double))) != NULL;
    eff_status st = ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)g_count, (int)k, 1.0, s->s0, (int)g_count,
                    a, 1, 0.0, s0, 1);
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)g_count, (int)k, 1.0, s->s1, (int)g_count,
                    a, 1, 0.0, s1, 1);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)g_count, (int)k, (int)k,
                    a[pb->jk], s->s1, (int)g_count, A, (int)k, 0.0, D, (int)g_count);
        job.e = e;
        job.s0 = s0;
        job.s1 = s1;
        job.S0 = s->s0;
        job.S1 = s->s1;
        job.D = D;
        eff_parallel_for(parts, (size_t)pb->reps, draw_part, &job);
        if (job.cancelled)
            st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted in the wild bootstrap");
    }
    for (int t = 0; t < EFF_MAX_PARTS; t++)
        eff_free(job.scratch[t]);
    eff_free(s0);
    eff_free(s1);
    eff_free(D);
    return st;
}

/* ---- the engine ---- */

static eff_status wcr_eval(wild_engine *base, double theta, double *stat, double *draws,
                           eff_error *err)
{
    (void)err;
    wcr *e = (wcr *)base;
    double delta = e->theta0 - theta, c = e->pb->c;
    for (long b = 0; b < e->pb->reps; b++) {
        double num = e->n0[b] + delta * e->n1[b];
        double den = e->d00[b] + delta * (2 * e->d01[b] + delta * e->d11[b]);
        draws[b] = num / sqrt(c * den);
    }
    *stat = (e->pb->estimate - theta) / e->se;
    return EFF_OK;
}

static void wcr_free(wild_engine *base)
{
    wcr *e = (wcr *)base;
    if (!e)
        return;
    eff_free(e->n0);
    eff_free(e->n1);
    eff_free(e->d00);
    eff_free(e->d01);
    eff_free(e->d11);
    eff_free(e);
}

static wcr *wcr_alloc(const wild_problem *pb, double theta0)
{
    wcr *e = eff_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->base.eval = wcr_eval;
    e->base.destroy = wcr_free;
    e->base.root_tol = 1e-9;
    e->base.grid = 24;
    e->pb = pb;
    e->theta0 = theta0;
    size_t b = (size_t)pb->reps;
    e->n0 = eff_mallocarray(b, sizeof(double));
    e->n1 = eff_mallocarray(b, sizeof(double));
    e->d00 = eff_mallocarray(b, sizeof(double));
    e->d01 = eff_mallocarray(b, sizeof(double));
    e->d11 = eff_mallocarray(b, sizeof(double));
    if (!e->n0 || !e->n1 || !e->d00 || !e->d01 || !e->d11) {
        wcr_free(&e->base);
        return NULL;
    }
    return e;
}

eff_status wild_wcr_new(const wild_problem *pb, double theta0, wild_engine **out,
                        eff_error *err)
{
    size_t k = pb->k;
    wcr *e = wcr_alloc(pb, theta0);
    double *A = eff_mallocarray(k * k, sizeof *A), *beta0 = eff_mallocarray(k, sizeof *beta0);
    pass_job job;
    memset(&job, 0, sizeof job);
    eff_status st = e && A && beta0 ? EFF_OK
                                    : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st)
        st = bread(pb, A, err);
    if (!st) { /* least squares under b_j = theta0: b - a (b_j - theta0) / a_jj */
        const double *a = A + pb->jk * k;
        for (size_t c = 0; c < k; c++)
            beta0[c] = pb->beta[c] - a[c] * (pb->estimate - theta0) / a[pb->jk];
        beta0[pb->jk] = theta0;
        st = cluster_sums(pb, a, beta0, &job, err);
    }
    if (!st) {
        double m = 0;
        for (size_t h = 0; h < pb->g; h++)
            m += job.part[0].su[h] * job.part[0].su[h];
        e->se = sqrt(pb->c * m);
        e->base.scale = e->se;
        st = run_draws(e, &job.part[0], A, A + pb->jk * k, err);
    }
    for (int t = 0; t < EFF_MAX_PARTS; t++)
        free_sums(&job.part[t]);
    eff_free(A);
    eff_free(beta0);
    if (st) {
        wcr_free(e ? &e->base : NULL);
        return st;
    }
    *out = &e->base;
    return EFF_OK;
}
