// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb memfds with damaged live update data, part 2: after the live
 * update fdbox_hugetlb_setup_test damaged, UNSEAL of each box fails as
 * hugetlb_luo refuses its data, and the refused files' huge pages join the
 * pool: the boot allocated the pool less the carried pages, and after the
 * failed restores the pool is whole, every page free.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "fdbox_hugetlb.h"
#include "fdbox_run.h"
#include "fdbox_util.h"
#include "../kselftest_harness.h"

TEST(damaged)
{
	struct huge_counts before, c;
	int ctl, box, i;

	if (!huge_damaged_stage(fdbox_stage()))
		SKIP(return, "the last live update is not the hugetlb one");
	if (access(HUGE_DAMAGED_RECORD, F_OK)) {
		ASSERT_TRUE(fdbox_tests_selected()) TH_LOG("no %s",
							   HUGE_DAMAGED_RECORD);
		SKIP(return, "the setup test was not selected");
	}
	unlink(HUGE_DAMAGED_RECORD);

	huge_counts(&before);
	ASSERT_TRUE(huge_counts_agree(&before));
	EXPECT_EQ(HUGE_POOL - HUGE_DAMAGED_BOXES * HUGE_DAMAGED_PAGES,
		  before.total);
	EXPECT_EQ(before.total, before.free);

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (i = 0; i < HUGE_DAMAGED_BOXES; i++) {
		box = fdbox_open_box(huge_damaged[i].box);
		ASSERT_GE(box, 0) TH_LOG("box %s", huge_damaged[i].box);
		/* The entry is dropped; the box, empty, unseals next time. */
		EXPECT_EQ(huge_damaged[i].err, fdbox_unseal(box))
			TH_LOG("box %s", huge_damaged[i].box);
		EXPECT_EQ(0, fdbox_unseal(box));
		EXPECT_EQ(-ENOENT, fdbox_get(box, "ram"));
		close(box);
		EXPECT_EQ(0, fdbox_delete(ctl, huge_damaged[i].box));
		huge_counts(&c);
		EXPECT_EQ(before.total + (i + 1) * HUGE_DAMAGED_PAGES, c.total);
		EXPECT_EQ(c.total, c.free);
		EXPECT_EQ(0, c.surp);
	}
	close(ctl);

	huge_counts(&c);
	EXPECT_TRUE(huge_counts_agree(&c));
	EXPECT_EQ(HUGE_POOL, c.total);
	EXPECT_EQ(HUGE_POOL, c.free);
	EXPECT_EQ(0, c.rsvd);
}

TEST_HARNESS_MAIN
