/* ind_internal.h - shared by the indicator engine's files: indicator.c (the run over the
 * years, the merge, disclosure, the result), ind_frame.c (one year's registers joined to its
 * population register) and ind_year.c (one year's accumulators). */
#ifndef EFF_IND_INTERNAL_H
#define EFF_IND_INTERNAL_H

#include <stdint.h>

#include "dict.h"
#include "indicator.h"
#include "table.h"

enum { IND_AREAS = 3, IND_MAX_SLOTS = 64 }; /* udsat, almen, oevrig */
enum { IND_UDSAT, IND_ALMEN, IND_OEVRIG };

/* The registers a column may come from, in the order they are searched. */
enum { IND_N_SOURCES = 6 };
extern const eff_cfg_file ind_sources[IND_N_SOURCES];

/* A column of the year's frame, one value per bef row. */
typedef struct ind_col {
    const char *name;   /* as the config writes it (borrowed) */
    long line;          /* the config line that names it first */
    int file;           /* the register holding it (eff_cfg_file), -1 not found */
    int is_text;
    double *num;        /* numbers: NaN when missing */
    int32_t *code;      /* text: code in dict, -1 when missing */
    eff_dict *dict;     /* retained */
} ind_col;

/* One year's population register with the columns the indicators need. */
typedef struct ind_frame {
    const eff_config *c;
    int year;
    size_t n;           /* persons of bef */
    int16_t *age;       /* -1 missing */
    int8_t *area;       /* IND_UDSAT.. */
    ind_col *cols;
    size_t n_cols;
    eff_dict *pnr;      /* bef's ids (retained), code -> row in row_of */
    int32_t *row_of;
    int32_t *pnr_code;  /* per row: its id's code */
    int32_t *sorted;    /* the id codes in byte order: the other registers are merged on it */
    size_t n_codes;
} ind_frame;

/* Every person's distinct event dates over the history years (ind_history.c). */
typedef struct ind_history {
    eff_dict *ids;
    int32_t *start;     /* person p's dates are dates[start[p] .. start[p + 1]) */
    int32_t *dates;
    int first_year, last_year;
} ind_history;

/* A persistence indicator's two halves: the base year's group, and who is in the population
 * register `after` years later with the condition (1), without it (0). */
typedef struct ind_persist {
    char **pnr;         /* the base group's ids (copied) */
    int8_t *area;
    size_t n;
    eff_dict *ids;      /* the later year's ids (retained) */
    int8_t *status;     /* by code in ids: 1, 0; -1 not in the register */
    const double *weights;
} ind_persist;

/* Sums behind one cell. */
typedef struct ind_acc {
    long n, with;       /* persons; persons with the condition (share, poverty, rate: >= 1) */
    double w, wx;       /* weights; weighted values */
} ind_acc;

/* One indicator in one year: accumulators by area and subgroup slot; the last slot holds the
 * persons whose subgroup value is missing. */
typedef struct ind_part {
    size_t n_slots;     /* labelled slots */
    char **labels;      /* "herkomst=dansk", two joined by & */
    ind_acc *acc;       /* IND_AREAS x (n_slots + 1) */
    int active;         /* the year is in the indicator's years */
    long left[IND_AREAS]; /* persistence: the base group no longer in the register */
    /* poverty over several years: the population's rows, tallied once every year's poor
     * are known (ind_poverty_tally) */
    char **pnr;
    int8_t *area, *poor_now;
    int16_t *slot;      /* a labelled slot, or n_slots for the missing */
    size_t n_rows;
    eff_dict *below;    /* the year's persons below the line, of the ages that matter */
} ind_part;

/* The column `name` of the frame, or -1. */
long ind_frame_col(const ind_frame *f, const char *name);
/* The first year whose registers an indicator reads: poverty over several years needs the
 * years before its first (indicator.c). */
int ind_lead_year(const eff_cfg_indicator *d);
/* Reads year `year`: bef and every register holding a needed column, joined by person id.
 * `weights` are per area. */
eff_status ind_frame_load(const eff_config *c, int year, const eff_ctx *ctx, ind_frame *f,
                          eff_error *err);
void ind_frame_free(ind_frame *f);

/* A condition resolved against columns (ind_year.c): each term's column, and its value as a
 * code (text columns; -1 when no row has it) or a number. */
typedef struct ind_term {
    const ind_col *col;
    eff_cmp_op op;
    double number;
    int32_t code;
} ind_term;

typedef struct ind_cond {
    ind_term t[EFF_CFG_MAX_TERMS];
    size_t n;
} ind_cond;

typedef const ind_col *(*ind_find_fn)(const void *where, const char *name);
/* Resolves `in`'s columns through find; errors name the config line. */
eff_status ind_cond_resolve(const eff_config *c, const eff_cfg_cond *in, ind_find_fn find,
                            const void *where, ind_cond *out, eff_error *err);
/* Every term true at row i (a missing value makes its term false). */
int ind_cond_holds(const ind_cond *c, size_t i);
/* The code (text) or number a sex column gives `want` ('M' or 'K'; numbers: 1 and 2). */
int ind_sex_code(const ind_col *sex, char want);

