/* The memory capture readers (memory/) on the real captures of
 * testdata/memory/ (made by testdata/memory/capture.sh) and on broken
 * input.  Every expected number is read off the capture's own file, as
 * the comment by it says. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_warnings.h"
#include "inputs.h"
#include "memory.h"

/* ---- helpers ---- */

TestSuite(memory_inputs, .init = setup, .fini = teardown);

/* testdata/memory/REL */
static const char *capture(const char *rel)
{
    static char path[4096];
    const char *root = getenv("HD_TESTDATA");
    cr_assert(root != NULL, "HD_TESTDATA is not set (run through meson test)");
    snprintf(path, sizeof path, "%s/memory/%s", root, rel);
    return path;
}

static void read_ok(const char *rel, struct hd_mem_snapshot *snap)
{
    struct hd_error err;
    int rc = hd_mem_read_snapshot(capture(rel), snap, &err);
    char buf[1200];
    cr_assert_eq(rc, 0, "%s: %s", rel, hd_error_format(&err, buf, sizeof buf));
}

/* The error that reading TEXT (as a file named "bad") gives, formatted. */
static const char *add_error(const char *text)
{
    static char buf[1200];
    struct hd_mem_snapshot snap;
    struct hd_error err;
    memset(&snap, 0, sizeof snap);
    hd_mem_rollup_unknown(&snap.rollup);
    int rc = hd_mem_snapshot_add(&snap, "bad", text, strlen(text), &err);
    if (rc >= 0)
        rc = hd_mem_snapshot_finish(&snap, &err);
    hd_mem_snapshot_free(&snap);
    cr_assert_lt(rc, 0, "no error for:\n%s", text);
    return hd_error_format(&err, buf, sizeof buf);
}

static void assert_error(const char *text, const char *expected)
{
    const char *got = add_error(text);
    cr_assert(strstr(got, expected) != NULL, "expected '%s', got '%s'", expected, got);
}

static const char HEADER[] = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n";

/* ---- recognition ---- */

Test(memory_inputs, recognizes_every_capture_file_by_content)
{
    static const struct {
        const char *rel;
        enum hd_mem_kind kind;
    } files[] = {
        {"arenas/snap.1/smaps", HD_MEM_KIND_SMAPS},
        {"arenas/snap.1/smaps_rollup", HD_MEM_KIND_SMAPS_ROLLUP},
        {"arenas/snap.1/pmap-x.txt", HD_MEM_KIND_PMAP},
        {"arenas/snap.1/pmap-X.txt", HD_MEM_KIND_PMAP},
        {"arenas/snap.1/status", HD_MEM_KIND_STATUS},
        {"arenas/snap.1/malloc-info.xml", HD_MEM_KIND_MALLOC_INFO},
        {"arenas/snap.1/malloc-stats.txt", HD_MEM_KIND_MALLOC_STATS},
        {"jemalloc-dirty/snap.1/jemalloc-stats.txt", HD_MEM_KIND_JEMALLOC_TEXT},
        {"jemalloc-dirty/snap.1/jemalloc-stats.json", HD_MEM_KIND_JEMALLOC_JSON},
        {"jemalloc-dirty/snap.1/profile.heap", HD_MEM_KIND_HEAP_PROFILE},
        {"leak/snap.1/tcmalloc-stats.txt", HD_MEM_KIND_TCMALLOC},
        {"leak/snap.1/profile.heap", HD_MEM_KIND_HEAP_PROFILE},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        FILE *f = fopen(capture(files[i].rel), "rb");
        cr_assert(f != NULL, "%s", files[i].rel);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        cr_expect_eq(hd_mem_recognize(buf, n), files[i].kind, "%s: %s", files[i].rel,
                     hd_mem_kind_name(hd_mem_recognize(buf, n)));
    }
    cr_expect_eq(hd_mem_recognize("", 0), HD_MEM_KIND_NONE);
    cr_expect_eq(hd_mem_recognize("hello\n", 6), HD_MEM_KIND_NONE);
}

