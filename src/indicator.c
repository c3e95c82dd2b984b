/* indicator.c - the indicator engine's run (indicator.h): the years spread over the cores, each
 * year's frame read once for all its indicators (ind_frame.c, ind_year.c); then, for every
 * indicator and year, the cells of udsat, almen, the unpublished rest and the whole
 * population, by subgroup, through disclosure control with their margins; then the seed's
 * values beside ours. Owns the cells, their labels and the disclosure table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disclosure.h"
#include "ind_internal.h"
#include "mem.h"
#include "parallel.h"
#include "regfile.h"

static const char *const area_names[IND_AREAS + 1] = {"udsat", "almen", "oevrig", "befolkning"};
enum { IND_ALL_AREAS = IND_AREAS }; /* befolkning: the sum */

typedef struct seed_row {
    char *indicator, *group, *subgroup, *id;
    int year;
    double value;
} seed_row;

struct eff_indicators {
    const eff_config *c;
    eff_ind_cell *cells;
    size_t n_cells, cap_cells;
    size_t *sdc_index;       /* per cell */
    char **owned;            /* labels and reasons */
    size_t n_owned, cap_owned;
    eff_sdc *sdc;
    seed_row *seed;
    size_t n_seed;
    size_t n_suppressed;
    struct persist_ties {       /* a persistence indicator's extra cells, by area */
        const eff_cfg_indicator *d;
        size_t gone[IND_AREAS + 1], fig[IND_AREAS + 1];
        long left[IND_AREAS + 1];
    } persist[EFF_CFG_MAX_IND];
    size_t n_persist;
};

typedef struct year_job {
    const eff_config *c;
    const eff_ctx *ctx;
    const double *weights;
    const ind_history **history; /* per indicator (recidivism, debut age), maybe shared */
    ind_persist *persist;       /* per indicator (persistence) */
    int y0;
    ind_part *parts;         /* [indicator][year] */
    size_t n_years;
    eff_status *status;      /* per year */
    eff_error *errors;
} year_job;

/* Two indicators that count the same events (their `events` terms alike) share a history. */
static int same_events(const eff_cfg_cond *a, const eff_cfg_cond *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t k = 0; k < a->n; k++)
        if (strcasecmp(a->terms[k].column, b->terms[k].column) != 0 ||
            a->terms[k].op != b->terms[k].op || strcmp(a->terms[k].text, b->terms[k].text) != 0)
            return 0;
    return 1;
}

int ind_lead_year(const eff_cfg_indicator *d)
{
    return d->measure == EFF_IND_POVERTY ? d->year_first - (d->years_below - 1) : d->year_first;
}

/* The last year an indicator has: recidivism needs its follow-up inside the history. */
static int last_year(const eff_config *c, const eff_cfg_indicator *d)
{
    if (d->measure != EFF_IND_RECIDIVISM)
        return d->year_last;
    int follow = (d->within_days + 364) / 365;
    return d->year_last < c->history_last - follow ? d->year_last : c->history_last - follow;
}

static void run_years(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    year_job *j = arg;
    for (size_t y = lo; y < hi; y++) {
        int year = j->y0 + (int)y, any = 0;
        for (size_t k = 0; k < j->c->n_indicators; k++) {
            const eff_cfg_indicator *d = &j->c->indicators[k];
            any |= (year >= ind_lead_year(d) && year <= last_year(j->c, d)) ||
                   (d->measure == EFF_IND_PERSISTENCE && year == d->base_year);
        }
        if (!any || eff_ctx_cancelled(j->ctx))
            continue;
        ind_frame f;
        eff_status st = ind_frame_load(j->c, year, j->ctx, &f, &j->errors[y]);
        for (size_t k = 0; st == EFF_OK && k < j->c->n_indicators; k++) {
            const eff_cfg_indicator *d = &j->c->indicators[k];
            eff_error *err = &j->errors[y];
            if (d->measure == EFF_IND_PERSISTENCE && year == d->base_year)
                st = ind_persist_base(&f, d, &j->persist[k], err);
            if (st == EFF_OK && year >= ind_lead_year(d) && year < d->year_first) /* before */
                st = ind_poverty_below(&f, d, j->weights, NULL, &j->parts[k * j->n_years + y], err);
            if (st != EFF_OK || year < d->year_first || year > last_year(j->c, d))
                continue;
            if (d->measure == EFF_IND_PERSISTENCE)
                st = ind_persist_status(&f, d, &j->persist[k], err);
            else
                st = ind_year_accumulate(&f, d, j->weights, j->history[k], j->ctx,
                                         &j->parts[k * j->n_years + y], err);
        }
        ind_frame_free(&f);
        j->status[y] = st;
    }
}

