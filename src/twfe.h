/* twfe.h - the two-way fixed-effects regression y_it = a_i + l_t + x_it'b + e_it, the naive
 * event study that analysts run on a staggered sample (and that Goodman-Bacon, Sun & Abraham
 * and Callaway & Sant'Anna warn about). The unit and period effects are swept out by
 * alternating projections (demeaning by unit, then by period, until the largest change is
 * below tol; the method of lfe and fixest), then b is the least squares fit of the demeaned
 * y on the demeaned x (Frisch-Waugh-Lovell). Standard errors are clustered by unit, with
 * Stata's G/(G-1) (N-1)/(N-K) factor where K counts only x (the unit effects are nested in
 * the clusters, as fixest's default). Owns nothing after the call. */
#ifndef EFF_TWFE_H
#define EFF_TWFE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct eff_twfe_data {
    size_t n, k;
    const double *y;         /* n */
    const double *x;         /* n x k column-major */
    const int32_t *unit;     /* n codes 0..n_units-1 */
    const int32_t *period;   /* n codes 0..n_periods-1 */
    size_t n_units, n_periods;
} eff_twfe_data;

/* b and se (k each). EFF_ESINGULAR when a regressor is collinear with the fixed effects
 * (say, every event time including the reference in a sample without never-treated units),
 * EFF_ENOCONV when the projections do not settle in 10,000 sweeps, EFF_EINVAL, EFF_ENOMEM. */
eff_status eff_twfe_fit(const eff_twfe_data *d, double tol, double *b, double *se,
                        eff_error *err);

#endif
