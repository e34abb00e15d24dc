// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox race torture across a live update, part 2. In the stage after the
 * one whose manifest fdbox_torture_setup_test wrote, the boxes it sealed
 * are back, incoming. Threads pinned to CPUs then race, while the main
 * thread sends FINISH:
 *
 * - two UNSEAL racers, each of which UNSEALs every box once, the last
 *   first, both at the same moment give or take a seeded jitter, so that
 *   they meet on each box, and cross FINISH's walk over the boxes, which
 *   starts at the first;
 * - two GET racers, which take entries out of whichever box they can,
 *   but for a few that the seed leaves to a final GET;
 * - a DELETE racer, which deletes the boxes the seed chose as soon as they
 *   are unsealed;
 * - a racer that lists boxes and entries, reads the boxes' sysfs
 *   attributes, and opens and closes their nodes.
 *
 * Afterwards each box had exactly one fate: unsealed by one UNSEAL racer
 * (the other found it unsealed, or deleted), all its entries then coming
 * back once each, through the GET racers or a final GET; dropped whole by
 * FINISH (both UNSEALs ENODEV, no entry ever came out); or deleted after
 * an UNSEAL, the entries taken before the DELETE accounted for. Every call
 * failed only with an errno documented for what the others did to it; no
 * fd leaked; the state is NORMAL; no torture box is left.
 *
 * The runner orders this test last among the verify tests: it sends
 * FINISH, which needs the state UPDATED.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_torture.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

/*
 * With the knob, FINISH waits FINISH_DELAY_MS after each box it dropped;
 * the UNSEAL racers take STEP_US per box: they cross FINISH's walk. Each
 * UNSEAL is up to JITTER_US late, so that either racer may win a box.
 */
#define FINISH_DELAY_KNOB	"/sys/kernel/debug/fdbox/finish_delay_ms"
#define FINISH_DELAY_MS		"20"
#define STEP_US			10000
#define JITTER_US		500
#define MAX_FINISH_WAIT_US	(4 * STEP_US)

#define NR_UNSEALERS	2
#define NR_GETTERS	2
/* Thread indices, for pinning: unsealers, getters, then these. */
#define IDX_DELETER	(NR_UNSEALERS + NR_GETTERS)
#define IDX_LISTER	(IDX_DELETER + 1)
#define IDX_MAIN	(IDX_LISTER + 1)

enum op {
	OP_OPEN,
	OP_UNSEAL,
	OP_GET,
	OP_DELETE,
	OP_LIST_BOXES,
	OP_LIST_ENTRIES,
	OP_SYSFS,
	OP_FINISH,
	NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	[OP_OPEN] = "open",
	[OP_UNSEAL] = "UNSEAL",
	[OP_GET] = "GET",
	[OP_DELETE] = "DELETE",
	[OP_LIST_BOXES] = "LIST_BOXES",
	[OP_LIST_ENTRIES] = "LIST_ENTRIES",
	[OP_SYSFS] = "sysfs",
	[OP_FINISH] = "FINISH",
};

static struct tt_manifest m;
static int cpus[CPU_SETSIZE], nr_cpus;
static atomic_int go, stop, settled;
static uint64_t go_ns;
static struct tt_errors errors;
static int unseal_fd[NR_UNSEALERS][TT_MAX_BOXES];
static int unseal_res[NR_UNSEALERS][TT_MAX_BOXES];
static int get_fd[NR_GETTERS][TT_MAX_BOXES];
static atomic_int got[TT_MAX_BOXES][TT_MAX_ENTRIES];
static bool delete_target[TT_MAX_BOXES];
/* Entries the GET racers leave alone, for the final GET to find. */
static bool reserved[TT_MAX_BOXES][TT_MAX_ENTRIES];
static atomic_int deleted[TT_MAX_BOXES];
static struct tt_counts counts;
static atomic_ulong state_deleted;

#define error(...)	tt_error(&errors, __VA_ARGS__)

static_assert(NR_OPS <= TT_MAX_OPS, "room in struct tt_counts");

/*
 * Count the result @ret of @op on box @b (-1: none): a success, or an
 * errno, which must be one of @allowed (NULL: none is).
 */
