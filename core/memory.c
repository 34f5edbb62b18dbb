/* heapdiff --memory: read each snapshot (memory/), its heap profile with
 * the profile parser, break it down, analyze the series and write the
 * report (see core.h and README, "When RSS grows and the heap does
 * not"). */
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
    for (; n_read < n; n_read++) {
        if (hd_mem_read_snapshot(r->currents[n_read], &snaps[n_read], err) != 0) {
            rc = -1;
            break;
        }
        struct hd_mem_profile profile = {0};
        if (snaps[n_read].profile_path)
            read_profile(r, snaps[n_read].profile_path, &profile);
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
        struct hd_output out;
        if (hd_output_open(&out, r->output, err) == 0) {
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
