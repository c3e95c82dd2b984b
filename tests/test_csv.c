/* test_csv.c - the CSV reader and writer: quoting, delimiters, encodings, decimal comma, type
 * inference and the second pass, every bad input with its line and column, buffer
 * boundaries, exact number parsing, round trips, and allocation failure. */
#include <float.h>

#include "../src/numparse.h"
#include "eff_test.h"

static eff_table *read_ok(const char *name, const char *text, const eff_csv_options *opt,
                          eff_csv_info *info)
{
    const char *path = eff_test_write_str(name, text);
    eff_table *t = NULL;
    eff_error err;
    eff_status st = eff_csv_read(path, opt, NULL, &t, info, &err);
    if (st != EFF_OK) {
        char msg[1024];
        eff_error_format(&err, msg, sizeof msg);
        print_error("unexpected error: %s\n", msg);
    }
    assert_int_equal(st, EFF_OK);
    return t;
}

static size_t col(const eff_table *t, const char *name)
{
    size_t j;
    assert_int_equal(eff_table_col(t, name, &j, NULL), EFF_OK);
    return j;
}

static void rfc4180_quoting(void **state)
{
    (void)state;
    eff_table *t = read_ok("q.csv",
                           "id,text,n\r\n"
                           "1,\"plain\",10\r\n"
                           "2,\"with, comma\",20\r\n"
                           "3,\"with \"\"quotes\"\"\",30\r\n"
                           "4,\"two\nlines\",40\r\n"
                           "5,,50\r\n",
                           NULL, NULL);
    assert_int_equal(eff_table_n_rows(t), 5);
    size_t text = col(t, "text"), n = col(t, "n");
    assert_string_equal(eff_table_str(t, text, 0), "plain");
    assert_string_equal(eff_table_str(t, text, 1), "with, comma");
    assert_string_equal(eff_table_str(t, text, 2), "with \"quotes\"");
    assert_string_equal(eff_table_str(t, text, 3), "two\nlines");
    assert_null(eff_table_str(t, text, 4));
    assert_int_equal(eff_table_col_type(t, n), EFF_TYPE_I64);
    assert_int_equal(eff_table_i64(t, n)[4], 50);
    eff_table_free(t);
}

static void delimiters_detected(void **state)
{
    (void)state;
    static const struct { const char *text; char delim; } cases[] = {
        {"a,b,c\n1,2,3\n4,5,6\n", ','},
        {"a;b;c\n1;2;3\n4;5;6\n", ';'},
        {"a\tb\tc\n1\t2\t3\n4\t5\t6\n", '\t'},
        {"a;b,c\n1;2,5\n3;4,5\n", ';'},       /* ';' splits consistently, ',' is a decimal */
        {"\"x,y\";b\n1;2\n", ';'},            /* delimiters inside quotes do not count */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eff_csv_info info;
        eff_table *t = read_ok("d.csv", cases[i].text, NULL, &info);
        assert_int_equal(info.delimiter, cases[i].delim);
        eff_table_free(t);
    }
    eff_csv_options o = eff_csv_options_default();
    o.delimiter = '|';
    eff_table *t = read_ok("p.csv", "a|b\n1|2\n", &o, NULL);
    assert_int_equal(eff_table_n_cols(t), 2);
    eff_table_free(t);
}

static void decimal_comma_in_semicolon_files(void **state)
{
    (void)state;
    eff_csv_info info;
    eff_table *t = read_ok("dc.csv", "beloeb;antal;navn\n1,5;2;x\n-2,25;3;y\n1e3;4;z\n", NULL, &info);
    size_t b = col(t, "beloeb");
    assert_int_equal(eff_table_col_type(t, b), EFF_TYPE_F64);
    eff_assert_close(eff_table_f64(t, b)[0], 1.5, 0, 0);
    eff_assert_close(eff_table_f64(t, b)[1], -2.25, 0, 0);
    eff_assert_close(eff_table_f64(t, b)[2], 1000, 0, 0);
    assert_true(eff_table_col_flags(t, b) & EFF_COL_DECIMAL_COMMA);
    assert_false(eff_table_col_flags(t, col(t, "antal")) & EFF_COL_DECIMAL_COMMA);
    assert_true(info.decimal_comma);
    eff_table_free(t);
    /* a ',' file never reads a decimal comma: "1,5" quoted is text */
    t = read_ok("dc2.csv", "a,b\n\"1,5\",2\n", NULL, &info);
    assert_int_equal(eff_table_col_type(t, col(t, "a")), EFF_TYPE_STR);
    assert_false(info.decimal_comma);
    eff_table_free(t);
}

