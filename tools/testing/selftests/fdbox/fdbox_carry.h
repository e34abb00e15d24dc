/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the FDBox live update selftests: fdbox_carry_setup_test fills
 * boxes at the end of a stage and writes a manifest of what the next stage
 * must find; fdbox_carry_verify_test checks it at the start of that stage.
 * The manifest lives on the root file system, which the test VM repacks as
 * the next kernel's initramfs.
 *
 * Manifest lines:
 *   box NAME carried|absent
 *   entry BOX NAME SHAPE SEED SEALS
 *   unclaimed BOX BYTES
 *   KIND BOX, the box of one scenario: huge, race, pos, unseal-fails...
 */
#ifndef _FDBOX_CARRY_H
#define _FDBOX_CARRY_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_util.h"

#define CARRY_MANIFEST	"/fdbox/carry.manifest"
#define KiB		1024UL
#define MiB		(1024 * KiB)

/* The shapes a carried memfd comes in. */
enum carry_shape {
	SHAPE_EMPTY,		/* no byte */
	SHAPE_PAGE,		/* one page of data */
	SHAPE_2M,		/* 2 MiB of data */
	SHAPE_SPARSE,		/* 1 MiB, three pages written, the rest holes */
	SHAPE_TRUNCATED,	/* written, cut short, written again further */
	SHAPE_RANDOM64M,	/* 64 MiB of random data */
	NR_SHAPES,
};

/*
 * The "position" scenario: a memfd whose open file another process still
 * shares when PREPARE freezes it, and moves afterwards: the position the
 * next kernel restores is the one at FREEZE.
 */
#define CARRY_POS_BOX		"carry-pos"
#define CARRY_POS_PID		"/tmp/carry-pos.pid"
#define CARRY_POS_MOVED		"/tmp/carry-pos.moved"
#define CARRY_POS_AT_PREPARE	4096
#define CARRY_POS_AT_FREEZE	8192

/*
 * A box of one file of the test handler's, whose unseal hook fails once:
 * the next kernel restores the file and fails the UNSEAL, and from then
 * on the box is an ordinary sealed box, which FINISH keeps.
 */
#define CARRY_UNSEAL_FAILS_BOX	"carry-unseal-fails"

static inline size_t carry_shape_size(enum carry_shape shape)
{
	switch (shape) {
	case SHAPE_EMPTY: return 0;
	case SHAPE_PAGE: return 4096;
	case SHAPE_2M: return 2 * MiB;
	case SHAPE_SPARSE: return MiB;
	case SHAPE_TRUNCATED: return 108 * KiB;
	case SHAPE_RANDOM64M: return 64 * MiB;
	default: return 0;
	}
}

static inline uint64_t carry_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The byte at @off of a memfd of @shape made with @seed. */
static inline uint8_t carry_byte(enum carry_shape shape, uint64_t seed,
				 size_t off)
{
	switch (shape) {
	case SHAPE_SPARSE:
		if (off < 4096 || (off >= 512 * KiB && off < 516 * KiB) ||
		    off >= MiB - 4096)
			return pattern_byte(off, seed);
		return 0;
	case SHAPE_TRUNCATED:
		if (off < 16 * KiB || off >= 100 * KiB)
			return pattern_byte(off, seed);
		return 0;
	default:
		return pattern_byte(off, seed);
	}
}

/* Fill @buf with the random stream of @seed, from its start. */
static inline void carry_random_fill(uint64_t *state, uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v = carry_random(state);

		memcpy(buf + i, &v, 8);
	}
}

static inline int carry_write_range(int fd, enum carry_shape shape,
				    uint64_t seed, size_t from, size_t to)
{
	static uint8_t buf[65536];
	size_t off, n, i;

	for (off = from; off < to; off += n) {
		n = to - off < sizeof(buf) ? to - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = carry_byte(shape, seed, off + i);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			return -EIO;
	}
	return 0;
}

/* Sealed against exec and writes, whatever its mode: see "mixed". */
#define CARRY_NOEXEC_RO	(F_SEAL_EXEC | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/*
 * A memfd of @shape with the contents of @seed, sealed with @seals; one
 * sealed against exec has no exec bit (mode 0666).
 */
