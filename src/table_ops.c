/* table_ops.c - ordering (stable merge sort on row indices) and the hash join. */
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "table_internal.h"

typedef struct sort_key {
    eff_type type;
    const void *data;
    int32_t *ranks; /* strings: code -> byte-wise rank */
} sort_key;

/* -1, 0, 1 for rows a and b on one key; missing sorts last. */
static int compare_key(const sort_key *k, int64_t a, int64_t b)
{
    switch (k->type) {
    case EFF_TYPE_I64: {
        int64_t x = ((const int64_t *)k->data)[a], y = ((const int64_t *)k->data)[b];
        if (x == y)
            return 0;
        if (x == EFF_I64_NA || y == EFF_I64_NA)
            return x == EFF_I64_NA ? 1 : -1;
        return x < y ? -1 : 1;
    }
    case EFF_TYPE_F64: {
        double x = ((const double *)k->data)[a], y = ((const double *)k->data)[b];
        if (isnan(x) || isnan(y))
            return isnan(x) - isnan(y);
        return (x > y) - (x < y);
    }
    case EFF_TYPE_DATE: {
        int32_t x = ((const int32_t *)k->data)[a], y = ((const int32_t *)k->data)[b];
        if (x == y)
            return 0;
        if (x == EFF_DATE_NA || y == EFF_DATE_NA)
            return x == EFF_DATE_NA ? 1 : -1;
        return x < y ? -1 : 1;
    }
    case EFF_TYPE_STR: {
        int32_t x = ((const int32_t *)k->data)[a], y = ((const int32_t *)k->data)[b];
        if (x < 0 || y < 0)
            return (x < 0) - (y < 0);
        x = k->ranks[x];
        y = k->ranks[y];
        return (x > y) - (x < y);
    }
    }
    return 0;
}

static int compare_rows(const sort_key *keys, size_t n_keys, int64_t a, int64_t b)
{
    for (size_t k = 0; k < n_keys; k++) {
        int c = compare_key(&keys[k], a, b);
        if (c)
            return c;
    }
    return 0;
}

