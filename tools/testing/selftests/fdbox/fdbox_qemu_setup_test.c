// SPDX-License-Identifier: GPL-2.0
/*
 * A real VMM across a live update, part 1 (see fdbox_qemu.h): last of all
 * in stage qemu_stage(), QEMU runs the guest on a memfd, stops it and saves
 * its device state, without its RAM, into a second memfd; both memfds go
 * into box QEMU_BOX, which is sealed, and the test sends PREPARE. What the
 * guest had counted, its checksum, the frames of its RAM once PREPARE
 * pinned them and the moment it stopped are left on the root file system
 * for part 2.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdbox_qemu.h"
#include "fdbox_run.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

/* Ticks the guest prints before it is stopped. */
#define TICKS_BEFORE	3

static void write_all(struct __test_metadata *_metadata, const char *path,
		      const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ((ssize_t)len, write(fd, buf, len));
	close(fd);
}

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

TEST_F_TIMEOUT(qemu, guest_saved, QEMU_TIMEOUT_S * 5)
{
	const char *const argv[] = { QEMU_ARGS, NULL };
	uint32_t counter = 0, ram_sum = 0;
	uint64_t *pfns, stopped;
	char record[256];
	struct vmm *v = &self->v;
	int ctl, box, ram, state, luo, kept;
	struct stat st;

	if (!qemu_stage())
		SKIP(return, "no live update in this run that the scenario can ride");
	if (fdbox_stage() != qemu_stage())
		SKIP(return, "the QEMU scenario rides the last live update, after stage %d",
		     qemu_stage());
	if (fdbox_may_skip("CONFIG_FDBOX_LUO"))
		SKIP(return, "no live update of boxes in this kernel");
	/* make check's expectations fail a skip here: its runner packs them. */
	if (access(QEMU_BIN, X_OK) || access(QEMU_GUEST, R_OK) || !tsc_now())
		SKIP(return, "no %s or %s (x86 only; vmtest.sh packs them)",
		     QEMU_BIN, QEMU_GUEST);
	luo = luo_open();
	ASSERT_LE(0, luo);
	if (luo_get_state(luo) != LIVEUPDATE_STATE_NORMAL) {
		/* A box sealed now would not be carried. */
		SKIP(return, "another test prepared this live update");
	}

	ram = memfd_create("guest-ram", MFD_CLOEXEC);
	state = memfd_create("guest-state", MFD_CLOEXEC);
	ASSERT_LE(0, ram);
	ASSERT_LE(0, state);
	ASSERT_EQ(0, ftruncate(ram, QEMU_RAM_SIZE));

	ASSERT_EQ(0, vmm_start(v, argv, ram, state));
	ASSERT_EQ(0, vmm_qmp_open(v)) TH_LOG("qemu: no QMP");
	ASSERT_EQ(0, vmm_serial(v, TICKS_BEFORE)) TH_LOG("qemu: guest silent");

	/* What a VMM does before the live update. */
	ASSERT_EQ(0, vmm_qmp(v, "{\"execute\": \"stop\"}"));
	stopped = tsc_now();
	ASSERT_EQ(0, vmm_save_state(v)) TH_LOG("qemu: %s", v->reply);
	ASSERT_EQ(0, vmm_quit(v));

	/* The guest ran from its first instruction on our memfd. */
	EXPECT_EQ(1, v->boots);
	EXPECT_EQ(1, v->first);
	EXPECT_EQ(0, v->skipped);
	EXPECT_EQ(0, v->partial);
	EXPECT_EQ(guest_sum(NULL), v->sum);
	EXPECT_EQ(0, v->sums_changed);
	ASSERT_EQ(0, guest_counter(ram, &counter));
	ASSERT_EQ(0, guest_ram_sum(ram, &ram_sum));
	EXPECT_EQ(v->sum, ram_sum) TH_LOG("the guest's RAM is not the memfd");
	/* Stopped after the last line it printed, or in the next one. */
	EXPECT_TRUE(counter == v->last || counter == v->last + 1)
		TH_LOG("counter %u, last printed %u", counter, v->last);

	/* The state holds the devices and CPU, not the 64 MiB of RAM. */
	ASSERT_EQ(0, fstat(state, &st));
	EXPECT_LT(0, st.st_size);
	EXPECT_GT(256 << 10, st.st_size) TH_LOG("%lld bytes of state: RAM in it?",
						(long long)st.st_size);
	ksft_print_msg("qemu: guest stopped at tick %u, %lld bytes of device state\n",
		       counter, (long long)st.st_size);

	snprintf(record, sizeof(record), "counter %u sum %x tsc %llu\n",
		 counter, v->sum, (unsigned long long)stopped);
	write_all(_metadata, QEMU_RECORD, record, strlen(record));

	/*
	 * Into the box, which a live update carries once sealed. The next
	 * kernel restores a file's position, from which the next QEMU reads
	 * the state: QEMU wrote it through a file of its own.
	 */
	ASSERT_EQ(0, lseek(state, 0, SEEK_CUR));
	/* For the page frames: PUT takes @ram away. */
	kept = dup(ram);
	ASSERT_LE(0, kept);
	ctl = fdbox_open_ctl();
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, fdbox_create(ctl, QEMU_BOX));
	close(ctl);
	box = fdbox_open_box(QEMU_BOX);
	ASSERT_LE(0, box);
	ASSERT_EQ(0, fdbox_put(box, ram, "ram"));
	ASSERT_EQ(0, fdbox_put(box, state, "state"));
	ASSERT_EQ(0, fdbox_seal(box));
	close(box);

	/*
	 * PREPARE pins the memfd's pages for the next kernel, moving those
	 * that sat in CMA (KHO's scratch areas) first: the frames the next
	 * kernel must find are the ones after it.
	 */
	ASSERT_EQ(0, luo_set_event(luo, LIVEUPDATE_PREPARE));
	close(luo);
	pfns = calloc(QEMU_PAGES, sizeof(*pfns));
	ASSERT_NE(NULL, pfns);
	ASSERT_EQ(0, guest_pfns(kept, pfns));
	close(kept);
	write_all(_metadata, QEMU_PFNS, pfns, QEMU_PAGES * sizeof(*pfns));
	free(pfns);
}

TEST_HARNESS_MAIN
