/* persons_scan.c - which register files the person-year store reads, for whom, and on which
 * thread (persons.h). The evaluation needs only persons who live in social housing in some
 * year of the registers (participants and the control pool both do), the participants
 * whatever their address, and those persons' parents. So the scan makes two passes:
 *   1. bef, four columns (id, estate, mother, father) of every year: the ids to keep, in
 *      order of first appearance year by year (participants first), so person numbers do
 *      not depend on the thread count;
 *   2. every register-year again, reading only the rows of the kept ids (the reader drops
 *      the others before building them), filling the records.
 * Years are spread over the cores (eff_parallel_for); a year's files are read by one thread
 * and its records filled under the store's lock, so the store is the same whatever the
 * thread count. Progress is not reported from the worker threads. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "parallel.h"
#include "persons_internal.h"

typedef struct scan {
    eff_persons *p;
    const eff_config *c;
    eff_ctx ctx;                 /* no progress callback: several threads read at once */
    eff_dict **kept;             /* pass 1: per year */
    eff_status *status;          /* per year */
    eff_error *errors;           /* per year */
} scan;

static eff_status keep_ids(eff_dict *kept, const eff_table *t, size_t col, size_t row,
                           eff_error *err)
{
    const char *s = eff_table_str(t, col, row);
    int32_t code;
    return s ? eff_dict_intern(kept, s, strlen(s), &code, err) : EFF_OK;
}

/* Pass 1 for one year: the residents of social housing and their parents. */
static eff_status kept_of_year(scan *sc, int year, eff_dict *kept, eff_error *err)
{
    const eff_config *c = sc->c;
    const char *names[4] = {c->columns[EFF_COL_PNR], c->columns[EFF_COL_ESTATE],
                            c->columns[EFF_COL_MOTHER], c->columns[EFF_COL_FATHER]};
    eff_table *t = NULL;
    size_t col[4];
    /* only the rows with an estate are built: most of a national register is passed over */
    eff_status st = persons_read_file(sc->p, c, EFF_FILE_BEF, year, names, 4, NULL, names[1],
                                      &sc->ctx, &t, err);
    if (st == EFF_OK) st = persons_find_cols(t, names, "snss", 4, col, err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++) {
        if (eff_table_is_na(t, col[1], r))
            continue;
        for (size_t k = 0; st == EFF_OK && k < 4; k++)
            if (k != 1)
                st = keep_ids(kept, t, col[k], r, err);
    }
    eff_table_free(t);
    return st;
}

/* Pass 2 for one year: its registers, only the kept rows. */
static eff_status fill_year(scan *sc, int year, eff_error *err)
{
    eff_persons *p = sc->p;
    const eff_config *c = sc->c;
    static const eff_cfg_col bef_cols[BEF_NCOL] = {
        EFF_COL_PNR, EFF_COL_SEX, EFF_COL_AGE, EFF_COL_ORIGIN, EFF_COL_CAPITAL,
        EFF_COL_FAMILY_TYPE, EFF_COL_CHILDREN, EFF_COL_MOTHER, EFF_COL_FATHER, EFF_COL_ESTATE};
    static const eff_cfg_file files[4] = {EFF_FILE_BEF, EFF_FILE_UDDA, EFF_FILE_BFL,
                                          EFF_FILE_FRAVAER};
    eff_status st = EFF_OK;
    for (size_t k = 0; st == EFF_OK && k < 4; k++) {
        const char *cols[BEF_NCOL + EFF_PERSONS_MAX_EXTRA] = {c->columns[EFF_COL_PNR]};
        size_t n = 2;
        if (files[k] == EFF_FILE_BEF) {
            for (size_t j = 0; j < BEF_NCOL; j++)
                cols[j] = c->columns[bef_cols[j]];
            for (size_t j = 0; j < p->n_extra; j++)
                cols[BEF_NCOL + j] = p->extra_name[j];
            n = BEF_NCOL + p->n_extra;
        } else if (files[k] == EFF_FILE_UDDA) {
            cols[1] = c->columns[EFF_COL_VOCATIONAL], cols[2] = c->columns[EFF_COL_ENROLLED];
            cols[3] = c->columns[EFF_COL_EDUCATION], n = 4;
        } else if (files[k] == EFF_FILE_BFL) {
            if (!persons_needs(c, EFF_COL_HOURS))
                continue;
            cols[1] = c->columns[EFF_COL_HOURS];
        } else {
            if (!persons_needs(c, EFF_COL_ABSENCE))
                continue;
            cols[1] = c->columns[EFF_COL_ABSENCE];
            if (persons_needs_class(c))
                cols[2] = c->columns[EFF_COL_CLASS], n = 3;
        }
        eff_table *t = NULL;
        st = persons_read_file(p, c, files[k], year, cols, n, p->ids, NULL, &sc->ctx, &t, err);
        if (st == EFF_OK) {
            pthread_mutex_lock(&p->fill_lock);
            st = files[k] == EFF_FILE_BEF ? persons_fill_bef(p, c, t, year, err)
                                          : persons_fill_other(p, c, files[k], t, year, err);
            pthread_mutex_unlock(&p->fill_lock);
        }
        eff_table_free(t);
    }
    return st;
}

