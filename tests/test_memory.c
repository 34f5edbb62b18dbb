/* --memory's analysis (analyze/memory.c, memory_findings.c) on snapshots
 * made by hand: each class's rule, the classes summing to RSS, the traps
 * of issue 16, and which finding each shape of growth gets.  The real
 * captures of testdata/memory/ are checked through the CLI at the end. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_analysis.h"
#include "memory_render.h"
#include "run_heapdiff.h"

#define KiB ((uint64_t)1024)
#define MiB (KiB * 1024)
#define HEAP_BASE ((uint64_t)0x7f0000000000) /* a multiple of 64 MiB */

/* A snapshot under construction: regions appended in address order. */
struct builder {
    struct hd_mem_snapshot snap;
    struct hd_mem_region regions[64];
    struct hd_mem_glibc_arena arenas[64];
};

static void init(struct builder *b, const char *name)
{
    memset(b, 0, sizeof *b);
    b->snap.name = name;
    b->snap.regions = b->regions;
    b->snap.has_regions = b->snap.regions_have_rss = true;
}

static void region(struct builder *b, uint64_t start, uint64_t size, const char *perms,
                   const char *path, uint64_t rss)
{
    struct hd_mem_region *r = &b->regions[b->snap.n_regions++];
    memset(r, 0, sizeof *r);
    r->start = start;
    r->limit = start + size;
    snprintf(r->perms, sizeof r->perms, "%s", perms);
    r->path = path;
    r->rss = rss;
    r->swap = r->anon_huge = 0;
}

/* A program's code and data, [heap], [stack]: 1 MiB + 64 KiB + HEAP_RSS +
 * 132 KiB resident. */
static void program(struct builder *b, uint64_t heap_rss)
{
    region(b, 0x555555554000, 2 * MiB, "r-xp", "/srv/app", 1 * MiB);
    region(b, 0x555555754000, 64 * KiB, "rw-p", "/srv/app", 64 * KiB);
    region(b, 0x555555800000, 100 * MiB, "rw-p", "[heap]", heap_rss);
}

static void main_stack(struct builder *b)
{
    region(b, 0x7ffffff00000, 1 * MiB, "rw-p", "[stack]", 132 * KiB);
}

/* One of glibc's non-main heaps: RW bytes open, the rest PROT_NONE. */
static void glibc_heap(struct builder *b, int k, uint64_t rw, uint64_t rss)
{
    uint64_t start = HEAP_BASE + (uint64_t)k * 64 * MiB;
    region(b, start, rw, "rw-p", "", rss);
    if (rw < 64 * MiB)
        region(b, start + rw, 64 * MiB - rw, "---p", "", 0);
}

static void arena(struct builder *b, int number, uint64_t system, uint64_t free_bytes)
{
    b->snap.glibc.present = true;
    b->arenas[b->snap.glibc.n_arenas++] =
        (struct hd_mem_glibc_arena){number, system, system, free_bytes, 0, 10};
    b->snap.glibc.arenas = b->arenas;
    b->snap.glibc.system_current += system;
    b->snap.glibc.free_bytes += free_bytes;
}

static uint64_t sum_rss(const struct builder *b)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < b->snap.n_regions; i++)
        sum += b->regions[i].rss;
    return sum;
}

/* glibc, threads: main arena 10 MiB resident (8 in use), two heaps of
 * other arenas (38 + 60 MiB resident), a thread stack, 5 MiB of other
 * anonymous memory of which malloc_info's mmap total claims 2 MiB. */
static void glibc_threads(struct builder *b)
{
    init(b, "glibc");
    program(b, 10 * MiB);
    glibc_heap(b, 0, 40 * MiB, 38 * MiB);
    glibc_heap(b, 1, 64 * MiB, 60 * MiB);
    region(b, HEAP_BASE + 200 * MiB, 4 * KiB, "---p", "", 0); /* guard */
    region(b, HEAP_BASE + 200 * MiB + 4 * KiB, 8 * MiB, "rw-p", "", 100 * KiB);
    region(b, HEAP_BASE + 300 * MiB, 5 * MiB, "rw-p", "", 5 * MiB);
    main_stack(b);
    arena(b, 0, 10 * MiB, 2 * MiB);
    arena(b, 1, 40 * MiB, 30 * MiB);
    arena(b, 2, 64 * MiB, 50 * MiB);
    b->snap.glibc.mmap_bytes = 2 * MiB;
}

