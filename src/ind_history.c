/* ind_history.c - the indicators that follow persons across years (ind_internal.h):
 *   an event history: every person's distinct event dates over the [indicators] history
 *     years (the events register of each year, its rows through the indicator's `events`
 *     terms), read once before the years run; recidivism and debut age look persons up in it;
 *   persistence: the base year's group (the `of` indicator's population with its condition,
 *     by area then) and the status `after` years later (the condition of whoever is in the
 *     population register then, whatever their age or address); persons no longer in it
 *     (deaths, emigrants) leave the denominator and are counted. The two years are read in
 *     parallel like any other; the two halves meet once both are done (ind_persist_tally). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "ind_internal.h"
#include "mem.h"
#include "regfile.h"

typedef struct person_event {
    int32_t person, date;
} person_event;

static int by_person_date(const void *a, const void *b)
{
    const person_event *x = a, *y = b;
    if (x->person != y->person) return (x->person > y->person) - (x->person < y->person);
    return (x->date > y->date) - (x->date < y->date);
}

/* One year's events of the indicator into *ev (grown), persons interned in h->ids. */
static eff_status history_year(const eff_config *c, const eff_cfg_indicator *d, int year,
                               const eff_ctx *ctx, ind_history *h, person_event **ev,
                               size_t *n_ev, size_t *cap, eff_error *err)
{
    static const eff_cfg_col logical[1] = {EFF_COL_EVENT_DATE};
    ind_frame f = {.c = c, .year = year};
    ind_events_year e;
    eff_status st = ind_events_read(&f, d, logical, 1, ctx, &e, err);
    const int32_t *ids = st == EFF_OK ? eff_table_codes(e.t, e.at[0]) : NULL;
    const eff_dict *dict = st == EFF_OK ? eff_table_dict(e.t, e.at[0]) : NULL;
    for (size_t r = 0; st == EFF_OK && r < e.n_rows; r++) {
        double date = e.cols[1].num[r];
        if (ids[r] < 0 || isnan(date) || !ind_cond_holds(&e.cond, r))
            continue;
        int32_t person;
        st = eff_dict_intern(h->ids, eff_dict_str(dict, ids[r]), eff_dict_len(dict, ids[r]),
                             &person, err);
        if (st == EFF_OK && *n_ev == *cap) {
            size_t grown_cap = *cap ? 2 * *cap : 4096;
            person_event *grown = eff_reallocarray(*ev, grown_cap, sizeof *grown);
            if (!grown)
                st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
            else
                *ev = grown, *cap = grown_cap;
        }
        if (st == EFF_OK)
            (*ev)[(*n_ev)++] = (person_event){person, (int32_t)date};
    }
    if (e.t)
        ind_events_close(&e);
    return st;
}

eff_status ind_history_load(const eff_config *c, const eff_cfg_indicator *d, const eff_ctx *ctx,
                            ind_history *h, eff_error *err)
{
    *h = (ind_history){.first_year = c->history_first, .last_year = c->history_last};
    if (!(h->ids = eff_dict_new()))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    person_event *ev = NULL;
    size_t n = 0, cap = 0;
    eff_status st = EFF_OK;
    for (int y = c->history_first; st == EFF_OK && y <= c->history_last; y++)
        st = history_year(c, d, y, ctx, h, &ev, &n, &cap, err);
    size_t persons = eff_dict_size(h->ids);
    h->start = st == EFF_OK ? eff_calloc(persons + 2, sizeof *h->start) : NULL;
    h->dates = st == EFF_OK ? eff_mallocarray(n + 1, sizeof *h->dates) : NULL;
    if (st == EFF_OK && (!h->start || !h->dates))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EFF_OK) { /* distinct dates per person, in order */
        qsort(ev, n, sizeof *ev, by_person_date);
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            if (k > 0 && ev[k].person == ev[k - 1].person && ev[k].date == ev[k - 1].date)
                continue;
            h->dates[m++] = ev[k].date;
            h->start[ev[k].person + 1]++;
        }
        for (size_t p = 0; p < persons; p++)
            h->start[p + 1] += h->start[p];
    }
    eff_free(ev);
    if (st != EFF_OK)
        ind_history_free(h);
    return st;
}

void ind_history_free(ind_history *h)
{
    eff_dict_release(h->ids);
    eff_free(h->start);
    eff_free(h->dates);
    *h = (ind_history){0};
}

static int year_of(int32_t date)
{
    int y, m, d;
    eff_date_to_ymd(date, &y, &m, &d);
    return y;
}

/* Completed years between two dates. */
static int age_at(int32_t birth, int32_t date)
{
    int by, bm, bd, y, m, d;
    eff_date_to_ymd(birth, &by, &bm, &bd);
    eff_date_to_ymd(date, &y, &m, &d);
    return y - by - (m < bm || (m == bm && d < bd));
}

