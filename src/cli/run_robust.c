/* run_robust.c - the robustness files of `effekt run` (issue 12): DIR/<intervention>/
 * robustness.csv (Callaway-Sant'Anna stack by stack, and the model's effects with
 * wild-bootstrap inference), sensitivity.csv (Rosenbaum bounds), and their results.json
 * keys. An event time whose effect disclosure control hid is hidden here too; an overall
 * effect or a test that would let it be derived is hidden with it. */
#include <math.h>
#include <string.h>

#include "run_cli.h"

static void num(cli_out *o, double v)
{
    if (isfinite(v))
        cli_out_printf(o, ",%.17g", v);
    else
        cli_out_printf(o, ",");
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* Every effect at event times in [lo, hi] passed disclosure control. */
static int all_shown(const eff_eval_subgroup *sg, int lo, int hi)
{
    for (size_t k = 0; k < sg->n_effects; k++) {
        int e = sg->effects[k].event_time;
        if (e >= lo && e <= hi && sg->effects[k].hidden)
            return 0;
    }
    return 1;
}

int run_effect_shown(const eff_eval_subgroup *sg, size_t k)
{
    return !sg->effects[k].hidden && !sg->n_participants.suppressed;
}

int run_overall_shown(const eff_eval_subgroup *sg)
{
    return all_shown(sg, 0, 1 << 20) && !sg->n_participants.suppressed;
}

void run_robust_values(const eff_eval_robust *r, int with_e, int shown, double v[7])
{
    int show = shown && r->estimated;
    double w[7] = {r->estimate, r->std_error, r->ci_low, r->ci_high, r->band_low, r->band_high,
                   r->p_value};
    for (int k = 0; k < 7; k++)
        v[k] = show ? w[k] : NAN;
    if (with_e && r->event_time == -1 && shown) { /* the reference */
        for (int k = 0; k < 7; k++)
            v[k] = NAN;
        v[0] = 0;
    }
}

int run_pretest_shown(const eff_eval_subgroup *sg)
{
    return all_shown(sg, -(1 << 20), -2) && !sg->n_participants.suppressed;
}

static void robust_row(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg,
                       const char *method, const eff_eval_robust *r, int with_e, int shown)
{
    cli_out_printf(o, "%s,%s,%s,%s,", iv->cfg->id, iv->cfg->outcome->id, sg->id, method);
    if (with_e)
        cli_out_printf(o, "%d", r->event_time);
    double v[7];
    run_robust_values(r, with_e, shown, v);
    for (int k = 0; k < 7; k++)
        num(o, v[k]);
    cli_out_printf(o, "\n");
}

static eff_status write_robustness(const run_info *ri, const eff_eval_iv *iv, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/robustness.csv", ri->out_dir, iv->cfg->id);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "intervention,outcome,subgroup,method,event_time,estimate,std_error,"
                       "ci_low,ci_high,band_low,band_high,p_value\n");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        for (size_t k = 0; sg->cs_done && k < sg->n_effects; k++)
            robust_row(&o, iv, sg, "callaway_santanna", &sg->cs[k], 1, run_effect_shown(sg, k));
        if (sg->cs_done)
            robust_row(&o, iv, sg, "callaway_santanna_overall", &sg->cs_overall, 0,
                       run_overall_shown(sg));
        for (size_t k = 0; sg->wild_done && k < sg->n_effects; k++)
            robust_row(&o, iv, sg, "wild_cluster_bootstrap", &sg->wild[k], 1, run_effect_shown(sg, k));
        for (size_t k = 0; sg->naive_done && k < sg->n_effects; k++)
            robust_row(&o, iv, sg, "naive_twfe", &sg->naive[k], 1, run_effect_shown(sg, k));
    }
    return cli_out_close(&o, err);
}

static eff_status write_sensitivity(const run_info *ri, const eff_eval_iv *iv, eff_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/sensitivity.csv", ri->out_dir, iv->cfg->id);
    cli_out o;
    eff_status st = cli_out_open(&o, path, err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "event_time,gamma,p_lower,p_upper,subgroup,test,n_pairs\n");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        for (size_t k = 0; sg->sens_done && k < sg->n_effects; k++) {
            const eff_eval_sens *s = &sg->sens[k];
            if (!s->done || !run_effect_shown(sg, k))
                continue;
            for (int l = 0; l < EFF_EVAL_N_GAMMA; l++) {
                cli_out_printf(&o, "%d,%.1f", s->event_time, 1 + l / 10.0);
                num(&o, s->p_lower[l]);
                num(&o, s->p_upper[l]);
                cli_out_printf(&o, ",%s,%s,%zu\n", sg->id, s->test, s->n_pairs);
            }
        }
    }
    return cli_out_close(&o, err);
}

