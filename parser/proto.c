/* Reading pprof's profile.proto (pprof/profile.proto), decoded by the
 * protobuf-c code that --proto writes with (see formats.h).
 *
 * What becomes of each part:
 *  - sample types: inuse_space, inuse_objects, alloc_space, alloc_objects
 *    (Go's runtime, tcmalloc, jemalloc_pprof, heapdiff's --proto) and Go
 *    pprof's "space" and "objects" (heap profiles without allocation
 *    counts: in-use values) fill the model's four values; other types are
 *    left out, and a profile with none of these is refused, naming the
 *    types it has.  Values are taken as written: heap profiles of Go,
 *    tcmalloc and jemalloc_pprof are already unsampled estimates.  A
 *    period_type of space/bytes with a period over 1 records the sampling
 *    period (Poisson sampling), for the noise estimates;
 *  - mappings: start, limit, file offset, file name and build-id;
 *  - a location with lines (functions) keeps them as its frames, never
 *    looked up again (hd_model_intern_given_location), lines[0] the
 *    innermost inlined function as in the model; a location without lines
 *    is an address, symbolized here from its mapping as the text formats'
 *    are (its address, in the call instruction as the format's writers
 *    give it, is taken as return address - 1); so is a location whose one
 *    line only spells its address, as heapdiff's --proto names what it
 *    could not symbolize;
 *  - samples: their stacks (leaf first, as the model's) and values.
 *    Labels (Go's "bytes" per-object size, pprof::base of a -diff_base
 *    profile), comments, drop_frames and keep_frames are not read; a
 *    negative value (pprof -diff_base writes them for its base) is
 *    refused.
 *
 * Every id and string index is checked; protobuf-c's allocations are
 * bounded by a budget proportional to the input, so that no file makes
 * heapdiff run out of memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "counts.h"
#include "formats.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__ValueType ValueType;

/* protobuf-c's decoded structures take at most this many bytes per byte
 * of input (plus a fixed allowance): the densest valid messages (a
 * location of one line, a sample of one frame) take about 12. */
#define DECODE_BYTES_PER_INPUT_BYTE 64
#define DECODE_FIXED_BYTES ((size_t)1 << 20)

/* The allocator handed to protobuf-c: malloc under a budget. */
struct budget {
    size_t left;
    bool exhausted; /* an allocation was refused */
};

static void *budget_alloc(void *data, size_t size)
{
    struct budget *b = data;
    if (size > b->left) {
        b->exhausted = true;
        return NULL;
    }
    b->left -= size;
    return malloc(size ? size : 1);
}

static void budget_free(void *data, void *pointer)
{
    (void)data;
    free(pointer);
}

/* An id of the file (mapping, location, function) and the index of its
 * message. */
struct id_entry {
    uint64_t id;
    uint32_t index;
};

static int compare_ids(const void *a, const void *b)
{
    uint64_t x = ((const struct id_entry *)a)->id, y = ((const struct id_entry *)b)->id;
    return x < y ? -1 : x > y;
}

/* The messages of one kind by their id. */
struct id_table {
    struct id_entry *entries; /* sorted by id, ids unique and not 0 */
    size_t n;
};

/* The index of ID in T, or UINT32_MAX when no message has it. */
static uint32_t id_find(const struct id_table *t, uint64_t id)
{
    struct id_entry key = {id, 0};
    const struct id_entry *e = bsearch(&key, t->entries, t->n, sizeof *t->entries, compare_ids);
    return e ? e->index : UINT32_MAX;
}

/* The state of one read. */
struct reader {
    const char *name; /* the file, for messages */
    const Profile *profile;
    struct hd_model *model;
    struct hd_error *err;
    struct id_table mappings, locations, functions;
    uint32_t *mapping_ids;  /* the model's mapping per Mapping message */
    uint32_t *location_ids; /* the model's location per Location message */
};

/* Sort the N ids that ID_OF gives into T.  Returns 0, or -1 with the
 * error set for an id 0 or an id given twice (WHAT names the kind). */
