/* The symbolizer's public API: modules opened once, results cached per
 * unique (module, offset), names and files interned (see symbolizer.h). */
#include "symbolizer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "sym_cache.h"
#include "sym_debuginfo.h"
#include "sym_demangle.h"
#include "sym_dwarf.h"
#include "sym_eh_frame.h"
#include "sym_elf.h"
#include "array.h"
#include "error.h"
#include "idtable.h"
#include "strpool.h"
#include "path.h"

#define MAX_FRAMES 64
#define TRIED_SIZE 2048

enum module_kind {
    MODULE_PATH,     /* opened at (a prefix of) its own path */
    MODULE_MAIN,     /* options.main_binary standing in for the main mapping */
    MODULE_UNMAPPED, /* options.main_binary, looked up by raw address */
};

struct module {
    const char *key;            /* the path asked for (arena); "" for MAIN
                                   and UNMAPPED */
    enum module_kind kind;
    enum hd_sym_status problem; /* HD_SYM_RESOLVED when usable, else why not */
    const char *path;           /* the file read (arena), or KEY */
    struct hd_sym_elf *elf;     /* NULL unless usable */
    struct hd_sym_elf *debug;   /* separate debug file, or NULL */
    struct hd_sym_elf *alt;     /* dwz supplementary file, or NULL */
    struct hd_sym_dwarf *dwarf; /* over DEBUG or ELF; NULL without DWARF */
    bool dwarf_deferred;        /* DWARF not opened yet: the persistent
                                   cache answers until a lookup misses */
    struct hd_sym_cache_module *cache; /* its persistent cache file, or NULL
                                   (no cache, or no debug info) */
    bool cache_tainted;         /* something was warned about: its results
                                   are not saved, so that a later run
                                   warns the same */
    bool warned_dwarf;          /* hd_sym_dwarf_problem() was reported */
    bool warned_cut;            /* hd_sym_dwarf_cut_chain() was reported */
    bool object_tried;          /* open_object() ran: ELF is set, or
                                   CANNOT_READ says why not */
    bool ready;                 /* debug info looked for and every problem
                                   warned about: lookups may use it */
    const char *cannot_read;    /* why the object could not be opened
                                   (arena), noted when a lookup first
                                   needs the module; NULL otherwise */
    const char *tried;          /* the candidate paths of the object,
                                   ", "-separated (arena); set with
                                   CANNOT_READ */
    size_t n_tried;
    /* MODULE_MAIN: offsets of the main mapping that the binary's load
     * segments do not hold, for hd_sym_say_summary(). */
    uint64_t misfits;           /* how many, since the last summary */
    uint64_t first_misfit;      /* the first one's file offset */
    const char *misfit_mapping; /* the mapped path it was asked for (arena) */
};

/* A problem with a module that is said after the last lookup, so that
 * many of one kind make one line (hd_sym_say_summary). */
enum note_kind { NOTE_CANNOT_READ, NOTE_NO_DEBUG_INFO };

struct note {
    enum note_kind kind;
    const char *path;   /* the module's file, or the path asked for (arena) */
    const char *reason; /* CANNOT_READ: why ("No such file or directory") */
    const char *tried;  /* the paths tried, ", "-separated; "" when none */
    size_t n_tried;
    bool no_symbols;    /* NO_DEBUG_INFO: no symbol table either */
};

/* One symbolized return address, keyed by (module, offset). */
struct address {
    uint32_t module;   /* module id */
    uint64_t offset;   /* the return offset asked for */
    struct hd_sym_location *location; /* in the arena; NULL only while
                                         being made */
};

struct hd_symbolizer {
    struct hd_sym_options options; /* strings point into ARENA */
    const char **debug_dirs;       /* search list: options' dirs, the
                                      sysroot's and the system's */
    size_t n_debug_dirs;
    struct hd_arena *arena;        /* results, frames, interned strings */
    struct module *modules;
    size_t n_modules, cap_modules;
    struct hd_idtable address_index; /* ids into ADDRESSES */
    struct hd_idtable module_index;  /* ids into MODULES, by (kind, key) */
    struct address *addresses;     /* one per unique (module, offset) */
    size_t n_addresses, cap_addresses;
    struct hd_strpool strings;     /* interned strings, copied into ARENA */
    struct note *notes;            /* in the order found */
    size_t n_notes, cap_notes;
    size_t n_notes_said;           /* notes[0 .. n_notes_said) were said */
    struct hd_sym_stats stats;
    struct hd_sym_cache *cache;    /* the persistent cache, or NULL */
};

/* ---- small utilities ---- */

static char *arena_strdup(struct hd_arena *arena, const char *s)
{
    return hd_arena_strndup(arena, s, strlen(s));
}

/* The interned copy of S: equal strings give the same pointer, which
 * lives as long as SYM.  NULL gives NULL. */
