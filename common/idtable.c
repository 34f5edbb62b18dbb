/* Open-addressing id set (see idtable.h). */
#include "idtable.h"

#include "array.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* The process's hash key.  Keys come from profiles, so an unkeyed,
 * invertible hash lets a crafted file put every key in one probe run
 * (100,000 addresses took 18.7 s instead of 0.29).  The key is random per
 * process; nothing heapdiff prints depends on it, since every table is
 * read in id order, never in slot order.  It is drawn once, whichever
 * thread (core/parallel.c) hashes first: an atomic, so that the hot path
 * stays one load. */
static _Atomic uint64_t key; /* 0 until drawn; a drawn key is odd */

static uint64_t hash_key(void)
{
    uint64_t k = atomic_load_explicit(&key, memory_order_relaxed);
    if (k != 0)
        return k;
    if (getrandom(&k, sizeof k, 0) != (ssize_t)sizeof k)
        k = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&key ^ (uint64_t)getpid();
    k |= 1;
    uint64_t none = 0;
    if (!atomic_compare_exchange_strong(&key, &none, k))
        k = none; /* another thread drew first */
    return k;
}

uint64_t hd_hash_mix(uint64_t h)
{
    h ^= hash_key();
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t hd_hash_bytes(const void *data, size_t length)
{
    /* Eight bytes a step (a stack of 24 frames is 12 steps, not FNV's 96),
     * each folded in by a multiply and a shift, then mixed; the tail is
     * read zero-padded and the length is part of the start.  Keyed from
     * the first step, as FNV-1a with the key was. */
    const unsigned char *p = data;
    uint64_t h = hash_key() ^ (length * 0x9e3779b97f4a7c15ULL);
    while (length >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        length -= 8;
    }
    if (length) {
        uint64_t v = 0;
        memcpy(&v, p, length);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    return hd_hash_mix(h);
}

/* A slot holds the low 32 bits of its key's hash above id + 1, so that a
 * probe compares hashes before it asks the owner (no cache miss into the
 * owner's array for a mere neighbour) and growing needs no rehash. */
static uint64_t slot_of(uint64_t hash, uint32_t id)
{
    return (hash & 0xffffffffULL) << 32 | ((uint64_t)id + 1);
}

static uint32_t slot_id(uint64_t slot)
{
    return (uint32_t)(slot & 0xffffffffULL) - 1;
}

static uint64_t *find_slot(const struct hd_idtable *t, const struct hd_probe *q)
{
    size_t mask = t->capacity - 1;
    uint64_t tag = (q->hash & 0xffffffffULL) << 32;
    for (size_t i = q->hash & mask;; i = (i + 1) & mask) {
        uint64_t *slot = &t->slots[i];
        if (*slot == 0 ||
            ((*slot & ~0xffffffffULL) == tag && q->matches(q->owner, slot_id(*slot), q->key)))
            return slot;
    }
}

static void place(struct hd_idtable *t, uint64_t slot)
{
    size_t mask = t->capacity - 1;
    size_t j = (slot >> 32) & mask;
    while (t->slots[j])
        j = (j + 1) & mask;
    t->slots[j] = slot;
}

/* Make room for NEEDED ids, keeping the slots. */
static void grow(struct hd_idtable *t, size_t needed)
{
    size_t old_capacity = t->capacity;
    uint64_t *old = t->slots;
    size_t capacity = old_capacity ? old_capacity : 256;
    while (needed * 2 > capacity)
        capacity *= 2;
    t->capacity = capacity;
    t->slots = hd_calloc(capacity, sizeof *t->slots);
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i])
            place(t, old[i]);
    free(old);
}

uint32_t hd_idtable_intern(struct hd_idtable *t, const struct hd_probe *q,
                           uint32_t (*create)(void *, const void *), void *owner_mut)
{
    if ((t->count + 1) * 2 > t->capacity)
        grow(t, t->count + 1);
    uint64_t *slot = find_slot(t, q);
    if (*slot)
        return slot_id(*slot);
    uint32_t id = create(owner_mut, q->key);
    *slot = slot_of(q->hash, id);
    t->count++;
    return id;
}

void hd_idtable_add(struct hd_idtable *t, uint64_t hash, uint32_t id)
{
    if ((t->count + 1) * 2 > t->capacity)
        grow(t, t->count + 1);
    place(t, slot_of(hash, id));
    t->count++;
}

uint32_t hd_idtable_find(const struct hd_idtable *t, const struct hd_probe *q)
{
    if (t->capacity == 0)
        return UINT32_MAX;
    uint64_t *slot = find_slot(t, q);
    return *slot ? slot_id(*slot) : UINT32_MAX;
}

void hd_idtable_rebuild(struct hd_idtable *t, uint32_t n,
                        uint64_t (*rehash)(const void *, uint32_t), const void *owner)
{
    hd_idtable_free(t);
    grow(t, n);
    for (uint32_t id = 0; id < n; id++)
        place(t, slot_of(rehash(owner, id), id));
    t->count = n;
}

void hd_idtable_free(struct hd_idtable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->capacity = t->count = 0;
}