static void pass1_part(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    scan *sc = arg;
    for (size_t y = lo; y < hi; y++) {
        if (!(sc->kept[y] = eff_dict_new())) {
            sc->status[y] = eff_error_set(&sc->errors[y], EFF_ENOMEM, NULL, 0, 0, "out of memory");
            return;
        }
        sc->status[y] = kept_of_year(sc, sc->c->year_first + (int)y, sc->kept[y], &sc->errors[y]);
        if (sc->status[y] != EFF_OK || eff_ctx_cancelled(&sc->ctx))
            return;
    }
}

static void pass2_part(void *arg, size_t lo, size_t hi, int part)
{
    (void)part;
    scan *sc = arg;
    for (size_t y = lo; y < hi; y++) {
        sc->status[y] = fill_year(sc, sc->c->year_first + (int)y, &sc->errors[y]);
        if (sc->status[y] != EFF_OK || eff_ctx_cancelled(&sc->ctx))
            return;
    }
}

/* The first failing year's error (years in order), or EFF_OK. */
static eff_status first_error(const scan *sc, size_t ny, eff_error *err)
{
    for (size_t y = 0; y < ny; y++)
        if (sc->status[y] != EFF_OK) {
            if (err)
                *err = sc->errors[y];
            return sc->status[y];
        }
    return EFF_OK;
}

/* The participants' ids first, then pass 1's, year by year. */
static eff_status keep_participants(eff_persons *p, const eff_config *c, const eff_ctx *ctx,
                                    eff_error *err)
{
    const char *cols[1] = {c->columns[EFF_COL_PART_PNR]};
    eff_table *t = NULL;
    size_t col;
    eff_status st = persons_read_file(p, c, EFF_FILE_PARTICIPATION, 0, cols, 1, NULL, NULL,
                                      ctx, &t, err);
    if (st == EFF_OK) st = persons_find_cols(t, cols, "s", 1, &col, err);
    for (size_t r = 0; st == EFF_OK && r < eff_table_n_rows(t); r++)
        st = keep_ids(p->ids, t, col, r, err);
    eff_table_free(t);
    return st;
}

static eff_status note_inputs(eff_persons *p, const eff_config *c, eff_error *err)
{
    char path[4096];
    eff_status st = eff_config_path(c, EFF_FILE_ESTATES, 0, path, sizeof path, err);
    if (st == EFF_OK) st = persons_note_input(p, path, err);
    for (int y = c->year_first; st == EFF_OK && y <= c->year_last; y++)
        for (int f = EFF_FILE_BEF; st == EFF_OK && f <= EFF_FILE_FRAVAER; f++) {
            if ((f == EFF_FILE_BFL && !persons_needs(c, EFF_COL_HOURS)) ||
                (f == EFF_FILE_FRAVAER && !persons_needs(c, EFF_COL_ABSENCE)))
                continue;
            st = eff_config_path(c, (eff_cfg_file)f, y, path, sizeof path, err);
            if (st == EFF_OK) st = persons_note_input(p, path, err);
        }
    return st;
}

