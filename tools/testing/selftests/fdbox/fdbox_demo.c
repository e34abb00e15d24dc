// SPDX-License-Identifier: GPL-2.0
/*
 * The FDBox round trip, told step by step: a "guest memory" memfd goes into
 * a box, the box is sealed and unsealed, and the memfd comes back by name
 * with its contents intact. Run in the test VM by `make demo`.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdbox_util.h"

#define BOX		"vm1"
#define ENTRY		"guest-ram"
#define SIZE		(16UL << 20)
#define SEED		2025

static int fail(const char *what, int err)
{
	printf("demo: %s failed: %s\n", what, strerror(-err));
	return 1;
}

int main(void)
{
	struct stat before, after;
	int ctl, box, mfd, fd, err;

	printf("demo: FDBox round trip in one kernel\n");

	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return fail("open " FDBOX_CTL_PATH, -errno);
	err = fdbox_create(ctl, BOX);
	if (err)
		return fail("create box " BOX, err);
	printf("demo: created box '%s' -> %s/%s\n", BOX, FDBOX_DIR, BOX);

	mfd = memfd_pattern(ENTRY, SIZE, SEED);
	if (mfd < 0)
		return fail("memfd_create", mfd);
	fstat(mfd, &before);
	printf("demo: guest memory: memfd of %lu MiB, inode %lu, known pattern\n",
	       SIZE >> 20, (unsigned long)before.st_ino);

	box = fdbox_open_box(BOX);
	if (box < 0)
		return fail("open box", -errno);
	err = fdbox_put(box, mfd, ENTRY);
	if (err)
		return fail("put", err);
	printf("demo: put fd %d into '%s' as '%s' (fd %d is now closed: %s)\n",
	       mfd, BOX, ENTRY, mfd, fcntl(mfd, F_GETFD) < 0 ? "yes" : "NO");

	err = fdbox_seal(box);
	if (err)
		return fail("seal", err);
	printf("demo: sealed '%s'; get while sealed: %s\n", BOX,
	       strerror(-fdbox_get(box, ENTRY)));

	err = fdbox_unseal(box);
	if (err)
		return fail("unseal", err);
	printf("demo: unsealed '%s'\n", BOX);

	fd = fdbox_get(box, ENTRY);
	if (fd < 0)
		return fail("get", fd);
	fstat(fd, &after);
	printf("demo: got '%s' back as fd %d, inode %lu (%s)\n", ENTRY, fd,
	       (unsigned long)after.st_ino,
	       after.st_ino == before.st_ino ? "same file" : "DIFFERENT FILE");

	err = memfd_check_pattern(fd, SIZE, SEED);
	if (err || after.st_ino != before.st_ino)
		return fail("content check", err ? err : -ESTALE);
	printf("demo: contents verified: all %lu MiB match the pattern\n",
	       SIZE >> 20);

	close(box);
	err = fdbox_delete(ctl, BOX);
	if (err)
		return fail("delete", err);
	printf("demo: deleted box '%s'\n", BOX);
	printf("demo: SUCCESS\n");
	return 0;
}
