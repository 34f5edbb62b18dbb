/* A pool of unique strings: equal strings intern to one stored pointer
 * with one dense id, in the order first seen.  The one string-interning
 * mechanism over the id table: the model, the symbolizer, the symbol
 * cache's writer and the profile.proto writer each keep one. */
#ifndef HD_STRPOOL_H
#define HD_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "idtable.h"

struct hd_arena;

struct hd_strpool {
    const char **strings;   /* id -> the pooled string, n of them */
    size_t n, capacity;
    size_t bytes;           /* the pooled strings' sizes, NULs included */
    struct hd_idtable index;
    struct hd_arena *arena; /* where new strings are copied; NULL: the
                               caller's pointers are kept as given, and must
                               live as long as the pool */
};

/* An empty pool copying into ARENA (not owned; may be NULL, see above). */
void hd_strpool_init(struct hd_strpool *pool, struct hd_arena *arena);

/* The id of STR, pooled first when new. */
uint32_t hd_strpool_id(struct hd_strpool *pool, const char *str);

/* The pooled string equal to STR, pooled first when new. */
const char *hd_strpool_intern(struct hd_strpool *pool, const char *str);

/* Free the pool's arrays; the copies live as long as its arena.  An
 * initialized or zeroed pool is fine. */
void hd_strpool_free(struct hd_strpool *pool);

#endif
