/* indicator.h - status indicators by area type (the seed's Figures 3.1, 3.3, 3.4 and chapter
 * 4): for every [indicator.ID] of the config and every year, the indicator's value for the
 * residents of the estates under a 2011-14 plan (udsat), of other social housing (almen) and
 * of the whole population (befolkning, which includes both), overall (`all`) and by subgroup.
 *
 * Measures (config.h eff_ind_measure): the percent of a population with a condition; the mean
 * of a value; events (distinct case and date) per 1,000 residents; child poverty, the percent
 * whose equivalised family income is below a share of the whole population's median. The
 * population is the persons of the year's population register (bef, 1 January) with the
 * indicator's age, sex and filter; every other register of the year (udda, bfl, fravaer, ras,
 * ind) is joined to it by person id, and a column is found in whichever register holds it.
 * A person with no row in a register has that register's columns missing, and a term on a
 * missing value is false (a person with no bfl row has no leisure job).
 *
 * Sampled extracts (Synthetic Denmark samples the areas outside the plans) give each area type
 * a weight ([indicators] weights): values are weighted, `n` stays the persons counted.
 *
 * Disclosure: every cell, the unpublished ones included (the rest of the country, `oevrig`,
 * and persons whose subgroup value is missing), goes through disclosure.h with its margins
 * (befolkning = udsat + almen + oevrig; all = the subgroups + missing), so no suppressed cell
 * can be recovered by subtraction. Numerators and denominators stay in this module: what
 * leaves it is the value and the persons behind a shown cell.
 *
 * Years are computed in parallel (eff_parallel_for); the result does not depend on the number
 * of threads. Ownership: eff_ind_compute returns a result the caller frees with eff_ind_free;
 * strings in cells are borrowed from the result and the config. */
#ifndef EFF_INDICATOR_H
#define EFF_INDICATOR_H

#include <stddef.h>

#include "config.h"
#include "status.h"

typedef struct eff_indicators eff_indicators;

/* One published cell: what indicators.csv and the charts show. */
typedef struct eff_ind_cell {
    const char *indicator;   /* the config's id */
    const char *group;       /* "udsat", "almen" or "befolkning" */
    const char *subgroup;    /* "all", or COLUMN=VALUE, two joined by & */
    int year;
    double value;            /* percent, per `per`, or the mean; NaN when suppressed or empty */
    long n;                  /* distinct persons behind it; -1 when suppressed */
    const char *reason;      /* why suppressed ("" when shown) */
    long gone;               /* persistence: the base group no longer in the population
                                register (deaths, emigrants); -1 otherwise or suppressed */
    const char *seed_figure; /* id in the seed's figures, or NULL */
    double seed_value;       /* the seed's value (NaN when none) */
} eff_ind_cell;

/* Computes every indicator of `c`, its cells through disclosure control at the config's
 * threshold (ids "indicators/ID/GROUP/SUBGROUP/YEAR" in the reasons). Errors name the config
 * line: EFF_EINVAL for a column no register of the year holds, a condition comparing a
 * number column with text, a subgroup column with more than 64 values; EFF_EIO/EFF_EPARSE
 * from the files. */
eff_status eff_ind_compute(const eff_config *c, const eff_ctx *ctx, eff_indicators **out,
                           eff_error *err);
void eff_ind_free(eff_indicators *r); /* NULL is a no-op */

size_t eff_ind_n_cells(const eff_indicators *r);
size_t eff_ind_n_suppressed(const eff_indicators *r); /* published cells suppressed */
const eff_ind_cell *eff_ind_cell_at(const eff_indicators *r, size_t k);
/* The config's indicator a cell belongs to. */
const eff_cfg_indicator *eff_ind_spec(const eff_indicators *r, const eff_ind_cell *cell);
/* The unit of an indicator's values: "percent", "per_1000" (per `per`) or "value". */
const char *eff_ind_unit(const eff_cfg_indicator *d);

#endif
