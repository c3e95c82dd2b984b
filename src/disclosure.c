/* disclosure.c - primary and secondary cell suppression (see disclosure.h). Owns its cells
 * (ids copied) and margins (part lists copied). */
#include <stdio.h>
#include <string.h>

#include "disclosure.h"
#include "mem.h"

typedef struct sdc_cell {
    char *id;
    long persons, with;
    int cost;       /* what hiding it costs: -1 not published anyway, 0 a cell, 1 a headline
                       (hidden for a margin only when no other cell of it is shown) */
    int suppressed;
    char reason[96];
} sdc_cell;

typedef struct sdc_margin {
    size_t total;
    size_t *parts;
    size_t n;
} sdc_margin;

struct eff_sdc {
    long threshold;
    sdc_cell *cells;
    size_t n_cells, cap_cells;
    sdc_margin *margins;
    size_t n_margins, cap_margins;
};

eff_status eff_sdc_new(long threshold, eff_sdc **out, eff_error *err)
{
    *out = NULL;
    if (threshold < EFF_SDC_MIN_THRESHOLD)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "the disclosure threshold is %ld; it must be at least %d persons",
                             threshold, EFF_SDC_MIN_THRESHOLD);
    eff_sdc *s = eff_calloc(1, sizeof *s);
    if (!s)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    s->threshold = threshold;
    *out = s;
    return EFF_OK;
}

void eff_sdc_free(eff_sdc *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n_cells; k++)
        eff_free(s->cells[k].id);
    for (size_t k = 0; k < s->n_margins; k++)
        eff_free(s->margins[k].parts);
    eff_free(s->cells), eff_free(s->margins), eff_free(s);
}

long eff_sdc_threshold(const eff_sdc *s)
{
    return s->threshold;
}

eff_status eff_sdc_cell(eff_sdc *s, const char *id, long persons, long with, size_t *index,
                        eff_error *err)
{
    if (persons < 0 || with < -1 || with > persons)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "cell %s: %ld persons with %ld having the condition is not a count",
                             id, persons, with);
    if (s->n_cells == s->cap_cells) {
        size_t cap = s->cap_cells ? 2 * s->cap_cells : 64;
        sdc_cell *c = eff_reallocarray(s->cells, cap, sizeof *c);
        if (!c)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        s->cells = c, s->cap_cells = cap;
    }
    sdc_cell *c = &s->cells[s->n_cells];
    memset(c, 0, sizeof *c);
    if (!(c->id = eff_strdup(id)))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    c->persons = persons, c->with = with;
    if (index)
        *index = s->n_cells;
    s->n_cells++;
    return EFF_OK;
}

eff_status eff_sdc_margin(eff_sdc *s, size_t total, const size_t *parts, size_t n,
                          eff_error *err)
{
    if (total >= s->n_cells || n < 1)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "a margin needs a known total and parts");
    for (size_t k = 0; k < n; k++)
        if (parts[k] >= s->n_cells || parts[k] == total)
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "a margin's part is not a known cell");
    if (s->n_margins == s->cap_margins) {
        size_t cap = s->cap_margins ? 2 * s->cap_margins : 16;
        sdc_margin *m = eff_reallocarray(s->margins, cap, sizeof *m);
        if (!m)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
        s->margins = m, s->cap_margins = cap;
    }
    size_t *copy = eff_mallocarray(n, sizeof *copy), kept = 0;
    if (!copy)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < n; k++) { /* a part listed twice is one cell */
        size_t j = 0;
        while (j < kept && copy[j] != parts[k])
            j++;
        if (j == kept)
            copy[kept++] = parts[k];
    }
    s->margins[s->n_margins++] = (sdc_margin){total, copy, kept};
    return EFF_OK;
}

static void primary(eff_sdc *s)
{
    long t = s->threshold;
    for (size_t k = 0; k < s->n_cells; k++) {
        sdc_cell *c = &s->cells[k];
        if (c->suppressed || (c->cost < 0 && c->persons == 0))
            continue; /* an empty unpublished cell gives nothing away */
        if (c->persons < t)
            snprintf(c->reason, sizeof c->reason, "primary: %s persons (< %ld)",
                     c->persons ? "too few" : "no", t);
        else if (c->with >= 0 && c->with < t)
            snprintf(c->reason, sizeof c->reason, "primary: fewer than %ld with the condition", t);
        else if (c->with >= 0 && c->persons - c->with < t)
            snprintf(c->reason, sizeof c->reason, "primary: fewer than %ld without the condition",
                     t);
        else
            continue;
        c->suppressed = 1;
    }
}