static const char *intern(struct hd_symbolizer *sym, const char *s)
{
    if (!s)
        return NULL;
    return hd_strpool_intern(&sym->strings, s);
}

/* ---- options ---- */

void hd_sym_options_init(struct hd_sym_options *options)
{
    memset(options, 0, sizeof *options);
    options->demangle = true;
}

static const char *const *copy_list(struct hd_arena *arena,
                                    const char *const *list, size_t n)
{
    const char **copy = hd_arena_alloc(arena, (n + 1) * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = arena_strdup(arena, list[i]);
    return copy;
}

struct hd_symbolizer *hd_sym_new(const struct hd_sym_options *options)
{
    struct hd_symbolizer *sym = hd_calloc(1, sizeof *sym);
    sym->arena = hd_arena_new();
    hd_strpool_init(&sym->strings, sym->arena);
    struct hd_sym_options *o = &sym->options;
    *o = *options;
    if (o->main_binary)
        o->main_binary = arena_strdup(sym->arena, o->main_binary);
    if (o->sysroot)
        o->sysroot = arena_strdup(sym->arena, o->sysroot);
    o->lib_prefixes = copy_list(sym->arena, o->lib_prefixes, o->n_lib_prefixes);
    o->debug_dirs = copy_list(sym->arena, o->debug_dirs, o->n_debug_dirs);
    if (o->cache_dir)
        o->cache_dir = arena_strdup(sym->arena, o->cache_dir);
    sym->cache = hd_sym_cache_open(o->cache_dir, o->cache_max_bytes);

    size_t n = o->n_debug_dirs + 2;
    sym->debug_dirs = hd_arena_alloc(sym->arena, n * sizeof *sym->debug_dirs);
    for (size_t i = 0; i < o->n_debug_dirs; i++)
        sym->debug_dirs[sym->n_debug_dirs++] = o->debug_dirs[i];
    if (!o->no_system_debug_dirs) {
        if (o->sysroot) {
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/usr/lib/debug", o->sysroot);
            sym->debug_dirs[sym->n_debug_dirs++] = arena_strdup(sym->arena, path);
        }
        sym->debug_dirs[sym->n_debug_dirs++] = "/usr/lib/debug";
    }
    return sym;
}

void hd_sym_free(struct hd_symbolizer *sym)
{
    if (!sym)
        return;
    for (size_t i = 0; i < sym->n_modules; i++) {
        struct module *m = &sym->modules[i];
        if (!m->cache_tainted)
            hd_sym_cache_module_save(sym->cache, m->cache);
        hd_sym_cache_module_free(m->cache);
        hd_sym_dwarf_close(m->dwarf);
        hd_sym_elf_close(m->alt);
        hd_sym_elf_close(m->debug);
        hd_sym_elf_close(m->elf);
    }
    free(sym->modules);
    hd_sym_cache_close(sym->cache);
    hd_idtable_free(&sym->address_index);
    hd_idtable_free(&sym->module_index);
    free(sym->addresses);
    hd_strpool_free(&sym->strings);
    free(sym->notes);
    hd_arena_free(sym->arena);
    free(sym);
}

void hd_sym_get_stats(const struct hd_symbolizer *sym, struct hd_sym_stats *out)
{
    *out = sym->stats;
    out->units_decoded = 0;
    for (size_t i = 0; i < sym->n_modules; i++)
        if (sym->modules[i].dwarf)
            out->units_decoded += hd_sym_dwarf_units_decoded(sym->modules[i].dwarf);
}

/* ---- modules ---- */

/* Mappings that are no file: "" (anonymous), "[heap]", "[vdso]",
 * "[stack]", "[anon:...]", and the kernel's pseudo-paths (FORMATS.md §3.2). */
static bool is_pseudo_path(const char *path)
{
    return path[0] == '\0' || path[0] == '[' || strncmp(path, "linux-vdso", 10) == 0 ||
           strncmp(path, "/dev/", 5) == 0 || strncmp(path, "//anon", 6) == 0 ||
           strncmp(path, "/memfd:", 7) == 0 || strncmp(path, "/SYSV", 5) == 0;
}

/* Whether snprintf's result N fit a buffer of SIZE bytes. */
static bool fits(int n, size_t size)
{
    return n >= 0 && (size_t)n < size;
}

enum { MAX_LINKS = 40 }; /* symbolic links followed in one path, as Linux */

/* Write into OUT (SIZE bytes) the file that PATH names when ROOT is taken
 * for "/", as a chroot would see it: "." and ".." components, and symbolic
 * links (absolute targets too, read as inside ROOT), are resolved within
 * ROOT, so the result is ROOT followed by a path that never leaves it.
 * PATH comes from a profile and may be hostile ("../../etc/passwd").  A
 * component that does not exist stops the following of links; the rest
 * is joined lexically.  ROOT's own links are trusted: the user chose it.
 * Returns false when the result does not fit or links nest too deep. */
static bool resolve_in_root(const char *root, const char *path, char *out, size_t size)
{
    size_t root_len = strlen(root);
    while (root_len > 0 && root[root_len - 1] == '/')
        root_len--;
    char rest[PATH_MAX], done[PATH_MAX] = "", full[PATH_MAX], target[PATH_MAX];
    if (!fits(snprintf(rest, sizeof rest, "%s", path), sizeof rest))
        return false;
    size_t at = 0, n_done = 0; /* DONE: the resolved part, "" or "/a/b" */
    int links = 0;
    bool follow = true;
    for (;;) {
        while (rest[at] == '/')
            at++;
        size_t len = strcspn(rest + at, "/");
        if (len == 0)
            break;
        const char *name = rest + at;
        at += len;
        if (len == 1 && name[0] == '.')
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            char *slash = strrchr(done, '/'); /* ".." at the root stays there */
            if (slash)
                *slash = '\0';
            n_done = strlen(done);
            continue;
        }
        size_t parent = n_done;
        if (n_done + 1 + len >= sizeof done)
            return false;
        done[n_done] = '/';
        memcpy(done + n_done + 1, name, len);
        n_done += 1 + len;
        done[n_done] = '\0';
        if (!follow)
            continue;
        struct stat st;
        if (!fits(snprintf(full, sizeof full, "%.*s%s", (int)root_len, root, done),
                  sizeof full))
            return false;
        if (lstat(full, &st) != 0) {
            follow = false;
            continue;
        }
        if (!S_ISLNK(st.st_mode))
            continue;
        ssize_t n = readlink(full, target, sizeof target - 1);
        if (++links > MAX_LINKS || n < 0)
            return false;
        target[n] = '\0';
        n_done = target[0] == '/' ? 0 : parent; /* absolute: from ROOT */
        done[n_done] = '\0';
        if (!fits(snprintf(full, sizeof full, "%s/%s", target, rest + at), sizeof full))
            return false;
        memcpy(rest, full, strlen(full) + 1);
        at = 0;
    }
    return fits(snprintf(out, size, "%.*s%s", (int)root_len, root, n_done ? done : "/"),
                size);
}

