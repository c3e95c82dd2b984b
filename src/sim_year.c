/* sim_year.c - one year of Synthetic Denmark: every person's outcomes drawn from their own
 * stream and formatted into the year's register files.
 *
 * Persons are visited in pnr order in blocks; a round gives each thread one block, each with
 * its own buffers, and the buffers are written in block order. A person's draws come from
 * stream (seed, person index) at a block fixed by (year, outcome), and the area shocks from
 * (seed, cluster, year, outcome), so the bytes do not depend on the thread count. Truth
 * accumulators are per participant, so threads never share one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "date.h"
#include "mem.h"
#include "parallel.h"
#include "rng.h"
#include "sim_internal.h"
#include "sim_sink.h"

enum { BLOCK = 1 << 13 };
static const char *const area_name[] = {"udsat", "almen", "oevrig"};
static const char *const origin_name[] = {"dansk", "vestlig", "ikke_vestlig"};
static const int opr_land[ORIG_N][4] = {
    {5100, 5100, 5100, 5100}, {5110, 5120, 5170, 5180}, {5352, 5432, 5542, 5754}};

typedef struct year_job {
    sim_world *w;
    int year;
    const double *shocks; /* [cluster * OUT_N + outcome] */
    size_t first_block;
    sim_buf (*bufs)[SIM_REG_N]; /* one set per part */
    unsigned registers;         /* bits of the registers made */
    eff_dict *persons;          /* in-memory registers: every pnr, code = person index */
    int failed;
} year_job;

static void seek(gsl_rng *r, const sim_world *w, size_t i, int year, int outcome)
{
    eff_rng_stream(r, w->seed, i);
    eff_rng_seek(r, (uint64_t)(year - SIM_Y0) * SIM_BLOCKS_PER_YEAR +
                        (uint64_t)outcome * SIM_BLOCKS_PER_OUTCOME);
}

static void put_pnr(sim_buf *b, const sim_world *w, int32_t person)
{
    if (person < 0) {
        sim_put_na(b);
        return;
    }
    char s[11] = "";
    if (!b->cols) /* in column mode the person's index is its code */
        sim_pnr_format(w->pnr[person], s);
    sim_put_person(b, person, s);
}

/* The person-year's treatment at event time year - g, and where its truth goes. */
typedef struct treat {
    double tau;
    double *diff; /* NULL when outside the window or not a participant */
} treat;

static treat treatment(const sim_world *w, const sim_person *p, int iv, int year)
{
    treat t = {0, NULL};
    if (p->treated < 0)
        return t;
    const sim_treated *tr = &w->treated[p->treated];
    int g = tr->g[iv];
    if (!g)
        return t;
    int e = year - g;
    t.tau = sim_effect(w, iv, iv == IV_FRITID ? p->sex : 0, g, e);
    if (e >= SIM_EMIN && e <= SIM_EMAX)
        t.diff = &w->truth_diff[(size_t)tr->slot[iv] * SIM_NE + (size_t)(e - SIM_EMIN)];
    return t;
}

typedef struct person_year {
    const sim_person *p;
    const sim_household *h;
    sim_py py;
    const sim_hh_year *hh;
    const double *shock;
    int job, employed, adult_enrolled;
    double hours;
} person_year;

