/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libfdbox: FDBox and live update control from C.
 *
 * Every function returns a negative errno on failure and 0, a file
 * descriptor or a count on success; none prints. The library keeps no
 * state of its own: it is safe to call from several threads, as the kernel
 * serializes operations on a box. File descriptors it returns are
 * close-on-exec.
 */
#ifndef _LIBFDBOX_H
#define _LIBFDBOX_H

#include <stddef.h>

#include <linux/fdbox.h>
#include <linux/liveupdate.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Open the control device, /dev/fdbox/fdbox. Returns an fd. */
int fdbox_open_control(void);

/* Create box @name (CAP_SYS_ADMIN). -ENAMETOOLONG beyond 255 bytes. */
int fdbox_create(int ctl, const char *name);

/* Delete box @name (CAP_SYS_ADMIN); -EBUSY if it is sealed. */
int fdbox_delete(int ctl, const char *name);

/* Open box @name, /dev/fdbox/@name. Returns an fd. */
int fdbox_open(const char *name);

/* Put @fd in @box as @name; on success @fd is closed. */
int fdbox_put(int box, int fd, const char *name);

/* Take @name out of @box. Returns a new fd. */
int fdbox_get(int box, const char *name);

/* Seal or unseal @box. */
int fdbox_seal(int box);
int fdbox_unseal(int box);

/*
 * List the boxes, or the entries of @box, into a new array that the caller
 * frees with free(). Returns the number of elements (*@out may be NULL if
 * there are none).
 */
int fdbox_list_boxes(int ctl, struct fdbox_box_info **out);
int fdbox_list_entries(int box, struct fdbox_entry_info **out);

/* Open /dev/liveupdate (one opener at a time). Returns an fd. */
int fdbox_luo_open(void);

/* The live update state: an enum liveupdate_state. */
int fdbox_luo_state(int luo);

/* Send LIVEUPDATE_PREPARE, _CANCEL or _FINISH. */
int fdbox_luo_event(int luo, unsigned int event);

/* "normal", "prepared", "frozen", "updated", or "unknown". */
const char *fdbox_luo_state_name(int state);

#ifdef __cplusplus
}
#endif

#endif /* _LIBFDBOX_H */
