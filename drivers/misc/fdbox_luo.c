// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox live update: sealed boxes cross a kexec.
 */

/**
 * DOC: FDBox live update
 *
 * FDBox is a subsystem of the live update state machine, named "fdbox":
 *
 * - PREPARE preserves, through the LUO file handler of each file's type
 *   (memfd_luo for memfds), every file of every sealed box, and marks those
 *   boxes carried. Boxes that are not sealed, or that are created or sealed
 *   after PREPARE, are not carried. A carried box refuses PUT, GET, SEAL,
 *   UNSEAL and DELETE with -EBUSY.
 * - Since a carried box cannot change, PREPARE also writes the device tree
 *   the next kernel reads, with its CRC32, into a vmalloc area that KHO
 *   preserves page by page: nothing in it grows a contiguous allocation
 *   with the entries carried, and the blackout does not write it.
 * - The LUO freeze of a file is final in LUO's contract: taken once, at
 *   FREEZE, and undone by one unfreeze. A handler may declare that its
 *   freeze is a snapshot of what a carried box keeps fixed, and may be
 *   taken again (freeze_at_prepare, as memfds: memfd_luo saves the
 *   position): PREPARE freezes those files, and FREEZE freezes again only
 *   those that had another holder of the open file at PREPARE (a dup()ed
 *   descriptor kept by the process, an unsealed box's entry), which can
 *   still move the position and which nothing can give a file only the
 *   box holds. FREEZE freezes the files of other handlers, and undoes
 *   those freezes if one fails.
 * - CANCEL undoes PREPARE: the boxes are plain sealed boxes again.
 * - In the new kernel, the boxes reappear sealed, with their device nodes,
 *   their entries waiting. UNSEAL restores their files, frozen as in any
 *   sealed box until the UNSEAL completes; an entry whose file cannot be
 *   restored, or is not of its FDBox handler's type, is reported and
 *   dropped, and UNSEAL fails with the box still sealed. Once all its
 *   files are back, a box is an ordinary sealed one, even if its unseal
 *   hooks then fail. FINISH drops the boxes whose files did not all come
 *   back and releases their files' memory, with one log line each.
 * - An incoming entry is retrieved at most once: a retrieve its handler
 *   attempted, or a finish, consumed its data, and the LUO API refuses a
 *   second one. Only an entry whose FDBox or LUO handler is not
 *   registered (yet) waits for another UNSEAL. FINISH releases a box's
 *   waiting entries and kills the box in one hold of the box lock, so that
 *   an UNSEAL racing it finds either the box as it came or a deleted one
 *   (-ENODEV).
 * - An entry's FDBox handler is looked up by UNSEAL, not at boot: one that
 *   registers later (a module) still gets its entries, which wait until
 *   then. An incoming entry skipped at boot (malformed, a duplicate, or in
 *   a box that was skipped) whose LUO handler and data are well formed has
 *   its file released by FINISH, so that damage does not pin memory until
 *   the next reboot.
 *
 * - debugfs shows what crosses, for `fdboxctl kho` to decode and check as
 *   the next kernel would: fdbox/out/{header,tree} from PREPARE to CANCEL
 *   (the header is the page KHO shows as kho/out/sub_fdts/fdbox), and
 *   fdbox/in/{header,tree} from boot to FINISH: the incoming subtree is
 *   kept until then, even rejected, since what came is what an operator
 *   must see when a box did not. KHO's own kho/in view goes on showing
 *   the header's page after FINISH frees it (KHO is not told), hence our
 *   own. Root only; nothing there is written back.
 *
 * Locking: fdbox_lock serializes PREPARE, FREEZE, CANCEL and FINISH, and
 * protects the outgoing state (fdbox_out), what boot kept of the incoming
 * subtree (fdbox_in) and the skipped entries' files (fdbox_orphans, filled
 * at boot before anyone can reach FDBox). The debugfs readers take it
 * only to copy out of those. A carried box's entries cannot change until
 * CANCEL, which holds fdbox_lock: FREEZE reads them without the box lock.
 *
 * The device tree is compatible "fdbox-v1"::
 *
 *   / {
 *           compatible = "fdbox-v1";
 *           next-minor = <u32>;                   // the minor cursor
 *           box-0 {
 *                   name = "vm1";                 // the box name
 *                   minor = <u32>;                // its device minor
 *                   max-entries = <u32>;          // its limits
 *                   max-bytes = <u64>;
 *                   fd-0 {
 *                           name = "guest-ram";   // the entry name
 *                           fdbox-handler = "memfd";
 *                           luo-handler = "memfd-v2";
 *                           data = <u64>;         // the LUO handler's data
 *                   };
 *           };
 *   };
 *
 * It comes from the previous kernel and is checked before use: a header
 * with a wrong magic, version or checksum, a tree that cannot be mapped,
 * or with a wrong size or checksum, or not valid, not walkable to its end
 * or not "fdbox-v1", rejects the whole subtree; a box or an entry whose
 * name, minor, string or size does not check out, or whose name or minor
 * is taken already, is skipped. "minor", "next-minor" and the limits came
 * after the first kernels that wrote "fdbox-v1": a tree without them is
 * still taken, its boxes get new minors and default limits, and the cursor
 * goes on after the highest one restored. Each is reported. The checksums
 * catch corruption, not forgery: the data of an entry that passes is
 * handed to its LUO handler, which trusts the previous kernel as LUO
 * sessions do, and so are the tree's pages to KHO, which takes back only
 * preserved pages. Subtrees of version 1 (the tree inline in the subtree)
 * are not read: no kernel that wrote them was released.
 */

#define pr_fmt(fmt) "fdbox: " fmt

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/fdbox.h>
#include <linux/ktime.h>
#include <linux/libfdt.h>
#include <linux/liveupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "fdbox_internal.h"

