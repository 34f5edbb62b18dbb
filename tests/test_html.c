/* --html: the report page, run as a user would and parsed back with
 * libxml2's HTML parser.  These pin the page's structure, the contract
 * with the browser test (render/html.c: table#rows, th[data-key],
 * tr.row[data-KEY], #search, #shown-count, #summary, #callgraph, #flame,
 * #trend), that it loads nothing, and its size on a large profile; the
 * browser test checks what the script does. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_heapdiff.h"

#define heapdiff hd_test_heapdiff
#define run hd_test_run

struct page {
    htmlDocPtr doc;
    xmlXPathContextPtr x;
};

static void parse(struct page *p, const struct run *r)
{
    cr_assert_eq(r->status, 0, "%s", r->err);
    p->doc = htmlReadMemory(r->out, (int)r->out_size, "report.html", "UTF-8",
                            HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                XML_PARSE_HUGE);
    cr_assert_not_null(p->doc, "the page does not parse");
    p->x = xmlXPathNewContext(p->doc);
}

static void release(struct page *p)
{
    xmlXPathFreeContext(p->x);
    xmlFreeDoc(p->doc);
}

static double number(struct page *p, const char *expression)
{
    xmlXPathObjectPtr r = xmlXPathEval((const xmlChar *)expression, p->x);
    cr_assert_not_null(r, "%s", expression);
    double value = xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return value;
}

/* The string value of EXPRESSION; the caller frees it. */
static char *string(struct page *p, const char *expression)
{
    xmlXPathObjectPtr r = xmlXPathEval((const xmlChar *)expression, p->x);
    cr_assert_not_null(r, "%s", expression);
    char *value = (char *)xmlXPathCastToString(r);
    xmlXPathFreeObject(r);
    return value;
}

static void expect_string(struct page *p, const char *expression, const char *expected)
{
    char *value = string(p, expression);
    cr_expect_str_eq(value, expected, "%s", expression);
    xmlFree(value);
}

/* The columns' data-key values, joined by ','. */
static void expect_columns(struct page *p, const char *expected)
{
    xmlXPathObjectPtr r =
        xmlXPathEval((const xmlChar *)"//table[@id='rows']/thead/tr/th/@data-key", p->x);
    cr_assert_not_null(r);
    char joined[256] = "";
    for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr; i++) {
        xmlChar *key = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        if (i)
            strcat(joined, ",");
        strncat(joined, (const char *)key, sizeof joined - strlen(joined) - 1);
        xmlFree(key);
    }
    xmlXPathFreeObject(r);
    cr_expect_str_eq(joined, expected);
}

/* The embedded data, the --json document; the caller json_decref()s it. */
static json_t *data_of(struct page *p)
{
    char *text = string(p, "//script[@id='data' and @type='application/json']");
    cr_expect_null(strchr(text, '<'), "a '<' in the data could end its element");
    json_error_t error;
    json_t *data = json_loads(text, 0, &error);
    cr_assert_not_null(data, "the data is not JSON: %s", error.text);
    xmlFree(text);
    return data;
}

static const char *const DIFF[] = {"--html", "--base", "profiles/tc-run1.0001.heap",
                                   "bin/leaky", "profiles/tc-run1.0004.heap", NULL};

Test(html, a_diff_has_the_contract_ids_and_its_rows_exact_values)
{
    struct run r;
    hd_test_run_heapdiff(DIFF, &r);
    struct page p;
    parse(&p, &r);
    cr_expect_eq(number(&p, "count(//header[@id='summary'])"), 1);
    cr_expect_eq(number(&p, "count(//input[@id='search' and @type='search'])"), 1);
    cr_expect_eq(number(&p, "count(//section[@id='callgraph']//svg)"), 1);
    cr_expect_eq(number(&p, "count(//section[@id='flame']//svg)"), 1);
    cr_expect_eq(number(&p, "count(//section[@id='trend'])"), 0);
    /* The program the maps section names, with the build-id of
     * testdata/bin/leaky (readelf -n). */
    char *binary = string(&p, "//header[@id='summary']//dt[.='Binary']/following-sibling::dd[1]");
    cr_expect(strstr(binary, "bin/leaky (build-id 28ad77e27b82e7c25be56f53c13818e9a5ad4eb1)"),
              "%s", binary);
    xmlFree(binary);
    expect_columns(&p, "name,flat,cum,base,current,delta,change");
    /* heapdiff --text --compare of the same inputs (testdata/README.md,
     * tc-run1): recurse 512.00 -> 2048.00 KiB, +300.0%; 11 rows. */
    const char *recurse = "//tr[@class='row'][@data-name='recurse']";
    char expression[256];
    static const char *const expected[][2] = {{"flat", "1572864"},   {"cum", "1572864"},
                                              {"base", "524288"},    {"current", "2097152"},
                                              {"delta", "1572864"},  {"change", "300"}};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        snprintf(expression, sizeof expression, "string(%s/@data-%s)", recurse, expected[i][0]);
        expect_string(&p, expression, expected[i][1]);
    }
    cr_expect_eq(number(&p, "count(//table[@id='rows']/tbody/tr[@class='row'])"), 11);
    expect_string(&p, "//span[@id='shown-count']", "11");
    /* The rows are in the text report's order, recurse first. */
    expect_string(&p, "string(//tr[@class='row'][1]/@data-name)", "recurse");
    /* A row's details: its file and its caller, from the graph's edges. */
    snprintf(expression, sizeof expression, "%s//details", recurse);
    char *details = string(&p, expression);
    cr_expect(strstr(details, "Top callers:") != NULL, "%s", details);
    cr_expect(strstr(details, "leaky.c") != NULL, "%s", details);
    xmlFree(details);
    /* The data holds the same rows, once. */
    json_t *data = data_of(&p);
    cr_expect_str_eq(json_string_value(json_object_get(data, "mode")), "diff");
    cr_expect_eq(json_array_size(json_object_get(data, "rows")), 11);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(data, "totals"), "delta")),
                 1987200); /* 1940.62 KiB, the text report's Total */
    json_decref(data);
    release(&p);
    hd_test_run_free(&r);
}

