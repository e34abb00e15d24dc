// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox selftests: the UAPI of /dev/fdbox in a single kernel.
 *
 * Every test works on boxes it created itself, named after its pid, so that
 * it can run next to other users of FDBox.
 */

#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fdbox.h>
#include <linux/fs.h>

#include "fdbox_hugetlb.h"
#include "fdbox_run.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

/* The RFC ABI, bit for bit. */
static_assert(FDBOX_CREATE_BOX == 0x2e00, "FDBOX_CREATE_BOX");
static_assert(FDBOX_DELETE_BOX == 0x2e01, "FDBOX_DELETE_BOX");
static_assert(FDBOX_PUT_FD == 0x2e02, "FDBOX_PUT_FD");
static_assert(FDBOX_GET_FD == 0x2e03, "FDBOX_GET_FD");
static_assert(FDBOX_SEAL == 0x2e04, "FDBOX_SEAL");
static_assert(FDBOX_UNSEAL == 0x2e05, "FDBOX_UNSEAL");
static_assert(sizeof(struct fdbox_create_box) == 264, "create_box size");
static_assert(sizeof(struct fdbox_delete_box) == 264, "delete_box size");
static_assert(sizeof(struct fdbox_put_fd) == 272, "put_fd size");
static_assert(sizeof(struct fdbox_get_fd) == 264, "get_fd size");
static_assert(FDBOX_LIST_BOXES == 0x2e06, "FDBOX_LIST_BOXES");
static_assert(FDBOX_LIST_ENTRIES == 0x2e07, "FDBOX_LIST_ENTRIES");
static_assert(sizeof(struct fdbox_list) == 24, "list size");
static_assert(sizeof(struct fdbox_box_info) == 264, "box_info size");
static_assert(sizeof(struct fdbox_entry_info) == 304, "entry_info size");

#define MiB (1024UL * 1024)

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * /dev/liveupdate, or a negative errno if the kernel was built without live
 * update; a kernel built with it and without the device fails the test.
 */
static int luo_open_checked(struct __test_metadata *_metadata)
{
	int luo = luo_open();

	if (luo < 0)
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s: %s", LUO_DEV, strerror(-luo));
	return luo;
}

FIXTURE(fdbox) {
	int ctl;
	int box;
	char name[64];
};

FIXTURE_SETUP(fdbox)
{
	self->ctl = fdbox_open_ctl();
	ASSERT_GE(self->ctl, 0) TH_LOG("cannot open %s: %s", FDBOX_CTL_PATH,
				       strerror(errno));
	snprintf(self->name, sizeof(self->name), "selftest-%d", getpid());
	ASSERT_EQ(0, fdbox_create(self->ctl, self->name));
	self->box = fdbox_open_box(self->name);
	ASSERT_GE(self->box, 0);
}

#define BUDGET_MAX_BOXES	16
#define BUDGET_KNOB		"/sys/kernel/debug/fdbox/carry_max"
/* FDBOX_CARRY_MAX, and the 4 MiB the test lowers it to. */
#define BUDGET_DEFAULT		"134217728"
#define BUDGET_TEST		"4194304"
static bool budget_lowered;
#define USED_KNOB		"/sys/kernel/debug/fdbox/carry_used"
/* The test handler's: SEALs waiting in its hook go on (see fdbox_test.c). */
#define STALL_KNOB		"/sys/kernel/debug/fdbox_test/stall"

/* Unseal and delete box @name if a test left it. */
static void box_leftover(int ctl, const char *name)
{
	int box = fdbox_open_box(name);

	if (box < 0)
		return;
	fdbox_unseal(box);
	close(box);
	fdbox_delete(ctl, name);
}

FIXTURE_TEARDOWN(fdbox)
{
	char name[96];
	int b;

	/* A test that failed may have left a SEAL waiting in the test hook. */
	if (!access(STALL_KNOB, W_OK))
		fdbox_write_file(STALL_KNOB, "1");
	if (self->box >= 0) {
		fdbox_unseal(self->box);
		close(self->box);
	}
	fdbox_delete(self->ctl, self->name);
	/* The second box of some tests: a sealed one would be carried. */
	snprintf(name, sizeof(name), "%s-other", self->name);
	box_leftover(self->ctl, name);
	/* What a failed carry_budget left would fill the next live update. */
	if (budget_lowered && !fdbox_write_file(BUDGET_KNOB, BUDGET_DEFAULT))
		budget_lowered = false;
	for (b = 0; b < BUDGET_MAX_BOXES; b++) {
		snprintf(name, sizeof(name), "%s-b%d", self->name, b);
		box_leftover(self->ctl, name);
	}
	close(self->ctl);
}

TEST_F(fdbox, box_node)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);

	ASSERT_EQ(0, stat(FDBOX_CTL_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(fdbox, delete_removes_node)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, fdbox_delete(self->ctl, self->name));
	EXPECT_EQ(-1, stat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	/* An fd still open on the deleted box is dead, not dangling. */
	EXPECT_EQ(-ENODEV, fdbox_seal(self->box));
	EXPECT_EQ(-ENODEV, fdbox_get(self->box, "x"));
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, self->name));
	/* The name is free again. */
	ASSERT_EQ(0, fdbox_create(self->ctl, self->name));
}

/*
 * A node made with mknod for a box, as a container runtime delegates one,
 * outlives the box: it must not open the boxes created after it.
 */
TEST_F(fdbox, stale_node)
{
	char path[PATH_MAX], node[64], name[80];
	struct stat box_st, st;
	int i;

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, stat(path, &box_st));
	snprintf(node, sizeof(node), "/tmp/fdbox-node-%d", getpid());
	ASSERT_EQ(0, mknod(node, S_IFCHR | 0600, box_st.st_rdev));
	/* An open fd keeps the box, and its number, until it is closed. */
	close(self->box);
	self->box = -1;
	ASSERT_EQ(0, fdbox_delete(self->ctl, self->name));

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "%s-%d", self->name, i);
		ASSERT_EQ(0, fdbox_create(self->ctl, name));
		snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_NE(box_st.st_rdev, st.st_rdev) TH_LOG("box %s", name);
	}
	EXPECT_EQ(-1, open(node, O_RDWR));
	EXPECT_EQ(ENXIO, errno);
	/* Nor may the name, created again, take the number back. */
	ASSERT_EQ(0, fdbox_create(self->ctl, self->name));
	EXPECT_EQ(-1, open(node, O_RDWR));
	EXPECT_EQ(ENXIO, errno);

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "%s-%d", self->name, i);
		EXPECT_EQ(0, fdbox_delete(self->ctl, name));
	}
	unlink(node);
}

TEST_F(fdbox, put_get_roundtrip)
{
	struct stat before, after;
	int mfd, fd, fd2;

	mfd = memfd_pattern("guest-ram", MiB + 123, 42);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, fstat(mfd, &before));
	fd2 = dup(mfd);
	ASSERT_GE(fd2, 0);

	ASSERT_EQ(0, fdbox_put(self->box, mfd, "guest-ram"));
	/* PUT takes the fd out of the caller's table. */
	EXPECT_FALSE(fd_is_open(mfd));

	fd = fdbox_get(self->box, "guest-ram");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, fstat(fd, &after));
	EXPECT_EQ(before.st_ino, after.st_ino);
	EXPECT_EQ(before.st_dev, after.st_dev);
	EXPECT_EQ(before.st_size, after.st_size);
	EXPECT_TRUE(same_file(fd, fd2));
	EXPECT_EQ(0, memfd_check_pattern(fd, MiB + 123, 42));

	/* GET takes the entry out of the box. */
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "guest-ram"));
	close(fd);
	close(fd2);
}

TEST_F(fdbox, many_entries)
{
	const int n = 1000;
	char name[32];
	int i, fd;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		fd = memfd_pattern(name, 64, i);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fdbox_put(self->box, fd, name));
	}
	ASSERT_EQ(0, fdbox_seal(self->box));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	/* Take them back in another order than they went in. */
	for (i = n - 1; i >= 0; i -= 2) {
		snprintf(name, sizeof(name), "e%d", i);
		fd = fdbox_get(self->box, name);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(0, memfd_check_pattern(fd, 64, i));
		close(fd);
	}
	for (i = 0; i < n; i += 2) {
		snprintf(name, sizeof(name), "e%d", i);
		fd = fdbox_get(self->box, name);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(0, memfd_check_pattern(fd, 64, i));
		close(fd);
	}
}

TEST_F(fdbox, seal_unseal)
{
	int mfd, other, fd;

	mfd = memfd_pattern("a", 4096, 1);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "a"));
	ASSERT_EQ(0, fdbox_seal(self->box));

	/* A sealed box refuses PUT and GET, and a second SEAL. */
	other = memfd_pattern("b", 4096, 2);
	ASSERT_GE(other, 0);
	EXPECT_EQ(-EBUSY, fdbox_put(self->box, other, "b"));
	EXPECT_TRUE(fd_is_open(other));
	EXPECT_EQ(-EBUSY, fdbox_get(self->box, "a"));
	EXPECT_EQ(-EBUSY, fdbox_seal(self->box));

	/* ... and DELETE. */
	EXPECT_EQ(-EBUSY, fdbox_delete(self->ctl, self->name));

	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(-EINVAL, fdbox_unseal(self->box));

	/* Nothing was lost or added while sealed. */
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "b"));
	fd = fdbox_get(self->box, "a");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 4096, 1));
	close(fd);
	close(other);
}

TEST_F(fdbox, seal_empty_box)
{
	EXPECT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(0, fdbox_unseal(self->box));
}

TEST_F(fdbox, bad_box_names)
{
	struct fdbox_create_box c;
	struct fdbox_delete_box d;
	static const char * const bad[] = {
		"", "fdbox", ".", "..", "a/b", "/", "trailing/",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, fdbox_create(self->ctl, bad[i]))
			TH_LOG("name '%s'", bad[i]);
		EXPECT_EQ(-EINVAL, fdbox_delete(self->ctl, bad[i]))
			TH_LOG("name '%s'", bad[i]);
	}

	/* 256 bytes, no NUL. */
	memset(&c, 'x', sizeof(c));
	c.flags = 0;
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_CREATE_BOX, &c));
	EXPECT_EQ(EINVAL, errno);
	memset(&d, 'x', sizeof(d));
	d.flags = 0;
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_DELETE_BOX, &d));
	EXPECT_EQ(EINVAL, errno);

	/* 255 characters and a NUL is fine. */
	memset(&c, 'y', sizeof(c));
	c.flags = 0;
	c.name[FDBOX_NAME_LEN - 1] = 0;
	ASSERT_EQ(0, ioctl(self->ctl, FDBOX_CREATE_BOX, &c));
	memcpy(d.name, c.name, sizeof(d.name));
	EXPECT_EQ(0, ioctl(self->ctl, FDBOX_DELETE_BOX, &d));
}

