/* parallel.c - contiguous ranges on POSIX threads. */
#include "parallel.h"

#include <pthread.h>
#include <unistd.h>

typedef struct part_job {
    eff_range_fn fn;
    void *arg;
    size_t lo, hi;
    int part;
} part_job;

static void *run_part(void *p)
{
    part_job *j = p;
    j->fn(j->arg, j->lo, j->hi, j->part);
    return NULL;
}

void eff_parallel_for(int parts, size_t n, eff_range_fn fn, void *arg)
{
    if (parts < 1)
        parts = 1;
    if (parts > EFF_MAX_PARTS)
        parts = EFF_MAX_PARTS;
    part_job jobs[EFF_MAX_PARTS];
    pthread_t threads[EFF_MAX_PARTS];
    int started[EFF_MAX_PARTS] = {0};
    for (int t = 0; t < parts; t++)
        jobs[t] = (part_job){fn, arg, n * (size_t)t / (size_t)parts,
                             n * (size_t)(t + 1) / (size_t)parts, t};
    for (int t = 1; t < parts; t++)
        started[t] = pthread_create(&threads[t], NULL, run_part, &jobs[t]) == 0;
    run_part(&jobs[0]);
    for (int t = 1; t < parts; t++) {
        if (started[t])
            pthread_join(threads[t], NULL);
        else
            run_part(&jobs[t]);
    }
}

int eff_parallel_parts(size_t n, size_t grain)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    if (cores > EFF_MAX_PARTS)
        cores = EFF_MAX_PARTS;
    size_t by_size = n / (grain ? grain : 1) + 1;
    return (int)((size_t)cores < by_size ? (size_t)cores : by_size);
}
