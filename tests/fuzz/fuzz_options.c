/* The option parser (cmd/options.c) through hd_options_parse(): the
 * fuzzer's bytes split at NUL bytes into argv[1..], against a table with
 * one option of every kind (flag, choice, choice with an argument, string,
 * list, count with K/M/G suffixes, fraction, help) and heapdiff's
 * spellings; then --help is printed from the table, into a memory stream. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    bool flag = false, help = false;
    int choice = 0;
    const char *string = NULL, *regex = NULL;
    struct hd_choice_argument choice_regex = {&choice, &regex};
    struct hd_string_list list = {0};
    size_t count = 0, bytes = 0;
    double fraction = 0;
    const struct hd_option table[] = {
        {"text", 0, HD_OPTION_CHOICE, &choice, 0, NULL, "text report", NULL},
        {"svg", 0, HD_OPTION_CHOICE, &choice, 1, NULL, "svg report", NULL},
        {"list", 0, HD_OPTION_CHOICE_ARGUMENT, &choice_regex, 2, "RE", "source of RE", NULL},
        {"inuse-space", 0, HD_OPTION_FLAG, &flag, 0, NULL, "bytes in use", NULL},
        {"inuse_space", 0, HD_OPTION_FLAG, &flag, 0, NULL, NULL, NULL},
        {"base", 'b', HD_OPTION_STRING, &string, 0, "FILE", "subtract FILE", NULL},
        {"lib-prefix", 'L', HD_OPTION_LIST, &list, 0, "DIR", "libraries in DIR", NULL},
        {"nodecount", 0, HD_OPTION_COUNT, &count, 0, "N", "keep N nodes", NULL},
        {"top", 0, HD_OPTION_COUNT, &count, 0, "N", "first N rows; alone, text", "text"},
        {"max-input-size", 0, HD_OPTION_SIZE, &bytes, 0, "SIZE", "at most SIZE bytes", NULL},
        {"nodefraction", 0, HD_OPTION_FRACTION, &fraction, 0, "F", "drop below F", NULL},
        {"output", 'o', HD_OPTION_STRING, &string, 0, "FILE", "write to FILE", NULL},
        {"help", 'h', HD_OPTION_HELP, &help, 0, NULL, "show this help", NULL},
        {NULL, 0, 0, NULL, 0, NULL, NULL, NULL},
    };

    /* argv strings are copies of exactly their bytes plus the NUL. */
    int argc = 1;
    for (size_t i = 0; i < size; i++)
        argc += data[i] == '\0';
    argc += size > 0 && data[size - 1] != '\0';
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    argv[0] = strdup("heapdiff");
    int n = 1;
    for (size_t start = 0; start < size && n < argc;) {
        const uint8_t *nul = memchr(data + start, '\0', size - start);
        size_t len = nul ? (size_t)(nul - (data + start)) : size - start;
        argv[n] = malloc(len + 1);
        memcpy(argv[n], data + start, len);
        argv[n][len] = '\0';
        n++;
        start += len + 1;
    }
    argc = n;
    const char **positional = calloc((size_t)argc + 1, sizeof *positional);
    int n_positional = 0;
    struct hd_error err;
    if (hd_options_parse(table, argc, argv, positional, &n_positional, &err) == 0) {
        volatile size_t sink = (size_t)n_positional + count + (size_t)choice + list.n;
        for (int i = 0; i < n_positional; i++)
            sink += strlen(positional[i]);
        for (size_t i = 0; i < list.n; i++)
            sink += strlen(list.items[i]);
        if (string)
            sink += strlen(string);
        (void)sink;
        if (help) {
            char *text = NULL;
            size_t text_size = 0;
            FILE *out = open_memstream(&text, &text_size);
            hd_options_print_help(out, table);
            fclose(out);
            free(text);
        }
    }
    free(positional);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return 0;
}