/* ---- the real captures ---- */

Test(memory_inputs, arenas_snapshot_reads_malloc_info_smaps_and_status)
{
    struct hd_mem_snapshot s;
    read_ok("arenas/snap.2", &s);
    cr_assert(s.glibc.present && s.glibc.from_malloc_info);
    /* malloc-info.xml: 13 <heap> elements (main arena + 12 workers). */
    cr_assert_eq(s.glibc.n_arenas, 13);
    cr_expect_eq(s.glibc.arenas[0].number, 0);
    cr_expect_eq(s.glibc.arenas[0].system_current, 135168);
    /* <heap nr="1">: system current 4227072, rest 501 chunks 3956436 B,
     * no fastbins: a worker's 8000 x 512 B less the 501 kept. */
    cr_expect_eq(s.glibc.arenas[1].number, 1);
    cr_expect_eq(s.glibc.arenas[1].system_current, 4227072);
    cr_expect_eq(s.glibc.arenas[1].system_max, 4227072);
    cr_expect_eq(s.glibc.arenas[1].free_bytes, 3956436);
    cr_expect_eq(s.glibc.arenas[1].fastbin_bytes, 0);
    cr_expect_eq(s.glibc.arenas[1].free_chunks, 501);
    /* The totals after the heaps. */
    cr_expect_eq(s.glibc.system_current, 50860032);
    cr_expect_eq(s.glibc.system_max, 50860032);
    cr_expect_eq(s.glibc.free_bytes, 47599584);
    cr_expect_eq(s.glibc.mmap_bytes, 0);
    cr_expect_eq(s.glibc.mmap_count, 0);
    /* smaps: 73 mappings; smaps_rollup: Rss 51932 kB, Anonymous 50552 kB. */
    cr_expect_eq(s.regions_source, HD_MEM_SOURCE_SMAPS);
    cr_expect_eq(s.n_regions, 73);
    cr_expect(s.regions_have_rss);
    cr_expect(s.has_rollup);
    cr_expect_eq(s.rollup.rss, 51932ull * 1024);
    cr_expect_eq(s.rollup.anonymous, 50552ull * 1024);
    cr_expect_eq(s.rollup.swap, 0);
    /* status: Threads: 13. */
    cr_expect(s.threads_from_status);
    cr_expect_eq(s.n_threads, 13);
    cr_expect_null(s.profile_path);
    cr_expect(!s.jemalloc.present && !s.tcmalloc.present);
    cr_expect_str_empty(warnings);
    for (size_t i = 1; i < s.n_regions; i++)
        cr_assert_leq(s.regions[i - 1].limit, s.regions[i].start);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, glibc_arena_reservations_show_as_regions)
{
    /* Each worker arena is a 64 MiB reservation: 4128 kB rw-p, then the
     * rest ---p (smaps and pmap -x: "00007f9b78408000 61408 0 0 -----"). */
    struct hd_mem_snapshot s;
    read_ok("arenas/snap.2/smaps", &s);
    size_t reserved = 0;
    for (size_t i = 0; i < s.n_regions; i++)
        if (strcmp(s.regions[i].perms, "---p") == 0 && s.regions[i].path[0] == '\0' &&
            s.regions[i].limit - s.regions[i].start == 61408 * 1024)
            reserved++;
    cr_expect_eq(reserved, 12);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, after_malloc_trim_glibc_still_counts_the_trimmed_space_as_free)
{
    /* arenas-trim: snap.2, then malloc_trim(0), then snap.3.  malloc-info.xml
     * of both: <heap nr="1"> rest 3956436 B.  smaps: each worker arena's
     * 4128 kB rw-p heap (64 MiB-aligned) has Rss 4128 kB, then 2260 kB;
     * smaps_rollup Rss 52084 kB, then 29668 kB. */
    struct hd_mem_snapshot before, after;
    read_ok("arenas-trim/snap.2", &before);
    read_ok("arenas-trim/snap.3", &after);
    cr_expect_eq(before.glibc.arenas[1].free_bytes, 3956436);
    cr_expect_eq(after.glibc.arenas[1].free_bytes, 3956436);
    cr_expect_eq(before.rollup.rss, 52084ull * 1024);
    cr_expect_eq(after.rollup.rss, 29668ull * 1024);
    size_t trimmed = 0;
    for (size_t i = 0; i < after.n_regions; i++) {
        const struct hd_mem_region *r = &after.regions[i];
        if (r->start % (64 << 20) == 0 && r->limit - r->start == 4128 * 1024 &&
            strcmp(r->perms, "rw-p") == 0 && r->path[0] == '\0') {
            cr_expect_eq(r->rss, 2260 * 1024);
            trimmed++;
        }
    }
    cr_expect_eq(trimmed, 12);
    hd_mem_snapshot_free(&before);
    hd_mem_snapshot_free(&after);
}

