/* fuzz_survey.c - libFuzzer target for the stakeholder survey: any bytes as the survey export,
 * read as `effekt survey` and `effekt run` read it (eff_read_table on a .csv, default
 * options), then counted by eff_survey_compute, must give a result or a located error
 * (EFF_EINVAL; the reader's EFF_EPARSE, EFF_EIO), never a crash, a leak or undefined
 * behaviour; a result must be consistent (counts within the respondents, shares and their
 * Wilson intervals within [0, 1]). The first byte picks the options: bits 0-1 the theme
 * column by position, 0x04 the first column (an id) left out of the items, the others all
 * items; 0x08 "ved ikke" included; 0x10 a scale of three steps of its own instead of the
 * Danish five; 0x20 the expected themes of Synthetic Denmark's survey; 0xc0 the threshold
 * (3, 5, 10, 100). Seeds: tests/fuzz/seeds/survey/. Build and run: make fuzz (clang,
 * ASan + UBSan). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/effekt.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ITEMS = 70 }; /* above eff_survey_compute's 64, to reach its error */

static void check(const eff_survey *s, const eff_survey_options *o)
{
    long total = 0;
    if (s->n_themes == 0 || s->n_items != o->n_items)
        abort();
    for (size_t th = 0; th < s->n_themes; th++) {
        if (s->respondents[th] <= 0)
            abort();
        total += s->respondents[th];
    }
    if (s->total != -1 && s->total != total)
        abort();
    for (size_t c = 0; c < s->n_items * s->n_themes; c++) {
        const eff_survey_cell *cell = &s->cells[c];
        long all = 0;
        for (size_t j = 0; j < s->n_scale + 2; j++)
            all += cell->counts[j];
        if (all != s->respondents[c % s->n_themes] || cell->n < 0 || cell->n > all)
            abort();
        if (cell->n == 0 ? !isnan(cell->share)
                         : !(cell->share >= 0 && cell->share <= 1 && cell->low >= 0 &&
                             cell->low <= cell->share + 1e-12 && cell->high <= 1 &&
                             cell->high + 1e-12 >= cell->share))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/effekt-fuzz-survey-%d.csv", (int)getpid());
    unsigned char flags;
    if (fuzz_write_input(path, &data, &size, &flags) != 0)
        return 0;
    eff_read_options ro = eff_read_options_default();
    eff_table *t = NULL;
    eff_error err;
    eff_status st = eff_read_table(path, &ro, NULL, &t, &err);
    if (st != EFF_OK) {
        if (st != EFF_EPARSE && st != EFF_EINVAL && st != EFF_EIO)
            abort();
        return 0;
    }
    size_t n_cols = eff_table_n_cols(t), theme = flags & 3u, n_items = 0;
    const char *items[MAX_ITEMS];
    for (size_t j = flags & 0x04 ? 1 : 0; j < n_cols && n_items < MAX_ITEMS; j++)
        if (j != theme)
            items[n_items++] = eff_table_col_name(t, j);
    static const char *const scale[] = {"nej", "lidt", "ja"};
    static const char *const themes[] = {"skolegang_uddannelse", "beskaeftigelse",
                                         "foraeldrekompetencer_boerns_trivsel",
                                         "kriminalitetsforebyggelse"};
    static const long thresholds[] = {3, 5, 10, 100};
    eff_survey_options o = {
        .theme = theme < n_cols ? eff_table_col_name(t, theme) : "tema", .items = items,
        .n_items = n_items, .scale = flags & 0x10 ? scale : NULL, .n_scale = flags & 0x10 ? 3 : 0,
        .themes = flags & 0x20 ? themes : NULL, .n_themes = flags & 0x20 ? 4 : 0,
        .dont_know_include = (flags & 0x08) != 0, .threshold = thresholds[flags >> 6]};
    eff_survey s;
    st = eff_survey_compute(t, &o, &s, &err);
    if (st == EFF_OK) {
        check(&s, &o);
        eff_survey_free(&s);
    } else if (st != EFF_EINVAL || s.cells || s.themes) {
        abort(); /* bad data is EFF_EINVAL, and a failure leaves nothing to free */
    }
    eff_table_free(t);
    return 0;
}