TEST_F(fdbox, bad_entry_names)
{
	static const char * const bad[] = { "", "a/b", "/" };
	struct fdbox_put_fd p;
	struct fdbox_get_fd g;
	unsigned int i;
	int mfd;

	mfd = memfd_pattern("m", 4096, 3);
	ASSERT_GE(mfd, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, fdbox_put(self->box, mfd, bad[i]))
			TH_LOG("name '%s'", bad[i]);
		EXPECT_TRUE(fd_is_open(mfd));
		EXPECT_EQ(-EINVAL, fdbox_get(self->box, bad[i]));
	}

	memset(&p, 'x', sizeof(p));
	p.flags = 0;
	p.fd = mfd;
	p.pad = 0;
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_PUT_FD, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(fd_is_open(mfd));

	memset(&g, 'x', sizeof(g));
	g.flags = 0;
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_GET_FD, &g));
	EXPECT_EQ(EINVAL, errno);

	/* The box is still empty and usable. */
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "ok"));
	mfd = fdbox_get(self->box, "ok");
	ASSERT_GE(mfd, 0);
	close(mfd);
}

TEST_F(fdbox, duplicate_box)
{
	EXPECT_EQ(-EEXIST, fdbox_create(self->ctl, self->name));
	/* The existing box is untouched. */
	EXPECT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(0, fdbox_unseal(self->box));
}

TEST_F(fdbox, delete_missing)
{
	char name[80];

	snprintf(name, sizeof(name), "%s-missing", self->name);
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, name));
}

TEST_F(fdbox, put_bad_fd)
{
	int fd;

	fd = memfd_pattern("c", 4096, 4);
	ASSERT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(-EBADF, fdbox_put(self->box, fd, "closed"));
	EXPECT_EQ(-EBADF, fdbox_put(self->box, -1, "minus-one"));
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "closed"));
}

TEST_F(fdbox, put_unsupported)
{
	char path[] = "/tmp/fdbox-regular-XXXXXX";
	int p[2], reg;

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EOPNOTSUPP, fdbox_put(self->box, p[0], "pipe"));
	EXPECT_TRUE(fd_is_open(p[0]));
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "pipe"));

	/* A regular, linked file, even on tmpfs, is not a memfd. */
	reg = mkstemp(path);
	ASSERT_GE(reg, 0);
	EXPECT_EQ(-EOPNOTSUPP, fdbox_put(self->box, reg, "regular"));
	EXPECT_TRUE(fd_is_open(reg));
	unlink(path);

	/* Nor is a box device itself. */
	EXPECT_EQ(-EOPNOTSUPP, fdbox_put(self->box, self->box, "self"));
	EXPECT_TRUE(fd_is_open(self->box));

	close(reg);
	close(p[0]);
	close(p[1]);
}

/*
 * A memfd of huge pages goes in a box and comes out whole; while its box is
 * sealed, its size and its pages are fixed (hugetlb_luo preserves what
 * SEAL checked), and the pool's counters do not move.
 */
TEST_F(fdbox, hugetlb)
{
	struct fdbox_entry_info info;
	struct huge_counts before, c;
	__u32 count = 1;
	int mfd, other, fd, luo;

	huge_counts(&before);
	ASSERT_TRUE(huge_counts_agree(&before));
	ASSERT_GE(before.free, 4) TH_LOG("the VM boots with hugepages=%d",
					 HUGE_POOL);
	mfd = huge_memfd("huge", 2, 7);
	ASSERT_GE(mfd, 0);
	other = dup(mfd);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "huge"));
	ASSERT_EQ(0, fdbox_list(self->box, FDBOX_LIST_ENTRIES, &info,
				sizeof(info), &count));
	EXPECT_STREQ("memfd-hugetlb", (char *)info.type);
	EXPECT_EQ(2 * HUGE_SIZE, info.size);
	ASSERT_EQ(0, fdbox_seal(self->box));

	/* Another holder of the file can resize it or fallocate no more. */
	EXPECT_EQ(-1, ftruncate(other, 4 * HUGE_SIZE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(other, HUGE_SIZE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(other, 0, 0, 4 * HUGE_SIZE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(other, FALLOC_FL_PUNCH_HOLE |
				FALLOC_FL_KEEP_SIZE, 0, HUGE_SIZE));
	EXPECT_EQ(EPERM, errno);
	/* A writable mapping past the end would grow it. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4 * HUGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, other, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(2 * HUGE_SIZE, lseek(other, 0, SEEK_END));
	EXPECT_EQ(0, huge_check(other, 2, 7, NULL));
	huge_counts(&c);
	EXPECT_EQ(before.total, c.total);
	EXPECT_EQ(before.free - 2, c.free);

	/*
	 * PREPARE preserves the file through hugetlb_luo, which freezes it
	 * too; CANCEL lifts that freeze only, and unpins its pages.
	 */
	luo = luo_open_checked(_metadata);
	if (luo >= 0) {
		ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
		EXPECT_EQ(-1, ftruncate(other, 4 * HUGE_SIZE));
		ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));
		EXPECT_EQ(-1, ftruncate(other, 4 * HUGE_SIZE));
		EXPECT_EQ(EPERM, errno);
		close(luo);
	}

	/* UNSEAL lifts the freeze; the file is intact. */
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(0, ftruncate(other, 3 * HUGE_SIZE));
	EXPECT_EQ(0, ftruncate(other, 2 * HUGE_SIZE));
	close(other);
	fd = fdbox_get(self->box, "huge");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, huge_check(fd, 2, 7, NULL));
	close(fd);

	/* Every page back in the pool. */
	huge_counts(&c);
	EXPECT_TRUE(huge_counts_agree(&c));
	EXPECT_EQ(before.total, c.total);
	EXPECT_EQ(before.free, c.free);
	EXPECT_EQ(before.rsvd, c.rsvd);

	/* A memfd of 1 GiB pages is boxed as well (fdbox_gigantic_*_test). */
	mfd = memfd_create("gigantic", MFD_HUGETLB | MFD_HUGE_1GB);
	ASSERT_GE(mfd, 0) TH_LOG("no 1 GiB huge page size: %s",
				 strerror(errno));
	EXPECT_EQ(0, fdbox_put(self->box, mfd, "gigantic"));
	EXPECT_FALSE(fd_is_open(mfd));
	fd = fdbox_get(self->box, "gigantic");
	EXPECT_GE(fd, 0);
	close(fd);
}

TEST_F(fdbox, duplicate_entry)
{
	int a, b, fd;

	a = memfd_pattern("a", 8192, 5);
	b = memfd_pattern("b", 8192, 6);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(0, fdbox_put(self->box, a, "same"));
	EXPECT_EQ(-EEXIST, fdbox_put(self->box, b, "same"));
	EXPECT_TRUE(fd_is_open(b));

	fd = fdbox_get(self->box, "same");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 8192, 5));
	EXPECT_FALSE(same_file(fd, b));
	close(fd);
	close(b);
}

/*
 * A live update preserves an inode once: one file in two entries of sealed
 * boxes, in one box or two, would make every PREPARE fail. SEAL refuses
 * the second; unsealed boxes, which are not carried, may share a file.
 */
TEST_F(fdbox, same_file_twice)
{
	char other[80], path[64];
	int mfd, dup1, reopened, box2, fd;

	snprintf(other, sizeof(other), "%s-other", self->name);
	ASSERT_EQ(0, fdbox_create(self->ctl, other));
	box2 = fdbox_open_box(other);
	ASSERT_GE(box2, 0);

	mfd = memfd_pattern("twice", 8192, 7);
	ASSERT_GE(mfd, 0);
	dup1 = dup(mfd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	reopened = open(path, O_RDWR);
	ASSERT_GE(dup1, 0);
	ASSERT_GE(reopened, 0);

	/* The same open file twice in one box: the box cannot be sealed. */
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "first"));
	ASSERT_EQ(0, fdbox_put(self->box, dup1, "second"));
	EXPECT_EQ(-EALREADY, fdbox_seal(self->box));
	/* Left as it was: unsealed, both entries there. */
	fd = fdbox_get(self->box, "second");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fdbox_seal(self->box));

	/* Another open file on the inode, in another box. */
	ASSERT_EQ(0, fdbox_put(box2, reopened, "second"));
	EXPECT_EQ(-EALREADY, fdbox_seal(box2));
	/* Left unsealed: PUT and GET still work there. */
	ASSERT_EQ(0, fdbox_put(box2, fd, "third"));
	fd = fdbox_get(box2, "third");
	ASSERT_GE(fd, 0);
	/* Once the first box is unsealed, the other may be sealed. */
	ASSERT_EQ(0, fdbox_unseal(self->box));
	ASSERT_EQ(0, fdbox_seal(box2));
	EXPECT_EQ(-EALREADY, fdbox_seal(self->box));

	/* Its sealed entry holds the inode until UNSEAL. */
	ASSERT_EQ(-EBUSY, fdbox_delete(self->ctl, other));
	ASSERT_EQ(0, fdbox_unseal(box2));
	ASSERT_EQ(0, fdbox_seal(box2));
	ASSERT_EQ(0, fdbox_unseal(box2));
	ASSERT_EQ(0, fdbox_delete(self->ctl, other));
	ASSERT_EQ(0, fdbox_seal(self->box));
	ASSERT_EQ(0, fdbox_unseal(self->box));

	close(fd);
	fd = fdbox_get(self->box, "first");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 8192, 7));
	close(fd);
	close(box2);
}

TEST_F(fdbox, get_missing)
{
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "nothing-here"));
}

