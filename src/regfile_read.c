/* regfile_read.c - SAS, Stata and SPSS files into eff_table through ReadStat's callbacks.
 * Values of one row are buffered (strings in a small row arena) and committed to the column
 * builders when the next row starts, so a row filter on an id column can drop a row before
 * any of its strings reaches a dictionary. Label sets arrive by name (from the data file or
 * a .sas7bcat catalogue) and are attached to the columns that name them at the end. */
#include <errno.h>
#include <readstat.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "regfile_internal.h"

typedef struct rs_col {
    char *name;
    char *label;      /* variable label */
    char *set_name;   /* label set or SAS format the column names */
    eff_type type;
    rf_kind kind;
    void *data;
    eff_dict *dict;
    /* the current row */
    int na;
    double num;
    size_t str_off, str_len;
} rs_col;

typedef struct rs_reader {
    const char *path;
    eff_format format;
    const eff_read_options *opt;
    const eff_ctx *ctx;
    eff_error *err;
    eff_status status;   /* our own failure inside a callback (ReadStat only says "abort") */
    uint64_t file_size;
    long claimed_rows;
    int file_version;    /* the format's version (Stata: 105 .. 119) */
    rs_col *cols;
    size_t ncol, cap_cols;
    int *selected_found; /* per requested column: seen in the file */
    long id_col;
    long cur_obs;        /* obs index of the buffered row, -1 when none */
    size_t nrow, row_cap;
    char *arena;         /* strings of the buffered row */
    size_t arena_len, arena_cap;
    eff_labels **sets;
    size_t n_sets, cap_sets;
    char rs_msg[256];    /* ReadStat's last error text */
    int header_done;     /* header_only: the first value arrived, the columns are known */
} rs_reader;

static int fail(rs_reader *rd, eff_status st)
{
    rd->status = st;
    return READSTAT_HANDLER_ABORT;
}

static int oom(rs_reader *rd)
{
    eff_error_set(rd->err, EFF_ENOMEM, rd->path, 0, 0, "out of memory reading the file");
    return fail(rd, EFF_ENOMEM);
}

static void on_error(const char *msg, void *user)
{
    rs_reader *rd = user;
    snprintf(rd->rs_msg, sizeof rd->rs_msg, "%s", msg);
    size_t n = strlen(rd->rs_msg);
    while (n > 0 && (rd->rs_msg[n - 1] == '\n' || rd->rs_msg[n - 1] == ' '))
        rd->rs_msg[--n] = '\0';
}

static int on_progress(double progress, void *user)
{
    rs_reader *rd = user;
    const eff_ctx *ctx = rd->ctx;
    if (eff_ctx_cancelled(ctx))
        return READSTAT_HANDLER_ABORT;
    if (ctx && ctx->progress &&
        ctx->progress(ctx->progress_user, (uint64_t)(progress * (double)rd->file_size),
                      rd->file_size))
        return READSTAT_HANDLER_ABORT;
    return READSTAT_HANDLER_OK;
}

static int on_metadata(readstat_metadata_t *metadata, void *user)
{
    rs_reader *rd = user;
    rd->claimed_rows = readstat_get_row_count(metadata);
    rd->file_version = readstat_get_file_format_version(metadata);
    return READSTAT_HANDLER_OK;
}

/* Marks every request naming the variable (a selection may name a column twice, as the CSV
 * reader allows); 0 when none does. */
static int mark_requested(rs_reader *rd, const char *name)
{
    const eff_read_options *o = rd->opt;
    int found = 0;
    for (size_t i = 0; o->columns && i < o->n_columns; i++)
        if (strcasecmp(o->columns[i], name) == 0)
            rd->selected_found[i] = found = 1;
    return found;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? eff_strdup(s) : NULL;
}

