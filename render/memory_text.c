/* --memory's text report (memory_render.h), within 80 columns. */
#include "memory_render.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

#define WIDTH 78
#define LABEL_WIDTH 31
#define VALUE_WIDTH 10
/* Files listed under the table, the largest first. */
#define MAX_FILES 5

const char *hd_mem_short_name(const char *name, char *buf, size_t size)
{
    size_t n = strlen(name);
    while (n > 1 && name[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && name[start - 1] != '/')
        start--;
    snprintf(buf, size, "%.*s", (int)(n - start), name + start);
    return buf;
}

/* FIRST, then TEXT word-wrapped to WIDTH columns, its further lines
 * indented by INDENT spaces. */
static bool is_unit_at(const char *c)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t len = strlen(units[u]);
        if (strncmp(c, units[u], len) == 0 && !isalpha((unsigned char)c[len]))
            return true;
    }
    return false;
}

static void put_wrapped(FILE *out, const char *first, const char *input, int indent)
{
    /* A size and its unit ("45.3 MiB") stay on one line: the space
     * between them is held as '\1' until written. */
    char *text = hd_strdup(input);
    for (char *c = text; *c; c++)
        if (*c == ' ' && c > text && isdigit((unsigned char)c[-1]) && is_unit_at(c + 1))
            *c = '\1';
    fputs(first, out);
    int column = (int)strlen(first);
    bool line_empty = column == 0;
    for (const char *word = text; *word;) {
        while (*word == ' ')
            word++;
        size_t len = strcspn(word, " ");
        if (len == 0)
            break;
        if (!line_empty && column + 1 + (int)len > WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            column = indent;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', out);
            column++;
        }
        for (size_t i = 0; i < len; i++)
            fputc(word[i] == '\1' ? ' ' : word[i], out);
        column += (int)len;
        line_empty = false;
        word += len;
    }
    fputc('\n', out);
    free(text);
}

static const char *size_cell(uint64_t bytes, char *buf, size_t size)
{
    if (bytes == HD_MEM_UNKNOWN)
        return "?";
    return hd_mem_format_bytes((double)bytes, false, buf, size);
}

static bool has_verdicts(const struct hd_mem_analysis *a);

/* The columns: every snapshot when there are at most three (two with
 * verdicts), else the first and the last. */
static size_t columns(const struct hd_mem_analysis *a, size_t *which)
{
    size_t n = 0;
    if (a->n_snapshots <= (has_verdicts(a) ? 2u : 3u)) {
        for (size_t k = 0; k < a->n_snapshots; k++)
            which[n++] = k;
    } else {
        which[n++] = 0;
        which[n++] = a->n_snapshots - 1;
    }
    return n;
}

static bool has_verdicts(const struct hd_mem_analysis *a)
{
    return a->classes[0].has_verdict;
}

static void put_row(FILE *out, const struct hd_mem_analysis *a, const char *label,
                    const uint64_t *values, const size_t *which, size_t n_columns, double growth,
                    const struct hd_classification *verdict)
{
    char buf[32];
    fprintf(out, "%-*s", LABEL_WIDTH, label);
    for (size_t c = 0; c < n_columns; c++)
        fprintf(out, " %*s", VALUE_WIDTH, size_cell(values[which[c]], buf, sizeof buf));
    if (a->n_snapshots > 1)
        fprintf(out, " %*s", VALUE_WIDTH,
                values[0] == HD_MEM_UNKNOWN || values[a->n_snapshots - 1] == HD_MEM_UNKNOWN
                    ? "?"
                    : hd_mem_format_bytes(growth, true, buf, sizeof buf));
    if (verdict)
        fprintf(out, "  %s", hd_verdict_name(verdict->verdict));
    else if (a->n_snapshots == 1 && a->snapshots[0].rss != HD_MEM_UNKNOWN &&
             a->snapshots[0].rss > 0 && values[0] != HD_MEM_UNKNOWN)
        fprintf(out, " %6.1f%%", 100.0 * (double)values[0] / (double)a->snapshots[0].rss);
    fputc('\n', out);
}

