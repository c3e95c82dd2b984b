/* persons.h - the evaluation's view of the registers: every person of the population
 * register (bef) in the config's years, with one compact record per person and year holding
 * what the evaluation needs (demography, household, estate, education, paid hours, school
 * absence), built from the yearly files the config names. Persons are numbered densely in
 * order of first appearance; parents are linked by number. Columns are found by the names in
 * the config's [columns], so a missing one is reported against its config line.
 * Ownership: eff_persons_load returns a store the caller frees with eff_persons_free; records
 * and strings are borrowed from it. */
#ifndef EFF_PERSONS_H
#define EFF_PERSONS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum { EFF_PERSONS_MAX_EXTRA = EFF_CFG_MAX_EXTRA };

typedef enum eff_origin { EFF_ORIGIN_DANISH, EFF_ORIGIN_WESTERN, EFF_ORIGIN_NON_WESTERN }
    eff_origin;

/* One person in one year. Fields other than `present` mean something only when present. */
typedef struct eff_py {
    uint8_t present;        /* in the population register on 1 January */
    char sex;               /* 'M', 'K', or 0 when missing */
    int8_t origin;          /* eff_origin, -1 missing */
    int8_t capital;         /* 1 in the Copenhagen area */
    int8_t single_parent;   /* a single adult with children under 18 in the family */
    int8_t vocational;      /* highest education vocationally qualifying; -1 no udda row */
    int8_t enrolled;        /* enrolled on 1 October; -1 no udda row */
    int8_t school_level;    /* level (first digit) of the education enrolled in; 0 none;
                               -1 no udda row */
    uint8_t control_estate; /* lives in social housing without a 2006-10 or 2011-14 plan */
    int16_t age;            /* -1 missing */
    int32_t estate;         /* estate id, -1 outside social housing */
    int32_t mother, father; /* person numbers, -1 unknown */
    int32_t hours;          /* paid hours in the year (0 without a bfl row) */
    float absence;          /* school absence in percent; NaN without a fravaer row */
    int8_t school_class;    /* class 0-9 in the school year ending this year (fravaer), read
                               only when a model uses it; -1 otherwise */
} eff_py;

typedef struct eff_persons eff_persons;

/* Reads bef, udda and (when an outcome needs them) bfl and fravaer for every configured year,
 * and the estates file. `extra` names further bef columns to keep per person-year as codes
 * (exact-matching and subgroup columns); a name that is the sex column is not repeated.
 * Errors: EFF_EIO, EFF_EPARSE from the files (with their locations), EFF_EINVAL for a column
 * the file lacks (naming the config line that names it) or a value of the wrong kind. */
eff_status eff_persons_load(const eff_config *c, const char *const *extra, size_t n_extra,
                            const eff_ctx *ctx, eff_persons **out, eff_error *err);
void eff_persons_free(eff_persons *p);

size_t eff_persons_n(const eff_persons *p);
int eff_persons_year_first(const eff_persons *p);
int eff_persons_year_last(const eff_persons *p);
/* The person numbered by `pnr`, or -1 when no register holds it. */
int32_t eff_persons_find(const eff_persons *p, const char *pnr);
/* The id of a person (borrowed). Only for an explicit micro-data export. */
const char *eff_persons_pnr(const eff_persons *p, int32_t person);
/* The record of (person, year), or NULL when the year is outside the registers or the person
 * is not in the population register that year. */
const eff_py *eff_persons_at(const eff_persons *p, int32_t person, int year);
/* Index of an extra column by name (case-insensitive), or -1 (the sex column is never an
 * extra: it is eff_py.sex). */
int eff_persons_extra_index(const eff_persons *p, const char *name);
/* The code of `value` in extra column k, or -1 when no record has it. */
int32_t eff_persons_extra_code(const eff_persons *p, int k, const char *value);
/* The extra column k's code of (person, year); -1 when missing or absent. */
int32_t eff_persons_extra_at(const eff_persons *p, int k, int32_t person, int year);

/* The files read, in order (the estates file first). Borrowed. */
size_t eff_persons_n_inputs(const eff_persons *p);
const char *eff_persons_input(const eff_persons *p, size_t k);

#endif
