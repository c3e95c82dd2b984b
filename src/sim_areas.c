/* sim_areas.c - Synthetic Denmark's geography: 98 municipalities, the 89 comprehensive plans
 * and their 395 udsat estates (exactly 215,300 residents on 1 January 2011), 1,600 further
 * social-housing estates, and the funding table (chapter 2: 89 x 9.65 million DKK, seed-notes
 * 9). Also writes planer.csv, afdelinger.csv and omraader.csv. Owns nothing beyond the arrays
 * it hangs on the world (freed by sim.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>

#include "atomic.h"
#include "mem.h"
#include "rng.h"
#include "sim_internal.h"

/* Municipality codes by region; weights are rough population shares (2011). */
#define K(code, cph, w) {code, cph, w}
const sim_kom sim_koms[] = {
    K(101, 1, .1000), K(147, 1, .0180), K(151, 1, .0081), K(153, 1, .0081), K(155, 1, .0081),
    K(157, 1, .0081), K(159, 1, .0081), K(161, 1, .0081), K(163, 1, .0081), K(165, 1, .0081),
    K(167, 1, .0081), K(169, 1, .0081), K(173, 1, .0081), K(175, 1, .0081), K(183, 1, .0081),
    K(185, 1, .0081), K(187, 1, .0081), K(190, 1, .0081), K(201, 1, .0081), K(210, 1, .0081),
    K(217, 1, .0081), K(219, 1, .0081), K(223, 1, .0081), K(230, 1, .0081), K(240, 1, .0081),
    K(250, 1, .0081), K(260, 1, .0081), K(270, 1, .0081), K(400, 1, .0081),
    K(253, 0, .0081), K(259, 0, .0081), K(265, 0, .0081), K(269, 0, .0081), K(306, 0, .0081),
    K(316, 0, .0081), K(320, 0, .0081), K(326, 0, .0081), K(329, 0, .0081), K(330, 0, .0081),
    K(336, 0, .0081), K(340, 0, .0081), K(350, 0, .0081), K(360, 0, .0081), K(370, 0, .0081),
    K(376, 0, .0081), K(390, 0, .0081),
    K(410, 0, .0081), K(420, 0, .0081), K(430, 0, .0081), K(440, 0, .0081), K(450, 0, .0081),
    K(461, 0, .0360), K(479, 0, .0081), K(480, 0, .0081), K(482, 0, .0081), K(492, 0, .0081),
    K(510, 0, .0081), K(530, 0, .0081), K(540, 0, .0081), K(550, 0, .0081), K(561, 0, .0081),
    K(563, 0, .0081), K(573, 0, .0081), K(575, 0, .0081), K(580, 0, .0081), K(607, 0, .0081),
    K(621, 0, .0081), K(630, 0, .0081),
    K(615, 0, .0081), K(657, 0, .0081), K(661, 0, .0081), K(665, 0, .0081), K(671, 0, .0081),
    K(706, 0, .0081), K(707, 0, .0081), K(710, 0, .0081), K(727, 0, .0081), K(730, 0, .0081),
    K(740, 0, .0081), K(741, 0, .0081), K(746, 0, .0081), K(751, 0, .0600), K(756, 0, .0081),
    K(760, 0, .0081), K(766, 0, .0081), K(779, 0, .0081), K(791, 0, .0081),
    K(773, 0, .0081), K(787, 0, .0081), K(810, 0, .0081), K(813, 0, .0081), K(820, 0, .0081),
    K(825, 0, .0081), K(840, 0, .0081), K(846, 0, .0081), K(849, 0, .0081), K(851, 0, .0370),
    K(860, 0, .0081),
};
#undef K
const size_t sim_n_koms = sizeof sim_koms / sizeof sim_koms[0];

enum { PLANS_SEED = 89, ESTATES_SEED = 395, RESIDENTS_SEED = 215300, ALMEN_ESTATES = 1600 };
static const double GRANT_PER_PLAN = 9.65e6;
static const double ALMEN_MEAN_SIZE = 470.0;

/* A municipality index drawn with probability proportional to weight^power. */
static int draw_kom(gsl_rng *r, double power)
{
    double total = 0;
    for (size_t k = 0; k < sim_n_koms; k++)
        total += pow(sim_koms[k].weight, power);
    double x = gsl_rng_uniform(r) * total;
    for (size_t k = 0; k < sim_n_koms; k++) {
        x -= pow(sim_koms[k].weight, power);
        if (x < 0)
            return (int)k;
    }
    return (int)sim_n_koms - 1;
}