/* A file FREEZE freezes again, and where its data sits in the tree. */
struct fdbox_refreeze {
	struct fdbox_entry *entry;
	u32 data;
};

/*
 * The outgoing live update, set up by PREPARE and torn down by CANCEL, all
 * under fdbox_lock: the KHO subtree, the tree it points to and the record
 * of the tree's preservation (the subtree's copy may be damaged by the
 * test knob, so FREEZE keeps the size it checksums), and the files that
 * FREEZE must freeze: those whose handler does not freeze at PREPARE, and
 * at most those of the others that had another holder when PREPARE
 * preserved them. @frozen: FREEZE froze them.
 */
static struct {
	struct fdbox_kho_header *hdr;
	void *tree;
	size_t size;
	struct kho_vmalloc vm;
	bool preserved;
	bool frozen;
	struct fdbox_refreeze *refreeze;
	unsigned int nr_refreeze;
	unsigned int max_refreeze;
} fdbox_out;

/*
 * The incoming subtree as boot found it, kept until FINISH for debugfs,
 * under fdbox_lock: the bytes of its header this kernel reads, and its
 * tree if the header let boot map it, whether the tree was taken or not.
 */
static struct {
	struct fdbox_kho_header *hdr;
	size_t hdr_len;
	void *tree;
	size_t tree_len;
} fdbox_in;

/* What a node of a @len-byte name, and a property of @len bytes, take. */
#define FDBOX_FDT_NODE(len)	(2 * FDT_TAGSIZE + ALIGN((len) + 1, FDT_TAGSIZE))
#define FDBOX_FDT_PROP(len)	(sizeof(struct fdt_property) + \
				 ALIGN((len), FDT_TAGSIZE))
#define FDBOX_FDT_STRING(s)	FDBOX_FDT_PROP(strlen(s) + 1)

/*
 * Bytes the node of @entry takes in the tree: exact but for its node name,
 * counted at its longest.
 */
static size_t fdbox_fdt_entry_bytes(const struct fdbox_entry *entry)
{
	return FDBOX_FDT_NODE(sizeof("fd-4294967295") - 1) +
	       FDBOX_FDT_STRING(entry->name) +
	       FDBOX_FDT_STRING(entry->handler->name) +
	       FDBOX_FDT_STRING(entry->luo.handler->compatible) +
	       FDBOX_FDT_PROP(sizeof(u64));
}

/* Bytes the node of @box takes in the tree, without its entries, exactly. */
static size_t fdbox_fdt_box_bytes(const struct fdbox *box)
{
	return FDBOX_FDT_NODE(sizeof("box-4294967295") - 1) +
	       FDBOX_FDT_STRING(dev_name(&box->dev)) +
	       2 * FDBOX_FDT_PROP(sizeof(u32)) + FDBOX_FDT_PROP(sizeof(u64));
}

/* Whether FREEZE, not PREPARE, freezes the file of @entry. */
static bool fdbox_freeze_late(const struct fdbox_entry *entry)
{
	lockdep_assert_held(&fdbox_lock);
	return !entry->handler->freeze_at_prepare || fdbox_luo_test_late();
}

/*
 * Whether FREEZE must freeze the file of @entry: it is not frozen yet, or
 * another holder may still move its position. The box holds one reference:
 * with no other, nothing can.
 */
static bool fdbox_refreezes(const struct fdbox_entry *entry)
{
	return fdbox_freeze_late(entry) || file_count(entry->file) > 1;
}

/* Whether the file of carried @entry of @box is frozen now. */
static bool fdbox_entry_frozen(const struct fdbox *box,
			       const struct fdbox_entry *entry)
{
	lockdep_assert_held(&fdbox_lock);
	return fdbox_freeze_late(entry) ? fdbox_out.frozen : box->frozen;
}

/* Unpreserve the entries of @box before @until, or all if @until is NULL. */
static void fdbox_unpreserve_box(struct fdbox *box, struct fdbox_entry *until)
{
	struct fdbox_entry *entry;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box) {
		if (entry == until)
			break;
		if (fdbox_entry_frozen(box, entry))
			liveupdate_file_unfreeze(&entry->luo);
		liveupdate_file_unpreserve(&entry->luo);
	}
	box->carried = false;
	box->frozen = false;
}

/*
 * Freeze the files of a carried box that PREPARE freezes; on failure,
 * unfreeze those done.
 */
static int fdbox_freeze_box(struct fdbox *box)
{
	struct fdbox_entry *entry, *failed;
	int err;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box) {
		if (fdbox_freeze_late(entry))
			continue;
		err = liveupdate_file_freeze(&entry->luo);
		if (err)
			goto err_unfreeze;
	}
	box->frozen = true;
	return 0;

err_unfreeze:
	dev_warn(&box->dev, "cannot freeze entry %s: %pe\n", entry->name,
		 ERR_PTR(err));
	fdbox_box_prepare_error(box, entry->name, err);
	failed = entry;
	fdbox_for_each_entry(entry, box) {
		if (entry == failed)
			break;
		if (!fdbox_freeze_late(entry))
			liveupdate_file_unfreeze(&entry->luo);
	}
	return err;
}

/*
 * Preserve and freeze the files of @box, adding to *@size what it takes in
 * the tree. A carried box cannot change, so that its files are in their
 * final state now, but for the position of a file another holder shares,
 * which FREEZE takes again.
 */