static inline int carry_memfd(const char *name, enum carry_shape shape,
			      uint64_t seed, unsigned int seals)
{
	static uint8_t buf[65536];
	uint64_t state = seed | 1;
	size_t off;
	int fd, err = 0;

	fd = memfd_create(name, MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;

	switch (shape) {
	case SHAPE_EMPTY:
		break;
	case SHAPE_SPARSE:
		if (ftruncate(fd, MiB))
			err = -errno;
		err = err ?: carry_write_range(fd, shape, seed, 0, 4096);
		err = err ?: carry_write_range(fd, shape, seed, 512 * KiB,
					       516 * KiB);
		err = err ?: carry_write_range(fd, shape, seed, MiB - 4096, MiB);
		break;
	case SHAPE_TRUNCATED:
		err = carry_write_range(fd, SHAPE_2M, seed, 0, 64 * KiB);
		if (!err && ftruncate(fd, 16 * KiB))
			err = -errno;
		err = err ?: carry_write_range(fd, shape, seed, 100 * KiB,
					       108 * KiB);
		break;
	case SHAPE_RANDOM64M:
		for (off = 0; !err && off < 64 * MiB; off += sizeof(buf)) {
			carry_random_fill(&state, buf, sizeof(buf));
			if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
				err = -EIO;
		}
		break;
	default:
		err = carry_write_range(fd, shape, seed, 0,
					carry_shape_size(shape));
		break;
	}
	/* Sealed against exec as MFD_NOEXEC_SEAL leaves one: not executable. */
	if (!err && (seals & F_SEAL_EXEC) && fchmod(fd, 0666))
		err = -errno;
	if (!err && seals && fcntl(fd, F_ADD_SEALS, seals))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * 0 if @fd is a memfd of @shape with the contents of @seed and exactly
 * @seals; a negative errno naming the first difference otherwise.
 */
static inline int carry_check(int fd, enum carry_shape shape, uint64_t seed,
			      unsigned int seals)
{
	static uint8_t buf[65536], want[65536];
	size_t size = carry_shape_size(shape), off, n, i;
	uint64_t state = seed | 1;
	struct stat st;
	int got;

	if (lseek(fd, 0, SEEK_END) != (off_t)size)
		return -EFBIG;
	got = fcntl(fd, F_GET_SEALS);
	if (got < 0 || (unsigned int)got != seals)
		return -EPERM;
	if ((seals & F_SEAL_EXEC) && (fstat(fd, &st) || (st.st_mode & 0111)))
		return -EACCES;
	for (off = 0; off < size; off += n) {
		n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		if (pread(fd, buf, n, off) != (ssize_t)n)
			return -EIO;
		if (shape == SHAPE_RANDOM64M) {
			carry_random_fill(&state, want, n);
		} else {
			for (i = 0; i < n; i++)
				want[i] = carry_byte(shape, seed, off + i);
		}
		if (memcmp(buf, want, n))
			return -EILSEQ;
	}
	return 0;
}

#define CARRY_CTL_SRC	"/fdbox/carry-ctl.src"

/*
 * Device nodes made with mknod, as a container runtime delegates a box:
 * one for a carried box, which must open that box after the live update,
 * one for a box deleted before it, which must open no box.
 */
#define CARRY_NODE_KEPT	"/fdbox/carry-kept.node"
#define CARRY_NODE_GONE	"/fdbox/carry-gone.node"

/*
 * The delegate scenario: an unprivileged tenant's box, its node made by
 * the operator with mknod (as a container runtime does), its limits.
 */
#define CARRY_DELEGATE		"carry-delegate"
#define CARRY_DELEGATE_NODE	"/fdbox/carry-delegate.node"
#define CARRY_DELEGATE_UID	1000
#define CARRY_DELEGATE_ENTRIES	4
#define CARRY_DELEGATE_BYTES	(16 * MiB)

/*
 * Run /fdbox/bin/fdboxctl with @argv (argv[0] included); its stdout goes to
 * @out. Returns its exit status, or -1.
 */
static inline int carry_fdboxctl(char *out, size_t len,
				 const char *const *argv)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv("/fdbox/bin/fdboxctl", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (got < (ssize_t)len - 1 &&
	       (n = read(p[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define CARRY_CTL(out, ...)						\
	carry_fdboxctl(out, sizeof(out),				\
		       (const char *const[]){ "fdboxctl", __VA_ARGS__, NULL })

/*
 * Boxes whose UNSEAL races FINISH in the next stage, CARRY_RACE_ENTRIES
 * pages each: "carry-race-NN", entry "rN" of box b holding the pattern of
 * carry_race_seed(b, N).
 */
#define CARRY_RACE_BOXES	24
#define CARRY_RACE_ENTRIES	4

static inline unsigned int carry_race_seed(int box, int entry)
{
	return 5000 + box * CARRY_RACE_ENTRIES + entry;
}

/* The carry tests use stages 1 to 3; later ones belong to other tests. */
#define CARRY_MAX_STAGES	3

/* The last stage of the carry tests. */
static inline int carry_stages(void)
{
	return fdbox_stages() < CARRY_MAX_STAGES ? fdbox_stages() :
						   CARRY_MAX_STAGES;
}

#endif /* _FDBOX_CARRY_H */
