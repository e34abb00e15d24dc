// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox hostile incoming data, part 2: in the stage after a live update
 * whose FDBox data fdbox_hostile_setup_test had damaged, check that this
 * kernel booted, reported each damage, skipped what it could not trust,
 * and kept the rest with its contents. Runs before fdbox_carry_verify_test,
 * which sends FINISH.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbox_carry.h"
#include "fdbox_hostile.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

static char damage[32];

/* The damage the previous stage asked for, or NULL if none. */
static const char *damage_before(void)
{
	unsigned long long seed;
	FILE *f;
	int stage;

	f = fopen(HOSTILE_MANIFEST, "r");
	if (!f)
		return NULL;
	if (fscanf(f, "stage %d %31s %llu", &stage, damage, &seed) != 3 ||
	    stage != carry_stage() - 1)
		damage[0] = '\0';
	fclose(f);
	return damage[0] ? damage : NULL;
}

/* 0 if entry @name of @box holds the pattern of @seed. */
static int entry_check(int box, const char *name, unsigned int seed)
{
	int fd = fdbox_get(box, name), err;

	if (fd < 0)
		return fd;
	err = memfd_check_pattern(fd, HOSTILE_SIZE, seed);
	close(fd);
	return err;
}

static bool box_sealed(const char *name)
{
	char buf[16];

	return !fdbox_sysfs(name, "sealed", buf, sizeof(buf)) &&
	       !strcmp(buf, "1");
}

/* The live update itself went through: the damage was FDBox's alone. */
TEST(state_is_updated)
{
	int luo;

	if (!damage_before())
		SKIP(return, "no damaged live update before this stage");
	luo = luo_open();
	ASSERT_GE(luo, 0);
	EXPECT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	close(luo);
}

/* Check what came of box @i of the "boxes" damage. */
static void check_box(struct __test_metadata *_metadata, int ctl, int i)
{
	const struct hostile_box *hb = &hostile_boxes[i];
	int box;

	if (hb->outcome == BOX_GONE) {
		EXPECT_FALSE(fdbox_box_exists(hb->name));
		return;
	}

	box = fdbox_open_box(hb->name);
	ASSERT_GE(box, 0);
	EXPECT_TRUE(box_sealed(hb->name));
	if (hb->outcome == UNSEAL_FAILS) {
		/* Kept for a retry, never half restored: FINISH drops it. */
		EXPECT_EQ(-ENOENT, fdbox_unseal(box));
		EXPECT_TRUE(box_sealed(hb->name));
		EXPECT_EQ(-EBUSY, fdbox_get(box, "b"));
		close(box);
		return;
	}
	ASSERT_EQ(0, fdbox_unseal(box));
	/* entry_check() is -ENOENT for an entry that is not there. */
	EXPECT_EQ(hb->outcome == FIRST_GONE ? -ENOENT : 0,
		  entry_check(box, "a", hostile_seed(i, 0)));
	EXPECT_EQ(hb->outcome == SECOND_GONE ? -ENOENT : 0,
		  entry_check(box, "b", hostile_seed(i, 1)));
	close(box);
	EXPECT_EQ(0, fdbox_delete(ctl, hb->name));
}

/* Damaged boxes and entries are skipped, reported; the rest comes back. */
TEST(boxes)
{
	int ctl, i;

	if (!damage_before() || strcmp(damage, "boxes"))
		SKIP(return, "no damaged boxes before this stage");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (i = 0; i < HOSTILE_NR_BOXES; i++) {
		TH_LOG("box %s", hostile_boxes[i].name);
		check_box(_metadata, ctl, i);
		/* After the box's UNSEAL, which logs some of the damages. */
		EXPECT_TRUE(!hostile_boxes[i].log ||
			    hostile_log_has(hostile_boxes[i].log));
	}
	close(ctl);
}

/* A damaged subtree is rejected whole; the kernel still boxes. */
TEST(whole_tree)
{
	const char *why;
	int ctl;

	if (!damage_before() || !strcmp(damage, "boxes"))
		SKIP(return, "no damaged subtree before this stage");

	if (!strcmp(damage, "version"))
		why = "incoming boxes rejected: unknown version";
	else if (!strcmp(damage, "truncate"))
		why = "incoming boxes rejected: tree truncated";
	else
		why = "incoming boxes rejected: ";
	TH_LOG("damage %s, expecting \"%s\"", damage, why);
	EXPECT_TRUE(hostile_log_has(why));
	EXPECT_FALSE(fdbox_box_exists(HOSTILE_TREE_BOX));

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	EXPECT_EQ(0, fdbox_create(ctl, HOSTILE_TREE_BOX));
	EXPECT_EQ(0, fdbox_delete(ctl, HOSTILE_TREE_BOX));
	close(ctl);
}

TEST_HARNESS_MAIN
