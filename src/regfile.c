/* regfile.c - picks the reader or writer for a file by its extension; CSV goes to csv.h,
 * the rest to ReadStat (regfile_read.c, regfile_write.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "regfile_internal.h"
#include "tableset.h"

eff_format eff_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return EFF_FORMAT_UNKNOWN;
    static const struct { const char *ext; eff_format format; } exts[] = {
        {".csv", EFF_FORMAT_CSV}, {".tsv", EFF_FORMAT_CSV},           {".txt", EFF_FORMAT_CSV},
        {".sas7bdat", EFF_FORMAT_SAS7BDAT}, {".xpt", EFF_FORMAT_XPT}, {".dta", EFF_FORMAT_DTA},
        {".sav", EFF_FORMAT_SAV}, {".zsav", EFF_FORMAT_SAV},
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i].ext) == 0)
            return exts[i].format;
    return EFF_FORMAT_UNKNOWN;
}

const char *eff_format_name(eff_format format)
{
    switch (format) {
    case EFF_FORMAT_CSV: return "csv";
    case EFF_FORMAT_SAS7BDAT: return "sas7bdat";
    case EFF_FORMAT_XPT: return "xpt";
    case EFF_FORMAT_DTA: return "dta";
    case EFF_FORMAT_SAV: return "sav";
    default: return "unknown";
    }
}

eff_read_options eff_read_options_default(void)
{
    eff_read_options o;
    memset(&o, 0, sizeof o);
    o.csv = eff_csv_options_default();
    return o;
}

eff_write_options eff_write_options_default(void)
{
    eff_write_options o;
    memset(&o, 0, sizeof o);
    o.csv = eff_csv_write_options_default();
    return o;
}

/* Which rows the read options keep: id in id_set (id column text), require_column present. */
static eff_status kept_rows(const eff_table *t, const eff_read_options *opt, const char *path,
                            unsigned char **out, eff_error *err)
{
    size_t col = 0, req = 0;
    int by_id = opt->id_column && opt->id_set, by_req = opt->require_column != NULL;
    eff_status st = by_id ? eff_table_col(t, opt->id_column, &col, err) : EFF_OK;
    if (!st && by_req)
        st = eff_table_col(t, opt->require_column, &req, err);
    if (st)
        return st;
    if (by_id && eff_table_col_type(t, col) != EFF_TYPE_STR)
        return eff_error_set(err, EFF_EINVAL, path, 0, 0, "id column \"%s\" is not text",
                             opt->id_column);
    size_t n = eff_table_n_rows(t);
    unsigned char *keep = eff_malloc(n ? n : 1);
    if (!keep)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    const int32_t *codes = by_id ? eff_table_codes(t, col) : NULL;
    const eff_dict *d = by_id ? eff_table_dict(t, col) : NULL;
    for (size_t i = 0; i < n; i++) {
        keep[i] = !by_req || !eff_table_is_na(t, req, i);
        if (by_id && keep[i]) /* ids coded in id_set itself are in it */
            keep[i] = codes[i] >= 0 && (d == opt->id_set ||
                                        eff_dict_find(opt->id_set, eff_dict_str(d, codes[i]),
                                                      eff_dict_len(d, codes[i])) >= 0);
    }
    *out = keep;
    return EFF_OK;
}

/* The row filters after a read: the CSV reader passes most unwanted rows over early, not
 * all (quoted fields), and ReadStat's reader filters ids only. */
static eff_status filter_ids(eff_table **t, const eff_read_options *opt, const char *path,
                             eff_error *err)
{
    unsigned char *keep = NULL;
    eff_status st = kept_rows(*t, opt, path, &keep, err);
    eff_table *kept = NULL;
    if (!st)
        st = eff_table_filter(*t, keep, &kept, err);
    eff_free(keep);
    if (st)
        return st;
    eff_table_free(*t);
    *t = kept;
    return EFF_OK;
}

/* A table held in memory (eff_ctx.tables), read as its file would be: the selected columns
 * in the file's order, the kept rows. */
static eff_status read_stored(const eff_table *src, const char *path,
                              const eff_read_options *opt, eff_table **out, eff_error *err)
{
    size_t n_cols = eff_table_n_cols(src), n_sel = 0;
    size_t *cols = eff_mallocarray(n_cols ? n_cols : 1, sizeof *cols);
    unsigned char *keep = NULL;
    int64_t *rows = NULL;
    eff_status st = cols ? EFF_OK : eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    for (size_t k = 0; st == EFF_OK && opt->columns && k < opt->n_columns; k++)
        if (eff_table_find(src, opt->columns[k]) < 0)
            st = eff_error_set(err, EFF_EINVAL, path, 1, 0, "no column \"%s\"",
                               opt->columns[k]);
    for (size_t j = 0; st == EFF_OK && j < n_cols; j++) {
        int wanted = !opt->columns;
        for (size_t k = 0; !wanted && k < opt->n_columns; k++)
            wanted = strcasecmp(opt->columns[k], eff_table_col_name(src, j)) == 0;
        if (wanted)
            cols[n_sel++] = j;
    }
    size_t n = eff_table_n_rows(src), n_kept = 0;
    eff_read_options filters = *opt;
    if (opt->id_set_hint) /* nothing to save: the table is built already */
        filters.id_set = NULL;
    if (st == EFF_OK && ((filters.id_column && filters.id_set) || filters.require_column))
        st = kept_rows(src, &filters, path, &keep, err);
    if (st == EFF_OK && !(rows = eff_mallocarray(n ? n : 1, sizeof *rows)))
        st = eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    for (size_t i = 0; st == EFF_OK && i < n; i++)
        if (!keep || keep[i])
            rows[n_kept++] = (int64_t)i;
    if (st == EFF_OK)
        st = eff_table_select(src, cols, n_sel, rows, n_kept, out, err);
    eff_free(cols), eff_free(keep), eff_free(rows);
    return st;
}