eff_status run_write_robustness(const run_info *ri, const eff_eval_iv *iv, eff_error *err)
{
    eff_status st = write_robustness(ri, iv, err);
    return st == EFF_OK ? write_sensitivity(ri, iv, err) : st;
}

static json_t *robust_json(const eff_eval_robust *r, int shown)
{
    int show = shown && r->estimated;
    return json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "event_time", r->event_time,
                     "estimate", show ? jnum(r->estimate) : json_null(), "std_error",
                     show ? jnum(r->std_error) : json_null(), "ci_low",
                     show ? jnum(r->ci_low) : json_null(), "ci_high",
                     show ? jnum(r->ci_high) : json_null(), "band_low",
                     show ? jnum(r->band_low) : json_null(), "band_high",
                     show ? jnum(r->band_high) : json_null(), "p_value",
                     show ? jnum(r->p_value) : json_null());
}

static json_t *why(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *run_robustness_json(const eff_eval_iv *iv)
{
    json_t *out = json_object();
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        json_t *cs = json_array(), *wild = json_array(), *naive = json_array();
        for (size_t k = 0; k < sg->n_effects; k++) {
            if (sg->naive_done)
                json_array_append_new(naive, robust_json(&sg->naive[k], run_effect_shown(sg, k)));
            if (sg->cs_done)
                json_array_append_new(cs, robust_json(&sg->cs[k], run_effect_shown(sg, k)));
            if (sg->wild_done)
                json_array_append_new(wild, robust_json(&sg->wild[k], run_effect_shown(sg, k)));
        }
        int overall = run_overall_shown(sg);
        int pre = run_pretest_shown(sg);
        json_t *o = json_pack(
            "{s:{s:s,s:s,s:s,s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o,s:o,s:b}}",
            "callaway_santanna", "scale", "percentage_points", "control",
            "own_matched_controls", "base_period", "universal", "dynamic", cs, "overall",
            sg->cs_done ? robust_json(&sg->cs_overall, overall) : json_null(), "pretest_p",
            sg->cs_done && pre ? jnum(sg->cs_pretest_p) : json_null(), "why_not",
            why(sg->cs_why_not), "wild_cluster_bootstrap", "cluster",
            sg->wild_done ? json_string(sg->wild_cluster) : json_null(), "n_clusters",
            sg->wild_done ? json_integer((json_int_t)sg->wild_clusters) : json_null(), "reps",
            sg->wild_done ? json_integer(sg->wild_reps) : json_null(), "weights",
            sg->wild_done ? json_string(sg->wild_weights) : json_null(), "effects", wild,
            "why_not", why(sg->wild_why_not), "enumerated", sg->wild_enumerated);
        if (sg->naive_done || sg->naive_why_not)
            json_object_set_new(o, "naive_twfe",
                                json_pack("{s:s,s:I,s:o,s:o}", "scale", "percentage_points",
                                          "persons", (json_int_t)sg->naive_persons, "effects",
                                          naive, "why_not", why(sg->naive_why_not)));
        else
            json_decref(naive);
        json_object_set_new(out, sg->id, o);
    }
    return out;
}

json_t *run_sensitivity_json(const eff_eval_iv *iv)
{
    json_t *out = json_object();
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        json_t *rows = json_array();
        for (size_t k = 0; sg->sens_done && k < sg->n_effects; k++) {
            const eff_eval_sens *s = &sg->sens[k];
            if (!s->done || !run_effect_shown(sg, k))
                continue;
            json_t *lo = json_array(), *hi = json_array();
            for (int l = 0; l < EFF_EVAL_N_GAMMA; l++) {
                json_array_append_new(lo, jnum(s->p_lower[l]));
                json_array_append_new(hi, jnum(s->p_upper[l]));
            }
            json_array_append_new(
                rows, json_pack("{s:i,s:s,s:I,s:b,s:o,s:o,s:o}", "event_time", s->event_time,
                                "test", s->test, "n_pairs", (json_int_t)s->n_pairs, "exact",
                                s->exact, "gamma_star", jnum(s->gamma_star), "p_lower", lo,
                                "p_upper", hi));
        }
        json_object_set_new(out, sg->id,
                            json_pack("{s:{s:f,s:f,s:f},s:o,s:o}", "gamma", "from", 1.0, "by", 0.1,
                                      "to", 3.0, "event_times", rows, "why_not",
                                      why(sg->sens_why_not)));
    }
    return out;
}
