/* --memory --html (memory_render.h): the memory section of the HTML
 * report, alone in a page with the report's style, or above the
 * profiles' report (html.c).  Small on purpose: the findings, the table
 * of classes (one column per snapshot), glibc's arenas and the notes; no
 * script.  section#memory, table#memory-classes and p.finding are its
 * contract with the tests. */
#include "memory_render.h"

#include "html.h"
#include "html_assets.h"

static void put_size(FILE *out, uint64_t value, bool sign)
{
    char buf[32];
    if (value == HD_MEM_UNKNOWN)
        fputs("<td class=\"num\">?</td>", out);
    else
        fprintf(out, "<td class=\"num\" data-bytes=\"%llu\">%s</td>", (unsigned long long)value,
                hd_mem_format_bytes((double)value, sign, buf, sizeof buf));
}

static void put_growth(FILE *out, double growth)
{
    char buf[32];
    fprintf(out, "<td class=\"num %s\">%s</td>", growth > 0 ? "grew" : growth < 0 ? "shrank" : "",
            hd_mem_format_bytes(growth, true, buf, sizeof buf));
}

static void put_table(FILE *out, const struct hd_mem_analysis *a)
{
    char name[64];
    fputs("<table id=\"memory-classes\">\n<thead><tr><th>class</th>", out);
    for (size_t k = 0; k < a->n_snapshots; k++) {
        fputs("<th>", out);
        hd_html_put_escaped(out, hd_mem_short_name(a->snapshots[k].name, name, sizeof name));
        fputs("</th>", out);
    }
    if (a->n_snapshots > 1)
        fputs("<th>growth</th>", out);
    if (a->classes[0].has_verdict)
        fputs("<th>verdict</th>", out);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (int c = 0; c <= HD_MEM_CLASS_COUNT; c++) {
        bool rss = c == HD_MEM_CLASS_COUNT;
        bool any = rss || c == HD_MEM_HEAP_IN_USE;
        for (size_t k = 0; k < a->n_snapshots && !any; k++)
            any = a->snapshots[k].classes[c] != 0;
        if (!any) /* as the text report: a class no capture has is left out */
            continue;
        fprintf(out, "<tr data-class=\"%s\"><td>%s</td>",
                rss ? "rss" : hd_mem_class_key((enum hd_mem_class)c),
                rss ? "<b>RSS</b>" : hd_mem_class_label((enum hd_mem_class)c));
        for (size_t k = 0; k < a->n_snapshots; k++)
            put_size(out, rss ? a->snapshots[k].rss : a->snapshots[k].classes[c], false);
        if (a->n_snapshots > 1)
            put_growth(out, rss ? a->rss_growth : a->classes[c].growth);
        const struct hd_classification *v =
            rss ? (a->rss_has_verdict ? &a->rss_verdict : NULL)
                : (a->classes[c].has_verdict ? &a->classes[c].verdict : NULL);
        if (v)
            fprintf(out, "<td class=\"verdict-%s\">%s</td>", hd_verdict_name(v->verdict),
                    hd_verdict_name(v->verdict));
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

void hd_mem_render_html_section(FILE *out, const struct hd_mem_analysis *a)
{
    fputs("<section id=\"memory\">\n<h2>Where RSS went</h2>\n<ol class=\"captures\">\n", out);
    for (size_t k = 0; k < a->n_snapshots; k++) {
        const struct hd_mem_breakdown *b = &a->snapshots[k];
        fputs("<li>", out);
        hd_html_put_escaped(out, b->name);
        fprintf(out, " (allocator: %s)</li>\n", hd_mem_allocator_name(b->allocator));
    }
    fputs("</ol>\n", out);
    for (size_t i = 0; i < a->n_findings; i++) {
        fputs("<p class=\"finding\">", out);
        fputs(i == 0 ? "<b>Finding:</b> " : "Also: ", out);
        hd_html_put_escaped(out, a->findings[i].text);
        fputs("</p>\n", out);
    }
    put_table(out, a);
    const struct hd_mem_breakdown *last = &a->snapshots[a->n_snapshots - 1];
    if (last->glibc) {
        char x[32], y[32], z[32];
        fprintf(out, "<p>glibc arenas (last snapshot): %zu; %zu other heaps reserve %s, %s "
                     "resident; free chunks %s resident.</p>\n",
                last->arenas.n_arenas, last->arenas.n_heaps,
                hd_mem_format_bytes((double)last->arenas.heaps_reserved, false, x, sizeof x),
                hd_mem_format_bytes((double)last->arenas.heaps_resident, false, y, sizeof y),
                hd_mem_format_bytes((double)last->arenas.free_resident, false, z, sizeof z));
    }
    fputs("<ul class=\"notes\">\n", out);
    for (size_t k = 0; k < a->n_snapshots; k++)
        for (size_t i = 0; i < a->snapshots[k].n_notes; i++) {
            fputs("<li>", out);
            hd_html_put_escaped(out, a->snapshots[k].notes[i]);
            fputs("</li>\n", out);
        }
    fputs("</ul>\n</section>\n", out);
}

int hd_mem_render_html(FILE *out, const struct hd_mem_analysis *a)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>heapdiff memory report</title>\n<style>\n",
          out);
    fputs(hd_html_report_css, out);
    fprintf(out, "</style>\n</head>\n<body>\n<header id=\"summary\">\n"
                 "<h1>heapdiff: memory report, %zu capture%s</h1>\n</header>\n<main>\n",
            a->n_snapshots, a->n_snapshots == 1 ? "" : "s");
    hd_mem_render_html_section(out, a);
    fputs("</main>\n</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
