/* Allocator frames: which libraries, functions, wrappers and stack frames
 * a heap report leaves out (see allocator.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


#include "allocator.h"
#include "array.h"
#include "error.h"
#include "regex.h"
#include "sym_demangle.h"

/* Exact names: perl pprof's list (each also with a leading '_'), jeprof's
 * additions, and the literal alternatives of Go pprof's regex, after the
 * shortening heapdiff applies ("operator new(unsigned long)" is "operator
 * new", "__gnu_cxx::new_allocator<int>::allocate" is
 * "__gnu_cxx::new_allocator::allocate"). */
static const char *const exact[] = {
    /* pprof-pl */
    "calloc", "cfree", "malloc", "free", "memalign", "posix_memalign",
    "pvalloc", "valloc", "realloc", "tc_calloc", "tc_cfree", "tc_malloc",
    "tc_free", "tc_memalign", "tc_posix_memalign", "tc_pvalloc", "tc_valloc",
    "tc_realloc", "tc_new", "tc_delete", "tc_newarray", "tc_deletearray",
    "tc_new_nothrow", "tc_newarray_nothrow", "do_malloc", "::do_malloc",
    "::do_malloc_or_cpp_alloc", "DoSampledAllocation", "simple_alloc::allocate",
    "__malloc_alloc_template::allocate", "__builtin_delete", "__builtin_new",
    "__builtin_vec_delete", "__builtin_vec_new", "operator new",
    "operator new[]", "malloc_zone_malloc", "malloc_zone_calloc",
    "malloc_zone_valloc", "malloc_zone_realloc", "malloc_zone_memalign",
    "malloc_zone_free", "__start_google_malloc", "__stop_google_malloc",
    "__start_malloc_hook", "__stop_malloc_hook",
    /* jeprof */
    "newImpl", "void* newImpl", "aligned_alloc", "mallocx", "rallocx",
    "xallocx", "dallocx", "sdallocx", "sdallocx_noflags",
    /* pprof-go (literal alternatives) */
    "do_memalign", "__posix_memalign", "do_malloc_no_errno",
    "::do_malloc_no_errno", "do_malloc_pages", "::do_malloc_pages",
    "MallocedMemBlock::MallocedMemBlock", "_M_allocate", "__builtin_vec_delete",
    "__gnu_cxx::new_allocator::allocate", "__libc_malloc", "allocate",
    "cpp_alloc",
    /* GCC 12's libstdc++ renamed __gnu_cxx::new_allocator (listed above by
     * Go pprof) to std::__new_allocator: the same function. */
    "std::__new_allocator::allocate",
    /* glibc entry points seen in stacks of the above */
    "__libc_calloc", "__libc_realloc", "__libc_memalign", "__libc_free",
    "__libc_valloc", "__libc_pvalloc", "_int_malloc", "_int_realloc",
    "_int_memalign", "tcache_init", "malloc_hook_ini", "realloc_hook_ini",
    /* jemalloc internals (un-prefixed build, as Debian's libjemalloc2) */
    "imalloc", "imalloc_body", "ialloc", "iallocztm", "ipalloc", "ipallocztm",
    "irealloc", "iralloc", "ixalloc", "prof_backtrace", "prof_backtrace_impl",
    "prof_alloc_prep", "prof_tctx_create", "prof_malloc",
    "prof_malloc_sample_object", "prof_realloc", "prof_lookup",
    "prof_gdump", "prof_idump", "malloc_default", "calloc_default",
    "realloc_default", "arena_malloc", "arena_malloc_hard", "arena_palloc",
    "arena_ralloc", "tcache_alloc_small", "tcache_alloc_large",
    "tcache_alloc_small_hard", "imalloc_fastpath",
    "smallocx", "nallocx", "je_malloc_default",
    /* tcmalloc internals outside the tcmalloc:: namespace */
    "do_calloc", "do_realloc", "do_memalign_or_cpp_memalign",
    "do_malloc_or_cpp_alloc", "cpp_memalign", "handle_oom", "nop_oom_handler",
    "retry_malloc", "malloc_oom", "allocate_full_malloc_oom",
    "allocate_full_cpp_throw_oom", "allocate_full_cpp_nothrow_oom",
    "tc_new_aligned", "tc_newarray_aligned", "tc_new_aligned_nothrow",
    "tc_newarray_aligned_nothrow", "MallocHook::InvokeNewHookSlow",
    "MallocHook::InvokeNewHook", "MallocHook_GetCallerStackTrace",
    "GetStackTrace", "GetStackTraceWithContext", "RecordAlloc", "NewHook",
    "HeapProfilerDump", "DoSampledAllocation",
};