TEST_F(fdbox, unknown_flags)
{
	struct fdbox_create_box c = { .flags = 1 };
	struct fdbox_delete_box d = { .flags = 1ULL << 63 };
	struct fdbox_put_fd p = { .flags = 2 };
	struct fdbox_get_fd g = { .flags = 4 };
	int mfd, fd;

	strcpy((char *)c.name, "flags-box");
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_CREATE_BOX, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, "flags-box"));

	strcpy((char *)d.name, self->name);
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_DELETE_BOX, &d));
	EXPECT_EQ(EINVAL, errno);

	mfd = memfd_pattern("f", 4096, 7);
	ASSERT_GE(mfd, 0);
	p.fd = mfd;
	strcpy((char *)p.name, "f");
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_PUT_FD, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(fd_is_open(mfd));

	ASSERT_EQ(0, fdbox_put(self->box, mfd, "f"));
	strcpy((char *)g.name, "f");
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_GET_FD, &g));
	EXPECT_EQ(EINVAL, errno);
	/* Still in the box. */
	fd = fdbox_get(self->box, "f");
	ASSERT_GE(fd, 0);
	close(fd);
}

TEST_F(fdbox, nonzero_pad)
{
	struct fdbox_put_fd p = { .pad = 1 };
	int mfd;

	mfd = memfd_pattern("p", 4096, 8);
	ASSERT_GE(mfd, 0);
	p.fd = mfd;
	strcpy((char *)p.name, "p");
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_PUT_FD, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(fd_is_open(mfd));
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "p"));
	close(mfd);
}

TEST_F(fdbox, wrong_device)
{
	struct fdbox_put_fd p = { 0 };
	struct fdbox_get_fd g = { 0 };
	struct fdbox_create_box c = { 0 };
	struct fdbox_delete_box d = { 0 };

	strcpy((char *)p.name, "x");
	strcpy((char *)g.name, "x");
	strcpy((char *)c.name, "wrong-device");
	strcpy((char *)d.name, self->name);

	/* Box ioctls on the control device. */
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_PUT_FD, &p));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_GET_FD, &g));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_SEAL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_UNSEAL));
	EXPECT_EQ(ENOTTY, errno);

	/* Control ioctls on a box. */
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_CREATE_BOX, &c));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_DELETE_BOX, &d));
	EXPECT_EQ(ENOTTY, errno);

	/* Numbers nobody defined, and another type's commands. */
	EXPECT_EQ(-1, ioctl(self->box, _IO(FDBOX_TYPE, 0x3f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->ctl, _IO(FDBOX_TYPE, 0x3f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->box, _IO('x', FDBOX_BASE + 4)));
	EXPECT_EQ(ENOTTY, errno);

	/* Nothing happened. */
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, "wrong-device"));
	EXPECT_EQ(0, fdbox_seal(self->box));
}

TEST_F(fdbox, bad_user_pointer)
{
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_CREATE_BOX, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_PUT_FD, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->box, FDBOX_GET_FD, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* Run @fn in a child with uid and gid @uid; returns its exit status. */
static int as_user(uid_t uid, int (*fn)(void *), void *arg)
{
	return fdbox_as_user(uid, fn, arg);
}

static int as_nobody(int (*fn)(void *), void *arg)
{
	return as_user(65534, fn, arg);
}

static int nobody_ctl(void *arg)
{
	const char *box = arg;
	int ctl;

	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return 1;
	if (fdbox_create(ctl, "nobody-box") != -EPERM)
		return 2;
	if (fdbox_delete(ctl, box) != -EPERM)
		return 3;
	return 0;
}

static int nobody_box(void *arg)
{
	const char *box = arg;

	if (fdbox_open_box(box) != -1 || errno != EACCES)
		return 1;
	return 0;
}

TEST_F(fdbox, non_root)
{
	EXPECT_EQ(0, as_nobody(nobody_ctl, self->name));
	EXPECT_EQ(0, as_nobody(nobody_box, self->name));
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, "nobody-box"));
	/* The box is still there. */
	EXPECT_EQ(0, fdbox_seal(self->box));
}

struct delegate {
	const char *box;
	int fd;
};

/* The delegated user: put, get, seal, unseal; neither create nor delete. */
static int delegate_ops(void *arg)
{
	const struct delegate *d = arg;
	int box, ctl, fd;

	box = fdbox_open_box(d->box);
	if (box < 0)
		return 1;
	if (fdbox_put(box, d->fd, "delegated"))
		return 2;
	if (fdbox_seal(box) || fdbox_unseal(box))
		return 3;
	fd = fdbox_get(box, "delegated");
	if (fd < 0 || memfd_check_pattern(fd, 4096, 21))
		return 4;
	ctl = fdbox_open_ctl();
	if (ctl < 0 || fdbox_delete(ctl, d->box) != -EPERM ||
	    fdbox_create(ctl, "delegate-new") != -EPERM)
		return 5;
	return 0;
}

/* Anyone else: no access to the box node. */
static int stranger(void *arg)
{
	const struct delegate *d = arg;

	return fdbox_open_box(d->box) == -1 && errno == EACCES ? 0 : 1;
}

TEST_F(fdbox, delegation)
{
	struct delegate d = { .box = self->name };
	char path[FDBOX_NAME_LEN + 16];

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	/* An administrator hands the box to uid 65534. */
	ASSERT_EQ(0, chown(path, 65534, 65534));
	d.fd = memfd_pattern("d", 4096, 21);
	ASSERT_GE(d.fd, 0);
	EXPECT_EQ(0, as_nobody(delegate_ops, &d));
	EXPECT_EQ(0, as_user(65533, stranger, &d));
	/* The delegated box is still the administrator's to delete. */
	EXPECT_EQ(-ENOENT, fdbox_get(self->box, "delegated"));
	close(d.fd);
}

TEST_F(fdbox, survives_filler_exit)
{
	pid_t pid;
	int status, fd;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int box = fdbox_open_box(self->name);
		int mfd = memfd_pattern("kept", 3 * 4096, 9);

		if (box < 0 || mfd < 0)
			_exit(1);
		if (fdbox_put(box, mfd, "kept"))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	fd = fdbox_get(self->box, "kept");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 3 * 4096, 9));
	close(fd);
}

TEST(box_survives_creator_exit)
{
	char name[64];
	pid_t pid;
	int status, ctl, box, fd;

	snprintf(name, sizeof(name), "selftest-orphan-%d", getpid());
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int c = fdbox_open_ctl();
		int b, mfd;

		if (c < 0 || fdbox_create(c, name))
			_exit(1);
		b = fdbox_open_box(name);
		mfd = memfd_pattern("orphan", 4096, 10);
		if (b < 0 || mfd < 0 || fdbox_put(b, mfd, "orphan"))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	box = fdbox_open_box(name);
	ASSERT_GE(box, 0);
	fd = fdbox_get(box, "orphan");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 4096, 10));
	close(fd);
	close(box);
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	EXPECT_EQ(0, fdbox_delete(ctl, name));
	close(ctl);
}

TEST_F(fdbox, delete_releases_memory)
{
	const size_t size = 64 * MiB;
	long base, full, after;
	int mfd;

	base = meminfo_kb("Shmem");
	ASSERT_GE(base, 0);
	mfd = memfd_pattern("big", size, 11);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "big"));
	full = meminfo_kb("Shmem");
	/* The box holds the only reference, and the memory is still there. */
	EXPECT_GE(full - base, (long)(size / 1024) - 1024);

	ASSERT_EQ(0, fdbox_delete(self->ctl, self->name));
	after = meminfo_kb("Shmem");
	/*
	 * Nothing else in the test VM uses shmem meanwhile; allow 1 MiB for
	 * unrelated noise, far below the 64 MiB that must come back.
	 */
	EXPECT_LE(after - base, 1024)
		TH_LOG("Shmem %ld -> %ld -> %ld kB", base, full, after);
}

TEST_F(fdbox, delete_sealed_is_busy)
{
	int mfd, fd;

	mfd = memfd_pattern("s", 4096, 12);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "s"));
	ASSERT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(-EBUSY, fdbox_delete(self->ctl, self->name));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	fd = fdbox_get(self->box, "s");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, memfd_check_pattern(fd, 4096, 12));
	close(fd);
}

static const struct fdbox_box_info *find_box(const struct fdbox_box_info *b,
					     __u32 n, const char *name)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (!strcmp((const char *)b[i].name, name))
			return &b[i];
	return NULL;
}

TEST_F(fdbox, list_boxes)
{
	const struct fdbox_box_info *me, *other;
	struct fdbox_box_info *boxes;
	char other_name[80];
	__u32 count = 0, i;
	int a, b;

	snprintf(other_name, sizeof(other_name), "%s-b", self->name);
	ASSERT_EQ(0, fdbox_create(self->ctl, other_name));
	a = memfd_pattern("a", 10, 1);
	b = memfd_pattern("b", 10, 2);
	ASSERT_EQ(0, fdbox_put(self->box, a, "a"));
	ASSERT_EQ(0, fdbox_put(self->box, b, "b"));
	ASSERT_EQ(0, fdbox_seal(self->box));

	/* No room: ENOSPC, and how many there are. */
	EXPECT_EQ(-ENOSPC, fdbox_list(self->ctl, FDBOX_LIST_BOXES, NULL,
				      sizeof(*boxes), &count));
	ASSERT_GE(count, 2);

	boxes = calloc(count, sizeof(*boxes));
	ASSERT_NE(NULL, boxes);
	ASSERT_EQ(0, fdbox_list(self->ctl, FDBOX_LIST_BOXES, boxes,
				sizeof(*boxes), &count));
	for (i = 1; i < count; i++)
		EXPECT_LT(strcmp((char *)boxes[i - 1].name,
				 (char *)boxes[i].name), 0);
	me = find_box(boxes, count, self->name);
	other = find_box(boxes, count, other_name);
	ASSERT_NE(NULL, me);
	ASSERT_NE(NULL, other);
	EXPECT_EQ(FDBOX_BOX_SEALED, me->flags);
	EXPECT_EQ(2, me->nr_entries);
	EXPECT_EQ(0, other->flags);
	EXPECT_EQ(0, other->nr_entries);
	free(boxes);

	EXPECT_EQ(0, fdbox_delete(self->ctl, other_name));
}

