/* match.c - nearest-neighbour matching (rules in match.h): discard, caliper, one stable sort,
 * per-stratum blocks with union-find "next free control" links, rounds, weights. */
#include "match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct eff_match {
    size_t n;
    int ratio;
    int64_t *mm;            /* n x ratio: controls of treated unit i (-1 none) */
    double *weights;
    unsigned char *discarded;
    eff_match_counts counts;
    unsigned char *is_treated;
};

eff_match_options eff_match_options_default(void)
{
    eff_match_options o = {1, 0, 0, 1, EFF_ORDER_LARGEST, 0, EFF_DISCARD_NONE};
    return o;
}

void eff_match_free(eff_match *m)
{
    if (!m)
        return;
    eff_free(m->mm);
    eff_free(m->weights);
    eff_free(m->discarded);
    eff_free(m->is_treated);
    eff_free(m);
}

eff_match_counts eff_match_get_counts(const eff_match *m) { return m->counts; }
double eff_match_weight(const eff_match *m, size_t i) { return m->weights[i]; }
int eff_match_discarded(const eff_match *m, size_t i) { return m->discarded[i]; }
int eff_match_ratio(const eff_match *m) { return m->ratio; }

const int64_t *eff_match_controls(const eff_match *m, size_t i)
{
    return m->is_treated[i] ? m->mm + i * (size_t)m->ratio : NULL;
}

/* ---- sorting: (key, index) pairs, so equal keys keep data order ---- */

typedef struct keyed {
    double key;
    size_t index;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int by_key_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index); /* ties in data order, as R's order */
}

/* ---- common support and caliper ---- */

static void discard_units(const double *d, const unsigned char *treat, size_t n, eff_discard how,
                          unsigned char *out)
{
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        int t = treat[i] != 0;
        lo[t] = fmin(lo[t], d[i]);
        hi[t] = fmax(hi[t], d[i]);
    }
    for (size_t i = 0; i < n; i++) {
        int t = treat[i] != 0;
        /* a unit outside the other group's range of the distance */
        int outside = d[i] < lo[!t] || d[i] > hi[!t];
        out[i] = outside && (how == EFF_DISCARD_BOTH || (how == EFF_DISCARD_TREATED && t) ||
                             (how == EFF_DISCARD_CONTROL && !t));
    }
}

/* Sample standard deviation of the distance over units not discarded. */
static double sd_kept(const double *d, const unsigned char *discarded, size_t n)
{
    double mean = 0, m2 = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* Welford: stable for any offset */
        if (discarded[i])
            continue;
        double delta = d[i] - mean;
        mean += delta / (double)++k;
        m2 += delta * (d[i] - mean);
    }
    return k > 1 ? sqrt(m2 / (double)(k - 1)) : 0;
}

/* ---- blocks and union-find ----
 * Each exact stratum is a block of slots holding its units in distance order, with a sentinel
 * slot on each side. right[s] (left[s]) links a slot to the nearest slot at or after (at or
 * before) it that is a free control or a sentinel. */
typedef struct walker {
    size_t *local;     /* unit -> its index in data order within its stratum */
    size_t free_controls;
    size_t *unit_at;   /* slot -> unit, SIZE_MAX for a sentinel */
    size_t *slot_of;   /* unit -> slot */
    size_t *right, *left;
} walker;

static size_t find_right(walker *w, size_t s)
{
    while (w->right[s] != s) {
        w->right[s] = w->right[w->right[s]];
        s = w->right[s];
    }
    return s;
}

static size_t find_left(walker *w, size_t s)
{
    while (w->left[s] != s) {
        w->left[s] = w->left[w->left[s]];
        s = w->left[s];
    }
    return s;
}

static void take(walker *w, size_t s)
{
    w->right[s] = s + 1;
    w->left[s] = s - 1;
}