static void latin1_and_utf8(void **state)
{
    (void)state;
    eff_csv_info info;
    /* "Århus" and "Køge" in Latin-1 */
    eff_table *t = read_ok("l1.csv", "kommune,n\n\xC5rhus,1\nK\xF8ge,2\n", NULL, &info);
    assert_int_equal(info.encoding, EFF_CSV_ENC_LATIN1);
    assert_string_equal(eff_table_str(t, 0, 0), "\xC3\x85rhus");
    assert_string_equal(eff_table_str(t, 0, 1), "K\xC3\xB8ge");
    eff_table_free(t);
    t = read_ok("u8.csv", "\xEF\xBB\xBFkommune,n\n\xC3\x85rhus,1\n", NULL, &info);
    assert_int_equal(info.encoding, EFF_CSV_ENC_UTF8);
    assert_string_equal(eff_table_col_name(t, 0), "kommune"); /* BOM dropped */
    assert_string_equal(eff_table_str(t, 0, 0), "\xC3\x85rhus");
    eff_table_free(t);
    /* an escaped quoted Latin-1 field: unescaped, then converted (a fuzzer found the two
     * sharing one buffer, freed under the converter) */
    char text[600];
    int k = sprintf(text, "a\n\"");
    for (int i = 0; i < 100; i++)
        k += sprintf(text + k, "\xE6\"\"");
    sprintf(text + k, "\"\n");
    t = read_ok("l1q.csv", text, NULL, &info);
    assert_int_equal(info.encoding, EFF_CSV_ENC_LATIN1);
    assert_int_equal(strlen(eff_table_str(t, 0, 0)), 300);
    assert_memory_equal(eff_table_str(t, 0, 0), "\xC3\xA6\"\xC3\xA6\"", 6);
    eff_table_free(t);
    /* Latin-1 column names are converted as well */
    t = read_ok("l1h.csv", "f\xF8" "dt,n\n1,2\n", NULL, &info);
    assert_string_equal(eff_table_col_name(t, 0), "f\xC3\xB8" "dt");
    eff_table_free(t);
}

static void latin1_after_the_first_buffer_rereads(void **state)
{
    (void)state;
    /* 1 MB of ASCII, then one Latin-1 byte: detected late, the file is read again */
    size_t rows = 60000;
    char *text = malloc(rows * 20 + 100);
    size_t k = (size_t)sprintf(text, "navn,n\n");
    for (size_t i = 0; i < rows; i++)
        k += (size_t)sprintf(text + k, "abcdefgh%zu,%zu\n", i, i);
    k += (size_t)sprintf(text + k, "K\xF8ge,1\n");
    eff_csv_info info;
    eff_table *t = read_ok("late.csv", text, NULL, &info);
    free(text);
    assert_int_equal(info.encoding, EFF_CSV_ENC_LATIN1);
    assert_int_equal(info.passes, 2);
    assert_int_equal(eff_table_n_rows(t), rows + 1);
    assert_string_equal(eff_table_str(t, 0, rows), "K\xC3\xB8ge");
    eff_table_free(t);
}