Test(memory_classes, glibc_arenas_split_by_their_resident_ranges)
{
    struct builder b;
    glibc_threads(&b);
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, NULL, &d);
    cr_assert_eq(d.allocator, HD_MEM_ALLOCATOR_GLIBC);
    cr_assert_eq(d.rss, sum_rss(&b));
    cr_assert_eq(d.arenas.n_arenas, 3);
    cr_assert_eq(d.arenas.n_heaps, 2);
    cr_assert_eq(d.arenas.heaps_reserved, 128 * MiB);
    cr_assert_eq(d.arenas.heaps_resident, 98 * MiB);
    cr_assert_eq(d.arenas.main_resident, 10 * MiB);
    /* main: 8 in use, 2 free; others: 104 - 80 = 24 in use, and of 80
     * free only 98 - 24 = 74 resident; mmap'ed chunks 2 of the 5 MiB. */
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], (8 + 24 + 2) * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_FREE], (2 + 74) * MiB);
    cr_assert_eq(d.classes[HD_MEM_OTHER_ANON], 3 * MiB);
    cr_assert_eq(d.classes[HD_MEM_THREAD_STACKS], 232 * KiB);
    cr_assert_eq(d.n_thread_stacks, 2);
    cr_assert_eq(d.classes[HD_MEM_FILE_CODE], 1 * MiB);
    cr_assert_eq(d.classes[HD_MEM_FILE_DATA], 64 * KiB);
    cr_assert_eq(d.classes[HD_MEM_UNEXPLAINED], 0);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    cr_assert_eq(d.n_files, 1);
    cr_assert_str_eq(d.files[0].path, "/srv/app");
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, trimmed_free_space_is_bounded_by_the_arena_rss)
{
    /* After malloc_trim, malloc_info still counts 50 MiB free in arena 1,
     * but its heap has 6 MiB resident, 4 of them in use. */
    struct builder b;
    init(&b, "trimmed");
    program(&b, 1 * MiB);
    glibc_heap(&b, 0, 64 * MiB, 6 * MiB);
    arena(&b, 0, 1 * MiB, 0);
    arena(&b, 1, 54 * MiB, 50 * MiB);
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, NULL, &d);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_FREE], 2 * MiB);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 5 * MiB);
    cr_assert_eq(d.allocator_free, 50 * MiB);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    cr_assert_geq(d.n_notes, 1);
    cr_assert(strstr(d.notes[0], "trimmed"), "%s", d.notes[0]);
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, the_profile_gives_the_heap_and_the_rest_is_overhead)
{
    struct builder b;
    glibc_threads(&b);
    struct hd_mem_profile p = {true, 30.0 * MiB, 1000, false};
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, &p, &d);
    cr_assert(d.heap_from_profile);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 30 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_OVERHEAD], 4 * MiB);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, gperftools_profiler_tables_are_their_own_class)
{
    /* tcmalloc: [heap] is its sbrk memory, not glibc's; the profiler's
     * tables (32 B per live object, 64 KiB per MiB of them) come
     * out of the anonymous memory no statistics claim. */
    struct builder b;
    init(&b, "tcmalloc");
    program(&b, 30 * MiB);
    region(&b, HEAP_BASE, 64 * MiB, "rw-p", "", 60 * MiB);
    b.snap.tcmalloc = (struct hd_mem_tcmalloc){.present = true,
                                               .in_use = 50 * MiB,
                                               .page_heap_free = 20 * MiB,
                                               .page_heap_unmapped = 0,
                                               .central_cache = 1 * MiB,
                                               .transfer_cache = 1 * MiB,
                                               .thread_cache = 2 * MiB,
                                               .metadata = 3 * MiB,
                                               .actual_used = 77 * MiB,
                                               .virtual_size = 77 * MiB};
    struct hd_mem_profile p = {true, 48.0 * MiB, 100000, true};
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, &p, &d);
    cr_assert_eq(d.allocator, HD_MEM_ALLOCATOR_TCMALLOC);
    cr_assert_eq(d.arenas.n_heaps, 0);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 48 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_OVERHEAD], 2 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_CACHES], 4 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_METADATA], 3 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_FREE], 20 * MiB);
    /* 100000 entries, 48 clusters of 1 MiB */
    uint64_t profiler = 32 * 100000 + 48 * 65552;
    cr_assert_eq(d.classes[HD_MEM_PROFILER], profiler);
    cr_assert_eq(d.classes[HD_MEM_OTHER_ANON], 90 * MiB - 77 * MiB - profiler);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, jemalloc_resident_is_an_upper_bound)
{
    /* stats.resident says 100 MiB, smaps has 90 MiB of anonymous memory:
     * the dirty pages take the shortfall. */
    struct builder b;
    init(&b, "jemalloc");
    program(&b, 0);
    region(&b, HEAP_BASE, 128 * MiB, "rw-p", "", 90 * MiB);
    b.snap.jemalloc = (struct hd_mem_jemalloc){.present = true,
                                               .allocated = 40 * MiB,
                                               .active = 45 * MiB,
                                               .metadata = 5 * MiB,
                                               .resident = 100 * MiB,
                                               .mapped = 128 * MiB,
                                               .retained = 0,
                                               .dirty_bytes = 50 * MiB,
                                               .muzzy_bytes = 0,
                                               .n_arenas = 4};
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, NULL, &d);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 40 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_OVERHEAD], 5 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_METADATA], 5 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_FREE], 40 * MiB);
    cr_assert_eq(d.classes[HD_MEM_OTHER_ANON], 0);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, without_statistics_the_arenas_are_not_split)
{
    struct builder b;
    init(&b, "bare");
    program(&b, 10 * MiB);
    glibc_heap(&b, 0, 32 * MiB, 30 * MiB);
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&b.snap, NULL, &d);
    cr_assert_eq(d.allocator, HD_MEM_ALLOCATOR_NONE);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 0);
    cr_assert_eq(d.classes[HD_MEM_UNEXPLAINED], 40 * MiB);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    hd_mem_breakdown_release(&d);
}

