/* regfile_formats.c - what a SAS, Stata or SPSS display format says about a numeric column:
 * a date, a datetime, or a plain number; and the conversion of such values to days since
 * 1970. Format names come from ReadStat with their width appended ("DATE9", "MMDDYY10",
 * "%tdCCYY-NN-DD", "ADATE10"). */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "regfile_internal.h"

/* SAS formats that display a date value (days since 1960-01-01). The SAS 9.4 Formats
 * reference, "Formats by Category: Date and Time". */
static const char *const sas_date[] = {
    "DATE", "DAY", "DDMMYY", "DOWNAME", "E8601DA", "B8601DA", "JULDAY", "JULIAN", "MMDDYY",
    "MMYY", "MONNAME", "MONTH", "MONYY", "NLDATE", "QTR", "WEEKDATE", "WEEKDATX", "WEEKDAY",
    "WORDDATE", "WORDDATX", "YEAR", "YYMM", "YYMMDD", "YYMON", "YYQ", "YYQR", NULL};
/* SAS formats that display a datetime value (seconds since 1960-01-01 00:00). */
static const char *const sas_datetime[] = {
    "DATETIME", "DATEAMPM", "DTDATE", "DTMONYY", "DTWKDATX", "DTYEAR", "DTYYQC", "E8601DT",
    "B8601DT", "E8601DN", "B8601DN", "MDYAMPM", "NLDATM", NULL};
/* SPSS date formats (seconds since 1582-10-14): the SPSS Command Syntax Reference,
 * "Date and time formats". */
static const char *const spss_date[] = {"ADATE", "DATE", "EDATE", "JDATE", "MOYR", "QYR",
                                        "SDATE", "WKYR", NULL};
static const char *const spss_datetime[] = {"DATETIME", "YMDHMS", NULL};

/* 1 when `format` is `prefix` followed only by an optional separator letter and digits or
 * dots (the width): DATE9, DDMMYYB10, E8601DA10., MMDDYYS10. */
static int is_format(const char *format, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(format, prefix, n) != 0)
        return 0;
    const char *rest = format + n;
    if (*rest && strchr("BCDNPSXbcdnpsx", *rest) && !isdigit((unsigned char)*rest))
        rest++;
    for (; *rest; rest++)
        if (!isdigit((unsigned char)*rest) && *rest != '.')
            return 0;
    return 1;
}

static int in_list(const char *format, const char *const *list)
{
    for (; *list; list++)
        if (is_format(format, *list))
            return 1;
    return 0;
}

rf_kind rf_kind_of_format(eff_format file_format, const char *format)
{
    if (!format || !*format)
        return RF_NUMBER;
    switch (file_format) {
    case EFF_FORMAT_SAS7BDAT:
    case EFF_FORMAT_XPT:
        if (in_list(format, sas_datetime)) /* before dates: DATETIME starts with DATE */
            return RF_SAS_DATETIME;
        return in_list(format, sas_date) ? RF_SAS_DATE : RF_NUMBER;
    case EFF_FORMAT_DTA: {
        const char *f = format;
        if (*f == '%')
            f++;
        if (*f == '-')
            f++;
        if (strncmp(f, "td", 2) == 0 || (f[0] == 'd' && !isalpha((unsigned char)f[1])))
            return RF_STATA_DATE;
        if (strncmp(f, "tc", 2) == 0 || strncmp(f, "tC", 2) == 0)
            return RF_STATA_DATETIME;
        return RF_NUMBER;
    }
    case EFF_FORMAT_SAV:
        if (in_list(format, spss_datetime))
            return RF_SPSS_DATETIME;
        return in_list(format, spss_date) ? RF_SPSS_DATE : RF_NUMBER;
    default:
        return RF_NUMBER;
    }
}

/* Days from 1960-01-01 (SAS's and Stata's epoch) and 1582-10-14 (SPSS's) to 1970-01-01. */
enum { DAYS_1960_TO_1970 = 3653, DAYS_1582_TO_1970 = 141428 };

int32_t rf_to_days(rf_kind kind, double v)
{
    double days;
    switch (kind) {
    case RF_SAS_DATE:
    case RF_STATA_DATE: days = floor(v) - DAYS_1960_TO_1970; break;
    case RF_SAS_DATETIME: days = floor(v / 86400.0) - DAYS_1960_TO_1970; break;
    case RF_STATA_DATETIME: days = floor(v / 86400000.0) - DAYS_1960_TO_1970; break;
    case RF_SPSS_DATE:
    case RF_SPSS_DATETIME: days = floor(v / 86400.0) - DAYS_1582_TO_1970; break;
    default: return EFF_DATE_NA;
    }
    if (!(days > INT32_MIN && days <= INT32_MAX)) /* NaN or out of range */
        return EFF_DATE_NA;
    return (int32_t)days;
}

double rf_from_days(eff_format file_format, int32_t days)
{
    switch (file_format) {
    case EFF_FORMAT_SAV: return ((double)days + DAYS_1582_TO_1970) * 86400.0;
    default: return (double)days + DAYS_1960_TO_1970;
    }
}
