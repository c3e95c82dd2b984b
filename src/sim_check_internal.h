/* sim_check_internal.h - what the calibration report's two files share: a year of the
 * registers read back by person (sim_check_load.c) and the checker that holds them. */
#ifndef EFF_SIM_CHECK_INTERNAL_H
#define EFF_SIM_CHECK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim_check.h"
#include "sim_internal.h"
#include "table.h"

enum { CK_Y0 = SIM_Y0, CK_NY = SIM_NY };

typedef struct year_data {
    int loaded;
    size_t n;
    uint64_t *pnr;
    int32_t *alder, *birth, *udd, *nkids, *klasse, *mother, *father;
    int32_t *cluster;  /* estate id, or SIM_CHECK_KOM + KOM outside social housing */
    int8_t *sex, *origin, *area, *cph, *single, *enrolled, *voc, *beskst, *exam;
    double *hours, *absence, *eqinc;
    int32_t *mistanke, *sigtelse; /* distinct (case, date) events per person */
} year_data;

typedef struct eff_sim_checker eff_sim_checker;
struct eff_sim_checker {
    char dir[4096];
    char ext[16];
    double weight[AREA_N];
    double plans_share, participants_scale; /* from simulate.json */
    year_data years[CK_NY];
};


enum { SIM_CHECK_KOM = 100000, SIM_CHECK_CLUSTERS = SIM_CHECK_KOM + 1000 };

extern const char *const sim_check_area_names[AREA_N];
extern const char *const sim_check_origin_names[ORIG_N];

uint64_t sim_check_id(const eff_table *t, size_t col, size_t row);
double sim_check_num(const eff_table *t, size_t col, size_t row);
const char *sim_check_str(const eff_table *t, size_t col, size_t row);
int sim_check_code(const char *s, const char *const *names, int n);
/* Reads DIR/<name><year>.<ext> (year 0: DIR/<name>.csv). */
eff_status sim_check_read(const eff_sim_checker *c, const char *name, int year, eff_table **t,
                          eff_error *err);
eff_status sim_check_col(const eff_table *t, const char *name, size_t *col, eff_error *err);
/* The bef row of a pnr, or -1. */
long sim_check_row(const year_data *y, uint64_t pnr);
/* Loads (once) the year's registers by person. */
eff_status sim_check_year(eff_sim_checker *ck, int year, year_data **out, eff_error *err);
void sim_check_year_free(year_data *y);

#endif
