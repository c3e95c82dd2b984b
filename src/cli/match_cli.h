/* match_cli.h - shared by cmd_match.c and match_out.c. */
#ifndef EFF_MATCH_CLI_H
#define EFF_MATCH_CLI_H

#include <stdlib.h>

#include "cli.h"

enum { MAX_BALANCE_ROWS = 512 };
#define SMD_FLAG 0.1 /* |SMD| above this is flagged (the usual threshold, as the issue asks) */

typedef struct balance_row {
    char name[300];
    int binary;
    eff_balance_stats all, matched;
} balance_row;

typedef struct balance_rows {
    size_t n;
    balance_row rows[MAX_BALANCE_ROWS];
} balance_rows;

eff_status balance_compute(const eff_table *t, const eff_pscore *p, const eff_match *m,
                           const char *const *covariates, size_t n_cov, balance_rows *b,
                           eff_error *err);
void balance_write_csv(cli_out *o, const balance_rows *b);
void love_plot_write(cli_out *o, const balance_rows *b, int da);

#endif
