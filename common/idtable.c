/* Open-addressing id set (see idtable.h). */
#include "idtable.h"

#include "array.h"

#include <stdatomic.h>
#include <stdlib.h>
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
    /* FNV-1a, then mixed: good enough for names and id sequences. */
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL ^ hash_key();
    for (size_t i = 0; i < length; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return hd_hash_mix(h);
}

static uint32_t *find_slot(const struct hd_idtable *t, const struct hd_probe *q)
{
    size_t mask = t->capacity - 1;
    for (size_t i = q->hash & mask;; i = (i + 1) & mask) {
        uint32_t *slot = &t->slots[i];
        if (*slot == 0 || q->matches(q->owner, *slot - 1, q->key))
            return slot;
    }
}

static void place(struct hd_idtable *t, uint64_t hash, uint32_t id)
{
    size_t mask = t->capacity - 1;
    size_t j = hash & mask;
    while (t->slots[j])
        j = (j + 1) & mask;
    t->slots[j] = id + 1;
}

static void grow(struct hd_idtable *t, size_t needed,
                 uint64_t (*rehash)(const void *, uint32_t), const void *owner)
{
    size_t old_capacity = t->capacity;
    uint32_t *old = t->slots;
    size_t capacity = old_capacity ? old_capacity : 256;
    while (needed * 2 > capacity)
        capacity *= 2;
    t->capacity = capacity;
    t->slots = hd_calloc(capacity, sizeof *t->slots);
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i])
            place(t, rehash(owner, old[i] - 1), old[i] - 1);
    free(old);
}

uint32_t hd_idtable_intern(struct hd_idtable *t, const struct hd_probe *q,
                           uint32_t (*create)(void *, const void *), void *owner_mut)
{
    if ((t->count + 1) * 2 > t->capacity)
        grow(t, t->count + 1, q->rehash, q->owner);
    uint32_t *slot = find_slot(t, q);
    if (*slot)
        return *slot - 1;
    uint32_t id = create(owner_mut, q->key);
    *slot = id + 1;
    t->count++;
    return id;
}

uint32_t hd_idtable_find(const struct hd_idtable *t, const struct hd_probe *q)
{
    if (t->capacity == 0)
        return UINT32_MAX;
    uint32_t *slot = find_slot(t, q);
    return *slot ? *slot - 1 : UINT32_MAX;
}

void hd_idtable_rebuild(struct hd_idtable *t, uint32_t n,
                        uint64_t (*rehash)(const void *, uint32_t), const void *owner)
{
    hd_idtable_free(t);
    grow(t, n, rehash, owner);
    for (uint32_t id = 0; id < n; id++)
        place(t, rehash(owner, id), id);
    t->count = n;
}

void hd_idtable_free(struct hd_idtable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->capacity = t->count = 0;
}
