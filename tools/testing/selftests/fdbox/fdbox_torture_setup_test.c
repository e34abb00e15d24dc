// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox race torture across a live update, part 1. In the stage before the
 * last live update of the run (FDBOX_STAGES - 1), racers pinned to CPUs
 * fill NR_BOXES boxes "torture-NN" with memfds of seeded sizes and
 * contents, several racers to a box, and seal each box once it is full; the
 * manifest (TT_MANIFEST) says what the next stage must find.
 *
 * It does not send PREPARE: the runner, or a setup test after it, does, and
 * carries the sealed boxes into the next kernel, where
 * fdbox_torture_verify_test races UNSEAL, GET and DELETE of them against
 * FINISH.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_torture.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

#define NR_BOXES	16
#define MIN_ENTRIES	4
#define MAX_ENTRIES	8
#define MIN_FILE	(4 * 1024)
#define NR_FILLERS	4

static struct tt_manifest manifest;
static int cpus[CPU_SETSIZE], nr_cpus;
static struct tt_errors errors;
/* The next (box, entry) to put, as box * MAX_ENTRIES + entry. */
static atomic_int next_item;
/* Entries put into each box: the racer that puts its last one seals it. */
static atomic_int filled[NR_BOXES];

#define error(...)	tt_error(&errors, __VA_ARGS__)

/*
 * The plan of run @seed: how many entries each box gets, their sizes
 * (4 KiB to 64 KiB, not only whole pages) and the keys of their contents.
 */
static void plan(uint64_t seed)
{
	struct tt_rng rng;
	int b, e;

	tt_rng_init(&rng, seed, 0);
	manifest.seed = seed;
	manifest.stage = fdbox_stage();
	manifest.nr = NR_BOXES;
	for (b = 0; b < NR_BOXES; b++) {
		struct tt_mbox *box = &manifest.box[b];

		snprintf(box->name, sizeof(box->name), "torture-%02d", b);
		box->nr = MIN_ENTRIES +
			  tt_below(&rng, MAX_ENTRIES - MIN_ENTRIES + 1);
		for (e = 0; e < box->nr; e++) {
			snprintf(box->e[e].name, sizeof(box->e[e].name), "e%d", e);
			box->e[e].size = MIN_FILE +
					 tt_below(&rng, TT_MAX_SIZE - MIN_FILE + 1);
			box->e[e].key = tt_rand(&rng);
		}
	}
}

/*
 * Put the next entry of the plan, creating its box if this racer is the
 * first there (the other one racing it finds it, EEXIST); seal the box
 * after its last entry. False when every entry is taken.
 */
static bool fill_one(int ctl)
{
	int item = atomic_fetch_add(&next_item, 1);
	int b = item / MAX_ENTRIES, e = item % MAX_ENTRIES;
	struct tt_mbox *box;
	int fd, mfd, err;

	if (b >= NR_BOXES)
		return false;
	box = &manifest.box[b];
	if (e >= box->nr)
		return true;
	err = fdbox_create(ctl, box->name);
	if (err && err != -EEXIST)
		error("CREATE %s: %s", box->name, strerror(-err));
	fd = fdbox_open_box(box->name);
	if (fd < 0) {
		error("open %s: %s", box->name, strerror(errno));
		return true;
	}
	mfd = tt_memfd(box->e[e].name, box->e[e].size, box->e[e].key);
	if (mfd < 0) {
		error("memfd %s/%s: %s", box->name, box->e[e].name,
		      strerror(-mfd));
	} else {
		err = fdbox_put(fd, mfd, box->e[e].name);
		if (err) {
			error("PUT %s/%s: %s", box->name, box->e[e].name,
			      strerror(-err));
			close(mfd);
		}
	}
	if (atomic_fetch_add(&filled[b], 1) == box->nr - 1) {
		err = fdbox_seal(fd);
		if (err)
			error("SEAL %s: %s", box->name, strerror(-err));
	}
	close(fd);
	return true;
}

