/* A bump allocator: many small allocations, freed all at once.
 * Parsers put every stack and string of a profile in one arena, so a
 * million stacks cost a few hundred large blocks, not millions of mallocs. */
#ifndef HD_ARENA_H
#define HD_ARENA_H

#include <stddef.h>

struct hd_arena;

/* A new empty arena.  Aborts on out of memory. */
struct hd_arena *hd_arena_new(void);

/* Free the arena and everything allocated from it.  NULL is fine. */
void hd_arena_free(struct hd_arena *arena);

/* SIZE bytes aligned for any type, valid until hd_arena_free().  Aborts on
 * out of memory. */
void *hd_arena_alloc(struct hd_arena *arena, size_t size);

/* A copy of the first LEN bytes of STR, NUL-terminated, in the arena. */
char *hd_arena_strndup(struct hd_arena *arena, const char *str, size_t len);

#endif
