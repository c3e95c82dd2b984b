/* sim.c - effekt simulate's driver: checks the options and the disk, builds the world
 * (areas, persons, calibration, participants) and writes it out. See sim.h for the design. */
#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "effekt.h"
#include "mem.h"
#include "sim_internal.h"

eff_sim_options eff_sim_options_default(void)
{
    return (eff_sim_options){.seed = 20111, .scale = 0.05, .participants_scale = 1,
                             .effects = EFF_SIM_EFFECTS_SEED, .dgp = EFF_SIM_REALISTIC,
                             .format = EFF_SIM_CSV, .threads = 0, .plans = 89, .icc = 0.02,
                             .check_space = 1};
}

/* Bytes per person-year of CSV, measured on default runs (docs/registers.md). */
static const double BYTES_PER_PERSON_YEAR = 235.0;

uint64_t eff_sim_estimate_bytes(const eff_sim_options *opt)
{
    double udsat = 215300.0 * opt->plans / 89.0;
    double almen = opt->almen_scale > 0 ? opt->almen_scale : opt->scale;
    double rest = 752000.0 * almen + 4.62e6 * opt->scale;
    double factor = opt->format == EFF_SIM_SAS ? 2.2 : opt->format == EFF_SIM_DTA ? 1.5 : 1.0;
    return (uint64_t)((udsat + rest) * 1.08 * SIM_NY * BYTES_PER_PERSON_YEAR * factor);
}

static eff_status check_options(const eff_sim_options *o, eff_error *err)
{
    if (!(o->scale > 0 && o->scale <= 1))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--scale must be in (0, 1]");
    if (!(o->almen_scale >= 0 && o->almen_scale <= 1))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--almen-scale must be in (0, 1]");
    int y0 = o->year_first ? o->year_first : SIM_Y0, y1 = o->year_last ? o->year_last : SIM_Y1;
    if (y0 < SIM_Y0 || y1 > SIM_Y1 || y0 > y1)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "the years must lie in %d-%d",
                             SIM_Y0, SIM_Y1);
    if (o->registers & ~((1u << EFF_SIM_N_REGISTERS) - 1))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "unknown register bits %#x",
                             o->registers);
    if (!(o->participants_scale > 0 && o->participants_scale <= 100))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--participants-scale must be in (0, 100]");
    if (o->plans < 1 || o->plans > 89)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--plans must be 1-89");
    if (!(o->icc >= 0 && o->icc < 0.5))
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--icc must be in [0, 0.5)");
    if (o->threads < 0 || o->threads > 16)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "--threads must be 0-16");
    if (o->effects == EFF_SIM_EFFECTS_FILE && !o->effects_file)
        return eff_error_set(err, EFF_EINVAL, NULL, 0, 0, "an effects file is needed");
    return EFF_OK;
}

