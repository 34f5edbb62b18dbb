/* The second core (see parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "error.h"
#include "input.h"

/* Fewer lookups than this are not worth a second symbolizer (it opens
 * the modules and reads their DWARF headers again). */
#define MIN_SHARED_LOOKUPS 256
/* Profiles smaller than this (together) do not have the worker start
 * before they are parsed: readying a large binary could then take longer
 * than the whole run, and the run would wait for it at its end. */
#define MIN_PRELOAD_INPUT (256 * 1024)

enum mode { THREADS_OFF, THREADS_AUTO, THREADS_FORCED };

/* One side's scratch: a symbolizer of the run's options, used by one
 * thread only, and what it has warned about. */
struct side {
    struct hd_symbolizer *sym;
    struct hd_warning_capture capture; /* its warnings so far */
    bool *dirty;       /* by module key: a lookup of it warned, so its
                          answers from then on are not used */
    bool preload_warned; /* readying the binary warned: no answers at all */
};

struct hd_parallel {
    const struct hd_request *request;
    enum mode mode;
    struct side mine, worker;  /* mine: the calling thread's */
    pthread_t thread;
    bool thread_running;       /* started and not joined */
    bool preload;              /* the worker readies the binary */
    /* Profiles parsed by the worker ahead of the caller, under LOCK (the
     * caller alone writes N_TAKEN, and may read it without): the
     * bases of a diff, first of all; the snapshots of a series, one
     * ahead.  PARSED[i] is AHEAD[i]'s model (NULL with ERR set when it
     * did not parse), its warnings held in CAPTURE, once DONE; the caller
     * takes them in order (hd_parallel_parse), N_TAKEN so far.  The
     * worker parses AHEAD[i] once fewer than MAX_HELD are done and not
     * taken, and stops at the first that fails, or at QUIT. */
    const char *const *ahead;
    size_t n_ahead;
    size_t max_held;
    size_t n_taken;
    bool quit;
    struct parsed {
        bool done;
        struct hd_model *model;
        struct hd_error err;
        struct hd_warning_capture capture;
    } *parsed;
    pthread_cond_t parsed_cond;  /* signalled when one is done or taken */

    /* The shared work, under LOCK: ITEMS[0..N_ITEMS) are the lookups of
     * the locations the run's symbolizer names, sorted by module (the
     * largest last) and offset, so that neighbours share a compilation
     * unit; the caller takes them from the bottom (NEXT_LOW up), the
     * worker from the top (NEXT_HIGH down), so each decodes mostly its
     * own units of the largest module.  FOUND[k] is the answer for
     * ITEMS[k], or NULL when it is left to the run's symbolizer. */
    pthread_mutex_t lock;
    pthread_cond_t posted_cond; /* signalled when POSTED is set */
    bool posted;                /* the work below is set, or there is none */
    const struct hd_model *model;
    struct item {
        uint64_t offset;
        uint32_t key;           /* into KEYS */
        uint32_t id;            /* the location */
    } *items;
    size_t n_items;
    size_t next_low, next_high; /* next_low <= next_high */
    const struct hd_sym_location **found;
    struct key {
        const char *module;     /* as hd_sym_lookup takes it */
        bool is_main;
        size_t n_items;
        uint32_t rank;          /* its place in ITEMS' order */
    } *keys;
    size_t n_keys;
};

/* HEAPDIFF_THREADS, or else whether a second core is there and idle: the
 * shared work costs about a quarter more CPU time than the serial run, a
 * loss where the second thread has to wait for a core. */
