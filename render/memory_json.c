/* --memory --json (memory_render.h): the analysis as a document whose
 * schema README, "When RSS grows and the heap does not", describes.
 * Sizes are bytes, as integers; a size the capture did not have is
 * null. */
#include "memory_render.h"

#include <stddef.h>
#include <string.h>

#include "json.h"

/* Bumped when a field is removed, renamed or changes meaning. */
#define HD_MEMORY_JSON_VERSION 1
/* Files listed per snapshot, the largest first. */
#define MAX_FILES 20

static json_t *bytes(uint64_t value)
{
    return value == HD_MEM_UNKNOWN ? json_null() : json_integer((json_int_t)value);
}

/* C as JSON; "leak" is whether a gate would act on it (hd_trend_is_leak:
 * a leak as sure as the thresholds ask). */
static json_t *verdict(const struct hd_classification *c,
                       const struct hd_trend_thresholds *thresholds)
{
    json_t *v = json_object();
    hd_json_set(v, "verdict", json_string(hd_verdict_name(c->verdict)));
    hd_json_set(v, "leak", json_boolean(hd_trend_is_leak(c, thresholds)));
    hd_json_set(v, "confidence", json_real(c->confidence));
    hd_json_set(v, "slope", json_real(c->slope));
    return v;
}

/* A struct's uint64_t fields by JSON key. */
struct field {
    const char *key;
    size_t offset;
};

static void set_fields(json_t *o, const void *base, const struct field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t value;
        memcpy(&value, (const char *)base + fields[i].offset, sizeof value);
        hd_json_set(o, fields[i].key, bytes(value));
    }
}

static json_t *arenas(const struct hd_mem_arenas *ar)
{
#define F(name) {#name, offsetof(struct hd_mem_arenas, name)}
    static const struct field fields[] = {
        F(main_system),    F(main_free),      F(main_resident), F(other_system),
        F(other_free),     F(heaps_reserved), F(heaps_resident), F(free_resident),
        F(mmap_bytes),
    };
#undef F
    json_t *o = json_object();
    hd_json_set(o, "count", json_integer((json_int_t)ar->n_arenas));
    set_fields(o, ar, fields, sizeof fields / sizeof *fields);
    json_t *heaps = json_array();
    for (size_t i = 0; i < ar->n_heaps; i++) {
        json_t *h = json_object();
        char start[32];
        snprintf(start, sizeof start, "0x%llx", (unsigned long long)ar->heaps[i].start);
        hd_json_set(h, "start", json_string(start));
        hd_json_set(h, "rw_bytes", bytes(ar->heaps[i].rw_bytes));
        hd_json_set(h, "rss", bytes(ar->heaps[i].rss));
        hd_json_append(heaps, h);
    }
    hd_json_set(o, "heaps", heaps);
    return o;
}

static json_t *kernel(const struct hd_mem_rollup *k)
{
#define F(key, name) {key, offsetof(struct hd_mem_rollup, name)}
    static const struct field fields[] = {
        F("rss", rss),
        F("pss", pss),
        F("shared_clean", shared_clean),
        F("shared_dirty", shared_dirty),
        F("private_clean", private_clean),
        F("private_dirty", private_dirty),
        F("anonymous", anonymous),
        F("swap", swap),
        F("anon_huge_pages", anon_huge),
    };
#undef F
    json_t *o = json_object();
    set_fields(o, k, fields, sizeof fields / sizeof *fields);
    return o;
}