/* How much of a label set's name to read. ReadStat (1.1.8, and 1.1.9 still) hands a Stata
 * file's names of label sets straight from their fixed-width fields, unterminated when the
 * name fills its field: a variable's (`table` 0) from the list of names, where the last
 * variable's then runs past ReadStat's buffer, and a label table's (`table` 1) from a stack
 * buffer wider than the field. The field: 9 bytes before format 110 (tables 12 before 105),
 * 33 before 118, then 129. Other formats' names are terminated. */
static size_t set_name_len(const rs_reader *rd, const char *name, int table)
{
    int v = rd->file_version;
    if (rd->format != EFF_FORMAT_DTA)
        return strlen(name);
    return strnlen(name, v < (table ? 105 : 110) ? (table ? 12 : 9) : v < 118 ? 33 : 129);
}

static int on_variable(int index, readstat_variable_t *variable, const char *val_labels,
                       void *user)
{
    rs_reader *rd = user;
    const char *name = readstat_variable_get_name(variable);
    char unnamed[32];
    if (!name) { /* ReadStat's NULL for an empty name: V1, V2, ... as the CSV reader does */
        snprintf(unnamed, sizeof unnamed, "V%d", index + 1);
        name = unnamed;
    }
    if (rd->opt->columns && !mark_requested(rd, name))
        return READSTAT_HANDLER_SKIP_VARIABLE;
    if (rd->ncol == rd->cap_cols) {
        size_t cap = rd->cap_cols ? 2 * rd->cap_cols : 16;
        rs_col *cols = eff_reallocarray(rd->cols, cap, sizeof *cols);
        if (!cols)
            return oom(rd);
        memset(cols + rd->cap_cols, 0, (cap - rd->cap_cols) * sizeof *cols);
        rd->cols = cols;
        rd->cap_cols = cap;
    }
    rs_col *c = &rd->cols[rd->ncol++];
    c->name = eff_strdup(name);
    c->label = dup_or_null(readstat_variable_get_label(variable));
    size_t set_len = val_labels ? set_name_len(rd, val_labels, 0) : 0;
    c->set_name = set_len ? eff_strndup(val_labels, set_len) : NULL;
    if (!c->name)
        return oom(rd);
    readstat_type_t type = readstat_variable_get_type(variable);
    c->kind = RF_NUMBER;
    if (type == READSTAT_TYPE_STRING || type == READSTAT_TYPE_STRING_REF) {
        c->type = EFF_TYPE_STR;
        if (!(c->dict = eff_dict_new()))
            return oom(rd);
    } else {
        c->kind = rf_kind_of_format(rd->format, readstat_variable_get_format(variable));
        if (c->kind != RF_NUMBER)
            c->type = EFF_TYPE_DATE;
        else if (type == READSTAT_TYPE_INT8 || type == READSTAT_TYPE_INT16 ||
                 type == READSTAT_TYPE_INT32)
            c->type = EFF_TYPE_I64;
        else
            c->type = EFF_TYPE_F64;
    }
    if (rd->opt->id_column && strcasecmp(name, rd->opt->id_column) == 0)
        rd->id_col = (long)rd->ncol - 1;
    return READSTAT_HANDLER_OK;
}

static size_t elem_size(eff_type t)
{
    return t == EFF_TYPE_I64 || t == EFF_TYPE_F64 ? 8 : 4;
}

static int reserve_rows(rs_reader *rd, size_t cap)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        void *data = eff_reallocarray(rd->cols[j].data, cap, elem_size(rd->cols[j].type));
        if (!data)
            return 0;
        rd->cols[j].data = data;
    }
    rd->row_cap = cap;
    return 1;
}

/* First guess of the row count: what the file claims, but never more rows than half its
 * bytes (no row takes less than two), so a corrupt header cannot ask for gigabytes. */
static size_t initial_rows(const rs_reader *rd)
{
    uint64_t by_size = rd->file_size / 2 + 1024;
    if (rd->claimed_rows < 0)
        return 1024;
    return (uint64_t)rd->claimed_rows < by_size ? (size_t)rd->claimed_rows + 1 : (size_t)by_size;
}

