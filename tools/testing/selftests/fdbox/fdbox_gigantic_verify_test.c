// SPDX-License-Identifier: GPL-2.0
/*
 * A hugetlb memfd of one 1 GiB page across live updates, part 2 (see
 * fdbox_gigantic_setup_test). In stages 2 to 4 the boot allocated no
 * page, the pool of one being the carried page. Stage 2: UNSEAL and GET
 * give the same frame and contents; closing the file leaves the page free
 * in the pool. Stages 3 and 4, the page's later live updates: nobody
 * claims it (fdbox_gigantic_setup_test checks what FINISH did with it).
 *
 * nopool_verify: in stage 2, whose boot sized no pool of 2 MiB pages, the
 * memfd of such pages that nopool_setup boxed comes back with the same
 * frames, contents and size, which ends in the middle of its last page,
 * as surplus pages, which closing the file gives back to the page
 * allocator.
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

TEST(gigantic_verify)
{
	const char *why = giga_skip(GIGA_VERIFY_STAGE, GIGA_VERIFY_STAGE,
				    false);
	uint64_t was, pfn = 0;
	struct giga_counts c;
	int fd;

	if (why)
		SKIP(return, "%s", why);
	was = giga_recorded();
	ASSERT_NE(0, was) TH_LOG("the stage before recorded no frame");

	/* The boot left the pool's one page to the carried file. */
	giga_counts(&c);
	EXPECT_EQ(0, c.nr);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(0, c.surp);

	fd = fdbox_unseal_get(GIGA_BOX, "ram");
	ASSERT_GE(fd, 0) TH_LOG("%s", strerror(-fd));
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(0, c.surp);
	EXPECT_EQ(0, c.resv);

	EXPECT_EQ(GIGA_SIZE, lseek(fd, 0, SEEK_END));
	EXPECT_EQ(GIGA_SEALS, fcntl(fd, F_GET_SEALS));
	ASSERT_EQ(0, giga_pattern(fd, true, &pfn));
	EXPECT_EQ(was, pfn);
	EXPECT_EQ(0, huge_folio_check(pfn, GIGA_SIZE / 4096));
	/* The mapping reserved nothing: the page is the file's. */
	giga_counts(&c);
	EXPECT_EQ(0, c.resv);

	close(fd);
	EXPECT_EQ(0, fdbox_delete_named(GIGA_BOX));

	/* The page is back in the pool, free. */
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(1, c.free);
	EXPECT_EQ(0, c.surp);
}

/*
 * Stages 3 and 4: nobody claims the page. The runner's FINISH, after the
 * verify tests, must give it to the pool in stage 3 and, the pool's size
 * set to nothing first, to the page allocator in stage 4;
 * fdbox_gigantic_setup_test checks that.
 */
TEST(gigantic_unclaimed)
{
	const char *why = giga_skip(GIGA_UNCLAIMED_STAGE, GIGA_NO_ROOM_STAGE,
				    false);
	struct giga_counts c;
	uint64_t rec;
	long kb;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, access(GIGA_RECORD, F_OK))
		TH_LOG("the stage before recorded no frame");

	giga_counts(&c);
	EXPECT_EQ(0, c.nr);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(0, c.surp);
	EXPECT_TRUE(fdbox_box_exists(GIGA_BOX));
	if (fdbox_stage() != GIGA_NO_ROOM_STAGE)
		return;

	/* The pool's size, not its pages: it has none until FINISH. */
	ASSERT_EQ(0, fdbox_write_file(GIGA_SYSFS "nr_hugepages", "0"));
	giga_counts(&c);
	EXPECT_EQ(0, c.nr);
	kb = free_kb();
	ASSERT_GT(kb, 0);
	rec = kb;
	ASSERT_EQ(0, huge_record_write(GIGA_FREE_RECORD, &rec, 1));
}

TEST(nopool_verify)
{
	const char *why = giga_skip(NOPOOL_STAGE, NOPOOL_STAGE, false);
	uint64_t was[NOPOOL_PAGES], pfns[NOPOOL_PAGES];
	struct huge_counts c;
	int fd, i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, huge_record_read(NOPOOL_RECORD, was, NOPOOL_PAGES))
		TH_LOG("the stage before recorded no frames");

	/* No pool was allocated; the carried pages are in no counter yet. */
	huge_counts(&c);
	ASSERT_TRUE(huge_counts_agree(&c));
	EXPECT_EQ(0, c.total);
	EXPECT_EQ(0, c.surp);
	EXPECT_EQ(0, c.rsvd);

	fd = fdbox_unseal_get(NOPOOL_BOX, "ram");
	ASSERT_GE(fd, 0) TH_LOG("%s", strerror(-fd));
	huge_counts(&c);
	EXPECT_TRUE(huge_counts_agree(&c));
	EXPECT_EQ(NOPOOL_PAGES, c.total);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(NOPOOL_PAGES, c.surp);
	EXPECT_EQ(0, c.rsvd);

	EXPECT_EQ(NOPOOL_SIZE, lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, nopool_check(fd, pfns));
	for (i = 0; i < NOPOOL_PAGES; i++) {
		EXPECT_EQ(was[i], pfns[i]) TH_LOG("page %d", i);
		EXPECT_EQ(0, huge_folio_check(pfns[i], HUGE_SIZE / 4096))
			TH_LOG("page %d", i);
	}
	/*
	 * The mapping reserved nothing: the pages are the file's. With no
	 * pool, a page the reservation map missed would have failed it.
	 */
	huge_counts(&c);
	EXPECT_EQ(0, c.rsvd);

	close(fd);
	EXPECT_EQ(0, fdbox_delete_named(NOPOOL_BOX));

	/* Surplus pages leave the pool with their file. */
	huge_counts(&c);
	EXPECT_TRUE(huge_counts_agree(&c));
	EXPECT_EQ(0, c.total);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(0, c.surp);
	EXPECT_EQ(0, c.rsvd);
}

TEST_HARNESS_MAIN
