/* sim_select.c - drawing the participants (entropy-balanced selection from the udsat pool;
 * see sim_part.c's header) and writing what comes of it: deltagelse.csv, the participation
 * records, and truth.csv, the planted and realised effects. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "atomic.h"
#include "linalg.h"
#include "mem.h"
#include "rng.h"
#include "sim_internal.h"

enum { NX_YOUTH = 7, NX_MOTHER = 4, NX_MAX = 8 };
/* Share of leisure-job participants aged 14 and in grundskole, who therefore belong to the
 * boern_unge pool too. The seed does not give it; 20% keeps both tables' means reachable. */
static const double FRITID_IN_BOERN = 0.20;

typedef struct pool_entry {
    int32_t person;
    int16_t g;
    double x[NX_MAX];
    double weight; /* exp(theta'(x - m)) */
} pool_entry;

enum { RERANDOMISE = 400 };

typedef struct pool {
    pool_entry *e;
    size_t n, cap;
} pool;

static int parent_vocational(const sim_world *w, int32_t parent, int year)
{
    if (parent < 0 || !sim_present(&w->persons[parent], year))
        return 0;
    sim_py py;
    sim_py_make(w, (size_t)parent, year, &py);
    return py.hfaudd / 1000 >= 3;
}

/* Covariates in g-1, age in g; age is in decades so that Newton's steps are balanced. */
static int covariates(const sim_world *w, size_t i, int iv, int g, double *x)
{
    const sim_person *p = &w->persons[i];
    const sim_household *h = &w->households[p->household];
    sim_py py;
    sim_py_make(w, i, g, &py);
    if (iv == IV_NETV) {
        x[0] = p->origin == ORIG_IKKEVEST;
        x[1] = sim_koms[h->kom].cph;
        x[2] = h->single && sim_hh(w, p->household, g - 1)->kids > 0;
        x[3] = py.alder / 10.0;
        return NX_MOTHER;
    }
    x[0] = p->sex == 0;
    x[1] = p->origin == ORIG_IKKEVEST;
    x[2] = sim_koms[h->kom].cph;
    x[3] = h->single;
    x[4] = parent_vocational(w, p->mother, g - 1);
    x[5] = parent_vocational(w, p->father, g - 1);
    x[6] = py.alder / 10.0;
    if (iv == IV_FRITID) {
        x[7] = py.alder <= 14 && py.udd / 1000 == 1;
        return NX_YOUTH + 1;
    }
    return NX_YOUTH;
}

static double target_share(const char *iv, const char *what)
{
    char key[96];
    snprintf(key, sizeof key, "part.%s.%s", iv, what);
    return sim_target(key);
}

static void target_means(int iv, double *m)
{
    const char *name = sim_iv_name[iv];
    if (iv == IV_NETV) {
        m[0] = target_share(name, "non_western") / 100;
        m[1] = target_share(name, "cph") / 100;
        m[2] = target_share(name, "single_with_children") / 100;
        m[3] = target_share(name, "mean_age") / 10;
        return;
    }
    static const char *const what[] = {"boys", "non_western", "cph", "single_parent",
                                       "mother_voc", "father_voc"};
    for (int k = 0; k < 6; k++)
        m[k] = target_share(name, what[k]) / 100;
    m[6] = target_share(name, "mean_age") / 10;
    m[7] = FRITID_IN_BOERN;
}

