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
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

FIXTURE(updated) {
	int luo;
};

/*
 * Every stage but the first follows a live update, and no verify test
 * sends FINISH before fdbox_carry_verify_test does: the state must be
 * UPDATED here.
 */
FIXTURE_SETUP(updated)
{
	self->luo = -1;
	if (fdbox_stage() < 2)
		SKIP(return, "stage 1: no live update before it");
	self->luo = luo_open();
	if (self->luo == -ENOENT) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s (liveupdate=on?)", LUO_DEV);
		SKIP(return, "no %s", LUO_DEV);
	}
	ASSERT_GE(self->luo, 0) TH_LOG("%s: %s", LUO_DEV, strerror(-self->luo));
	ASSERT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(self->luo));
}

FIXTURE_TEARDOWN(updated)
{
	if (self->luo >= 0)
		close(self->luo);
}

/* Only FINISH leaves UPDATED; FREEZE belongs to the kernel in any state. */
TEST_F(updated, events)
{
	char word[32] = "";
	ssize_t n;
	int fd;

	EXPECT_EQ(-EBUSY, luo_set_event(self->luo, LIVEUPDATE_PREPARE));
	EXPECT_EQ(-EBUSY, luo_set_event(self->luo, LIVEUPDATE_CANCEL));
	EXPECT_EQ(-EINVAL, luo_set_event(self->luo, LIVEUPDATE_FREEZE));
	EXPECT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(self->luo));

	fd = open(LUO_SYSFS_STATE, O_RDONLY);
	ASSERT_GE(fd, 0);
	n = read(fd, word, sizeof(word) - 1);
	close(fd);
	EXPECT_EQ(8, n);
	EXPECT_STREQ("updated\n", word);
}

/* The new kernel's subsystems may still register while UPDATED. */
TEST_F(updated, registration)
{
	struct stat st;

	if (stat(LUO_TEST_DIR, &st)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE_STATE_TEST"))
			TH_LOG("no %s", LUO_TEST_DIR);
		SKIP(return, "no %s", LUO_TEST_DIR);
	}
	EXPECT_EQ(0, luo_test_register("new"));
	EXPECT_EQ(-EEXIST, luo_test_register("dup"));
}

TEST_HARNESS_MAIN