/* Bottom-up merge sort: stable, O(n log n) worst case, one scratch array. */
static void merge_sort(int64_t *v, int64_t *scratch, size_t n, const sort_key *keys,
                       size_t n_keys)
{
    int64_t *src = v, *dst = scratch;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = compare_rows(keys, n_keys, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        int64_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

static void free_keys(sort_key *keys, size_t n_keys)
{
    for (size_t k = 0; k < n_keys; k++)
        eff_free(keys[k].ranks);
    eff_free(keys);
}

eff_status eff_table_order(const eff_table *t, const char *const *keys, size_t n_keys,
                           int64_t **order, eff_error *err)
{
    size_t n = eff_table_n_rows(t);
    const char *src = eff_table_source(t);
    sort_key *sk = eff_calloc(n_keys ? n_keys : 1, sizeof *sk);
    int64_t *v = eff_mallocarray(n ? n : 1, sizeof *v);
    int64_t *scratch = eff_mallocarray(n ? n : 1, sizeof *scratch);
    eff_status st = EFF_OK;
    if (!sk || !v || !scratch)
        st = eff_error_set(err, EFF_ENOMEM, src, 0, 0, "out of memory sorting rows");
    for (size_t k = 0; st == EFF_OK && k < n_keys; k++) {
        size_t col;
        st = eff_table_col(t, keys[k], &col, err);
        if (st)
            break;
        sk[k].type = eff_table_col_type(t, col);
        switch (sk[k].type) {
        case EFF_TYPE_I64: sk[k].data = eff_table_i64(t, col); break;
        case EFF_TYPE_F64: sk[k].data = eff_table_f64(t, col); break;
        case EFF_TYPE_DATE: sk[k].data = eff_table_date(t, col); break;
        case EFF_TYPE_STR:
            sk[k].data = eff_table_codes(t, col);
            st = eff_dict_ranks(eff_table_dict(t, col), &sk[k].ranks, err);
            break;
        }
    }
    if (st == EFF_OK) {
        for (size_t i = 0; i < n; i++)
            v[i] = (int64_t)i;
        merge_sort(v, scratch, n, sk, n_keys);
        *order = v;
        v = NULL;
    }
    if (sk)
        free_keys(sk, n_keys);
    eff_free(v);
    eff_free(scratch);
    return st;
}

eff_status eff_table_sort(const eff_table *t, const char *const *keys, size_t n_keys,
                          eff_table **out, eff_error *err)
{
    int64_t *order;
    eff_status st = eff_table_order(t, keys, n_keys, &order, err);
    if (st)
        return st;
    st = eff_table_take(t, order, eff_table_n_rows(t), out, err);
    eff_free(order);
    return st;
}

eff_join_options eff_join_options_default(void)
{
    eff_join_options o = {EFF_JOIN_INNER, 1};
    return o;
}

/* The join's working state: key columns of both sides and the index on the right side. */
typedef struct join_index {
    const eff_table *left, *right;
    size_t n_keys;
    size_t *lcol, *rcol;
    int64_t *slots; /* first right row of a key, or -1 */
    int64_t *next;  /* next right row with the same key, or -1 */
    size_t mask;
} join_index;

static int row_has_na(const eff_table *t, const size_t *cols, size_t n_keys, size_t row)
{
    for (size_t k = 0; k < n_keys; k++)
        if (eff_table_is_na(t, cols[k], row))
            return 1;
    return 0;
}

static uint64_t row_hash(const eff_table *t, const size_t *cols, size_t n_keys, size_t row)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t k = 0; k < n_keys; k++)
        h = (h ^ eff_table_cell_hash(t, cols[k], row)) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

static int rows_equal(const join_index *ix, const eff_table *a, const size_t *acols, size_t ra,
                      const eff_table *b, const size_t *bcols, size_t rb)
{
    for (size_t k = 0; k < ix->n_keys; k++)
        if (!eff_table_cell_equal(a, acols[k], ra, b, bcols[k], rb))
            return 0;
    return 1;
}

/* Slot holding the chain for left row `row` of table `t`, or the empty slot where it goes. */
static size_t find_slot(const join_index *ix, const eff_table *t, const size_t *cols, size_t row)
{
    size_t i = (size_t)row_hash(t, cols, ix->n_keys, row) & ix->mask;
    while (ix->slots[i] >= 0 &&
           !rows_equal(ix, t, cols, row, ix->right, ix->rcol, (size_t)ix->slots[i]))
        i = (i + 1) & ix->mask;
    return i;
}

static eff_status build_index(join_index *ix, int right_unique, eff_error *err)
{
    size_t n = eff_table_n_rows(ix->right), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    ix->mask = cap - 1;
    ix->slots = eff_mallocarray(cap, sizeof *ix->slots);
    ix->next = eff_mallocarray(n ? n : 1, sizeof *ix->next);
    if (!ix->slots || !ix->next)
        return eff_error_set(err, EFF_ENOMEM, eff_table_source(ix->right), 0, 0,
                             "out of memory building the join index");
    memset(ix->slots, 0xff, cap * sizeof *ix->slots);
    /* Insert in reverse so each chain lists right rows in their original order. */
    for (size_t r = n; r-- > 0;) {
        ix->next[r] = -1;
        if (row_has_na(ix->right, ix->rcol, ix->n_keys, r))
            continue;
        size_t s = find_slot(ix, ix->right, ix->rcol, r);
        if (ix->slots[s] >= 0 && right_unique)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(ix->right), 0, 0,
                                 "join key (%s%s) is not unique: data rows %zu and %lld have "
                                 "the same value",
                                 eff_table_col_name(ix->right, ix->rcol[0]),
                                 ix->n_keys > 1 ? ", ..." : "", r + 1,
                                 (long long)ix->slots[s] + 1);
        ix->next[r] = ix->slots[s];
        ix->slots[s] = (int64_t)r;
    }
    return EFF_OK;
}

static eff_status resolve_keys(join_index *ix, const char *const *keys, eff_error *err)
{
    ix->lcol = eff_calloc(ix->n_keys ? ix->n_keys : 1, sizeof *ix->lcol);
    ix->rcol = eff_calloc(ix->n_keys ? ix->n_keys : 1, sizeof *ix->rcol);
    if (!ix->lcol || !ix->rcol)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory joining");
    if (ix->n_keys == 0)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "a join needs at least one key column");
    for (size_t k = 0; k < ix->n_keys; k++) {
        eff_status st = eff_table_col(ix->left, keys[k], &ix->lcol[k], err);
        if (!st)
            st = eff_table_col(ix->right, keys[k], &ix->rcol[k], err);
        if (st)
            return st;
        eff_type lt = eff_table_col_type(ix->left, ix->lcol[k]);
        eff_type rt = eff_table_col_type(ix->right, ix->rcol[k]);
        if (lt != rt)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(ix->right), 0, 0,
                                 "join key \"%s\" is %s on the left but %s on the right",
                                 keys[k], eff_type_name(lt), eff_type_name(rt));
    }
    return EFF_OK;
}