static void types_inferred_and_widened(void **state)
{
    (void)state;
    eff_csv_info info;
    eff_table *t = read_ok("ty.csv",
                           "i,f,w,d,s,na,late\n"
                           "1,1.5,1,2011-01-01,x,,1\n"
                           "-2,2,2.5,2011-12-31,y,NA,2\n"
                           "3,.,3,.,z,.,zz\n",
                           NULL, &info);
    assert_int_equal(eff_table_col_type(t, col(t, "i")), EFF_TYPE_I64);
    assert_int_equal(eff_table_col_type(t, col(t, "f")), EFF_TYPE_F64);
    assert_int_equal(eff_table_col_type(t, col(t, "w")), EFF_TYPE_F64); /* widened in place */
    assert_int_equal(eff_table_col_type(t, col(t, "d")), EFF_TYPE_DATE);
    assert_int_equal(eff_table_col_type(t, col(t, "s")), EFF_TYPE_STR);
    assert_int_equal(eff_table_col_type(t, col(t, "na")), EFF_TYPE_STR); /* all missing */
    assert_int_equal(eff_table_col_type(t, col(t, "late")), EFF_TYPE_STR); /* needed pass 2 */
    assert_int_equal(info.passes, 2);
    eff_assert_close(eff_table_f64(t, col(t, "w"))[0], 1, 0, 0);
    eff_assert_close(eff_table_f64(t, col(t, "w"))[1], 2.5, 0, 0);
    assert_true(isnan(eff_table_f64(t, col(t, "f"))[2]));
    assert_int_equal(eff_table_date(t, col(t, "d"))[1], 15339);
    assert_int_equal(eff_table_date(t, col(t, "d"))[2], EFF_DATE_NA);
    assert_string_equal(eff_table_str(t, col(t, "late"), 0), "1"); /* text kept as written */
    assert_string_equal(eff_table_str(t, col(t, "late"), 2), "zz");
    assert_int_equal(eff_table_n_rows(t), 3);
    eff_table_free(t);
}

static void pnr_is_always_text(void **state)
{
    (void)state;
    eff_table *t = read_ok("pnr.csv", "PNR,aar\n0412345678,2011\n4000000017,2012\n", NULL, NULL);
    size_t p = col(t, "pnr"); /* case-insensitive lookup */
    assert_int_equal(eff_table_col_type(t, p), EFF_TYPE_STR);
    assert_string_equal(eff_table_str(t, p, 0), "0412345678");
    eff_table_free(t);
}

static void overrides_and_selection(void **state)
{
    (void)state;
    eff_csv_options o = eff_csv_options_default();
    eff_csv_coltype types[] = {{"kommune", EFF_TYPE_STR}, {"B", EFF_TYPE_F64}};
    const char *keep[] = {"kommune", "b"};
    o.types = types;
    o.n_types = 2;
    o.columns = keep;
    o.n_columns = 2;
    eff_table *t = read_ok("ov.csv", "kommune,a,b\n0101,x,1\n0147,y,2\n", &o, NULL);
    assert_int_equal(eff_table_n_cols(t), 2);
    assert_string_equal(eff_table_str(t, 0, 0), "0101");
    assert_int_equal(eff_table_col_type(t, 1), EFF_TYPE_F64);
    assert_int_equal(eff_table_find(t, "a"), -1);
    eff_table_free(t);
}

static void whitespace_blank_lines_and_no_final_newline(void **state)
{
    (void)state;
    eff_table *t = read_ok("ws.csv", "a,b\n  1 , x y \n\n2,z\n\n3,w", NULL, NULL);
    assert_int_equal(eff_table_n_rows(t), 3);
    assert_int_equal(eff_table_i64(t, 0)[0], 1);
    assert_string_equal(eff_table_str(t, 1, 0), "x y");
    assert_string_equal(eff_table_str(t, 1, 2), "w");
    eff_table_free(t);
}

typedef struct bad_case {
    const char *name, *text;
    eff_status status;
    long line, column;
    const char *msg;
} bad_case;

