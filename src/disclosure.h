/* disclosure.h - statistical disclosure control for everything a run prints: Statistics
 * Denmark lets no figure leave its machines that rests on too few persons.
 *
 * A run registers every cell it means to print (a count, a share, a mean, a table cell, a
 * subgroup N), with the distinct persons behind it and, for a share, the persons with the
 * condition; it declares the margins that tie cells together (an `all` that is the sum of
 * its subgroups; the whole population, the sum of the three area types); then applies:
 * - primary suppression: fewer persons than the threshold, or (for a share) fewer than the
 *   threshold with the condition or without it;
 * - secondary suppression: a margin with exactly one suppressed cell gives it away (it is
 *   the total less the others), and so do suppressed parts whose sum rests on fewer persons
 *   than the threshold; so the margin's cheapest non-empty shown cell (an unpublished one,
 *   else the smallest) is suppressed as well, until no margin gives one away; cells only ever
 *   become suppressed, so this ends. An empty cell (suppressed for want of persons) is neither
 *   given away nor a partner: it hides nothing.
 * Every suppression keeps its reason. The threshold is 5 by default and never below 3.
 * Limits: the margin rule (no margin with exactly one hidden cell) is the usual heuristic, not
 * an exact audit: a linear combination across several margins can in principle still narrow a
 * hidden cell; an interval (LP) audit of the run's tables is not done. A margin listing a cell
 * twice counts it once.
 *
 * Ownership: eff_sdc_new returns a table the caller frees with eff_sdc_free; cell ids are
 * copied. Deterministic: ties go to the earlier registered cell. */
#ifndef EFF_DISCLOSURE_H
#define EFF_DISCLOSURE_H

#include <stddef.h>

#include "status.h"

enum { EFF_SDC_DEFAULT_THRESHOLD = 5, EFF_SDC_MIN_THRESHOLD = 3 };

typedef struct eff_sdc eff_sdc;

/* EFF_EINVAL when threshold < 3. */
eff_status eff_sdc_new(long threshold, eff_sdc **out, eff_error *err);
void eff_sdc_free(eff_sdc *s); /* NULL is a no-op */

long eff_sdc_threshold(const eff_sdc *s);

/* Registers a cell: `id` names it in the log (e.g. "indicators/neet_16_24/udsat/2016"),
 * `persons` the distinct persons behind it, `with` those with the condition for a share
 * (-1 for a count or a mean). *index (may be NULL) is the cell's number. EFF_EINVAL on a
 * negative count or with > persons. */
eff_status eff_sdc_cell(eff_sdc *s, const char *id, long persons, long with, size_t *index,
                        eff_error *err);

/* Declares that cell `total` is made of cells parts[0..n) (recoverable by subtraction).
 * EFF_EINVAL on an unknown cell or fewer than 1 part. */
eff_status eff_sdc_margin(eff_sdc *s, size_t total, const size_t *parts, size_t n,
                          eff_error *err);

/* Marks a headline figure (an analysed N): secondary suppression picks it only when no
 * other shown cell of the margin is left. Primary suppression is unchanged. */
void eff_sdc_headline(eff_sdc *s, size_t index);

/* Marks a cell that is never printed but ties printed cells together (the rest of the country
 * in "whole population = udsat + almen + the rest"; persons with a missing subgroup value in
 * "all = the subgroups"): it is registered so that a margin can give it away, and secondary
 * suppression hides it first, at no cost. Empty, it is not sensitive: nothing to give away. */
void eff_sdc_unpublished(eff_sdc *s, size_t index);

/* Suppresses a cell for a reason the caller knows (a tie no margin expresses, e.g. a cell that
 * is another's numerator); 1 when it was shown. Call eff_sdc_apply again afterwards. */
int eff_sdc_suppress(eff_sdc *s, size_t index, const char *reason);

/* Primary, then secondary suppression to a fixed point. May be called again after more cells
 * are registered. */
eff_status eff_sdc_apply(eff_sdc *s, eff_error *err);

size_t eff_sdc_n_cells(const eff_sdc *s);
int eff_sdc_suppressed(const eff_sdc *s, size_t index);
/* Why a cell is suppressed ("" when shown); borrowed, valid until the next call. */
const char *eff_sdc_reason(const eff_sdc *s, size_t index);
const char *eff_sdc_id(const eff_sdc *s, size_t index);
size_t eff_sdc_n_suppressed(const eff_sdc *s);

/* A model coefficient or prediction may be shown when its treated x event-time cell has at
 * least the threshold of persons with y = 1 and with y = 0 (1), else not (0). */
int eff_sdc_coef_ok(const eff_sdc *s, long persons_y1, long persons_y0);

#endif