static int fdbox_preserve_box(struct fdbox *box, size_t *size)
{
	struct fdbox_entry *entry;
	size_t bytes;
	int err;

	lockdep_assert_held(&fdbox_lock);
	lockdep_assert_held(&box->lock);
	bytes = fdbox_fdt_box_bytes(box);
	fdbox_for_each_entry(entry, box) {
		err = liveupdate_file_preserve(entry->file, &entry->luo);
		if (err) {
			/*
			 * The whole PREPARE fails: tell the operator which box
			 * to fix or delete before trying again.
			 */
			dev_warn(&box->dev, "cannot preserve entry %s: %pe\n",
				 entry->name, ERR_PTR(err));
			fdbox_box_prepare_error(box, entry->name, err);
			fdbox_unpreserve_box(box, entry);
			return err;
		}
		bytes += fdbox_fdt_entry_bytes(entry);
		if (fdbox_refreezes(entry))
			fdbox_out.max_refreeze++;
	}
	err = fdbox_freeze_box(box);
	if (err) {
		fdbox_unpreserve_box(box, NULL);
		return err;
	}
	fdbox_box_prepare_error(box, NULL, 0);
	box->carried = true;
	*size += bytes;
	return 0;
}

/* Undo PREPARE for every box, and free what it allocated. */
static void fdbox_uncarry_all(void)
{
	struct fdbox *box;

	lockdep_assert_held(&fdbox_lock);
	for (box = fdbox_first_box(); box; box = fdbox_next_box(box)) {
		guard(mutex)(&box->lock);
		if (box->carried)
			fdbox_unpreserve_box(box, NULL);
	}
	if (fdbox_out.hdr) {
		kho_remove_subtree(fdbox_out.hdr);
		kho_unpreserve_free(fdbox_out.hdr);
	}
	if (fdbox_out.preserved)
		kho_unpreserve_vmalloc(&fdbox_out.vm);
	vfree(fdbox_out.tree);
	kvfree(fdbox_out.refreeze);
	memset(&fdbox_out, 0, sizeof(fdbox_out));
}

/*
 * Preserve the files of every sealed box that was not carried in, adding
 * to *@size what they take in the tree; on failure, some may stay carried.
 */
