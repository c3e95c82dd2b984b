/* run_json.c - results.json of `effekt run` (INTERFACES.md schema, version 1): every number
 * of the run, with suppressed cells as null and the disclosure log at the end. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chapters.h"
#include "run_cli.h"

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jcell(const eff_eval_cell *c)
{
    return c->suppressed ? json_null() : jnum(c->value);
}

static json_t *counts_json(const eff_eval_iv *iv)
{
    json_t *o = json_object();
    for (size_t k = 0; k < EFF_N_COUNT; k++)
        json_object_set_new(o, eff_eval_count_key[k], jcell(&iv->counts[k]));
    json_t *cohorts = json_array();
    for (size_t k = 0; k < iv->n_cohorts; k++)
        json_array_append_new(cohorts, json_pack("{s:i}", "cohort", iv->cohorts[k]));
    json_object_set_new(o, "cohorts", cohorts);
    return o;
}

static json_t *chars_json(const eff_eval_iv *iv)
{
    json_t *a = json_array();
    for (size_t k = 0; k < iv->n_chars; k++) {
        const eff_eval_char *c = &iv->chars[k];
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "characteristic", c->name, "unit",
                         c->is_share ? "percent" : "years", "participants",
                         jcell(&c->participants), "participants_n",
                         c->participants.suppressed ? json_null()
                                                    : json_integer(c->participants.persons),
                         "controls", jcell(&c->controls), "controls_n",
                         c->controls.suppressed ? json_null()
                                                : json_integer(c->controls.persons)));
    }
    return a;
}

static json_t *stats_json(const eff_balance_stats *s)
{
    return json_pack("{s:o,s:o,s:o,s:o,s:o}", "mean_treated", jnum(s->mean_treated),
                     "mean_control", jnum(s->mean_control), "smd", jnum(s->smd), "var_ratio",
                     jnum(s->var_ratio), "ecdf_max", jnum(s->ecdf_max));
}

static json_t *balance_json(const eff_eval_iv *iv)
{
    json_t *a = json_array();
    for (size_t k = 0; k < iv->n_balance; k++) {
        const eff_eval_balance *b = &iv->balance[k];
        json_array_append_new(a, b->suppressed
            ? json_pack("{s:s,s:b,s:n,s:n}", "covariate", b->name, "suppressed", 1, "all",
                        "matched")
            : json_pack("{s:s,s:b,s:o,s:o}", "covariate", b->name, "suppressed", 0, "all",
                        stats_json(&b->all), "matched", stats_json(&b->matched)));
    }
    return a;
}

static json_t *effect_json(const eff_eval_effect *f, int logit)
{
    int ref = f->event_time == -1, ok = f->estimable;
    int hidden = f->hidden;
    const eff_coef_row *r = &f->coef;
    return json_pack("{s:i,s:b,s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o}",
                     "event_time", f->event_time, "estimable", ok, "reason", f->reason,
                     "estimate", ok ? jnum(r->estimate) : ref && !hidden ? json_real(0) : json_null(),
                     "std_error", ok ? jnum(r->std_error) : json_null(),
                     "ci_low", ok ? jnum(r->ci95_low) : json_null(),
                     "ci_high", ok ? jnum(r->ci95_high) : json_null(),
                     "p_value", ok ? jnum(r->p_value) : json_null(),
                     "stars", ok ? run_stars(r->p_value) : "",
                     "odds_ratio", ok && logit ? jnum(r->odds_ratio) : json_null(),
                     "att_pp", ok ? jnum(f->att_pp) : json_null(),
                     "att_pp_se", ok ? jnum(f->att_pp_se) : json_null(),
                     "n_persons", hidden ? json_null() : json_integer(f->persons),
                     "n_obs", hidden ? json_null() : json_integer(f->n_obs));
}

static json_t *typical_json(const eff_eval_subgroup *sg, int cohort)
{
    json_t *a = json_array();
    for (size_t k = 0; k < sg->n_typical; k++) {
        const eff_eval_typical *t = &sg->typical[k];
        double v[10] = {t->p_treated, t->p_treated_lo, t->p_treated_hi, t->p_control,
                        t->p_control_lo, t->p_control_hi, t->did_pp, t->did_pp_se,
                        t->did_pp_lo, t->did_pp_hi};
        static const char *const keys[10] = {"treated", "treated_low", "treated_high",
                                             "control", "control_low", "control_high",
                                             "did_pp", "did_pp_se", "did_pp_low", "did_pp_high"};
        json_t *o = json_pack("{s:s,s:i,s:i}", "subgroup", sg->id, "cohort", cohort,
                              "event_time", t->event_time);
        for (size_t i = 0; i < 10; i++)
            json_object_set_new(o, keys[i], t->shown ? jnum(v[i]) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *subgroup_json(const eff_eval_iv *iv, const eff_eval_subgroup *sg)
{
    int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
    json_t *effects = json_array();
    for (size_t k = 0; k < sg->n_effects; k++)
        json_array_append_new(effects, effect_json(&sg->effects[k], logit));
    json_t *pre = sg->pretrend_shown
        ? json_pack("{s:o,s:o,s:o}", "chi2", jnum(sg->pretrend.statistic), "df",
                    jnum(sg->pretrend.df1), "p", jnum(sg->pretrend.p_value))
        : json_null();
    return json_pack("{s:s,s:b,s:o,s:s,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:o}", "subgroup", sg->id,
                     "estimated", sg->estimated,
                     "why_not", sg->why_not ? json_string(sg->why_not) : json_null(),
                     "model", logit ? "logit" : "linear",
                     "n_participants", jcell(&sg->n_participants),
                     "n_controls", jcell(&sg->n_controls),
                     "n_obs", sg->estimated ? json_integer((json_int_t)sg->n_obs) : json_null(),
                     "person_years_without_outcome", (json_int_t)sg->n_obs_missing,
                     "cluster", sg->estimated ? json_pack("{s:s,s:I}", "by", sg->cluster, "n",
                                                          (json_int_t)sg->n_clusters)
                                              : json_null(),
                     "covariates", sg->model_terms ? json_string(sg->model_terms) : json_null(),
                     "effects", effects, "pretrend", pre);
}

static json_t *matrix(const double m[EFF_EVAL_MAX_E][EFF_EVAL_MAX_E], size_t n)
{
    json_t *rows = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *row = json_array();
        for (size_t l = 0; l < n; l++)
            json_array_append_new(row, jnum(m[k][l]));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *strings(char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(a, json_string(s[k]));
    return a;
}

static json_t *iv_json(const eff_eval_iv *iv)
{
    json_t *o = json_object();
    json_object_set_new(o, "outcome", json_string(iv->cfg->outcome->id));
    json_object_set_new(o, "estimated", json_boolean(iv->estimated));
    json_object_set_new(o, "counts", counts_json(iv));
    json_object_set_new(o, "characteristics", chars_json(iv));
    json_object_set_new(o, "balance", balance_json(iv));
    json_t *subgroups = json_array(), *typical = json_array(), *pre = json_object();
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        json_array_append_new(subgroups, subgroup_json(iv, &iv->subgroups[g]));
        json_t *points = typical_json(&iv->subgroups[g], iv->cfg->profile.cohort);
        json_array_extend(typical, points);
        json_decref(points);
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        json_object_set_new(pre, sg->id, sg->pretrend_shown
            ? json_pack("{s:o,s:o,s:o}", "chi2", jnum(sg->pretrend.statistic), "df",
                        jnum(sg->pretrend.df1), "p", jnum(sg->pretrend.p_value))
            : json_null());
    }
    for (size_t g = 0; g < iv->n_subgroups; g++) { /* covariances by event time, for joint tests */
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        json_t *times = json_array();
        for (size_t k = 0; k < sg->n_effects; k++)
            json_array_append_new(times, json_integer(sg->effects[k].event_time));
        json_object_set_new(json_array_get(subgroups, g), "vcov",
                            json_pack("{s:o,s:o,s:o}", "event_times", times, "estimate",
                                      matrix(sg->delta_cov, sg->n_effects), "att_pp",
                                      matrix(sg->att_cov, sg->n_effects)));
    }
    json_object_set_new(o, "effects", subgroups);
    json_object_set_new(o, "pretrend", pre);
    json_object_set_new(o, "typical_person", typical);
    json_object_set_new(o, "robustness", run_robustness_json(iv));
    json_object_set_new(o, "sensitivity", run_sensitivity_json(iv));
    json_object_set_new(o, "warnings", strings(iv->warnings, iv->n_warnings));
    json_object_set_new(o, "microdata", iv->microdata
                                            ? json_string("microdata_matched_panel.csv")
                                            : json_null());
    return o;
}

