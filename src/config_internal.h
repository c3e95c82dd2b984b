/* config_internal.h - shared by config.c (the file, [run], [files], [columns], [outcome.*])
 * config_iv.c ([intervention.*] and the checks made once the whole file is read) and
 * config_ind.c ([indicators], [indicator.*]). */
#ifndef EFF_CONFIG_INTERNAL_H
#define EFF_CONFIG_INTERNAL_H

#include <stdio.h>

#include "config.h"

typedef struct parse_state {
    eff_config *c;
    FILE *fp;
    long line;          /* the line inih is at: the key's line */
    int dir_fixed;      /* --data-dir given: [run] data_dir does not move it */
    eff_error *err;
    int failed;
    eff_status status;  /* of the failure, also when err is NULL */
} parse_state;

/* Fills the error (EFF_EINVAL at the current line) from fmt with two strings; returns 0,
 * which tells inih to stop. */
int cfg_fail(parse_state *ps, const char *fmt, const char *a, const char *b);
/* As cfg_fail, for an allocation that failed: EFF_ENOMEM "out of memory" at the current line. */
int cfg_oom(parse_state *ps);
int cfg_parse_long(const char *v, long lo, long hi, long *out);    /* 0 ok, -1 bad */
int cfg_parse_bool(const char *v, int *out);                       /* yes/no/true/false/1/0 */
int cfg_parse_range(const char *v, long *a, long *b);              /* A-B or A..B */
int cfg_parse_list(const char *v, char **out, size_t *n);          /* comma-separated; -1
                                                                      too many, -2 no memory */
int cfg_set_str(char **slot, const char *v);
char *cfg_trim(char *s);

int cfg_iv_key(parse_state *ps, eff_cfg_intervention *iv, const char *name, const char *v);
/* Cross-checks once the file is read; 0 ok, else the error is filled. */
int cfg_resolve(parse_state *ps);

/* config_ind.c: [indicators] and [indicator.ID]. */
int cfg_indicators_key(parse_state *ps, const char *name, const char *v);
eff_cfg_indicator *cfg_indicator_of(parse_state *ps, const char *id);
int cfg_ind_key(parse_state *ps, eff_cfg_indicator *d, const char *name, const char *v);
int cfg_ind_resolve(parse_state *ps); /* 0 ok */
void cfg_ind_free(eff_config *c);

/* config_ch.c: [funding] and [survey]. */
int cfg_funding_key(parse_state *ps, const char *name, const char *v);
int cfg_survey_key(parse_state *ps, const char *name, const char *v);
int cfg_ch_resolve(parse_state *ps); /* 0 ok */
void cfg_ch_free(eff_config *c);

#endif
