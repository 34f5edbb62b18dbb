/* An open-addressing hash set of 32-bit ids.
 *
 * The ids index an array the caller owns; the table stores only ids and
 * asks the caller, through a probe, for hashes and equality.  It is the
 * one interning mechanism of heapdiff: profiles intern strings, locations,
 * stacks and samples with it, the renderer interns node names. */
#ifndef HD_IDTABLE_H
#define HD_IDTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct hd_idtable {
    uint64_t *slots;  /* capacity entries, 0 = empty, else the key hash's
                         low 32 bits << 32 | (id + 1) */
    size_t capacity;  /* 0 or a power of two */
    size_t count;     /* count * 2 <= capacity */
};

/* How to find one key.  OWNER is handed back to the callbacks. */
struct hd_probe {
    uint64_t hash;                                   /* the key's hash */
    bool (*matches)(const void *owner, uint32_t id, const void *key);
    /* an id's key hash; no longer called by intern (the slots keep the
     * hashes), kept so that every probe has one shape */
    uint64_t (*rehash)(const void *owner, uint32_t id);
    const void *owner;
    const void *key;
};

/* The id holding Q's key; when there is none, call CREATE(owner_mut, key)
 * to make the new id and record it.  CREATE must not use TABLE. */
uint32_t hd_idtable_intern(struct hd_idtable *table, const struct hd_probe *q,
                           uint32_t (*create)(void *owner_mut, const void *key),
                           void *owner_mut);

/* Record ID, whose key hashes to HASH and is known to be absent from
 * TABLE (no lookup is made). */
void hd_idtable_add(struct hd_idtable *table, uint64_t hash, uint32_t id);

/* The id holding Q's key, or UINT32_MAX. */
uint32_t hd_idtable_find(const struct hd_idtable *table, const struct hd_probe *q);

/* Forget everything and rebuild from ids 0..N-1 using REHASH. */
void hd_idtable_rebuild(struct hd_idtable *table, uint32_t n,
                        uint64_t (*rehash)(const void *owner, uint32_t id),
                        const void *owner);

void hd_idtable_free(struct hd_idtable *table);

/* Hashes for building keys, keyed with a random value per process (so
 * that a profile cannot be crafted to collide); never let a hash value
 * decide an output order. */
uint64_t hd_hash_bytes(const void *data, size_t length);
uint64_t hd_hash_mix(uint64_t value);

#endif