Test(memory_classes, smaps_rollup_alone_splits_anonymous_from_files)
{
    struct hd_mem_snapshot s = {0};
    s.name = "rollup";
    s.has_rollup = true;
    s.rollup = (struct hd_mem_rollup){.rss = 100 * MiB, .anonymous = 80 * MiB,
                                      .pss = HD_MEM_UNKNOWN, .swap = 0};
    s.glibc.present = true;
    s.glibc.system_current = 50 * MiB;
    s.glibc.free_bytes = 20 * MiB;
    struct hd_mem_breakdown d;
    hd_mem_breakdown_of(&s, NULL, &d);
    cr_assert_eq(d.rss, 100 * MiB);
    cr_assert_eq(d.classes[HD_MEM_HEAP_IN_USE], 30 * MiB);
    cr_assert_eq(d.classes[HD_MEM_ALLOC_FREE], 20 * MiB);
    cr_assert_eq(d.classes[HD_MEM_OTHER_ANON], 30 * MiB);
    cr_assert_eq(d.classes[HD_MEM_MAPPED_FILES], 20 * MiB);
    cr_assert_eq(hd_mem_breakdown_sum(&d), d.rss);
    hd_mem_breakdown_release(&d);
}

/* ---- findings ---- */

/* Analyze the N snapshots of BUILDERS (with PROFILES, or NULL). */
static void analyze(struct builder *builders, const struct hd_mem_profile *profiles, size_t n,
                    bool trend, struct hd_mem_analysis *a)
{
    struct hd_mem_breakdown *d = calloc(n, sizeof *d);
    for (size_t k = 0; k < n; k++)
        hd_mem_breakdown_of(&builders[k].snap, profiles ? &profiles[k] : NULL, &d[k]);
    struct hd_trend_thresholds t;
    hd_trend_thresholds_init(&t);
    hd_mem_analyze(d, n, trend ? &t : NULL, a);
}