static void draw_work(const sim_world *w, size_t i, person_year *x, gsl_rng *r)
{
    const sim_person *p = x->p;
    int area = x->h->area, a = x->py.alder;
    x->hours = 0;
    if (a >= 13 && a <= 24) {
        seek(r, w, i, x->py.year, OUT_JOB);
        double eta = sim_eta_job(&w->m, p, area, &x->py) + sim_u(w, p, OUT_JOB) + x->shock[OUT_JOB];
        treat t = treatment(w, p, IV_FRITID, x->py.year);
        double p1 = sim_logistic(eta + t.tau);
        if (t.diff)
            *t.diff = p1 - sim_logistic(eta);
        x->job = gsl_rng_uniform(r) < p1;
        if (x->job)
            x->hours = x->py.enrolled ? 110 + floor(gsl_ran_gamma(r, 2.0, 90.0))
                                      : 1000 + floor(700 * gsl_rng_uniform(r));
        else if (gsl_rng_uniform(r) < 0.35)
            x->hours = 1 + floor(109 * gsl_rng_uniform(r));
        x->employed = x->job && !x->py.enrolled;
    } else {
        /* a participant observed outside the ages of the job model (12 at e = -2) has no
         * leisure job with or without the effect: a realised effect of 0 */
        treat t = treatment(w, p, IV_FRITID, x->py.year);
        if (t.diff)
            *t.diff = 0;
    }
    if (a >= 25 && a <= 66) {
        seek(r, w, i, x->py.year, OUT_EMP);
        double eta = sim_eta_emp(&w->m, p, area, &x->py) + sim_u(w, p, OUT_EMP) + x->shock[OUT_EMP];
        x->employed = gsl_rng_uniform(r) < sim_logistic(eta);
        if (x->employed)
            x->hours = 1200 + floor(650 * gsl_rng_uniform(r));
        else if (gsl_rng_uniform(r) < 0.1)
            x->hours = 1 + floor(400 * gsl_rng_uniform(r));
    }
    if (a >= 25 && x->py.sa >= x->py.leave_sa) {
        seek(r, w, i, x->py.year, OUT_ENR);
        double eta = sim_eta_enr(&w->m, p, area, &x->py) + sim_u(w, p, OUT_ENR) + x->shock[OUT_ENR];
        treat t = treatment(w, p, IV_NETV, x->py.year);
        double p1 = sim_logistic(eta + t.tau);
        if (t.diff)
            *t.diff = p1 - sim_logistic(eta);
        x->adult_enrolled = gsl_rng_uniform(r) < p1;
    }
}

static void row_bef(sim_buf *b, const sim_world *w, size_t i, const person_year *x)
{
    const sim_person *p = x->p;
    const sim_household *h = x->h;
    put_pnr(b, w, (int32_t)i);
    sim_put_str(b, p->sex ? "K" : "M");
    sim_put_date(b, p->birth);
    sim_put_int(b, x->py.alder);
    sim_put_int(b, p->ie_type);
    sim_put_int(b, opr_land[p->origin][i % 4]);
    sim_put_str(b, origin_name[p->origin]);
    sim_put_int(b, sim_koms[h->kom].code);
    sim_put_int(b, sim_koms[h->kom].cph);
    sim_put_int(b, (long long)p->household + 1);
    sim_put_int(b, h->single ? 2 : 1);
    sim_put_int(b, x->hh->persons);
    sim_put_int(b, x->hh->kids);
    put_pnr(b, w, p->mother >= 0 && sim_present(&w->persons[p->mother], x->py.year) ? p->mother : -1);
    put_pnr(b, w, p->father >= 0 && sim_present(&w->persons[p->father], x->py.year) ? p->father : -1);
    if (h->area == AREA_OEVRIG)
        sim_put_na(b);
    else
        sim_put_int(b, w->estates[h->cluster].id);
    sim_put_str(b, area_name[h->area]);
    sim_end_row(b);
}

static void row_udda(sim_buf *b, const sim_world *w, size_t i, const person_year *x)
{
    if (x->py.sa < 6)
        return;
    put_pnr(b, w, (int32_t)i);
    if (x->py.hfaudd) {
        sim_put_int(b, x->py.hfaudd);
        sim_put_int(b, x->py.hfaudd / 1000 >= 3);
    } else {
        sim_put_na(b), sim_put_na(b);
    }
    int udd = x->py.udd;
    if (!udd && x->adult_enrolled)
        udd = x->py.edu_level >= 3 ? 5010 : 3010;
    if (udd)
        sim_put_int(b, udd);
    else
        sim_put_na(b);
    sim_put_int(b, udd != 0);
    sim_end_row(b);
}

static void row_ras(sim_buf *b, const sim_world *w, size_t i, const person_year *x, gsl_rng *r)
{
    int a = x->py.alder;
    if (a < 16 || a > 74)
        return;
    int enrolled = x->py.enrolled || x->adult_enrolled;
    int status = x->employed ? 1 : enrolled ? 2 : a < 65 && gsl_rng_uniform(r) < 0.45 ? 3 : 4;
    static const int socio[] = {0, 132, 310, 210, 330};
    put_pnr(b, w, (int32_t)i);
    sim_put_int(b, status);
    sim_put_int(b, status == 4 && a >= 65 ? 321 : socio[status]);
    sim_end_row(b);
}