/* Name prefixes: Go pprof's "tcmalloc::.*", "BaseArena::.*", "runtime\..*",
 * perl's "^tcmalloc::"; jemalloc's prefixed builds ("je_*") and its
 * internal namespaces (all "je_"/"jemalloc_" functions, "prof_*"
 * sampling, "arena_*", "tcache_*"); tcmalloc's "TCMalloc*" (perl matches
 * "TCMalloc" anywhere, below). */
static const char *const prefixes[] = {
    "tcmalloc::", "BaseArena::", "je_", "jemalloc_", "__je_", "prof_backtrace",
    "imalloc", "arena_malloc", "tcache_alloc", "MallocHook::", "google_malloc",
    "_Znwm", "_Znam", "_ZdlPv", "_ZdaPv",
    /* the sanitizers' allocation interceptors, the leaf of every
     * LeakSanitizer stack ("__interceptor_malloc", "__interceptor_calloc") */
    "__interceptor_",
};

/* Go pprof's keep-exceptions (runtime.panic, runtime.reflectcall,
 * runtime.call<N>): Go frames that match "runtime\..*" but are not the
 * allocator. */
static bool is_go_runtime_exception(const char *name)
{
    if (strncmp(name, "runtime.panic", 13) == 0 ||
        strncmp(name, "runtime.reflectcall", 19) == 0)
        return true;
    if (strncmp(name, "runtime.call", 12) == 0) {
        const char *p = name + 12;
        while (*p >= '0' && *p <= '9')
            p++;
        return *p == '\0';
    }
    return false;
}

static bool is_allocator_short_name(const char *name, bool go_runtime);

/* NAME's short form: NAME itself when it is one (*COPY NULL), else a
 * copy in *COPY for the caller to free.  Full names (--full-names) and
 * mangled ones (--no-demangle) are matched by their short form. */
static const char *short_form(const char *name, char **copy)
{
    *copy = NULL;
    if (hd_sym_is_mangled(name) || strpbrk(name, "(<["))
        return *copy = hd_sym_display_name(name, true, false);
    return name;
}

/* hd_allocator_is_function, with Go pprof's "runtime\..*" rule or
 * without it (GO_RUNTIME). */
static bool is_allocator_name(const char *name, bool go_runtime)
{
    if (!name || !*name)
        return false;
    char *copy;
    bool yes = is_allocator_short_name(short_form(name, &copy), go_runtime);
    free(copy);
    return yes;
}

bool hd_allocator_is_function(const char *name)
{
    return is_allocator_name(name, true);
}

static bool is_allocator_short_name(const char *name, bool go_runtime)
{
    /* Go pprof anchors its regex with "^(...)$" on the whole name: exact.
     * Perl also drops a leading '_' before comparing. */
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++) {
        if (strcmp(name, exact[i]) == 0)
            return true;
        if (name[0] == '_' && strcmp(name + 1, exact[i]) == 0)
            return true;
    }
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    if (strncmp(name, "runtime.", 8) == 0)
        return go_runtime && !is_go_runtime_exception(name);
    if (strstr(name, "TCMalloc")) /* perl: /TCMalloc|^tcmalloc::/ */
        return true;
    /* "operator new(...)" variants under full names, and the aligned and
     * nothrow overloads: all are "operator new" or "operator new[]". */
    if (strncmp(name, "operator new", 12) == 0 ||
        strncmp(name, "operator delete", 15) == 0)
        return true;
    return false;
}

