/* main.c - effekt's entry point: signals, the command table, --help and --version.
 * The only place that turns a status into an exit code is cli_fail/cli_exit_code (cli.c). */
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"cpr", cmd_cpr, "CPR numbers: check, keygen, pseudonymise (keyed HMAC-SHA-256)"},
    {"csdid", cmd_csdid, "Callaway & Sant'Anna group-time effects, aggregated, with bands"},
    {"describe", cmd_describe, "rows, columns, types, missing counts and ranges of a table"},
    {"funding", cmd_funding, "the plans' grants, co-financing and means (the seed's chapter 2)"},
    {"glm", cmd_glm, "linear and logit models with iid, robust or cluster-robust errors"},
    {"match", cmd_match, "propensity score matching with balance diagnostics"},
    {"run", cmd_run, "the effect evaluation a config describes (the seed's chapter 3)"},
    {"simulate", cmd_simulate, "Synthetic Denmark: register files with planted effects"},
    {"survey", cmd_survey, "the stakeholder survey: shares, Wilson intervals, charts (chapter 5)"},
};

/* First signal: ask the library to stop at its next check (it removes its temp files and
 * returns EFF_EABORT). Second signal: remove live temp files and leave at once. */
static void on_signal(int sig)
{
    if (cli_cancel) {
        eff_atomic_cleanup_on_signal();
        _exit(128 + sig);
    }
    cli_cancel = sig;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read() returns EINTR and the reader checks */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: effekt <command> [options]\n\n"
               "Register-based impact evaluation of area-based social interventions.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  --help       show this help\n"
               "  --version    show the version\n\n"
               "'effekt <command> --help' describes a command.\n\n"
               "Exit codes: 0 success (possibly with warnings), 1 usage error, 2 bad data or\n"
               "config, 3 no convergence or internal error, 4 input/output error (disk full),\n"
               "130/143 interrupted by SIGINT/SIGTERM (earlier outputs are left intact).\n");
}

int main(int argc, char **argv)
{
    install_signals();
    /* Registers are read year after year into arrays of the same sizes: kept in the heap, the
     * freed ones are reused, instead of new pages that the kernel must clear each time. */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    gsl_set_error_handler_off(); /* GSL's default handler aborts; the library checks results */
    if (argc < 2)
        return usage(stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("effekt %s\n", EFFEKT_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage(NULL, "unknown option '%s'", cmd);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