static void row_absence(sim_buf *b, const sim_world *w, size_t i, const person_year *x,
                        gsl_rng *r)
{
    if (!x->py.pupil)
        return;
    const sim_person *p = x->p;
    const sim_model *m = &w->m;
    seek(r, w, i, x->py.year, OUT_ABS);
    double sd = sim_sd(w, p, OUT_ABS), s = m->shock_sd[OUT_ABS];
    double level = exp(sim_eta_abs(m, p, x->h->area, &x->py) + sim_u(w, p, OUT_ABS) -
                       0.5 * sd * sd + x->shock[OUT_ABS] - 0.5 * s * s);
    treat t = treatment(w, p, IV_BOERN, x->py.year);
    double untreated = m->abs_base + level * gsl_ran_gamma(r, m->abs_shape, 1.0 / m->abs_shape);
    untreated = untreated > 100 ? 100 : untreated;
    double shifted = untreated + t.tau;
    double pct = shifted < 0 ? 0 : shifted > 100 ? 100 : shifted;
    /* The realised shift, in pp: the planted one unless the range 0-100 cuts it (the floor
     * of 2% keeps the seed's shifts whole; a larger planted cut may not be) */
    if (t.diff)
        *t.diff = pct == shifted ? t.tau : pct - untreated;
    double days = round(pct * 2.0 * 10.0) / 10.0; /* 200 school days, to a tenth of a day */
    put_pnr(b, w, (int32_t)i);
    sim_put_int(b, x->py.klasse);
    sim_put_int(b, 200);
    sim_put_fixed(b, days, 1);
    sim_put_fixed(b, days / 2.0, 2);
    if (x->py.klasse == 9)
        sim_put_int(b, gsl_rng_uniform(r) < sim_logistic(sim_eta_exam(m, p, x->h->area)));
    else
        sim_put_na(b);
    sim_end_row(b);
}

