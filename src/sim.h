/* sim.h - Synthetic Denmark: a register population 2008-2020 with planted programme effects,
 * calibrated to the seed report's figures (data/calibration.csv), written as one file per
 * register and year (docs/registers.md) plus truth.csv, the ground truth.
 *
 * Design (what a reader needs before the code):
 * - Areas. 89 plans own 395 udsat estates holding exactly 215,300 persons on 1 January 2011;
 *   1,600 further social-housing estates (almen; about 15% had a 2006-10 plan); the rest of
 *   the country lives in its 98 municipalities (oevrig). Nobody moves between areas: an
 *   estate's residents are its households.
 * - Sampling. Udsat estates are always whole. Almen estates are kept whole with probability
 *   `scale`, oevrig households with probability `scale`; omraader.csv gives each stratum's
 *   sampling fraction, so whole-country figures are weighted means (weight 1/fraction).
 * - Persons are made household by household (serially: indices depend on nothing but the
 *   seed). Every later draw for person i in year t comes from Philox stream (seed, i) at a
 *   block fixed by (t, outcome), so the output is the same whatever the thread count.
 * - Outcomes are latent-index models: a fixed part by area type, origin, sex, age and year,
 *   plus (realistic DGP) a person effect per outcome and an area x year shock whose variance
 *   is set by the intra-cluster correlation, plus the planted effect at the participant's
 *   event time. Intercepts and year trends are not hand-tuned: sim_calib solves them so that
 *   the population's expected figures equal the targets (Gauss-Hermite over the random parts).
 *   Year trends are shared by udsat and almen, so that participants and their almen controls
 *   follow parallel trends given the covariates.
 * - Participants are drawn from the udsat residents who meet an intervention's rule in their
 *   start year, with probabilities exp(theta'x) on covariates measured in the year before,
 *   theta chosen (entropy balancing) so that the participants' expected characteristics equal
 *   Tables 3.1, 3.3 and 3.5. Selection never looks at person effects or outcomes.
 * Ownership: eff_sim_run owns everything it allocates and frees it before returning. */
#ifndef EFF_SIM_H
#define EFF_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum eff_sim_format { EFF_SIM_CSV, EFF_SIM_SAS, EFF_SIM_DTA } eff_sim_format;
typedef enum eff_sim_dgp { EFF_SIM_REALISTIC, EFF_SIM_SIMPLE } eff_sim_dgp;
typedef enum eff_sim_effects {
    EFF_SIM_EFFECTS_SEED,      /* Tables 3.2, 3.4, 3.6 at event times >= 0; zero before */
    EFF_SIM_EFFECTS_PRETRENDS, /* the tables' pre-period values as well */
    EFF_SIM_EFFECTS_ZERO,
    EFF_SIM_EFFECTS_FILE       /* effects_file, in truth.csv's columns */
} eff_sim_effects;

/* The yearly registers (docs/registers.md), as bits of eff_sim_options.registers. */
typedef enum eff_sim_register {
    EFF_SIM_BEF, EFF_SIM_UDDA, EFF_SIM_BFL, EFF_SIM_FRAVAER, EFF_SIM_RAS, EFF_SIM_IND,
    EFF_SIM_KRIM, EFF_SIM_N_REGISTERS
} eff_sim_register;
/* What the effect evaluation reads (persons.h). */
#define EFF_SIM_EVAL_REGISTERS                                                                \
    ((1u << EFF_SIM_BEF) | (1u << EFF_SIM_UDDA) | (1u << EFF_SIM_BFL) | (1u << EFF_SIM_FRAVAER))

struct eff_tableset;

typedef struct eff_sim_options {
    uint64_t seed;
    double scale;              /* sampling fraction outside the plans, (0, 1]; default 0.05 */
    double almen_scale;        /* sampling fraction of the other social housing (the control
                                  pool), (0, 1]; 0: the same as scale */
    double participants_scale; /* multiplies participation; default 1 */
    eff_sim_effects effects;
    const char *effects_file;  /* borrowed; EFF_SIM_EFFECTS_FILE only */
    eff_sim_dgp dgp;
    eff_sim_format format;
    int threads;               /* 0: the cores online */
    int plans;                 /* 1..89 (default 89): fewer plans for quick looks and tests */
    double icc;                /* area x year intra-cluster correlation, [0, 0.5); default 0.02 */
    int check_space;           /* 1 (default): refuse when the disk is short */
    unsigned registers;        /* bits (1u << eff_sim_register) of the yearly registers made;
                                  0 (default): all. A register left out costs no draws of the
                                  others: they are the same either way */
    int year_first, year_last; /* the yearly registers of these years only (0: 2008, 2020).
                                  Every year's draws are its own, so the years made are the
                                  same either way; the truth of a participant's event time
                                  needs its year */
    struct eff_tableset *tables; /* borrowed; when set, the yearly registers are put here as
                                  tables (read back from their CSV with the declared types)
                                  under the paths their files would have, and not written: the
                                  Monte Carlo's in-memory replication mode. The small files
                                  (areas, participants, survey, truth) are still written */
    uint64_t assume_free_bytes; /* tests: the free space to assume (0: ask the file system) */
} eff_sim_options;

eff_sim_options eff_sim_options_default(void);

typedef struct eff_sim_summary {
    size_t persons;   /* persons ever present */
    size_t files;     /* files written */
    uint64_t bytes;   /* bytes written */
    double seconds;
} eff_sim_summary;

/* Writes Synthetic Denmark into out_dir (created when missing). Files appear one by one,
 * each atomically. Errors: EFF_EINVAL (bad option; effects file content, with its line),
 * EFF_EPARSE (effects file), EFF_EIO (cannot write; disk space short, checked first),
 * EFF_ENOMEM, EFF_EABORT (ctx's cancel flag; finished files stay). */
eff_status eff_sim_run(const eff_sim_options *opt, const char *out_dir, const eff_ctx *ctx,
                       eff_sim_summary *summary, eff_error *err);

/* Bytes a run would write, roughly (for the space check and the progress bar). */
uint64_t eff_sim_estimate_bytes(const eff_sim_options *opt);

#endif
