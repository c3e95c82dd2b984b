/* digest.h - file checksums for the record of what a run read (results.json `inputs`):
 * SHA-256 through libsodium, streamed through a fixed buffer. */
#ifndef EFF_DIGEST_H
#define EFF_DIGEST_H

#include "status.h"

/* The SHA-256 of the file at `path` as 64 lower-case hex digits and a NUL. EFF_EIO when it
 * cannot be read. */
eff_status eff_digest_sha256_file(const char *path, char hex[65], eff_error *err);

#endif
