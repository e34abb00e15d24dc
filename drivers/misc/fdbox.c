// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox: named boxes of file descriptors held by the kernel.
 */

/**
 * DOC: FDBox
 *
 * FDBox lets userspace hand file descriptors to the kernel, by name, and take
 * them back later. Descriptors are kept in named boxes:
 *
 * - The control device ``/dev/fdbox/fdbox`` creates and deletes boxes
 *   (``FDBOX_CREATE_BOX``, ``FDBOX_DELETE_BOX``, both need CAP_SYS_ADMIN).
 * - Each box is a character device ``/dev/fdbox/<box>``, mode 0600 and owned
 *   by root when created. ``FDBOX_PUT_FD`` moves a descriptor into the box
 *   under a name, ``FDBOX_GET_FD`` moves it back out as a new close-on-exec
 *   descriptor, ``FDBOX_SEAL`` and ``FDBOX_UNSEAL`` freeze and thaw the box.
 * - A box lives until it is deleted; it does not depend on the process that
 *   created or filled it.
 *
 * Only files whose type has a registered &struct fdbox_file_handler may be
 * put in a box: memfds, of shmem ("memfd") or of huge pages
 * ("memfd-hugetlb"), so far.
 *
 * Locking:
 *
 * - ``fdbox_lock`` protects the tree of boxes and their creation and
 *   deletion.
 * - ``box->lock`` protects a box's entries and its sealed and deleted
 *   state.
 * - ``fdbox_handlers_rwsem`` protects the list of file handlers. UNSEAL
 *   of a box from the previous kernel takes it under ``box->lock``, to
 *   find its entries' handlers; nothing takes a box lock under it.
 * - ``fdbox_inodes`` hashes the inode of every file held in a sealed box
 *   to its entry. Its bucket locks are taken under ``box->lock``: an entry
 *   holds its inode from SEAL until UNSEAL or until it is freed. Only
 *   inserts look it up, under the bucket lock: an entry is freed as soon
 *   as it is out of it, without waiting for RCU.
 *
 * A box's lock is held while its seal hooks wait for inode locks, which a
 * tenant can hold for as long as it likes (a write from a buffer whose
 * fault it serves), and while SEAL fills the holes of its files, which
 * takes as long as they are large. So only the operator's own calls
 * (DELETE, the live update's PREPARE and FINISH) wait for a box's lock
 * while they hold ``fdbox_lock``, which FREEZE takes inside the blackout:
 * LIST_BOXES, which anyone may call, takes the boxes' locks after it
 * drops it.
 *
 * Lock order: ``fdbox_lock`` -> ``box->lock`` -> the inode lock of a
 * boxed file (the memfd seal hooks, and memfd_luo or hugetlb_luo at
 * PREPARE); ``box->lock`` -> the folio locks and the hugetlb fault mutex
 * of a boxed memfd (SEAL fills its holes); ``box->lock`` -> LUO's file
 * handler locks (PREPARE, and UNSEAL of a box from the previous kernel,
 * which retrieves its files).
 *
 * Limits: a box holds at most ``max_entries`` entries and ``max_bytes``
 * bytes of file size, which only root sets. PUT checks a file's size as
 * it is then; SEAL freezes the size of every memfd (the freeze memfd_luo
 * or hugetlb_luo takes, lifted at UNSEAL) and measures again, so that
 * PREPARE, which pins every page up to that size, gets what was checked.
 * Then SEAL gives every hole a page, charged to its caller, so that a
 * sparse file fails its own SEAL and not the PREPARE of every box.
 * PREPARE still allocates its own records of the pages, and swaps in
 * what was swapped out since SEAL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fdbox.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/jhash.h>
#include <linux/memfd.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/rbtree.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fdbox_internal.h"

/* How many boxes may exist at the same time. */
#define FDBOX_MAX_BOXES		4096

/*
 * Default entry limit of a new box: each entry costs kernel memory,
 * charged to whoever put it. Room in the live update's tree is shared by
 * all sealed boxes, and SEAL reserves it.
 */
#define FDBOX_DEFAULT_MAX_ENTRIES	65536

/*
 * What the sealed boxes take of the next live update's tree, so that SEAL,
 * not PREPARE for everyone, fails when it is full.
 */
static atomic_long_t fdbox_carry_used = ATOMIC_LONG_INIT(FDBOX_FDT_BASE);
/* Its limit: a constant, which only the test knob lowers. */
unsigned long fdbox_carry_max = FDBOX_CARRY_MAX;

/* Protects fdbox_boxes, and box creation and deletion. */
DEFINE_MUTEX(fdbox_lock);
struct rb_root fdbox_boxes = RB_ROOT;
static unsigned int fdbox_nr_boxes;
/*
 * Box device minors, given out round the whole minor space: a container
 * runtime delegates a box by making a node of its own with the box's
 * device number, which outlives the box. The minor of a deleted box goes
 * to a new box only once every other minor has been given out since, so
 * that such a node does not open someone else's box. A live update carries
 * each box's minor and the cursor (see fdbox_luo.c). The cursor, and
 * allocations from the IDA, under fdbox_lock.
 */
static DEFINE_IDA(fdbox_minors);
static unsigned int fdbox_next_minor;
static dev_t fdbox_devt;

/*
 * The inode of every file of a sealed box, to its entry; see
 * fdbox_box_hold(). Not an xarray keyed by the inode's address: such keys
 * are sparse, a leaf node (576 bytes) per inode.
 */
static struct rhashtable fdbox_inodes;

static const struct rhashtable_params fdbox_inode_params = {
	.head_offset = offsetof(struct fdbox_entry, inode_node),
	.key_offset = offsetof(struct fdbox_entry, inode),
	.key_len = sizeof_field(struct fdbox_entry, inode),
	.automatic_shrinking = true,
};

static LIST_HEAD(fdbox_handlers);
static DECLARE_RWSEM(fdbox_handlers_rwsem);

static char *fdbox_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return kasprintf(GFP_KERNEL, "fdbox/%s", dev_name(dev));
}

static struct fdbox *fdbox_from_dev(struct device *dev)
{
	return container_of(dev, struct fdbox, dev);
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);
	const char *state = "unsealed";

	guard(mutex)(&box->lock);
	if (box->deleted)
		state = "deleted";
	else if (box->incoming)
		state = "incoming";
	else if (box->carried)
		state = "carried";
	else if (box->sealed)
		state = "sealed";
	return sysfs_emit(buf, "%s\n", state);
}
static DEVICE_ATTR_RO(state);

static ssize_t sealed_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%d\n", box->sealed);
}
static DEVICE_ATTR_RO(sealed);

static ssize_t count_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%u\n", box->nr_entries);
}
static DEVICE_ATTR_RO(count);

/* Root only: it names an entry, and only the box's holder lists those. */
static ssize_t prepare_error_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%s\n", box->prepare_error ?: "");
}
static DEVICE_ATTR_ADMIN_RO(prepare_error);