/* Whether VALUE, an attribute that loads something, points outside the
 * page: anything but a fragment or a data: URL. */
static bool is_external(const char *value)
{
    return value[0] != '#' && strncmp(value, "data:", 5) != 0;
}

Test(html, the_page_loads_nothing_and_its_ids_are_unique)
{
    struct run r;
    hd_test_run_heapdiff(DIFF, &r);
    struct page p;
    parse(&p, &r);
    /* Every src or href attribute (xlink:href too) is a fragment. */
    xmlXPathObjectPtr links = xmlXPathEval(
        (const xmlChar *)"//@*[local-name()='src' or local-name()='href' or "
                         "local-name()='xlink:href' or local-name()='action' or "
                         "local-name()='poster']",
        p.x);
    for (int i = 0; links->nodesetval && i < links->nodesetval->nodeNr; i++) {
        xmlChar *value = xmlNodeGetContent(links->nodesetval->nodeTab[i]);
        cr_expect(!is_external((const char *)value), "%s", value);
        cr_expect_null(strstr((const char *)value, "http"), "%s", value);
        cr_expect_null(strstr((const char *)value, "//"), "%s", value);
        xmlFree(value);
    }
    xmlXPathFreeObject(links);
    cr_expect_eq(number(&p, "count(//link | //iframe | //object | //embed | //img | "
                            "//script[@src])"), 0);
    /* No stylesheet imports or fetched images: every url() is a
     * fragment (the flame graph's hatch pattern). */
    cr_expect_null(strstr(r.out, "@import"));
    cr_expect_null(strstr(r.out, "@font-face"));
    for (const char *u = strstr(r.out, "url("); u; u = strstr(u + 4, "url("))
        cr_expect(u[4] == '#' || strncmp(u + 4, "data:", 5) == 0, "%.40s", u);
    /* The flame graph's ids are prefixed: no id is used twice. */
    xmlXPathObjectPtr ids = xmlXPathEval((const xmlChar *)"//@id", p.x);
    int n = ids->nodesetval ? ids->nodesetval->nodeNr : 0;
    cr_expect_gt(n, 10);
    for (int i = 0; i < n; i++) {
        xmlChar *a = xmlNodeGetContent(ids->nodesetval->nodeTab[i]);
        for (int j = i + 1; j < n; j++) {
            xmlChar *b = xmlNodeGetContent(ids->nodesetval->nodeTab[j]);
            cr_expect(strcmp((const char *)a, (const char *)b) != 0, "id %s twice", a);
            xmlFree(b);
        }
        xmlFree(a);
    }
    xmlXPathFreeObject(ids);
    cr_expect_eq(number(&p, "count(//*[@id='search'])"), 1);
    cr_expect_eq(number(&p, "count(//*[@id='flame-search'])"), 1);
    release(&p);
    hd_test_run_free(&r);
}

