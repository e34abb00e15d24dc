// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests of the live update state machine on /dev/liveupdate, with the
 * test subsystem of CONFIG_LIVEUPDATE_STATE_TEST (debugfs luo_state_test).
 *
 * Run by the FDBox VM runner in every stage, after the verify tests: in a
 * stage after a kexec, luo_state_verify_test checked the UPDATED state and
 * fdbox_carry_verify_test sent FINISH. Here the test subsystem must have
 * got back the blob that "arm" set before the kexec, and the state must be
 * NORMAL again. Tests run in this file's order.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kexec.h>
#include <linux/reboot.h>

#include "fdbox_run.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

#define SAVED_BLOB	"/fdbox/luo-state-test.blob"
#define SAVED_CLOCK	"/fdbox/luo-state-test.clocksource"
#define CLOCKSOURCE	\
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"
#define BLOB_LEN	1000

static ssize_t read_file(const char *path, void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : n;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int set_knob(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", LUO_TEST_DIR, name);
	return write_file(path, val, strlen(val));
}

/* The test subsystem's log, since it was last cleared. */
static const char *test_log(void)
{
	static char log[1024];
	ssize_t n;

	n = read_file(LUO_TEST_DIR "/log", log, sizeof(log) - 1);
	log[n > 0 ? n : 0] = '\0';
	return log;
}

static const char *sysfs_state(void)
{
	static char word[32];
	ssize_t n;

	n = read_file(LUO_SYSFS_STATE, word, sizeof(word) - 1);
	word[n > 0 ? n : 0] = '\0';
	if (n > 0 && word[n - 1] == '\n')
		word[n - 1] = '\0';
	return word;
}

FIXTURE(luo) {
	int fd;
};

FIXTURE_SETUP(luo)
{
	struct stat st;

	self->fd = luo_open();
	if (self->fd == -ENOENT) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s (liveupdate=on?)", LUO_DEV);
		SKIP(return, "no %s", LUO_DEV);
	}
	ASSERT_GE(self->fd, 0) TH_LOG("%s: %s", LUO_DEV, strerror(-self->fd));
	if (stat(LUO_TEST_DIR, &st)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE_STATE_TEST"))
			TH_LOG("no %s", LUO_TEST_DIR);
		SKIP(return, "no %s", LUO_TEST_DIR);
	}
	set_knob("fail_prepare", "0");
	set_knob("fail_freeze", "0");
}

FIXTURE_TEARDOWN(luo)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Runs first: in a stage after a kexec, check what crossed it.
 * luo_state_verify_test checked the UPDATED state before
 * fdbox_carry_verify_test sent FINISH; here the finish callback must have
 * run, once, and the state must be NORMAL again.
 */
TEST_F(luo, after_kexec)
{
	char want[BLOB_LEN], got[BLOB_LEN + 1];
	ssize_t n;

	if (fdbox_stage() < 2)
		SKIP(return, "stage 1: no kexec yet");

	ASSERT_EQ(BLOB_LEN, read_file(SAVED_BLOB, want, sizeof(want)));
	n = read_file(LUO_TEST_DIR "/incoming", got, sizeof(got));
	ASSERT_EQ(BLOB_LEN, n);
	EXPECT_EQ(0, memcmp(want, got, BLOB_LEN));

	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	EXPECT_STREQ("normal", sysfs_state());
	/*
	 * The first callback since boot was finish, with the handed-over
	 * data, and it ran once; other suites may have prepared and
	 * cancelled since.
	 */
	EXPECT_EQ(0, strncmp(test_log(), "finish:data ", 12)) TH_LOG("%s", test_log());
	EXPECT_EQ(NULL, strstr(test_log() + 12, "finish"));
	EXPECT_EQ(-EBUSY, luo_set_event(self->fd, LIVEUPDATE_FINISH));
}

/*
 * A sysfs file of nanoseconds: one decimal number and a newline, nothing
 * else. -EINVAL for anything else, so that a kernel printing a negative
 * or garbled figure fails the test.
 */