/* Root only: the sizes of a tenant's files are not public. */
static ssize_t bytes_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%llu\n", box->nr_bytes);
}
static DEVICE_ATTR_ADMIN_RO(bytes);

/*
 * Set the limit @limit of a box to the number in @buf, at most @max.
 * Limits are the operator's: root in the initial namespace, as for CREATE,
 * whatever the mode of the attribute. A sealed box was checked against its
 * limits at SEAL: they change only while it is unsealed.
 */
static ssize_t fdbox_limit_store(struct device *dev, const char *buf,
				 size_t len, u64 max, bool entries)
{
	struct fdbox *box = fdbox_from_dev(dev);
	u64 val;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kstrtou64(buf, 10, &val);
	if (err)
		return err;
	if (val > max)
		return -ERANGE;
	guard(mutex)(&box->lock);
	if (box->deleted)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	if (entries)
		box->max_entries = val;
	else
		box->max_bytes = val;
	return len;
}

static ssize_t max_entries_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%u\n", box->max_entries);
}

static ssize_t max_entries_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	return fdbox_limit_store(dev, buf, len, U32_MAX, true);
}
static DEVICE_ATTR_RW(max_entries);

static ssize_t max_bytes_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct fdbox *box = fdbox_from_dev(dev);

	guard(mutex)(&box->lock);
	return sysfs_emit(buf, "%llu\n", box->max_bytes);
}

static ssize_t max_bytes_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t len)
{
	return fdbox_limit_store(dev, buf, len, U64_MAX, false);
}
static DEVICE_ATTR_RW(max_bytes);

static struct attribute *fdbox_box_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_sealed.attr,
	&dev_attr_count.attr,
	&dev_attr_prepare_error.attr,
	&dev_attr_bytes.attr,
	&dev_attr_max_entries.attr,
	&dev_attr_max_bytes.attr,
	NULL,
};
ATTRIBUTE_GROUPS(fdbox_box);

static const struct class fdbox_class = {
	.name = "fdbox",
	.devnode = fdbox_devnode,
	.dev_groups = fdbox_box_groups,
};

/*
 * A name is NUL-terminated inside FDBOX_NAME_LEN bytes, not empty, and has
 * no '/'.
 */
int fdbox_check_name(const u8 *uname)
{
	const char *name = (const char *)uname;
	size_t len = strnlen(name, FDBOX_NAME_LEN);

	if (!len || len == FDBOX_NAME_LEN)
		return -EINVAL;
	if (memchr(name, '/', len))
		return -EINVAL;
	return 0;
}

