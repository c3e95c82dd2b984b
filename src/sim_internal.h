/* sim_internal.h - what the sim_*.c files share: the world (areas, households, persons,
 * participants), the model parameters that calibration solves, and the person-year view that
 * both calibration and generation compute outcomes from (so the two cannot drift apart). */
#ifndef EFF_SIM_INTERNAL_H
#define EFF_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "atomic.h"
#include "sim.h"
#include "status.h"

enum { SIM_Y0 = 2008, SIM_Y1 = 2020, SIM_NY = SIM_Y1 - SIM_Y0 + 1, SIM_BASE = 2011 };
enum { SIM_FIRST_COHORT = 2014, SIM_LAST_COHORT = 2017 };
enum sim_area { AREA_UDSAT, AREA_ALMEN, AREA_OEVRIG, AREA_N };
enum sim_origin { ORIG_DANSK, ORIG_VEST, ORIG_IKKEVEST, ORIG_N };
/* Outcomes: each has its person effect, its area x year shock and its block of draws. */
enum sim_outcome { OUT_JOB, OUT_ABS, OUT_ENR, OUT_EMP, OUT_CRIME, OUT_INC, OUT_N };
enum sim_iv { IV_FRITID, IV_BOERN, IV_NETV, IV_N };
enum { SIM_EMIN = -3, SIM_EMAX = 2, SIM_NE = SIM_EMAX - SIM_EMIN + 1 };
enum { SIM_MAX_AGE = 105 };

/* Random-stream layout: person i uses stream i; households, areas and global draws use
 * streams above every person index. Within a stream, blocks are fixed per (year, outcome). */
#define SIM_STREAM_HOUSEHOLD (UINT64_C(1) << 40)
#define SIM_STREAM_AREA (UINT64_C(2) << 40)
#define SIM_STREAM_GLOBAL (UINT64_C(3) << 40)
enum { SIM_BLOCKS_PER_YEAR = 1 << 12, SIM_BLOCKS_PER_OUTCOME = 1 << 8 };
#define SIM_BLOCK_STATIC (UINT64_C(1) << 24)

typedef struct sim_kom {
    int code;      /* Statistics Denmark's municipality code */
    int cph;       /* Region Hovedstaden */
    double weight; /* share of the country's population */
} sim_kom;
extern const sim_kom sim_koms[];
extern const size_t sim_n_koms;

typedef struct sim_plan {
    int id, kom;
    double grant, cofin_housing, cofin_municipality, cofin_other;
} sim_plan;

typedef struct sim_estate {
    int id;          /* afdeling number */
    int plan;        /* index into plans, -1 when none in 2011-14 */
    int kom;         /* index into sim_koms */
    uint8_t area;    /* AREA_UDSAT or AREA_ALMEN */
    uint8_t plan_2006_10;
    uint8_t sampled;
    int32_t size;    /* planned residents on 1 January 2011 (the full estate) */
    int32_t residents_2011;
} sim_estate;

typedef struct sim_household {
    int32_t first;   /* while the world is built: first member's index (members contiguous);
                        persons are then put in pnr order and this no longer holds */
    int32_t n;       /* members, including children born 2011-2020 */
    int32_t cluster; /* estate index, or n_estates + kom index for oevrig */
    int16_t kom;
    uint8_t area, origin;
    uint8_t single;  /* one adult */
    float income_z;  /* the household's standing in its income distribution */
} sim_household;

typedef struct sim_person {
    int32_t birth;          /* days since 1970-01-01 */
    int32_t household;
    int32_t mother, father; /* person indices, -1 when unknown */
    int32_t treated;        /* index into sim_world.treated, -1 */
    uint16_t exit_year;     /* first year absent from 1 January (death); 0: never */
    uint16_t birth_year;
    uint8_t birth_late;     /* born after 1 January: not yet a year older on 1 January */
    uint8_t sex;            /* 0 M, 1 K */
    uint8_t origin, ie_type;
    float edu_u, edu_v;     /* uniforms behind the education path (sim_edu_path) */
    float u[OUT_N];         /* standard normal person effects, scaled by the model's sd */
} sim_person;

