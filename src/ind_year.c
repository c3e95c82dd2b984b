/* ind_year.c - one indicator over one year's frame (ind_internal.h): who is in the population
 * (age on 1 January, sex, the filter's terms), which subgroup slot and area each person falls
 * in, and what the person adds to the measure: 0/1 for a share, the value for a mean, the
 * distinct (case, date) events of the year for a rate (from the events register, its own
 * filter applied to its rows), 0/1 below the poverty line for poverty, whose line is a share
 * of the weighted median equivalised income of everybody that year. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ind_internal.h"
#include "mem.h"

static int compare(double x, eff_cmp_op op, double v)
{
    switch (op) {
    case EFF_OP_EQ: return x == v;
    case EFF_OP_NE: return x != v;
    case EFF_OP_LT: return x < v;
    case EFF_OP_LE: return x <= v;
    case EFF_OP_GT: return x > v;
    default: return x >= v;
    }
}

int ind_cond_holds(const ind_cond *c, size_t i)
{
    for (size_t k = 0; k < c->n; k++) {
        const ind_term *t = &c->t[k];
        if (t->col->is_text) {
            int32_t code = t->col->code[i];
            if (code < 0 || (t->op == EFF_OP_EQ) != (code == t->code))
                return 0;
        } else {
            double x = t->col->num[i];
            if (isnan(x) || !compare(x, t->op, t->number))
                return 0;
        }
    }
    return 1;
}

eff_status ind_cond_resolve(const eff_config *c, const eff_cfg_cond *in, ind_find_fn find,
                            const void *where, ind_cond *out, eff_error *err)
{
    out->n = 0;
    for (size_t k = 0; k < in->n; k++) {
        const eff_cfg_term *src = &in->terms[k];
        ind_term *t = &out->t[out->n++];
        t->col = find(where, src->column);
        if (!t->col)
            return eff_error_set(err, EFF_EINVAL, c->path, in->line, 0,
                                 "unknown column '%s'", src->column);
        t->op = src->op, t->number = src->number, t->code = -1;
        if (t->col->is_text && src->op != EFF_OP_EQ && src->op != EFF_OP_NE)
            return eff_error_set(err, EFF_EINVAL, c->path, in->line, 0,
                                 "%s holds text: compare it with = or !=, not < or >",
                                 src->column);
        if (!t->col->is_text && isnan(src->number))
            return eff_error_set(err, EFF_EINVAL, c->path, in->line, 0,
                                 "%s holds numbers, and '%s' is not one", src->column,
                                 src->text);
        if (t->col->is_text)
            t->code = eff_dict_find(t->col->dict, src->text, strlen(src->text));
    }
    return EFF_OK;
}

const ind_col *ind_frame_find(const void *where, const char *name)
{
    const ind_frame *f = where;
    long k = ind_frame_col(f, name);
    return k >= 0 ? &f->cols[k] : NULL;
}

/* ---- subgroups ---- */

typedef struct slots {
    const ind_col *col[EFF_CFG_MAX_SUBGROUP_COLS];
    size_t n_cols;
    double seen[EFF_CFG_MAX_SUBGROUP_COLS][IND_MAX_SLOTS]; /* values (text: codes) */
    size_t n_seen[EFF_CFG_MAX_SUBGROUP_COLS];
    int slot_of[IND_MAX_SLOTS][IND_MAX_SLOTS]; /* -1 until seen */
    size_t n_slots;
    int first[IND_MAX_SLOTS][EFF_CFG_MAX_SUBGROUP_COLS]; /* each slot's value indexes */
} slots;

/* The index of row i's value in column j's seen list; -1 missing, -2 too many values. */
static int value_index(slots *s, size_t j, size_t i)
{
    const ind_col *c = s->col[j];
    double v = c->is_text ? (c->code[i] < 0 ? NAN : (double)c->code[i]) : c->num[i];
    if (isnan(v))
        return -1;
    for (size_t k = 0; k < s->n_seen[j]; k++)
        if (s->seen[j][k] == v)
            return (int)k;
    if (s->n_seen[j] == IND_MAX_SLOTS)
        return -2;
    s->seen[j][s->n_seen[j]] = v;
    return (int)s->n_seen[j]++;
}

/* Row i's slot; the missing slot is IND_MAX_SLOTS; -2 when a column has too many values. */
static int slot_at(slots *s, size_t i)
{
    if (s->n_cols == 0)
        return 0;
    int idx[EFF_CFG_MAX_SUBGROUP_COLS] = {0, 0};
    for (size_t j = 0; j < s->n_cols; j++)
        if ((idx[j] = value_index(s, j, i)) < 0)
            return idx[j] == -1 ? IND_MAX_SLOTS : -2;
    int *slot = &s->slot_of[idx[0]][idx[1]];
    if (*slot < 0) {
        if (s->n_slots == IND_MAX_SLOTS)
            return -2;
        s->first[s->n_slots][0] = idx[0], s->first[s->n_slots][1] = idx[1];
        *slot = (int)s->n_slots++;
    }
    return *slot;
}