Test(memory_inputs, smaps_alone_sums_its_regions_into_the_rollup)
{
    /* awk '/^Rss:/ {s += $2} /^Anonymous:/ {a += $2}' smaps: 51932 50552
     * (kB), the same as smaps_rollup of that moment. */
    struct hd_mem_snapshot s;
    read_ok("arenas/snap.2/smaps", &s);
    cr_expect(s.has_rollup);
    cr_expect_eq(s.rollup.rss, 51932ull * 1024);
    cr_expect_eq(s.rollup.anonymous, 50552ull * 1024);
    cr_expect_eq(s.n_threads, 0); /* no [stack:TID] since Linux 4.5, no status */
    cr_expect(!s.threads_from_status);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, pmap_x_rows_and_their_rss)
{
    /* pmap-x.txt: 28 rows; "total kB 48768 47652 46304". */
    struct hd_mem_snapshot s;
    read_ok("mmap/snap.3/pmap-x.txt", &s);
    cr_expect_eq(s.regions_source, HD_MEM_SOURCE_PMAP_X);
    cr_assert_eq(s.n_regions, 28);
    uint64_t size = 0;
    for (size_t i = 0; i < s.n_regions; i++)
        size += s.regions[i].limit - s.regions[i].start;
    cr_expect_eq(size, 48768ull * 1024);
    cr_expect_eq(s.rollup.rss, 47652ull * 1024);
    cr_expect_eq(s.rollup.pss, HD_MEM_UNKNOWN); /* pmap -x has no Pss */
    /* "[ anon ]" is anonymous (""), "[ stack ]" is "[stack]", a file is its
     * base name. */
    cr_expect_str_eq(s.regions[0].path, "mem_mmap");
    cr_expect_str_eq(s.regions[0].perms, "r--p");
    bool stack = false, anon = false;
    for (size_t i = 0; i < s.n_regions; i++) {
        stack |= strcmp(s.regions[i].path, "[stack]") == 0;
        anon |= s.regions[i].path[0] == '\0';
    }
    cr_expect(stack && anon);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, pmap_X_columns_by_name)
{
    /* pmap-X.txt footer: Size 48768, Rss 47652, Pss 46369, Anonymous 46292. */
    struct hd_mem_snapshot s;
    read_ok("mmap/snap.3/pmap-X.txt", &s);
    cr_expect_eq(s.regions_source, HD_MEM_SOURCE_PMAP_XX);
    cr_assert_eq(s.n_regions, 28);
    cr_expect_eq(s.rollup.rss, 47652ull * 1024);
    cr_expect_eq(s.rollup.pss, 46369ull * 1024);
    cr_expect_eq(s.rollup.anonymous, 46292ull * 1024);
    cr_expect_eq(s.rollup.swap, 0);
    cr_expect_eq(s.rollup.private_dirty, HD_MEM_UNKNOWN); /* only with -XX */
    cr_expect_str_eq(s.regions[1].perms, "r-xp");
    cr_expect_eq(s.regions[1].offset, 0x1000);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, pmap_XX_with_vmflags_and_plain_maps_of_one_process)
{
    /* formats/: pmap -XX and /proc/PID/maps of one `sleep 30`.  pmap-XX.txt
     * footer: Size 2924, Rss 1808, Pss 263, Shared_Clean 1700,
     * Private_Dirty 108, Anonymous 108 (kB); 37 rows, as maps has lines.
     * VmFlags ("rd mr mw me") holds spaces: columns are read by where their
     * names end, so the mapping is still "sleep". */
    struct hd_mem_snapshot xx, maps;
    read_ok("formats/pmap-XX.txt", &xx);
    read_ok("formats/maps", &maps);
    cr_expect_eq(xx.regions_source, HD_MEM_SOURCE_PMAP_XX);
    cr_assert_eq(xx.n_regions, 37);
    cr_expect_eq(xx.rollup.rss, 1808 * 1024);
    cr_expect_eq(xx.rollup.pss, 263 * 1024);
    cr_expect_eq(xx.rollup.shared_clean, 1700 * 1024);
    cr_expect_eq(xx.rollup.private_dirty, 108 * 1024);
    cr_expect_eq(xx.rollup.anonymous, 108 * 1024);
    cr_expect_str_eq(xx.regions[0].path, "sleep");
    /* maps: the same mappings, no sizes, so no rollup either. */
    cr_expect_eq(maps.regions_source, HD_MEM_SOURCE_MAPS);
    cr_expect(!maps.regions_have_rss && !maps.has_rollup);
    cr_assert_eq(maps.n_regions, 37);
    cr_expect_str_eq(maps.regions[0].path, "/usr/bin/sleep");
    cr_expect_eq(maps.regions[0].rss, HD_MEM_UNKNOWN);
    uint64_t size = 0;
    for (size_t i = 0; i < 37; i++) {
        cr_expect_eq(maps.regions[i].start, xx.regions[i].start);
        cr_expect_eq(maps.regions[i].limit, xx.regions[i].limit);
        cr_expect_eq(maps.regions[i].offset, xx.regions[i].offset);
        size += maps.regions[i].limit - maps.regions[i].start;
    }
    cr_expect_eq(size, 2924 * 1024);
    hd_mem_snapshot_free(&xx);
    hd_mem_snapshot_free(&maps);
}

