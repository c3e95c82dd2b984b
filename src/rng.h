/* rng.h - random streams for simulation: Philox4x32-10 (Salmon, Moraes, Dror and Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC'11), a counter-based generator, offered as
 * a GSL generator type so that GSL's distributions (gsl_ran_gaussian, gsl_ran_binomial, ...)
 * draw from it.
 *
 * Why counter-based: a simulated person's draws must not depend on which thread makes them or
 * in what order persons are visited. Philox maps (counter, key) to random words with no state
 * besides the counter, so every (seed, stream) pair - the stream being, say, a person's index -
 * is its own sequence, reached in constant time. The seed is the 64-bit key; the stream id is
 * the high half of the 128-bit counter and the draw number its low half.
 *
 * Ownership: eff_rng_new returns a generator the caller frees with eff_rng_free (not
 * gsl_rng_free: the memory comes from eff_malloc). One generator
 * is not shared between threads; each thread holds one and moves it between streams with
 * eff_rng_stream, which costs nothing. */
#ifndef EFF_RNG_H
#define EFF_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The Philox4x32-10 bijection: out = philox(ctr, key). */
void eff_rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* GSL's view of the generator: 32-bit words; gsl_rng_set(r, s) selects (seed s, stream 0). */
const gsl_rng_type *eff_rng_type(void);

/* A generator at the start of stream `stream` of `seed`; NULL when out of memory. */
gsl_rng *eff_rng_new(uint64_t seed, uint64_t stream);
void eff_rng_free(gsl_rng *r);

/* Moves r (made by eff_rng_new) to the start of stream `stream` of `seed`. */
void eff_rng_stream(gsl_rng *r, uint64_t seed, uint64_t stream);

/* Moves r to block `block` (four 32-bit words each) of its current stream, so that a part of a
 * person's sequence (say, one simulated year) starts at a fixed place whatever the earlier
 * parts drew. */
void eff_rng_seek(gsl_rng *r, uint64_t block);

#endif
