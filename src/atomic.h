/* atomic.h - the one way effekt writes an output file.
 * Bytes go to a temporary file beside the target (mkstemp ".<name>.XXXXXX", mode 0600 until
 * commit), through a 1 MiB buffer; commit flushes, fsyncs, renames onto the target and fsyncs
 * the directory, so the target is either the old file or the whole new one (Redis's rdbSave).
 * Any failure unlinks the temp file. Live temp files are registered so a signal handler can
 * unlink them (eff_atomic_cleanup_on_signal). Owns its temp file and buffer. */
#ifndef EFF_ATOMIC_H
#define EFF_ATOMIC_H

#include <stddef.h>

#include "status.h"

typedef struct eff_atomic eff_atomic;

/* Creates the temp file for `path` (copied). Caller owns *out and must end it with exactly one
 * of eff_atomic_commit or eff_atomic_abort. EFF_EIO when the directory is not writable. */
eff_status eff_atomic_open(const char *path, eff_atomic **out, eff_error *err);

/* Appends bytes. EFF_EIO (disk full: "no space left on device") leaves `a` to be aborted. */
eff_status eff_atomic_write(eff_atomic *a, const void *data, size_t n, eff_error *err);
eff_status eff_atomic_puts(eff_atomic *a, const char *s, eff_error *err);
eff_status eff_atomic_printf(eff_atomic *a, eff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Borrowed, valid until commit/abort: the temp file's path, for libraries that write by name
 * (libxlsxwriter). Nothing may be written through eff_atomic_write as well. */
const char *eff_atomic_temp_path(const eff_atomic *a);

/* Flushes, fsyncs, closes, renames onto the target and fsyncs the directory. Always frees `a`;
 * on failure the temp file is removed and any existing target is untouched. The file mode is
 * 0644 less the umask unless eff_atomic_set_private was called. */
eff_status eff_atomic_commit(eff_atomic *a, eff_error *err);

/* Keeps the committed file at mode 0600 (key files, micro-data). */
void eff_atomic_set_private(eff_atomic *a);

/* Removes the temp file and frees `a`. NULL is a no-op. */
void eff_atomic_abort(eff_atomic *a);

/* Async-signal-safe: unlinks every live temp file. For a handler that is about to _exit. */
void eff_atomic_cleanup_on_signal(void);

/* Tests only: the write that would take the total bytes written to disk (by any eff_atomic)
 * past `after_bytes` fails with `errnum` (e.g. ENOSPC). errnum 0 disables. */
void eff_atomic_inject_fault(int errnum, long long after_bytes);

#endif
