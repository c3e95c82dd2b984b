/* eval_sdc.c - disclosure control of an evaluation run (eval.h step 7): every count, share,
 * mean, subgroup N and treated x event-time cell the run will print is registered with the
 * persons behind it; the margins that tie them together (the participant flow, `all` against
 * its subgroups) are declared; suppression is applied; and the verdicts are copied back, so
 * that writers only ever look at a `suppressed` flag. A count of zero is a structural zero
 * and is shown. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"

#define NOT_REGISTERED SIZE_MAX

static eff_status reg(eff_sdc *s, eff_eval_cell *cell, const char *fmt_id, const char *a,
                      const char *b, eff_error *err)
{
    char id[256];
    snprintf(id, sizeof id, fmt_id, a, b);
    cell->sdc_index = NOT_REGISTERED;
    if (cell->persons <= 0 && cell->with < 0 && cell->value == 0)
        return EFF_OK;
    return eff_sdc_cell(s, id, cell->persons, cell->with, &cell->sdc_index, err);
}

static int hidden(const eff_sdc *s, const eff_eval_cell *cell)
{
    return cell->sdc_index != NOT_REGISTERED && eff_sdc_suppressed(s, cell->sdc_index);
}

static eff_status margin(eff_sdc *s, const eff_eval_cell *total, const eff_eval_cell *const *parts,
                         size_t n, eff_error *err)
{
    size_t idx[EFF_N_COUNT + EFF_CFG_MAX_LIST], m = 0;
    if (total->sdc_index == NOT_REGISTERED)
        return EFF_OK;
    for (size_t k = 0; k < n; k++)
        if (parts[k]->sdc_index != NOT_REGISTERED)
            idx[m++] = parts[k]->sdc_index;
    return m ? eff_sdc_margin(s, total->sdc_index, idx, m, err) : EFF_OK;
}

static eff_status counts(eff_sdc *s, eff_eval_iv *iv, eff_error *err)
{
    eff_eval_cell *c = iv->counts;
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < EFF_N_COUNT; k++) {
        c[k].persons = (long)c[k].value;
        c[k].with = -1;
        if (k == EFF_N_RECORDS) /* records rest on the persons who have them */
            c[k].persons = (long)c[EFF_N_PERSONS].value;
        st = reg(s, &c[k], "%s/counts/%s", iv->cfg->id, eff_eval_count_key[k], err);
    }
    const eff_eval_cell *lost[] = {&c[EFF_N_UNLINKED], &c[EFF_N_FIRST_COHORT],
                                   &c[EFF_N_NOT_RESIDENT], &c[EFF_N_OUTSIDE_RULE],
                                   &c[EFF_N_TOO_FEW_POST], &c[EFF_N_KEPT]};
    const eff_eval_cell *kept[] = {&c[EFF_N_UNMATCHED], &c[EFF_N_MATCHED]};
    if (c[EFF_N_MATCHED].sdc_index != NOT_REGISTERED) /* the analysed N: the table's note */
        eff_sdc_headline(s, c[EFF_N_MATCHED].sdc_index);
    if (st == EFF_OK) st = margin(s, &c[EFF_N_PERSONS], lost, 6, err);
    if (st == EFF_OK) st = margin(s, &c[EFF_N_KEPT], kept, 2, err);
    return st;
}

static eff_status subgroup_margin(eff_sdc *s, eff_eval_iv *iv, eff_error *err)
{
    const eff_eval_cell *parts[EFF_CFG_MAX_LIST];
    const eff_eval_cell *total = &iv->counts[EFF_N_MATCHED];
    size_t n = 0;
    double sum = 0;
    for (size_t k = 0; k < iv->n_subgroups; k++) {
        if (strcmp(iv->subgroups[k].id, "all") == 0) {
            total = &iv->subgroups[k].n_participants;
            continue;
        }
        parts[n++] = &iv->subgroups[k].n_participants;
        sum += iv->subgroups[k].n_participants.value;
    }
    /* only subgroups that partition the total give it away */
    return n && sum == total->value ? margin(s, total, parts, n, err) : EFF_OK;
}

