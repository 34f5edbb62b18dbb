#include "strpool.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"

static uint64_t rehash(const void *owner, uint32_t id)
{
    const struct hd_strpool *pool = owner;
    return hd_hash_bytes(pool->strings[id], strlen(pool->strings[id]));
}

static bool matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_strpool *pool = owner;
    return strcmp(pool->strings[id], key) == 0;
}

static uint32_t create(void *owner, const void *key)
{
    struct hd_strpool *pool = owner;
    size_t length = strlen(key);
    HD_ARRAY_RESERVE(pool->strings, pool->capacity, pool->n + 1);
    pool->strings[pool->n] = pool->arena ? hd_arena_strndup(pool->arena, key, length) : key;
    pool->bytes += length + 1;
    return (uint32_t)pool->n++;
}

void hd_strpool_init(struct hd_strpool *pool, struct hd_arena *arena)
{
    *pool = (struct hd_strpool){.arena = arena};
}

uint32_t hd_strpool_id(struct hd_strpool *pool, const char *str)
{
    struct hd_probe q = {hd_hash_bytes(str, strlen(str)), matches, rehash, pool, str};
    return hd_idtable_intern(&pool->index, &q, create, pool);
}

const char *hd_strpool_intern(struct hd_strpool *pool, const char *str)
{
    uint32_t id = hd_strpool_id(pool, str); /* may move STRINGS */
    return pool->strings[id];
}

void hd_strpool_free(struct hd_strpool *pool)
{
    hd_idtable_free(&pool->index);
    free(pool->strings);
    pool->strings = NULL;
    pool->n = pool->capacity = pool->bytes = 0;
}
