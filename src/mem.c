/* mem.c - malloc wrappers with overflow checks and a test hook that fails the n-th call. */
#include "mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Atomic: the indicator engine's years, among others, allocate on several threads at once, and
 * a plain countdown raced there (two threads could both take the last allowed allocation). */
static _Atomic long fail_countdown = -1; /* -1: never fail */
static _Atomic long alloc_count;

/* 1: the n-th allocation fails and the later ones succeed again (SQLite's "benign" or
 * transient failure), which catches a caller that swallows a failure and carries on with a
 * wrong result; 0: the n-th and every later one fail. Set by EFF_TEST_FAIL_ONCE in the
 * environment, read at each eff_mem_fail_after. */
static _Atomic int fail_once;

static int should_fail(void)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    long left = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (left > 0 && !atomic_compare_exchange_weak_explicit(&fail_countdown, &left, left - 1,
                                                              memory_order_relaxed,
                                                              memory_order_relaxed))
        ; /* another thread took one: try again with what is left */
    if (left != 0)
        return 0;
    if (!atomic_load_explicit(&fail_once, memory_order_relaxed))
        return 1;
    long zero = 0; /* only the thread that takes the one failure fails */
    return atomic_compare_exchange_strong_explicit(&fail_countdown, &zero, -1,
                                                   memory_order_relaxed, memory_order_relaxed);
}

long eff_mem_fail_after(long n)
{
    const char *once = getenv("EFF_TEST_FAIL_ONCE");
    atomic_store_explicit(&fail_once, once && *once && *once != '0', memory_order_relaxed);
    long made = atomic_exchange_explicit(&alloc_count, 0, memory_order_relaxed);
    atomic_store_explicit(&fail_countdown, n, memory_order_relaxed);
    return made;
}

void *eff_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *eff_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    if (!count || !size)
        return calloc(1, 1);
    return calloc(count, size);
}

void *eff_mallocarray(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return eff_malloc(count * size);
}

void *eff_reallocarray(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    size_t bytes = count * size;
    return realloc(ptr, bytes ? bytes : 1);
}

char *eff_strndup(const char *s, size_t n)
{
    char *copy = eff_malloc(n + 1);
    if (copy) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

char *eff_strdup(const char *s)
{
    return eff_strndup(s, strlen(s));
}

void eff_free(void *ptr)
{
    free(ptr);
}


enum { LARGE_BYTES = 64 << 20 };

void *eff_malloc_large(size_t bytes)
{
    if (bytes < LARGE_BYTES)
        return eff_malloc(bytes);
    if (should_fail())
        return NULL;
#ifdef MAP_POPULATE
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
#else
    return malloc(bytes);
#endif
}

void eff_free_large(void *block, size_t bytes)
{
    if (!block)
        return;
    if (bytes < LARGE_BYTES) {
        eff_free(block);
        return;
    }
#ifdef MAP_POPULATE
    munmap(block, bytes);
#else
    free(block);
#endif
}

void eff_mem_prefault(void *block, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096, huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)block + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)block + bytes) & ~(page - 1);
#ifdef MADV_HUGEPAGE
    /* 2 MB pages where the kernel gives them on request (transparent huge pages in madvise
     * mode): a column of millions of values then takes a few hundred faults, not 10^5 */
    uintptr_t hlo = ((uintptr_t)block + huge - 1) & ~(huge - 1);
    uintptr_t hhi = ((uintptr_t)block + bytes) & ~(huge - 1);
    if (hhi > hlo)
        madvise((void *)hlo, hhi - hlo, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
    if (bytes >= (1u << 20) && hi > lo)
        madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE); /* a hint: failure is harmless */
#else
    (void)block;
    (void)bytes;
#endif
}
