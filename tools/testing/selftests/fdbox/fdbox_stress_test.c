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
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_util.h"
#include "../kselftest_harness.h"

#define PROCS		4
#define THREADS		4
#define OPS		1500
#define NR_BOXES	3
#define NR_TAGS		(PROCS * THREADS * OPS)
#define FILE_SIZE	(16 * 1024)

/*
 * What every process did, per tag: the box (index + 1) a PUT of the tag
 * was about to go into, set before the PUT so that a GET of another
 * process can never find the entry before it; whether the PUT succeeded;
 * how many GETs returned its file. Per box, how many SEALs and UNSEALs
 * succeeded.
 */
struct shared {
	atomic_uchar box[NR_TAGS];
	atomic_uchar put[NR_TAGS];
	atomic_uchar got[NR_TAGS];
	atomic_int sealed[NR_BOXES];
	atomic_int unsealed[NR_BOXES];
	atomic_int errors;
};

static struct shared *sh;

/* Count an unexpected result, and describe the first few. */
static __printf(1, 2) void error(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&sh->errors, 1) >= 5)
		return;
	va_start(ap, fmt);
	fprintf(stdout, "# stress: ");
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n");
	fflush(stdout);
	va_end(ap);
}

/* The tag of entry name @name ("t" and a number, nothing else), or -1. */
static int tag_of(const char *name)
{
	unsigned int tag;
	int end = 0;

	if (sscanf(name, "t%u%n", &tag, &end) != 1 || name[end] ||
	    tag >= NR_TAGS)
		return -1;
	return tag;
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
 * Count the memfd @fd that a GET of entry @name from box @b returned: it
 * must be the one put under that name into that box; its tag is in its
 * first bytes.
 */
static void account_get(int fd, const char *name, int b)
{
	int want = tag_of(name);
	unsigned int tag;

	if (want < 0 || atomic_load(&sh->box[want]) != b + 1)
		error("GET %s from box %d: nobody put it there", name, b);
	else if (pread(fd, &tag, sizeof(tag), 0) != sizeof(tag))
		error("GET %s: cannot read the tag", name);
	else if (tag != (unsigned int)want)
		error("GET %s returned the file of t%u", name, tag);
	else
		atomic_fetch_add(&sh->got[tag], 1);
	close(fd);
}

static void do_put(struct worker *w, int box, int b, unsigned int seq)
{
	unsigned int tag = (w->proc * THREADS + w->thread) * OPS + seq;
	char name[32];
	int fd, err;

	fd = memfd_create("stress", 0);
	if (fd < 0 || ftruncate(fd, FILE_SIZE) ||
	    pwrite(fd, &tag, sizeof(tag), 0) != sizeof(tag)) {
		error("make a memfd: %s", strerror(errno));
		return;
	}
	snprintf(name, sizeof(name), "t%u", tag);
	atomic_store(&sh->box[tag], b + 1);
	err = fdbox_put(box, fd, name);
	if (!err)
		atomic_store(&sh->put[tag], 1);
	else if (err == -EBUSY)
		close(fd);		/* sealed meanwhile: fine */
	else
		error("PUT %s: %s", name, strerror(-err));
}

/*
 * A listing of stress box @b: names in strictly increasing order, each one
 * of a tag put into that box, memfds of FILE_SIZE bytes, none waiting for a
 * live update.
 */
static bool entries_sane(const struct fdbox_entry_info *e, __u32 count,
			 int b)
{
	__u32 i;
	int tag;

	for (i = 0; i < count; i++) {
		tag = tag_of((const char *)e[i].name);
		if (tag < 0 || atomic_load(&sh->box[tag]) != b + 1 ||
		    strcmp((const char *)e[i].type, "memfd") ||
		    e[i].size != FILE_SIZE || e[i].flags || e[i].__reserved)
			return false;
		if (i && strcmp((const char *)e[i - 1].name,
				(const char *)e[i].name) >= 0)
			return false;
	}
	return true;
}

/* Take a random entry out of box @b, whoever put it. */
static void do_get(struct worker *w, int box, int b)
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
		if (!entries_sane(e, count, b)) {
			error("LIST_ENTRIES of box %d: a wrong entry", b);
		} else {
			const char *name = (char *)e[rnd(w, count)].name;

			/* Gone or sealed meanwhile: another thread's doing. */
			fd = fdbox_get(box, name);
			if (fd >= 0)
				account_get(fd, name, b);
			else if (fd != -ENOENT && fd != -EBUSY)
				error("GET %s: %s", name, strerror(-fd));
		}
	} else if (err == -ENOSPC) {
		/* More came meanwhile: the count must say so. */
		if (count <= room)
			error("LIST_ENTRIES: ENOSPC with room for %u", count);
	} else if (err) {
		error("LIST_ENTRIES: %s", strerror(-err));
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
		error("CREATE %s: %s", name, strerror(-err));
		return;
	}
	box = fdbox_open_box(name);
	fd = memfd_pattern("scratch", 4096, 1);
	if (box < 0 || fd < 0) {
		error("open %s or make its memfd", name);
	} else {
		err = fdbox_put(box, fd, "x");
		if (err) {
			error("PUT into %s: %s", name, strerror(-err));
			close(fd);
		}
	}
	if (box >= 0)
		close(box);
	err = fdbox_delete(ctl, name);
	if (err)
		error("DELETE %s: %s", name, strerror(-err));
}

