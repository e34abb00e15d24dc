// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb memfds with damaged live update data, part 1: in the stage
 * before the last live update (after the carry tests' stages), boxes the
 * hugetlb memfds of huge_damaged[] and has the kernel damage hugetlb_luo's
 * data of each at PREPARE, which the QEMU scenario's setup sends last of
 * that stage.
 * fdbox_hugetlb_verify_test checks the next kernel's answer.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fdbox_carry.h"
#include "fdbox_hostile.h"
#include "fdbox_hugetlb.h"
#include "fdbox_run.h"
#include "../kselftest_harness.h"

TEST(damaged)
{
	char cmd[64];
	int ctl, fd, i;
	FILE *record;

	unlink(HUGE_DAMAGED_RECORD);
	if (!huge_damaged_stage(fdbox_stage() + 1))
		SKIP(return, "the next live update is not the hugetlb one");
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (i = 0; i < HUGE_DAMAGED_BOXES; i++) {
		fd = huge_memfd("damaged", HUGE_DAMAGED_PAGES, i);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fdbox_create_sealed(ctl, huge_damaged[i].box, fd,
						 "ram"));
		snprintf(cmd, sizeof(cmd), "%s %s", huge_damaged[i].damage,
			 huge_damaged[i].box);
		if (fdbox_write_file(HOSTILE_KNOB, cmd)) {
			ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"))
				TH_LOG("no %s", HOSTILE_KNOB);
			SKIP(return, "no damage knob");
		}
	}
	close(ctl);
	record = fopen(HUGE_DAMAGED_RECORD, "w");
	ASSERT_NE(NULL, record);
	ASSERT_EQ(0, fclose(record));
}

TEST_HARNESS_MAIN
