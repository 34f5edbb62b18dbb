/* The whole pipeline, bytes to every report kind: the fuzzer's first two
 * bytes pick the request (which row of hd_emitters[]: text, traces, dot,
 * svg, png, pdf, ..., proto; value, granularity, --base, ...), the rest is the profile
 * (any format, gzip'ed or not), written to a memfd and run through
 * hd_core_run() into a file in a private temporary folder.  One report
 * kind per input, not all six: a graphviz layout costs tens of
 * milliseconds, and symbolizing as much again, so six per input would
 * leave the fuzzer a run or two a second.  Symbols come from
 * testdata/bin/leaky, given as the binary, and from whatever the maps name.
 * Seeds: testdata's profiles and variants, their system libraries renamed
 * to paths that do not exist (libc's debug file is slow to read), each
 * with options bytes that spread them over the report kinds. */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fuzz_common.h"

#ifndef HD_FUZZ_TESTDATA
#error "meson defines HD_FUZZ_TESTDATA, the path of testdata/"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The options bytes.  Byte 0: */
enum {
    OPT_EMITTER = 7,         /* bits 0-2: the low bits of the row of
                                hd_emitters[]; byte 1's bits 6-7 are
                                the high ones; modulo their number */
    OPT_NO_SYMBOLS = 1 << 3,
    OPT_BASE = 1 << 4,       /* the profile is its own --base too */
    OPT_NORMALIZE = 1 << 5,
    OPT_COMPARE = 1 << 6,
    OPT_THREAD_0 = 1 << 7,   /* --thread 0 */
};
/* Byte 1: bits 0-1 the value type, bits 2-3 the granularity, bit 4
 * --no-demangle, bit 5 --full-names, bit 6 --top 3, bit 7 --cum; bits 6-7
 * also pick the emitter, beyond the first eight rows. */

static char output_dir[] = "/tmp/hd-fuzz-pipeline.XXXXXX";
static char output_path[sizeof output_dir + 16];

static void remove_output_dir(void)
{
    unlink(output_path);
    rmdir(output_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    if (!output_path[0]) {
        if (!mkdtemp(output_dir))
            abort();
        snprintf(output_path, sizeof output_path, "%s/report", output_dir);
        atexit(remove_output_dir);
    }
    fuzz_quiet();
    uint8_t opt = data[0], more = data[1];
    size_t n_emitters = 0;
    while (hd_emitters[n_emitters].name)
        n_emitters++;
    struct fuzz_file file;
    fuzz_file_make(&file, data + 2, size - 2);
    const char *const profiles[] = {file.path};

    struct hd_request request;
    hd_request_init(&request);
    request.binary = HD_FUZZ_TESTDATA "/bin/leaky";
    request.currents = profiles;
    request.n_currents = 1;
    if (opt & OPT_BASE) {
        request.bases = profiles;
        request.n_bases = 1;
        request.normalize = opt & OPT_NORMALIZE;
        request.report.compare = opt & OPT_COMPARE;
    }
    request.thread = opt & OPT_THREAD_0 ? 0 : HD_ALL_THREADS;
    request.no_symbols = opt & OPT_NO_SYMBOLS;
    request.graph.value = (enum hd_value_type)(more & 3);
    request.graph.granularity = (enum hd_granularity)(more >> 2 & 3);
    request.demangle = !(more & 1 << 4);
    request.full_names = more & 1 << 5;
    request.report.top = more & 1 << 6 ? 3 : 0;
    request.report.sort_by_cum = more & 1 << 7;
    size_t row = (size_t)(opt & OPT_EMITTER) | (size_t)(more >> 6) << 3;
    request.emitter = &hd_emitters[row % n_emitters];
    request.output = output_path;

    struct hd_error err;
    hd_core_run(&request, &err);
    fuzz_file_drop(&file);
    return 0;
}
