/* sim_pop.c - households and persons: who lives where on 1 January 2011, the children born
 * 2011-2020 into those households, deaths, person ids (pnr), and the person-year view
 * (age, schooling) that every outcome is computed from.
 *
 * Households are made area by area, serially, each from its own stream; so person indices
 * depend only on the seed. Person ids are 10-digit numbers from 4000000000 up, increasing
 * along a random permutation of the persons: the files are sorted by pnr without a sort, and
 * the pnr says nothing about household or area. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "date.h"
#include "mem.h"
#include "rng.h"
#include "sim_internal.h"

static const double OEVRIG_PERSONS_2011 = 4.62e6;
enum { MAX_HOUSEHOLD = 12, BIRTH_FIRST = 2011 };

typedef struct pop_builder {
    sim_world *w;
    size_t cap_persons, cap_households;
    gsl_rng *r;
} pop_builder;

static int grow(pop_builder *b, size_t need_persons)
{
    sim_world *w = b->w;
    if (w->n_persons + need_persons > b->cap_persons) {
        size_t cap = b->cap_persons ? b->cap_persons * 2 : 1 << 16;
        while (cap < w->n_persons + need_persons)
            cap *= 2;
        sim_person *p = eff_reallocarray(w->persons, cap, sizeof *p);
        if (!p)
            return -1;
        w->persons = p, b->cap_persons = cap;
    }
    if (w->n_households + 1 > b->cap_households) {
        size_t cap = b->cap_households ? b->cap_households * 2 : 1 << 14;
        sim_household *h = eff_reallocarray(w->households, cap, sizeof *h);
        if (!h)
            return -1;
        w->households = h, b->cap_households = cap;
    }
    return 0;
}

static int draw_origin(gsl_rng *r, int area)
{
    static const double nonwestern[AREA_N] = {0.50, 0.25, 0.035};
    static const double western[AREA_N] = {0.05, 0.05, 0.05};
    double x = gsl_rng_uniform(r);
    return x < nonwestern[area] ? ORIG_IKKEVEST
           : x < nonwestern[area] + western[area] ? ORIG_VEST : ORIG_DANSK;
}

/* Household types: 0 single, 1 couple, 2 single parent, 3 couple with children. */
static int draw_type(gsl_rng *r, int area, int origin)
{
    static const double single_parent[AREA_N] = {0.20, 0.13, 0.055};
    static const double couple_kids[AREA_N] = {0.28, 0.22, 0.27};
    static const double couple[AREA_N] = {0.17, 0.22, 0.32};
    double kids = couple_kids[area] + (origin == ORIG_IKKEVEST ? 0.12 : 0);
    double x = gsl_rng_uniform(r);
    if (x < single_parent[area])
        return 2;
    if (x < single_parent[area] + kids)
        return 3;
    if (x < single_parent[area] + kids + couple[area])
        return 1;
    return 0;
}

static int32_t birth_date(gsl_rng *r, int year)
{
    int32_t jan1 = eff_date_from_ymd(year, 1, 1);
    int days = eff_date_from_ymd(year + 1, 1, 1) - jan1;
    return jan1 + (int32_t)gsl_rng_uniform_int(r, (unsigned long)days);
}

/* Age in 2011 of a childless adult: most adults are 25-80. */
static int adult_age(gsl_rng *r)
{
    int a = 18 + (int)gsl_ran_gamma(r, 2.2, 17.0);
    return a > 99 ? 99 : a;
}

static void death_year(gsl_rng *r, sim_person *p)
{
    int by = p->birth_year;
    p->exit_year = 0;
    for (int y = SIM_BASE; y <= SIM_Y1; y++) {
        int age = y - by;
        double q = exp(-10.3 + 0.094 * age);
        if (gsl_rng_uniform(r) < (q > 0.6 ? 0.6 : q)) {
            p->exit_year = (uint16_t)(y + 1);
            return;
        }
    }
}

/* The person's own static draws (stream = its index), made once everything else is known. */
static void person_static(sim_world *w, size_t i, gsl_rng *r)
{
    sim_person *p = &w->persons[i];
    eff_rng_stream(r, w->seed, i);
    eff_rng_seek(r, SIM_BLOCK_STATIC);
    for (int k = 0; k < OUT_N; k++)
        p->u[k] = (float)gsl_ran_gaussian_ziggurat(r, 1.0);
    /* floats in [0, 1): a double just below 1 would round up to 1.0f and index past the
     * education tables */
    p->edu_u = fminf((float)gsl_rng_uniform(r), 0x1.fffffep-1f);
    p->edu_v = fminf((float)gsl_rng_uniform(r), 0x1.fffffep-1f);
    if (p->birth < eff_date_from_ymd(SIM_BASE, 1, 1))
        death_year(r, p);
    else
        p->exit_year = 0;
}