static int fdbox_carry_sealed(size_t *size)
{
	struct fdbox *box;
	int err;

	lockdep_assert_held(&fdbox_lock);
	for (box = fdbox_first_box(); box; box = fdbox_next_box(box)) {
		guard(mutex)(&box->lock);
		if (!box->sealed || box->incoming)
			continue;
		err = fdbox_preserve_box(box, size);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Remember that FREEZE must freeze @entry again: another holder of its open
 * file may still move the position that its freeze saves.
 */
static int fdbox_add_refreeze(struct fdbox_entry *entry, u32 data)
{
	lockdep_assert_held(&fdbox_lock);
	/* Counted at preserve: a file only the box holds gains no holder. */
	if (fdbox_out.nr_refreeze == fdbox_out.max_refreeze)
		return -FDT_ERR_INTERNAL;
	fdbox_out.refreeze[fdbox_out.nr_refreeze++] =
		(struct fdbox_refreeze){ entry, data };
	return 0;
}

static int fdbox_fdt_add_entry(void *fdt, struct fdbox_entry *entry,
			       unsigned int idx)
{
	char node[16];
	void *data;
	int err;

	lockdep_assert_held(&fdbox_lock);
	snprintf(node, sizeof(node), "fd-%u", idx);
	err = fdt_begin_node(fdt, node);
	if (!err)
		err = fdt_property_string(fdt, "name", entry->name);
	if (!err)
		err = fdt_property_string(fdt, "fdbox-handler",
					  entry->handler->name);
	if (!err)
		err = fdt_property_string(fdt, "luo-handler",
					  entry->luo.handler->compatible);
	if (!err)
		err = fdt_property_placeholder(fdt, "data", sizeof(u64), &data);
	if (err)
		return err;
	put_unaligned_be64(entry->luo.serialized_data, data);
	if (fdbox_refreezes(entry))
		err = fdbox_add_refreeze(entry, data - fdt);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

static int fdbox_fdt_add_box(void *fdt, struct fdbox *box, unsigned int idx)
{
	struct fdbox_entry *entry;
	unsigned int i = 0;
	char node[16];
	int err;

	lockdep_assert_held(&box->lock);
	snprintf(node, sizeof(node), "box-%u", idx);
	err = fdt_begin_node(fdt, node);
	if (!err)
		err = fdt_property_string(fdt, "name", dev_name(&box->dev));
	if (!err)
		err = fdt_property_u32(fdt, "minor", MINOR(box->dev.devt));
	if (!err)
		err = fdt_property_u32(fdt, "max-entries", box->max_entries);
	if (!err)
		err = fdt_property_u64(fdt, "max-bytes", box->max_bytes);
	fdbox_for_each_entry(entry, box) {
		if (err)
			break;
		err = fdbox_fdt_add_entry(fdt, entry, i++);
	}
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

/* Write the carried boxes into a tree of @size bytes. */
static int fdbox_write_fdt(void *fdt, size_t size)
{
	unsigned int idx = 0;
	struct fdbox *box;
	int err;

	lockdep_assert_held(&fdbox_lock);
	err = fdt_create(fdt, size);
	if (!err)
		err = fdt_finish_reservemap(fdt);
	if (!err)
		err = fdt_begin_node(fdt, "");
	if (!err)
		err = fdt_property_string(fdt, "compatible",
					  FDBOX_KHO_COMPATIBLE);
	if (!err)
		err = fdt_property_u32(fdt, "next-minor", fdbox_minor_cursor());
	for (box = fdbox_first_box(); box; box = fdbox_next_box(box)) {
		if (err)
			break;
		guard(mutex)(&box->lock);
		if (box->carried)
			err = fdbox_fdt_add_box(fdt, box, idx++);
	}
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = fdt_finish(fdt);
	return err;
}

/*
 * Write the carried boxes, which take @size bytes of tree, and hand them
 * to KHO: everything but the freeze of shared files is done before the
 * blackout.
 */
static int fdbox_write_out(size_t size)
{
	struct fdbox_kho_header *hdr;
	int err;

	lockdep_assert_held(&fdbox_lock);
	size = round_up(size + fdbox_luo_test_damage_room(), PAGE_SIZE);
	fdbox_out.tree = vzalloc(size);
	if (!fdbox_out.tree)
		return -ENOMEM;
	if (fdbox_out.max_refreeze) {
		fdbox_out.refreeze = kvcalloc(fdbox_out.max_refreeze,
					      sizeof(*fdbox_out.refreeze),
					      GFP_KERNEL);
		if (!fdbox_out.refreeze)
			return -ENOMEM;
	}
	err = fdbox_write_fdt(fdbox_out.tree, size);
	/* The room was counted before: running out of it is a bug. */
	if (WARN_ONCE(err, "fdbox: cannot write the outgoing tree: %d\n", err))
		return -EINVAL;
	fdbox_luo_test_damage_tree(fdbox_out.tree, size);

	err = kho_preserve_vmalloc(fdbox_out.tree, &fdbox_out.vm);
	if (err)
		return err;
	fdbox_out.preserved = true;
	hdr = kho_alloc_preserve(sizeof(*hdr));
	if (IS_ERR(hdr))
		return PTR_ERR(hdr);
	hdr->magic = FDBOX_KHO_MAGIC;
	hdr->version = FDBOX_KHO_VERSION;
	fdbox_out.size = fdt_totalsize(fdbox_out.tree);
	hdr->size = fdbox_out.size;
	hdr->crc = fdbox_kho_crc(fdbox_out.tree, hdr->size);
	hdr->tree = fdbox_out.vm;
	hdr->hdr_crc = fdbox_kho_hdr_crc(hdr);
	fdbox_luo_test_damage_blob(hdr, fdbox_out.tree);

	err = kho_add_subtree(FDBOX_KHO_NAME, hdr, sizeof(*hdr));
	if (err) {
		kho_unpreserve_free(hdr);
		return err;
	}
	fdbox_out.hdr = hdr;
	return 0;
}

static int fdbox_luo_prepare(struct liveupdate_subsystem *s, u64 *data)
{
	size_t size = FDBOX_FDT_BASE;
	int err;

	guard(mutex)(&fdbox_lock);
	fdbox_luo_test_prepare();
	err = fdbox_carry_sealed(&size);
	if (!err)
		err = fdbox_write_out(size);
	if (err)
		fdbox_uncarry_all();
	return err;
}

/* Undo the freezes FREEZE took first of its first @n files. */
static void fdbox_unfreeze_late(unsigned int n)
{
	unsigned int i;

	lockdep_assert_held(&fdbox_lock);
	for (i = 0; i < n; i++) {
		struct fdbox_entry *entry = fdbox_out.refreeze[i].entry;

		if (fdbox_freeze_late(entry))
			liveupdate_file_unfreeze(&entry->luo);
	}
}

/*
 * The blackout: the files PREPARE froze are frozen again only where
 * another holder shares them, so that it does not grow with the memfds
 * carried. A handler whose freeze moved the file's data gets it written,
 * and the tree checksummed again; memfd_luo's never does. On failure, the
 * freezes taken here are undone, and the cancel that follows undoes
 * PREPARE.
 */
static int fdbox_luo_freeze(struct liveupdate_subsystem *s, u64 *data)
{
	struct fdbox_kho_header *hdr;
	bool moved = false;
	unsigned int i;
	int err;

	guard(mutex)(&fdbox_lock);
	for (i = 0; i < fdbox_out.nr_refreeze; i++) {
		struct fdbox_entry *entry = fdbox_out.refreeze[i].entry;
		u64 old = entry->luo.serialized_data;

		err = liveupdate_file_freeze(&entry->luo);
		if (err) {
			pr_warn("cannot freeze entry %s: %pe\n", entry->name,
				ERR_PTR(err));
			fdbox_unfreeze_late(i);
			return err;
		}
		if (entry->luo.serialized_data == old)
			continue;
		/* A test damage rewrote the tree: the offset is stale. */
		if (fdbox_luo_test_relaid()) {
			pr_warn("entry %s: tree damaged for a test, data moved\n",
				entry->name);
			fdbox_unfreeze_late(i + 1);
			return -EINVAL;
		}
		put_unaligned_be64(entry->luo.serialized_data,
				   fdbox_out.tree + fdbox_out.refreeze[i].data);
		moved = true;
	}
	if (moved) {
		hdr = fdbox_out.hdr;
		hdr->crc = fdbox_kho_crc(fdbox_out.tree, fdbox_out.size);
		hdr->hdr_crc = fdbox_kho_hdr_crc(hdr);
	}
	fdbox_out.frozen = true;
	return 0;
}

static void fdbox_luo_cancel(struct liveupdate_subsystem *s, u64 data)
{
	guard(mutex)(&fdbox_lock);
	fdbox_uncarry_all();
}

/*
 * Release what an incoming box still holds, and kill it, in one hold of
 * its lock: an UNSEAL waiting for the lock must find the box gone, not
 * entries whose data was just released. False if it is not incoming.
 */
static bool fdbox_release_incoming(struct fdbox *box, unsigned int *released)
{
	struct fdbox_entry *entry;
	int err;

	guard(mutex)(&box->lock);
	if (!box->incoming)
		return false;

	*released = 0;
	fdbox_for_each_entry(entry, box) {
		if (entry->file)
			continue;
		err = liveupdate_file_finish(entry->luo_compat, &entry->luo);
		if (err)
			dev_warn(&box->dev, "cannot release entry %s: %pe\n",
				 entry->name, ERR_PTR(err));
		else
			(*released)++;
	}
	fdbox_box_kill(box);
	return true;
}

/*
 * The file of an incoming entry that was skipped, as malformed, a
 * duplicate, or in a box that was skipped, but that names a LUO handler
 * and its data: FINISH releases it, so that damage in one box does not pin
 * memory until the next reboot. Protected by fdbox_lock.
 */
struct fdbox_orphan {
	struct list_head list;
	struct liveupdate_file_op_args luo;
	char luo_compat[LIVEUPDATE_HNDL_COMPAT_LENGTH];
};

static LIST_HEAD(fdbox_orphans);

static void fdbox_release_orphans(void)
{
	struct fdbox_orphan *orphan, *next;
	unsigned int released = 0, failed = 0;

	lockdep_assert_held(&fdbox_lock);
	list_for_each_entry_safe(orphan, next, &fdbox_orphans, list) {
		if (liveupdate_file_finish(orphan->luo_compat, &orphan->luo))
			failed++;
		else
			released++;
		list_del(&orphan->list);
		kfree(orphan);
	}
	if (released || failed)
		pr_info("files of skipped incoming entries: %u released, %u not\n",
			released, failed);
}

/* Free what boot kept of the incoming subtree: no one can show it now. */
static void fdbox_release_in(void)
{
	lockdep_assert_held(&fdbox_lock);
	vfree(fdbox_in.tree);
	if (fdbox_in.hdr)
		kho_restore_free(fdbox_in.hdr);
	memset(&fdbox_in, 0, sizeof(fdbox_in));
}

static void fdbox_luo_finish(struct liveupdate_subsystem *s, u64 data)
{
	struct rb_node *node, *next;
	unsigned int released;

	guard(mutex)(&fdbox_lock);
	fdbox_release_in();
	fdbox_release_orphans();
	for (node = rb_first(&fdbox_boxes); node; node = next) {
		struct fdbox *box = rb_entry(node, struct fdbox, node);

		next = rb_next(node);
		if (!fdbox_release_incoming(box, &released))
			continue;
		pr_info("box %s was not unsealed before FINISH: removed, %u file(s) released\n",
			dev_name(&box->dev), released);
		fdbox_luo_test_finish_delay();
		fdbox_box_unlink(box);
	}
}

static const struct liveupdate_subsystem_ops fdbox_luo_ops = {
	.prepare = fdbox_luo_prepare,
	.freeze = fdbox_luo_freeze,
	.cancel = fdbox_luo_cancel,
	.finish = fdbox_luo_finish,
};

static struct liveupdate_subsystem fdbox_subsystem = {
	.name = "fdbox",
	.ops = &fdbox_luo_ops,
};

/**
 * fdbox_luo_restore() - Restore the files of an incoming box.
 * @box: A sealed box that came from the previous kernel.
 *
 * Called by UNSEAL. Entries restored stay restored if a later one fails; an
 * entry whose file cannot be restored is dropped, since its handler
 * consumed its data, unless its FDBox or LUO handler is not registered
 * (yet), in which case it is kept for another try.
 *
 * Context: @box->lock held.
 * Return: 0 when every file is back; -ENOENT if an entry's FDBox or LUO
 * handler is not registered; or the error of the handler that could not
 * restore one.
 */
int fdbox_luo_restore(struct fdbox *box)
{
	struct fdbox_entry *entry, *next;
	struct file *wrong = NULL;
	int err;

	lockdep_assert_held(&box->lock);
	list_for_each_entry_safe(entry, next, &box->entries, list) {
		if (entry->file)
			continue;

		/* Looked up now: its module may have been loaded since boot. */
		if (!entry->handler)
			entry->handler = fdbox_get_handler_by_name(entry->type);
		if (!entry->handler) {
			dev_warn_ratelimited(&box->dev, "entry %s: no handler %s\n",
					     entry->name, entry->type);
			return -ENOENT;
		}
		err = liveupdate_file_retrieve(entry->luo_compat, &entry->luo);
		/*
		 * The tree pairs an FDBox handler with a LUO handler: the file
		 * the one made must be of the other's type before its hooks
		 * touch it (the memfd hooks take it for a shmem inode).
		 */
		if (!err && !entry->handler->ops->can_box(entry->handler,
							  entry->luo.file)) {
			/* Its LUO handler's finish may still look at it. */
			wrong = entry->luo.file;
			err = -EINVAL;
		}
		/* Held by UNSEAL once every file of the box is back. */
		if (!err)
			entry->file = entry->luo.file;
		/* In a sealed box, as SEAL leaves a file; UNSEAL thaws it. */
		if (!err && fdbox_entry_seal(entry, true))
			dev_warn(&box->dev, "entry %s: cannot seal\n",
				 entry->name);
		if (err && !entry->luo.retrieve_status) {
			/*
			 * No handler: nothing consumed, the entry waits. A
			 * delegate may retry UNSEAL at will: no log flood.
			 */
			dev_warn_ratelimited(&box->dev,
					     "entry %s: no LUO handler %s\n",
					     entry->name, entry->luo_compat);
			return -ENOENT;
		}
		if (err) {
			dev_warn(&box->dev, "cannot restore entry %s: %pe; dropped\n",
				 entry->name, ERR_PTR(err));
			liveupdate_file_finish(entry->luo_compat, &entry->luo);
			if (wrong)
				fput(wrong);
			fdbox_entry_erase(box, entry);
			fdbox_free_entry(entry);
			return err;
		}
		err = liveupdate_file_finish(entry->luo_compat, &entry->luo);
		if (err)
			dev_warn(&box->dev, "entry %s: cannot finish: %pe\n",
				 entry->name, ERR_PTR(err));
	}
	return 0;
}

/* A NUL-terminated string property of at most @max bytes, or NULL. */
static const char *fdbox_fdt_string(const void *fdt, int node,
				    const char *prop, int max)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, node, prop, &len);
	if (!s || len <= 1 || len > max || s[len - 1] ||
	    strnlen(s, len) != len - 1)
		return NULL;
	return s;
}

/*
 * Keep the file of a skipped incoming entry for FINISH to release, if the
 * entry names a LUO handler and its data.
 */
static void __init fdbox_orphan_entry(const void *fdt, int node)
{
	struct fdbox_orphan *orphan;
	const char *compat;
	const void *data;
	int len;

	compat = fdbox_fdt_string(fdt, node, "luo-handler",
				  LIVEUPDATE_HNDL_COMPAT_LENGTH);
	data = fdt_getprop(fdt, node, "data", &len);
	if (!compat || !data || len != sizeof(u64))
		return;
	orphan = kzalloc_obj(*orphan);
	if (!orphan)
		return;
	strscpy(orphan->luo_compat, compat, sizeof(orphan->luo_compat));
	orphan->luo.serialized_data = get_unaligned_be64(data);
	list_add_tail(&orphan->list, &fdbox_orphans);
}

/* The FDBox handler is looked up at UNSEAL, not here: see restore. */
static void __init fdbox_restore_entry(struct fdbox *box, const void *fdt,
				       int node)
{
	const char *name, *type, *compat;
	struct fdbox_entry *entry;
	const void *data;
	int len, err;

	name = fdbox_fdt_string(fdt, node, "name", FDBOX_NAME_LEN);
	type = fdbox_fdt_string(fdt, node, "fdbox-handler", FDBOX_TYPE_LEN);
	compat = fdbox_fdt_string(fdt, node, "luo-handler",
				  LIVEUPDATE_HNDL_COMPAT_LENGTH);
	data = fdt_getprop(fdt, node, "data", &len);
	if (!name || fdbox_check_name((const u8 *)name) || !type || !compat ||
	    !data || len != sizeof(u64)) {
		dev_warn(&box->dev, "incoming entry %s is malformed, skipped\n",
			 fdt_get_name(fdt, node, NULL) ?: "?");
		fdbox_orphan_entry(fdt, node);
		return;
	}

	entry = fdbox_entry_alloc(name);
	if (!entry) {
		fdbox_orphan_entry(fdt, node);
		return;
	}
	strscpy(entry->type, type, sizeof(entry->type));
	strscpy(entry->luo_compat, compat, sizeof(entry->luo_compat));
	entry->luo.serialized_data = get_unaligned_be64(data);
	err = fdbox_entry_insert(box, entry);
	if (err == -EEXIST)
		dev_warn(&box->dev, "incoming entry %s is a duplicate, skipped\n",
			 name);
	else if (err)
		dev_warn(&box->dev, "cannot restore entry %s: %pe, skipped\n",
			 name, ERR_PTR(err));
	if (err) {
		fdbox_free_entry(entry);
		fdbox_orphan_entry(fdt, node);
	}
}

/*
 * Property @prop of @node, a u32 below @limit, into *@val: 0, -ENOENT if
 * there is none (*@val untouched), -EINVAL if it does not check out.
 */
static int __init fdbox_fdt_u32(const void *fdt, int node, const char *prop,
				u64 limit, u32 *val)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -ENOENT;
	if (len != sizeof(*p) || fdt32_to_cpu(*p) >= limit)
		return -EINVAL;
	*val = fdt32_to_cpu(*p);
	return 0;
}

/* The same for a u64 property, of any value. */
static int __init fdbox_fdt_u64(const void *fdt, int node, const char *prop,
				u64 *val)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -ENOENT;
	if (len != sizeof(u64))
		return -EINVAL;
	*val = get_unaligned_be64(p);
	return 0;
}