Test(memory_findings, new_arenas_full_of_free_chunks_are_fragmentation)
{
    struct builder b[2];
    init(&b[0], "snap.1");
    program(&b[0], 10 * MiB);
    glibc_heap(&b[0], 0, 8 * MiB, 8 * MiB);
    arena(&b[0], 0, 10 * MiB, 1 * MiB);
    arena(&b[0], 1, 8 * MiB, 1 * MiB);
    glibc_threads(&b[1]);
    struct hd_mem_profile p[2] = {{true, 10.0 * MiB, 10, false}, {true, 30.0 * MiB, 10, false}};
    struct hd_mem_analysis a;
    analyze(b, p, 2, false, &a);
    cr_assert_geq(a.n_findings, 1);
    cr_assert_str_eq(a.findings[0].cause, "glibc_fragmentation");
    /* RSS 19.2 -> 114.4 MiB; arenas 2 -> 3 hold 90 MiB more, free 76 - 2 */
    cr_assert(strstr(a.findings[0].text, "1 new glibc arenas (2 -> 3, the main one included) "
                                         "hold 90.0 MiB, 74.0 MiB of it free: fragmentation"),
              "%s", a.findings[0].text);
    cr_assert(strstr(a.findings[0].text, "the heap in use accounts for 20.0 MiB (from the heap "
                                         "profile)"),
              "%s", a.findings[0].text);
    hd_mem_analysis_release(&a);
}