static void count(enum op op, int b, int ret, const int *allowed)
{
	if (!tt_count(&counts, op, ret, allowed))
		error("%s on %s: unexpected %s (%d)", op_names[op],
		      b >= 0 ? m.box[b].name : "-", tt_errname(ret), ret);
}

static void pin_to(int idx)
{
	int err = tt_pin(cpus, nr_cpus, idx);

	if (err)
		error("cannot pin thread %d: %s", idx, strerror(-err));
}

static void wait_go(void)
{
	while (!atomic_load(&go))
		sched_yield();
}

/*
 * UNSEAL every box once, from the last: EINVAL if the other racer
 * unsealed it first, ENODEV if FINISH dropped it or, after the other's
 * UNSEAL, the DELETE racer deleted it.
 */
static void *unsealer(void *arg)
{
	int r = (int)(intptr_t)arg, b, k;
	struct tt_rng rng;
	struct timespec t;
	uint64_t ns;

	tt_rng_init(&rng, m.seed, 400 + r);
	pin_to(r);
	wait_go();
	for (b = m.nr - 1, k = 0; b >= 0; b--, k++) {
		ns = go_ns + (k * STEP_US + tt_below(&rng, JITTER_US)) * 1000ULL;
		t.tv_sec = ns / 1000000000ULL;
		t.tv_nsec = ns % 1000000000ULL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
		unseal_res[r][b] = fdbox_unseal(unseal_fd[r][b]);
		count(OP_UNSEAL, b, unseal_res[r][b], TT_ERRNOS(EINVAL, ENODEV));
	}
	return NULL;
}

/* An entry a GET returned: its first, close-on-exec, whole. */
static void account(int b, int e, int fd)
{
	const struct tt_mentry *me = &m.box[b].e[e];
	uint64_t found;
	int err, flags;

	if (atomic_fetch_add(&got[b][e], 1))
		error("%s/%s came out twice", m.box[b].name, me->name);
	flags = fcntl(fd, F_GETFD);
	if (flags < 0 || !(flags & FD_CLOEXEC))
		error("%s/%s: fd not close-on-exec", m.box[b].name, me->name);
	err = tt_check(fd, me->size, me->key, &found);
	if (err)
		error("%s/%s: contents differ (%s, key %#llx, want %#llx)",
		      m.box[b].name, me->name, tt_errname(err),
		      (unsigned long long)found, (unsigned long long)me->key);
	close(fd);
}

/* The entry of box @b called @name, or -1. */
static int entry_of(int b, const char *name)
{
	int e;

	for (e = 0; e < m.box[b].nr; e++)
		if (!strcmp(name, m.box[b].e[e].name))
			return e;
	return -1;
}

/*
 * A listing of box @b through @fd: entries of the manifest in name order;
 * all waiting (incoming, size 0) or none (unsealed, their size), as UNSEAL
 * restores them all under the box lock.
 */
static void list_entries(int fd, int b)
{
	struct fdbox_entry_info info[TT_MAX_ENTRIES + 1];
	__u32 n = TT_MAX_ENTRIES + 1, i, waiting = 0;
	const char *name;
	int err, e;

	err = fdbox_list(fd, FDBOX_LIST_ENTRIES, info, sizeof(info[0]), &n);
	count(OP_LIST_ENTRIES, b, err, TT_ERRNOS(ENODEV));
	if (err)
		return;
	for (i = 0; i < n; i++) {
		name = (const char *)info[i].name;
		e = entry_of(b, name);
		if (e < 0 || strcmp((char *)info[i].type, "memfd") ||
		    (i && strcmp((char *)info[i - 1].name, name) >= 0)) {
			error("LIST_ENTRIES of %s: %.32s", m.box[b].name, name);
			continue;
		}
		if (info[i].flags == FDBOX_ENTRY_WAITING && !info[i].size)
			waiting++;
		else if (info[i].flags || info[i].size != m.box[b].e[e].size)
			error("LIST_ENTRIES of %s: %s has flags %#x, size %llu",
			      m.box[b].name, name, info[i].flags,
			      (unsigned long long)info[i].size);
	}
	if (waiting && waiting != n)
		error("LIST_ENTRIES of %s: %u of %u entries waiting",
		      m.box[b].name, waiting, n);
	if (waiting && n != (__u32)m.box[b].nr)
		error("LIST_ENTRIES of %s: %u entries waiting, %d came",
		      m.box[b].name, n, m.box[b].nr);
}

