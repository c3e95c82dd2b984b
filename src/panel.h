/* panel.h - the person-year panel: yearly register files read as one table with a `year`
 * column taken from each file's name (bef2011.sas7bdat -> 2011), and registers joined on
 * (pnr, year). Reads only the requested columns and, optionally, only the rows of a set of
 * persons, so a national register costs what the evaluation needs of it. */
#ifndef EFF_PANEL_H
#define EFF_PANEL_H

#include <stddef.h>

#include "regfile.h"

/* The year in a register file's name: the last run of exactly four digits in the base name
 * before the extension ("bef2011.csv", "udda_2015.sas7bdat"). -1 when there is none. */
int eff_panel_year_of(const char *path);

/* Reads the yearly files `paths` (any mix of formats) with `opt` and stacks them, adding an
 * integer column `year` (the name's year) at the end. Columns stack as eff_table_stack does:
 * a column whose types disagree between two years is EFF_EINVAL naming both files. A file
 * with no year in its name, or one that already has a `year` column, is EFF_EINVAL. Caller
 * owns *out. */
eff_status eff_panel_read(const char *const *paths, size_t n_paths, const eff_read_options *opt,
                          const eff_ctx *ctx, eff_table **out, eff_error *err);

/* Joins two person-year tables on (pnr, year), left or inner, with (pnr, year) unique on the
 * right. Logs, through ctx, how many rows found no partner on each side, and returns those
 * counts in `stats` (may be NULL). Caller owns *out. */
eff_status eff_panel_join(const eff_table *left, const eff_table *right, eff_join_kind kind,
                          const eff_ctx *ctx, eff_table **out, eff_join_stats *stats,
                          eff_error *err);

#endif
