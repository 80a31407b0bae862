#include "config.h"

#include "src/queue.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/xalloc.h"

struct queue_node {
	void	*item;
	struct queue_node *next;
};

struct queue {
	pthread_mutex_t lock;
	struct queue_node *head, *tail;
	size_t	 len;
	bool	 signalled;	/* a byte sits in the pipe */
	int	 pipe[2];
};

struct queue *
queue_new(char **cause)
{
	struct queue *q = xcalloc(1, sizeof *q);

	if (pipe2(q->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*cause = xasprintf("cannot create wake pipe: %s", strerror(errno));
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

void
queue_free(struct queue *q, void (*free_item)(void *))
{
	void *item;

	if (q == NULL)
		return;
	while ((item = queue_pop(q)) != NULL)
		if (free_item != NULL)
			free_item(item);
	close(q->pipe[0]);
	close(q->pipe[1]);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

void
queue_push(struct queue *q, void *item)
{
	struct queue_node *n = xmalloc(sizeof *n);
	bool wake;

	n->item = item;
	n->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	q->len++;
	wake = !q->signalled;
	q->signalled = true;
	pthread_mutex_unlock(&q->lock);
	if (wake) {
		ssize_t r;

		do
			r = write(q->pipe[1], "x", 1);
		while (r < 0 && errno == EINTR);
	}
}

void *
queue_pop(struct queue *q)
{
	struct queue_node *n;
	void *item = NULL;

	pthread_mutex_lock(&q->lock);
	n = q->head;
	if (n != NULL) {
		q->head = n->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->len--;
		item = n->item;
	} else if (q->signalled) {
		char buf[64];

		while (read(q->pipe[0], buf, sizeof buf) > 0)
			continue;
		q->signalled = false;
	}
	pthread_mutex_unlock(&q->lock);
	free(n);
	return item;
}

size_t
queue_len(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

int
queue_wake_fd(const struct queue *q)
{
	return q->pipe[0];
}