/* Candidate paths of one object, distinct, in the order they are tried. */
enum { MAX_CANDIDATES = 34 };
struct candidates {
    char path[MAX_CANDIDATES][PATH_MAX];
    size_t n;
};

/* Add PATH resolved inside ROOT (resolve_in_root), or PATH itself when
 * ROOT is NULL. */
static void add_candidate(struct candidates *c, const char *root, const char *path)
{
    if (c->n == MAX_CANDIDATES)
        return;
    char *to = c->path[c->n];
    if (root ? !resolve_in_root(root, path, to, PATH_MAX)
             : !fits(snprintf(to, PATH_MAX, "%s", path), PATH_MAX))
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->path[i], to) == 0)
            return;
    c->n++;
}

/* Open M's object file, PATH, from where the options say (symbolizer.h):
 * for a mapped file (SEARCH), under --sysroot, then in each --lib-prefix
 * (a CI artifact's copies), then at PATH itself unless there is a
 * sysroot.  Silent: when nothing opens, M->cannot_read and M->tried say
 * why and where. */
static bool open_object(struct hd_symbolizer *sym, struct module *m, const char *path,
                        bool search)
{
    /* Too big for the stack; one per thread (core/parallel.c). */
    static _Thread_local struct candidates cands;
    cands.n = 0;
    const struct hd_sym_options *o = &sym->options;
    if (search) {
        if (o->sysroot)
            add_candidate(&cands, o->sysroot, path);
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        for (size_t i = 0; i < o->n_lib_prefixes; i++) {
            add_candidate(&cands, o->lib_prefixes[i], base);
            if (path[0] == '/')
                add_candidate(&cands, o->lib_prefixes[i], path);
        }
    }
    if (!search || !o->sysroot)
        add_candidate(&cands, NULL, path);
    char tried[TRIED_SIZE] = "";
    struct hd_error err, first = {0}; /* FIRST: the first failure, unless a
                                         later one says more than ENOENT */
    snprintf(first.message, sizeof first.message, "%s", strerror(2));
    for (size_t i = 0; i < cands.n; i++) {
        size_t len = strlen(tried);
        snprintf(tried + len, sizeof tried - len, "%s%s", len ? ", " : "", cands.path[i]);
        if (hd_sym_elf_open(cands.path[i], &m->elf, &err) == 0) {
            m->path = arena_strdup(sym->arena, cands.path[i]);
            return true;
        }
        if (i == 0 || strcmp(err.message, strerror(2)) != 0)
            first = err;
    }
    m->cannot_read = arena_strdup(sym->arena, first.message);
    m->tried = arena_strdup(sym->arena, tried);
    m->n_tried = cands.n;
    return false;
}

