/* date.h - calendar dates as days since 1970-01-01 (proleptic Gregorian), int32.
 * Conversions use Hinnant's days_from_civil / civil_from_days, exact for every int32 day. */
#ifndef EFF_DATE_H
#define EFF_DATE_H

#include <stddef.h>
#include <stdint.h>

#define EFF_DATE_NA INT32_MIN

int32_t eff_date_from_ymd(int year, int month, int day);
void eff_date_to_ymd(int32_t days, int *year, int *month, int *day);
/* Parses exactly "YYYY-MM-DD" (s[0..len)); returns 1 and sets *days on a valid date. */
int eff_date_parse_iso(const char *s, size_t len, int32_t *days);
/* Writes "YYYY-MM-DD" (or "" for NA) into buf (at least 16 bytes). */
void eff_date_format(int32_t days, char *buf, size_t size);

#endif
