/* utf8.c - byte-level UTF-8 checks (Unicode 15, table 3-7 "well-formed byte sequences"). */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

int eff_ascii(const char *s, size_t n)
{
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= (unsigned char)s[i];
    return acc < 0x80;
}

int eff_utf8_valid(const char *str, size_t n, int allow_cut_tail)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0;
            if (c == 0xed)
                hi = 0x9f; /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f;
        } else
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n)
                return allow_cut_tail;
            unsigned b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
                return 0;
        }
        i += need + 1;
    }
    return 1;
}

size_t eff_latin1_to_utf8(const char *s, size_t n, char *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            dst[k++] = (char)c;
        } else {
            dst[k++] = (char)(0xc0 | (c >> 6));
            dst[k++] = (char)(0x80 | (c & 0x3f));
        }
    }
    return k;
}

size_t eff_utf8_to_latin1(const char *s, size_t n, char *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            dst[k++] = (char)c;
        } else if ((c == 0xc2 || c == 0xc3) && i + 1 < n) {
            dst[k++] = (char)(((c & 0x03) << 6) | ((unsigned char)s[++i] & 0x3f));
        } else {
            return (size_t)-1;
        }
    }
    return k;
}
