// SPDX-License-Identifier: GPL-2.0
/*
 * Stress FDBox: several processes of several threads do random puts,
 * gets, seals, unseals, listings and box creations and deletions on shared
 * boxes, for a bounded number of operations. Then every memfd put must be
 * accounted for exactly once (taken out by a worker, or left in a box), and
 * the memory must come back when the boxes are deleted.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_util.h"
#include "../kselftest_harness.h"

#define PROCS		4
#define THREADS		4
#define OPS		1500
#define NR_BOXES	3
#define NR_TAGS		(PROCS * THREADS * OPS)
#define FILE_SIZE	(16 * 1024)

struct shared {
	atomic_uchar put[NR_TAGS];
	atomic_uchar got[NR_TAGS];
	atomic_int errors;
};

static struct shared *sh;

/* Count an unexpected result, and describe the first few. */
static void error(const char *what, int err)
{
	if (atomic_fetch_add(&sh->errors, 1) < 5)
		ksft_print_msg("stress: %s: %s\n", what, strerror(-err));
}

static char box_names[NR_BOXES][64];

struct worker {
	int proc, thread;
	uint64_t rng;
};

static unsigned int rnd(struct worker *w, unsigned int n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng % n;
}

/*
 * Count the memfd @fd that a GET of entry @name returned: it must be the
 * one put under that name, whose tag is in its first bytes and in its name.
 */
static void account_get(int fd, const char *name)
{
	unsigned int tag, want;

	if (sscanf(name, "t%u", &want) != 1 || want >= NR_TAGS) {
		error("an entry nobody put", -EINVAL);
		ksft_print_msg("stress: entry '%s'\n", name);
	} else if (pread(fd, &tag, sizeof(tag), 0) != sizeof(tag) ||
		   tag >= NR_TAGS) {
		error("read the tag", -EIO);
	} else if (tag != want) {
		error("GET returned another entry's file", -EILSEQ);
		ksft_print_msg("stress: GET %s returned the file of t%u\n",
			       name, tag);
	} else {
		atomic_fetch_add(&sh->got[tag], 1);
	}
	close(fd);
}

static void do_put(struct worker *w, int box, unsigned int seq)
{
	unsigned int tag = (w->proc * THREADS + w->thread) * OPS + seq;
	char name[32];
	int fd, err;

	fd = memfd_create("stress", 0);
	if (fd < 0 || ftruncate(fd, FILE_SIZE) ||
	    pwrite(fd, &tag, sizeof(tag), 0) != sizeof(tag)) {
		error("make a memfd", -errno);
		return;
	}
	snprintf(name, sizeof(name), "t%u", tag);
	err = fdbox_put(box, fd, name);
	if (!err)
		atomic_store(&sh->put[tag], 1);
	else if (err == -EBUSY)
		close(fd);		/* sealed meanwhile: fine */
	else
		error("put", err);
}

/*
 * A listing of a stress box: names in strictly increasing order, each one a
 * tag's, memfds of FILE_SIZE bytes, none waiting for a live update.
 */
static bool entries_sane(const struct fdbox_entry_info *e, __u32 count)
{
	unsigned int tag;
	__u32 i;

	for (i = 0; i < count; i++) {
		if (sscanf((const char *)e[i].name, "t%u", &tag) != 1 ||
		    tag >= NR_TAGS || strcmp((const char *)e[i].type, "memfd") ||
		    e[i].size != FILE_SIZE || e[i].flags || e[i].__reserved)
			return false;
		if (i && strcmp((const char *)e[i - 1].name,
				(const char *)e[i].name) >= 0)
			return false;
	}
	return true;
}