/* Open M's DWARF (over its debug file, or its own), warning once when it
 * cannot be read. */
static void open_dwarf(struct module *m)
{
    m->dwarf_deferred = false;
    struct hd_error err;
    struct hd_sym_elf *source = m->debug ? m->debug : m->elf;
    if (hd_sym_dwarf_open(source, m->alt, &m->dwarf, &err) < 0) {
        hd_warn("%s: unreadable debug info: %s", source->path, err.message);
        m->cache_tainted = true;
    }
}

/* Find M's debug info (its own, or a separate file, plus a dwz file).
 * Returns false when there is none, with the paths tried in TRIED (""
 * when M has no build-id or debuglink to find it by); warns once when
 * what was found is unusable.  When the persistent cache holds results
 * for M, its DWARF is opened only when a lookup misses. */
static bool open_debug_info(struct hd_symbolizer *sym, struct module *m, char *tried,
                            size_t tried_size)
{
    struct hd_sym_debug_dirs dirs = {sym->debug_dirs, sym->n_debug_dirs};
    struct hd_sym_elf *source = m->elf;
    if (!hd_sym_elf_has_section(m->elf, ".debug_info")) {
        m->debug = hd_sym_find_debug_file(m->elf, &dirs, tried, tried_size);
        if (m->debug)
            source = m->debug;
    }
    if (!hd_sym_elf_has_section(source, ".debug_info"))
        return false;
    if (hd_sym_has_alt_link(source)) {
        char alt_tried[TRIED_SIZE] = "";
        m->alt = hd_sym_find_alt_file(source, &dirs, alt_tried, sizeof alt_tried);
        if (!m->alt) {
            hd_warn("%s: dwz supplementary file not found (tried %s); names "
                    "defined there are missing", source->path, alt_tried);
            m->cache_tainted = true;
        }
    }
    m->cache = hd_sym_cache_module_open(sym->cache, m->elf, m->debug, m->alt, &sym->options,
                                        MAX_FRAMES);
    if (hd_sym_cache_module_loaded(m->cache))
        m->dwarf_deferred = true;
    else
        open_dwarf(m);
    return true;
}

/* Keep a note of KIND about module M for hd_sym_say_summary(). */
static struct note *add_note(struct hd_symbolizer *sym, enum note_kind kind,
                             const struct module *m)
{
    HD_ARRAY_RESERVE(sym->notes, sym->cap_notes, sym->n_notes + 1);
    struct note *n = &sym->notes[sym->n_notes++];
    *n = (struct note){kind, m->path, "", "", 0, false};
    return n;
}

static uint32_t add_module(struct hd_symbolizer *sym, const char *key,
                           enum module_kind kind)
{
    HD_ARRAY_RESERVE(sym->modules, sym->cap_modules, sym->n_modules + 1);
    struct module *m = &sym->modules[sym->n_modules];
    memset(m, 0, sizeof *m);
    m->key = arena_strdup(sym->arena, key);
    m->kind = kind;
    m->path = m->key;
    m->problem = HD_SYM_RESOLVED;
    return (uint32_t)sym->n_modules++;
}

/* Open M's object file once, without a word about failure (see
 * open_object).  Returns whether it is open. */
static bool try_object(struct hd_symbolizer *sym, struct module *m)
{
    if (m->object_tried)
        return m->elf != NULL;
    m->object_tried = true;
    const char *path = m->kind == MODULE_PATH ? m->key : sym->options.main_binary;
    if (!path)
        m->problem = HD_SYM_MODULE_NOT_FOUND;
    else if (m->kind == MODULE_PATH && is_pseudo_path(path))
        m->problem = HD_SYM_NOT_SYMBOLIZABLE;
    else if (!open_object(sym, m, path, m->kind == MODULE_PATH))
        m->problem = HD_SYM_MODULE_NOT_FOUND;
    else
        sym->stats.modules_opened++;
    return m->elf != NULL;
}

/* Make M ready for lookups: its object and debug info opened, and each
 * problem with them warned about or noted once. */
static struct module *ready_module(struct hd_symbolizer *sym, uint32_t id)
{
    struct module *m = &sym->modules[id];
    if (m->ready)
        return m;
    m->ready = true;
    if (!try_object(sym, m)) {
        if (m->cannot_read) {
            struct note *n = add_note(sym, NOTE_CANNOT_READ, m);
            n->reason = m->cannot_read;
            n->tried = m->tried;
            n->n_tried = m->n_tried;
        }
        return m;
    }
    char tried[TRIED_SIZE] = "";
    if (!open_debug_info(sym, m, tried, sizeof tried)) {
        struct note *n = add_note(sym, NOTE_NO_DEBUG_INFO, m);
        n->tried = arena_strdup(sym->arena, tried);
        n->no_symbols = !hd_sym_elf_count_symbols(m->elf, HD_SYM_SYMTAB) &&
                        !hd_sym_elf_count_symbols(m->elf, HD_SYM_DYNSYM) &&
                        !(m->debug && hd_sym_elf_count_symbols(m->debug, HD_SYM_SYMTAB));
    }
    return m;
}