eff_status ind_history_rows(const ind_history *h, const ind_frame *f, int32_t **person,
                            eff_error *err)
{
    *person = ind_alloc(f->n, sizeof **person);
    if (!*person)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < f->n; i++)
        (*person)[i] = -1;
    for (size_t p = 0; p < eff_dict_size(h->ids); p++) { /* a few offenders, many residents */
        int32_t code = eff_dict_find(f->pnr, eff_dict_str(h->ids, (int32_t)p),
                                     eff_dict_len(h->ids, (int32_t)p));
        if (code >= 0 && f->row_of[code] >= 0)
            (*person)[f->row_of[code]] = (int32_t)p;
    }
    return EFF_OK;
}

double ind_history_value(const ind_history *h, const eff_cfg_indicator *d, int32_t p, int year,
                         double birth)
{
    if (p < 0)
        return NAN;
    const int32_t *dates = h->dates + h->start[p];
    size_t n = (size_t)(h->start[p + 1] - h->start[p]);
    if (d->measure == EFF_IND_DEBUT_AGE) {
        /* only birth cohorts seen from age 10: an earlier debut would be unseen */
        if (isnan(birth) || year_of(dates[0]) != year || year_of((int32_t)birth) + 10 < h->first_year)
            return NAN;
        return age_at((int32_t)birth, dates[0]);
    }
    size_t k = 0; /* recidivism: the first event of the year is the index */
    while (k < n && year_of(dates[k]) < year)
        k++;
    if (k == n || year_of(dates[k]) != year)
        return NAN;
    return k + 1 < n && dates[k + 1] <= dates[k] + d->within_days;
}

/* ---- persistence ---- */

eff_status ind_persist_base(const ind_frame *f, const eff_cfg_indicator *d, ind_persist *p,
                            eff_error *err)
{
    const eff_cfg_indicator *base = d->base;
    ind_cond condition;
    uint8_t *in = NULL;
    eff_status st = ind_population(f, base, &in, err);
    if (st == EFF_OK)
        st = ind_cond_resolve(f->c, &base->condition, ind_frame_find, f, &condition, err);
    size_t n = 0;
    for (size_t i = 0; st == EFF_OK && i < f->n; i++)
        n += in[i] && ind_cond_holds(&condition, i);
    p->pnr = st == EFF_OK ? eff_calloc(n + 1, sizeof *p->pnr) : NULL;
    p->area = st == EFF_OK ? eff_mallocarray(n + 1, sizeof *p->area) : NULL;
    if (st == EFF_OK && (!p->pnr || !p->area))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < f->n; i++) {
        if (!in[i] || !ind_cond_holds(&condition, i))
            continue;
        if (!(p->pnr[p->n] = eff_strdup(eff_dict_str(f->pnr, f->pnr_code[i]))))
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        else
            p->area[p->n++] = f->area[i];
    }
    eff_free(in);
    return st;
}

eff_status ind_persist_status(const ind_frame *f, const eff_cfg_indicator *d, ind_persist *p,
                              eff_error *err)
{
    ind_cond condition;
    eff_status st = ind_cond_resolve(f->c, &d->base->condition, ind_frame_find, f, &condition,
                                     err);
    if (st != EFF_OK)
        return st;
    p->ids = eff_dict_retain(f->pnr);
    p->status = eff_mallocarray(f->n_codes + 1, sizeof *p->status);
    if (!p->status)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memset(p->status, -1, f->n_codes);
    for (size_t i = 0; i < f->n; i++)
        p->status[f->pnr_code[i]] = (int8_t)ind_cond_holds(&condition, i);
    return EFF_OK;
}

void ind_persist_tally(const ind_persist *p, ind_part *part, long *left)
{
    size_t width = part->n_slots + 1;
    for (size_t k = 0; k < p->n; k++) {
        int32_t code = p->ids ? eff_dict_find(p->ids, p->pnr[k], strlen(p->pnr[k])) : -1;
        int status = code >= 0 ? p->status[code] : -1;
        ind_acc *a = &part->acc[(size_t)p->area[k] * width];
        a->n++; /* the persons behind the figure: the whole base group */
        if (status < 0) { /* no longer in the population register: out of the denominator */
            left[p->area[k]]++;
            continue;
        }
        a->with += status, a->w += p->weights[p->area[k]], a->wx += p->weights[p->area[k]] * status;
    }
}

void ind_persist_free(ind_persist *p)
{
    for (size_t k = 0; p->pnr && k < p->n; k++)
        eff_free(p->pnr[k]);
    eff_free(p->pnr);
    eff_free(p->area);
    eff_free(p->status);
    eff_dict_release(p->ids);
    *p = (ind_persist){0};
}
