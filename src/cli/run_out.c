/* run_out.c - the files of `effekt run --out DIR` (INTERFACES.md): effects.csv,
 * results.json, tables.xlsx (report_xlsx.c) and, per intervention, characteristics.csv,
 * balance.csv, typical_person.csv and love_plot.svg. Only what passed disclosure control is
 * written: a suppressed cell is an empty field (CSV), null (JSON) or an empty cell (XLSX),
 * never a number; no person id is in any of them. */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "chapters.h"
#include "match_cli.h"
#include "run_cli.h"

const char *run_stars(double p)
{
    return !(p >= 0) ? "" : p < 0.05 ? "**" : p < 0.10 ? "*" : "";
}

static void num(cli_out *o, double v)
{
    if (isfinite(v))
        cli_out_printf(o, ",%.17g", v);
    else
        cli_out_printf(o, ",");
}

static eff_status open_in(cli_out *o, const char *dir, const char *sub, const char *name,
                          eff_error *err)
{
    char path[4096];
    if (sub)
        snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    else
        snprintf(path, sizeof path, "%s/%s", dir, name);
    return cli_out_open(o, path, err);
}

void run_effect_values(const eff_eval_subgroup *sg, const eff_eval_effect *f, int logit,
                       double v[RUN_EFFECT_NV], const char **stars)
{
    for (size_t k = 0; k < RUN_EFFECT_NV; k++)
        v[k] = NAN;
    *stars = "";
    if (f->event_time == -1 && sg->estimated && !f->hidden) {
        v[0] = 0; /* the reference: estimate 0, odds ratio 1, no SE */
        v[5] = logit ? 1 : NAN;
    } else if (f->estimable) {
        const eff_coef_row *r = &f->coef;
        double w[8] = {r->estimate, r->std_error, r->ci95_low, r->ci95_high, r->p_value,
                       logit ? r->odds_ratio : NAN, f->att_pp, f->att_pp_se};
        memcpy(v, w, sizeof w);
        *stars = run_stars(r->p_value);
    }
    if (!f->hidden)
        v[8] = (double)f->persons, v[9] = (double)f->n_obs;
}

static void effect_row(cli_out *o, const eff_eval_iv *iv, const eff_eval_subgroup *sg,
                       const eff_eval_effect *f, int logit)
{
    double v[RUN_EFFECT_NV];
    const char *stars;
    run_effect_values(sg, f, logit, v, &stars);
    cli_out_printf(o, "%s,%s,%s,%d", iv->cfg->id, iv->cfg->outcome->id, sg->id, f->event_time);
    for (size_t k = 0; k < 5; k++)
        num(o, v[k]);
    cli_out_printf(o, ",%s", stars);
    for (size_t k = 5; k < 8; k++)
        num(o, v[k]);
    for (size_t k = 8; k < 10; k++) /* counts as integers */
        isfinite(v[k]) ? cli_out_printf(o, ",%ld", (long)v[k]) : cli_out_printf(o, ",");
    cli_out_printf(o, "\n");
}

static eff_status write_effects(const run_info *ri, eff_error *err)
{
    cli_out o;
    eff_status st = open_in(&o, ri->out_dir, NULL, "effects.csv", err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "intervention,outcome,subgroup,event_time,estimate,std_error,ci_low,"
                       "ci_high,p_value,stars,odds_ratio,att_pp,att_pp_se,n_persons,n_obs\n");
    for (size_t k = 0; ri->eval && k < ri->eval->n_ivs; k++) {
        const eff_eval_iv *iv = &ri->eval->ivs[k];
        int logit = iv->cfg->outcome->kind != EFF_OUTCOME_VALUE;
        for (size_t g = 0; g < iv->n_subgroups; g++)
            for (size_t e = 0; e < iv->subgroups[g].n_effects; e++)
                effect_row(&o, iv, &iv->subgroups[g], &iv->subgroups[g].effects[e], logit);
    }
    return cli_out_close(&o, err);
}

