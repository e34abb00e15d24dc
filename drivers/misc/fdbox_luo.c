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
 * - FREEZE freezes the files and writes the carried boxes into the KHO
 *   subtree "fdbox", allocated at PREPARE: a header with a CRC32, then a
 *   device tree (include/linux/kho/abi/fdbox.h).
 * - CANCEL undoes both: the boxes are plain sealed boxes again.
 * - In the new kernel, the boxes reappear sealed, with their device nodes,
 *   their entries waiting. UNSEAL restores their files, frozen as in any
 *   sealed box until the UNSEAL completes; an entry whose file cannot be
 *   restored, or is not of its FDBox handler's type, is reported and
 *   dropped, and UNSEAL fails with the box still sealed. FINISH drops the
 *   boxes that were never unsealed and releases their files' memory, with
 *   one log line each.
 * - An incoming entry is retrieved at most once: a retrieve its handler
 *   attempted, or a finish, consumed its data, and the LUO API refuses a
 *   second one. Only an entry whose LUO handler is not registered (yet)
 *   waits for another UNSEAL. FINISH releases a box's waiting entries and
 *   kills the box in one hold of the box lock, so that an UNSEAL racing it
 *   finds either the box as it came or a deleted one (-ENODEV).
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
 *                           luo-handler = "memfd-v1";
 *                           data = <u64>;         // the LUO handler's data
 *                   };
 *           };
 *   };
 *
 * It comes from the previous kernel and is checked before use: a header
 * with a wrong magic, version, size or checksum, or a tree that is not
 * valid or not "fdbox-v1", rejects the whole subtree; a box or an entry
 * whose name, minor, string or size does not check out, or whose name or
 * minor is taken already, is skipped. "minor", "next-minor" and the limits
 * came after the first kernels that wrote "fdbox-v1": a tree without them
 * is still taken, its boxes get new minors and default limits, and the
 * cursor goes on after the highest one restored. Each is reported. The
 * checksum catches corruption, not forgery: the data of an entry that
 * passes is handed to its LUO handler, which trusts the previous kernel as
 * LUO sessions do.
 */

#define pr_fmt(fmt) "fdbox: " fmt

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/fdbox.h>
#include <linux/libfdt.h>
#include <linux/liveupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "fdbox_internal.h"

/* The outgoing subtree: allocated and added at PREPARE, written at FREEZE. */
static struct fdbox_kho_header *fdbox_out;
static size_t fdbox_out_size;

/* Unpreserve the entries of @box before @until, or all if @until is NULL. */
static void fdbox_unpreserve_box(struct fdbox *box, struct fdbox_entry *until)
{
	struct fdbox_entry *entry;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box) {
		if (entry == until)
			break;
		if (box->frozen)
			liveupdate_file_unfreeze(&entry->luo);
		liveupdate_file_unpreserve(&entry->luo);
	}
	box->carried = false;
	box->frozen = false;
}

static int fdbox_preserve_box(struct fdbox *box)
{
	struct fdbox_entry *entry;
	int err;

	lockdep_assert_held(&box->lock);
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
	}
	fdbox_box_prepare_error(box, NULL, 0);
	box->carried = true;
	return 0;
}

/* Undo PREPARE and FREEZE for every box. */
static void fdbox_uncarry_all(void)
{
	struct fdbox *box;

	lockdep_assert_held(&fdbox_lock);
	fdbox_for_each_box(box) {
		guard(mutex)(&box->lock);
		if (box->carried)
			fdbox_unpreserve_box(box, NULL);
	}
	if (fdbox_out) {
		kho_remove_subtree(fdbox_out);
		kho_unpreserve_free(fdbox_out);
		fdbox_out = NULL;
	}
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
	fdbox_for_each_box(box) {
		guard(mutex)(&box->lock);
		if (!box->sealed || box->incoming)
			continue;
		err = fdbox_preserve_box(box);
		if (err)
			return err;
		*size += fdbox_fdt_box_size(box->nr_entries);
	}
	return 0;
}

/* The subtree FREEZE writes into, so that the blackout allocates nothing. */
static int fdbox_add_out(size_t size)
{
	struct fdbox_kho_header *out;
	int err;

	lockdep_assert_held(&fdbox_lock);
	size = round_up(size, PAGE_SIZE);
	out = kho_alloc_preserve(size);
	if (IS_ERR(out))
		return PTR_ERR(out);
	err = kho_add_subtree(FDBOX_KHO_NAME, out, size);
	if (err) {
		kho_unpreserve_free(out);
		return err;
	}
	fdbox_out = out;
	fdbox_out_size = size;
	return 0;
}