/* Pairs of (left row, right row or -1), in left order. Caller owns both arrays. */
static eff_status match_rows(const join_index *ix, eff_join_kind kind, int64_t **lrows,
                             int64_t **rrows, size_t *n_out, eff_join_stats *stats,
                             eff_error *err)
{
    size_t nl = eff_table_n_rows(ix->left), nr = eff_table_n_rows(ix->right);
    size_t cap = nl > 16 ? nl : 16, n = 0;
    int64_t *lr = eff_mallocarray(cap, sizeof *lr), *rr = eff_mallocarray(cap, sizeof *rr);
    unsigned char *hit = eff_calloc(nr ? nr : 1, 1);
    eff_status st = EFF_OK;
    if (!lr || !rr || !hit)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory joining");
    for (size_t l = 0; st == EFF_OK && l < nl; l++) {
        int64_t r = -1;
        if (!row_has_na(ix->left, ix->lcol, ix->n_keys, l))
            r = ix->slots[find_slot(ix, ix->left, ix->lcol, l)];
        if (r < 0) {
            stats->left_unmatched++;
            if (kind == EFF_JOIN_INNER)
                continue;
        }
        do {
            if (n == cap) {
                int64_t *a = eff_reallocarray(lr, cap * 2, sizeof *lr);
                if (a)
                    lr = a;
                int64_t *b = a ? eff_reallocarray(rr, cap * 2, sizeof *rr) : NULL;
                if (!b) {
                    st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory joining");
                    break;
                }
                rr = b;
                cap *= 2;
            }
            lr[n] = (int64_t)l;
            rr[n++] = r;
            if (r >= 0) {
                hit[r] = 1;
                r = ix->next[r];
            }
        } while (r >= 0);
    }
    for (size_t r = 0; st == EFF_OK && r < nr; r++)
        stats->right_unmatched += !hit[r];
    eff_free(hit);
    if (st) {
        eff_free(lr);
        eff_free(rr);
        return st;
    }
    *lrows = lr;
    *rrows = rr;
    *n_out = n;
    return EFF_OK;
}

static int is_key(const join_index *ix, size_t rcol)
{
    for (size_t k = 0; k < ix->n_keys; k++)
        if (ix->rcol[k] == rcol)
            return 1;
    return 0;
}

/* Moves right's non-key columns of `rpart` into `out`, renaming clashes with ".y". */
static eff_status append_right(const join_index *ix, eff_table *rpart, eff_table *out,
                               eff_error *err)
{
    for (size_t j = 0; j < eff_table_n_cols(rpart); j++) {
        if (is_key(ix, j))
            continue;
        const char *name = eff_table_col_name(rpart, j);
        char renamed[512];
        if (eff_table_find(out, name) >= 0) {
            snprintf(renamed, sizeof renamed, "%s.y", name);
            name = renamed;
        }
        eff_status st = eff_table_move_col(rpart, j, out, name, err);
        if (st)
            return st;
    }
    return EFF_OK;
}

eff_status eff_table_join(const eff_table *left, const eff_table *right, const char *const *keys,
                          size_t n_keys, const eff_join_options *opt, eff_table **out,
                          eff_join_stats *stats, eff_error *err)
{
    eff_join_options o = opt ? *opt : eff_join_options_default();
    eff_join_stats local = {0, 0};
    join_index ix = {left, right, n_keys, NULL, NULL, NULL, NULL, 0};
    int64_t *lrows = NULL, *rrows = NULL;
    size_t n = 0;
    eff_table *lpart = NULL, *rpart = NULL;
    eff_status st = resolve_keys(&ix, keys, err);
    if (!st)
        st = build_index(&ix, o.right_unique, err);
    if (!st)
        st = match_rows(&ix, o.kind, &lrows, &rrows, &n, &local, err);
    if (!st)
        st = eff_table_take(left, lrows, n, &lpart, err);
    if (!st)
        st = eff_table_take(right, rrows, n, &rpart, err);
    if (!st)
        st = append_right(&ix, rpart, lpart, err);
    eff_free(ix.lcol);
    eff_free(ix.rcol);
    eff_free(ix.slots);
    eff_free(ix.next);
    eff_free(lrows);
    eff_free(rrows);
    eff_table_free(rpart);
    if (st) {
        eff_table_free(lpart);
        return st;
    }
    if (stats)
        *stats = local;
    *out = lpart;
    return EFF_OK;
}
