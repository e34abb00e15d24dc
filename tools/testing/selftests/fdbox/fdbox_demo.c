// SPDX-License-Identifier: GPL-2.0
/*
 * The FDBox live update story, told step by step, for `make demo`. Runs in
 * two stages of the test VM:
 *
 * 1. A VM runs: Debian's QEMU with its guest's RAM in a memfd (see
 *    fdbox_qemu.h). The VMM stops the guest and saves its device state into
 *    a second memfd; both go into box vm1, the box is sealed and the live
 *    update prepared; the test VM then kexecs.
 * 2. In the new kernel the state is UPDATED and vm1 is there, sealed;
 *    after UNSEAL, `fdboxctl run` starts a new QEMU on the two memfds,
 *    which loads the state and resumes the guest where it stopped; FINISH
 *    ends the live update.
 *
 * Without QEMU in the VM (vmtest.sh without -Q), the guest memory is a
 * memfd with a known pattern, checked after the live update.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdbox_qemu.h"
#include "fdbox_util.h"
#include "luo_util.h"

#define BOX		"vm1"
#define ENTRY		"guest-ram"
#define SIZE		(64UL << 20)
#define SEED		2025
/* The demo's own record: when the guest stopped, where its counter was. */
#define DEMO_RECORD	"/fdbox/demo.record"

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
	operator("fdboxctl kho out");
	printf("demo: now kexec into the new kernel (the FREEZE event is taken on the way)...\n");
	return 0;
}

/* The end of either story: FINISH, and what came through. */
static int finish(int luo, const char *what)
{
	int err = luo_set_event(luo, LIVEUPDATE_FINISH);

	if (err)
		return fail("FINISH", err);
	printf("demo: sent FINISH\n");
	show_state(luo);
	printf("demo: SUCCESS: %s came through the kernel update\n", what);
	return 0;
}

static int after_update(int luo)
{
	int box, fd, err;

	printf("demo: == stage 2: the new kernel, booted by the live update ==\n");
	show_state(luo);
	show_boxes();
	operator("fdboxctl ls " BOX);
	operator("fdboxctl kho in");
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
	return finish(luo, "the guest memory");
}

/* The VM; main() kills it if a step failed while it ran. */
static struct vmm vm;

/* Seconds since the guest stopped, by the TSC, which kexec keeps. */
static double since(uint64_t t0)
{
	return tsc_seconds(t0, tsc_now());
}

static void show_guest(struct vmm *v, const char *when)
{
	printf("demo: the guest printed %u tick(s) %s: counter %u to %u, checksum %08x%s\n",
	       v->ticks, when, v->first, v->last, v->sum,
	       v->sums_changed ? " (CHANGED)" : "");
}

static int vm_before_update(int luo)
{
	const char *const argv[] = { QEMU_ARGS, NULL };
	int ctl, box, ram, state, err;
	uint32_t counter = 0;
	uint64_t stopped;
	struct stat st;
	FILE *f;

	printf("demo: == stage 1: the old kernel ==\n");
	show_state(luo);

	ram = memfd_create("guest-ram", MFD_CLOEXEC);
	state = memfd_create("guest-state", MFD_CLOEXEC);
	if (ram < 0 || state < 0 || ftruncate(ram, QEMU_RAM_SIZE))
		return fail("memfd", -errno);
	printf("demo: the VMM starts QEMU with its guest's %lu MiB of RAM in a memfd:\n",
	       QEMU_RAM_SIZE >> 20);
	printf("demo:   %s ... \\\n%s\n", QEMU_BIN,
	       "demo:     -object memory-backend-file,id=ram,size=64M,mem-path=/proc/self/fd/3,share=on");
	err = vmm_start(&vm, argv, ram, state);
	if (!err)
		err = vmm_qmp_open(&vm);
	if (!err)
		err = vmm_serial(&vm, 3);
	if (err)
		return fail("qemu", err);
	show_guest(&vm, "so far");

	err = vmm_qmp(&vm, "{\"execute\": \"stop\"}");
	stopped = tsc_now();
	if (!err)
		err = vmm_save_state(&vm);
	if (err)
		return fail("qemu: stop and save", err);
	if (vmm_quit(&vm) || guest_counter(ram, &counter) || fstat(state, &st))
		return fail("qemu: quit", -EIO);
	printf("demo: QMP stop, then migrate with x-ignore-shared: the guest stopped at tick %u,\n"
	       "demo:   its device state (%lld bytes, without the RAM) went into a second memfd\n",
	       counter, (long long)st.st_size);

	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return fail("open " FDBOX_CTL_PATH, -errno);
	err = fdbox_create(ctl, BOX);
	close(ctl);
	box = fdbox_open_box(BOX);
	if (err || box < 0)
		return fail("create box " BOX, err ? err : -errno);
	err = fdbox_put(box, ram, "ram");
	if (!err)
		err = fdbox_put(box, state, "state");
	if (!err)
		err = fdbox_seal(box);
	if (err)
		return fail("put and seal", err);
	close(box);
	printf("demo: put both into box '%s' as 'ram' and 'state', and sealed it\n",
	       BOX);

	err = luo_set_event(luo, LIVEUPDATE_PREPARE);
	if (err)
		return fail("PREPARE", err);
	printf("demo: sent PREPARE (%.2f s after the stop)\n", since(stopped));
	show_state(luo);
	operator("fdboxctl ls " BOX);
	operator("fdboxctl kho out");

	f = fopen(DEMO_RECORD, "w");
	if (!f)
		return fail(DEMO_RECORD, -errno);
	fprintf(f, "%llu %u %x\n", (unsigned long long)stopped, counter, vm.sum);
	fclose(f);
	printf("demo: now kexec into the new kernel (the FREEZE event is taken on the way)...\n");
	return 0;
}

