/* What the leak checkers' readers share: the kinds (--leak-kind) and a
 * leak record's sample (see formats.h). */
#include "formats.h"

#include <string.h>

int hd_leak_kinds_parse(const char *text, unsigned *kinds)
{
    static const struct {
        const char *name;
        unsigned kinds;
    } names[] = {
        {"definite", HD_LEAK_DEFINITE}, {"indirect", HD_LEAK_INDIRECT},
        {"possible", HD_LEAK_POSSIBLE}, {"reachable", HD_LEAK_REACHABLE},
        {"all", HD_LEAK_ALL},
    };
    *kinds = 0;
    for (const char *p = text;;) {
        size_t n = strcspn(p, ",");
        size_t k = 0;
        while (k < sizeof names / sizeof *names &&
               !(strlen(names[k].name) == n && strncmp(names[k].name, p, n) == 0))
            k++;
        if (k == sizeof names / sizeof *names)
            return -1;
        *kinds |= names[k].kinds;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

unsigned hd_leak_kinds_wanted(const struct hd_parse_limits *limits, unsigned default_kinds)
{
    return limits->leak_kinds ? limits->leak_kinds : default_kinds;
}

void hd_leak_add_record(struct hd_model *profile, uint32_t *locations, uint32_t depth,
                        const char *label, double bytes, double blocks)
{
    struct hd_frame root = {label, NULL, 0};
    locations[depth] = hd_model_intern_given_location(profile, HD_NO_MAPPING, 0, &root, 1);
    uint32_t stack = hd_model_intern_stack(profile, locations, depth + 1);
    struct hd_values v = {.inuse_objects = blocks, .inuse_bytes = bytes};
    hd_model_add_sample(profile, 0, stack, HD_ALL_THREADS, &v);
}
