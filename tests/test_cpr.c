/* test_cpr.c - CPR numbers (src/cpr.c, cpr_key.c, cpr_pseudo.c): the CPR office's century
 * table at each of its boundaries, leap days in 1900, 1996, 2000 and 1858-1899, impossible
 * dates, the optional dash, wrong lengths and letters; the modulus-11 check as information
 * (070761-4285, the office's own example, passes; valid numbers failing it stay valid); keys
 * (mode 0600, never overwritten, refused when readable by others, never in a message);
 * HMAC-SHA-256 pseudonyms against Python's hmac; the collision detector on stub ids. */
#include <sys/stat.h>

#include "eff_test.h"

typedef struct parse_case {
    const char *in;
    eff_cpr_reason reason;
    int year, month, day; /* the birth date when valid */
    char sex;
} parse_case;

static const parse_case cases[] = {
    /* the CPR office's example; 7th digit 4, YY 61 > 36: 1961 */
    {"070761-4285", EFF_CPR_VALID, 1961, 7, 7, 'M'},
    {"0707614285", EFF_CPR_VALID, 1961, 7, 7, 'M'},      /* the dash is optional */
    {" 070761-4285\t", EFF_CPR_VALID, 1961, 7, 7, 'M'},  /* surrounding blanks ignored */
    {"070761-4286", EFF_CPR_VALID, 1961, 7, 7, 'K'},     /* fails mod 11, valid; even: K */
    /* digit 0-3: always 19YY */
    {"010100-0001", EFF_CPR_VALID, 1900, 1, 1, 'M'},
    {"311299-3998", EFF_CPR_VALID, 1999, 12, 31, 'K'},
    {"010136-2000", EFF_CPR_VALID, 1936, 1, 1, 'K'},
    {"010158-1000", EFF_CPR_VALID, 1958, 1, 1, 'K'},
    /* digit 4 and 9: 2000-2036 for YY 00-36, else 1937-1999 */
    {"010136-4000", EFF_CPR_VALID, 2036, 1, 1, 'K'},
    {"010137-4000", EFF_CPR_VALID, 1937, 1, 1, 'K'},
    {"311236-9001", EFF_CPR_VALID, 2036, 12, 31, 'M'},
    {"010137-9001", EFF_CPR_VALID, 1937, 1, 1, 'M'},
    {"010100-4000", EFF_CPR_VALID, 2000, 1, 1, 'K'},
    {"010199-9000", EFF_CPR_VALID, 1999, 1, 1, 'K'},
    /* digit 5-8: 2000-2057 for YY 00-57, else 1858-1899 */
    {"010157-5000", EFF_CPR_VALID, 2057, 1, 1, 'K'},
    {"010158-5000", EFF_CPR_VALID, 1858, 1, 1, 'K'},
    {"311257-8001", EFF_CPR_VALID, 2057, 12, 31, 'M'},
    {"010158-8001", EFF_CPR_VALID, 1858, 1, 1, 'M'},
    {"010199-6000", EFF_CPR_VALID, 1899, 1, 1, 'K'},
    {"010100-7000", EFF_CPR_VALID, 2000, 1, 1, 'K'},
    /* leap days */
    {"290200-4001", EFF_CPR_VALID, 2000, 2, 29, 'M'},  /* 2000: divisible by 400 */
    {"290200-9001", EFF_CPR_VALID, 2000, 2, 29, 'M'},
    {"290200-5001", EFF_CPR_VALID, 2000, 2, 29, 'M'},
    {"290200-0001", EFF_CPR_DATE, 0, 0, 0, 0},          /* 1900: not a leap year */
    {"290200-3001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"290296-1001", EFF_CPR_VALID, 1996, 2, 29, 'M'},
    {"290296-4001", EFF_CPR_VALID, 1996, 2, 29, 'M'},  /* 4 with YY 96: 1996 */
    {"290297-1001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"290296-5001", EFF_CPR_VALID, 1896, 2, 29, 'M'},  /* 5 with YY 96: 1896, a leap year */
    {"290260-6001", EFF_CPR_VALID, 1860, 2, 29, 'M'},
    {"290258-5001", EFF_CPR_DATE, 0, 0, 0, 0},          /* 1858 */
    {"290297-8001", EFF_CPR_DATE, 0, 0, 0, 0},          /* 1897 */
    {"290256-5001", EFF_CPR_VALID, 2056, 2, 29, 'M'},
    {"290257-5001", EFF_CPR_DATE, 0, 0, 0, 0},          /* 2057 */
    /* impossible dates */
    {"310499-1001", EFF_CPR_DATE, 0, 0, 0, 0},          /* 31 April */
    {"300499-1001", EFF_CPR_VALID, 1999, 4, 30, 'M'},
    {"000199-1001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"320199-1001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"011399-1001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"010099-1001", EFF_CPR_DATE, 0, 0, 0, 0},
    {"0000000000", EFF_CPR_DATE, 0, 0, 0, 0},
    /* not CPR-shaped */
    {"070761428", EFF_CPR_FORMAT, 0, 0, 0, 0},          /* 9 digits: a lost leading zero */
    {"07076142851", EFF_CPR_FORMAT, 0, 0, 0, 0},        /* 11 digits */
    {"070761428512", EFF_CPR_FORMAT, 0, 0, 0, 0},       /* 12 digits */
    {"070761-42851", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"070761-428", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"07076-14285", EFF_CPR_FORMAT, 0, 0, 0, 0},        /* the dash misplaced */
    {"070761 4285", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"070761--4285", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"07O761-4285", EFF_CPR_FORMAT, 0, 0, 0, 0},        /* a letter O */
    {"abcdefghij", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"+707614285", EFF_CPR_FORMAT, 0, 0, 0, 0},
    {"", EFF_CPR_MISSING, 0, 0, 0, 0},
    {"   ", EFF_CPR_MISSING, 0, 0, 0, 0},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const parse_case *c = &cases[k];
        eff_cpr_info info;
        eff_cpr_reason got = eff_cpr_parse(c->in, strlen(c->in), &info);
        if (got != c->reason)
            print_error("case %zu \"%s\": reason %d, want %d\n", k, c->in, got, c->reason);
        assert_int_equal(got, c->reason);
        assert_int_equal(info.reason, c->reason);
        if (c->reason != EFF_CPR_VALID) {
            assert_int_equal(info.birth_date, EFF_DATE_NA);
            continue;
        }
        assert_int_equal(info.year, c->year);
        assert_int_equal(info.birth_date, eff_date_from_ymd(c->year, c->month, c->day));
        assert_int_equal(info.sex, c->sex);
        assert_int_equal(strlen(info.digits), 10);
    }
    eff_cpr_info info;
    assert_int_equal(eff_cpr_parse(NULL, 0, &info), EFF_CPR_MISSING);
    assert_string_equal(info.digits, "");
    assert_int_equal(eff_cpr_parse("0707614285", 10, &info), EFF_CPR_VALID);
    assert_string_equal(info.digits, "0707614285");
    assert_int_equal(eff_cpr_parse("070761-4285", 11, &info), EFF_CPR_VALID);
    assert_string_equal(info.digits, "0707614285"); /* normalised: no dash */
    /* a CPR-shaped number with an impossible date still has its digits (for --allow-invalid) */
    assert_int_equal(eff_cpr_parse("290200-0001", 11, &info), EFF_CPR_DATE);
    assert_string_equal(info.digits, "2902000001");
    assert_int_equal(info.year, 1900);
}

static void test_birth_year(void **state)
{
    (void)state;
    for (int yy = 0; yy < 100; yy++) {
        for (int d = 0; d <= 3; d++)
            assert_int_equal(eff_cpr_birth_year(d, yy), 1900 + yy);
        int y49 = yy <= 36 ? 2000 + yy : 1900 + yy, y58 = yy <= 57 ? 2000 + yy : 1800 + yy;
        assert_int_equal(eff_cpr_birth_year(4, yy), y49);
        assert_int_equal(eff_cpr_birth_year(9, yy), y49);
        for (int d = 5; d <= 8; d++)
            assert_int_equal(eff_cpr_birth_year(d, yy), y58);
    }
    assert_int_equal(eff_cpr_birth_year(4, 36), 2036);
    assert_int_equal(eff_cpr_birth_year(4, 37), 1937);
    assert_int_equal(eff_cpr_birth_year(8, 57), 2057);
    assert_int_equal(eff_cpr_birth_year(8, 58), 1858);
    assert_int_equal(eff_cpr_birth_year(10, 0), -1);
    assert_int_equal(eff_cpr_birth_year(-1, 0), -1);
    assert_int_equal(eff_cpr_birth_year(0, 100), -1);
}

static void test_mod11(void **state)
{
    (void)state;
    /* 0*4+7*3+0*2+7*7+6*6+1*5+4*4+2*3+8*2+5*1 = 154 = 14*11 */
    assert_true(eff_cpr_mod11_ok("0707614285"));
    assert_false(eff_cpr_mod11_ok("0707614286")); /* 155 */
    assert_true(eff_cpr_mod11_ok("2902004001"));  /* 8+27+0+14+0+0+16+0+0+1 = 66 */
    assert_false(eff_cpr_mod11_ok("0101070001")); /* 3+7+35+1 = 46 */
    /* valid since 1 October 2007 although mod 11 fails: never a rejection */
    eff_cpr_info info;
    assert_int_equal(eff_cpr_parse("011007-4001", 11, &info), EFF_CPR_VALID);
    assert_false(info.mod11_ok);
    assert_int_equal(eff_cpr_parse("070761-4285", 11, &info), EFF_CPR_VALID);
    assert_true(info.mod11_ok);
}

static void test_column_and_report(void **state)
{
    (void)state;
    eff_table *t = NULL;
    eff_error err;
    eff_read_options o = eff_read_options_default();
    o.csv.all_text = 1;
    const char *path = eff_test_write_str("c.csv", "id,cpr\n1,070761-4285\n2,290200-0001\n"
                                                   "3,\n4,12\n5,0707614286\n");
    assert_int_equal(eff_read_table(path, &o, NULL, &t, &err), EFF_OK);
    eff_cpr_info *rows = NULL;
    eff_cpr_summary s;
    assert_int_equal(eff_cpr_check_column(t, "CPR", &rows, &s, &err), EFF_OK);
    assert_int_equal(s.rows, 5);
    assert_int_equal(s.valid, 2);
    assert_int_equal(s.invalid, 3);
    assert_int_equal(s.by_reason[EFF_CPR_DATE], 1);
    assert_int_equal(s.by_reason[EFF_CPR_MISSING], 1);
    assert_int_equal(s.by_reason[EFF_CPR_FORMAT], 1);
    assert_int_equal(s.mod11_failures, 1);
    assert_int_equal(s.male, 1);
    assert_int_equal(s.female, 1);
    eff_table *rep = NULL;
    assert_int_equal(eff_cpr_report_table(rows, s.rows, &rep, &err), EFF_OK);
    static const char *const names[] = {"row", "valid", "reason", "birth_date", "sex", "mod11_ok"};
    assert_int_equal(eff_table_n_cols(rep), 6);
    for (size_t k = 0; k < 6; k++)
        assert_string_equal(eff_table_col_name(rep, k), names[k]);
    assert_int_equal(eff_table_i64(rep, 0)[4], 5);
    assert_int_equal(eff_table_i64(rep, 1)[1], 0);
    assert_string_equal(eff_table_str(rep, 2, 1), "date");
    assert_null(eff_table_str(rep, 2, 0));
    assert_int_equal(eff_table_date(rep, 3)[0], eff_date_from_ymd(1961, 7, 7));
    assert_true(eff_table_is_na(rep, 3, 1) && eff_table_is_na(rep, 4, 1) &&
                eff_table_is_na(rep, 5, 1));
    assert_string_equal(eff_table_str(rep, 4, 4), "K");
    assert_int_equal(eff_table_i64(rep, 5)[4], 0);
    eff_table_free(rep);
    eff_free(rows);
    assert_int_equal(eff_cpr_check_column(t, "nope", &rows, &s, &err), EFF_EINVAL);
    eff_table_free(t);
    /* a number column: the leading zero is gone */
    assert_int_equal(eff_read_table(eff_test_write_str("n.csv", "cpr\n707614285\n"), NULL, NULL,
                                    &t, &err), EFF_OK);
    assert_int_equal(eff_cpr_check_column(t, "cpr", &rows, &s, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "not text"));
    eff_table_free(t);
}

/* The file's whole content into buf (NUL-terminated); its length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

static void test_keygen_and_read(void **state)
{
    (void)state;
    eff_error err;
    const char *path = eff_test_path("a.key");
    assert_int_equal(eff_cpr_keygen(path, &err), EFF_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char text[128];
    assert_int_equal(slurp(path, text, sizeof text), EFF_CPR_KEY_FILE_BYTES);
    assert_int_equal(text[64], '\n');
    assert_int_equal(strspn(text, "0123456789abcdef"), 64);
    /* never overwritten: the same bytes after a second keygen */
    assert_int_equal(eff_cpr_keygen(path, &err), EFF_EIO);
    assert_non_null(strstr(err.msg, "never overwritten"));
    assert_null(strstr(err.msg, text + 48));
    char again[128];
    slurp(path, again, sizeof again);
    assert_string_equal(again, text);
    /* read back: the bytes are the hex decoded */
    eff_cpr_key key;
    assert_int_equal(eff_cpr_key_read(path, &key, &err), EFF_OK);
    char hex[3];
    snprintf(hex, sizeof hex, "%02x", key.bytes[31]);
    assert_memory_equal(hex, text + 62, 2);
    eff_cpr_key_wipe(&key);
    for (int k = 0; k < EFF_CPR_KEY_BYTES; k++)
        assert_int_equal(key.bytes[k], 0);
    /* two keys differ */
    const char *other = eff_test_path("b.key");
    assert_int_equal(eff_cpr_keygen(other, &err), EFF_OK);
    slurp(other, again, sizeof again);
    assert_string_not_equal(again, text);
    /* readable by group or others: refused, naming the file and nothing of its content */
    static const int bad_modes[] = {0640, 0604, 0644, 0660, 0602, 0610, 0601};
    for (size_t k = 0; k < sizeof bad_modes / sizeof bad_modes[0]; k++) {
        assert_int_equal(chmod(path, (mode_t)bad_modes[k]), 0);
        assert_int_equal(eff_cpr_key_read(path, &key, &err), EFF_EINVAL);
        assert_string_equal(err.path, path);
        assert_non_null(strstr(err.msg, "group or others"));
        for (int at = 0; at + 16 <= 64; at++) { /* no 8-byte substring of the key, as hex */
            char part[17];
            memcpy(part, text + at, 16);
            part[16] = '\0';
            assert_null(strstr(err.msg, part));
        }
    }
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(eff_cpr_key_read(path, &key, &err), EFF_OK);
    eff_cpr_key_wipe(&key);
    /* malformed key files */
    static const char *const bad[] = {"", "abc\n", "0123456789abcdef0123456789abcdef0123456789abcdef"
                                                   "0123456789abcdeg\n",
                                      "0123456789abcdef0123456789abcdef0123456789abcdef"
                                      "0123456789abcdef",
                                      "0123456789abcdef0123456789abcdef0123456789abcdef"
                                      "0123456789abcdef\n\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *p = eff_test_write_str("bad.key", bad[k]);
        assert_int_equal(chmod(p, 0600), 0);
        assert_int_equal(eff_cpr_key_read(p, &key, &err), EFF_EPARSE);
        assert_null(strstr(err.msg, "0123456789abcdef"));
    }
    assert_int_equal(eff_cpr_key_read(eff_test_path("none.key"), &key, &err), EFF_EIO);
}

/* 32 bytes 00 01 .. 1f: the key of the Python reference values below. */
static eff_cpr_key counting_key(void)
{
    eff_cpr_key key;
    for (int k = 0; k < EFF_CPR_KEY_BYTES; k++)
        key.bytes[k] = (unsigned char)k;
    return key;
}

static void test_pseudonym(void **state)
{
    (void)state;
    /* python3: hmac.new(bytes(range(32)), b"0707614285", hashlib.sha256).hexdigest()[:16] */
    eff_cpr_key key = counting_key();
    assert_true(eff_cpr_pseudonym(&key, "0707614285") == UINT64_C(0x528e119666e161cf));
    assert_true(eff_cpr_pseudonym(&key, "2902004001") == UINT64_C(0x4a939f30b8dbccd5));
    key.bytes[0] ^= 1; /* another key, another id */
    assert_true(eff_cpr_pseudonym(&key, "0707614285") != UINT64_C(0x528e119666e161cf));
}

static void test_collisions(void **state)
{
    (void)state;
    eff_error err;
    /* stub ids: rows 2 and 4 share id 5 with different numbers */
    static const uint64_t ids[] = {9, 5, 7, 5, 9};
    static const char cprs[][11] = {"0101010001", "0202020002", "0303030003", "0404040004",
                                    "0101010001"};
    assert_int_equal(eff_cpr_check_collisions(ids, cprs, 5, "x.csv", &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "data rows 2 and 4"));
    assert_string_equal(err.path, "x.csv");
    assert_null(strstr(err.msg, "0202020002"));
    assert_null(strstr(err.msg, "0404040004"));
    /* the same number twice (rows 1 and 5) is no collision */
    assert_int_equal(eff_cpr_check_collisions(ids, cprs, 3, "x.csv", &err), EFF_OK);
    static const uint64_t same[] = {9, 1, 9};
    static const char twice[][11] = {"0101010001", "", "0101010001"};
    assert_int_equal(eff_cpr_check_collisions(same, twice, 3, NULL, &err), EFF_OK);
    /* an empty entry (a missing value) never collides */
    static const uint64_t zero[] = {0, 0, 3};
    static const char gaps[][11] = {"", "0101010001", "0202020002"};
    assert_int_equal(eff_cpr_check_collisions(zero, gaps, 3, NULL, &err), EFF_OK);
    /* a collision in a run of three, the third row different */
    static const uint64_t run[] = {4, 4, 4};
    static const char three[][11] = {"0101010001", "0101010001", "0202020002"};
    assert_int_equal(eff_cpr_check_collisions(run, three, 3, NULL, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "data rows 1 and 3"));
    assert_int_equal(eff_cpr_check_collisions(run, three, 0, NULL, &err), EFF_OK);
}

static void test_pseudonymise_table(void **state)
{
    (void)state;
    eff_error err;
    eff_table *t = NULL, *p = NULL;
    eff_read_options o = eff_read_options_default();
    o.csv.all_text = 1;
    const char *path = eff_test_write_str("p.csv", "id,cpr,x\n01,070761-4285,a\n02,0707614285,b\n"
                                                   "03,,c\n04,290200-4001,d\n");
    assert_int_equal(eff_read_table(path, &o, NULL, &t, &err), EFF_OK);
    eff_cpr_key key = counting_key();
    eff_cpr_pseudo_stats s;
    assert_int_equal(eff_cpr_pseudonymise(t, "cpr", &key, NULL, &p, &s, &err), EFF_OK);
    assert_int_equal(eff_table_n_cols(p), 3);
    assert_string_equal(eff_table_col_name(p, 1), "cpr");
    assert_string_equal(eff_table_str(p, 0, 0), "01"); /* other columns unchanged */
    assert_string_equal(eff_table_str(p, 2, 3), "d");
    assert_string_equal(eff_table_str(p, 1, 0), "528e119666e161cf");
    assert_string_equal(eff_table_str(p, 1, 1), "528e119666e161cf"); /* dash or not */
    assert_null(eff_table_str(p, 1, 2));
    assert_string_equal(eff_table_str(p, 1, 3), "4a939f30b8dbccd5");
    assert_int_equal(s.pseudonymised, 3);
    assert_int_equal(s.missing, 1);
    eff_table_free(p);
    eff_table_free(t);
    /* an invalid value: an error at its line and column, unless allowed */
    path = eff_test_write_str("q.csv", "id,cpr\n1,070761-4285\n2,290200-0001\n3,x12\n");
    assert_int_equal(eff_read_table(path, &o, NULL, &t, &err), EFF_OK);
    p = NULL;
    assert_int_equal(eff_cpr_pseudonymise(t, "cpr", &key, NULL, &p, &s, &err), EFF_EINVAL);
    assert_null(p);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_null(strstr(err.msg, "290200"));
    eff_cpr_pseudo_options allow = {.allow_invalid = 1};
    assert_int_equal(eff_cpr_pseudonymise(t, "cpr", &key, &allow, &p, &s, &err), EFF_OK);
    assert_int_equal(strlen(eff_table_str(p, 1, 1)), 16); /* impossible date: hashed */
    assert_null(eff_table_str(p, 1, 2));                  /* not CPR-shaped: dropped */
    assert_int_equal(s.invalid_dates, 1);
    assert_int_equal(s.dropped, 1);
    eff_table_free(p);
    assert_int_equal(eff_cpr_pseudonymise(t, "nope", &key, NULL, &p, &s, &err), EFF_EINVAL);
    eff_table_free(t);
}

/* Masking: exactly the CPR-shaped pieces (valid dates, not touching a digit) become X, in
 * messages built by eff_error_set and by a CSV reader that quotes a cell. */
static void test_mask(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        size_t n;
    } cases[] = {
        {"070761-4285", "XXXXXX-XXXX", 1},
        {"a 0707614285 b", "a XXXXXXXXXX b", 1},
        {"2902004001,2902000001", "XXXXXXXXXX,2902000001", 1}, /* 1900 was no leap year */
        {"12345678901 07076142851 1070761-4285", "12345678901 07076142851 1070761-4285", 0},
        {"310499-1234 3104991234 0707614285x", "310499-1234 3104991234 XXXXXXXXXXx", 1},
        {"070761-42857 070761--4285 0707614-285", "070761-42857 070761--4285 0707614-285", 0},
        {"x010185123", "x010185123", 0},
        {"", "", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", cases[k].in);
        assert_int_equal(eff_cpr_mask(buf), cases[k].n);
        assert_string_equal(buf, cases[k].out);
    }
    eff_error err;
    eff_error_set(&err, EFF_EPARSE, "lists/0707614285.csv", 2, 1, "found \"%s\"", "070761-4285");
    assert_string_equal(err.msg, "found \"XXXXXX-XXXX\"");
    assert_string_equal(err.path, "lists/XXXXXXXXXX.csv");
    /* a reader quoting the offending cell: the number is not repeated */
    eff_csv_options o = eff_csv_options_default();
    const char *path = eff_test_write_str("m.csv", "n\n1\n0707614285x\n");
    eff_table *t = NULL;
    eff_csv_coltype as_int = {"n", EFF_TYPE_I64};
    o.types = &as_int;
    o.n_types = 1;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_null(t);
    assert_null(strstr(err.msg, "0707614285"));
    assert_non_null(strstr(err.msg, "XXXXXXXXXXx"));
}

/* Every allocation failing in turn: checking a column, its report, the collision check and
 * pseudonymising (labels and a description on another column, so they are copied too):
 * EFF_ENOMEM, outputs untouched or NULL, the table, the key and the arrays unchanged. The key
 * functions allocate nothing. */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    eff_read_options o = eff_read_options_default();
    o.csv.all_text = 1;
    const char *path = eff_test_write_str("oom.csv", "id,cpr,x\n01,070761-4285,a\n"
                                                     "02,0707614285,b\n03,,c\n"
                                                     "04,290200-4001,d\n05,290200-0001,e\n"
                                                     "06,12,f\n");
    eff_table *t = NULL;
    assert_int_equal(eff_read_table(path, &o, NULL, &t, NULL), EFF_OK);
    eff_labels *l = eff_labels_new("letters", 1);
    assert_int_equal(eff_labels_add_string(l, "a", "first", NULL), EFF_OK);
    eff_table_set_col_labels(t, 2, l);
    eff_labels_release(l);
    assert_int_equal(eff_table_set_col_label(t, 2, "a letter", NULL), EFF_OK);
    uint64_t t0 = eff_test_table_digest(t);
    eff_cpr_key key = counting_key();
    const eff_cpr_pseudo_options allow = {.allow_invalid = 1};
    eff_cpr_info *rows = NULL;
    assert_int_equal(eff_cpr_check_column(t, "cpr", &rows, NULL, NULL), EFF_OK);
    uint64_t rows0 = eff_test_mix(0, rows, 6 * sizeof *rows);
    static const uint64_t ids[] = {9, 5, 7, 6, 9};
    static const char cprs[][11] = {"0101010001", "0202020002", "0303030003", "0404040004",
                                    "0101010001"};
    long failed = 0;
    for (int k = 0; k < 4; k++) {
        for (long n = 0;; n++) {
            eff_cpr_info *got = (eff_cpr_info *)&n; /* sentinels */
            eff_table *out = (eff_table *)&n;
            eff_cpr_summary sum, sum0;
            eff_cpr_pseudo_stats ps, ps0;
            memset(&sum, 0x5a, sizeof sum), memset(&ps, 0x5a, sizeof ps);
            sum0 = sum, ps0 = ps;
            eff_error err;
            eff_status st;
            eff_mem_fail_after(n);
            switch (k) {
            case 0: st = eff_cpr_check_column(t, "cpr", &got, &sum, &err); break;
            case 1: st = eff_cpr_report_table(rows, 6, &out, &err); break;
            case 2: st = eff_cpr_check_collisions(ids, cprs, 5, "x.csv", &err); break;
            default: st = eff_cpr_pseudonymise(t, "cpr", &key, &allow, &out, &ps, &err); break;
            }
            eff_mem_fail_after(-1);
            assert_int_equal(eff_test_table_digest(t), t0);
            assert_int_equal(eff_test_mix(0, rows, 6 * sizeof *rows), rows0);
            assert_true(key.bytes[31] == 31 && ids[3] == 6 && cprs[4][9] == '1');
            if (st == EFF_OK) {
                if (k == 0)
                    eff_free(got);
                if (k == 1 || k == 3)
                    eff_table_free(out);
                break;
            }
            assert_int_equal(st, EFF_ENOMEM);
            assert_int_equal(err.status, EFF_ENOMEM);
            assert_true(got == (eff_cpr_info *)&n || got == NULL);
            assert_true(out == (eff_table *)&n || out == NULL);
            assert_memory_equal(&sum, &sum0, sizeof sum);
            assert_memory_equal(&ps, &ps0, sizeof ps);
            failed++;
        }
    }
    eff_test_sweep_done("eff_cpr_check_column, _report_table, _check_collisions, _pseudonymise",
                        failed);
    eff_free(rows);
    eff_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),        cmocka_unit_test(test_birth_year),
        cmocka_unit_test(test_mod11),              cmocka_unit_test(test_column_and_report),
        cmocka_unit_test(test_keygen_and_read),    cmocka_unit_test(test_pseudonym),
        cmocka_unit_test(test_collisions),         cmocka_unit_test(test_pseudonymise_table),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