static void bad_input_is_located(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"ragged_short", "a,b,c\n1,2,3\n4,5\n", EFF_EPARSE, 3, 3, "expected 3 fields, found 2"},
        {"ragged_long", "a,b\n1,2\n3,4,5,6\n", EFF_EPARSE, 3, 3, "expected 2 fields, found 4"},
        {"unterminated", "a,b\n1,\"open\n2,3\n", EFF_EPARSE, 2, 2, "unterminated quoted field"},
        {"after_quote", "a,b\n1,\"x\"y\n", EFF_EPARSE, 2, 2, "after a closing quote"},
        {"empty", "", EFF_EPARSE, 0, 0, "the file is empty"},
        {"bom_only", "\xEF\xBB\xBF", EFF_EPARSE, 0, 0, "the file is empty"}, /* hung once */
        {"header_only", "a,b,c\n", EFF_EPARSE, 1, 0, "header but no data rows"},
        {"duplicate", "pnr,aar,PNR\n1,2,3\n", EFF_EPARSE, 1, 3, "duplicate column name \"PNR\""},
        {"bad_utf8_name", "a\xff,b\n1,2\n", EFF_OK, 0, 0, NULL}, /* auto: read as Latin-1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        const char *path = eff_test_write_str(c->name, c->text);
        eff_table *t = NULL;
        eff_error err;
        eff_error_clear(&err);
        eff_status st = eff_csv_read(path, NULL, NULL, &t, NULL, &err);
        if (st != c->status || (c->msg && !strstr(err.msg, c->msg)) ||
            (c->msg && (err.line != c->line || err.column != c->column))) {
            print_error("case %s: status %d line %ld col %ld msg \"%s\"\n", c->name, st,
                        err.line, err.column, err.msg);
            fail();
        }
        if (st == EFF_OK)
            eff_table_free(t);
        else {
            assert_null(t);
            assert_string_equal(err.path, path);
        }
    }
}

static void embedded_nul(void **state)
{
    (void)state;
    const char text[] = "a,b,c\n1,2,3\n4,x\0y,6\n";
    const char *path = eff_test_write("nul.csv", text, sizeof text - 1);
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read(path, NULL, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.msg, "NUL byte"));
}

static void forced_type_rejects_text(void **state)
{
    (void)state;
    eff_csv_options o = eff_csv_options_default();
    eff_csv_coltype types[] = {{"income", EFF_TYPE_F64}};
    o.types = types;
    o.n_types = 1;
    const char *path = eff_test_write_str("forced.csv", "id,income\n1,100\n2,200\n3,n/a\n");
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 2);
    assert_string_equal(err.msg, "column \"income\": expected a number, found \"n/a\"");
    eff_csv_coltype ints[] = {{"x", EFF_TYPE_I64}};
    o.types = ints;
    path = eff_test_write_str("forced2.csv", "x\n1\n2.5\n");
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_int_equal(err.line, 3);
    eff_csv_coltype unknown[] = {{"nope", EFF_TYPE_I64}};
    o.types = unknown;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "no column \"nope\""));
    o = eff_csv_options_default();
    o.encoding = EFF_CSV_ENC_UTF8;
    path = eff_test_write_str("notutf8.csv", "a,b\n1,\xE6\xF8\n");
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
}

static void missing_file_and_directory(void **state)
{
    (void)state;
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read("/nonexistent/bef2011.csv", NULL, NULL, &t, NULL, &err), EFF_EIO);
    assert_string_equal(err.path, "/nonexistent/bef2011.csv");
    assert_non_null(strstr(err.msg, "No such file"));
    assert_int_equal(eff_csv_read(eff_test_tmpdir(), NULL, NULL, &t, NULL, &err), EFF_EIO);
}

static void line_longer_than_limit(void **state)
{
    (void)state;
    eff_csv_options o = eff_csv_options_default();
    o.max_line_bytes = 100;
    char text[400];
    int k = sprintf(text, "a,b\n1,short\n2,");
    memset(text + k, 'x', 200);
    strcpy(text + k + 200, "\n3,ok\n");
    const char *path = eff_test_write_str("long.csv", text);
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_EPARSE);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "longer than the limit of 100 bytes"));
    /* a line longer than the read buffer but within the limit is fine */
    o.max_line_bytes = 4 << 20;
    char *big = malloc(3 << 20);
    k = sprintf(big, "a,b\n1,");
    memset(big + k, 'y', (2 << 20));
    strcpy(big + k + (2 << 20), "\n2,z\n");
    path = eff_test_write_str("big.csv", big);
    free(big);
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, NULL, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 2);
    assert_int_equal(strlen(eff_table_str(t, 1, 0)), 2 << 20);
    eff_table_free(t);
}

