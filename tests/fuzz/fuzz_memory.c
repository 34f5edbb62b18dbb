/* The memory capture readers (memory/): the fuzzer's first byte picks
 * the reader, the rest are the file's bytes.  Byte 0 modulo 10: 0 smaps,
 * 1 smaps_rollup, 2 pmap, 3 status, 4 malloc_info XML, 5 malloc_stats,
 * 6 jemalloc text, 7 jemalloc JSON, 8 GetStats, 9 recognition by content
 * (hd_mem_snapshot_add, then hd_mem_snapshot_finish's sums), so that
 * each reader sees inputs that do not start the way recognition wants.
 * Seeds (seed.sh): every file of testdata/memory/'s captures, behind the
 * byte of its reader and behind 9. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"
#include "memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    if (size == 0)
        return 0;
    int reader = data[0] % 10;
    size--;
    /* A copy of exactly SIZE bytes, so a read past the end is caught. */
    char *text = malloc(size ? size : 1);
    if (size)
        memcpy(text, data + 1, size);
    const char *name = "fuzz";
    struct hd_error err;
    struct hd_mem_snapshot snap;
    memset(&snap, 0, sizeof snap);
    hd_mem_rollup_unknown(&snap.rollup);
    volatile uint64_t sink = 0;
    struct hd_mem_region *regions = NULL;
    size_t n = 0;
    switch (reader) {
    case 0:
        if (hd_mem_parse_smaps(name, text, size, &regions, &n, &err) == 0)
            for (size_t i = 0; i < n; i++)
                sink += regions[i].rss + strlen(regions[i].path);
        hd_mem_regions_free(regions, n);
        break;
    case 1:
        hd_mem_parse_smaps_rollup(name, text, size, &snap.rollup, &err);
        break;
    case 2:
        if (hd_mem_parse_pmap(name, text, size, &regions, &n, &err) == 0)
            for (size_t i = 0; i < n; i++)
                sink += regions[i].pss + strlen(regions[i].path);
        hd_mem_regions_free(regions, n);
        break;
    case 3:
        hd_mem_parse_status(name, text, size, &snap.n_threads, &err);
        break;
    case 4:
        hd_mem_parse_malloc_info(name, text, size, &snap.glibc, &err);
        break;
    case 5:
        hd_mem_parse_malloc_stats(name, text, size, &snap.glibc, &err);
        break;
    case 6:
        hd_mem_parse_jemalloc_text(name, text, size, &snap.jemalloc, &err);
        break;
    case 7:
        hd_mem_parse_jemalloc_json(name, text, size, &snap.jemalloc, &err);
        break;
    case 8:
        hd_mem_parse_tcmalloc(name, text, size, &snap.tcmalloc, &err);
        break;
    default:
        if (hd_mem_snapshot_add(&snap, name, text, size, &err) > 0 &&
            hd_mem_snapshot_finish(&snap, &err) == 0)
            sink += snap.rollup.rss + snap.n_regions;
        break;
    }
    for (size_t i = 0; i < snap.glibc.n_arenas; i++)
        sink += snap.glibc.arenas[i].free_bytes;
    (void)sink;
    hd_mem_snapshot_free(&snap);
    free(text);
    return 0;
}
