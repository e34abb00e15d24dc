// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of FDBox's checks of what the previous kernel hands over,
 * included by fdbox_luo.c (CONFIG_FDBOX_KUNIT_TEST) so that it reaches its
 * static helpers: the checks of the incoming header and tree, and the
 * typed reads of tree properties.
 *
 * The parser runs once, at boot; its helpers are __init, and so are the
 * tests that call them (an init section suite, run at boot only).
 */

#include <kunit/test.h>

/*
 * A one-page tree such as the previous kernel writes, with the properties
 * the typed reads are tested on in its node "t", and @hdr describing it.
 * Two pages are allocated: a size check that failed would let the
 * checksum read past the first, which must not be a KASAN report.
 */
static void *__init fdbox_test_tree(struct kunit *test,
				    struct fdbox_kho_header *hdr,
				    const char *compatible)
{
	static const char inner[] = "a\0b";
	char longest[FDBOX_TYPE_LEN];
	void *fdt;

	fdt = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	KUNIT_ASSERT_EQ(test, fdt_create(fdt, PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, fdt_finish_reservemap(fdt), 0);
	KUNIT_ASSERT_EQ(test, fdt_begin_node(fdt, ""), 0);
	KUNIT_ASSERT_EQ(test, fdt_property_string(fdt, "compatible",
						  compatible), 0);
	KUNIT_ASSERT_EQ(test, fdt_begin_node(fdt, "t"), 0);
	KUNIT_ASSERT_EQ(test, fdt_property_string(fdt, "ok", "abc"), 0);
	KUNIT_ASSERT_EQ(test, fdt_property(fdt, "no-nul", "abc", 3), 0);
	KUNIT_ASSERT_EQ(test, fdt_property(fdt, "empty", "", 1), 0);
	KUNIT_ASSERT_EQ(test, fdt_property(fdt, "inner-nul", inner,
					   sizeof(inner)), 0);
	KUNIT_ASSERT_EQ(test, fdt_property_string(fdt, "longest", longest),
			0);
	KUNIT_ASSERT_EQ(test, fdt_property_u32(fdt, "u32", 7), 0);
	KUNIT_ASSERT_EQ(test, fdt_property_u64(fdt, "u64", 1ULL << 40), 0);
	KUNIT_ASSERT_EQ(test, fdt_end_node(fdt), 0);
	KUNIT_ASSERT_EQ(test, fdt_end_node(fdt), 0);
	KUNIT_ASSERT_EQ(test, fdt_finish(fdt), 0);

	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = FDBOX_KHO_MAGIC;
	hdr->version = FDBOX_KHO_VERSION;
	hdr->size = fdt_totalsize(fdt);
	hdr->crc = fdbox_kho_crc(fdt, hdr->size);
	hdr->tree.total_pages = 1;
	hdr->hdr_crc = fdbox_kho_hdr_crc(hdr);
	return fdt;
}

/* String properties: NUL-terminated once, at their end, and not too long. */
static void __init fdbox_test_fdt_string(struct kunit *test)
{
	struct fdbox_kho_header hdr;
	void *fdt = fdbox_test_tree(test, &hdr, FDBOX_KHO_COMPATIBLE);
	int node = fdt_path_offset(fdt, "/t");

	KUNIT_ASSERT_GE(test, node, 0);
	KUNIT_EXPECT_STREQ(test, fdbox_fdt_string(fdt, node, "ok", 4), "abc");
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "ok", 3));
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "no-nul", 64));
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "empty", 64));
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "inner-nul", 64));
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "missing", 64));
	KUNIT_EXPECT_NOT_NULL(test, fdbox_fdt_string(fdt, node, "longest",
						     FDBOX_TYPE_LEN));
	KUNIT_EXPECT_NULL(test, fdbox_fdt_string(fdt, node, "longest",
						 FDBOX_TYPE_LEN - 1));
}

/* Numbers: of their exact size, below their limit; absent is not bad. */
static void __init fdbox_test_fdt_numbers(struct kunit *test)
{
	struct fdbox_kho_header hdr;
	void *fdt = fdbox_test_tree(test, &hdr, FDBOX_KHO_COMPATIBLE);
	int node = fdt_path_offset(fdt, "/t");
	u32 v32 = 99;
	u64 v64 = 99;

	KUNIT_ASSERT_GE(test, node, 0);
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u32(fdt, node, "u32", 8, &v32), 0);
	KUNIT_EXPECT_EQ(test, v32, 7);
	v32 = 99;
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u32(fdt, node, "u32", 7, &v32),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u32(fdt, node, "u64", BIT_ULL(32),
					    &v32), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u32(fdt, node, "missing", 8, &v32),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, v32, 99);

	KUNIT_EXPECT_EQ(test, fdbox_fdt_u64(fdt, node, "u64", &v64), 0);
	KUNIT_EXPECT_EQ(test, v64, 1ULL << 40);
	v64 = 99;
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u64(fdt, node, "u32", &v64), -EINVAL);
	KUNIT_EXPECT_EQ(test, fdbox_fdt_u64(fdt, node, "missing", &v64),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, v64, 99);
}

