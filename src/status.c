/* status.c - status names, error records and logging through the context's callback. */
#include "status.h"

#include "cpr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[EFF_STATUS_COUNT] = {
    [EFF_OK] = "success",
    [EFF_ENOMEM] = "out of memory",
    [EFF_EIO] = "input/output error",
    [EFF_EPARSE] = "malformed input",
    [EFF_EINVAL] = "invalid argument",
    [EFF_ENOCONV] = "no convergence",
    [EFF_ESINGULAR] = "singular design matrix",
    [EFF_EABORT] = "interrupted",
};

eff_ctx eff_ctx_default(void)
{
    eff_ctx ctx = {0};
    return ctx;
}

const char *eff_status_str(eff_status status)
{
    if ((unsigned)status >= EFF_STATUS_COUNT || !status_names[status])
        return "unknown status";
    return status_names[status];
}

void eff_error_clear(eff_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

eff_status eff_error_set(eff_error *err, eff_status status, const char *path, long line,
                         long column, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    eff_cpr_mask(err->path); /* a message may quote a cell or a path: never a CPR number */
    eff_cpr_mask(err->msg);
    return status;
}

void eff_error_prefix(eff_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char head[256], full[sizeof head + sizeof err->msg + 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s: %s", head, err->msg);
    snprintf(err->msg, sizeof err->msg, "%.*s", (int)sizeof err->msg - 1, full);
    eff_cpr_mask(err->msg);
}

void eff_error_format(const eff_error *err, char *buf, size_t size)
{
    if (!size)
        return;
    buf[0] = '\0';
    if (!err)
        return;
    size_t used = 0;
    if (err->path[0]) {
        int n;
        if (err->line > 0 && err->column > 0)
            n = snprintf(buf, size, "%s:%ld:%ld: ", err->path, err->line, err->column);
        else if (err->line > 0)
            n = snprintf(buf, size, "%s:%ld: ", err->path, err->line);
        else
            n = snprintf(buf, size, "%s: ", err->path);
        used = n < 0 ? 0 : (size_t)n;
    }
    if (used < size)
        snprintf(buf + used, size - used, "%s", err->msg[0] ? err->msg : eff_status_str(err->status));
}

void eff_log(const eff_ctx *ctx, eff_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    eff_cpr_mask(msg);
    ctx->log(ctx->log_user, level, msg);
}

int eff_ctx_cancelled(const eff_ctx *ctx)
{
    return ctx && ctx->cancel && *ctx->cancel;
}
