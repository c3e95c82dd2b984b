/* config.h - the evaluation config: one INI file (parsed by inih) that describes a whole
 * evaluation - where the register extracts are and what their columns are called, how each
 * outcome is defined, and the interventions with their population rules, windows, matching
 * and model options, subgroups and typical-person profiles. Every value remembers its config
 * line, so a later check (an unknown column, a profile value the model lacks) can name it.
 * The sections and keys are listed in docs/config.md; examples/lbf-2011-14.ini is the seed.
 * Ownership: eff_config_load returns a config the caller frees with eff_config_free; every
 * string in it belongs to the config. */
#ifndef EFF_CONFIG_H
#define EFF_CONFIG_H

#include <stddef.h>

#include "status.h"

enum { EFF_CFG_MAX_LIST = 16, EFF_CFG_MAX_IV = 8, EFF_CFG_MAX_OUTCOMES = 8, EFF_CFG_MAX_EXTRA = 8 };

/* Logical register columns, mapped to the extract's names in [columns]. */
typedef enum eff_cfg_col {
    EFF_COL_PNR, EFF_COL_SEX, EFF_COL_AGE, EFF_COL_ORIGIN, EFF_COL_CAPITAL,
    EFF_COL_FAMILY_TYPE, EFF_COL_CHILDREN, EFF_COL_MOTHER, EFF_COL_FATHER, EFF_COL_ESTATE,
    EFF_COL_VOCATIONAL, EFF_COL_ENROLLED, EFF_COL_EDUCATION, EFF_COL_HOURS, EFF_COL_ABSENCE,
    EFF_COL_CLASS,
    EFF_COL_ESTATE_ID, EFF_COL_PLAN_2006_10, EFF_COL_PLAN_2011_14,
    EFF_COL_PART_PNR, EFF_COL_PART_ACTIVITY, EFF_COL_PART_START, EFF_COL_PART_PLAN,
    EFF_COL_CASE, EFF_COL_EVENT_DATE, EFF_COL_FAMILY, EFF_COL_BIRTH_DATE,
    EFF_COL_N
} eff_cfg_col;

extern const char *const eff_cfg_col_key[EFF_COL_N];     /* INI keys: "pnr", "sex", ... */
extern const char *const eff_cfg_col_default[EFF_COL_N]; /* Statistics Denmark's names */

typedef enum eff_cfg_file {
    EFF_FILE_BEF, EFF_FILE_UDDA, EFF_FILE_BFL, EFF_FILE_FRAVAER, EFF_FILE_ESTATES,
    EFF_FILE_PARTICIPATION, EFF_FILE_RAS, EFF_FILE_IND, EFF_FILE_KRIM, EFF_FILE_N
} eff_cfg_file;

extern const char *const eff_cfg_file_key[EFF_FILE_N];

/* What an outcome is made of: a 0/1 column, a count compared with a threshold (hours >= 110;
 * a person in the population register but absent from the count's register has 0), or a
 * continuous value (absence percent; missing where the register has no row). */
typedef enum eff_outcome_kind { EFF_OUTCOME_FLAG, EFF_OUTCOME_THRESHOLD, EFF_OUTCOME_VALUE }
    eff_outcome_kind;

typedef struct eff_cfg_outcome {
    char *id;
    eff_outcome_kind kind;
    eff_cfg_col source;   /* EFF_COL_ENROLLED, EFF_COL_HOURS or EFF_COL_ABSENCE */
    double threshold;
    int age_min, age_max;  /* the ages the outcome is defined for; missing outside */
    long line;
} eff_cfg_outcome;

typedef enum eff_school_rule { EFF_SCHOOL_ANY, EFF_SCHOOL_PRIMARY, EFF_SCHOOL_UPPER }
    eff_school_rule; /* any; enrolled in grundskole; in grundskole or upper secondary */

typedef enum eff_cluster_kind { EFF_CLUSTER_AUTO, EFF_CLUSTER_SET, EFF_CLUSTER_PERSON,
    EFF_CLUSTER_PLAN } eff_cluster_kind;

typedef struct eff_cfg_profile {
    char *subgroup;               /* "all" or COLUMN=VALUE */
    int cohort;
    char *keys[EFF_CFG_MAX_LIST]; /* covariate names at g-1 */
    char *values[EFF_CFG_MAX_LIST];
    long lines[EFF_CFG_MAX_LIST];
    size_t n;
    char *label;
    long line;
} eff_cfg_profile;