/* The module index's key: a maps section may name 100,000 files, so
 * modules are found by hash, not by a scan. */
struct module_key {
    enum module_kind kind;
    const char *key;
};

static uint64_t module_hash(enum module_kind kind, const char *key)
{
    return hd_hash_mix(hd_hash_bytes(key, strlen(key)) ^ (uint64_t)kind);
}

static uint64_t module_rehash(const void *owner, uint32_t id)
{
    const struct hd_symbolizer *sym = owner;
    return module_hash(sym->modules[id].kind, sym->modules[id].key);
}

static bool module_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_symbolizer *sym = owner;
    const struct module_key *k = key;
    return sym->modules[id].kind == k->kind && strcmp(sym->modules[id].key, k->key) == 0;
}

static uint32_t module_create(void *owner, const void *key)
{
    const struct module_key *k = key;
    return add_module(owner, k->key, k->kind);
}

static uint32_t find_module(struct hd_symbolizer *sym, const char *key,
                            enum module_kind kind)
{
    struct module_key k = {kind, key};
    struct hd_probe q = {module_hash(kind, key), module_matches, module_rehash, sym, &k};
    return hd_idtable_intern(&sym->module_index, &q, module_create, sym);
}

/* ---- lookups ---- */

static const struct hd_sym_symbol *find_symbol(struct module *m, uint64_t vaddr)
{
    const struct hd_sym_symbol *s = hd_sym_elf_find_symbol(m->elf, HD_SYM_SYMTAB, vaddr);
    if (!s && m->debug)
        s = hd_sym_elf_find_symbol(m->debug, HD_SYM_SYMTAB, vaddr);
    if (!s)
        s = hd_sym_elf_find_symbol(m->elf, HD_SYM_DYNSYM, vaddr);
    return s;
}

static const char *display_name(struct hd_symbolizer *sym, const char *raw)
{
    if (!raw)
        return NULL;
    char *name = hd_sym_display_name(raw, sym->options.demangle,
                                     sym->options.full_names);
    const char *interned = intern(sym, name);
    free(name);
    return interned;
}

/* "FILE!START" for module M, interned.  A library is named as its mapping
 * is (the key); the main program by the file read, since every mapped
 * path of it is one module. */
static const char *unnamed_name(struct hd_symbolizer *sym, const struct module *m,
                                const char *start)
{
    const char *path = m->kind == MODULE_PATH ? m->key : m->path;
    const char *base = strrchr(path, '/');
    char name[PATH_MAX + 32];
    snprintf(name, sizeof name, "%s!%s", base ? base + 1 : path, start);
    return intern(sym, name);
}

/* The identity of the function around VADDR in M when neither DWARF nor a
 * symbol names it: "FILE!0xSTART", FILE the module's file name and START
 * the file offset of the function's first byte (the number space of the
 * "module+0xoffset" rows), with the function's range from .eh_frame, which
 * stripped libraries keep.  So every call site in one unnamed function is
 * one row.  NULL when no FDE holds VADDR.  This is the one place where
 * unnamed code gets a name (README, "Symbols"). */
static const char *unnamed_function(struct hd_symbolizer *sym, struct module *m,
                                    uint64_t vaddr)
{
    uint64_t start, size, offset;
    if (!hd_sym_eh_frame_find(m->elf, vaddr, &start, &size) ||
        !hd_sym_elf_vaddr_to_offset(m->elf, start, &offset))
        return NULL;
    char start_text[32];
    snprintf(start_text, sizeof start_text, "0x%llx", (unsigned long long)offset);
    return unnamed_name(sym, m, start_text);
}

/* Fill LOC's frames for VADDR in module M: DWARF's inline chain, with
 * the out-of-line function named by the symbol table when DWARF cannot;
 * the symbol alone when DWARF does not cover VADDR.  *UNNAMED says
 * whether frames[0] was named by unnamed_function(). */