/*
 * SEAL, then UNSEAL box @b. Another thread may have sealed it first
 * (EBUSY), or unsealed it between the two (EINVAL); nothing else is
 * allowed. Successes are counted: the box ends unsealed, so there must be
 * as many of each, which a SEAL that returned 0 without sealing breaks.
 */
static void do_seal(int box, int b)
{
	int err = fdbox_seal(box);

	if (!err)
		atomic_fetch_add(&sh->sealed[b], 1);
	else if (err != -EBUSY)
		error("SEAL box %d: %s", b, strerror(-err));
	err = fdbox_unseal(box);
	if (!err)
		atomic_fetch_add(&sh->unsealed[b], 1);
	else if (err != -EINVAL)
		error("UNSEAL box %d: %s", b, strerror(-err));
}

/*
 * List every box: each stress box must be there once, unsealed or sealed
 * and nothing else. The number of boxes may change meanwhile (scratch
 * boxes): ENOSPC then, with the count saying how many there are now.
 */
static void do_list_boxes(int ctl)
{
	struct fdbox_box_info *info;
	__u32 count = 0, room, i;
	int err, b, found = 0;

	err = fdbox_list(ctl, FDBOX_LIST_BOXES, NULL, sizeof(*info), &count);
	if (err != -ENOSPC) {
		error("LIST_BOXES without room: %s", strerror(-err));
		return;
	}
	room = count + 2 * PROCS * THREADS;
	info = calloc(room, sizeof(*info));
	if (!info)
		return;
	count = room;
	err = fdbox_list(ctl, FDBOX_LIST_BOXES, info, sizeof(*info), &count);
	if (err == -ENOSPC && count <= room)
		error("LIST_BOXES: ENOSPC with room for %u", count);
	else if (err && err != -ENOSPC)
		error("LIST_BOXES: %s", strerror(-err));
	for (i = 0; !err && i < count; i++) {
		for (b = 0; b < NR_BOXES; b++) {
			if (strcmp((char *)info[i].name, box_names[b]))
				continue;
			found++;
			if (info[i].flags & ~FDBOX_BOX_SEALED)
				error("LIST_BOXES: box %d has flags %#x", b,
				      info[i].flags);
		}
	}
	if (!err && found != NR_BOXES)
		error("LIST_BOXES: %d of %d stress boxes", found, NR_BOXES);
	free(info);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int ctl, box[NR_BOXES], b, i;

	ctl = fdbox_open_ctl();
	for (b = 0; b < NR_BOXES; b++)
		box[b] = fdbox_open_box(box_names[b]);
	for (i = 0; i < OPS; i++) {
		unsigned int op;

		b = rnd(w, NR_BOXES);
		op = rnd(w, 100);
		if (op < 45)
			do_put(w, box[b], b, i);
		else if (op < 80)
			do_get(w, box[b], b);
		else if (op < 90)
			do_seal(box[b], b);
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

	if (fdbox_stage() > 1)
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
		EXPECT_TRUE(entries_sane(e, count, b));
		for (i = 0; i < count; i++) {
			int fd = fdbox_get(box, (char *)e[i].name);

			ASSERT_GE(fd, 0);
			account_get(fd, (char *)e[i].name, b);
		}
		free(e);
		close(box);
		EXPECT_EQ(atomic_load(&sh->sealed[b]),
			  atomic_load(&sh->unsealed[b])) TH_LOG("box %d", b);
		EXPECT_LT(0, atomic_load(&sh->sealed[b])) TH_LOG("box %d", b);
	}
	EXPECT_EQ(0, atomic_load(&sh->errors));
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
