/* status.h - status codes, located error records and the run context.
 * Every fallible library function returns an eff_status and fills an eff_error (caller's
 * storage, never heap) with a one-sentence message and the input location. The library never
 * prints: warnings and progress leave through the callbacks of an eff_ctx. */
#ifndef EFF_STATUS_H
#define EFF_STATUS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef enum eff_status {
    EFF_OK = 0,
    EFF_ENOMEM,    /* allocation failed */
    EFF_EIO,       /* open/read/write/rename failed; errno text in msg */
    EFF_EPARSE,    /* malformed input; path, line and column set */
    EFF_EINVAL,    /* bad argument or configuration value */
    EFF_ENOCONV,   /* iterative fit did not converge */
    EFF_ESINGULAR, /* design matrix not of full rank */
    EFF_EABORT,    /* a callback or a signal asked to stop */
    EFF_STATUS_COUNT
} eff_status;

typedef struct eff_error {
    eff_status status;
    char path[256]; /* input or config file, "" if none */
    char msg[512];  /* one sentence, no newline */
    long line;      /* 1-based; 0 when not applicable */
    long column;    /* 1-based; 0 when not applicable */
} eff_error;

typedef enum eff_log_level { EFF_LOG_DEBUG, EFF_LOG_INFO, EFF_LOG_WARN } eff_log_level;

typedef void (*eff_log_fn)(void *user, eff_log_level level, const char *msg);
/* Called with bytes done and bytes in all (0 when unknown); return non-zero to stop. */
typedef int (*eff_progress_fn)(void *user, uint64_t done, uint64_t total);

/* The run context: callbacks, the cancel flag and in-memory tables. A public value type; all fields optional.
 * `cancel` is borrowed: a signal handler sets *cancel non-zero and long-running functions
 * return EFF_EABORT at their next check (at least once per read buffer). */
typedef struct eff_ctx {
    eff_log_fn log;
    void *log_user;
    eff_progress_fn progress;
    void *progress_user;
    volatile sig_atomic_t *cancel;
    const struct eff_tableset *tables; /* borrowed; readers look paths up here before the file
                                          system (tableset.h: the Monte Carlo's in-memory mode) */
} eff_ctx;

/* A silent context: no log, no progress, no cancel flag. */
eff_ctx eff_ctx_default(void);

/* Fixed English name of a status ("input/output error"); never NULL. */
const char *eff_status_str(eff_status status);

/* Clears `err` to EFF_OK. NULL is a no-op. */
void eff_error_clear(eff_error *err);

/* Fills `err` (NULL allowed) and returns `status`, so callers can `return eff_error_set(...)`.
 * `path` may be NULL; line/column 0 mean not applicable. The message is truncated to fit. */
eff_status eff_error_set(eff_error *err, eff_status status, const char *path, long line,
                         long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Prefixes what the caller was doing to an already filled message, keeping its location. */
void eff_error_prefix(eff_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats "path:line:column: msg" (the parts that are set) into buf. */
void eff_error_format(const eff_error *err, char *buf, size_t size);

/* Logs through ctx (NULL or no callback: silent). */
void eff_log(const eff_ctx *ctx, eff_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True when the context's cancel flag is set. */
int eff_ctx_cancelled(const eff_ctx *ctx);

#endif
