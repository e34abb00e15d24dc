// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox across a live update, part 1: runs last in the stages before the
 * live updates of the carry tests (up to CARRY_MAX_STAGES), fills boxes and
 * writes the manifest that fdbox_carry_verify_test checks in the next
 * stage.
 *
 * Stage 1 sets up every scenario; later stages keep "carry-big", which the
 * verify test re-sealed, to prove boxes survive two live updates in a row.
 * The last test sends PREPARE itself and creates a box afterwards, which
 * must not be carried; the VM runner then kexecs from PREPARED.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_carry.h"
#include "fdbox_hugetlb.h"
#include "fdbox_run.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

#define BIG_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define MIXED_ENTRIES	100

#define MANIFEST_NEW	CARRY_MANIFEST ".new"

/* Each test runs in its own process: append, and close, every time. */
static void __printf(1, 2) manifest_add(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	f = fopen(MANIFEST_NEW, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static bool last_stage(void)
{
	return fdbox_stage() >= carry_stages();
}

static int box_new(int ctl, const char *name)
{
	int err = fdbox_create(ctl, name);

	return err ? err : fdbox_open_box(name);
}

/* Runs first: start the manifest for the next stage. */
TEST(begin)
{
	FILE *old, *manifest;
	char line[512], box[FDBOX_NAME_LEN];

	if (last_stage()) {
		/* Checked already: later stages have nothing to verify. */
		unlink(CARRY_MANIFEST);
		SKIP(return, "no live update follows this stage");
	}

	/* Keep what an earlier stage set up and the verify test re-sealed. */
	old = fopen(CARRY_MANIFEST, "r");
	manifest = fopen(MANIFEST_NEW, "w");
	ASSERT_NE(NULL, manifest);
	while (old && fgets(line, sizeof(line), old)) {
		if ((sscanf(line, "box %255s carried", box) == 1 ||
		     sscanf(line, "entry %255s", box) == 1) &&
		    !strcmp(box, "carry-big") && fdbox_box_exists(box))
			fputs(line, manifest);
	}
	if (old)
		fclose(old);
	ASSERT_EQ(0, fclose(manifest));
}

/* One box, one 64 MiB memfd of random data, sealed. */
TEST(big)
{
	uint64_t seed;
	int ctl, box, fd;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	if (fdbox_box_exists("carry-big"))
		SKIP(return, "carry-big came through and was re-sealed");

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, "carry-big");
	ASSERT_GE(box, 0);
	ASSERT_EQ(sizeof(seed), getrandom(&seed, sizeof(seed), 0));
	fd = carry_memfd("big", SHAPE_RANDOM64M, seed, BIG_SEALS);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "guest-ram"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("box carry-big carried\n");
	manifest_add("entry carry-big guest-ram %d %llu %d\n",
		     SHAPE_RANDOM64M, (unsigned long long)seed, BIG_SEALS);
	close(box);
	close(ctl);
}

/* Three boxes of 100 memfds each, of every shape. */
TEST(mixed)
{
	char box_name[32], name[32];
	int ctl, box, fd, b, i;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	if (fdbox_stage() > 1)
		SKIP(return, "set up in stage 1 only");

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (b = 0; b < 3; b++) {
		snprintf(box_name, sizeof(box_name), "carry-mixed-%d", b);
		box = box_new(ctl, box_name);
		ASSERT_GE(box, 0);
		manifest_add("box %s carried\n", box_name);
		for (i = 0; i < MIXED_ENTRIES; i++) {
			enum carry_shape shape = i % SHAPE_RANDOM64M;
			unsigned int seed = b * 1000 + i;
			/*
			 * Some as MFD_NOEXEC_SEAL makes them, and some of
			 * those sealed against writes too, as an executable
			 * memfd's F_SEAL_EXEC would seal it.
			 */
			unsigned int seals = i / 5 % 5 == 4 ? F_SEAL_EXEC :
					     i / 5 % 5 == 3 ? CARRY_NOEXEC_RO :
					     0;

			snprintf(name, sizeof(name), "fd-%03d", i);
			fd = carry_memfd(name, shape, seed, seals);
			ASSERT_GE(fd, 0);
			ASSERT_EQ(0, fdbox_put(box, fd, name));
			manifest_add("entry %s %s %d %u %u\n", box_name,
				     name, shape, seed, seals);
		}
		ASSERT_EQ(0, fdbox_seal(box));
		close(box);
	}
	close(ctl);
}

/* What the tenant does, unprivileged, with its node; 0 if as expected. */
struct delegate_fill {
	uint64_t seed[CARRY_DELEGATE_ENTRIES];
};

static int delegate_fill(void *arg)
{
	const struct delegate_fill *d = arg;
	int box, other, fd, again, huge, i;
	char name[16];

	box = open(CARRY_DELEGATE_NODE, O_RDWR);
	other = fdbox_open_box(CARRY_DELEGATE "-2");
	if (box < 0 || other < 0)
		return 1;
	for (i = 0; i < CARRY_DELEGATE_ENTRIES; i++) {
		fd = carry_memfd("tenant", SHAPE_2M, d->seed[i], 0);
		snprintf(name, sizeof(name), "t%d", i);
		if (fd < 0 || fdbox_put(box, dup(fd), name))
			return 2;
		/*
		 * The same memfd again, in its other box or here: PUT takes
		 * it, SEAL does not (see below for the other box).
		 */
		if (fdbox_put(other, dup(fd), name))
			return 3;
		if (i == 0) {
			if (fdbox_put(box, dup(fd), "again") ||
			    fdbox_seal(box) != -EALREADY)
				return 3;
			again = fdbox_get(box, "again");
			if (again < 0)
				return 3;
			close(again);
		}
		close(fd);
	}
	/* 2 TiB of holes: PREPARE would allocate them all. */
	huge = memfd_create("huge", 0);
	if (huge < 0 || ftruncate(huge, 2ULL << 40) ||
	    fdbox_put(other, huge, "huge") != -EFBIG ||
	    fdbox_put(box, huge, "huge") != -EFBIG)
		return 4;
	/* One more than the operator allows. */
	if (ftruncate(huge, 4096) || fdbox_put(box, huge, "t9") != -ENOSPC)
		return 5;
	/* Its limits are not its own to raise. */
	if (fdbox_sysfs_write(CARRY_DELEGATE, "max_entries", "99") != -EACCES)
		return 6;
	if (fdbox_seal(box))
		return 7;
	/* Its files are held by the sealed box now. */
	if (fdbox_seal(other) != -EALREADY)
		return 8;
	return 0;
}

/*
 * A tenant with a box of its own (and a second, left unsealed) tries what
 * would stop the live update of the whole host: one memfd under two names
 * and in two boxes (SEAL refuses it), a huge sparse memfd, more entries than
 * its operator allows (PUT refuses those); the box it sealed is carried
 * with its limits.
 */
TEST(delegate)
{
	struct delegate_fill d;
	struct stat st;
	char buf[32];
	int ctl, i;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	if (fdbox_stage() > 1)
		SKIP(return, "set up in stage 1 only");

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, fdbox_create(ctl, CARRY_DELEGATE));
	ASSERT_EQ(0, fdbox_create(ctl, CARRY_DELEGATE "-2"));
	snprintf(buf, sizeof(buf), "%d", CARRY_DELEGATE_ENTRIES);
	ASSERT_EQ(0, fdbox_sysfs_write(CARRY_DELEGATE, "max_entries", buf));
	snprintf(buf, sizeof(buf), "%lu", CARRY_DELEGATE_BYTES);
	ASSERT_EQ(0, fdbox_sysfs_write(CARRY_DELEGATE, "max_bytes", buf));
	ASSERT_EQ(0, stat(FDBOX_DIR "/" CARRY_DELEGATE, &st));
	unlink(CARRY_DELEGATE_NODE);
	ASSERT_EQ(0, mknod(CARRY_DELEGATE_NODE, S_IFCHR | 0600, st.st_rdev));
	ASSERT_EQ(0, chown(CARRY_DELEGATE_NODE, CARRY_DELEGATE_UID,
			   CARRY_DELEGATE_UID));
	ASSERT_EQ(0, chown(FDBOX_DIR "/" CARRY_DELEGATE "-2",
			   CARRY_DELEGATE_UID, CARRY_DELEGATE_UID));

	for (i = 0; i < CARRY_DELEGATE_ENTRIES; i++)
		ASSERT_EQ(sizeof(d.seed[i]),
			  getrandom(&d.seed[i], sizeof(d.seed[i]), 0));
	ASSERT_EQ(0, fdbox_as_user(CARRY_DELEGATE_UID, delegate_fill, &d));

	manifest_add("box " CARRY_DELEGATE "-2 absent\n");
	manifest_add("delegate " CARRY_DELEGATE " %d %lu\n",
		     CARRY_DELEGATE_ENTRIES, CARRY_DELEGATE_BYTES);
	for (i = 0; i < CARRY_DELEGATE_ENTRIES; i++)
		manifest_add("entry " CARRY_DELEGATE " t%d %d %llu 0\n", i,
			     SHAPE_2M, (unsigned long long)d.seed[i]);
	close(ctl);
}