/* [indicators] weights: a file with the area types and their weights. */
static eff_status load_weights(const eff_config *c, const eff_ctx *ctx, double *w,
                               eff_error *err)
{
    w[0] = w[1] = w[2] = 1;
    if (!c->ind_weights)
        return EFF_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", c->ind_weights[0] == '/' ? "" : c->dir,
             c->ind_weights[0] == '/' ? "" : "/", c->ind_weights);
    const char *names[2] = {"omraadetype", "weight"};
    eff_read_options o = eff_read_options_default();
    o.columns = names, o.n_columns = 2;
    eff_table *t = NULL;
    eff_status st = eff_read_table(path, &o, ctx, &t, err);
    if (st != EFF_OK) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (named by weights = at %s:%ld)",
                 c->path, c->ind_weights_line);
        return st;
    }
    int seen[IND_AREAS] = {0};
    size_t at[2];
    st = ind_find_cols(t, names, 2, at, err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t) &&
                       eff_table_col_type(t, at[0]) == EFF_TYPE_STR &&
                       eff_table_col_type(t, at[1]) != EFF_TYPE_STR; r++) {
        const char *area = eff_table_str(t, at[0], r);
        double x = ind_number_at(t, at[1], r);
        for (int a = 0; area && a < IND_AREAS; a++)
            if (strcmp(area, area_names[a]) == 0 && x > 0)
                w[a] = x, seen[a] = 1;
    }
    eff_table_free(t);
    for (int a = 0; st == EFF_OK && a < IND_AREAS; a++)
        if (!seen[a])
            return eff_error_set(err, EFF_EINVAL, path, 0, 0, "no positive weight for '%s' "
                                 "(columns omraadetype, weight; rows udsat, almen, oevrig)",
                                 area_names[a]);
    return st;
}

static char *own(eff_indicators *r, char *s)
{
    if (!s)
        return NULL;
    if (r->n_owned == r->cap_owned) {
        size_t cap = r->cap_owned ? 2 * r->cap_owned : 256;
        char **grown = eff_reallocarray(r->owned, cap, sizeof *grown);
        if (!grown)
            return eff_free(s), NULL;
        r->owned = grown, r->cap_owned = cap;
    }
    return r->owned[r->n_owned++] = s;
}

