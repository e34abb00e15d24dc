// SPDX-License-Identifier: GPL-2.0
/*
 * A hugetlb memfd of one 1 GiB page across a live update, part 2 (see
 * fdbox_gigantic_setup_test). Stage 2: the boot allocated no page, the
 * pool of one being the carried page; UNSEAL and GET give the same frame
 * and contents; closing the file leaves the page free in the pool.
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
	const char *why = giga_skip(2);
	unsigned long long was;
	struct giga_counts c;
	int ctl, box, fd;
	uint64_t pfn = 0;
	FILE *record;

	if (why)
		SKIP(return, "%s", why);
	record = fopen(GIGA_RECORD, "r");
	ASSERT_NE(NULL, record) TH_LOG("stage 1 recorded nothing");
	ASSERT_EQ(1, fscanf(record, "%llu", &was));
	fclose(record);
	unlink(GIGA_RECORD);

	/* The boot left the pool's one page to the carried file. */
	giga_counts(&c);
	EXPECT_EQ(0, c.nr);
	EXPECT_EQ(0, c.free);
	EXPECT_EQ(0, c.surp);

	box = fdbox_open_box(GIGA_BOX);
	ASSERT_GE(box, 0);
	ASSERT_EQ(0, fdbox_unseal(box));
	fd = fdbox_get(box, "ram");
	ASSERT_GE(fd, 0);
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
	close(box);
	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	EXPECT_EQ(0, fdbox_delete(ctl, GIGA_BOX));
	close(ctl);

	/* The page is back in the pool, free. */
	giga_counts(&c);
	EXPECT_EQ(1, c.nr);
	EXPECT_EQ(1, c.free);
	EXPECT_EQ(0, c.surp);
}

TEST_HARNESS_MAIN