static int id_passes(const rs_reader *rd)
{
    if (rd->id_col < 0 || !rd->opt->id_set)
        return 1;
    const rs_col *c = &rd->cols[rd->id_col];
    return !c->na && eff_dict_find(rd->opt->id_set, rd->arena + c->str_off, c->str_len) >= 0;
}

static int store_cell(rs_reader *rd, rs_col *c)
{
    size_t i = rd->nrow;
    switch (c->type) {
    case EFF_TYPE_I64:
        ((int64_t *)c->data)[i] = c->na ? EFF_I64_NA : (int64_t)c->num;
        break;
    case EFF_TYPE_F64:
        ((double *)c->data)[i] = c->na ? eff_f64_na() : c->num;
        break;
    case EFF_TYPE_DATE:
        ((int32_t *)c->data)[i] = c->na ? EFF_DATE_NA : rf_to_days(c->kind, c->num);
        break;
    case EFF_TYPE_STR: {
        int32_t code = EFF_STR_NA;
        if (!c->na && eff_dict_intern(c->dict, rd->arena + c->str_off, c->str_len, &code,
                                      rd->err) != EFF_OK)
            return oom(rd);
        ((int32_t *)c->data)[i] = code;
        break;
    }
    }
    return READSTAT_HANDLER_OK;
}

/* Commits the buffered row to the columns, unless the id filter drops it. */
static int commit_row(rs_reader *rd)
{
    if (rd->cur_obs < 0)
        return READSTAT_HANDLER_OK;
    rd->cur_obs = -1;
    if (!id_passes(rd))
        return READSTAT_HANDLER_OK;
    if (rd->nrow == rd->row_cap && !reserve_rows(rd, rd->row_cap + rd->row_cap / 2 + 1024))
        return oom(rd);
    for (size_t j = 0; j < rd->ncol; j++)
        if (store_cell(rd, &rd->cols[j]) != READSTAT_HANDLER_OK)
            return READSTAT_HANDLER_ABORT;
    rd->nrow++;
    return READSTAT_HANDLER_OK;
}

/* Starts buffering row `obs`: every cell missing until its value arrives. */
static int start_row(rs_reader *rd, int obs)
{
    int r = commit_row(rd);
    if (r != READSTAT_HANDLER_OK)
        return r;
    if (rd->row_cap == 0 && !reserve_rows(rd, initial_rows(rd)))
        return oom(rd);
    if ((obs & 0xfff) == 0 && eff_ctx_cancelled(rd->ctx))
        return fail(rd, EFF_EABORT);
    for (size_t j = 0; j < rd->ncol; j++)
        rd->cols[j].na = 1;
    rd->arena_len = 0;
    rd->cur_obs = obs;
    return READSTAT_HANDLER_OK;
}

static int buffer_string(rs_reader *rd, rs_col *c, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n > 0 && s[n - 1] == ' ') /* SAS pads character values with blanks */
        n--;
    if (n == 0)
        return READSTAT_HANDLER_OK; /* an empty string is missing, as in SAS */
    if (rd->arena_len + n > rd->arena_cap) {
        size_t cap = rd->arena_cap ? rd->arena_cap : 1024;
        while (cap < rd->arena_len + n)
            cap *= 2;
        char *arena = eff_reallocarray(rd->arena, cap, 1);
        if (!arena)
            return oom(rd);
        rd->arena = arena;
        rd->arena_cap = cap;
    }
    memcpy(rd->arena + rd->arena_len, s, n);
    c->str_off = rd->arena_len;
    c->str_len = n;
    rd->arena_len += n;
    c->na = 0;
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *variable, readstat_value_t value, void *user)
{
    rs_reader *rd = user;
    if (rd->opt->header_only) /* the variables are all known once a value arrives */
        return rd->header_done = 1, READSTAT_HANDLER_ABORT;
    if (obs != rd->cur_obs) {
        int r = start_row(rd, obs);
        if (r != READSTAT_HANDLER_OK)
            return r;
    }
    rs_col *c = &rd->cols[readstat_variable_get_index_after_skipping(variable)];
    if (readstat_value_is_missing(value, variable))
        return READSTAT_HANDLER_OK;
    switch (readstat_value_type(value)) {
    case READSTAT_TYPE_STRING:
    case READSTAT_TYPE_STRING_REF: return buffer_string(rd, c, readstat_string_value(value));
    case READSTAT_TYPE_INT8: c->num = readstat_int8_value(value); break;
    case READSTAT_TYPE_INT16: c->num = readstat_int16_value(value); break;
    case READSTAT_TYPE_INT32: c->num = readstat_int32_value(value); break;
    case READSTAT_TYPE_FLOAT: c->num = readstat_float_value(value); break;
    case READSTAT_TYPE_DOUBLE: c->num = readstat_double_value(value); break;
    }
    c->na = c->type == EFF_TYPE_STR; /* a number in a text column cannot happen; be safe */
    return READSTAT_HANDLER_OK;
}

