// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox hostile-data knob, for the selftests only (CONFIG_FDBOX_LUO_TEST).
 *
 * /sys/kernel/debug/fdbox/damage takes one damage per write, applied to the
 * "fdbox" KHO subtree at every PREPARE until the kexec (a test may PREPARE
 * and CANCEL in between):
 *
 *   box-name-nul BOX       the name of box BOX loses its NUL
 *   box-rename BOX NAME    box BOX is renamed NAME (a duplicate if taken)
 *   box-minor-big BOX      the minor of box BOX is FDBOX_MINORS, too big
 *   box-minor-of BOX OTHER box BOX gets the minor of box OTHER
 *   box-limit-size BOX     the max-bytes limit of box BOX shrinks to 4 bytes
 *   entry-name-nul BOX     the name of the first entry of BOX loses its NUL
 *   entry-name-long BOX    that name grows beyond FDBOX_NAME_LEN
 *   entry-data-size BOX    its LUO data shrinks to 4 bytes
 *   entry-rename BOX       the second entry takes the first one's name
 *   entry-luo-handler BOX  the first entry names a LUO handler nobody has
 *   entry-type BOX NAME    the first entry names the FDBox handler NAME
 *   entry-data-wrap BOX    the length of its "data" wraps the walk of the
 *                          tree back to that property
 *   hugetlb-size BOX       the first entry, a hugetlb memfd, has one huge
 *                          page more than its size holds (hugetlb_luo's
 *                          data, not the tree)
 *   hugetlb-shift BOX      its huge page size is 1 TiB
 *   hugetlb-count BOX      it has 2^20 folios more, and the size for them,
 *                          than its folio array holds
 *   hugetlb-reverse BOX    the folios of its array's first page are in
 *                          reverse order
 *   hugetlb-index-dup BOX  its second folio has the first one's index
 *   version                the header has the next version
 *   truncate               the header gives half the tree's size
 *   bitflip SEED           eight bits of header and tree flip, at places
 *                          drawn from SEED
 *
 * The tree damages come before the checksum, so that they reach the checks
 * of the parser; "truncate" recomputes the checksum for the same reason.
 * "hugetlb-count" changes what this kernel's unpreserve reads too: no
 * CANCEL may follow it.
 * "clear" empties the list; reading it shows the list.
 *
 * /sys/kernel/debug/fdbox/finish_delay_ms makes FINISH wait that long after
 * each box it drops, for the tests of UNSEAL racing FINISH.
 *
 * /sys/kernel/debug/fdbox/carry_max is the room SEAL may reserve in the
 * next live update's tree (fdbox_carry_max), so that a test can fill it
 * with a few thousand entries; carry_used, read-only, what the sealed
 * boxes have reserved.
 *
 * /sys/kernel/debug/fdbox/freeze_late, when set at PREPARE, makes FREEZE
 * freeze every file of the live update, as if no handler froze its files
 * at PREPARE: the memfd handler, whose files the suite carries across,
 * does.
 */

#define pr_fmt(fmt) "fdbox: " fmt

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho/abi/fdbox.h>
#include <linux/kho/abi/hugetlb.h>
#include <linux/libfdt.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "fdbox_internal.h"

/*
 * What this live update's PREPARE latched, under fdbox_lock: the
 * freeze_late knob, and whether the damages rewrote the tree.
 */
static bool test_late;
static bool test_relaid;

#define DAMAGE_MAX		16
#define DAMAGE_CMD_LEN		24
#define DAMAGE_FLIPS		8
#define DAMAGE_LONG_NAME	(FDBOX_NAME_LEN + 44)

struct fdbox_damage {
	char cmd[DAMAGE_CMD_LEN];
	char box[FDBOX_NAME_LEN];
	char arg[FDBOX_NAME_LEN];
};

static DEFINE_MUTEX(damage_lock);
static struct fdbox_damage damages[DAMAGE_MAX];
static unsigned int nr_damages;