/*
 * GET entries of any box: EBUSY while it is incoming, ENOENT once the
 * other racer took it, ENODEV once FINISH dropped the box or DELETE
 * deleted it.
 */
static void *getter(void *arg)
{
	int g = (int)(intptr_t)arg, b, e, fd;
	struct tt_rng rng;

	tt_rng_init(&rng, m.seed, 100 + g);
	pin_to(NR_UNSEALERS + g);
	wait_go();
	while (!atomic_load(&stop)) {
		b = tt_below(&rng, m.nr);
		if (!tt_below(&rng, 8)) {
			list_entries(get_fd[g][b], b);
			continue;
		}
		e = tt_below(&rng, m.box[b].nr);
		if (reserved[b][e])
			continue;
		fd = fdbox_get(get_fd[g][b], m.box[b].e[e].name);
		count(OP_GET, b, fd, TT_ERRNOS(EBUSY, ENOENT, ENODEV));
		if (fd >= 0)
			account(b, e, fd);
	}
	return NULL;
}

/*
 * DELETE the chosen boxes: EBUSY while incoming, ENOENT once FINISH
 * dropped them. Once FINISH is done and both UNSEAL racers too (settled),
 * each is either unsealed or gone: one more round settles it.
 */
static void *deleter(void *arg)
{
	int ctl, b, err, last, pending;

	pin_to(IDX_DELETER);
	ctl = fdbox_open_ctl();
	if (ctl < 0) {
		error("open the control device: %s", strerror(errno));
		return NULL;
	}
	wait_go();
	do {
		last = atomic_load(&settled);
		pending = 0;
		for (b = 0; b < m.nr; b++) {
			if (!delete_target[b] || atomic_load(&deleted[b]))
				continue;
			err = fdbox_delete(ctl, m.box[b].name);
			count(OP_DELETE, b, err, TT_ERRNOS(EBUSY, ENOENT));
			if (!err)
				atomic_store(&deleted[b], 1);
			else if (err == -EBUSY)
				pending++;
			else
				atomic_store(&deleted[b], -1);
		}
		usleep(1000);
	} while (pending && !last);
	close(ctl);
	return NULL;
}

static const char *const attrs[] = { "state", "sealed", "count" };

/*
 * A sysfs attribute of box @b: incoming until UNSEAL, never sealed or
 * carried; "deleted" (not in fdbox.rst: counted) between the kill of the
 * box, by FINISH or DELETE, and the removal of its device.
 */
static void read_sysfs(struct tt_rng *rng, int b)
{
	const char *attr = attrs[tt_below(rng, 3)];
	char buf[64], *end;
	bool sane;
	int err;

	err = fdbox_sysfs(m.box[b].name, attr, buf, sizeof(buf));
	count(OP_SYSFS, b, err, TT_ERRNOS(ENOENT, ENODEV));
	if (err)
		return;
	if (!strcmp(attr, "state")) {
		if (!strcmp(buf, "deleted"))
			atomic_fetch_add(&state_deleted, 1);
		sane = !strcmp(buf, "incoming") || !strcmp(buf, "unsealed") ||
		       !strcmp(buf, "deleted");
	} else if (!strcmp(attr, "sealed")) {
		sane = !strcmp(buf, "0") || !strcmp(buf, "1");
	} else {
		sane = *buf && strtoul(buf, &end, 10) <= (unsigned long)m.box[b].nr &&
		       !*end;
	}
	if (!sane)
		error("sysfs %s of %s: \"%s\"", attr, m.box[b].name, buf);
}

#define BOXES_ROOM	256

/*
 * Every torture box listed is one of the manifest, incoming with every
 * entry, or unsealed; never carried. FINISH and DELETE remove boxes under
 * the lock a listing takes: a listing never sees one half gone.
 */