bool hd_allocator_is_library(const char *path)
{
    if (!path)
        return false;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    static const char *const libs[] = {"libjemalloc", "libtcmalloc", "libmimalloc",
                                       "libhoard", "libtbbmalloc"};
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        size_t n = strlen(libs[i]);
        /* libjemalloc.so.2, libtcmalloc_minimal.so.4, libtcmalloc_and_profiler.so */
        if (strncmp(base, libs[i], n) == 0 &&
            (base[n] == '.' || base[n] == '_' || base[n] == '-' || base[n] == '\0'))
            return true;
    }
    return false;
}

/* ---- wrappers ---- */

/* Well-known wrappers: functions whose job is to allocate for their
 * caller, in the libraries of the programs heapdiff was tried on (README,
 * "Choices").  Each is an alternative of one regex matched against the
 * whole short name.  The stacks they come from are real ones: CPython
 * 3.11's PyObject_Malloc -> _PyMem_RawMalloc -> malloc (python3.11-dbg),
 * sqlite 3.40's sqlite3MemMalloc <- sqlite3Malloc <- dbMallocRawFinish
 * <- sqlite3DbMallocRawNN (libsqlite3.a), clang 14's
 * llvm::User::operator new. */
const char *const hd_wrappers_default[] = {
    /* CPython: the memory and object APIs and the allocators under them */
    "PyObject_(Malloc|Calloc|Realloc)",
    "PyMem_(Raw)?(Malloc|Calloc|Realloc)",
    "_PyMem_(Raw|Debug|DebugRaw)(Malloc|Calloc|Realloc|Alloc)",
    "_PyMem_(Raw)?Strdup",
    "_PyObject_(Malloc|Calloc|Realloc)",
    "pymalloc_(alloc|realloc)",
    "allocate_from_new_pool",
    "_PyObject_(GC_)?(New|NewVar|Malloc|Calloc|Resize)",
    "gc_alloc",
    "PyType_GenericAlloc",
    "_PyType_AllocNoTrack",
    /* SQLite */
    "sqlite3_(malloc|malloc64|realloc|realloc64)",
    "sqlite3(Malloc|MallocZero|Realloc)",
    "sqlite3Mem(Malloc|Realloc)",
    "mallocWithAlarm",
    "sqlite3Db(MallocRaw|MallocRawNN|MallocZero|Realloc|ReallocOrFree|StrDup|StrNDup)",
    "db(MallocRaw|Realloc)Finish",
    /* libxml2 (xmlMalloc is usually a pointer to malloc, so no frame) */
    "xml(Malloc|MallocAtomic|Realloc|MallocLoc|MallocAtomicLoc|ReallocLoc)",
    "xml(MemMalloc|MemRealloc|MemStrdupLoc|MemoryStrdup)",
    "xml(Strdup|Strndup|CharStrdup|CharStrndup)",
    /* GLib */
    "g_(try_)?(malloc|malloc0|realloc)(_n)?",
    "g_slice_(alloc|alloc0|copy)",
    "g_(strdup|strndup|memdup|memdup2)",
    /* the C library's copies */
    "(__)?(strdup|strndup)",
    /* C++: a class's own operator new, and the standard allocator's
     * internals (::operator new and new_allocator are the allocator's) */
    ".+::operator new(\\[\\])?",
    "std::allocator_traits::allocate",
    "std::allocator::allocate",
    "std::_Vector_base::_M_allocate",
};
const size_t hd_wrappers_default_count =
    sizeof hd_wrappers_default / sizeof *hd_wrappers_default;

/* A wrapper pattern matches a whole function name. */
#define WHOLE_NAME (PCRE2_ANCHORED | PCRE2_ENDANCHORED)

struct hd_wrappers {
    pcre2_code *defaults;      /* the default list, or NULL */
    pcre2_code *pattern;       /* --wrappers RE, or NULL */
    pcre2_match_data *match;
    /* The wrappers found in a model's frames, distinct. */
    struct found_wrapper {
        char *name;            /* owned copy */
        double weight;         /* charged through it (hd_allocator_cut_stacks) */
    } *found;
    size_t n_found, capacity_found;
    /* Per location id below N_AT_LOCATION: 1 + the index in FOUND of the
     * wrapper cut there; 0: none. */
    uint32_t *at_location;
    size_t n_at_location, capacity_at_location;
    /* hd_wrappers_charged()'s answer: names charged, heaviest first. */
    const char **charged;
};