/* A box left unsealed is not carried. */
TEST(unsealed)
{
	int ctl, box, fd;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, "carry-unsealed");
	ASSERT_GE(box, 0);
	fd = carry_memfd("u", SHAPE_PAGE, 7, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "u"));
	manifest_add("box carry-unsealed absent\n");
	close(box);
	close(ctl);
}

/* A sealed box that nobody unseals after the update: FINISH drops it. */
TEST(unclaimed)
{
	int ctl, box, fd;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, "carry-unclaimed");
	ASSERT_GE(box, 0);
	fd = carry_memfd("unclaimed", SHAPE_2M, 99, 0);
	ASSERT_GE(fd, 0);
	/* 64 MiB: far above the tolerance of the check after FINISH. */
	ASSERT_EQ(0, ftruncate(fd, 64 * MiB));
	ASSERT_EQ(0, fallocate(fd, 0, 0, 64 * MiB));
	ASSERT_EQ(0, fdbox_put(box, fd, "cache"));
	/* Huge pages never taken back join the next kernel's pool at FINISH. */
	fd = huge_memfd("unclaimed-huge", CARRY_UNCLAIMED_HUGE_PAGES, 98);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "huge-cache"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("unclaimed carry-unclaimed %lu\n", 64 * MiB);
	close(box);
	close(ctl);
}

