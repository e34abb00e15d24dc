// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the FDBox ioctls: random commands, sizes, flags, names and fds on
 * the control device and on boxes this test created. Seeded and
 * reproducible: the seed is printed, and FDBOX_FUZZ_SEED=N replays it;
 * FDBOX_FUZZ_CALLS sets the number of calls (default 1000000). The kernel
 * must stay clean (the VM runner checks its log) and FDBox must work after.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fdbox_util.h"
#include "../kselftest_harness.h"

#define NR_BOXES	4
#define BUF_LEN		4096

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

/* A name: empty, short, maximal, unterminated, with '/', or any bytes. */
static void fuzz_name(__u8 *name)
{
	unsigned int len, i;

	switch (pick(8)) {
	case 0:
		name[0] = '\0';
		return;
	case 1:
		memset(name, 'm', FDBOX_NAME_LEN - 1);
		name[FDBOX_NAME_LEN - 1] = '\0';
		return;
	case 2:
		for (i = 0; i < FDBOX_NAME_LEN; i++)
			name[i] = 1 + pick(255);
		return;
	case 3:
		snprintf((char *)name, FDBOX_NAME_LEN, "f/%u", pick(4));
		return;
	case 4:
		snprintf((char *)name, FDBOX_NAME_LEN, "%s", pick(2) ? "." : "..");
		return;
	default:
		len = 1 + pick(pick(2) ? 8 : FDBOX_NAME_LEN - 1);
		for (i = 0; i < len; i++)
			name[i] = pick(4) ? 'a' + pick(4) : 0x80 + pick(128);
		name[len] = '\0';
		return;
	}
}

struct fuzz {
	int ctl;
	int box[NR_BOXES];
	char names[NR_BOXES][32];
	int memfd;
	int pipe[2];
	char *guard;	/* a page followed by an unmapped one */
};

static int fuzz_fd(struct fuzz *f)
{
	switch (pick(8)) {
	case 0:
		return f->ctl;
	case 1:
		return f->box[pick(NR_BOXES)];
	case 2:
		return f->pipe[pick(2)];
	case 3:
		return -1 - pick(4);
	case 4:
		return pick(1024);
	default:
		if (f->memfd < 0)
			f->memfd = memfd_create("fuzz", pick(2) ? MFD_ALLOW_SEALING : 0);
		return f->memfd;
	}
}

static unsigned int fuzz_cmd(void)
{
	switch (pick(10)) {
	case 0:
		return rnd();
	case 1:
		return _IOC(pick(4), FDBOX_TYPE, pick(256), pick(1 << 14));
	default:
		return _IO(FDBOX_TYPE, FDBOX_BASE + pick(10));
	}
}

/* Fill @buf as a plausible, or not, argument of @cmd. */
static void fuzz_arg(struct fuzz *f, unsigned int cmd, void *buf)
{
	struct fdbox_list *l = buf;
	unsigned int i;

	if (!pick(4)) {
		for (i = 0; i < BUF_LEN / 8; i++)
			((uint64_t *)buf)[i] = rnd();
		return;
	}
	memset(buf, 0, BUF_LEN);
	switch (_IOC_NR(cmd)) {
	case 0:	/* create, delete, get: flags then name */
	case 1:
	case 3:
		*(__u64 *)buf = pick(8) ? 0 : rnd();
		if (pick(2) && _IOC_NR(cmd) != 3)
			snprintf((char *)buf + 8, FDBOX_NAME_LEN, "fuzz-%d-%u",
				 getpid(), pick(NR_BOXES * 2));
		else
			fuzz_name((__u8 *)buf + 8);
		break;
	case 2:	/* put: flags, fd, pad, name */
		*(__u64 *)buf = pick(8) ? 0 : rnd();
		((__u32 *)buf)[2] = fuzz_fd(f);
		((__u32 *)buf)[3] = pick(8) ? 0 : rnd();
		fuzz_name((__u8 *)buf + 16);
		break;
	case 6:	/* lists */
	case 7:
		l->size = pick(4) ? sizeof(*l) : pick(64);
		l->elem_size = pick(2) ? sizeof(struct fdbox_entry_info) :
			       pick(8192);
		l->count = pick(4) ? pick(8) : rnd();
		l->elems = pick(4) ? (uintptr_t)f->guard + 4096 - pick(600) :
			   rnd();
		break;
	}
}

/* All boxes, in a new array; their number in *@n. */
static struct fdbox_box_info *list_boxes(int ctl, __u32 *n)
{
	struct fdbox_box_info *b = NULL;
	__u32 room = 0;

