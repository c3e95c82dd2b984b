/* dict.c - string interning: an arena of NUL-terminated strings, offsets per code, and a
 * linear-probing index (power-of-two capacity, load at most 1/2). Each slot holds the code
 * and the top 32 bits of its string's hash, so a probe that meets another key is rejected
 * without touching the string arrays: with millions of distinct ids (pnr) those extra cache
 * misses were half the reader's time.
 * A register sorted by person id interns its ids in increasing order; while that holds there
 * is no index at all (a new string is one compare with the last, a find a binary search),
 * and the index is built the first time a string comes out of order: millions of ids are
 * then never hashed. */
#include "dict.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct eff_dict {
    atomic_int refs; /* tables on several threads share a dictionary (in-memory registers) */
    uint64_t serial;
    char *arena;
    size_t arena_used, arena_cap;
    size_t *offset;  /* offset[code] into arena */
    uint32_t *len;   /* len[code] */
    uint64_t *hash;  /* hash[code], kept to rehash without rereading strings */
    size_t n, cap;   /* codes used, codes allocated */
    uint64_t *slots; /* index: (hash >> 32) << 32 | (code + 1); 0 when empty */
    size_t n_slots;  /* power of two */
    int ordered;     /* every string so far came in increasing byte order: no index yet */
};

uint64_t eff_hash_bytes(const void *data, size_t len)
{
    /* FNV-1a over 8-byte words then a final mix (splitmix64's finaliser): fast for short keys
     * such as ids, and good enough bits for linear probing. */
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        p += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *p++) * 0x100000001b3ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

eff_dict *eff_dict_new(void)
{
    eff_dict *d = eff_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    static atomic_uint_fast64_t next_serial = 1;
    atomic_init(&d->refs, 1);
    d->serial = atomic_fetch_add(&next_serial, 1);
    d->ordered = 1;
    d->n_slots = 16;
    d->slots = eff_calloc(d->n_slots, sizeof *d->slots);
    if (!d->slots) {
        eff_free(d);
        return NULL;
    }
    return d;
}

eff_dict *eff_dict_retain(eff_dict *d)
{
    atomic_fetch_add(&d->refs, 1);
    return d;
}

void eff_dict_release(eff_dict *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) > 1)
        return;
    eff_free(d->arena);
    eff_free(d->offset);
    eff_free(d->len);
    eff_free(d->hash);
    eff_free(d->slots);
    eff_free(d);
}

uint64_t eff_dict_serial(const eff_dict *d)
{
    return d->serial;
}

size_t eff_dict_size(const eff_dict *d)
{
    return d->n;
}

const char *eff_dict_str(const eff_dict *d, int32_t code)
{
    return d->arena + d->offset[code];
}

size_t eff_dict_len(const eff_dict *d, int32_t code)
{
    return d->len[code];
}

static uint64_t slot_of(uint64_t h, int32_t code)
{
    return (h & 0xffffffff00000000ULL) | (uint64_t)((uint32_t)code + 1);
}

static int32_t lookup(const eff_dict *d, const char *s, size_t len, uint64_t h, size_t *slot)
{
    size_t mask = d->n_slots - 1, i = (size_t)h & mask;
    for (;; i = (i + 1) & mask) {
        uint64_t v = d->slots[i];
        if (v == 0) {
            *slot = i;
            return -1;
        }
        if ((v ^ h) >> 32)
            continue; /* another key: decided without reading the strings */
        int32_t c = (int32_t)(uint32_t)(v - 1);
        if (d->len[c] == len && memcmp(d->arena + d->offset[c], s, len) == 0)
            return c;
    }
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

int32_t eff_dict_find(const eff_dict *d, const char *s, size_t len)
{
    if (d->ordered) { /* codes are in byte order: binary search */
        size_t lo = 0, hi = d->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = bytes_cmp(d->arena + d->offset[mid], d->len[mid], s, len);
            if (c == 0)
                return (int32_t)mid;
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        return -1;
    }
    size_t slot;
    return lookup(d, s, len, eff_hash_bytes(s, len), &slot);
}

/* A new index of n_slots slots (a power of two) holding every code, from the kept hashes.
 * 0 when out of memory (the old index stays). */
static int rehash(eff_dict *d, size_t n_slots)
{
    uint64_t *slots = eff_calloc(n_slots, sizeof *slots);
    if (!slots)
        return 0;
    eff_mem_prefault(slots, n_slots * sizeof *slots);
    for (size_t c = 0; c < d->n; c++) {
        size_t i = (size_t)d->hash[c] & (n_slots - 1);
        while (slots[i])
            i = (i + 1) & (n_slots - 1);
        slots[i] = slot_of(d->hash[c], (int32_t)c);
    }
    eff_free(d->slots);
    d->slots = slots;
    d->n_slots = n_slots;
    return 1;
}

static int grow_index(eff_dict *d)
{
    return rehash(d, d->n_slots * 2);
}

/* The index of every string so far (the dictionary leaves its ordered state), room for the
 * codes allocated. 0 when out of memory. */
static int build_index(eff_dict *d)
{
    size_t n_slots = 16;
    while (n_slots < 2 * (d->cap > d->n ? d->cap : d->n + 1))
        n_slots *= 2;
    for (size_t c = 0; c < d->n; c++) /* ordered strings were never hashed */
        d->hash[c] = eff_hash_bytes(d->arena + d->offset[c], d->len[c]);
    if (!rehash(d, n_slots))
        return 0;
    d->ordered = 0;
    return 1;
}

static int reserve(eff_dict *d, size_t bytes);

eff_status eff_dict_reserve(eff_dict *d, size_t n, size_t bytes, eff_error *err)
{
    while (!d->ordered && d->n_slots < 2 * n) /* ordered: the index comes when needed */
        if (!grow_index(d))
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    if (n > d->cap) {
        size_t *offset = eff_reallocarray(d->offset, n, sizeof *offset);
        if (offset) d->offset = offset;
        uint32_t *len = offset ? eff_reallocarray(d->len, n, sizeof *len) : NULL;
        if (len) d->len = len;
        uint64_t *hash = len ? eff_reallocarray(d->hash, n, sizeof *hash) : NULL;
        if (hash) d->hash = hash, d->cap = n;
        if (!hash)
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    }
    if (!reserve(d, bytes))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    if (!d->ordered)
        eff_mem_prefault(d->slots, d->n_slots * sizeof *d->slots); /* filled at random */
    eff_mem_prefault(d->arena + d->arena_used, d->arena_cap - d->arena_used);
    return EFF_OK;
}

static int reserve(eff_dict *d, size_t bytes)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        size_t *offset = eff_reallocarray(d->offset, cap, sizeof *offset);
        if (!offset)
            return 0;
        d->offset = offset;
        uint32_t *len = eff_reallocarray(d->len, cap, sizeof *len);
        if (!len)
            return 0;
        d->len = len;
        uint64_t *hash = eff_reallocarray(d->hash, cap, sizeof *hash);
        if (!hash)
            return 0;
        d->hash = hash;
        d->cap = cap;
    }
    if (d->arena_used + bytes > d->arena_cap) {
        size_t cap = d->arena_cap ? d->arena_cap : 4096;
        while (cap < d->arena_used + bytes)
            cap *= 2;
        char *arena = eff_reallocarray(d->arena, cap, 1);
        if (!arena)
            return 0;
        d->arena = arena;
        d->arena_cap = cap;
    }
    return 1;
}

