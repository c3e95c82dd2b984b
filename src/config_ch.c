/* config_ch.c - the [funding] and [survey] sections of the evaluation config (config.h): the
 * seed's chapters 2 and 5 as parts of `effekt run` (funding.h, survey.h). File names resolve
 * against the data directory, as the registers' do. */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "mem.h"

int cfg_funding_key(parse_state *ps, const char *name, const char *v)
{
    eff_config *c = ps->c;
    if (!c->funding_line)
        c->funding_line = ps->line;
    if (strcmp(name, "plans") == 0 || strcmp(name, "estates") == 0) {
        char **slot = name[0] == 'p' ? &c->funding_plans : &c->funding_estates;
        return cfg_set_str(slot, v) ? cfg_oom(ps) : 1;
    }
    if (strcmp(name, "threshold") == 0) {
        char *end;
        double x = strtod(v, &end);
        if (end == v || *end || !(x >= 0 && x < 1))
            return cfg_fail(ps, "threshold: expected a share in [0, 1), got '%s'%s", v, "");
        c->funding_threshold = x;
        return 1;
    }
    return cfg_fail(ps, "unknown key '%s' in [funding]%s", name, "");
}

int cfg_survey_key(parse_state *ps, const char *name, const char *v)
{
    eff_config *c = ps->c;
    if (!c->survey_line)
        c->survey_line = ps->line;
    if (strcmp(name, "data") == 0 || strcmp(name, "theme") == 0) {
        char **slot = name[0] == 'd' ? &c->survey_data : &c->survey_theme;
        return cfg_set_str(slot, v) ? cfg_oom(ps) : 1;
    }
    struct { const char *key; char **items; size_t *n; } lists[] = {
        {"items", c->survey_items, &c->n_survey_items},
        {"themes", c->survey_themes, &c->n_survey_themes},
        {"scale", c->survey_scale, &c->n_survey_scale}};
    for (size_t k = 0; k < 3; k++)
        if (strcmp(name, lists[k].key) == 0) {
            int rc = cfg_parse_list(v, lists[k].items, lists[k].n);
            return rc == -2 ? cfg_oom(ps)
                   : rc    ? cfg_fail(ps, "%s: too many entries (at most 16)%s", name, "")
                           : 1;
        }
    if (strcmp(name, "dont_know") == 0) {
        if (strcmp(v, "exclude") && strcmp(v, "include"))
            return cfg_fail(ps, "dont_know: expected exclude or include, got '%s'%s", v, "");
        c->survey_dont_know_include = strcmp(v, "include") == 0;
        return 1;
    }
    return cfg_fail(ps, "unknown key '%s' in [survey]%s", name, "");
}

/* Both files of [funding], and the data, theme and items of [survey], when the section is
 * there. 0 ok. */
int cfg_ch_resolve(parse_state *ps)
{
    eff_config *c = ps->c;
    if (c->funding_line && (!c->funding_plans || !c->funding_estates)) {
        ps->line = c->funding_line;
        return cfg_fail(ps, "[funding] needs plans = FILE and estates = FILE%s%s", "", ""), -1;
    }
    if (c->survey_line && (!c->survey_data || !c->survey_theme || !c->n_survey_items)) {
        ps->line = c->survey_line;
        return cfg_fail(ps, "[survey] needs data = FILE, theme = COLUMN and items = A, B, ...%s%s",
                        "", ""), -1;
    }
    if (c->survey_line && c->n_survey_scale == 1) {
        ps->line = c->survey_line;
        return cfg_fail(ps, "[survey] scale: at least two labels%s%s", "", ""), -1;
    }
    return 0;
}

void cfg_ch_free(eff_config *c)
{
    eff_free(c->funding_plans);
    eff_free(c->funding_estates);
    eff_free(c->survey_data);
    eff_free(c->survey_theme);
    char **lists[3] = {c->survey_items, c->survey_themes, c->survey_scale};
    size_t n[3] = {c->n_survey_items, c->n_survey_themes, c->n_survey_scale};
    for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < n[k]; j++)
            eff_free(lists[k][j]);
}
