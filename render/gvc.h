/* The call graph rendered in-process by graphviz's libgvc (--svg, --png,
 * --pdf).  heapdiff never spawns dot: the graph is built node by node with
 * the cgraph API from the same scene that --dot writes (scene.h), laid out
 * with the "dot" engine and rendered to memory. */
#ifndef HD_GVC_H
#define HD_GVC_H

#include <stdio.h>

#include "error.h"
#include "graph.h"
#include "prune.h"
#include "scene.h"

enum hd_image_format {
    HD_IMAGE_SVG, /* graphviz's core svg renderer; node tooltips become
                     xlink:title of the node's <a> */
    HD_IMAGE_PNG, /* cairo renderer (libgvplugin_pango, in libgvc6) */
    HD_IMAGE_PDF, /* cairo renderer */
};

/* The format named NAME ("svg", "png", "pdf"), stored in *FORMAT.
 * Returns 0, or -1 when NAME is none of them. */
int hd_image_format_from_name(const char *name, enum hd_image_format *format);

/* Lay out VIEW of GRAPH (see hd_prune; nodes, edges and attributes as
 * hd_scene_build() describes them) and write it to OUT as FORMAT.  OUT
 * should be opened in binary mode; refusing binary output on a terminal
 * is the caller's business.  The layout runs in this process.  Returns 0,
 * or -1 with *ERR set when graphviz cannot lay out or render (e.g. its
 * plugins are not installed: the message says so) or writing OUT fails.
 * graphviz's own messages are captured, never printed. */
int hd_render_image(FILE *out, enum hd_image_format format, const struct hd_graph *graph,
                    const struct hd_view *view, const struct hd_graph_render_options *options,
                    struct hd_error *err);

/* Render SCENE as hd_render_image() does (the renderer behind it). */
int hd_render_scene_image(FILE *out, enum hd_image_format format, const struct hd_scene *scene,
                          struct hd_error *err);

/* Parse DOT (dot text, e.g. hd_render_dot's output) with agmemread and
 * render it as hd_render_image() does.  heapdiff's outputs never take this
 * path; tests use it to check that the --dot text and the cgraph-built
 * graph give the same picture. */
int hd_render_dot_text_image(FILE *out, enum hd_image_format format, const char *dot,
                             struct hd_error *err);

/* Free the graphviz context that rendering keeps for the whole process
 * (graphviz 2.42 cannot safely make a second one after freeing the first:
 * its pango plugin keeps a pointer into the old one).  Call at most once,
 * at exit, after the last rendering; optional, since the context stays
 * reachable and LeakSanitizer does not count it. */
void hd_gvc_shutdown(void);

#endif
