/* Private to model/: the model's hash tables and the helpers that
 * model.c, align.c and values.c share.  Not for other stages. */
#ifndef HD_MODEL_INDEX_H
#define HD_MODEL_INDEX_H

#include "idtable.h"
#include "model.h"
#include "strpool.h"

#define HD_ADDRESS_CACHE_BITS 14
#define HD_ADDRESS_CACHE_SIZE ((size_t)1 << HD_ADDRESS_CACHE_BITS)

struct hd_model_index {
    struct hd_strpool strings;   /* copies in the model's arena */
    struct hd_idtable locations; /* keyed by hd_location_key */
    struct hd_idtable stacks;    /* keyed by the location id sequence */
    struct hd_idtable samples;   /* keyed by (stack, thread) */
    struct hd_idtable thread_samples;
    /* Per sample table (0: whole-process, 1: per-thread): its samples
     * [0, indexed) are in its index above; hd_model_add_sample appends a
     * sample it knows is new without indexing it, and the next lookup
     * indexes the rest first.  stack_bound exceeds every stack id in the
     * table's keys (it only grows), so a stack at or past it is new. */
    size_t indexed[2];
    uint32_t stack_bound[2];
    /* The last location interned for each of a few unmapped addresses
     * (hd_model_intern_address), by a hash of the address: a parse meets
     * the same return addresses again and again.  An entry holds its
     * address and id + 1 (0: empty); all are emptied whenever the
     * location index is rebuilt, since a key then may name another id. */
    struct {
        uint64_t address;
        uint32_t id_plus_1;
    } address_cache[HD_ADDRESS_CACHE_SIZE];
};

/* A location's identity across inputs: its module and the file offset;
 * an unmapped address is identified by the address alone; a given
 * location (HD_ORIGIN_INPUT) by its frames' text alone. */
struct hd_location_key {
    const char *identity; /* the mapping's identity; NULL when unmapped or
                             given */
    uint64_t offset;      /* 0 when given */
    const char *given;    /* the given frames' text; NULL for an address */
};

/* Rebuild the location index after identities or mappings changed. */
void hd_model_rebuild_location_index(struct hd_model *model);

/* The id of the sample (STACK, THREAD) in its table (whole-process or
 * per-thread), created with zero values in every column when absent. */
uint32_t hd_model_intern_sample(struct hd_model *model, uint32_t stack, long thread);

/* Rebuild the whole-process sample index after the table was replaced. */
void hd_model_rebuild_sample_index(struct hd_model *model);

/* Empty the index of the whole-process (WHOLE) or per-thread sample
 * table, whose table the caller empties too. */
void hd_model_forget_sample_index(struct hd_model *model, bool whole);

/* TO += FACTOR x V, value by value. */
void hd_values_add(struct hd_values *to, const struct hd_values *v, double factor);

#endif