TEST_F(fdbox, list_argument_checks)
{
	struct {
		struct fdbox_box_info info;
		char tail[16];
	} big[64];
	struct {
		struct fdbox_list l;
		__u32 tail;
	} ext = { { .size = sizeof(ext), .elem_size = sizeof(big[0].info) } };
	__u32 count = 64, i;

	/* Elements smaller than the kernel's: EINVAL. */
	EXPECT_EQ(-EINVAL, fdbox_list(self->ctl, FDBOX_LIST_BOXES, big,
				      sizeof(big[0].info) - 1, &count));

	/* Larger ones: the kernel's struct, then zeroes. */
	memset(big, 0xff, sizeof(big));
	count = 64;
	ASSERT_EQ(0, fdbox_list(self->ctl, FDBOX_LIST_BOXES, big,
				sizeof(big[0]), &count));
	ASSERT_GE(count, 1);
	for (i = 0; i < count; i++) {
		char zero[16] = { 0 };

		EXPECT_EQ(0, memcmp(big[i].tail, zero, sizeof(zero)));
	}

	/* The size-first convention. */
	ext.l.size = 4;
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_LIST_BOXES, &ext));
	EXPECT_EQ(EINVAL, errno);
	ext.l.size = sizeof(ext);
	ext.tail = 1;
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_LIST_BOXES, &ext));
	EXPECT_EQ(E2BIG, errno);
	ext.tail = 0;
	ext.l.__reserved = 1;
	EXPECT_EQ(-1, ioctl(self->ctl, FDBOX_LIST_BOXES, &ext));
	EXPECT_EQ(EINVAL, errno);

	/* Each device lists its own things only. */
	count = 64;
	EXPECT_EQ(-ENOTTY, fdbox_list(self->box, FDBOX_LIST_BOXES, big,
				      sizeof(big[0].info), &count));
	EXPECT_EQ(-ENOTTY, fdbox_list(self->ctl, FDBOX_LIST_ENTRIES, big,
				      sizeof(big[0].info), &count));
}

static int nobody_list(void *arg)
{
	struct fdbox_box_info boxes[64];
	__u32 count = 64;
	int ctl;

	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return 1;
	if (fdbox_list(ctl, FDBOX_LIST_BOXES, boxes, sizeof(boxes[0]), &count))
		return 2;
	return find_box(boxes, count, arg) ? 0 : 3;
}

TEST_F(fdbox, list_boxes_unprivileged)
{
	EXPECT_EQ(0, as_nobody(nobody_list, self->name));
}

TEST_F(fdbox, list_entries)
{
	struct fdbox_entry_info e[4];
	__u32 count = 0;
	int fd;

	fd = memfd_pattern("z", 10000, 3);
	ASSERT_EQ(0, fdbox_put(self->box, fd, "zz"));
	fd = memfd_pattern("y", 4096, 4);
	ASSERT_EQ(0, fdbox_put(self->box, fd, "yy"));
	fd = memfd_pattern("x", 0, 5);
	ASSERT_EQ(0, fdbox_put(self->box, fd, "xx"));

	EXPECT_EQ(-ENOSPC, fdbox_list(self->box, FDBOX_LIST_ENTRIES, e,
				      sizeof(e[0]), &count));
	EXPECT_EQ(3, count);
	count = 4;
	ASSERT_EQ(0, fdbox_list(self->box, FDBOX_LIST_ENTRIES, e,
				sizeof(e[0]), &count));
	ASSERT_EQ(3, count);
	EXPECT_STREQ("xx", (char *)e[0].name);
	EXPECT_STREQ("yy", (char *)e[1].name);
	EXPECT_STREQ("zz", (char *)e[2].name);
	EXPECT_STREQ("memfd", (char *)e[0].type);
	EXPECT_EQ(0, e[0].size);
	EXPECT_EQ(4096, e[1].size);
	EXPECT_EQ(10000, e[2].size);
	EXPECT_EQ(0, e[2].flags);
}

