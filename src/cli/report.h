/* report.h - shared by the parts of DIR/report.html: report.c (the page, chapters 1, 2, 4, 5
 * and the method appendix), report_iv.c (chapter 3: one section per intervention),
 * report_svg.c (the figures new to the report); every label is in i18n.c (i18n.h), the
 * seed's names in run_labels.c. Only what passed disclosure control is printed. */
#ifndef EFF_REPORT_H
#define EFF_REPORT_H

#include "i18n.h"
#include "run_cli.h"

/* Names for the seed's ids, e.g. "fritidsjob" -> "Fritidsjobindsatsen"; else the id. */
const char *report_iv_name(const char *id, int da);
/* An outcome as a noun for the sentences, e.g. "fritidsjob" -> "et fritidsjob". */
const char *report_outcome_name(const char *id, int da);
/* A cluster kind ("set", "person", "plan", "estate") in words. */
const char *report_cluster_name(const char *kind, int da);
/* 2..10 as a word ("tre" / "three"); NULL outside. */
const char *report_number_word(int n, int da);

/* Escapes &, <, > and " for HTML text and attribute values. */
void report_esc(cli_out *o, const char *s);
/* A number in the report's language (decimal comma in Danish), "–" when not finite. */
void report_num(char *buf, size_t size, double v, int dec, int da);

/* report_iv.c: the section of one intervention (chapter 3, number k from 1), its figures
 * also written under DIR/figures/. *fig counts the chapter's figures. */
eff_status report_iv_section(cli_out *o, const run_info *ri, const eff_eval_iv *iv, int k,
                             int *fig, eff_error *err);

/* report_svg.c: the typical person's predicted paths with 95% bands (percent axis); the
 * effects by event time with 95% intervals (odds ratios on a log axis, else pp). Hidden
 * points are left out. */
void report_typical_svg(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg, int da);
void report_effects_svg(cli_out *o, const eff_eval_iv *iv, int da);
/* The number of effects report_effects_svg would draw, the references left out. */
size_t report_effects_drawn(const eff_eval_iv *iv);

#endif