/* A box name also must not shadow the control device or a directory. */
int fdbox_check_box_name(const u8 *uname)
{
	const char *name = (const char *)uname;
	int err;

	err = fdbox_check_name(uname);
	if (err)
		return err;
	if (!strcmp(name, "fdbox") || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

static struct fdbox *fdbox_from_node(const struct rb_node *node)
{
	return rb_entry(node, struct fdbox, node);
}

static int fdbox_box_cmp_key(const void *key, const struct rb_node *node)
{
	return strcmp(key, dev_name(&fdbox_from_node(node)->dev));
}

static bool fdbox_box_less(struct rb_node *a, const struct rb_node *b)
{
	return strcmp(dev_name(&fdbox_from_node(a)->dev),
		      dev_name(&fdbox_from_node(b)->dev)) < 0;
}

static struct fdbox *fdbox_find_box(const void *name)
{
	struct rb_node *node;

	lockdep_assert_held(&fdbox_lock);
	node = rb_find(name, &fdbox_boxes, fdbox_box_cmp_key);
	return node ? fdbox_from_node(node) : NULL;
}

static u32 fdbox_name_hashfn(const void *name, u32 len, u32 seed)
{
	return jhash(name, strlen(name), seed);
}

static u32 fdbox_entry_hashfn(const void *obj, u32 len, u32 seed)
{
	const struct fdbox_entry *entry = obj;

	return fdbox_name_hashfn(entry->name, len, seed);
}

static int fdbox_entry_namecmp(struct rhashtable_compare_arg *arg,
			       const void *obj)
{
	const struct fdbox_entry *entry = obj;

	return strcmp(arg->key, entry->name);
}

static const struct rhashtable_params fdbox_entry_params = {
	.head_offset = offsetof(struct fdbox_entry, hnode),
	.hashfn = fdbox_name_hashfn,
	.obj_hashfn = fdbox_entry_hashfn,
	.obj_cmpfn = fdbox_entry_namecmp,
	.automatic_shrinking = true,
};

/*
 * Find the handler for @file and pin its module. Returns NULL if no handler
 * accepts the file.
 */
static const struct fdbox_file_handler *fdbox_get_handler(struct file *file)
{
	struct fdbox_file_handler *handler;

	guard(rwsem_read)(&fdbox_handlers_rwsem);
	list_for_each_entry(handler, &fdbox_handlers, list) {
		if (handler->ops->can_box(handler, file) &&
		    try_module_get(handler->owner))
			return handler;
	}
	return NULL;
}

/* The handler called @name, with its module pinned; NULL if none. */
const struct fdbox_file_handler *fdbox_get_handler_by_name(const char *name)
{
	struct fdbox_file_handler *handler;

	guard(rwsem_read)(&fdbox_handlers_rwsem);
	list_for_each_entry(handler, &fdbox_handlers, list) {
		if (!strcmp(handler->name, name))
			return try_module_get(handler->owner) ? handler : NULL;
	}
	return NULL;
}

/* A new entry called @name, not in any box, without file or handler. */
struct fdbox_entry *fdbox_entry_alloc(const char *name)
{
	size_t len = strlen(name) + 1;
	struct fdbox_entry *entry;

	entry = kzalloc_flex(*entry, name, len, GFP_KERNEL_ACCOUNT);
	if (!entry)
		return NULL;
	memcpy(entry->name, name, len);
	return entry;
}

/* Add @entry to @box; -EEXIST if the name is taken, -ENOMEM. */
int fdbox_entry_insert(struct fdbox *box, struct fdbox_entry *entry)
{
	int err;

	lockdep_assert_held(&box->lock);
	err = rhashtable_lookup_insert_key(&box->names, entry->name,
					   &entry->hnode, fdbox_entry_params);
	/* Not -EBUSY, which is a sealed box to the caller. */
	if (err)
		return err == -EEXIST ? err : -ENOMEM;
	list_add_tail(&entry->list, &box->entries);
	box->nr_entries++;
	box->nr_bytes += entry->size;
	return 0;
}

/* Take @entry out of @box; the caller frees it. */
void fdbox_entry_erase(struct fdbox *box, struct fdbox_entry *entry)
{
	lockdep_assert_held(&box->lock);
	rhashtable_remove_fast(&box->names, &entry->hnode, fdbox_entry_params);
	list_del(&entry->list);
	box->nr_entries--;
	box->nr_bytes -= min(box->nr_bytes, entry->size);
}

static void fdbox_entry_unhold(struct fdbox_entry *entry)
{
	if (!entry->inode)
		return;
	WARN_ON_ONCE(rhashtable_remove_fast(&fdbox_inodes, &entry->inode_node,
					    fdbox_inode_params));
	entry->inode = NULL;
}

/*
 * Hold the inode of every file of @box, which is being sealed. An inode
 * may be held by one entry only, in all sealed boxes: LUO preserves an
 * inode once, and a second entry for it would make every PREPARE fail.
 * Unsealed boxes are not carried, and may share files.
 *
 * Return: 0; or, with none held, -EALREADY (also while a concurrent SEAL
 * of a box sharing a file holds it, even if that SEAL fails later), or
 * -ENOMEM.
 */
static int fdbox_box_hold(struct fdbox *box)
{
	struct fdbox_entry *entry;
	int err = 0;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box) {
		entry->inode = file_inode(entry->file);
		err = rhashtable_lookup_insert_fast(&fdbox_inodes,
						    &entry->inode_node,
						    fdbox_inode_params);
		if (err) {
			entry->inode = NULL;
			err = err == -EEXIST ? -EALREADY : -ENOMEM;
			break;
		}
	}
	if (!err)
		return 0;
	list_for_each_entry_continue_reverse(entry, &box->entries, list)
		fdbox_entry_unhold(entry);
	return err;
}

static void fdbox_box_unhold(struct fdbox *box)
{
	struct fdbox_entry *entry;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(entry, box)
		fdbox_entry_unhold(entry);
}

/* A file of @size bytes can never be carried in @box: -EFBIG. */
static int fdbox_check_size(const struct fdbox *box,
			    const struct fdbox_file_handler *handler, u64 size)
{
	if (size > box->max_bytes ||
	    (handler->max_size && size > handler->max_size))
		return -EFBIG;
	return 0;
}

/*
 * Take the sizes of @box's files again, its waiting entries aside, and
 * check them against its limits: 0, -EFBIG if a file is too large, or
 * -ENOSPC if the box holds too much. Files change size behind the box
 * until the seal hooks fix them.
 */
static int fdbox_box_measure(struct fdbox *box)
{
	struct fdbox_entry *e;
	int err = 0;

	lockdep_assert_held(&box->lock);
	box->nr_bytes = 0;
	fdbox_for_each_entry(e, box) {
		if (!e->file)
			continue;
		e->size = i_size_read(file_inode(e->file));
		/* Saturated, the sum is still above any limit. */
		if (check_add_overflow(box->nr_bytes, e->size, &box->nr_bytes))
			box->nr_bytes = U64_MAX;
		if (!err)
			err = fdbox_check_size(box, e->handler, e->size);
	}
	if (err)
		return err;
	if (box->nr_entries > box->max_entries ||
	    box->nr_bytes > box->max_bytes)
		return -ENOSPC;
	return 0;
}

/*
 * Allocate, once @box is within its limits, what PREPARE will need for its
 * files: a tenant's file that PREPARE cannot preserve must fail the
 * tenant's SEAL, not the live update of every box.
 */
static int fdbox_box_populate(struct fdbox *box)
{
	struct fdbox_entry *e;
	int err;

	lockdep_assert_held(&box->lock);
	fdbox_for_each_entry(e, box) {
		if (!e->file || !e->handler->ops->populate)
			continue;
		err = e->handler->ops->populate(e->handler, e->file);
		if (err)
			return err;
	}
	return 0;
}

/* Whether boxes can be carried: live update is built and turned on. */
static bool fdbox_carry_enabled;

/**
 * fdbox_enable_carry() - Make SEAL reserve room in the next live update.
 *
 * Called once FDBox has joined live updates, before any box is sealed.
 */
void fdbox_enable_carry(void)
{
	fdbox_carry_enabled = true;
}

/* Reserve room in the next live update's tree for sealed @box. */
static int fdbox_carry_reserve(struct fdbox *box)
{
	long cost = fdbox_fdt_box_size(box->nr_entries);
	long used = atomic_long_read(&fdbox_carry_used);

	lockdep_assert_held(&box->lock);
	if (!fdbox_carry_enabled)
		return 0;
	do {
		if (cost > (long)READ_ONCE(fdbox_carry_max) - used)
			return -ENOSPC;
	} while (!atomic_long_try_cmpxchg(&fdbox_carry_used, &used,
					  used + cost));
	box->carry_cost = cost;
	return 0;
}

#if IS_ENABLED(CONFIG_FDBOX_LUO_TEST)
/* What the sealed boxes have reserved of the next live update's tree. */
long fdbox_carry_used_read(void)
{
	return atomic_long_read(&fdbox_carry_used);
}
#endif

/*
 * Charge sealed @box's room even past the limit: the box stays sealed, and
 * PREPARE carries it whatever SEAL would have said (the tree is sized from
 * the boxes, not from the limit); later SEALs must see the room it takes.
 */
static void fdbox_carry_charge(struct fdbox *box)
{
	long cost = fdbox_fdt_box_size(box->nr_entries);

	lockdep_assert_held(&box->lock);
	if (!fdbox_carry_enabled || box->carry_cost)
		return;
	atomic_long_add(cost, &fdbox_carry_used);
	box->carry_cost = cost;
}

static void fdbox_carry_release(struct fdbox *box)
{
	lockdep_assert_held(&box->lock);
	atomic_long_sub(box->carry_cost, &fdbox_carry_used);
	box->carry_cost = 0;
}

/**
 * fdbox_box_prepare_error() - Record why PREPARE could not carry a box.
 * @box:   The box.
 * @entry: The name of the entry that failed; unused if @err is 0.
 * @err:   Its error, or 0 to forget the last one.
 *
 * Context: @box->lock held.
 */
void fdbox_box_prepare_error(struct fdbox *box, const char *entry, int err)
{
	lockdep_assert_held(&box->lock);
	kfree(box->prepare_error);
	box->prepare_error = err ? kasprintf(GFP_KERNEL, "entry %s: %pe",
					     entry, ERR_PTR(err)) : NULL;
}

/* Release an entry that is in no box: its file, its handler, itself. */
void fdbox_free_entry(struct fdbox_entry *entry)
{
	fdbox_entry_unhold(entry);
	if (entry->file)
		fput(entry->file);
	if (entry->handler)
		module_put(entry->handler->owner);
	kfree(entry);
}

static void fdbox_free_entry_fn(void *entry, void *arg)
{
	fdbox_free_entry(entry);
}

/* Call the seal or unseal hook of one entry. */
int fdbox_entry_seal(const struct fdbox_entry *entry, bool seal)
{
	const struct fdbox_file_handler *handler = entry->handler;
	int (*hook)(const struct fdbox_file_handler *handler, struct file *file);

	hook = seal ? handler->ops->seal : handler->ops->unseal;
	return hook ? hook(handler, entry->file) : 0;
}

/*
 * Seal or unseal every entry of @box. If one hook fails, the entries already
 * done are rolled back and the box is left as it was.
 */
static int fdbox_set_sealed(struct fdbox *box, bool seal)
{
	struct fdbox_entry *entry;
	int err = 0;

	lockdep_assert_held(&box->lock);

	fdbox_for_each_entry(entry, box) {
		err = fdbox_entry_seal(entry, seal);
		if (err)
			break;
	}
	if (!err) {
		box->sealed = seal;
		return 0;
	}

	/* Roll back the entries before the one that failed. */
	list_for_each_entry_continue_reverse(entry, &box->entries, list) {
		if (fdbox_entry_seal(entry, !seal))
			dev_warn(&box->dev, "cannot roll back %s of entry %s\n",
				 seal ? "seal" : "unseal", entry->name);
	}
	return err;
}

static void fdbox_box_release(struct device *dev)
{
	struct fdbox *box = fdbox_from_dev(dev);

	/* A deleted box destroyed its table with its entries. */
	if (!box->deleted)
		rhashtable_destroy(&box->names);
	ida_free(&fdbox_minors, MINOR(dev->devt));
	mutex_destroy(&box->lock);
	kfree(box->prepare_error);
	kfree(box);
}

static int fdbox_box_open(struct inode *inode, struct file *file)
{
	struct fdbox *box = container_of(inode->i_cdev, struct fdbox, cdev);

	get_device(&box->dev);
	file->private_data = box;
	return nonseekable_open(inode, file);
}

static int fdbox_box_file_release(struct inode *inode, struct file *file)
{
	struct fdbox *box = file->private_data;

	put_device(&box->dev);
	return 0;
}

/* Largest argument of any FDBox ioctl. */
union fdbox_ucmd_buffer {
	struct fdbox_create_box create;
	struct fdbox_delete_box delete;
	struct fdbox_put_fd put;
	struct fdbox_get_fd get;
	struct fdbox_list list;
};

/**
 * struct fdbox_ioctl_op - One ioctl of a FDBox device.
 * @cmd:      The ioctl command.
 * @size:     Size of its argument, copied in before @execute; 0 for none.
 * @min_size: For a size-first, extensible argument (whose first __u32 is
 *            the size userspace knows): the smallest size accepted. 0 for
 *            the fixed arguments of the RFC ioctls.
 * @admin:    Needs CAP_SYS_ADMIN.
 * @execute:  Carries out the ioctl on the copied argument; @uarg is the
 *            user's, for what the ioctl writes back.
 */
struct fdbox_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	bool admin;
	int (*execute)(struct file *filp, void *arg, void __user *uarg);
};