/* Restore one box; the minor it got, or a negative errno if skipped. */
static int __init fdbox_restore_box(const void *fdt, int node)
{
	int child, err, err_entries, err_bytes;
	u32 minor, max_entries;
	struct fdbox *box;
	const char *name;
	u64 max_bytes;

	name = fdbox_fdt_string(fdt, node, "name", FDBOX_NAME_LEN);
	if (!name || fdbox_check_box_name((const u8 *)name)) {
		pr_warn("incoming box %s has a bad name, skipped\n",
			fdt_get_name(fdt, node, NULL) ?: "?");
		return -EINVAL;
	}
	/* Its minor, so that the nodes made for the box still open it. */
	err = fdbox_fdt_u32(fdt, node, "minor", FDBOX_MINORS, &minor);
	if (err == -EINVAL) {
		pr_warn("incoming box %s has a bad minor, skipped\n", name);
		return err;
	}
	/* The operator's limits, which a tenant must not lose by a kexec. */
	err_entries = fdbox_fdt_u32(fdt, node, "max-entries", BIT_ULL(32),
				    &max_entries);
	err_bytes = fdbox_fdt_u64(fdt, node, "max-bytes", &max_bytes);
	if (err_entries == -EINVAL || err_bytes == -EINVAL) {
		pr_warn("incoming box %s has bad limits, skipped\n", name);
		return -EINVAL;
	}
	box = fdbox_box_add(name, err ? -1 : minor);
	if (PTR_ERR(box) == -EBUSY) {
		pr_warn("incoming box %s: its minor %u is taken, skipped\n",
			name, minor);
		return -EBUSY;
	}
	if (IS_ERR(box)) {
		pr_warn("cannot restore box %s: %pe, skipped\n", name, box);
		return PTR_ERR(box);
	}

	guard(mutex)(&box->lock);
	if (!err_entries)
		box->max_entries = max_entries;
	if (!err_bytes)
		box->max_bytes = max_bytes;
	box->sealed = true;
	box->incoming = true;
	fdt_for_each_subnode(child, fdt, node)
		fdbox_restore_entry(box, fdt, child);
	/* One line for all at the end: a host may carry thousands. */
	dev_dbg(&box->dev, "came through the live update, sealed\n");
	return MINOR(box->dev.devt);
}