static int by_label(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subgroup labels of indicator k over all years, sorted. */
static eff_status labels_of(eff_indicators *r, const year_job *j, size_t k, char ***out,
                            size_t *n, eff_error *err)
{
    size_t cap = 0;
    *out = NULL, *n = 0;
    for (size_t y = 0; y < j->n_years; y++) {
        const ind_part *p = &j->parts[k * j->n_years + y];
        for (size_t s = 0; p->active && s < p->n_slots; s++) {
            size_t i = 0;
            while (i < *n && strcmp((*out)[i], p->labels[s]) != 0)
                i++;
            if (i < *n)
                continue;
            if (*n == cap) {
                cap = cap ? 2 * cap : 8;
                char **grown = eff_reallocarray(*out, cap, sizeof *grown);
                if (!grown)
                    return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
                *out = grown;
            }
            (*out)[(*n)++] = p->labels[s];
        }
    }
    if (*n) /* none (an indicator with no rows in any year): *out is NULL, which qsort must
             * not be given even for no elements */
        qsort(*out, *n, sizeof **out, by_label);
    (void)r;
    return EFF_OK;
}

static ind_acc acc_of(const ind_part *p, int area, const char *label)
{
    ind_acc sum = {0};
    size_t width = p->n_slots + 1;
    for (int a = 0; a < IND_AREAS; a++) {
        if (area != IND_ALL_AREAS && a != area)
            continue;
        for (size_t s = 0; s <= p->n_slots; s++) {
            int missing = s == p->n_slots;
            if (label && (missing ? strcmp(label, "\x01") != 0
                                  : strcmp(label, p->labels[s]) != 0))
                continue;
            const ind_acc *x = &p->acc[(size_t)a * width + s];
            sum.n += x->n, sum.with += x->with, sum.w += x->w, sum.wx += x->wx;
        }
    }
    return sum;
}

static double value_of(const eff_cfg_indicator *d, ind_acc a)
{
    if (a.n == 0 || !(a.w > 0))
        return NAN;
    double mean = a.wx / a.w;
    switch (d->measure) {
    case EFF_IND_MEAN:
    case EFF_IND_DEBUT_AGE: return mean;
    case EFF_IND_RATE: return mean * d->per;
    default: return 100 * mean;
    }
}

static eff_status add_cell(eff_indicators *r, const eff_cfg_indicator *d, int area,
                           const char *label, int year, ind_acc a, size_t *sdc_index,
                           eff_error *err)
{
    char id[512];
    const char *shown = label[0] == '\x01' ? "(missing)" : label;
    snprintf(id, sizeof id, "indicators/%s/%s/%s/%d", d->id, area_names[area], shown, year);
    long with = d->measure == EFF_IND_MEAN || d->measure == EFF_IND_DEBUT_AGE ? -1 : a.with;
    eff_status st = eff_sdc_cell(r->sdc, id, a.n, with, sdc_index, err);
    if (st != EFF_OK)
        return st;
    if (area == IND_OEVRIG || label[0] == '\x01') {
        eff_sdc_unpublished(r->sdc, *sdc_index);
        return EFF_OK;
    }
    if (r->n_cells == r->cap_cells) {
        size_t cap = r->cap_cells ? 2 * r->cap_cells : 256;
        eff_ind_cell *cells = eff_reallocarray(r->cells, cap, sizeof *cells);
        size_t *index = eff_reallocarray(r->sdc_index, cap, sizeof *index);
        if (cells) r->cells = cells;
        if (index) r->sdc_index = index;
        if (!cells || !index)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        r->cap_cells = cap;
    }
    r->sdc_index[r->n_cells] = *sdc_index;
    r->cells[r->n_cells++] = (eff_ind_cell){d->id, area_names[area], label, year,
                                            value_of(d, a), a.n, "", -1, NULL, NAN};
    return EFF_OK;
}

/* Every cell of indicator d in one year, with its margins. */
static eff_status year_cells(eff_indicators *r, const eff_cfg_indicator *d, const ind_part *p,
                             int year, char **labels, size_t n_labels, size_t *all,
                             eff_error *err)
{
    size_t rows = n_labels ? n_labels + 2 : 1; /* the subgroups, missing, all */
    size_t *idx = eff_mallocarray((IND_AREAS + 1) * rows, sizeof *idx);
    if (!idx)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = EFF_OK;
    for (size_t s = 0; st == EFF_OK && s < rows; s++) {
        const char *label = s + 1 == rows ? "all" : s == n_labels ? "\x01" : labels[s];
        for (int a = 0; st == EFF_OK && a <= IND_AREAS; a++)
            st = add_cell(r, d, a, label, year,
                          acc_of(p, a, strcmp(label, "all") == 0 ? NULL : label),
                          &idx[(size_t)a * rows + s], err);
    }
    for (size_t s = 0; st == EFF_OK && s < rows; s++) { /* befolkning = the three areas */
        size_t parts[IND_AREAS] = {idx[s], idx[rows + s], idx[2 * rows + s]};
        st = eff_sdc_margin(r->sdc, idx[IND_AREAS * rows + s], parts, IND_AREAS, err);
    }
    for (int a = 0; st == EFF_OK && n_labels && a <= IND_AREAS; a++) /* all = the subgroups */
        st = eff_sdc_margin(r->sdc, idx[(size_t)a * rows + rows - 1], &idx[(size_t)a * rows],
                            rows - 1, err);
    for (int a = 0; a <= IND_AREAS; a++)
        all[a] = idx[(size_t)a * rows + rows - 1];
    eff_free(idx);
    return st;
}

/* The persistence indicator's only year: its base group's status `after` years later. */
static eff_status persistence_part(const eff_cfg_indicator *d, const ind_persist *p,
                                   ind_part *part, eff_error *err)
{
    (void)d;
    part->n_slots = 1;
    part->labels = eff_calloc(2, sizeof *part->labels);
    part->acc = eff_calloc(IND_AREAS * 2, sizeof *part->acc);
    if (!part->labels || !part->acc || !(part->labels[0] = eff_strdup("all")))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    ind_persist_tally(p, part, part->left);
    part->active = 1;
    return EFF_OK;
}

/* A persistence figure's ties. Its persons are the base group (the base figure's numerator),
 * made of those still in the register (the denominator, not published) and those gone (a
 * published count): figure = stayers + gone, by area, with befolkning the sum of the areas.
 * `fig` are the persistence cells' indexes by area; apply_disclosure hides a figure whose
 * base figure is hidden. */
static eff_status persistence_cells(eff_indicators *r, const eff_cfg_indicator *d,
                                    const ind_part *p, const size_t *fig, eff_error *err)
{
    struct persist_ties *t = &r->persist[r->n_persist++];
    size_t stay[IND_AREAS + 1];
    t->d = d;
    eff_status st = EFF_OK;
    for (int a = 0; st == EFF_OK && a <= IND_AREAS; a++) {
        char id[256];
        ind_acc acc = acc_of(p, a, NULL);
        long left = a == IND_ALL_AREAS ? p->left[0] + p->left[1] + p->left[2] : p->left[a];
        t->left[a] = left, t->fig[a] = fig[a];
        snprintf(id, sizeof id, "indicators/%s/%s/gone/%d", d->id, area_names[a], d->year_first);
        st = eff_sdc_cell(r->sdc, id, left, -1, &t->gone[a], err);
        snprintf(id, sizeof id, "indicators/%s/%s/still_registered/%d", d->id, area_names[a],
                 d->year_first);
        if (st == EFF_OK) st = eff_sdc_cell(r->sdc, id, acc.n - left, -1, &stay[a], err);
        if (st != EFF_OK)
            break;
        eff_sdc_unpublished(r->sdc, stay[a]);
        if (a == IND_OEVRIG)
            eff_sdc_unpublished(r->sdc, t->gone[a]);
        size_t parts[2] = {stay[a], t->gone[a]};
        st = eff_sdc_margin(r->sdc, fig[a], parts, 2, err);
    }
    for (int v = 0; st == EFF_OK && v < 2; v++) { /* befolkning = the three areas */
        size_t *x = v ? t->gone : stay, parts[IND_AREAS] = {x[0], x[1], x[2]};
        st = eff_sdc_margin(r->sdc, x[IND_ALL_AREAS], parts, IND_AREAS, err);
    }
    return st;
}

static eff_status build_cells(eff_indicators *r, const year_job *j, eff_error *err)
{
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < r->c->n_indicators; k++) {
        const eff_cfg_indicator *d = &r->c->indicators[k];
        char **labels = NULL;
        size_t n = 0;
        st = labels_of(r, j, k, &labels, &n, err);
        char **kept = st == EFF_OK ? eff_calloc(n + 1, sizeof *kept) : NULL;
        for (size_t s = 0; st == EFF_OK && kept && s < n; s++)
            if (!(kept[s] = own(r, eff_strdup(labels[s]))))
                st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        if (st == EFF_OK && !kept)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t y = 0; st == EFF_OK && y < j->n_years; y++) {
            const ind_part *p = &j->parts[k * j->n_years + y];
            size_t all[IND_AREAS + 1];
            if (p->active)
                st = year_cells(r, d, p, j->y0 + (int)y, kept, d->n_subgroups ? n : 0, all, err);
            if (st == EFF_OK && p->active && d->measure == EFF_IND_PERSISTENCE)
                st = persistence_cells(r, d, p, all, err);
        }
        eff_free(labels);
        eff_free(kept);
    }
    return st;
}

