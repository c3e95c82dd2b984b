/* run_labels.c - the logic that picks a label shared by several outputs of `effekt run` (the
 * terminal tables of run_text.c, tables.xlsx, the report, the charts): event times, subgroups,
 * characteristics, the participant flow, the area groups, the seed's interventions and
 * outcomes, cluster kinds and numbers as words. The words themselves are in i18n.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "report.h"
#include "run_cli.h"

typedef struct keyed {
    const char *id;
    i18n_msg m;
} keyed;

/* The label of `id` in t[0..n), or NULL when `id` is not there. */
static const char *lookup(const keyed *t, size_t n, const char *id, int da)
{
    for (size_t k = 0; id && k < n; k++)
        if (strcmp(t[k].id, id) == 0)
            return i18n_tr(t[k].m, da);
    return NULL;
}

void run_event_label(int e, int da, char *buf, size_t size)
{
    if (e == 0)
        snprintf(buf, size, "%s", i18n_tr(I18N_EV_ZERO, da));
    else if (e < 0)
        snprintf(buf, size, i18n_tr(e == -1 ? I18N_EV_BEFORE_1 : I18N_EV_BEFORE, da), -e);
    else
        snprintf(buf, size, i18n_tr(e == 1 ? I18N_EV_AFTER_1 : I18N_EV_AFTER, da), e);
}

void run_subgroup_label(const eff_cfg_intervention *iv, const char *id, int da, char *buf,
                        size_t size)
{
    int young = iv->age_max <= 25;
    if (strcmp(id, "all") == 0)
        snprintf(buf, size, "%s", i18n_tr(I18N_ALL, da));
    else if (strcasecmp(id, "koen=M") == 0)
        snprintf(buf, size, "%s", i18n_tr(young ? I18N_BOYS : I18N_MEN, da));
    else if (strcasecmp(id, "koen=K") == 0)
        snprintf(buf, size, "%s", i18n_tr(young ? I18N_GIRLS : I18N_WOMEN, da));
    else
        snprintf(buf, size, "%s", id);
}

const char *run_char_label(const char *name, int da, int young)
{
    /* adults are men and women, and live alone with children rather than with a parent */
    const keyed t[] = {{"age", I18N_CH_AGE},
                       {"male", young ? I18N_CH_BOYS : I18N_CH_MEN},
                       {"female", young ? I18N_CH_GIRLS : I18N_CH_WOMEN},
                       {"non_western", I18N_CH_NON_WESTERN},
                       {"western", I18N_CH_WESTERN},
                       {"capital", I18N_CH_CAPITAL},
                       {"single_parent", young ? I18N_CH_SINGLE_PARENT
                                               : I18N_CH_SINGLE_WITH_CHILDREN},
                       {"mother_vocational", I18N_CH_MOTHER_VOCATIONAL},
                       {"father_vocational", I18N_CH_FATHER_VOCATIONAL}};
    const char *s = lookup(t, sizeof t / sizeof *t, name, da);
    return s ? s : name;
}

const char *run_count_label(size_t k, int da)
{
    return k < EFF_N_COUNT ? i18n_tr((i18n_msg)(I18N_N_RECORDS + k), da) : "";
}

const char *run_group_label(const char *group, int da)
{
    static const keyed t[] = {{"udsat", I18N_AREA_UDSAT},
                              {"almen", I18N_AREA_ALMEN},
                              {"befolkning", I18N_AREA_BEFOLKNING}};
    const char *s = lookup(t, sizeof t / sizeof *t, group, da);
    return s ? s : group;
}

const char *report_iv_name(const char *id, int da)
{
    static const keyed t[] = {{"fritidsjob", I18N_IV_FRITIDSJOB},
                              {"boern_unge", I18N_IV_BOERN_UNGE},
                              {"netvaerksmoedre", I18N_IV_NETVAERKSMOEDRE}};
    const char *s = lookup(t, sizeof t / sizeof *t, id, da);
    return s ? s : id;
}

const char *report_outcome_name(const char *id, int da)
{
    static const keyed t[] = {{"fritidsjob", I18N_OUT_FRITIDSJOB},
                              {"fravaer_pct", I18N_OUT_FRAVAER_PCT},
                              {"i_uddannelse", I18N_OUT_I_UDDANNELSE}};
    const char *s = lookup(t, sizeof t / sizeof *t, id, da);
    return s ? s : id;
}

const char *report_cluster_name(const char *kind, int da)
{
    static const keyed t[] = {
        {"set", I18N_CL_SET}, {"person", I18N_CL_PERSON}, {"plan", I18N_CL_PLAN},
        {"estate", I18N_CL_ESTATE}};
    const char *s = lookup(t, sizeof t / sizeof *t, kind, da);
    return s ? s : kind ? kind : "";
}

const char *report_number_word(int n, int da)
{
    return n >= 2 && n <= 10 ? i18n_tr((i18n_msg)(I18N_NUM_2 + n - 2), da) : NULL;
}

void run_fmt(double v, int dec, int da, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", dec, v);
    char *dot = strchr(buf, '.');
    if (da && dot)
        *dot = ',';
}