static int vm_after_update(int luo)
{
	const char *const argv[] = {
		"/fdbox/bin/fdboxctl", "run", BOX, "--names", "ram,state",
		"--", QEMU_ARGS, "-incoming", "defer", "-S", NULL
	};
	unsigned long long stopped;
	unsigned int counter, sum;
	uint64_t resumed;
	int box, err;
	FILE *f;

	printf("demo: == stage 2: the new kernel, booted by the live update ==\n");
	f = fopen(DEMO_RECORD, "r");
	if (!f || fscanf(f, "%llu %u %x", &stopped, &counter, &sum) != 3)
		return fail(DEMO_RECORD, -ENOENT);
	fclose(f);
	printf("demo: up %.2f s after the guest stopped\n", since(stopped));
	show_state(luo);
	operator("fdboxctl ls " BOX);
	operator("fdboxctl kho in");

	box = fdbox_open_box(BOX);
	if (box < 0)
		return fail("open box " BOX, -errno);
	err = fdbox_unseal(box);
	close(box);
	if (err)
		return fail("unseal", err);
	printf("demo: unsealed '%s' (%.2f s)\n", BOX, since(stopped));

	printf("demo: the VMM starts a new QEMU on the box's memfds, fds 3 and 4:\n"
	       "demo:   fdboxctl run %s --names ram,state -- %s ... -incoming defer -S\n",
	       BOX, QEMU_BIN);
	err = vmm_start(&vm, argv, -1, -1);
	if (!err)
		err = vmm_qmp_open(&vm);
	if (!err)
		err = vmm_load_state(&vm);
	if (err)
		return fail("qemu: load the state", err);
	printf("demo: migrate-incoming fd:4 loaded the state (%.2f s); cont\n",
	       since(stopped));
	err = vmm_qmp(&vm, "{\"execute\": \"cont\"}");
	if (!err)
		err = vmm_serial(&vm, 1);
	resumed = tsc_now();
	if (!err)
		err = vmm_serial(&vm, 3);
	if (err)
		return fail("qemu: resume", err);
	if (vmm_quit(&vm))
		return fail("qemu: quit", -EIO);
	show_guest(&vm, "after the live update");
	if (vm.boots || vm.first < counter || vm.first > counter + 1 ||
	    vm.skipped || vm.sum != sum || vm.sums_changed)
		return fail("resume", -EIO);
	printf("demo: the guest went on from tick %u with the same memory checksum, not reset\n",
	       counter);
	printf("demo: its downtime, from the stop to its first tick after the resume: %.2f s\n",
	       tsc_seconds(stopped, resumed));
	return finish(luo, "the VM");
}

int main(void)
{
	const char *stage = getenv("FDBOX_STAGE");
	bool have_qemu = !access(QEMU_BIN, X_OK) && tsc_now();
	int luo, ret;

	luo = luo_open();
	if (luo < 0)
		return fail("open " LUO_DEV, luo);
	if (!stage || atoi(stage) == 1) {
		if (!have_qemu)
			printf("demo: no QEMU here (vmtest.sh -Q): the memfd story\n");
		ret = have_qemu ? vm_before_update(luo) : before_update(luo);
	} else {
		ret = have_qemu ? vm_after_update(luo) : after_update(luo);
	}
	vmm_kill(&vm);
	close(luo);
	return ret;
}