/* Entropy balancing: theta minimising log sum exp(theta'(x - m)). */
static void balance(const pool *pl, int nx, const double *m, double *theta)
{
    for (int k = 0; k < nx; k++)
        theta[k] = 0;
    for (int it = 0; it < 100; it++) {
        double grad[NX_MAX] = {0}, hess[NX_MAX * NX_MAX] = {0}, step[NX_MAX], wsum = 0;
        double mean[NX_MAX] = {0};
        for (size_t i = 0; i < pl->n; i++) {
            double eta = 0;
            for (int k = 0; k < nx; k++)
                eta += theta[k] * (pl->e[i].x[k] - m[k]);
            double wt = exp(eta < 50 ? eta : 50);
            wsum += wt;
            for (int k = 0; k < nx; k++)
                mean[k] += wt * pl->e[i].x[k];
        }
        for (int k = 0; k < nx; k++)
            mean[k] /= wsum, grad[k] = mean[k] - m[k];
        for (size_t i = 0; i < pl->n; i++) {
            double eta = 0;
            for (int k = 0; k < nx; k++)
                eta += theta[k] * (pl->e[i].x[k] - m[k]);
            double wt = exp(eta < 50 ? eta : 50) / wsum;
            for (int a = 0; a < nx; a++)
                for (int b = 0; b < nx; b++)
                    hess[a + b * nx] += wt * (pl->e[i].x[a] - mean[a]) * (pl->e[i].x[b] - mean[b]);
        }
        double gmax = 0;
        for (int k = 0; k < nx; k++)
            gmax = fmax(gmax, fabs(grad[k]));
        if (gmax < 1e-10)
            return;
        for (int k = 0; k < nx; k++)
            hess[k + k * nx] += 1e-9;
        eff_error e;
        double rcond;
        if (eff_linalg_spd_solve(hess, (size_t)nx, grad, step, NULL, 0, &rcond, &e) != EFF_OK)
            return; /* a target outside the pool's range: the closest balance reached */
        double scale = 1;
        for (int k = 0; k < nx; k++)
            scale = fmin(scale, 2.0 / fmax(fabs(step[k]), 1e-300));
        for (int k = 0; k < nx; k++)
            theta[k] -= scale * step[k];
    }
}

static int pool_add(pool *pl, int32_t person, int g)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 1024;
        pool_entry *e = eff_reallocarray(pl->e, cap, sizeof *e);
        if (!e)
            return -1;
        pl->e = e, pl->cap = cap;
    }
    pool_entry *e = &pl->e[pl->n++];
    memset(e, 0, sizeof *e);
    e->person = person, e->g = (int16_t)g;
    return 0;
}


typedef struct keyed {
    double key;
    int32_t idx;
} keyed;