/* Records that straddle read-buffer boundaries, with quoted newlines among them. */
static void buffer_boundaries(void **state)
{
    (void)state;
    size_t rows = 200000;
    char *text = malloc(rows * 64 + 64);
    size_t k = (size_t)sprintf(text, "id,note,x\n");
    for (size_t i = 0; i < rows; i++) {
        if (i % 7 == 0)
            k += (size_t)sprintf(text + k, "%zu,\"multi\nline %zu, \"\"q\"\"\",%zu.25\n", i, i, i);
        else
            k += (size_t)sprintf(text + k, "%zu,plain %zu,%zu.5\n", i, i, i);
    }
    eff_csv_info info;
    eff_table *t = read_ok("bound.csv", text, NULL, &info);
    free(text);
    assert_int_equal(eff_table_n_rows(t), rows);
    assert_int_equal(info.lines, 1 + rows + (rows + 6) / 7);
    for (size_t i = 0; i < rows; i += 997) {
        char want[64];
        if (i % 7 == 0)
            sprintf(want, "multi\nline %zu, \"q\"", i);
        else
            sprintf(want, "plain %zu", i);
        assert_int_equal(eff_table_i64(t, 0)[i], (int64_t)i);
        assert_string_equal(eff_table_str(t, 1, i), want);
        eff_assert_close(eff_table_f64(t, 2)[i], (double)i + (i % 7 ? 0.5 : 0.25), 0, 0);
    }
    eff_table_free(t);
}

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The fast path must give strtod's correctly rounded result, bit for bit. */
static void numbers_parse_exactly(void **state)
{
    (void)state;
    static const char *fixed[] = {
        "0", "-0", "1", "+7", "0.1", "0.3", "1e22", "1e23", "9007199254740993",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
        "0.000000000000000000000000000001", "123.456e-5", "5e-1", "1.", ".5", "00012",
        "0.1000000000000000055511151231257827", "3.14159265358979323846264338327950288"};
    char buf[512];
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        for (int padded = 0; padded < 2; padded++) {
            memset(buf, 0, sizeof buf);
            strcpy(buf, fixed[i]);
            strcat(buf, ",");
            eff_number num;
            const char *end = padded ? eff_parse_number_padded(buf, '.', &num)
                                     : eff_parse_number(buf, '.', &num);
            assert_non_null(end);
            assert_int_equal(*end, ',');
            double want = strtod(fixed[i], NULL);
            if (memcmp(&num.value, &want, 8) != 0 && !(num.value == 0 && want == 0)) {
                print_error("%s: got %.17g want %.17g\n", fixed[i], num.value, want);
                fail();
            }
        }
    }
    for (int i = 0; i < 200000; i++) {
        double v;
        uint64_t bits = rng();
        memcpy(&v, &bits, 8);
        if (!isfinite(v))
            continue;
        int digits = 1 + (int)(rng() % 17);
        const char *fmt = rng() % 2 ? "%.*g" : "%.*e";
        if (i % 3 == 0) { /* register-like values: a few decimals */
            v = (double)(int64_t)(rng() % 100000000) / 100.0;
            fmt = "%.*f";
            digits = (int)(rng() % 5);
        }
        memset(buf, 0, 64);
        snprintf(buf, 400, fmt, digits, v);
        size_t len = strlen(buf);
        buf[len] = ';';
        eff_number num;
        const char *end = eff_parse_number_padded(buf, '.', &num);
        assert_non_null(end);
        assert_ptr_equal(end, buf + len);
        buf[len] = '\0';
        double want = strtod(buf, NULL);
        if (memcmp(&num.value, &want, 8) != 0) {
            print_error("%s: got %.17g want %.17g\n", buf, num.value, want);
            fail();
        }
    }
    eff_number num;
    static const char *not_numbers[] = {"", "-", ".", "e5", "+.", "abc", "-x"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
        assert_null(eff_parse_number(not_numbers[i], '.', &num));
    assert_non_null(eff_parse_number("12", '.', &num));
    assert_true(num.is_int);
    assert_int_equal(num.ival, 12);
    eff_parse_number("-9223372036854775808", '.', &num); /* INT64_MIN is the missing integer */
    assert_false(num.is_int);
    eff_parse_number("1,25", ',', &num);
    assert_true(num.used_comma);
    eff_assert_close(num.value, 1.25, 0, 0);
}

