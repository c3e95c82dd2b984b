/* survey.c - the stakeholder survey (survey.h): answers counted per item and theme, the top
 * two of the scale as a share with its Wilson interval, themes suppressed below the threshold
 * together with the total that would give them away (disclosure.h). */
#include "survey.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>

#include "disclosure.h"
#include "mem.h"

static const char *const danish_scale[] = {"slet ikke", "i mindre grad", "i nogen grad",
                                           "i høj grad", "i meget høj grad"};
static const char *const dont_know[] = {"ved ikke", "don't know", "dont know"};
enum { DONT_KNOW_CODE = 9, MAX_THEMES = 64 };

void eff_survey_wilson(long x, long n, double level, double *low, double *high)
{
    if (n <= 0) {
        *low = *high = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2), z2 = z * z, p = (double)x / (double)n;
    double denom = 1 + z2 / (double)n;
    double centre = (p + z2 / (2 * (double)n)) / denom;
    double half = z / denom * sqrt(p * (1 - p) / (double)n + z2 / (4 * (double)n * (double)n));
    *low = fmax(0, centre - half), *high = fmin(1, centre + half);
}

/* Byte b of a UTF-8 string in lower case: ASCII, and the Latin-1 letters (Æ Ø Å among them,
 * C3 80-9E but the multiplication sign) when `after_c3`. */
static unsigned char fold(unsigned char b, int after_c3)
{
    if (after_c3)
        return b >= 0x80 && b <= 0x9e && b != 0x97 ? (unsigned char)(b + 0x20) : b;
    return (unsigned char)tolower(b);
}

/* s without surrounding blanks equals label, case aside ("I HØJ GRAD" is "i høj grad"). */
static int same_label(const char *s, const char *label)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n != strlen(label))
        return 0;
    for (size_t i = 0; i < n; i++) {
        int c3 = i > 0 && (unsigned char)s[i - 1] == 0xc3;
        if (fold((unsigned char)s[i], c3) != fold((unsigned char)label[i], c3))
            return 0;
    }
    return 1;
}

/* The answer's slot: 0..k-1 the scale, k "ved ikke", k + 1 empty; -1 not on the scale. */
static int answer_slot(const eff_table *t, size_t col, size_t r, const char *const *scale,
                       size_t k)
{
    if (eff_table_is_na(t, col, r))
        return (int)k + 1;
    if (eff_table_col_type(t, col) == EFF_TYPE_STR) {
        const char *s = eff_table_str(t, col, r);
        for (size_t j = 0; j < k; j++)
            if (same_label(s, scale[j]))
                return (int)j;
        for (size_t j = 0; j < sizeof dont_know / sizeof *dont_know; j++)
            if (same_label(s, dont_know[j]))
                return (int)k;
        return -1;
    }
    double v = eff_table_col_type(t, col) == EFF_TYPE_I64 ? (double)eff_table_i64(t, col)[r]
                                                          : eff_table_f64(t, col)[r];
    if (v == DONT_KNOW_CODE)
        return (int)k;
    return v >= 1 && v <= (double)k && v == floor(v) ? (int)v - 1 : -1;
}

static eff_status theme_index(eff_survey *s, const eff_survey_options *o, const char *theme,
                              const eff_table *t, size_t r, size_t col, size_t *index,
                              eff_error *err)
{
    for (size_t k = 0; k < s->n_themes; k++)
        if (strcmp(s->themes[k], theme) == 0)
            return *index = k, EFF_OK;
    if (o->themes)
        return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2, (long)col + 1,
                             "theme '%s' is not one of --themes", theme);
    char **themes = eff_reallocarray(s->themes, s->n_themes + 1, sizeof *themes);
    if (!themes || !(themes[s->n_themes] = eff_strdup(theme)))
        return s->themes = themes ? themes : s->themes,
               eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    s->themes = themes;
    *index = s->n_themes++;
    return EFF_OK;
}

/* Table 5.1 through disclosure control: small themes, and the total when it gives one away. */
static eff_status disclose(eff_survey *s, long threshold, eff_error *err)
{
    eff_sdc *sdc = NULL;
    size_t total, *parts = eff_mallocarray(s->n_themes + 1, sizeof *parts);
    eff_status st = parts ? eff_sdc_new(threshold, &sdc, err)
                          : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    s->total = 0;
    for (size_t k = 0; st == EFF_OK && k < s->n_themes; k++) {
        s->total += s->respondents[k];
        st = eff_sdc_cell(sdc, s->themes[k], s->respondents[k], -1, &parts[k], err);
        if (st == EFF_OK)
            eff_sdc_headline(sdc, parts[k]); /* a theme costs more to hide than the total */
    }
    if (st == EFF_OK) st = eff_sdc_cell(sdc, "total", s->total, -1, &total, err);
    if (st == EFF_OK) st = eff_sdc_margin(sdc, total, parts, s->n_themes, err);
    if (st == EFF_OK) st = eff_sdc_apply(sdc, err);
    for (size_t k = 0; st == EFF_OK && k < s->n_themes; k++)
        s->hidden[k] = eff_sdc_suppressed(sdc, parts[k]);
    if (st == EFF_OK && eff_sdc_suppressed(sdc, total))
        s->total = -1;
    eff_sdc_free(sdc);
    eff_free(parts);
    return st;
}

