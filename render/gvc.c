/* In-process graphviz rendering (see gvc.h). */
#include "gvc.h"
#include "emitter.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

int hd_image_format_from_name(const char *name, enum hd_image_format *format)
{
    static const char *const names[] = {"svg", "png", "pdf"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *format = (enum hd_image_format)i;
            return 0;
        }
    }
    return -1;
}

/* graphviz's renderer names; "png" and "pdf" pick cairo when the pango
 * plugin is installed (gd's png otherwise). */
static const char *renderer_name(enum hd_image_format format)
{
    switch (format) {
    case HD_IMAGE_SVG:
        return "svg";
    case HD_IMAGE_PNG:
        return "png";
    case HD_IMAGE_PDF:
        return "pdf";
    }
    return "svg";
}

/* The last error graphviz reported while we rendered.  graphviz's error
 * hook is process-global, so this is too; rendering is single-threaded. */
static char graphviz_message[256];

static int capture_message(char *text)
{
    /* Keep the first error: later ones tend to be consequences. */
    if (!graphviz_message[0]) {
        snprintf(graphviz_message, sizeof graphviz_message, "%s", text);
        size_t n = strlen(graphviz_message);
        while (n > 0 && (graphviz_message[n - 1] == '\n' || graphviz_message[n - 1] == ' '))
            graphviz_message[--n] = '\0';
    }
    return 0;
}

/* agsafeset takes char * in graphviz 2.42; it copies both strings. */
static void set_all(void *object, const struct hd_scene_attr *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        agsafeset(object, (char *)attrs[i].name, (char *)attrs[i].value, "");
}

static Agnode_t *add_node(Agraph_t *graph, const struct hd_scene_node *n)
{
    Agnode_t *node = agnode(graph, (char *)n->id, 1);
    if (node)
        set_all(node, n->attrs, n->n_attrs);
    return node;
}

/* The scene as a cgraph graph, objects created in the order dot.c writes
 * them so that the layout equals that of the --dot text. */
static Agraph_t *build_graph(const struct hd_scene *s)
{
    Agraph_t *g = agopen((char *)s->name, Agdirected, NULL);
    if (!g)
        return NULL;
    set_all(g, s->graph_attrs, s->n_graph_attrs);
    for (size_t i = 0; i < s->n_node_defaults; i++)
        agattr(g, AGNODE, (char *)s->node_defaults[i].name, (char *)s->node_defaults[i].value);
    Agraph_t *legend = agsubg(g, "cluster_legend", 1);
    if (!legend)
        goto fail;
    for (size_t i = 0; i < s->n_legend; i++)
        if (!add_node(legend, &s->legend[i]))
            goto fail;
    Agnode_t **nodes = hd_calloc(s->n_nodes + 1, sizeof *nodes);
    for (size_t i = 0; i < s->n_nodes; i++) {
        if (!(nodes[i] = add_node(g, &s->nodes[i]))) {
            free(nodes);
            goto fail;
        }
    }
    for (size_t e = 0; e < s->n_edges; e++) {
        const struct hd_scene_edge *x = &s->edges[e];
        Agedge_t *edge = agedge(g, nodes[x->from], nodes[x->to], NULL, 1);
        if (!edge) {
            free(nodes);
            goto fail;
        }
        set_all(edge, x->attrs, x->n_attrs);
    }
    free(nodes);
    return g;
fail:
    agclose(g);
    return NULL;
}

/* The one graphviz context of the process.  graphviz 2.42's pango plugin
 * caches a pointer to the last font name in a static variable, and that
 * name belongs to the context: a second context after gvFreeContext()
 * reads freed memory (seen under ASan).  So the context is made once and
 * kept until hd_gvc_shutdown(). */
static GVC_t *shared_context;

static GVC_t *context(void)
{
    if (!shared_context)
        shared_context = gvContext();
    return shared_context;
}

void hd_gvc_shutdown(void)
{
    if (shared_context)
        gvFreeContext(shared_context);
    shared_context = NULL;
}

typedef Agraph_t *make_graph(const void *source);

static Agraph_t *graph_of_scene(const void *source)
{
    return build_graph(source);
}

static Agraph_t *graph_of_dot_text(const void *source)
{
    return agmemread(source);
}

static int render(FILE *out, enum hd_image_format format, make_graph *make, const void *source,
                  struct hd_error *err)
{
    graphviz_message[0] = '\0';
    agusererrf previous_hook = agseterrf(capture_message);
    agerrlevel_t previous_level = agseterr(AGERR);
    int status = -1;
    char *data = NULL;
    unsigned int length = 0;
    GVC_t *gvc = context();
    Agraph_t *g = gvc ? make(source) : NULL;
    if (!gvc || !g) {
        hd_error_set(err, NULL, 0, "graphviz could not build the graph%s%s",
                     graphviz_message[0] ? ": " : "", graphviz_message);
        goto done;
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        hd_error_set(err, NULL, 0,
                     "graphviz could not lay out the graph%s%s (are graphviz's plugins"
                     " installed? Debian: libgvc6, which registers them)",
                     graphviz_message[0] ? ": " : "", graphviz_message);
        goto done;
    }
    if (gvRenderData(gvc, g, renderer_name(format), &data, &length) != 0 || !data) {
        hd_error_set(err, NULL, 0, "graphviz could not render %s%s%s", renderer_name(format),
                     graphviz_message[0] ? ": " : "", graphviz_message);
        gvFreeLayout(gvc, g);
        goto done;
    }
    if (fwrite(data, 1, length, out) != length || fflush(out) != 0)
        hd_error_set(err, NULL, 0, "cannot write the %s output", renderer_name(format));
    else
        status = 0;
    gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
done:
    if (g)
        agclose(g);
    agseterr(previous_level);
    agseterrf(previous_hook);
    return status;
}

int hd_render_scene_image(FILE *out, enum hd_image_format format, const struct hd_scene *s,
                          struct hd_error *err)
{
    return render(out, format, graph_of_scene, s, err);
}

int hd_render_dot_text_image(FILE *out, enum hd_image_format format, const char *dot,
                             struct hd_error *err)
{
    return render(out, format, graph_of_dot_text, dot, err);
}

int hd_render_image(FILE *out, enum hd_image_format format, const struct hd_graph *graph,
                    const struct hd_view *view, const struct hd_graph_render_options *options,
                    struct hd_error *err)
{
    struct hd_scene *scene = hd_scene_build(graph, view, options);
    int status = hd_render_scene_image(out, format, scene, err);
    hd_scene_free(scene);
    return status;
}

int hd_emit_svg(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    return hd_render_image(out, HD_IMAGE_SVG, report->graph, report->view, &report->picture,
                           err);
}

int hd_emit_png(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    return hd_render_image(out, HD_IMAGE_PNG, report->graph, report->view, &report->picture,
                           err);
}

int hd_emit_pdf(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    return hd_render_image(out, HD_IMAGE_PDF, report->graph, report->view, &report->picture,
                           err);
}
