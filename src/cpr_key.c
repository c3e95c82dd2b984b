/* cpr_key.c - secret keys and keyed pseudonyms of CPR numbers (cpr.h).
 * The key lives in a caller's eff_cpr_key and in short-lived stack buffers, wiped with
 * sodium_memzero; no message, log line or output holds any part of it, nor a CPR number. */
#include "cpr.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "mem.h"

static eff_status sodium_ready(eff_error *err)
{
    if (sodium_init() < 0) /* 0 first time, 1 after: both fine */
        return eff_error_set(err, EFF_EIO, NULL, 0, 0, "cannot initialise libsodium");
    return EFF_OK;
}

static eff_status write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return EFF_EIO;
        buf += w, n -= (size_t)w;
    }
    return EFF_OK;
}

eff_status eff_cpr_keygen(const char *path, eff_error *err)
{
    eff_status st = sodium_ready(err);
    if (st)
        return st;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot create the key file: %s%s",
                             strerror(errno),
                             errno == EEXIST ? " (an existing key is never overwritten)" : "");
    unsigned char key[EFF_CPR_KEY_BYTES];
    char hex[2 * EFF_CPR_KEY_BYTES + 2];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex - 1, key, sizeof key);
    hex[2 * EFF_CPR_KEY_BYTES] = '\n';
    hex[2 * EFF_CPR_KEY_BYTES + 1] = '\0';
    int bad = fchmod(fd, 0600) != 0 || write_all(fd, hex, EFF_CPR_KEY_FILE_BYTES) != EFF_OK ||
              fsync(fd) != 0;
    int saved = errno;
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex, sizeof hex);
    if (close(fd) != 0 && !bad)
        bad = 1, saved = errno;
    if (bad) {
        unlink(path);
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot write the key file: %s",
                             strerror(saved));
    }
    return EFF_OK;
}

static eff_status read_key_bytes(int fd, const char *path, char *buf, size_t size, size_t *got,
                                 eff_error *err)
{
    size_t n = 0;
    while (n < size) {
        ssize_t r = read(fd, buf + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot read the key file: %s",
                                 strerror(errno));
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return EFF_OK;
}

static eff_status check_mode(int fd, const char *path, eff_error *err)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot stat the key file: %s",
                             strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return eff_error_set(err, EFF_EINVAL, path, 0, 0, "the key file is not a regular file");
    if (sb.st_mode & 077)
        return eff_error_set(err, EFF_EINVAL, path, 0, 0,
                             "the key file is accessible by group or others (mode %04o); "
                             "refusing to use it: chmod 600 it, and consider the key exposed",
                             (unsigned)(sb.st_mode & 07777));
    return EFF_OK;
}

eff_status eff_cpr_key_read(const char *path, eff_cpr_key *key, eff_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot open the key file: %s",
                             strerror(errno));
    char buf[EFF_CPR_KEY_FILE_BYTES + 1]; /* one more, to see a file that is too long */
    size_t n = 0;
    eff_status st = check_mode(fd, path, err);
    if (st == EFF_OK)
        st = read_key_bytes(fd, path, buf, sizeof buf, &n, err);
    close(fd);
    size_t bin_len = 0;
    if (st == EFF_OK &&
        (n != EFF_CPR_KEY_FILE_BYTES || buf[n - 1] != '\n' ||
         sodium_hex2bin(key->bytes, sizeof key->bytes, buf, n - 1, NULL, &bin_len, NULL) != 0 ||
         bin_len != EFF_CPR_KEY_BYTES))
        st = eff_error_set(err, EFF_EPARSE, path, 0, 0,
                           "not a key file (expected 64 hex digits and a newline, as "
                           "'effekt cpr keygen' writes)");
    sodium_memzero(buf, sizeof buf);
    if (st)
        eff_cpr_key_wipe(key);
    return st;
}

void eff_cpr_key_wipe(eff_cpr_key *key)
{
    if (key)
        sodium_memzero(key->bytes, sizeof key->bytes);
}

uint64_t eff_cpr_pseudonym(const eff_cpr_key *key, const char digits[10])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)digits, 10, key->bytes);
    uint64_t id = 0;
    for (int k = 0; k < 8; k++)
        id = id << 8 | mac[k];
    sodium_memzero(mac, sizeof mac);
    return id;
}

typedef struct id_row {
    uint64_t id;
    size_t row;
} id_row;

static int cmp_id_row(const void *a, const void *b)
{
    const id_row *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

eff_status eff_cpr_check_collisions(const uint64_t *ids, const char (*cprs)[11], size_t n,
                                    const char *path, eff_error *err)
{
    id_row *order = eff_mallocarray(n ? n : 1, sizeof *order);
    size_t m = 0;
    if (!order)
        return eff_error_set(err, EFF_ENOMEM, path, 0, 0, "out of memory checking pseudonyms");
    for (size_t r = 0; r < n; r++)
        if (cprs[r][0])
            order[m++] = (id_row){ids[r], r};
    qsort(order, m, sizeof *order, cmp_id_row);
    eff_status st = EFF_OK;
    /* within a run of equal ids (rows ascending), every CPR must equal the run's first */
    for (size_t k = 1, first = 0; k < m && st == EFF_OK; k++) {
        if (order[k].id != order[first].id) {
            first = k;
            continue;
        }
        size_t a = order[first].row, b = order[k].row;
        if (strcmp(cprs[a], cprs[b]) != 0)
            st = eff_error_set(err, EFF_EINVAL, path, 0, 0,
                               "data rows %zu and %zu hold different CPR numbers with the same "
                               "pseudonym (a 64-bit collision); use another key",
                               a + 1, b + 1);
    }
    eff_free(order);
    return st;
}
