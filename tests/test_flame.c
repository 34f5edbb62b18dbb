/* --flame: the flame graph SVG, run as a user would and parsed back with
 * libxml2.  Frames are the <g> children of the group with id "frames": a
 * title (the tooltip), a rect and maybe a label. */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_heapdiff.h"

#define heapdiff hd_test_heapdiff
#define run hd_test_run

/* The frames are 1180 px wide (1200 less 10 px each side). */
#define FRAMES_PX 1180.0

struct svg {
    xmlDocPtr doc;
    xmlXPathContextPtr x;
};

static void parse(struct svg *s, const char *text, size_t size)
{
    s->doc = xmlReadMemory(text, (int)size, "f.svg", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    cr_assert_not_null(s->doc, "the SVG does not parse");
    s->x = xmlXPathNewContext(s->doc);
    xmlXPathRegisterNs(s->x, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
}

static void release(struct svg *s)
{
    xmlXPathFreeContext(s->x);
    xmlFreeDoc(s->doc);
}

static double number(struct svg *s, const char *expression)
{
    xmlXPathObjectPtr r = xmlXPathEval((const xmlChar *)expression, s->x);
    cr_assert_not_null(r, "%s", expression);
    double value = xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return value;
}

/* The string value of EXPRESSION; the caller frees it. */
static char *string(struct svg *s, const char *expression)
{
    xmlXPathObjectPtr r = xmlXPathEval((const xmlChar *)expression, s->x);
    cr_assert_not_null(r, "%s", expression);
    char *value = (char *)xmlXPathCastToString(r);
    xmlXPathFreeObject(r);
    return value;
}

/* The frame whose tooltip's first line is NAME, as an XPath. */
static const char *frame(const char *name, const char *then, char *buf, size_t size)
{
    snprintf(buf, size, "//s:g[@id='frames']/s:g[starts-with(s:title, '%s\n')]%s", name, then);
    return buf;
}

Test(flame, frames_are_the_stacks_and_widths_their_values)
{
    struct run *r = heapdiff("--flame", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    struct svg s;
    parse(&s, r->out, r->out_size);
    /* The stacks of tc-run1.0001 (heapdiff --traces): all, _start,
     * __libc_start_main_impl, __libc_start_call_main, main, run_tick, then
     * cache_fill, from_lib > lib_alloc, linear_leak, recurse x 3,
     * small_objects > inlined_alloc: 15 frames. */
    cr_expect_eq(number(&s, "count(//s:g[@id='frames']/s:g/s:rect)"), 15);
    /* recurse holds 524288 of 727936 B (the text report), so its outer
     * frame is 1180 x 524288 / 727936 = 849.9 px wide. */
    char path[256];
    xmlXPathObjectPtr rs = xmlXPathEval(
        (const xmlChar *)frame("recurse", "/s:rect/@width", path, sizeof path), s.x);
    cr_assert_eq(rs->nodesetval ? rs->nodesetval->nodeNr : 0, 3);
    xmlXPathFreeObject(rs);
    cr_expect_float_eq(number(&s, frame("recurse", "[1]/s:rect/@width", path, sizeof path)),
                       FRAMES_PX * 524288 / 727936, 0.06);
    /* Alphabetical: cache_fill at the left edge, then from_lib at
     * 1180 x 65536 / 727936 = 106.2 px further. */
    cr_expect_float_eq(number(&s, frame("cache_fill", "/s:rect/@x", path, sizeof path)), 10, 0.01);
    cr_expect_float_eq(number(&s, frame("from_lib", "/s:rect/@x", path, sizeof path)),
                       10 + FRAMES_PX * 65536 / 727936, 0.06);
    /* The root at the bottom: "all" is the lowest frame. */
    cr_expect_eq(number(&s, frame("all", "/s:rect/@y", path, sizeof path)),
                 number(&s, "//s:g[@id='frames']/s:g/s:rect[not(../../s:g/s:rect/@y > @y)]/@y"));
    char *tip = string(&s, frame("recurse", "[1]/s:title", path, sizeof path));
    cr_expect_str_eq(tip, "recurse\n512.00 KiB (72.02%)");
    xmlFree(tip);
    /* inlined_alloc is inlined into small_objects: marked as in the text
     * report. */
    tip = string(&s, frame("inlined_alloc (inline)", "/s:title", path, sizeof path));
    cr_expect_str_eq(tip, "inlined_alloc (inline)\n46.88 KiB (6.59%)");
    xmlFree(tip);
    /* Nothing from outside: no href, no external stylesheet or font. */
    cr_expect_eq(number(&s, "count(//@*[local-name()='href'])"), 0);
    cr_expect_null(strstr(r->out, "http://www.w3.org/1999/xlink"));
    cr_expect_null(strstr(r->out, "@import"));
    cr_expect_null(strstr(r->out, "url(http"));
    /* The script is embedded. */
    cr_expect_eq(number(&s, "count(//s:script[@href or @*[local-name()='href']])"), 0);
    cr_expect_eq(number(&s, "count(//s:script)"), 1);
    release(&s);

    /* --inverted: "all" is the top frame, right under the legend. */
    r = heapdiff("--flame", "--inverted", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    parse(&s, r->out, r->out_size);
    cr_expect_eq(number(&s, frame("all", "/s:rect/@y", path, sizeof path)),
                 number(&s, "//s:g[@id='frames']/s:g/s:rect[not(../../s:g/s:rect/@y < @y)]/@y"));
    release(&s);
}

Test(flame, a_real_diff_splits_the_delta_into_more_and_bigger_objects)
{
    struct run *r = heapdiff("--flame", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    struct svg s;
    parse(&s, r->out, r->out_size);
    char path[256];
    char *tip = string(&s, frame("all", "/s:title", path, sizeof path));
    /* 0.69 -> 2.59 MiB, as the text report; the split adds up to the
     * delta. */
    cr_expect(strstr(tip, "delta +1.90 MiB, change +273.0%"), "%s", tip);
    cr_expect(strstr(tip, "more objects +1.96 MiB, bigger objects -0.06 MiB"), "%s", tip);
    xmlFree(tip);
    char *legend = string(&s, "//s:text[starts-with(., 'Type:')]");
    cr_expect_str_eq(legend, "Type: inuse_space. Current total 2.59 MiB, base total 0.69 MiB, "
                             "delta +1.90 MiB");
    xmlFree(legend);
    release(&s);
}

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hd-flame-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

/* One stack of a synthetic profile: OBJECTS objects of SIZE bytes each,
 * at return addresses given as offsets into /srv/flame/server, leaf
 * first, ended by 0. */
struct stack {
    unsigned objects, size;
    unsigned offsets[4];
};

#define MAPS "MAPPED_LIBRARIES:\n555555554000-555565554000 r-xp 00000000 00:00 1 /srv/flame/server\n"

static const char *write_stacks(const char *name, const struct stack *stacks, size_t n,
                                char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    unsigned long objects = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        objects += stacks[i].objects;
        bytes += (unsigned long)stacks[i].objects * stacks[i].size;
    }
    fprintf(f, "heap profile: %lu: %lu [%lu: %lu] @ heapprofile\n", objects, bytes, objects,
            bytes);
    for (size_t i = 0; i < n; i++) {
        const struct stack *st = &stacks[i];
        fprintf(f, "%u: %u [%u: %u] @", st->objects, st->objects * st->size, st->objects,
                st->objects * st->size);
        for (size_t k = 0; k < 4 && st->offsets[k]; k++)
            fprintf(f, " 0x%llx", 0x555555554000ull + st->offsets[k]);
        fputc('\n', f);
    }
    fprintf(f, "\n" MAPS);
    fclose(f);
    return path;
}

Test(flame, new_frames_are_outlined_and_gone_stacks_keep_a_sliver, .init = make_dir,
     .fini = remove_dir)
{
    /* Stacks root first: main (0x100) > a (0x200) in both; main > c
     * (0x300) only in the current profile: new; main > d (0x400) only in
     * the base: gone.  heapdiff --no-symbols names a frame by its
     * address: "server+0x200". */
    struct stack base[] = {{2, 4096, {0x200, 0x100}}, {2, 4096, {0x400, 0x100}}};
    struct stack current[] = {{5, 4096, {0x200, 0x100}}, {4, 4096, {0x300, 0x100}}};
    char b[128], c[128], path[256];
    write_stacks("base.heap", base, 2, b, sizeof b);
    write_stacks("current.heap", current, 2, c, sizeof c);
    struct run *r = heapdiff("--flame", "--no-symbols", "--base", b, c, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    struct svg s;
    parse(&s, r->out, r->out_size);
    /* all, main, a, c, d. */
    cr_expect_eq(number(&s, "count(//s:g[@id='frames']/s:g/s:rect)"), 5);
    char *tip = string(&s, frame("server+0x300", "/s:title", path, sizeof path));
    cr_expect_str_eq(tip, "server+0x300\nNEW: not in the base\n"
                          "base 0.00 KiB, current 16.00 KiB (44.44% of current)\n"
                          "delta +16.00 KiB, change +100% (new)");
    xmlFree(tip);
    char *stroke = string(&s, frame("server+0x300", "/s:rect/@stroke", path, sizeof path));
    cr_expect_str_eq(stroke, "#600000");
    xmlFree(stroke);
    /* The current total is 36 KiB, the gone stack's base 8 KiB: 18% of
     * the width, more than HD_FLAME_GONE_SHARE (10%), so it is scaled by
     * (0.1 / 0.9) x 36 / 8 = 0.5, to 4 KiB of 40: 118 px. */
    tip = string(&s, frame("server+0x400", "/s:title", path, sizeof path));
    cr_expect_str_eq(tip, "server+0x400\nGONE: not in the current profile\n"
                          "base 8.00 KiB, current 0.00 KiB (0.00% of current)\n"
                          "delta -8.00 KiB, change -100% (gone)");
    xmlFree(tip);
    cr_expect_float_eq(number(&s, frame("server+0x400", "/s:rect/@width", path, sizeof path)),
                       118.0, 0.06);
    char *fill = string(&s, frame("server+0x400", "/s:rect/@fill", path, sizeof path));
    cr_expect_str_eq(fill, "url(#gone)");
    xmlFree(fill);
    /* a grew from 8 to 20 KiB: +150%, saturated red. */
    fill = string(&s, frame("server+0x200", "/s:rect/@fill", path, sizeof path));
    cr_expect_str_eq(fill, "#ff2828");
    xmlFree(fill);
    char *legend = string(&s, "//s:text[starts-with(., 'Width:')]");
    cr_expect_str_eq(legend, "Width: current value; gone stacks (base 8.00 KiB) as a sliver of "
                             "10%, their base scaled by 0.5");
    xmlFree(legend);
    release(&s);
}

Test(flame, narrow_frames_merge_into_their_parents_other_slice, .init = make_dir,
     .fini = remove_dir)
{
    /* main > big: 10 MB; main > 50 leaves of 100 B each: 100/10^7 of
     * 1180 px = 0.012 px each, under 0.5 px, merged; together 0.59 px:
     * the "[other]" slice is drawn. */
    struct stack stacks[51] = {{1, 10000000, {0x200, 0x100}}};
    for (unsigned i = 1; i <= 50; i++)
        stacks[i] = (struct stack){1, 100, {0x1000 + 16 * i, 0x100}};
    char p[128], path[256];
    write_stacks("p.heap", stacks, 51, p, sizeof p);
    struct run *r = heapdiff("--flame", "--no-symbols", p, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    struct svg s;
    parse(&s, r->out, r->out_size);
    /* all, main, big, [other]. */
    cr_expect_eq(number(&s, "count(//s:g[@id='frames']/s:g/s:rect)"), 4);
    char *tip = string(&s, "//s:g[@id='frames']/s:g[starts-with(s:title, '[other]')]/s:title");
    cr_expect(strstr(tip, "[other] (50 narrow frames)\n"), "%s", tip);
    xmlFree(tip);
    cr_expect_float_eq(
        number(&s, "//s:g[@id='frames']/s:g[starts-with(s:title, '[other]')]/s:rect/@width"),
        FRAMES_PX * 5000 / 10005000, 0.06);
    char *legend = string(&s, "//s:text[starts-with(., 'Merged')]");
    cr_expect_str_eq(legend, "Merged 50 frames narrower than 0.5 px into \"[other]\" slices");
    xmlFree(legend);
    (void)path;
    release(&s);
}

Test(flame, a_146000_stack_profile_gives_a_few_megabytes, .init = make_dir, .fini = remove_dir,
     .timeout = 240)
{
    /* The worst shape for the merge rule: a balanced binary tree, 24
     * deep; at depth d (root first) stack i's frame is prefix i >> (17 -
     * d) of its bits, so level 10 has 2048 frames of 0.58 px (drawn) and
     * the 4096 below are merged. */
    enum { STACKS = 146000, DEPTH = 24 };
    char path[128];
    snprintf(path, sizeof path, "%s/large.heap", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "heap profile: %d: %d [%d: %d] @ heapprofile\n", STACKS, STACKS * 4096, STACKS,
            STACKS * 4096);
    for (unsigned i = 0; i < STACKS; i++) {
        fprintf(f, "1: 4096 [1: 4096] @");
        for (int d = DEPTH - 1; d >= 0; d--) {
            unsigned prefix = d < 18 ? i >> (17 - d) : i;
            fprintf(f, " 0x%llx", 0x555555554000ull + 0x400000ull * (unsigned)d + 16 * prefix + 8);
        }
        fputc('\n', f);
    }
    fprintf(f, "\n" MAPS);
    fclose(f);
    struct run *r = heapdiff("--flame", "--no-symbols", path, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_lt(r->out_size, 4u << 20, "%zu bytes", r->out_size);
    struct svg s;
    parse(&s, r->out, r->out_size);
    double rects = number(&s, "count(//s:g[@id='frames']/s:g/s:rect)");
    cr_expect_lt(rects, 12000, "%.0f frames", rects);
    char *legend = string(&s, "//s:text[starts-with(., 'Merged')]");
    cr_expect(strncmp(legend, "Merged ", 7) == 0, "%s", legend);
    xmlFree(legend);
    fprintf(stderr, "146000 stacks: %zu bytes, %.0f frames\n", r->out_size, rects);
    release(&s);
}