static void symbolize_cold(struct hd_symbolizer *sym, struct module *m, uint64_t vaddr,
                           struct hd_sym_location *loc, bool *unnamed_out)
{
    struct hd_sym_dwarf_frame raw[MAX_FRAMES];
    size_t n = m->dwarf ? hd_sym_dwarf_lookup(m->dwarf, vaddr, raw, MAX_FRAMES) : 0;
    if (m->dwarf && !m->warned_dwarf && hd_sym_dwarf_problem(m->dwarf)) {
        m->warned_dwarf = true;
        hd_warn("%s: bad debug info, some frames may lack names or lines: %s",
                m->path, hd_sym_dwarf_problem(m->dwarf));
    }
    if (m->dwarf && !m->warned_cut && hd_sym_dwarf_cut_chain(m->dwarf)) {
        m->warned_cut = true;
        hd_warn("%s: an inline chain deeper than %d frames lost its outermost frames",
                m->path, MAX_FRAMES);
    }
    const struct hd_sym_symbol *s = find_symbol(m, vaddr);
    const char *unnamed = !s && (n == 0 || !raw[0].name) ? unnamed_function(sym, m, vaddr)
                                                         : NULL;
    if (n == 0 && !s && !unnamed) {
        loc->status = HD_SYM_NO_SYMBOL;
        return;
    }
    if (n == 0) {
        raw[0] = (struct hd_sym_dwarf_frame){.name = s ? s->name : NULL,
                                             .name_is_linkage = true};
        n = 1;
    } else if (s && (!raw[0].name || (!raw[0].name_is_linkage && hd_sym_is_mangled(s->name)))) {
        /* DWARF gave no name, or only a bare one for a C++ function whose
         * symbol is mangled (GCC omits DW_AT_linkage_name for functions
         * in anonymous namespaces): the symbol says more, as in
         * llvm-symbolizer's output. */
        raw[0].name = s->name;
    }
    struct hd_sym_frame *frames = hd_arena_alloc(sym->arena, n * sizeof *frames);
    for (size_t i = 0; i < n; i++) {
        frames[i] = (struct hd_sym_frame){.function = display_name(sym, raw[i].name),
                                          .file = intern(sym, raw[i].file),
                                          .line = raw[i].line,
                                          .inlined = raw[i].inlined};
    }
    if (unnamed)
        frames[0].function = unnamed;
    *unnamed_out = unnamed != NULL;
    loc->status = HD_SYM_RESOLVED;
    loc->frames = frames;
    loc->n_frames = (uint32_t)n;
}

static const char *intern_for_cache(void *sym, const char *s)
{
    return intern(sym, s);
}

/* Fill LOC for VADDR in M from the persistent cache.  Returns false when
 * it does not hold VADDR. */
static bool symbolize_cached(struct hd_symbolizer *sym, struct module *m, uint64_t vaddr,
                             struct hd_sym_location *loc)
{
    struct hd_sym_frame found[MAX_FRAMES];
    enum hd_sym_status status;
    uint32_t n;
    bool unnamed;
    if (!hd_sym_cache_module_find(m->cache, vaddr, intern_for_cache, sym, &status, found,
                                  MAX_FRAMES, &n, &unnamed))
        return false;
    sym->stats.cache_hits++;
    loc->status = status;
    if (n == 0)
        return true;
    if (unnamed)
        found[0].function = unnamed_name(sym, m, found[0].function);
    struct hd_sym_frame *frames = hd_arena_alloc(sym->arena, n * sizeof *frames);
    memcpy(frames, found, n * sizeof *frames);
    loc->frames = frames;
    loc->n_frames = n;
    return true;
}

/* Fill LOC for VADDR in M: from the persistent cache when it holds
 * VADDR, else from the debug info, the result then added to the cache. */
static void symbolize(struct hd_symbolizer *sym, struct module *m, uint64_t vaddr,
                      struct hd_sym_location *loc)
{
    if (m->cache && symbolize_cached(sym, m, vaddr, loc))
        return;
    if (m->dwarf_deferred)
        open_dwarf(m);
    bool unnamed = false;
    symbolize_cold(sym, m, vaddr, loc, &unnamed);
    m->cache_tainted = m->cache_tainted || m->warned_dwarf || m->warned_cut;
    if (!m->cache || m->cache_tainted)
        return;
    struct hd_sym_frame frames[MAX_FRAMES];
    if (loc->n_frames)
        memcpy(frames, loc->frames, loc->n_frames * sizeof *frames);
    if (unnamed) /* only START is kept: the file's name may differ next time */
        frames[0].function = strrchr(frames[0].function, '!') + 1;
    hd_sym_cache_module_add(m->cache, vaddr, loc->status, frames, loc->n_frames, unnamed);
}

/* The main binary given on the command line must hold the main mapping's
 * offsets in its load segments (DESIGN.md: "with a warning when its load
 * segments do not fit").  Each offset that misses is counted for one
 * warning with the count (hd_sym_say_summary), not one per address. */
static void check_main_layout(struct hd_symbolizer *sym, struct module *m,
                              const char *mapped_path, uint64_t offset, bool fits_segments)
{
    if (fits_segments)
        return;
    if (m->misfits++ == 0) {
        m->first_misfit = offset;
        m->misfit_mapping = arena_strdup(sym->arena, mapped_path ? mapped_path : "?");
    }
}

/* The result for RETURN_OFFSET in module M (MAPPED_PATH: the path the
 * caller gave, for messages), allocated in the arena. */
