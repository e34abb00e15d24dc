// SPDX-License-Identifier: GPL-2.0
/*
 * The live update state machine in the UPDATED state. A *_verify_test, so
 * that the VM runner runs it after a kexec and before
 * fdbox_carry_verify_test sends FINISH: luo_state_test runs after FINISH
 * and can only see NORMAL again.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luo_util.h"
#include "../kselftest_harness.h"

#define TEST_DIR	"/sys/kernel/debug/luo_state_test"

static int stage(void)
{
	const char *s = getenv("FDBOX_STAGE");

	return s ? atoi(s) : 1;
}

static ssize_t read_word(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* Have the test subsystem register another subsystem; returns its errno. */
static int try_register(const char *what)
{
	char out[16] = "";
	int fd;

	fd = open(TEST_DIR "/register", O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) != (ssize_t)strlen(what)) {
		close(fd);
		return -EIO;
	}
	close(fd);
	if (read_word(TEST_DIR "/register", out, sizeof(out)) <= 0)
		return -EIO;
	return atoi(out);
}

/*
 * Every stage but the first follows a live update, and no other verify
 * test sends FINISH before fdbox_carry_verify_test does: the state must be
 * UPDATED here, and only FINISH may leave it.
 */
TEST(updated)
{
	char word[32];
	int luo;

	if (stage() < 2)
		SKIP(return, "stage 1: no live update before it");

	/* The kernel of a test run always has live update: no skip. */
	luo = luo_open();
	ASSERT_GE(luo, 0) TH_LOG("%s: %s", LUO_DEV, strerror(-luo));
	ASSERT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	ASSERT_LT(0, read_word(LUO_SYSFS_STATE, word, sizeof(word)));
	EXPECT_STREQ("updated", word);

	EXPECT_EQ(-EBUSY, luo_set_event(luo, LIVEUPDATE_PREPARE));
	EXPECT_EQ(-EBUSY, luo_set_event(luo, LIVEUPDATE_CANCEL));
	/* FREEZE belongs to the kernel, in every state. */
	EXPECT_EQ(-EINVAL, luo_set_event(luo, LIVEUPDATE_FREEZE));
	EXPECT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	close(luo);
}

/* The new kernel's subsystems may still register while UPDATED. */
TEST(register_while_updated)
{
	int luo;

	if (stage() < 2)
		SKIP(return, "stage 1: no live update before it");
	luo = luo_open();
	ASSERT_GE(luo, 0);
	ASSERT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	close(luo);

	EXPECT_EQ(0, try_register("new"));
	EXPECT_EQ(-EEXIST, try_register("dup"));
}

TEST_HARNESS_MAIN
