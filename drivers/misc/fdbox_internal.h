/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FDBox internals shared by the driver and its live update support.
 */
#ifndef _FDBOX_INTERNAL_H
#define _FDBOX_INTERNAL_H

#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/fdbox.h>
#include <linux/kdev_t.h>
#include <linux/liveupdate.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>

/**
 * struct fdbox - A box of named file descriptors.
 * @dev:      The box's device, /dev/fdbox/<name>. Its name is the box name
 *            and its reference count the box's.
 * @cdev:     The character device behind @dev.
 * @node:     Link in the tree of boxes, by name. Protected by fdbox_lock.
 * @lock:     Protects the fields below.
 * @entries:  List of &struct fdbox_entry, in the order they were put (or
 *            came from the previous kernel).
 * @names:    The same entries, hashed by name: lookups, and PUT and GET,
 *            cost the same however many entries the box holds.
 * @nr_entries: Number of entries in @entries.
 * @nr_bytes: Sum of the entries' @size.
 * @max_entries: Most entries the box may hold (sysfs, root only).
 * @max_bytes: Largest sum of file sizes the box may hold (sysfs, root only).
 * @carry_cost: What the box, sealed, takes of the next live update's tree;
 *            0 while unsealed or incoming, or without live update.
 * @sealed:   No entry may be put or taken.
 * @deleted:  The box was deleted; open files on its device see -ENODEV.
 * @carried:  Sealed, and preserved for the live update under way.
 * @frozen:   Carried, and those of its files whose handler freezes them
 *            at PREPARE frozen (see fdbox_luo.c).
 * @incoming: Came from the previous kernel; UNSEAL restores its files.
 * @prepare_error: Why the last PREPARE could not carry the box, for the
 *            operator (sysfs); NULL once a PREPARE carried it or it was
 *            unsealed.
 */
struct fdbox {
	struct device dev;
	struct cdev cdev;
	struct rb_node node;
	struct mutex lock; /* protects the fields below */
	struct list_head entries;
	struct rhashtable names;
	unsigned int nr_entries;
	u64 nr_bytes;
	unsigned int max_entries;
	u64 max_bytes;
	size_t carry_cost;
	bool sealed;
	bool deleted;
	bool carried;
	bool frozen;
	bool incoming;
	char *prepare_error;
};

/**
 * struct fdbox_entry - A file held in a box.
 * @list:      Link in the box's list of entries.
 * @file:      The file, with a reference; NULL while an incoming entry
 *             waits to be restored.
 * @inode_node: Link in the table of held inodes, while @inode is set.
 * @inode:     The file's inode while the entry holds it: from SEAL to
 *             UNSEAL (fdbox_box_hold()).
 * @handler:   The FDBox handler of the file's type; its module is pinned.
 *             NULL while an incoming entry waits for its handler.
 * @luo:       The file's live update preservation: outgoing while the box
 *             is carried, incoming until restored.
 * @luo_compat: Incoming: the compatible string of the LUO file handler
 *             that preserved the file.
 * @type:      Incoming: the name of its FDBox handler, which UNSEAL looks
 *             up, so that a handler registered after boot still gets it.
 * @size:      The file's size when it was put, or when its box was last
 *             sealed or restored; 0 while an incoming entry waits.
 * @hnode:     Link in the box's hash table of names; next to @name, which
 *             a lookup compares, so that a cold entry costs one cache line.
 * @name:      The entry's name.
 */
