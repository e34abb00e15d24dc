// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libfdbox: FDBox and live update control from C. See libfdbox.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libfdbox.h"

#define FDBOX_DIR	"/dev/fdbox"

static int ret_errno(int ret)
{
	return ret < 0 ? -errno : ret;
}

/* Copy @name into a UAPI name field; -ENAMETOOLONG or -EINVAL if unfit. */
static int set_name(__u8 dst[FDBOX_NAME_LEN], const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strlen(name);
	if (len >= FDBOX_NAME_LEN)
		return -ENAMETOOLONG;
	memset(dst, 0, FDBOX_NAME_LEN);
	memcpy(dst, name, len);
	return 0;
}

int fdbox_open_control(void)
{
	return ret_errno(open(FDBOX_DIR "/fdbox", O_RDWR | O_CLOEXEC));
}

int fdbox_create(int ctl, const char *name)
{
	struct fdbox_create_box arg = { 0 };
	int err = set_name(arg.name, name);

	return err ? err : ret_errno(ioctl(ctl, FDBOX_CREATE_BOX, &arg));
}

int fdbox_delete(int ctl, const char *name)
{
	struct fdbox_delete_box arg = { 0 };
	int err = set_name(arg.name, name);

	return err ? err : ret_errno(ioctl(ctl, FDBOX_DELETE_BOX, &arg));
}

int fdbox_open(const char *name)
{
	char path[sizeof(FDBOX_DIR) + FDBOX_NAME_LEN + 1];

	if (!name || !*name || strchr(name, '/'))
		return -EINVAL;
	if (strlen(name) >= FDBOX_NAME_LEN)
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, name);
	return ret_errno(open(path, O_RDWR | O_CLOEXEC));
}

int fdbox_put(int box, int fd, const char *name)
{
	struct fdbox_put_fd arg = { 0 };
	int err;

	if (fd < 0)
		return -EBADF;
	err = set_name(arg.name, name);
	if (err)
		return err;
	arg.fd = fd;
	return ret_errno(ioctl(box, FDBOX_PUT_FD, &arg));
}

int fdbox_get(int box, const char *name)
{
	struct fdbox_get_fd arg = { 0 };
	int err = set_name(arg.name, name);

	return err ? err : ret_errno(ioctl(box, FDBOX_GET_FD, &arg));
}

int fdbox_seal(int box)
{
	return ret_errno(ioctl(box, FDBOX_SEAL));
}

int fdbox_unseal(int box)
{
	return ret_errno(ioctl(box, FDBOX_UNSEAL));
}

/* Call a list ioctl until the array is large enough for the answer. */
static int list(int fd, unsigned long cmd, size_t elem_size, void **out)
{
	struct fdbox_list arg = { .size = sizeof(arg), .elem_size = elem_size };
	void *elems = NULL;
	__u32 room = 0;
	int err;

	*out = NULL;
	for (;;) {
		arg.count = room;
		arg.elems = (uintptr_t)elems;
		err = ret_errno(ioctl(fd, cmd, &arg));
		if (err != -ENOSPC)
			break;
		/* Things came and went: leave room for some more. */
		room = arg.count + 16;
		free(elems);
		elems = calloc(room, elem_size);
		if (!elems)
			return -ENOMEM;
	}
	if (err || !arg.count) {
		free(elems);
		return err;
	}
	if (arg.count > INT_MAX) {
		free(elems);
		return -EOVERFLOW;
	}
	*out = elems;
	return arg.count;
}

int fdbox_list_boxes(int ctl, struct fdbox_box_info **out)
{
	return list(ctl, FDBOX_LIST_BOXES, sizeof(**out), (void **)out);
}

int fdbox_list_entries(int box, struct fdbox_entry_info **out)
{
	return list(box, FDBOX_LIST_ENTRIES, sizeof(**out), (void **)out);
}

int fdbox_luo_open(void)
{
	return ret_errno(open("/dev/liveupdate", O_RDWR | O_CLOEXEC));
}

int fdbox_luo_state(int luo)
{
	struct liveupdate_ioctl_get_state arg = { .size = sizeof(arg) };
	int err = ret_errno(ioctl(luo, LIVEUPDATE_IOCTL_GET_STATE, &arg));

	return err ? err : (int)arg.state;
}

int fdbox_luo_event(int luo, unsigned int event)
{
	struct liveupdate_ioctl_set_event arg = {
		.size = sizeof(arg),
		.event = event,
	};

	return ret_errno(ioctl(luo, LIVEUPDATE_IOCTL_SET_EVENT, &arg));
}

const char *fdbox_luo_state_name(int state)
{
	switch (state) {
	case LIVEUPDATE_STATE_NORMAL:
		return "normal";
	case LIVEUPDATE_STATE_PREPARED:
		return "prepared";
	case LIVEUPDATE_STATE_FROZEN:
		return "frozen";
	case LIVEUPDATE_STATE_UPDATED:
		return "updated";
	default:
		return "unknown";
	}
}