static void write_then_read_back(void **state)
{
    (void)state;
    const char *text = "pnr,koen,alder,vaegt,foed,note\n"
                       "0412345678,K,34,0.1,1977-03-12,\"a, \"\"b\"\"\"\n"
                       "4000000017,M,,1e-300,,NA\n"
                       "4000000025,K,61,-123456.789,2000-02-29,\"line\nbreak\"\n";
    eff_csv_options ro = eff_csv_options_default();
    eff_csv_coltype note[] = {{"note", EFF_TYPE_STR}};
    ro.types = note;
    ro.n_types = 1;
    eff_table *t = read_ok("rt.csv", text, &ro, NULL);
    const char *out = eff_test_path("rt_out.csv");
    eff_csv_write_options wo = eff_csv_write_options_default();
    assert_int_equal(eff_csv_write(t, out, &wo, NULL, NULL), EFF_OK);
    eff_table *back = NULL;
    assert_int_equal(eff_csv_read(out, &ro, NULL, &back, NULL, NULL), EFF_OK);
    assert_int_equal(eff_table_n_rows(back), 3);
    for (size_t j = 0; j < eff_table_n_cols(t); j++) {
        assert_int_equal(eff_table_col_type(back, j), eff_table_col_type(t, j));
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(eff_table_is_na(back, j, i), eff_table_is_na(t, j, i));
            if (eff_table_is_na(t, j, i))
                continue;
            switch (eff_table_col_type(t, j)) {
            case EFF_TYPE_F64: {
                double a = eff_table_f64(t, j)[i], b = eff_table_f64(back, j)[i];
                assert_memory_equal(&a, &b, 8); /* shortest round-trip form */
                break;
            }
            case EFF_TYPE_STR:
                assert_string_equal(eff_table_str(back, j, i), eff_table_str(t, j, i));
                break;
            case EFF_TYPE_I64:
                assert_int_equal(eff_table_i64(back, j)[i], eff_table_i64(t, j)[i]);
                break;
            case EFF_TYPE_DATE:
                assert_int_equal(eff_table_date(back, j)[i], eff_table_date(t, j)[i]);
                break;
            }
        }
    }
    eff_table_free(back);
    /* the same table with ';', a decimal comma and Latin-1 */
    wo.delimiter = ';';
    wo.decimal = EFF_CSV_DEC_COMMA;
    wo.encoding = EFF_CSV_ENC_LATIN1;
    assert_int_equal(eff_csv_write(t, out, &wo, NULL, NULL), EFF_OK);
    eff_csv_info info;
    assert_int_equal(eff_csv_read(out, &ro, NULL, &back, &info, NULL), EFF_OK);
    assert_int_equal(info.delimiter, ';');
    eff_assert_close(eff_table_f64(back, 3)[2], -123456.789, 0, 0);
    eff_table_free(back);
    wo.delimiter = ',';
    assert_int_equal(eff_csv_write(t, out, &wo, NULL, NULL), EFF_EINVAL);
    eff_table_free(t);
    assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
}

static void latin1_writer_refuses_what_it_cannot_hold(void **state)
{
    (void)state;
    eff_table *t = read_ok("euro.csv", "x\n\xE2\x82\xAC\n", NULL, NULL); /* the euro sign */
    const char *out = eff_test_write_str("euro_out.csv", "old\n");
    eff_csv_write_options wo = eff_csv_write_options_default();
    wo.encoding = EFF_CSV_ENC_LATIN1;
    eff_error err;
    assert_int_equal(eff_csv_write(t, out, &wo, NULL, &err), EFF_EINVAL);
    assert_non_null(strstr(err.msg, "Latin-1"));
    FILE *f = fopen(out, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "old\n"); /* the old output survives */
    eff_table_free(t);
}

static void cancel_flag_stops_reading(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("cancel.csv", "a\n1\n2\n");
    volatile sig_atomic_t flag = SIGINT;
    eff_ctx ctx = eff_ctx_default();
    ctx.cancel = &flag;
    eff_table *t = NULL;
    eff_error err;
    assert_int_equal(eff_csv_read(path, NULL, &ctx, &t, NULL, &err), EFF_EABORT);
    assert_null(t);
}

