/* sim_check.c - the calibration report: reads a Synthetic Denmark directory back (any of its
 * formats, through eff_read_table), computes every figure of data/calibration.csv from the
 * files alone, and compares it with its target. It never looks at the simulator's state, so
 * it checks what an evaluator would get.
 *
 * Whole-population figures are weighted by omraader.csv's weights (1/sampling fraction).
 * The allowance for sampling noise is 4 standard errors, clustered by area (t quantiles at the
 * same level when there are few areas), added to the target's tolerance: with some 120
 * figures, a correct simulator then misses one with probability under 1%. Counts marked "exact" must be equal; their targets scale with
 * --plans and --participants-scale (read from simulate.json). Owns what it loads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "date.h"
#include "mem.h"
#include "regfile.h"
#include "sim_check_internal.h"

/* ---- weighted means ---- */

typedef struct acc {
    double sw, swx, swxx, sw2;
    long n;
} acc;

static void acc_add(acc *a, double w, double x)
{
    a->sw += w, a->swx += w * x, a->swxx += w * x * x, a->sw2 += w * w;
    a->n++;
}

static void acc_result(const acc *a, double scale, eff_sim_check_row *row)
{
    row->n = row->clusters = a->n;
    if (a->sw <= 0) {
        row->value = row->se = NAN;
        return;
    }
    double mean = a->swx / a->sw, var = a->swxx / a->sw - mean * mean;
    double n_eff = a->sw * a->sw / a->sw2;
    row->value = mean * scale;
    row->se = sqrt(var > 0 ? var / n_eff : 0) * scale;
}

/* The weighted mean of xs (NaN: outside the domain) with its standard error clustered by
 * area (estate, or municipality outside social housing): the area x year shocks make the
 * persons of one area alike, and an iid error would promise more precision than there is. */
static eff_status clustered_mean(const eff_sim_checker *ck, const year_data *y, const double *xs,
                                 double scale, eff_sim_check_row *row, eff_error *err)
{
    double sw = 0, swx = 0, sw2 = 0;
    long n = 0;
    for (size_t i = 0; i < y->n; i++)
        if (!isnan(xs[i])) {
            double w = ck->weight[y->area[i]];
            sw += w, swx += w * xs[i], sw2 += w * w, n++;
        }
    row->n = n;
    if (sw <= 0) {
        row->value = row->se = NAN;
        return EFF_OK;
    }
    double mean = swx / sw;
    double *sums = eff_calloc(SIM_CHECK_CLUSTERS, sizeof *sums);
    if (!sums)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < y->n; i++)
        if (!isnan(xs[i]))
            sums[y->cluster[i]] += ck->weight[y->area[i]] * (xs[i] - mean);
    double ss = 0;
    long clusters = 0;
    for (size_t c = 0; c < SIM_CHECK_CLUSTERS; c++)
        if (sums[c] != 0)
            ss += sums[c] * sums[c], clusters++;
    eff_free(sums);
    double var = clusters > 1 ? ss / (sw * sw) * (double)clusters / (double)(clusters - 1) : 0;
    row->clusters = clusters;
    row->value = mean * scale;
    row->se = sqrt(var) * scale;
    /* A rare event in a small sample can show no variance at all; the variance the target
     * itself implies (binomial for shares, Poisson for rates) is a floor under the SE. */
    double target = row->target / scale, n_eff = sw * sw / sw2;
    double null_var = scale == 100 ? target * (1 - target) : scale == 1000 ? target : 0;
    if (null_var > 0 && n_eff > 0)
        row->se = fmax(row->se, sqrt(null_var / n_eff) * scale);
    return EFF_OK;
}

enum measure { M_LEISURE, M_ABSENCE, M_WOMENEDU, M_NEET, M_VOCATIONAL, M_EDU1720,
               M_EMPLOYMENT, M_ABSENCE10, M_EXITEXAM, M_POVERTY, M_SUSPICIONS, M_CHARGES,
               M_N };
static const struct {
    const char *name;
    int amin, amax, sex;
    double scale;
} measures[M_N] = {
    {"leisure", 14, 16, -1, 100},  {"absence", 12, 14, -1, 1},     {"womenedu", 30, 49, 1, 100},
    {"neet", 16, 24, -1, 100},     {"vocational", 30, 64, -1, 100}, {"edu1720", 17, 20, -1, 100},
    {"employment", 25, 50, -1, 100}, {"absence10", 0, 200, -1, 100}, {"exitexam", 0, 200, -1, 100},
    {"poverty", 0, 6, -1, 100},    {"suspicions", 10, 14, -1, 1000}, {"charges", 15, 20, -1, 1000},
};

