/* tableset.h - tables held in memory under the paths they would have as files: the in-memory
 * replication mode of the Monte Carlo (validate/mc.c), in which Synthetic Denmark's registers
 * go from the simulator to the evaluation without being written and parsed again. A reader
 * given a set in eff_ctx.tables (eff_read_table) looks a path up here before it opens a file,
 * and reads the stored table as it would have read the file: only the columns asked for, only
 * the rows its filters keep. (SQLite's in-memory VFS, one level up: tables, not bytes.)
 * Paths are compared after "//" and "/./" are collapsed.
 * Threads: puts are not synchronised; any number of threads may get once puts are done.
 * Ownership: eff_tableset_new/eff_tableset_free; put takes the table (also on failure), get
 * lends it until the set is freed or the path is put again. */
#ifndef EFF_TABLESET_H
#define EFF_TABLESET_H

#include <stddef.h>

#include "table.h"

typedef struct eff_tableset eff_tableset;

eff_tableset *eff_tableset_new(void); /* NULL when out of memory */
void eff_tableset_free(eff_tableset *s); /* NULL is a no-op */

/* Stores `t` under `path`, replacing (and freeing) a table stored there before. */
eff_status eff_tableset_put(eff_tableset *s, const char *path, eff_table *t, eff_error *err);
/* The table stored under `path`, or NULL. */
const eff_table *eff_tableset_get(const eff_tableset *s, const char *path);
size_t eff_tableset_n(const eff_tableset *s);

#endif