static void allocation_failure_sweep(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("oom.csv", "pnr,n,x,d\n01,1,1.5,2011-01-01\n02,2,x,\n");
    for (long n = 0;; n++) {
        eff_mem_fail_after(n);
        eff_table *t = NULL;
        eff_error err;
        eff_status st = eff_csv_read(path, NULL, NULL, &t, NULL, &err);
        eff_mem_fail_after(-1);
        if (st == EFF_OK) {
            assert_int_equal(eff_table_n_rows(t), 2);
            eff_table_free(t);
            eff_test_sweep_done("eff_csv_read", n);
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_null(t);
    }
}

/* Digest of a dictionary: its strings in code order. */
static uint64_t dict_digest(const eff_dict *d)
{
    uint64_t h = 0;
    for (size_t k = 0; k < eff_dict_size(d); k++)
        h = eff_test_mix(h, eff_dict_str(d, (int32_t)k), eff_dict_len(d, (int32_t)k) + 1);
    return h;
}

/* eff_csv_read_mem with the early row filters (ids merged against sorted codes, the table
 * column sharing the id dictionary), a unique column, a required column, and a second pass
 * (a number column that turns to text late, a Latin-1 byte late); then eff_csv_write of the
 * result in Latin-1 with a decimal comma. Every allocation failing in turn: EFF_ENOMEM, *out
 * untouched or NULL, the bytes and the id dictionary unchanged; a failed write leaves the old
 * file and no temp file. */
static void allocation_failure_sweep_mem_and_write(void **state)
{
    (void)state;
    char data[2048];
    size_t len = (size_t)snprintf(data, sizeof data, "pnr;x;y;d;s\n");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(data + len, sizeof data - len, "%04d;%d,5;%s;2011-01-%02d;%s\n",
                                i, i, i % 7 ? "1" : "", 1 + i % 28,
                                i == 36 ? "K\xf8ge" : "Aarhus");
    len += (size_t)snprintf(data + len, sizeof data - len, "0042;mange;1;;Odense\n");
    uint64_t bytes = eff_test_mix(0, data, len);
    eff_dict *ids = eff_dict_new();
    for (int i = 0; i < 43; i += 3) {
        char id[8];
        int32_t code;
        snprintf(id, sizeof id, "%04d", i);
        assert_int_equal(eff_dict_intern(ids, id, 4, &code, NULL), EFF_OK);
    }
    int32_t *ranks;
    assert_int_equal(eff_dict_ranks(ids, &ranks, NULL), EFF_OK);
    int32_t *sorted = malloc(eff_dict_size(ids) * sizeof *sorted);
    for (size_t k = 0; k < eff_dict_size(ids); k++)
        sorted[ranks[k]] = (int32_t)k;
    eff_free(ranks);
    uint64_t ids0 = dict_digest(ids);
    eff_csv_options o = eff_csv_options_default();
    o.keep_column = "pnr", o.keep_ids = ids, o.keep_sorted = sorted, o.keep_codes = 1;
    o.unique_column = "pnr", o.require_column = "y";
    eff_table *t = NULL;
    long n = 0;
    for (;; n++) {
        eff_table *got = (eff_table *)&n;
        eff_csv_info info;
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_csv_read_mem("mem.csv", data, len, &o, NULL, &got, &info, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_mix(0, data, len), bytes);
        assert_int_equal(dict_digest(ids), ids0);
        if (st == EFF_OK) {
            assert_int_equal(info.passes, 2);
            assert_int_equal(eff_table_col_type(got, 1), EFF_TYPE_STR);
            t = got;
            break;
        }
        assert_int_equal(st, EFF_ENOMEM);
        assert_true(got == NULL || got == (eff_table *)&n);
    }
    eff_test_sweep_done("eff_csv_read_mem (filters, two passes)", n);
    uint64_t t0 = eff_test_table_digest(t);
    const char *path = eff_test_write_str("oom_out.csv", "old\n");
    uint64_t old = eff_test_file_digest(path);
    eff_csv_write_options w = eff_csv_write_options_default();
    w.delimiter = ';', w.encoding = EFF_CSV_ENC_LATIN1, w.decimal = EFF_CSV_DEC_COMMA;
    for (n = 0;; n++) {
        eff_error err;
        eff_mem_fail_after(n);
        eff_status st = eff_csv_write(t, path, &w, NULL, &err);
        eff_mem_fail_after(-1);
        assert_int_equal(eff_test_table_digest(t), t0);
        assert_int_equal(eff_test_hidden_files(eff_test_tmpdir()), 0);
        if (st == EFF_OK)
            break;
        assert_int_equal(st, EFF_ENOMEM);
        assert_int_equal(eff_test_file_digest(path), old);
    }
    assert_true(eff_test_file_digest(path) != old);
    assert_true(n >= 2);
    print_message("# fault injection: eff_csv_write (Latin-1): %ld allocation points\n", n);
    eff_table_free(t);
    free(sorted);
    eff_dict_release(ids);
}

/* The early row filters: first-column ids through the bitmap and the dictionary, a required
 * column, undecided (quoted) rows kept and counted, and a ragged row caught even when it is
 * passed over. */
static void early_row_filters(void **state)
{
    (void)state;
    const char *path = eff_test_write_str("filter.csv", "PNR,estate,x\n1,10,a\n2,,b\n\"3\",30,c\n"
                                                        "4,40,d\n5,,e\n");
    eff_dict *ids = eff_dict_new();
    int32_t code;
    assert_int_equal(eff_dict_intern(ids, "1", 1, &code, NULL), EFF_OK);
    assert_int_equal(eff_dict_intern(ids, "2", 1, &code, NULL), EFF_OK);
    eff_csv_options o = eff_csv_options_default();
    o.keep_column = "pnr", o.keep_ids = ids;
    eff_table *t = NULL;
    eff_csv_info info;
    eff_error err;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 3); /* 1 and 2 wanted, "3" quoted: undecided */
    assert_int_equal(info.filter_undecided, 1);
    assert_string_equal(eff_table_str(t, 0, 2), "3");
    eff_table_free(t);
    o.require_column = "ESTATE";
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 2); /* 2 has no estate */
    assert_string_equal(eff_table_str(t, 0, 1), "3");
    eff_table_free(t);
    o.keep_ids = NULL;
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 3); /* 1, 3, 4 */
    assert_int_equal(info.filter_undecided, 1); /* the quote before the estate field */
    eff_table_free(t);
    o.keep_ids = ids, o.require_column = NULL;
    path = eff_test_write_str("filter_bad.csv", "PNR,estate,x\n1,10,a\n7,70\n");
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_EPARSE);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "expected 3 fields, found 2"));
    /* the merge with sorted ids: a sorted file, then one that leaves order half-way (the
     * hash takes over, the result is the same) */
    int32_t *ranks, sorted[2];
    assert_int_equal(eff_dict_ranks(ids, &ranks, NULL), EFF_OK);
    for (int32_t c = 0; c < 2; c++)
        sorted[ranks[c]] = c;
    eff_free(ranks);
    o.keep_sorted = sorted;
    path = eff_test_write_str("merge.csv", "PNR,x\n0,a\n1,b\n1,c\n15,d\n2,e\n3,f\n");
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 3); /* 1, 1, 2 */
    assert_string_equal(eff_table_str(t, 1, 2), "e");
    eff_table_free(t);
    path = eff_test_write_str("merge2.csv", "PNR,x\n1,a\n3,b\n2,c\n0,d\n1,e\n");
    assert_int_equal(eff_csv_read(path, &o, NULL, &t, &info, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 3); /* 1, 2, 1 */
    assert_string_equal(eff_table_str(t, 1, 1), "c");
    assert_string_equal(eff_table_str(t, 1, 2), "e");
    eff_table_free(t);
    o.keep_sorted = NULL;
    /* through regfile: the result is exact either way */
    eff_read_options ro = eff_read_options_default();
    ro.id_column = "PNR", ro.id_set = ids;
    path = eff_test_write_str("filter2.csv", "PNR,x\n\"9\",a\n1,b\n");
    assert_int_equal(eff_read_table(path, &ro, NULL, &t, &err), EFF_OK);
    assert_int_equal(eff_table_n_rows(t), 1);
    eff_table_free(t);
    eff_dict_release(ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(early_row_filters),
        cmocka_unit_test(rfc4180_quoting),
        cmocka_unit_test(delimiters_detected),
        cmocka_unit_test(decimal_comma_in_semicolon_files),
        cmocka_unit_test(latin1_and_utf8),
        cmocka_unit_test(latin1_after_the_first_buffer_rereads),
        cmocka_unit_test(types_inferred_and_widened),
        cmocka_unit_test(pnr_is_always_text),
        cmocka_unit_test(overrides_and_selection),
        cmocka_unit_test(whitespace_blank_lines_and_no_final_newline),
        cmocka_unit_test(bad_input_is_located),
        cmocka_unit_test(embedded_nul),
        cmocka_unit_test(forced_type_rejects_text),
        cmocka_unit_test(missing_file_and_directory),
        cmocka_unit_test(line_longer_than_limit),
        cmocka_unit_test(buffer_boundaries),
        cmocka_unit_test(numbers_parse_exactly),
        cmocka_unit_test(write_then_read_back),
        cmocka_unit_test(latin1_writer_refuses_what_it_cannot_hold),
        cmocka_unit_test(cancel_flag_stops_reading),
        cmocka_unit_test(allocation_failure_sweep),
        cmocka_unit_test(allocation_failure_sweep_mem_and_write),
    };
    return cmocka_run_group_tests(tests, NULL, eff_test_cleanup);
}