Test(memory_inputs, pmap_and_smaps_of_one_moment_agree_on_the_mappings)
{
    struct hd_mem_snapshot a, b;
    read_ok("mmap/snap.3/smaps", &a);
    read_ok("mmap/snap.3/pmap-X.txt", &b);
    /* pmap ran after the program copied smaps, the program paused in
     * between: the same mappings.  (The program's stdout buffer and the
     * malloc_info FILE came in between, inside existing mappings.) */
    cr_assert_eq(a.n_regions, b.n_regions);
    for (size_t i = 0; i < a.n_regions; i++) {
        cr_expect_eq(a.regions[i].start, b.regions[i].start);
        cr_expect_eq(a.regions[i].limit, b.regions[i].limit);
        cr_expect_str_eq(a.regions[i].perms, b.regions[i].perms);
    }
    hd_mem_snapshot_free(&a);
    hd_mem_snapshot_free(&b);
}

Test(memory_inputs, mmap_snapshot_has_glibc_mmap_chunks_apart_from_the_programs_maps)
{
    /* malloc-info.xml: <total type="mmap" count="20" size="5324800"/>: the
     * 20 x 256 KiB blocks, each mmap'ed by glibc with its header page. */
    struct hd_mem_snapshot s;
    read_ok("mmap/snap.3", &s);
    cr_expect_eq(s.glibc.mmap_count, 20);
    cr_expect_eq(s.glibc.mmap_bytes, 5324800);
    cr_expect_eq(s.glibc.n_arenas, 1);
    /* smaps_rollup: Rss 47652 kB, of it Anonymous 46292 kB: 40 MiB mapped by
     * the program, 5.1 MiB by glibc, the rest libraries and stacks. */
    cr_expect_eq(s.rollup.rss, 47652ull * 1024);
    cr_expect_eq(s.rollup.anonymous, 46292ull * 1024);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, malloc_stats_alone_gives_arenas_without_the_details)
{
    /* malloc-stats.txt: 13 arenas, "Total (incl. mmap): system bytes =
     * 50860032", Arena 0 system 135168. */
    struct hd_mem_snapshot s;
    read_ok("arenas/snap.2/malloc-stats.txt", &s);
    cr_assert(s.glibc.present);
    cr_expect(!s.glibc.from_malloc_info);
    cr_assert_eq(s.glibc.n_arenas, 13);
    cr_expect_eq(s.glibc.arenas[0].system_current, 135168);
    cr_expect_eq(s.glibc.system_current, 50860032);
    cr_expect_eq(s.glibc.mmap_bytes, 0);
    cr_expect_eq(s.glibc.system_max, HD_MEM_UNKNOWN);
    cr_expect_eq(s.glibc.arenas[1].free_chunks, HD_MEM_UNKNOWN);
    /* free = system - in use, per arena; in use totals 3262336. */
    cr_expect_eq(s.glibc.free_bytes, 50860032 - 3262336);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, jemalloc_text_and_json_say_the_same)
{
    /* jemalloc-stats.txt: "Allocated: 4814912, active: 4988928, metadata:
     * 4064432 (n_thp 0), resident: 43433984, mapped: 45756416, retained:
     * 3526656", "Arenas: 9", "Page size: 4096", arenas[0] "dirty: N/A 8417". */
    struct hd_mem_snapshot t, j, d;
    read_ok("jemalloc-dirty/snap.2/jemalloc-stats.txt", &t);
    read_ok("jemalloc-dirty/snap.2/jemalloc-stats.json", &j);
    read_ok("jemalloc-dirty/snap.2", &d);
    const struct hd_mem_jemalloc *all[] = {&t.jemalloc, &j.jemalloc, &d.jemalloc};
    for (int i = 0; i < 3; i++) {
        cr_assert(all[i]->present);
        cr_expect_eq(all[i]->allocated, 4814912);
        cr_expect_eq(all[i]->active, 4988928);
        cr_expect_eq(all[i]->metadata, 4064432);
        cr_expect_eq(all[i]->resident, 43433984);
        cr_expect_eq(all[i]->mapped, 45756416);
        cr_expect_eq(all[i]->retained, 3526656);
        cr_expect_eq(all[i]->dirty_bytes, 8417ull * 4096);
        cr_expect_eq(all[i]->muzzy_bytes, 0);
        cr_expect_eq(all[i]->n_arenas, 9);
    }
    /* The directory: text and JSON agree, so no warning. */
    cr_expect_str_empty(warnings);
    cr_expect(d.profile_path && strstr(d.profile_path, "profile.heap"));
    cr_expect_eq(d.rollup.rss, 42944ull * 1024);
    hd_mem_snapshot_free(&t);
    hd_mem_snapshot_free(&j);
    hd_mem_snapshot_free(&d);
}

