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

/* Parses the number starting at p. The text must be followed by a byte that cannot continue a
 * number (any delimiter, newline or NUL). Returns the end of the number, or NULL when p does
 * not start one. `dec` is '.' or ','. */
static inline const char *eff_parse_number(const char *p, char dec, eff_number *out)
{
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *start = p;
    int neg = 0, nd = 0, any = 0, truncated = 0, is_int = 1;
    long exp10 = 0;
    uint64_t m = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    for (; eff_num_digit(*p); p++) {
        any = 1;
        if (nd < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            nd += m != 0;
        } else {
            exp10++;
            truncated = 1;
        }
    }
    out->used_comma = 0;
    out->ival = 0;
    if (*p == dec) {
        const char *frac = ++p;
        for (; eff_num_digit(*p); p++) {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                nd += m != 0;
                exp10--;
            } else {
                truncated = 1;
            }
        }
        any |= p > frac;
        is_int = 0;
        out->used_comma = dec == ',';
    }
    if (!any)
        return NULL;
    if ((*p == 'e' || *p == 'E')) {
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
    if (is_int && !truncated && (nd < 19 || m <= (uint64_t)INT64_MAX)) {
        out->is_int = 1;
        out->ival = neg ? -(int64_t)m : (int64_t)m;
        out->value = (double)out->ival;
        if (m <= (UINT64_C(1) << 53))
            return p;
        /* beyond 2^53 the double needs correct rounding: fall through to strtod */
    } else {
        out->is_int = 0;
        if (!truncated && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = (double)m;
            v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
            out->value = neg ? -v : v;
            return p;
        }
    }
    size_t len = (size_t)(p - start);
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
    return p;
}

#endif
