/* cpr.c - parsing and validating CPR numbers, and the per-row report (cpr.h).
 * Rules from the CPR office (CPR-kontoret, "Personnummeret i CPR"): the century table of the
 * 7th digit and the modulus-11 weights; the check has been optional since 1 October 2007.
 * Keys and pseudonyms are in cpr_key.c. */
#include "cpr.h"
#include "cpr_internal.h"

#include <string.h>

#include "date.h"
#include "mem.h"

static const char *const reason_name[EFF_CPR_REASON_COUNT] = {
    [EFF_CPR_VALID] = "", [EFF_CPR_MISSING] = "missing", [EFF_CPR_FORMAT] = "format",
    [EFF_CPR_DATE] = "date"};

const char *eff_cpr_reason_name(eff_cpr_reason reason)
{
    return (unsigned)reason < EFF_CPR_REASON_COUNT ? reason_name[reason] : "unknown";
}

int eff_cpr_birth_year(int digit7, int yy)
{
    if (digit7 < 0 || digit7 > 9 || yy < 0 || yy > 99)
        return -1;
    if (digit7 <= 3)
        return 1900 + yy;
    if (digit7 == 4 || digit7 == 9)
        return yy <= 36 ? 2000 + yy : 1900 + yy;
    return yy <= 57 ? 2000 + yy : 1800 + yy; /* 5-8 */
}

int eff_cpr_mod11_ok(const char digits[10])
{
    static const int weight[10] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    int sum = 0;
    for (int k = 0; k < 10; k++)
        sum += weight[k] * (digits[k] - '0');
    return sum % 11 == 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Copies the ten digits of s[0..len) into out (NUL-terminated); 0 when not CPR-shaped. */
static int shape(const char *s, size_t len, char out[11])
{
    size_t n = 0;
    if (len != 10 && len != 11)
        return 0;
    for (size_t k = 0; k < len; k++) {
        if (len == 11 && k == 6) {
            if (s[k] != '-')
                return 0;
            continue;
        }
        if (!is_digit(s[k]))
            return 0;
        out[n++] = s[k];
    }
    out[n] = '\0';
    return 1;
}

static int two(const char *d)
{
    return (d[0] - '0') * 10 + (d[1] - '0');
}

eff_cpr_reason eff_cpr_parse(const char *s, size_t len, eff_cpr_info *out)
{
    memset(out, 0, sizeof *out);
    out->birth_date = EFF_DATE_NA;
    while (s && len && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (s && len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (!s || len == 0)
        return out->reason = EFF_CPR_MISSING;
    char digits[11];
    if (!shape(s, len, digits))
        return out->reason = EFF_CPR_FORMAT;
    memcpy(out->digits, digits, sizeof digits);
    int day = two(digits), month = two(digits + 2);
    out->year = eff_cpr_birth_year(digits[6] - '0', two(digits + 4));
    out->sex = (digits[9] - '0') % 2 ? 'M' : 'K';
    out->mod11_ok = eff_cpr_mod11_ok(digits);
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(out->year, month))
        return out->reason = EFF_CPR_DATE;
    out->birth_date = eff_date_from_ymd(out->year, month, day);
    return out->reason = EFF_CPR_VALID;
}

static size_t digit_run(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

size_t eff_cpr_mask(char *s)
{
    size_t masked = 0;
    for (size_t i = 0; s && s[i];) {
        if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1]))) {
            i++;
            continue;
        }
        size_t run = digit_run(s + i), len = 0;
        if (run == 10)
            len = 10;
        else if (run == 6 && s[i + 6] == '-' && digit_run(s + i + 7) == 4)
            len = 11;
        eff_cpr_info info;
        if (len && eff_cpr_parse(s + i, len, &info) == EFF_CPR_VALID) {
            memset(s + i, 'X', 6);
            memset(s + i + len - 4, 'X', 4);
            masked++;
        }
        i += len ? len : run;
    }
    return masked;
}

static void count(eff_cpr_summary *s, const eff_cpr_info *info)
{
    s->rows++;
    s->by_reason[info->reason]++;
    if (info->reason != EFF_CPR_VALID) {
        s->invalid++;
        return;
    }
    s->valid++;
    s->mod11_failures += !info->mod11_ok;
    if (info->sex == 'M')
        s->male++;
    else
        s->female++;
}

