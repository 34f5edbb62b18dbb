/* heapdiff --memory: read each snapshot (memory/), its heap profile with
 * the profile parser, break it down, analyze the series and write the
 * report (see core.h and README, "When RSS grows and the heap does
 * not").  With --html and heap profiles in the captures, the page is the
 * profiles' HTML report with the memory section at its top. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "memory_analysis.h"
#include "memory_render.h"
#include "output.h"

/* The in-use totals of the heap profile at PATH, read by the profile
 * parser under REQUEST's limits.  A profile that cannot be read is left
 * out with a warning: the rest of the capture still says where RSS
 * went. */
static void read_profile(const struct hd_request *r, const char *path,
                         struct hd_mem_profile *profile)
{
    memset(profile, 0, sizeof *profile);
    struct hd_error err;
    struct hd_model *m = hd_parse_file(path, &r->limits, &err);
    if (!m) {
        char text[1200];
        hd_warn("%s: the heap profile is left out: %s", path,
                hd_error_format(&err, text, sizeof text));
        return;
    }
    profile->present = true;
    profile->inuse_bytes = hd_model_total(m, HD_VALUE_INUSE_SPACE).current;
    profile->inuse_objects = hd_model_total(m, HD_VALUE_INUSE_OBJECTS).current;
    profile->gperftools = m->inputs[0].producer == HD_PRODUCER_GPERFTOOLS;
    hd_model_free(m);
}

/* --memory --html over captures with heap profiles: the HTML report of
 * the growth from the first capture's profile (FIRST; NULL: none read)
 * to the last's (LAST), or of LAST alone, as R would make it for
 * "--base FIRST [BINARY] LAST", with A's section above it. */
static enum hd_outcome write_html_over_profiles(const struct hd_request *r, const char *first,
                                                const char *last, const struct hd_mem_analysis *a,
                                                struct hd_error *err)
{
    struct hd_request profiles = *r;
    profiles.memory = false;
    profiles.trend = false;
    profiles.currents = &last;
    profiles.n_currents = 1;
    profiles.bases = first ? &first : NULL;
    profiles.n_bases = first ? 1 : 0;
    profiles.report.memory = a;
    return hd_core_run(&profiles, err);
}

/* Write A as EMITTER's format asks: text, json or html. */
static int write_report(FILE *out, const struct hd_emitter *emitter,
                        const struct hd_mem_analysis *a)
{
    if (strcmp(emitter->name, "json") == 0)
        return hd_mem_render_json(out, a);
    if (strcmp(emitter->name, "html") == 0)
        return hd_mem_render_html(out, a);
    return hd_mem_render_text(out, a);
}

enum hd_outcome hd_core_memory(const struct hd_request *r, struct hd_error *err)
{
    const struct hd_emitter *emitter = r->emitter ? r->emitter : &hd_emitters[0];
    if (strcmp(emitter->name, "text") != 0 && strcmp(emitter->name, "json") != 0 &&
        strcmp(emitter->name, "html") != 0) {
        hd_error_set(err, NULL, 0, "--memory writes text, --json or --html, not --%s",
                     emitter->name);
        return HD_OUTCOME_TROUBLE;
    }
    if (hd_output_check(r->output, err) != 0)
        return HD_OUTCOME_TROUBLE;
    size_t n = r->n_currents;
    struct hd_mem_snapshot *snaps = hd_calloc(n, sizeof *snaps);
    struct hd_mem_breakdown *breakdowns = hd_calloc(n, sizeof *breakdowns);
    size_t n_read = 0;
    int rc = 0;
    bool first_profiled = false, last_profiled = false;
    for (; n_read < n; n_read++) {
        if (hd_mem_read_snapshot(r->currents[n_read], &snaps[n_read], err) != 0) {
            rc = -1;
            break;
        }
        struct hd_mem_profile profile = {0};
        if (snaps[n_read].profile_path)
            read_profile(r, snaps[n_read].profile_path, &profile);
        if (n_read == 0)
            first_profiled = profile.present;
        last_profiled = profile.present;
        hd_mem_breakdown_of(&snaps[n_read], &profile, &breakdowns[n_read]);
    }
    enum hd_outcome outcome = HD_OUTCOME_TROUBLE;
    if (rc == 0) {
        if (r->trend && n < 3)
            hd_warn("--trend gives the classes verdicts from 3 snapshots on; %zu show only "
                    "their growth",
                    n);
        struct hd_mem_analysis a;
        hd_mem_analyze(breakdowns, n, r->trend ? &r->thresholds : NULL, &a);
        breakdowns = NULL; /* the analysis has them */
        bool over_profiles = strcmp(emitter->name, "html") == 0 && last_profiled;
        if (r->binary && !over_profiles)
            hd_warn("%s: --memory reads the program only for the heap profiles' report of "
                    "--html",
                    r->binary);
        struct hd_output out;
        if (over_profiles) {
            outcome = write_html_over_profiles(
                r, n > 1 && first_profiled ? snaps[0].profile_path : NULL,
                snaps[n - 1].profile_path, &a, err);
        } else if (hd_output_open(&out, r->output, err) == 0) {
            int written = write_report(out.stream, emitter, &a);
            if (written != 0)
                hd_error_set(err, out.final_path, 0, "cannot write the report");
            if (hd_output_close(&out, written == 0,
                                written == 0 ? err : &(struct hd_error){0}) == 0 &&
                written == 0)
                outcome = HD_OUTCOME_OK;
        }
        hd_mem_analysis_release(&a);
    } else {
        for (size_t k = 0; k < n_read; k++)
            hd_mem_breakdown_release(&breakdowns[k]);
        free(breakdowns);
    }
    for (size_t k = 0; k <= n_read && k < n; k++)
        hd_mem_snapshot_free(&snaps[k]);
    free(snaps);
    return outcome;
}
