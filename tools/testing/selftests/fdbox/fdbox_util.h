/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small wrappers around the FDBox ioctls for the selftests. Each returns 0
 * (or an fd) on success and a negative errno on failure.
 */
#ifndef _FDBOX_UTIL_H
#define _FDBOX_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fdbox.h>

/* Older C libraries lack it (include/uapi/linux/fcntl.h). */
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC	0x0020
#endif

#define FDBOX_DIR	"/dev/fdbox"
#define FDBOX_CTL_PATH	FDBOX_DIR "/fdbox"

static inline int fdbox_open_ctl(void)
{
	return open(FDBOX_CTL_PATH, O_RDWR | O_CLOEXEC);
}

static inline int fdbox_open_box(const char *box)
{
	char path[sizeof(FDBOX_DIR) + FDBOX_NAME_LEN + 1];

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, box);
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * Copy @name into a UAPI name field. A name too long for it is copied
 * without its NUL, so that the kernel sees it, and refuses it.
 */
static inline void fdbox_set_name(__u8 *dst, const char *name)
{
	size_t len = strlen(name) + 1;

	memset(dst, 0, FDBOX_NAME_LEN);
	memcpy(dst, name, len < FDBOX_NAME_LEN ? len : FDBOX_NAME_LEN);
}

static inline int fdbox_ret(int ret)
{
	return ret < 0 ? -errno : ret;
}

static inline int fdbox_create(int ctl, const char *box)
{
	struct fdbox_create_box arg = { 0 };

	fdbox_set_name(arg.name, box);
	return fdbox_ret(ioctl(ctl, FDBOX_CREATE_BOX, &arg));
}

static inline int fdbox_delete(int ctl, const char *box)
{
	struct fdbox_delete_box arg = { 0 };

	fdbox_set_name(arg.name, box);
	return fdbox_ret(ioctl(ctl, FDBOX_DELETE_BOX, &arg));
}

/* Delete box @box through a control descriptor of its own: 0 or -errno. */
static inline int fdbox_delete_named(const char *box)
{
	int ctl = fdbox_open_ctl(), ret;

	if (ctl < 0)
		return -errno;
	ret = fdbox_delete(ctl, box);
	close(ctl);
	return ret;
}

static inline int fdbox_put(int box, int fd, const char *name)
{
	struct fdbox_put_fd arg = { .fd = (__u32)fd };

	fdbox_set_name(arg.name, name);
	return fdbox_ret(ioctl(box, FDBOX_PUT_FD, &arg));
}

static inline int fdbox_get(int box, const char *name)
{
	struct fdbox_get_fd arg = { 0 };

	fdbox_set_name(arg.name, name);
	return fdbox_ret(ioctl(box, FDBOX_GET_FD, &arg));
}

static inline int fdbox_seal(int box)
{
	return fdbox_ret(ioctl(box, FDBOX_SEAL));
}

/*
 * Create box @name, put @fd in it as entry @entry and seal it: 0 or
 * -errno. The descriptor is the box's once put.
 */
static inline int fdbox_create_sealed(int ctl, const char *name, int fd,
				      const char *entry)
{
	int box, ret;

	ret = fdbox_create(ctl, name);
	if (ret)
		return ret;
	box = fdbox_open_box(name);
	if (box < 0)
		return -errno;
	ret = fdbox_put(box, fd, entry);
	if (!ret)
		ret = fdbox_seal(box);
	close(box);
	return ret;
}

static inline int fdbox_unseal(int box)
{
	return fdbox_ret(ioctl(box, FDBOX_UNSEAL));
}

/*
 * UNSEAL box @name and GET its entry @entry: the new descriptor, or
 * -errno of the first step that failed.
 */
static inline int fdbox_unseal_get(const char *name, const char *entry)
{
	int box = fdbox_open_box(name), ret;

	if (box < 0)
		return -errno;
	ret = fdbox_unseal(box);
	if (!ret)
		ret = fdbox_get(box, entry);
	close(box);
	return ret;
}

/*
 * FDBOX_LIST_BOXES on @ctl or FDBOX_LIST_ENTRIES on a box into @elems, room
 * for *@count elements of @elem_size bytes; *@count is set to how many
 * there are.
 */
static inline int fdbox_list(int fd, unsigned long cmd, void *elems,
			     __u32 elem_size, __u32 *count)
{
	struct fdbox_list arg = {
		.size = sizeof(arg),
		.elem_size = elem_size,
		.count = *count,
		.elems = (uintptr_t)elems,
	};
	int ret = fdbox_ret(ioctl(fd, cmd, &arg));

	*count = arg.count;
	return ret;
}

