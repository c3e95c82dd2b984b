/* cli.c - shared front-end pieces: status -> exit code, error printing, the progress bar,
 * and the output sink. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t cli_cancel;

static const char *progress_what;
static int progress_shown;
static int progress_last = -1;

static void log_to_stderr(void *user, eff_log_level level, const char *msg)
{
    (void)user;
    static int debug = -1;
    if (debug < 0) /* EFFEKT_DEBUG=1: also the library's debug messages (phases and times) */
        debug = getenv("EFFEKT_DEBUG") && *getenv("EFFEKT_DEBUG") && *getenv("EFFEKT_DEBUG") != '0';
    if (level == EFF_LOG_DEBUG && !debug)
        return;
    cli_progress_done();
    fprintf(stderr, "effekt: %s%s\n", level == EFF_LOG_WARN ? "warning: " : "", msg);
}

static int draw_progress(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    if (total == 0)
        return 0;
    int pct = (int)(100.0 * (double)done / (double)total);
    if (pct == progress_last)
        return 0;
    progress_last = pct;
    char bar[31];
    int filled = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%% of %.1f MB", progress_what, bar, pct, (double)total / 1e6);
    progress_shown = 1;
    return 0;
}

void cli_progress_done(void)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    progress_shown = 0;
    progress_last = -1;
}

eff_ctx cli_ctx(const char *what)
{
    eff_ctx ctx = eff_ctx_default();
    ctx.log = log_to_stderr;
    ctx.cancel = &cli_cancel;
    if (isatty(STDERR_FILENO)) {
        progress_what = what;
        ctx.progress = draw_progress;
    }
    return ctx;
}

int cli_exit_code(eff_status st)
{
    switch (st) {
    case EFF_OK: return EXIT_OK;
    case EFF_EPARSE:
    case EFF_EINVAL:
    case EFF_ESINGULAR: return EXIT_DATA;
    case EFF_ENOCONV: return EXIT_INTERNAL;
    case EFF_EIO: return EXIT_IO;
    case EFF_EABORT: return 128 + (cli_cancel ? (int)cli_cancel : SIGINT);
    default: return EXIT_INTERNAL;
    }
}

int cli_fail(const eff_error *err)
{
    char msg[1024];
    cli_progress_done();
    eff_error_format(err, msg, sizeof msg);
    eff_cpr_mask(msg);
    fprintf(stderr, "effekt: %s\n", msg);
    return cli_exit_code(err->status);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap); /* an argument may be a CPR number typed by mistake */
    va_end(ap);
    eff_cpr_mask(msg);
    fprintf(stderr, "effekt%s%s: %s", cmd ? " " : "", cmd ? cmd : "", msg);
    fprintf(stderr, "\nTry 'effekt %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_parse_format(const char *s, cli_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = CLI_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = CLI_JSON;
    else if (strcmp(s, "csv") == 0)
        *out = CLI_CSV;
    else
        return -1;
    return 0;
}

int cli_parse_lang(const char *s, cli_lang *out)
{
    if (strcmp(s, "da") == 0)
        *out = CLI_DA;
    else if (strcmp(s, "en") == 0)
        *out = CLI_EN;
    else
        return -1;
    return 0;
}

int cli_common_option(const char *cmd, int opt, const char *arg, char **argv,
                      cli_format *format, cli_lang *lang)
{
    switch (opt) {
    case 'f':
        if (cli_parse_format(arg, format) != 0)
            return cli_usage(cmd, "--format takes text, json or csv, not '%s'", arg);
        return 0;
    case 'l':
        if (cli_parse_lang(arg, lang) != 0)
            return cli_usage(cmd, "--lang takes da or en, not '%s'", arg);
        return 0;
    case ':': return cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
    case '?': return cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
    default: return -1;
    }
}

int cli_split_list(const char *cmd, char *list, const char **out, size_t *n, size_t max,
                   const char *what)
{
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (*n == max)
            return cli_usage(cmd, "too many %s (at most %zu)", what, max);
        out[(*n)++] = tok;
    }
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024ULL, end++;
    else if (*end == 'M')
        mult = 1024ULL * 1024, end++;
    else if (*end == 'G')
        mult = 1024ULL * 1024 * 1024, end++;
    if (*end || v > SIZE_MAX / mult)
        return -1;
    *out = (size_t)(v * mult);
    return 0;
}

eff_status cli_out_open(cli_out *o, const char *path, eff_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0)
        return EFF_OK;
    o->path = path;
    return eff_atomic_open(path, &o->file, err);
}

void cli_out_write(cli_out *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->html) {
        o->html = 0;
        for (size_t k = 0, from = 0; k <= n; k++) {
            const char *ent = k == n      ? ""
                              : s[k] == '<' ? "&lt;"
                              : s[k] == '>' ? "&gt;"
                              : s[k] == '&' ? "&amp;"
                              : s[k] == '"' ? "&quot;" : NULL;
            if (!ent)
                continue;
            cli_out_write(o, s + from, k - from);
            cli_out_write(o, ent, strlen(ent));
            from = k + 1;
        }
        o->html = 1;
        return;
    }
    if (o->file) {
        if (eff_atomic_write(o->file, s, n, &o->err) != EFF_OK)
            o->failed = 1;
    } else if (fwrite(s, 1, n, stdout) != n) {
        o->failed = 1;
        eff_error_set(&o->err, EFF_EIO, "standard output", 0, 0, "cannot write: %s",
                      strerror(errno));
    }
}

void cli_out_printf(cli_out *o, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        cli_out_write(o, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        o->failed = 1;
        eff_error_set(&o->err, EFF_ENOMEM, o->path, 0, 0, "out of memory");
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cli_out_write(o, big, (size_t)n);
    free(big);
}

eff_status cli_out_close(cli_out *o, eff_error *err)
{
    if (o->failed) {
        cli_out_abort(o);
        *err = o->err;
        return err->status;
    }
    if (o->file) {
        eff_atomic *f = o->file;
        o->file = NULL;
        return eff_atomic_commit(f, err);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return eff_error_set(err, EFF_EIO, "standard output", 0, 0, "cannot write: %s",
                             strerror(errno));
    return EFF_OK;
}

void cli_out_abort(cli_out *o)
{
    eff_atomic_abort(o->file);
    o->file = NULL;
}

int cli_out_finish(cli_out *o, eff_status st, eff_error *err)
{
    if (st == EFF_OK)
        st = cli_out_close(o, err);
    else
        cli_out_abort(o);
    return st ? cli_fail(err) : EXIT_OK;
}

int cli_parse_seed(const char *cmd, const char *arg, uint64_t *out)
{
    char *end;
    errno = 0; /* strtoull takes "", " -1" and "+5" without complaint: digits only */
    *out = strtoull(arg, &end, 10);
    return *end || !isdigit((unsigned char)arg[0]) || errno
               ? cli_usage(cmd, "--seed takes a whole number from 0 to 2^64-1, not '%s'", arg)
               : 0;
}

void cli_svg_text(cli_out *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            cli_out_printf(o, "&lt;");
        else if (*s == '>')
            cli_out_printf(o, "&gt;");
        else if (*s == '&')
            cli_out_printf(o, "&amp;");
        else
            cli_out_write(o, s, 1);
    }
}
