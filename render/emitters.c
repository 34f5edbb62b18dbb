/* The table of report kinds (see emitter.h). */
#include "emitter.h"

#include <string.h>

const struct hd_emitter hd_emitters[] = {
    {"text", "text report (the default): flat, flat%, sum%, cum, cum%, name",
     HD_EMITTER_TABLE, false, false, hd_emit_text, NULL, true},
    {"traces", "print every stack with its value, leaf first", HD_EMITTER_TABLE, false, false,
     hd_emit_traces, NULL, false},
    {"dot", "call graph in dot syntax", HD_EMITTER_PICTURE, true, false, hd_emit_dot, NULL, true},
    {"svg", "call graph drawn as SVG (in-process, no dot program)", HD_EMITTER_PICTURE, true,
     false, hd_emit_svg, NULL, true},
    {"png", "call graph drawn as PNG (needs -o FILE on a terminal)", HD_EMITTER_PICTURE, true,
     true, hd_emit_png, NULL, true},
    {"pdf", "call graph drawn as PDF (needs -o FILE on a terminal)", HD_EMITTER_PICTURE, true,
     true, hd_emit_pdf, NULL, true},
    {"list", "source of the functions matching RE, each line's flat and cum (as pprof)",
     HD_EMITTER_TABLE, false, false, hd_emit_source, "RE", false},
    {"markdown", "a short GitHub-flavoured summary: totals and the top rows (CI job summaries)",
     HD_EMITTER_TABLE, false, false, hd_emit_markdown, NULL, true},
    {"json", "every row, the totals and the largest stacks as JSON (docs/json-schema.json)",
     HD_EMITTER_TABLE, false, false, hd_emit_json, NULL, true},
    {"flame", "flame graph as a self-contained SVG; with --base a differential one",
     HD_EMITTER_PICTURE, false, false, hd_emit_flame, NULL, true},
    {"proto", "pprof's profile.proto, gzipped, for Go pprof and its kin (needs -o FILE on a "
     "terminal)", HD_EMITTER_TABLE, false, true, hd_emit_proto, NULL, true},
    {"collapsed", "folded stacks, one line per stack, for flamegraph.pl, inferno and speedscope",
     HD_EMITTER_TABLE, false, false, hd_emit_folded, NULL, true},
    {"html", "one self-contained HTML page: header, sortable rows, call graph, flame graph, "
     "trend charts", HD_EMITTER_TABLE, false, false, hd_emit_html, NULL, true},
    {NULL, NULL, HD_EMITTER_TABLE, false, false, NULL, NULL, false},
};

const struct hd_emitter *hd_emitter_find(const char *name)
{
    for (const struct hd_emitter *e = hd_emitters; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}
