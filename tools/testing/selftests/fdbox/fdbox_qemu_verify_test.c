// SPDX-License-Identifier: GPL-2.0
/*
 * A real VMM across a live update, part 2 (see fdbox_qemu.h): in the stage
 * after qemu_stage(), box QEMU_BOX came through sealed; after UNSEAL, a new
 * QEMU started by `fdboxctl run` on its two memfds loads the guest's state
 * and resumes it. The guest must go on counting from where it stopped,
 * with the same checksum of its memory, without a reset, on the same page
 * frames.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbox_qemu.h"
#include "fdbox_run.h"
#include "fdbox_util.h"
#include "../kselftest_harness.h"

/* Ticks the resumed guest prints before the test looks. */
#define TICKS_AFTER	3

FIXTURE(qemu) {
	struct vmm v;
};

FIXTURE_SETUP(qemu)
{
	self->v.pid = 0;
}

/* A QEMU left running by a failed assertion would slow the whole stage. */
FIXTURE_TEARDOWN(qemu)
{
	vmm_kill(&self->v);
}

TEST_F_TIMEOUT(qemu, guest_resumed, QEMU_TIMEOUT_S * 5)
{
	const char *const argv[] = {
		"/fdbox/bin/fdboxctl", "run", QEMU_BOX, "--names", "ram,state",
		"--", QEMU_ARGS, "-incoming", "defer", "-S", NULL
	};
	unsigned int counter, sum, same = 0, i;
	uint32_t ram_counter = 0;
	unsigned long long stopped;
	uint64_t *old, *pfns, resumed;
	double downtime;
	struct vmm *v = &self->v;
	int box, ctl, ram, fd;
	FILE *f;

	if (!qemu_stage())
		SKIP(return, "no live update in this run that the scenario can ride");
	if (fdbox_stage() != qemu_stage() + 1)
		SKIP(return, "the QEMU scenario rides the last live update, after stage %d",
		     qemu_stage());
	if (!tsc_now())
		SKIP(return, "x86 only");
	f = fopen(QEMU_RECORD, "r");
	if (!f && fdbox_tests_selected())
		SKIP(return, "qemu.guest_saved did not run before this live update");
	ASSERT_NE(NULL, f) TH_LOG("no %s: qemu.guest_saved did not run", QEMU_RECORD);
	ASSERT_EQ(3, fscanf(f, "counter %u sum %x tsc %llu", &counter, &sum,
			    &stopped));
	fclose(f);

	/* What the VMM's manager does after the live update. */
	box = fdbox_open_box(QEMU_BOX);
	ASSERT_LE(0, box) TH_LOG("box %s did not come through", QEMU_BOX);
	ASSERT_EQ(0, fdbox_unseal(box));

	/*
	 * The frames of the memfd as the box gives it back: the same as at
	 * PREPARE, which pinned them until the kexec. A copy of it goes back
	 * into the box for QEMU; this one is for the checks after.
	 */
	ram = fdbox_get(box, "ram");
	ASSERT_LE(0, ram);
	old = calloc(QEMU_PAGES, sizeof(*old));
	pfns = calloc(QEMU_PAGES, sizeof(*pfns));
	ASSERT_NE(NULL, old);
	ASSERT_NE(NULL, pfns);
	fd = open(QEMU_PFNS, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(QEMU_PAGES * 8, read(fd, old, QEMU_PAGES * 8));
	close(fd);
	ASSERT_EQ(0, guest_pfns(ram, pfns));
	for (i = 0; i < QEMU_PAGES; i++)
		same += old[i] == pfns[i];
	fd = dup(ram);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdbox_put(box, fd, "ram"));
	close(box);

	ASSERT_EQ(0, vmm_start(v, argv, -1, -1));
	ASSERT_EQ(0, vmm_qmp_open(v)) TH_LOG("qemu: no QMP");
	ASSERT_EQ(0, vmm_load_state(v)) TH_LOG("qemu: %s", v->reply);
	ASSERT_EQ(0, vmm_qmp(v, "{\"execute\": \"cont\"}"));
	ASSERT_EQ(0, vmm_serial(v, 1)) TH_LOG("qemu: the guest is silent");
	resumed = tsc_now();
	ASSERT_EQ(0, vmm_serial(v, TICKS_AFTER));

	ASSERT_EQ(0, vmm_quit(v));
	/*
	 * The guest counted in the memfd, not in a private copy: a QEMU that
	 * mapped it privately would read the same pages and print the same
	 * lines.
	 */
	ASSERT_EQ(0, guest_counter(ram, &ram_counter));
	close(ram);
	EXPECT_TRUE(ram_counter == v->last || ram_counter == v->last + 1)
		TH_LOG("the memfd's counter is %u, the guest printed %u: not its RAM",
		       ram_counter, v->last);

	/* Resumed, not reset: no "boot", at most the rest of a line first. */
	EXPECT_EQ(0, v->boots) TH_LOG("the guest was reset, not resumed");
	EXPECT_EQ(v->partial_first, v->partial);
	/* From where it stopped, never back, one by one. */
	EXPECT_TRUE(v->first == counter || v->first == counter + 1)
		TH_LOG("stopped at %u, resumed at %u", counter, v->first);
	EXPECT_EQ(0, v->skipped);
	EXPECT_EQ(sum, v->sum) TH_LOG("the guest's memory changed");
	EXPECT_EQ(0, v->sums_changed);
	EXPECT_EQ(QEMU_PAGES, same)
		TH_LOG("%u of %lu frames the same: the RAM was copied", same,
		       QEMU_PAGES);

	ksft_print_msg("qemu: resumed at tick %u (stopped at %u), sum %08x\n",
		       v->first, counter, v->sum);
	ksft_print_msg("qemu: %u of %lu page frames the same\n", same,
		       QEMU_PAGES);
	downtime = tsc_seconds(stopped, resumed);
	if (downtime > 0)
		ksft_print_msg("qemu: guest downtime %.2f s (stop to first tick, tests between)\n",
			       downtime);
	free(old);
	free(pfns);

	ctl = fdbox_open_ctl();
	ASSERT_LE(0, ctl);
	EXPECT_EQ(0, fdbox_delete(ctl, QEMU_BOX));
	close(ctl);
}

TEST_HARNESS_MAIN
