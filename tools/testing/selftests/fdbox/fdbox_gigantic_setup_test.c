// SPDX-License-Identifier: GPL-2.0
/*
 * A hugetlb memfd of one 1 GiB page across live updates, part 1. `make
 * check` runs it in a VM of its own, of four stages, whose kernels boot
 * with a pool of one 1 GiB page (hugepagesz=1G hugepages=1): gigantic
 * pools are allocated from memblock before LUO reads its data, and the
 * boot must find the carried page early to leave it out. A kernel booted
 * without such a pool has nothing to carry here: the test skips.
 *
 * Stages 1 to 3 fill the page, box and seal the memfd and record the
 * page's frame; fdbox_gigantic_verify_test takes it back in stage 2 and
 * leaves it unclaimed in stages 3 and 4, whose FINISH (the runner's, after
 * the verify tests) must give it to the pool, then to the page allocator
 * once the pool has no room: gigantic_finished checks that.
 *
 * The same VM's command line sizes no pool of 2 MiB pages: nopool_setup
 * boxes a memfd of such pages, from a pool sized at run time, that
 * fdbox_gigantic_verify_test's nopool_verify takes back in stage 2.
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
#include "luo_util.h"
#include "../kselftest_harness.h"

/*
 * Runs first: what the runner's FINISH did with the page nobody claimed,
 * before the setup boxes a page again.
 */
TEST(gigantic_finished)
{
	const char *why = giga_skip(GIGA_UNCLAIMED_STAGE, GIGA_NO_ROOM_STAGE,
				    false);
	uint64_t was, pfn = 0;
	struct giga_counts c;
	long before;
	int luo, fd;

	if (why)
		SKIP(return, "%s", why);
	was = giga_recorded();
	ASSERT_NE(0, was) TH_LOG("the stage before recorded no frame");
	luo = luo_open();
	ASSERT_GE(luo, 0);
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	close(luo);
	EXPECT_FALSE(fdbox_box_exists(GIGA_BOX));

	if (fdbox_stage() == GIGA_NO_ROOM_STAGE) {
		/* No room in the pool: the page went to the page allocator. */
		before = fdbox_read_number(GIGA_FREE_RECORD);
		unlink(GIGA_FREE_RECORD);
		ASSERT_GT(before, 0) TH_LOG("gigantic_unclaimed did not run");
		giga_counts(&c);
		EXPECT_EQ(0, c.nr);
		EXPECT_EQ(0, c.free);
		EXPECT_EQ(0, c.surp);
		EXPECT_EQ(0, c.resv);
		/* Other allocations may have taken some of it since. */
		EXPECT_GE(free_kb() - before, (long)(GIGA_SIZE / 1024) * 9 / 10);
		return;
	}

	/* The pool is whole again: its one page is the carried one, free. */
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(1, c.free);
	EXPECT_EQ(0, c.surp);
	EXPECT_EQ(0, c.resv);
	fd = giga_memfd(0, &pfn);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(was, pfn);
	EXPECT_EQ(0, huge_folio_check(pfn, GIGA_SIZE / 4096));
	close(fd);
	giga_counts(&c);
	EXPECT_EQ(1, c.free);
}

TEST(gigantic_setup)
{
	const char *why = giga_skip(1, GIGA_NO_ROOM_STAGE - 1, true);
	struct giga_counts c;
	uint64_t pfn = 0;
	int ctl, fd;

	if (why)
		SKIP(return, "%s", why);
	giga_counts(&c);
	ASSERT_EQ(1, c.nr) TH_LOG("the boot's pool of 1 GiB pages");
	fd = giga_memfd(MFD_ALLOW_SEALING, &pfn);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, GIGA_SEALS));
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(0, c.free);

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, fdbox_create_sealed(ctl, GIGA_BOX, fd, "ram"));
	close(ctl);

	ASSERT_EQ(0, huge_record_write(GIGA_RECORD, &pfn, 1));
}

TEST(nopool_setup)
{
	const char *why = giga_skip(1, NOPOOL_STAGE - 1, true);
	uint64_t pfns[NOPOOL_PAGES];
	int ctl, fd, keep, luo;
	struct huge_counts c;

	if (why)
		SKIP(return, "%s", why);
	huge_counts(&c);
	ASSERT_EQ(0, c.nr) TH_LOG("the boot sized a pool of 2 MiB pages");
	ASSERT_EQ(0, fdbox_write_file(HUGE_SYSFS "nr_hugepages", "2"));
	huge_counts(&c);
	ASSERT_EQ(NOPOOL_PAGES, c.nr) TH_LOG("a pool of 2 MiB pages at run time");
	fd = huge_memfd("nopool", NOPOOL_PAGES - 1, NOPOOL_SEED);
	ASSERT_GE(fd, 0) TH_LOG("huge_memfd: %s", strerror(-fd));
	ASSERT_EQ(0, fallocate(fd, 0, 0, NOPOOL_SIZE));
	ASSERT_EQ(NOPOOL_SIZE, lseek(fd, 0, SEEK_END));
	keep = dup(fd);
	ASSERT_GE(keep, 0);

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, fdbox_create_sealed(ctl, NOPOOL_BOX, fd, "ram"));
	close(ctl);

	/*
	 * A pool sized at run time may take its pages from KHO's scratch
	 * areas; PREPARE's pin moves them out, once. The frames that must
	 * come back are those after a PREPARE, which CANCEL leaves.
	 */
	luo = luo_open();
	ASSERT_GE(luo, 0);
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_CANCEL));
	close(luo);
	ASSERT_EQ(0, nopool_check(keep, pfns));
	close(keep);

	ASSERT_EQ(0, huge_record_write(NOPOOL_RECORD, pfns, NOPOOL_PAGES));
}

TEST_HARNESS_MAIN