static int by_key_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->key < y->key ? 1 : x->key > y->key ? -1 : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Moves the `top` largest keys (in any order) to the front: Hoare's selection. */
static void select_top(keyed *a, size_t n, size_t top)
{
    size_t lo = 0, hi = n;
    while (top > lo && top < hi && hi - lo > 1) {
        keyed pivot = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (by_key_desc(&a[i], &pivot) < 0)
                i++;
            while (by_key_desc(&a[j], &pivot) > 0)
                j--;
            if (i <= j) {
                keyed t = a[i];
                a[i] = a[j], a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (top <= j + 1)
            hi = j + 1;
        else if (top >= i)
            lo = i;
        else
            return;
    }
}

/* One draw of `want` pairs without replacement, probability proportional to weight
 * (Efraimidis-Spirakis keys), one pair per person; writes pool indices to pick. */
static long draw_sample(const pool *pl, keyed *order, gsl_rng *r, long want, uint32_t *stamp,
                        uint32_t draw, int32_t *pick)
{
    for (size_t i = 0; i < pl->n; i++)
        order[i] = (keyed){log(gsl_rng_uniform_pos(r)) / pl->e[i].weight, (int32_t)i};
    /* Only the largest keys matter: move a generous top to the front, then sort it. A person
     * can hold several pairs (start years), so the top is widened until it yields `want`. */
    size_t top = (size_t)want * 4 + 64;
    long got = 0;
    for (;;) {
        if (top > pl->n)
            top = pl->n;
        select_top(order, pl->n, top);
        qsort(order, top, sizeof *order, by_key_desc);
        got = 0;
        for (size_t k = 0; k < top && got < want; k++) {
            const pool_entry *e = &pl->e[order[k].idx];
            if (stamp[e->person] == draw)
                continue;
            stamp[e->person] = draw;
            pick[got++] = order[k].idx;
        }
        if (got >= want || top == pl->n)
            return got;
        for (long k = 0; k < got; k++) /* a wider top: start over */
            stamp[pl->e[pick[k]].person] = 0;
        top *= 2;
    }
}

/* The worst miss of a sample's means, in the tables' terms: percentage points for shares,
 * half-years for the mean age (its tolerance); the leisure-job participants' share in
 * grundskole at 14 (not a table figure) counts a fifth. */
static double sample_distance(const pool *pl, int nx, const double *m, const int32_t *pick,
                              long n)
{
    double worst = 0;
    for (int k = 0; k < nx && n > 0; k++) {
        double mean = 0;
        for (long i = 0; i < n; i++)
            mean += pl->e[pick[i]].x[k];
        mean /= (double)n;
        int age = (nx == NX_MOTHER && k == 3) || (nx > NX_MOTHER && k == 6);
        double unit = age ? 10.0 / 0.5 : k == 7 ? 20.0 : 100.0;
        worst = fmax(worst, fabs(mean - m[k]) * unit);
    }
    return worst;
}

static sim_treated *treated_of(sim_world *w, int32_t person)
{
    sim_person *p = &w->persons[person];
    if (p->treated < 0) {
        sim_treated *t = &w->treated[w->n_treated];
        memset(t, 0, sizeof *t);
        t->person = person;
        for (int k = 0; k < IV_N; k++)
            t->slot[k] = -1;
        p->treated = (int32_t)w->n_treated++;
    }
    return &w->treated[p->treated];
}

static int already(const sim_world *w, int32_t person, int iv)
{
    const sim_person *p = &w->persons[person];
    return p->treated >= 0 && w->treated[p->treated].g[iv] != 0;
}

/* Draws n participants of `iv`; `have` of them are there already (boern_unge's overlap with
 * the leisure-job participants), and the targets are for all n together. */
static int select_iv(sim_world *w, int iv, long n, gsl_rng *r)
{
    pool pl = {0};
    for (int g = SIM_FIRST_COHORT; g <= SIM_LAST_COHORT; g++)
        for (size_t i = 0; i < w->n_persons; i++)
            if (!already(w, (int32_t)i, iv) && sim_rule(w, i, iv, g) &&
                sim_present(&w->persons[i], g - 1) &&
                !(iv == IV_BOERN && already(w, (int32_t)i, IV_FRITID)))
                if (pool_add(&pl, (int32_t)i, g) != 0)
                    return eff_free(pl.e), -1;
    double m[NX_MAX], theta[NX_MAX];
    target_means(iv, m);
    int nx = 0;
    for (size_t i = 0; i < pl.n; i++)
        nx = covariates(w, (size_t)pl.e[i].person, iv, pl.e[i].g, pl.e[i].x);
    long have = 0;
    if (iv == IV_BOERN) { /* the overlap counts towards the table's means */
        double sum[NX_MAX] = {0};
        for (size_t t = 0; t < w->n_treated; t++)
            if (w->treated[t].g[IV_BOERN]) {
                double x[NX_MAX];
                covariates(w, (size_t)w->treated[t].person, iv, w->treated[t].g[IV_BOERN], x);
                for (int k = 0; k < nx; k++)
                    sum[k] += x[k];
                have++;
            }
        if (have < n)
            for (int k = 0; k < nx; k++)
                m[k] = (m[k] * (double)n - sum[k]) / (double)(n - have);
    }
    if (pl.n > 0 && nx > 0)
        balance(&pl, nx, m, theta);
    for (size_t i = 0; i < pl.n; i++) {
        double eta = 0;
        for (int k = 0; k < nx; k++)
            eta += theta[k] * (pl.e[i].x[k] - m[k]);
        pl.e[i].weight = exp(eta < 50 ? eta : 50);
    }
    long want = n - have > 0 ? n - have : 0;
    int32_t *best = eff_mallocarray((size_t)want + 1, sizeof *best);
    int32_t *pick = eff_mallocarray((size_t)want + 1, sizeof *pick);
    uint32_t *stamp = eff_calloc(w->n_persons + 1, sizeof *stamp);
    keyed *order = eff_mallocarray(pl.n + 1, sizeof *order);
    if (!best || !pick || !stamp || !order) {
        eff_free(best), eff_free(pick), eff_free(stamp), eff_free(order), eff_free(pl.e);
        return -1;
    }
    /* Rerandomisation (Morgan and Rubin, 2012): of several draws, keep the one whose means
     * are closest to the tables'. Each draw depends on the covariates and chance only. */
    double best_dist = INFINITY;
    long best_n = 0;
    for (uint32_t draw = 1; draw <= RERANDOMISE; draw++) {
        long got = draw_sample(&pl, order, r, want, stamp, draw, pick);
        double dist = sample_distance(&pl, nx, m, pick, got);
        if (got >= best_n && dist < best_dist) {
            best_dist = dist, best_n = got;
            memcpy(best, pick, (size_t)got * sizeof *pick);
        }
    }
    for (long k = 0; k < best_n; k++)
        treated_of(w, pl.e[best[k]].person)->g[iv] = pl.e[best[k]].g;
    eff_free(best), eff_free(pick), eff_free(stamp), eff_free(order);
    eff_free(pl.e);
    return 0;
}

eff_status sim_participants_select(sim_world *w, eff_error *err)
{
    double f = w->opt.participants_scale * (double)w->opt.plans / 89.0;
    long n[IV_N], total = 0;
    for (int iv = 0; iv < IV_N; iv++)
    {
        char key[64]; /* the tables' N, from data/calibration.csv */
        snprintf(key, sizeof key, "part.%s.n", sim_iv_name[iv]);
        total += n[iv] = lround(sim_target(key) * f);
    }
    w->treated = eff_calloc((size_t)total + 1, sizeof *w->treated);
    gsl_rng *r = eff_rng_new(w->seed, SIM_STREAM_GLOBAL + 10);
    if (!w->treated || !r)
        return eff_rng_free(r), eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    int bad = select_iv(w, IV_FRITID, n[IV_FRITID], r);
    /* Leisure-job participants who meet the absence rule in their start year belong to the
     * boern_unge pool too (the seed pools the leisure-job activities into it). */
    for (size_t t = 0; !bad && t < w->n_treated; t++)
        if (sim_rule(w, (size_t)w->treated[t].person, IV_BOERN, w->treated[t].g[IV_FRITID]))
            w->treated[t].g[IV_BOERN] = w->treated[t].g[IV_FRITID];
    if (!bad)
        bad = select_iv(w, IV_BOERN, n[IV_BOERN], r);
    if (!bad)
        bad = select_iv(w, IV_NETV, n[IV_NETV], r);
    eff_rng_free(r);
    if (bad)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    /* Truth slots: one per participant and intervention. */
    size_t slots = 0;
    for (size_t t = 0; t < w->n_treated; t++)
        for (int iv = 0; iv < IV_N; iv++)
            if (w->treated[t].g[iv])
                w->treated[t].slot[iv] = (int32_t)slots++;
    w->n_slots = slots;
    w->truth_diff = eff_mallocarray(slots * SIM_NE + 1, sizeof *w->truth_diff);
    if (!w->truth_diff)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < slots * SIM_NE; k++)
        w->truth_diff[k] = NAN;
    return EFF_OK;
}