static long long read_ns(const char *path)
{
	char buf[32] = "", *end;
	long long ns;
	ssize_t n;

	n = read_file(path, buf, sizeof(buf) - 1);
	if (n < 2 || buf[n - 1] != '\n' || buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	ns = strtoll(buf, &end, 10);
	if (errno || end != buf + n - 1)
		return -EINVAL;
	return ns;
}

/*
 * The previous kernel's freeze time: 0 in stage 1; after a live update
 * the subsystems' part is not, as FDBox and the test subsystem froze,
 * unless that kernel ran on the jiffies clocksource (a kexec'd kernel in
 * the test VM sometimes cannot calibrate its TSC), whose 4 ms steps a
 * freeze may fall between. Serializing sessions may take no measurable
 * time when there are none.
 */
TEST_F(luo, freeze_times)
{
	char clock[32] = "";
	long long subsystems, sessions;

	subsystems = read_ns(LUO_SYSFS_DIR "/freeze_ns");
	sessions = read_ns(LUO_SYSFS_DIR "/sessions_freeze_ns");
	ASSERT_LE(0, subsystems);
	ASSERT_LE(0, sessions);
	if (fdbox_stage() < 2) {
		EXPECT_EQ(0, subsystems);
		EXPECT_EQ(0, sessions);
		return;
	}
	ASSERT_LT(0, read_file(SAVED_CLOCK, clock, sizeof(clock) - 1));
	if (strstr(clock, "jiffies"))
		SKIP(return, "the previous kernel ran on %s", clock);
	EXPECT_LT(0, subsystems);
}

TEST_F(luo, state_matches_sysfs)
{
	int state = luo_get_state(self->fd);

	ASSERT_GT(state, 0);
	EXPECT_STREQ(luo_state_name(state), sysfs_state());
}

TEST_F(luo, ucmd_size_convention)
{
	struct {
		struct liveupdate_ioctl_get_state s;
		__u32 tail[2];
	} big = { { .size = sizeof(big) } };
	struct liveupdate_ioctl_set_event ev = { .size = 4,
		.event = LIVEUPDATE_PREPARE };
	int state = luo_get_state(self->fd);

	/* Too small to hold the fields the command needs. */
	EXPECT_EQ(-1, ioctl(self->fd, LIVEUPDATE_IOCTL_SET_EVENT, &ev));
	EXPECT_EQ(EINVAL, errno);

	/* Larger than the kernel knows, zero tail: fine. */
	EXPECT_EQ(0, ioctl(self->fd, LIVEUPDATE_IOCTL_GET_STATE, &big));
	EXPECT_EQ(state, (int)big.s.state);

	/* Non-zero tail the kernel does not understand. */
	big.tail[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, LIVEUPDATE_IOCTL_GET_STATE, &big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(state, luo_get_state(self->fd));
}

TEST_F(luo, bad_events)
{
	int state = luo_get_state(self->fd);

	EXPECT_EQ(-EINVAL, luo_set_event(self->fd, 0));
	EXPECT_EQ(-EINVAL, luo_set_event(self->fd, 99));
	/* FREEZE belongs to the kernel. */
	EXPECT_EQ(-EINVAL, luo_set_event(self->fd, LIVEUPDATE_FREEZE));
	EXPECT_EQ(state, luo_get_state(self->fd));
}

TEST_F(luo, transitions)
{
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	set_knob("log", "");

	/* Refused from NORMAL. */
	EXPECT_EQ(-EBUSY, luo_set_event(self->fd, LIVEUPDATE_CANCEL));
	EXPECT_EQ(-EBUSY, luo_set_event(self->fd, LIVEUPDATE_FINISH));
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));

	ASSERT_EQ(0, luo_set_event(self->fd, LIVEUPDATE_PREPARE));
	EXPECT_EQ(LIVEUPDATE_STATE_PREPARED, luo_get_state(self->fd));
	EXPECT_STREQ("prepared", sysfs_state());

	/* Refused from PREPARED. */
	EXPECT_EQ(-EBUSY, luo_set_event(self->fd, LIVEUPDATE_PREPARE));
	EXPECT_EQ(-EBUSY, luo_set_event(self->fd, LIVEUPDATE_FINISH));
	EXPECT_EQ(LIVEUPDATE_STATE_PREPARED, luo_get_state(self->fd));

	ASSERT_EQ(0, luo_set_event(self->fd, LIVEUPDATE_CANCEL));
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	EXPECT_STREQ("normal", sysfs_state());
	EXPECT_STREQ("prepare cancel ", test_log());
}

