// SPDX-License-Identifier: GPL-2.0
/*
 * The FDBox live update story, told step by step, for `make demo`. Runs in
 * two stages of the test VM:
 *
 * 1. A "guest memory" memfd with a known pattern goes into box vm1, the box
 *    is sealed and the live update prepared; the VM then kexecs.
 * 2. In the new kernel the state is UPDATED and vm1 is there, sealed;
 *    UNSEAL and GET bring the memfd back, the pattern is checked, FINISH
 *    ends the live update.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdbox_util.h"
#include "luo_util.h"

#define BOX		"vm1"
#define ENTRY		"guest-ram"
#define SIZE		(64UL << 20)
#define SEED		2025

static int fail(const char *what, int err)
{
	printf("demo: %s failed: %s\n", what, strerror(-err));
	return 1;
}

static void show_state(int luo)
{
	char word[32] = "";
	FILE *f;

	f = fopen(LUO_SYSFS_STATE, "r");
	if (f) {
		if (!fgets(word, sizeof(word), f))
			word[0] = '\0';
		fclose(f);
	}
	word[strcspn(word, "\n")] = '\0';
	printf("demo:   live update state: %s (%s says %s)\n",
	       luo_state_name(luo_get_state(luo)), LUO_SYSFS_STATE, word);
}

/* What an operator would type, and what it prints. */
static void operator(const char *cmd)
{
	char line[256];
	FILE *p;

	printf("demo:   # %s\n", cmd);
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		printf("demo:   %s", line);
	pclose(p);
}

static void show_boxes(void)
{
	operator("ls /dev/fdbox");
	operator("fdboxctl ls");
}

static int before_update(int luo)
{
	int ctl, box, mfd, err;
	struct stat st;

	printf("demo: == stage 1: the old kernel ==\n");
	show_state(luo);

	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return fail("open " FDBOX_CTL_PATH, -errno);
	err = fdbox_create(ctl, BOX);
	if (err)
		return fail("create box " BOX, err);
	printf("demo: created box '%s'\n", BOX);

	mfd = memfd_pattern(ENTRY, SIZE, SEED);
	if (mfd < 0)
		return fail("memfd_create", mfd);
	fstat(mfd, &st);
	printf("demo: guest memory: a %lu MiB memfd filled with a known pattern\n",
	       SIZE >> 20);

	box = fdbox_open_box(BOX);
	if (box < 0)
		return fail("open box", -errno);
	err = fdbox_put(box, mfd, ENTRY);
	if (err)
		return fail("put", err);
	printf("demo: put it into '%s' as '%s'; the process no longer holds it\n",
	       BOX, ENTRY);

	err = fdbox_seal(box);
	if (err)
		return fail("seal", err);
	printf("demo: sealed '%s'\n", BOX);

	err = luo_set_event(luo, LIVEUPDATE_PREPARE);
	if (err)
		return fail("PREPARE", err);
	printf("demo: sent PREPARE: the sealed box is serialized for the next kernel\n");
	show_state(luo);
	show_boxes();
	operator("fdboxctl ls " BOX);
	printf("demo: now kexec into the new kernel (the FREEZE event is taken on the way)...\n");
	return 0;
}

static int after_update(int luo)
{
	int box, fd, err;

	printf("demo: == stage 2: the new kernel, booted by the live update ==\n");
	show_state(luo);
	show_boxes();
	operator("fdboxctl ls " BOX);
	operator("cat /sys/class/fdbox/" BOX "/state");

	box = fdbox_open_box(BOX);
	if (box < 0)
		return fail("open box " BOX, -errno);
	printf("demo: get '%s' while the box is still sealed: %s\n", ENTRY,
	       strerror(-fdbox_get(box, ENTRY)));

	err = fdbox_unseal(box);
	if (err)
		return fail("unseal", err);
	printf("demo: unsealed '%s': its files are restored\n", BOX);

	fd = fdbox_get(box, ENTRY);
	if (fd < 0)
		return fail("get", fd);
	printf("demo: got '%s' back as fd %d\n", ENTRY, fd);

	err = memfd_check_pattern(fd, SIZE, SEED);
	if (err)
		return fail("content check", err);
	printf("demo: contents verified: all %lu MiB match the pattern\n",
	       SIZE >> 20);

	err = luo_set_event(luo, LIVEUPDATE_FINISH);
	if (err)
		return fail("FINISH", err);
	printf("demo: sent FINISH\n");
	show_state(luo);
	printf("demo: SUCCESS: the guest memory came through the kernel update\n");
	return 0;
}

int main(void)
{
	const char *stage = getenv("FDBOX_STAGE");
	int luo, ret;

	luo = luo_open();
	if (luo < 0)
		return fail("open " LUO_DEV, luo);
	if (!stage || atoi(stage) == 1)
		ret = before_update(luo);
	else
		ret = after_update(luo);
	close(luo);
	return ret;
}