typedef struct eff_cfg_intervention {
    char *id;
    char *activities[EFF_CFG_MAX_LIST];
    size_t n_activities;
    char *outcome_id;
    long outcome_line;
    const eff_cfg_outcome *outcome; /* borrowed from the config */
    int age_min, age_max;
    char sex;                       /* 0 any, 'M' or 'K' */
    eff_school_rule school;
    int emin, emax;
    int min_post_periods;           /* e = 0 .. min_post_periods-1 must be observed */
    long min_n;                     /* fewer kept participants: not estimated, a warning */
    long min_outcome_persons;       /* binary: fewer participants with y = 1: not estimated */
    char *covariates[EFF_CFG_MAX_LIST];
    size_t n_covariates;
    long covariates_line;
    char *current[EFF_CFG_MAX_LIST]; /* model-only covariates measured in the year itself:
                                        age_years, class (dummies), not_enrolled */
    size_t n_current;
    int match_on_outcome;           /* outcome in g-1 and g-2 among the matching covariates */
    char *subgroups[EFF_CFG_MAX_LIST]; /* "all" or COLUMN=VALUE */
    size_t n_subgroups;
    long subgroups_line;
    char *exact[EFF_CFG_MAX_LIST];  /* bef columns matched exactly (besides g) */
    size_t n_exact;
    long exact_line;
    char *characteristics[EFF_CFG_MAX_LIST];
    size_t n_characteristics;
    long characteristics_line;
    int ratio, replace;
    double caliper;                 /* in SDs of the logit of the score; 0: none */
    eff_cluster_kind cluster;
    int cohort_x_event;             /* time effects cohort x event time, not additive */
    int balanced;                   /* 1: keep only persons observed at every event time;
                                       2 (pairs): only matched sets all of whose persons are */
    double wild_level;              /* wild_level: the bootstrap interval's level (0.95) */
    int wild;                       /* wild_bootstrap: wild cluster bootstrap of the effects */
    int naive_twfe;                 /* naive_twfe: the TWFE event study on the unmatched sample */
    char *trend;                    /* trend = INDICATOR_ID: the report's trend figure */
    long trend_line;
    int model_covariates;           /* model_covariates = no: match on the covariates but
                                       leave them out of the outcome model */
    long wild_reps;                 /* wild_reps (default 9999) */
    int wild_weights;               /* wild_weights: 0 auto, 1 rademacher, 2 webb */
    int wild_cluster;               /* wild_cluster: 0 plan (controls inherit their
                                       participant's), 1 estate (each person's own, in g-1) */
    eff_cfg_profile profile;        /* typical person; cohort 0 when none */
    long line;
} eff_cfg_intervention;

/* Status indicators ([indicators], [indicator.ID]; config_ind.c, indicator.h). A condition
 * is terms `COLUMN OP VALUE` joined by `&`, over the columns of a year's person registers;
 * a term on a missing value is false. */
enum { EFF_CFG_MAX_IND = 40, EFF_CFG_MAX_TERMS = 8, EFF_CFG_MAX_SUBGROUP_COLS = 2 };

typedef enum eff_cmp_op { EFF_OP_EQ, EFF_OP_NE, EFF_OP_LT, EFF_OP_LE, EFF_OP_GT, EFF_OP_GE }
    eff_cmp_op;

typedef struct eff_cfg_term {
    char *column;
    eff_cmp_op op;
    char *text;      /* the value as written */
    double number;   /* the value as a number; NaN when it is not one */
} eff_cfg_term;

typedef struct eff_cfg_cond {
    eff_cfg_term terms[EFF_CFG_MAX_TERMS];
    size_t n;        /* 0: always true */
    long line;
} eff_cfg_cond;

typedef enum eff_ind_measure {
    EFF_IND_SHARE,   /* percent of the population with `condition` */
    EFF_IND_MEAN,    /* mean of `value` over the population where it is present */
    EFF_IND_RATE,    /* distinct (case, date) events in the year per `per` residents */
    EFF_IND_POVERTY, /* percent whose equivalised family income is below line x median */
    EFF_IND_RECIDIVISM, /* percent of those with an event in the year (the first: the index)
                           with another on a later date within `within_days` */
    EFF_IND_DEBUT_AGE,  /* mean age at the first event on record, for debuts in the year */
    EFF_IND_PERSISTENCE, /* percent of `of`'s base-year group still in its condition `after`
                            years later, whatever their age or address then */
    EFF_IND_N_MEASURES
} eff_ind_measure;

typedef enum eff_poverty_scale { EFF_SCALE_COLUMN, EFF_SCALE_OECD_MODIFIED, EFF_SCALE_OECD,
    EFF_SCALE_SQRT } eff_poverty_scale;