/* The commands and the number of words after the command each takes. */
static const struct {
	const char *cmd;
	int args;
	bool tree;
} damage_cmds[] = {
	{ "box-name-nul", 1, true },
	{ "box-rename", 2, true },
	{ "box-minor-big", 1, true },
	{ "box-minor-of", 2, true },
	{ "box-limit-size", 1, true },
	{ "entry-name-nul", 1, true },
	{ "entry-name-long", 1, true },
	{ "entry-data-size", 1, true },
	{ "entry-rename", 1, true },
	{ "entry-luo-handler", 1, true },
	{ "entry-type", 2, true },
	{ "entry-data-wrap", 1, true },
	{ "hugetlb-size", 1, true },
	{ "hugetlb-shift", 1, true },
	{ "hugetlb-count", 1, true },
	{ "hugetlb-reverse", 1, true },
	{ "hugetlb-index-dup", 1, true },
	{ "version", 0, false },
	{ "truncate", 0, false },
	{ "bitflip", 1, false },
};

static int damage_find_cmd(const char *cmd)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(damage_cmds); i++)
		if (!strcmp(cmd, damage_cmds[i].cmd))
			return i;
	return -1;
}

/* The node of the box named @name, or a negative libfdt error. */
static int damage_find_box(void *fdt, const char *name)
{
	const char *s;
	int node, len;

	fdt_for_each_subnode(node, fdt, 0) {
		s = fdt_getprop(fdt, node, "name", &len);
		if (s && len == strlen(name) + 1 && !memcmp(s, name, len))
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

/* Replace the NUL that ends property @prop of @node. */
static int damage_unterminate(void *fdt, int node, const char *prop)
{
	char *s;
	int len;

	s = fdt_getprop_w(fdt, node, prop, &len);
	if (!s || len < 1)
		return -FDT_ERR_NOTFOUND;
	s[len - 1] = 'X';
	return 0;
}

/*
 * The folios of @ser's array that its first page holds, through the
 * preserved copy's chunk list, and their number in @nr.
 */
static struct hugetlb_luo_folio_ser *
damage_hugetlb_folios(struct hugetlb_luo_ser *ser, u64 *nr)
{
	struct kho_vmalloc_chunk *chunk = KHOSER_LOAD_PTR(ser->folios.first);

	if (!chunk || !chunk->phys[0])
		return NULL;
	*nr = min_t(u64, ser->nr_folios,
		    PAGE_SIZE / sizeof(struct hugetlb_luo_folio_ser));
	return phys_to_virt(chunk->phys[0]);
}

/*
 * Damage the hugetlb_luo data of entry @node, preserved memory that the
 * tree points to: the next kernel's retrieve must refuse it and give the
 * pages back to the pool.
 */
static int damage_hugetlb(void *fdt, int node, const char *cmd)
{
	struct hugetlb_luo_folio_ser *fs;
	struct hugetlb_luo_ser *ser;
	const char *compat;
	const void *data;
	u64 i, nr;
	int len;

	compat = fdt_getprop(fdt, node, "luo-handler", &len);
	data = fdt_getprop(fdt, node, "data", &len);
	if (!compat || strcmp(compat, HUGETLB_LUO_FH_COMPATIBLE) || !data ||
	    len != sizeof(u64))
		return -FDT_ERR_BADVALUE;
	ser = phys_to_virt(get_unaligned_be64(data));
	if (!strcmp(cmd, "hugetlb-shift")) {
		ser->shift = 40;
		return 0;
	}
	if (!strcmp(cmd, "hugetlb-count")) {
		ser->nr_folios += SZ_1M;
		ser->size += (u64)SZ_1M << ser->shift;
		return 0;
	}
	if (!strcmp(cmd, "hugetlb-reverse") ||
	    !strcmp(cmd, "hugetlb-index-dup")) {
		fs = damage_hugetlb_folios(ser, &nr);
		if (!fs || nr < 2)
			return -FDT_ERR_BADVALUE;
		if (!strcmp(cmd, "hugetlb-index-dup"))
			fs[1].index = fs[0].index;
		else
			for (i = 0; i < nr / 2; i++)
				swap(fs[i], fs[nr - 1 - i]);
		return 0;
	}
	if (ser->size < (1ULL << ser->shift))
		return -FDT_ERR_BADVALUE;
	ser->size -= 1ULL << ser->shift;
	return 0;
}

static int damage_apply_tree(void *fdt, const struct fdbox_damage *d)
{
	char long_name[DAMAGE_LONG_NAME];
	int box, other, fd0, fd1, len;
	const fdt32_t *minor;
	const char *name;
	u32 short_data;

	box = damage_find_box(fdt, d->box);
	if (box < 0)
		return box;
	if (!strcmp(d->cmd, "box-name-nul"))
		return damage_unterminate(fdt, box, "name");
	if (!strcmp(d->cmd, "box-rename"))
		return fdt_setprop_string(fdt, box, "name", d->arg);
	if (!strcmp(d->cmd, "box-minor-big"))
		return fdt_setprop_u32(fdt, box, "minor", FDBOX_MINORS);
	if (!strcmp(d->cmd, "box-limit-size"))
		return fdt_setprop_u32(fdt, box, "max-bytes", 0);
	if (!strcmp(d->cmd, "box-minor-of")) {
		other = damage_find_box(fdt, d->arg);
		if (other < 0)
			return other;
		minor = fdt_getprop(fdt, other, "minor", &len);
		if (!minor || len != sizeof(*minor))
			return -FDT_ERR_NOTFOUND;
		return fdt_setprop_u32(fdt, box, "minor", fdt32_to_cpu(*minor));
	}

	fd0 = fdt_subnode_offset(fdt, box, "fd-0");
	if (fd0 < 0)
		return fd0;
	if (!strcmp(d->cmd, "entry-name-nul"))
		return damage_unterminate(fdt, fd0, "name");
	if (!strcmp(d->cmd, "entry-name-long")) {
		memset(long_name, 'a', sizeof(long_name) - 1);
		long_name[sizeof(long_name) - 1] = '\0';
		return fdt_setprop_string(fdt, fd0, "name", long_name);
	}
	if (!strcmp(d->cmd, "entry-data-size")) {
		short_data = 0;
		return fdt_setprop(fdt, fd0, "data", &short_data,
				   sizeof(short_data));
	}
	if (!strcmp(d->cmd, "entry-luo-handler"))
		return fdt_setprop_string(fdt, fd0, "luo-handler",
					  "fdbox-test-none-v1");
	if (!strcmp(d->cmd, "entry-type"))
		return fdt_setprop_string(fdt, fd0, "fdbox-handler", d->arg);
	if (!strncmp(d->cmd, "hugetlb-", 8))
		return damage_hugetlb(fdt, fd0, d->cmd);
	if (!strcmp(d->cmd, "entry-data-wrap")) {
		fdt32_t *data = fdt_getprop_w(fdt, fd0, "data", &len);

		if (!data)
			return -FDT_ERR_NOTFOUND;
		/* The length before the value: the next tag is this one. */
		data[-2] = cpu_to_fdt32(-(u32)sizeof(struct fdt_property));
		return 0;
	}

	/* entry-rename; the name is copied, as setprop may move it. */
	fd1 = fdt_subnode_offset(fdt, box, "fd-1");
	name = fdt_getprop(fdt, fd0, "name", &len);
	if (fd1 < 0 || !name || len < 1 || len > sizeof(long_name))
		return -FDT_ERR_NOTFOUND;
	memcpy(long_name, name, len);
	return fdt_setprop(fdt, fd1, "name", long_name, len);
}

/**
 * fdbox_luo_test_damage_room() - Room the tree damages may need.
 *
 * Context: PREPARE, with fdbox_lock held.
 * Return: bytes the damages waiting may add to the tree.
 */
size_t fdbox_luo_test_damage_room(void)
{
	guard(mutex)(&damage_lock);
	return nr_damages * 2 * (DAMAGE_LONG_NAME + FDBOX_NAME_LEN);
}

/**
 * fdbox_luo_test_damage_tree() - Apply the tree damages.
 * @fdt:     The finished outgoing device tree.
 * @bufsize: The room it may grow into.
 *
 * Context: PREPARE, with fdbox_lock held.
 */
void fdbox_luo_test_damage_tree(void *fdt, size_t bufsize)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&fdbox_lock);
	guard(mutex)(&damage_lock);
	if (!nr_damages)
		return;
	err = fdt_open_into(fdt, fdt, bufsize);
	for (i = 0; !err && i < nr_damages; i++) {
		const struct fdbox_damage *d = &damages[i];

		if (!damage_cmds[damage_find_cmd(d->cmd)].tree)
			continue;
		test_relaid = true;
		err = damage_apply_tree(fdt, d);
		pr_info("test damage %s %s %s: %d\n", d->cmd, d->box, d->arg,
			err);
		/* A damage whose box is not carried is reported, not fatal. */
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	if (!err)
		err = fdt_pack(fdt);
	if (err)
		pr_err("test damage left the tree broken: %d\n", err);
}

/**
 * fdbox_luo_test_relaid() - Whether this PREPARE's damages rewrote the tree.
 *
 * A rewrite may move what was at an offset of the tree, so FREEZE must not
 * patch it.
 *
 * Context: FREEZE, with fdbox_lock held.
 * Return: true if the tree was rewritten.
 */
bool fdbox_luo_test_relaid(void)
{
	lockdep_assert_held(&fdbox_lock);
	return test_relaid;
}

/* Flip bit @bit of the header followed by the tree. */
static void damage_flip(struct fdbox_kho_header *hdr, u8 *tree, u32 bit)
{
	u32 byte = bit / BITS_PER_BYTE;
	u8 *p = byte < sizeof(*hdr) ? (u8 *)hdr + byte :
		tree + byte - sizeof(*hdr);

	*p ^= BIT(bit % BITS_PER_BYTE);
	pr_info("test damage bitflip: bit %u of byte %u\n",
		bit % BITS_PER_BYTE, byte);
}

/* Flip DAMAGE_FLIPS distinct bits of the header and tree, from @seed. */
static void damage_bitflip(struct fdbox_kho_header *hdr, u8 *tree, u64 seed)
{
	u32 bits[DAMAGE_FLIPS], nbits;
	struct rnd_state rnd;
	int i, j;

	nbits = (sizeof(*hdr) + hdr->size) * BITS_PER_BYTE;
	prandom_seed_state(&rnd, seed);
	for (i = 0; i < DAMAGE_FLIPS; i++) {
again:
		bits[i] = prandom_u32_state(&rnd) % nbits;
		for (j = 0; j < i; j++)
			if (bits[j] == bits[i])
				goto again;
		damage_flip(hdr, tree, bits[i]);
	}
}

/**
 * fdbox_luo_test_damage_blob() - Apply the header damages.
 * @hdr:  The outgoing subtree, written and checksummed.
 * @tree: The tree it points to.
 *
 * Context: PREPARE, with fdbox_lock held.
 */
void fdbox_luo_test_damage_blob(struct fdbox_kho_header *hdr, void *tree)
{
	unsigned int i;
	u64 seed;

	guard(mutex)(&damage_lock);
	for (i = 0; i < nr_damages; i++) {
		const struct fdbox_damage *d = &damages[i];

		if (!strcmp(d->cmd, "version")) {
			hdr->version++;
		} else if (!strcmp(d->cmd, "truncate")) {
			hdr->size /= 2;
			hdr->crc = fdbox_kho_crc(tree, hdr->size);
		} else if (!strcmp(d->cmd, "bitflip")) {
			if (kstrtou64(d->box, 0, &seed))
				continue;
			damage_bitflip(hdr, tree, seed);
		} else {
			continue;
		}
		/* Only the flips must reach a checksum that fails. */
		if (strcmp(d->cmd, "bitflip"))
			hdr->hdr_crc = fdbox_kho_hdr_crc(hdr);
		pr_info("test damage %s %s\n", d->cmd, d->box);
	}
}

static ssize_t damage_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	char *out __free(kfree) = kzalloc(PAGE_SIZE, GFP_KERNEL);
	unsigned int i;
	int len = 0;

	if (!out)
		return -ENOMEM;
	scoped_guard(mutex, &damage_lock) {
		for (i = 0; i < nr_damages; i++)
			len += scnprintf(out + len, PAGE_SIZE - len,
					 "%s %s %s\n", damages[i].cmd,
					 damages[i].box, damages[i].arg);
	}
	return simple_read_from_buffer(buf, count, ppos, out, len);
}