int hd_wrappers_new(const char *pattern, bool defaults, struct hd_wrappers **out,
                    struct hd_error *err)
{
    *out = NULL;
    if (pattern && !*pattern)
        return hd_error_set(err, NULL, 0,
                            "--wrappers needs a regular expression (--no-wrappers turns "
                            "the default list off)");
    bool has_pattern = pattern != NULL;
    if (!defaults && !has_pattern)
        return 0;
    struct hd_wrappers *w = hd_calloc(1, sizeof *w);
    if (defaults) {
        size_t length = 1;
        for (size_t i = 0; i < hd_wrappers_default_count; i++)
            length += strlen(hd_wrappers_default[i]) + 1;
        char *all = hd_malloc(length, 1);
        all[0] = '\0';
        for (size_t i = 0; i < hd_wrappers_default_count; i++) {
            if (i)
                strcat(all, "|");
            strcat(all, hd_wrappers_default[i]);
        }
        w->defaults = hd_regex_compile("wrappers", all, WHOLE_NAME, err);
        free(all);
        if (!w->defaults)
            abort(); /* the list above is a constant */
    }
    if (has_pattern && !(w->pattern = hd_regex_compile("wrappers", pattern, WHOLE_NAME, err))) {
        hd_wrappers_free(w);
        return -1;
    }
    w->match = pcre2_match_data_create(1, NULL);
    if (!w->match)
        abort();
    *out = w;
    return 0;
}

void hd_wrappers_free(struct hd_wrappers *w)
{
    if (!w)
        return;
    pcre2_code_free(w->defaults);
    pcre2_code_free(w->pattern);
    pcre2_match_data_free(w->match);
    for (size_t i = 0; i < w->n_found; i++)
        free(w->found[i].name);
    free(w->found);
    free(w->at_location);
    free(w->charged);
    free(w);
}

static bool matches(const struct hd_wrappers *w, const pcre2_code *re, const char *name)
{
    return re && pcre2_match(re, (PCRE2_SPTR)name, strlen(name), 0, 0, w->match, NULL) >= 0;
}

bool hd_wrappers_match(const struct hd_wrappers *w, const char *name)
{
    if (!w || !name || !*name)
        return false;
    /* The name as shown first: --wrappers may name a full name, or an
     * unnamed function's "FILE!0xSTART". */
    if (matches(w, w->defaults, name) || matches(w, w->pattern, name))
        return true;
    char *copy;
    const char *short_name = short_form(name, &copy);
    bool yes = copy && (matches(w, w->defaults, short_name) || matches(w, w->pattern, short_name));
    free(copy);
    return yes;
}

void hd_wrappers_record(struct hd_wrappers *w, uint32_t location, const char *name)
{
    size_t i = 0;
    while (i < w->n_found && strcmp(w->found[i].name, name) != 0)
        i++;
    if (i == w->n_found) {
        HD_ARRAY_RESERVE(w->found, w->capacity_found, w->n_found + 1);
        w->found[w->n_found++] = (struct found_wrapper){hd_strdup(name), 0};
    }
    if (location >= w->n_at_location) {
        HD_ARRAY_RESERVE(w->at_location, w->capacity_at_location, (size_t)location + 1);
        memset(w->at_location + w->n_at_location, 0,
               ((size_t)location + 1 - w->n_at_location) * sizeof *w->at_location);
        w->n_at_location = (size_t)location + 1;
    }
    w->at_location[location] = (uint32_t)i + 1;
}

