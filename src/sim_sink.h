/* sim_sink.h - Synthetic Denmark's register files: names, columns, row buffers and output
 * files (see sim_sink.c). */
#ifndef EFF_SIM_SINK_H
#define EFF_SIM_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"
#include "dict.h"
#include "sim.h"
#include "table.h"

enum sim_reg { SIM_REG_BEF = EFF_SIM_BEF, SIM_REG_UDDA = EFF_SIM_UDDA, SIM_REG_BFL = EFF_SIM_BFL,
               SIM_REG_FRAVAER = EFF_SIM_FRAVAER, SIM_REG_RAS = EFF_SIM_RAS,
               SIM_REG_IND = EFF_SIM_IND, SIM_REG_KRIM = EFF_SIM_KRIM,
               SIM_REG_N = EFF_SIM_N_REGISTERS };
enum { SIM_MAX_COLS = 20 };

typedef struct sim_register {
    const char *name;
    int n_cols;
    const char *cols[SIM_MAX_COLS];
    eff_type types[SIM_MAX_COLS];
} sim_register;
extern const sim_register sim_registers[SIM_REG_N];

/* In column mode, one column's values: int64, double or int32 (dates, string codes). */
typedef struct sim_col {
    void *data;
    size_t n, cap;
    eff_dict *dict;  /* strings of this buffer (NULL for person columns) */
    int persons;     /* codes are person indices into the world's pnr dictionary */
} sim_col;

/* A growing byte buffer of CSV rows; `col` counts fields in the current row. On a failed
 * allocation it sets `failed` and drops further output (checked when written).
 * In column mode (sim_buf_columns: the in-memory registers) the same calls append typed
 * values, rounded exactly as the text would be read back, to columns of register `reg`. */
typedef struct sim_buf {
    char *data;
    size_t len, cap;
    int col;
    int failed;
    int reg;
    sim_col *cols;   /* column mode when non-NULL */
    size_t rows;
} sim_buf;

int sim_buf_reserve(sim_buf *b, size_t more);
void sim_buf_free(sim_buf *b);
/* Puts b in column mode for register `reg` (empty). -1 when out of memory. */
int sim_buf_columns(sim_buf *b, int reg);
void sim_put_str(sim_buf *b, const char *s);
/* A person id: in column mode the person's index (its code in the pnr dictionary), else the
 * pnr's text `text`. */
void sim_put_person(sim_buf *b, int32_t person, const char *text);
void sim_put_int(sim_buf *b, long long v);
void sim_put_fixed(sim_buf *b, double v, int decimals);
void sim_put_date(sim_buf *b, int32_t days);
void sim_put_na(sim_buf *b);
void sim_end_row(sim_buf *b);

/* One register-year file being written, or (with `tables`) collected in memory as columns
 * whose person ids are codes of `persons` (the world's pnr dictionary, code = index). */
typedef struct sim_file {
    int reg;
    eff_sim_format format;
    char path[4096], csv_path[4096];
    eff_atomic *out;
    struct eff_tableset *tables;
    eff_dict *persons;
    sim_buf mem;
} sim_file;

eff_status sim_file_open(sim_file *f, const char *dir, int reg, int year, eff_sim_format format,
                         struct eff_tableset *tables, eff_dict *persons, eff_error *err);
/* Appends the buffer's rows and empties it. */
eff_status sim_file_write(sim_file *f, sim_buf *b, eff_error *err);
eff_status sim_file_close(sim_file *f, const eff_ctx *ctx, eff_sim_summary *s, eff_error *err);
void sim_file_abort(sim_file *f);

#endif
