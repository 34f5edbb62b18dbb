/* --proto (render/proto.c): heapdiff's output decoded with protobuf-c
 * from pprof's profile.proto, as any consumer reads it.  Numbers come
 * from testdata/README.md and the fixtures' text reports: leaky_cpp's
 * tc-cpp.0002.heap holds 375808 in-use bytes; leaky's tc-run2.0003.heap
 * holds 2052736, tc-run1.0001.heap 727936, a delta of 1324800.  Build-ids
 * are `readelf -n` of testdata/bin. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "run_heapdiff.h"

typedef Perftools__Profiles__Profile Profile;

/* The profile heapdiff writes for ARGV (after --proto), decoded; the
 * caller frees it with perftools__profiles__profile__free_unpacked. */
static Profile *proto_of(const char *const *argv)
{
    const char *full[16] = {"--proto"};
    size_t n = 1;
    for (; argv[n - 1]; n++)
        full[n] = argv[n - 1];
    full[n] = NULL;
    struct hd_test_run run;
    hd_test_run_heapdiff(full, &run);
    cr_assert_eq(run.status, 0, "heapdiff failed: %s", run.err);
    /* gzip (the format's own rule, profile.proto's header): windowBits
     * 15 + 16 accepts only a gzip stream. */
    cr_assert(run.out_size > 2 && (unsigned char)run.out[0] == 0x1f &&
              (unsigned char)run.out[1] == 0x8b, "not gzip");
    size_t capacity = 1 << 20, size = 0;
    unsigned char *plain = malloc(capacity);
    z_stream z = {0};
    cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (unsigned char *)run.out;
    z.avail_in = (uInt)run.out_size;
    int status;
    do {
        if (size == capacity)
            plain = realloc(plain, capacity *= 2);
        z.next_out = plain + size;
        z.avail_out = (uInt)(capacity - size);
        status = inflate(&z, Z_NO_FLUSH);
        size = capacity - z.avail_out;
    } while (status == Z_OK);
    cr_assert_eq(status, Z_STREAM_END, "gzip stream broken");
    inflateEnd(&z);
    hd_test_run_free(&run);
    Profile *p = perftools__profiles__profile__unpack(NULL, size, plain);
    free(plain);
    cr_assert_not_null(p, "not a profile.proto");
    return p;
}

static const char *string_of(const Profile *p, int64_t index)
{
    cr_assert(index >= 0 && (size_t)index < p->n_string_table);
    return p->string_table[index];
}

static const Perftools__Profiles__Function *function_of(const Profile *p, uint64_t id)
{
    for (size_t i = 0; i < p->n_function; i++)
        if (p->function[i]->id == id)
            return p->function[i];
    cr_assert_fail("no function %llu", (unsigned long long)id);
    return NULL;
}

/* The index of sample type NAME, or -1. */
static int type_index(const Profile *p, const char *name)
{
    for (size_t t = 0; t < p->n_sample_type; t++)
        if (strcmp(string_of(p, p->sample_type[t]->type), name) == 0)
            return (int)t;
    return -1;
}

static bool is_base_sample(const Profile *p, const Perftools__Profiles__Sample *s)
{
    for (size_t i = 0; i < s->n_label; i++)
        if (strcmp(string_of(p, s->label[i]->key), "pprof::base") == 0 &&
            strcmp(string_of(p, s->label[i]->str), "true") == 0)
            return true;
    return false;
}

