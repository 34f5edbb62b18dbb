/* The second core (see parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "error.h"

/* Fewer lookups than this in the largest module are not worth a second
 * symbolizer (it reads that module's DWARF headers again). */
#define MIN_SHARED_LOOKUPS 256
/* Profiles smaller than this (together) do not have the worker start
 * before they are parsed: readying a large binary could then take longer
 * than the whole run, and the run would wait for it at its end. */
#define MIN_PRELOAD_INPUT (256 * 1024)

enum mode { THREADS_OFF, THREADS_AUTO, THREADS_FORCED };

/* One side's scratch: a symbolizer of the run's options, used by one
 * thread only, and whether it has warned. */
struct side {
    struct hd_symbolizer *sym;
    struct hd_warning_capture capture; /* n_warnings > 0: dirty, its answers
                                          from then on are not used */
};

struct hd_parallel {
    const struct hd_request *request;
    enum mode mode;
    struct side mine, worker;  /* mine: the calling thread's */
    pthread_t thread;
    bool thread_running;       /* started and not joined */
    bool preload;              /* the worker readies the binary first */

    /* The shared work, under LOCK: WORK[0..N) are location ids sorted by
     * offset (neighbours share a compilation unit); the caller takes them
     * from the bottom (NEXT_LOW up), the worker from the top (NEXT_HIGH
     * down), so each decodes mostly its own units.  FOUND[k] is the
     * answer for WORK[k], or NULL when it is left to the run's
     * symbolizer. */
    pthread_mutex_t lock;
    pthread_cond_t posted_cond; /* signalled when POSTED is set */
    bool posted;                /* the work below is set, or there is none */
    const struct hd_model *model;
    uint32_t *work;
    size_t n_work;
    size_t next_low, next_high; /* next_low <= next_high */
    const struct hd_sym_location **found;
    const char *module;         /* the shared module, as hd_sym_lookup takes it */
    bool is_main;
};

static enum mode threads_mode(void)
{
    const char *v = getenv("HEAPDIFF_THREADS");
    if (v && strcmp(v, "1") == 0)
        return THREADS_OFF;
    if (v && v[0] >= '2' && v[0] <= '9')
        return THREADS_FORCED;
    return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? THREADS_AUTO : THREADS_OFF;
}

/* The bytes of the N profiles PATHS, as far as stat() tells. */
static uint64_t input_bytes(const char *const *paths, size_t n)
{
    uint64_t total = 0;
    struct stat st;
    for (size_t i = 0; i < n; i++)
        if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    return total;
}

static void *worker_main(void *par_);

struct hd_parallel *hd_parallel_new(const struct hd_request *r)
{
    enum mode mode = threads_mode();
    if (mode == THREADS_OFF || r->no_symbols || r->trend)
        return NULL;
    struct hd_parallel *par = hd_calloc(1, sizeof *par);
    par->request = r;
    par->mode = mode;
    pthread_mutex_init(&par->lock, NULL);
    pthread_cond_init(&par->posted_cond, NULL);
    /* The binary is known before the profiles are read: the worker opens
     * it, finds its debug file and decompresses its DWARF meanwhile. */
    par->preload = r->binary &&
                   (mode == THREADS_FORCED ||
                    input_bytes(r->currents, r->n_currents) +
                            input_bytes(r->bases, r->n_bases) >= MIN_PRELOAD_INPUT);
    if (par->preload)
        par->thread_running = pthread_create(&par->thread, NULL, worker_main, par) == 0;
    return par;
}

/* Look WORK[k] up in SIDE's symbolizer; store the answer if SIDE is still
 * clean after it, with its summary said (and so counted) too. */
static void look_up(struct hd_parallel *par, struct side *side, size_t k)
{
    const struct hd_location *l = &par->model->locations[par->work[k]];
    const struct hd_sym_location *at = NULL;
    if (hd_sym_lookup(side->sym, par->module, par->is_main, l->offset, &at) != 0)
        at = NULL;
    hd_sym_say_summary(side->sym);
    pthread_mutex_lock(&par->lock);
    par->found[k] = side->capture.n_warnings == 0 ? at : NULL;
    pthread_mutex_unlock(&par->lock);
}

/* Take the next item for the caller (LOW) or the worker, or return false
 * when none is left or SIDE has warned. */
static bool claim(struct hd_parallel *par, struct side *side, bool low, size_t *k)
{
    bool got = false;
    pthread_mutex_lock(&par->lock);
    if (side->capture.n_warnings == 0 && par->next_low < par->next_high) {
        *k = low ? par->next_low++ : --par->next_high;
        got = true;
    }
    pthread_mutex_unlock(&par->lock);
    return got;
}

/* Drain the work from SIDE's end, its warnings counted. */
static void share_work(struct hd_parallel *par, struct side *side, bool low)
{
    hd_warning_capture(&side->capture);
    if (!side->sym)
        side->sym = hd_core_symbolizer(par->request);
    size_t k;
    while (claim(par, side, low, &k))
        look_up(par, side, k);
    hd_warning_capture(NULL);
}

/* Tell the worker the work is set, or that there is none. */
static void post(struct hd_parallel *par)
{
    pthread_mutex_lock(&par->lock);
    par->posted = true;
    pthread_cond_signal(&par->posted_cond);
    pthread_mutex_unlock(&par->lock);
}