TEST_F(fdbox, sysfs_attributes)
{
	char buf[32];
	int fd;

	ASSERT_EQ(0, fdbox_sysfs(self->name, "state", buf, sizeof(buf)));
	EXPECT_STREQ("unsealed", buf);
	ASSERT_EQ(0, fdbox_sysfs(self->name, "count", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);

	fd = memfd_pattern("s", 10, 6);
	ASSERT_EQ(0, fdbox_put(self->box, fd, "s"));
	ASSERT_EQ(0, fdbox_seal(self->box));
	ASSERT_EQ(0, fdbox_sysfs(self->name, "state", buf, sizeof(buf)));
	EXPECT_STREQ("sealed", buf);
	ASSERT_EQ(0, fdbox_sysfs(self->name, "sealed", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, fdbox_sysfs(self->name, "count", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
}

/*
 * A memfd for the test handler (CONFIG_FDBOX_TEST): byte 0 records the last
 * hook that ran ('S' seal, 'U' unseal), byte 1 makes a hook fail with EIO
 * ('s' seal, 'u' unseal). Returns a dup kept outside the box in *@peek.
 */
static int test_memfd(const char *name, char fail, int *peek)
{
	char buf[2] = { '0', fail };
	char full[64];
	int fd;

	snprintf(full, sizeof(full), "fdbox-test-%s", name);
	fd = memfd_create(full, 0);
	if (fd < 0 || pwrite(fd, buf, 2, 0) != 2)
		return -1;
	*peek = dup(fd);
	return fd;
}

static char byte_at(int fd, off_t off)
{
	char c = 0;

	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

/* True if box @box holds @n entries, all of handler type @type. */
static bool entries_of_type(int box, const char *type, __u32 n)
{
	struct fdbox_entry_info e[8];
	__u32 count = 8, i;

	if (fdbox_list(box, FDBOX_LIST_ENTRIES, e, sizeof(e[0]), &count) ||
	    count != n)
		return false;
	for (i = 0; i < count; i++)
		if (strcmp((const char *)e[i].type, type))
			return false;
	return true;
}

TEST_F(fdbox, seal_rollback)
{
	int a, b, c, pa, pb, pc, box2, err;
	char other[80];
	long long used;

	/* Hooks run in name order: a, b, c; b refuses to be sealed. */
	a = test_memfd("a", '-', &pa);
	b = test_memfd("b", 's', &pb);
	c = test_memfd("c", '-', &pc);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_GE(c, 0);
	ASSERT_EQ(0, fdbox_put(self->box, a, "a"));
	ASSERT_EQ(0, fdbox_put(self->box, b, "b"));
	ASSERT_EQ(0, fdbox_put(self->box, c, "c"));

	/*
	 * Only the test handler's hooks are observable: without it, SEAL
	 * succeeds and no byte changes, which is also what a kernel that no
	 * longer calls the hooks does. So the entries' type decides.
	 */
	if (!entries_of_type(self->box, "fdbox-test", 3)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_TEST"))
			TH_LOG("the entries are not of the test handler");
		SKIP(return, "no FDBox test handler");
	}
	err = fdbox_seal(self->box);
	ASSERT_EQ(-EIO, err);
	/* a was sealed, then unsealed again; b and c were never touched. */
	EXPECT_EQ('U', byte_at(pa, 0));
	EXPECT_EQ('0', byte_at(pb, 0));
	EXPECT_EQ('0', byte_at(pc, 0));
	/* The box is not sealed. */
	EXPECT_EQ(-EINVAL, fdbox_unseal(self->box));

	/* Now b seals, and c refuses to be unsealed. */
	ASSERT_EQ(1, pwrite(pb, "-", 1, 1));
	ASSERT_EQ(1, pwrite(pc, "u", 1, 1));
	ASSERT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ('S', byte_at(pa, 0));
	EXPECT_EQ('S', byte_at(pb, 0));
	EXPECT_EQ('S', byte_at(pc, 0));

	EXPECT_EQ(-EIO, fdbox_unseal(self->box));
	/* a and b were unsealed, then sealed again; the box stays sealed. */
	EXPECT_EQ('S', byte_at(pa, 0));
	EXPECT_EQ('S', byte_at(pb, 0));
	EXPECT_EQ('S', byte_at(pc, 0));
	EXPECT_EQ(-EBUSY, fdbox_get(self->box, "a"));

	ASSERT_EQ(1, pwrite(pc, "-", 1, 1));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ('U', byte_at(pa, 0));
	EXPECT_EQ('U', byte_at(pc, 0));

	/*
	 * A SEAL that fails after the hooks (a file over max_bytes) and
	 * cannot unseal again leaves the box sealed: its files stay held,
	 * and another box cannot be sealed with one of them.
	 */
	snprintf(other, sizeof(other), "%s-other", self->name);
	ASSERT_EQ(0, fdbox_create(self->ctl, other));
	box2 = fdbox_open_box(other);
	ASSERT_GE(box2, 0);
	ASSERT_EQ(0, fdbox_put(box2, dup(pa), "a"));
	ASSERT_EQ(1, pwrite(pc, "u", 1, 1));
	ASSERT_EQ(0, fdbox_sysfs_write(self->name, "max_bytes", "1"));
	used = fdbox_read_number(USED_KNOB);
	EXPECT_EQ(-EFBIG, fdbox_seal(self->box));
	EXPECT_EQ(-EBUSY, fdbox_get(self->box, "a"));
	EXPECT_EQ(-EALREADY, fdbox_seal(box2));
	/* Over its limit, but carried: its room is taken all the same. */
	EXPECT_TRUE(used >= 0 || fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"));
	EXPECT_TRUE(used < 0 || used < fdbox_read_number(USED_KNOB))
		TH_LOG("its room was not taken");
	ASSERT_EQ(1, pwrite(pc, "-", 1, 1));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_TRUE(used < 0 || used == fdbox_read_number(USED_KNOB))
		TH_LOG("its room was not given back");
	ASSERT_EQ(0, fdbox_seal(box2));
	ASSERT_EQ(0, fdbox_unseal(box2));
	ASSERT_EQ(0, fdbox_delete(self->ctl, other));
	close(box2);
	close(pa);
	close(pb);
	close(pc);
}

#define RACE_ROUNDS	2000

/*
 * The other thread of put_races_close: in each round, after a delay that
 * sweeps the window of the PUT, it puts another memfd, already marked, on
 * the number of the PUT's descriptor, as a close and an open would (dup2
 * does both at once, so that no PUT can find the new file unmarked).
 */
struct put_racer {
	atomic_int round;	/* the round to run, -1 to stop */
	atomic_int done;	/* the last round run */
	int fd;			/* in: the PUT's descriptor */
	int victim;		/* out: the memfd opened in its place */
};

static void *put_race_closer(void *arg)
{
	struct put_racer *r = arg;
	unsigned int spin;
	int round = 0, victim;

	for (;;) {
		/* Wait for the next round, or the end. */
		while (atomic_load(&r->round) == round)
			;
		round = atomic_load(&r->round);
		if (round < 0)
			return NULL;
		victim = memfd_create("victim", 0);
		if (victim >= 0 && pwrite(victim, "V", 1, 0) != 1) {
			close(victim);
			victim = -1;
		}
		/* The fence keeps the compiler from dropping the loop. */
		for (spin = 0; spin < (unsigned int)(round % 64) * 16; spin++)
			atomic_signal_fence(memory_order_seq_cst);
		r->victim = -1;
		if (victim >= 0 && dup2(victim, r->fd) == r->fd) {
			r->victim = r->fd;
			/* Created on the number if the PUT had freed it. */
			if (victim != r->fd)
				close(victim);
		}
		atomic_store(&r->done, round);
	}
}

#define PROBE_KNOB	"/sys/kernel/debug/fdbox_test/register"

/* Register and unregister a handler called @name; its errno, or -EIO. */
static int probe_register(const char *name)
{
	char out[16] = "";
	ssize_t n;
	int fd;

	fd = open(PROBE_KNOB, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -EIO;
	n = write(fd, name, strlen(name));
	if (n == (ssize_t)strlen(name))
		n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	return n > 0 ? atoi(out) : -EIO;
}

/*
 * A handler's name is the type listings report, in FDBOX_TYPE_LEN bytes
 * with the NUL: a longer one is refused at registration, not at FREEZE.
 */
/*
 * A box that PREPARE cannot carry makes the whole PREPARE fail: the box
 * says why, and once it is fixed PREPARE goes through. An inode that a LUO
 * session preserves already is such a case: LUO preserves it once.
 */
TEST_F(fdbox, prepare_error)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	char buf[FDBOX_NAME_LEN + 64];
	int luo, mfd, fd;
	struct stat st;

	luo = luo_open_checked(_metadata);
	if (luo < 0)
		SKIP(return, "no %s", LUO_DEV);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	snprintf((char *)cs.name, sizeof(cs.name), "fdbox-prep-%d", getpid());
	ASSERT_EQ(0, ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs));

	mfd = memfd_pattern("shared", 8192, 9);
	ASSERT_GE(mfd, 0);
	pf.fd = mfd;
	pf.token = 1;
	ASSERT_EQ(0, ioctl(cs.fd, LIVEUPDATE_SESSION_PRESERVE_FD, &pf));
	ASSERT_EQ(0, fdbox_put(self->box, dup(mfd), "in-a-session"));
	ASSERT_EQ(0, fdbox_seal(self->box));

	ASSERT_EQ(0, fdbox_sysfs(self->name, "prepare_error", buf,
				 sizeof(buf)));
	EXPECT_STREQ("", buf);
	/* It names entries, which only the box's holder may list. */
	snprintf(buf, sizeof(buf), "/sys/class/fdbox/%s/prepare_error",
		 self->name);
	ASSERT_EQ(0, stat(buf, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(-EBUSY, luo_set_event(luo, LIVEUPDATE_PREPARE));
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	ASSERT_EQ(0, fdbox_sysfs(self->name, "prepare_error", buf,
				 sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "entry in-a-session: -", 21))
		TH_LOG("prepare_error: '%s'", buf);

	/* Unsealed, the box may have changed: the error goes. */
	ASSERT_EQ(0, fdbox_unseal(self->box));
	ASSERT_EQ(0, fdbox_sysfs(self->name, "prepare_error", buf,
				 sizeof(buf)));
	EXPECT_STREQ("", buf);
	fd = fdbox_get(self->box, "in-a-session");
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, fdbox_seal(self->box));
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	ASSERT_EQ(0, fdbox_sysfs(self->name, "state", buf, sizeof(buf)));
	EXPECT_STREQ("carried", buf);
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));

	close(cs.fd);
	close(mfd);
	close(luo);
}

/* Map root of a new user namespace to the caller: 0, or -errno. */
static int enter_userns(void)
{
	char map[32];
	uid_t uid = getuid();
	gid_t gid = getgid();

	/* Its own /proc/self files again, as after an exec. */
	if (prctl(PR_SET_DUMPABLE, 1))
		return -errno;
	if (unshare(CLONE_NEWUSER))
		return -errno;
	if (fdbox_write_file("/proc/self/setgroups", "deny"))
		return -EIO;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (fdbox_write_file("/proc/self/uid_map", map))
		return -EIO;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (fdbox_write_file("/proc/self/gid_map", map))
		return -EIO;
	return 0;
}

/*
 * Root of a user namespace, with every capability there, is not the
 * operator: boxes outlive it and its kernel. It keeps what its uid was
 * given outside: the box node chowned to it.
 */
static int userns_root(void *arg)
{
	const char *box = arg;
	int ctl, b, fd, err;

	err = enter_userns();
	if (err)
		return err == -EINVAL ? 99 : 1;
	if (getuid() != 0)
		return 2;
	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return 3;
	if (fdbox_create(ctl, "userns-box") != -EPERM ||
	    fdbox_delete(ctl, box) != -EPERM)
		return 4;
	if (fdbox_sysfs_write(box, "max_entries", "1") != -EACCES)
		return 5;
	b = fdbox_open_box(box);
	fd = memfd_create("ns", 0);
	if (b < 0 || fd < 0 || fdbox_put(b, fd, "from-userns"))
		return 6;
	return 0;
}

TEST_F(fdbox, user_namespace)
{
	char path[FDBOX_NAME_LEN + 16];
	int ret, fd;

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, chown(path, 65534, 65534));
	ret = as_nobody(userns_root, self->name);
	if (ret == 99) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_USER_NS"));
		SKIP(return, "no user namespaces");
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(-ENOENT, fdbox_delete(self->ctl, "userns-box"));
	fd = fdbox_get(self->box, "from-userns");
	EXPECT_GE(fd, 0);
	close(fd);
}

/* The file taken out is the file put in: its mode, its owner. */
static int nobody_gets_readonly(void *arg)
{
	const char *name = arg;
	struct stat st;
	int box, fd;

	box = fdbox_open_box(name);
	if (box < 0)
		return 1;
	fd = fdbox_get(box, "read-only");
	if (fd < 0)
		return 2;
	if (memfd_check_pattern(fd, 4096, 12))
		return 3;
	if (write(fd, "x", 1) != -1 || errno != EBADF)
		return 4;
	if (fstat(fd, &st) || st.st_uid != 0)
		return 5;
	return 0;
}

/*
 * GET returns the open file PUT was given, with the access whoever put
 * it had and the credentials it was opened with: a read-only descriptor
 * comes out read-only, whoever takes it out.
 */
TEST_F(fdbox, get_keeps_access)
{
	char path[FDBOX_NAME_LEN + 16];
	int mfd, ro;

	mfd = memfd_pattern("ro", 4096, 12);
	ASSERT_GE(mfd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY);
	ASSERT_GE(ro, 0);
	close(mfd);
	ASSERT_EQ(0, fdbox_put(self->box, ro, "read-only"));
	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, chown(path, 65534, 65534));
	EXPECT_EQ(0, as_nobody(nobody_gets_readonly, self->name));
}

/*
 * A live update gives a memfd back open for reading and writing: SEAL,
 * which asks for one, refuses a descriptor that has less (EACCES), thaws
 * the entries it had sealed before it, and leaves the box as it was;
 * unsealed, the box still hands the descriptor back as it was put.
 */
TEST_F(fdbox, seal_needs_read_write)
{
	static const struct {
		int flags;
		const char *what;
	} opens[] = {
		{ O_RDONLY, "read-only" },
		{ O_WRONLY, "write-only" },
	};
	char path[32], buf[8];
	int mfd, keep, fd, attr;
	unsigned int i;

	/* Put first, sealed first; of another inode, which SEAL holds once. */
	keep = memfd_pattern("both", 4096, 14);
	ASSERT_GE(keep, 0);
	ASSERT_EQ(0, fdbox_put(self->box, dup(keep), "both"));
	mfd = memfd_pattern("access", 4096, 13);
	ASSERT_GE(mfd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	for (i = 0; i < ARRAY_SIZE(opens); i++) {
		fd = open(path, opens[i].flags);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fdbox_put(self->box, fd, "less"));
		EXPECT_EQ(-EACCES, fdbox_seal(self->box)) TH_LOG("%s",
								 opens[i].what);
		ASSERT_EQ(0, fdbox_sysfs(self->name, "sealed", buf,
					 sizeof(buf)));
		EXPECT_STREQ("0", buf);
		/* Thawed again: the file may change size. */
		EXPECT_EQ(0, ftruncate(keep, 8192 + 4096 * i));
		fd = fdbox_get(self->box, "less");
		ASSERT_GE(fd, 0);
		EXPECT_EQ(opens[i].flags, fcntl(fd, F_GETFL) & O_ACCMODE);
		close(fd);
	}
	/* Nor an append-only inode, which comes back without the flag. */
	fd = dup(mfd);
	ASSERT_GE(fd, 0);
	attr = FS_APPEND_FL;
	ASSERT_EQ(0, ioctl(mfd, FS_IOC_SETFLAGS, &attr));
	ASSERT_EQ(0, fdbox_put(self->box, fd, "append-only"));
	EXPECT_EQ(-EACCES, fdbox_seal(self->box));
	attr = 0;
	ASSERT_EQ(0, ioctl(mfd, FS_IOC_SETFLAGS, &attr));
	EXPECT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(-1, ftruncate(keep, 4096));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, fdbox_unseal(self->box));
	close(keep);
	close(mfd);
}

/*
 * An O_TMPFILE file opened without O_EXCL can be linked later, and a
 * linked file cannot be carried: PUT refuses it, as any file no handler
 * takes. With O_EXCL it stays unlinked, and FDBox takes it.
 */
TEST_F(fdbox, tmpfile_linkable)
{
	int fd;

	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0) TH_LOG("/tmp is a tmpfs in the test VM");
	EXPECT_EQ(-EOPNOTSUPP, fdbox_put(self->box, fd, "linkable"));
	close(fd);
	fd = open("/tmp", O_TMPFILE | O_EXCL | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, fdbox_put(self->box, fd, "unlinkable"));
	EXPECT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(0, fdbox_unseal(self->box));
}

/*
 * The limits of a box are the operator's: entries and bytes, checked at
 * PUT (the file's size then) and at SEAL (the sizes the seal fixes).
 */