static int build_ids(struct reader *r, struct id_table *t, size_t n, const char *what,
                     uint64_t (*id_of)(const Profile *, size_t))
{
    t->entries = hd_malloc(n + 1, sizeof *t->entries);
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        t->entries[i] = (struct id_entry){id_of(r->profile, i), (uint32_t)i};
        if (t->entries[i].id == 0)
            return hd_error_set(r->err, r->name, 0, "%s %zu of %zu has id 0, which is reserved",
                                what, i + 1, n);
    }
    qsort(t->entries, n, sizeof *t->entries, compare_ids);
    for (size_t i = 1; i < n; i++)
        if (t->entries[i].id == t->entries[i - 1].id)
            return hd_error_set(r->err, r->name, 0, "two %ss have id %llu", what,
                                (unsigned long long)t->entries[i].id);
    return 0;
}

static uint64_t mapping_id(const Profile *p, size_t i)
{
    return p->mapping[i]->id;
}

static uint64_t location_id(const Profile *p, size_t i)
{
    return p->location[i]->id;
}

static uint64_t function_id(const Profile *p, size_t i)
{
    return p->function[i]->id;
}

/* The string at INDEX of the string table into *OUT.  Returns 0, or -1
 * with the error set when INDEX is outside the table (WHAT says whose it
 * is). */
static int string_at(struct reader *r, int64_t index, const char *what, const char **out)
{
    if (index < 0 || (uint64_t)index >= r->profile->n_string_table)
        return hd_error_set(r->err, r->name, 0,
                            "%s: string index %lld is outside the string table (%zu strings)",
                            what, (long long)index, r->profile->n_string_table);
    *out = r->profile->string_table[index];
    return 0;
}

/* ---- sample types ---- */

/* Which sample value fills each of the model's four values: an index into
 * Sample.value, or -1. */
struct value_columns {
    long inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
};

/* Whether TYPE/UNIT names a value heapdiff keeps; then *SLOT is the field
 * of COLUMNS it fills. */
static bool known_type(const char *type, const char *unit, struct value_columns *columns,
                       long **slot)
{
    static const struct {
        const char *type, *unit;
        size_t field;
    } known[] = {
        {"inuse_space", "bytes", offsetof(struct value_columns, inuse_bytes)},
        {"inuse_objects", "count", offsetof(struct value_columns, inuse_objects)},
        {"alloc_space", "bytes", offsetof(struct value_columns, alloc_bytes)},
        {"alloc_objects", "count", offsetof(struct value_columns, alloc_objects)},
        /* Go pprof's heap profiles without allocation counts */
        {"space", "bytes", offsetof(struct value_columns, inuse_bytes)},
        {"objects", "count", offsetof(struct value_columns, inuse_objects)},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(type, known[i].type) == 0 && strcmp(unit, known[i].unit) == 0) {
            *slot = (long *)((char *)columns + known[i].field);
            return true;
        }
    return false;
}

/* Choose the sample values that fill the model's four.  Returns 0, or -1
 * with the error set: a string index out of range, a value named twice,
 * or no heap value at all (the message lists the types found). */
static int read_sample_types(struct reader *r, struct value_columns *columns)
{
    *columns = (struct value_columns){-1, -1, -1, -1};
    const Profile *p = r->profile;
    char found[512] = "";
    size_t used = 0;
    bool any = false;
    for (size_t t = 0; t < p->n_sample_type; t++) {
        const char *type = NULL, *unit = NULL;
        if (string_at(r, p->sample_type[t]->type, "sample type", &type) != 0 ||
            string_at(r, p->sample_type[t]->unit, "sample type", &unit) != 0)
            return -1;
        if (used < sizeof found)
            used += (size_t)snprintf(found + used, sizeof found - used, "%s%s/%s",
                                     t ? ", " : "", type, unit);
        long *slot;
        if (!known_type(type, unit, columns, &slot))
            continue;
        if (*slot >= 0)
            return hd_error_set(r->err, r->name, 0, "sample type %s/%s is given twice", type,
                                unit);
        *slot = (long)t;
        any = true;
    }
    r->model->inputs[0].lacks_objects = columns->inuse_objects < 0 && columns->alloc_objects < 0;
    if (!any)
        return hd_error_set(r->err, r->name, 0,
                            "no heap sample type: heapdiff reads inuse_space/bytes, "
                            "inuse_objects/count, alloc_space/bytes, alloc_objects/count, "
                            "space/bytes and objects/count; this profile has %s",
                            p->n_sample_type ? found : "none");
    return 0;
}