/* Splits `total` into n integer parts proportional to w (largest remainder). */
static void apportion(const double *w, size_t n, long total, int32_t *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    long given = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (int32_t)floor(w[i] / sum * (double)total);
        given += out[i];
    }
    while (given < total) { /* hand out the rest to the largest remainders, lowest index first */
        size_t best = 0;
        double best_rem = -1;
        for (size_t i = 0; i < n; i++) {
            double rem = w[i] / sum * (double)total - out[i];
            if (rem > best_rem)
                best_rem = rem, best = i;
        }
        out[best]++;
        given++;
    }
}

static eff_status build_plans(sim_world *w, gsl_rng *r, eff_error *err)
{
    size_t np = (size_t)w->opt.plans;
    w->plans = eff_calloc(np, sizeof *w->plans);
    double *share = eff_mallocarray(np, sizeof *share);
    if (!w->plans || !share)
        return eff_free(share), eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    w->n_plans = np;
    double sum = 0;
    for (size_t i = 0; i < np; i++) {
        share[i] = gsl_ran_lognormal(r, 0, 0.35);
        sum += share[i];
    }
    /* Grants in whole DKK summing to exactly n x 9.65 million. */
    double total = GRANT_PER_PLAN * (double)np, given = 0;
    for (size_t i = 0; i < np; i++) {
        sim_plan *p = &w->plans[i];
        p->id = (int)i + 1;
        p->kom = draw_kom(r, 2.0);
        p->grant = i + 1 < np ? floor(total * share[i] / sum) : total - given;
        given += p->grant;
        /* Local co-financing of at least 25% of the plan's total budget, grant plus local
         * money (chapter 2): at least a third of the grant. */
        double local = p->grant * (0.34 + 0.3 * gsl_rng_uniform(r));
        p->cofin_housing = floor(local * 0.55);
        p->cofin_municipality = floor(local * 0.35);
        p->cofin_other = floor(local - p->cofin_housing - p->cofin_municipality);
    }
    eff_free(share);
    return EFF_OK;
}

static eff_status build_estates(sim_world *w, gsl_rng *r, eff_error *err)
{
    size_t np = w->n_plans;
    size_t n_udsat = (size_t)lround((double)ESTATES_SEED * (double)np / PLANS_SEED);
    long residents = lround((double)RESIDENTS_SEED * (double)np / PLANS_SEED);
    if (n_udsat < np)
        n_udsat = np;
    w->n_estates = n_udsat + ALMEN_ESTATES;
    w->estates = eff_calloc(w->n_estates, sizeof *w->estates);
    double *size = eff_mallocarray(n_udsat, sizeof *size);
    int32_t *exact = eff_mallocarray(n_udsat, sizeof *exact);
    if (!w->estates || !size || !exact) {
        eff_free(size), eff_free(exact);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t e = 0; e < n_udsat; e++) {
        sim_estate *est = &w->estates[e];
        /* Every plan has at least one estate; the others go to plans at random. */
        est->plan = e < np ? (int)e : (int)gsl_rng_uniform_int(r, np);
        est->kom = w->plans[est->plan].kom;
        est->area = AREA_UDSAT;
        est->plan_2006_10 = gsl_rng_uniform(r) < 0.4;
        est->sampled = 1;
        size[e] = gsl_ran_lognormal(r, 0, 0.6);
    }
    apportion(size, n_udsat, residents, exact);
    for (size_t e = 0; e < n_udsat; e++)
        w->estates[e].size = exact[e];
    eff_free(size), eff_free(exact);
    double keep = w->opt.almen_scale > 0 ? w->opt.almen_scale : w->opt.scale;
    for (size_t e = n_udsat; e < w->n_estates; e++) {
        sim_estate *est = &w->estates[e];
        est->plan = -1;
        est->kom = draw_kom(r, 1.3);
        est->area = AREA_ALMEN;
        est->plan_2006_10 = gsl_rng_uniform(r) < 0.15;
        est->size = (int32_t)lround(ALMEN_MEAN_SIZE * gsl_ran_lognormal(r, -0.18, 0.6));
        if (est->size < 20)
            est->size = 20;
        est->sampled = gsl_rng_uniform(r) < keep;
    }
    for (size_t e = 0; e < w->n_estates; e++)
        w->estates[e].id = (int)(w->estates[e].area == AREA_UDSAT ? 10000 : 20000) + (int)e + 1;
    return EFF_OK;
}

eff_status sim_areas_build(sim_world *w, eff_error *err)
{
    gsl_rng *r = eff_rng_new(w->seed, SIM_STREAM_GLOBAL + 1);
    if (!r)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = build_plans(w, r, err);
    if (st == EFF_OK)
        st = build_estates(w, r, err);
    eff_rng_free(r);
    w->weight[AREA_UDSAT] = 1.0;
    w->weight[AREA_OEVRIG] = 1.0 / w->opt.scale;
    w->weight[AREA_ALMEN] = 1.0 / (w->opt.almen_scale > 0 ? w->opt.almen_scale : w->opt.scale);
    return st;
}

