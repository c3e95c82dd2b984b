/* labels.c - value-label sets: parallel arrays in insertion order. */
#include "labels.h"

#include <string.h>

#include "mem.h"

struct eff_labels {
    int refs;
    int string_values;
    char *name;
    size_t n, cap;
    double *numbers;
    char **values;
    char **texts;
};

eff_labels *eff_labels_new(const char *name, int string_values)
{
    eff_labels *l = eff_calloc(1, sizeof *l);
    if (!l || !(l->name = eff_strdup(name ? name : ""))) {
        eff_free(l);
        return NULL;
    }
    l->refs = 1;
    l->string_values = string_values;
    return l;
}

eff_labels *eff_labels_retain(eff_labels *l)
{
    l->refs++;
    return l;
}

void eff_labels_release(eff_labels *l)
{
    if (!l || --l->refs > 0)
        return;
    for (size_t i = 0; i < l->n; i++) {
        eff_free(l->texts[i]);
        if (l->values)
            eff_free(l->values[i]);
    }
    eff_free(l->numbers);
    eff_free(l->values);
    eff_free(l->texts);
    eff_free(l->name);
    eff_free(l);
}

static long find(const eff_labels *l, double number, const char *value)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->string_values ? strcmp(l->values[i], value) == 0 : l->numbers[i] == number)
            return (long)i;
    return -1;
}

static int grow(eff_labels *l)
{
    if (l->n < l->cap)
        return 1;
    size_t cap = l->cap ? 2 * l->cap : 8;
    char **texts = eff_reallocarray(l->texts, cap, sizeof *texts);
    if (!texts)
        return 0;
    l->texts = texts;
    if (l->string_values) {
        char **values = eff_reallocarray(l->values, cap, sizeof *values);
        if (!values)
            return 0;
        l->values = values;
    } else {
        double *numbers = eff_reallocarray(l->numbers, cap, sizeof *numbers);
        if (!numbers)
            return 0;
        l->numbers = numbers;
    }
    l->cap = cap;
    return 1;
}

static eff_status add(eff_labels *l, double number, const char *value, const char *label,
                      eff_error *err)
{
    char *text = eff_strdup(label ? label : "");
    if (!text)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory adding a value label");
    long i = find(l, number, value);
    if (i >= 0) {
        eff_free(l->texts[i]);
        l->texts[i] = text;
        return EFF_OK;
    }
    char *copy = l->string_values ? eff_strdup(value) : NULL;
    if ((l->string_values && !copy) || !grow(l)) {
        eff_free(text);
        eff_free(copy);
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory adding a value label");
    }
    if (l->string_values)
        l->values[l->n] = copy;
    else
        l->numbers[l->n] = number;
    l->texts[l->n++] = text;
    return EFF_OK;
}

eff_status eff_labels_add_number(eff_labels *l, double value, const char *label, eff_error *err)
{
    if (l->string_values)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "label set \"%s\" labels text, not numbers", l->name);
    return add(l, value, NULL, label, err);
}

eff_status eff_labels_add_string(eff_labels *l, const char *value, const char *label,
                                 eff_error *err)
{
    if (!l->string_values)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0,
                             "label set \"%s\" labels numbers, not text", l->name);
    return add(l, 0, value, label, err);
}

const char *eff_labels_name(const eff_labels *l) { return l->name; }
int eff_labels_string_values(const eff_labels *l) { return l->string_values; }
size_t eff_labels_count(const eff_labels *l) { return l->n; }
double eff_labels_number(const eff_labels *l, size_t i) { return l->numbers[i]; }
const char *eff_labels_value(const eff_labels *l, size_t i) { return l->values[i]; }
const char *eff_labels_text(const eff_labels *l, size_t i) { return l->texts[i]; }

const char *eff_labels_find_number(const eff_labels *l, double value)
{
    if (l->string_values)
        return NULL;
    long i = find(l, value, NULL);
    return i < 0 ? NULL : l->texts[i];
}

const char *eff_labels_find_string(const eff_labels *l, const char *value)
{
    if (!l->string_values)
        return NULL;
    long i = find(l, 0, value);
    return i < 0 ? NULL : l->texts[i];
}
