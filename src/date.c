/* date.c - civil date arithmetic (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
#include "date.h"

#include <stdio.h>

int32_t eff_date_from_ymd(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void eff_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    long z = (long)days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int days_in_month(int year, int month)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : dim[month - 1];
}

static int digits(const char *s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9)
            return 0;
        v = v * 10 + (int)d;
    }
    *value = v;
    return 1;
}

int eff_date_parse_iso(const char *s, size_t len, int32_t *days)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return 0;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    *days = eff_date_from_ymd(y, m, d);
    return 1;
}

void eff_date_format(int32_t days, char *buf, size_t size)
{
    if (days == EFF_DATE_NA) {
        if (size)
            buf[0] = '\0';
        return;
    }
    int y, m, d;
    eff_date_to_ymd(days, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}