/* Keep the files of the entries of a box that was skipped. */
static void __init fdbox_orphan_box(const void *fdt, int node)
{
	int child;

	fdt_for_each_subnode(child, fdt, node)
		fdbox_orphan_entry(fdt, child);
}

/* Why the header of the incoming subtree cannot be trusted, or NULL. */
static const char *__init fdbox_check_header(const struct fdbox_kho_header *hdr,
					     size_t len)
{
	if (len < sizeof(*hdr) || hdr->magic != FDBOX_KHO_MAGIC)
		return "no FDBox header";
	if (hdr->version != FDBOX_KHO_VERSION)
		return "unknown version";
	if (fdbox_kho_hdr_crc(hdr) != hdr->hdr_crc)
		return "header checksum mismatch";
	return NULL;
}

/*
 * Whether @fdt is one root node whose every tag leads to the next one, up
 * to FDT_END, and whose every property has a name. libfdt's walks stop
 * silently at a tag that does not, and see only the first root node, and
 * fdt_getprop() passes over a property without a name: boxes, limits or
 * minors would be dropped without a word, the files of the boxes neither
 * restored nor released at FINISH. Linear in the tree, as the parse that
 * follows is. fdt_next_tag() moves on by at least a tag unless libfdt is
 * built to assume valid trees (ASSUME_VALID_DTB), which it is not here.
 */