/* The contents of a sysfs attribute of box @box, without the newline. */
static inline int fdbox_sysfs(const char *box, const char *attr, char *buf,
			      size_t len)
{
	char path[FDBOX_NAME_LEN + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/%s", box, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/*
 * Write @val to the file @path (a debugfs knob): 0, or a negative errno,
 * -EIO for a short write.
 */
static inline int fdbox_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	if (n < 0)
		return -errno;
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* The kernel's command line, into @buf: 0, or -1 if it cannot be read. */
static inline int fdbox_cmdline(char *buf, int size)
{
	FILE *f = fopen("/proc/cmdline", "re");
	int ret = -1;

	if (f) {
		if (fgets(buf, size, f))
			ret = 0;
		fclose(f);
	}
	return ret;
}

/*
 * Up to @len - 1 bytes of file @path into @buf, NUL-terminated: how many,
 * or -errno.
 */
static inline ssize_t fdbox_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The number in the file @path (a debugfs knob, a sysfs counter), or -1. */
static inline long long fdbox_read_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * Run @fn(@arg) in a child as uid and gid @uid, without supplementary
 * groups: its exit status, 100 if the ids could not be set, or -1.
 */
static inline int fdbox_as_user(uid_t uid, int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Write @val to attribute @attr of box @box: 0 or a negative errno. */
static inline int fdbox_sysfs_write(const char *box, const char *attr,
				    const char *val)
{
	char path[FDBOX_NAME_LEN + 64];

	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/%s", box, attr);
	return fdbox_write_file(path, val);
}

/* A line of /proc/meminfo, such as "Shmem" or "MemFree", in KiB; -1 if none. */
static inline long meminfo_kb(const char *field)
{
	char line[256], want[64];
	long kb = -1;
	FILE *f;

	snprintf(want, sizeof(want), "%s: %%ld kB", field);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, want, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Free memory in KiB, counting what MemFree leaves out: the pages freed
 * into the per-CPU lists (the count: lines of /proc/zoneinfo), which can
 * hold tens of MiB right after a large release, and the per-CPU deltas of
 * the free page counter, folded first through vm.stat_refresh. -1 on error.
 */
static inline long free_kb(void)
{
	long count, pcp = 0, kb;
	char line[256];
	FILE *f;

	fdbox_write_file("/proc/sys/vm/stat_refresh", "1");
	kb = meminfo_kb("MemFree");
	f = fopen("/proc/zoneinfo", "r");
	if (kb < 0 || !f) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			pcp += count;
	fclose(f);
	return kb + pcp * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Whether box @box has its node in /dev/fdbox. */
static inline bool fdbox_box_exists(const char *box)
{
	char path[sizeof(FDBOX_DIR) + FDBOX_NAME_LEN + 1];

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, box);
	return !access(path, F_OK);
}

/* The byte at @off of a pattern seeded with @seed. */
static inline uint8_t pattern_byte(uint64_t off, unsigned int seed)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ULL + seed * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	return (uint8_t)(x ^ (x >> 17));
}

/* A memfd of @size bytes filled with the pattern of @seed. */
static inline int memfd_pattern(const char *name, size_t size,
				unsigned int seed)
{
	uint8_t buf[65536];
	size_t off, i, n;
	int fd;

	fd = memfd_create(name, 0);
	if (fd < 0)
		return -errno;
	for (off = 0; off < size; off += n) {
		n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = pattern_byte(off + i, seed);
		if (pwrite(fd, buf, n, off) != (ssize_t)n) {
			close(fd);
			return -EIO;
		}
	}
	return fd;
}

/* 0 if @fd holds exactly @size bytes of the pattern of @seed. */
static inline int memfd_check_pattern(int fd, size_t size, unsigned int seed)
{
	uint8_t buf[65536];
	size_t off, i, n;

	if (lseek(fd, 0, SEEK_END) != (off_t)size)
		return -EFBIG;
	for (off = 0; off < size; off += n) {
		n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		if (pread(fd, buf, n, off) != (ssize_t)n)
			return -EIO;
		for (i = 0; i < n; i++)
			if (buf[i] != pattern_byte(off + i, seed))
				return -EILSEQ;
	}
	return 0;
}

#endif /* _FDBOX_UTIL_H */