static enum mode threads_mode(void)
{
    const char *v = getenv("HEAPDIFF_THREADS");
    if (v && strcmp(v, "1") == 0)
        return THREADS_OFF;
    if (v && v[0] >= '2' && v[0] <= '9')
        return THREADS_FORCED;
    cpu_set_t cpus;
    long n_cpus = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                                : sysconf(_SC_NPROCESSORS_ONLN);
    double load;
    /* Runs of heapdiff one after another add about 1 themselves. */
    if (n_cpus < 2 || (getloadavg(&load, 1) == 1 && load > (double)n_cpus - 0.5))
        return THREADS_OFF;
    return THREADS_AUTO;
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

/* A second core for R's run in MODE, its worker not started. */
static struct hd_parallel *new_parallel(const struct hd_request *r, enum mode mode)
{
    struct hd_parallel *par = hd_calloc(1, sizeof *par);
    par->request = r;
    par->mode = mode;
    pthread_mutex_init(&par->lock, NULL);
    pthread_cond_init(&par->posted_cond, NULL);
    pthread_cond_init(&par->parsed_cond, NULL);
    return par;
}

/* Start PAR's worker; without one, nothing is parsed ahead. */
static void start_worker(struct hd_parallel *par)
{
    par->thread_running = pthread_create(&par->thread, NULL, worker_main, par) == 0;
    if (!par->thread_running)
        par->n_ahead = 0;
}

struct hd_parallel *hd_parallel_new(const struct hd_request *r)
{
    enum mode mode = threads_mode();
    if (mode == THREADS_OFF || r->trend)
        return NULL;
    struct hd_parallel *par = new_parallel(r, mode);
    bool large = mode == THREADS_FORCED ||
                 input_bytes(r->currents, r->n_currents) + input_bytes(r->bases, r->n_bases) >=
                     MIN_PRELOAD_INPUT;
    /* The worker parses the bases while the caller parses the currents
     * (standard input is read where it is read without threads). */
    bool stdin_base = false;
    for (size_t i = 0; i < r->n_bases; i++)
        stdin_base |= hd_input_is_stdin(r->bases[i]);
    if (large && !stdin_base && r->n_bases > 0) {
        par->ahead = r->bases;
        par->n_ahead = r->n_bases;
        par->max_held = r->n_bases;
        par->parsed = hd_calloc(r->n_bases, sizeof *par->parsed);
    }
    /* The binary is known before the profiles are read: the worker opens
     * it, finds its debug file and decompresses its DWARF meanwhile. */
    par->preload = r->binary && large && !r->no_symbols;
    if (par->preload || par->n_ahead > 0)
        start_worker(par);
    return par;
}

/* Look ITEMS[k] up in SIDE's symbolizer, its summary said (and so
 * counted) too; store the answer unless its module is dirty for SIDE. */
static void look_up(struct hd_parallel *par, struct side *side, size_t k)
{
    const struct item *it = &par->items[k];
    const struct hd_sym_location *at = NULL;
    if (!side->dirty[it->key]) {
        const struct key *key = &par->keys[it->key];
        size_t before = side->capture.n_warnings;
        if (hd_sym_lookup(side->sym, key->module, key->is_main, it->offset, &at) != 0)
            at = NULL;
        hd_sym_say_summary(side->sym);
        if (side->capture.n_warnings != before)
            side->dirty[it->key] = true;
    }
    pthread_mutex_lock(&par->lock);
    par->found[k] = side->dirty[it->key] ? NULL : at;
    pthread_mutex_unlock(&par->lock);
}

/* Take the next item for the caller (LOW) or the worker, or return false
 * when none is left or SIDE may answer none. */
static bool claim(struct hd_parallel *par, struct side *side, bool low, size_t *k)
{
    bool got = false;
    pthread_mutex_lock(&par->lock);
    if (!side->preload_warned && par->next_low < par->next_high) {
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
    if (!side->sym) {
        side->sym = hd_core_symbolizer(par->request);
        /* The worker decompresses the binary's sections largest first:
         * this end takes the others meanwhile, smallest first. */
        if (par->preload) {
            hd_sym_preload(side->sym, par->request->binary, true, false);
            hd_sym_say_summary(side->sym);
            side->preload_warned = side->capture.n_warnings > 0;
        }
    }
    side->dirty = hd_calloc(par->n_keys + 1, sizeof *side->dirty);
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

/* Parse the profiles AHEAD, as the caller would, their warnings held
 * back. */
static void parse_ahead(struct hd_parallel *par)
{
    for (size_t i = 0; i < par->n_ahead; i++) {
        pthread_mutex_lock(&par->lock);
        while (!par->quit && i >= par->n_taken + par->max_held)
            pthread_cond_wait(&par->parsed_cond, &par->lock);
        bool quit = par->quit;
        pthread_mutex_unlock(&par->lock);
        if (quit)
            return;
        struct parsed *p = &par->parsed[i];
        struct hd_warning_capture capture = {0};
        struct hd_error err = {0};
        hd_warning_capture(&capture);
        struct hd_model *model = hd_parse_file(par->ahead[i], &par->request->limits, &err);
        hd_warning_capture(NULL);
        pthread_mutex_lock(&par->lock);
        p->model = model;
        p->err = err;
        p->capture = capture;
        p->done = true;
        pthread_cond_broadcast(&par->parsed_cond);
        pthread_mutex_unlock(&par->lock);
        if (!model)
            return; /* the caller stops there too */
    }
}

static void *worker_main(void *par_)
{
    struct hd_parallel *par = par_;
    parse_ahead(par);
    if (par->preload) {
        hd_warning_capture(&par->worker.capture);
        par->worker.sym = hd_core_symbolizer(par->request);
        hd_sym_preload(par->worker.sym, par->request->binary, true, true);
        hd_sym_say_summary(par->worker.sym);
        hd_warning_capture(NULL);
        par->worker.preload_warned = par->worker.capture.n_warnings > 0;
    }
    pthread_mutex_lock(&par->lock);
    while (!par->posted)
        pthread_cond_wait(&par->posted_cond, &par->lock);
    bool work = par->found != NULL;
    pthread_mutex_unlock(&par->lock);
    if (work)
        share_work(par, &par->worker, false);
    return NULL;
}

/* ITEMS' order: by module rank, offset, then location. */
static int by_module_offset(const void *a_, const void *b_)
{
    const struct item *a = a_, *b = b_;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Smaller modules first (taken by the caller), the largest last. */
static int by_size(const void *a_, const void *b_)
{
    const struct key *a = a_, *b = b_;
    if (a->n_items != b->n_items)
        return a->n_items < b->n_items ? -1 : 1;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* The key of MODULE, IS_MAIN in PAR's keys, added if new. */
static uint32_t key_of(struct hd_parallel *par, size_t *capacity, const char *module,
                       bool is_main)
{
    for (size_t i = 0; i < par->n_keys; i++)
        if (par->keys[i].is_main == is_main && strcmp(par->keys[i].module, module) == 0)
            return (uint32_t)i;
    HD_ARRAY_RESERVE(par->keys, *capacity, par->n_keys + 1);
    par->keys[par->n_keys] = (struct key){module, is_main, 0, (uint32_t)par->n_keys};
    return (uint32_t)par->n_keys++;
}

/* Every lookup of MODEL's locations that the run's symbolizer names
 * (not the allocator's, not those the input names, not the other
 * build's, not unmapped addresses)
 * into PAR's items and keys, in ITEMS' order. */
static void gather_lookups(struct hd_parallel *par, const struct hd_model *model,
                           const struct hd_sym_mains *mains)
{
    size_t cap_keys = 0;
    uint32_t *key_of_mapping = hd_malloc(model->n_mappings + 1, sizeof *key_of_mapping);
    for (size_t m = 0; m < model->n_mappings; m++)
        key_of_mapping[m] = UINT32_MAX;
    par->items = hd_calloc(model->n_locations + 1, sizeof *par->items);
    par->n_items = 0;
    for (size_t i = 0; i < model->n_locations; i++) {
        const struct hd_location *l = &model->locations[i];
        const char *module;
        bool is_main;
        if (l->is_allocator || l->origin == HD_ORIGIN_INPUT || l->mapping == HD_NO_MAPPING ||
            hd_sym_lookup_key(model, mains, i, &module, &is_main))
            continue;
        /* A mapping's locations share its module and is_main. */
        if (key_of_mapping[l->mapping] == UINT32_MAX)
            key_of_mapping[l->mapping] = key_of(par, &cap_keys, module, is_main);
        uint32_t key = key_of_mapping[l->mapping];
        par->keys[key].n_items++;
        par->items[par->n_items++] = (struct item){l->offset, key, (uint32_t)i};
    }
    free(key_of_mapping);
    /* Rank the keys by size, keeping their indexes. */
    struct key *ranked = hd_calloc(par->n_keys + 1, sizeof *ranked);
    if (par->n_keys > 0)
        memcpy(ranked, par->keys, par->n_keys * sizeof *ranked);
    qsort(ranked, par->n_keys, sizeof *ranked, by_size);
    uint32_t *rank = hd_calloc(par->n_keys + 1, sizeof *rank);
    for (size_t r = 0; r < par->n_keys; r++)
        rank[ranked[r].rank] = (uint32_t)r; /* ranked[r].rank: its index */
    for (size_t k = 0; k < par->n_items; k++)
        par->items[k].key = rank[par->items[k].key];
    free(par->keys);
    par->keys = ranked; /* now indexed by rank */
    free(rank);
    qsort(par->items, par->n_items, sizeof *par->items, by_module_offset);
}

const struct hd_sym_location **hd_parallel_lookups(struct hd_parallel *par,
                                                   const struct hd_model *model,
                                                   bool other_build)
{
    if (!par || par->model || par->request->no_symbols) {
        if (par)
            post(par); /* no work */
        return NULL;
    }
    struct hd_sym_mains mains = hd_sym_mains_of(model, other_build);
    pthread_mutex_lock(&par->lock);
    gather_lookups(par, model, &mains);
    bool enough = par->n_items > 0 &&
                  (par->mode == THREADS_FORCED || par->n_items >= MIN_SHARED_LOOKUPS);
    par->model = model;
    if (enough) {
        par->next_low = 0;
        par->next_high = par->n_items;
        par->found = hd_calloc(par->n_items + 1, sizeof *par->found);
    }
    pthread_mutex_unlock(&par->lock);
    post(par); /* with no work, the worker ends once its preload is done */
    if (!enough)
        return NULL;
    if (!par->thread_running)
        start_worker(par);
    /* Without a worker (it could not start), the caller's scratch would
     * only repeat the run's symbolizer's work. */
    if (par->thread_running) {
        share_work(par, &par->mine, true);
        pthread_join(par->thread, NULL);
        par->thread_running = false;
    }
    const struct hd_sym_location **found =
        hd_calloc(model->n_locations + 1, sizeof *found);
    for (size_t k = 0; k < par->n_items; k++)
        found[par->items[k].id] = par->found ? par->found[k] : NULL;
    return found;
}

struct hd_model *hd_parallel_parse(struct hd_parallel *par, const char *path,
                                   const struct hd_parse_limits *limits, struct hd_error *err)
{
    size_t i = par ? par->n_taken : 0;
    if (!par || i == par->n_ahead || par->ahead[i] != path)
        return hd_parse_file(path, limits, err);
    struct parsed *p = &par->parsed[i];
    pthread_mutex_lock(&par->lock);
    while (!p->done)
        pthread_cond_wait(&par->parsed_cond, &par->lock);
    par->n_taken = i + 1;
    pthread_cond_broadcast(&par->parsed_cond); /* room for the next */
    pthread_mutex_unlock(&par->lock);
    hd_warning_replay(&p->capture); /* said where parsing it here says them */
    if (!p->model && err)
        *err = p->err;
    struct hd_model *model = p->model;
    p->model = NULL;
    return model;
}

struct hd_parallel *hd_parallel_series(const struct hd_request *r, const char *const *paths,
                                       size_t n)
{
    enum mode mode = threads_mode();
    if (mode == THREADS_OFF || n < 2 ||
        (mode == THREADS_AUTO && input_bytes(paths, n) < MIN_PRELOAD_INPUT))
        return NULL;
    struct hd_parallel *par = new_parallel(r, mode);
    par->ahead = paths;
    par->n_ahead = n;
    par->max_held = 1;
    par->parsed = hd_calloc(n, sizeof *par->parsed);
    par->posted = true; /* no lookups to share */
    start_worker(par);
    return par;
}

void hd_parallel_free(struct hd_parallel *par)
{
    if (!par)
        return;
    if (par->thread_running) {
        pthread_mutex_lock(&par->lock);
        par->quit = true; /* profiles not taken are not needed */
        pthread_cond_broadcast(&par->parsed_cond);
        pthread_mutex_unlock(&par->lock);
        post(par); /* if nothing did: there is no work */
        pthread_join(par->thread, NULL);
    }
    hd_sym_free(par->mine.sym);
    hd_sym_free(par->worker.sym);
    free(par->items);
    free(par->keys);
    free(par->found);
    free(par->mine.dirty);
    free(par->worker.dirty);
    hd_warning_capture_free(&par->mine.capture);
    hd_warning_capture_free(&par->worker.capture);
    for (size_t i = 0; i < par->n_ahead; i++) {
        hd_model_free(par->parsed[i].model); /* never taken: an earlier input failed */
        hd_warning_capture_free(&par->parsed[i].capture);
    }
    free(par->parsed);
    pthread_cond_destroy(&par->posted_cond);
    pthread_cond_destroy(&par->parsed_cond);
    pthread_mutex_destroy(&par->lock);
    free(par);
}