static int by_date(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void row_crime(sim_buf *b, const sim_world *w, size_t i, const person_year *x, gsl_rng *r)
{
    if (x->py.alder < 10)
        return;
    const sim_person *p = x->p;
    seek(r, w, i, x->py.year, OUT_CRIME);
    double sd = sim_sd(w, p, OUT_CRIME);
    double s = w->m.shock_sd[OUT_CRIME];
    double rate = exp(sim_eta_crime(&w->m, p, x->h->area, &x->py) + sim_u(w, p, OUT_CRIME) -
                      0.5 * sd * sd + x->shock[OUT_CRIME] - 0.5 * s * s);
    unsigned n = gsl_ran_poisson(r, rate < 16 ? rate : 16); /* at most 16 events are kept */
    if (n == 0)
        return;
    int32_t dates[16];
    uint32_t ids[16][2];
    if (n > 16)
        n = 16;
    int32_t jan1 = eff_date_from_ymd(x->py.year, 1, 1);
    int days = eff_date_from_ymd(x->py.year + 1, 1, 1) - jan1;
    for (unsigned k = 0; k < n; k++)
        dates[k] = jan1 + (int32_t)gsl_rng_uniform_int(r, (unsigned long)days);
    qsort(dates, n, sizeof *dates, by_date);
    for (unsigned k = 0; k < n; k++) {
        ids[k][0] = (uint32_t)gsl_rng_get(r), ids[k][1] = (uint32_t)gsl_rng_get(r);
        int records = gsl_rng_uniform(r) < 0.2 ? 2 : 1; /* two offences in one case */
        for (int c = 0; c < records; c++) {
            char case_id[14];
            static const char hex[] = "0123456789ABCDEF";
            uint64_t v = ((uint64_t)ids[k][0] << 16) | (ids[k][1] & 0xffffu);
            case_id[0] = 'S', case_id[13] = 0;
            for (int d = 12; d >= 1; d--, v >>= 4)
                case_id[d] = hex[v & 15];
            put_pnr(b, w, (int32_t)i);
            sim_put_str(b, case_id);
            sim_put_date(b, dates[k]);
            sim_put_str(b, x->py.alder <= 14 ? "mistanke" : "sigtelse");
            sim_end_row(b);
        }
    }
}

/* Income: the household's standing plus a household-year draw, the same for every member. */
static void row_income(sim_buf *b, const sim_world *w, size_t i, const person_year *x,
                       gsl_rng *r)
{
    const sim_household *h = x->h;
    size_t hidx = (size_t)x->p->household;
    eff_rng_stream(r, w->seed, SIM_STREAM_HOUSEHOLD + hidx);
    eff_rng_seek(r, (uint64_t)(x->py.year - SIM_Y0) * SIM_BLOCKS_PER_YEAR + OUT_INC);
    double year_z = gsl_ran_gaussian_ziggurat(r, 1.0);
    double wealth_z = gsl_ran_gaussian_ziggurat(r, 1.0);
    double eq = w->national_income[x->py.year - SIM_Y0] *
                exp(sim_eta_inc(&w->m, h, x->hh->kids06) + w->m.inc_sd * h->income_z +
                    w->m.inc_year_sd * year_z);
    int adults = x->hh->adults14, persons = x->hh->persons;
    if (adults < 1)
        adults = 1;
    double scale = 1.0 + 0.5 * (adults - 1) + 0.3 * (persons - adults);
    double family = eq * scale;
    double wealth = 250000.0 * exp(1.1 * h->income_z + 0.3 * wealth_z) - 150000.0;
    put_pnr(b, w, (int32_t)i);
    sim_put_fixed(b, x->py.alder >= 14 ? family / adults : 0, 0);
    sim_put_fixed(b, family, 0);
    sim_put_fixed(b, eq, 0);
    sim_put_fixed(b, wealth, 0);
    sim_end_row(b);
}

static void person(year_job *job, size_t i, sim_buf *bufs, gsl_rng *r)
{
    sim_world *w = job->w;
    const sim_person *p = &w->persons[i];
    if (!sim_present(p, job->year))
        return;
    person_year x = {.p = p, .h = &w->households[p->household]};
    sim_py_make(w, i, job->year, &x.py);
    x.hh = sim_hh(w, p->household, job->year);
    x.shock = job->shocks + (size_t)x.h->cluster * OUT_N;
    draw_work(w, i, &x, r);
    unsigned want = job->registers;
    if (want & (1u << SIM_REG_BEF))
        row_bef(&bufs[SIM_REG_BEF], w, i, &x);
    if (want & (1u << SIM_REG_UDDA))
        row_udda(&bufs[SIM_REG_UDDA], w, i, &x);
    if ((want & (1u << SIM_REG_BFL)) && x.hours > 0) {
        put_pnr(&bufs[SIM_REG_BFL], w, (int32_t)i);
        sim_put_int(&bufs[SIM_REG_BFL], (long long)x.hours);
        sim_end_row(&bufs[SIM_REG_BFL]);
    }
    if (want & (1u << SIM_REG_FRAVAER))
        row_absence(&bufs[SIM_REG_FRAVAER], w, i, &x, r);
    if (!(want & ((1u << SIM_REG_RAS) | (1u << SIM_REG_KRIM) | (1u << SIM_REG_IND))))
        return; /* their draws come after every other register's */
    seek(r, w, i, job->year, OUT_N); /* status draws */
    if (want & (1u << SIM_REG_RAS))
        row_ras(&bufs[SIM_REG_RAS], w, i, &x, r);
    if (want & (1u << SIM_REG_KRIM))
        row_crime(&bufs[SIM_REG_KRIM], w, i, &x, r);
    if (want & (1u << SIM_REG_IND))
        row_income(&bufs[SIM_REG_IND], w, i, &x, r);
}

static void run_blocks(void *arg, size_t lo, size_t hi, int part)
{
    year_job *job = arg;
    gsl_rng *r = eff_rng_new(job->w->seed, 0);
    if (!r) {
        job->failed = 1;
        return;
    }
    sim_buf *bufs = job->bufs[part];
    for (size_t blk = lo; blk < hi; blk++) {
        size_t from = (job->first_block + blk) * BLOCK, to = from + BLOCK;
        if (to > job->w->n_persons)
            to = job->w->n_persons;
        for (size_t k = from; k < to; k++)
            person(job, k, bufs, r);
    }
    eff_rng_free(r);
}

static void fill_shocks(const sim_world *w, int year, double *shocks, size_t n_clusters)
{
    for (size_t c = 0; c < n_clusters; c++)
        for (int o = 0; o < OUT_N; o++)
            shocks[c * OUT_N + (size_t)o] = sim_shock(w, (int)c, year, o);
}

static eff_status write_year(sim_world *w, year_job *job, int parts, const char *dir,
                             const eff_ctx *ctx, eff_sim_summary *s, eff_error *err)
{
    sim_file files[SIM_REG_N];
    int opened = 0;
    eff_status st = EFF_OK;
    for (; opened < SIM_REG_N && st == EFF_OK; opened++)
        if (job->registers & (1u << opened))
            st = sim_file_open(&files[opened], dir, opened, job->year, w->opt.format,
                               w->opt.tables, job->persons, err);
    size_t n_blocks = (w->n_persons + BLOCK - 1) / BLOCK;
    for (size_t first = 0; st == EFF_OK && first < n_blocks; first += (size_t)parts) {
        size_t count = n_blocks - first < (size_t)parts ? n_blocks - first : (size_t)parts;
        job->first_block = first;
        eff_parallel_for((int)count, count, run_blocks, job);
        if (job->failed)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t part = 0; part < count && st == EFF_OK; part++)
            for (int reg = 0; reg < SIM_REG_N && st == EFF_OK; reg++)
                if (job->registers & (1u << reg))
                    st = sim_file_write(&files[reg], &job->bufs[part][reg], err);
        if (st == EFF_OK && eff_ctx_cancelled(ctx))
            st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted");
        if (st == EFF_OK && ctx && ctx->progress) {
            uint64_t total = (uint64_t)SIM_NY * n_blocks;
            uint64_t done = (uint64_t)(job->year - SIM_Y0) * n_blocks + first + count;
            if (ctx->progress(ctx->progress_user, done, total))
                st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted");
        }
    }
    for (int reg = 0; reg < opened; reg++) {
        if (!(job->registers & (1u << reg)))
            continue;
        if (st == EFF_OK)
            st = sim_file_close(&files[reg], ctx, s, err);
        else
            sim_file_abort(&files[reg]);
    }
    return st;
}

