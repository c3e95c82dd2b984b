/* rng.c - Philox4x32-10 as a GSL generator type (see rng.h). The constants and the round
 * function are those of the paper and of Random123's philox.h; the tests check the known-answer
 * vectors of Random123's tests/kat_vectors. */
#include "rng.h"

#include <string.h>

#include "mem.h"

enum { PHILOX_ROUNDS = 10 };

#define PHILOX_M0 0xD2511F53u /* multipliers */
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* Weyl key increments: golden ratio and sqrt(3) - 1 */
#define PHILOX_W1 0xBB67AE85u

void eff_rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < PHILOX_ROUNDS; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1, n3 = (uint32_t)p0;
        c0 = n0, c1 = n1, c2 = n2, c3 = n3;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

typedef struct philox_state {
    uint32_t key[2];
    uint32_t ctr[4];   /* ctr[0..1]: next block of the stream; ctr[2..3]: the stream id */
    uint32_t block[4]; /* the current block's words */
    int next;          /* next unused word of block; 4 when used up */
} philox_state;

static void position(philox_state *s, uint64_t seed, uint64_t stream)
{
    memset(s, 0, sizeof *s);
    s->key[0] = (uint32_t)seed, s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[2] = (uint32_t)stream, s->ctr[3] = (uint32_t)(stream >> 32);
    s->next = 4;
}

static void philox_set(void *state, unsigned long seed)
{
    position(state, (uint64_t)seed, 0);
}

static unsigned long philox_get(void *state)
{
    philox_state *s = state;
    if (s->next == 4) {
        eff_rng_philox4x32_10(s->ctr, s->key, s->block);
        if (++s->ctr[0] == 0) /* a 64-bit block counter in two words */
            s->ctr[1]++;
        s->next = 0;
    }
    return s->block[s->next++];
}

/* 53 random bits, so that every double of the form k/2^53 in [0, 1) can come out. */
static double philox_get_double(void *state)
{
    uint64_t hi = philox_get(state) >> 5, lo = philox_get(state) >> 6;
    return (double)(hi * 67108864u + lo) / 9007199254740992.0;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL, 0, sizeof(philox_state), philox_set, philox_get,
    philox_get_double};

const gsl_rng_type *eff_rng_type(void)
{
    return &philox_type;
}

/* Not gsl_rng_alloc: on failure it calls GSL's error handler, which by default aborts. */
gsl_rng *eff_rng_new(uint64_t seed, uint64_t stream)
{
    gsl_rng *r = eff_malloc(sizeof *r);
    philox_state *s = eff_malloc(sizeof *s);
    if (!r || !s) {
        eff_free(r);
        eff_free(s);
        return NULL;
    }
    r->type = &philox_type;
    r->state = s;
    eff_rng_stream(r, seed, stream);
    return r;
}

void eff_rng_free(gsl_rng *r)
{
    if (r) {
        eff_free(r->state);
        eff_free(r);
    }
}

void eff_rng_stream(gsl_rng *r, uint64_t seed, uint64_t stream)
{
    position(r->state, seed, stream);
}

void eff_rng_seek(gsl_rng *r, uint64_t block)
{
    philox_state *s = r->state;
    s->ctr[0] = (uint32_t)block, s->ctr[1] = (uint32_t)(block >> 32);
    s->next = 4;
}