static int fdbox_luo_prepare(struct liveupdate_subsystem *s, u64 *data)
{
	size_t size = FDBOX_FDT_BASE;
	int err;

	guard(mutex)(&fdbox_lock);
	err = fdbox_carry_sealed(&size);
	if (!err)
		err = fdbox_add_out(size);
	if (err)
		fdbox_uncarry_all();
	return err;
}

static int fdbox_fdt_add_entry(void *fdt, const struct fdbox_entry *entry,
			       unsigned int idx)
{
	char node[16];
	int err;

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
		err = fdt_property_u64(fdt, "data", entry->luo.serialized_data);
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

/* Write the carried boxes into the subtree allocated at PREPARE. */
static int fdbox_write_fdt(void)
{
	struct fdbox_kho_header *hdr = fdbox_out;
	size_t size = fdbox_out_size - sizeof(*hdr);
	void *fdt = hdr + 1;
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
	fdbox_for_each_box(box) {
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
	if (err) {
		pr_err("cannot write the boxes for the next kernel: %d\n", err);
		return -ENOSPC;
	}
	fdbox_luo_test_damage_tree(fdt, size);

	hdr->magic = FDBOX_KHO_MAGIC;
	hdr->version = FDBOX_KHO_VERSION;
	hdr->size = fdt_totalsize(fdt);
	hdr->crc = fdbox_kho_crc(fdt, hdr->size);
	fdbox_luo_test_damage_blob(hdr);
	return 0;
}

/* Freeze the files of a carried box; on failure, unfreeze those done. */
static int fdbox_freeze_box(struct fdbox *box)
{
	struct fdbox_entry *entry, *failed;
	int err;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box) {
		err = liveupdate_file_freeze(&entry->luo);
		if (err)
			goto err_unfreeze;
	}
	box->frozen = true;
	return 0;

err_unfreeze:
	dev_warn(&box->dev, "cannot freeze entry %s: %pe\n", entry->name,
		 ERR_PTR(err));
	failed = entry;
	fdbox_for_each_entry(entry, box) {
		if (entry == failed)
			break;
		liveupdate_file_unfreeze(&entry->luo);
	}
	return err;
}

static int fdbox_luo_freeze(struct liveupdate_subsystem *s, u64 *data)
{
	struct fdbox *box;
	int err;

	guard(mutex)(&fdbox_lock);
	fdbox_for_each_box(box) {
		guard(mutex)(&box->lock);
		if (!box->carried)
			continue;
		/* On failure, the cancel that follows undoes the others. */
		err = fdbox_freeze_box(box);
		if (err)
			return err;
	}
	return fdbox_write_fdt();
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

static void fdbox_luo_finish(struct liveupdate_subsystem *s, u64 data)
{
	struct rb_node *node, *next;
	unsigned int released;

	guard(mutex)(&fdbox_lock);
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
 * consumed its data, unless its LUO handler is not registered (yet), in
 * which case it is kept for another try.
 *
 * Context: @box->lock held.
 * Return: 0 when every file is back; -ENOENT if an entry's LUO handler is
 * not registered; or the error of the handler that could not restore one.
 */
int fdbox_luo_restore(struct fdbox *box)
{
	struct fdbox_entry *entry, *next;
	int err;

	lockdep_assert_held(&box->lock);
	list_for_each_entry_safe(entry, next, &box->entries, list) {
		if (entry->file)
			continue;

		err = liveupdate_file_retrieve(entry->luo_compat, &entry->luo);
		/*
		 * The tree pairs an FDBox handler with a LUO handler: the file
		 * the one made must be of the other's type before its hooks
		 * touch it (the memfd hooks take it for a shmem inode).
		 */
		if (!err && !entry->handler->ops->can_box(entry->handler,
							  entry->luo.file)) {
			fput(entry->luo.file);
			err = -EINVAL;
		}
		if (!err && fdbox_entry_hold(entry, entry->luo.file)) {
			/*
			 * The file was retrieved, its data consumed: keep it
			 * even unregistered. Nobody else can reach the new
			 * inode before GET takes it out of this entry.
			 */
			entry->file = entry->luo.file;
		}
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
			fdbox_entry_erase(box, entry);
			fdbox_free_entry(entry);
			return err;
		}
		err = liveupdate_file_finish(entry->luo_compat, &entry->luo);
		if (err)
			dev_warn(&box->dev, "entry %s: cannot finish: %pe\n",
				 entry->name, ERR_PTR(err));
	}
	box->incoming = false;
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

static void __init fdbox_restore_entry(struct fdbox *box, const void *fdt,
				       int node)
{
	const struct fdbox_file_handler *handler;
	const char *name, *hname, *compat;
	struct fdbox_entry *entry;
	const void *data;
	int len;

	name = fdbox_fdt_string(fdt, node, "name", FDBOX_NAME_LEN);
	hname = fdbox_fdt_string(fdt, node, "fdbox-handler",
				 FDBOX_TYPE_LEN);
	compat = fdbox_fdt_string(fdt, node, "luo-handler",
				  LIVEUPDATE_HNDL_COMPAT_LENGTH);
	data = fdt_getprop(fdt, node, "data", &len);
	if (!name || fdbox_check_name((const u8 *)name) || !hname || !compat ||
	    !data || len != sizeof(u64)) {
		dev_warn(&box->dev, "incoming entry %s is malformed, skipped\n",
			 fdt_get_name(fdt, node, NULL) ?: "?");
		return;
	}

	handler = fdbox_get_handler_by_name(hname);
	if (!handler) {
		dev_warn(&box->dev, "incoming entry %s: no handler %s, skipped\n",
			 name, hname);
		return;
	}
	entry = fdbox_entry_alloc(name);
	if (!entry) {
		module_put(handler->owner);
		return;
	}
	entry->handler = handler;
	strscpy(entry->luo_compat, compat, sizeof(entry->luo_compat));
	entry->luo.serialized_data = get_unaligned_be64(data);
	if (fdbox_entry_insert(box, entry)) {
		dev_warn(&box->dev, "incoming entry %s is a duplicate, skipped\n",
			 name);
		fdbox_free_entry(entry);
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
	dev_info(&box->dev, "came through the live update, sealed\n");
	return MINOR(box->dev.devt);
}

/* The incoming device tree, or NULL if the subtree cannot be trusted. */
static const void *__init fdbox_check_subtree(const struct fdbox_kho_header *hdr,
					      size_t len)
{
	const void *fdt = hdr + 1;
	const char *why;

	if (len < sizeof(*hdr) || hdr->magic != FDBOX_KHO_MAGIC)
		why = "no FDBox header";
	else if (hdr->version != FDBOX_KHO_VERSION)
		why = "unknown version";
	else if (hdr->size > len - sizeof(*hdr))
		why = "size beyond the subtree";
	else if (fdbox_kho_crc(fdt, hdr->size) != hdr->crc)
		why = "checksum mismatch";
	else if (hdr->size < FDT_V17_SIZE || fdt_check_header(fdt))
		why = "not a valid tree";
	else if (fdt_totalsize(fdt) > hdr->size)
		why = "tree truncated";
	else if (fdt_node_check_compatible(fdt, 0, FDBOX_KHO_COMPATIBLE))
		why = "tree not " FDBOX_KHO_COMPATIBLE;
	else
		return fdt;

	pr_err("incoming boxes rejected: %s; no box restored\n", why);
	return NULL;
}

static void __init fdbox_restore_boxes(void)
{
	const void *fdt;
	phys_addr_t phys;
	void *subtree;
	size_t len;
	int node, minor, last = -1, err;
	u32 cursor;

	err = kho_retrieve_subtree(FDBOX_KHO_NAME, &phys, &len);
	if (err) {
		if (err != -ENOENT)
			pr_warn("cannot retrieve the incoming boxes: %pe\n",
				ERR_PTR(err));
		return;
	}

	subtree = phys_to_virt(phys);
	fdt = fdbox_check_subtree(subtree, len);
	if (fdt) {
		/*
		 * Minors given out before the kexec, to boxes deleted since,
		 * may have nodes still: go on after them.
		 */
		err = fdbox_fdt_u32(fdt, 0, "next-minor", FDBOX_MINORS,
				    &cursor);
		if (err == -EINVAL)
			pr_warn("incoming minor cursor is bad, ignored\n");
		if (!err)
			fdbox_set_minor_cursor(cursor);
		fdt_for_each_subnode(node, fdt, 0) {
			minor = fdbox_restore_box(fdt, node);
			last = max(last, minor);
		}
		/* Without a cursor, after the carried boxes at least. */
		if (err && last >= 0)
			fdbox_set_minor_cursor(last + 1);
	}
	kho_restore_free(subtree);
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
}
