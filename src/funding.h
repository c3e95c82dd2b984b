/* funding.h - the seed's chapter 2: what Landsbyggefonden granted to the comprehensive plans
 * (helhedsplaner), how many estates and residents they covered, the mean grant per plan,
 * estate and resident, each plan's local co-financing as a share of its total budget (grant
 * plus co-financing) with the plans below the required share flagged, and how the
 * co-financing splits across its sources (housing organisations, municipalities, others).
 *
 * Input: a plans table (plan_id, name, municipality, grant_dkk, cofin_housing_dkk,
 * cofin_municipality_dkk, cofin_other_dkk) and an estates table (estate_id, plan_id,
 * residents; estates without a plan_id are other social housing and are passed over).
 * Amounts and counts are public figures of the plans, not about persons: no disclosure
 * control applies.
 * Ownership: eff_funding_compute fills a result the caller frees with eff_funding_free. */
#ifndef EFF_FUNDING_H
#define EFF_FUNDING_H

#include <stddef.h>

#include "status.h"
#include "table.h"

enum { EFF_FUNDING_SOURCES = 3 }; /* housing organisations, municipalities, others */

typedef struct eff_funding_plan {
    double plan_id;
    double grant_dkk, cofin_dkk; /* cofin: the three sources together */
    double cofin_share;          /* cofin / (grant + cofin) */
    int below;                   /* cofin_share under the threshold */
    long estates, residents;
} eff_funding_plan;

typedef struct eff_funding {
    long plans, estates, residents;
    double grant_total_dkk;
    double grant_per_plan_dkk, grant_per_estate_dkk, grant_per_resident_dkk;
    double cofin_total_dkk;
    double cofin_by_source_dkk[EFF_FUNDING_SOURCES];
    double cofin_share_total;      /* all co-financing / all budgets */
    double threshold;
    eff_funding_plan *plan;        /* in the plans table's order */
    size_t n_below;                /* plans flagged */
} eff_funding;

/* Computes chapter 2 from the two tables (their source paths name the rows in errors).
 * EFF_EINVAL for a missing column, a negative or missing amount, a plan listed twice, an
 * estate listed twice, an estate whose plan is not in the plans table, or a threshold
 * outside [0, 1), each naming the file and row. */
eff_status eff_funding_compute(const eff_table *plans, const eff_table *estates, double threshold,
                               eff_funding *out, eff_error *err);
void eff_funding_free(eff_funding *f);

#endif
