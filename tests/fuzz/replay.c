/* A fuzz target's main() outside libFuzzer: runs LLVMFuzzerTestOneInput
 * once on every regular file of the directories given, in name order,
 * and prints TAP, one line per file.  tests/meson.build builds it with the
 * dwarf and elf targets in the ordinary builds, so that their regression
 * inputs also run under valgrind (meson test --setup valgrind), which sees
 * the reads inside libdwarf and libelf that AddressSanitizer cannot: those
 * system libraries are not instrumented (tests/fuzz/RESULTS.md, finding 10).
 *   replay DIR... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole of the file at PATH, in a buffer the caller frees; *SIZE its
 * length.  NULL when it cannot be read. */
static uint8_t *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc(n ? (size_t)n : 1);
        if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    *size = n > 0 ? (size_t)n : 0;
    return data;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_input(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
    int failed = 0, n = 0;
    for (int i = 1; i < argc; i++) {
        struct dirent **names = NULL;
        int count = scandir(argv[i], &names, is_input, by_name);
        if (count < 0) {
            printf("not ok %d - %s cannot be listed\n", ++n, argv[i]);
            failed = 1;
            continue;
        }
        for (int k = 0; k < count; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            size_t size = 0;
            uint8_t *data = read_whole(path, &size);
            if (!data) {
                printf("not ok %d - %s cannot be read\n", ++n, path);
                failed = 1;
            } else {
                LLVMFuzzerTestOneInput(data, size);
                printf("ok %d - %s\n", ++n, names[k]->d_name);
                free(data);
            }
            free(names[k]);
        }
        free(names);
    }
    printf("1..%d\n", n);
    return failed;
}
