/* Bump allocator over a chain of blocks (see arena.h). */
#include "arena.h"

#include "array.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_SIZE = 256 * 1024 };

struct block {
    struct block *next;
    size_t used; /* bytes of data[] handed out; used <= size */
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

struct hd_arena {
    struct block *head; /* the block being filled; NULL before the first */
};

struct hd_arena *hd_arena_new(void)
{
    return hd_calloc(1, sizeof(struct hd_arena));
}

void hd_arena_free(struct hd_arena *arena)
{
    if (!arena)
        return;
    for (struct block *b = arena->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(arena);
}

void *hd_arena_alloc(struct hd_arena *arena, size_t size)
{
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t block_size = size > BLOCK_SIZE ? size : BLOCK_SIZE;
        struct block *fresh = hd_malloc(1, sizeof *fresh + block_size);
        fresh->used = 0;
        fresh->size = block_size;
        /* An oversized request gets its own block behind the current one,
         * so the current block keeps filling. */
        if (b && size > BLOCK_SIZE) {
            fresh->next = b->next;
            b->next = fresh;
        } else {
            fresh->next = b;
            arena->head = fresh;
        }
        b = fresh;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

char *hd_arena_strndup(struct hd_arena *arena, const char *str, size_t len)
{
    char *copy = hd_arena_alloc(arena, len + 1);
    memcpy(copy, str, len);
    copy[len] = '\0';
    return copy;
}