typedef struct sim_treated {
    int32_t person;
    int16_t g[IV_N];        /* start year per intervention, 0 when not a participant */
    int32_t slot[IV_N];     /* index into the truth accumulators, -1 */
} sim_treated;

/* Planted effects: log odds ratio (binary) or shift in pp (absence) by intervention,
 * subgroup (fritidsjob: sex), cohort (0 = all cohorts, else index g - 2014 + 1) and event
 * time. NaN where nothing is planted. */
typedef struct sim_effects {
    double v[IV_N][2][1 + SIM_LAST_COHORT - SIM_FIRST_COHORT + 1][SIM_NE];
    int cohort_specific;
} sim_effects;

/* A piecewise-linear year trend on the latent scale: value(t) = slope * (t - anchor). */
typedef struct sim_trend {
    double slope;
    int anchor;
} sim_trend;

/* Model parameters. "social" = udsat and almen, which share trends. */
typedef struct sim_model {
    double sd[2][OUT_N];    /* person-effect sd on the latent scale, [social/oevrig]; the
                               logit outcomes have the same in both */
    double shock_sd[OUT_N]; /* area x year shock sd */
    /* youth job (ages 13-24; a leisure job when enrolled): logit */
    double job_a[AREA_N], job_out[AREA_N], job_origin[ORIG_N], job_sex[2];
    sim_trend job_trend[2], job_out_trend[2];
    /* absence: pct = base + exp(eta) * Gamma(shape)/shape */
    double abs_base, abs_shape, abs_mu[AREA_N], abs_origin[2][ORIG_N], abs_klasse[2];
    sim_trend abs_trend[2];
    double exam_a[AREA_N][ORIG_N];
    /* youth education: share on the long track per area x origin x sex */
    double edu_long[AREA_N][ORIG_N][2];
    double voc_a[AREA_N][ORIG_N]; /* older cohorts: logit P(vocational or higher) */
    /* adult enrolment (25+): logit */
    double enr_a[AREA_N][2];
    sim_trend enr_trend[2];
    /* employment (25+): logit */
    double emp_a[AREA_N][ORIG_N];
    /* equivalised disposable income: log normal around the national level */
    double inc_mu[AREA_N][ORIG_N][2]; /* [.][.][1]: households with a child aged 0-6 */
    double inc_sd, inc_year_sd;
    /* crime: Poisson log rate by age band (0: 10-14 suspicions, 1: 15-20, 2: 21-29, 3: 30+) */
    double crime_a[AREA_N][4];
    sim_trend crime_trend[2][2]; /* [social/oevrig][band 10-14 / 15+] */
    double crime_origin[ORIG_N], crime_sex[2];
    /* participant selection: exp(theta'x) per intervention */
    double theta[IV_N][8];
} sim_model;

/* A household on 1 January of a year: persons, those aged 14+, children under 18 and 0-6. */
typedef struct sim_hh_year {
    uint8_t persons, adults14, kids, kids06;
} sim_hh_year;

/* One person in one year, as every outcome sees it. */
typedef struct sim_py {
    int year, alder, sa;   /* age on 1 January; school age = year - birth year */
    int enrolled;          /* on 1 October (youth path; adult enrolment is an outcome) */
    int udd;               /* enrolled education code, 0 when none */
    int hfaudd;            /* highest completed, 0 when none yet */
    int pupil, klasse;     /* in grundskole in the school year ending this year */
    int edu_level;         /* highest level the person reaches (1 grundskole .. 7 LVU) */
    int leave_sa;          /* school age at which the youth path ends */
} sim_py;

typedef struct sim_world {
    eff_sim_options opt;
    uint64_t seed;
    sim_plan *plans;
    size_t n_plans;
    sim_estate *estates;
    size_t n_estates;
    sim_household *households;
    size_t n_households;
    sim_person *persons;
    size_t n_persons;
    uint64_t *pnr;          /* pnr per person; persons are stored in pnr order */
    sim_treated *treated;
    size_t n_treated;
    double weight[AREA_N];  /* 1 / sampling fraction */
    sim_model m;
    sim_effects fx;
    sim_hh_year *hh_year;   /* household composition: [(year - 2008) * n_households + h] */
    double national_income[SIM_NY]; /* the median equivalised income's scale per year */
    int calib_oom;          /* calibration ran out of memory: its NaNs are not the data's */
    /* truth accumulators: per participant slot and event time, p1 - p0 (NaN: unobserved) */
    double *truth_diff;
    size_t n_slots;
    int32_t *slot_iv, *slot_sub, *slot_g;
} sim_world;

