/* survey.h - the stakeholder survey of the seed's chapter 5: respondents per theme (Table
 * 5.1), and for each item and theme the share answering in the top two categories of the scale
 * ("i høj grad", "i meget høj grad") with its 95% Wilson interval and N (Tables 5.2 and 5.3),
 * and the full distribution of the answers.
 *
 * Answers are labels of an ordered scale (default the Danish five, "slet ikke" .. "i meget høj
 * grad", matched without regard to case or surrounding blanks) or its codes 1..k; "ved ikke"
 * (or code 9) and empty answers are counted apart and, by default, left out of the
 * denominator. A theme answered by fewer respondents than the disclosure threshold is
 * suppressed, and so is what would give it away through the total of Table 5.1.
 * Ownership: eff_survey_compute fills a result the caller frees with eff_survey_free. */
#ifndef EFF_SURVEY_H
#define EFF_SURVEY_H

#include <stddef.h>

#include "status.h"
#include "table.h"

enum { EFF_SURVEY_MAX_SCALE = 10 };

typedef struct eff_survey_options {
    const char *theme;                  /* the theme column */
    const char *const *items;           /* the item columns */
    size_t n_items;
    const char *const *scale;           /* labels from low to high; NULL: the Danish five */
    size_t n_scale;
    const char *const *themes;          /* the themes expected, in order; NULL: as found */
    size_t n_themes;
    int dont_know_include;              /* 1: "ved ikke" and empty answers in the denominator */
    long threshold;                     /* fewest respondents a theme is shown with */
} eff_survey_options;

typedef struct eff_survey_cell {
    long counts[EFF_SURVEY_MAX_SCALE + 2]; /* per scale step, then "ved ikke", then empty */
    long n;                             /* the denominator */
    double share, low, high;            /* top two of the scale; 95% Wilson interval */
} eff_survey_cell;

typedef struct eff_survey {
    size_t n_themes, n_items, n_scale;
    char **themes;
    long *respondents;                  /* per theme */
    int *hidden;                        /* per theme: suppressed (disclosure) */
    long total;                         /* respondents; -1 when it would give a theme away */
    eff_survey_cell *cells;             /* [item * n_themes + theme] */
} eff_survey;

/* Errors (EFF_EINVAL), each naming the file, row and column: an answer not on the scale, a
 * respondent without a theme or with one not among `themes`, an expected theme with no
 * respondents, an unknown column, fewer than two scale steps. */
eff_status eff_survey_compute(const eff_table *t, const eff_survey_options *opt,
                              eff_survey *out, eff_error *err);
void eff_survey_free(eff_survey *s);

/* The Wilson score interval of x successes in n at confidence `level` (e.g. 0.95), as R's
 * prop.test(x, n, correct = FALSE) gives it. n = 0: NaN. */
void eff_survey_wilson(long x, long n, double level, double *low, double *high);

#endif
