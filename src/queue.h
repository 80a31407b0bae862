/*
 * queue: a mutex-protected FIFO of pointers plus a wake fd.
 *
 * Producers (poller threads) push; pushing onto an empty queue writes one byte to
 * the wake pipe. The consumer poll()s queue_wake_fd() and pops until empty, which
 * drains the pipe. The queue owns nothing: items are the caller's.
 */
#ifndef BITSTOP_QUEUE_H
#define BITSTOP_QUEUE_H

#include <stddef.h>

struct queue;

/* NULL with *cause when the wake pipe cannot be made. */
struct queue *queue_new(char **cause);
/* Free the queue; items still in it are passed to free_item (may be NULL). */
void queue_free(struct queue *q, void (*free_item)(void *));
void queue_push(struct queue *q, void *item);
/* Oldest item, or NULL when empty. */
void *queue_pop(struct queue *q);
size_t queue_len(struct queue *q);
int queue_wake_fd(const struct queue *q);

#endif