static eff_labels *find_set(rs_reader *rd, const char *name)
{
    for (size_t i = 0; i < rd->n_sets; i++)
        if (strcmp(eff_labels_name(rd->sets[i]), name) == 0)
            return rd->sets[i];
    return NULL;
}

static int on_value_label(const char *raw_name, readstat_value_t value, const char *label,
                          void *user)
{
    rs_reader *rd = user;
    char set_name[256];
    snprintf(set_name, sizeof set_name, "%.*s", (int)set_name_len(rd, raw_name, 1), raw_name);
    int is_string = readstat_value_type(value) == READSTAT_TYPE_STRING;
    eff_labels *set = find_set(rd, set_name);
    if (!set) {
        if (rd->n_sets == rd->cap_sets) {
            size_t cap = rd->cap_sets ? 2 * rd->cap_sets : 8;
            eff_labels **sets = eff_reallocarray(rd->sets, cap, sizeof *sets);
            if (!sets)
                return oom(rd);
            rd->sets = sets;
            rd->cap_sets = cap;
        }
        if (!(set = eff_labels_new(set_name, is_string)))
            return oom(rd);
        rd->sets[rd->n_sets++] = set;
    }
    if (readstat_value_is_tagged_missing(value) || readstat_value_is_system_missing(value))
        return READSTAT_HANDLER_OK; /* labels of special missing values: all missing here */
    if (is_string && !readstat_string_value(value))
        return READSTAT_HANDLER_OK; /* NULL: ReadStat (1.1.8, 1.1.9) hands over a .sav's
                                       labels whose value failed to convert, then fails */
    if (eff_labels_string_values(set) != is_string)
        return READSTAT_HANDLER_OK; /* a mixed set: keep the first kind */
    eff_status st;
    if (is_string)
        st = eff_labels_add_string(set, readstat_string_value(value), label, rd->err);
    else {
        double v;
        switch (readstat_value_type(value)) {
        case READSTAT_TYPE_INT8: v = readstat_int8_value(value); break;
        case READSTAT_TYPE_INT16: v = readstat_int16_value(value); break;
        case READSTAT_TYPE_INT32: v = readstat_int32_value(value); break;
        case READSTAT_TYPE_FLOAT: v = readstat_float_value(value); break;
        default: v = readstat_double_value(value); break;
        }
        st = eff_labels_add_number(set, v, label, rd->err);
    }
    return st ? oom(rd) : READSTAT_HANDLER_OK;
}

/* A SAS format name as catalogues store it: upper case, without '$' and without the width
 * ReadStat appends ("$GENDER1." and "gender" are one key). */
static void format_key(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (*in == '$')
        in++;
    for (; *in && n + 1 < size; in++)
        out[n++] = (char)(*in >= 'a' && *in <= 'z' ? *in - 32 : *in);
    while (n > 0 && ((out[n - 1] >= '0' && out[n - 1] <= '9') || out[n - 1] == '.'))
        n--;
    out[n] = '\0';
}

