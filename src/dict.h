/* dict.h - a string dictionary: interns byte strings to dense int32 codes 0..n-1.
 * The storage behind string columns (dictionary encoding). Owns one arena of string bytes and
 * an open-addressing hash index. Reference counted, because filtered or joined tables share
 * the dictionary of the column they came from. */
#ifndef EFF_DICT_H
#define EFF_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct eff_dict eff_dict;

/* New empty dictionary with one reference. NULL on allocation failure. */
eff_dict *eff_dict_new(void);
/* Adds a reference; returns d. */
eff_dict *eff_dict_retain(eff_dict *d);
/* Drops a reference, freeing at zero. NULL is a no-op. References are counted atomically:
 * tables on several threads may share a dictionary. */
void eff_dict_release(eff_dict *d);
/* A number no other dictionary of the process has had or will have (unlike its address,
 * which a later dictionary may reuse): a key for caches of what was computed from it. */
uint64_t eff_dict_serial(const eff_dict *d);

/* Code of the string s[0..len) (copied), adding it if new. Strings may hold any bytes but NUL.
 * EFF_ENOMEM leaves the dictionary unchanged; EFF_EINVAL past INT32_MAX entries. */
eff_status eff_dict_intern(eff_dict *d, const char *s, size_t len, int32_t *code, eff_error *err);

/* Code of s[0..len) or -1 when absent. */
int32_t eff_dict_find(const eff_dict *d, const char *s, size_t len);

size_t eff_dict_size(const eff_dict *d);
/* Borrowed, NUL-terminated, valid until the dictionary is freed or grows: do not keep it
 * across eff_dict_intern. */
const char *eff_dict_str(const eff_dict *d, int32_t code);
size_t eff_dict_len(const eff_dict *d, int32_t code);

/* FNV-1a-style 64-bit hash of a byte string, the one the dictionary and joins use. */
uint64_t eff_hash_bytes(const void *data, size_t len);

/* Room for n strings of `bytes` bytes in all (NULs included) without growing: for a column
 * of distinct ids, whose growth would rehash millions of them several times. */
eff_status eff_dict_reserve(eff_dict *d, size_t n, size_t bytes, eff_error *err);

/* Rank of each code in byte-wise (strcmp) order: rank[code]. Caller owns *ranks (eff_free). */
eff_status eff_dict_ranks(const eff_dict *d, int32_t **ranks, eff_error *err);

#endif