#define PAGE		4096UL
/* The largest memfd memfd_luo can preserve: a kvmalloc() of a pointer per page. */
#define MEMFD_MAX_SIZE	((unsigned long long)(INT_MAX / 8) * PAGE)

static void set_limit(struct __test_metadata *_metadata, const char *box,
		      const char *attr, unsigned long long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", val);
	ASSERT_EQ(0, fdbox_sysfs_write(box, attr, buf));
}

static unsigned long long get_attr(struct __test_metadata *_metadata,
				   const char *box, const char *attr)
{
	char buf[32];

	EXPECT_EQ(0, fdbox_sysfs(box, attr, buf, sizeof(buf)));
	return strtoull(buf, NULL, 0);
}

/* Run on the CPU this thread is on now, and only there. */
static int pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/*
 * Map the first @size bytes of memfd @fd, read-faulted (a hole gets a
 * page), and have reclaim take what it can: 0 or -errno.
 */
static int read_and_page_out(int fd, off_t size)
{
	void *p;
	int err;

	p = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	err = madvise(p, size, MADV_PAGEOUT) ? -errno : 0;
	munmap(p, size);
	return err;
}

/*
 * PREPARE preserves every page of a memfd up to its size, holes too. SEAL
 * gives the holes their pages, charged to whoever seals, so that PREPARE
 * has none to allocate: pages that reclaim does not free again. The files
 * read as before.
 */
TEST_F(fdbox, seal_fills_holes)
{
	const off_t size = 8 * PAGE + 100, at = 3 * PAGE + 5;
	struct huge_counts before, c;
	static char buf[9 * PAGE];
	int mfd, keep, hkeep, fd;
	struct stat st;
	off_t i;

	/* Nine pages, the last one partly; one written, the rest holes. */
	mfd = memfd_create("sparse", 0);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, ftruncate(mfd, size));
	ASSERT_EQ(1, pwrite(mfd, "x", 1, at));
	ASSERT_EQ(0, fstat(mfd, &st));
	ASSERT_LT(st.st_blocks * 512, 9 * PAGE)
		TH_LOG("a page written fills no more: shmem THP must be off");
	/*
	 * MADV_PAGEOUT reclaims only pages off the per-CPU LRU batches of
	 * its own CPU: the test stays on one, where SEAL runs too. The
	 * control: pages a read fault gave a memfd's holes are freed.
	 */
	ASSERT_EQ(0, pin_to_this_cpu());
	fd = memfd_create("control", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, size));
	EXPECT_EQ(0, read_and_page_out(fd, size));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0, st.st_blocks);
	close(fd);
	keep = dup(mfd);
	ASSERT_GE(keep, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "sparse"));

	/* Two huge pages, none allocated yet. */
	huge_counts(&before);
	ASSERT_GE(before.free - before.rsvd, 2);
	fd = memfd_create("sparse-huge", MFD_HUGETLB);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 2 * HUGE_SIZE));
	hkeep = dup(fd);
	ASSERT_GE(hkeep, 0);
	ASSERT_EQ(0, fdbox_put(self->box, fd, "sparse-huge"));

	/* Reclaim of a mapping of the file: what SEAL gave is dirty, stays. */
	ASSERT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(0, read_and_page_out(keep, size));
	ASSERT_EQ(0, fstat(keep, &st));
	EXPECT_GE(st.st_blocks * 512, 9 * PAGE);
	EXPECT_EQ(size, st.st_size);
	ASSERT_EQ(size, pread(keep, buf, sizeof(buf), 0));
	for (i = 0; i < size; i++)
		if (buf[i] != (i == at ? 'x' : 0))
			break;
	EXPECT_EQ(size, i);
	huge_counts(&c);
	EXPECT_EQ(before.free - 2, c.free);

	ASSERT_EQ(0, fdbox_unseal(self->box));
	fd = fdbox_get(self->box, "sparse");
	EXPECT_GE(fd, 0);
	close(fd);
	fd = fdbox_get(self->box, "sparse-huge");
	EXPECT_GE(fd, 0);
	close(fd);
	close(keep);
	close(hkeep);
	huge_counts(&c);
	EXPECT_EQ(before.free, c.free);
}

/* Another holder of a file punches holes into its first pages. */
struct hole_puncher {
	int fd;
	atomic_bool stop;
	atomic_int punched;	/* holes punched */
	atomic_int refused;	/* punches refused: the file was frozen */
};

static void *punch_holes(void *arg)
{
	struct hole_puncher *p = arg;
	unsigned int i = 0;

	while (!atomic_load(&p->stop)) {
		if (!fallocate(p->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       i++ % 16 * PAGE, PAGE))
			atomic_fetch_add(&p->punched, 1);
		else if (errno == EPERM)
			atomic_fetch_add(&p->refused, 1);
	}
	return NULL;
}

/*
 * SEAL races holes punched on another CPU: it freezes the file first and
 * fills the holes after, so that once it returns none is left for PREPARE.
 */
TEST_F(fdbox, seal_fills_holes_races)
{
	struct hole_puncher p = { 0 };
	pthread_t thread;
	struct stat st;
	int mfd, i, n, err;

	mfd = memfd_create("punched", 0);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, ftruncate(mfd, 16 * PAGE));
	p.fd = dup(mfd);
	ASSERT_GE(p.fd, 0);
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "punched"));
	ASSERT_EQ(0, pthread_create(&thread, NULL, punch_holes, &p));
	for (i = 0; i < 100; i++) {
		/* A hole at least, punched since the last round. */
		n = atomic_load(&p.punched);
		while (atomic_load(&p.punched) == n)
			sched_yield();
		err = fdbox_seal(self->box);
		EXPECT_EQ(0, err);
		if (err)
			break;
		EXPECT_EQ(0, fstat(p.fd, &st));
		EXPECT_GE(st.st_blocks * 512, 16 * PAGE) TH_LOG("round %d", i);
		err = fdbox_unseal(self->box);
		EXPECT_EQ(0, err);
		if (err || st.st_blocks * 512 < 16 * PAGE)
			break;
	}
	atomic_store(&p.stop, true);
	pthread_join(thread, NULL);
	ksft_print_msg("%d holes punched, %d refused while sealed\n",
		       atomic_load(&p.punched), atomic_load(&p.refused));
	close(p.fd);
}

/*
 * Put @fd, of @size bytes and sparse, in @box as @name: SEAL must fail
 * with @err once it filled @kept bytes, and leave the box unsealed and
 * the file not frozen; once shrunk to @fits, it seals. The entry is taken
 * out again.
 */
static void seal_without_room_of(struct __test_metadata *_metadata, int box,
				 const char *box_name, int fd, off_t size,
				 const char *name, int err, off_t kept,
				 off_t fits)
{
	struct stat st;
	int keep;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, size));
	keep = dup(fd);
	ASSERT_GE(keep, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, name));
	EXPECT_EQ(err, fdbox_seal(box)) TH_LOG("%s", name);
	EXPECT_EQ(0, get_attr(_metadata, box_name, "sealed"));
	/* The holes filled until there was no room: the file keeps them. */
	ASSERT_EQ(0, fstat(keep, &st));
	EXPECT_EQ(kept, st.st_blocks * 512) TH_LOG("%s", name);
	EXPECT_EQ(0, ftruncate(keep, fits));
	EXPECT_EQ(0, fdbox_seal(box));
	EXPECT_EQ(0, fdbox_unseal(box));
	fd = fdbox_get(box, name);
	EXPECT_GE(fd, 0);
	close(fd);
	close(keep);
}

/*
 * A memfd whose holes find no room fails its own SEAL, not the PREPARE of
 * every box: one on a tmpfs instance too small, one of huge pages larger
 * than the pool.
 */
TEST_F(fdbox, seal_without_room)
{
	char dir[] = "/tmp/fdbox-full-XXXXXX";
	struct huge_counts before, c;

	/* The tmpfs goes with this test's process, whatever fails. */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("fdbox", dir, "tmpfs", 0, "size=64k"));
	seal_without_room_of(_metadata, self->box, self->name,
			     open(dir, O_TMPFILE | O_EXCL | O_RDWR, 0600),
			     1 << 20, "tmpfs", -ENOSPC, 64 << 10, 32 << 10);
	EXPECT_EQ(0, umount(dir));
	EXPECT_EQ(0, rmdir(dir));

	/* One page more than the pool has free and unreserved. */
	huge_counts(&before);
	ASSERT_GE(before.free - before.rsvd, 1);
	/* Surplus pages would fill it. */
	ASSERT_EQ(0, fdbox_read_number("/proc/sys/vm/nr_overcommit_hugepages"));
	seal_without_room_of(_metadata, self->box, self->name,
			     memfd_create("huge-sparse", MFD_HUGETLB),
			     (before.free - before.rsvd + 1) * HUGE_SIZE, "huge",
			     -ENOMEM, (before.free - before.rsvd) * HUGE_SIZE,
			     HUGE_SIZE);
	huge_counts(&c);
	EXPECT_EQ(before.free, c.free);
}

TEST_F(fdbox, limit_defaults)
{
	long total_kb = meminfo_kb("MemTotal");

	EXPECT_EQ(65536, get_attr(_metadata, self->name, "max_entries"));
	/* All the memory the kernel manages: MemTotal. */
	EXPECT_GE(get_attr(_metadata, self->name, "max_bytes"),
		  (unsigned long long)total_kb * 1024);
	EXPECT_EQ(0, get_attr(_metadata, self->name, "bytes"));
}

