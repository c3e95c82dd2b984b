/* tableset.c - a small map from paths to tables (tableset.h). A run holds a few dozen
 * register-years, so a list searched in order is enough. */
#include <string.h>

#include "mem.h"
#include "tableset.h"

typedef struct entry {
    char *path;
    eff_table *table;
} entry;

struct eff_tableset {
    entry *entries;
    size_t n, cap;
};

eff_tableset *eff_tableset_new(void)
{
    return eff_calloc(1, sizeof(eff_tableset));
}

void eff_tableset_free(eff_tableset *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n; k++) {
        eff_free(s->entries[k].path);
        eff_table_free(s->entries[k].table);
    }
    eff_free(s->entries);
    eff_free(s);
}

/* `path` with "//" and "/./" collapsed, so "dir/" + "/x.csv" names the same table. */
static char *normalised(const char *path)
{
    char *out = eff_strdup(path);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *r = path; *r;) {
        if (r[0] == '/' && r[1] == '/') {
            r++;
        } else if (r[0] == '/' && r[1] == '.' && r[2] == '/') {
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return out;
}

/* `norm` (normalised) names the same table as `path` (as given): normalised() on the fly,
 * so a lookup allocates nothing and cannot mistake running out of memory for "not stored"
 * (a reader would then go to the file system). */
static int same_path(const char *norm, const char *path)
{
    for (const char *r = path;; norm++, r++) {
        while (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && r[2] == '/')))
            r += r[1] == '/' ? 1 : 2;
        if (*norm != *r)
            return 0;
        if (!*r)
            return 1;
    }
}

static long find(const eff_tableset *s, const char *path)
{
    for (size_t k = 0; k < s->n; k++)
        if (same_path(s->entries[k].path, path))
            return (long)k;
    return -1;
}

eff_status eff_tableset_put(eff_tableset *s, const char *path, eff_table *t, eff_error *err)
{
    long k = find(s, path);
    if (k >= 0) {
        eff_table_free(s->entries[k].table);
        s->entries[k].table = t;
        return EFF_OK;
    }
    char *norm = normalised(path);
    if (!norm)
        goto oom;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        entry *e = eff_reallocarray(s->entries, cap, sizeof *e);
        if (!e)
            goto oom;
        s->entries = e, s->cap = cap;
    }
    s->entries[s->n++] = (entry){norm, t};
    return EFF_OK;
oom:
    eff_free(norm);
    eff_table_free(t);
    return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory");
}

const eff_table *eff_tableset_get(const eff_tableset *s, const char *path)
{
    long k = s ? find(s, path) : -1;
    return k >= 0 ? s->entries[k].table : NULL;
}

size_t eff_tableset_n(const eff_tableset *s)
{
    return s ? s->n : 0;
}
