/* Allocator frames: which libraries, functions and stack frames a heap
 * report leaves out (see allocator.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
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

static bool is_allocator_short_name(const char *name);

bool hd_allocator_is_function(const char *name)
{
    if (!name || !*name)
        return false;
    /* Full names (--full-names) and mangled ones (--no-demangle) are
     * matched by their short form. */
    if (hd_sym_is_mangled(name) || strpbrk(name, "(<[")) {
        char *short_name = hd_sym_display_name(name, true, false);
        bool yes = is_allocator_short_name(short_name);
        free(short_name);
        return yes;
    }
    return is_allocator_short_name(name);
}

static bool is_allocator_short_name(const char *name)
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
        return !is_go_runtime_exception(name);
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

uint32_t hd_allocator_caller_frames(const struct hd_sym_location *found)
{
    /* Allocator entries go with everything inlined into them (Go pprof's
     * rule, FORMATS.md §3.4). */
    for (uint32_t f = 0; f < found->n_frames; f++)
        if (hd_allocator_is_function(found->frames[f].function))
            return f;
    return found->n_frames;
}

void hd_allocator_mark_libraries(struct hd_model *model)
{
    for (size_t i = 0; i < model->n_locations; i++) {
        struct hd_location *l = &model->locations[i];
        if (l->mapping != HD_NO_MAPPING &&
            hd_allocator_is_library(model->mappings[l->mapping].path))
            l->is_allocator = true;
    }
}

void hd_allocator_cut_stacks(struct hd_model *model)
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
}