static eff_status label_slots(const eff_cfg_indicator *d, const slots *s, ind_part *p,
                              eff_error *err)
{
    size_t n = d->n_subgroups ? s->n_slots : 1;
    p->labels = eff_calloc(n + 1, sizeof *p->labels);
    if (!p->labels)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    p->n_slots = n;
    for (size_t k = 0; k < n; k++) {
        char label[512] = "", value[256];
        for (size_t j = 0; j < d->n_subgroups; j++) {
            const ind_col *c = s->col[j];
            double v = s->seen[j][s->first[k][j]];
            if (c->is_text)
                snprintf(value, sizeof value, "%s", eff_dict_str(c->dict, (int32_t)v));
            else
                snprintf(value, sizeof value, "%.15g", v);
            size_t len = strlen(label);
            snprintf(label + len, sizeof label - len, "%s%s=%s", j ? "&" : "", d->subgroups[j],
                     value);
        }
        for (char *q = label; *q && *q != '='; q++) /* the column name in lower case */
            if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
        char *amp = strchr(label, '&');
        for (char *q = amp; q && *q && *q != '='; q++)
            if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
        if (!(p->labels[k] = eff_strdup(d->n_subgroups ? label : "all")))
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return EFF_OK;
}

/* ---- measures ---- */

int ind_sex_code(const ind_col *sex, char want)
{
    if (!sex->is_text)
        return want == 'M' ? 1 : 2; /* Statistics Denmark: 1 man, 2 woman */
    char s[2] = {want, 0};
    return eff_dict_find(sex->dict, s, 1);
}

static int sex_ok(const ind_col *sex, int code, size_t i)
{
    return sex->is_text ? sex->code[i] == code : sex->num[i] == code;
}

eff_status ind_population(const ind_frame *f, const eff_cfg_indicator *d, uint8_t **in,
                          eff_error *err)
{
    const eff_config *c = f->c;
    ind_cond filter;
    eff_status st = ind_cond_resolve(c, &d->filter, ind_frame_find, f, &filter, err);
    const ind_col *sex = ind_frame_find(f, c->columns[EFF_COL_SEX]);
    int sex_code = d->sex && sex ? ind_sex_code(sex, d->sex) : 0;
    *in = st == EFF_OK ? eff_mallocarray(f->n + 1, sizeof **in) : NULL;
    if (st == EFF_OK && !*in)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < f->n; i++)
        (*in)[i] = f->age[i] >= d->age_min && f->age[i] <= d->age_max && f->age[i] >= 0 &&
                   (!d->sex || (sex && sex_ok(sex, sex_code, i))) &&
                   ind_cond_holds(&filter, i);
    return st;
}

/* A population row of poverty over several years, kept for ind_poverty_tally. */
static eff_status defer_row(const ind_frame *f, size_t i, int slot, int8_t poor_now,
                            ind_part *p, eff_error *err)
{
    if ((p->n_rows & (p->n_rows - 1)) == 0) { /* grown at powers of two */
        size_t cap = p->n_rows ? 2 * p->n_rows : 64;
        char **pnr = eff_reallocarray(p->pnr, cap, sizeof *pnr);
        if (pnr) p->pnr = pnr;
        int8_t *area = pnr ? eff_reallocarray(p->area, cap, sizeof *area) : NULL;
        if (area) p->area = area;
        int8_t *now = area ? eff_reallocarray(p->poor_now, cap, sizeof *now) : NULL;
        if (now) p->poor_now = now;
        int16_t *slots = now ? eff_reallocarray(p->slot, cap, sizeof *slots) : NULL;
        if (slots) p->slot = slots;
        if (!slots)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!(p->pnr[p->n_rows] = eff_strdup(eff_dict_str(f->pnr, f->pnr_code[i]))))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    p->area[p->n_rows] = f->area[i], p->poor_now[p->n_rows] = poor_now;
    p->slot[p->n_rows++] = (int16_t)slot;
    return EFF_OK;
}

/* Row i's value for d, NaN when the row adds nothing. */
static double value_at(const ind_frame *f, const eff_cfg_indicator *d, const ind_cond *condition,
                       const ind_col *value, const int32_t *events, const int8_t *poor,
                       const ind_history *h, const int32_t *person, const ind_col *birth,
                       size_t i)
{
    switch (d->measure) {
    case EFF_IND_SHARE: return ind_cond_holds(condition, i);
    case EFF_IND_MEAN: return value->num[i];
    case EFF_IND_RATE: return events[i];
    case EFF_IND_POVERTY: return poor[i] < 0 ? NAN : poor[i];
    default: return ind_history_value(h, d, person[i], f->year, birth ? birth->num[i] : NAN);
    }
}