/* Sampling facts from period_type and period. */
static int read_period(struct reader *r)
{
    const Profile *p = r->profile;
    if (!p->period_type)
        return 0;
    const char *type = NULL, *unit = NULL;
    if (string_at(r, p->period_type->type, "period type", &type) != 0 ||
        string_at(r, p->period_type->unit, "period type", &unit) != 0)
        return -1;
    struct hd_model_input *in = &r->model->inputs[0];
    if (strcmp(type, "space") == 0 && strcmp(unit, "bytes") == 0 && p->period > 1) {
        in->sampling = HD_SAMPLING_V2;
        in->sample_period = (double)p->period;
    }
    return 0;
}

/* ---- mappings, functions, locations ---- */

static int read_mappings(struct reader *r, const struct hd_parse_limits *limits)
{
    const Profile *p = r->profile;
    if (p->n_mapping > limits->max_mappings)
        return hd_counts_over_limit("mappings", limits->max_mappings, r->name, 0, r->err);
    r->mapping_ids = hd_malloc(p->n_mapping + 1, sizeof *r->mapping_ids);
    for (size_t i = 0; i < p->n_mapping; i++) {
        const Mapping *m = p->mapping[i];
        const char *filename = NULL, *build_id = NULL;
        if (string_at(r, m->filename, "mapping", &filename) != 0 ||
            string_at(r, m->build_id, "mapping", &build_id) != 0)
            return -1;
        /* A limit at or below the start (some producers write 0 for
         * unknown) is a mapping of one byte: it still names the file. */
        uint64_t limit = m->memory_limit > m->memory_start ? m->memory_limit
                                                           : m->memory_start + 1;
        if (limit == 0)
            limit = UINT64_MAX;
        uint32_t id = hd_model_add_mapping(r->model, m->memory_start, limit, m->file_offset,
                                           filename, true, false);
        if (build_id[0]) {
            char *lower = hd_malloc(strlen(build_id) + 1, 1);
            size_t k = 0;
            for (; build_id[k]; k++)
                lower[k] = (char)(build_id[k] >= 'A' && build_id[k] <= 'Z' ? build_id[k] + 32
                                                                           : build_id[k]);
            lower[k] = '\0';
            r->model->mappings[id].build_id = hd_model_intern_string(r->model, lower);
            free(lower);
        }
        r->mapping_ids[i] = id;
    }
    return 0;
}

/* Check every function's strings. */
static int check_functions(struct reader *r)
{
    const Profile *p = r->profile;
    for (size_t i = 0; i < p->n_function; i++) {
        const Function *f = p->function[i];
        const char *ignored;
        if (string_at(r, f->name, "function", &ignored) != 0 ||
            string_at(r, f->system_name, "function", &ignored) != 0 ||
            string_at(r, f->filename, "function", &ignored) != 0)
            return -1;
    }
    return 0;
}

/* Location L's lines as model frames into FRAMES (N of them).  Returns
 * how many frames name something (a function or a file), or -1 with the
 * error set for a function id that no function has. */
static int64_t frames_of(struct reader *r, const Location *l, struct hd_frame *frames)
{
    const Profile *p = r->profile;
    int64_t named = 0;
    for (size_t k = 0; k < l->n_line; k++) {
        const Perftools__Profiles__Line *line = l->line[k];
        frames[k] = (struct hd_frame){NULL, NULL,
                                      line->line > 0 && line->line <= UINT32_MAX
                                          ? (uint32_t)line->line
                                          : 0};
        if (line->function_id == 0)
            continue;
        uint32_t f = id_find(&r->functions, line->function_id);
        if (f == UINT32_MAX)
            return hd_error_set(r->err, r->name, 0,
                                "location %llu: function id %llu does not exist",
                                (unsigned long long)l->id,
                                (unsigned long long)line->function_id);
        const Function *fn = p->function[f];
        const char *name = p->string_table[fn->name];
        if (!name[0])
            name = p->string_table[fn->system_name];
        const char *file = p->string_table[fn->filename];
        frames[k].function = name[0] ? name : NULL;
        frames[k].file = file[0] ? file : NULL;
        named += frames[k].function || frames[k].file;
    }
    return named;
}

/* Whether FRAMES (N of them) only spell the location's address, as
 * heapdiff's --proto names a location it could not symbolize ("0xADDR",
 * or "MODULE+0xOFFSET" for MAPPING's file, the base name of its path):
 * no name at all, to be looked up here like any address. */
