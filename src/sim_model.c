/* sim_model.c - the structural part of Synthetic Denmark's outcome models: the person-year
 * view (age, schooling, education path), the fixed part of every latent index, and the
 * default parameters that calibration starts from. Calibration (sim_calib.c) and generation
 * (sim_year.c) both compute outcomes through these functions, so what is calibrated is what
 * is drawn.
 *
 * Structural choices (where the seed gives no figure): age profiles, origin and sex shifts,
 * the person-effect sds that give persistence (realistic DGP), and the offsets of almen from
 * udsat where the seed gives no almen figure. Intercepts and trends with a seed figure are
 * solved, not set here. */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "date.h"
#include "rng.h"
#include "sim_internal.h"

double sim_logistic(double x)
{
    return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

int sim_group(int area)
{
    return area == AREA_OEVRIG;
}

double sim_trend_at(const sim_trend *t, int year)
{
    return t->slope * (double)(year - t->anchor);
}

int sim_crime_band(int alder)
{
    return alder < 10 ? -1 : alder <= 14 ? 0 : alder <= 20 ? 1 : alder <= 29 ? 2 : 3;
}

void sim_model_defaults(sim_model *m, eff_sim_dgp dgp, double icc)
{
    *m = (sim_model){0};
    int simple = dgp == EFF_SIM_SIMPLE;
    static const double sd[OUT_N] = {1.5, 0.65, 1.5, 1.3, 0.9, 0};
    double ratio = icc / (1.0 - icc);
    for (int k = 0; k < OUT_N; k++) {
        m->sd[0][k] = m->sd[1][k] = simple ? 0 : sd[k];
        m->shock_sd[k] = simple ? 0 : sqrt(ratio * M_PI * M_PI / 3.0);
    }
    m->shock_sd[OUT_ABS] = simple ? 0 : sqrt(ratio) * 0.5;
    m->shock_sd[OUT_CRIME] = simple ? 0 : sqrt(ratio);
    m->shock_sd[OUT_INC] = 0;
    m->job_origin[ORIG_VEST] = -0.1, m->job_origin[ORIG_IKKEVEST] = -0.5;
    m->job_sex[1] = -0.1;
    m->abs_base = 2.0, m->abs_shape = 1.6; /* base >= the seed's largest cut, 1.979 pp */
    /* Absence rises through the classes, more steeply outside social housing (where it
     * starts lower): 18% of the population's Danish-origin 8th-9th graders are above 10%. */
    m->abs_klasse[0] = 0.95, m->abs_klasse[1] = 1.25;
    m->abs_origin[0][ORIG_DANSK] = 0.15, m->abs_origin[0][ORIG_IKKEVEST] = -0.12;
    m->abs_origin[1][ORIG_VEST] = 0.05, m->abs_origin[1][ORIG_IKKEVEST] = 0.35;
    m->inc_sd = 0.42, m->inc_year_sd = 0.12;
    for (int a = 0; a < AREA_N; a++) {
        double social = a == AREA_OEVRIG ? 0 : -0.35;
        m->inc_mu[a][ORIG_DANSK][0] = social;
        m->inc_mu[a][ORIG_VEST][0] = social - 0.15;
        m->inc_mu[a][ORIG_IKKEVEST][0] = social - 0.35;
    }
    m->crime_origin[ORIG_IKKEVEST] = 0.35;
    /* Outside social housing offending is rarer and more concentrated (recidivism 30% at a
     * third of the rate), and absence has a longer tail (18% of Danish-origin 8th-9th
     * graders above 10% at a mean under 5%). */
    if (!simple)
        m->sd[1][OUT_CRIME] = 1.5;
    m->crime_sex[1] = -1.2;
    for (int g = 0; g < 2; g++) {
        m->job_trend[g].anchor = m->abs_trend[g].anchor = m->enr_trend[g].anchor = SIM_BASE;
        m->job_out_trend[g].anchor = SIM_BASE;
        m->crime_trend[g][0].anchor = SIM_BASE;
        m->crime_trend[g][1].anchor = g == 0 ? 2013 : SIM_BASE;
    }
}

/* The education path: young cohorts (born 1987 on) by the long-track share of their cell;
 * older cohorts by their highest level, whose vocational share is calibrated. */
static void edu_path(const sim_model *m, const sim_person *p, int area, int by, sim_py *py)
{
    double u = p->edu_u, v = p->edu_v;
    if (by >= 1987) {
        if (u < m->edu_long[area][p->origin][p->sex]) {
            py->leave_sa = 22 + (int)(v * 5);
            static const int level[] = {4, 6, 5, 7, 7};
            py->edu_level = level[py->leave_sa - 22];
        } else {
            py->leave_sa = 16 + (int)(v * 6);
            py->edu_level = py->leave_sa <= 17 ? 1 : py->leave_sa <= 19 ? 2 : 3;
        }
        return;
    }
    if (u < sim_logistic(m->voc_a[area][p->origin])) {
        static const int level[] = {3, 3, 3, 3, 3, 5, 5, 7, 7, 4};
        py->edu_level = level[(int)(v * 10)];
        py->leave_sa = 19 + py->edu_level;
    } else {
        py->edu_level = v < 0.7 ? 1 : 2;
        py->leave_sa = py->edu_level == 1 ? 16 : 19;
    }
}

static int level_code(int level)
{
    return level * 1000 + 10;
}

void sim_py_make(const sim_world *w, size_t i, int year, sim_py *py)
{
    const sim_person *p = &w->persons[i];
    int by = p->birth_year;
    int area = w->households[p->household].area;
    *py = (sim_py){.year = year};
    py->sa = year - by;
    py->alder = year - by - p->birth_late;
    edu_path(&w->m, p, area, by, py);
    int sa = py->sa;
    if (sa >= 6 && sa <= 15) {
        py->enrolled = 1, py->udd = level_code(1);
    } else if (sa >= 16 && sa < py->leave_sa) {
        py->enrolled = 1;
        int track = py->leave_sa == 19 || py->leave_sa >= 22 ? 2 : 3;
        int youth_years = track == 2 ? 3 : 4;
        py->udd = sa < 16 + youth_years ? level_code(track) : level_code(py->edu_level);
    }
    if (sa >= 16)
        py->hfaudd = sa >= py->leave_sa ? level_code(py->edu_level)
                     : (py->leave_sa == 19 || py->leave_sa >= 22) && sa >= 19 ? level_code(2)
                                                                              : level_code(1);
    int klasse = year - 1 - by - 6; /* school year (year-1)/year */
    if (klasse >= 0 && klasse <= 9)
        py->pupil = 1, py->klasse = klasse;
}

double sim_sd(const sim_world *w, const sim_person *p, int outcome)
{
    return w->m.sd[sim_group(w->households[p->household].area)][outcome];
}

double sim_u(const sim_world *w, const sim_person *p, int outcome)
{
    double z = p->u[outcome];
    if (outcome == OUT_EMP) /* employment after 25 follows the youth-job effect in part */
        z = 0.7 * p->u[OUT_JOB] + 0.71414284285428499 * z;
    return sim_sd(w, p, outcome) * z;
}

static double job_age(int alder)
{
    static const double f[] = {-1.4, -0.7, -0.2, 0.2, 0.6, 0.9};
    return alder < 13 ? -9 : alder <= 18 ? f[alder - 13] : 1.1;
}

double sim_eta_job(const sim_model *m, const sim_person *p, int area, const sim_py *py)
{
    int g = sim_group(area);
    return m->job_a[area] + m->job_origin[p->origin] + m->job_sex[p->sex] + job_age(py->alder) +
           (py->enrolled ? 0 : m->job_out[area] + sim_trend_at(&m->job_out_trend[g], py->year)) +
           sim_trend_at(&m->job_trend[g], py->year);
}

double sim_eta_abs(const sim_model *m, const sim_person *p, int area, const sim_py *py)
{
    static const double klasse_f[10] = {-0.25, -0.25, -0.25, -0.25, -0.2, -0.15, -0.1, 0.0, 0.3, 0.85};
    int g = sim_group(area);
    return m->abs_mu[area] + m->abs_origin[g][p->origin] + m->abs_klasse[g] * klasse_f[py->klasse] +
           sim_trend_at(&m->abs_trend[g], py->year);
}

double sim_eta_exam(const sim_model *m, const sim_person *p, int area)
{
    return m->exam_a[area][p->origin];
}

double sim_eta_enr(const sim_model *m, const sim_person *p, int area, const sim_py *py)
{
    int a = py->alder;
    double age = a < 30 ? 0.8 : a < 40 ? 0 : a < 50 ? -0.4 : a < 65 ? -1.2 : -4.0;
    return m->enr_a[area][p->sex] + age + sim_trend_at(&m->enr_trend[sim_group(area)], py->year);
}

double sim_eta_emp(const sim_model *m, const sim_person *p, int area, const sim_py *py)
{
    int a = py->alder;
    double age = a <= 50 ? 0 : a <= 60 ? -0.3 : -1.5;
    return m->emp_a[area][p->origin] + age + (p->sex ? -0.15 : 0);
}

double sim_eta_crime(const sim_model *m, const sim_person *p, int area, const sim_py *py)
{
    int band = sim_crime_band(py->alder);
    int g = sim_group(area);
    return m->crime_a[area][band] + m->crime_origin[p->origin] + m->crime_sex[p->sex] +
           sim_trend_at(&m->crime_trend[g][band > 0], py->year);
}

double sim_eta_inc(const sim_model *m, const sim_household *h, int kids06)
{
    return m->inc_mu[h->area][h->origin][kids06 > 0];
}

double sim_shock(const sim_world *w, int cluster, int year, int outcome)
{
    if (w->m.shock_sd[outcome] == 0)
        return 0;
    uint32_t ctr[4] = {(uint32_t)(year - SIM_Y0), (uint32_t)outcome, (uint32_t)cluster, 7};
    uint32_t key[2] = {(uint32_t)w->seed, (uint32_t)(w->seed >> 32)}, out[4];
    eff_rng_philox4x32_10(ctr, key, out);
    /* Box-Muller on two 32-bit uniforms in (0, 1). */
    double u1 = ((double)out[0] + 0.5) / 4294967296.0, u2 = ((double)out[1] + 0.5) / 4294967296.0;
    return w->m.shock_sd[outcome] * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int sim_cluster_of(const sim_world *w, const sim_person *p)
{
    return w->households[p->household].cluster;
}