/* ---- deltagelse.csv ---- */

static const char *const activity[] = {"lommepengejob", "fritidsjob", "brandkadet", "mentor",
                                       "projekt_event", "kreativ_laering", "netvaerksmoedre"};

typedef struct record {
    uint64_t pnr;
    int plan, act, start, end;
} record;

typedef struct records {
    record *r;
    size_t n, cap;
} records;

static int rec_add(records *rs, uint64_t pnr, int plan, int act, int start, int end)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        record *r = eff_reallocarray(rs->r, cap, sizeof *r);
        if (!r)
            return -1;
        rs->r = r, rs->cap = cap;
    }
    rs->r[rs->n++] = (record){pnr, plan, act, start, end > SIM_LAST_COHORT ? SIM_LAST_COHORT : end};
    return 0;
}

static int by_pnr(const void *a, const void *b)
{
    const record *x = a, *y = b;
    if (x->pnr != y->pnr)
        return x->pnr < y->pnr ? -1 : 1;
    if (x->act != y->act)
        return x->act - y->act;
    return x->start - y->start;
}

static int plan_of(const sim_world *w, size_t i)
{
    const sim_household *h = &w->households[w->persons[i].household];
    if (h->area == AREA_OEVRIG)
        return 0;
    int plan = w->estates[h->cluster].plan;
    return plan >= 0 ? w->plans[plan].id : 0;
}