/* ind_measure.c: distinct (case, date) events of the frame's year per row; poverty per row
 * (1 poor, 0 not, -1 not counted). */
eff_status ind_events(const ind_frame *f, const eff_cfg_indicator *d, const eff_ctx *ctx,
                      int32_t **events, eff_error *err);
eff_status ind_poverty(const ind_frame *f, const eff_cfg_indicator *d, const double *weights,
                       int8_t **poor, eff_error *err);

/* Accumulates indicator d over the frame into part (ind_year.c); h is d's event history
 * (recidivism, debut age), else NULL. */
eff_status ind_year_accumulate(const ind_frame *f, const eff_cfg_indicator *d,
                               const double *weights, const ind_history *h, const eff_ctx *ctx,
                               ind_part *part, eff_error *err);
/* 1 for each row in d's population: age, sex and filter. Caller frees *in. */
eff_status ind_population(const ind_frame *f, const eff_cfg_indicator *d, uint8_t **in,
                          eff_error *err);
const ind_col *ind_frame_find(const void *where, const char *name);

/* ind_measure.c: poverty over several years. The year's persons below the line aged up to
 * the indicator's oldest (part->below); then, with every year's part, the tally: a person is
 * poor in t when below in t and in each of the years_below - 1 before (parts[y] is year
 * y0 + y, `target` the year tallied). */
eff_status ind_poverty_below(const ind_frame *f, const eff_cfg_indicator *d,
                             const double *weights, const int8_t *poor, ind_part *part,
                             eff_error *err); /* poor: ind_poverty's, or NULL to compute */
void ind_poverty_tally(const eff_cfg_indicator *d, ind_part *parts, size_t n_years, size_t target,
                       const double *weights);

/* One year of the events register (krim), read once for an indicator: the id column, the
 * logical columns asked for (case, offence date), the indicator's `events` columns, each
 * as an ind_col of the register's rows, and its `events` terms resolved (ind_measure.c). */
typedef struct ind_events_year {
    const char *names[3 + EFF_CFG_MAX_TERMS];
    ind_col cols[3 + EFF_CFG_MAX_TERMS];   /* cols[0] unused: the ids stay in t */
    size_t n, at[3 + EFF_CFG_MAX_TERMS], n_rows;
    eff_table *t;
    ind_cond cond;
} ind_events_year;
/* Reads it; `logical` names the columns after the id (their ind_col are cols[1..]). The
 * offence date must not be text. Errors name the config line. */
eff_status ind_events_read(const ind_frame *f, const eff_cfg_indicator *d,
                           const eff_cfg_col *logical, size_t n_logical, const eff_ctx *ctx,
                           ind_events_year *e, eff_error *err);
void ind_events_close(ind_events_year *e);

/* ind_history.c */
eff_status ind_history_load(const eff_config *c, const eff_cfg_indicator *d, const eff_ctx *ctx,
                            ind_history *h, eff_error *err);
void ind_history_free(ind_history *h);
/* Each frame row's person in the history, -1 for none (caller frees *person). */
eff_status ind_history_rows(const ind_history *h, const ind_frame *f, int32_t **person,
                            eff_error *err);
/* Recidivism (0/1) or debut age of history person p (-1: none) in `year`; NaN when the
 * person is not in the measure. */
double ind_history_value(const ind_history *h, const eff_cfg_indicator *d, int32_t p, int year,
                         double birth);
/* The base group (in f, the base year) of persistence indicator d, and the status (in f,
 * the later year); then the tally into part's all slot, those gone into left[area]. */
eff_status ind_persist_base(const ind_frame *f, const eff_cfg_indicator *d, ind_persist *p,
                            eff_error *err);
eff_status ind_persist_status(const ind_frame *f, const eff_cfg_indicator *d, ind_persist *p,
                              eff_error *err);
void ind_persist_tally(const ind_persist *p, ind_part *part, long *left);
void ind_persist_free(ind_persist *p);

void ind_part_free(ind_part *p);

/* n + 1 elements of `size`, prefaulted (eff_mem_prefault); NULL when out of memory. */
void *ind_alloc(size_t n, size_t size);
/* Column `col` of t as an ind_col of n_out values, row r of t going to rows[r] (rows NULL:
 * r; -1: nowhere). */
eff_status ind_col_fill(ind_col *k, size_t n_out, const eff_table *t, size_t col,
                        const int32_t *rows, eff_error *err);
void ind_col_free(ind_col *k);
/* Reads register `file` of the frame's year: the id column first, then `names` [1..n). */
eff_status ind_read(const ind_frame *f, eff_cfg_file file, const char *const *names, size_t n,
                    const eff_ctx *ctx, eff_table **t, eff_error *err);
/* Where each of names[0..n) is in t (the reader keeps the file's column order). */
eff_status ind_find_cols(const eff_table *t, const char *const *names, size_t n, size_t *at,
                         eff_error *err);
/* A number (dates as days) from a numeric or date column; NaN when missing. */
double ind_number_at(const eff_table *t, size_t col, size_t r);

/* The row of bef for an id in another table's dictionary: a cache per source dictionary. */
eff_status ind_map_rows(const ind_frame *f, const eff_table *t, size_t pnr_col,
                        int32_t **rows, eff_error *err);

#endif
