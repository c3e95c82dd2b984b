/* run_text.c - the tables of `effekt run` on the terminal, in the layout of the seed's
 * Tables 3.1-3.6: participant characteristics, then the effects per event time with stars,
 * the pre-trend test and the typical person. Danish by default (decimal comma), English with
 * --lang en. Suppressed cells read "(skjult)" / "(suppressed)".
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run_cli.h"
#include "i18n.h"

static void print_cell(const eff_eval_cell *c, int is_share, int da)
{
    char buf[64];
    if (c->suppressed || isnan(c->value)) {
        printf(" %16s", c->suppressed ? i18n_tr(I18N_SUPPRESSED, da) : "-");
        return;
    }
    run_fmt(c->value, 0, da, buf, sizeof buf);
    if (!is_share)
        strcat(buf, i18n_tr(I18N_YEARS_UNIT, da));
    printf(" %16s", buf);
}

static void print_characteristics(const eff_eval_iv *iv, int da)
{
    int young = iv->cfg->age_max <= 25;
    printf("%s\n\n", i18n_tr(I18N_CHARACTERISTICS_OF_THE_PARTICIPANTS, da));
    printf("%-66s %16s %16s\n", "", i18n_tr(I18N_PARTICIPANTS_COL, da),
           i18n_tr(I18N_CONTROLS_COL, da));
    for (size_t k = 0; k < iv->n_chars; k++) {
        const eff_eval_char *c = &iv->chars[k];
        printf("%-66s", run_char_label(c->name, da, young));
        print_cell(&c->participants, c->is_share, da);
        print_cell(&c->controls, c->is_share, da);
        printf("\n");
    }
    const eff_eval_cell *n = &iv->counts[EFF_N_MATCHED];
    if (n->suppressed)
        printf("%s: N = %s.\n", i18n_tr(I18N_NOTE, da), i18n_tr(I18N_SUPPRESSED, da));
    else
        printf("%s: N = %ld.\n", i18n_tr(I18N_NOTE, da), (long)n->value);
}

static void effect_text(const eff_eval_subgroup *sg, size_t k, int logit, int da, char *buf,
                        size_t size)
{
    const eff_eval_effect *f = &sg->effects[k];
    if (f->hidden)
        snprintf(buf, size, "%s", i18n_tr(I18N_SUPPRESSED, da));
    else if (!sg->estimated)
        snprintf(buf, size, "%s", i18n_tr(I18N_NOT_ESTIMATED_PAREN, da));
    else if (f->event_time == -1)
        snprintf(buf, size, "-");
    else if (!f->estimable)
        snprintf(buf, size, "%s", i18n_tr(I18N_NOT_ESTIMABLE_PAREN, da));
    else {
        run_fmt(logit ? f->coef.odds_ratio : f->coef.estimate, logit ? 3 : 2, da, buf, size);
        strncat(buf, run_stars(f->coef.p_value), size - strlen(buf) - 1);
    }
}

static void print_effects(const eff_eval_iv *iv, int da)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    printf("\n%s %s (%s).\n\n", i18n_tr(I18N_EFFECT_ESTIMATES_OF_PARTICIPATION, da),
           iv->cfg->id, iv->cfg->outcome->id);
    printf("%-26s", "");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        char label[64], head[96];
        run_subgroup_label(iv->cfg, iv->subgroups[g].id, da, label, sizeof label);
        snprintf(head, sizeof head, "%s%s%s", logit ? "Odds ratio" : i18n_tr(I18N_PP, da),
                 iv->n_subgroups > 1 ? " " : "", iv->n_subgroups > 1 ? label : "");
        printf(" %22s", head);
    }
    printf("\n");
    size_t n = iv->n_subgroups ? iv->subgroups[0].n_effects : 0;
    for (size_t k = 0; k < n; k++) {
        char label[64];
        run_event_label(iv->subgroups[0].effects[k].event_time, da, label, sizeof label);
        printf("%-26s", label);
        for (size_t g = 0; g < iv->n_subgroups; g++) {
            char cell[64];
            effect_text(&iv->subgroups[g], k, logit, da, cell, sizeof cell);
            printf(" %22s", cell);
        }
        printf("\n");
    }
    printf("%s\n", i18n_tr(I18N_STARS_NOTE, da));
    printf("%s\n", logit ? i18n_tr(I18N_LOGIT_MODEL_THE_YEAR, da)
                         : i18n_tr(I18N_LINEAR_MODEL_DIFFERENCES_IN, da));
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        char label[64], chi[32], p[32];
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        if (!sg->estimated) {
            printf("      %s: %s\n", label, sg->why_not ? sg->why_not : "");
            continue;
        }
        if (!sg->pretrend_shown) {
            printf("      %s (%s): %s\n", i18n_tr(I18N_PRETREND, da), label,
                   i18n_tr(I18N_NOT_SHOWN, da));
            continue;
        }
        run_fmt(sg->pretrend.statistic, 2, da, chi, sizeof chi);
        run_fmt(sg->pretrend.p_value, 3, da, p, sizeof p);
        printf("      %s (%s): χ²(%.0f) = %s, p = %s; %s %s, %zu %s.\n",
               i18n_tr(I18N_PRETREND, da), label, sg->pretrend.df1, chi, p,
               i18n_tr(I18N_CLUSTER_ROBUST_STANDARD_ERRORS, da),
               sg->cluster, sg->n_clusters, i18n_tr(I18N_CLUSTERS, da));
    }
}

/* Issue 12's robustness, one table per subgroup: Callaway-Sant'Anna in pp with its interval,
 * the wild bootstrap's p-value of the model's effect, and Rosenbaum's Gamma* (the hidden bias
 * that would make the effect insignificant at 5%). Hidden event times stay hidden. */