struct fdbox_entry {
	struct list_head list;
	struct file *file;
	struct rhash_head inode_node;
	struct inode *inode;
	const struct fdbox_file_handler *handler;
	struct liveupdate_file_op_args luo;
	char luo_compat[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	char type[FDBOX_TYPE_LEN];
	u64 size;
	struct rhash_head hnode;
	char name[];
};

extern struct mutex fdbox_lock;
extern struct rb_root fdbox_boxes;

/*
 * The boxes in name order, for a walk under fdbox_lock that removes none:
 * for (box = fdbox_first_box(); box; box = fdbox_next_box(box)).
 */
static inline struct fdbox *fdbox_first_box(void)
{
	lockdep_assert_held(&fdbox_lock);
	return rb_entry_safe(rb_first(&fdbox_boxes), struct fdbox, node);
}

static inline struct fdbox *fdbox_next_box(struct fdbox *box)
{
	lockdep_assert_held(&fdbox_lock);
	return rb_entry_safe(rb_next(&box->node), struct fdbox, node);
}

/* Walk a box's entries in the order they were put. */
#define fdbox_for_each_entry(entry, box)				\
	list_for_each_entry(entry, &(box)->entries, list)

int fdbox_check_name(const u8 *name);
int fdbox_check_box_name(const u8 *name);
/* Box device minors: the whole minor space of FDBox's major. */
#define FDBOX_MINORS		BIT(MINORBITS)

/*
 * Upper bounds of what the outgoing tree takes: its header and root, and
 * each box and entry, whatever their names. SEAL reserves them: the sealed
 * boxes may take at most fdbox_carry_max (FDBOX_CARRY_MAX, tests lower
 * it), room for about 289,000 entries whatever their names.
 */
#define FDBOX_FDT_BASE		1024
#define FDBOX_FDT_BOX		(160 + FDBOX_NAME_LEN)
#define FDBOX_FDT_ENTRY		(128 + FDBOX_NAME_LEN + \
				 FDBOX_TYPE_LEN + \
				 LIVEUPDATE_HNDL_COMPAT_LENGTH)
#define FDBOX_CARRY_MAX		(128UL << 20)

/* What a sealed box of @nr_entries entries takes of the tree, at most. */
static inline size_t fdbox_fdt_box_size(unsigned int nr_entries)
{
	return FDBOX_FDT_BOX + (size_t)nr_entries * FDBOX_FDT_ENTRY;
}

extern unsigned long fdbox_carry_max;

struct fdbox *fdbox_box_add(const char *name, int minor);
unsigned int fdbox_minor_cursor(void);
void fdbox_set_minor_cursor(unsigned int cursor);
void fdbox_box_kill(struct fdbox *box);
void fdbox_box_unlink(struct fdbox *box);
struct fdbox_entry *fdbox_entry_alloc(const char *name);
int fdbox_entry_insert(struct fdbox *box, struct fdbox_entry *entry);
void fdbox_entry_erase(struct fdbox *box, struct fdbox_entry *entry);
int fdbox_entry_seal(const struct fdbox_entry *entry, bool seal);
void fdbox_enable_carry(void);
void fdbox_box_prepare_error(struct fdbox *box, const char *entry, int err);
void fdbox_free_entry(struct fdbox_entry *entry);
const struct fdbox_file_handler *fdbox_get_handler_by_name(const char *name);

#if IS_ENABLED(CONFIG_FDBOX_LUO)
void fdbox_luo_init(void);
struct dentry *fdbox_debugfs_dir(void);
int fdbox_luo_restore(struct fdbox *box);
#else
static inline void fdbox_luo_init(void)
{
}

static inline int fdbox_luo_restore(struct fdbox *box)
{
	return -EOPNOTSUPP;
}
#endif

struct fdbox_kho_header;

#if IS_ENABLED(CONFIG_FDBOX_LUO_TEST)
long fdbox_carry_used_read(void);
void fdbox_luo_test_prepare(void);
bool fdbox_luo_test_late(void);
size_t fdbox_luo_test_damage_room(void);
void fdbox_luo_test_damage_tree(void *fdt, size_t bufsize);
bool fdbox_luo_test_relaid(void);
void fdbox_luo_test_damage_blob(struct fdbox_kho_header *hdr, void *tree);
void fdbox_luo_test_finish_delay(void);
#else
/* Without the test knob these compile to nothing in the live update path. */
static inline void fdbox_luo_test_prepare(void)
{
}

static inline bool fdbox_luo_test_late(void)
{
	return false;
}

static inline size_t fdbox_luo_test_damage_room(void)
{
	return 0;
}

static inline void fdbox_luo_test_damage_tree(void *fdt, size_t bufsize)
{
}

static inline bool fdbox_luo_test_relaid(void)
{
	return false;
}

static inline void fdbox_luo_test_damage_blob(struct fdbox_kho_header *hdr,
					      void *tree)
{
}

static inline void fdbox_luo_test_finish_delay(void)
{
}
#endif

#endif /* _FDBOX_INTERNAL_H */
