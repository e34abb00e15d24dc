// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox hostile incoming data, part 1: at the end of a stage that the plan
 * of fdbox_hostile.h names, fill boxes, seal them, and ask the kernel to
 * damage them on their way to the next kernel. Runs before
 * fdbox_carry_setup_test, which sends PREPARE.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "fdbox_carry.h"
#include "fdbox_hostile.h"
#include "../kselftest_harness.h"

/* A sealed box @name with entries "a" and "b" of the seeds of box @i. */
static void box_fill(struct __test_metadata *_metadata, int ctl,
		     const char *name, int i)
{
	int box, fd, e;

	ASSERT_EQ(0, fdbox_create(ctl, name));
	box = fdbox_open_box(name);
	ASSERT_GE(box, 0);
	for (e = 0; e < 2; e++) {
		fd = memfd_pattern(e ? "b" : "a", HOSTILE_SIZE,
				   hostile_seed(i, e));
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fdbox_put(box, fd, e ? "b" : "a"));
	}
	if (!strcmp(name, HOSTILE_ORPHAN_BOX)) {
		fd = memfd_create("orphan", 0);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fallocate(fd, 0, 0, HOSTILE_ORPHAN_SIZE));
		ASSERT_EQ(0, fdbox_put(box, fd, "orphan"));
	}
	ASSERT_EQ(0, fdbox_seal(box));
	close(box);
}

/*
 * Runs first, in the setup phase, which comes after FINISH: of the entries
 * that the previous stage's damage left waiting, FINISH released all but
 * the one whose LUO handler nobody has, and said so once.
 */
TEST(finish_released)
{
	const char *plan = hostile_damage(fdbox_stage() - 1);
	char damage[32];
	int boxes;

	if (!plan)
		SKIP(return, "no damaged live update before this stage");
	if (!hostile_manifest(fdbox_stage(), damage, sizeof(damage))) {
		ASSERT_TRUE(hostile_may_lack_manifest())
			TH_LOG("no %s", HOSTILE_MANIFEST);
		SKIP(return, "the setup test did not damage anything");
	}
	ASSERT_STREQ(plan, damage);
	boxes = !strcmp(damage, "boxes");
	EXPECT_EQ(boxes, hostile_log_count(HOSTILE_UNRELEASED));
	EXPECT_EQ(boxes, hostile_log_count("cannot release entry"));
	/* And the files of the entries skipped at boot, once. */
	EXPECT_EQ(boxes, hostile_log_count(HOSTILE_ORPHANS_RELEASED));
}

TEST(setup)
{
	const char *damage = hostile_damage(fdbox_stage());
	char cmd[64];
	uint64_t seed;
	FILE *manifest;
	int ctl, i;

	unlink(HOSTILE_MANIFEST);
	if (!damage || fdbox_stage() >= fdbox_stages())
		SKIP(return, "no damaged live update follows this stage");
	if (access(HOSTILE_KNOB, W_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"))
			TH_LOG("no %s", HOSTILE_KNOB);
		SKIP(return, "no %s", HOSTILE_KNOB);
	}

	ASSERT_EQ(0, fdbox_write_file(HOSTILE_KNOB, "clear"));
	/*
	 * A live update whose tree the next kernel takes carries the
	 * position box too (fdbox_carry_*_test.c): its check then covers the
	 * files that FREEZE freezes first.
	 */
	ASSERT_EQ(0, fdbox_write_file(HOSTILE_FREEZE_LATE,
				      strcmp(damage, "boxes") ? "0" : "1"));
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	if (!strcmp(damage, "boxes")) {
		for (i = 0; i < HOSTILE_NR_BOXES; i++) {
			box_fill(_metadata, ctl, hostile_boxes[i].name, i);
			if (hostile_boxes[i].damage)
				ASSERT_EQ(0, fdbox_write_file(HOSTILE_KNOB,
							      hostile_boxes[i].damage));
		}
		seed = 0;
	} else {
		box_fill(_metadata, ctl, HOSTILE_TREE_BOX, 0);
		seed = 0;
		snprintf(cmd, sizeof(cmd), "%s", damage);
		if (!strcmp(damage, "bitflip")) {
			if (getenv("FDBOX_HOSTILE_SEED"))
				seed = strtoull(getenv("FDBOX_HOSTILE_SEED"),
						NULL, 0);
			else
				ASSERT_EQ(sizeof(seed),
					  getrandom(&seed, sizeof(seed), 0));
			TH_LOG("bitflip seed %llu (FDBOX_HOSTILE_SEED replays it)",
			       (unsigned long long)seed);
			snprintf(cmd, sizeof(cmd), "bitflip %llu",
				 (unsigned long long)seed);
		}
		ASSERT_EQ(0, fdbox_write_file(HOSTILE_KNOB, cmd));
	}
	close(ctl);

	manifest = fopen(HOSTILE_MANIFEST, "w");
	ASSERT_NE(NULL, manifest);
	fprintf(manifest, "stage %d %s %llu\n", fdbox_stage(), damage,
		(unsigned long long)seed);
	ASSERT_EQ(0, fclose(manifest));
}

TEST_HARNESS_MAIN
