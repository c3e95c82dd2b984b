/* numparse.h - exact decimal number parsing without strtod on the common path.
 * A number is [+-]digits[.digits][(e|E)[+-]digits] with at least one digit and `dec` as the
 * decimal mark. Up to 19 significant digits are gathered into a uint64; when that mantissa is
 * at most 2^53 and the power of ten at most 22 in magnitude, m * 10^e (or m / 10^-e) is one
 * correctly rounded IEEE operation on exact operands (Clinger 1990, "How to read floating point
 * numbers accurately", the fast path). Everything else goes to strtod, which rounds correctly.
 * Header-only (static inline) because the CSV reader's inner loop calls it per field. */
#ifndef EFF_NUMPARSE_H
#define EFF_NUMPARSE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct eff_number {
    double value;
    int64_t ival;    /* valid when is_int */
    int is_int;      /* integer syntax (no mark, no exponent) that fits int64 and is not INT64_MIN */
    int used_comma;  /* the decimal mark was ',' */
} eff_number;

enum { EFF_NUM_MAX_SLOW = 400 }; /* longest number text handed to strtod; longer is not a number */

static inline int eff_num_digit(char c) { return (unsigned)(c - '0') < 10; }

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EFF_NUM_SWAR 1
/* Up to 8 digits at a time (SWAR), after simdjson/fast_float's parse_eight_digits_unrolled:
 * load 8 bytes, find the leading run of ASCII digits, and combine them with three multiplies.
 * Reads 8 bytes at p, so the caller guarantees 7 readable bytes past the number's end. */
static inline const char *eff_gather_digits_swar(const char *p, uint64_t *m)
{
    static const uint64_t pow10_int[9] = {1,      10,      100,      1000,     10000,
                                          100000, 1000000, 10000000, 100000000};
    for (;;) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t x = v ^ UINT64_C(0x3030303030303030); /* digit bytes become 0..9 */
        /* high bit set in each byte that is not 0..9; masking bit 7 first stops carries */
        uint64_t bad = (((x & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7676767676767676)) | x) &
                       UINT64_C(0x8080808080808080);
        unsigned k = bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
        if (k == 0)
            return p;
        x <<= 8 * (8 - k); /* the k digits to the top, zeros (leading zeros) below */
        x = x * 10 + (x >> 8);
        x = (((x & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064)) +
             (((x >> 16) & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x0000271000000001))) >> 32;
        *m = *m * pow10_int[k] + (uint32_t)x;
        p += k;
        if (k < 8)
            return p;
    }
}
#endif

/* Correctly rounded fallback for numbers with more than 19 digits or a large exponent:
 * strtod on a copy (with '.' as the mark). Returns p_end, or NULL when the text is too long. */
static inline const char *eff_parse_number_slow(const char *start, const char *p_end, char dec,
                                                eff_number *out)
{
    size_t len = (size_t)(p_end - start);
    if (len > EFF_NUM_MAX_SLOW)
        return NULL;
    char text[EFF_NUM_MAX_SLOW + 1];
    memcpy(text, start, len);
    text[len] = '\0';
    if (dec != '.') {
        char *mark = memchr(text, dec, len);
        if (mark)
            *mark = '.';
    }
    out->value = strtod(text, NULL);
    return p_end;
}

static inline const char *eff_gather_digits(const char *p, uint64_t *m, int padded)
{
#ifdef EFF_NUM_SWAR
    if (padded)
        return eff_gather_digits_swar(p, m);
#endif
    (void)padded;
    for (; eff_num_digit(*p); p++)
        *m = *m * 10 + (uint64_t)(*p - '0');
    return p;
}

static inline const char *eff_parse_number_impl(const char *p, char dec, eff_number *out,
                                                int padded);

/* Parses the number starting at p. The text must be followed by a byte that cannot continue a
 * number (any delimiter, newline or NUL). Returns the end of the number, or NULL when p does
 * not start one. `dec` is '.' or ','. */
static inline const char *eff_parse_number(const char *p, char dec, eff_number *out)
{
    return eff_parse_number_impl(p, dec, out, 0);
}

/* As eff_parse_number, for buffers with at least 8 readable bytes past the number's end: reads
 * 8 digits at a time. */
static inline const char *eff_parse_number_padded(const char *p, char dec, eff_number *out)
{
    return eff_parse_number_impl(p, dec, out, 1);
}

static inline const char *eff_parse_number_impl(const char *p, char dec, eff_number *out,
                                                int padded)
{
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *start = p;
    int neg = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    /* Gather every digit unchecked: 19 decimal digits always fit in a uint64, and more than
     * 19 (rare) is detected from the count and handed to strtod. */
    uint64_t m = 0;
    const char *int_start = p;
    p = eff_gather_digits(p, &m, padded);
    size_t n_digits = (size_t)(p - int_start);
    long exp10 = 0;
    out->used_comma = 0;
    out->ival = 0;
    out->is_int = 0;
    int is_int = 1;
    if (*p == dec) {
        const char *frac = ++p;
        p = eff_gather_digits(p, &m, padded);
        exp10 = -(long)(p - frac);
        n_digits += (size_t)(p - frac);
        is_int = 0;
        out->used_comma = dec == ',';
    }
    if (n_digits == 0)
        return NULL;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int eneg = 0;
        long e = 0;
        if (*q == '-' || *q == '+')
            eneg = *q++ == '-';
        if (eff_num_digit(*q)) {
            for (; eff_num_digit(*q); q++)
                if (e < 100000)
                    e = e * 10 + (*q - '0');
            exp10 += eneg ? -e : e;
            p = q;
            is_int = 0;
        }
    }
    if (n_digits > 19)
        return eff_parse_number_slow(start, p, dec, out);
    if (is_int) {
        if (m > (uint64_t)INT64_MAX) /* and so never INT64_MIN, the missing integer */
            return eff_parse_number_slow(start, p, dec, out);
        out->is_int = 1;
        out->ival = neg ? -(int64_t)m : (int64_t)m;
        out->value = (double)out->ival;
        if (m <= (UINT64_C(1) << 53))
            return p;
        return eff_parse_number_slow(start, p, dec, out); /* the double needs rounding */
    }
    if (m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
        out->value = neg ? -v : v;
        return p;
    }
    return eff_parse_number_slow(start, p, dec, out);
}

#endif