Test(proto, holds_the_sample_types_a_mapping_build_id_and_inlined_lines)
{
    Profile *p = proto_of((const char *[]){"bin/leaky_cpp", "profiles/tc-cpp.0002.heap", NULL});
    /* tcmalloc's heap profile keeps allocation counts: pprof's four
     * types, in its heap parser's order, inuse_space the default. */
    cr_assert_eq(p->n_sample_type, 4);
    cr_assert_eq(type_index(p, "alloc_objects"), 0);
    cr_assert_eq(type_index(p, "alloc_space"), 1);
    cr_assert_eq(type_index(p, "inuse_objects"), 2);
    cr_assert_eq(type_index(p, "inuse_space"), 3);
    cr_assert_str_eq(string_of(p, p->sample_type[3]->unit), "bytes");
    cr_assert_str_eq(string_of(p, p->sample_type[2]->unit), "count");
    cr_assert_str_eq(string_of(p, p->default_sample_type), "inuse_space");

    int64_t inuse = 0;
    for (size_t i = 0; i < p->n_sample; i++) {
        cr_assert_eq(p->sample[i]->n_value, 4);
        inuse += p->sample[i]->value[3];
    }
    cr_assert_eq(inuse, 375808);

    bool found_build_id = false;
    for (size_t i = 0; i < p->n_mapping; i++) {
        const char *file = string_of(p, p->mapping[i]->filename);
        size_t len = strlen(file);
        if (len >= 10 && strcmp(file + len - 10, "/leaky_cpp") == 0) {
            cr_assert_str_eq(string_of(p, p->mapping[i]->build_id),
                             "5c959077d99131ae6369477976b7e8a6a72edee2");
            cr_assert(p->mapping[i]->has_functions && p->mapping[i]->has_inline_frames);
            found_build_id = true;
        }
    }
    cr_assert(found_build_id, "no mapping of leaky_cpp");

    /* make_buffer's vector: _M_create_storage inlined into _Vector_base,
     * into vector::vector, into app::make_buffer, innermost first. */
    bool found_inline = false;
    for (size_t i = 0; i < p->n_location && !found_inline; i++) {
        const Perftools__Profiles__Location *l = p->location[i];
        if (l->n_line < 2 ||
            strcmp(string_of(p, function_of(p, l->line[0]->function_id)->name),
                   "std::_Vector_base::_M_create_storage") != 0)
            continue;
        const char *outer = string_of(p, function_of(p, l->line[l->n_line - 1]->function_id)->name);
        cr_assert_str_eq(outer, "app::make_buffer");
        cr_assert_str_eq(string_of(p, function_of(p, l->line[0]->function_id)->filename),
                         "/usr/include/c++/12/bits/stl_vector.h");
        cr_assert_eq(l->line[0]->line, 395);
        cr_assert_neq(l->mapping_id, 0);
        found_inline = true;
    }
    cr_assert(found_inline, "no location with _M_create_storage inlined");
    perftools__profiles__profile__free_unpacked(p, NULL);
}

Test(proto, a_diff_is_current_samples_plus_negative_base_samples_labelled_as_pprof_does)
{
    Profile *p = proto_of((const char *[]){"--base=profiles/tc-run1.0001.heap", "bin/leaky",
                                           "profiles/tc-run2.0003.heap", NULL});
    int inuse = type_index(p, "inuse_space");
    cr_assert_geq(inuse, 0);
    int64_t current = 0, base = 0;
    size_t n_base = 0;
    for (size_t i = 0; i < p->n_sample; i++) {
        const Perftools__Profiles__Sample *s = p->sample[i];
        if (is_base_sample(p, s)) {
            n_base++;
            cr_assert_leq(s->value[inuse], 0, "a base sample is negative");
            base += s->value[inuse];
        } else {
            cr_assert_geq(s->value[inuse], 0);
            current += s->value[inuse];
        }
    }
    cr_assert_gt(n_base, 0);
    cr_assert_eq(current, 2052736);
    cr_assert_eq(base, -727936);
    cr_assert_eq(current + base, 1324800);
    /* The comments name both inputs. */
    bool named_base = false;
    for (size_t i = 0; i < p->n_comment; i++)
        named_base |= strstr(string_of(p, p->comment[i]), "base profiles/tc-run1.0001.heap") !=
                      NULL;
    cr_assert(named_base);
    perftools__profiles__profile__free_unpacked(p, NULL);
}