/* The header is checked before anything it points to is used. */
static void __init fdbox_test_header(struct kunit *test)
{
	struct fdbox_kho_header hdr, bad;

	fdbox_test_tree(test, &hdr, FDBOX_KHO_COMPATIBLE);
	KUNIT_EXPECT_NULL(test, fdbox_check_header(&hdr, sizeof(hdr)));
	KUNIT_EXPECT_STREQ(test, fdbox_check_header(&hdr, sizeof(hdr) - 1),
			   "no FDBox header");
	/* Each check alone: the checksums are made right again. */
	bad = hdr;
	bad.magic++;
	bad.hdr_crc = fdbox_kho_hdr_crc(&bad);
	KUNIT_EXPECT_STREQ(test, fdbox_check_header(&bad, sizeof(bad)),
			   "no FDBox header");
	/* A newer version is refused even with its checksum right. */
	bad = hdr;
	bad.version++;
	bad.hdr_crc = fdbox_kho_hdr_crc(&bad);
	KUNIT_EXPECT_STREQ(test, fdbox_check_header(&bad, sizeof(bad)),
			   "unknown version");
	bad = hdr;
	bad.tree.total_pages++;
	KUNIT_EXPECT_STREQ(test, fdbox_check_header(&bad, sizeof(bad)),
			   "header checksum mismatch");
}

/* A new test tree in *@fdt, and the value of property @prop of its "/t". */
static fdt32_t *__init fdbox_test_prop(struct kunit *test,
				       struct fdbox_kho_header *hdr,
				       const char *prop, void **fdt)
{
	fdt32_t *val;

	*fdt = fdbox_test_tree(test, hdr, FDBOX_KHO_COMPATIBLE);
	val = fdt_getprop_w(*fdt, fdt_path_offset(*fdt, "/t"), prop, NULL);
	KUNIT_ASSERT_NOT_NULL(test, val);
	return val;
}

/* The tree: within its pages, checksummed, whole, and FDBox's. */
static void __init fdbox_test_tree_checks(struct kunit *test)
{
	struct fdbox_kho_header hdr, bad;
	void *fdt = fdbox_test_tree(test, &hdr, FDBOX_KHO_COMPATIBLE);
	void *other;
	fdt32_t *w;

	KUNIT_EXPECT_NULL(test, fdbox_check_tree(&hdr, fdt));

	bad = hdr;
	bad.size = PAGE_SIZE + 1;
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&bad, fdt),
			   "size beyond the tree");
	bad = hdr;
	bad.crc ^= 1;
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&bad, fdt),
			   "checksum mismatch");
	/* Cut short, with a checksum of what is left, as a forger would. */
	bad = hdr;
	bad.size = hdr.size - FDT_TAGSIZE;
	bad.crc = fdbox_kho_crc(fdt, bad.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&bad, fdt),
			   "tree truncated");
	bad.size = FDT_V17_SIZE - 1;
	bad.crc = fdbox_kho_crc(fdt, bad.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&bad, fdt),
			   "not a valid tree");
	/* Whole and checksummed, but not a device tree. */
	bad = hdr;
	fdt_set_magic(fdt, ~FDT_MAGIC);
	bad.crc = fdbox_kho_crc(fdt, bad.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&bad, fdt),
			   "not a valid tree");

	/* Not older than the version the kernel writes. */
	fdt = fdbox_test_tree(test, &hdr, FDBOX_KHO_COMPATIBLE);
	fdt_set_version(fdt, 16);
	fdt_set_last_comp_version(fdt, 16);
	hdr.crc = fdbox_kho_crc(fdt, hdr.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, fdt),
			   "not a valid tree");

	/*
	 * Checksummed and whole, but libfdt's walks would stop early, or pass
	 * over a property: the tag before the value of "/t/u32" (w[-3]), its
	 * length (w[-2]), the offset of its name (w[-1]).
	 */
	w = fdbox_test_prop(test, &hdr, "u32", &fdt);
	w[-2] = cpu_to_fdt32(-(u32)sizeof(struct fdt_property));
	hdr.crc = fdbox_kho_crc(fdt, hdr.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, fdt), "tree damaged");
	w = fdbox_test_prop(test, &hdr, "u32", &fdt);
	w[-3] = cpu_to_fdt32(FDT_END);
	hdr.crc = fdbox_kho_crc(fdt, hdr.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, fdt), "tree damaged");
	w = fdbox_test_prop(test, &hdr, "u32", &fdt);
	w[-1] = cpu_to_fdt32(fdt_size_dt_strings(fdt));
	hdr.crc = fdbox_kho_crc(fdt, hdr.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, fdt), "tree damaged");
	/*
	 * A second root node: "/t/u64" (five words) and the two ends after it
	 * become the ends of /t and /, a node "" and its end, and two NOPs.
	 */
	w = fdbox_test_prop(test, &hdr, "u64", &fdt) - 3;
	w[0] = cpu_to_fdt32(FDT_END_NODE);
	w[1] = cpu_to_fdt32(FDT_END_NODE);
	w[2] = cpu_to_fdt32(FDT_BEGIN_NODE);
	w[3] = 0;
	w[4] = cpu_to_fdt32(FDT_END_NODE);
	w[5] = cpu_to_fdt32(FDT_NOP);
	w[6] = cpu_to_fdt32(FDT_NOP);
	hdr.crc = fdbox_kho_crc(fdt, hdr.size);
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, fdt), "tree damaged");

	other = fdbox_test_tree(test, &hdr, "fdbox-v0");
	KUNIT_EXPECT_STREQ(test, fdbox_check_tree(&hdr, other),
			   "tree not " FDBOX_KHO_COMPATIBLE);
}

static struct kunit_case __refdata fdbox_incoming_test_cases[] = {
	KUNIT_CASE(fdbox_test_fdt_string),
	KUNIT_CASE(fdbox_test_fdt_numbers),
	KUNIT_CASE(fdbox_test_header),
	KUNIT_CASE(fdbox_test_tree_checks),
	{}
};

static struct kunit_suite fdbox_incoming_test_suite = {
	.name = "fdbox_incoming",
	.test_cases = fdbox_incoming_test_cases,
};

kunit_test_init_section_suite(fdbox_incoming_test_suite);