static eff_labels *set_for_column(rs_reader *rd, const rs_col *c)
{
    eff_labels *set = find_set(rd, c->set_name);
    if (set || (rd->format != EFF_FORMAT_SAS7BDAT && rd->format != EFF_FORMAT_XPT))
        return set;
    char want[128], have[128];
    format_key(c->set_name, want, sizeof want);
    for (size_t i = 0; i < rd->n_sets && *want; i++) {
        format_key(eff_labels_name(rd->sets[i]), have, sizeof have);
        if (strcmp(want, have) == 0)
            return rd->sets[i];
    }
    return NULL;
}

/* Hands each column its label set and label; returns how many columns found a set. */
static size_t attach_labels(rs_reader *rd, eff_table *t)
{
    size_t matched = 0;
    for (size_t j = 0; j < rd->ncol; j++) {
        const rs_col *c = &rd->cols[j];
        eff_labels *set = c->set_name ? set_for_column(rd, c) : NULL;
        int text = c->type == EFF_TYPE_STR;
        if (set && eff_labels_string_values(set) == text) {
            eff_table_set_col_labels(t, j, set);
            matched++;
        }
    }
    return matched;
}

static eff_status readstat_failure(rs_reader *rd, readstat_error_t e)
{
    if (rd->status != EFF_OK) /* our own error, already filled in */
        return rd->status;
    if (e == READSTAT_ERROR_USER_ABORT)
        return eff_error_set(rd->err, EFF_EABORT, rd->path, 0, 0, "interrupted while reading");
    /* The file was there (it was stat'ed): a failed read is a short file, i.e. bad data. So
     * is a failed allocation: ReadStat refuses blocks of size 0 or over 16 MiB, the sizes a
     * corrupt or hostile header asks for (our own allocations fail apart, in rd->status). */
    eff_status st = e == READSTAT_ERROR_OPEN ? EFF_EIO : EFF_EPARSE;
    const char *hint = "";
    if (e == READSTAT_ERROR_MALLOC)
        hint = " (a size in the file is zero or over ReadStat's 16 MiB limit: is it corrupt?)";
    else if (e == READSTAT_ERROR_ROW_COUNT_MISMATCH)
        hint = " (the file is truncated, or claims more rows than it holds)";
    else if (e == READSTAT_ERROR_READ) /* mostly the end of a truncated file */
        hint = " (a read came up short: is the file truncated?)";
    else if (e == READSTAT_ERROR_SEEK || e == READSTAT_ERROR_PARSE)
        hint = " (is the file truncated or corrupt?)";
    /* ReadStat words a short read with an errno it did not set, often a stale "No such file
     * or directory", which would mislead: leave its text out. */
    const char *detail = e == READSTAT_ERROR_READ ? "" : rd->rs_msg;
    if (strncmp(detail, "ReadStat: ", 10) == 0)
        detail += 10;
    return eff_error_set(rd->err, st, rd->path, 0, 0, "ReadStat: %s%s%s%s%s",
                         readstat_error_message(e), *detail ? " [" : "", detail,
                         *detail ? "]" : "", hint);
}

typedef readstat_error_t (*parse_fn)(readstat_parser_t *, const char *, void *);

static parse_fn parser_for(eff_format format)
{
    switch (format) {
    case EFF_FORMAT_SAS7BDAT: return readstat_parse_sas7bdat;
    case EFF_FORMAT_XPT: return readstat_parse_xport;
    case EFF_FORMAT_DTA: return readstat_parse_dta;
    default: return readstat_parse_sav;
    }
}

