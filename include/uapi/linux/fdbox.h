/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * FDBox: named boxes of file descriptors held by the kernel.
 *
 * The control device /dev/fdbox/fdbox creates and deletes boxes. Each box is
 * a character device /dev/fdbox/<box> on which file descriptors are put,
 * taken back, and the box sealed or unsealed. See
 * Documentation/core-api/kho/fdbox.rst.
 *
 * This ABI is compatible with the FDBox RFC of March 2025.
 */
#ifndef _UAPI_LINUX_FDBOX_H
#define _UAPI_LINUX_FDBOX_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define FDBOX_TYPE	('.')
#define FDBOX_BASE	0

/* Length of a box or entry name, including the terminating NUL. */
#define FDBOX_NAME_LEN	256

/**
 * struct fdbox_create_box - Argument of FDBOX_CREATE_BOX.
 * @flags: Must be zero.
 * @name: NUL-terminated name of the new box. Also the name of its device
 *        node, /dev/fdbox/<name>.
 */
struct fdbox_create_box {
	__u64 flags;
	__u8 name[FDBOX_NAME_LEN];
};

/* Create a box. Issued on /dev/fdbox/fdbox; needs CAP_SYS_ADMIN. */
#define FDBOX_CREATE_BOX	_IO(FDBOX_TYPE, FDBOX_BASE + 0)

/**
 * struct fdbox_delete_box - Argument of FDBOX_DELETE_BOX.
 * @flags: Must be zero.
 * @name: NUL-terminated name of the box to delete.
 */
struct fdbox_delete_box {
	__u64 flags;
	__u8 name[FDBOX_NAME_LEN];
};

/* Delete an unsealed box. Issued on /dev/fdbox/fdbox; needs CAP_SYS_ADMIN. */
#define FDBOX_DELETE_BOX	_IO(FDBOX_TYPE, FDBOX_BASE + 1)

/**
 * struct fdbox_put_fd - Argument of FDBOX_PUT_FD.
 * @flags: Must be zero.
 * @fd: The file descriptor to put in the box. On success it is closed in
 *      the caller's file table.
 * @pad: Must be zero.
 * @name: NUL-terminated name of the entry, unique within the box.
 */
struct fdbox_put_fd {
	__u64 flags;
	__u32 fd;
	__u32 pad;
	__u8 name[FDBOX_NAME_LEN];
};

/* Put a file descriptor in a box. Issued on /dev/fdbox/<box>. */
#define FDBOX_PUT_FD		_IO(FDBOX_TYPE, FDBOX_BASE + 2)

/**
 * struct fdbox_get_fd - Argument of FDBOX_GET_FD.
 * @flags: Must be zero.
 * @name: NUL-terminated name of the entry to take out of the box.
 */
struct fdbox_get_fd {
	__u64 flags;
	__u8 name[FDBOX_NAME_LEN];
};

/*
 * Take an entry out of a box. Issued on /dev/fdbox/<box>. Returns a new
 * close-on-exec file descriptor.
 */
#define FDBOX_GET_FD		_IO(FDBOX_TYPE, FDBOX_BASE + 3)

/* Seal a box: no entry may be put or taken until it is unsealed. No argument. */
#define FDBOX_SEAL		_IO(FDBOX_TYPE, FDBOX_BASE + 4)

/* Unseal a sealed box. No argument. */
#define FDBOX_UNSEAL		_IO(FDBOX_TYPE, FDBOX_BASE + 5)

/*
 * Listing. These take the size-first, extensible argument of
 * struct fdbox_list: @size must be at least the size of its first version;
 * bytes the kernel does not know must be zero (E2BIG otherwise).
 */

/* Length of a file type name, including the terminating NUL. */
#define FDBOX_TYPE_LEN	32

/*
 * struct fdbox_box_info.flags: the box is sealed; preserved for the live
 * update under way; from the previous kernel, not unsealed yet.
 */
#define FDBOX_BOX_SEALED	(1U << 0)
#define FDBOX_BOX_CARRIED	(1U << 1)
#define FDBOX_BOX_INCOMING	(1U << 2)

/**
 * struct fdbox_box_info - One box, as FDBOX_LIST_BOXES reports it.
 * @name:       NUL-terminated box name.
 * @flags:      FDBOX_BOX_* flags.
 * @nr_entries: Number of entries in the box.
 */
struct fdbox_box_info {
	__u8 name[FDBOX_NAME_LEN];
	__u32 flags;
	__u32 nr_entries;
};

/* struct fdbox_entry_info.flags: from the previous kernel, not restored yet. */
#define FDBOX_ENTRY_WAITING	(1U << 0)

/**
 * struct fdbox_entry_info - One entry, as FDBOX_LIST_ENTRIES reports it.
 * @name:  NUL-terminated entry name.
 * @type:  NUL-terminated name of the file's type (its handler), e.g. "memfd".
 * @size:  Size of the file in bytes; 0 while FDBOX_ENTRY_WAITING.
 * @flags: FDBOX_ENTRY_* flags.
 * @__reserved: Zero.
 */
struct fdbox_entry_info {
	__u8 name[FDBOX_NAME_LEN];
	__u8 type[FDBOX_TYPE_LEN];
	__u64 size;
	__u32 flags;
	__u32 __reserved;
};

/**
 * struct fdbox_list - Argument of FDBOX_LIST_BOXES and FDBOX_LIST_ENTRIES.
 * @size:      sizeof(struct fdbox_list).
 * @elem_size: Size of one element of @elems as the caller knows it, at least
 *             that of the first version of the element struct. The kernel
 *             writes its own struct into each and zeroes the rest.
 * @count:     In: how many elements @elems has room for. Out: how many boxes
 *             or entries there are. If that is more than there was room
 *             for, the ioctl fails with ENOSPC and writes no element:
 *             call again with room for @count.
 * @__reserved: Zero.
 * @elems:     User pointer to the array, in name order on return.
 */
struct fdbox_list {
	__u32 size;
	__u32 elem_size;
	__u32 count;
	__u32 __reserved;
	__aligned_u64 elems;
};

/* List the boxes. Issued on /dev/fdbox/fdbox; needs no privilege. */
#define FDBOX_LIST_BOXES	_IO(FDBOX_TYPE, FDBOX_BASE + 6)

/* List a box's entries. Issued on /dev/fdbox/<box>. */
#define FDBOX_LIST_ENTRIES	_IO(FDBOX_TYPE, FDBOX_BASE + 7)

#endif /* _UAPI_LINUX_FDBOX_H */
