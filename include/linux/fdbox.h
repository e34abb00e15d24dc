/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FDBox: named boxes of file descriptors held by the kernel.
 *
 * In-kernel API for the file types that may be put in a box.
 */
#ifndef _LINUX_FDBOX_H
#define _LINUX_FDBOX_H

#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/fdbox.h>

struct file;
struct module;
struct fdbox_file_handler;

/**
 * struct fdbox_file_ops - Callbacks of a file type that may be boxed.
 * @can_box: Required. Returns true if @file is of this handler's type and
 *           may be put in a box. Called without box locks held; must not
 *           sleep for long.
 * @seal:    Optional. Called for every entry of a box when the box is
 *           sealed, under the box lock. A non-zero return refuses the seal:
 *           the entries already sealed are unsealed again and the error is
 *           returned to userspace. Also called for a file restored into an
 *           incoming box, which is sealed; a failure there is only logged.
 * @unseal:  Optional. Called for every entry of a sealed box when it is
 *           unsealed, under the box lock. A non-zero return refuses the
 *           unseal: the entries already unsealed are sealed again. Also
 *           called for the restored files of an incoming box that FINISH
 *           drops, where its return is ignored. Every successful @seal is
 *           matched by one @unseal, or by the file leaving the kernel
 *           with a live update.
 * @populate: Optional. Called at SEAL for every entry once all are sealed
 *           and the box is within its limits and has its room in the
 *           tree, under the box lock, to allocate what preserving @file
 *           at PREPARE would, charged to the caller of SEAL: PREPARE runs
 *           for every box at once, and a failure there fails them all.
 *           It may take as long as the file is large, and returns
 *           -EINTR on a fatal signal. A non-zero return refuses the seal,
 *           as one of @seal does; what was allocated stays.
 *
 * All callbacks get the handler that owns the entry and the entry's file.
 */
struct fdbox_file_ops {
	bool (*can_box)(const struct fdbox_file_handler *handler,
			struct file *file);
	int (*seal)(const struct fdbox_file_handler *handler,
		    struct file *file);
	int (*unseal)(const struct fdbox_file_handler *handler,
		      struct file *file);
	int (*populate)(const struct fdbox_file_handler *handler,
			struct file *file);
};

/**
 * struct fdbox_file_handler - A file type that may be put in a box.
 * @name:  Short, unique name of the file type (e.g. "memfd").
 * @ops:   The type's callbacks.
 * @owner: Module that provides the handler; pinned while one of its files
 *         is in a box.
 * @max_size: Largest file size, in bytes, whose preservation can succeed;
 *         0 if there is no such limit. A larger file is refused at PUT and
 *         at SEAL, so that PREPARE does not fail on it.
 * @freeze_at_prepare: The LUO freeze of this type's files only saves
 *         state that a carried box keeps fixed, but for what another
 *         holder of the open file may still change, and it may be taken
 *         again; one unfreeze undoes it. PREPARE then freezes the files,
 *         and FREEZE only those another holder shares, so that the
 *         blackout does not grow with the files carried: nothing may take
 *         a reference to a file that only a carried box holds (an epoll
 *         wait does, on a file that can be polled). Otherwise FREEZE
 *         freezes every file, once, as LUO sessions do.
 * @list:  Private: link in the list of registered handlers.
 */
struct fdbox_file_handler {
	const char *name;
	const struct fdbox_file_ops *ops;
	struct module *owner;
	u64 max_size;
	bool freeze_at_prepare;
	struct list_head list;
};

#if IS_ENABLED(CONFIG_FDBOX)
int fdbox_register_handler(struct fdbox_file_handler *handler);
void fdbox_unregister_handler(struct fdbox_file_handler *handler);
bool fdbox_file_unlinked(struct file *file);
#else
static inline int fdbox_register_handler(struct fdbox_file_handler *handler)
{
	return -EOPNOTSUPP;
}

static inline void fdbox_unregister_handler(struct fdbox_file_handler *handler)
{
}

static inline bool fdbox_file_unlinked(struct file *file)
{
	return false;
}
#endif

#endif /* _LINUX_FDBOX_H */