Test(memory_inputs, jemalloc_with_many_arenas_reads_the_merged_section)
{
    /* arenas-jemalloc/snap.2 (mem_arenas under jemalloc, 12 workers):
     * "Allocated: 3776512, active: 21729280, metadata: 4777440 (n_thp 0),
     * resident: 38834176, mapped: 55447552, retained: 6418432"; "Merged
     * arenas stats:" dirty 3112 pages, which its 8 "arenas[N]:" sections
     * add up to (4 x 498 + 4 x 280; their decay time column is "10000",
     * not "N/A").  The JSON has "merged" too. */
    struct hd_mem_snapshot t, j;
    read_ok("arenas-jemalloc/snap.2/jemalloc-stats.txt", &t);
    read_ok("arenas-jemalloc/snap.2/jemalloc-stats.json", &j);
    const struct hd_mem_jemalloc *all[] = {&t.jemalloc, &j.jemalloc};
    for (int i = 0; i < 2; i++) {
        cr_expect_eq(all[i]->allocated, 3776512);
        cr_expect_eq(all[i]->active, 21729280);
        cr_expect_eq(all[i]->resident, 38834176);
        cr_expect_eq(all[i]->dirty_bytes, 3112ull * 4096);
        cr_expect_eq(all[i]->muzzy_bytes, 0);
    }
    hd_mem_snapshot_free(&t);
    hd_mem_snapshot_free(&j);
}

