/* panel.c - yearly files to one person-year table, and joins on (pnr, year). */
#include "panel.h"

#include <string.h>

#include "mem.h"

int eff_panel_year_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    int year = -1;
    for (size_t i = 0; i + 4 <= n; i++) {
        int run = 0;
        while (i + run < n && base[i + run] >= '0' && base[i + run] <= '9')
            run++;
        if (run == 4)
            year = (base[i] - '0') * 1000 + (base[i + 1] - '0') * 100 + (base[i + 2] - '0') * 10 +
                   (base[i + 3] - '0');
        i += run;
    }
    return year;
}

static eff_status add_year(eff_table *t, int year, const char *path, eff_error *err)
{
    if (eff_table_find(t, "year") >= 0)
        return eff_error_set(err, EFF_EINVAL, path, 0, 0,
                             "the file already has a column \"year\"; the panel adds its own");
    size_t n = eff_table_n_rows(t);
    int64_t *years = eff_mallocarray(n ? n : 1, sizeof *years);
    if (!years)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        years[i] = year;
    eff_status st = eff_table_add_i64(t, "year", years, err);
    if (st)
        eff_free(years);
    return st;
}

eff_status eff_panel_read(const char *const *paths, size_t n_paths, const eff_read_options *opt,
                          const eff_ctx *ctx, eff_table **out, eff_error *err)
{
    eff_table **parts = eff_calloc(n_paths ? n_paths : 1, sizeof *parts);
    if (!parts)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    eff_status st = n_paths ? EFF_OK
                            : eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "no register files given");
    for (size_t k = 0; st == EFF_OK && k < n_paths; k++) {
        int year = eff_panel_year_of(paths[k]);
        if (year < 0) {
            st = eff_error_set(err, EFF_EINVAL, paths[k], 0, 0,
                               "cannot tell the year from the file name (expected e.g. bef2011.csv)");
            break;
        }
        st = eff_read_table(paths[k], opt, ctx, &parts[k], err);
        if (!st)
            st = add_year(parts[k], year, paths[k], err);
    }
    if (!st)
        st = eff_table_stack((const eff_table *const *)parts, paths, n_paths, ctx, out, err);
    for (size_t k = 0; k < n_paths; k++)
        eff_table_free(parts[k]);
    eff_free(parts);
    return st;
}

eff_status eff_panel_join(const eff_table *left, const eff_table *right, eff_join_kind kind,
                          const eff_ctx *ctx, eff_table **out, eff_join_stats *stats,
                          eff_error *err)
{
    static const char *const keys[] = {"pnr", "year"};
    eff_join_options o = eff_join_options_default();
    o.kind = kind;
    eff_join_stats local;
    eff_status st = eff_table_join(left, right, keys, 2, &o, out, &local, err);
    if (st)
        return st;
    const char *ls = eff_table_source(left), *rs = eff_table_source(right);
    eff_log(ctx, EFF_LOG_INFO,
            "joined %s and %s on (pnr, year): %zu of %zu left rows without a partner%s, %zu of "
            "%zu right rows unused",
            ls ? ls : "left", rs ? rs : "right", local.left_unmatched, eff_table_n_rows(left),
            kind == EFF_JOIN_LEFT ? " (kept)" : " (dropped)", local.right_unmatched,
            eff_table_n_rows(right));
    if (stats)
        *stats = local;
    return EFF_OK;
}
