/* glm_vcov.c - model-based, HC1 and one-way cluster-robust variances (formulas in glm.h). */
#include <cblas.h>
#include <string.h>

#include "glm_internal.h"
#include "parallel.h"
#include "mem.h"

enum { BLOCK_ROWS = 2048, MAX_PARTS = EFF_MAX_PARTS };

/* The score weight u_i = w_i (y_i - mu_i): for the canonical links the score of row i is
 * x_i u_i (linear: w_i e_i; logit: w_i (y_i - p_i)). */
static double score_weight(const glm_work *w, size_t i)
{
    return (w->w ? w->w[i] : 1.0) * (w->y[i] - w->mu[i]);
}

typedef struct meat_job {
    const glm_work *w;
    double *u;                /* score weights, n */
    double *meat[MAX_PARTS]; /* K x K per part */
    double *block[MAX_PARTS];
    double *sums[MAX_PARTS]; /* cluster sums, G x K per part */
} meat_job;

/* sum_i s_i s_i' over rows [lo, hi): rows x_i u_i into a block, then dsyrk. */
static void hc_part(void *arg, size_t lo, size_t hi, int part)
{
    meat_job *j = arg;
    const glm_work *w = j->w;
    size_t k = w->k;
    double *b = j->block[part];
    memset(j->meat[part], 0, k * k * sizeof(double));
    for (size_t r0 = lo; r0 < hi; r0 += BLOCK_ROWS) {
        size_t m = hi - r0 < BLOCK_ROWS ? hi - r0 : BLOCK_ROWS;
        for (size_t c = 0; c < k; c++)
            for (size_t i = 0; i < m; i++)
                b[c * BLOCK_ROWS + i] = w->x[c * w->n + r0 + i] * j->u[r0 + i];
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)m, 1.0, b, BLOCK_ROWS,
                    1.0, j->meat[part], (int)k);
    }
}

/* S_g = sum_{i in g} s_i over rows [lo, hi), into this part's G x K sums. */
static void cluster_part(void *arg, size_t lo, size_t hi, int part)
{
    meat_job *j = arg;
    const glm_work *w = j->w;
    size_t g_count = w->n_clusters;
    double *u = j->sums[part];
    memset(u, 0, g_count * w->k * sizeof(double));
    for (size_t c = 0; c < w->k; c++) {
        const double *xc = w->x + c * w->n;
        double *uc = u + c * g_count;
        for (size_t i = lo; i < hi; i++)
            uc[w->clusters[i]] += xc[i] * j->u[i];
    }
}

static eff_status meat_hc(const glm_work *w, double *u, double *meat, eff_error *err)
{
    meat_job job;
    memset(&job, 0, sizeof job);
    job.w = w;
    job.u = u;
    int parts = w->threads, ok = 1;
    for (int t = 0; t < parts && ok; t++) {
        job.meat[t] = eff_mallocarray(w->k * w->k, sizeof(double));
        job.block[t] = eff_mallocarray((size_t)BLOCK_ROWS * w->k, sizeof(double));
        ok = job.meat[t] && job.block[t];
    }
    if (ok) {
        eff_parallel_for(parts, w->n, hc_part, &job);
        memset(meat, 0, w->k * w->k * sizeof *meat);
        for (int t = 0; t < parts; t++)
            for (size_t i = 0; i < w->k * w->k; i++)
                meat[i] += job.meat[t][i];
    }
    for (int t = 0; t < MAX_PARTS; t++) {
        eff_free(job.meat[t]);
        eff_free(job.block[t]);
    }
    return ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
}

static eff_status meat_cluster(const glm_work *w, double *u, double *meat, eff_error *err)
{
    if (w->cluster_sums_ready) { /* collected by the fit's last pass */
        memset(meat, 0, w->k * w->k * sizeof *meat);
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)w->k, (int)w->n_clusters, 1.0,
                    w->cluster_sums, (int)w->n_clusters, 0.0, meat, (int)w->k);
        return EFF_OK;
    }
    meat_job job;
    memset(&job, 0, sizeof job);
    job.w = w;
    job.u = u;
    size_t g_count = w->n_clusters;
    /* one G x K array per part; with clusters nearly as many as rows, that would cost a copy
     * of the design per part, so such problems run in one part */
    int parts = g_count * 4 > w->n ? 1 : w->threads, ok = 1;
    for (int t = 0; t < parts && ok; t++)
        ok = (job.sums[t] = eff_mallocarray(g_count * w->k, sizeof(double))) != NULL;
    if (ok) {
        eff_parallel_for(parts, w->n, cluster_part, &job);
        for (int t = 1; t < parts; t++)
            for (size_t i = 0; i < g_count * w->k; i++)
                job.sums[0][i] += job.sums[t][i];
        memset(meat, 0, w->k * w->k * sizeof *meat);
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)w->k, (int)g_count, 1.0,
                    job.sums[0], (int)g_count, 0.0, meat, (int)w->k);
    }
    for (int t = 0; t < MAX_PARTS; t++)
        eff_free(job.sums[t]);
    return ok ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
}

/* vcov = adj * B M B, with M's upper triangle filled (dsyrk) and B symmetric. */
static eff_status sandwich(const glm_work *w, double *meat, double adj, double *vcov,
                           eff_error *err)
{
    size_t k = w->k;
    double *tmp = eff_mallocarray(k * k, sizeof *tmp);
    if (!tmp)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    cblas_dsymm(CblasColMajor, CblasRight, CblasUpper, (int)k, (int)k, 1.0, meat, (int)k,
                w->bread, (int)k, 0.0, tmp, (int)k); /* tmp = B M */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)k, (int)k, adj, tmp,
                (int)k, w->bread, (int)k, 0.0, vcov, (int)k);
    for (size_t j = 0; j < k; j++) /* exact symmetry, whatever the rounding */
        for (size_t i = 0; i < j; i++)
            vcov[i * k + j] = vcov[j * k + i] = 0.5 * (vcov[i * k + j] + vcov[j * k + i]);
    eff_free(tmp);
    return EFF_OK;
}

eff_status glm_vcov(const glm_work *w, const eff_glm_options *opt, eff_glm_family family,
                    double sigma2, double n_obs, double *vcov, eff_error *err)
{
    size_t k = w->k;
    int linear = family == EFF_GLM_GAUSSIAN;
    if (opt->vcov == EFF_VCOV_IID) {
        for (size_t i = 0; i < k * k; i++)
            vcov[i] = w->bread[i] * (linear ? sigma2 : 1.0);
        return EFF_OK;
    }
    double *meat = eff_mallocarray(k * k, sizeof *meat), *u = eff_mallocarray(w->n, sizeof *u);
    if (!meat || !u) {
        eff_free(meat);
        eff_free(u);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; !(opt->vcov == EFF_VCOV_CLUSTER && w->cluster_sums_ready) && i < w->n; i++)
        u[i] = score_weight(w, i);
    double nk = (n_obs - 1) / (n_obs - (double)k), adj;
    eff_status st;
    if (opt->vcov == EFF_VCOV_HC1) {
        st = meat_hc(w, u, meat, err);
        adj = linear ? n_obs / (n_obs - (double)k) : n_obs / (n_obs - 1);
    } else {
        st = meat_cluster(w, u, meat, err);
        double g = (double)w->n_clusters;
        int with_nk = opt->cluster_nk_adjust < 0 ? linear : opt->cluster_nk_adjust;
        adj = g / (g - 1) * (with_nk ? nk : 1.0);
    }
    if (!st)
        st = sandwich(w, meat, adj, vcov, err);
    eff_free(meat);
    eff_free(u);
    return st;
}
