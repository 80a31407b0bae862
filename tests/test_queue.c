/*
 * The event queue between poller threads and the UI: FIFO order, the wake fd is
 * readable exactly while items wait, and concurrent producers lose nothing.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "src/queue.h"

/* True when the wake fd polls readable right now. */
static bool
wake_readable(struct queue *q)
{
	struct pollfd pfd = { .fd = queue_wake_fd(q), .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Items come out in the order they went in; the fd signals then drains. */
static void
test_fifo_and_wake(void **state)
{
	char *cause = NULL;
	struct queue *q = queue_new(&cause);
	int a = 1, b = 2, c = 3;

	(void)state;
	assert_non_null(q);
	assert_false(wake_readable(q));
	queue_push(q, &a);
	assert_true(wake_readable(q));
	queue_push(q, &b);
	queue_push(q, &c);
	assert_int_equal(queue_len(q), 3);
	assert_ptr_equal(queue_pop(q), &a);
	assert_ptr_equal(queue_pop(q), &b);
	assert_ptr_equal(queue_pop(q), &c);
	assert_null(queue_pop(q));
	assert_false(wake_readable(q));
	/* A push after draining signals again. */
	queue_push(q, &a);
	assert_true(wake_readable(q));
	queue_free(q, NULL);
}

#define PRODUCERS 4
#define PER_PRODUCER 5000

static void *
producer(void *arg)
{
	struct queue *q = arg;

	for (intptr_t i = 1; i <= PER_PRODUCER; i++)
		queue_push(q, (void *)i);
	return NULL;
}

/* Several threads pushing at once: every item arrives exactly once. */
static void
test_concurrent_producers(void **state)
{
	char *cause = NULL;
	struct queue *q = queue_new(&cause);
	pthread_t t[PRODUCERS];
	long long sum = 0, count = 0;
	void *item;

	(void)state;
	for (int i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, producer, q);
	while (count < (long long)PRODUCERS * PER_PRODUCER) {
		struct pollfd pfd = { .fd = queue_wake_fd(q), .events = POLLIN };

		poll(&pfd, 1, 100);
		while ((item = queue_pop(q)) != NULL) {
			sum += (intptr_t)item;
			count++;
		}
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	assert_null(queue_pop(q));
	assert_int_equal(count, (long long)PRODUCERS * PER_PRODUCER);
	assert_int_equal(sum, (long long)PRODUCERS * PER_PRODUCER * (PER_PRODUCER + 1) / 2);
	queue_free(q, NULL);
}

static int freed;

static void
count_free(void *p)
{
	(void)p;
	freed++;
}

/* queue_free hands leftover items to the destructor. */
static void
test_free_leftovers(void **state)
{
	char *cause = NULL;
	struct queue *q = queue_new(&cause);
	int a, b;

	(void)state;
	queue_push(q, &a);
	queue_push(q, &b);
	freed = 0;
	queue_free(q, count_free);
	assert_int_equal(freed, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_wake),
		cmocka_unit_test(test_concurrent_producers),
		cmocka_unit_test(test_free_leftovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
