// SPDX-License-Identifier: GPL-2.0
/*
 * A hugetlb memfd of one 1 GiB page across a live update, part 1. `make
 * check` runs it in a VM of its own, of two stages, whose kernels boot
 * with a pool of one 1 GiB page (hugepagesz=1G hugepages=1): gigantic
 * pools are allocated from memblock before LUO reads its data, and the
 * boot must find the carried page early to leave it out. A kernel booted
 * without such a pool has nothing to carry here: the test skips.
 *
 * Stage 1 fills the page, boxes and seals the memfd and records the page's
 * frame; fdbox_gigantic_verify_test checks it in stage 2.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fdbox_hugetlb.h"
#include "fdbox_run.h"
#include "../kselftest_harness.h"

TEST(gigantic_setup)
{
	const char *why = giga_skip(1);
	struct giga_counts c;
	int ctl, box, fd;
	uint64_t pfn = 0;
	FILE *record;

	if (why)
		SKIP(return, "%s", why);
	giga_counts(&c);
	ASSERT_EQ(1, c.nr) TH_LOG("the boot's pool of 1 GiB pages");
	fd = memfd_create("gigantic", MFD_HUGETLB | MFD_HUGE_1GB |
				      MFD_ALLOW_SEALING);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, GIGA_SIZE));
	ASSERT_EQ(0, giga_pattern(fd, false, &pfn));
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, GIGA_SEALS));
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(0, c.free);

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, fdbox_create(ctl, GIGA_BOX));
	box = fdbox_open_box(GIGA_BOX);
	ASSERT_GE(box, 0);
	ASSERT_EQ(0, fdbox_put(box, fd, "ram"));
	ASSERT_EQ(0, fdbox_seal(box));
	close(box);
	close(ctl);

	record = fopen(GIGA_RECORD, "w");
	ASSERT_NE(NULL, record);
	fprintf(record, "%llu\n", (unsigned long long)pfn);
	ASSERT_EQ(0, fclose(record));
}

TEST_HARNESS_MAIN