static eff_status count(const eff_table *t, const eff_survey_options *o, const size_t *cols,
                        size_t theme_col, const char *const *scale, eff_survey *s,
                        eff_error *err)
{
    size_t n = eff_table_n_rows(t), k = s->n_scale;
    eff_status st = EFF_OK;
    for (size_t r = 0; st == EFF_OK && r < n; r++) {
        const char *theme = eff_table_col_type(t, theme_col) == EFF_TYPE_STR &&
                                    !eff_table_is_na(t, theme_col, r)
                                ? eff_table_str(t, theme_col, r) : NULL;
        if (!theme)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                                 (long)theme_col + 1, "a respondent without a theme (%s)",
                                 o->theme);
        size_t th;
        if ((st = theme_index(s, o, theme, t, r, theme_col, &th, err)) != EFF_OK)
            break;
        if (s->n_themes > MAX_THEMES) {
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                               (long)theme_col + 1, "more than %d themes", MAX_THEMES);
            break;
        }
        s->respondents[th]++;
        for (size_t i = 0; i < o->n_items; i++) {
            int slot = answer_slot(t, cols[i], r, scale, k);
            if (slot < 0)
                return eff_error_set(err, EFF_EINVAL, eff_table_source(t), (long)r + 2,
                                     (long)cols[i] + 1, "%s: an answer not on the scale (%s .. "
                                     "%s, ved ikke, or codes 1-%zu and %d)", o->items[i],
                                     scale[0], scale[k - 1], k, DONT_KNOW_CODE);
            s->cells[i * MAX_THEMES + th].counts[slot]++;
        }
    }
    return st;
}

/* Shares and intervals of every cell, the cells packed to the themes found. */
static void finish(eff_survey *s, const eff_survey_options *o)
{
    size_t k = s->n_scale;
    for (size_t i = 0; i < s->n_items; i++)
        for (size_t th = 0; th < s->n_themes; th++) {
            eff_survey_cell c = s->cells[i * MAX_THEMES + th];
            long answered = 0;
            for (size_t j = 0; j < k; j++)
                answered += c.counts[j];
            long top = c.counts[k - 1] + (k >= 2 ? c.counts[k - 2] : 0);
            c.n = answered + (o->dont_know_include ? c.counts[k] + c.counts[k + 1] : 0);
            c.share = c.n > 0 ? (double)top / (double)c.n : NAN;
            eff_survey_wilson(top, c.n, 0.95, &c.low, &c.high);
            s->cells[i * s->n_themes + th] = c; /* packed: never ahead of its source */
        }
}

eff_status eff_survey_compute(const eff_table *t, const eff_survey_options *o, eff_survey *out,
                              eff_error *err)
{
    *out = (eff_survey){0};
    const char *const *scale = o->scale ? o->scale : danish_scale;
    size_t k = o->scale ? o->n_scale : 5, cols[64], theme_col = 0;
    if (k < 2 || k > EFF_SURVEY_MAX_SCALE || o->n_items == 0 || o->n_items > 64 ||
        (o->themes && o->n_themes > MAX_THEMES))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "a scale of 2-%d steps, 1-64 items "
                             "and at most %d themes", EFF_SURVEY_MAX_SCALE, MAX_THEMES);
    for (size_t i = 0; i <= o->n_items; i++) {
        const char *name = i < o->n_items ? o->items[i] : o->theme;
        long j = eff_table_find(t, name);
        if (j < 0)
            return eff_error_set(err, EFF_EINVAL, eff_table_source(t), 1, 0, "no column %s",
                                 name);
        *(i < o->n_items ? &cols[i] : &theme_col) = (size_t)j;
    }
    out->n_scale = k, out->n_items = o->n_items;
    out->respondents = eff_calloc(MAX_THEMES, sizeof *out->respondents);
    out->hidden = eff_calloc(MAX_THEMES, sizeof *out->hidden);
    out->cells = eff_calloc(o->n_items * MAX_THEMES, sizeof *out->cells);
    eff_status st = out->respondents && out->hidden && out->cells
                        ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t th = 0; st == EFF_OK && o->themes && th < o->n_themes; th++) {
        size_t index;
        st = theme_index(out, &(eff_survey_options){0}, o->themes[th], t, 0, 0, &index, err);
    }
    if (st == EFF_OK) st = count(t, o, cols, theme_col, scale, out, err);
    for (size_t th = 0; st == EFF_OK && th < out->n_themes; th++)
        if (out->respondents[th] == 0)
            st = eff_error_set(err, EFF_EINVAL, eff_table_source(t), 0, (long)theme_col + 1,
                               "theme '%s' has no respondents", out->themes[th]);
    if (st == EFF_OK) {
        finish(out, o);
        st = disclose(out, o->threshold, err);
    }
    if (st != EFF_OK)
        eff_survey_free(out);
    return st;
}

void eff_survey_free(eff_survey *s)
{
    for (size_t k = 0; k < s->n_themes; k++)
        eff_free(s->themes[k]);
    eff_free(s->themes);
    eff_free(s->respondents);
    eff_free(s->hidden);
    eff_free(s->cells);
    *s = (eff_survey){0};
}
