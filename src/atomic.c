/* atomic.c - temp-file-and-rename output, with a registry of live temp files for signals. */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

enum { BUF_SIZE = 1 << 20, MAX_LIVE = 64, PATH_CAP = 4096 };

struct eff_atomic {
    char target[PATH_CAP];
    char temp[PATH_CAP];
    int fd;
    int slot;
    int private_mode;
    size_t used;
    unsigned char *buf;
};

/* The registry is plain static storage so the signal handler touches no heap. */
static char live_paths[MAX_LIVE][PATH_CAP];
static volatile sig_atomic_t live_used[MAX_LIVE];

static int fault_errno;
static long long fault_after = -1;
static long long written_total;

void eff_atomic_inject_fault(int errnum, long long after_bytes)
{
    fault_errno = errnum;
    fault_after = errnum ? after_bytes : -1;
    written_total = 0;
}

void eff_atomic_cleanup_on_signal(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live_used[i])
            unlink(live_paths[i]);
}

static int register_live(const char *temp)
{
    for (int i = 0; i < MAX_LIVE; i++) {
        if (!live_used[i]) {
            memcpy(live_paths[i], temp, strlen(temp) + 1);
            live_used[i] = 1;
            return i;
        }
    }
    return -1; /* more than MAX_LIVE outputs at once: still correct, only not signal-cleaned */
}

static void unregister_live(int slot)
{
    if (slot >= 0)
        live_used[slot] = 0;
}

static void split_path(const char *path, char *dir, size_t dir_size, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dir_size, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dir_size, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, dir_size, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

eff_status eff_atomic_open(const char *path, eff_atomic **out, eff_error *err)
{
    char dir[PATH_CAP];
    const char *base;
    if (!path || !*path)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "empty output path");
    split_path(path, dir, sizeof dir, &base);
    if (!*base)
        return eff_error_set(err, EFF_EINVAL, path, 0, 0, "output path names a directory");
    eff_atomic *a = eff_calloc(1, sizeof *a);
    unsigned char *buf = eff_malloc(BUF_SIZE);
    if (!a || !buf) {
        eff_free(a);
        eff_free(buf);
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory opening output");
    }
    int n1 = snprintf(a->target, sizeof a->target, "%s", path);
    int n2 = snprintf(a->temp, sizeof a->temp, "%s/.%s.XXXXXX", dir, base);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof a->target || (size_t)n2 >= sizeof a->temp) {
        eff_free(buf);
        eff_free(a);
        return eff_error_set(err, EFF_EINVAL, path, 0, 0, "output path is too long");
    }
    a->fd = mkstemp(a->temp);
    if (a->fd < 0) {
        int e = errno;
        eff_free(buf);
        eff_free(a);
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot create output in %s: %s", dir,
                             strerror(e));
    }
    a->buf = buf;
    a->slot = register_live(a->temp);
    *out = a;
    return EFF_OK;
}

static eff_status write_all(eff_atomic *a, const unsigned char *p, size_t n, eff_error *err)
{
    while (n > 0) {
        ssize_t w;
        if (fault_after >= 0 && written_total + (long long)n > fault_after) {
            errno = fault_errno;
            w = -1;
        } else {
            w = write(a->fd, p, n);
        }
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            if (e == ENOSPC || e == EDQUOT)
                return eff_error_set(err, EFF_EIO, a->target, 0, 0,
                                     "cannot write output: the disk is full (%s)", strerror(e));
            return eff_error_set(err, EFF_EIO, a->target, 0, 0, "cannot write output: %s",
                                 strerror(e));
        }
        written_total += w;
        p += w;
        n -= (size_t)w;
    }
    return EFF_OK;
}

static eff_status flush_buffer(eff_atomic *a, eff_error *err)
{
    eff_status st = write_all(a, a->buf, a->used, err);
    a->used = 0;
    return st;
}

eff_status eff_atomic_write(eff_atomic *a, const void *data, size_t n, eff_error *err)
{
    const unsigned char *p = data;
    if (a->used + n > BUF_SIZE) {
        eff_status st = flush_buffer(a, err);
        if (st)
            return st;
        if (n >= BUF_SIZE)
            return write_all(a, p, n, err);
    }
    memcpy(a->buf + a->used, p, n);
    a->used += n;
    return EFF_OK;
}

eff_status eff_atomic_puts(eff_atomic *a, const char *s, eff_error *err)
{
    return eff_atomic_write(a, s, strlen(s), err);
}

eff_status eff_atomic_printf(eff_atomic *a, eff_error *err, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return eff_error_set(err, EFF_EINVAL, a->target, 0, 0, "bad format");
    if ((size_t)n < sizeof small)
        return eff_atomic_write(a, small, (size_t)n, err);
    char *big = eff_malloc((size_t)n + 1);
    if (!big)
        return eff_error_set(err, EFF_ENOMEM, a->target, 0, 0, "out of memory writing output");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    eff_status st = eff_atomic_write(a, big, (size_t)n, err);
    eff_free(big);
    return st;
}

const char *eff_atomic_temp_path(const eff_atomic *a)
{
    return a->temp;
}

void eff_atomic_set_private(eff_atomic *a)
{
    a->private_mode = 1;
}

static void destroy(eff_atomic *a, int remove_temp)
{
    if (a->fd >= 0)
        close(a->fd);
    if (remove_temp)
        unlink(a->temp);
    unregister_live(a->slot);
    eff_free(a->buf);
    eff_free(a);
}

void eff_atomic_abort(eff_atomic *a)
{
    if (a)
        destroy(a, 1);
}

static mode_t current_umask(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

static void fsync_dir(const char *target)
{
    char dir[PATH_CAP];
    const char *base;
    split_path(target, dir, sizeof dir, &base);
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd); /* best effort: some filesystems refuse fsync on directories */
        close(dfd);
    }
}

eff_status eff_atomic_commit(eff_atomic *a, eff_error *err)
{
    char target[PATH_CAP];
    memcpy(target, a->target, sizeof target);
    eff_status st = flush_buffer(a, err);
    if (st) {
        destroy(a, 1);
        return st;
    }
    mode_t mode = a->private_mode ? 0600 : (0666 & ~current_umask());
    if (fchmod(a->fd, mode) != 0 || fsync(a->fd) != 0) {
        int e = errno;
        destroy(a, 1);
        return eff_error_set(err, EFF_EIO, target, 0, 0, "cannot sync output: %s", strerror(e));
    }
    int fd = a->fd;
    a->fd = -1;
    if (close(fd) != 0) {
        int e = errno;
        destroy(a, 1);
        return eff_error_set(err, EFF_EIO, target, 0, 0, "cannot close output: %s", strerror(e));
    }
    if (rename(a->temp, target) != 0) {
        int e = errno;
        destroy(a, 1);
        return eff_error_set(err, EFF_EIO, target, 0, 0, "cannot rename output into place: %s",
                             strerror(e));
    }
    destroy(a, 0);
    fsync_dir(target);
    return EFF_OK;
}
