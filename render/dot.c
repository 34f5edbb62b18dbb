/* dot text output of a call graph (see dot.h). */
#include "dot.h"
#include "emitter.h"

/* S as a dot quoted string.  Scene values are escString text already
 * (backslashes doubled, no raw newlines), so only '"' needs escaping;
 * graphviz's scanner reads "\\" before the closing quote correctly. */
static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void put_attrs(FILE *out, const struct hd_scene_attr *attrs, size_t n)
{
    fputs(" [", out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc(' ', out);
        fprintf(out, "%s=", attrs[i].name);
        put_quoted(out, attrs[i].value);
    }
    fputc(']', out);
}

static void put_node(FILE *out, const char *indent, const struct hd_scene_node *n)
{
    fputs(indent, out);
    put_quoted(out, n->id);
    put_attrs(out, n->attrs, n->n_attrs);
    fputc('\n', out);
}

int hd_write_scene_dot(FILE *out, const struct hd_scene *s)
{
    fputs("digraph ", out);
    put_quoted(out, s->name);
    fputs(" {\n", out);
    if (s->n_graph_attrs > 0) {
        fputs("graph", out);
        put_attrs(out, s->graph_attrs, s->n_graph_attrs);
        fputc('\n', out);
    }
    if (s->n_node_defaults > 0) {
        fputs("node", out);
        put_attrs(out, s->node_defaults, s->n_node_defaults);
        fputc('\n', out);
    }
    fputs("subgraph cluster_legend {\n", out);
    for (size_t i = 0; i < s->n_legend; i++)
        put_node(out, "  ", &s->legend[i]);
    fputs("}\n", out);
    for (size_t i = 0; i < s->n_nodes; i++)
        put_node(out, "", &s->nodes[i]);
    for (size_t e = 0; e < s->n_edges; e++) {
        put_quoted(out, s->nodes[s->edges[e].from].id);
        fputs(" -> ", out);
        put_quoted(out, s->nodes[s->edges[e].to].id);
        put_attrs(out, s->edges[e].attrs, s->edges[e].n_attrs);
        fputc('\n', out);
    }
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}

int hd_render_dot(FILE *out, const struct hd_graph *graph, const struct hd_view *view,
                  const struct hd_graph_render_options *options)
{
    struct hd_scene *scene = hd_scene_build(graph, view, options);
    int status = hd_write_scene_dot(out, scene);
    hd_scene_free(scene);
    return status;
}

int hd_emit_dot(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    if (hd_render_dot(out, report->graph, report->view, &report->picture) != 0)
        return hd_error_set(err, report->output_name, 0, "cannot write the graph");
    return 0;
}
