// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of FDBox's name checks (CONFIG_FDBOX_KUNIT_TEST): the names
 * userspace gives, and those the previous kernel hands over, pass the
 * same checks.
 */

#include <kunit/test.h>

#include "fdbox_internal.h"

/* A name of @len bytes of @c, NUL-terminated, in a FDBOX_NAME_LEN buffer. */
static u8 *fdbox_test_name(struct kunit *test, size_t len, char c)
{
	u8 *name = kunit_kzalloc(test, FDBOX_NAME_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, name);
	memset(name, c, min_t(size_t, len, FDBOX_NAME_LEN));
	return name;
}

static void fdbox_test_names(struct kunit *test)
{
	u8 *full = fdbox_test_name(test, FDBOX_NAME_LEN, 'a');

	KUNIT_EXPECT_EQ(test, fdbox_check_name((const u8 *)"vm-1.ram"), 0);
	KUNIT_EXPECT_EQ(test, fdbox_check_name((const u8 *)"."), 0);
	KUNIT_EXPECT_EQ(test,
			fdbox_check_name(fdbox_test_name(test,
							 FDBOX_NAME_LEN - 1,
							 'a')), 0);
	KUNIT_EXPECT_EQ(test, fdbox_check_name((const u8 *)""), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_name((const u8 *)"a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_name((const u8 *)"/"), -EINVAL);
	/* No NUL inside the buffer: userspace sent the whole array. */
	KUNIT_EXPECT_EQ(test, fdbox_check_name(full), -EINVAL);
	full[FDBOX_NAME_LEN - 1] = '\0';
	KUNIT_EXPECT_EQ(test, fdbox_check_name(full), 0);
}

/* Box names are device names under /dev/fdbox: no ".", ".." or "fdbox". */
static void fdbox_test_box_names(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"vm-1"), 0);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"..."), 0);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"fdbox0"), 0);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"fdbox"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"."), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)".."), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)"a/b"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_check_box_name((const u8 *)""), -EINVAL);
}

static struct kunit_case fdbox_names_test_cases[] = {
	KUNIT_CASE(fdbox_test_names),
	KUNIT_CASE(fdbox_test_box_names),
	{}
};

static struct kunit_suite fdbox_names_test_suite = {
	.name = "fdbox_names",
	.test_cases = fdbox_names_test_cases,
};

kunit_test_suite(fdbox_names_test_suite);
