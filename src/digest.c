/* digest.c - SHA-256 of a file (digest.h). */
#include "digest.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

eff_status eff_digest_sha256_file(const char *path, char hex[65], eff_error *err)
{
    if (sodium_init() < 0)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "libsodium could not be initialised");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    unsigned char buf[1 << 16], out[crypto_hash_sha256_BYTES];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        crypto_hash_sha256_update(&state, buf, n);
    int failed = ferror(fp);
    fclose(fp);
    if (failed)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "read error");
    crypto_hash_sha256_final(&state, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
    return EFF_OK;
}
