/* parallel.h - the one way effekt runs work on several cores: a range of indices split into
 * contiguous parts, one POSIX thread per part (the calling thread runs the first). Parts are
 * numbered so each can own its own accumulator. */
#ifndef EFF_PARALLEL_H
#define EFF_PARALLEL_H

#include <stddef.h>

enum { EFF_MAX_PARTS = 16 };

typedef void (*eff_range_fn)(void *arg, size_t lo, size_t hi, int part);

/* Runs fn(arg, lo, hi, part) over `parts` contiguous ranges of [0, n) (parts is clamped to
 * 1..EFF_MAX_PARTS). A part whose thread cannot be started runs on the calling thread. */
void eff_parallel_for(int parts, size_t n, eff_range_fn fn, void *arg);

/* Parts worth using for n units of work of about `grain` each: at most the cores online,
 * at least 1. */
int eff_parallel_parts(size_t n, size_t grain);

#endif