/* The value of person i for a measure; 0 when the person is outside its domain. */
static int measure(int m, const year_data *y, size_t i, double line, double *x)
{
    switch (m) {
    case M_LEISURE:
        if (!y->enrolled[i] || y->udd[i] / 1000 > 2)
            return 0;
        return *x = y->hours[i] >= 110, 1;
    case M_ABSENCE: return !isnan(y->absence[i]) && (*x = y->absence[i], 1);
    case M_WOMENEDU:
    case M_EDU1720: return *x = y->enrolled[i], 1;
    case M_NEET: return *x = !y->enrolled[i] && y->beskst[i] != 1, 1;
    case M_VOCATIONAL: return y->voc[i] >= 0 && (*x = y->voc[i], 1);
    case M_EMPLOYMENT: return *x = y->beskst[i] == 1, 1;
    case M_ABSENCE10: return y->klasse[i] >= 8 && !isnan(y->absence[i]) && (*x = y->absence[i] > 10, 1);
    case M_EXITEXAM: return y->klasse[i] == 9 && y->exam[i] >= 0 && (*x = y->exam[i], 1);
    case M_POVERTY: return !isnan(y->eqinc[i]) && (*x = y->eqinc[i] < line, 1);
    case M_SUSPICIONS: return *x = y->mistanke[i], 1;
    default: return *x = y->sigtelse[i], 1;
    }
}

static int by_value(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Half the weighted median equivalised income of everybody, into *line. */
static eff_status poverty_line(const eff_sim_checker *ck, const year_data *y, double *line,
                               eff_error *err)
{
    double *v = eff_mallocarray(2 * (y->n ? y->n : 1), sizeof *v);
    if (!v)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    double total = 0;
    for (size_t i = 0; i < y->n; i++)
        if (!isnan(y->eqinc[i]) && y->area[i] >= 0) {
            v[2 * n] = y->eqinc[i], v[2 * n + 1] = ck->weight[y->area[i]];
            total += v[2 * n + 1];
            n++;
        }
    qsort(v, n, 2 * sizeof *v, by_value);
    double cum = 0, median = NAN;
    for (size_t k = 0; k < n; k++) {
        cum += v[2 * k + 1];
        if (cum >= 0.5 * total) {
            median = v[2 * k];
            break;
        }
    }
    eff_free(v);
    *line = 0.5 * median;
    return EFF_OK;
}

static int group_of(const char *s)
{
    return !strcmp(s, "udsat") ? AREA_UDSAT : !strcmp(s, "almen") ? AREA_ALMEN
                                            : !strcmp(s, "befolkning") ? AREA_N : -2;
}

/* measure.GROUP[.SEX][.ORIGIN].YEAR */
static eff_status person_measure(eff_sim_checker *ck, int m, char **part, int n_parts,
                                 eff_sim_check_row *row, eff_error *err)
{
    int group = group_of(part[1]), sex = measures[m].sex, origin = -1;
    int year = atoi(part[n_parts - 1]);
    for (int k = 2; k < n_parts - 1; k++) {
        if (!strcmp(part[k], "M") || !strcmp(part[k], "K"))
            sex = part[k][0] == 'K';
        else
            origin = sim_check_code(part[k], sim_check_origin_names, ORIG_N);
    }
    if (group == -2 || year < CK_Y0 || year >= CK_Y0 + CK_NY)
        return EFF_OK;
    year_data *y;
    eff_status st = sim_check_year(ck, year, &y, err);
    if (st != EFF_OK)
        return st;
    double line = 0;
    if (m == M_POVERTY && (st = poverty_line(ck, y, &line, err)) != EFF_OK)
        return st;
    double *xs = eff_mallocarray(y->n + 1, sizeof *xs);
    if (!xs)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < y->n; i++) {
        xs[i] = NAN;
        if (y->area[i] < 0 || (group != AREA_N && y->area[i] != group) ||
            y->alder[i] < measures[m].amin || y->alder[i] > measures[m].amax ||
            (sex >= 0 && y->sex[i] != sex) || (origin >= 0 && y->origin[i] != origin) ||
            !measure(m, y, i, line, &xs[i]))
            xs[i] = NAN;
    }
    st = clustered_mean(ck, y, xs, measures[m].scale, row, err);
    eff_free(xs);
    return st;
}

/* ---- participants ---- */