static eff_status parse_data(rs_reader *rd)
{
    readstat_parser_t *p = readstat_parser_init();
    if (!p)
        return eff_error_set(rd->err, EFF_ENOMEM, rd->path, 0, 0, "out of memory");
    /* Both the variable and the value handler, always: ReadStat 1.1.8's dta and sav readers
     * crash on a value handler without a variable handler. */
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_error_handler(p, on_error);
    readstat_set_progress_handler(p, on_progress);
    readstat_error_t e = parser_for(rd->format)(p, rd->path, rd);
    readstat_parser_free(p);
    if (rd->header_done && e == READSTAT_ERROR_USER_ABORT && rd->status == EFF_OK)
        e = READSTAT_OK;
    if (e == READSTAT_OK && rd->status == EFF_OK && commit_row(rd) != READSTAT_HANDLER_OK)
        return rd->status;
    return e == READSTAT_OK && rd->status == EFF_OK ? EFF_OK : readstat_failure(rd, e);
}

/* The catalogue to read: the one given, else <name>.sas7bcat, else formats.sas7bcat beside
 * the file. `named` is set when the catalogue was asked for or named after the data file,
 * which then must match some column. */
static int find_catalog(const rs_reader *rd, char *buf, size_t size, int *named)
{
    if (rd->opt->catalog) {
        snprintf(buf, size, "%s", rd->opt->catalog);
        *named = 1;
        return 1;
    }
    const char *dot = strrchr(rd->path, '.');
    snprintf(buf, size, "%.*s.sas7bcat", (int)(dot - rd->path), rd->path);
    *named = 1;
    if (access(buf, R_OK) == 0)
        return 1;
    const char *slash = strrchr(rd->path, '/');
    int dir_len = slash ? (int)(slash - rd->path + 1) : 0;
    snprintf(buf, size, "%.*sformats.sas7bcat", dir_len, rd->path);
    *named = 0;
    return access(buf, R_OK) == 0;
}

static eff_status parse_catalog(rs_reader *rd, const char *catalog)
{
    readstat_parser_t *p = readstat_parser_init();
    if (!p)
        return eff_error_set(rd->err, EFF_ENOMEM, catalog, 0, 0, "out of memory");
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_error_handler(p, on_error);
    readstat_error_t e = readstat_parse_sas7bcat(p, catalog, rd);
    readstat_parser_free(p);
    if (e == READSTAT_OK && rd->status == EFF_OK)
        return EFF_OK;
    const char *data_path = rd->path;
    rd->path = catalog;
    eff_status st = readstat_failure(rd, e);
    rd->path = data_path;
    return st;
}

static eff_status check_request(rs_reader *rd)
{
    const eff_read_options *o = rd->opt;
    for (size_t i = 0; o->columns && i < o->n_columns; i++)
        if (!rd->selected_found[i])
            return eff_error_set(rd->err, EFF_EINVAL, rd->path, 0, 0, "no column \"%s\"",
                                 o->columns[i]);
    if (o->id_column && o->id_set) {
        if (rd->id_col < 0)
            return eff_error_set(rd->err, EFF_EINVAL, rd->path, 0, 0,
                                 "no id column \"%s\" to filter on", o->id_column);
        if (rd->cols[rd->id_col].type != EFF_TYPE_STR)
            return eff_error_set(rd->err, EFF_EINVAL, rd->path, 0, 0,
                                 "id column \"%s\" is not text", o->id_column);
    }
    return EFF_OK;
}