/* Appends s as a new code without touching the index (ordered state). */
static eff_status append_ordered(eff_dict *d, const char *s, size_t len, int32_t *code,
                                 eff_error *err)
{
    if (d->n >= INT32_MAX || len > UINT32_MAX)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "too many distinct strings");
    if (!reserve(d, len + 1))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    int32_t c = (int32_t)d->n++;
    d->offset[c] = d->arena_used;
    d->len[c] = (uint32_t)len;
    memcpy(d->arena + d->arena_used, s, len);
    d->arena[d->arena_used + len] = '\0';
    d->arena_used += len + 1;
    *code = c;
    return EFF_OK;
}

eff_status eff_dict_intern(eff_dict *d, const char *s, size_t len, int32_t *code, eff_error *err)
{
    if (d->ordered) {
        int c = d->n ? bytes_cmp(d->arena + d->offset[d->n - 1], d->len[d->n - 1], s, len) : -1;
        if (c < 0)
            return append_ordered(d, s, len, code, err);
        if (c == 0)
            return *code = (int32_t)d->n - 1, EFF_OK;
        if (!build_index(d)) /* out of order: from now on, the hash index */
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    }
    uint64_t h = eff_hash_bytes(s, len);
    size_t slot;
    int32_t c = lookup(d, s, len, h, &slot);
    if (c >= 0) {
        *code = c;
        return EFF_OK;
    }
    if (d->n >= INT32_MAX || len > UINT32_MAX)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "too many distinct strings");
    if ((d->n + 1) * 2 > d->n_slots) {
        if (!grow_index(d))
            return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
        lookup(d, s, len, h, &slot);
    }
    if (!reserve(d, len + 1))
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory in dictionary");
    c = (int32_t)d->n++;
    d->offset[c] = d->arena_used;
    d->len[c] = (uint32_t)len;
    d->hash[c] = h;
    memcpy(d->arena + d->arena_used, s, len);
    d->arena[d->arena_used + len] = '\0';
    d->arena_used += len + 1;
    d->slots[slot] = slot_of(h, c);
    *code = c;
    return EFF_OK;
}

/* qsort has no user pointer in C11; one per thread, as threads rank their own dictionaries */
static _Thread_local const eff_dict *sort_dict;

static int cmp_codes(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return strcmp(eff_dict_str(sort_dict, x), eff_dict_str(sort_dict, y));
}

eff_status eff_dict_ranks(const eff_dict *d, int32_t **ranks, eff_error *err)
{
    int32_t *order = eff_mallocarray(d->n ? d->n : 1, sizeof *order);
    int32_t *rank = eff_mallocarray(d->n ? d->n : 1, sizeof *rank);
    if (!order || !rank) {
        eff_free(order);
        eff_free(rank);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory ranking strings");
    }
    for (size_t i = 0; i < d->n; i++)
        order[i] = (int32_t)i;
    sort_dict = d;
    qsort(order, d->n, sizeof *order, cmp_codes);
    sort_dict = NULL;
    for (size_t i = 0; i < d->n; i++)
        rank[order[i]] = (int32_t)i;
    eff_free(order);
    *ranks = rank;
    return EFF_OK;
}