TEST_F(fdbox, limit_entries)
{
	int fd[4], i, extra;
	char name[8];

	set_limit(_metadata, self->name, "max_entries", 3);
	for (i = 0; i < 4; i++) {
		fd[i] = memfd_pattern("e", PAGE, i);
		ASSERT_GE(fd[i], 0);
	}
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		ASSERT_EQ(0, fdbox_put(self->box, fd[i], name));
	}
	EXPECT_EQ(-ENOSPC, fdbox_put(self->box, fd[3], "e3"));
	EXPECT_TRUE(fd_is_open(fd[3]));
	EXPECT_EQ(3, get_attr(_metadata, self->name, "count"));

	/* Room again once one is taken out. */
	extra = fdbox_get(self->box, "e0");
	ASSERT_GE(extra, 0);
	EXPECT_EQ(0, fdbox_put(self->box, fd[3], "e3"));

	/* Lowered below what the box holds: no PUT, and no SEAL. */
	set_limit(_metadata, self->name, "max_entries", 2);
	EXPECT_EQ(-ENOSPC, fdbox_put(self->box, extra, "e0"));
	EXPECT_EQ(-ENOSPC, fdbox_seal(self->box));
	EXPECT_EQ(0, get_attr(_metadata, self->name, "sealed"));
	close(fdbox_get(self->box, "e1"));
	ASSERT_EQ(0, fdbox_seal(self->box));

	/* Sealed, the limits are fixed: they were checked. */
	EXPECT_EQ(-EBUSY, fdbox_sysfs_write(self->name, "max_entries", "9"));
	EXPECT_EQ(-EBUSY, fdbox_sysfs_write(self->name, "max_bytes", "9"));
	EXPECT_EQ(2, get_attr(_metadata, self->name, "max_entries"));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(-EINVAL, fdbox_sysfs_write(self->name, "max_entries", "x"));
	EXPECT_EQ(-ERANGE, fdbox_sysfs_write(self->name, "max_entries",
					     "4294967296"));
	close(extra);
}

TEST_F(fdbox, limit_bytes)
{
	int a, b, c, fd;

	set_limit(_metadata, self->name, "max_bytes", 3 * PAGE);
	a = memfd_pattern("a", 2 * PAGE, 1);
	b = memfd_pattern("b", 2 * PAGE, 2);
	c = memfd_pattern("c", 4 * PAGE, 3);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_GE(c, 0);
	/* Larger than the box: never fits. Too much with the others: no room. */
	EXPECT_EQ(-EFBIG, fdbox_put(self->box, c, "c"));
	EXPECT_TRUE(fd_is_open(c));
	ASSERT_EQ(0, fdbox_put(self->box, dup(a), "a"));
	EXPECT_EQ(2 * PAGE, get_attr(_metadata, self->name, "bytes"));
	EXPECT_EQ(-ENOSPC, fdbox_put(self->box, b, "b"));
	EXPECT_TRUE(fd_is_open(b));

	/* A file that grew after PUT is measured again at SEAL. */
	ASSERT_EQ(0, ftruncate(a, 4 * PAGE));
	EXPECT_EQ(-EFBIG, fdbox_seal(self->box));
	EXPECT_EQ(0, get_attr(_metadata, self->name, "sealed"));
	ASSERT_EQ(0, ftruncate(a, 3 * PAGE));
	ASSERT_EQ(0, fdbox_seal(self->box));
	EXPECT_EQ(3 * PAGE, get_attr(_metadata, self->name, "bytes"));

	/* Sealed, its size is fixed; its pages may still be written. */
	EXPECT_EQ(-1, ftruncate(a, 4 * PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(a, PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, pwrite(a, "x", 1, 3 * PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(a, 0, 0, 8 * PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, pwrite(a, "x", 1, PAGE));

	/* Unsealed, it is the owner's again. */
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(0, ftruncate(a, 8 * PAGE));
	fd = fdbox_get(self->box, "a");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, get_attr(_metadata, self->name, "bytes"));
	close(fd);
	close(a);
	close(b);
	close(c);
}

/*
 * A sparse memfd costs nothing until SEAL, which allocates every page of
 * it: one bigger than the box, or than memfd_luo can preserve (above,
 * kvmalloc() warns), is refused at PUT, and at SEAL before any page.
 */
TEST_F(fdbox, limit_huge_sparse)
{
	int fd;

	fd = memfd_create("huge", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 2ULL << 40));
	EXPECT_EQ(-EFBIG, fdbox_put(self->box, fd, "huge"));

	/* However large the box. */
	set_limit(_metadata, self->name, "max_bytes", ~0ULL);
	EXPECT_EQ(-EFBIG, fdbox_put(self->box, fd, "huge"));
	ASSERT_EQ(0, ftruncate(fd, MEMFD_MAX_SIZE + 1));
	EXPECT_EQ(-EFBIG, fdbox_put(self->box, fd, "huge"));
	EXPECT_TRUE(fd_is_open(fd));
	ASSERT_EQ(0, ftruncate(fd, MEMFD_MAX_SIZE));
	ASSERT_EQ(0, fdbox_put(self->box, dup(fd), "huge"));
	EXPECT_EQ(MEMFD_MAX_SIZE, get_attr(_metadata, self->name, "bytes"));

	/* Grown past it after PUT: SEAL refuses. */
	ASSERT_EQ(0, ftruncate(fd, MEMFD_MAX_SIZE + PAGE));
	EXPECT_EQ(-EFBIG, fdbox_seal(self->box));
	close(fd);
	fd = fdbox_get(self->box, "huge");
	ASSERT_GE(fd, 0);
	close(fd);
}

static int nobody_limits(void *arg)
{
	const char *box = arg;
	char buf[32];

	if (fdbox_sysfs_write(box, "max_entries", "100000") != -EACCES)
		return 1;
	/* The limits are public, what the tenant holds is not. */
	if (fdbox_sysfs(box, "max_bytes", buf, sizeof(buf)) ||
	    fdbox_sysfs(box, "bytes", buf, sizeof(buf)) != -EACCES)
		return 2;
	return 0;
}

static int nobody_limits_chmod(void *arg)
{
	const char *box = arg;

	/* The mode lets it through; the capability check does not. */
	if (fdbox_sysfs_write(box, "max_entries", "100000") != -EPERM ||
	    fdbox_sysfs_write(box, "max_bytes", "1") != -EPERM)
		return 1;
	return 0;
}

/* A delegate cannot raise its own limits, even given the file. */
TEST_F(fdbox, limit_root_only)
{
	char path[FDBOX_NAME_LEN + 64];

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, self->name);
	ASSERT_EQ(0, chown(path, 65534, 65534));
	EXPECT_EQ(0, as_nobody(nobody_limits, self->name));
	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/max_entries",
		 self->name);
	ASSERT_EQ(0, chmod(path, 0666));
	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/max_bytes",
		 self->name);
	ASSERT_EQ(0, chmod(path, 0666));
	EXPECT_EQ(0, as_nobody(nobody_limits_chmod, self->name));
	EXPECT_EQ(65536, get_attr(_metadata, self->name, "max_entries"));
	EXPECT_EQ(-EINVAL, fdbox_sysfs_write(self->name, "max_entries", "0x10"));
}

/* ftruncate() of @fd to @size: 0 or errno. */
static int resize(int fd, off_t size)
{
	return ftruncate(fd, size) ? errno : 0;
}

/*
 * A sealed box and a LUO session may hold the same memfd frozen: each
 * lifts only its own freeze (shmem counts them), so neither can let the
 * file change size under the other.
 */
TEST_F(fdbox, freeze_counted)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	int luo, mfd, sess;

	luo = luo_open_checked(_metadata);
	if (luo < 0)
		SKIP(return, "no %s", LUO_DEV);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	mfd = memfd_pattern("frozen", PAGE, 4);
	ASSERT_GE(mfd, 0);
	snprintf((char *)cs.name, sizeof(cs.name), "fdbox-frz-%d", getpid());
	ASSERT_EQ(0, ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs));
	sess = cs.fd;
	pf.fd = mfd;
	pf.token = 1;

	/* The session first: the box's UNSEAL leaves the session's freeze. */
	ASSERT_EQ(0, ioctl(sess, LIVEUPDATE_SESSION_PRESERVE_FD, &pf));
	ASSERT_EQ(0, fdbox_put(self->box, dup(mfd), "frozen"));
	ASSERT_EQ(0, fdbox_seal(self->box));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(EPERM, resize(mfd, 2 * PAGE));
	close(sess);
	EXPECT_EQ(0, resize(mfd, 3 * PAGE));

	/* The box first: the session's end leaves the box's freeze. */
	ASSERT_EQ(0, fdbox_seal(self->box));
	cs.fd = -1;
	ASSERT_EQ(0, ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs));
	sess = cs.fd;
	ASSERT_EQ(0, ioctl(sess, LIVEUPDATE_SESSION_PRESERVE_FD, &pf));
	close(sess);
	EXPECT_EQ(EPERM, resize(mfd, 2 * PAGE));

	/* So does a cancelled live update's. */
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));
	EXPECT_EQ(EPERM, resize(mfd, 2 * PAGE));
	ASSERT_EQ(0, fdbox_unseal(self->box));
	EXPECT_EQ(0, resize(mfd, 2 * PAGE));
	close(mfd);
	close(luo);
}

/*
 * The sealed boxes share the next live update's tree: when it is full,
 * the SEAL that would overfill it fails, not the PREPARE of everyone.
 */
#define BUDGET_BOX_ENTRIES	2048

TEST_F_TIMEOUT(fdbox, carry_budget, 600)
{
	int luo, ctl, b, i, fd, box[BUDGET_MAX_BOXES], last = -1;
	char box_name[96], name[16];

	luo = luo_open_checked(_metadata);
	if (luo < 0)
		SKIP(return, "no %s", LUO_DEV);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	/* The tree takes 289,000 entries: the knob makes it 9,000. */
	if (access(BUDGET_KNOB, W_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"))
			TH_LOG("no %s", BUDGET_KNOB);
		SKIP(return, "no %s", BUDGET_KNOB);
	}
	budget_lowered = true;
	ASSERT_EQ(0, fdbox_write_file(BUDGET_KNOB, BUDGET_TEST));
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (b = 0; b < BUDGET_MAX_BOXES && last < 0; b++) {
		snprintf(box_name, sizeof(box_name), "%s-b%d", self->name, b);
		ASSERT_EQ(0, fdbox_create(ctl, box_name));
		box[b] = fdbox_open_box(box_name);
		ASSERT_GE(box[b], 0);
		for (i = 0; i < BUDGET_BOX_ENTRIES; i++) {
			snprintf(name, sizeof(name), "e%d", i);
			fd = memfd_create(name, 0);
			ASSERT_GE(fd, 0);
			ASSERT_EQ(0, fdbox_put(box[b], fd, name));
		}
		fd = fdbox_seal(box[b]);
		if (fd == -ENOSPC)
			last = b;
		else
			ASSERT_EQ(0, fd);
	}
	/* A box of 2048 entries takes nearly 1 MiB of the 4 MiB tree. */
	ASSERT_GE(last, 1) TH_LOG("no SEAL ran out of room");
	ASSERT_LE(last, 4);
	EXPECT_EQ(0, get_attr(_metadata, box_name, "sealed"));

	/* What is sealed fits: PREPARE carries it. */
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));

	/* Room again once another box is unsealed. */
	ASSERT_EQ(0, fdbox_unseal(box[0]));
	EXPECT_EQ(0, fdbox_seal(box[last]));
	EXPECT_EQ(-ENOSPC, fdbox_seal(box[0]));

	for (b = 0; b <= last; b++) {
		fdbox_unseal(box[b]);
		close(box[b]);
		snprintf(box_name, sizeof(box_name), "%s-b%d", self->name, b);
		EXPECT_EQ(0, fdbox_delete(ctl, box_name));
	}
	close(ctl);
	close(luo);
}

