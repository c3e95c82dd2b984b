/* ind_measure.c - the two measures that need more than a row of the frame (ind_internal.h):
 *   events: distinct (case, offence date) pairs per person in the year, from the events
 *     register (krim), rows passed through the indicator's `events` terms; two offences of one
 *     case on one date are one event, as the seed counts them;
 *   poverty: the family's equivalised disposable income (the register's, or the family income
 *     over an equivalence scale of the family's members: modified OECD 1 + 0.5 per further
 *     person aged 14 or over + 0.3 per child under 14; OECD 1 + 0.7 + 0.5; the square root of
 *     the family's size) below `poverty_line` times the weighted median of everybody's that
 *     year. A family above the wealth limit is not poor; with exclude_students a family whose
 *     members aged 18 and over are all enrolled is left out, as Statistics Denmark does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "ind_internal.h"
#include "mem.h"
#include "regfile.h"

typedef struct event_key {
    int32_t row;
    int32_t date;
    double ref; /* the case: a number, or a text column's code */
} event_key;

static int by_event(const void *a, const void *b)
{
    const event_key *x = a, *y = b;
    if (x->row != y->row) return (x->row > y->row) - (x->row < y->row);
    if (x->ref != y->ref) return (x->ref > y->ref) - (x->ref < y->ref);
    return (x->date > y->date) - (x->date < y->date);
}

static const ind_col *event_find(const void *where, const char *name)
{
    const ind_events_year *e = where;
    for (size_t k = 1; k < e->n; k++)
        if (strcasecmp(e->names[k], name) == 0)
            return &e->cols[k];
    return NULL;
}

/* Every column the events need is in the register, else the config line naming it. */
static eff_status check_columns(const ind_frame *f, const eff_cfg_indicator *d,
                                const ind_events_year *e, const eff_ctx *ctx, eff_error *err)
{
    const eff_config *c = f->c;
    char path[4096];
    eff_status st = eff_config_path(c, EFF_FILE_KRIM, f->year, path, sizeof path, err);
    eff_read_options o = eff_read_options_default();
    o.header_only = 1;
    eff_table *header = NULL;
    if (st == EFF_OK && (st = eff_read_table(path, &o, ctx, &header, err)) != EFF_OK)
        eff_config_blame_file(c, EFF_FILE_KRIM, err);
    for (size_t k = 0; st == EFF_OK && k < e->n; k++) {
        if (eff_table_find(header, e->names[k]) >= 0)
            continue;
        long line = d->condition.line; /* a [columns] name, else the events terms */
        for (int j = 0; j < EFF_COL_N; j++)
            if (strcasecmp(c->columns[j], e->names[k]) == 0)
                line = c->column_lines[j];
        st = eff_error_set(err, EFF_EINVAL, c->path, line, 0,
                           "[indicator.%s]: the events register %s has no column '%s'%s",
                           d->id, path, e->names[k], !line ? " (name it under [columns])" : "");
    }
    eff_table_free(header);
    return st;
}

eff_status ind_events_read(const ind_frame *f, const eff_cfg_indicator *d,
                           const eff_cfg_col *logical, size_t n_logical, const eff_ctx *ctx,
                           ind_events_year *e, eff_error *err)
{
    const eff_config *c = f->c;
    *e = (ind_events_year){.names = {c->columns[EFF_COL_PNR]}, .n = 1};
    for (size_t k = 0; k < n_logical; k++)
        e->names[e->n++] = c->columns[logical[k]];
    for (size_t k = 0; k < d->condition.n; k++)
        if (!event_find(e, d->condition.terms[k].column))
            e->names[e->n++] = d->condition.terms[k].column;
    eff_status st = check_columns(f, d, e, ctx, err);
    if (st == EFF_OK) st = ind_read(f, EFF_FILE_KRIM, e->names, e->n, ctx, &e->t, err);
    if (st == EFF_OK) st = ind_find_cols(e->t, e->names, e->n, e->at, err);
    e->n_rows = st == EFF_OK ? eff_table_n_rows(e->t) : 0;
    for (size_t k = 1; st == EFF_OK && k < e->n; k++)
        st = ind_col_fill(&e->cols[k], e->n_rows, e->t, e->at[k], NULL, err);
    if (st == EFF_OK) st = ind_cond_resolve(c, &d->condition, event_find, e, &e->cond, err);
    for (size_t k = 0; st == EFF_OK && k < n_logical; k++)
        if (logical[k] == EFF_COL_EVENT_DATE && e->cols[k + 1].is_text)
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(e->t), 0, 0,
                               "%s must be a date (or days since 1970)", e->names[k + 1]);
    if (st != EFF_OK)
        ind_events_close(e);
    return st;
}

void ind_events_close(ind_events_year *e)
{
    for (size_t k = 1; k < e->n; k++)
        ind_col_free(&e->cols[k]);
    eff_table_free(e->t);
    e->t = NULL, e->n = 0;
}