static const char *const pools[IV_N][7] = {
    {"lommepengejob", "fritidsjob", NULL},
    {"brandkadet", "mentor", "projekt_event", "kreativ_laering", "lommepengejob", "fritidsjob", NULL},
    {"netvaerksmoedre", NULL}};

static int in_pool(int iv, const char *activity)
{
    for (int k = 0; pools[iv][k]; k++)
        if (!strcmp(activity, pools[iv][k]))
            return 1;
    return 0;
}

static int meets_rule(int iv, const year_data *y, long i)
{
    int level = y->udd[i] / 1000, a = y->alder[i];
    if (iv == 0)
        return a >= 14 && a <= 20 && y->enrolled[i] && level >= 1 && level <= 2;
    if (iv == 1)
        return a >= 12 && a <= 14 && y->enrolled[i] && level == 1;
    return y->sex[i] == 1 && a >= 30 && a <= 49;
}

static int by_pnr_year(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

static eff_status participants(eff_sim_checker *ck, int iv, const char *what,
                               eff_sim_check_row *row, eff_error *err)
{
    eff_table *t = NULL;
    eff_status st = sim_check_read(ck, "deltagelse", 0, &t, err);
    size_t c[3];
    static const char *const cols[] = {"pnr", "aktivitet", "start_aar"};
    for (int k = 0; st == EFF_OK && k < 3; k++)
        st = sim_check_col(t, cols[k], &c[k], err);
    size_t n = st == EFF_OK ? eff_table_n_rows(t) : 0, m = 0;
    uint64_t *rec = eff_mallocarray(2 * (n ? n : 1), sizeof *rec);
    if (st == EFF_OK && !rec)
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; st == EFF_OK && r < n; r++)
        if (in_pool(iv, sim_check_str(t, c[1], r))) {
            double start = sim_check_num(t, c[2], r);
            if (!(start >= 1900 && start <= 2100)) {
                st = eff_error_set(err, EFF_EPARSE, "deltagelse.csv", (long)r + 2, (long)c[2] + 1,
                                   "start_aar is not a year");
                break;
            }
            rec[2 * m] = sim_check_id(t, c[0], r), rec[2 * m + 1] = (uint64_t)start, m++;
        }
    eff_table_free(t);
    qsort(rec, m, 2 * sizeof *rec, by_pnr_year);
    acc a = {0};
    double scale = 100;
    for (size_t k = 0; st == EFF_OK && k < m; k++) {
        if (k > 0 && rec[2 * k] == rec[2 * k - 2])
            continue; /* the start year is the first record's */
        int g = (int)rec[2 * k + 1];
        if (g < CK_Y0 + 1 || g >= CK_Y0 + CK_NY)
            continue;
        year_data *y;
        if ((st = sim_check_year(ck, g, &y, err)) != EFF_OK)
            break;
        long i = sim_check_row(y, rec[2 * k]);
        if (i < 0 || !meets_rule(iv, y, i))
            continue;
        double x = 1;
        if (!strcmp(what, "n"))
            x = 1, scale = 1;
        else if (!strcmp(what, "mean_age"))
            x = y->alder[i], scale = 1;
        else if (!strcmp(what, "boys"))
            x = y->sex[i] == 0;
        else if (!strcmp(what, "non_western"))
            x = y->origin[i] == ORIG_IKKEVEST;
        else if (!strcmp(what, "cph"))
            x = y->cph[i];
        else if (!strcmp(what, "single_parent"))
            x = y->single[i];
        else if (!strcmp(what, "single_with_children"))
            x = y->single[i] && y->nkids[i] > 0;
        else if (!strcmp(what, "mother_voc"))
            x = y->mother[i] >= 0 && y->voc[y->mother[i]] == 1;
        else if (!strcmp(what, "father_voc"))
            x = y->father[i] >= 0 && y->voc[y->father[i]] == 1;
        acc_add(&a, 1, x);
    }
    eff_free(rec);
    if (st != EFF_OK)
        return st;
    if (!strcmp(what, "n")) {
        row->value = (double)a.n, row->n = a.n, row->se = 0;
        return EFF_OK;
    }
    acc_result(&a, scale, row);
    return EFF_OK;
}

/* ---- persistence, recidivism and debut ---- */

static int is_neet(const year_data *y, long i)
{
    return !y->enrolled[i] && y->beskst[i] != 1;
}