static struct hd_sym_location *new_location(struct hd_symbolizer *sym,
                                            struct module *m,
                                            const char *mapped_path,
                                            uint64_t return_offset)
{
    struct hd_sym_location *loc = hd_arena_alloc(sym->arena, sizeof *loc);
    memset(loc, 0, sizeof *loc);
    loc->module = m->elf ? m->path : (m->kind == MODULE_PATH ? m->key : mapped_path);
    if (loc->module)
        loc->module = intern(sym, loc->module);
    if (m->problem != HD_SYM_RESOLVED) {
        loc->status = m->problem;
        return loc;
    }
    uint64_t at = return_offset ? return_offset - 1 : 0;
    uint64_t vaddr = at;
    bool inside = m->kind == MODULE_UNMAPPED ? hd_sym_elf_has_vaddr(m->elf, vaddr)
                                             : hd_sym_elf_offset_to_vaddr(m->elf, at, &vaddr);
    if (m->kind == MODULE_MAIN)
        check_main_layout(sym, m, mapped_path, at, inside);
    if (!inside || return_offset == 0) {
        loc->status = HD_SYM_OUTSIDE_MODULE;
        return loc;
    }
    loc->vaddr = vaddr;
    symbolize(sym, m, vaddr, loc);
    return loc;
}

/* ADDRESS_INDEX's probe, OWNER being the symbolizer and KEY a struct
 * address: the hash of (MODULE, OFFSET), of address ID, whether ID holds
 * KEY's (module, offset), and a new id for KEY with no location yet. */
static uint64_t address_hash(uint32_t module, uint64_t offset)
{
    return hd_hash_mix(offset ^ ((uint64_t)module << 40));
}

static uint64_t address_rehash(const void *owner, uint32_t id)
{
    const struct hd_symbolizer *sym = owner;
    return address_hash(sym->addresses[id].module, sym->addresses[id].offset);
}

static bool address_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_symbolizer *sym = owner;
    const struct address *a = &sym->addresses[id], *k = key;
    return a->module == k->module && a->offset == k->offset;
}

static uint32_t address_create(void *owner, const void *key)
{
    struct hd_symbolizer *sym = owner;
    HD_ARRAY_RESERVE(sym->addresses, sym->cap_addresses, sym->n_addresses + 1);
    sym->addresses[sym->n_addresses] = *(const struct address *)key;
    return (uint32_t)sym->n_addresses++;
}

/* The module that lookups of MODULE_PATH (IS_MAIN as for hd_sym_lookup)
 * read. */
static uint32_t module_for(struct hd_symbolizer *sym, const char *module_path, bool is_main)
{
    if (!module_path)
        return find_module(sym, "", MODULE_UNMAPPED);
    if (is_main && sym->options.main_binary)
        return find_module(sym, "", MODULE_MAIN);
    return find_module(sym, module_path, MODULE_PATH);
}

int hd_sym_lookup(struct hd_symbolizer *sym, const char *module_path, bool is_main,
                  uint64_t return_offset, const struct hd_sym_location **out)
{
    if (!sym || !out)
        return -1;
    sym->stats.lookups++;
    uint32_t id = module_for(sym, module_path, is_main);
    ready_module(sym, id);
    struct address key = {id, return_offset, NULL};
    struct hd_probe q = {address_hash(id, return_offset), address_matches,
                         address_rehash, sym, &key};
    uint32_t address = hd_idtable_intern(&sym->address_index, &q, address_create, sym);
    struct address *a = &sym->addresses[address];
    if (!a->location) {
        /* new_location() adds no address, so A stays put. */
        a->location = new_location(sym, &sym->modules[id], module_path, return_offset);
        sym->stats.unique_addresses++;
    }
    *out = a->location;
    return 0;
}

void hd_sym_preload(struct hd_symbolizer *sym, const char *module_path, bool is_main,
                    bool largest_first)
{
    struct module *m = ready_module(sym, module_for(sym, module_path, is_main));
    if (m->dwarf)
        hd_sym_dwarf_preload(m->dwarf, largest_first);
}

bool hd_sym_module_build_id(struct hd_symbolizer *sym, const char *module_path, bool is_main,
                            char *hex, size_t size)
{
    uint32_t id = module_for(sym, module_path, is_main); /* may move the array */
    struct module *m = &sym->modules[id];
    if (!try_object(sym, m) || m->elf->build_id_size == 0 ||
        size < 2 * m->elf->build_id_size + 1)
        return false;
    for (size_t i = 0; i < m->elf->build_id_size; i++)
        snprintf(hex + 2 * i, 3, "%02x", m->elf->build_id[i]);
    return true;
}

const char *hd_sym_module_file(struct hd_symbolizer *sym, const char *module_path,
                               bool is_main)
{
    uint32_t id = module_for(sym, module_path, is_main); /* may move the array */
    struct module *m = &sym->modules[id];
    return try_object(sym, m) ? m->path : NULL;
}