/* Take a random entry out of a box, whoever put it. */
static void do_get(struct worker *w, int box)
{
	struct fdbox_entry_info *e;
	__u32 count = 0, room;
	int err, fd;

	/* How many, then room for those and a few more that may come. */
	err = fdbox_list(box, FDBOX_LIST_ENTRIES, NULL, sizeof(*e), &count);
	if (err != -ENOSPC)
		return;
	room = count + 8;
	e = calloc(room, sizeof(*e));
	if (!e)
		return;
	count = room;
	err = fdbox_list(box, FDBOX_LIST_ENTRIES, e, sizeof(*e), &count);
	if (!err && count) {
		if (!entries_sane(e, count)) {
			error("list entries", -EILSEQ);
		} else {
			const char *name = (char *)e[rnd(w, count)].name;

			/* Gone or sealed meanwhile: another thread's doing. */
			fd = fdbox_get(box, name);
			if (fd >= 0)
				account_get(fd, name);
			else if (fd != -ENOENT && fd != -EBUSY)
				error("get", fd);
		}
	} else if (err == -ENOSPC) {
		/* More came meanwhile: the count must say so. */
		if (count <= room)
			error("list entries: ENOSPC with room", err);
	} else if (err) {
		error("list", err);
	}
	free(e);
}

static void do_scratch_box(struct worker *w, int ctl)
{
	char name[64];
	int box, fd, err;

	snprintf(name, sizeof(name), "stress-scratch-%d-%d", getpid(),
		 w->thread);
	/* The name is this thread's alone: every step must succeed. */
	err = fdbox_create(ctl, name);
	if (err) {
		error("create a scratch box", err);
		return;
	}
	box = fdbox_open_box(name);
	fd = memfd_pattern("scratch", 4096, 1);
	if (box < 0 || fd < 0) {
		error("open a scratch box or make its memfd", -EBADF);
	} else {
		err = fdbox_put(box, fd, "x");
		if (err) {
			error("put into a scratch box", err);
			close(fd);
		}
	}
	if (box >= 0)
		close(box);
	err = fdbox_delete(ctl, name);
	if (err)
		error("delete a scratch box", err);
}

/*
 * SEAL, then UNSEAL. Another thread may have sealed the box first (EBUSY),
 * or unsealed it between the two (EINVAL); nothing else is allowed.
 */
static void do_seal(int box)
{
	int err = fdbox_seal(box);

	if (err && err != -EBUSY) {
		error("seal", err);
		return;
	}
	err = fdbox_unseal(box);
	if (err && err != -EINVAL)
		error("unseal", err);
}

/*
 * List the boxes into room for eight: every stress box must be there,
 * unless more than eight boxes exist (ENOSPC, and the count says how many).
 */
static void do_list_boxes(int ctl)
{
	struct fdbox_box_info info[8];
	__u32 count = 8, i;
	int err, b, found = 0;

	err = fdbox_list(ctl, FDBOX_LIST_BOXES, info, sizeof(info[0]), &count);
	if (err == -ENOSPC) {
		if (count <= 8)
			error("list boxes: ENOSPC with room", err);
		return;
	}
	if (err) {
		error("list boxes", err);
		return;
	}
	for (i = 0; i < count; i++) {
		for (b = 0; b < NR_BOXES; b++) {
			if (strcmp((char *)info[i].name, box_names[b]))
				continue;
			found++;
			if (info[i].flags & ~FDBOX_BOX_SEALED)
				error("list boxes: flags", -EINVAL);
		}
	}
	if (found != NR_BOXES)
		error("list boxes: a stress box is missing", -ENOENT);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int ctl, box[NR_BOXES], b, i;

	ctl = fdbox_open_ctl();
	for (b = 0; b < NR_BOXES; b++)
		box[b] = fdbox_open_box(box_names[b]);
	for (i = 0; i < OPS; i++) {
		int which = box[rnd(w, NR_BOXES)];
		unsigned int op = rnd(w, 100);

		if (op < 45)
			do_put(w, which, i);
		else if (op < 80)
			do_get(w, which);
		else if (op < 90)
			do_seal(which);
		else if (op < 97)
			do_list_boxes(ctl);
		else
			do_scratch_box(w, ctl);
	}
	for (b = 0; b < NR_BOXES; b++)
		close(box[b]);
	close(ctl);
	return NULL;
}