static eff_status neet_persistence(eff_sim_checker *ck, eff_sim_check_row *row, eff_error *err)
{
    year_data *a, *b;
    eff_status st = sim_check_year(ck, 2011, &a, err);
    if (st == EFF_OK)
        st = sim_check_year(ck, 2015, &b, err);
    if (st != EFF_OK)
        return st;
    acc s = {0};
    for (size_t i = 0; i < a->n; i++) {
        if (a->area[i] != AREA_UDSAT || a->alder[i] < 16 || a->alder[i] > 24 || !is_neet(a, (long)i))
            continue;
        long j = sim_check_row(b, a->pnr[i]);
        if (j >= 0)
            acc_add(&s, 1, is_neet(b, j));
    }
    acc_result(&s, 100, row);
    return EFF_OK;
}

static eff_status recidivism(eff_sim_checker *ck, int group, eff_sim_check_row *row, eff_error *err)
{
    year_data *y[3];
    eff_status st = EFF_OK;
    for (int k = 0; k < 3 && st == EFF_OK; k++)
        st = sim_check_year(ck, 2014 + k, &y[k], err);
    if (st != EFF_OK)
        return st;
    acc s = {0};
    for (size_t i = 0; i < y[0]->n; i++) {
        if (y[0]->area[i] < 0 || (group != AREA_N && y[0]->area[i] != group) ||
            y[0]->alder[i] < 15 || y[0]->alder[i] > 20 || y[0]->sigtelse[i] == 0)
            continue;
        int again = 0;
        for (int k = 1; k < 3; k++) {
            long j = sim_check_row(y[k], y[0]->pnr[i]);
            again |= j >= 0 && y[k]->mistanke[j] + y[k]->sigtelse[j] > 0;
        }
        acc_add(&s, ck->weight[y[0]->area[i]], again);
    }
    acc_result(&s, 100, row);
    return EFF_OK;
}

/* Mean age at the first event on record, persons born 1996-1998 (present in 2016). */
static eff_status debut_age(eff_sim_checker *ck, int group, eff_sim_check_row *row, eff_error *err)
{
    year_data *y;
    eff_status st = sim_check_year(ck, 2016, &y, err);
    if (st != EFF_OK)
        return st;
    int32_t *first = eff_mallocarray(y->n ? y->n : 1, sizeof *first);
    if (!first)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < y->n; i++)
        first[i] = INT32_MAX;
    for (int year = CK_Y0; year < CK_Y0 + CK_NY && st == EFF_OK; year++) {
        eff_table *t = NULL;
        size_t c[2];
        st = sim_check_read(ck, "krim", year, &t, err);
        if (st == EFF_OK)
            st = sim_check_col(t, "PNR", &c[0], err);
        if (st == EFF_OK)
            st = sim_check_col(t, "GERNINGSDATO", &c[1], err);
        for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
            long i = sim_check_row(y, sim_check_id(t, c[0], r));
            double date = sim_check_num(t, c[1], r);
            int32_t d = fabs(date) < 1e6 ? (int32_t)date : INT32_MAX;
            if (i >= 0 && d < first[i])
                first[i] = d;
        }
        eff_table_free(t);
    }
    acc s = {0};
    for (size_t i = 0; st == EFF_OK && i < y->n; i++) {
        int by, bm, bd;
        eff_date_to_ymd(y->birth[i], &by, &bm, &bd);
        if (by < 1996 || by > 1998 || first[i] == INT32_MAX || y->area[i] < 0 ||
            (group != AREA_N && y->area[i] != group))
            continue;
        acc_add(&s, ck->weight[y->area[i]], floor((first[i] - y->birth[i]) / 365.25));
    }
    eff_free(first);
    acc_result(&s, 1, row);
    return st;
}

/* ---- areas, funding and the survey ---- */