static eff_status build_walker(walker *w, const keyed *sorted, const unsigned char *treat,
                               const unsigned char *discarded, const int32_t *strata, size_t n,
                               eff_error *err)
{
    int32_t max_code = 0;
    for (size_t i = 0; strata && i < n; i++)
        max_code = strata[i] > max_code ? strata[i] : max_code;
    size_t n_codes = (size_t)max_code + 1, slots = n + 2 * n_codes;
    size_t *fill = eff_calloc(n_codes + 1, sizeof *fill);
    w->unit_at = eff_mallocarray(slots, sizeof *w->unit_at);
    w->local = eff_mallocarray(n, sizeof *w->local);
    w->slot_of = eff_mallocarray(n, sizeof *w->slot_of);
    w->right = eff_mallocarray(slots, sizeof *w->right);
    w->left = eff_mallocarray(slots, sizeof *w->left);
    if (!fill || !w->unit_at || !w->local || !w->slot_of || !w->right || !w->left) {
        eff_free(fill);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory matching");
    }
    /* fill[c] = first unit slot of stratum c (after its left sentinel); meanwhile each unit's
     * index within its stratum in data order, which MatchIt's quirk (match.h) counts in */
    for (size_t i = 0; i < n; i++)
        w->local[i] = fill[(strata ? (size_t)strata[i] : 0) + 1]++;
    size_t base = 0;
    for (size_t c = 0; c < n_codes; c++) {
        size_t count = fill[c + 1];
        w->unit_at[base] = w->unit_at[base + count + 1] = SIZE_MAX; /* sentinels */
        fill[c] = base + 1;
        base += count + 2;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = sorted[k].index, c = strata ? (size_t)strata[i] : 0, s = fill[c]++;
        w->unit_at[s] = i;
        w->slot_of[i] = s;
    }
    w->free_controls = 0;
    for (size_t s = 0; s < slots; s++) {
        size_t i = w->unit_at[s];
        int free_control = i == SIZE_MAX || (!treat[i] && !discarded[i]);
        w->free_controls += i != SIZE_MAX && free_control;
        w->right[s] = free_control ? s : s + 1;
        w->left[s] = free_control ? s : s - 1;
    }
    eff_free(fill);
    return EFF_OK;
}

typedef struct walk_ctx {
    walker *w;
    const double *d;
    double caliper; /* < 0: none */
    const int64_t *earlier; /* this unit's matches in earlier rounds */
    int n_earlier;
} walk_ctx;

/* MatchIt 4.5.1 passes over a control whose index is one more than an earlier match's
 * (match.h), indices counted within the exact stratum, which MatchIt matches as a subgroup:
 * replicated for identical matches. */
static int passed_over(const walk_ctx *c, size_t unit)
{
    for (int r = 0; r < c->n_earlier; r++)
        if (c->earlier[r] >= 0 && c->w->local[c->earlier[r]] + 1 == c->w->local[unit])
            return 1;
    return 0;
}

/* The nearest usable control on one side of treated unit t, or SIZE_MAX. */
static size_t nearest(const walk_ctx *c, size_t t, int leftwards)
{
    size_t s = c->w->slot_of[t];
    for (;;) {
        s = leftwards ? find_left(c->w, s - 1) : find_right(c->w, s + 1);
        size_t unit = c->w->unit_at[s];
        if (unit == SIZE_MAX)
            return SIZE_MAX;
        if (c->caliper >= 0 && fabs(c->d[t] - c->d[unit]) > c->caliper)
            return SIZE_MAX; /* sorted: the rest on this side are farther */
        if (!passed_over(c, unit))
            return unit;
    }
}

static void compute_weights(eff_match *m, const unsigned char *treat)
{
    size_t n = m->n;
    memset(m->weights, 0, n * sizeof *m->weights);
    for (size_t t = 0; t < n; t++) {
        if (!treat[t])
            continue;
        const int64_t *row = m->mm + t * (size_t)m->ratio;
        int k = 0;
        for (int r = 0; r < m->ratio; r++)
            k += row[r] >= 0;
        if (!k)
            continue;
        m->weights[t] = 1;
        m->counts.matched_treated++;
        for (int r = 0; r < m->ratio; r++)
            if (row[r] >= 0)
                m->weights[row[r]] += 1.0 / k;
    }
    double sum = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (!treat[i] && m->weights[i] > 0) {
            sum += m->weights[i];
            used++;
        }
    for (size_t i = 0; i < n && sum > 0; i++)
        if (!treat[i])
            m->weights[i] *= (double)used / sum;
    m->counts.matched_controls = used;
}

/* Treated units in the order they choose. Caller frees. */
static size_t *treated_order(const double *d, const unsigned char *treat, size_t n,
                             const eff_match_options *o, size_t n_treated)
{
    keyed *k = eff_mallocarray(n_treated, sizeof *k);
    size_t *order = eff_mallocarray(n_treated, sizeof *order);
    if (!k || !order) {
        eff_free(k);
        eff_free(order);
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (treat[i])
            k[j++] = (keyed){d[i], i};
    if (o->order == EFF_ORDER_LARGEST)
        qsort(k, n_treated, sizeof *k, by_key_desc);
    else if (o->order == EFF_ORDER_SMALLEST)
        qsort(k, n_treated, sizeof *k, by_key);
    for (size_t i = 0; i < n_treated; i++)
        order[i] = k[i].index;
    if (o->order == EFF_ORDER_RANDOM) { /* Fisher-Yates with splitmix64: same seed, same order */
        uint64_t state = o->seed;
        for (size_t i = n_treated; i > 1; i--) {
            uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            size_t r = (size_t)(z % i), tmp = order[i - 1];
            order[i - 1] = order[r];
            order[r] = tmp;
        }
    }
    eff_free(k);
    return order;
}

static eff_status check_inputs(const double *d, const unsigned char *treat, size_t n,
                               const eff_match_options *o, size_t *n_treated, eff_error *err)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d[i]))
            return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                                 "the distance of unit %zu is not finite", i + 1);
        t += treat[i] != 0;
    }
    if (t == 0 || t == n)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "there are no %s units to match",
                             t == 0 ? "treated" : "control");
    if (o->ratio < 1 || o->caliper < 0 || (size_t)o->ratio > SIZE_MAX / sizeof(int64_t) / n)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the ratio must be at least 1 and the "
                                                          "caliper not negative");
    *n_treated = t;
    return EFF_OK;
}