/* See CARRY_UNSEAL_FAILS_BOX. */
TEST(unseal_fails)
{
	int ctl, box, fd;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, CARRY_UNSEAL_FAILS_BOX);
	ASSERT_GE(box, 0);
	/* Its unseal fails once ('V'); the tag names it after the update. */
	fd = memfd_create("fdbox-test-unseal-fails", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(12, write(fd, "-Vfdbox-test", 12));
	ASSERT_EQ(0, fdbox_put(box, fd, "f"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("unseal-fails " CARRY_UNSEAL_FAILS_BOX "\n");
	close(box);
	close(ctl);
}

/*
 * A memfd of 2 MiB pages, as a VM's guest memory on most hosts: the next
 * stage checks its contents, frames, size, position and seals, and the
 * pool's counters around it.
 */
TEST(hugetlb)
{
	/* The record: the pattern's seed, then the frames. */
	uint64_t rec[1 + CARRY_HUGE_PAGES];
	int ctl, box, fd;

	unlink(CARRY_HUGE_RECORD);
	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, CARRY_HUGE_BOX);
	ASSERT_GE(box, 0);
	ASSERT_EQ(sizeof(rec[0]), getrandom(&rec[0], sizeof(rec[0]), 0));
	fd = huge_memfd("guest-ram", CARRY_HUGE_PAGES, rec[0]);
	ASSERT_GE(fd, 0) TH_LOG("the VM boots with hugepages=%d", HUGE_POOL);
	ASSERT_EQ(0, huge_check(fd, CARRY_HUGE_PAGES, rec[0], rec + 1));
	/* F_SEAL_EXEC on a file that is not executable: see CARRY_HUGE_SEALS. */
	ASSERT_EQ(0, fchmod(fd, 0666));
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, CARRY_HUGE_SEALS));
	ASSERT_EQ(CARRY_HUGE_POS, lseek(fd, CARRY_HUGE_POS, SEEK_SET));
	ASSERT_EQ(0, fdbox_put(box, fd, "ram"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("huge %s\n", CARRY_HUGE_BOX);

	ASSERT_EQ(0, huge_record_write(CARRY_HUGE_RECORD, rec,
				       ARRAY_SIZE(rec)));
	close(box);
	close(ctl);
}

/*
 * Sealed boxes of a few pages each, for the next stage to UNSEAL while
 * FINISH drops the incoming boxes nobody unsealed.
 */
TEST(race)
{
	char box_name[32], name[16];
	int ctl, box, fd, b, e;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (b = 0; b < CARRY_RACE_BOXES; b++) {
		snprintf(box_name, sizeof(box_name), "carry-race-%02d", b);
		box = box_new(ctl, box_name);
		ASSERT_GE(box, 0);
		for (e = 0; e < CARRY_RACE_ENTRIES; e++) {
			snprintf(name, sizeof(name), "r%d", e);
			fd = memfd_pattern(name, 4096, carry_race_seed(b, e));
			ASSERT_GE(fd, 0);
			ASSERT_EQ(0, fdbox_put(box, fd, name));
		}
		ASSERT_EQ(0, fdbox_seal(box));
		close(box);
		manifest_add("race %s\n", box_name);
	}
	close(ctl);
}

/*
 * Nodes for a carried box and for a box deleted before the live update; a
 * new box must not get the deleted one's device number in either kernel.
 */
TEST(nodes)
{
	struct stat kept, gone;
	int ctl;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ASSERT_EQ(0, stat(FDBOX_DIR "/carry-big", &kept));
	unlink(CARRY_NODE_KEPT);
	ASSERT_EQ(0, mknod(CARRY_NODE_KEPT, S_IFCHR | 0600, kept.st_rdev));

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, fdbox_create(ctl, "carry-node-gone"));
	ASSERT_EQ(0, stat(FDBOX_DIR "/carry-node-gone", &gone));
	unlink(CARRY_NODE_GONE);
	ASSERT_EQ(0, mknod(CARRY_NODE_GONE, S_IFCHR | 0600, gone.st_rdev));
	ASSERT_EQ(0, fdbox_delete(ctl, "carry-node-gone"));
	/* The next box of this kernel gets another number already. */
	ASSERT_EQ(0, fdbox_create(ctl, "carry-node-gone"));
	EXPECT_EQ(-1, open(CARRY_NODE_GONE, O_RDWR));
	EXPECT_EQ(ENXIO, errno);
	ASSERT_EQ(0, fdbox_delete(ctl, "carry-node-gone"));
	close(ctl);
	manifest_add("node carry-big %s\n", CARRY_NODE_KEPT);
	manifest_add("node - %s\n", CARRY_NODE_GONE);
}