Test(memory_inputs, jemalloc_dirty_pages_grow_with_each_burst)
{
    /* arenas[0] dirty npages: 0, 8417, 16126 (the second burst did not
     * reuse the first one's pages: see testdata/README.md). */
    static const uint64_t pages[] = {0, 8417, 16126};
    for (int k = 1; k <= 3; k++) {
        char rel[64];
        struct hd_mem_snapshot s;
        snprintf(rel, sizeof rel, "jemalloc-dirty/snap.%d", k);
        read_ok(rel, &s);
        cr_expect_eq(s.jemalloc.dirty_bytes, pages[k - 1] * 4096, "snap.%d", k);
        hd_mem_snapshot_free(&s);
    }
}

Test(memory_inputs, tcmalloc_burst_sits_in_the_page_heap)
{
    /* tcmalloc-stats.txt of snap.2, the MALLOC: lines. */
    struct hd_mem_snapshot s;
    read_ok("tcmalloc-burst/snap.2", &s);
    cr_assert(s.tcmalloc.present);
    cr_expect_eq(s.tcmalloc.in_use, 4272392);
    cr_expect_eq(s.tcmalloc.page_heap_free, 29958144);
    cr_expect_eq(s.tcmalloc.page_heap_unmapped, 0);
    cr_expect_eq(s.tcmalloc.central_cache, 44792);
    cr_expect_eq(s.tcmalloc.transfer_cache, 1048576);
    cr_expect_eq(s.tcmalloc.thread_cache, 3473408);
    cr_expect_eq(s.tcmalloc.metadata, 2621440);
    cr_expect_eq(s.tcmalloc.actual_used, 41418752);
    cr_expect_eq(s.tcmalloc.virtual_size, 41418752);
    cr_expect(!s.glibc.present && !s.jemalloc.present);
    cr_expect(s.profile_path != NULL);
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, leak_grows_in_use_by_the_leaked_bytes)
{
    /* Bytes in use by application: 8462600, 25243912, 42021128.  Two steps
     * leak 4096 x 4096 B = 16777216 B; between snap.1 and snap.2 stdio's
     * 4096 B stdout buffer comes in too (the first "snap 1" line is printed
     * after snap.1's statistics were taken). */
    static const uint64_t in_use[] = {8462600, 25243912, 42021128};
    for (int k = 1; k <= 3; k++) {
        char rel[64];
        struct hd_mem_snapshot s;
        snprintf(rel, sizeof rel, "leak/snap.%d", k);
        read_ok(rel, &s);
        cr_expect_eq(s.tcmalloc.in_use, in_use[k - 1], "snap.%d", k);
        cr_expect(s.profile_path != NULL);
        hd_mem_snapshot_free(&s);
    }
    cr_expect_eq(in_use[1] - in_use[0], 4096ull * 4096 + 4096);
    cr_expect_eq(in_use[2] - in_use[1], 4096ull * 4096);
}

/* ---- bad input ---- */