Test(memory_findings, a_growing_heap_is_the_leak_not_fragmentation)
{
    /* The heap in use grows 60 MiB, free chunks 30 MiB: the leak comes
     * first, the free space after it. */
    struct builder b[2];
    for (int k = 0; k < 2; k++) {
        init(&b[k], k ? "snap.2" : "snap.1");
        program(&b[k], (k ? 110 : 20) * MiB);
        arena(&b[k], 0, (k ? 110 : 20) * MiB, (k ? 40 : 10) * MiB);
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    cr_assert_eq(a.n_findings, 2);
    cr_assert_str_eq(a.findings[0].cause, "heap_growth");
    cr_assert(strstr(a.findings[0].text, "RSS grew 90.0 MiB (21.1 MiB -> 111 MiB); the heap in "
                                         "use grew 60.0 MiB (from malloc_info), 67% of it"),
              "%s", a.findings[0].text);
    cr_assert_str_eq(a.findings[1].cause, "glibc_fragmentation");
    hd_mem_analysis_release(&a);
}

Test(memory_findings, anonymous_maps_outside_malloc)
{
    struct builder b[2];
    for (int k = 0; k < 2; k++) {
        init(&b[k], k ? "snap.2" : "snap.1");
        program(&b[k], 10 * MiB);
        region(&b[k], HEAP_BASE + 300 * MiB, 256 * MiB, "rw-p", "", (k ? 210 : 10) * MiB);
        arena(&b[k], 0, 10 * MiB, 1 * MiB);
        b[k].snap.glibc.mmap_bytes = 4 * MiB;
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    cr_assert_eq(a.n_findings, 1);
    cr_assert_str_eq(a.findings[0].cause, "anonymous_mmaps");
    cr_assert(strstr(a.findings[0].text, "anonymous mappings outside every allocator grew "
                                         "200 MiB, to 206 MiB: memory mapped directly, not "
                                         "through malloc"),
              "%s", a.findings[0].text);
    hd_mem_analysis_release(&a);
}

Test(memory_findings, small_growth_is_nothing_to_explain)
{
    struct builder b[2];
    for (int k = 0; k < 2; k++) {
        init(&b[k], "s");
        program(&b[k], 10 * MiB + (uint64_t)k * 100 * KiB);
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    cr_assert_str_eq(a.findings[0].cause, "no_growth");
    hd_mem_analysis_release(&a);
}

Test(memory_findings, trend_gives_each_class_a_verdict)
{
    /* Five snapshots: the heap grows by 20 MiB each time; files stay. */
    struct builder b[5];
    for (int k = 0; k < 5; k++) {
        init(&b[k], "s");
        program(&b[k], (10 + 20 * (uint64_t)k) * MiB);
        arena(&b[k], 0, (10 + 20 * (uint64_t)k) * MiB, 1 * MiB);
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 5, true, &a);
    cr_assert(a.classes[HD_MEM_HEAP_IN_USE].has_verdict);
    cr_assert_eq(a.classes[HD_MEM_HEAP_IN_USE].verdict.verdict, HD_VERDICT_LEAK);
    cr_assert_eq(a.classes[HD_MEM_FILE_CODE].verdict.verdict, HD_VERDICT_FLAT);
    cr_assert_str_eq(a.findings[0].cause, "heap_growth");
    cr_assert(strstr(a.findings[0].text, "(--trend: leak,"), "%s", a.findings[0].text);
    hd_mem_analysis_release(&a);
}

Test(memory_findings, one_snapshot_names_its_largest_class)
{
    struct builder b;
    glibc_threads(&b);
    struct hd_mem_analysis a;
    analyze(&b, NULL, 1, true, &a);
    cr_assert_eq(a.n_findings, 1);
    cr_assert_str_eq(a.findings[0].cause, "largest_class");
    /* 76 MiB free of 1 + 64 KiB + 10 + 98 + 0.1 + 5 + 0.13 MiB */
    cr_assert_str_eq(a.findings[0].text, "RSS is 114 MiB; the largest class is allocator: free "
                                         "but retained, 76.0 MiB (66%), in 3 glibc arenas");
    cr_assert(!a.classes[0].has_verdict, "one snapshot has no verdict");
    hd_mem_analysis_release(&a);
}

Test(memory_findings, statistics_alone_still_name_the_arenas)
{
    /* malloc_info only: no RSS, so the arenas' system bytes stand in for
     * their resident memory, and the text says which. */
    struct builder b[2];
    for (int k = 0; k < 2; k++) {
        init(&b[k], k ? "b" : "a");
        b[k].snap.has_regions = b[k].snap.regions_have_rss = false;
        arena(&b[k], 0, 1 * MiB, 0);
        for (int i = 1; i <= (k ? 9 : 1); i++)
            arena(&b[k], i, 4 * MiB, 3 * MiB);
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    cr_assert_eq(a.snapshots[1].rss, HD_MEM_UNKNOWN);
    cr_assert_str_eq(a.findings[0].cause, "glibc_fragmentation");
    cr_assert(strstr(a.findings[0].text, "the memory the statistics count grew 32.0 MiB "
                                         "(5.0 MiB -> 37.0 MiB)"),
              "%s", a.findings[0].text);
    cr_assert(strstr(a.findings[0].text, "8 new glibc arenas (2 -> 10, the main one included) "
                                         "hold 32.0 MiB more from the system, 24.0 MiB of it "
                                         "free"),
              "%s", a.findings[0].text);
    hd_mem_analysis_release(&a);
}

Test(memory_findings, no_class_reaching_half_is_mixed)
{
    /* 40 MiB of growth: 15 in a thread stack, 13 in other anonymous
     * memory, 12 in a mapped file; none reaches half. */
    struct builder b[2];
    for (int k = 0; k < 2; k++) {
        init(&b[k], k ? "snap.2" : "snap.1");
        program(&b[k], 10 * MiB);
        arena(&b[k], 0, 10 * MiB, 1 * MiB);
        region(&b[k], HEAP_BASE, 4 * KiB, "---p", "", 0);
        region(&b[k], HEAP_BASE + 4 * KiB, 16 * MiB, "rw-p", "", (k ? 15 : 0) * MiB);
        region(&b[k], HEAP_BASE + 100 * MiB, 32 * MiB, "rw-p", "", (k ? 13 : 0) * MiB);
        region(&b[k], HEAP_BASE + 200 * MiB, 32 * MiB, "r--s", "/data/index", (k ? 12 : 0) * MiB);
    }
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    cr_assert_eq(a.n_findings, 1);
    cr_assert_str_eq(a.findings[0].cause, "mixed");
    cr_assert(strstr(a.findings[0].text, "no one class explains it: thread stacks +15.0 MiB, "
                                         "other anonymous memory +13.0 MiB, file-backed memory "
                                         "+12.0 MiB"),
              "%s", a.findings[0].text);
    hd_mem_analysis_release(&a);
}

Test(memory_findings, sizes_read_as_people_write_them)
{
    char buf[32];
    cr_assert_str_eq(hd_mem_format_bytes(412.0 * MiB, false, buf, sizeof buf), "412 MiB");
    cr_assert_str_eq(hd_mem_format_bytes(3.5 * MiB, true, buf, sizeof buf), "+3.5 MiB");
    cr_assert_str_eq(hd_mem_format_bytes(-812.0 * KiB, true, buf, sizeof buf), "-812 KiB");
    cr_assert_str_eq(hd_mem_format_bytes(1.5 * 1024 * MiB, false, buf, sizeof buf), "1.50 GiB");
    cr_assert_str_eq(hd_mem_format_bytes(0, false, buf, sizeof buf), "0 B");
}

/* ---- the reports ---- */

/* What RENDER writes for the fragmentation pair of snapshots above. */
static char *render_pair(int (*render)(FILE *, const struct hd_mem_analysis *))
{
    struct builder b[2];
    init(&b[0], "captures/snap.1");
    program(&b[0], 10 * MiB);
    arena(&b[0], 0, 10 * MiB, 1 * MiB);
    glibc_threads(&b[1]);
    b[1].snap.name = "captures/snap.2/";
    struct hd_mem_analysis a;
    analyze(b, NULL, 2, false, &a);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    cr_assert_eq(render(out, &a), 0);
    fclose(out);
    hd_mem_analysis_release(&a);
    return text;
}

Test(memory_reports, text_fits_80_columns_and_ends_with_the_finding)
{
    char *text = render_pair(hd_mem_render_text);
    if (getenv("HD_SHOW"))
        fputs(text, stderr);
    size_t longest = 0;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        longest = len > longest ? len : longest;
        line += len + (line[len] == '\n');
    }
    cr_assert_leq(longest, 80, "%s", text);
    cr_assert(strstr(text, "class                               snap.1     snap.2     growth\n"),
              "%s", text);
    cr_assert(strstr(text, "\nallocator: free but retained       1.0 MiB   76.0 MiB  +75.0 MiB\n"),
              "%s", text);
    cr_assert(strstr(text, "\nFinding: RSS grew "), "%s", text);
    cr_assert(strstr(text, "glibc arenas: 3 (the main one included)"), "%s", text);
    free(text);
}

Test(memory_reports, json_classes_sum_to_rss)
{
    char *text = render_pair(hd_mem_render_json);
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    cr_assert(root, "%s: %s", error.text, text);
    cr_assert_eq(json_integer_value(json_object_get(root, "heapdiff_memory_version")), 1);
    json_t *snaps = json_object_get(root, "snapshots");
    cr_assert_eq(json_array_size(snaps), 2);
    for (size_t k = 0; k < 2; k++) {
        json_t *snap = json_array_get(snaps, k);
        json_int_t sum = 0;
        const char *key;
        json_t *value;
        json_object_foreach(json_object_get(snap, "classes"), key, value)
            sum += json_integer_value(value);
        cr_assert_eq(sum, json_integer_value(json_object_get(snap, "rss")));
    }
    json_t *finding = json_array_get(json_object_get(root, "findings"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(finding, "cause")), "glibc_fragmentation");
    json_decref(root);
    free(text);
}

Test(memory_reports, html_has_the_section_and_escapes_names)
{
    char *text = render_pair(hd_mem_render_html);
    cr_assert(strstr(text, "<section id=\"memory\">"), "%s", text);
    cr_assert(strstr(text, "<table id=\"memory-classes\">"), "%s", text);
    cr_assert(strstr(text, "<p class=\"finding\"><b>Finding:</b> RSS grew"), "%s", text);
    cr_assert(strstr(text, "<tr data-class=\"rss\">"), "%s", text);
    free(text);
}

/* ---- the real captures (testdata/memory, made by capture.sh) ---- */

/* The main finding of heapdiff --memory --json FIRST LAST (a new
 * reference to the whole document in *ROOT). */
static json_t *main_finding(const char *first, const char *last, json_t **root)
{
    struct hd_test_run *r = hd_test_heapdiff("--memory", "--json", first, last, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    json_error_t error;
    *root = json_loads(r->out, 0, &error);
    cr_assert(*root, "%s", error.text);
    json_t *finding = json_array_get(json_object_get(*root, "findings"), 0);
    cr_assert(finding, "%s", r->out);
    return finding;
}

static const char *cause(json_t *finding)
{
    return json_string_value(json_object_get(finding, "cause"));
}

static double growth(json_t *finding)
{
    return (double)json_integer_value(json_object_get(finding, "growth"));
}

/* The main finding of FIRST -> LAST names CAUSE and a growth in [LOW,
 * HIGH] bytes; its text, or NULL with the document released. */
static char *expect_finding(const char *first, const char *last, const char *expected_cause,
                            double low, double high)
{
    json_t *root;
    json_t *f = main_finding(first, last, &root);
    cr_assert_str_eq(cause(f), expected_cause);
    cr_assert(growth(f) >= low && growth(f) <= high, "%.0f not in [%.0f, %.0f]", growth(f), low,
              high);
    char *text = strdup(json_string_value(json_object_get(f, "text")));
    json_decref(root);
    return text;
}

Test(memory_captures, glibc_threads_are_fragmentation_across_arenas)
{
    /* mem_arenas: 9 more workers, each leaving an arena whose malloc_info
     * counts 3956436 bytes free (its "rest"), all of it resident. */
    char *text = expect_finding("memory/arenas/snap.1", "memory/arenas/snap.2",
                                "glibc_fragmentation", 9 * 3956436.0, 9 * 3956436.0);
    cr_assert(strstr(text, "9 new glibc arenas (4 -> 13, the main one included) hold 36.3 MiB, "
                           "34.0 MiB of it free: fragmentation across threads (see "
                           "MALLOC_ARENA_MAX, malloc_trim)"),
              "%s", text);
    free(text);
}

Test(memory_captures, jemalloc_keeps_the_freed_burst_dirty)
{
    /* mem_jemalloc_dirty: a burst of 8192 x 4096 B (32 MiB), all freed,
     * with dirty_decay_ms:-1: jemalloc counts 34476032 B dirty, of which
     * what the anonymous memory smaps shows has room for is resident. */
    char *text = expect_finding("memory/jemalloc-dirty/snap.1", "memory/jemalloc-dirty/snap.2",
                                "jemalloc_dirty", 28.0 * MiB, 34476032.0);
    cr_assert(strstr(text, "(it counts 32.9 MiB: its resident figure is an upper bound)"), "%s",
              text);
    free(text);
}

Test(memory_captures, tcmalloc_keeps_the_freed_burst_in_its_page_heap)
{
    /* mem_tcmalloc_burst: 512 x 64 KiB freed; GetStats' "Bytes in page
     * heap freelist" goes from 876544 to 29958144. */
    free(expect_finding("memory/tcmalloc-burst/snap.1", "memory/tcmalloc-burst/snap.2",
                        "tcmalloc_page_heap", 29958144.0 - 876544, 29958144.0 - 876544));
}

Test(memory_captures, direct_mmaps_are_outside_every_allocator)
{
    /* mem_mmap: 8 MiB mapped per step, steps 1 -> 5: 32 MiB; its malloc'ed
     * 256 KiB blocks (mmap'ed by glibc, merged with them into a few VMAs)
     * are malloc_info's, not counted here. */
    free(expect_finding("memory/mmap/snap.1", "memory/mmap/snap.3", "anonymous_mmaps",
                        31.68 * MiB, 32.32 * MiB));
}

Test(memory_captures, a_real_leak_is_the_finding_not_fragmentation)
{
    /* mem_leak: 8192 x 4096 B more leaked from snapshot 1 to 3, and one
     * 4096 B stdio buffer (libc's, the one record of snapshot 3's profile
     * outside mem_leak.c: stdout's, first used after snapshot 1's dump):
     * exactly what the (unsampled) heap profiles hold. */
    json_t *root;
    json_t *f = main_finding("memory/leak/snap.1", "memory/leak/snap.3", &root);
    cr_assert_str_eq(cause(f), "heap_growth");
    cr_assert_float_eq(growth(f), 8192 * 4096.0 + 4096, 0.5);
    json_t *findings = json_object_get(root, "findings");
    for (size_t i = 0; i < json_array_size(findings); i++)
        cr_assert(strcmp(cause(json_array_get(findings, i)), "glibc_fragmentation") != 0 &&
                      strcmp(cause(json_array_get(findings, i)), "tcmalloc_page_heap") != 0,
                  "finding %zu blames the allocator", i);
    json_decref(root);
}

Test(memory_captures, the_text_report_names_the_cause_and_the_trend)
{
    struct hd_test_run *r = hd_test_heapdiff("--memory", "--trend", "memory/leak/snap.1",
                                             "memory/leak/snap.2", "memory/leak/snap.3", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "class                               snap.1     snap.3     growth"
                             "  verdict\n"
                             "heap in use by the program         8.0 MiB   40.0 MiB  +32.0 MiB"
                             "  leak\n"),
              "%s", r->out);
    cr_assert(strstr(r->out, "\nFinding: RSS grew "), "%s", r->out);
    cr_assert(strstr(r->out, "the heap in use grew\n  32.0 MiB (from the heap profile), 93% of "
                             "it: the program holds more memory,"),
              "%s", r->out);
    cr_assert(strstr(r->out, "(--trend: leak, 83% sure)\n"), "%s", r->out);
}

Test(memory_captures, html_page_has_the_memory_section)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--memory", "--html", "memory/mmap/snap.1", "memory/mmap/snap.3", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "<section id=\"memory\">"), "%s", r->out);
    cr_assert(strstr(r->out, "anonymous mappings outside every allocator grew 32.0 MiB"), "%s",
              r->out);
}