static json_t *snapshot(const struct hd_mem_breakdown *b)
{
    json_t *o = json_object();
    hd_json_set(o, "name", hd_json_text(b->name));
    hd_json_set(o, "rss", bytes(b->rss));
    hd_json_set(o, "allocator", json_string(hd_mem_allocator_name(b->allocator)));
    hd_json_set(o, "heap_source",
                json_string(b->heap_from_profile                       ? "profile"
                            : b->allocator != HD_MEM_ALLOCATOR_NONE ? "allocator"
                                                                     : "none"));
    json_t *classes = json_object();
    for (int c = 0; c < HD_MEM_CLASS_COUNT; c++)
        hd_json_set(classes, hd_mem_class_key((enum hd_mem_class)c), bytes(b->classes[c]));
    hd_json_set(o, "classes", classes);
    if (b->profile.present) {
        json_t *p = json_object();
        hd_json_set(p, "inuse_bytes", json_real(b->profile.inuse_bytes));
        hd_json_set(p, "inuse_objects", json_real(b->profile.inuse_objects));
        hd_json_set(o, "profile", p);
    } else {
        hd_json_set(o, "profile", json_null());
    }
    hd_json_set(o, "allocator_in_use", bytes(b->allocator_in_use));
    hd_json_set(o, "allocator_free", bytes(b->allocator_free));
    hd_json_set(o, "glibc_arenas", b->glibc ? arenas(&b->arenas) : json_null());
    hd_json_set(o, "thread_stacks", json_integer((json_int_t)b->n_thread_stacks));
    hd_json_set(o, "threads",
                b->n_threads ? json_integer((json_int_t)b->n_threads) : json_null());
    hd_json_set(o, "kernel", b->has_kernel ? kernel(&b->kernel) : json_null());
    json_t *files = json_array();
    for (size_t i = 0; i < b->n_files && i < MAX_FILES; i++) {
        json_t *f = json_object();
        hd_json_set(f, "path", hd_json_text(b->files[i].path));
        hd_json_set(f, "rss", bytes(b->files[i].rss));
        hd_json_set(f, "code", json_boolean(b->files[i].code));
        hd_json_append(files, f);
    }
    hd_json_set(o, "files", files);
    json_t *notes = json_array();
    for (size_t i = 0; i < b->n_notes; i++)
        hd_json_append(notes, hd_json_text(b->notes[i]));
    hd_json_set(o, "notes", notes);
    return o;
}

json_t *hd_mem_json(const struct hd_mem_analysis *a)
{
    json_t *root = json_object();
    hd_json_set(root, "heapdiff_memory_version", json_integer(HD_MEMORY_JSON_VERSION));
    json_t *snapshots = json_array();
    for (size_t k = 0; k < a->n_snapshots; k++)
        hd_json_append(snapshots, snapshot(&a->snapshots[k]));
    hd_json_set(root, "snapshots", snapshots);
    json_t *classes = json_array();
    for (int c = 0; c < HD_MEM_CLASS_COUNT; c++) {
        json_t *o = json_object();
        hd_json_set(o, "key", json_string(hd_mem_class_key((enum hd_mem_class)c)));
        hd_json_set(o, "label", json_string(hd_mem_class_label((enum hd_mem_class)c)));
        hd_json_set(o, "growth", json_integer((json_int_t)a->classes[c].growth));
        hd_json_set(o, "verdict",
                    a->classes[c].has_verdict ? verdict(&a->classes[c].verdict, &a->thresholds) : json_null());
        hd_json_append(classes, o);
    }
    hd_json_set(root, "classes", classes);
    json_t *rss = json_object();
    bool known = a->snapshots[0].rss != HD_MEM_UNKNOWN &&
                 a->snapshots[a->n_snapshots - 1].rss != HD_MEM_UNKNOWN;
    hd_json_set(rss, "growth", known ? json_integer((json_int_t)a->rss_growth) : json_null());
    hd_json_set(rss, "verdict", a->rss_has_verdict ? verdict(&a->rss_verdict, &a->thresholds) : json_null());
    hd_json_set(root, "rss", rss);
    json_t *findings = json_array();
    for (size_t i = 0; i < a->n_findings; i++) {
        const struct hd_mem_finding *f = &a->findings[i];
        json_t *o = json_object();
        hd_json_set(o, "cause", json_string(f->cause));
        hd_json_set(o, "class", json_string(hd_mem_class_key(f->main_class)));
        hd_json_set(o, "growth", json_integer((json_int_t)f->growth));
        hd_json_set(o, "text", hd_json_text(f->text));
        hd_json_append(findings, o);
    }
    hd_json_set(root, "findings", findings);
    return root;
}

int hd_mem_render_json(FILE *out, const struct hd_mem_analysis *a)
{
    json_t *root = hd_mem_json(a);
    int status = json_dumpf(root, out, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    json_decref(root);
    return status != 0 || fputc('\n', out) == EOF || ferror(out) ? -1 : 0;
}
