/* xorshift.h - the benchmark generators' random numbers: xorshift64* (Vigna 2016), fast and
 * deterministic, so every run of a benchmark reads the same bytes. Each generator sets
 * xs_state to its own seed before drawing. Header-only: the generators are single files. */
#ifndef EFFEKT_BENCH_XORSHIFT_H
#define EFFEKT_BENCH_XORSHIFT_H
#include <math.h>
#include <stdint.h>

static uint64_t xs_state;
static inline uint64_t next(void)
{
    xs_state ^= xs_state >> 12;
    xs_state ^= xs_state << 25;
    xs_state ^= xs_state >> 27;
    return xs_state * 0x2545F4914F6CDD1DULL;
}
static inline double unif(void) { return (double)(next() >> 11) / 9007199254740992.0; }
/* Box-Muller, one draw of the pair; the 1e-300 keeps log() away from zero. */
static inline double normal(void) { return sqrt(-2 * log(unif() + 1e-300)) * cos(6.283185307179586 * unif()); }
#endif