/* In-memory registers: the pnr dictionary (person i has code i) and buffers in column mode. */
static eff_status columns_mode(const sim_world *w, year_job *job, int parts, eff_error *err)
{
    if (!(job->persons = eff_dict_new()))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = EFF_OK;
    for (size_t i = 0; st == EFF_OK && i < w->n_persons; i++) {
        char s[11];
        int32_t code;
        sim_pnr_format(w->pnr[i], s);
        st = eff_dict_intern(job->persons, s, strlen(s), &code, err);
        if (st == EFF_OK && code != (int32_t)i) /* pnrs are unique: never */
            st = eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "internal error: pnr %s repeated", s);
    }
    for (int part = 0; st == EFF_OK && part < parts; part++)
        for (int reg = 0; reg < SIM_REG_N && st == EFF_OK; reg++)
            if (sim_buf_columns(&job->bufs[part][reg], reg) != 0)
                st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    return st;
}

eff_status sim_years_write(sim_world *w, const char *dir, const eff_ctx *ctx,
                           eff_sim_summary *s, eff_error *err)
{
    int parts = w->opt.threads > 0 ? w->opt.threads : eff_parallel_parts(w->n_persons, BLOCK);
    if (parts > EFF_MAX_PARTS)
        parts = EFF_MAX_PARTS;
    size_t n_clusters = w->n_estates + sim_n_koms;
    double *shocks = eff_mallocarray(n_clusters * OUT_N, sizeof *shocks);
    sim_buf(*bufs)[SIM_REG_N] = eff_calloc((size_t)parts, sizeof *bufs);
    if (!shocks || !bufs) {
        eff_free(shocks), eff_free(bufs);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    year_job job = {.w = w, .shocks = shocks, .bufs = bufs,
                    .registers = w->opt.registers ? w->opt.registers : (1u << SIM_REG_N) - 1};
    eff_status st = w->opt.tables ? columns_mode(w, &job, parts, err) : EFF_OK;
    int first = w->opt.year_first ? w->opt.year_first : SIM_Y0;
    int last = w->opt.year_last ? w->opt.year_last : SIM_Y1;
    for (int year = first; year <= last && st == EFF_OK; year++) {
        job.year = year;
        fill_shocks(w, year, shocks, n_clusters);
        st = write_year(w, &job, parts, dir, ctx, s, err);
    }
    for (int part = 0; part < parts; part++)
        for (int reg = 0; reg < SIM_REG_N; reg++)
            sim_buf_free(&bufs[part][reg]);
    eff_dict_release(job.persons);
    eff_free(bufs), eff_free(shocks);
    return st;
}
