/* The --proto emitter: the report's samples as pprof's profile.proto
 * (pprof/profile.proto), gzip-compressed, so that Go pprof, its web
 * UI, Pyroscope and Parca open heapdiff's inputs, jemalloc's included.
 *
 * What it holds:
 *  - sample types alloc_objects, alloc_space (when some input kept
 *    allocation counts), inuse_objects, inuse_space, in the order Go
 *    pprof's own heap parser gives them; the report's value type is the
 *    default one;
 *  - one mapping per model mapping, with its file offset and build-id;
 *  - one location per frame address the samples use, with heapdiff's
 *    symbolization as lines, innermost inlined function first (as the
 *    model's frames are); an unsymbolized location gets one line whose
 *    function is named as the text report names it (hd_location_name), and
 *    every mapping says it has functions, so a viewer never tries to
 *    symbolize again and shows the same names;
 *  - comments naming the inputs with their totals, and the report's notes.
 *
 * Stacks are the model's, without the allocator's own leaf frames
 * (stack allocator_frames), as the graph counts them.  The samples are
 * those the report counts (hd_graph_sample_frames): --focus, --ignore and
 * --show_from select samples; --hide, --show and --prune_from, which edit
 * frames, are left to the viewer (pprof has the same options).  Samples
 * whose report value is 0 but that have another value (freed memory in an
 * inuse report) are kept when no filter is active, so the alloc_* views are
 * whole.
 *
 * A diff is written as Go pprof's -diff_base writes one: the current
 * side's samples with positive values, and the base side's with negative
 * values and the label pprof::base=true.  Their sum per stack is the delta
 * the text report shows, so `pprof -top` prints heapdiff's rows, while
 * pprof's percentages are of the base's total, as with -diff_base.
 *
 * Values are heapdiff's unsampled estimates rounded to integers per sample
 * side (the format holds int64); for exact inputs (tcmalloc, jemalloc with
 * lg_prof_sample:0) they are the text report's numbers exactly. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "arena.h"
#include "array.h"
#include "emitter.h"
#include "idtable.h"
#include "strpool.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__ValueType ValueType;
typedef Perftools__Profiles__Label Label;

#define MAX_TYPES 4

/* A function of the string table, by (name, filename) string ids. */
struct function_key {
    int64_t name, filename;
};

/* What the profile is built from.  Every pointer in the protobuf structs
 * points into the arena, the model or the symbolizer, so that freeing is
 * the arena and the arrays below. */
struct builder {
    struct hd_arena *arena;
    struct hd_strpool strings; /* the string table; strings[0] = "" */
    struct function_key *functions; /* function id = index + 1 */
    size_t n_functions, capacity_functions;
    struct hd_idtable function_ids;
};

/* The string table index of TEXT, added if new. */
static int64_t string_id(struct builder *b, const char *text)
{
    return hd_strpool_id(&b->strings, text);
}

static uint64_t function_hash(const struct function_key *k)
{
    return hd_hash_mix((uint64_t)k->name * 0x9e3779b97f4a7c15u ^ (uint64_t)k->filename);
}

static uint64_t function_rehash(const void *owner, uint32_t id)
{
    const struct builder *b = owner;
    return function_hash(&b->functions[id]);
}

static bool function_matches(const void *owner, uint32_t id, const void *key)
{
    const struct builder *b = owner;
    const struct function_key *k = key;
    return b->functions[id].name == k->name && b->functions[id].filename == k->filename;
}

static uint32_t function_create(void *owner, const void *key)
{
    struct builder *b = owner;
    HD_ARRAY_RESERVE(b->functions, b->capacity_functions, b->n_functions + 1);
    b->functions[b->n_functions] = *(const struct function_key *)key;
    return (uint32_t)b->n_functions++;
}

/* The function id (from 1) of NAME in FILENAME (NULL: unknown). */
static uint64_t function_id(struct builder *b, const char *name, const char *filename)
{
    struct function_key k = {string_id(b, name), string_id(b, filename ? filename : "")};
    struct hd_probe q = {function_hash(&k), function_matches, function_rehash, b, &k};
    return (uint64_t)hd_idtable_intern(&b->function_ids, &q, function_create, b) + 1;
}

/* N zeroed elements of SIZE bytes from the arena. */
static void *arena_array(struct builder *b, size_t n, size_t size)
{
    void *p = hd_arena_alloc(b->arena, n * size + 1);
    memset(p, 0, n * size + 1);
    return p;
}

/* The value types the profile holds, in pprof's order, into TYPES;
 * returns how many. */