TEST_F(luo, registration)
{
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	EXPECT_EQ(0, luo_test_register("new"));
	EXPECT_EQ(-EEXIST, luo_test_register("dup"));
	/* A second unregister is refused and leaves the count alone. */
	EXPECT_EQ(-ENOENT, luo_test_register("twice"));
	EXPECT_EQ(0, luo_test_register("new"));

	/* Not while a live update is under way. */
	ASSERT_EQ(0, luo_set_event(self->fd, LIVEUPDATE_PREPARE));
	EXPECT_EQ(-EBUSY, luo_test_register("new"));
	ASSERT_EQ(0, luo_set_event(self->fd, LIVEUPDATE_CANCEL));
	EXPECT_EQ(0, luo_test_register("new"));
}

TEST_F(luo, prepare_fails)
{
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	set_knob("log", "");
	ASSERT_EQ(0, set_knob("fail_prepare", "1"));
	EXPECT_EQ(-EAGAIN, luo_set_event(self->fd, LIVEUPDATE_PREPARE));
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	EXPECT_STREQ("prepare ", test_log());
	set_knob("fail_prepare", "0");
}

static long kexec_file_load(int kfd, int ifd, const char *cmdline,
			    unsigned long flags)
{
	return syscall(SYS_kexec_file_load, kfd, ifd,
		       cmdline ? strlen(cmdline) + 1 : 0, cmdline, flags);
}

TEST_F(luo, failed_freeze_refuses_kexec)
{
	int kfd, ifd;

	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	kfd = open("/fdbox/kernel", O_RDONLY);
	ifd = open("/fdbox/kernel", O_RDONLY);
	if (kfd < 0)
		SKIP(return, "no /fdbox/kernel to kexec");
	ASSERT_EQ(0, kexec_file_load(kfd, ifd, "console=ttyS0 panic=-1", 0))
		TH_LOG("kexec_file_load: %s", strerror(errno));

	set_knob("log", "");
	ASSERT_EQ(0, set_knob("fail_freeze", "1"));
	ASSERT_EQ(0, luo_set_event(self->fd, LIVEUPDATE_PREPARE));
	sync();
	/* The kexec is refused with the freeze callback's error... */
	EXPECT_EQ(-1, reboot(LINUX_REBOOT_CMD_KEXEC));
	EXPECT_EQ(EAGAIN, errno);
	/* ... every subsystem was cancelled, and the state is NORMAL. */
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(self->fd));
	EXPECT_STREQ("prepare freeze cancel ", test_log());

	set_knob("fail_freeze", "0");
	EXPECT_EQ(0, kexec_file_load(-1, -1, NULL, KEXEC_FILE_UNLOAD));
	close(kfd);
	close(ifd);
}

/* Runs last: set the blob that the next stage must get back. */
TEST_F(luo, arm)
{
	char blob[BLOB_LEN], clock[32];
	ssize_t n;

	ASSERT_EQ(BLOB_LEN, getrandom(blob, sizeof(blob), 0));
	ASSERT_EQ(0, write_file(LUO_TEST_DIR "/blob", blob, sizeof(blob)));
	/* The root file system is the next stage's initramfs. */
	ASSERT_EQ(0, write_file(SAVED_BLOB, blob, sizeof(blob)));
	/* What the next stage's freeze_times must know of this kernel. */
	n = read_file(CLOCKSOURCE, clock, sizeof(clock));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, write_file(SAVED_CLOCK, clock, n));
}

TEST_HARNESS_MAIN