/* Every suppressed cell of the effect evaluation and of the indicators, with its reason. */
static json_t *disclosure_json(const run_info *ri)
{
    json_t *list = json_array();
    const eff_sdc *s = ri->eval ? ri->eval->sdc : NULL;
    for (size_t k = 0; s && k < eff_sdc_n_cells(s); k++)
        if (eff_sdc_suppressed(s, k))
            json_array_append_new(list, json_pack("{s:s,s:s}", "id", eff_sdc_id(s, k), "reason",
                                                  eff_sdc_reason(s, k)));
    for (size_t k = 0; k < eff_ind_n_cells(ri->ind); k++) {
        const eff_ind_cell *c = eff_ind_cell_at(ri->ind, k);
        if (c->n >= 0)
            continue;
        char id[512];
        snprintf(id, sizeof id, "indicators/%s/%s/%s/%d", c->indicator, c->group, c->subgroup,
                 c->year);
        json_array_append_new(list, json_pack("{s:s,s:s}", "id", id, "reason", c->reason));
    }
    return json_pack("{s:I,s:I,s:o}", "threshold", (json_int_t)ri->cfg->threshold,
                     "n_suppressed", (json_int_t)json_array_size(list), "suppressed", list);
}

json_t *run_results_json(const run_info *ri)
{
    json_t *inputs = json_array();
    for (size_t k = 0; k < ri->n_inputs; k++)
        json_array_append_new(inputs, json_pack("{s:s,s:s}", "path", ri->inputs[k], "sha256",
                                                ri->sha256[k]));
    json_t *run = json_pack("{s:s,s:o,s:I,s:s,s:s,s:o}", "config", ri->config_path, "inputs",
                            inputs, "seed", (json_int_t)ri->cfg->seed, "lang",
                            ri->lang == CLI_DA ? "da" : "en", "started", ri->started, "seconds",
                            jnum(ri->seconds));
    json_t *ivs = json_object();
    for (size_t k = 0; ri->eval && k < ri->eval->n_ivs; k++)
        json_object_set_new(ivs, ri->eval->ivs[k].cfg->id, iv_json(&ri->eval->ivs[k]));
    return json_pack("{s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "schema_version", 1,
                     "effekt_version", EFFEKT_VERSION, "run", run, "interventions", ivs,
                     "indicators", run_indicators_json(ri), "funding",
                     ri->funding ? funding_json(ri->funding) : json_null(), "survey",
                     ri->survey ? survey_json((const char *const *)ri->cfg->survey_items,
                                              ri->survey)
                                : json_null(),
                     "disclosure", disclosure_json(ri), "warnings",
                     ri->eval ? strings(ri->eval->warnings, ri->eval->n_warnings) : json_array());
}