static size_t choose_types(const struct hd_model *model, enum hd_value_type types[MAX_TYPES])
{
    size_t n = 0;
    bool alloc = false;
    for (size_t k = 0; k < model->n_inputs; k++)
        alloc |= model->inputs[k].has_alloc_values;
    if (alloc) {
        types[n++] = HD_VALUE_ALLOC_OBJECTS;
        types[n++] = HD_VALUE_ALLOC_SPACE;
    }
    types[n++] = HD_VALUE_INUSE_OBJECTS;
    types[n++] = HD_VALUE_INUSE_SPACE;
    return n;
}

static const char *type_name(enum hd_value_type type)
{
    switch (type) {
    case HD_VALUE_INUSE_OBJECTS:
        return "inuse_objects";
    case HD_VALUE_ALLOC_SPACE:
        return "alloc_space";
    case HD_VALUE_ALLOC_OBJECTS:
        return "alloc_objects";
    default:
        return "inuse_space";
    }
}

/* Whether the profile holds sample SAMPLE: the report counts it, or (with
 * no filter active) only its report value is 0 while another is not. */
static bool holds_sample(const struct hd_report *report, size_t sample)
{
    const struct hd_model *model = report->model;
    if (hd_graph_sample_frames(report->graph, model, sample, NULL, 0) > 0)
        return true;
    if (report->text.filters)
        return false;
    struct hd_sides chosen = hd_model_sample_sides(model, sample, report->text.value);
    return chosen.current == 0 && chosen.base == 0;
}

/* A sample of STACK with VALUES (N of them) from the arena; labelled
 * pprof::base=true when BASE. */
static Sample *new_sample(struct builder *b, const struct hd_stack *stack,
                          const int64_t *values, size_t n, bool base)
{
    Sample *s = arena_array(b, 1, sizeof *s);
    perftools__profiles__sample__init(s);
    s->n_location_id = stack->depth - stack->allocator_frames;
    s->location_id = arena_array(b, s->n_location_id, sizeof *s->location_id);
    for (size_t d = 0; d < s->n_location_id; d++)
        s->location_id[d] = (uint64_t)stack->locations[stack->allocator_frames + d] + 1;
    s->n_value = n;
    s->value = arena_array(b, n, sizeof *s->value);
    memcpy(s->value, values, n * sizeof *values);
    if (base) {
        Label *label = arena_array(b, 1, sizeof *label);
        perftools__profiles__label__init(label);
        label->key = string_id(b, "pprof::base");
        label->str = string_id(b, "true");
        s->n_label = 1;
        s->label = arena_array(b, 1, sizeof *s->label);
        s->label[0] = label;
    }
    return s;
}

/* The samples, and which locations they use (USED[l]). */
static void add_samples(struct builder *b, Profile *profile, const struct hd_report *report,
                        const enum hd_value_type *types, size_t n_types, bool *used)
{
    const struct hd_model *model = report->model;
    size_t capacity = 0;
    Sample **samples = NULL;
    size_t n = 0;
    for (size_t s = 0; s < model->samples.n; s++) {
        if (!holds_sample(report, s))
            continue;
        int64_t current[MAX_TYPES], base[MAX_TYPES];
        bool any_current = false, any_base = false;
        for (size_t t = 0; t < n_types; t++) {
            struct hd_sides sides = hd_model_sample_sides(model, s, types[t]);
            current[t] = llround(sides.current);
            base[t] = -llround(sides.base);
            any_current |= current[t] != 0;
            any_base |= base[t] != 0;
        }
        if (!any_current && !any_base)
            continue;
        const struct hd_stack *stack = &model->stacks[model->samples.keys[s].stack];
        for (uint32_t d = stack->allocator_frames; d < stack->depth; d++)
            used[stack->locations[d]] = true;
        HD_ARRAY_RESERVE(samples, capacity, n + 2);
        if (any_current)
            samples[n++] = new_sample(b, stack, current, n_types, false);
        if (any_base)
            samples[n++] = new_sample(b, stack, base, n_types, true);
    }
    profile->sample = arena_array(b, n, sizeof *profile->sample);
    if (n > 0)
        memcpy(profile->sample, samples, n * sizeof *samples);
    profile->n_sample = n;
    free(samples);
}

/* The build-id MAPPING records or is identified by, or "". */
static const char *build_id_of(const struct hd_mapping *mapping)
{
    static const char prefix[] = "build-id:";
    if (mapping->build_id)
        return mapping->build_id;
    if (strncmp(mapping->identity, prefix, sizeof prefix - 1) == 0)
        return mapping->identity + sizeof prefix - 1;
    return "";
}