static eff_status prepare_dir(const eff_sim_options *o, const char *dir, eff_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return eff_error_set(err, EFF_EIO, dir, 0, 0, "cannot create the output directory: %s",
                             strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return eff_error_set(err, EFF_EIO, dir, 0, 0, "the output path is not a directory");
    struct statvfs vfs;
    if (o->check_space && (o->assume_free_bytes || statvfs(dir, &vfs) == 0)) {
        uint64_t avail = o->assume_free_bytes ? o->assume_free_bytes
                                              : (uint64_t)vfs.f_bavail * vfs.f_frsize;
        uint64_t need = (o->tables ? 0 : eff_sim_estimate_bytes(o)) + (UINT64_C(64) << 20);
        if (avail < need)
            return eff_error_set(err, EFF_EIO, dir, 0, 0,
                                 "not enough free disk space: this run writes about %.1f GB and "
                                 "%.1f GB are free (a smaller --scale writes less)",
                                 (double)need / 1e9, (double)avail / 1e9);
    }
    return EFF_OK;
}

/* simulate.json: the options a directory was made with, so that it can be made again and
 * checked against the right counts. */
static eff_status write_run(const sim_world *w, const char *dir, eff_sim_summary *s,
                            eff_error *err)
{
    static const char *const effects[] = {"seed", "seed-with-pretrends", "zero", "file"};
    static const char *const formats[] = {"csv", "sas", "dta"};
    const eff_sim_options *o = &w->opt;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    json_t *j = json_pack("{s:s, s:s, s:f, s:f, s:f, s:s, s:s, s:s, s:f, s:i, s:s, s:i, s:i}",
                          "effekt_version", EFFEKT_VERSION, "seed", seed, "scale",
                          o->scale, "almen_scale", o->almen_scale > 0 ? o->almen_scale : o->scale,
                          "participants_scale", o->participants_scale, "effects",
                          effects[o->effects], "effects_file",
                          o->effects_file ? o->effects_file : "", "dgp",
                          o->dgp == EFF_SIM_SIMPLE ? "simple" : "realistic", "icc", o->icc,
                          "plans", o->plans, "format", formats[o->format], "first_year", SIM_Y0,
                          "last_year", SIM_Y1);
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    json_decref(j);
    if (!text)
        return eff_error_set(err, EFF_ENOMEM, NULL, 0, 0, "out of memory");
    sim_text f;
    eff_status st = sim_text_open(&f, dir, "simulate.json", text, err);
    if (st == EFF_OK)
        st = eff_atomic_puts(f.a, "\n", err);
    free(text);
    return sim_text_close(&f, st, s, err);
}

static eff_status remove_markers(const char *dir, eff_error *err)
{
    static const char *const names[] = {"truth.csv", "simulate.json"};
    for (int k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if (unlink(path) != 0 && errno != ENOENT)
            return eff_error_set(err, EFF_EIO, path, 0, 0, "cannot remove the previous run's file: %s",
                                 strerror(errno));
    }
    return EFF_OK;
}

static void world_free(sim_world *w)
{
    eff_free(w->plans), eff_free(w->estates), eff_free(w->households), eff_free(w->persons);
    eff_free(w->pnr), eff_free(w->treated), eff_free(w->truth_diff), eff_free(w->hh_year);
}

eff_status eff_sim_run(const eff_sim_options *opt, const char *out_dir, const eff_ctx *ctx,
                       eff_sim_summary *summary, eff_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    eff_sim_summary s = {0};
    eff_status st = check_options(opt, err);
    if (st != EFF_OK)
        return st;
    sim_world w;
    memset(&w, 0, sizeof w);
    w.opt = *opt;
    w.seed = opt->seed;
    sim_model_defaults(&w.m, opt->dgp, opt->icc);
    st = sim_effects_load(&w, err); /* a bad effects file fails before anything is written */
    if (st == EFF_OK)
        st = prepare_dir(opt, out_dir, err);
    if (st == EFF_OK) /* written last: an old run's must not vouch for a new, failed one */
        st = remove_markers(out_dir, err);
    if (st == EFF_OK)
        st = sim_areas_build(&w, err);
    if (st == EFF_OK)
        st = sim_pop_build(&w, err);
    if (st == EFF_OK)
        st = sim_pop_year_counts(&w, err);
    if (st == EFF_OK)
        st = sim_calibrate(&w, err);
    if (st == EFF_OK)
        st = sim_participants_select(&w, err);
    if (st == EFF_OK)
        st = sim_areas_write(&w, out_dir, &s, err);
    if (st == EFF_OK)
        st = sim_survey_write(&w, out_dir, &s, err);
    if (st == EFF_OK)
        st = sim_participants_write(&w, out_dir, &s, err);
    if (st == EFF_OK)
        st = sim_years_write(&w, out_dir, ctx, &s, err);
    if (st == EFF_OK)
        st = sim_truth_write(&w, out_dir, &s, err);
    if (st == EFF_OK)
        st = write_run(&w, out_dir, &s, err);
    s.persons = w.n_persons;
    world_free(&w);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (summary)
        *summary = s;
    return st;
}