static sim_person *add_person(pop_builder *b, int32_t hh, int sex, int origin, int32_t birth,
                              int32_t mother, int32_t father)
{
    sim_world *w = b->w;
    sim_person *p = &w->persons[w->n_persons++];
    memset(p, 0, sizeof *p);
    p->birth = birth;
    int by, bm, bd;
    eff_date_to_ymd(birth, &by, &bm, &bd);
    p->birth_year = (uint16_t)by;
    p->birth_late = bm > 1 || bd > 1;
    p->household = hh;
    p->mother = mother, p->father = father;
    p->treated = -1;
    p->sex = (uint8_t)sex;
    p->origin = (uint8_t)origin;
    p->ie_type = origin == ORIG_DANSK ? 1 : 2;
    return p;
}

/* Makes one household of at most `room` persons present on 1 January 2011. */
static int make_household(pop_builder *b, int area, int cluster, int kom, long room)
{
    sim_world *w = b->w;
    gsl_rng *r = b->r;
    size_t h = w->n_households;
    eff_rng_stream(r, w->seed, SIM_STREAM_HOUSEHOLD + h);
    eff_rng_seek(r, SIM_BLOCK_STATIC); /* the yearly income draws use the stream's start */
    if (grow(b, MAX_HOUSEHOLD + 12) != 0)
        return -1;
    int origin = draw_origin(r, area), type = draw_type(r, area, origin);
    sim_household *hh = &w->households[w->n_households++];
    memset(hh, 0, sizeof *hh);
    hh->first = (int32_t)w->n_persons;
    hh->cluster = cluster, hh->kom = (int16_t)kom;
    hh->area = (uint8_t)area, hh->origin = (uint8_t)origin;
    hh->single = type == 0 || type == 2;
    hh->income_z = (float)gsl_ran_gaussian_ziggurat(r, 1.0);
    int with_kids = type >= 2;
    int main_age = with_kids ? 24 + (int)gsl_rng_uniform_int(r, 27) : adult_age(r);
    int main_sex = type == 2   ? gsl_rng_uniform(r) < 0.85
                   : with_kids ? 1
                               : (int)gsl_rng_uniform_int(r, 2);
    int32_t first = hh->first, mother = -1, father = -1;
    long made = 0;
    add_person(b, (int32_t)h, main_sex, origin, birth_date(r, SIM_BASE - 1 - main_age), -1, -1);
    made++;
    if (main_sex)
        mother = first;
    else
        father = first;
    if ((type == 1 || type == 3) && made < room) {
        int age = main_age + (int)lround(gsl_ran_gaussian(r, 3.0)) + (main_sex ? 2 : -2);
        age = age < 18 ? 18 : age > 99 ? 99 : age;
        add_person(b, (int32_t)h, !main_sex, origin, birth_date(r, SIM_BASE - 1 - age), -1, -1);
        if (main_sex)
            father = first + 1;
        else
            mother = first + 1;
        made++;
    }
    if (with_kids) {
        int n = 1 + (int)gsl_ran_poisson(r, origin == ORIG_IKKEVEST ? 1.3 : 0.7);
        int parent_age = main_age;
        for (int k = 0; k < n && made < room && made < MAX_HOUSEHOLD - 2; k++) {
            int age = parent_age - 20 - (int)gsl_rng_uniform_int(r, 20);
            if (age < 0)
                age = (int)gsl_rng_uniform_int(r, 3);
            if (age > 24)
                continue;
            /* one draw per statement: argument order is unspecified in C */
            int sex = (int)gsl_rng_uniform_int(r, 2);
            int32_t born = birth_date(r, SIM_BASE - 1 - age);
            sim_person *c = add_person(b, (int32_t)h, sex, origin, born, mother, father);
            if (origin != ORIG_DANSK && gsl_rng_uniform(r) < 0.8 - age * 0.02)
                c->ie_type = 3;
            made++;
        }
    }
    /* Children born 2011-2020 to the household's woman aged 20-44. */
    if (mother >= 0 && type >= 1) {
        int by;
        eff_date_to_ymd(w->persons[mother].birth, &by, &(int){0}, &(int){0});
        double rate = origin == ORIG_IKKEVEST ? 0.085 : 0.065;
        for (int y = BIRTH_FIRST; y <= SIM_Y1 && (int32_t)w->n_persons - first < MAX_HOUSEHOLD;
             y++) {
            int age = y - by;
            if (age < 20 || age > 44 || gsl_rng_uniform(r) >= rate)
                continue;
            int sex = (int)gsl_rng_uniform_int(r, 2);
            int32_t born = birth_date(r, y);
            sim_person *c = add_person(b, (int32_t)h, sex, origin, born, mother, father);
            c->ie_type = origin == ORIG_DANSK ? 1 : 3;
        }
    }
    hh->n = (int32_t)w->n_persons - first;
    return (int)made;
}

/* Fills one area (an estate, or a municipality's oevrig part) with `target` persons present on
 * 1 January 2011. */