TEST(handler_name_length)
{
	char name[FDBOX_TYPE_LEN + 1];

	if (access(PROBE_KNOB, W_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_TEST") ||
			    fdbox_may_skip("CONFIG_DEBUG_FS"))
			TH_LOG("no %s", PROBE_KNOB);
		SKIP(return, "no %s", PROBE_KNOB);
	}
	memset(name, 'h', sizeof(name));
	name[FDBOX_TYPE_LEN - 1] = '\0';
	EXPECT_EQ(0, probe_register(name));
	name[FDBOX_TYPE_LEN - 1] = 'h';
	name[FDBOX_TYPE_LEN] = '\0';
	EXPECT_EQ(-EINVAL, probe_register(name));
	/* Taken names stay refused. */
	EXPECT_EQ(-EEXIST, probe_register("memfd"));
}

struct stall_call {
	int fd;			/* the box to seal, or the control device */
	int ret;
	atomic_int tid;
};

static void *stall_seal(void *arg)
{
	struct stall_call *c = arg;

	c->tid = gettid();
	c->ret = fdbox_seal(c->fd);
	return NULL;
}

static void *stall_list(void *arg)
{
	struct fdbox_box_info *info;
	struct stall_call *c = arg;
	__u32 count = 4096;

	info = calloc(count, sizeof(*info));
	c->tid = gettid();
	c->ret = info ? fdbox_list(c->fd, FDBOX_LIST_BOXES, info,
				   sizeof(*info), &count) : -ENOMEM;
	free(info);
	return NULL;
}

/*
 * Whether thread @c comes to sleep in the kernel without waking for
 * signals ('D': a killable mutex or wait). Polled, for at most a minute.
 */
static bool stall_sleeps(struct stall_call *c)
{
	char path[64], buf[256], *p;
	int i;

	for (i = 0; i < 6000; i++, usleep(10000)) {
		if (!c->tid)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
			 (int)c->tid);
		if (fdbox_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'D')
			return true;
	}
	return false;
}

/*
 * A SEAL whose hook waits (as one waiting for a memfd's inode lock, which
 * a tenant holds while a write of it faults on a buffer the tenant
 * serves) holds its box's lock. LIST_BOXES, which any user may call,
 * waits for that box without holding fdbox_lock: CREATE and DELETE, and
 * FREEZE inside a live update's blackout, which take fdbox_lock, go on.
 */
TEST_F_TIMEOUT(fdbox, list_boxes_while_a_seal_waits, 180)
{
	struct stall_call seal = { .fd = self->box };
	struct stall_call list = { .fd = self->ctl };
	char other[FDBOX_NAME_LEN];
	pthread_t ts, tl;
	int mfd, i;

	if (access(STALL_KNOB, W_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_TEST") ||
			    fdbox_may_skip("CONFIG_DEBUG_FS"))
			TH_LOG("no %s", STALL_KNOB);
		SKIP(return, "no %s", STALL_KNOB);
	}
	mfd = memfd_create("fdbox-test-stall", 0);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(2, pwrite(mfd, "-W", 2, 0));
	ASSERT_EQ(0, fdbox_put(self->box, mfd, "stall"));

	ASSERT_EQ(0, pthread_create(&ts, NULL, stall_seal, &seal));
	for (i = 0; i < 6000; i++, usleep(10000))
		if (fdbox_read_number(STALL_KNOB) == 1)
			break;
	ASSERT_EQ(1, fdbox_read_number(STALL_KNOB))
		TH_LOG("the seal hook does not wait");
	ASSERT_EQ(0, pthread_create(&tl, NULL, stall_list, &list));
	EXPECT_TRUE(stall_sleeps(&list)) TH_LOG("LIST_BOXES did not wait");

	snprintf(other, sizeof(other), "%s-other", self->name);
	EXPECT_EQ(0, fdbox_create(self->ctl, other));
	EXPECT_EQ(0, fdbox_delete(self->ctl, other));

	ASSERT_EQ(0, fdbox_write_file(STALL_KNOB, "1"));
	pthread_join(ts, NULL);
	pthread_join(tl, NULL);
	EXPECT_EQ(0, seal.ret);
	EXPECT_EQ(0, list.ret);
	EXPECT_EQ(0, fdbox_unseal(self->box));
}

/*
 * PUT_FD closes the descriptor it boxed the file of; a thread that closes
 * that descriptor meanwhile and opens another file on the same number must
 * find that other file open afterwards, whichever of the two PUT boxed.
 */
TEST_F_TIMEOUT(fdbox, put_races_close, 300)
{
	struct put_racer r = { .round = 0, .done = 0 };
	int i, fd, err, got, rounds, closed = 0, boxed_victim = 0;
	pthread_t t;
	char name[32], c;

	if (fdbox_stage() > 1)
		SKIP(return, "runs once, in stage 1");
	/* A KASAN kernel is several times slower: fewer rounds. */
	rounds = fdbox_kconfig("CONFIG_KASAN") > 0 ? RACE_ROUNDS / 4 : RACE_ROUNDS;
	ASSERT_EQ(0, pthread_create(&t, NULL, put_race_closer, &r));
	for (i = 1; i <= rounds; i++) {
		fd = memfd_create("put", 0);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(1, pwrite(fd, "P", 1, 0));
		r.fd = fd;
		snprintf(name, sizeof(name), "race-%d", i);
		atomic_store(&r.round, i);
		err = fdbox_put(self->box, fd, name);
		while (atomic_load(&r.done) != i)
			;
		ASSERT_GE(r.victim, 0);
		/* Closed before PUT looked it up: nothing boxed. */
		if (err == -EBADF) {
			close(r.victim);
			continue;
		}
		ASSERT_EQ(0, err);
		got = fdbox_get(self->box, name);
		ASSERT_GE(got, 0);
		ASSERT_EQ(1, pread(got, &c, 1, 0));
		close(got);
		if (c == 'V') {
			/* PUT found the victim on the number, and boxed it. */
			boxed_victim++;
			continue;
		}
		/* PUT boxed its own memfd: the victim must be untouched. */
		if (fcntl(r.victim, F_GETFD) < 0) {
			closed++;
			continue;
		}
		close(r.victim);
	}
	atomic_store(&r.round, -1);
	pthread_join(t, NULL);
	ksft_print_msg("put_races_close: %d rounds, %d boxed the victim, %d closed it wrongly\n",
		       rounds, boxed_victim, closed);
	EXPECT_EQ(0, closed);
}

struct seal_racer {
	int box;
	int rounds;
	int sealed;		/* out: SEALs that succeeded */
	int refused;		/* out: SEALs refused with EALREADY */
	int bad;		/* out: other errors, or both sealed */
};

static atomic_int seal_race_held;

static void *seal_race_thread(void *arg)
{
	struct seal_racer *r = arg;
	int i, err;

	for (i = 0; i < r->rounds; i++) {
		err = fdbox_seal(r->box);
		if (err == -EALREADY) {
			r->refused++;
			/* Not all rounds in one of the other's SEALs. */
			usleep(10 + i % 32);
			continue;
		}
		if (err) {
			r->bad++;
			continue;
		}
		r->sealed++;
		/*
		 * The other box cannot be sealed from here to the UNSEAL:
		 * long enough for the other thread's SEAL to run meanwhile.
		 */
		if (atomic_fetch_add(&seal_race_held, 1))
			r->bad++;
		usleep(20);
		atomic_fetch_sub(&seal_race_held, 1);
		if (fdbox_unseal(r->box))
			r->bad++;
		/* Give the other thread its turn. */
		usleep(20);
	}
	return NULL;
}

/*
 * Two boxes hold one memfd and are sealed and unsealed by two threads at
 * once: SEAL holds the inode for one sealed box at a time, so that the
 * two can never both be sealed, and UNSEAL lets it go.
 */
TEST_F_TIMEOUT(fdbox, seal_races_seal, 300)
{
	struct seal_racer r[2] = {};
	char other[80];
	pthread_t t[2];
	int mfd, i;

	if (fdbox_stage() > 1)
		SKIP(return, "runs once, in stage 1");
	snprintf(other, sizeof(other), "%s-other", self->name);
	ASSERT_EQ(0, fdbox_create(self->ctl, other));
	r[0].box = self->box;
	r[1].box = fdbox_open_box(other);
	ASSERT_GE(r[1].box, 0);
	mfd = memfd_pattern("race", 4096, 3);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, fdbox_put(r[0].box, dup(mfd), "m"));
	ASSERT_EQ(0, fdbox_put(r[1].box, mfd, "m"));

	for (i = 0; i < 2; i++) {
		r[i].rounds = fdbox_kconfig("CONFIG_KASAN") > 0 ?
			      RACE_ROUNDS / 4 : RACE_ROUNDS;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, seal_race_thread,
					    &r[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ksft_print_msg("seal_races_seal: sealed %d and %d, refused %d and %d\n",
		       r[0].sealed, r[1].sealed, r[0].refused, r[1].refused);
	EXPECT_EQ(0, r[0].bad + r[1].bad);
	/*
	 * They met: each SEAL refused is one that found the other's hold;
	 * and each box was sealed, so that no UNSEAL kept its hold.
	 */
	EXPECT_GT(r[0].sealed, 0);
	EXPECT_GT(r[1].sealed, 0);
	EXPECT_GT(r[0].refused + r[1].refused, 0);
	/* Both unsealed: each can be sealed again, and then holds the file. */
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, fdbox_seal(r[i].box));
		EXPECT_EQ(-EALREADY, fdbox_seal(r[!i].box));
		EXPECT_EQ(0, fdbox_unseal(r[i].box));
	}
	ASSERT_EQ(0, fdbox_delete(self->ctl, other));
	close(r[1].box);
}

TEST_HARNESS_MAIN