static int pnr_known(const sim_world *w, uint64_t pnr)
{
    size_t lo = 0, hi = w->n_persons;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t v = w->pnr[mid];
        if (v == pnr)
            return 1;
        if (v < pnr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int act_for(int iv, gsl_rng *r)
{
    if (iv == IV_FRITID)
        return gsl_rng_uniform(r) < 0.4 ? 0 : 1;
    if (iv == IV_BOERN)
        return 2 + (int)gsl_rng_uniform_int(r, 4);
    return 6;
}

/* Records of the participants, then records that an evaluation must drop: persons outside
 * the rule in their start year, and ids that match nobody in the registers. */
static int make_records(const sim_world *w, records *rs, gsl_rng *r)
{
    for (size_t t = 0; t < w->n_treated; t++) {
        const sim_treated *tr = &w->treated[t];
        uint64_t pnr = w->pnr[tr->person];
        int plan = plan_of(w, (size_t)tr->person);
        for (int iv = 0; iv < IV_N; iv++) {
            int g = tr->g[iv];
            if (!g || (iv == IV_BOERN && tr->g[IV_FRITID] == g))
                continue; /* pooled through the leisure-job record */
            int act = act_for(iv, r), end = g + (gsl_rng_uniform(r) < 0.4);
            if (rec_add(rs, pnr, plan, act, g, end) != 0)
                return -1;
            if (iv == IV_FRITID && gsl_rng_uniform(r) < 0.15 &&
                rec_add(rs, pnr, plan, 1 - act, g, g) != 0)
                return -1;
        }
    }
    size_t real = rs->n;
    long out_of_rule = lround(0.06 * (double)real), unlinkable = lround(0.10 * (double)real);
    for (long k = 0, tries = 0; k < out_of_rule && tries < 1000000 && w->n_persons; tries++) {
        size_t i = gsl_rng_uniform_int(r, w->n_persons);
        int iv = (int)gsl_rng_uniform_int(r, IV_N);
        int g = SIM_FIRST_COHORT + (int)gsl_rng_uniform_int(r, 4);
        const sim_person *p = &w->persons[i];
        if (p->treated >= 0 || w->households[p->household].area != AREA_UDSAT ||
            !sim_present(p, g) || sim_rule(w, i, iv, g))
            continue;
        sim_py py;
        sim_py_make(w, i, g, &py);
        int near = iv == IV_NETV ? p->sex == 1 && py.alder >= 50 && py.alder <= 58
                                 : py.alder >= (iv == IV_BOERN ? 15 : 21) &&
                                       py.alder <= (iv == IV_BOERN ? 16 : 24);
        if (!near)
            continue;
        if (rec_add(rs, w->pnr[i], plan_of(w, i), act_for(iv, r), g, g) != 0)
            return -1;
        k++;
    }
    for (long k = 0; k < unlinkable; k++) {
        uint64_t pnr;
        do
            pnr = UINT64_C(4000000000) + (uint64_t)(gsl_rng_uniform(r) * 5.999e9);
        while (pnr_known(w, pnr));
        int iv = (int)gsl_rng_uniform_int(r, IV_N);
        int g = SIM_FIRST_COHORT + (int)gsl_rng_uniform_int(r, 4);
        int plan = w->n_plans ? w->plans[gsl_rng_uniform_int(r, w->n_plans)].id : 0;
        int act = act_for(iv, r); /* one draw per statement: argument order is unspecified */
        int end = g + (gsl_rng_uniform(r) < 0.4);
        if (rec_add(rs, pnr, plan, act, g, end) != 0)
            return -1;
    }
    qsort(rs->r, rs->n, sizeof *rs->r, by_pnr);
    return 0;
}

eff_status sim_participants_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                                  eff_error *err)
{
    records rs = {0};
    gsl_rng *r = eff_rng_new(w->seed, SIM_STREAM_GLOBAL + 11);
    if (!r || make_records(w, &rs, r) != 0) {
        eff_rng_free(r), eff_free(rs.r);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    eff_rng_free(r);
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "deltagelse.csv",
                                  "pnr,plan_id,aktivitet,start_aar,slut_aar\n", err);
    for (size_t k = 0; st == EFF_OK && k < rs.n; k++) {
        char pnr[11];
        sim_pnr_format(rs.r[k].pnr, pnr);
        st = eff_atomic_printf(f.a, err, "%s,%d,%s,%d,%d\n", pnr, rs.r[k].plan,
                               activity[rs.r[k].act], rs.r[k].start, rs.r[k].end);
    }
    eff_free(rs.r);
    return sim_text_close(&f, st, s, err);
}

/* ---- truth.csv ---- */

/* The shortest decimal that reads back to v ("" for NaN). */
static void fmt_num(char *buf, size_t size, double v)
{
    buf[0] = 0;
    if (isnan(v))
        return;
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* The realised effect in pp: mean over participants observed at e (and in cohort g, unless
 * 0) of p1 - p0; for absence the mean of the planted shifts (already in pp). */
static double realised(const sim_world *w, int iv, int sub, int g, int e, long *n)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    *n = 0;
    for (size_t t = 0; t < w->n_treated; t++) {
        const sim_treated *tr = &w->treated[t];
        if (!tr->g[iv] || (g && tr->g[iv] != g) ||
            (iv == IV_FRITID && w->persons[tr->person].sex != sub))
            continue;
        double d = w->truth_diff[(size_t)tr->slot[iv] * SIM_NE + (size_t)(e - SIM_EMIN)];
        if (isnan(d))
            continue;
        sum += d, lo = fmin(lo, d), hi = fmax(hi, d);
        (*n)++;
    }
    if (!*n)
        return NAN;
    double scale = iv == IV_BOERN ? 1.0 : 100.0;
    return lo == hi ? scale * lo : scale * sum / (double)*n; /* one planted value: exactly it */
}

static eff_status truth_rows(const sim_world *w, eff_atomic *a, int g, eff_error *err)
{
    static const char *const sub_name[] = {"koen=M", "koen=K"};
    eff_status st = EFF_OK;
    for (int iv = 0; iv < IV_N && st == EFF_OK; iv++)
        for (int sub = 0; sub < (iv == IV_FRITID ? 2 : 1) && st == EFF_OK; sub++)
            for (int e = sim_iv_emin[iv]; e <= SIM_EMAX && st == EFF_OK; e++) {
                if (e == -1)
                    continue;
                int c = g ? 1 + g - SIM_FIRST_COHORT : 0;
                double planted = w->fx.v[iv][sub][c][e - SIM_EMIN];
                if (g && isnan(planted))
                    planted = w->fx.v[iv][sub][0][e - SIM_EMIN];
                /* the all-cohort row of a cell planted differently by cohort has no single
                 * log odds ratio: left empty (its att_pp pools the cohorts) */
                for (int k = 1; !g && k <= SIM_LAST_COHORT - SIM_FIRST_COHORT + 1; k++) {
                    double v = w->fx.v[iv][sub][k][e - SIM_EMIN];
                    if (!isnan(v) && v != planted)
                        planted = NAN;
                }
                long n;
                double pp = realised(w, iv, sub, g, e, &n);
                char lo[32], att[32], cohort[8];
                fmt_num(lo, sizeof lo, iv == IV_BOERN ? NAN : planted);
                fmt_num(att, sizeof att, pp);
                snprintf(cohort, sizeof cohort, g ? "%d" : "all", g);
                st = eff_atomic_printf(a, err, "%s,%s,%s,%s,%d,%s,%s\n", sim_iv_name[iv],
                                       sim_iv_outcome[iv], iv == IV_FRITID ? sub_name[sub] : "all",
                                       cohort, e, lo, att);
            }
    return st;
}

eff_status sim_truth_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                           eff_error *err)
{
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "truth.csv",
                                  "intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp\n",
                                  err);
    if (st == EFF_OK)
        st = truth_rows(w, f.a, 0, err);
    for (int g = SIM_FIRST_COHORT; st == EFF_OK && w->fx.cohort_specific && g <= SIM_LAST_COHORT;
         g++)
        st = truth_rows(w, f.a, g, err);
    return sim_text_close(&f, st, s, err);
}
