/* persons_internal.h - shared by persons.c (the records: reading one register-year into
 * them, the accessors) and persons_scan.c (which files are read, in which order, on which
 * thread, and which persons are kept). */
#ifndef EFF_PERSONS_INTERNAL_H
#define EFF_PERSONS_INTERNAL_H

#include <pthread.h>

#include "persons.h"
#include "table.h"

enum { BEF_NCOL = 10 };

struct eff_persons {
    int y0, ny;
    eff_dict *ids;
    size_t cap;                          /* persons with room for records */
    eff_py *rec;                         /* cap * ny */
    size_t n_extra;
    int32_t *extra[EFF_PERSONS_MAX_EXTRA];  /* cap * ny codes */
    eff_dict *extra_dict[EFF_PERSONS_MAX_EXTRA];
    char *extra_name[EFF_PERSONS_MAX_EXTRA];
    char **inputs;                       /* the files read, in order */
    size_t n_inputs;
    int32_t *sorted_ids;                 /* the kept ids' codes in byte order (pass 2's merge) */
    unsigned char *linked;               /* per person: some record present (after the scan) */
    pthread_mutex_t fill_lock;           /* records are filled one register-year at a time */
    struct id_map {                      /* map_ids' cache (under fill_lock): a register id
                                            dictionary's person numbers. In-memory registers
                                            share one dictionary across every table */
        uint64_t serial;                 /* eff_dict_serial; 0: empty */
        size_t size;
        int32_t *map;
        unsigned long used;
    } id_maps[4];
    unsigned long id_map_clock;
    int32_t *estate_ids;                 /* sorted ids of estates without a plan */
    size_t n_control_estates;
};

eff_status persons_grow(eff_persons *p, size_t need, eff_error *err);
void persons_drop_id_maps(eff_persons *p);
eff_status persons_note_input(eff_persons *p, const char *path, eff_error *err);
/* Reads file f of `year` (only `cols`; with `keep`, only the rows of those persons). */
eff_status persons_read_file(eff_persons *p, const eff_config *c, eff_cfg_file f, int year,
                             const char *const *cols, size_t n_cols, const eff_dict *keep,
                             const char *require, const eff_ctx *ctx, eff_table **t,
                             eff_error *err);
eff_status persons_find_cols(const eff_table *t, const char *const *cols, const char *kinds,
                             size_t n, size_t *idx, eff_error *err);
/* Fill the records of `year` from a bef table (columns as read by persons_scan.c) or from
 * udda, bfl or fravaer; persons not in the store are passed over. */
eff_status persons_fill_bef(eff_persons *p, const eff_config *c, const eff_table *t, int year,
                            eff_error *err);
eff_status persons_fill_other(eff_persons *p, const eff_config *c, eff_cfg_file f,
                              const eff_table *t, int year, eff_error *err);
int persons_needs(const eff_config *c, eff_cfg_col source);
int persons_needs_class(const eff_config *c);
eff_status persons_load_estates(eff_persons *p, const eff_config *c, const eff_ctx *ctx,
                                eff_error *err);
eff_status persons_add_extras(eff_persons *p, const eff_config *c, const char *const *extra,
                              size_t n_extra, eff_error *err);

#endif
