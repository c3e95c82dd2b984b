/* utf8.h - UTF-8 validation and Latin-1 <-> UTF-8 conversion for text readers and writers. */
#ifndef EFF_UTF8_H
#define EFF_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). With `allow_cut_tail`, an incomplete sequence at the very end is accepted (a
 * buffer boundary may split a character). */
int eff_utf8_valid(const char *s, size_t n, int allow_cut_tail);

/* 1 when every byte is below 0x80. */
int eff_ascii(const char *s, size_t n);

/* Converts Latin-1 s[0..n) to UTF-8 in dst (room for 2n bytes); returns the length. */
size_t eff_latin1_to_utf8(const char *s, size_t n, char *dst);

/* Converts UTF-8 s[0..n) to Latin-1 in dst (room for n bytes). Returns the length, or
 * (size_t)-1 when a character has no Latin-1 form. */
size_t eff_utf8_to_latin1(const char *s, size_t n, char *dst);

#endif