/* The columns of a file with no rows: a stored table's, the CSV header line parsed alone, or
 * ReadStat's variables (regfile_read.c stops at the first value). */
static eff_status read_header(const eff_table *stored, const char *path, eff_format format,
                              const eff_read_options *opt, const eff_ctx *ctx, eff_table **out,
                              eff_error *err)
{
    if (stored) {
        size_t n = eff_table_n_cols(stored), *cols = eff_mallocarray(n + 1, sizeof *cols);
        if (!cols)
            return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
        for (size_t j = 0; j < n; j++)
            cols[j] = j;
        eff_status st = eff_table_select(stored, cols, n, NULL, 0, out, err);
        eff_free(cols);
        return st;
    }
    if (format != EFF_FORMAT_CSV) {
        eff_read_options all = *opt;
        all.columns = NULL, all.n_columns = 0, all.id_column = NULL, all.id_set = NULL;
        all.id_sorted = NULL, all.require_column = NULL;
        return rf_read_readstat(path, format, &all, ctx, out, err);
    }
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = opt->csv.max_line_bytes ? opt->csv.max_line_bytes : (size_t)1 << 20;
    char *line = eff_malloc(cap + 2);
    size_t n = 0;
    int c = 0;
    while (line && n < cap && (c = getc(fp)) != EOF && c != '\n')
        line[n++] = (char)c;
    int failed = ferror(fp);
    fclose(fp);
    if (!line)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
    if (failed) {
        eff_free(line);
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot read the header");
    }
    line[n++] = '\n';
    eff_csv_options csv = opt->csv;
    csv.allow_empty = 1;
    csv.columns = NULL, csv.n_columns = 0, csv.keep_column = NULL, csv.keep_ids = NULL;
    csv.keep_sorted = NULL, csv.require_column = NULL;
    eff_status st = eff_csv_read_mem(path, line, n, &csv, ctx, out, NULL, err);
    eff_free(line);
    return st;
}

eff_status eff_read_table(const char *path, const eff_read_options *opt, const eff_ctx *ctx,
                          eff_table **out, eff_error *err)
{
    eff_read_options defaults = eff_read_options_default();
    if (!opt)
        opt = &defaults;
    const eff_table *stored = ctx ? eff_tableset_get(ctx->tables, path) : NULL;
    if (stored && !opt->header_only)
        return read_stored(stored, path, opt, out, err);
    eff_format format = eff_format_of(path);
    if (format == EFF_FORMAT_UNKNOWN && !stored)
        return eff_error_set(err, EFF_EINVAL, path, 0, 0,
                             "unknown file type (expected .csv, .tsv, .txt, .sas7bdat, .xpt, "
                             ".dta or .sav)");
    if (opt->header_only)
        return read_header(stored, path, format, opt, ctx, out, err);
    if (format != EFF_FORMAT_CSV) {
        eff_table *t = NULL;
        eff_status st = rf_read_readstat(path, format, opt, ctx, &t, err);
        for (size_t j = 0; st == EFF_OK && opt->labels_as_text && j < eff_table_n_cols(t); j++) {
            const eff_labels *l = eff_table_col_labels(t, j);
            if (l && !eff_labels_string_values(l) && eff_table_col_type(t, j) != EFF_TYPE_STR &&
                eff_table_col_type(t, j) != EFF_TYPE_DATE)
                st = eff_table_labels_to_text(t, j, err);
        }
        if (!st && opt->require_column)
            st = filter_ids(&t, opt, path, err);
        if (st) {
            eff_table_free(t);
            return st;
        }
        *out = t;
        return EFF_OK;
    }
    eff_csv_options csv = opt->csv;
    csv.columns = opt->columns;
    csv.n_columns = opt->n_columns;
    csv.keep_column = opt->id_column; /* most rows of a national register passed over early */
    csv.keep_ids = opt->id_column ? opt->id_set : NULL;
    csv.keep_sorted = csv.keep_ids ? opt->id_sorted : NULL;
    csv.keep_codes = csv.keep_ids ? opt->id_codes : 0;
    csv.unique_column = opt->unique_column;
    csv.require_column = opt->require_column;
    eff_table *t = NULL;
    eff_csv_info info;
    eff_status st = eff_csv_read(path, &csv, ctx, &t, &info, err);
    /* the reader decided every row itself unless it says otherwise (or the id column
     * was not found to filter on: then filter_ids reports it) */
    int exact = !st && info.filter_undecided == 0 &&
                (!opt->id_column || !opt->id_set || eff_table_find(t, opt->id_column) >= 0);
    if (!st && ((opt->id_column && opt->id_set) || opt->require_column) && !exact)
        st = filter_ids(&t, opt, path, err);
    if (st) {
        eff_table_free(t);
        return st;
    }
    *out = t;
    return EFF_OK;
}

eff_status eff_write_table(const eff_table *t, const char *path, const eff_write_options *opt,
                           const eff_ctx *ctx, eff_error *err)
{
    eff_write_options defaults = eff_write_options_default();
    if (!opt)
        opt = &defaults;
    eff_format format = eff_format_of(path);
    switch (format) {
    case EFF_FORMAT_CSV: return eff_csv_write(t, path, &opt->csv, ctx, err);
    case EFF_FORMAT_SAS7BDAT:
    case EFF_FORMAT_DTA:
    case EFF_FORMAT_SAV: return rf_write_readstat(t, path, format, opt, ctx, err);
    default:
        return eff_error_set(err, EFF_EINVAL, path, 0, 0,
                             "cannot write this file type (write .csv, .sas7bdat, .dta or .sav)");
    }
}