static int fill_area(pop_builder *b, int area, int cluster, int kom, long target)
{
    long made = 0;
    while (made < target) {
        int n = make_household(b, area, cluster, kom, target - made);
        if (n < 0)
            return -1;
        made += n;
    }
    return 0;
}

/* Person ids: a Fisher-Yates permutation of the persons, along which the pnr rises with a
 * random gap. The persons are then stored in pnr order (parent links remapped), so that a
 * year's files are written in one sequential pass; from here on a person's index is its pnr
 * rank, and its yearly draws come from that index's stream. */
static int assign_pnr(sim_world *w, gsl_rng *r)
{
    size_t n = w->n_persons;
    uint32_t *order = eff_mallocarray(n ? n : 1, sizeof *order);
    uint32_t *rank = eff_mallocarray(n ? n : 1, sizeof *rank);
    sim_person *sorted = eff_mallocarray(n ? n : 1, sizeof *sorted);
    w->pnr = eff_mallocarray(n ? n : 1, sizeof *w->pnr);
    if (!order || !rank || !sorted || !w->pnr) {
        eff_free(order), eff_free(rank), eff_free(sorted);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    eff_rng_stream(r, w->seed, SIM_STREAM_GLOBAL + 2);
    for (size_t i = n; i > 1; i--) {
        size_t j = gsl_rng_uniform_int(r, i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j], order[j] = t;
    }
    uint64_t stride = UINT64_C(5990000000) / (n ? n : 1);
    for (size_t k = 0; k < n; k++) {
        uint64_t jitter = stride > 1 ? gsl_rng_uniform_int(r, (unsigned long)stride) : 0;
        w->pnr[k] = UINT64_C(4000000000) + k * stride + jitter;
        rank[order[k]] = (uint32_t)k;
    }
    for (size_t k = 0; k < n; k++) {
        sorted[k] = w->persons[order[k]];
        if (sorted[k].mother >= 0)
            sorted[k].mother = (int32_t)rank[sorted[k].mother];
        if (sorted[k].father >= 0)
            sorted[k].father = (int32_t)rank[sorted[k].father];
    }
    eff_free(w->persons);
    w->persons = sorted;
    eff_free(order), eff_free(rank);
    return 0;
}

eff_status sim_pop_build(sim_world *w, eff_error *err)
{
    pop_builder b = {.w = w};
    b.r = eff_rng_new(w->seed, 0);
    if (!b.r)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    int bad = 0;
    for (size_t e = 0; !bad && e < w->n_estates; e++) {
        const sim_estate *est = &w->estates[e];
        if (est->sampled)
            bad = fill_area(&b, est->area, (int)e, est->kom, est->size);
    }
    double total_w = 0;
    for (size_t k = 0; k < sim_n_koms; k++)
        total_w += sim_koms[k].weight;
    for (size_t k = 0; !bad && k < sim_n_koms; k++) {
        long target = lround(OEVRIG_PERSONS_2011 * sim_koms[k].weight / total_w * w->opt.scale);
        bad = fill_area(&b, AREA_OEVRIG, (int)(w->n_estates + k), (int)k, target);
    }
    for (size_t i = 0; !bad && i < w->n_persons; i++)
        person_static(w, i, b.r);
    if (!bad)
        bad = assign_pnr(w, b.r);
    eff_rng_free(b.r);
    if (bad)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < w->n_persons; i++) {
        const sim_household *hh = &w->households[w->persons[i].household];
        if (hh->area != AREA_OEVRIG && sim_present(&w->persons[i], SIM_BASE))
            w->estates[hh->cluster].residents_2011++;
    }
    return EFF_OK;
}

int sim_present(const sim_person *p, int year)
{
    return p->birth_year < year && (p->exit_year == 0 || year < p->exit_year);
}

/* Household composition per year. */
eff_status sim_pop_year_counts(sim_world *w, eff_error *err)
{
    size_t nh = w->n_households;
    w->hh_year = eff_calloc(nh * SIM_NY + 1, sizeof *w->hh_year);
    if (!w->hh_year)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (int y = SIM_Y0; y <= SIM_Y1; y++) {
        sim_hh_year *year = w->hh_year + (size_t)(y - SIM_Y0) * nh;
        for (size_t i = 0; i < w->n_persons; i++) {
            const sim_person *p = &w->persons[i];
            if (!sim_present(p, y))
                continue;
            int alder = y - p->birth_year - p->birth_late;
            sim_hh_year *h = &year[p->household];
            h->persons++;
            h->adults14 += alder >= 14;
            h->kids += alder < 18;
            h->kids06 += alder <= 6;
        }
    }
    return EFF_OK;
}

const sim_hh_year *sim_hh(const sim_world *w, int32_t household, int year)
{
    return &w->hh_year[(size_t)(year - SIM_Y0) * w->n_households + (size_t)household];
}

void sim_pnr_format(uint64_t pnr, char out[11])
{
    for (int k = 9; k >= 0; k--) {
        out[k] = (char)('0' + pnr % 10);
        pnr /= 10;
    }
    out[10] = 0;
}