static void *worker_main(void *par_)
{
    struct hd_parallel *par = par_;
    if (par->preload) {
        hd_warning_capture(&par->worker.capture);
        par->worker.sym = hd_core_symbolizer(par->request);
        hd_sym_preload(par->worker.sym, par->request->binary, true);
        hd_sym_say_summary(par->worker.sym);
        hd_warning_capture(NULL);
    }
    pthread_mutex_lock(&par->lock);
    while (!par->posted)
        pthread_cond_wait(&par->posted_cond, &par->lock);
    pthread_mutex_unlock(&par->lock);
    share_work(par, &par->worker, false);
    return NULL;
}

/* qsort's order of (offset, location id) pairs: by offset, then id. */
static int by_offset(const void *a_, const void *b_)
{
    const uint64_t *a = a_, *b = b_; /* each pair starts with its offset */
    if (*a != *b)
        return *a < *b ? -1 : 1;
    const uint32_t *ia = (const uint32_t *)(a + 1), *ib = (const uint32_t *)(b + 1);
    return *ia < *ib ? -1 : *ia > *ib;
}

/* Whether location I of MODEL is one the run's symbolizer looks up, and
 * how (*MODULE, *IS_MAIN as hd_sym_lookup takes them). */
static bool named_by_run(const struct hd_model *model, const struct hd_sym_mains *mains,
                         size_t i, const char **module, bool *is_main)
{
    const struct hd_location *l = &model->locations[i];
    return !l->is_allocator && l->mapping != HD_NO_MAPPING &&
           !hd_sym_lookup_key(model, mains, i, module, is_main);
}

static bool same_key(const char *a, bool a_main, const char *b, bool b_main)
{
    return a_main == b_main && strcmp(a, b) == 0;
}

/* The lookups of the module (as hd_sym_lookup names it) that most of
 * MODEL's locations named by the run's symbolizer fall in: their
 * location ids into *WORK (*N_WORK of them), sorted by offset, so that
 * neighbours share a compilation unit; the module into par's fields. */
static void largest_module(struct hd_parallel *par, const struct hd_model *model,
                           const struct hd_sym_mains *mains, uint32_t **work, size_t *n_work)
{
    size_t *count = hd_calloc(model->n_mappings + 1, sizeof *count);
    bool *main_of = hd_calloc(model->n_mappings + 1, sizeof *main_of);
    for (size_t i = 0; i < model->n_locations; i++) {
        const char *module;
        bool is_main;
        if (named_by_run(model, mains, i, &module, &is_main)) {
            count[model->locations[i].mapping]++;
            main_of[model->locations[i].mapping] = is_main; /* one per mapping */
        }
    }
    /* Mappings of one file count together. */
    size_t best = 0;
    par->module = NULL;
    for (size_t m = 0; m < model->n_mappings; m++) {
        size_t total = 0;
        for (size_t o = 0; count[m] > 0 && o < model->n_mappings; o++)
            if (same_key(model->mappings[o].path, main_of[o], model->mappings[m].path,
                         main_of[m]))
                total += count[o];
        if (total > best) {
            best = total;
            par->module = model->mappings[m].path;
            par->is_main = main_of[m];
        }
    }
    free(main_of);
    free(count);
    struct item {
        uint64_t offset;
        uint32_t id;
    } *items = hd_calloc(best + 1, sizeof *items);
    size_t n = 0;
    for (size_t i = 0; par->module && i < model->n_locations; i++) {
        const char *module;
        bool is_main;
        if (named_by_run(model, mains, i, &module, &is_main) &&
            same_key(module, is_main, par->module, par->is_main) && n < best)
            items[n++] = (struct item){model->locations[i].offset, (uint32_t)i};
    }
    qsort(items, n, sizeof *items, by_offset);
    *work = hd_calloc(n + 1, sizeof **work);
    for (size_t k = 0; k < n; k++)
        (*work)[k] = items[k].id;
    *n_work = n;
    free(items);
}

const struct hd_sym_location **hd_parallel_lookups(struct hd_parallel *par,
                                                   const struct hd_model *model,
                                                   bool other_build)
{
    if (!par || par->model)
        return NULL;
    struct hd_sym_mains mains = hd_sym_mains_of(model, other_build);
    uint32_t *work;
    size_t n_work;
    largest_module(par, model, &mains, &work, &n_work);
    if (n_work == 0 || (par->mode == THREADS_AUTO && n_work < MIN_SHARED_LOOKUPS)) {
        free(work);
        post(par); /* none: the worker ends once its preload is done */
        return NULL;
    }
    pthread_mutex_lock(&par->lock);
    par->model = model;
    par->work = work;
    par->n_work = n_work;
    par->next_low = 0;
    par->next_high = n_work;
    par->found = hd_calloc(n_work, sizeof *par->found);
    pthread_mutex_unlock(&par->lock);
    post(par);
    if (!par->thread_running)
        par->thread_running = pthread_create(&par->thread, NULL, worker_main, par) == 0;
    /* Without a worker (it could not start), the caller's scratch would
     * only repeat the run's symbolizer's work. */
    if (par->thread_running) {
        share_work(par, &par->mine, true);
        pthread_join(par->thread, NULL);
        par->thread_running = false;
    }
    const struct hd_sym_location **found =
        hd_calloc(model->n_locations + 1, sizeof *found);
    for (size_t k = 0; k < n_work; k++)
        found[work[k]] = par->found[k];
    return found;
}

void hd_parallel_free(struct hd_parallel *par)
{
    if (!par)
        return;
    if (par->thread_running) {
        post(par); /* if nothing did: there is no work */
        pthread_join(par->thread, NULL);
    }
    hd_sym_free(par->mine.sym);
    hd_sym_free(par->worker.sym);
    free(par->work);
    free(par->found);
    pthread_cond_destroy(&par->posted_cond);
    pthread_mutex_destroy(&par->lock);
    free(par);
}