static void cell_value(cli_out *o, const eff_eval_cell *c)
{
    num(o, c->suppressed ? NAN : c->value);
    if (c->suppressed) cli_out_printf(o, ",");
    else cli_out_printf(o, ",%ld", c->persons);
}

static eff_status write_characteristics(const run_info *ri, const eff_eval_iv *iv,
                                        eff_error *err)
{
    cli_out o;
    eff_status st = open_in(&o, ri->out_dir, iv->cfg->id, "characteristics.csv", err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "characteristic,unit,participants,participants_n,controls,controls_n\n");
    for (size_t k = 0; k < iv->n_chars; k++) {
        const eff_eval_char *c = &iv->chars[k];
        cli_out_printf(&o, "%s,%s", c->name, c->is_share ? "percent" : "years");
        cell_value(&o, &c->participants);
        cell_value(&o, &c->controls);
        cli_out_printf(&o, "\n");
    }
    return cli_out_close(&o, err);
}

void run_balance_rows(const eff_eval_iv *iv, balance_rows *b)
{
    b->n = 0;
    for (size_t k = 0; k < iv->n_balance && b->n < MAX_BALANCE_ROWS; k++) {
        if (iv->balance[k].suppressed)
            continue;
        balance_row *r = &b->rows[b->n++];
        snprintf(r->name, sizeof r->name, "%s", iv->balance[k].name);
        r->binary = iv->balance[k].binary;
        r->all = iv->balance[k].all;
        r->matched = iv->balance[k].matched;
    }
}

static eff_status figures_dir(const run_info *ri, eff_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/figures", ri->out_dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the directory: %s",
                             strerror(errno));
    return EFF_OK;
}

static eff_status write_balance(const run_info *ri, const eff_eval_iv *iv, eff_error *err)
{
    static balance_rows b; /* large; one run at a time */
    run_balance_rows(iv, &b);
    cli_out o;
    eff_status st = open_in(&o, ri->out_dir, iv->cfg->id, "balance.csv", err);
    if (st != EFF_OK)
        return st;
    balance_write_csv(&o, &b);
    if ((st = cli_out_close(&o, err)) != EFF_OK)
        return st;
    if ((st = open_in(&o, ri->out_dir, iv->cfg->id, "love_plot.svg", err)) != EFF_OK)
        return st;
    love_plot_write(&o, &b, ri->lang == CLI_DA);
    if ((st = cli_out_close(&o, err)) != EFF_OK)
        return st;
    char name[300]; /* every figure also under DIR/figures/ */
    snprintf(name, sizeof name, "love_plot_%s.svg", iv->cfg->id);
    if ((st = figures_dir(ri, err)) != EFF_OK ||
        (st = open_in(&o, ri->out_dir, "figures", name, err)) != EFF_OK)
        return st;
    love_plot_write(&o, &b, ri->lang == CLI_DA);
    return cli_out_close(&o, err);
}

static eff_status write_typical(const run_info *ri, const eff_eval_iv *iv, eff_error *err)
{
    cli_out o;
    eff_status st = open_in(&o, ri->out_dir, iv->cfg->id, "typical_person.csv", err);
    if (st != EFF_OK)
        return st;
    cli_out_printf(&o, "subgroup,cohort,event_time,treated,treated_low,treated_high,control,"
                       "control_low,control_high,did_pp,did_pp_se,did_pp_low,did_pp_high\n");
    for (size_t g = 0; g < iv->n_subgroups; g++) {
        const eff_eval_subgroup *sg = &iv->subgroups[g];
        for (size_t k = 0; k < sg->n_typical; k++) {
            const eff_eval_typical *t = &sg->typical[k];
            cli_out_printf(&o, "%s,%d,%d", sg->id, iv->cfg->profile.cohort, t->event_time);
            double v[10] = {t->p_treated, t->p_treated_lo, t->p_treated_hi, t->p_control,
                            t->p_control_lo, t->p_control_hi, t->did_pp, t->did_pp_se,
                            t->did_pp_lo, t->did_pp_hi};
            for (size_t i = 0; i < 10; i++)
                num(&o, t->shown ? v[i] : NAN);
            cli_out_printf(&o, "\n");
        }
    }
    return cli_out_close(&o, err);
}

