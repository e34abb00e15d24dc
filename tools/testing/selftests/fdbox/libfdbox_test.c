// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests of libfdbox (tools/fdbox): every call's success and error
 * paths, and puts and gets from several threads on one box.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libfdbox.h"
#include "fdbox_run.h"
#include "../kselftest_harness.h"

#define THREADS		8
#define ROUNDS		200

FIXTURE(lib) {
	int ctl;
	int box;
	char name[64];
};

FIXTURE_SETUP(lib)
{
	self->ctl = fdbox_open_control();
	ASSERT_GE(self->ctl, 0);
	snprintf(self->name, sizeof(self->name), "libtest-%d", getpid());
	ASSERT_EQ(0, fdbox_create(self->ctl, self->name));
	self->box = fdbox_open(self->name);
	ASSERT_GE(self->box, 0);
}

FIXTURE_TEARDOWN(lib)
{
	fdbox_unseal(self->box);
	close(self->box);
	fdbox_delete(self->ctl, self->name);
	close(self->ctl);
}

static int tagged_memfd(unsigned int tag)
{
	int fd = memfd_create("lib", 0);

	if (fd >= 0 && pwrite(fd, &tag, sizeof(tag), 0) != sizeof(tag)) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned int tag_of(int fd)
{
	unsigned int tag = ~0U;

	if (pread(fd, &tag, sizeof(tag), 0) != sizeof(tag))
		return ~0U;
	return tag;
}

TEST_F(lib, box_calls)
{
	char long_name[300];

	/* Descriptors are close-on-exec. */
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->ctl, F_GETFD));
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->box, F_GETFD));

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, fdbox_create(self->ctl, long_name));
	EXPECT_EQ(-ENAMETOOLONG, fdbox_delete(self->ctl, long_name));
	EXPECT_EQ(-ENAMETOOLONG, fdbox_open(long_name));
	EXPECT_EQ(-EINVAL, fdbox_create(self->ctl, ""));
	EXPECT_EQ(-EINVAL, fdbox_create(self->ctl, NULL));
	EXPECT_EQ(-EINVAL, fdbox_open("a/b"));
	EXPECT_EQ(-EINVAL, fdbox_open(""));
	EXPECT_EQ(-EEXIST, fdbox_create(self->ctl, self->name));
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, "libtest-none"));
	EXPECT_EQ(-ENOENT, fdbox_open("libtest-none"));
	EXPECT_EQ(-EBADF, fdbox_seal(-1));
}

TEST_F(lib, entry_calls)
{
	char long_name[300];
	int fd, p[2];

	fd = tagged_memfd(7);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBADF, fdbox_put(self->box, -1, "x"));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EOPNOTSUPP, fdbox_put(self->box, p[0], "pipe"));
	memset(long_name, 'e', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, fdbox_put(self->box, fd, long_name));
	EXPECT_EQ(-ENAMETOOLONG, fdbox_get(self->box, long_name));

	ASSERT_EQ(0, fdbox_put(self->box, fd, "seven"));
	fd = tagged_memfd(8);
	EXPECT_EQ(-EEXIST, fdbox_put(self->box, fd, "seven"));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "eight"));

	ASSERT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(-EBUSY, fdbox_seal(self->box));
	EXPECT_EQ(-EBUSY, fdbox_get(self->box, "seven"));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(-EINVAL, fdbox_unseal(self->box));

	fd = fdbox_get(self->box, "seven");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(7, tag_of(fd));
	close(fd);
	close(p[0]);
	close(p[1]);
}

TEST_F(lib, list_calls)
{
	struct fdbox_entry_info *e;
	struct fdbox_box_info *b;
	int n, i, found = 0;

	EXPECT_EQ(0, fdbox_list_entries(self->box, &e));
	EXPECT_EQ(NULL, e);

	for (i = 0; i < 40; i++) {
		char name[16];

		snprintf(name, sizeof(name), "e%02d", i);
		ASSERT_EQ(0, fdbox_put(self->box, tagged_memfd(i), name));
	}
	/* More than one guess of the array size. */
	n = fdbox_list_entries(self->box, &e);
	ASSERT_EQ(40, n);
	EXPECT_STREQ("e00", (char *)e[0].name);
	EXPECT_STREQ("e39", (char *)e[39].name);
	free(e);

	n = fdbox_list_boxes(self->ctl, &b);
	ASSERT_GE(n, 1);
	for (i = 0; i < n; i++) {
		if (!strcmp((char *)b[i].name, self->name)) {
			EXPECT_EQ(40, b[i].nr_entries);
			found = 1;
		}
	}
	EXPECT_TRUE(found);
	free(b);

	EXPECT_EQ(-ENOTTY, fdbox_list_boxes(self->box, &b));
	EXPECT_EQ(-EBADF, fdbox_list_entries(-1, &e));
}

TEST(luo_calls)
{
	int luo, state;

	luo = fdbox_luo_open();
	if (luo == -ENOENT) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no /dev/liveupdate");
		SKIP(return, "no /dev/liveupdate");
	}
	ASSERT_GE(luo, 0);
	/* One opener at a time. */
	EXPECT_EQ(-EBUSY, fdbox_luo_open());

	state = fdbox_luo_state(luo);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, state);
	EXPECT_STREQ("normal", fdbox_luo_state_name(state));
	EXPECT_STREQ("unknown", fdbox_luo_state_name(99));
	EXPECT_EQ(-EINVAL, fdbox_luo_event(luo, 99));
	EXPECT_EQ(-EBUSY, fdbox_luo_event(luo, LIVEUPDATE_FINISH));
	ASSERT_EQ(0, fdbox_luo_event(luo, LIVEUPDATE_PREPARE));
	EXPECT_EQ(LIVEUPDATE_STATE_PREPARED, fdbox_luo_state(luo));
	EXPECT_STREQ("prepared", fdbox_luo_state_name(fdbox_luo_state(luo)));
	ASSERT_EQ(0, fdbox_luo_event(luo, LIVEUPDATE_CANCEL));
	EXPECT_EQ(-EBADF, fdbox_luo_state(-1));
	close(luo);
}

struct worker {
	int box;
	int id;
	int errors;
};

/* Put and get this thread's own memfds, and list, over and over. */
static void *worker(void *arg)
{
	struct worker *w = arg;
	struct fdbox_entry_info *e;
	char name[32];
	int i, fd, n;

	for (i = 0; i < ROUNDS; i++) {
		unsigned int tag = w->id * ROUNDS + i;

		snprintf(name, sizeof(name), "t%d-%d", w->id, i);
		fd = tagged_memfd(tag);
		if (fd < 0 || fdbox_put(w->box, fd, name)) {
			w->errors++;
			continue;
		}
		if (i % 16 == 0) {
			n = fdbox_list_entries(w->box, &e);
			if (n < 1)
				w->errors++;
			free(e);
		}
		fd = fdbox_get(w->box, name);
		if (fd < 0 || tag_of(fd) != tag)
			w->errors++;
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/*
 * A bound against hangs only: a KASAN guest on a shared host took more than
 * the default 30 s for these 1,600 PUTs and GETs.
 */
TEST_F_TIMEOUT(lib, threads, 300)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct fdbox_entry_info *e;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .box = self->box, .id = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker, &w[i]));
	}
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].errors) TH_LOG("thread %d", i);
	}
	/* Every fd that went in came out: the box is empty. */
	EXPECT_EQ(0, fdbox_list_entries(self->box, &e));
}

TEST_HARNESS_MAIN