Test(html, one_profile_has_name_flat_and_cum)
{
    struct run *r = heapdiff("--html", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    struct page p;
    parse(&p, r);
    expect_columns(&p, "name,flat,cum");
    /* heapdiff --text: recurse 2048.00 KiB. */
    expect_string(&p, "string(//tr[@class='row'][1]/@data-flat)", "2097152");
    expect_string(&p, "string(//tr[@class='row'][1]/@data-name)", "recurse");
    cr_expect_eq(number(&p, "count(//tr[@class='row'][1]/@data-base)"), 0);
    json_t *data = data_of(&p);
    cr_expect_str_eq(json_string_value(json_object_get(data, "mode")), "profile");
    json_decref(data);
    release(&p);
}

Test(html, a_trend_has_verdicts_slopes_sparklines_and_its_section)
{
    /* testdata/README.md, "trend": leak_request_state leaks 3 MiB a
     * tick (--json: slope 3145728), from 3 MiB in the first snapshot to
     * 36 MiB in the twelfth: a delta of 33 MiB. */
    char paths[12][64];
    const char *argv[16] = {"--html", "--trend", "bin/trend"};
    for (int k = 0; k < 12; k++) {
        snprintf(paths[k], sizeof paths[k], "profiles/tc-trend.%04d.heap", k + 1);
        argv[3 + k] = paths[k];
    }
    struct run r;
    hd_test_run_heapdiff(argv, &r);
    struct page p;
    parse(&p, &r);
    expect_columns(&p, "name,flat,cum,base,current,delta,change,verdict,slope");
    const char *row = "//tr[@class='row'][@data-name='leak_request_state']";
    char expression[256];
    snprintf(expression, sizeof expression, "string(%s/@data-verdict)", row);
    expect_string(&p, expression, "leak");
    snprintf(expression, sizeof expression, "string(%s/@data-slope)", row);
    expect_string(&p, expression, "3145728");
    snprintf(expression, sizeof expression, "string(%s/@data-flat)", row);
    expect_string(&p, expression, "34603008");
    snprintf(expression, sizeof expression, "count(%s//svg[@class='spark']/polyline)", row);
    cr_expect_eq(number(&p, expression), 1);
    cr_expect_eq(number(&p, "count(//section[@id='trend']//*[@id='trend-chart'])"), 1);
    json_t *data = data_of(&p);
    json_t *trend = json_object_get(data, "trend");
    cr_expect_eq(json_array_size(json_object_get(trend, "snapshots")), 12);
    json_decref(data);
    release(&p);
    hd_test_run_free(&r);
}

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-html-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

Test(html, a_146000_stack_profile_gives_a_page_under_10_mb, .init = make_dir,
     .fini = remove_dir, .timeout = 300)
{
    /* test_flame.c's worst shape: a binary tree 24 deep, every stack's
     * frames distinct below depth 17, so about 1.17 million rows. */
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
    fprintf(f, "\nMAPPED_LIBRARIES:\n555555554000-555565554000 r-xp 00000000 00:00 1 "
               "/srv/flame/server\n");
    fclose(f);
    struct run *r = heapdiff("--html", "--no-symbols", path, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_lt(r->out_size, 10u << 20, "%zu bytes", r->out_size);
    struct page p;
    parse(&p, r);
    /* 500 largest by |flat| and 500 by |cum|: disjoint here (the leaves
     * and the roots' chains), and the header says how many were left. */
    double rows = number(&p, "count(//tr[@class='row'])");
    cr_expect_eq(rows, 1000);
    char *pruned = string(&p, "//p[@class='pruned']");
    cr_expect(strstr(pruned, "Rows: 1000 of ") != NULL, "%s", pruned);
    xmlFree(pruned);
    json_t *data = data_of(&p);
    cr_expect_eq(json_array_size(json_object_get(data, "rows")), 1000);
    cr_expect_eq(json_array_size(json_object_get(data, "stacks")), 100);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(data, "stacks_omitted"),
                                                    "count")),
                 STACKS - 100);
    json_decref(data);
    fprintf(stderr, "146000 stacks: %zu bytes, %.0f rows\n", r->out_size, rows);
    release(&p);
}

Test(html, the_header_lists_the_warnings_and_deltas_within_noise_are_marked)
{
    /* One tick of the sampled jemalloc run: inlined_alloc's +20600 B
     * estimate has a standard error of 37321 B (test_significance), and
     * libstdc++ has no debug info. */
    static const char *const args[] = {"--html", "--base", "profiles/je-sampled.3.heap",
                                       "bin/leaky", "profiles/je-sampled.4.heap", NULL};
    struct run r;
    hd_test_run_heapdiff(args, &r);
    struct page p;
    parse(&p, &r);
    char *warning = string(&p, "//header[@id='summary']/ul[@class='warnings']/li[1]");
    cr_expect_str_eq(warning, "warning: libstdc++.so.6.0.30: no debug info");
    xmlFree(warning);
    cr_expect_eq(number(&p, "count(//header[@id='summary']/p[@class='noise'])"), 1);
    cr_expect_eq(number(&p, "count(//tr[@data-name='inlined_alloc']/td[@class='num noise'])"), 1);
    cr_expect_eq(number(&p, "count(//tr[@data-name='recurse']/td[@class='num noise'])"), 0);
    release(&p);
    hd_test_run_free(&r);
}