/* DIR/funding/ (the plans' table and the text of chapter 2) and DIR/survey/ (chapter 5). */
static eff_status write_chapters(const run_info *ri, eff_error *err)
{
    char dir[4096];
    eff_status st = EFF_OK;
    int da = ri->lang == CLI_DA;
    if (ri->funding) {
        snprintf(dir, sizeof dir, "%s/funding", ri->out_dir);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the directory: %s",
                                 strerror(errno));
        cli_out o;
        if ((st = open_in(&o, ri->out_dir, "funding", "plans.csv", err)) != EFF_OK)
            return st;
        cli_out_printf(&o, "plan_id,grant_dkk,cofin_dkk,cofin_share,below,estates,residents\n");
        for (long k = 0; k < ri->funding->plans; k++) {
            const eff_funding_plan *p = &ri->funding->plan[k];
            cli_out_printf(&o, "%.0f,%.0f,%.0f,%.17g,%d,%ld,%ld\n", p->plan_id, p->grant_dkk,
                           p->cofin_dkk, p->cofin_share, p->below, p->estates, p->residents);
        }
        if ((st = cli_out_close(&o, err)) != EFF_OK)
            return st;
        if ((st = open_in(&o, ri->out_dir, "funding", "funding.txt", err)) != EFF_OK)
            return st;
        funding_text(&o, ri->funding, da);
        if ((st = cli_out_close(&o, err)) != EFF_OK)
            return st;
    }
    if (ri->survey) {
        snprintf(dir, sizeof dir, "%s/survey", ri->out_dir);
        const eff_config *c = ri->cfg;
        st = survey_files(dir, (const char *const *)c->survey_items,
                          c->n_survey_scale ? (const char *const *)c->survey_scale : NULL,
                          ri->survey, da, err);
        snprintf(dir, sizeof dir, "%s/figures", ri->out_dir);
        if (st == EFF_OK && (st = figures_dir(ri, err)) == EFF_OK)
            st = survey_charts(dir, (const char *const *)c->survey_items,
                               c->n_survey_scale ? (const char *const *)c->survey_scale : NULL,
                               ri->survey, da, err);
    }
    return st;
}

eff_status run_write_files(const run_info *ri, eff_error *err)
{
    eff_status st = write_effects(ri, err);
    if (st == EFF_OK) st = run_write_indicators(ri, err);
    if (st == EFF_OK) st = write_chapters(ri, err);
    for (size_t k = 0; st == EFF_OK && ri->eval && k < ri->eval->n_ivs; k++) {
        const eff_eval_iv *iv = &ri->eval->ivs[k];
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", ri->out_dir, iv->cfg->id);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the directory: %s",
                                 strerror(errno));
        if (!iv->estimated)
            continue;
        if (iv->microdata) { /* asked for explicitly: person ids, marked in the name */
            char path[4200];
            snprintf(path, sizeof path, "%s/microdata_matched_panel.csv", dir);
            eff_write_options wo = eff_write_options_default();
            st = eff_write_table(iv->microdata, path, &wo, NULL, err);
            if (st != EFF_OK)
                return st;
            fprintf(stderr, "effekt: warning: %s holds person ids (micro-data, as the config "
                            "asks); it must not leave the research machine\n", path);
        }
        st = write_characteristics(ri, iv, err);
        if (st == EFF_OK) st = write_balance(ri, iv, err);
        if (st == EFF_OK) st = write_typical(ri, iv, err);
        if (st == EFF_OK) st = run_write_robustness(ri, iv, err);
    }
    if (st == EFF_OK) st = run_write_xlsx(ri, err);
    if (st == EFF_OK) st = report_write(ri, err);
    if (st != EFF_OK)
        return st;
    json_t *root = run_results_json(ri);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory (results.json)");
    cli_out o;
    st = open_in(&o, ri->out_dir, NULL, "results.json", err);
    if (st == EFF_OK) {
        cli_out_printf(&o, "%s\n", text);
        st = cli_out_close(&o, err);
    }
    free(text);
    return st;
}