static bool spells_address(const struct hd_model *model, uint32_t mapping, uint64_t address,
                           uint64_t offset, const struct hd_frame *frames, size_t n)
{
    if (n != 1 || !frames[0].function || frames[0].file || frames[0].line)
        return false;
    char spelled[4200];
    const char *path = mapping == HD_NO_MAPPING ? "" : model->mappings[mapping].path;
    if (!path[0]) {
        snprintf(spelled, sizeof spelled, "0x%llx", (unsigned long long)address);
    } else {
        const char *base = strrchr(path, '/');
        snprintf(spelled, sizeof spelled, "%s+0x%llx", base ? base + 1 : path,
                 (unsigned long long)offset);
    }
    return strcmp(spelled, frames[0].function) == 0;
}

static int read_locations(struct reader *r, const struct hd_parse_limits *limits)
{
    const Profile *p = r->profile;
    if (p->n_location > limits->max_locations)
        return hd_counts_over_limit("locations", limits->max_locations, r->name, 0, r->err);
    r->location_ids = hd_malloc(p->n_location + 1, sizeof *r->location_ids);
    struct hd_frame *frames = NULL;
    size_t capacity = 0;
    int rc = 0;
    for (size_t i = 0; i < p->n_location && rc == 0; i++) {
        const Location *l = p->location[i];
        uint32_t map = HD_NO_MAPPING;
        if (l->mapping_id != 0) {
            uint32_t m = id_find(&r->mappings, l->mapping_id);
            if (m == UINT32_MAX) {
                rc = hd_error_set(r->err, r->name, 0,
                                  "location %llu: mapping id %llu does not exist",
                                  (unsigned long long)l->id,
                                  (unsigned long long)l->mapping_id);
                break;
            }
            map = r->mapping_ids[m];
        }
        if (l->n_line > limits->max_frames) {
            rc = hd_counts_over_limit("lines in a location", limits->max_frames, r->name, 0,
                                      r->err);
            break;
        }
        HD_ARRAY_RESERVE(frames, capacity, l->n_line + 1);
        int64_t named = frames_of(r, l, frames);
        if (named < 0) {
            rc = -1;
            break;
        }
        /* Writers of profile.proto (Go, jemalloc_pprof, Go pprof from
         * legacy text) give an address in the call instruction, the
         * return address - 1; the model holds return addresses, as the
         * text formats give them (the symbolizer subtracts the 1). */
        uint64_t address = l->address ? l->address + 1 : 0;
        uint64_t offset = address;
        if (map != HD_NO_MAPPING)
            offset = address - r->model->mappings[map].start + r->model->mappings[map].offset;
        if (named > 0 && !spells_address(r->model, map, address, offset, frames, l->n_line)) {
            r->location_ids[i] = hd_model_intern_given_location(r->model, map, address,
                                                                frames, (uint32_t)l->n_line);
        } else if (map != HD_NO_MAPPING) {
            r->location_ids[i] = hd_model_intern_location(r->model, map, address, offset);
        } else {
            r->location_ids[i] = hd_model_intern_address(r->model, address);
        }
    }
    free(frames);
    return rc;
}

/* ---- samples ---- */

