/* chapters.h - the seed's chapters 2 (funding) and 5 (the stakeholder survey) as text, JSON
 * and files, shared by `effekt funding`, `effekt survey` and `effekt run` (cmd_funding.c,
 * cmd_survey.c, cmd_run.c).
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#ifndef EFF_CHAPTERS_H
#define EFF_CHAPTERS_H

#include <jansson.h>

#include "cli.h"

/* Chapter 2: every figure as JSON (caller owns), or the Danish/English table. */
json_t *funding_json(const eff_funding *f);
void funding_text(cli_out *o, const eff_funding *f, int da);

/* Chapter 5: DIR/responses.csv, DIR/items.csv and DIR/figures/survey_ITEM.svg (DIR and its
 * figures/ created); `scale` the labels low to high, NULL for the Danish five. Themes hidden
 * by disclosure control are in none of them. */
eff_status survey_files(const char *dir, const char *const *items, const char *const *scale,
                        const eff_survey *s, int da, eff_error *err);
/* The charts alone, as FIGURES/survey_ITEM.svg (FIGURES must exist): the run's DIR/figures/. */
eff_status survey_charts(const char *figures, const char *const *items,
                         const char *const *scale, const eff_survey *s, int da, eff_error *err);
/* Chapter 5's chart of item i (a bar per shown theme, answers stacked) into o. */
void survey_chart_svg(cli_out *o, const char *const *items, const char *const *scale,
                      const eff_survey *s, size_t i, int da);
/* Tables 5.1-5.3 and the summary, as `effekt survey` prints them. */
void survey_text(cli_out *o, const char *const *items, const eff_survey *s, int da);
json_t *survey_json(const char *const *items, const eff_survey *s);

#endif
