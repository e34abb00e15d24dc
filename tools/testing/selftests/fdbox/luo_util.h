/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrappers around the live update state machine ioctls on /dev/liveupdate
 * for the selftests. Each returns a negative errno on failure.
 */
#ifndef _LUO_UTIL_H
#define _LUO_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/liveupdate.h>

#define LUO_DEV		"/dev/liveupdate"
#define LUO_SYSFS_DIR	"/sys/kernel/liveupdate"
#define LUO_SYSFS_STATE	LUO_SYSFS_DIR "/state"

static inline int luo_open(void)
{
	int fd = open(LUO_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* The current enum liveupdate_state, or a negative errno. */
static inline int luo_get_state(int luo)
{
	struct liveupdate_ioctl_get_state arg = { .size = sizeof(arg) };

	if (ioctl(luo, LIVEUPDATE_IOCTL_GET_STATE, &arg))
		return -errno;
	return arg.state;
}

static inline int luo_set_event(int luo, unsigned int event)
{
	struct liveupdate_ioctl_set_event arg = {
		.size = sizeof(arg),
		.event = event,
	};

	return ioctl(luo, LIVEUPDATE_IOCTL_SET_EVENT, &arg) ? -errno : 0;
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const char *const luo_state_names[] = {
	[LIVEUPDATE_STATE_NORMAL] = "normal",
	[LIVEUPDATE_STATE_PREPARED] = "prepared",
	[LIVEUPDATE_STATE_FROZEN] = "frozen",
	[LIVEUPDATE_STATE_UPDATED] = "updated",
};

/* The name of a state, as the kernel logs it; "?" for no state. */
#define luo_state_name(state) ({					\
	unsigned int __s = (state);					\
									\
	__s < ARRAY_SIZE(luo_state_names) &&				\
	luo_state_names[__s] ? luo_state_names[__s] : "?";		\
})

/* The knobs of the test subsystem (CONFIG_LIVEUPDATE_STATE_TEST). */
#define LUO_TEST_DIR	"/sys/kernel/debug/luo_state_test"

/*
 * Have the test subsystem register another subsystem ("new") or one under
 * its own name ("dup"), and unregister it again: the registration's errno,
 * or -EIO if the knob could not be used.
 */
static inline int luo_test_register(const char *what)
{
	char out[16] = "";
	ssize_t n;
	int fd;

	fd = open(LUO_TEST_DIR "/register", O_RDWR);
	if (fd < 0)
		return -EIO;
	n = write(fd, what, strlen(what));
	if (n == (ssize_t)strlen(what))
		n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	return n > 0 ? atoi(out) : -EIO;
}

#endif /* _LUO_UTIL_H */