static eff_status seed_load(eff_indicators *r, const eff_ctx *ctx, eff_error *err);
static void seed_attach(eff_indicators *r);

/* The index of a published cell's disclosure entry, or (size_t)-1. */
static size_t sdc_of(const eff_indicators *r, const char *indicator, const char *group, int year)
{
    for (size_t k = 0; k < r->n_cells; k++)
        if (r->cells[k].year == year && strcmp(r->cells[k].indicator, indicator) == 0 &&
            strcmp(r->cells[k].group, group) == 0 && strcmp(r->cells[k].subgroup, "all") == 0)
            return r->sdc_index[k];
    return (size_t)-1;
}

/* Suppression to a fixed point, with the one tie margins cannot say: a persistence figure's
 * persons are its base figure's numerator, so a hidden base figure hides the figure too. */
static eff_status apply_disclosure(eff_indicators *r, eff_error *err)
{
    for (int changed = 1; changed;) {
        eff_status st = eff_sdc_apply(r->sdc, err);
        if (st != EFF_OK)
            return st;
        changed = 0;
        for (size_t k = 0; k < r->n_persist; k++) {
            const struct persist_ties *t = &r->persist[k];
            for (int a = 0; a <= IND_AREAS; a++) {
                size_t base = sdc_of(r, t->d->of, area_names[a], t->d->base_year);
                if (a != IND_OEVRIG && base != (size_t)-1 && eff_sdc_suppressed(r->sdc, base))
                    changed |= eff_sdc_suppress(r->sdc, t->fig[a], "secondary: its persons "
                                                "are a suppressed base figure's numerator");
            }
        }
    }
    return EFF_OK;
}