static void put_table(FILE *out, const struct hd_mem_analysis *a)
{
    size_t which[3];
    size_t n_columns = columns(a, which);
    char name[64], head[16];
    fprintf(out, "%-*s", LABEL_WIDTH, "class");
    for (size_t c = 0; c < n_columns; c++) {
        hd_mem_short_name(a->snapshots[which[c]].name, name, sizeof name);
        snprintf(head, sizeof head, "%.*s", VALUE_WIDTH, name);
        fprintf(out, " %*s", VALUE_WIDTH, head);
    }
    if (a->n_snapshots > 1)
        fprintf(out, " %*s", VALUE_WIDTH, "growth");
    if (has_verdicts(a))
        fputs("  verdict", out);
    else if (a->n_snapshots == 1)
        fprintf(out, " %7s", "of RSS");
    fputc('\n', out);
    uint64_t *values = calloc(a->n_snapshots + 1, sizeof *values);
    for (int c = 0; c < HD_MEM_CLASS_COUNT; c++) {
        bool any = c == HD_MEM_HEAP_IN_USE;
        for (size_t k = 0; k < a->n_snapshots; k++) {
            values[k] = a->snapshots[k].classes[c];
            any |= values[k] != 0;
        }
        if (any)
            put_row(out, a, hd_mem_class_label((enum hd_mem_class)c), values, which, n_columns,
                    a->classes[c].growth,
                    a->classes[c].has_verdict ? &a->classes[c].verdict : NULL);
    }
    for (size_t k = 0; k < a->n_snapshots; k++)
        values[k] = a->snapshots[k].rss;
    put_row(out, a, "RSS", values, which, n_columns, a->rss_growth,
            a->rss_has_verdict ? &a->rss_verdict : NULL);
    free(values);
}

/* glibc's arenas in breakdown B: their RSS where smaps or pmap gave the
 * regions, else what malloc_info says they hold. */
static void put_arenas(FILE *out, const struct hd_mem_breakdown *b)
{
    const struct hd_mem_arenas *ar = &b->arenas;
    char size[6][32], line[400];
    if (!b->regions) {
        snprintf(line, sizeof line,
                 "%zu (the main one included); they hold %s from the system, %s of it in free "
                 "chunks; mmap'ed chunks %s",
                 ar->n_arenas,
                 hd_mem_format_bytes((double)(ar->main_system + ar->other_system), false,
                                     size[0], 32),
                 hd_mem_format_bytes((double)(ar->main_free + ar->other_free), false, size[1],
                                     32),
                 hd_mem_format_bytes((double)ar->mmap_bytes, false, size[2], 32));
        put_wrapped(out, "glibc arenas:", line, 2);
        return;
    }
    snprintf(line, sizeof line,
             "%zu (the main one included); main arena %s resident in [heap]; %zu other "
             "heaps reserve %s, %s resident; free chunks %s resident of %s counted; mmap'ed "
             "chunks %s",
             ar->n_arenas, hd_mem_format_bytes((double)ar->main_resident, false, size[0], 32),
             ar->n_heaps, hd_mem_format_bytes((double)ar->heaps_reserved, false, size[1], 32),
             hd_mem_format_bytes((double)ar->heaps_resident, false, size[2], 32),
             hd_mem_format_bytes((double)ar->free_resident, false, size[3], 32),
             hd_mem_format_bytes((double)(ar->main_free + ar->other_free), false, size[4], 32),
             hd_mem_format_bytes((double)ar->mmap_bytes, false, size[5], 32));
    put_wrapped(out, "glibc arenas:", line, 2);
}

