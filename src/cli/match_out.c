/* match_out.c - what `effekt match` writes: the matched rows (or, with replacement, the
 * matched pairs), the balance table, the love plot (SVG), and the counts as text or JSON.
 * Every label, Danish and English, comes from i18n.c (i18n_tr). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "match_cli.h"
#include "i18n.h"

/* ---- balance rows: the distance, then each covariate (a text one level by level) ---- */

static eff_status add_row(balance_rows *b, const char *name, const double *x,
                          const unsigned char *treat, const double *w, size_t n, eff_error *err)
{
    if (b->n == MAX_BALANCE_ROWS)
        return EFF_OK; /* more than fit a table: the first MAX_BALANCE_ROWS are shown */
    balance_row *r = &b->rows[b->n];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->binary = eff_balance_is_binary(x, n);
    double sd = eff_balance_sd_treated(x, treat, n);
    eff_status st = eff_balance_stats_of(x, treat, NULL, n, sd, &r->all, err);
    if (!st)
        st = eff_balance_stats_of(x, treat, w, n, sd, &r->matched, err);
    if (!st)
        b->n++;
    return st;
}

eff_status balance_compute(const eff_table *t, const eff_pscore *p, const eff_match *m,
                           const char *const *covariates, size_t n_cov, balance_rows *b,
                           eff_error *err)
{
    size_t n = p->n;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    eff_status st = x && w ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !st && i < n; i++)
        w[i] = eff_match_weight(m, i);
    b->n = 0;
    if (!st)
        st = add_row(b, "distance", p->distance, p->treat, w, n, err);
    for (size_t k = 0; !st && k < n_cov; k++) {
        char name[256];
        eff_design_split_term(covariates[k], name, sizeof name);
        size_t col;
        eff_table_col(t, name, &col, NULL);
        if (eff_table_col_type(t, col) != EFF_TYPE_STR) {
            for (size_t i = 0; i < n; i++) {
                size_t row = p->rows[i];
                switch (eff_table_col_type(t, col)) {
                case EFF_TYPE_I64: x[i] = (double)eff_table_i64(t, col)[row]; break;
                case EFF_TYPE_DATE: x[i] = eff_table_date(t, col)[row]; break;
                default: x[i] = eff_table_f64(t, col)[row]; break;
                }
            }
            st = add_row(b, name, x, p->treat, w, n, err);
            continue;
        }
        const eff_dict *d = eff_table_dict(t, col);
        for (int32_t level = 0; !st && (size_t)level < eff_dict_size(d); level++) {
            size_t present = 0;
            for (size_t i = 0; i < n; i++)
                present += (x[i] = eff_table_codes(t, col)[p->rows[i]] == level);
            if (!present)
                continue;
            char label[300];
            snprintf(label, sizeof label, "%s=%s", name, eff_dict_str(d, level));
            st = add_row(b, label, x, p->treat, w, n, err);
        }
    }
    free(x);
    free(w);
    return st;
}

static void put_num(cli_out *o, double v)
{
    if (isfinite(v))
        cli_out_printf(o, ",%.17g", v);
    else
        cli_out_printf(o, ",");
}

void balance_write_csv(cli_out *o, const balance_rows *b)
{
    cli_out_printf(o, "covariate,sample,mean_treated,mean_control,smd,var_ratio,ecdf_mean,"
                      "ecdf_max,flagged\n");
    for (size_t k = 0; k < b->n; k++)
        for (int s = 0; s < 2; s++) {
            const eff_balance_stats *st = s ? &b->rows[k].matched : &b->rows[k].all;
            cli_out_printf(o, strpbrk(b->rows[k].name, ",\"") ? "\"%s\",%s" : "%s,%s",
                           b->rows[k].name, s ? "matched" : "all");
            put_num(o, st->mean_treated);
            put_num(o, st->mean_control);
            put_num(o, st->smd);
            put_num(o, st->var_ratio);
            put_num(o, st->ecdf_mean);
            put_num(o, st->ecdf_max);
            cli_out_printf(o, ",%d\n", fabs(st->smd) > SMD_FLAG);
        }
}

/* ---- the love plot ---- */

void love_plot_write(cli_out *o, const balance_rows *b, int da)
{
    const double left = 200, width = 420, top = 50, row = 22;
    double xmax = 0.5;
    for (size_t k = 0; k < b->n; k++)
        xmax = fmax(xmax, fmax(fabs(b->rows[k].all.smd), fabs(b->rows[k].matched.smd)) * 1.1);
    double height = top + row * (double)b->n + 60;
    cli_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
                   left + width + 40, height, left + width + 40, height);
    cli_out_printf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    cli_out_printf(o, "<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
                   left, i18n_tr(I18N_BALANCE_BEFORE_AND_AFTER, da));
    double x01 = left + width * 0.1 / xmax, y_end = top + row * (double)b->n;
    cli_out_printf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
                      "stroke-dasharray=\"4 3\"/>\n",
                   x01, top - 10, x01, y_end);
    cli_out_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                   left, top - 10, left, y_end);
    for (size_t k = 0; k < b->n; k++) {
        double y = top + row * ((double)k + 0.5);
        cli_out_printf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">",
                       left - 8, y);
        cli_svg_text(o, b->rows[k].name);
        cli_out_printf(o, "</text>\n");
        double xa = left + width * fabs(b->rows[k].all.smd) / xmax;
        double xm = left + width * fabs(b->rows[k].matched.smd) / xmax;
        cli_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"white\" "
                          "stroke=\"#c0392b\" stroke-width=\"2\"/>\n", xa, y);
        cli_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#1f4e79\"/>\n", xm, y);
    }
    for (int tick = 0; tick <= 4; tick++) {
        double v = xmax * tick / 4, x = left + width * tick / 4;
        cli_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>\n", x,
                       y_end + 16, v);
    }
    cli_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                   left + width / 2, y_end + 34,
                   i18n_tr(I18N_STANDARDISED_MEAN_DIFFERENCE_DASHED, da));
    cli_out_printf(o, "<circle cx=\"%.0f\" cy=\"%.1f\" r=\"5\" fill=\"white\" stroke=\"#c0392b\" "
                      "stroke-width=\"2\"/><text x=\"%.0f\" y=\"%.1f\" dominant-baseline=\"middle\">%s"
                      "</text>\n",
                   left + 10, y_end + 50, left + 20, y_end + 50, i18n_tr(I18N_BEFORE, da));
    cli_out_printf(o, "<circle cx=\"%.0f\" cy=\"%.1f\" r=\"5\" fill=\"#1f4e79\"/><text x=\"%.0f\" "
                      "y=\"%.1f\" dominant-baseline=\"middle\">%s</text>\n",
                   left + 90, y_end + 50, left + 100, y_end + 50, i18n_tr(I18N_AFTER, da));
    cli_out_printf(o, "</svg>\n");
}