static eff_status table_figure(eff_sim_checker *ck, char **part, eff_sim_check_row *row,
                               eff_error *err)
{
    eff_table *t = NULL;
    const char *file = !strcmp(part[0], "survey") ? "survey"
                       : !strcmp(part[1], "estates") ? "afdelinger" : "planer";
    eff_status st = sim_check_read(ck, file, 0, &t, err);
    if (st != EFF_OK)
        return st;
    size_t n = eff_table_n_rows(t), c, c2;
    acc a = {0};
    if (!strcmp(part[0], "survey")) {
        st = sim_check_col(t, "tema", &c, err);
        int count = !strcmp(part[1], "n");
        if (st == EFF_OK && !count)
            st = sim_check_col(t, part[1], &c2, err);
        for (size_t r = 0; st == EFF_OK && r < n; r++) {
            if (strcmp(sim_check_str(t, c, r), part[2]) != 0)
                continue;
            if (count) {
                a.n++;
                continue;
            }
            const char *ans = sim_check_str(t, c2, r);
            if (!*ans || !strcmp(ans, "ved ikke"))
                continue;
            acc_add(&a, 1, !strcmp(ans, "i høj grad") || !strcmp(ans, "i meget høj grad"));
        }
        if (count)
            row->value = (double)a.n, row->n = a.n, row->se = 0;
        else
            acc_result(&a, 100, row);
    } else if (!strcmp(part[1], "estates")) {
        st = sim_check_col(t, "plan_2011_14", &c, err);
        for (size_t r = 0; st == EFF_OK && r < n; r++)
            a.n += sim_check_num(t, c, r) == 1;
        row->value = (double)a.n, row->n = a.n;
    } else {
        st = sim_check_col(t, "grant_dkk", &c, err);
        double total = 0;
        for (size_t r = 0; st == EFF_OK && r < n; r++)
            total += sim_check_num(t, c, r);
        row->n = (long)n;
        if (!strcmp(part[1], "plans"))
            row->value = (double)n;
        else if (!strcmp(part[1], "grant_per_plan"))
            row->value = total / (double)n / 1e6;
        else {
            year_data *y;
            if (st == EFF_OK)
                st = sim_check_year(ck, 2011, &y, err);
            long residents = 0;
            for (size_t i = 0; st == EFF_OK && i < y->n; i++)
                residents += y->area[i] == AREA_UDSAT;
            row->value = total / (double)residents;
        }
    }
    eff_table_free(t);
    return st;
}

static eff_status residents(eff_sim_checker *ck, eff_sim_check_row *row, eff_error *err)
{
    year_data *y;
    eff_status st = sim_check_year(ck, 2011, &y, err);
    if (st != EFF_OK)
        return st;
    long n = 0;
    for (size_t i = 0; i < y->n; i++)
        n += y->area[i] == AREA_UDSAT;
    row->value = (double)n, row->n = n;
    return EFF_OK;
}

/* ---- the driver ---- */

static eff_status figure(eff_sim_checker *ck, char *key, eff_sim_check_row *row, eff_error *err)
{
    char *part[8];
    int n = 0;
    for (char *s = key; n < 8;) {
        part[n++] = s;
        char *dot = strchr(s, '.');
        if (!dot)
            break;
        *dot = 0, s = dot + 1;
    }
    if (!strcmp(part[0], "areas") && n == 3)
        return residents(ck, row, err);
    if (!strcmp(part[0], "areas") || !strcmp(part[0], "funding") || !strcmp(part[0], "survey"))
        return n >= 2 ? table_figure(ck, part, row, err) : EFF_OK;
    if (!strcmp(part[0], "part") && n == 3) {
        for (int iv = 0; iv < IV_N; iv++)
            if (!strcmp(part[1], sim_iv_name[iv]))
                return participants(ck, iv, part[2], row, err);
        return EFF_OK;
    }
    if (!strcmp(part[0], "neet_persist"))
        return neet_persistence(ck, row, err);
    if (!strcmp(part[0], "recidivism") && n >= 2)
        return recidivism(ck, group_of(part[1]), row, err);
    if (!strcmp(part[0], "debut_age") && n >= 2)
        return debut_age(ck, group_of(part[1]), row, err);
    for (int m = 0; m < M_N; m++)
        if (!strcmp(part[0], measures[m].name) && n >= 3)
            return person_measure(ck, m, part, n, row, err);
    return EFF_OK;
}

static eff_status read_strata(eff_sim_checker *ck, eff_error *err)
{
    eff_table *t = NULL;
    eff_status st = sim_check_read(ck, "omraader", 0, &t, err);
    size_t ct, cw;
    if (st == EFF_OK)
        st = sim_check_col(t, "omraadetype", &ct, err);
    if (st == EFF_OK)
        st = sim_check_col(t, "weight", &cw, err);
    for (int a = 0; a < AREA_N; a++)
        ck->weight[a] = 1;
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        int a = sim_check_code(sim_check_str(t, ct, r), sim_check_area_names, AREA_N);
        if (a >= 0)
            ck->weight[a] = sim_check_num(t, cw, r);
    }
    eff_table_free(t);
    return st;
}