static int proc_main(int proc)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .proc = proc, .thread = i,
					.rng = (proc * 131 + i) * 2654435761u + 1 };
		if (pthread_create(&t[i], NULL, work, &w[i]))
			return 1;
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}

FIXTURE(stress) {
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* A bound against hangs, not a speed requirement. */
TEST_F_TIMEOUT(stress, accounting, 900)
{
	unsigned int tag, put = 0, lost = 0, dup = 0;
	long base, full, after;
	int ctl, b, p, status;
	pid_t pids[PROCS];

	if (getenv("FDBOX_STAGE") && atoi(getenv("FDBOX_STAGE")) > 1)
		SKIP(return, "runs once, in stage 1");

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	base = meminfo_kb("Shmem");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (b = 0; b < NR_BOXES; b++) {
		snprintf(box_names[b], sizeof(box_names[b]), "stress-%d-%d",
			 getpid(), b);
		ASSERT_EQ(0, fdbox_create(ctl, box_names[b]));
	}

	for (p = 0; p < PROCS; p++) {
		pids[p] = fork();
		ASSERT_GE(pids[p], 0);
		if (!pids[p])
			_exit(proc_main(p));
	}
	for (p = 0; p < PROCS; p++) {
		ASSERT_EQ(pids[p], waitpid(pids[p], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	EXPECT_EQ(0, atomic_load(&sh->errors));

	/* Drain what is left, then count. */
	for (b = 0; b < NR_BOXES; b++) {
		struct fdbox_entry_info *e;
		__u32 count = 0, i;
		int box = fdbox_open_box(box_names[b]);

		ASSERT_GE(box, 0);
		EXPECT_EQ(-EINVAL, fdbox_unseal(box));
		fdbox_list(box, FDBOX_LIST_ENTRIES, NULL, sizeof(*e), &count);
		e = calloc(count + 1, sizeof(*e));
		ASSERT_EQ(0, fdbox_list(box, FDBOX_LIST_ENTRIES, e, sizeof(*e),
					&count));
		EXPECT_TRUE(entries_sane(e, count));
		for (i = 0; i < count; i++) {
			int fd = fdbox_get(box, (char *)e[i].name);

			ASSERT_GE(fd, 0);
			account_get(fd, (char *)e[i].name);
		}
		EXPECT_EQ(0, atomic_load(&sh->errors));
		free(e);
		close(box);
	}
	for (tag = 0; tag < NR_TAGS; tag++) {
		unsigned int g = atomic_load(&sh->got[tag]);

		put += atomic_load(&sh->put[tag]);
		if (atomic_load(&sh->put[tag]) && !g)
			lost++;
		if (g > atomic_load(&sh->put[tag]))
			dup++;
	}
	ksft_print_msg("stress: %u memfds put, %u lost, %u duplicated\n",
		       put, lost, dup);
	EXPECT_GT(put, NR_TAGS / 4);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, dup);

	/* Fill the boxes again, then delete them: the memory comes back. */
	for (b = 0; b < NR_BOXES; b++) {
		int box = fdbox_open_box(box_names[b]);

		for (p = 0; p < 256; p++) {
			char name[16];
			int fd = memfd_create("m", 0);

			snprintf(name, sizeof(name), "m%d", p);
			ASSERT_EQ(0, ftruncate(fd, FILE_SIZE * 4));
			ASSERT_EQ(0, fallocate(fd, 0, 0, FILE_SIZE * 4));
			ASSERT_EQ(0, fdbox_put(box, fd, name));
		}
		close(box);
	}
	full = meminfo_kb("Shmem");
	for (b = 0; b < NR_BOXES; b++)
		EXPECT_EQ(0, fdbox_delete(ctl, box_names[b]));
	after = meminfo_kb("Shmem");
	/* 3 x 256 x 64 KiB = 48 MiB went in; allow 1 MiB of other shmem. */
	EXPECT_GE(full - base, 48 * 1024 - 1024);
	EXPECT_LE(after - base, 1024)
		TH_LOG("Shmem %ld -> %ld -> %ld kB", base, full, after);
	close(ctl);
}

TEST_HARNESS_MAIN