/* What an operator types: fdboxctl create, put, seal. */
TEST(fdboxctl)
{
	char data[5000], out[256];
	int fd, i;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = 'a' + i % 26;
	fd = open(CARRY_CTL_SRC, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(sizeof(data), write(fd, data, sizeof(data)));
	close(fd);

	ASSERT_EQ(0, CARRY_CTL(out, "create", "carry-ctl"));
	ASSERT_EQ(0, CARRY_CTL(out, "put", "carry-ctl", "config",
			       "--from-file", CARRY_CTL_SRC));
	ASSERT_EQ(0, CARRY_CTL(out, "seal", "carry-ctl"));
	manifest_add("ctl carry-ctl config\n");
}

/*
 * While PREPARED a carried box refuses every change; CANCEL makes it a
 * plain sealed box again, whose files are intact; sealed again, it is
 * carried by the next PREPARE.
 */
TEST(cancel)
{
	int ctl, box, luo, fd, other;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	luo = luo_open();
	if (luo == -ENOENT) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s", LUO_DEV);
		SKIP(return, "no %s", LUO_DEV);
	}
	ASSERT_GE(luo, 0);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, "carry-cancel");
	ASSERT_GE(box, 0);
	fd = carry_memfd("a", SHAPE_2M, 31, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "a"));
	ASSERT_EQ(0, fdbox_seal(box));

	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	other = carry_memfd("b", SHAPE_PAGE, 32, 0);
	ASSERT_GE(other, 0);
	EXPECT_EQ(-EBUSY, fdbox_put(box, other, "b"));
	EXPECT_EQ(-EBUSY, fdbox_get(box, "a"));
	EXPECT_EQ(-EBUSY, fdbox_seal(box));
	EXPECT_EQ(-EBUSY, fdbox_unseal(box));
	EXPECT_EQ(-EBUSY, fdbox_delete(ctl, "carry-cancel"));
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));

	ASSERT_EQ(0, fdbox_unseal(box));
	fd = fdbox_get(box, "a");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, carry_check(fd, SHAPE_2M, 31, 0));
	/* Usable again: it grows. */
	EXPECT_EQ(0, ftruncate(fd, 3 * MiB));
	EXPECT_EQ(0, ftruncate(fd, 2 * MiB));

	ASSERT_EQ(0, fdbox_put(box, fd, "a"));
	ASSERT_EQ(0, fdbox_put(box, other, "b"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("box carry-cancel carried\n");
	manifest_add("entry carry-cancel a %d 31 0\n", SHAPE_2M);
	manifest_add("entry carry-cancel b %d 32 0\n", SHAPE_PAGE);
	close(box);
	close(ctl);
	close(luo);
}

static int pos_fd = -1;

static void pos_move(int sig)
{
	int fd;

	lseek(pos_fd, CARRY_POS_AT_FREEZE, SEEK_SET);
	fd = open(CARRY_POS_MOVED, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	close(fd);
}

/*
 * A memfd put into a sealed box while another process keeps a descriptor
 * of the same open file: PREPARE freezes it at one position, the holder
 * moves it (see prepare_then_late_box), and FREEZE must take it again.
 */
TEST(position)
{
	char buf[3 * 4096];
	int ctl, box, fd, i;
	pid_t pid;
	FILE *f;

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, CARRY_POS_BOX);
	ASSERT_GE(box, 0);
	fd = memfd_create("pos", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	memset(buf, 'p', sizeof(buf));
	ASSERT_EQ(sizeof(buf), write(fd, buf, sizeof(buf)));
	ASSERT_EQ(CARRY_POS_AT_PREPARE, lseek(fd, CARRY_POS_AT_PREPARE,
					      SEEK_SET));
	unlink(CARRY_POS_MOVED);
	unlink(CARRY_POS_PID);

	/* The holder: a daemon that lives until the kexec. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (fork())
			_exit(0);
		setsid();
		for (i = 0; i < 1024; i++)
			if (i != fd)
				close(i);
		pos_fd = fd;
		signal(SIGUSR1, pos_move);
		f = fopen(CARRY_POS_PID ".new", "w");
		if (!f)
			_exit(1);
		fprintf(f, "%d\n", getpid());
		fclose(f);
		rename(CARRY_POS_PID ".new", CARRY_POS_PID);
		for (;;)
			pause();
	}
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_EQ(0, fdbox_put(box, fd, "pos"));
	ASSERT_EQ(0, fdbox_seal(box));
	manifest_add("pos " CARRY_POS_BOX "\n");
	close(box);
	close(ctl);
}

/* After PREPARE: the daemon of "position" moves the file. */
static void pos_move_after_prepare(struct __test_metadata *_metadata)
{
	int pid = 0, i;
	FILE *f;

	for (i = 0; i < 100 && access(CARRY_POS_PID, R_OK); i++)
		usleep(100000);
	f = fopen(CARRY_POS_PID, "r");
	ASSERT_NE(NULL, f) TH_LOG("no %s", CARRY_POS_PID);
	ASSERT_EQ(1, fscanf(f, "%d", &pid));
	fclose(f);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	for (i = 0; i < 100 && access(CARRY_POS_MOVED, F_OK); i++)
		usleep(100000);
	ASSERT_EQ(0, access(CARRY_POS_MOVED, F_OK));
}

/*
 * Runs last: PREPARE, then a box created and sealed afterwards, which is
 * not carried. The runner kexecs from PREPARED.
 */
TEST(prepare_then_late_box)
{
	int ctl, box, luo, fd;
	char out[256];

	if (last_stage())
		SKIP(return, "no live update follows this stage");
	luo = luo_open();
	if (luo == -ENOENT) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s", LUO_DEV);
		SKIP(return, "no %s", LUO_DEV);
	}
	ASSERT_GE(luo, 0);

	manifest_add("box carry-late absent\n");
	ASSERT_EQ(0, rename(MANIFEST_NEW, CARRY_MANIFEST));

	/* As an operator would: fdboxctl prepare (it needs /dev/liveupdate). */
	close(luo);
	ASSERT_EQ(0, CARRY_CTL(out, "prepare"));
	if (!access(CARRY_POS_PID, F_OK) || !fdbox_tests_selected())
		pos_move_after_prepare(_metadata);
	luo = luo_open();
	ASSERT_GE(luo, 0);
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	box = box_new(ctl, "carry-late");
	ASSERT_GE(box, 0);
	fd = carry_memfd("late", SHAPE_PAGE, 5, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "late"));
	ASSERT_EQ(0, fdbox_seal(box));
	EXPECT_EQ(LIVEUPDATE_STATE_PREPARED, luo_get_state(luo));
	close(box);
	close(ctl);
	close(luo);
}

TEST_HARNESS_MAIN