static void add_mappings(struct builder *b, Profile *profile, const struct hd_model *model)
{
    profile->n_mapping = model->n_mappings;
    profile->mapping = arena_array(b, model->n_mappings, sizeof *profile->mapping);
    for (size_t i = 0; i < model->n_mappings; i++) {
        const struct hd_mapping *m = &model->mappings[i];
        Mapping *out = arena_array(b, 1, sizeof *out);
        perftools__profiles__mapping__init(out);
        out->id = i + 1;
        out->memory_start = m->start;
        out->memory_limit = m->limit;
        out->file_offset = m->offset;
        out->filename = string_id(b, m->path);
        out->build_id = string_id(b, build_id_of(m));
        /* heapdiff has named every location it could: a viewer must not
         * try again (it would name the rest otherwise than the report). */
        out->has_functions = out->has_filenames = out->has_line_numbers = true;
        out->has_inline_frames = true;
        profile->mapping[i] = out;
    }
}

/* Location L of MODEL with its lines, id L + 1. */
static Location *new_location(struct builder *b, const struct hd_model *model, size_t l)
{
    const struct hd_location *loc = &model->locations[l];
    Location *out = arena_array(b, 1, sizeof *out);
    perftools__profiles__location__init(out);
    out->id = l + 1;
    out->address = loc->address;
    if (loc->mapping != HD_NO_MAPPING) {
        /* Merged inputs may have mapped the module elsewhere (ASLR): the
         * address is rebuilt from the file offset in the mapping kept. */
        const struct hd_mapping *m = &model->mappings[loc->mapping];
        out->mapping_id = (uint64_t)loc->mapping + 1;
        out->address = m->start + (loc->offset - m->offset);
    }
    /* The format's writers (Go, jemalloc_pprof) give an address in the
     * call instruction: the return address - 1 (parser/proto.c adds the
     * 1 back). */
    if (out->address)
        out->address--;
    char unnamed[1024];
    hd_location_name(model, loc, unnamed, sizeof unnamed);
    out->n_line = loc->n_frames ? loc->n_frames : 1;
    out->line = arena_array(b, out->n_line, sizeof *out->line);
    for (size_t f = 0; f < out->n_line; f++) {
        const struct hd_frame *frame = loc->n_frames ? &loc->frames[f] : NULL;
        Line *line = arena_array(b, 1, sizeof *line);
        perftools__profiles__line__init(line);
        const char *name = frame && frame->function ? frame->function : unnamed;
        line->function_id = function_id(b, name, frame ? frame->file : NULL);
        line->line = frame ? frame->line : 0;
        out->line[f] = line;
    }
    return out;
}

static void add_locations(struct builder *b, Profile *profile, const struct hd_model *model,
                          const bool *used)
{
    size_t n = 0;
    for (size_t l = 0; l < model->n_locations; l++)
        n += used[l];
    profile->location = arena_array(b, n, sizeof *profile->location);
    for (size_t l = 0; l < model->n_locations; l++)
        if (used[l])
            profile->location[profile->n_location++] = new_location(b, model, l);
}

static void add_functions(struct builder *b, Profile *profile)
{
    profile->n_function = b->n_functions;
    profile->function = arena_array(b, b->n_functions, sizeof *profile->function);
    for (size_t i = 0; i < b->n_functions; i++) {
        Function *f = arena_array(b, 1, sizeof *f);
        perftools__profiles__function__init(f);
        f->id = i + 1;
        f->name = f->system_name = b->functions[i].name;
        f->filename = b->functions[i].filename;
        profile->function[i] = f;
    }
}

/* One comment line, formatted. */
static void add_comment(struct builder *b, int64_t **comments, size_t *n, size_t *capacity,
                        const char *text)
{
    HD_ARRAY_RESERVE(*comments, *capacity, *n + 1);
    (*comments)[(*n)++] = string_id(b, text);
}

/* Comments naming the inputs with their totals, the filters, and the
 * report's notes. */