/* Size of an ioctl argument, checked to fit union fdbox_ucmd_buffer. */
#define FDBOX_ARG_SIZE(_struct)						\
	(sizeof(_struct) +						\
	 BUILD_BUG_ON_ZERO(sizeof(union fdbox_ucmd_buffer) < sizeof(_struct)))

/*
 * Both devices share the FDBox ioctl numbering; a command that belongs to the
 * other device, or to no one, is -ENOTTY.
 */
static long fdbox_dispatch(const struct fdbox_ioctl_op *ops, size_t nr_ops,
			   struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct fdbox_ioctl_op *op;
	union fdbox_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != FDBOX_TYPE || nr - FDBOX_BASE >= nr_ops)
		return -ENOTTY;
	op = &ops[nr - FDBOX_BASE];
	if (!op->execute || op->cmd != cmd)
		return -ENOTTY;
	if (op->admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (op->min_size) {
		u32 usize;
		int err;

		if (get_user(usize, (u32 __user *)uarg))
			return -EFAULT;
		if (usize < op->min_size)
			return -EINVAL;
		err = copy_struct_from_user(&buf, op->size, uarg, usize);
		if (err)
			return err;
	} else if (op->size && copy_from_user(&buf, uarg, op->size)) {
		return -EFAULT;
	}
	return op->execute(filp, &buf, uarg);
}

/* Add @entry for @file to @box, with a reference of its own on @file. */
static int fdbox_box_put(struct fdbox *box, struct fdbox_entry *entry,
			 struct file *file)
{
	int err;

	lockdep_assert_held(&box->lock);
	if (box->deleted)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	/* Refused now rather than at SEAL, or at PREPARE for everyone. */
	entry->size = i_size_read(file_inode(file));
	err = fdbox_check_size(box, entry->handler, entry->size);
	if (err)
		return err;
	if (box->nr_entries >= box->max_entries ||
	    box->nr_bytes + entry->size < box->nr_bytes ||
	    box->nr_bytes + entry->size > box->max_bytes)
		return -ENOSPC;
	err = fdbox_entry_insert(box, entry);
	if (err)
		return err;
	entry->file = get_file(file);
	return 0;
}

static int fdbox_put_fd(struct file *filp, void *argp,
			void __user *uarg)
{
	struct fdbox *box = filp->private_data;
	const struct fdbox_file_handler *handler;
	struct fdbox_put_fd *arg = argp;
	struct fdbox_entry *entry;
	int err;

	if (arg->flags || arg->pad)
		return -EINVAL;
	err = fdbox_check_name(arg->name);
	if (err)
		return err;

	struct file *file __free(fput) = fget(arg->fd);
	if (!file)
		return -EBADF;

	handler = fdbox_get_handler(file);
	if (!handler)
		return -EOPNOTSUPP;

	entry = fdbox_entry_alloc((const char *)arg->name);
	if (!entry) {
		module_put(handler->owner);
		return -ENOMEM;
	}
	entry->handler = handler;

	scoped_guard(mutex, &box->lock)
		err = fdbox_box_put(box, entry, file);
	if (err) {
		fdbox_free_entry(entry);
		return err;
	}

	/*
	 * The box holds the file now: take it out of the caller's table, as
	 * close(2) would, unless another thread closed the descriptor
	 * meanwhile and it refers to another file; that one stays. Our own
	 * reference keeps @file from being freed, and its address reused by
	 * that other file, until then.
	 */
	close_fd_file(arg->fd, file);
	return 0;
}

static int fdbox_get_fd(struct file *filp, void *argp,
			void __user *uarg)
{
	struct fdbox *box = filp->private_data;
	struct fdbox_get_fd *arg = argp;
	struct fdbox_entry *entry;
	int err;

	if (arg->flags)
		return -EINVAL;
	err = fdbox_check_name(arg->name);
	if (err)
		return err;

	guard(mutex)(&box->lock);
	if (box->deleted)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	entry = rhashtable_lookup_fast(&box->names, arg->name,
				       fdbox_entry_params);
	if (!entry)
		return -ENOENT;

	FD_PREPARE(fdf, O_CLOEXEC, entry->file);
	if (fdf.err)
		return fdf.err;
	/* The descriptor owns the entry's reference now. */
	fdbox_entry_erase(box, entry);
	entry->file = NULL;
	fdbox_free_entry(entry);
	return fd_publish(fdf);
}

