/* run_labels.c - the Danish and English labels that more than one output of `effekt run`
 * shows (the terminal tables of run_text.c, tables.xlsx of report_xlsx.c, the charts): event
 * times, subgroups, characteristics, the participant flow, the indicator groups and the
 * tables' recurring headings. One source, so the outputs say the same thing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run_cli.h"

void run_event_label(int e, int da, char *buf, size_t size)
{
    if (e == 0)
        snprintf(buf, size, "%s", da ? "Indsatsåret" : "Year of participation");
    else if (da)
        snprintf(buf, size, "%d år %s indsatsen", e < 0 ? -e : e, e < 0 ? "før" : "efter");
    else
        snprintf(buf, size, "%d year%s %s", e < 0 ? -e : e, abs(e) == 1 ? "" : "s",
                 e < 0 ? "before" : "after");
}

void run_subgroup_label(const eff_cfg_intervention *iv, const char *id, int da, char *buf,
                        size_t size)
{
    int young = iv->age_max <= 25;
    if (strcmp(id, "all") == 0)
        snprintf(buf, size, "%s", da ? "alle" : "all");
    else if (strcasecmp(id, "koen=M") == 0)
        snprintf(buf, size, "%s", da ? (young ? "drenge" : "mænd") : (young ? "boys" : "men"));
    else if (strcasecmp(id, "koen=K") == 0)
        snprintf(buf, size, "%s", da ? (young ? "piger" : "kvinder") : (young ? "girls" : "women"));
    else
        snprintf(buf, size, "%s", id);
}

const char *run_char_label(const char *name, int da, int young)
{
    static const char *const keys[] = {"age", "male", "female", "non_western", "western",
                                       "capital", "single_parent", "mother_vocational",
                                       "father_vocational"};
    static const char *const dk[] = {
        "Gennemsnitlig alder", "Andel drenge", "Andel piger",
        "Andel med ikke-vestlig oprindelse", "Andel med vestlig oprindelse",
        "Andel, der bor i København og omegn", "Andel, der bor med enlig forælder",
        "Andel med mødre, der har en erhvervskompetencegivende uddannelse",
        "Andel med fædre, der har en erhvervskompetencegivende uddannelse"};
    static const char *const en[] = {
        "Mean age", "Share boys", "Share girls", "Share of non-Western origin",
        "Share of Western origin", "Share living in the Copenhagen area",
        "Share living with a single parent", "Share whose mother has vocational education",
        "Share whose father has vocational education"};
    for (size_t k = 0; k < 9; k++)
        if (strcmp(name, keys[k]) == 0) {
            if (!young && k == 6)
                return da ? "Andel, der er enlige med børn" : "Share single with children";
            if (!young && (k == 1 || k == 2))
                return da ? (k == 1 ? "Andel mænd" : "Andel kvinder")
                          : (k == 1 ? "Share men" : "Share women");
            return da ? dk[k] : en[k];
        }
    return name;
}

const char *run_count_label(size_t k, int da)
{
    static const char *const dk[EFF_N_COUNT] = {
        "registreringer", "personer", "ikke fundet i registrene", "første kohorte fravalgt",
        "ikke bosat i g-1 og g", "uden for målgruppen i g", "for få år efter start",
        "beholdt", "uden match", "matchet", "kontrolkandidater (kohorte-personer)",
        "kontrolkandidater (personer)", "kontrolpersoner", "kontrolpersoner i flere kohorter"};
    return k < EFF_N_COUNT ? (da ? dk[k] : eff_eval_count_key[k]) : "";
}

const char *run_group_label(const char *group, int da)
{
    static const char *const ids[3] = {"udsat", "almen", "befolkning"};
    static const char *const dk[3] = {"Udsatte boligområder", "Almene boligområder",
                                      "Hele befolkningen"};
    static const char *const en[3] = {"Deprived estates", "Other social housing",
                                      "Whole population"};
    for (size_t k = 0; k < 3; k++)
        if (strcmp(group, ids[k]) == 0)
            return da ? dk[k] : en[k];
    return group;
}

const char *run_word(run_word_id w, int da)
{
    static const char *const dk[RUN_W_COUNT] = {
        [RUN_W_PARTICIPANTS] = "Indsatsgruppe", [RUN_W_CONTROLS] = "Kontrolgruppe",
        [RUN_W_DID_PP] = "Forskel-i-forskel (pp)", [RUN_W_PP] = "Procentpoint",
        [RUN_W_TYPICAL] = "Den typiske person", [RUN_W_ROBUSTNESS] = "Robusthed",
        [RUN_W_INDICATORS] = "Indikatorer", [RUN_W_INTERVENTION] = "Indsats",
        [RUN_W_DISCLOSURE] = "Diskretionering", [RUN_W_FLOW] = "Deltagerforløb"};
    static const char *const en[RUN_W_COUNT] = {
        [RUN_W_PARTICIPANTS] = "Participants", [RUN_W_CONTROLS] = "Controls",
        [RUN_W_DID_PP] = "DiD (pp)", [RUN_W_PP] = "Percentage points",
        [RUN_W_TYPICAL] = "The typical person", [RUN_W_ROBUSTNESS] = "Robustness",
        [RUN_W_INDICATORS] = "Indicators", [RUN_W_INTERVENTION] = "Intervention",
        [RUN_W_DISCLOSURE] = "Disclosure control", [RUN_W_FLOW] = "Participant flow"};
    return (unsigned)w < RUN_W_COUNT ? (da ? dk[w] : en[w]) : "";
}

void run_fmt(double v, int dec, int da, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", dec, v);
    char *dot = strchr(buf, '.');
    if (da && dot)
        *dot = ',';
}
