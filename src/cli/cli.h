/* cli.h - what the subcommands share: exit codes, the error printer, the progress bar, the
 * output sink (stdout or an atomic file), and option parsing helpers. Only src/cli prints. */
#ifndef EFF_CLI_H
#define EFF_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "../effekt.h"

/* Exit codes (INTERFACES.md). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,
    EXIT_DATA = 2,
    EXIT_INTERNAL = 3,
    EXIT_IO = 4
};

typedef enum cli_format { CLI_TEXT, CLI_JSON, CLI_CSV } cli_format;
typedef enum cli_lang { CLI_DA, CLI_EN } cli_lang;

/* Set by the SIGINT/SIGTERM handler to the signal's number. */
extern volatile sig_atomic_t cli_cancel;

/* The context every command passes to the library: warnings to stderr, progress bar on a
 * terminal, cancel flag. */
eff_ctx cli_ctx(const char *what);
/* Clears the progress line, if one was drawn. */
void cli_progress_done(void);

/* Prints "effekt: file:line:col: message" and returns the exit code for the status. */
int cli_fail(const eff_error *err);
/* Prints "effekt <cmd>: message" plus a hint to --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_exit_code(eff_status st);

/* Parses --format / --lang values; 0 on success. */
int cli_parse_format(const char *s, cli_format *out);
int cli_parse_lang(const char *s, cli_lang *out);
/* The options every command shares, as getopt_long returned them: 'f' (--format), 'l'
 * (--lang), and getopt's ':' (missing value) and '?' (unknown option). Returns -1 when `opt`
 * is none of these, 0 when it was handled, else the exit code of a usage error. */
int cli_common_option(const char *cmd, int opt, const char *arg, char **argv,
                      cli_format *format, cli_lang *lang);

/* Appends the comma-separated names in `list` (split in place; empty names skipped) to
 * out[*n], at most `max` in all. 0, or the exit code of a usage error naming `what`. */
int cli_split_list(const char *cmd, char *list, const char **out, size_t *n, size_t max,
                   const char *what);

/* Parses --seed: digits only, 0 to 2^64-1. 0, or the exit code of a usage error. */
int cli_parse_seed(const char *cmd, const char *arg, uint64_t *out);

/* Parses a size with optional k/M/G suffix (powers of 1024). */
int cli_parse_size(const char *s, size_t *out);

/* Output sink: stdout when path is NULL or "-", else an atomic file. */
typedef struct cli_out {
    eff_atomic *file;
    const char *path;
    eff_error err;
    int failed;
    int html;        /* 1: <, >, & and " written as HTML entities (a text writer's output
                        inside an HTML page); set and cleared by the caller */
} cli_out;

/* Opens the sink first, so an unwritable target fails before a long read. */
eff_status cli_out_open(cli_out *o, const char *path, eff_error *err);
void cli_out_printf(cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_out_write(cli_out *o, const char *s, size_t n);
/* Commits (or checks stdout); on failure fills err. */
eff_status cli_out_close(cli_out *o, eff_error *err);
/* Text into SVG or HTML, with <, > and & escaped. */
void cli_svg_text(cli_out *o, const char *s);
/* Drops the output (temp file removed). */
void cli_out_abort(cli_out *o);
/* Ends a command: on success commits the output (whose failure then counts), else drops it.
 * Returns the exit code, having printed the error if there was one. */
int cli_out_finish(cli_out *o, eff_status st, eff_error *err);

int cmd_cpr(int argc, char **argv);
int cmd_csdid(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_funding(int argc, char **argv);
int cmd_glm(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_survey(int argc, char **argv);

#endif