static void *filler(void *arg)
{
	int idx = (int)(intptr_t)arg, err, ctl;

	err = tt_pin(cpus, nr_cpus, idx);
	if (err)
		error("cannot pin racer %d: %s", idx, strerror(-err));
	ctl = fdbox_open_ctl();
	if (ctl < 0) {
		error("open the control device: %s", strerror(errno));
		return NULL;
	}
	while (fill_one(ctl))
		;
	close(ctl);
	return NULL;
}

/* What the next kernel must find: each box sealed, its entries listed. */
static void check_box(struct __test_metadata *_metadata,
		      const struct tt_mbox *box)
{
	struct fdbox_entry_info info[MAX_ENTRIES + 1];
	__u32 n = MAX_ENTRIES + 1, i;
	char state[32];
	int fd, e;

	ASSERT_EQ(0, fdbox_sysfs(box->name, "state", state, sizeof(state)));
	EXPECT_STREQ("sealed", state) TH_LOG("%s", box->name);
	fd = fdbox_open_box(box->name);
	ASSERT_LE(0, fd) TH_LOG("%s", box->name);
	ASSERT_EQ(0, fdbox_list(fd, FDBOX_LIST_ENTRIES, info, sizeof(info[0]), &n));
	EXPECT_EQ(box->nr, n) TH_LOG("%s", box->name);
	for (i = 0; i < n; i++) {
		for (e = 0; e < box->nr; e++)
			if (!strcmp((char *)info[i].name, box->e[e].name))
				break;
		ASSERT_GT(box->nr, e) TH_LOG("%s: %s", box->name, info[i].name);
		EXPECT_EQ(box->e[e].size, info[i].size)
			TH_LOG("%s/%s", box->name, box->e[e].name);
		EXPECT_EQ(0, info[i].flags);
	}
	close(fd);
}

FIXTURE(torture) {
};

FIXTURE_SETUP(torture)
{
}

FIXTURE_TEARDOWN(torture)
{
}

/* A bound against hangs: filling takes seconds, on a debug kernel too. */
TEST_F_TIMEOUT(torture, seal_boxes, 300)
{
	pthread_t threads[NR_FILLERS];
	int luo, fds, i, b;
	uint64_t seed;

	if (!tt_setup_stage())
		SKIP(return, "no torture live update in a run of this length");
	if (fdbox_stage() != tt_setup_stage())
		SKIP(return, "the torture live update follows stage %d",
		     tt_setup_stage());
	luo = luo_open();
	if (luo < 0) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s: %s", LUO_DEV, strerror(-luo));
		SKIP(return, "no %s", LUO_DEV);
	}
	/* Boxes sealed after a PREPARE would not be carried. */
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	close(luo);

	fds = tt_count_fds();
	seed = tt_seed("FDBOX_TORTURE_SEED");
	tt_msg("torture setup: seed %llu (FDBOX_TORTURE_SEED=%llu replays it), %d boxes",
	       (unsigned long long)seed, (unsigned long long)seed, NR_BOXES);
	plan(seed);
	for (b = 0; b < NR_BOXES; b++)
		ASSERT_FALSE(fdbox_box_exists(manifest.box[b].name))
			TH_LOG("%s is left over", manifest.box[b].name);

	nr_cpus = tt_cpus(cpus);
	ASSERT_LT(0, nr_cpus);
	for (i = 0; i < NR_FILLERS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, filler,
					    (void *)(intptr_t)i));
	for (i = 0; i < NR_FILLERS; i++)
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
	ASSERT_EQ(0, atomic_load(&errors.n));

	for (b = 0; b < NR_BOXES; b++)
		check_box(_metadata, &manifest.box[b]);
	ASSERT_EQ(0, tt_manifest_write(TT_MANIFEST, &manifest));
	EXPECT_EQ(fds, tt_count_fds());
}

TEST_HARNESS_MAIN