static void add_comments(struct builder *b, Profile *profile, const struct hd_report *report)
{
    const struct hd_text_options *o = &report->text;
    const char *unit = hd_value_is_objects(o->value) ? "objects" : "bytes";
    int64_t *comments = NULL;
    size_t n = 0, capacity = 0;
    char line[4200];
    for (size_t i = 0; i < o->n_currents; i++) {
        snprintf(line, sizeof line, "heapdiff: %s %s: %.0f %s %s",
                 o->n_bases ? "current" : "profile", o->currents[i].path, o->currents[i].total,
                 unit, type_name(o->value));
        add_comment(b, &comments, &n, &capacity, line);
    }
    for (size_t i = 0; i < o->n_bases; i++) {
        snprintf(line, sizeof line, "heapdiff: base %s: %.0f %s %s", o->bases[i].path,
                 o->bases[i].total, unit, type_name(o->value));
        add_comment(b, &comments, &n, &capacity, line);
    }
    if (o->n_bases)
        add_comment(b, &comments, &n, &capacity,
                    "heapdiff: the base's samples are negative and labelled pprof::base=true "
                    "(as pprof -diff_base): the sum is current minus base");
    for (int k = 0; k < HD_FILTER_COUNT; k++) {
        const char *pattern = hd_filter_pattern(o->filters, (enum hd_filter_kind)k);
        if (pattern) {
            snprintf(line, sizeof line, "heapdiff: --%s=%s", hd_filter_name(k), pattern);
            add_comment(b, &comments, &n, &capacity, line);
        }
    }
    for (size_t i = 0; i < o->n_notes; i++)
        add_comment(b, &comments, &n, &capacity, o->notes[i]);
    profile->n_comment = n;
    profile->comment = arena_array(b, n, sizeof *profile->comment);
    if (n > 0)
        memcpy(profile->comment, comments, n * sizeof *comments);
    free(comments);
}

/* DATA[0..SIZE) gzip-compressed to OUT.  Returns 0, or -1 when writing
 * failed. */
static int write_gzip(FILE *out, const uint8_t *data, size_t size)
{
    z_stream z = {0};
    /* windowBits 15 + 16: a gzip header and trailer (zlib.h). */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return -1;
    unsigned char chunk[1 << 16];
    int status = Z_OK;
    int result = 0;
    size_t offset = 0;
    do {
        size_t piece = size - offset > (1u << 30) ? (1u << 30) : size - offset;
        z.next_in = (unsigned char *)(uintptr_t)(data + offset);
        z.avail_in = (uInt)piece;
        offset += piece;
        int flush = offset == size ? Z_FINISH : Z_NO_FLUSH;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof chunk;
            status = deflate(&z, flush);
            size_t have = sizeof chunk - z.avail_out;
            if (have > 0 && fwrite(chunk, 1, have, out) != have)
                result = -1;
        } while (z.avail_out == 0 && result == 0);
    } while (offset < size && result == 0);
    if (status != Z_STREAM_END)
        result = -1;
    deflateEnd(&z);
    return result == 0 && fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int hd_emit_proto(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    const struct hd_model *model = report->model;
    struct builder b = {.arena = hd_arena_new()};
    hd_strpool_init(&b.strings, b.arena);
    string_id(&b, ""); /* the format's string 0 */
    Profile profile = PERFTOOLS__PROFILES__PROFILE__INIT;

    enum hd_value_type types[MAX_TYPES];
    size_t n_types = choose_types(model, types);
    profile.n_sample_type = n_types;
    profile.sample_type = arena_array(&b, n_types, sizeof *profile.sample_type);
    for (size_t t = 0; t < n_types; t++) {
        ValueType *v = arena_array(&b, 1, sizeof *v);
        perftools__profiles__value_type__init(v);
        v->type = string_id(&b, type_name(types[t]));
        v->unit = string_id(&b, hd_value_is_objects(types[t]) ? "count" : "bytes");
        profile.sample_type[t] = v;
    }
    profile.default_sample_type = string_id(&b, type_name(report->text.value));
    ValueType period = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
    period.type = string_id(&b, "space");
    period.unit = string_id(&b, "bytes");
    profile.period_type = &period;
    /* The first current's sampling period, as Go pprof's heap parser
     * records it; a header's absurd period is not converted (that would
     * overflow int64). */
    for (size_t k = 0; k < model->n_inputs; k++)
        if (model->inputs[k].role != HD_ROLE_BASE) {
            double period_bytes = model->inputs[k].sample_period;
            if (period_bytes >= 0 && period_bytes < 0x1p62)
                profile.period = (int64_t)period_bytes;
            break;
        }

    bool *used = hd_calloc(model->n_locations + 1, sizeof *used);
    add_samples(&b, &profile, report, types, n_types, used);
    add_mappings(&b, &profile, model);
    add_locations(&b, &profile, model, used);
    add_functions(&b, &profile);
    add_comments(&b, &profile, report);
    free(used);

    /* The string table last: every part above adds to it. */
    profile.n_string_table = b.strings.n;
    profile.string_table = (char **)b.strings.strings;
    size_t size = perftools__profiles__profile__get_packed_size(&profile);
    uint8_t *packed = hd_malloc(size + 1, 1);
    perftools__profiles__profile__pack(&profile, packed);
    int written = write_gzip(out, packed, size);

    free(packed);
    hd_strpool_free(&b.strings);
    free(b.functions);
    hd_idtable_free(&b.function_ids);
    hd_arena_free(b.arena);
    if (written != 0)
        return hd_error_set(err, report->output_name, 0, "cannot write the profile");
    return 0;
}