static eff_status build_table(rs_reader *rd, eff_table **out)
{
    eff_table *t = eff_table_new(rd->nrow);
    eff_status st = t ? eff_table_set_source(t, rd->path, rd->err)
                      : eff_error_set(rd->err, EFF_ENOMEM, rd->path, 0, 0, "out of memory");
    for (size_t j = 0; st == EFF_OK && j < rd->ncol; j++) {
        rs_col *c = &rd->cols[j];
        if (!c->data && !(c->data = eff_mallocarray(1, elem_size(c->type))))
            st = eff_error_set(rd->err, EFF_ENOMEM, rd->path, 0, 0, "out of memory");
        void *shrunk = st ? NULL : eff_reallocarray(c->data, rd->nrow ? rd->nrow : 1,
                                                    elem_size(c->type));
        if (shrunk)
            c->data = shrunk;
        if (st)
            break;
        switch (c->type) {
        case EFF_TYPE_I64: st = eff_table_add_i64(t, c->name, c->data, rd->err); break;
        case EFF_TYPE_F64: st = eff_table_add_f64(t, c->name, c->data, rd->err); break;
        case EFF_TYPE_DATE: st = eff_table_add_date(t, c->name, c->data, rd->err); break;
        case EFF_TYPE_STR: st = eff_table_add_str(t, c->name, c->data, c->dict, rd->err); break;
        }
        if (st)
            break;
        c->data = NULL;
        c->dict = NULL;
        st = eff_table_set_col_label(t, j, c->label, rd->err);
    }
    if (st) {
        eff_table_free(t);
        return st;
    }
    *out = t;
    return EFF_OK;
}

static void free_reader(rs_reader *rd)
{
    for (size_t j = 0; j < rd->ncol; j++) {
        eff_free(rd->cols[j].name);
        eff_free(rd->cols[j].label);
        eff_free(rd->cols[j].set_name);
        eff_free(rd->cols[j].data);
        eff_dict_release(rd->cols[j].dict);
    }
    for (size_t i = 0; i < rd->n_sets; i++)
        eff_labels_release(rd->sets[i]);
    eff_free(rd->sets);
    eff_free(rd->cols);
    eff_free(rd->selected_found);
    eff_free(rd->arena);
}

static eff_status read_all(rs_reader *rd, eff_table **out)
{
    char catalog[1024];
    int named = 0, has_catalog = 0;
    eff_status st = EFF_OK;
    if (rd->format == EFF_FORMAT_SAS7BDAT && find_catalog(rd, catalog, sizeof catalog, &named)) {
        has_catalog = 1;
        st = parse_catalog(rd, catalog);
    }
    if (!st)
        st = parse_data(rd);
    if (!st)
        st = check_request(rd);
    if (!st)
        st = build_table(rd, out);
    if (st)
        return st;
    size_t matched = attach_labels(rd, *out);
    if (has_catalog && named && rd->n_sets > 0 && matched == 0) {
        eff_table_free(*out);
        *out = NULL;
        return eff_error_set(rd->err, EFF_EPARSE, catalog, 0, 0,
                             "this format catalogue does not match %s: none of its %zu formats "
                             "(the first \"%s\") is used by any column",
                             rd->path, rd->n_sets, eff_labels_name(rd->sets[0]));
    }
    return EFF_OK;
}

eff_status rf_read_readstat(const char *path, eff_format format, const eff_read_options *opt,
                            const eff_ctx *ctx, eff_table **out, eff_error *err)
{
    eff_error local;
    rs_reader rd;
    memset(&rd, 0, sizeof rd);
    rd.path = path;
    rd.format = format;
    rd.opt = opt;
    rd.ctx = ctx;
    rd.err = err ? err : &local;
    rd.id_col = -1;
    rd.cur_obs = -1;
    rd.claimed_rows = -1;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return eff_error_set(rd.err, EFF_EIO, path, 0, 0, "cannot open the file: %s",
                             strerror(errno));
    rd.file_size = (uint64_t)sb.st_size;
    if (S_ISREG(sb.st_mode) && rd.file_size == 0) /* as the CSV reader says it; a pipe has size 0 */
        return eff_error_set(rd.err, EFF_EPARSE, path, 0, 0, "the file is empty");
    if (opt->columns && !(rd.selected_found = eff_calloc(opt->n_columns + 1, sizeof(int))))
        return eff_error_set(rd.err, EFF_ENOMEM, path, 0, 0, "out of memory");
    eff_table *t = NULL;
    eff_status st = read_all(&rd, &t);
    free_reader(&rd);
    if (!st)
        *out = t;
    return st;
}