static void put_kernel(FILE *out, const struct hd_mem_breakdown *b)
{
    const struct hd_mem_rollup *k = &b->kernel;
    char s[32], p[32], w[32], h[32], line[300];
    uint64_t shared = k->shared_clean == HD_MEM_UNKNOWN || k->shared_dirty == HD_MEM_UNKNOWN
                          ? HD_MEM_UNKNOWN
                          : k->shared_clean + k->shared_dirty;
    uint64_t private_ = k->private_clean == HD_MEM_UNKNOWN || k->private_dirty == HD_MEM_UNKNOWN
                            ? HD_MEM_UNKNOWN
                            : k->private_clean + k->private_dirty;
    snprintf(line, sizeof line, "Shared %s, Private %s, Swap %s, AnonHugePages %s",
             size_cell(shared, s, sizeof s), size_cell(private_, p, sizeof p),
             size_cell(k->swap, w, sizeof w), size_cell(k->anon_huge, h, sizeof h));
    put_wrapped(out, "kernel (smaps):", line, 2);
}

static void put_files(FILE *out, const struct hd_mem_breakdown *b)
{
    char line[1200] = "", size[32];
    size_t used = 0;
    for (size_t i = 0; i < b->n_files && i < MAX_FILES && b->files[i].rss > 0; i++)
        used += (size_t)snprintf(line + used, used < sizeof line ? sizeof line - used : 0,
                                 "%s%s %s", i ? ", " : "", b->files[i].path,
                                 hd_mem_format_bytes((double)b->files[i].rss, false, size,
                                                     sizeof size));
    if (line[0])
        put_wrapped(out, "largest files:", line, 2);
}

int hd_mem_render_text(FILE *out, const struct hd_mem_analysis *a)
{
    const struct hd_mem_breakdown *last = &a->snapshots[a->n_snapshots - 1];
    fprintf(out, "heapdiff --memory: %zu snapshot%s\n", a->n_snapshots,
            a->n_snapshots == 1 ? "" : "s");
    for (size_t k = 0; k < a->n_snapshots; k++) {
        const struct hd_mem_breakdown *b = &a->snapshots[k];
        char line[900], size[32];
        snprintf(line, sizeof line, "%s (allocator: %s; heap in use %s)", b->name,
                 hd_mem_allocator_name(b->allocator),
                 b->heap_from_profile ? "from its heap profile"
                 : b->allocator != HD_MEM_ALLOCATOR_NONE ? "from the allocator's statistics"
                                                         : "unknown");
        if (b->profile.present && !b->heap_from_profile)
            snprintf(line + strlen(line), sizeof line - strlen(line), "; profile %s",
                     hd_mem_format_bytes(b->profile.inuse_bytes, false, size, sizeof size));
        char first[24];
        snprintf(first, sizeof first, "%3zu.", k + 1);
        put_wrapped(out, first, line, 5);
    }
    fputc('\n', out);
    put_table(out, a);
    fputc('\n', out);
    if (a->n_snapshots > 1)
        fprintf(out, "The last snapshot:\n");
    if (last->glibc)
        put_arenas(out, last);
    if (last->n_thread_stacks > 0 || last->n_threads > 0) {
        fprintf(out, "thread stacks found: %zu", last->n_thread_stacks);
        if (last->n_threads > 0)
            fprintf(out, "; threads: %zu", last->n_threads);
        fputc('\n', out);
    }
    if (last->has_kernel)
        put_kernel(out, last);
    put_files(out, last);
    /* The last snapshot's notes; the others' are in --json. */
    size_t earlier = 0;
    for (size_t k = 0; k + 1 < a->n_snapshots; k++)
        earlier += a->snapshots[k].n_notes;
    for (size_t i = 0; i < last->n_notes; i++)
        put_wrapped(out, "note:", last->notes[i], 2);
    if (earlier > 0)
        fprintf(out, "(and %zu note%s on the earlier snapshots: --json lists them)\n", earlier,
                earlier == 1 ? "" : "s");
    for (size_t i = 0; i < a->n_findings; i++) {
        fputc('\n', out);
        put_wrapped(out, i == 0 ? "Finding:" : "Also:", a->findings[i].text, 2);
    }
    return ferror(out) ? -1 : 0;
}
