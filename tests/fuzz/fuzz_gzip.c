/* Input files through hd_input_open(): the fuzzer's bytes are the file
 * (gzip or not: it decides by the magic bytes), inflated with a 1 MiB
 * limit so that a small bomb is refused quickly; every inflated byte is
 * read.  Seeds: testdata's *.gz files, and the corrupt ones in bad/. */
#include "fuzz_common.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    struct fuzz_file file;
    fuzz_file_make(&file, data, size);
    struct hd_input in = {0};
    struct hd_error err;
    if (hd_input_open(&in, file.path, (size_t)1 << 20, &err) == 0) {
        volatile unsigned sum = 0;
        for (size_t i = 0; i < in.size; i++)
            sum += (unsigned char)in.data[i];
        (void)sum;
    }
    hd_input_close(&in);
    (void)hd_input_is_elf(file.path);
    fuzz_file_drop(&file);
    return 0;
}