static ssize_t damage_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct fdbox_damage d = { };
	char *line, *words[3];
	int n = 0, cmd;

	if (count > 2 * FDBOX_NAME_LEN + DAMAGE_CMD_LEN)
		return -EINVAL;
	char *kbuf __free(kfree) = memdup_user_nul(buf, count);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	line = strim(kbuf);
	while (line && *line && n < ARRAY_SIZE(words))
		words[n++] = strsep(&line, " ");
	if (!n || line)
		return -EINVAL;

	if (n == 1 && !strcmp(words[0], "clear")) {
		guard(mutex)(&damage_lock);
		nr_damages = 0;
		return count;
	}
	cmd = damage_find_cmd(words[0]);
	if (cmd < 0 || n != damage_cmds[cmd].args + 1)
		return -EINVAL;
	if (strscpy(d.cmd, words[0]) < 0 ||
	    (n > 1 && strscpy(d.box, words[1]) < 0) ||
	    (n > 2 && strscpy(d.arg, words[2]) < 0))
		return -EINVAL;

	guard(mutex)(&damage_lock);
	if (nr_damages == DAMAGE_MAX)
		return -ENOSPC;
	damages[nr_damages++] = d;
	return count;
}

static const struct file_operations damage_fops = {
	.read = damage_read,
	.write = damage_write,
};