eff_status cpr_text_column(const eff_table *t, const char *column, size_t *col, eff_error *err)
{
    eff_status st = eff_table_col(t, column, col, err);
    if (st)
        return st;
    if (eff_table_col_type(t, *col) != EFF_TYPE_STR)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, (long)*col + 1,
                             "column \"%s\" is %s, not text: a CPR number read as a number "
                             "has lost its leading zero",
                             column, eff_type_name(eff_table_col_type(t, *col)));
    return EFF_OK;
}

eff_status eff_cpr_check_column(const eff_table *t, const char *column, eff_cpr_info **rows,
                                eff_cpr_summary *summary, eff_error *err)
{
    size_t col;
    eff_status st = cpr_text_column(t, column, &col, err);
    if (st)
        return st;
    size_t n = eff_table_n_rows(t);
    eff_cpr_info *info = eff_mallocarray(n ? n : 1, sizeof *info);
    if (!info)
        return eff_error_set(err, EFF_ENOMEM, eff_table_source(t), 0, 0,
                             "out of memory checking CPR numbers");
    eff_cpr_summary s;
    memset(&s, 0, sizeof s);
    for (size_t r = 0; r < n; r++) {
        const char *v = eff_table_str(t, col, r);
        eff_cpr_parse(v, v ? strlen(v) : 0, &info[r]);
        count(&s, &info[r]);
    }
    *rows = info;
    if (summary)
        *summary = s;
    return EFF_OK;
}

/* Adds `values` to `t` as `name`; the table takes it, or it is freed. NULL values: ENOMEM. */
static eff_status add_i64(eff_table *t, const char *name, int64_t *values, eff_error *err)
{
    eff_status st = values ? eff_table_add_i64(t, name, values, err)
                           : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    if (st)
        eff_free(values);
    return st;
}

/* Adds the text column `name`: the reason (which = 'r') or the sex ('s') of each row. */
static eff_status add_text(eff_table *t, const char *name, const eff_cpr_info *rows, size_t n,
                           char which, eff_error *err)
{
    eff_dict *d = eff_dict_new();
    int32_t *codes = eff_mallocarray(n ? n : 1, sizeof *codes);
    eff_status st = d && codes ? EFF_OK
                               : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        const char *v = which == 'r' ? eff_cpr_reason_name(rows[r].reason)
                        : rows[r].reason != EFF_CPR_VALID ? ""
                        : rows[r].sex == 'M' ? "M" : "K";
        codes[r] = EFF_STR_NA;
        if (*v)
            st = eff_dict_intern(d, v, strlen(v), &codes[r], err);
    }
    if (st == EFF_OK && (st = eff_table_add_str(t, name, codes, d, err)) == EFF_OK)
        return EFF_OK;
    eff_free(codes);
    eff_dict_release(d);
    return st;
}

static eff_status add_birth(eff_table *t, const eff_cpr_info *rows, size_t n, eff_error *err)
{
    int32_t *birth = eff_mallocarray(n ? n : 1, sizeof *birth);
    if (!birth)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < n; r++)
        birth[r] = rows[r].reason == EFF_CPR_VALID ? rows[r].birth_date : EFF_DATE_NA;
    eff_status st = eff_table_add_date(t, "birth_date", birth, err);
    if (st)
        eff_free(birth);
    return st;
}

/* Column `what` of the report as integers: 'n' row number, 'v' valid, 'm' mod11_ok. */
static int64_t *report_ints(const eff_cpr_info *rows, size_t n, char what)
{
    int64_t *v = eff_mallocarray(n ? n : 1, sizeof *v);
    for (size_t r = 0; v && r < n; r++) {
        int ok = rows[r].reason == EFF_CPR_VALID;
        v[r] = what == 'n' ? (int64_t)r + 1 : what == 'v' ? ok
               : ok ? rows[r].mod11_ok : EFF_I64_NA;
    }
    return v;
}

eff_status eff_cpr_report_table(const eff_cpr_info *rows, size_t n, eff_table **out,
                                eff_error *err)
{
    eff_table *t = eff_table_new(n);
    if (!t)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = add_i64(t, "row", report_ints(rows, n, 'n'), err);
    if (st == EFF_OK)
        st = add_i64(t, "valid", report_ints(rows, n, 'v'), err);
    if (st == EFF_OK)
        st = add_text(t, "reason", rows, n, 'r', err);
    if (st == EFF_OK)
        st = add_birth(t, rows, n, err);
    if (st == EFF_OK)
        st = add_text(t, "sex", rows, n, 's', err);
    if (st == EFF_OK)
        st = add_i64(t, "mod11_ok", report_ints(rows, n, 'm'), err);
    if (st) {
        eff_table_free(t);
        return st;
    }
    *out = t;
    return EFF_OK;
}
