/* test_rng.c - Philox4x32-10 against Random123's known answers, streams that do not depend on
 * the order they are visited in, and GSL's distributions drawing from it. */
#include <gsl/gsl_randist.h>

#include "eff_test.h"

/* Random123 (github.com/DEShawResearch/random123), tests/kat_vectors, the three
 * "philox4x32 10" lines: counter (4 words), key (2 words), expected output (4 words). */
static const uint32_t kat[3][10] = {
    {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
     0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
    {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
     0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
    {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
     0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
};

static void known_answers(void **state)
{
    (void)state;
    for (int v = 0; v < 3; v++) {
        uint32_t out[4];
        eff_rng_philox4x32_10(kat[v], kat[v] + 4, out);
        for (int w = 0; w < 4; w++)
            assert_int_equal(out[w], kat[v][6 + w]);
    }
}

/* The generator's words are the blocks philox(ctr = (block, stream), key = seed), in order. */
static void stream_is_the_counter_sequence(void **state)
{
    (void)state;
    uint64_t seed = 0x299f31d0a4093822ULL, stream = 0x0370734413198a2eULL;
    gsl_rng *r = eff_rng_new(seed, stream);
    assert_non_null(r);
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    for (uint32_t block = 0; block < 3; block++) {
        uint32_t ctr[4] = {block, 0, (uint32_t)stream, (uint32_t)(stream >> 32)}, out[4];
        eff_rng_philox4x32_10(ctr, key, out);
        for (int w = 0; w < 4; w++)
            assert_int_equal(gsl_rng_get(r), out[w]);
    }
    assert_int_equal(gsl_rng_min(r), 0);
    assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
    eff_rng_free(r);
}

/* A uniform is the first word's top 27 bits over the second word's top 26: pins the word
 * order and the 53 bits, which the moment checks below cannot tell from 32. */
static void uniform_is_53_bits_of_two_words(void **state)
{
    (void)state;
    gsl_rng *r = eff_rng_new(5, 9);
    assert_non_null(r);
    uint32_t ctr[4] = {0, 0, 9, 0}, key[2] = {5, 0}, out[4];
    eff_rng_philox4x32_10(ctr, key, out);
    double want0 = ((double)(out[0] >> 5) * 67108864.0 + (double)(out[1] >> 6)) / 9007199254740992.0;
    double want1 = ((double)(out[2] >> 5) * 67108864.0 + (double)(out[3] >> 6)) / 9007199254740992.0;
    assert_true(gsl_rng_uniform(r) == want0);
    assert_true(gsl_rng_uniform(r) == want1);
    eff_rng_free(r);
}

/* The block counter is 64 bits over two words: past block 2^32 - 1 comes 2^32, carried into
 * the second word, not block 0 again. */
static void block_counter_carries(void **state)
{
    (void)state;
    gsl_rng *r = eff_rng_new(77, 3);
    assert_non_null(r);
    eff_rng_seek(r, 0xffffffffULL);
    uint32_t key[2] = {77, 0};
    uint32_t blocks[2][4] = {{0xffffffffu, 0, 3, 0}, {0, 1, 3, 0}};
    for (int b = 0; b < 2; b++) {
        uint32_t out[4];
        eff_rng_philox4x32_10(blocks[b], key, out);
        for (int w = 0; w < 4; w++)
            assert_int_equal(gsl_rng_get(r), out[w]);
    }
    eff_rng_free(r);
}

/* Persons visited forwards, backwards or twice get the same draws: what makes a simulation
 * byte-identical whatever the number of threads. */
static void streams_do_not_depend_on_visiting_order(void **state)
{
    (void)state;
    enum { PERSONS = 500, DRAWS = 7 };
    static double forward[PERSONS][DRAWS];
    gsl_rng *r = eff_rng_new(0, 0);
    assert_non_null(r);
    for (int p = 0; p < PERSONS; p++) {
        eff_rng_stream(r, 2011, (uint64_t)p);
        for (int d = 0; d < DRAWS; d++)
            forward[p][d] = d % 2 ? gsl_ran_gaussian(r, 1.0) : gsl_rng_uniform(r);
    }
    for (int p = PERSONS - 1; p >= 0; p--) {
        eff_rng_stream(r, 2011, (uint64_t)p);
        for (int d = 0; d < DRAWS; d++) {
            double x = d % 2 ? gsl_ran_gaussian(r, 1.0) : gsl_rng_uniform(r);
            assert_true(x == forward[p][d]);
        }
    }
    /* another seed, or a neighbouring stream, is another sequence */
    eff_rng_stream(r, 2012, 0);
    assert_false(gsl_rng_uniform(r) == forward[0][0]);
    assert_false(forward[1][0] == forward[0][0]);
    eff_rng_free(r);
}

/* Moments of a million draws, to within 5 standard errors: a broken round function or bit mix
 * fails these. */
static void draws_have_the_right_moments(void **state)
{
    (void)state;
    enum { N = 1000000 };
    gsl_rng *r = eff_rng_new(42, 7);
    assert_non_null(r);
    double sum = 0, sum2 = 0, lag = 0, prev = 0, gsum = 0, gsum2 = 0;
    long bins[16] = {0}, binomial = 0;
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0 && u < 1);
        sum += u, sum2 += u * u, lag += (u - 0.5) * (prev - 0.5), prev = u;
        bins[(int)(u * 16)]++;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    eff_assert_close(mean, 0.5, 0, 5 * sqrt(1.0 / 12 / N));
    eff_assert_close(var, 1.0 / 12, 0, 5 * sqrt(1.0 / 180 / N)); /* Var((U - 1/2)^2) = 1/180 */
    eff_assert_close(lag / N, 0, 0, 5 * (1.0 / 12) / sqrt(N));
    double chi2 = 0;
    for (int b = 0; b < 16; b++)
        chi2 += (bins[b] - N / 16.0) * (bins[b] - N / 16.0) / (N / 16.0);
    assert_true(chi2 < 37.7); /* chi-square(15) upper 0.001 point */
    for (int i = 0; i < N; i++) {
        double z = gsl_ran_gaussian(r, 1.0);
        gsum += z, gsum2 += z * z;
        binomial += gsl_ran_bernoulli(r, 0.16);
    }
    eff_assert_close(gsum / N, 0, 0, 5 / sqrt(N));
    eff_assert_close(gsum2 / N, 1, 0, 5 * sqrt(2.0 / N));
    eff_assert_close((double)binomial / N, 0.16, 0, 5 * sqrt(0.16 * 0.84 / N));
    eff_rng_free(r);
}

static void allocation_failure_is_null(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        eff_mem_fail_after(k);
        gsl_rng *r = eff_rng_new(1, 1);
        eff_mem_fail_after(-1);
        assert_null(r);
    }
    eff_rng_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answers),
        cmocka_unit_test(stream_is_the_counter_sequence),
        cmocka_unit_test(uniform_is_53_bits_of_two_words),
        cmocka_unit_test(block_counter_carries),
        cmocka_unit_test(streams_do_not_depend_on_visiting_order),
        cmocka_unit_test(draws_have_the_right_moments),
        cmocka_unit_test(allocation_failure_is_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