bool hd_sym_module_vaddr_offset(struct hd_symbolizer *sym, const char *module_path,
                                bool is_main, uint64_t vaddr, uint64_t *offset)
{
    uint32_t id = module_for(sym, module_path, is_main); /* may move the array */
    struct module *m = &sym->modules[id];
    return try_object(sym, m) && hd_sym_elf_vaddr_to_offset(m->elf, vaddr, offset);
}

/* ---- the gathered warnings ---- */

enum { MAX_SHORT_LINES = 3, MAX_NAMES = 4 };

/* The line for one note: short ("libz.so.1: no debug info"), or with the
 * whole path and every path tried (VERBOSE). */
static void say_note(const struct note *n, bool verbose)
{
    const char *name = verbose ? n->path : hd_path_base(n->path);
    if (n->kind == NOTE_CANNOT_READ) {
        if (verbose && n->n_tried > 1)
            hd_warn("%s: cannot read: %s (tried %s)", name, n->reason, n->tried);
        else if (n->n_tried > 1)
            hd_warn("%s: cannot read: %s (-v lists the %zu paths tried)", n->path, n->reason,
                    n->n_tried);
        else
            hd_warn("%s: cannot read: %s", n->path, n->reason);
        return;
    }
    const char *also = n->no_symbols ? " and no symbol table" : "";
    if (verbose && n->tried[0])
        hd_warn("%s: no debug info%s (looked for %s)", name, also, n->tried);
    else if (verbose)
        hd_warn("%s: no debug info%s (no build-id or debuglink to find it by)", name, also);
    else
        hd_warn("%s: no debug info%s", name, also);
}

/* One line for the N (> MAX_SHORT_LINES) notes of KIND in NOTES. */
static void say_collapsed(const struct note *notes, size_t n_notes, enum note_kind kind,
                          size_t n)
{
    char names[1024] = "", bare[512] = "";
    size_t listed = 0, n_bare = 0;
    for (size_t i = 0; i < n_notes; i++) {
        if (notes[i].kind != kind)
            continue;
        size_t len = strlen(names);
        if (listed < MAX_NAMES)
            snprintf(names + len, sizeof names - len, "%s%s", listed ? ", " : "",
                     hd_path_base(notes[i].path));
        listed++;
        len = strlen(bare);
        if (kind == NOTE_NO_DEBUG_INFO && notes[i].no_symbols && n_bare++ < MAX_NAMES)
            snprintf(bare + len, sizeof bare - len, "%s%s", len ? ", " : "",
                     hd_path_base(notes[i].path));
    }
    size_t len = strlen(names);
    if (n > MAX_NAMES)
        snprintf(names + len, sizeof names - len, " and %zu more", n - MAX_NAMES);
    if (kind == NOTE_CANNOT_READ) {
        hd_warn("cannot read %zu files the profiles name: %s (-v says why, and where each "
                "was looked for)", n, names);
        return;
    }
    len = strlen(bare);
    if (n_bare > MAX_NAMES)
        snprintf(bare + len, sizeof bare - len, " and %zu more", n_bare - MAX_NAMES);
    if (n_bare)
        hd_warn("no debug info for %zu modules: %s; no symbol table either: %s (-v lists "
                "where each was looked for)", n, names, bare);
    else
        hd_warn("no debug info for %zu modules: %s (-v lists where each was looked for)", n,
                names);
}

void hd_sym_say_summary(struct hd_symbolizer *sym)
{
    for (size_t i = 0; i < sym->n_modules; i++) {
        struct module *m = &sym->modules[i];
        if (m->misfits == 0)
            continue;
        hd_warn("%s: its load segments do not fit the main program's mapping (%s): "
                "%llu address%s outside them, the first at file offset 0x%llx; wrong "
                "binary?", m->path, m->misfit_mapping, (unsigned long long)m->misfits,
                m->misfits == 1 ? " lies" : "es lie", (unsigned long long)m->first_misfit);
        m->misfits = 0;
    }
    if (sym->n_notes == sym->n_notes_said)
        return; /* nothing new; notes may be NULL */
    const struct note *notes = sym->notes + sym->n_notes_said;
    size_t n_notes = sym->n_notes - sym->n_notes_said;
    static const enum note_kind kinds[] = {NOTE_CANNOT_READ, NOTE_NO_DEBUG_INFO};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t n = 0;
        for (size_t i = 0; i < n_notes; i++)
            n += notes[i].kind == kinds[k];
        if (n > MAX_SHORT_LINES && !sym->options.verbose) {
            say_collapsed(notes, n_notes, kinds[k], n);
            continue;
        }
        for (size_t i = 0; i < n_notes; i++)
            if (notes[i].kind == kinds[k])
                say_note(&notes[i], sym->options.verbose);
    }
    sym->n_notes_said = sym->n_notes;
}
