/* labels.h - a set of value labels: value -> text, as SAS formats in a .sas7bcat, Stata label
 * sets and SPSS value labels carry them (1 = "Mand", "K" = "Kvinde"). Values are numbers or
 * strings, one kind per set. Reference counted: columns of filtered or joined tables share
 * the set of the column they came from. */
#ifndef EFF_LABELS_H
#define EFF_LABELS_H

#include <stddef.h>

#include "status.h"

typedef struct eff_labels eff_labels;

/* New empty set named `name` (copied; the format or label-set name), one reference. NULL on
 * allocation failure. */
eff_labels *eff_labels_new(const char *name, int string_values);
eff_labels *eff_labels_retain(eff_labels *l);
void eff_labels_release(eff_labels *l); /* NULL is a no-op */

/* Adds value -> label (copied). A value already present gets the new label. The set's kind
 * must match (EFF_EINVAL). */
eff_status eff_labels_add_number(eff_labels *l, double value, const char *label, eff_error *err);
eff_status eff_labels_add_string(eff_labels *l, const char *value, const char *label,
                                 eff_error *err);

const char *eff_labels_name(const eff_labels *l);
int eff_labels_string_values(const eff_labels *l);
size_t eff_labels_count(const eff_labels *l);
/* Entry i in the order added. Borrowed strings, valid while the set lives. */
double eff_labels_number(const eff_labels *l, size_t i);
const char *eff_labels_value(const eff_labels *l, size_t i); /* string sets */
const char *eff_labels_text(const eff_labels *l, size_t i);

/* The label of a value, or NULL. Linear: label sets are small (a handful to a few hundred). */
const char *eff_labels_find_number(const eff_labels *l, double value);
const char *eff_labels_find_string(const eff_labels *l, const char *value);

#endif