static bool __init fdbox_fdt_walks(const void *fdt)
{
	int offset = 0, next, depth = 0;
	bool rooted = false;
	const char *name;

	for (;;) {
		switch (fdt_next_tag(fdt, offset, &next)) {
		case FDT_BEGIN_NODE:
			if (!depth && rooted)
				return false;
			rooted = true;
			depth++;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return false;
			break;
		case FDT_PROP:
			if (!depth ||
			    !fdt_getprop_by_offset(fdt, offset, &name, NULL))
				return false;
			break;
		case FDT_END:
			return next >= 0 && rooted && !depth;
		}
		if (next < 0)
			return false;
		offset = next;
	}
}

/* Why the incoming tree, mapped, cannot be trusted, or NULL. */
static const char *__init fdbox_check_tree(const struct fdbox_kho_header *hdr,
					   const void *fdt)
{
	if (hdr->size > (size_t)hdr->tree.total_pages * PAGE_SIZE)
		return "size beyond the tree";
	if (fdbox_kho_crc(fdt, hdr->size) != hdr->crc)
		return "checksum mismatch";
	/* Before 17, libfdt takes the sizes of the blocks on trust. */
	if (hdr->size < FDT_V17_SIZE || fdt_check_header(fdt) ||
	    fdt_version(fdt) < 17)
		return "not a valid tree";
	if (fdt_totalsize(fdt) > hdr->size)
		return "tree truncated";
	if (!fdbox_fdt_walks(fdt))
		return "tree damaged";
	if (fdt_node_check_compatible(fdt, 0, FDBOX_KHO_COMPATIBLE))
		return "tree not " FDBOX_KHO_COMPATIBLE;
	return NULL;
}

/*
 * Map the incoming tree into *@tree, if its header can be trusted; why the
 * subtree is rejected, or NULL. The header is checked before its record of
 * the tree's pages is used, the tree before it is parsed.
 */
static const char *__init fdbox_map_tree(const struct fdbox_kho_header *hdr,
					 size_t len, void **tree)
{
	const char *why;

	*tree = NULL;
	why = fdbox_check_header(hdr, len);
	if (why)
		return why;
	*tree = kho_restore_vmalloc(&hdr->tree);
	if (!*tree)
		return "cannot map the tree";
	return fdbox_check_tree(hdr, *tree);
}

/* Restore the boxes of @fdt; the number restored. */
static unsigned int __init fdbox_restore_tree(const void *fdt)
{
	int node, minor, last = -1, err;
	unsigned int restored = 0;
	u32 cursor;

	/*
	 * Minors given out before the kexec, to boxes deleted since, may have
	 * nodes still: go on after them.
	 */
	err = fdbox_fdt_u32(fdt, 0, "next-minor", FDBOX_MINORS, &cursor);
	if (err == -EINVAL)
		pr_warn("incoming minor cursor is bad, ignored\n");
	if (!err)
		fdbox_set_minor_cursor(cursor);
	fdt_for_each_subnode(node, fdt, 0) {
		minor = fdbox_restore_box(fdt, node);
		if (minor < 0)
			fdbox_orphan_box(fdt, node);
		else
			restored++;
		last = max(last, minor);
	}
	/* Without a cursor, after the carried boxes at least. */
	if (err && last >= 0)
		fdbox_set_minor_cursor(last + 1);
	return restored;
}