static int fdbox_seal(struct file *filp, void *argp,
		      void __user *uarg)
{
	struct fdbox *box = filp->private_data;
	int err;

	guard(mutex)(&box->lock);
	if (box->deleted)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	err = fdbox_box_hold(box);
	if (err)
		return err;
	err = fdbox_set_sealed(box, true);
	if (err) {
		fdbox_box_unhold(box);
		return err;
	}
	/* Measured once sealed: the seal hooks fix the files' sizes. */
	err = fdbox_box_measure(box);
	if (!err)
		err = fdbox_carry_reserve(box);
	/* Last: a box refused for its room has allocated nothing. */
	if (!err) {
		err = fdbox_box_populate(box);
		if (err)
			fdbox_carry_release(box);
	}
	if (err) {
		/* A box that stays sealed keeps its inodes held. */
		if (fdbox_set_sealed(box, false)) {
			dev_warn(&box->dev, "cannot unseal again\n");
			fdbox_carry_charge(box);
		} else {
			fdbox_box_unhold(box);
		}
	}
	return err;
}

static int fdbox_unseal(struct file *filp, void *argp,
			void __user *uarg)
{
	struct fdbox *box = filp->private_data;
	int err;

	guard(mutex)(&box->lock);
	if (box->deleted)
		return -ENODEV;
	if (!box->sealed)
		return -EINVAL;
	if (box->carried)
		return -EBUSY;
	if (box->incoming) {
		err = fdbox_luo_restore(box);
		if (err)
			return err;
		/*
		 * With its files back, a box whose unseal hooks fail below is
		 * an ordinary sealed box, which FINISH keeps and the next
		 * live update carries: held, as SEAL leaves one. Only -ENOMEM
		 * can fail: nothing else reached the new inodes.
		 */
		err = fdbox_box_hold(box);
		if (err)
			return err;
		box->incoming = false;
		/* Only for the accounting: an unsealed box may be over. */
		fdbox_box_measure(box);
	}
	err = fdbox_set_sealed(box, false);
	if (err) {
		/* Charged already, unless it was incoming until now. */
		fdbox_carry_charge(box);
		return err;
	}
	fdbox_box_unhold(box);
	fdbox_carry_release(box);
	/* Whatever stopped PREPARE may be fixed now. */
	fdbox_box_prepare_error(box, NULL, 0);
	return 0;
}

/* Largest element size accepted from userspace, for future growth. */
#define FDBOX_LIST_ELEM_MAX	4096

/*
 * Check a list request for elements of @ksize bytes; 0 if sound.
 */
static int fdbox_list_check(const struct fdbox_list *arg, size_t ksize)
{
	if (arg->__reserved || arg->elem_size < ksize ||
	    arg->elem_size > FDBOX_LIST_ELEM_MAX)
		return -EINVAL;
	return 0;
}

/*
 * Answer a list request with the @n elements of @ksize bytes at @elems:
 * report @n in the user's count, then write the elements if they fit.
 */
static int fdbox_list_answer(struct fdbox_list *arg, void __user *uarg,
			     const void *elems, u32 n, size_t ksize)
{
	struct fdbox_list __user *ulist = uarg;
	u8 __user *dst = u64_to_user_ptr(arg->elems);
	size_t stride = arg->elem_size;
	u32 i;

	if (put_user(n, &ulist->count))
		return -EFAULT;
	if (n > arg->count)
		return -ENOSPC;
	for (i = 0; i < n; i++, dst += stride) {
		if (copy_to_user(dst, elems + i * ksize, ksize))
			return -EFAULT;
		if (stride > ksize && clear_user(dst + ksize, stride - ksize))
			return -EFAULT;
	}
	return 0;
}

static int fdbox_entry_info_cmp(const void *a, const void *b)
{
	const struct fdbox_entry_info *x = a, *y = b;

	return strcmp((const char *)x->name, (const char *)y->name);
}

static int fdbox_list_entries(struct file *filp, void *argp,
			      void __user *uarg)
{
	struct fdbox *box = filp->private_data;
	struct fdbox_entry_info *info;
	struct fdbox_list *arg = argp;
	struct fdbox_entry *entry;
	u32 n = 0;
	int err;

	err = fdbox_list_check(arg, sizeof(*info));
	if (err)
		return err;

	/* A snapshot, so that no user fault happens under the box lock. */
	scoped_guard(mutex, &box->lock) {
		if (box->deleted)
			return -ENODEV;
		info = kvcalloc(box->nr_entries ?: 1, sizeof(*info),
				GFP_KERNEL_ACCOUNT);
		if (!info)
			return -ENOMEM;
		fdbox_for_each_entry(entry, box) {
			struct fdbox_entry_info *e = &info[n++];

			strscpy(e->name, entry->name, sizeof(e->name));
			strscpy(e->type, entry->handler ? entry->handler->name :
				entry->type, sizeof(e->type));
			if (entry->file)
				e->size = i_size_read(file_inode(entry->file));
			else
				e->flags = FDBOX_ENTRY_WAITING;
		}
	}
	/* Name order, as for boxes: sorted here, off the PUT and GET path. */
	sort(info, n, sizeof(*info), fdbox_entry_info_cmp, NULL);
	err = fdbox_list_answer(arg, uarg, info, n, sizeof(*info));
	kvfree(info);
	return err;
}

static const struct fdbox_ioctl_op fdbox_box_ioctl_ops[] = {
	[_IOC_NR(FDBOX_PUT_FD) - FDBOX_BASE] = {
		.cmd = FDBOX_PUT_FD,
		.size = FDBOX_ARG_SIZE(struct fdbox_put_fd),
		.execute = fdbox_put_fd,
	},
	[_IOC_NR(FDBOX_GET_FD) - FDBOX_BASE] = {
		.cmd = FDBOX_GET_FD,
		.size = FDBOX_ARG_SIZE(struct fdbox_get_fd),
		.execute = fdbox_get_fd,
	},
	[_IOC_NR(FDBOX_SEAL) - FDBOX_BASE] = {
		.cmd = FDBOX_SEAL,
		.execute = fdbox_seal,
	},
	[_IOC_NR(FDBOX_UNSEAL) - FDBOX_BASE] = {
		.cmd = FDBOX_UNSEAL,
		.execute = fdbox_unseal,
	},
	[_IOC_NR(FDBOX_LIST_ENTRIES) - FDBOX_BASE] = {
		.cmd = FDBOX_LIST_ENTRIES,
		.size = FDBOX_ARG_SIZE(struct fdbox_list),
		.min_size = offsetofend(struct fdbox_list, elems),
		.execute = fdbox_list_entries,
	},
};

static long fdbox_box_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	return fdbox_dispatch(fdbox_box_ioctl_ops,
			      ARRAY_SIZE(fdbox_box_ioctl_ops), filp, cmd, arg);
}