	for (;;) {
		*n = room;
		if (fdbox_list(ctl, FDBOX_LIST_BOXES, b, sizeof(*b), n) != -ENOSPC)
			return b;
		free(b);
		room = *n;
		b = calloc(room, sizeof(*b));
		if (!b)
			return NULL;
	}
}

static void *fuzz_ptr(struct fuzz *f, void *buf)
{
	switch (pick(16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)rnd();
	case 2:
		/* Runs off the end of the mapping. */
		return f->guard + 4096 - pick(300);
	default:
		return buf;
	}
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* A bound against hangs, not a speed requirement: TCG and KASAN are slow. */
TEST_F_TIMEOUT(fuzz, ioctls, 900)
{
	static uint64_t buf[BUF_LEN / 8];
	unsigned long calls = 1000000, i, ok = 0;
	struct fdbox_box_info *before, *after;
	__u32 n_before, n_after;
	struct fuzz f = { .memfd = -1 };
	uint64_t seed;
	const char *env;
	int ret, b;

	if (getenv("FDBOX_STAGE") && atoi(getenv("FDBOX_STAGE")) > 1)
		SKIP(return, "runs once, in stage 1");

	env = getenv("FDBOX_FUZZ_SEED");
	seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ getpid();
	env = getenv("FDBOX_FUZZ_CALLS");
	if (env)
		calls = strtoul(env, NULL, 0);
	rng = seed | 1;
	ksft_print_msg("fuzz: seed %llu, %lu calls; FDBOX_FUZZ_SEED=%llu replays\n",
		       (unsigned long long)seed, calls,
		       (unsigned long long)seed);

	f.ctl = fdbox_open_ctl();
	ASSERT_GE(f.ctl, 0);
	before = list_boxes(f.ctl, &n_before);
	ASSERT_EQ(0, pipe(f.pipe));
	f.guard = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.guard);
	ASSERT_EQ(0, munmap(f.guard + 4096, 4096));
	for (b = 0; b < NR_BOXES; b++) {
		snprintf(f.names[b], sizeof(f.names[b]), "fuzz-%d-%d",
			 getpid(), b);
		ASSERT_EQ(0, fdbox_create(f.ctl, f.names[b]));
		f.box[b] = fdbox_open_box(f.names[b]);
		ASSERT_GE(f.box[b], 0);
	}

	for (i = 0; i < calls; i++) {
		unsigned int cmd = fuzz_cmd();
		int fd = pick(3) ? f.box[pick(NR_BOXES)] : f.ctl;

		fuzz_arg(&f, cmd, buf);
		ret = ioctl(fd, cmd, fuzz_ptr(&f, buf));
		if (ret >= 0)
			ok++;
		/* A GET hands out an fd: put it back or drop it. */
		if (ret > 2 && cmd == FDBOX_GET_FD && ret != f.ctl) {
			if (pick(2))
				fdbox_put(f.box[pick(NR_BOXES)], ret, "back");
			else
				close(ret);
		}
		/* A PUT took the memfd; a DELETE may have taken a box. */
		if (f.memfd >= 0 && fcntl(f.memfd, F_GETFD) < 0)
			f.memfd = -1;
	}
	ksft_print_msg("fuzz: %lu of %lu calls succeeded\n", ok, calls);

	/* Leave no box behind: unseal and delete what was not there. */
	after = list_boxes(f.ctl, &n_after);
	ksft_print_msg("fuzz: %u boxes to clean up\n", n_after - n_before);
	for (i = 0; i < n_after; i++) {
		const char *name = (char *)after[i].name;
		__u32 j;
		int box;

		for (j = 0; j < n_before; j++)
			if (!strcmp(name, (char *)before[j].name))
				break;
		if (j < n_before)
			continue;
		box = fdbox_open_box(name);
		ASSERT_GE(box, 0) TH_LOG("box '%s'", name);
		fdbox_unseal(box);
		close(box);
		EXPECT_EQ(0, fdbox_delete(f.ctl, name)) TH_LOG("box '%s'", name);
	}

	/* FDBox still works. */
	ASSERT_EQ(0, fdbox_create(f.ctl, f.names[0]));
	b = fdbox_open_box(f.names[0]);
	ASSERT_GE(b, 0);
	ret = memfd_pattern("after", 4096, 1);
	ASSERT_EQ(0, fdbox_put(b, ret, "after"));
	ret = fdbox_get(b, "after");
	ASSERT_GE(ret, 0);
	EXPECT_EQ(0, memfd_check_pattern(ret, 4096, 1));
	close(b);
	EXPECT_EQ(0, fdbox_delete(f.ctl, f.names[0]));
}

TEST_HARNESS_MAIN
