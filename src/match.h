/* match.h - greedy nearest-neighbour matching on a distance (the propensity score), as
 * MatchIt 4.5.1's method = "nearest" does it, rule for rule, so the matched sets and weights
 * are the same:
 *   - all units are sorted once by distance (stable: ties in data order);
 *   - treated units choose in the given order (largest distance first by default; ties in
 *     data order), in `ratio` rounds over all treated units, not k picks per unit;
 *   - each walks left and right to the nearest eligible control; the left one wins a tie; a
 *     control beyond the caliper stops the walk on that side; controls of another exact
 *     stratum are passed over;
 *   - without replacement a control is used once; with replacement without limit;
 *   - in rounds after the first, MatchIt 4.5.1 compares a control's 0-based index with the
 *     unit's earlier matches stored 1-based (nn_matchC_vec.cpp, check_in): the control just
 *     after an earlier match in data order is passed over, and an earlier match itself is
 *     not. We do the same, to give the same matches (and so, with replacement, a treated
 *     unit can get the same control twice, as in MatchIt).
 * Walks skip used and treated units in amortised constant time (union-find "next free" links
 * in both directions), so the cost is O(n log n) for the sort plus about O(n) for the walks.
 * Weights are MatchIt's ATT weights: matched treated 1; a control the sum over its matches of
 * 1/(controls of that treated unit), rescaled so the control weights sum to the number of
 * distinct matched controls. */
#ifndef EFF_MATCH_H
#define EFF_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum eff_match_order {
    EFF_ORDER_LARGEST, EFF_ORDER_SMALLEST, EFF_ORDER_DATA, EFF_ORDER_RANDOM
} eff_match_order;

typedef enum eff_discard {
    EFF_DISCARD_NONE, EFF_DISCARD_TREATED, EFF_DISCARD_CONTROL, EFF_DISCARD_BOTH
} eff_discard;

typedef struct eff_match_options {
    int ratio;            /* controls per treated unit (k:1), default 1 */
    int replace;          /* 1: controls may be reused */
    double caliper;       /* 0: none */
    int caliper_sd;       /* 1: caliper in SDs of the distance over units not discarded */
    eff_match_order order;
    uint64_t seed;        /* for EFF_ORDER_RANDOM */
    eff_discard discard;  /* common support on the distance */
} eff_match_options;

eff_match_options eff_match_options_default(void); /* 1:1, no replacement, largest first */

typedef struct eff_match eff_match;

/* Matches the n units: distance[i], treat[i] (0/1), strata[i] (exact-matching codes, or NULL).
 * Errors: EFF_EINVAL (no treated or no control units, a non-finite distance, ratio < 1, a
 * negative caliper). A caliper so tight that nobody matches is not an error: the counts say
 * so. Caller owns *out. */
eff_status eff_match_nearest(const double *distance, const unsigned char *treat,
                             const int32_t *strata, size_t n, const eff_match_options *opt,
                             eff_match **out, eff_error *err);
void eff_match_free(eff_match *m);

typedef struct eff_match_counts {
    size_t treated, controls;
    size_t matched_treated, matched_controls;   /* controls: distinct */
    size_t discarded_treated, discarded_controls;
    double caliper;                             /* in distance units; 0 when none */
} eff_match_counts;

eff_match_counts eff_match_get_counts(const eff_match *m);
/* MatchIt's weight of unit i (0 when unmatched or discarded). */
double eff_match_weight(const eff_match *m, size_t i);
int eff_match_discarded(const eff_match *m, size_t i);
/* Controls matched to unit i in round order (-1 where none); NULL for a control. The array
 * has `ratio` entries. Borrowed. */
const int64_t *eff_match_controls(const eff_match *m, size_t i);
int eff_match_ratio(const eff_match *m);

#endif