eff_status ind_events(const ind_frame *f, const eff_cfg_indicator *d, const eff_ctx *ctx,
                      int32_t **events, eff_error *err)
{
    static const eff_cfg_col logical[2] = {EFF_COL_CASE, EFF_COL_EVENT_DATE};
    ind_events_year e;
    int32_t *rows = NULL;
    event_key *keys = NULL;
    eff_status st = ind_events_read(f, d, logical, 2, ctx, &e, err);
    size_t n = st == EFF_OK ? e.n_rows : 0;
    if (st == EFF_OK) st = ind_map_rows(f, e.t, e.at[0], &rows, err);
    *events = st == EFF_OK ? eff_calloc(f->n + 1, sizeof **events) : NULL;
    keys = st == EFF_OK ? eff_mallocarray(n + 1, sizeof *keys) : NULL;
    if (st == EFF_OK && (!*events || !keys))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t m = 0;
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        double date = e.cols[2].num[r];
        int year = 0, month, day;
        if (rows[r] < 0 || isnan(date) || !ind_cond_holds(&e.cond, r))
            continue;
        eff_date_to_ymd((int32_t)date, &year, &month, &day);
        if (year != f->year) /* by offence date */
            continue;
        const ind_col *cs = &e.cols[1];
        double ref = cs->is_text ? cs->code[r] : cs->num[r];
        keys[m++] = (event_key){rows[r], (int32_t)date, isnan(ref) ? -1.0 - (double)r : ref};
    }
    if (st == EFF_OK) {
        qsort(keys, m, sizeof *keys, by_event);
        for (size_t k = 0; k < m; k++)
            if (k == 0 || by_event(&keys[k], &keys[k - 1]) != 0)
                (*events)[keys[k].row]++;
    }
    if (st != EFF_OK)
        eff_free(*events), *events = NULL;
    if (e.t)
        ind_events_close(&e);
    eff_free(keys);
    eff_free(rows);
    return st;
}

/* ---- poverty ---- */

typedef struct weighted {
    double x, w;
} weighted;

/* The weighted median: the smallest x with at least half the weight at or below it, found by
 * selection (Hoare's partition around a pivot, keeping the side that holds the half-weight
 * point), in linear expected time: a full sort of millions of incomes cost a second a year. */
static double weighted_median(weighted *v, size_t n)
{
    if (n == 0)
        return NAN;
    double total = 0, below = 0; /* weight left of v[lo] */
    for (size_t k = 0; k < n; k++)
        total += v[k].w;
    double half = 0.5 * total;
    size_t lo = 0, hi = n; /* the answer is in v[lo..hi) */
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    while (hi - lo > 1) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        double pivot = v[lo + (size_t)(state % (hi - lo))].x;
        size_t lt = lo, gt = hi; /* three-way: [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > */
        for (size_t i = lo; i < gt;) {
            if (v[i].x < pivot) {
                weighted t = v[i]; v[i] = v[lt]; v[lt] = t;
                lt++, i++;
            } else if (v[i].x > pivot) {
                gt--;
                weighted t = v[i]; v[i] = v[gt]; v[gt] = t;
            } else {
                i++;
            }
        }
        double w_lt = 0, w_eq = 0;
        for (size_t i = lo; i < lt; i++) w_lt += v[i].w;
        for (size_t i = lt; i < gt; i++) w_eq += v[i].w;
        if (below + w_lt >= half) {
            hi = lt;
        } else if (below + w_lt + w_eq >= half) {
            return pivot;
        } else {
            below += w_lt + w_eq;
            lo = gt;
        }
    }
    return v[lo].x;
}

typedef struct member {
    double family;
    int32_t row;
} member;

static int by_family(const void *a, const void *b)
{
    const member *x = a, *y = b;
    if (x->family != y->family) return (x->family > y->family) - (x->family < y->family);
    return (x->row > y->row) - (x->row < y->row);
}

static double scale_of(eff_poverty_scale s, int older, int children)
{
    /* the first person counts 1 (a family of children only: its first child) */
    switch (s) {
    case EFF_SCALE_OECD_MODIFIED:
        return older > 0 ? 1 + 0.5 * (older - 1) + 0.3 * children : 1 + 0.3 * (children - 1);
    case EFF_SCALE_OECD:
        return older > 0 ? 1 + 0.7 * (older - 1) + 0.5 * children : 1 + 0.5 * (children - 1);
    default: return sqrt((double)(older + children));
    }
}

/* Per row: the equivalised income (NaN: none) and, with exclude_students, -1 for a student
 * family; families by the family column. */