static void print_robustness(const eff_eval_iv *iv, int da)
{
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        if (!sg->cs_done && !sg->wild_done && !sg->sens_done)
            continue;
        char label[64];
        run_subgroup_label(iv->cfg, sg->id, da, label, sizeof label);
        printf("\n%s (%s, %s):\n%-26s %28s %14s %10s\n", i18n_tr(I18N_ROBUST, da),
               iv->cfg->id, label, "",
               i18n_tr(I18N_CALLAWAY_SANT_ANNA_PP, da),
               i18n_tr(I18N_WILD_BOOT_P, da), "Γ*");
        for (size_t k = 0; k < sg->n_effects; k++) {
            const eff_eval_effect *f = &sg->effects[k];
            char e[64], cs[96] = "", wp[32] = "", gs[32] = "", a[24], b[24], c[24];
            run_event_label(f->event_time, da, e, sizeof e);
            int shown = !f->hidden && !sg->n_participants.suppressed;
            if (!shown) {
                printf("%-26s %28s\n", e, i18n_tr(I18N_HIDDEN, da));
                continue;
            }
            const eff_eval_robust *r = &sg->cs[k];
            if (sg->cs_done && r->estimated) {
                run_fmt(r->estimate, 1, da, a, sizeof a);
                run_fmt(r->ci_low, 1, da, b, sizeof b);
                run_fmt(r->ci_high, 1, da, c, sizeof c);
                snprintf(cs, sizeof cs, "%s [%s; %s]", a, b, c);
            } else if (f->event_time == -1) {
                snprintf(cs, sizeof cs, "reference");
            }
            if (sg->wild_done && sg->wild[k].estimated)
                run_fmt(sg->wild[k].p_value, 3, da, wp, sizeof wp);
            const eff_eval_sens *sv = &sg->sens[k];
            if (sg->sens_done && sv->done) {
                if (isnan(sv->gamma_star))
                    snprintf(gs, sizeof gs, "> 3");
                else
                    run_fmt(sv->gamma_star, 1, da, gs, sizeof gs);
            }
            printf("%-26s %28s %14s %10s\n", e, cs, wp, gs);
        }
        if (sg->wild_done)
            printf("      %s %zu %s (%s, %ld %s%s).\n",
                   i18n_tr(I18N_WILD_CLUSTER_BOOTSTRAP_OVER, da),
                   sg->wild_clusters, i18n_tr(I18N_CLUSTERS, da), sg->wild_cluster, sg->wild_reps,
                   i18n_tr(I18N_DRAWS_WEIGHTS, da), sg->wild_weights);
        if (sg->cs_why_not)
            printf("      %s\n", sg->cs_why_not);
        if (sg->sens_why_not)
            printf("      %s\n", sg->sens_why_not);
        if (sg->wild_why_not)
            printf("      %s\n", sg->wild_why_not);
    }
}