/* sim_areas.c */
eff_status sim_areas_build(sim_world *w, eff_error *err);
eff_status sim_areas_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                           eff_error *err);
/* A small file of the world (CSV or JSON) in the output directory, written atomically. */
typedef struct sim_text {
    eff_atomic *a;
    char path[4096];
} sim_text;
/* Opens DIR/NAME and writes `header` (may be NULL). */
eff_status sim_text_open(sim_text *f, const char *dir, const char *name, const char *header,
                         eff_error *err);
/* Commits when st is EFF_OK (counting the file in s), else removes it; returns the outcome. */
eff_status sim_text_close(sim_text *f, eff_status st, eff_sim_summary *s, eff_error *err);

/* sim_pop.c */
eff_status sim_pop_build(sim_world *w, eff_error *err);
eff_status sim_pop_year_counts(sim_world *w, eff_error *err);
eff_status sim_file_commit(eff_atomic *a, const char *path, eff_sim_summary *s,
                           eff_error *err);
int sim_present(const sim_person *p, int year);
void sim_py_make(const sim_world *w, size_t i, int year, sim_py *py);
int sim_cluster_of(const sim_world *w, const sim_person *p);
double sim_u(const sim_world *w, const sim_person *p, int outcome);
double sim_sd(const sim_world *w, const sim_person *p, int outcome);
void sim_pnr_format(uint64_t pnr, char out[11]);
/* sim_calib.c */
double sim_target(const char *key); /* NaN when the key is unknown */
const char *const *sim_calibration_lines(void);  /* data/calibration.csv, NULL-terminated */
const char *const *sim_effects_seed_lines(void); /* data/effects-seed.csv, NULL-terminated */
eff_status sim_calibrate(sim_world *w, eff_error *err);
double sim_trend_at(const sim_trend *t, int year);
int sim_group(int area); /* 0 social, 1 oevrig */
/* sim_model.c: the fixed parts of each latent index, shared by calibration and generation */
double sim_eta_job(const sim_model *m, const sim_person *p, int area, const sim_py *py);
double sim_eta_abs(const sim_model *m, const sim_person *p, int area, const sim_py *py);
double sim_eta_enr(const sim_model *m, const sim_person *p, int area, const sim_py *py);
double sim_eta_emp(const sim_model *m, const sim_person *p, int area, const sim_py *py);
double sim_eta_crime(const sim_model *m, const sim_person *p, int area, const sim_py *py);
double sim_eta_exam(const sim_model *m, const sim_person *p, int area);
double sim_eta_inc(const sim_model *m, const sim_household *h, int kids06);
const sim_hh_year *sim_hh(const sim_world *w, int32_t household, int year);
int sim_crime_band(int alder);
double sim_logistic(double x);
double sim_shock(const sim_world *w, int cluster, int year, int outcome);
void sim_model_defaults(sim_model *m, eff_sim_dgp dgp, double icc);
/* sim_part.c: the interventions' ids, outcomes and event-time windows (seed-notes 11) */
extern const char *const sim_iv_name[IV_N];
extern const char *const sim_iv_outcome[IV_N];
extern const int sim_iv_emin[IV_N];
eff_status sim_effects_load(sim_world *w, eff_error *err);
eff_status sim_participants_select(sim_world *w, eff_error *err);
double sim_effect(const sim_world *w, int iv, int sub, int g, int e);
eff_status sim_participants_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                                  eff_error *err);
eff_status sim_truth_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                           eff_error *err);
int sim_rule(const sim_world *w, size_t i, int iv, int year);
/* sim_year.c */
eff_status sim_years_write(sim_world *w, const char *dir, const eff_ctx *ctx,
                           eff_sim_summary *s, eff_error *err);
/* sim_survey.c */
eff_status sim_survey_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                            eff_error *err);

#endif
