/* sim_survey.c - the stakeholder survey of the seed's chapter 5, synthetic: 366 respondents
 * in four themes (Table 5.1's rows, seed-notes 6), each answering eight items on the
 * five-point scale or "ved ikke". For every item and theme the probability of "i høj grad" or
 * "i meget høj grad", among those who answer, is Table 5.2's or 5.3's share, so the tables
 * are reproduced in expectation. */
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "atomic.h"
#include "rng.h"
#include "sim_internal.h"

static const char *const themes[] = {"skolegang_uddannelse", "beskaeftigelse",
                                     "foraeldrekompetencer_boerns_trivsel",
                                     "kriminalitetsforebyggelse"};
static const char *const items[] = {"cross_sector_collab", "roles_responsibilities",
                                    "holistic_collab", "outreach_collab", "knowledge_needs",
                                    "new_perspectives", "other_disciplines", "new_methods"};
enum { N_THEMES = 4, N_ITEMS = 8 };
static const char *const answers[] = {"slet ikke", "i mindre grad", "i nogen grad",
                                      "i høj grad", "i meget høj grad", "ved ikke"};

static const char *answer(gsl_rng *r, double high)
{
    double u = gsl_rng_uniform(r);
    if (u < 0.02)
        return "";                      /* no answer */
    if (u < 0.10)
        return answers[5];              /* ved ikke */
    double v = gsl_rng_uniform(r);
    if (v < high)
        return v < high * 0.65 ? answers[3] : answers[4];
    double low = (v - high) / (1.0 - high);
    return low < 0.15 ? answers[0] : low < 0.5 ? answers[1] : answers[2];
}

eff_status sim_survey_write(const sim_world *w, const char *dir, eff_sim_summary *s,
                            eff_error *err)
{
    gsl_rng *r = eff_rng_new(w->seed, SIM_STREAM_GLOBAL + 20);
    if (!r)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "survey.csv", "respondent_id,tema", err);
    eff_atomic *a = f.a;
    for (int k = 0; k < N_ITEMS && st == EFF_OK; k++)
        st = eff_atomic_printf(a, err, ",%s", items[k]);
    if (st == EFF_OK)
        st = eff_atomic_puts(a, "\n", err);
    int id = 0;
    for (int t = 0; t < N_THEMES && st == EFF_OK; t++) {
        char key[128];
        snprintf(key, sizeof key, "survey.n.%s", themes[t]);
        int n = (int)sim_target(key);
        double high[N_ITEMS];
        for (int k = 0; k < N_ITEMS; k++) {
            snprintf(key, sizeof key, "survey.%s.%s", items[k], themes[t]);
            high[k] = sim_target(key) / 100.0;
        }
        for (int i = 0; i < n && st == EFF_OK; i++) {
            st = eff_atomic_printf(a, err, "%d,%s", ++id, themes[t]);
            for (int k = 0; k < N_ITEMS && st == EFF_OK; k++)
                st = eff_atomic_printf(a, err, ",%s", answer(r, high[k]));
            if (st == EFF_OK)
                st = eff_atomic_puts(a, "\n", err);
        }
    }
    eff_rng_free(r);
    return sim_text_close(&f, st, s, err);
}