/* The cells of margin m: its total, then its parts. */
static size_t margin_cell(const sdc_margin *m, size_t k)
{
    return k == 0 ? m->total : m->parts[k - 1];
}

/* Persons (and, for a share, those with and without the condition) too few to show; 0 is
 * nobody, which gives nothing away. */
static int sensitive(const eff_sdc *s, long persons, long with)
{
    long t = s->threshold;
    return (persons > 0 && persons < t) ||
           (with >= 0 && ((with > 0 && with < t) || (persons - with > 0 && persons - with < t)));
}

/* One more cell of every margin that gives a hidden cell away: exactly one hidden, or hidden
 * parts (the total shown) whose sum rests on too few persons (with or without the condition). An empty cell never protects
 * anything, so it is never the one picked. 1 when any was added. */
static int secondary_round(eff_sdc *s)
{
    int added = 0;
    for (size_t g = 0; g < s->n_margins; g++) {
        const sdc_margin *m = &s->margins[g];
        size_t hidden = 0, one = 0, pick = (size_t)-1;
        long sum = 0, sum_with = 0; /* of the hidden parts; sum_with < 0: not a share */
        for (size_t k = 0; k <= m->n; k++) {
            size_t c = margin_cell(m, k);
            if (s->cells[c].suppressed && s->cells[c].persons == 0) {
                continue; /* nobody: nothing to give away, nothing to hide behind */
            } else if (s->cells[c].suppressed) {
                hidden++, one = c;
                if (k > 0) {
                    sum += s->cells[c].persons;
                    sum_with = s->cells[c].with < 0 || sum_with < 0 ? -1
                                                                   : sum_with + s->cells[c].with;
                }
            } else if (s->cells[c].persons > 0 &&
                       (pick == (size_t)-1 || s->cells[c].cost < s->cells[pick].cost ||
                        (s->cells[c].cost == s->cells[pick].cost &&
                         s->cells[c].persons < s->cells[pick].persons))) {
                pick = c; /* an unpublished cell costs nothing, the smallest shown cell the
                             least, a headline the most */
            }
        }
        int gives_away = hidden == 1 ||
                         (hidden > 1 && !s->cells[m->total].suppressed && sensitive(s, sum, sum_with));
        if (!gives_away || pick == (size_t)-1)
            continue;
        sdc_cell *c = &s->cells[pick];
        c->suppressed = 1;
        snprintf(c->reason, sizeof c->reason, "secondary: would give away %.60s",
                 s->cells[one].id);
        added = 1;
    }
    return added;
}

eff_status eff_sdc_apply(eff_sdc *s, eff_error *err)
{
    (void)err;
    primary(s);
    while (secondary_round(s))
        ;
    return EFF_OK;
}

size_t eff_sdc_n_cells(const eff_sdc *s)
{
    return s->n_cells;
}

int eff_sdc_suppressed(const eff_sdc *s, size_t index)
{
    return index < s->n_cells && s->cells[index].suppressed;
}

const char *eff_sdc_reason(const eff_sdc *s, size_t index)
{
    return index < s->n_cells ? s->cells[index].reason : "";
}

const char *eff_sdc_id(const eff_sdc *s, size_t index)
{
    return index < s->n_cells ? s->cells[index].id : "";
}

size_t eff_sdc_n_suppressed(const eff_sdc *s)
{
    size_t n = 0;
    for (size_t k = 0; k < s->n_cells; k++)
        n += s->cells[k].suppressed != 0;
    return n;
}

void eff_sdc_headline(eff_sdc *s, size_t index)
{
    if (index < s->n_cells)
        s->cells[index].cost = 1;
}

int eff_sdc_suppress(eff_sdc *s, size_t index, const char *reason)
{
    if (index >= s->n_cells || s->cells[index].suppressed)
        return 0;
    s->cells[index].suppressed = 1;
    snprintf(s->cells[index].reason, sizeof s->cells[index].reason, "%s", reason);
    return 1;
}

void eff_sdc_unpublished(eff_sdc *s, size_t index)
{
    if (index < s->n_cells)
        s->cells[index].cost = -1;
}

int eff_sdc_coef_ok(const eff_sdc *s, long persons_y1, long persons_y0)
{
    return persons_y1 >= s->threshold && persons_y0 >= s->threshold;
}