static void __init fdbox_restore_boxes(void)
{
	struct fdbox_kho_header *hdr;
	u64 start = ktime_get_ns();
	unsigned int boxes;
	const char *why;
	phys_addr_t phys;
	size_t len;
	void *tree;
	int err;

	err = kho_retrieve_subtree(FDBOX_KHO_NAME, &phys, &len);
	if (err) {
		if (err != -ENOENT)
			pr_warn("cannot retrieve the incoming boxes: %pe\n",
				ERR_PTR(err));
		return;
	}

	hdr = phys_to_virt(phys);
	why = fdbox_map_tree(hdr, len, &tree);
	if (why) {
		pr_err("incoming boxes rejected: %s; no box restored\n", why);
	} else {
		boxes = fdbox_restore_tree(tree);
		pr_info("%u box(es) came through the live update, sealed: tree of %u bytes parsed in %llu us\n",
			boxes, hdr->size,
			div_u64(ktime_get_ns() - start, NSEC_PER_USEC));
	}

	/*
	 * Kept for debugfs until FINISH, rejected or not: what came is what
	 * an operator must see when a box did not. Only the bytes of the
	 * header this kernel reads, whatever size the subtree claims.
	 */
	guard(mutex)(&fdbox_lock);
	fdbox_in.hdr = hdr;
	fdbox_in.hdr_len = min(len, sizeof(*hdr));
	fdbox_in.tree = tree;
	if (tree)
		fdbox_in.tree_len = (size_t)hdr->tree.total_pages << PAGE_SHIFT;
	/* Without debugfs (or with debugfs=off) no one can show it. */
	if (!debugfs_initialized())
		fdbox_release_in();
}

/* The debugfs files of the hand-overs, read by `fdboxctl kho`. */
enum fdbox_view {
	FDBOX_OUT_HEADER,
	FDBOX_OUT_TREE,
	FDBOX_IN_HEADER,
	FDBOX_IN_TREE,
};

/* At most this much is copied out per read(), so that no huge bounce. */
#define FDBOX_VIEW_CHUNK	(64 * 1024)

/* The bytes @view shows now, and their number in *@len; NULL if none. */
static const void *fdbox_view_data(enum fdbox_view view, size_t *len)
{
	lockdep_assert_held(&fdbox_lock);
	switch (view) {
	case FDBOX_OUT_HEADER:
		*len = sizeof(*fdbox_out.hdr);
		return fdbox_out.hdr;
	case FDBOX_OUT_TREE:
		/* Set up before the header, torn down with it. */
		*len = (size_t)fdbox_out.vm.total_pages << PAGE_SHIFT;
		return fdbox_out.hdr ? fdbox_out.tree : NULL;
	case FDBOX_IN_HEADER:
		*len = fdbox_in.hdr_len;
		return fdbox_in.hdr;
	case FDBOX_IN_TREE:
		*len = fdbox_in.tree_len;
		return fdbox_in.tree;
	}
	return NULL;
}

/*
 * -ENODATA when there is nothing to show: no PREPARE, or no incoming
 * subtree (or FINISH released it). The copy to user space is made out of
 * fdbox_lock: a reader's page fault must not hold up PREPARE or FINISH. A
 * read in several calls may straddle a CANCEL and a PREPARE: the header's
 * checksums tell.
 */
static ssize_t fdbox_view_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	enum fdbox_view view = (uintptr_t)file->private_data;
	const void *data;
	size_t len;

	if (!count)
		return 0;
	count = min_t(size_t, count, FDBOX_VIEW_CHUNK);
	/* Before fdbox_lock: reclaim must not hold up PREPARE or FINISH. */
	void *bounce __free(kvfree) = kvmalloc(count, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	scoped_cond_guard(mutex_intr, return -EINTR, &fdbox_lock) {
		data = fdbox_view_data(view, &len);
		if (!data)
			return -ENODATA;
		if (*ppos >= len)
			return 0;
		count = min(count, len - *ppos);
		memcpy(bounce, data + *ppos, count);
	}
	if (copy_to_user(buf, bounce, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

/**
 * fdbox_debugfs_dir() - FDBox's directory in debugfs.
 *
 * Made by the first caller; the hand-over views and the test knobs share it.
 *
 * Context: Initcalls only, which do not race.
 * Return: the directory's dentry, or an ERR_PTR() without debugfs, which
 * the debugfs_create_*() calls take and ignore.
 */
struct dentry *__init fdbox_debugfs_dir(void)
{
	static struct dentry *dir;

	if (!dir)
		dir = debugfs_create_dir("fdbox", NULL);
	return dir;
}

static const struct file_operations fdbox_view_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fdbox_view_read,
	.llseek = default_llseek,
};

static void __init fdbox_view_init(void)
{
	struct dentry *dir = fdbox_debugfs_dir();
	struct dentry *out = debugfs_create_dir("out", dir);
	struct dentry *in = debugfs_create_dir("in", dir);

	debugfs_create_file("header", 0400, out, (void *)FDBOX_OUT_HEADER,
			    &fdbox_view_fops);
	debugfs_create_file("tree", 0400, out, (void *)FDBOX_OUT_TREE,
			    &fdbox_view_fops);
	debugfs_create_file("header", 0400, in, (void *)FDBOX_IN_HEADER,
			    &fdbox_view_fops);
	debugfs_create_file("tree", 0400, in, (void *)FDBOX_IN_TREE,
			    &fdbox_view_fops);
}

/**
 * fdbox_luo_init() - Join live updates, and take back carried boxes.
 *
 * Called once the control device exists. Without live update (not built,
 * or not enabled on the command line) FDBox simply keeps boxes in one
 * kernel.
 */
void __init fdbox_luo_init(void)
{
	int err;

	err = liveupdate_register_subsystem(&fdbox_subsystem);
	if (err) {
		if (err != -EOPNOTSUPP)
			pr_warn("cannot join live updates: %pe\n", ERR_PTR(err));
		return;
	}
	fdbox_enable_carry();
	if (liveupdate_state() == LIVEUPDATE_STATE_UPDATED)
		fdbox_restore_boxes();
	fdbox_view_init();
}

#if IS_ENABLED(CONFIG_FDBOX_KUNIT_TEST)
#include "fdbox_luo_kunit.c"
#endif