Test(memory_captures, html_over_heap_profiles_puts_the_section_above_their_report)
{
    /* The leak captures hold heap profiles: the page is the report of
     * --base snap.1's profile against snap.3's, with the memory section
     * first.  mem_leak itself is not in testdata, so its frames stay
     * addresses. */
    struct hd_test_run *r =
        hd_test_heapdiff("--memory", "--html", "memory/leak/snap.1", "memory/leak/snap.3", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *memory = strstr(r->out, "<section id=\"memory\">");
    const char *table = strstr(r->out, "<section id=\"table\">");
    cr_assert(memory && table && memory < table, "%s", r->out);
    cr_assert(strstr(r->out, "<a href=\"#memory\">Where RSS went</a>"), "%s", r->out);
    cr_assert(strstr(r->out, "<dt>Base</dt><dd>memory/leak/snap.1/profile.heap (gperftools,"),
              "%s", r->out);
    cr_assert(strstr(r->out, "the heap in use grew 32.0 MiB (from the heap profile)"), "%s",
              r->out);
    cr_assert(strstr(r->out, "Total: 32772.00 KiB"), "%s", r->out);
}

Test(memory_captures, a_program_without_html_is_warned_about)
{
    struct hd_test_run *r = hd_test_heapdiff("--memory", "bin/leaky", "memory/mmap/snap.1",
                                             "memory/mmap/snap.3", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "heapdiff: warning: bin/leaky: --memory reads the program only for "
                             "the heap profiles' report of --html\n"),
              "%s", r->err);
    cr_assert(strstr(r->out, "\nFinding: RSS grew "), "%s", r->out);
}

Test(memory_captures, bad_usage_is_exit_2)
{
    struct hd_test_run *r = hd_test_heapdiff("--memory", "--svg", "memory/mmap/snap.1", NULL);
    cr_assert_eq(r->status, 2);
    cr_assert_str_eq(r->err, "heapdiff: --memory writes text, --json or --html, not --svg\n");
    r = hd_test_heapdiff("--memory", "--base", "memory/mmap/snap.1", "memory/mmap/snap.2", NULL);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "--memory compares its captures in order"), "%s", r->err);
    r = hd_test_heapdiff("--memory", NULL);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "heapdiff: no memory capture given\n"), "%s", r->err);
}