typedef struct eff_cfg_indicator {
    char *id;
    char *title;                  /* chart title; NULL: the id */
    eff_ind_measure measure;
    int has_measure;
    int age_min, age_max;         /* age on 1 January (the age column) */
    char sex;                     /* 0 any, 'M' or 'K' */
    eff_cfg_cond filter;          /* who is in the population, besides age and sex */
    eff_cfg_cond condition;       /* share: the condition; rate: which events count */
    char *value;                  /* mean: the column; poverty: the income column */
    long value_line;
    char *subgroups[EFF_CFG_MAX_SUBGROUP_COLS]; /* bef columns crossed; none: only `all` */
    size_t n_subgroups;
    long subgroups_line;
    int year_first, year_last;    /* 0: [indicators] years, else [run] years */
    double per;                   /* rate: per this many residents (1000) */
    double poverty_line;          /* poverty: the share of the median (0.5) */
    eff_poverty_scale scale;      /* poverty: how family income is equivalised */
    char *wealth;                 /* poverty: the family wealth column, or NULL */
    double wealth_limit;          /* poverty: above it a family is not poor */
    int exclude_students;         /* poverty: leave out families whose adults all study */
    int years_below;              /* poverty: below the line this many years in a row (1) */
    int within_days;              /* recidivism: 730 */
    char *of;                     /* persistence: the share indicator whose condition persists */
    long of_line;
    const struct eff_cfg_indicator *base; /* persistence: `of`, resolved */
    int after;                    /* persistence: years later (required) */
    int base_year;                /* persistence: the base year; 0: `of`'s first year */
    long line;
} eff_cfg_indicator;

typedef struct eff_config {
    char *path;
    char *dir;                      /* where relative file names resolve */
    char *title;
    int year_first, year_last;      /* register years */
    long threshold;                 /* disclosure */
    unsigned long long seed;
    int drop_first_cohort;          /* drop start cohort 2014 (left-censored) */
    int first_cohort;
    int reuse_across_cohorts;
    int microdata;                  /* export the matched sample (marked micro-data) */
    char *files[EFF_FILE_N];        /* patterns; {year} is replaced by the year */
    long file_lines[EFF_FILE_N];
    char *columns[EFF_COL_N];
    long column_lines[EFF_COL_N];
    eff_cfg_outcome outcomes[EFF_CFG_MAX_OUTCOMES];
    size_t n_outcomes;
    eff_cfg_intervention interventions[EFF_CFG_MAX_IV];
    size_t n_interventions;
    eff_cfg_indicator *indicators;  /* EFF_CFG_MAX_IND of them */
    size_t n_indicators;
    int ind_year_first, ind_year_last; /* [indicators] years; 0: [run] years */
    int history_first, history_last;   /* [indicators] history: the years of events read for
                                          recidivism and debut age; 0: the indicator years */
    char *ind_weights;              /* [indicators] weights: area type -> weight, or NULL */
    long ind_weights_line;
    char *ind_seed_figures;         /* [indicators] seed_figures: the seed's values, or NULL */
    long ind_seed_figures_line;
    /* [funding] (chapter 2; funding.h): the plans and estates files, or NULL */
    char *funding_plans, *funding_estates;
    long funding_line;
    double funding_threshold;       /* 0.25 */
    /* [survey] (chapter 5; survey.h): the export, its theme column and items, or NULL */
    char *survey_data, *survey_theme;
    long survey_line;
    char *survey_items[EFF_CFG_MAX_LIST], *survey_themes[EFF_CFG_MAX_LIST],
        *survey_scale[EFF_CFG_MAX_LIST];
    size_t n_survey_items, n_survey_themes, n_survey_scale;
    int survey_dont_know_include;
} eff_config;

/* Reads and checks `path`. `data_dir` (may be NULL) overrides the config file's directory as
 * the base of relative file names. Errors: EFF_EIO (cannot read), EFF_EPARSE (INI syntax),
 * EFF_EINVAL (unknown section or key, bad value, missing outcome), each naming the config
 * line. Caller owns *out. */
eff_status eff_config_load(const char *path, const char *data_dir, eff_config **out,
                           eff_error *err);
void eff_config_free(eff_config *c);

/* The path of file `f` for `year` (ignored when the pattern has no {year}), resolved against
 * the config's directory, into buf. EFF_EINVAL when it does not fit. */
eff_status eff_config_path(const eff_config *c, eff_cfg_file f, int year, char *buf,
                           size_t size, eff_error *err);

/* After a failure to read file `f`: appends to err's message which config line named it
 * (or that it is the default name), so a wrong file name can be found in the config. */
void eff_config_blame_file(const eff_config *c, eff_cfg_file f, eff_error *err);

/* The intervention whose id is `id`, or NULL. */
const eff_cfg_intervention *eff_config_intervention(const eff_config *c, const char *id);

/* The bef columns some intervention matches exactly on, each once, at most
 * EFF_CFG_MAX_EXTRA: the store's extra columns (persons.h). Borrowed from c. */
size_t eff_config_extra_columns(const eff_config *c, const char **out);

#endif
