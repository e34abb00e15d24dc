/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * FDBox: named boxes of file descriptors held by the kernel.
 *
 * The control device /dev/fdbox/fdbox creates and deletes boxes. Each box is
 * a character device /dev/fdbox/<box> on which file descriptors are put,
 * taken back, and the box sealed or unsealed. See
 * Documentation/kho/fdbox.rst.
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

#endif /* _UAPI_LINUX_FDBOX_H */