eff_status ind_year_accumulate(const ind_frame *f, const eff_cfg_indicator *d,
                               const double *weights, const ind_history *h, const eff_ctx *ctx,
                               ind_part *part, eff_error *err)
{
    const eff_config *c = f->c;
    ind_cond condition = {0};
    slots *s = eff_calloc(1, sizeof *s);
    int32_t *events = NULL, *person = NULL;
    int8_t *poor = NULL;
    uint8_t *in = NULL;
    if (!s)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    memset(s->slot_of, -1, sizeof s->slot_of);
    eff_status st = ind_population(f, d, &in, err);
    if (st == EFF_OK && d->measure == EFF_IND_SHARE)
        st = ind_cond_resolve(c, &d->condition, ind_frame_find, f, &condition, err);
    const ind_col *value = d->value ? ind_frame_find(f, d->value) : NULL;
    const ind_col *birth = d->measure == EFF_IND_DEBUT_AGE
                               ? ind_frame_find(f, c->columns[EFF_COL_BIRTH_DATE]) : NULL;
    if (st == EFF_OK && ((d->measure == EFF_IND_MEAN && value && value->is_text) ||
                         (birth && birth->is_text)))
        st = eff_error_set(err, EFF_EINVAL, c->path, birth ? c->column_lines[EFF_COL_BIRTH_DATE]
                                                           : d->value_line, 0,
                           "%s holds text, not numbers", birth ? birth->name : d->value);
    for (size_t j = 0; st == EFF_OK && j < d->n_subgroups; j++)
        s->col[s->n_cols++] = ind_frame_find(f, d->subgroups[j]);
    if (st == EFF_OK && d->measure == EFF_IND_RATE)
        st = ind_events(f, d, ctx, &events, err);
    if (st == EFF_OK && d->measure == EFF_IND_POVERTY)
        st = ind_poverty(f, d, weights, &poor, err);
    int defer = d->measure == EFF_IND_POVERTY && d->years_below > 1;
    if (st == EFF_OK && defer)
        st = ind_poverty_below(f, d, weights, poor, part, err);
    if (st == EFF_OK && (d->measure == EFF_IND_RECIDIVISM || d->measure == EFF_IND_DEBUT_AGE))
        st = ind_history_rows(h, f, &person, err);
    size_t width = IND_MAX_SLOTS + 1;
    ind_acc *acc = st == EFF_OK ? eff_calloc(IND_AREAS * width, sizeof *acc) : NULL;
    if (st == EFF_OK && !acc)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && d->measure != EFF_IND_PERSISTENCE && i < f->n; i++) {
        if (!in[i])
            continue;
        double x = value_at(f, d, &condition, value, events, poor, h, person, birth, i);
        if (isnan(x))
            continue;
        int slot = slot_at(s, i);
        if (slot == -2) {
            st = eff_error_set(err, EFF_EINVAL, c->path, d->subgroups_line, 0,
                               "subgroups: more than %d values", IND_MAX_SLOTS);
            break;
        }
        if (defer) { /* tallied once the years before are known */
            st = defer_row(f, i, slot, (int8_t)x, part, err);
            continue;
        }
        ind_acc *a = &acc[f->area[i] * width + (size_t)slot];
        double w = weights[f->area[i]];
        a->n++, a->with += x > 0, a->w += w, a->wx += w * x;
    }
    if (st == EFF_OK) st = label_slots(d, s, part, err);
    if (st == EFF_OK) { /* compact: the labelled slots, then the missing one */
        part->acc = eff_calloc(IND_AREAS * (part->n_slots + 1), sizeof *part->acc);
        if (!part->acc)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t a = 0; st == EFF_OK && a < IND_AREAS; a++) {
            for (size_t k = 0; k < part->n_slots; k++)
                part->acc[a * (part->n_slots + 1) + k] = acc[a * width + k];
            part->acc[a * (part->n_slots + 1) + part->n_slots] = acc[a * width + IND_MAX_SLOTS];
        }
    }
    part->active = 1;
    eff_free(acc);
    eff_free(events);
    eff_free(person);
    eff_free(poor);
    eff_free(in);
    eff_free(s);
    return st;
}

void ind_part_free(ind_part *p)
{
    for (size_t k = 0; p->labels && k < p->n_slots; k++)
        eff_free(p->labels[k]);
    for (size_t r = 0; r < p->n_rows; r++)
        eff_free(p->pnr[r]);
    eff_free(p->pnr);
    eff_free(p->area);
    eff_free(p->poor_now);
    eff_free(p->slot);
    eff_dict_release(p->below);
    eff_free(p->labels);
    eff_free(p->acc);
    *p = (ind_part){0};
}