Test(memory_inputs, sizes_beyond_64_bits_are_refused)
{
    char text[512];
    /* 2^54 kB = 2^64 bytes. */
    snprintf(text, sizeof text, "%sRss: 18014398509481984 kB\n", HEADER);
    assert_error(text, "bad:2: Rss: 18014398509481984 kB is beyond 2^64 bytes");
    snprintf(text, sizeof text, "%sRss: 99999999999999999999 kB\n", HEADER);
    assert_error(text, "bad:2: Rss: the number is beyond 2^63");
    snprintf(text, sizeof text, "%sRss: -4 kB\n", HEADER);
    assert_error(text, "bad:2: Rss: a negative size");
    /* Summing the regions into the rollup must not wrap either. */
    snprintf(text, sizeof text,
             "%sRss: 9007199254740991 kB\n"
             "7f0000001000-7f0000002000 rw-p 00000000 00:00 0\nRss: 9007199254740991 kB\n"
             "7f0000002000-7f0000003000 rw-p 00000000 00:00 0\nRss: 9007199254740991 kB\n",
             HEADER);
    assert_error(text, "the sum of Rss is beyond 2^64 bytes");
    assert_error("Address           Kbytes     RSS   Dirty Mode  Mapping\n"
                 "ffffffffffff0000 9999999 4 4 rw--- x\n",
                 "bad:2: a mapping of 10239998976 bytes at ffffffffffff0000");
}

Test(memory_inputs, duplicate_and_overlapping_mappings_are_refused)
{
    char text[512];
    snprintf(text, sizeof text, "%sRss: 4 kB\n%sRss: 4 kB\n", HEADER, HEADER);
    assert_error(text, "bad:3: mapping 7f0000000000-7f0000001000 overlaps or precedes the one "
                       "before it (7f0000000000-7f0000001000)");
    snprintf(text, sizeof text, "7f0000000000-7f0000002000 rw-p 00000000 00:00 0\n"
                                "7f0000001000-7f0000003000 rw-p 00000000 00:00 0\n");
    assert_error(text, "bad:2: mapping 7f0000001000-7f0000003000 overlaps");
    assert_error("7f0000001000-7f0000000000 rw-p 00000000 00:00 0\n",
                 "bad:1: mapping 7f0000001000-7f0000000000 is empty or reversed");
    snprintf(text, sizeof text, "%sRss: 4 kB\nRss: 4 kB\n", HEADER);
    assert_error(text, "bad:3: a second Rss line for one mapping");
}

Test(memory_inputs, a_foreign_kernels_extra_fields_are_skipped)
{
    char text[512];
    snprintf(text, sizeof text,
             "%sSize: 4 kB\nRss: 4 kB\nFutureField: 12 kB\nWeird_Thing: yes please\n"
             "ProtectionKey: 0\nVmFlags: rd wr mr mw me ac sd\n",
             HEADER);
    struct hd_mem_snapshot s;
    struct hd_error err;
    memset(&s, 0, sizeof s);
    hd_mem_rollup_unknown(&s.rollup);
    cr_assert_eq(hd_mem_snapshot_add(&s, "foreign", text, strlen(text), &err), 1);
    cr_assert_eq(hd_mem_snapshot_finish(&s, &err), 0);
    cr_assert_eq(s.n_regions, 1);
    cr_expect_eq(s.regions[0].rss, 4096);
    cr_expect_eq(s.regions[0].pss, HD_MEM_UNKNOWN); /* not given */
    hd_mem_snapshot_free(&s);
}

Test(memory_inputs, truncated_files_are_refused_or_warned)
{
    char text[512];
    /* smaps cut in the middle of a line: the line is read, with a warning. */
    snprintf(text, sizeof text, "%sRss: 4 kB\nPss: 4", HEADER);
    assert_error(text, "bad:3: Pss: expected a size in kB");
    cr_expect(strstr(warnings, "bad:3: the last line has no newline") != NULL, "%s", warnings);
    /* A header cut short. */
    assert_error("7f0000000000-7f0000001000 rw", "bad:1: mapping header: expected permissions");
    assert_error("___ Begin jemalloc statistics ___\nVersion: \"5.3.0\"\n"
                 "Allocated: 1, active: 2, metadata: 3 (n_thp 0), resident: 4, mapped: 5, "
                 "retained: 6\n",
                 "bad:3: no '--- End jemalloc statistics ---' line: truncated");
    assert_error("<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n",
                 "bad:3: malloc_info: ");
    assert_error("{\"jemalloc\": {\"stats\": {\"allocated\": 1,", "bad:1: jemalloc JSON: ");
    assert_error("Arena 0:\nsystem bytes     =     135168\n",
                 "malloc_stats: no arenas or no totals (truncated?)");
    assert_error("------------------------------------------------\nMALLOC: +  5 (0.0 MiB) "
                 "Bytes in page heap freelist\n",
                 "GetStats: no 'Bytes in use by application' line");
}