static void fill_row(eff_sim_check_row *row, const char *line)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    char *f[6] = {0};
    int n = 0;
    for (char *s = buf; n < 6;) {
        f[n++] = s;
        char *c = strchr(s, ',');
        if (!c)
            break;
        *c = 0, s = c + 1;
    }
    memset(row, 0, sizeof *row);
    snprintf(row->key, sizeof row->key, "%s", f[0]);
    snprintf(row->check, sizeof row->check, "%s", n > 4 ? f[4] : "report");
    row->target = n > 2 ? strtod(f[2], NULL) : NAN;
    row->allowed = n > 3 ? strtod(f[3], NULL) : 0;
    row->value = row->se = NAN;
}

/* How many standard errors the allowance holds: the normal's 4 (two-sided 6.3e-5) for many
 * clusters, and the t quantile with clusters - 1 df at the same level for few, whose
 * clustered SE is itself uncertain. */
static double se_multiple(long clusters)
{
    const double tail = 3.167e-5; /* one side of 2 * (1 - Phi(4)) */
    if (clusters < 2)
        return 4;
    double q = gsl_cdf_tdist_Qinv(tail, (double)(clusters - 1));
    return isfinite(q) && q > 4 ? q : 4;
}

/* Counts scale with the plans simulated and the participation multiplier, rounded as the
 * simulator rounds them. */
static void scale_count(const eff_sim_checker *ck, eff_sim_check_row *row)
{
    if (strcmp(row->check, "exact") != 0)
        return;
    if (!strncmp(row->key, "areas.", 6))
        row->target = (double)lround(row->target * ck->plans_share);
    else if (!strncmp(row->key, "part.", 5))
        row->target = (double)lround(row->target * ck->plans_share * ck->participants_scale);
}

static void read_run(eff_sim_checker *ck)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/simulate.json", ck->dir);
    ck->plans_share = 1, ck->participants_scale = 1;
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        return;
    json_t *plans = json_object_get(j, "plans"), *ps = json_object_get(j, "participants_scale");
    if (json_is_number(plans))
        ck->plans_share = json_number_value(plans) / 89.0;
    if (json_is_number(ps))
        ck->participants_scale = json_number_value(ps);
    json_decref(j);
}

eff_status eff_sim_check(const char *dir, const eff_ctx *ctx, eff_sim_check_row **rows,
                         size_t *n_rows, eff_error *err)
{
    eff_sim_checker *ck = eff_calloc(1, sizeof *ck);
    size_t n = 0;
    while (sim_calibration_lines()[n + 1])
        n++;
    eff_sim_check_row *out = eff_calloc(n ? n : 1, sizeof *out);
    if (!ck || !out) {
        eff_free(ck), eff_free(out);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    snprintf(ck->dir, sizeof ck->dir, "%s", dir);
    static const char *const exts[] = {"csv", "sas7bdat", "dta"};
    snprintf(ck->ext, sizeof ck->ext, "csv");
    for (int k = 0; k < 3; k++) {
        char path[4200];
        struct stat sb;
        snprintf(path, sizeof path, "%s/bef2011.%s", dir, exts[k]);
        if (stat(path, &sb) == 0)
            snprintf(ck->ext, sizeof ck->ext, "%s", exts[k]);
    }
    read_run(ck);
    eff_status st = read_strata(ck, err);
    for (size_t k = 0; st == EFF_OK && k < n; k++) {
        eff_sim_check_row *row = &out[k];
        fill_row(row, sim_calibration_lines()[k + 1]);
        scale_count(ck, row);
        char key[96];
        snprintf(key, sizeof key, "%s", row->key);
        st = figure(ck, key, row, err);
        /* "close": the participants are drawn to the tables (rerandomised), so no sampling
         * allowance, only the granularity of n persons: one person's share (or, for a mean
         * age, a tenth of a decade's spread over n) */
        int close = !strcmp(row->check, "close");
        int exact = !strcmp(row->check, "exact") || close;
        if (close && row->n > 0)
            row->allowed += (strstr(row->key, "mean_age") ? 10.0 : 100.0) / (double)row->n;
        if (!exact && isfinite(row->se))
            row->allowed += se_multiple(row->clusters) * row->se;
        if (!strcmp(row->check, "report"))
            row->ok = 1;
        else if (!strcmp(row->check, "min"))
            row->ok = row->value >= row->target - row->allowed;
        else
            row->ok = fabs(row->value - row->target) <= row->allowed;
        if (eff_ctx_cancelled(ctx))
            st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted");
    }
    for (int y = 0; y < CK_NY; y++)
        sim_check_year_free(&ck->years[y]);
    eff_free(ck);
    if (st != EFF_OK) {
        eff_free(out);
        return st;
    }
    *rows = out, *n_rows = n;
    return EFF_OK;
}