static eff_status finish(eff_indicators *r, eff_error *err)
{
    for (size_t k = 0; k < r->n_persist; k++) { /* the counts of those gone, where shown */
        const struct persist_ties *t = &r->persist[k];
        for (size_t i = 0; i < r->n_cells; i++) {
            eff_ind_cell *cell = &r->cells[i];
            if (cell->indicator != t->d->id)
                continue;
            for (int a = 0; a <= IND_AREAS; a++)
                if (strcmp(cell->group, area_names[a]) == 0 &&
                    (t->left[a] == 0 || !eff_sdc_suppressed(r->sdc, t->gone[a])))
                    cell->gone = t->left[a]; /* nobody gone gives nobody away */
        }
    }
    for (size_t k = 0; k < r->n_cells; k++) {
        eff_ind_cell *cell = &r->cells[k];
        size_t i = r->sdc_index[k];
        if (!eff_sdc_suppressed(r->sdc, i))
            continue;
        cell->value = NAN, cell->n = -1;
        cell->reason = own(r, eff_strdup(eff_sdc_reason(r->sdc, i)));
        if (!cell->reason) /* not a vaguer reason and EFF_OK */
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        r->n_suppressed++;
    }
    return EFF_OK;
}

eff_status eff_ind_compute(const eff_config *c, const eff_ctx *ctx, eff_indicators **out,
                           eff_error *err)
{
    *out = NULL;
    eff_indicators *r = eff_calloc(1, sizeof *r);
    if (!r)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    r->c = c;
    double weights[IND_AREAS];
    eff_status st = eff_sdc_new(c->threshold, &r->sdc, err);
    if (st == EFF_OK) st = load_weights(c, ctx, weights, err);
    int y0 = 3000, y1 = 0;
    for (size_t k = 0; k < c->n_indicators; k++) {
        y0 = ind_lead_year(&c->indicators[k]) < y0 ? ind_lead_year(&c->indicators[k]) : y0;
        y1 = c->indicators[k].year_last > y1 ? c->indicators[k].year_last : y1;
    }
    size_t n_years = c->n_indicators ? (size_t)(y1 - y0 + 1) : 0;
    size_t n_ind = c->n_indicators;
    ind_history *history = eff_calloc(n_ind + 1, sizeof *history);
    ind_persist *persist = eff_calloc(n_ind + 1, sizeof *persist);
    year_job j = {c, ctx, weights, NULL, persist, y0, NULL, n_years, NULL, NULL};
    if (st == EFF_OK && n_years) {
        j.parts = eff_calloc(n_ind * n_years, sizeof *j.parts);
        j.status = eff_calloc(n_years, sizeof *j.status);
        j.errors = eff_calloc(n_years, sizeof *j.errors);
        if (!j.parts || !j.status || !j.errors || !history || !persist)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    const ind_history **hist = eff_calloc(n_ind + 1, sizeof *hist);
    if (st == EFF_OK && !hist)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    j.history = hist;
    for (size_t k = 0; st == EFF_OK && k < n_ind; k++) { /* event histories first, */
        const eff_cfg_indicator *d = &c->indicators[k];
        persist[k].weights = weights;
        if (d->measure != EFF_IND_RECIDIVISM && d->measure != EFF_IND_DEBUT_AGE)
            continue;
        for (size_t e = 0; e < k && !hist[k]; e++) /* one for the indicators counting alike */
            if (hist[e] && same_events(&c->indicators[e].condition, &d->condition))
                hist[k] = hist[e];
        if (!hist[k] && (st = ind_history_load(c, d, ctx, &history[k], err)) == EFF_OK)
            hist[k] = &history[k];
    }
    if (st == EFF_OK && n_years) {
        eff_parallel_for(eff_parallel_parts(n_years, 1), n_years, run_years, &j);
        for (size_t y = 0; st == EFF_OK && y < n_years; y++)
            if (j.status[y] != EFF_OK)
                st = j.status[y], *err = j.errors[y];
        if (st == EFF_OK && eff_ctx_cancelled(ctx))
            st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted");
    }
    for (size_t k = 0; st == EFF_OK && k < n_ind; k++) /* poverty over several years */
        for (size_t y = 0; c->indicators[k].years_below > 1 && y < n_years; y++)
            if (j.parts[k * n_years + y].active)
                ind_poverty_tally(&c->indicators[k], &j.parts[k * n_years], n_years, y, weights);
    for (size_t k = 0; st == EFF_OK && k < n_ind; k++)
        if (c->indicators[k].measure == EFF_IND_PERSISTENCE)
            st = persistence_part(&c->indicators[k], &persist[k],
                                  &j.parts[k * n_years + (size_t)(c->indicators[k].year_first - y0)],
                                  err);
    if (st == EFF_OK) st = build_cells(r, &j, err);
    if (st == EFF_OK) st = apply_disclosure(r, err);
    if (st == EFF_OK) st = finish(r, err);
    for (size_t k = 0; history && k < n_ind; k++)
        ind_history_free(&history[k]);
    for (size_t k = 0; persist && k < n_ind; k++)
        ind_persist_free(&persist[k]);
    eff_free(history);
    eff_free(hist);
    eff_free(persist);
    if (st == EFF_OK) st = seed_load(r, ctx, err);
    if (st == EFF_OK) seed_attach(r);
    for (size_t k = 0; j.parts && k < c->n_indicators * n_years; k++)
        ind_part_free(&j.parts[k]);
    eff_free(j.parts);
    eff_free(j.status);
    eff_free(j.errors);
    if (st != EFF_OK) {
        eff_ind_free(r);
        return st;
    }
    *out = r;
    return EFF_OK;
}

/* ---- the seed's values: a CSV indicator,group,subgroup,year,seed_figure,seed_value ---- */

static eff_status seed_load(eff_indicators *r, const eff_ctx *ctx, eff_error *err)
{
    const eff_config *c = r->c;
    if (!c->ind_seed_figures)
        return EFF_OK;
    char path[4096]; /* beside the config, not the data: it belongs to the evaluation */
    const char *slash = strrchr(c->path, '/');
    int dir_len = c->ind_seed_figures[0] == '/' || !slash ? 0 : (int)(slash - c->path) + 1;
    snprintf(path, sizeof path, "%.*s%s", dir_len, c->path, c->ind_seed_figures);
    const char *names[6] = {"indicator", "group", "subgroup", "year", "seed_figure",
                            "seed_value"};
    eff_read_options o = eff_read_options_default();
    o.columns = names, o.n_columns = 6;
    o.csv.all_text = 1;
    eff_table *t = NULL;
    eff_status st = eff_read_table(path, &o, ctx, &t, err);
    if (st != EFF_OK) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (named by seed_figures = at %s:%ld)",
                 c->path, c->ind_seed_figures_line);
        return st;
    }
    size_t n = eff_table_n_rows(t), at[6];
    st = ind_find_cols(t, names, 6, at, err);
    r->seed = st == EFF_OK ? eff_calloc(n + 1, sizeof *r->seed) : NULL;
    if (st == EFF_OK && !r->seed)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < n; i++) {
        const char *f[6];
        for (size_t k = 0; k < 6; k++)
            f[k] = eff_table_is_na(t, at[k], i) ? "" : eff_table_str(t, at[k], i);
        char *end;
        seed_row *s = &r->seed[r->n_seed];
        s->year = (int)strtol(f[3], &end, 10);
        s->value = strtod(f[5], NULL);
        if (!*f[0] || !*f[4] || *end) {
            st = eff_error_set(err, EFF_EPARSE, path, (long)i + 2, 0,
                               "a seed row needs indicator, seed_figure and a year");
            break;
        }
        s->indicator = own(r, eff_strdup(f[0])), s->group = own(r, eff_strdup(f[1]));
        s->subgroup = own(r, eff_strdup(*f[2] ? f[2] : "all")), s->id = own(r, eff_strdup(f[4]));
        if (!s->indicator || !s->group || !s->subgroup || !s->id)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        r->n_seed++;
    }
    eff_table_free(t);
    return st;
}