Test(memory_inputs, malformed_xml_and_json_name_the_line)
{
    assert_error("<malloc version=\"1\">\n<heap nr=\"0\">\n<total type=\"rest\" count=\"1\" "
                 "size=\"12x\"/>\n</heap>\n</malloc>\n",
                 "bad:3: malloc_info: size=\"12x\" is not a size");
    assert_error("<malloc version=\"1\">\n<heap nr=\"0\"></wrong>\n</malloc>\n",
                 "bad:2: malloc_info: ");
    /* An entity is never expanded (no billion laughs, no external files). */
    assert_error("<?xml version=\"1.0\"?>\n<!DOCTYPE malloc [<!ENTITY a \"1\">]>\n"
                 "<malloc version=\"1\">\n<heap nr=\"&a;\"/>\n</malloc>\n",
                 "malloc_info: a DTD or an entity: not glibc's");
    assert_error("{\"jemalloc\": {\"stats\": {\"allocated\": 1}\n]\n}",
                 "bad:2: jemalloc JSON: ");
    assert_error("{\"jemalloc\": {\"stats\": {\"allocated\": -1, \"active\": 1, "
                 "\"resident\": 1}}}",
                 "jemalloc JSON: stats.allocated is not a non-negative integer");
    assert_error("{\"jemalloc\": {\"version\": \"5\"}}", "jemalloc JSON: no jemalloc.stats");
}

Test(memory_inputs, pmap_misaligned_rows_are_refused)
{
    assert_error("1234:   prog\n"
                 "         Address Perm   Offset Device    Inode  Size   Rss Mapping\n"
                 "    7f0000000000 rw-p 00000000  00:00        0     4     x [heap]\n",
                 "bad:3: Rss: a number is missing");
    assert_error("Address           Kbytes     RSS   Dirty Mode  Mapping\n"
                 "00007f0000000000 4\n",
                 "bad:2: pmap -x row: expected ADDRESS KBYTES RSS DIRTY MODE MAPPING");
    assert_error("1234:   prog\nAddress Something Mapping\n",
                 "bad:2: pmap header: neither pmap -x's");
}

Test(memory_inputs, unknown_files_in_a_directory_are_skipped_with_a_warning)
{
    char dir[] = "/tmp/hd-memXXXXXX";
    cr_assert(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("what I did today\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/smaps", dir);
    f = fopen(path, "w");
    fprintf(f, "%sRss: 8 kB\n", HEADER);
    fclose(f);
    struct hd_mem_snapshot s;
    struct hd_error err;
    cr_assert_eq(hd_mem_read_snapshot(dir, &s, &err), 0, "%s", err.message);
    cr_expect_eq(s.rollup.rss, 8192);
    cr_expect(strstr(warnings, "notes.txt: skipped: none of the memory inputs") != NULL, "%s",
              warnings);
    hd_mem_snapshot_free(&s);
    /* The same file alone is an error. */
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    cr_expect_eq(hd_mem_read_snapshot(path, &s, &err), -1);
    cr_expect(strstr(err.message, "not a memory capture") != NULL, "%s", err.message);
    remove(path);
    snprintf(path, sizeof path, "%s/smaps", dir);
    remove(path);
    /* An empty directory is an error. */
    cr_expect_eq(hd_mem_read_snapshot(dir, &s, &err), -1);
    cr_expect(strstr(err.message, "no memory capture in this directory") != NULL, "%s",
              err.message);
    rmdir(dir);
}