static const struct file_operations fdbox_box_fops = {
	.owner = THIS_MODULE,
	.open = fdbox_box_open,
	.release = fdbox_box_file_release,
	.unlocked_ioctl = fdbox_box_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * A new box called @name with device minor @minor, its device added; the
 * minor is the box's from then on, and freed with it, also on failure.
 */
static struct fdbox *fdbox_box_new(const char *name, int minor)
{
	struct fdbox *box;
	int err;

	lockdep_assert_held(&fdbox_lock);
	box = kzalloc_obj(*box);
	if (!box || rhashtable_init(&box->names, &fdbox_entry_params)) {
		kfree(box);
		ida_free(&fdbox_minors, minor);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&box->lock);
	INIT_LIST_HEAD(&box->entries);
	box->max_entries = FDBOX_DEFAULT_MAX_ENTRIES;
	/* Preserving a box allocates all of it: more can never be carried. */
	box->max_bytes = (u64)totalram_pages() << PAGE_SHIFT;

	/* From here on, put_device() frees the box and its minor. */
	device_initialize(&box->dev);
	box->dev.class = &fdbox_class;
	box->dev.devt = MKDEV(MAJOR(fdbox_devt), minor);
	box->dev.release = fdbox_box_release;
	err = dev_set_name(&box->dev, "%s", name);
	if (err)
		goto err_put;

	cdev_init(&box->cdev, &fdbox_box_fops);
	box->cdev.owner = THIS_MODULE;
	err = cdev_device_add(&box->cdev, &box->dev);
	if (err)
		goto err_put;
	return box;

err_put:
	put_device(&box->dev);
	return ERR_PTR(err);
}

/*
 * The minor after the last one given out, or @want if it is >= 0; -EBUSY
 * if @want is taken, -ENOSPC if every minor is.
 */
static int fdbox_alloc_minor(int want)
{
	int minor;

	lockdep_assert_held(&fdbox_lock);
	if (want >= 0) {
		minor = ida_alloc_range(&fdbox_minors, want, want, GFP_KERNEL);
		return minor == -ENOSPC ? -EBUSY : minor;
	}
	minor = ida_alloc_range(&fdbox_minors, fdbox_next_minor,
				FDBOX_MINORS - 1, GFP_KERNEL);
	if (minor == -ENOSPC && fdbox_next_minor)
		minor = ida_alloc_range(&fdbox_minors, 0, fdbox_next_minor - 1,
					GFP_KERNEL);
	if (minor < 0)
		return minor;
	if (minor < fdbox_next_minor)
		pr_info_once("box minors wrapped: a node made for a deleted box may open a new one\n");
	fdbox_next_minor = (minor + 1) % FDBOX_MINORS;
	return minor;
}

/**
 * fdbox_minor_cursor() - The minor the next box will get, if it is free.
 *
 * Context: fdbox_lock held.
 * Return: the cursor of the box minors.
 */
unsigned int fdbox_minor_cursor(void)
{
	lockdep_assert_held(&fdbox_lock);
	return fdbox_next_minor;
}

/**
 * fdbox_set_minor_cursor() - Go on giving out minors where another kernel
 * stopped.
 * @cursor: Its fdbox_minor_cursor(), below FDBOX_MINORS.
 *
 * Context: Takes fdbox_lock.
 */
void fdbox_set_minor_cursor(unsigned int cursor)
{
	guard(mutex)(&fdbox_lock);
	fdbox_next_minor = cursor % FDBOX_MINORS;
}

/**
 * fdbox_box_add() - Create an empty, unsealed box and its device.
 * @name:  A valid box name.
 * @minor: The device minor the box must have, below FDBOX_MINORS, or -1
 *         for the next free one.
 *
 * Context: Takes fdbox_lock.
 * Return: the box, or an ERR_PTR(): -EEXIST if the name is taken, -ENOSPC
 * if FDBOX_MAX_BOXES exist, -EBUSY if @minor is taken, -ENOMEM.
 */
struct fdbox *fdbox_box_add(const char *name, int minor)
{
	struct fdbox *box;

	guard(mutex)(&fdbox_lock);
	if (fdbox_find_box(name))
		return ERR_PTR(-EEXIST);
	if (fdbox_nr_boxes >= FDBOX_MAX_BOXES)
		return ERR_PTR(-ENOSPC);

	minor = fdbox_alloc_minor(minor);
	if (minor < 0)
		return ERR_PTR(minor);

	box = fdbox_box_new(name, minor);
	if (IS_ERR(box))
		return box;
	rb_add(&box->node, &fdbox_boxes, fdbox_box_less);
	fdbox_nr_boxes++;
	return box;
}

/**
 * fdbox_box_kill() - Release a box's entries and mark it deleted.
 * @box: The box.
 *
 * Fds still open on the box's device see -ENODEV from then on; the box
 * stays in the tree until fdbox_box_unlink().
 *
 * Context: @box->lock held.
 */
void fdbox_box_kill(struct fdbox *box)
{
	struct fdbox_entry *entry;

	lockdep_assert_held(&box->lock);
	/* An incoming box that FINISH drops may hold restored files. */
	if (box->sealed) {
		fdbox_for_each_entry(entry, box) {
			if (entry->file)
				fdbox_entry_seal(entry, false);
		}
	}
	fdbox_carry_release(box);
	box->deleted = true;
	rhashtable_free_and_destroy(&box->names, fdbox_free_entry_fn, NULL);
	INIT_LIST_HEAD(&box->entries);
	box->nr_entries = 0;
	box->nr_bytes = 0;
}

/**
 * fdbox_box_unlink() - Take a killed box out of the tree and remove its
 * device.
 * @box: A box that fdbox_box_kill() released.
 *
 * Context: fdbox_lock held, @box->lock not held.
 */
void fdbox_box_unlink(struct fdbox *box)
{
	lockdep_assert_held(&fdbox_lock);
	rb_erase(&box->node, &fdbox_boxes);
	fdbox_nr_boxes--;
	cdev_device_del(&box->cdev, &box->dev);
	put_device(&box->dev);
}

/* DELETE: a box that is not sealed goes, with its entries. */
static int fdbox_box_remove(struct fdbox *box)
{
	lockdep_assert_held(&fdbox_lock);
	scoped_guard(mutex, &box->lock) {
		if (box->sealed)
			return -EBUSY;
		fdbox_box_kill(box);
	}
	fdbox_box_unlink(box);
	return 0;
}

static int fdbox_create_box(struct file *filp, void *argp,
			    void __user *uarg)
{
	struct fdbox_create_box *arg = argp;
	int err;

	if (arg->flags)
		return -EINVAL;
	err = fdbox_check_box_name(arg->name);
	if (err)
		return err;

	return PTR_ERR_OR_ZERO(fdbox_box_add((const char *)arg->name, -1));
}

static int fdbox_delete_box(struct file *filp, void *argp,
			    void __user *uarg)
{
	struct fdbox_delete_box *arg = argp;
	struct fdbox *box;
	int err;

	if (arg->flags)
		return -EINVAL;
	err = fdbox_check_box_name(arg->name);
	if (err)
		return err;

	guard(mutex)(&fdbox_lock);
	box = fdbox_find_box(arg->name);
	if (!box)
		return -ENOENT;
	return fdbox_box_remove(box);
}

/* A box's flags, as FDBOX_LIST_BOXES reports them. */
static u32 fdbox_box_flags(const struct fdbox *box)
{
	lockdep_assert_held(&box->lock);
	return (box->sealed ? FDBOX_BOX_SEALED : 0) |
	       (box->carried ? FDBOX_BOX_CARRIED : 0) |
	       (box->incoming ? FDBOX_BOX_INCOMING : 0);
}

/*
 * A reference to each box, in name order, in @boxes, room for @max: how
 * many, or -EINTR.
 */
static int fdbox_get_boxes(struct fdbox **boxes, int max)
{
	struct fdbox *box;
	int nr = 0;

	scoped_cond_guard(mutex_intr, return -EINTR, &fdbox_lock) {
		for (box = fdbox_first_box(); box; box = fdbox_next_box(box)) {
			/* fdbox_box_add() keeps to FDBOX_MAX_BOXES. */
			if (WARN_ON_ONCE(nr == max))
				break;
			get_device(&box->dev);
			boxes[nr++] = box;
		}
	}
	return nr;
}

/*
 * Any user may list the boxes, and a box's lock may be held as long as a
 * seal hook waits for an inode lock that a tenant holds (a write from a
 * buffer whose fault it serves). So the boxes are taken from the tree,
 * with a reference, under fdbox_lock and read one by one without it:
 * CREATE, DELETE, and FREEZE inside the live update's blackout take
 * fdbox_lock, and none of them waits for a box they do not touch.
 */
static int fdbox_list_boxes(struct file *filp, void *argp,
			    void __user *uarg)
{
	struct fdbox_box_info *info;
	struct fdbox_list *arg = argp;
	int i, nr, n = 0, err;

	err = fdbox_list_check(arg, sizeof(*info));
	if (err)
		return err;

	/* Before fdbox_lock: reclaim must not hold up FREEZE. */
	struct fdbox **boxes __free(kvfree) =
		kvcalloc(FDBOX_MAX_BOXES, sizeof(*boxes), GFP_KERNEL);
	if (!boxes)
		return -ENOMEM;
	nr = fdbox_get_boxes(boxes, FDBOX_MAX_BOXES);
	if (nr < 0)
		return nr;

	info = kvcalloc(nr ?: 1, sizeof(*info), GFP_KERNEL_ACCOUNT);
	if (!info)
		err = -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct fdbox *box = boxes[i];

		if (!err)
			err = mutex_lock_killable(&box->lock);
		if (!err) {
			/* Deleted since: as if listed before it was. */
			if (!box->deleted) {
				struct fdbox_box_info *b = &info[n++];

				strscpy(b->name, dev_name(&box->dev),
					sizeof(b->name));
				b->flags = fdbox_box_flags(box);
				b->nr_entries = box->nr_entries;
			}
			mutex_unlock(&box->lock);
		}
		put_device(&box->dev);
	}
	if (!err)
		err = fdbox_list_answer(arg, uarg, info, n, sizeof(*info));
	kvfree(info);
	return err;
}