static void list_boxes(int ctl)
{
	static struct fdbox_box_info info[BOXES_ROOM];
	__u32 n = BOXES_ROOM, i, flags;
	const char *name;
	struct tt_mbox *box;
	int err;

	err = fdbox_list(ctl, FDBOX_LIST_BOXES, info, sizeof(info[0]), &n);
	count(OP_LIST_BOXES, -1, err, NULL);
	for (i = 0; !err && i < n; i++) {
		name = (const char *)info[i].name;
		if (strncmp(name, "torture-", 8))
			continue;
		box = tt_manifest_box(&m, name);
		flags = info[i].flags;
		if (!box)
			error("LIST_BOXES: %.64s, which was not set up", name);
		else if (!(flags == (FDBOX_BOX_SEALED | FDBOX_BOX_INCOMING) &&
			   info[i].nr_entries == (__u32)box->nr) &&
			 !(!flags && info[i].nr_entries <= (__u32)box->nr))
			error("LIST_BOXES: %s has flags %#x, %u entries", name,
			      flags, info[i].nr_entries);
	}
}

/* Lists, sysfs reads, and opens of box nodes, which may be gone. */
static void *lister(void *arg)
{
	struct tt_rng rng;
	int ctl, b, fd;

	tt_rng_init(&rng, m.seed, 200);
	pin_to(IDX_LISTER);
	ctl = fdbox_open_ctl();
	if (ctl < 0) {
		error("open the control device: %s", strerror(errno));
		return NULL;
	}
	wait_go();
	while (!atomic_load(&stop)) {
		b = tt_below(&rng, m.nr);
		switch (tt_below(&rng, 3)) {
		case 0:
			list_boxes(ctl);
			break;
		case 1:
			read_sysfs(&rng, b);
			break;
		default:
			fd = fdbox_open_box(m.box[b].name);
			count(OP_OPEN, b, fd < 0 ? -errno : 0,
			      TT_ERRNOS(ENOENT, ENXIO));
			if (fd >= 0) {
				list_entries(fd, b);
				close(fd);
			}
			break;
		}
	}
	close(ctl);
	return NULL;
}

/* What the previous kernel handed over: box @b, incoming, every entry. */
static void check_incoming(struct __test_metadata *_metadata, int b)
{
	const struct tt_mbox *box = &m.box[b];
	struct fdbox_entry_info info[TT_MAX_ENTRIES + 1];
	__u32 n = TT_MAX_ENTRIES + 1, i;
	char state[32];
	int fd;

	ASSERT_TRUE(fdbox_box_exists(box->name))
		TH_LOG("%s did not come through", box->name);
	ASSERT_EQ(0, fdbox_sysfs(box->name, "state", state, sizeof(state)));
	EXPECT_STREQ("incoming", state) TH_LOG("%s", box->name);
	fd = fdbox_open_box(box->name);
	ASSERT_LE(0, fd) TH_LOG("%s", box->name);
	ASSERT_EQ(0, fdbox_list(fd, FDBOX_LIST_ENTRIES, info, sizeof(info[0]), &n));
	EXPECT_EQ(box->nr, n) TH_LOG("%s", box->name);
	for (i = 0; i < n; i++) {
		EXPECT_LE(0, entry_of(b, (char *)info[i].name))
			TH_LOG("%s: %s", box->name, info[i].name);
		EXPECT_EQ(FDBOX_ENTRY_WAITING, info[i].flags);
	}
	close(fd);
}

struct outcome {
	int kept, dropped, deleted, won[NR_UNSEALERS];
	int taken, final, lost_with_box;
};

/*
 * The fate of box @b: unsealed by one racer and kept, every entry out
 * once; dropped whole by FINISH; or deleted after an UNSEAL.
 */
static void check_fate(struct __test_metadata *_metadata, int ctl, int b,
		       struct outcome *o)
{
	const struct tt_mbox *box = &m.box[b];
	int r0 = unseal_res[0][b], r1 = unseal_res[1][b];
	int e, n_got = 0, fd, ret;

	for (e = 0; e < box->nr; e++)
		n_got += atomic_load(&got[b][e]);
	o->taken += n_got;