/* The kept ids in byte order, for pass 2's merge with registers sorted by id. */
static eff_status sort_ids(eff_persons *p, eff_error *err)
{
    int32_t *ranks = NULL;
    size_t n = eff_dict_size(p->ids);
    eff_status st = eff_dict_ranks(p->ids, &ranks, err);
    if (st == EFF_OK && !(p->sorted_ids = eff_mallocarray(n ? n : 1, sizeof *p->sorted_ids)))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; st == EFF_OK && c < n; c++)
        p->sorted_ids[ranks[c]] = (int32_t)c;
    eff_free(ranks);
    return st;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static eff_status run_passes(eff_persons *p, const eff_config *c, const eff_ctx *ctx,
                             eff_error *err)
{
    double t0 = now();
    size_t ny = (size_t)p->ny;
    scan sc = {.p = p, .c = c, .ctx = ctx ? *ctx : eff_ctx_default()};
    sc.ctx.progress = NULL;
    sc.kept = eff_calloc(ny, sizeof *sc.kept);
    sc.status = eff_calloc(ny, sizeof *sc.status);
    sc.errors = eff_calloc(ny, sizeof *sc.errors);
    eff_status st = sc.kept && sc.status && sc.errors
                        ? EFF_OK : eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    int parts = eff_parallel_parts(ny, 1);
    if (st == EFF_OK) {
        eff_parallel_for(parts, ny, pass1_part, &sc);
        st = first_error(&sc, ny, err);
    }
    for (size_t y = 0; st == EFF_OK && y < ny; y++) /* merged in year order */
        for (size_t k = 0; st == EFF_OK && sc.kept[y] && k < eff_dict_size(sc.kept[y]); k++) {
            int32_t code;
            st = eff_dict_intern(p->ids, eff_dict_str(sc.kept[y], (int32_t)k),
                                 eff_dict_len(sc.kept[y], (int32_t)k), &code, err);
        }
    for (size_t y = 0; sc.kept && y < ny; y++)
        eff_dict_release(sc.kept[y]);
    if (st == EFF_OK) st = persons_grow(p, eff_dict_size(p->ids), err);
    if (st == EFF_OK) st = sort_ids(p, err);
    eff_log(ctx, EFF_LOG_DEBUG, "scan pass 1 (who lives in social housing): %.1f s, %zu persons "
            "kept", now() - t0, eff_dict_size(p->ids));
    t0 = now();
    if (st == EFF_OK && eff_ctx_cancelled(ctx))
        st = eff_error_set(err, EFF_EABORT, NULL, 0, 0, "interrupted");
    if (st == EFF_OK) {
        memset(sc.status, 0, ny * sizeof *sc.status);
        eff_parallel_for(parts, ny, pass2_part, &sc);
        st = first_error(&sc, ny, err);
    }
    persons_drop_id_maps(p);
    eff_log(ctx, EFF_LOG_DEBUG, "scan pass 2 (their register-years): %.1f s", now() - t0);
    size_t n = eff_dict_size(p->ids);
    if (st == EFF_OK && !(p->linked = eff_calloc(n ? n : 1, 1)))
        st = eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < n; i++)
        for (size_t y = 0; y < ny && !p->linked[i]; y++)
            p->linked[i] = p->rec[i * ny + y].present;
    eff_free(sc.kept);
    eff_free(sc.status);
    eff_free(sc.errors);
    return st;
}

eff_status eff_persons_load(const eff_config *c, const char *const *extra, size_t n_extra,
                            const eff_ctx *ctx, eff_persons **out, eff_error *err)
{
    *out = NULL;
    eff_persons *p = eff_calloc(1, sizeof *p);
    if (!p || !(p->ids = eff_dict_new())) {
        eff_free(p);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    }
    pthread_mutex_init(&p->fill_lock, NULL);
    p->y0 = c->year_first;
    p->ny = c->year_last - c->year_first + 1;
    eff_status st = persons_add_extras(p, c, extra, n_extra, err);
    if (st == EFF_OK) st = note_inputs(p, c, err);
    if (st == EFF_OK) st = persons_load_estates(p, c, ctx, err);
    if (st == EFF_OK) st = keep_participants(p, c, ctx, err);
    if (st == EFF_OK) st = run_passes(p, c, ctx, err);
    if (st != EFF_OK) {
        eff_persons_free(p);
        return st;
    }
    *out = p;
    return EFF_OK;
}