/* ---- writing ---- */

eff_status sim_text_open(sim_text *f, const char *dir, const char *name, const char *header,
                         eff_error *err)
{
    f->a = NULL;
    if ((size_t)snprintf(f->path, sizeof f->path, "%s/%s", dir, name) >= sizeof f->path)
        return eff_error_set(err, EFF_EINVAL, dir, 0, 0, "the output path is too long");
    eff_status st = eff_atomic_open(f->path, &f->a, err);
    if (st == EFF_OK && header)
        st = eff_atomic_puts(f->a, header, err);
    return st;
}

eff_status sim_text_close(sim_text *f, eff_status st, eff_sim_summary *s, eff_error *err)
{
    if (!f->a)
        return st;
    eff_atomic *a = f->a;
    f->a = NULL;
    if (st != EFF_OK) {
        eff_atomic_abort(a);
        return st;
    }
    return sim_file_commit(a, f->path, s, err);
}

eff_status sim_file_commit(eff_atomic *a, const char *path, eff_sim_summary *s, eff_error *err)
{
    eff_status st = eff_atomic_commit(a, err);
    if (st != EFF_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb) == 0)
        s->bytes += (uint64_t)sb.st_size;
    s->files++;
    return EFF_OK;
}

static eff_status write_plans(const sim_world *w, const char *dir, eff_sim_summary *s,
                              eff_error *err)
{
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "planer.csv",
                                  "plan_id,name,municipality,grant_dkk,cofin_housing_dkk,"
                                  "cofin_municipality_dkk,cofin_other_dkk\n", err);
    for (size_t i = 0; st == EFF_OK && i < w->n_plans; i++) {
        const sim_plan *p = &w->plans[i];
        st = eff_atomic_printf(f.a, err, "%d,Helhedsplan %d-%02d,%d,%.0f,%.0f,%.0f,%.0f\n", p->id,
                               sim_koms[p->kom].code, p->id, sim_koms[p->kom].code, p->grant,
                               p->cofin_housing, p->cofin_municipality, p->cofin_other);
    }
    return sim_text_close(&f, st, s, err);
}

static eff_status write_estates(const sim_world *w, const char *dir, eff_sim_summary *s,
                                eff_error *err)
{
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "afdelinger.csv",
                                  "estate_id,plan_id,residents,kom,omraadetype,plan_2006_10,"
                                  "plan_2011_14\n", err);
    static const char *const type_name[] = {"udsat", "almen", "oevrig"};
    for (size_t e = 0; st == EFF_OK && e < w->n_estates; e++) {
        const sim_estate *est = &w->estates[e];
        if (!est->sampled)
            continue;
        char plan[16] = "";
        if (est->plan >= 0)
            snprintf(plan, sizeof plan, "%d", w->plans[est->plan].id);
        st = eff_atomic_printf(f.a, err, "%d,%s,%d,%d,%s,%d,%d\n", est->id, plan,
                               (int)est->residents_2011, sim_koms[est->kom].code,
                               type_name[est->area], est->plan_2006_10, est->plan >= 0);
    }
    return sim_text_close(&f, st, s, err);
}

/* One row per area type: the sampling fraction and weight that turn the files' counts into
 * whole-country figures. */
static eff_status write_strata(const sim_world *w, const char *dir, eff_sim_summary *s,
                               eff_error *err)
{
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "omraader.csv",
                                  "omraadetype,sampling_fraction,weight,persons_2011\n", err);
    long persons[AREA_N] = {0};
    for (size_t i = 0; i < w->n_persons; i++)
        if (sim_present(&w->persons[i], SIM_BASE))
            persons[w->households[w->persons[i].household].area]++;
    static const char *const type_name[] = {"udsat", "almen", "oevrig"};
    for (int t = 0; st == EFF_OK && t < AREA_N; t++)
        st = eff_atomic_printf(f.a, err, "%s,%.17g,%.17g,%ld\n", type_name[t], 1.0 / w->weight[t],
                               w->weight[t], persons[t]);
    return sim_text_close(&f, st, s, err);
}

eff_status sim_areas_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                           eff_error *err)
{
    eff_status st = write_plans(w, dir, s, err);
    if (st == EFF_OK)
        st = write_estates(w, dir, s, err);
    if (st == EFF_OK)
        st = write_strata(w, dir, s, err);
    return st;
}