static int read_samples(struct reader *r, const struct value_columns *columns,
                        const struct hd_parse_limits *limits)
{
    const Profile *p = r->profile;
    if (p->n_sample > limits->max_stacks)
        return hd_counts_over_limit("samples", limits->max_stacks, r->name, 0, r->err);
    uint32_t *stack = NULL;
    size_t capacity = 0;
    bool any_alloc = false;
    int rc = 0;
    for (size_t i = 0; i < p->n_sample && rc == 0; i++) {
        const Sample *s = p->sample[i];
        if (s->n_value != p->n_sample_type) {
            rc = hd_error_set(r->err, r->name, 0,
                              "sample %zu has %zu values for %zu sample types", i + 1,
                              s->n_value, p->n_sample_type);
            break;
        }
        if (s->n_location_id > limits->max_frames) {
            rc = hd_counts_over_limit("frames in a stack", limits->max_frames, r->name, 0,
                                      r->err);
            break;
        }
        for (size_t v = 0; v < s->n_value && rc == 0; v++)
            if (s->value[v] < 0)
                rc = hd_error_set(r->err, r->name, 0,
                                  "sample %zu has the negative value %lld (a pprof -diff_base "
                                  "profile?): give its two profiles, the base with --base",
                                  i + 1, (long long)s->value[v]);
        if (rc != 0)
            break;
        HD_ARRAY_RESERVE(stack, capacity, s->n_location_id + 1);
        uint32_t depth = 0;
        for (size_t d = 0; d < s->n_location_id; d++) {
            uint32_t l = id_find(&r->locations, s->location_id[d]);
            if (l == UINT32_MAX) {
                rc = hd_error_set(r->err, r->name, 0,
                                  "sample %zu: location id %llu does not exist", i + 1,
                                  (unsigned long long)s->location_id[d]);
                break;
            }
            stack[depth++] = r->location_ids[l];
        }
        if (rc != 0)
            break;
        /* A sample without a stack: the text formats' unknown stack. */
        if (depth == 0)
            stack[depth++] = hd_model_intern_address(r->model, 0);
        struct hd_values values = {
            columns->inuse_objects >= 0 ? (double)s->value[columns->inuse_objects] : 0,
            columns->inuse_bytes >= 0 ? (double)s->value[columns->inuse_bytes] : 0,
            columns->alloc_objects >= 0 ? (double)s->value[columns->alloc_objects] : 0,
            columns->alloc_bytes >= 0 ? (double)s->value[columns->alloc_bytes] : 0,
        };
        any_alloc |= values.alloc_objects != 0 || values.alloc_bytes != 0;
        uint32_t id = hd_model_intern_stack(r->model, stack, depth);
        if (r->model->n_stacks > limits->max_stacks) {
            rc = hd_counts_over_limit("stacks", limits->max_stacks, r->name, 0, r->err);
            break;
        }
        hd_model_add_sample(r->model, 0, id, HD_ALL_THREADS, &values);
    }
    free(stack);
    r->model->inputs[0].has_alloc_values = any_alloc;
    return rc;
}

/* ---- the whole ---- */

static int read_profile(struct reader *r, const struct hd_parse_limits *limits)
{
    const Profile *p = r->profile;
    if (p->n_string_table == 0 || p->string_table[0][0] != '\0')
        return hd_error_set(r->err, r->name, 0,
                            "the string table does not start with \"\", as profile.proto "
                            "requires");
    struct value_columns columns;
    if (read_sample_types(r, &columns) != 0 || read_period(r) != 0 ||
        build_ids(r, &r->mappings, p->n_mapping, "mapping", mapping_id) != 0 ||
        build_ids(r, &r->locations, p->n_location, "location", location_id) != 0 ||
        build_ids(r, &r->functions, p->n_function, "function", function_id) != 0 ||
        check_functions(r) != 0 || read_mappings(r, limits) != 0 ||
        read_locations(r, limits) != 0 || read_samples(r, &columns, limits) != 0)
        return -1;
    /* Unmapped addresses meet their mappings, and mappings get their
     * identities (the recorded build-ids among them). */
    hd_model_resolve_locations(r->model);
    return 0;
}

struct hd_model *hd_parse_proto(const char *name, const char *data, size_t size,
                                const struct hd_parse_limits *limits, struct hd_error *err)
{
    struct budget budget = {DECODE_FIXED_BYTES, false};
    if (size < (SIZE_MAX - DECODE_FIXED_BYTES) / DECODE_BYTES_PER_INPUT_BYTE)
        budget.left += size * DECODE_BYTES_PER_INPUT_BYTE;
    ProtobufCAllocator allocator = {budget_alloc, budget_free, &budget};
    Profile *profile =
        perftools__profiles__profile__unpack(&allocator, size, (const uint8_t *)data);
    if (!profile) {
        hd_error_set(err, name, 0,
                     budget.exhausted
                         ? "a pprof profile.proto that takes too much memory to decode"
                         : "a pprof profile.proto that cannot be decoded: truncated or "
                           "malformed");
        return NULL;
    }
    struct hd_model *model = hd_model_new();
    hd_model_add_input(model, name, HD_ROLE_CURRENT);
    model->inputs[0].producer = HD_PRODUCER_PPROF;
    model->inputs[0].format = HD_FORMAT_PROTO;
    struct reader r = {.name = name, .profile = profile, .model = model, .err = err};
    int rc = read_profile(&r, limits);
    free(r.mappings.entries);
    free(r.locations.entries);
    free(r.functions.entries);
    free(r.mapping_ids);
    free(r.location_ids);
    perftools__profiles__profile__free_unpacked(profile, &allocator);
    if (rc != 0) {
        hd_model_free(model);
        return NULL;
    }
    return model;
}