static void print_typical(const eff_eval_iv *iv, int da)
{
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        if (!sg->n_typical)
            continue;
        int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
        printf("\n%s%s%s\n", i18n_tr(I18N_TYPICAL, da),
               iv->cfg->profile.label ? ": " : "",
               iv->cfg->profile.label ? iv->cfg->profile.label : "");
        printf("%-26s %22s %22s %24s\n", "", i18n_tr(I18N_PARTICIPANTS_COL, da),
               i18n_tr(I18N_CONTROLS_COL, da), i18n_tr(I18N_DID_PP, da));
        for (size_t k = 0; k < sg->n_typical; k++) {
            const eff_eval_typical *t = &sg->typical[k];
            char label[64], a[32], b[32], c[32], lo[32], hi[32], cell[3][160];
            run_event_label(t->event_time, da, label, sizeof label);
            if (!t->shown) {
                printf("%-26s %22s\n", label, i18n_tr(I18N_SUPPRESSED, da));
                continue;
            }
            run_fmt(t->p_treated, 1, da, a, sizeof a);
            run_fmt(t->p_control, 1, da, b, sizeof b);
            run_fmt(t->did_pp, 1, da, c, sizeof c);
            snprintf(cell[0], sizeof cell[0], "%s%s", a, logit ? " %" : "");
            snprintf(cell[1], sizeof cell[1], "%s%s", b, logit ? " %" : "");
            run_fmt(t->did_pp_lo, 1, da, lo, sizeof lo);
            run_fmt(t->did_pp_hi, 1, da, hi, sizeof hi);
            snprintf(cell[2], sizeof cell[2], "%s [%s; %s]", c, lo, hi);
            printf("%-26s %22s %22s %24s\n", label, cell[0], cell[1],
                   t->event_time == -1 ? "-" : cell[2]);
        }
    }
}

/* One line per indicator: its latest year's values for the three groups (subgroup all). */
static void print_flow(const eff_eval_iv *iv, int da)
{
    printf("%s:", i18n_tr(I18N_FLOW, da));
    for (size_t k = 0; k < EFF_N_COUNT; k++) {
        const eff_eval_cell *c = &iv->counts[k];
        if (c->suppressed)
            printf(" %s %s;", run_count_label(k, da), i18n_tr(I18N_SUPPRESSED, da));
        else
            printf(" %s %ld;", run_count_label(k, da), (long)c->value);
    }
    printf("\n");
}

static void print_indicators(const run_info *ri, int da)
{
    if (!ri->ind || ri->cfg->n_indicators == 0)
        return;
    printf("\n== %s\n\n%-28s %6s %10s %10s %10s\n", i18n_tr(I18N_INDICATORS, da),
           i18n_tr(I18N_INDICATOR_LC, da), i18n_tr(I18N_YEAR_LC, da), "udsat", "almen", "befolkning");
    for (size_t k = 0; k < ri->cfg->n_indicators; k++) {
        const eff_cfg_indicator *d = &ri->cfg->indicators[k];
        double v[3] = {NAN, NAN, NAN};
        static const char *const groups[3] = {"udsat", "almen", "befolkning"};
        for (size_t i = 0; i < eff_ind_n_cells(ri->ind); i++) {
            const eff_ind_cell *c = eff_ind_cell_at(ri->ind, i);
            if (c->year != d->year_last || strcmp(c->indicator, d->id) ||
                strcmp(c->subgroup, "all"))
                continue;
            for (int g = 0; g < 3; g++)
                if (strcmp(c->group, groups[g]) == 0)
                    v[g] = c->value;
        }
        printf("%-28s %6d", d->id, d->year_last);
        for (int g = 0; g < 3; g++)
            isfinite(v[g]) ? printf(" %10.1f", v[g]) : printf(" %10s", ".");
        printf("\n");
    }
}

void run_print_tables(const run_info *ri)
{
    int da = ri->lang == CLI_DA;
    for (size_t k = 0; ri->eval && k < ri->eval->n_ivs; k++) {
        const eff_eval_iv *iv = &ri->eval->ivs[k];
        printf("\n== %s: %s\n\n", i18n_tr(I18N_INTERVENTION, da), iv->cfg->id);
        print_flow(iv, da);
        if (!iv->estimated) {
            printf("%s\n", i18n_tr(I18N_NOT_ESTIMATED_SEE_THE, da));
            continue;
        }
        printf("\n");
        print_characteristics(iv, da);
        print_effects(iv, da);
        print_robustness(iv, da);
        print_typical(iv, da);
    }
    print_indicators(ri, da);
    for (size_t w = 0; ri->eval && w < ri->eval->n_warnings; w++)
        printf("%s: %s\n", i18n_tr(I18N_WARNING, da), ri->eval->warnings[w]);
    printf("\n%s: %zu %s %ld.\n", i18n_tr(I18N_M_DISCLOSURE, da),
           (ri->eval ? eff_sdc_n_suppressed(ri->eval->sdc) : 0) + eff_ind_n_suppressed(ri->ind),
           i18n_tr(I18N_CELLS_SUPPRESSED_THRESHOLD, da), ri->cfg->threshold);
}