static void run_rounds(eff_match *m, walker *w, const double *d, const size_t *order,
                       size_t n_treated, const eff_match_options *o, double caliper)
{
    walk_ctx c = {w, d, caliper > 0 ? caliper : -1, NULL, 0};
    for (int r = 0; r < o->ratio && (o->replace || w->free_controls > 0); r++) {
        for (size_t k = 0; k < n_treated && (o->replace || w->free_controls > 0); k++) {
            size_t t = order[k];
            if (m->discarded[t])
                continue;
            int64_t *row = m->mm + t * (size_t)o->ratio;
            c.earlier = row;
            c.n_earlier = r;
            size_t left = nearest(&c, t, 1), right = nearest(&c, t, 0), pick;
            if (left != SIZE_MAX && right != SIZE_MAX)
                pick = fabs(d[left] - d[t]) <= fabs(d[right] - d[t]) ? left : right;
            else
                pick = left != SIZE_MAX ? left : right;
            if (pick == SIZE_MAX)
                continue;
            row[r] = (int64_t)pick;
            if (!o->replace) {
                take(w, w->slot_of[pick]);
                w->free_controls--;
            }
        }
    }
}

eff_status eff_match_nearest(const double *distance, const unsigned char *treat,
                             const int32_t *strata, size_t n, const eff_match_options *opt,
                             eff_match **out, eff_error *err)
{
    eff_match_options o = opt ? *opt : eff_match_options_default();
    size_t n_treated = 0;
    eff_status st = check_inputs(distance, treat, n, &o, &n_treated, err);
    if (st)
        return st;
    eff_match *m = eff_calloc(1, sizeof *m);
    keyed *sorted = eff_mallocarray(n, sizeof *sorted);
    walker w;
    memset(&w, 0, sizeof w);
    size_t *order = NULL;
    if (m) {
        m->n = n;
        m->ratio = o.ratio;
        m->mm = eff_mallocarray(n, (size_t)o.ratio * sizeof *m->mm);
        m->weights = eff_mallocarray(n, sizeof *m->weights);
        m->discarded = eff_calloc(n, 1);
        m->is_treated = eff_mallocarray(n, 1);
    }
    if (!m || !sorted || !m->mm || !m->weights || !m->discarded || !m->is_treated)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory matching");
    if (!st) {
        for (size_t i = 0; i < n * (size_t)o.ratio; i++)
            m->mm[i] = -1;
        for (size_t i = 0; i < n; i++) {
            m->is_treated[i] = treat[i] != 0;
            sorted[i] = (keyed){distance[i], i};
        }
        if (o.discard != EFF_DISCARD_NONE)
            discard_units(distance, m->is_treated, n, o.discard, m->discarded);
        double caliper = o.caliper > 0 && o.caliper_sd
                             ? o.caliper * sd_kept(distance, m->discarded, n)
                             : o.caliper;
        m->counts.caliper = caliper;
        qsort(sorted, n, sizeof *sorted, by_key);
        st = build_walker(&w, sorted, m->is_treated, m->discarded, strata, n, err);
        order = st ? NULL : treated_order(distance, m->is_treated, n, &o, n_treated);
        if (!st && !order)
            st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory matching");
        if (!st)
            run_rounds(m, &w, distance, order, n_treated, &o, caliper);
    }
    if (!st) {
        compute_weights(m, m->is_treated);
        m->counts.treated = n_treated;
        m->counts.controls = n - n_treated;
        for (size_t i = 0; i < n; i++) {
            m->counts.discarded_treated += m->discarded[i] && m->is_treated[i];
            m->counts.discarded_controls += m->discarded[i] && !m->is_treated[i];
        }
    }
    eff_free(sorted);
    eff_free(order);
    eff_free(w.unit_at);
    eff_free(w.local);
    eff_free(w.slot_of);
    eff_free(w.right);
    eff_free(w.left);
    if (st) {
        eff_match_free(m);
        return st;
    }
    *out = m;
    return EFF_OK;
}