	if (r0 == -ENODEV && r1 == -ENODEV) {
		/* Nobody unsealed it: FINISH dropped it, nothing came out. */
		o->dropped++;
		EXPECT_FALSE(fdbox_box_exists(box->name)) TH_LOG("%s", box->name);
		EXPECT_NE(1, atomic_load(&deleted[b])) TH_LOG("%s", box->name);
		EXPECT_EQ(0, n_got) TH_LOG("%s", box->name);
		EXPECT_EQ(-ENOENT, fdbox_delete(ctl, box->name));
		return;
	}
	EXPECT_TRUE((!r0 && (r1 == -EINVAL || r1 == -ENODEV)) ||
		    (!r1 && (r0 == -EINVAL || r0 == -ENODEV)))
		TH_LOG("%s: UNSEAL gave %d and %d", box->name, r0, r1);
	o->won[r0 ? 1 : 0]++;
	if (r0 == -ENODEV || r1 == -ENODEV)
		EXPECT_EQ(1, atomic_load(&deleted[b]))
			TH_LOG("%s: UNSEAL found it deleted", box->name);

	if (atomic_load(&deleted[b]) == 1) {
		o->deleted++;
		o->lost_with_box += box->nr - n_got;
		EXPECT_FALSE(fdbox_box_exists(box->name)) TH_LOG("%s", box->name);
		EXPECT_EQ(-ENOENT, fdbox_delete(ctl, box->name));
		return;
	}

	/* Unsealed, kept: the entries nobody took are all there. */
	o->kept++;
	EXPECT_FALSE(delete_target[b])
		TH_LOG("%s: unsealed, but DELETE did not delete it", box->name);
	fd = fdbox_open_box(box->name);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", box->name, strerror(errno));
	for (e = 0; e < box->nr; e++) {
		ret = fdbox_get(fd, box->e[e].name);
		if (atomic_load(&got[b][e])) {
			EXPECT_EQ(-ENOENT, ret) TH_LOG("%s/%s", box->name,
						       box->e[e].name);
			if (ret >= 0)
				close(ret);
			continue;
		}
		EXPECT_LE(0, ret) TH_LOG("%s/%s: %d", box->name,
					 box->e[e].name, ret);
		if (ret >= 0) {
			account(b, e, ret);
			o->final++;
		}
	}
	close(fd);
	EXPECT_EQ(0, fdbox_delete(ctl, box->name)) TH_LOG("%s", box->name);
}

FIXTURE(torture) {
};

FIXTURE_SETUP(torture)
{
}

FIXTURE_TEARDOWN(torture)
{
}