/*
 * Milliseconds FINISH waits after it dropped each box nobody unsealed: a
 * window as long as that in which UNSEALs racing FINISH run, so that a
 * test can show that they find the box dropped whole.
 */
static u32 finish_delay_ms;
static bool freeze_late;

/**
 * fdbox_luo_test_finish_delay() - Wait, in FINISH, after a box was dropped.
 *
 * Context: fdbox_lock held, no box lock.
 */
void fdbox_luo_test_finish_delay(void)
{
	u32 ms = READ_ONCE(finish_delay_ms);

	if (ms)
		msleep(ms);
}

/**
 * fdbox_luo_test_prepare() - Start a live update's test state.
 *
 * Takes the freeze_late knob as it is now, for the whole live update: the
 * files PREPARE left to FREEZE must be the ones FREEZE and CANCEL find.
 *
 * Context: PREPARE, with fdbox_lock held.
 */
void fdbox_luo_test_prepare(void)
{
	lockdep_assert_held(&fdbox_lock);
	test_late = READ_ONCE(freeze_late);
	test_relaid = false;
}

/**
 * fdbox_luo_test_late() - Whether FREEZE is to freeze every file.
 *
 * Context: fdbox_lock held, from PREPARE to CANCEL or the kexec.
 * Return: the freeze_late knob as PREPARE found it.
 */
bool fdbox_luo_test_late(void)
{
	lockdep_assert_held(&fdbox_lock);
	return test_late;
}

static int carry_used_get(void *data, u64 *val)
{
	*val = fdbox_carry_used_read();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(carry_used_fops, carry_used_get, NULL, "%llu\n");

static int __init fdbox_luo_test_init(void)
{
	struct dentry *dir = fdbox_debugfs_dir();

	debugfs_create_file("damage", 0600, dir, NULL, &damage_fops);
	debugfs_create_u32("finish_delay_ms", 0600, dir, &finish_delay_ms);
	debugfs_create_ulong("carry_max", 0600, dir, &fdbox_carry_max);
	debugfs_create_file_unsafe("carry_used", 0400, dir, NULL,
				   &carry_used_fops);
	debugfs_create_bool("freeze_late", 0600, dir, &freeze_late);
	return 0;
}
late_initcall(fdbox_luo_test_init);
