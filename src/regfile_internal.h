/* regfile_internal.h - shared by the regfile_*.c files only. */
#ifndef EFF_REGFILE_INTERNAL_H
#define EFF_REGFILE_INTERNAL_H

#include <stdint.h>

#include "regfile.h"

/* What a numeric column's display format makes of its values. */
typedef enum rf_kind {
    RF_NUMBER,
    RF_SAS_DATE,       /* days since 1960-01-01 */
    RF_SAS_DATETIME,   /* seconds since 1960-01-01 */
    RF_STATA_DATE,     /* days since 1960-01-01 (%td) */
    RF_STATA_DATETIME, /* milliseconds since 1960-01-01 (%tc) */
    RF_SPSS_DATE,      /* seconds since 1582-10-14 */
    RF_SPSS_DATETIME
} rf_kind;

rf_kind rf_kind_of_format(eff_format file_format, const char *format);
/* The value as days since 1970 (datetimes floored to the day); EFF_DATE_NA when out of range. */
int32_t rf_to_days(rf_kind kind, double value);
/* A date as the format's date value (SAS/Stata days since 1960, SPSS seconds since 1582). */
double rf_from_days(eff_format file_format, int32_t days);

/* Reads a SAS, Stata or SPSS file through ReadStat (regfile_read.c). */
eff_status rf_read_readstat(const char *path, eff_format format, const eff_read_options *opt,
                            const eff_ctx *ctx, eff_table **out, eff_error *err);
/* Writes one through ReadStat (regfile_write.c). */
eff_status rf_write_readstat(const eff_table *t, const char *path, eff_format format,
                             const eff_write_options *opt, const eff_ctx *ctx, eff_error *err);

#endif
