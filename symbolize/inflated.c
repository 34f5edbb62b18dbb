/* Debug sections decompressed once per process (see sym_inflated.h). */
#include "sym_inflated.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

struct hd_sym_inflated {
    struct hd_sym_inflated_key key;
    int state;                     /* 0 being decompressed, 1 ready, -1 corrupt */
    uint8_t *data;                 /* state 1: key.expanded_size bytes */
    size_t holders;                /* > 0 while listed */
    struct hd_sym_inflated *next;
};

/* Every listed section, under LOCK; READY is signalled when one leaves
 * state 0. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static struct hd_sym_inflated *listed;

static bool same_key(const struct hd_sym_inflated_key *a, const struct hd_sym_inflated_key *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->file_size == b->file_size &&
           a->mtime_ns == b->mtime_ns && a->offset == b->offset && a->size == b->size &&
           a->expanded_size == b->expanded_size;
}

int hd_sym_inflated_get(const struct hd_sym_inflated_key *key,
                        enum hd_sym_compression method, const uint8_t *data, size_t size,
                        const uint8_t **out, struct hd_sym_inflated **handle)
{
    pthread_mutex_lock(&lock);
    struct hd_sym_inflated *s = listed;
    while (s && !same_key(&s->key, key))
        s = s->next;
    if (s) {
        s->holders++;
        while (s->state == 0)
            pthread_cond_wait(&ready, &lock);
    } else {
        s = hd_calloc(1, sizeof *s);
        s->key = *key;
        s->holders = 1;
        s->next = listed;
        listed = s;
        pthread_mutex_unlock(&lock);
        uint8_t *bytes;
        int rc = hd_sym_decompress(method, data, size, key->expanded_size, &bytes);
        pthread_mutex_lock(&lock);
        s->data = rc == 0 ? bytes : NULL;
        s->state = rc == 0 ? 1 : -1;
        pthread_cond_broadcast(&ready);
    }
    int state = s->state;
    *out = s->data;
    pthread_mutex_unlock(&lock);
    *handle = s;
    return state == 1 ? 0 : -1;
}

void hd_sym_inflated_release(struct hd_sym_inflated *handle)
{
    if (!handle)
        return;
    pthread_mutex_lock(&lock);
    if (--handle->holders == 0) {
        struct hd_sym_inflated **at = &listed;
        while (*at != handle)
            at = &(*at)->next;
        *at = handle->next;
        free(handle->data);
        free(handle);
    }
    pthread_mutex_unlock(&lock);
}