static eff_status register_iv(eff_sdc *s, eff_eval_iv *iv, eff_error *err)
{
    const char *id = iv->cfg->id;
    eff_status st = counts(s, iv, err);
    for (size_t k = 0; st == EFF_OK && k < iv->n_chars; k++) {
        st = reg(s, &iv->chars[k].participants, "%s/characteristics/%s/participants", id,
                 iv->chars[k].name, err);
        if (st == EFF_OK)
            st = reg(s, &iv->chars[k].controls, "%s/characteristics/%s/controls", id,
                     iv->chars[k].name, err);
    }
    for (size_t k = 0; st == EFF_OK && k < iv->n_balance; k++) {
        st = reg(s, &iv->balance[k].treated, "%s/balance/%s/participants", id,
                 iv->balance[k].name, err);
        if (st == EFF_OK)
            st = reg(s, &iv->balance[k].control, "%s/balance/%s/controls", id,
                     iv->balance[k].name, err);
    }
    for (size_t g = 0; st == EFF_OK && g < iv->n_subgroups; g++) {
        eff_eval_subgroup *sg = &iv->subgroups[g];
        sg->n_participants.with = sg->n_controls.with = -1;
        st = reg(s, &sg->n_participants, "%s/%s/n_participants", id, sg->id, err);
        if (st == EFF_OK)
            st = reg(s, &sg->n_controls, "%s/%s/n_controls", id, sg->id, err);
        int binary = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
        for (size_t k = 0; st == EFF_OK && k < sg->n_effects; k++) {
            eff_eval_effect *f = &sg->effects[k];
            char cell_id[300];
            snprintf(cell_id, sizeof cell_id, "%s/%s/effects/e=%d", id, sg->id, f->event_time);
            st = eff_sdc_cell(s, cell_id, f->persons, binary ? f->persons_y1 : -1,
                              &f->sdc_index, err);
        }
    }
    if (st == EFF_OK)
        st = subgroup_margin(s, iv, err);
    return st;
}

static void mark_subgroup(const eff_sdc *s, eff_eval_subgroup *sg)
{
    sg->n_participants.suppressed = hidden(s, &sg->n_participants);
    sg->n_controls.suppressed = hidden(s, &sg->n_controls);
    int ref_hidden = 0;
    for (size_t k = 0; k < sg->n_effects; k++) {
        eff_eval_effect *f = &sg->effects[k];
        if (!eff_sdc_suppressed(s, f->sdc_index))
            continue;
        f->hidden = 1;
        for (size_t l = 0; l < sg->n_effects; l++) /* a variance gives the SE away */
            sg->delta_cov[k][l] = sg->delta_cov[l][k] = sg->att_cov[k][l] = sg->att_cov[l][k] =
                NAN;
        if (f->event_time == -1)
            ref_hidden = 1;
        if (f->event_time < -1)
            sg->pretrend_shown = 0; /* a one-term test would give the coefficient away */
        if (f->estimable || f->event_time == -1)
            f->reason = "suppressed: fewer participants than the disclosure threshold with "
                        "or without the outcome at this event time";
        f->estimable = 0;
    }
    for (size_t k = 0; k < sg->n_typical; k++) {
        eff_eval_typical *t = &sg->typical[k];
        const eff_eval_effect *f = &sg->effects[t->event_time - sg->effects[0].event_time];
        if (ref_hidden || eff_sdc_suppressed(s, f->sdc_index))
            t->shown = 0;
    }
}

eff_status eval_disclose(eff_eval *e, eff_error *err)
{
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < e->n_ivs; k++)
        st = register_iv(e->sdc, &e->ivs[k], err);
    if (st == EFF_OK)
        st = eff_sdc_apply(e->sdc, err);
    for (size_t k = 0; st == EFF_OK && k < e->n_ivs; k++) {
        eff_eval_iv *iv = &e->ivs[k];
        for (size_t c = 0; c < EFF_N_COUNT; c++)
            iv->counts[c].suppressed = hidden(e->sdc, &iv->counts[c]);
        for (size_t c = 0; c < iv->n_chars; c++) {
            iv->chars[c].participants.suppressed = hidden(e->sdc, &iv->chars[c].participants);
            iv->chars[c].controls.suppressed = hidden(e->sdc, &iv->chars[c].controls);
        }
        for (size_t c = 0; c < iv->n_balance; c++)
            iv->balance[c].suppressed = hidden(e->sdc, &iv->balance[c].treated) ||
                                        hidden(e->sdc, &iv->balance[c].control);
        for (size_t g = 0; g < iv->n_subgroups; g++)
            mark_subgroup(e->sdc, &iv->subgroups[g]);
    }
    return st;
}
