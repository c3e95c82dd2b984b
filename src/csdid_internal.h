/* csdid_internal.h - what csdid.c (the ATT(g,t)) and csdid_agg.c (aggregation, bands,
 * pre-test) share: the fit's layout. */
#ifndef EFF_CSDID_INTERNAL_H
#define EFF_CSDID_INTERNAL_H

#include "csdid.h"

struct eff_cs {
    eff_cs_options opt;
    size_t n;                /* units used */
    size_t n_dropped, n_first;
    size_t n_clusters;
    int32_t *cluster;        /* per unit used */
    int *group;              /* per unit used */
    eff_cs_att *att;
    size_t n_att;
    double *inf;             /* n x n_att, column k = ATT number k's influence function */
    double *inf_cluster;     /* n_clusters x n_att: the column sums within each cluster */
};

/* Sums the n-vector f within clusters into out (n_clusters). */
void eff_cs_cluster_sum(const eff_cs *cs, const double *f, double *out);

/* sqrt(sum_c out_c^2) / n for cluster sums out. */
double eff_cs_se_of(const eff_cs *cs, const double *cluster_sums);

/* The multiplier-bootstrap critical value for the K estimates whose cluster sums are the
 * columns of psi (n_clusters x K) and standard errors se (K; entries that are not finite or
 * zero are left out). NaN without draws or without estimates. */
eff_status eff_cs_band_crit(const eff_cs *cs, const double *psi, const double *se, size_t k,
                            double *crit, eff_error *err);

#endif