static const struct fdbox_ioctl_op fdbox_ctl_ioctl_ops[] = {
	[_IOC_NR(FDBOX_CREATE_BOX) - FDBOX_BASE] = {
		.cmd = FDBOX_CREATE_BOX,
		.size = FDBOX_ARG_SIZE(struct fdbox_create_box),
		.admin = true,
		.execute = fdbox_create_box,
	},
	[_IOC_NR(FDBOX_DELETE_BOX) - FDBOX_BASE] = {
		.cmd = FDBOX_DELETE_BOX,
		.size = FDBOX_ARG_SIZE(struct fdbox_delete_box),
		.admin = true,
		.execute = fdbox_delete_box,
	},
	[_IOC_NR(FDBOX_LIST_BOXES) - FDBOX_BASE] = {
		.cmd = FDBOX_LIST_BOXES,
		.size = FDBOX_ARG_SIZE(struct fdbox_list),
		.min_size = offsetofend(struct fdbox_list, elems),
		.execute = fdbox_list_boxes,
	},
};

static long fdbox_ctl_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	return fdbox_dispatch(fdbox_ctl_ioctl_ops,
			      ARRAY_SIZE(fdbox_ctl_ioctl_ops), filp, cmd, arg);
}

static const struct file_operations fdbox_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = fdbox_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice fdbox_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "fdbox",
	.nodename = "fdbox/fdbox",
	.mode = 0666,
	.fops = &fdbox_ctl_fops,
};

/**
 * fdbox_register_handler() - Allow a file type to be put in boxes.
 * @handler: The handler. Must stay valid until unregistered; its @name,
 *           @ops and @ops->can_box must be set.
 *
 * Handlers are asked in registration order; the first whose can_box()
 * accepts a file owns it while it is in a box.
 *
 * Context: Process context; takes a sleeping lock.
 * Return: 0 on success, -EINVAL if the handler is incomplete or its name
 * is empty or does not fit FDBOX_TYPE_LEN (with its NUL), -EEXIST if a
 * handler of the same name is registered.
 */
int fdbox_register_handler(struct fdbox_file_handler *handler)
{
	struct fdbox_file_handler *h;

	if (!handler->name || !handler->ops || !handler->ops->can_box)
		return -EINVAL;
	/*
	 * The name is the entry type that listings report and that a live
	 * update carries: the next kernel skips an entry whose type does not
	 * fit FDBOX_TYPE_LEN, and its file with it.
	 */
	if (!handler->name[0] ||
	    strnlen(handler->name, FDBOX_TYPE_LEN) >= FDBOX_TYPE_LEN)
		return -EINVAL;

	guard(rwsem_write)(&fdbox_handlers_rwsem);
	list_for_each_entry(h, &fdbox_handlers, list) {
		if (!strcmp(h->name, handler->name))
			return -EEXIST;
	}
	list_add_tail(&handler->list, &fdbox_handlers);
	return 0;
}
EXPORT_SYMBOL_GPL(fdbox_register_handler);

/**
 * fdbox_unregister_handler() - Stop accepting a file type in boxes.
 * @handler: A handler registered with fdbox_register_handler().
 *
 * Files already in boxes keep their handler: its module stays pinned until
 * the last of them leaves its box.
 *
 * Context: Process context; takes a sleeping lock.
 */
void fdbox_unregister_handler(struct fdbox_file_handler *handler)
{
	guard(rwsem_write)(&fdbox_handlers_rwsem);
	list_del_init(&handler->list);
}
EXPORT_SYMBOL_GPL(fdbox_unregister_handler);

/**
 * fdbox_file_unlinked() - Whether a file has no name and can never get one.
 * @file: The file.
 *
 * For a handler's @can_box, whose files a live update carries by inode and
 * without a name: an O_TMPFILE file opened without O_EXCL may be linked
 * later (I_LINKABLE), and a file with a name cannot be carried. The answer
 * is final only under the inode lock, which vfs_link() holds while it
 * adds the link and clears I_LINKABLE.
 *
 * Return: true if @file is unlinked for good.
 */
