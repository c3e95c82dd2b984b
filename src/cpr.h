/* cpr.h - Danish CPR numbers (personal identity numbers): validation, and keyed pseudonyms.
 * A CPR number is DDMMYY-SSSS (the dash optional). The seventh digit and YY give the birth
 * century (the CPR office's table, below); the birth date must be a real calendar date in it.
 * The modulus-11 check is information only: since 1 October 2007 valid numbers are issued that
 * fail it. Pseudonyms are HMAC-SHA-256 (libsodium) of the ten digits under a 32-byte secret
 * key, the first 16 hex digits. Nothing here prints; no message ever holds a CPR number or
 * any part of a key. */
#ifndef EFF_CPR_H
#define EFF_CPR_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "table.h"

/* Why a value is not a valid CPR number. */
typedef enum eff_cpr_reason {
    EFF_CPR_VALID = 0,
    EFF_CPR_MISSING, /* empty cell */
    EFF_CPR_FORMAT,  /* not DDMMYYSSSS or DDMMYY-SSSS (length, a letter, a misplaced dash) */
    EFF_CPR_DATE,    /* DDMMYY is not a calendar date in the century the 7th digit gives */
    EFF_CPR_REASON_COUNT
} eff_cpr_reason;

/* "", "missing", "format", "date": the stable names used in CSV and JSON. */
const char *eff_cpr_reason_name(eff_cpr_reason reason);

/* One value, parsed. */
typedef struct eff_cpr_info {
    eff_cpr_reason reason;
    char digits[11];    /* the ten digits, NUL-terminated, when CPR-shaped (not MISSING or
                           FORMAT); "" otherwise */
    int year;           /* birth year from the century rule when CPR-shaped, else 0 */
    int32_t birth_date; /* days since 1970-01-01 when valid, else EFF_DATE_NA */
    char sex;           /* 'M' (last digit odd) or 'K' (even) when CPR-shaped, else 0 */
    int mod11_ok;       /* 1 when the weighted digit sum is divisible by 11 (CPR-shaped) */
} eff_cpr_info;

/* The full birth year for the 7th digit (0-9) and YY (0-99), by the CPR office's table:
 * 0-3: 1900-1999; 4 and 9: 2000-2036 for YY 00-36, else 1937-1999; 5-8: 2000-2057 for
 * YY 00-57, else 1858-1899. -1 when an argument is out of range. */
int eff_cpr_birth_year(int digit7, int yy);

/* 1 when sum(w_i * d_i) % 11 == 0 with weights 4,3,2,7,6,5,4,3,2,1 over the ten digits. */
int eff_cpr_mod11_ok(const char digits[10]);

/* Parses s[0..len) (s may be NULL for a missing value). Surrounding spaces and tabs are
 * ignored; otherwise exactly 10 digits, or 6 digits, '-' and 4 digits. Fills *out fully and
 * returns out->reason. Never fails otherwise. */
eff_cpr_reason eff_cpr_parse(const char *s, size_t len, eff_cpr_info *out);

/* Overwrites the digits of every CPR-shaped piece of the NUL-terminated text `s` with 'X'
 * (a dash stays): ten digits with no digit on either side, or six digits, a
 * dash and four digits likewise, whose DDMMYY is a real date in the century of the 7th digit
 * (eff_cpr_parse's VALID). Returns how many were masked. Every error message and log line of
 * the library passes through it (status.c), so no message can repeat a CPR number. */
size_t eff_cpr_mask(char *s);

/* Counts over a column. */
typedef struct eff_cpr_summary {
    size_t rows, valid, invalid;
    size_t by_reason[EFF_CPR_REASON_COUNT]; /* by_reason[EFF_CPR_VALID] == valid */
    size_t mod11_failures;                  /* valid numbers that fail the modulus-11 check */
    size_t male, female;                    /* valid numbers by sex */
} eff_cpr_summary;

/* Parses every value of the text column `column` of `t`. Caller owns *rows (eff_free; one
 * entry per row). EFF_EINVAL for an unknown column or one that is not text (a CPR number read
 * as a number has lost its leading zero); EFF_ENOMEM. `summary` may be NULL. */
eff_status eff_cpr_check_column(const eff_table *t, const char *column, eff_cpr_info **rows,
                                eff_cpr_summary *summary, eff_error *err);

/* The per-row report as a table: row (1-based data row), valid (1/0), reason, birth_date
 * (date), sex (M/K), mod11_ok (1/0). birth_date, sex and mod11_ok are missing for invalid
 * rows. The CPR number is not in it. Caller owns *out. */
eff_status eff_cpr_report_table(const eff_cpr_info *rows, size_t n, eff_table **out,
                                eff_error *err);

/* ---- keys and pseudonyms (cpr_key.c) ---- */

#define EFF_CPR_KEY_BYTES 32
/* A key file: the 32 bytes as 64 lower-case hex digits and a newline, mode 0600. */
#define EFF_CPR_KEY_FILE_BYTES 65

typedef struct eff_cpr_key {
    unsigned char bytes[EFF_CPR_KEY_BYTES];
} eff_cpr_key;

/* Writes a new random key (libsodium randombytes_buf) to `path`, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600: an existing file is never overwritten (EFF_EIO
 * "already exists"). On failure no file is left behind. */
eff_status eff_cpr_keygen(const char *path, eff_error *err);

/* Reads a key file. EFF_EINVAL when the file is accessible by group or others
 * (st_mode & 077) or is not a regular file; EFF_EPARSE when it is not 64 hex digits and a
 * newline; EFF_EIO when it cannot be read. Messages name the file, never its content.
 * Wipe *key with eff_cpr_key_wipe when done. */
eff_status eff_cpr_key_read(const char *path, eff_cpr_key *key, eff_error *err);
void eff_cpr_key_wipe(eff_cpr_key *key);

/* The pseudonym of ten CPR digits: the first 8 bytes of HMAC-SHA-256(key, digits) as a
 * big-endian integer (printed as 16 hex digits, "%016" PRIx64). */
uint64_t eff_cpr_pseudonym(const eff_cpr_key *key, const char digits[10]);

/* Collision check: rows k and l collide when ids[k] == ids[l] but cprs[k] != cprs[l]
 * (ten digits each; "" entries are passed over). EFF_EINVAL naming the two data rows
 * (1-based) and `path`, never the values. Cost O(n log n); allocates n indices. */
eff_status eff_cpr_check_collisions(const uint64_t *ids, const char (*cprs)[11], size_t n,
                                    const char *path, eff_error *err);

typedef struct eff_cpr_pseudo_options {
    int allow_invalid; /* 0: a value that is not a valid CPR number is an error (EFF_EINVAL,
                          path, line = data row + 1, column). 1: CPR-shaped values with an
                          impossible date are pseudonymised all the same, values that are not
                          CPR-shaped become missing (never copied through) */
} eff_cpr_pseudo_options;

typedef struct eff_cpr_pseudo_stats {
    size_t rows, pseudonymised, missing, invalid_dates, dropped; /* dropped: not CPR-shaped */
} eff_cpr_pseudo_stats;

/* A copy of `t` (columns in order, with their metadata) whose text column `column` is
 * replaced by the pseudonyms of its values; missing values stay missing. Collisions are
 * EFF_EINVAL (eff_cpr_check_collisions). Caller owns *out; `stats` may be NULL. */
eff_status eff_cpr_pseudonymise(const eff_table *t, const char *column, const eff_cpr_key *key,
                                const eff_cpr_pseudo_options *opt, eff_table **out,
                                eff_cpr_pseudo_stats *stats, eff_error *err);

#endif