static eff_status by_families(const ind_frame *f, const eff_cfg_indicator *d, const ind_col *inc,
                              double *eq, eff_error *err)
{
    const eff_config *c = f->c;
    const ind_col *fam = &f->cols[ind_frame_col(f, c->columns[EFF_COL_FAMILY])];
    long enr_k = d->exclude_students ? ind_frame_col(f, c->columns[EFF_COL_ENROLLED]) : -1;
    const ind_col *enr = enr_k >= 0 ? &f->cols[enr_k] : NULL;
    if (enr && enr->is_text)
        return eff_error_set(err, EFF_EINVAL, c->path, c->column_lines[EFF_COL_ENROLLED], 0,
                             "%s must be 0/1", c->columns[EFF_COL_ENROLLED]);
    member *m = eff_mallocarray(f->n + 1, sizeof *m);
    if (!m)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++) {
        double key = fam->is_text ? (fam->code[i] < 0 ? NAN : fam->code[i]) : fam->num[i];
        if (isnan(key))
            eq[i] = d->scale == EFF_SCALE_COLUMN ? eq[i] : inc->num[i]; /* alone */
        else
            m[n++] = (member){key, (int32_t)i};
    }
    qsort(m, n, sizeof *m, by_family);
    for (size_t a = 0, b; a < n; a = b) {
        int older = 0, children = 0, adults = 0, studying = 0;
        for (b = a; b < n && m[b].family == m[a].family; b++) {
            int age = f->age[m[b].row];
            age >= 14 ? older++ : children++;
            if (age >= 18 && enr)
                adults++, studying += enr->num[m[b].row] == 1;
        }
        int students = enr && adults > 0 && studying == adults;
        for (size_t k = a; k < b; k++) {
            int32_t i = m[k].row;
            if (students)
                eq[i] = -INFINITY; /* marked: left out */
            else if (d->scale != EFF_SCALE_COLUMN)
                eq[i] = inc->num[i] / scale_of(d->scale, older, children);
        }
    }
    eff_free(m);
    return EFF_OK;
}

eff_status ind_poverty(const ind_frame *f, const eff_cfg_indicator *d, const double *weights,
                       int8_t **poor, eff_error *err)
{
    const eff_config *c = f->c;
    const ind_col *inc = &f->cols[ind_frame_col(f, d->value)];
    long wk = d->wealth ? ind_frame_col(f, d->wealth) : -1;
    const ind_col *wealth = wk >= 0 ? &f->cols[wk] : NULL;
    if (inc->is_text || (wealth && wealth->is_text))
        return eff_error_set(err, EFF_EINVAL, c->path, d->value_line, 0,
                             "income and wealth must be numbers");
    double *eq = eff_mallocarray(f->n + 1, sizeof *eq);
    weighted *v = eff_mallocarray(f->n + 1, sizeof *v);
    *poor = eff_mallocarray(f->n + 1, sizeof **poor);
    eff_status st = eq && v && *poor ? EFF_OK
                                     : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < f->n; i++)
        eq[i] = inc->num[i];
    if (st == EFF_OK && (d->scale != EFF_SCALE_COLUMN || d->exclude_students))
        st = by_families(f, d, inc, eq, err);
    size_t n = 0;
    for (size_t i = 0; st == EFF_OK && i < f->n; i++)
        if (!isnan(eq[i]) && isfinite(eq[i]))
            v[n++] = (weighted){eq[i], weights[f->area[i]]};
    double line = d->poverty_line * weighted_median(v, n);
    for (size_t i = 0; st == EFF_OK && i < f->n; i++) {
        if (isnan(eq[i]) || !isfinite(eq[i]))
            (*poor)[i] = -1;
        else
            (*poor)[i] = eq[i] < line && !(wealth && wealth->num[i] > d->wealth_limit);
    }
    if (st != EFF_OK)
        eff_free(*poor), *poor = NULL;
    eff_free(eq);
    eff_free(v);
    return st;
}

/* ---- poverty over several years ---- */

eff_status ind_poverty_below(const ind_frame *f, const eff_cfg_indicator *d,
                             const double *weights, const int8_t *poor, ind_part *part,
                             eff_error *err)
{
    int8_t *own = NULL;
    eff_status st = poor ? EFF_OK : ind_poverty(f, d, weights, &own, err);
    if (!poor)
        poor = own;
    if (st == EFF_OK && !(part->below = eff_dict_new()))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < f->n; i++) {
        if (poor[i] != 1 || f->age[i] > d->age_max) /* older ones are never counted later */
            continue;
        int32_t code;
        st = eff_dict_intern(part->below, eff_dict_str(f->pnr, f->pnr_code[i]),
                             eff_dict_len(f->pnr, f->pnr_code[i]), &code, err);
    }
    eff_free(own);
    return st;
}

void ind_poverty_tally(const eff_cfg_indicator *d, ind_part *parts, size_t n_years, size_t target,
                       const double *weights)
{
    ind_part *p = &parts[target];
    size_t width = p->n_slots + 1;
    (void)n_years;
    for (size_t r = 0; r < p->n_rows; r++) {
        int poor = p->poor_now[r] == 1;
        size_t len = strlen(p->pnr[r]);
        for (int back = 1; poor && back < d->years_below; back++) {
            const ind_part *q = (size_t)back <= target ? &parts[target - (size_t)back] : NULL;
            poor = q && q->below && eff_dict_find(q->below, p->pnr[r], len) >= 0;
        }
        size_t slot = p->slot[r] >= (int16_t)IND_MAX_SLOTS ? p->n_slots : (size_t)p->slot[r];
        ind_acc *a = &p->acc[(size_t)p->area[r] * width + slot];
        double w = weights[p->area[r]];
        a->n++, a->with += poor, a->w += w, a->wx += w * poor;
    }
}