bool fdbox_file_unlinked(struct file *file)
{
	struct inode *inode = file_inode(file);

	return !READ_ONCE(inode->i_nlink) &&
	       !(inode_state_read_once(inode) & I_LINKABLE);
}
EXPORT_SYMBOL_GPL(fdbox_file_unlinked);

/*
 * memfd: an unlinked shmem file. One with a name, which memfd_luo refuses,
 * would make PREPARE fail for every box; SEAL checks again.
 */
static bool fdbox_memfd_can_box(const struct fdbox_file_handler *handler,
				struct file *file)
{
	return shmem_file(file) && fdbox_file_unlinked(file);
}

/*
 * A sealed memfd keeps its size (a resize, a write past its end or a
 * fallocate() fails with EPERM), so that the size its box was checked
 * against at SEAL is the one PREPARE preserves, pages and holes alike.
 * It is the freeze memfd_luo, or hugetlb_luo for huge pages, applies while
 * it preserves the file; the freezes are counted, so neither lifts the
 * other's.
 */
static void fdbox_memfd_freeze(struct file *file, bool freeze)
{
	struct inode *inode = file_inode(file);

	lockdep_assert_held_write(&inode->i_rwsem);
	if (is_file_hugepages(file))
		hugetlbfs_freeze(inode, freeze);
	else
		shmem_freeze(inode, freeze);
}

/*
 * The next kernel gives a carried memfd back as memfd_create() makes one:
 * open for reading and writing, its inode neither append-only nor
 * immutable. A descriptor put with less would come back with more than
 * its putter had. A file linked since PUT (which raced its check) could
 * not be carried at all; under the inode lock the check is final.
 */
static int fdbox_memfd_seal(const struct fdbox_file_handler *handler,
			    struct file *file)
{
	struct inode *inode = file_inode(file);
	int err = 0;

	if (!(file->f_mode & FMODE_READ) || !(file->f_mode & FMODE_WRITE))
		return -EACCES;
	inode_lock(inode);
	if (!fdbox_file_unlinked(file))
		err = -EOPNOTSUPP;
	else if (IS_APPEND(inode) || IS_IMMUTABLE(inode))
		err = -EACCES;
	else
		fdbox_memfd_freeze(file, true);
	inode_unlock(inode);
	return err;
}

static int fdbox_memfd_unseal(const struct fdbox_file_handler *handler,
			      struct file *file)
{
	struct inode *inode = file_inode(file);

	inode_lock(inode);
	fdbox_memfd_freeze(file, false);
	inode_unlock(inode);
	return 0;
}

/* Folios pinned at a time: a few hundred bytes of stack. */
#define FDBOX_POPULATE_BATCH	32

/*
 * Preserving a memfd gives each of its holes a page, charged to whoever
 * calls PREPARE, from a tmpfs instance or a huge page pool that its tenant
 * may have filled. Fill them here instead, in the same way
 * (memfd_pin_folios()), charged to the tenant: a sparse file then fails
 * its own SEAL. The file is frozen, so that no hole is punched again
 * until UNSEAL; and every page up to its size is dirtied, as memfd_luo
 * does, since reclaim frees a clean shmem page, which would open its hole
 * again: from then on, pages read but never written go only to swap.
 */
static int fdbox_memfd_populate(const struct fdbox_file_handler *handler,
				struct file *file)
{
	loff_t size = i_size_read(file_inode(file));
	struct folio *folios[FDBOX_POPULATE_BATCH];
	pgoff_t offset;
	loff_t pos = 0;
	long nr, i;

	while (pos < size) {
		if (fatal_signal_pending(current))
			return -EINTR;
		nr = memfd_pin_folios(file, pos, size - 1, folios,
				      ARRAY_SIZE(folios), &offset);
		if (nr < 0)
			return nr;
		for (i = 0; i < nr; i++)
			folio_mark_dirty_lock(folios[i]);
		pos = folio_pos(folios[nr - 1]) + folio_size(folios[nr - 1]);
		unpin_folios(folios, nr);
		cond_resched();
	}
	return 0;
}

static const struct fdbox_file_ops fdbox_memfd_ops = {
	.can_box = fdbox_memfd_can_box,
	.seal = fdbox_memfd_seal,
	.unseal = fdbox_memfd_unseal,
	.populate = fdbox_memfd_populate,
};

static struct fdbox_file_handler fdbox_memfd_handler = {
	.name = "memfd",
	.ops = &fdbox_memfd_ops,
	.owner = THIS_MODULE,
	.max_size = MEMFD_LUO_MAX_SIZE,
	/* memfd_luo's freeze saves the file position, nothing else. */
	.freeze_at_prepare = true,
};

#ifdef CONFIG_HUGETLBFS
/* A memfd of huge pages: an unlinked hugetlbfs file. */
static bool fdbox_hugetlb_can_box(const struct fdbox_file_handler *handler,
				  struct file *file)
{
	return is_file_hugepages(file) && fdbox_file_unlinked(file);
}

static const struct fdbox_file_ops fdbox_hugetlb_ops = {
	.can_box = fdbox_hugetlb_can_box,
	.seal = fdbox_memfd_seal,
	.unseal = fdbox_memfd_unseal,
	.populate = fdbox_memfd_populate,
};

static struct fdbox_file_handler fdbox_hugetlb_handler = {
	.name = "memfd-hugetlb",
	.ops = &fdbox_hugetlb_ops,
	.owner = THIS_MODULE,
	/* hugetlb_luo's freeze saves the file position, nothing else. */
	.freeze_at_prepare = true,
};

static int fdbox_register_hugetlb(void)
{
	return fdbox_register_handler(&fdbox_hugetlb_handler);
}

static void fdbox_unregister_hugetlb(void)
{
	fdbox_unregister_handler(&fdbox_hugetlb_handler);
}
#else
static int fdbox_register_hugetlb(void)
{
	return 0;
}

static void fdbox_unregister_hugetlb(void)
{
}
#endif

static int __init fdbox_init(void)
{
	int err;

	err = rhashtable_init(&fdbox_inodes, &fdbox_inode_params);
	if (err)
		return err;

	err = alloc_chrdev_region(&fdbox_devt, 0, FDBOX_MINORS, "fdbox");
	if (err)
		goto err_inodes;

	err = class_register(&fdbox_class);
	if (err)
		goto err_chrdev;

	err = fdbox_register_handler(&fdbox_memfd_handler);
	if (err)
		goto err_class;

	err = fdbox_register_hugetlb();
	if (err)
		goto err_memfd;

	err = misc_register(&fdbox_misc);
	if (err)
		goto err_hugetlb;

	fdbox_luo_init();
	return 0;

err_hugetlb:
	fdbox_unregister_hugetlb();
err_memfd:
	fdbox_unregister_handler(&fdbox_memfd_handler);
err_class:
	class_unregister(&fdbox_class);
err_chrdev:
	unregister_chrdev_region(fdbox_devt, FDBOX_MINORS);
err_inodes:
	rhashtable_destroy(&fdbox_inodes);
	pr_err("cannot initialize: %pe\n", ERR_PTR(err));
	return err;
}
device_initcall(fdbox_init);