/* A bound against hangs: the race itself takes a few seconds. */
TEST_F_TIMEOUT(torture, finish_races, 300)
{
	pthread_t unsealers[NR_UNSEALERS], getters[NR_GETTERS], del, lis;
	int err, luo, ctl, fds, b, i, nr_targets = 0;
	bool knob = true;
	struct outcome o = { 0 };
	struct tt_rng rng;
	uint64_t start;

	err = tt_manifest_read(TT_MANIFEST, &m);
	if (err == -ENOENT || (!err && m.stage != fdbox_stage() - 1)) {
		/* The stage after the setup's must find its manifest. */
		if (tt_setup_stage() && fdbox_stage() == tt_setup_stage() + 1)
			ASSERT_TRUE(fdbox_tests_selected())
				TH_LOG("no %s of stage %d", TT_MANIFEST,
				       fdbox_stage() - 1);
		SKIP(return, "no torture live update before this stage");
	}
	ASSERT_EQ(0, err) TH_LOG("%s does not parse", TT_MANIFEST);
	/* Checked once, whatever happens. */
	unlink(TT_MANIFEST);
	ASSERT_LT(0, m.nr);

	fds = tt_count_fds();
	luo = luo_open();
	ASSERT_LE(0, luo) TH_LOG("%s: %s", LUO_DEV, strerror(-luo));
	ASSERT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	ctl = fdbox_open_ctl();
	ASSERT_LE(0, ctl);
	for (b = 0; b < m.nr; b++)
		check_incoming(_metadata, b);
	list_boxes(ctl);
	ASSERT_EQ(0, atomic_load(&errors.n));

	/*
	 * By the seed of the setup: a third of the boxes get a DELETE racer,
	 * a quarter of the entries are left to the final GET.
	 */
	tt_rng_init(&rng, m.seed, 300);
	for (b = 0; b < m.nr; b++) {
		delete_target[b] = !tt_below(&rng, 3);
		nr_targets += delete_target[b];
		for (i = 0; i < m.box[b].nr; i++)
			reserved[b][i] = !tt_below(&rng, 4);
	}
	tt_msg("torture verify: seed %llu from %s, %d boxes, %d with a DELETE racer",
	       (unsigned long long)m.seed, TT_MANIFEST, m.nr, nr_targets);

	for (b = 0; b < m.nr; b++) {
		for (i = 0; i < NR_UNSEALERS; i++) {
			unseal_fd[i][b] = fdbox_open_box(m.box[b].name);
			ASSERT_LE(0, unseal_fd[i][b]) TH_LOG("%s", m.box[b].name);
		}
		for (i = 0; i < NR_GETTERS; i++) {
			get_fd[i][b] = fdbox_open_box(m.box[b].name);
			ASSERT_LE(0, get_fd[i][b]) TH_LOG("%s", m.box[b].name);
		}
	}
	nr_cpus = tt_cpus(cpus);
	ASSERT_LT(0, nr_cpus);
	for (i = 0; i < NR_UNSEALERS; i++)
		ASSERT_EQ(0, pthread_create(&unsealers[i], NULL, unsealer,
					    (void *)(intptr_t)i));
	for (i = 0; i < NR_GETTERS; i++)
		ASSERT_EQ(0, pthread_create(&getters[i], NULL, getter,
					    (void *)(intptr_t)i));
	ASSERT_EQ(0, pthread_create(&del, NULL, deleter, NULL));
	ASSERT_EQ(0, pthread_create(&lis, NULL, lister, NULL));
	pin_to(IDX_MAIN);

	/* Without the knob the racers still meet FINISH, in a narrower window. */
	if (fdbox_write_file(FINISH_DELAY_KNOB, FINISH_DELAY_MS)) {
		knob = false;
		EXPECT_TRUE(fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"))
			TH_LOG("no %s", FINISH_DELAY_KNOB);
	}
	start = tt_now_ns();
	go_ns = start;
	atomic_store(&go, 1);
	usleep(tt_below(&rng, MAX_FINISH_WAIT_US));
	err = luo_set_event(luo, LIVEUPDATE_FINISH);
	count(OP_FINISH, -1, err, NULL);
	if (knob)
		fdbox_write_file(FINISH_DELAY_KNOB, "0");
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));

	for (i = 0; i < NR_UNSEALERS; i++)
		pthread_join(unsealers[i], NULL);
	atomic_store(&settled, 1);
	pthread_join(del, NULL);
	/* A last chance for the GET racers at what is left. */
	usleep(STEP_US);
	atomic_store(&stop, 1);
	for (i = 0; i < NR_GETTERS; i++)
		pthread_join(getters[i], NULL);
	pthread_join(lis, NULL);
	tt_msg("torture verify: raced for %llu ms",
	       (unsigned long long)(tt_now_ns() - start) / 1000000);

	for (b = 0; b < m.nr; b++) {
		for (i = 0; i < NR_UNSEALERS; i++)
			close(unseal_fd[i][b]);
		for (i = 0; i < NR_GETTERS; i++)
			close(get_fd[i][b]);
	}
	for (b = 0; b < m.nr; b++)
		check_fate(_metadata, ctl, b, &o);

	/* Nothing of the torture is left. */
	list_boxes(ctl);
	for (b = 0; b < m.nr; b++)
		EXPECT_FALSE(fdbox_box_exists(m.box[b].name))
			TH_LOG("%s is left", m.box[b].name);
	close(ctl);
	EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
	close(luo);

	tt_print_counts(&counts, op_names, NR_OPS, "torture verify");
	tt_msg("torture verify: boxes: %d unsealed, %d dropped by FINISH, %d deleted",
	       o.kept, o.dropped, o.deleted);
	tt_msg("torture verify: UNSEAL racer 0 won %d boxes, racer 1 %d",
	       o.won[0], o.won[1]);
	tt_msg("torture verify: sysfs state \"deleted\" read %lu times",
	       atomic_load(&state_deleted));
	tt_msg("torture verify: entries: %d by GET racers, %d by final GETs, %d deleted",
	       o.taken, o.final, o.lost_with_box);
	EXPECT_EQ(0, atomic_load(&errors.n));
	EXPECT_EQ(1, atomic_load(&counts.ok[OP_FINISH]));
	EXPECT_EQ(fds, tt_count_fds());
}

TEST_HARNESS_MAIN
