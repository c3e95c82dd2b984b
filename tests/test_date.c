/* test_date.c - civil dates <-> days since 1970, checked against known values and by round
 * trip over four centuries. */
#include "eff_test.h"

static void known_days(void **state)
{
    (void)state;
    /* Values from R: as.numeric(as.Date("2000-03-01")) etc. */
    assert_int_equal(eff_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(eff_date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(eff_date_from_ymd(1960, 1, 1), -3653); /* SAS and Stata's epoch */
    assert_int_equal(eff_date_from_ymd(1582, 10, 14), -141428); /* SPSS's epoch */
    assert_int_equal(eff_date_from_ymd(2011, 1, 1), 14975);
    assert_int_equal(eff_date_from_ymd(1900, 2, 28) + 1, eff_date_from_ymd(1900, 3, 1));
    assert_int_equal(eff_date_from_ymd(2000, 2, 28) + 2, eff_date_from_ymd(2000, 3, 1));
}

static void round_trip_four_centuries(void **state)
{
    (void)state;
    int32_t first = eff_date_from_ymd(1800, 1, 1), last = eff_date_from_ymd(2200, 12, 31);
    int py = 1799, pm = 12, pd = 31;
    for (int32_t d = first; d <= last; d++) {
        int y, m, day;
        eff_date_to_ymd(d, &y, &m, &day);
        assert_int_equal(eff_date_from_ymd(y, m, day), d);
        /* consecutive days are consecutive calendar dates */
        assert_true((y == py && m == pm && day == pd + 1) || (y == py && m == pm + 1 && day == 1) ||
                    (y == py + 1 && m == 1 && day == 1 && pm == 12));
        py = y, pm = m, pd = day;
    }
}

static void iso_parsing(void **state)
{
    (void)state;
    int32_t d;
    assert_true(eff_date_parse_iso("2011-01-01", 10, &d));
    assert_int_equal(d, 14975);
    assert_true(eff_date_parse_iso("2000-02-29", 10, &d));
    static const char *bad[] = {"1900-02-29", "2011-13-01", "2011-00-10", "2011-04-31",
                                "2011-1-01",  "20110101",   "2011-01-01T00:00", "abcd-ef-gh",
                                "2011/01/01", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(eff_date_parse_iso(bad[i], strlen(bad[i]), &d));
    char buf[16];
    eff_date_format(11017, buf, sizeof buf);
    assert_string_equal(buf, "2000-03-01");
    eff_date_format(EFF_DATE_NA, buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_days),
        cmocka_unit_test(round_trip_four_centuries),
        cmocka_unit_test(iso_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