/* Heaviest first, then by name. */
static int compare_charged(const void *a, const void *b)
{
    const struct found_wrapper *x = *(const struct found_wrapper *const *)a;
    const struct found_wrapper *y = *(const struct found_wrapper *const *)b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t hd_wrappers_charged(struct hd_wrappers *w, const char *const **names)
{
    *names = NULL;
    if (!w)
        return 0;
    const struct found_wrapper **order = hd_malloc(w->n_found + 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < w->n_found; i++)
        if (w->found[i].weight > 0)
            order[n++] = &w->found[i];
    qsort(order, n, sizeof *order, compare_charged);
    free(w->charged);
    w->charged = hd_malloc(n + 1, sizeof *w->charged);
    for (size_t i = 0; i < n; i++)
        w->charged[i] = order[i]->name;
    free(order);
    *names = w->charged;
    return n;
}

/* Whether a frame of function NAME and the frames inlined into it are
 * the allocator's: an allocator entry, or a wrapper under WRAPPERS (then
 * *WRAPPER is NAME). */
static bool cuts_at(const char *name, bool go_runtime, const struct hd_wrappers *wrappers,
                    const char **wrapper)
{
    if (is_allocator_name(name, go_runtime))
        return true;
    if (hd_wrappers_match(wrappers, name)) {
        *wrapper = name;
        return true;
    }
    return false;
}

uint32_t hd_allocator_caller_frames(const struct hd_sym_location *found,
                                    const struct hd_wrappers *wrappers, const char **wrapper)
{
    /* Allocator entries go with everything inlined into them (Go pprof's
     * rule, FORMATS.md §3.4); so do wrappers. */
    *wrapper = NULL;
    for (uint32_t f = 0; f < found->n_frames; f++)
        if (cuts_at(found->frames[f].function, true, wrappers, wrapper))
            return f;
    return found->n_frames;
}

uint32_t hd_allocator_given_caller_frames(const struct hd_frame *frames, uint32_t n,
                                          const struct hd_wrappers *wrappers,
                                          const char **wrapper)
{
    *wrapper = NULL;
    for (uint32_t kept = 0; kept < n; kept++)
        if (cuts_at(frames[n - 1 - kept].function, false, wrappers, wrapper))
            return kept;
    return n;
}

void hd_allocator_mark_libraries(struct hd_model *model, size_t first_location)
{
    for (size_t i = first_location; i < model->n_locations; i++) {
        struct hd_location *l = &model->locations[i];
        if (l->mapping != HD_NO_MAPPING &&
            hd_allocator_is_library(model->mappings[l->mapping].path))
            l->is_allocator = true;
    }
}

/* The wrapper charged to its caller in stack S (whose allocator_frames is
 * set): the root-most location holding a wrapper among those cut and the
 * new leaf (which loses an inlined wrapper).  Returns 1 + its index, or 0. */
static uint32_t charged_in(const struct hd_wrappers *w, const struct hd_stack *s)
{
    for (uint32_t d = s->allocator_frames + 1; d-- > 0;) {
        uint32_t l = s->locations[d];
        if (l < w->n_at_location && w->at_location[l])
            return w->at_location[l];
    }
    return 0;
}

void hd_allocator_cut_stacks(struct hd_model *model, struct hd_wrappers *wrappers)
{
    for (size_t i = 0; i < model->n_stacks; i++) {
        struct hd_stack *s = &model->stacks[i];
        s->allocator_frames = 0;
        for (uint32_t d = s->depth; d-- > 0;)
            if (model->locations[s->locations[d]].is_allocator) {
                s->allocator_frames = d + 1 < s->depth ? d + 1 : d;
                break;
            }
    }
    if (!wrappers || wrappers->n_found == 0)
        return;
    /* Each wrapper's weight: the bytes (in use and allocated, every input,
     * in absolute value) of the samples it was charged in, to rank them in
     * the header. */
    for (size_t i = 0; i < model->samples.n; i++) {
        uint32_t charged = charged_in(wrappers, &model->stacks[model->samples.keys[i].stack]);
        if (!charged)
            continue;
        double weight = 0;
        for (size_t k = 0; k < model->n_inputs; k++) {
            const struct hd_values *v = &model->samples.columns[k][i];
            weight += fabs(v->inuse_bytes) + fabs(v->alloc_bytes);
        }
        /* A stack of zeros still counts: the wrapper was charged. */
        wrappers->found[charged - 1].weight += weight > 0 ? weight : 1e-9;
    }
}