static void seed_attach(eff_indicators *r)
{
    for (size_t k = 0; k < r->n_cells; k++) {
        eff_ind_cell *cell = &r->cells[k];
        for (size_t i = 0; i < r->n_seed; i++) {
            const seed_row *s = &r->seed[i];
            if (s->year == cell->year && strcmp(s->indicator, cell->indicator) == 0 &&
                strcmp(s->group, cell->group) == 0 && strcmp(s->subgroup, cell->subgroup) == 0) {
                cell->seed_figure = s->id, cell->seed_value = s->value;
                break;
            }
        }
    }
}

void eff_ind_free(eff_indicators *r)
{
    if (!r)
        return;
    for (size_t k = 0; k < r->n_owned; k++)
        eff_free(r->owned[k]);
    eff_free(r->owned);
    eff_free(r->cells);
    eff_free(r->sdc_index);
    eff_free(r->seed);
    eff_sdc_free(r->sdc);
    eff_free(r);
}

size_t eff_ind_n_cells(const eff_indicators *r) { return r ? r->n_cells : 0; }
size_t eff_ind_n_suppressed(const eff_indicators *r) { return r ? r->n_suppressed : 0; }

const eff_ind_cell *eff_ind_cell_at(const eff_indicators *r, size_t k)
{
    return k < r->n_cells ? &r->cells[k] : NULL;
}

const eff_cfg_indicator *eff_ind_spec(const eff_indicators *r, const eff_ind_cell *cell)
{
    for (size_t k = 0; k < r->c->n_indicators; k++)
        if (strcmp(r->c->indicators[k].id, cell->indicator) == 0)
            return &r->c->indicators[k];
    return NULL;
}

const char *eff_ind_unit(const eff_cfg_indicator *d)
{
    return d->measure == EFF_IND_MEAN        ? "value"
           : d->measure == EFF_IND_DEBUT_AGE ? "years"
           : d->measure == EFF_IND_RATE      ? "per_1000"
                                             : "percent";
}
