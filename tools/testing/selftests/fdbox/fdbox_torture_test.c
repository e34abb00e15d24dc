// SPDX-License-Identifier: GPL-2.0
/*
 * Race torture of FDBox in one kernel: forked processes of several threads
 * each, every thread pinned to one CPU (round robin, so that threads in a
 * row run on different ones), do random CREATE, DELETE, open and close of
 * box nodes, PUT, GET, SEAL, UNSEAL, LIST_BOXES, LIST_ENTRIES and sysfs
 * reads on a small pool of boxes that they all share, while one more
 * process sends PREPARE and CANCEL over and over. The pool is small so
 * that every pair of operations meets on one box.
 *
 * Every call may fail only with the errnos documented for what a
 * concurrent call can do to it; UNSEAL may fail with EBUSY only while a
 * PREPARE may be in effect. While PREPARED, the state machine racer checks
 * that the boxes PREPARE carried refuse every change. At the end, every memfd put
 * (each has a tag of its own, and contents derived from it) was taken out
 * by exactly one GET, whole; or is still in its box, which gives it back;
 * or was dropped with its box by a DELETE done after the PUT. No process
 * leaks an fd, the state is NORMAL and the pool is gone.
 *
 * Seeded: the seed is printed, FDBOX_TORTURE_SEED=N replays the choices
 * (not the interleaving), FDBOX_TORTURE_OPS=N sets the budget of
 * operations. The budget is fixed, so that a slower (debug) kernel takes
 * longer rather than doing less; a time cap only bounds the run. Runs in
 * stage 1 only.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_torture.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

#define NR_PROCS	3
#define NR_THREADS	3
#define NR_WORKERS	(NR_PROCS * NR_THREADS)
#define NR_BOXES	5
/* Entries a box may hold before its PUTs give way to GETs. */
#define BOX_CAP		24
/* Recent tags put into each box, which GETs aim at. */
#define RING		32
#define MIN_FILE	1024
#define MAX_FILE	(16 * 1024)

/*
 * About 50 s under TCG with two guest CPUs on the normal kernel: 4400 to
 * 5100 operations a second were measured there on a host that also ran
 * other work, 11700 on a quiet one. The KASAN kernel did 212 a second on
 * a busy host, the KCSAN one 560: they get a tenth. The cap bounds a run on a busy
 * host or a slow kernel, well within the harness's limit.
 */
#define DEFAULT_OPS	250000
#define MAX_SECONDS	240

enum op {
	OP_OPEN,
	OP_CREATE,
	OP_DELETE,
	OP_PUT,
	OP_GET,
	OP_SEAL,
	OP_UNSEAL,
	OP_LIST_BOXES,
	OP_LIST_ENTRIES,
	OP_SYSFS,
	OP_PREPARE,
	OP_CANCEL,
	OP_CARRIED,
	NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	[OP_OPEN] = "open",
	[OP_CREATE] = "CREATE",
	[OP_DELETE] = "DELETE",
	[OP_PUT] = "PUT",
	[OP_GET] = "GET",
	[OP_SEAL] = "SEAL",
	[OP_UNSEAL] = "UNSEAL",
	[OP_LIST_BOXES] = "LIST_BOXES",
	[OP_LIST_ENTRIES] = "LIST_ENTRIES",
	[OP_SYSFS] = "sysfs",
	[OP_PREPARE] = "PREPARE",
	[OP_CANCEL] = "CANCEL",
	[OP_CARRIED] = "carried-box check",
};

/*
 * What became of each tag: the box (index + 1) a PUT of it was for and
 * how many DELETEs that box had seen, both set before the PUT, so that a
 * GET never finds the entry before them; whether the PUT succeeded; how
 * many GETs of the racers and of the final drain returned it.
 */
struct tag {
	atomic_uchar box;
	atomic_uchar put;
	atomic_uchar got;
	atomic_uchar drained;
	atomic_uint deletes;
};

/*
 * State shared by every process. prep_seq is odd from just before the
 * state machine racer sends PREPARE until its CANCEL is done: a call that
 * saw it even and unchanged from its start to its end cannot have met a
 * PREPARED state.
 */
struct shared {
	uint64_t seed;
	uint64_t deadline;
	unsigned int max_tags;
	int nr_cpus;
	int cpus[CPU_SETSIZE];
	char names[NR_BOXES][TT_BOX_NAME_LEN];
	bool luo;
	atomic_long ops_left;
	atomic_int stop;
	atomic_int timed_out;
	struct tt_errors errors;
	atomic_uint prep_seq;
	atomic_uint next_tag;
	atomic_uint deletes[NR_BOXES];
	atomic_int population[NR_BOXES];
	atomic_uint ring[NR_BOXES][RING];
	atomic_ulong done;
	atomic_ulong state_deleted;
	struct tt_counts counts;
};

static struct shared *sh;
static struct tag *tags;
static pid_t pids[NR_PROCS + 1];

#define error(...)	tt_error(&sh->errors, __VA_ARGS__)

static_assert(NR_OPS <= TT_MAX_OPS, "room in struct tt_counts");

/*
 * Count the result @ret of @op on box @b (-1: none): a success, or an
 * errno, which must be one of @allowed (NULL: none is).
 */
static void count(enum op op, int b, int ret, const int *allowed)
{
	if (!tt_count(&sh->counts, op, ret, allowed))
		error("%s on %s: unexpected %s (%d)", op_names[op],
		      b >= 0 ? sh->names[b] : "-", tt_errname(ret), ret);
}

static unsigned int window_begin(void)
{
	return atomic_load(&sh->prep_seq);
}

/* Whether a PREPARE may have been in effect since window_begin(). */
static bool window_open(unsigned int seq)
{
	return (seq & 1) || atomic_load(&sh->prep_seq) != seq;
}

static uint64_t tag_key(unsigned int tag)
{
	return tt_mix(sh->seed ^ ((uint64_t)tag << 20));
}

static size_t tag_size(unsigned int tag)
{
	return MIN_FILE + tt_mix(tag_key(tag)) % (MAX_FILE - MIN_FILE + 1);
}

/* The tag of entry name @name ("t" and a number, nothing else), or -1. */
static int tag_of(const char *name)
{
	unsigned int tag;
	int end = 0;

	if (sscanf(name, "t%u%n", &tag, &end) != 1 || name[end] ||
	    tag >= sh->max_tags)
		return -1;
	return tag;
}

/* Whether the budget and the time cap allow one more operation. */
static bool next_op(void)
{
	if (atomic_load(&sh->stop))
		return false;
	if (atomic_fetch_sub(&sh->ops_left, 1) <= 0 ||
	    tt_now_ns() > sh->deadline) {
		if (atomic_load(&sh->ops_left) > 0)
			atomic_store(&sh->timed_out, 1);
		atomic_store(&sh->stop, 1);
		return false;
	}
	atomic_fetch_add(&sh->done, 1);
	return true;
}

struct worker {
	int idx;
	struct tt_rng rng;
	pthread_t thread;
	int ctl;
	int fd[NR_BOXES];
};

static unsigned int rnd(struct worker *w, unsigned int n)
{
	return tt_below(&w->rng, n);
}

/*
 * Open box @b again: a box deleted meanwhile has no node (ENOENT), or,
 * between the removal of its node and of its char device, none behind it
 * (ENXIO).
 */
static void reopen(struct worker *w, int b)
{
	int fd;

	if (w->fd[b] >= 0 && close(w->fd[b]))
		error("close of %s: %s", sh->names[b], strerror(errno));
	fd = fdbox_open_box(sh->names[b]);
	count(OP_OPEN, b, fd < 0 ? -errno : 0, TT_ERRNOS(ENOENT, ENXIO));
	w->fd[b] = fd;
}

static int box_fd(struct worker *w, int b)
{
	if (w->fd[b] < 0)
		reopen(w, b);
	return w->fd[b];
}

/* An fd whose box was deleted: open the box again next time. */
static void stale(struct worker *w, int b, int err)
{
	if (err != -ENODEV || w->fd[b] < 0)
		return;
	close(w->fd[b]);
	w->fd[b] = -1;
}

/*
 * A memfd that a GET of tag @tag from box @b returned: the one put under
 * that name into that box, close-on-exec, with its contents.
 */
static void account_get(int fd, int tag, int b, bool drain)
{
	uint64_t found;
	int err, flags;

	flags = fcntl(fd, F_GETFD);
	if (flags < 0 || !(flags & FD_CLOEXEC))
		error("GET t%d from %s: fd not close-on-exec", tag, sh->names[b]);
	if (atomic_load(&tags[tag].box) != b + 1) {
		error("GET t%d from %s: it was put into box %d", tag,
		      sh->names[b], atomic_load(&tags[tag].box) - 1);
	} else {
		err = tt_check(fd, tag_size(tag), tag_key(tag), &found);
		if (err)
			error("GET t%d from %s: contents differ (%s, key %#llx, want %#llx)",
			      tag, sh->names[b], tt_errname(err),
			      (unsigned long long)found,
			      (unsigned long long)tag_key(tag));
	}
	if (drain)
		atomic_fetch_add(&tags[tag].drained, 1);
	else
		atomic_fetch_add(&tags[tag].got, 1);
	atomic_fetch_sub(&sh->population[b], 1);
	if (close(fd))
		error("close of t%d: %s", tag, strerror(errno));
}

static void do_get_name(struct worker *w, int b, const char *name)
{
	int tag = tag_of(name), fd;

	if (tag < 0) {
		error("GET from %s: %s is not a tag", sh->names[b], name);
		return;
	}
	fd = fdbox_get(w->fd[b], name);
	count(OP_GET, b, fd, TT_ERRNOS(ENOENT, EBUSY, ENODEV));
	if (fd >= 0)
		account_get(fd, tag, b, false);
	stale(w, b, fd);
}

/* GET one of the tags lately put into box @b, whoever put it. */
static void do_get(struct worker *w, int b)
{
	unsigned int slot = atomic_load(&sh->ring[b][rnd(w, RING)]);
	char name[16];

	if (!slot || box_fd(w, b) < 0)
		return;
	snprintf(name, sizeof(name), "t%u", slot - 1);
	do_get_name(w, b, name);
}

static void do_put(struct worker *w, int b)
{
	unsigned int tag, pos;
	char name[16];
	int fd, err;

	if (box_fd(w, b) < 0)
		return;
	if (atomic_load(&sh->population[b]) >= BOX_CAP) {
		do_get(w, b);
		return;
	}
	tag = atomic_fetch_add(&sh->next_tag, 1);
	if (tag >= sh->max_tags)
		return;
	fd = tt_memfd("torture", tag_size(tag), tag_key(tag));
	if (fd < 0) {
		error("memfd for t%u: %s", tag, strerror(-fd));
		return;
	}
	snprintf(name, sizeof(name), "t%u", tag);
	atomic_store(&tags[tag].box, b + 1);
	atomic_store(&tags[tag].deletes, atomic_load(&sh->deletes[b]));
	err = fdbox_put(w->fd[b], fd, name);
	count(OP_PUT, b, err, TT_ERRNOS(EBUSY, ENODEV));
	if (err) {
		/* A failed PUT leaves the fd open. */
		if (close(fd))
			error("PUT %s into %s: %s, but fd gone", name,
			      sh->names[b], tt_errname(err));
		stale(w, b, err);
		return;
	}
	atomic_store(&tags[tag].put, 1);
	atomic_fetch_add(&sh->population[b], 1);
	pos = rnd(w, RING);
	atomic_store(&sh->ring[b][pos], tag + 1);
}

/*
 * A listing of box @b: names in strictly increasing order, each a tag put
 * into that box, memfds of their tag's size, none waiting.
 */
static void check_entries(const struct fdbox_entry_info *e, __u32 n, int b)
{
	const char *name;
	__u32 i;
	int tag;

	for (i = 0; i < n; i++) {
		name = (const char *)e[i].name;
		tag = tag_of(name);
		if (tag < 0 || atomic_load(&tags[tag].box) != b + 1 ||
		    strcmp((const char *)e[i].type, "memfd") ||
		    e[i].size != tag_size(tag) || e[i].flags ||
		    e[i].__reserved) {
			error("LIST_ENTRIES of %s: wrong entry %.32s (size %llu, flags %#x)",
			      sh->names[b], name, (unsigned long long)e[i].size,
			      e[i].flags);
			return;
		}
		if (i && strcmp((const char *)e[i - 1].name, name) >= 0) {
			error("LIST_ENTRIES of %s: %s out of order",
			      sh->names[b], name);
			return;
		}
	}
}

#define LIST_ROOM	(BOX_CAP + 4 * NR_WORKERS)

/* List box @b, and GET one of its entries: GET races GET. */
static void do_list_entries(struct worker *w, int b)
{
	struct fdbox_entry_info e[LIST_ROOM];
	__u32 n = LIST_ROOM;
	int err;

	if (box_fd(w, b) < 0)
		return;
	err = fdbox_list(w->fd[b], FDBOX_LIST_ENTRIES, e, sizeof(e[0]), &n);
	count(OP_LIST_ENTRIES, b, err, TT_ERRNOS(ENOSPC, ENODEV));
	if (err == -ENOSPC && n <= LIST_ROOM)
		error("LIST_ENTRIES of %s: ENOSPC for %u entries", sh->names[b], n);
	stale(w, b, err);
	if (err || !n)
		return;
	check_entries(e, n, b);
	do_get_name(w, b, (const char *)e[rnd(w, n)].name);
}

/*
 * SEAL: EBUSY if sealed already (by another racer, or carried). UNSEAL:
 * EINVAL if not sealed, EBUSY only if carried, so only if a PREPARE may
 * have been in effect.
 */
static void do_seal(struct worker *w, int b)
{
	int err;

	if (box_fd(w, b) < 0)
		return;
	err = fdbox_seal(w->fd[b]);
	count(OP_SEAL, b, err, TT_ERRNOS(EBUSY, ENODEV));
	stale(w, b, err);
}

static void do_unseal(struct worker *w, int b)
{
	unsigned int seq;
	int err;

	if (box_fd(w, b) < 0)
		return;
	seq = window_begin();
	err = fdbox_unseal(w->fd[b]);
	if (err == -EBUSY && !window_open(seq))
		count(OP_UNSEAL, b, err, NULL);
	else
		count(OP_UNSEAL, b, err, TT_ERRNOS(EINVAL, EBUSY, ENODEV));
	stale(w, b, err);
}

/*
 * List every box into @info, room for @room: 0 or a negative errno; *@n
 * gets how many there are. ENOSPC only for more than @room.
 */
static int list_boxes(int ctl, struct fdbox_box_info *info, __u32 room,
		      __u32 *n)
{
	int err;

	*n = room;
	err = fdbox_list(ctl, FDBOX_LIST_BOXES, info, sizeof(*info), n);
	count(OP_LIST_BOXES, -1, err, TT_ERRNOS(ENOSPC));
	if (err == -ENOSPC && *n <= room)
		error("LIST_BOXES: ENOSPC for %u boxes, room for %u", *n, room);
	return err;
}

/* The pool box called @name, or -1. */
static int pool_box(const char *name)
{
	int b;

	for (b = 0; b < NR_BOXES; b++)
		if (!strcmp(name, sh->names[b]))
			return b;
	return -1;
}

#define BOXES_ROOM	256

/*
 * Every box in name order, each pool box at most once, with flags that
 * say sealed, or carried and sealed while a PREPARE may be in effect;
 * never incoming: this kernel made them.
 */
static void do_list_boxes(int ctl)
{
	static __thread struct fdbox_box_info info[BOXES_ROOM];
	int seen[NR_BOXES] = { 0 }, b;
	unsigned int seq = window_begin();
	__u32 n, i, flags;

	if (list_boxes(ctl, info, BOXES_ROOM, &n))
		return;
	for (i = 0; i < n; i++) {
		if (i && strcmp((char *)info[i - 1].name,
				(char *)info[i].name) >= 0)
			error("LIST_BOXES: %.64s out of order", info[i].name);
		b = pool_box((char *)info[i].name);
		if (b < 0)
			continue;
		flags = info[i].flags;
		if (seen[b]++)
			error("LIST_BOXES: %s twice", sh->names[b]);
		if ((flags & ~(FDBOX_BOX_SEALED | FDBOX_BOX_CARRIED)) ||
		    ((flags & FDBOX_BOX_CARRIED) &&
		     (!(flags & FDBOX_BOX_SEALED) || !window_open(seq))))
			error("LIST_BOXES: %s has flags %#x", sh->names[b], flags);
	}
}

static const char *const attrs[] = { "state", "sealed", "count" };

/*
 * A sysfs attribute of box @b: gone with its box (ENOENT, or ENODEV once
 * open), or a value a box of this kernel can have. The driver's state
 * "deleted", between DELETE's kill of the box and the removal of its
 * device, is not in fdbox.rst: counted, to be seen.
 */
static void do_sysfs(struct worker *w, int b)
{
	const char *attr = attrs[rnd(w, 3)];
	unsigned int seq = window_begin();
	char buf[64], *end;
	bool sane;
	int err;

	err = fdbox_sysfs(sh->names[b], attr, buf, sizeof(buf));
	count(OP_SYSFS, b, err, TT_ERRNOS(ENOENT, ENODEV));
	if (err)
		return;
	if (!strcmp(attr, "state")) {
		if (!strcmp(buf, "deleted"))
			atomic_fetch_add(&sh->state_deleted, 1);
		sane = !strcmp(buf, "unsealed") || !strcmp(buf, "sealed") ||
		       !strcmp(buf, "deleted") ||
		       (!strcmp(buf, "carried") && window_open(seq));
	} else if (!strcmp(attr, "sealed")) {
		sane = !strcmp(buf, "0") || !strcmp(buf, "1");
	} else {
		sane = *buf && strtoul(buf, &end, 10) < 1000000 && !*end;
	}
	if (!sane)
		error("sysfs %s of %s: \"%s\"", attr, sh->names[b], buf);
}

static void do_create(struct worker *w, int b)
{
	count(OP_CREATE, b, fdbox_create(w->ctl, sh->names[b]),
	      TT_ERRNOS(EEXIST));
}

/*
 * DELETE: ENOENT if gone, EBUSY if sealed. Most of the time the box is
 * created again at once, by this racer or, later, another.
 */
static void do_delete(struct worker *w, int b)
{
	int err = fdbox_delete(w->ctl, sh->names[b]);

	count(OP_DELETE, b, err, TT_ERRNOS(ENOENT, EBUSY));
	if (err)
		return;
	atomic_fetch_add(&sh->deletes[b], 1);
	atomic_store(&sh->population[b], 0);
	if (rnd(w, 4))
		do_create(w, b);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int b, err;

	err = tt_pin(sh->cpus, sh->nr_cpus, w->idx);
	if (err)
		error("pin racer %d: %s", w->idx, strerror(-err));
	w->ctl = fdbox_open_ctl();
	if (w->ctl < 0) {
		error("open the control device: %s", strerror(errno));
		return NULL;
	}
	for (b = 0; b < NR_BOXES; b++)
		w->fd[b] = -1;
	/*
	 * Mostly PUT and GET, which the others disturb; DELETE rarely, as it
	 * drops whatever its box holds.
	 */
	while (next_op()) {
		unsigned int r = rnd(w, 100);

		b = rnd(w, NR_BOXES);
		if (r < 25)
			do_put(w, b);
		else if (r < 46)
			do_get(w, b);
		else if (r < 54)
			do_list_entries(w, b);
		else if (r < 59)
			do_seal(w, b);
		else if (r < 71)
			do_unseal(w, b);
		else if (r < 77)
			do_list_boxes(w->ctl);
		else if (r < 86)
			do_sysfs(w, b);
		else if (r < 95)
			reopen(w, b);
		else if (r < 99)
			do_create(w, b);
		else
			do_delete(w, b);
	}
	for (b = 0; b < NR_BOXES; b++)
		if (w->fd[b] >= 0)
			close(w->fd[b]);
	close(w->ctl);
	return NULL;
}

/* A process of NR_THREADS racers; its fds must be as they were at the end. */
static int proc_main(int proc)
{
	struct worker w[NR_THREADS];
	int i, fds = tt_count_fds();

	for (i = 0; i < NR_THREADS; i++) {
		w[i] = (struct worker){ .idx = proc * NR_THREADS + i };
		tt_rng_init(&w[i].rng, sh->seed, w[i].idx);
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			error("process %d: cannot start thread %d", proc, i);
			atomic_store(&sh->stop, 1);
			w[i].idx = -1;
		}
	}
	for (i = 0; i < NR_THREADS; i++)
		if (w[i].idx >= 0)
			pthread_join(w[i].thread, NULL);
	if (tt_count_fds() != fds) {
		error("process %d: %d fds open at the start, %d at the end",
		      proc, fds, tt_count_fds());
		return 1;
	}
	return 0;
}

/*
 * While PREPARED: every pool box that LIST_BOXES shows carried stays so
 * until CANCEL, which only this racer sends, and refuses PUT, GET, SEAL,
 * UNSEAL and DELETE with EBUSY; sysfs says carried.
 */
static void check_carried(int ctl, struct tt_rng *rng)
{
	static struct fdbox_box_info info[BOXES_ROOM];
	char buf[32], entry[16];
	int b, fd, mfd, err;
	unsigned int slot;
	__u32 n, i;

	if (list_boxes(ctl, info, BOXES_ROOM, &n))
		return;
	for (i = 0; i < n; i++) {
		b = pool_box((char *)info[i].name);
		if (b < 0 || !(info[i].flags & FDBOX_BOX_CARRIED))
			continue;
		fd = fdbox_open_box(sh->names[b]);
		if (fd < 0) {
			error("carried %s: open: %s", sh->names[b], strerror(errno));
			continue;
		}
		mfd = tt_memfd("carried", 64, 0);
		err = fdbox_put(fd, mfd, "carried");
		if (err != -EBUSY)
			error("carried %s: PUT gave %s", sh->names[b], tt_errname(err));
		if (err)
			close(mfd);
		slot = atomic_load(&sh->ring[b][tt_below(rng, RING)]);
		snprintf(entry, sizeof(entry), "t%u", slot ? slot - 1 : 0);
		err = fdbox_get(fd, entry);
		if (err != -EBUSY)
			error("carried %s: GET gave %s", sh->names[b], tt_errname(err));
		if (err >= 0)
			close(err);
		err = fdbox_seal(fd);
		if (err != -EBUSY)
			error("carried %s: SEAL gave %s", sh->names[b], tt_errname(err));
		err = fdbox_unseal(fd);
		if (err != -EBUSY)
			error("carried %s: UNSEAL gave %s", sh->names[b], tt_errname(err));
		err = fdbox_delete(ctl, sh->names[b]);
		if (err != -EBUSY)
			error("carried %s: DELETE gave %s", sh->names[b], tt_errname(err));
		err = fdbox_sysfs(sh->names[b], "state", buf, sizeof(buf));
		if (err || strcmp(buf, "carried"))
			error("carried %s: sysfs state %s", sh->names[b],
			      err ? tt_errname(err) : buf);
		close(fd);
		count(OP_CARRIED, b, 0, NULL);
	}
}

/* After CANCEL no box is carried. */
static void check_uncarried(int ctl)
{
	static struct fdbox_box_info info[BOXES_ROOM];
	__u32 n, i;

	if (list_boxes(ctl, info, BOXES_ROOM, &n))
		return;
	for (i = 0; i < n; i++)
		if (pool_box((char *)info[i].name) >= 0 &&
		    (info[i].flags & FDBOX_BOX_CARRIED))
			error("%s still carried after CANCEL", info[i].name);
}

/*
 * The state machine's racer: PREPARE, a few checks of the carried boxes,
 * CANCEL, a pause, until the box racers are done. It alone sends events,
 * so each must succeed; it leaves the state NORMAL.
 */
static int luo_main(void)
{
	int luo, ctl, err, state, rounds, fds = tt_count_fds();
	struct tt_rng rng;

	tt_rng_init(&rng, sh->seed, NR_WORKERS);
	err = tt_pin(sh->cpus, sh->nr_cpus, NR_WORKERS);
	if (err)
		error("pin the state machine racer: %s", strerror(-err));
	luo = luo_open();
	ctl = fdbox_open_ctl();
	if (luo < 0 || ctl < 0) {
		error("state machine racer: open: %s", strerror(errno));
		return 1;
	}
	while (!atomic_load(&sh->stop) && tt_now_ns() < sh->deadline) {
		atomic_fetch_add(&sh->prep_seq, 1);
		err = luo_set_event(luo, LIVEUPDATE_PREPARE);
		count(OP_PREPARE, -1, err, NULL);
		if (!err) {
			for (rounds = 1 + tt_below(&rng, 3); rounds; rounds--) {
				check_carried(ctl, &rng);
				usleep(tt_below(&rng, 3000));
			}
			err = luo_set_event(luo, LIVEUPDATE_CANCEL);
			count(OP_CANCEL, -1, err, NULL);
			if (!err)
				check_uncarried(ctl);
		}
		atomic_fetch_add(&sh->prep_seq, 1);
		if (err)
			break;
		usleep(2000 + tt_below(&rng, 8000));
	}
	state = luo_get_state(luo);
	if (state == LIVEUPDATE_STATE_PREPARED) {
		atomic_fetch_add(&sh->prep_seq, 1);
		luo_set_event(luo, LIVEUPDATE_CANCEL);
		atomic_fetch_add(&sh->prep_seq, 1);
		state = luo_get_state(luo);
	}
	if (state != LIVEUPDATE_STATE_NORMAL)
		error("state machine racer leaves state %d", state);
	close(ctl);
	close(luo);
	if (tt_count_fds() != fds) {
		error("state machine racer: %d fds at the start, %d at the end",
		      fds, tt_count_fds());
		return 1;
	}
	return 0;
}

/*
 * Take every entry out of what is left of box @b, then delete it: each
 * entry must come out, whole. Its DELETEs are not counted: a memfd
 * dropped now would be a lost one.
 */
static void drain(struct __test_metadata *_metadata, int ctl, int b)
{
	struct fdbox_entry_info *e;
	__u32 n = 0, i;
	int fd, err, tag;

	if (!fdbox_box_exists(sh->names[b]))
		return;
	fd = fdbox_open_box(sh->names[b]);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", sh->names[b], strerror(errno));
	err = fdbox_unseal(fd);
	EXPECT_TRUE(!err || err == -EINVAL) TH_LOG("%s: UNSEAL %d", sh->names[b], err);
	err = fdbox_list(fd, FDBOX_LIST_ENTRIES, NULL, sizeof(*e), &n);
	EXPECT_TRUE(!err || err == -ENOSPC) TH_LOG("%s: %d", sh->names[b], err);
	e = calloc(n + 1, sizeof(*e));
	ASSERT_NE(NULL, e);
	ASSERT_EQ(0, fdbox_list(fd, FDBOX_LIST_ENTRIES, e, sizeof(*e), &n));
	check_entries(e, n, b);
	for (i = 0; i < n; i++) {
		tag = tag_of((char *)e[i].name);
		err = fdbox_get(fd, (char *)e[i].name);
		EXPECT_LE(0, err) TH_LOG("%s: GET %s: %d", sh->names[b],
					 e[i].name, err);
		if (err >= 0 && tag >= 0)
			account_get(err, tag, b, true);
	}
	free(e);
	close(fd);
	EXPECT_EQ(0, fdbox_delete(ctl, sh->names[b])) TH_LOG("%s", sh->names[b]);
	EXPECT_FALSE(fdbox_box_exists(sh->names[b])) TH_LOG("%s", sh->names[b]);
}

/*
 * Races that must have happened, each seen by the errno it gives: with
 * thousands of each in a run, none missing is chance.
 */
static const struct {
	enum op op;
	int err;
	bool luo;
	const char *what;
} races[] = {
	{ OP_PUT, EBUSY, false, "PUT met SEAL" },
	{ OP_PUT, ENODEV, false, "PUT met DELETE" },
	{ OP_GET, ENOENT, false, "GET met GET" },
	{ OP_GET, EBUSY, false, "GET met SEAL" },
	{ OP_GET, ENODEV, false, "GET met DELETE" },
	{ OP_SEAL, EBUSY, false, "SEAL met SEAL" },
	{ OP_UNSEAL, EINVAL, false, "UNSEAL met UNSEAL" },
	{ OP_UNSEAL, EBUSY, true, "UNSEAL met PREPARE" },
	{ OP_DELETE, EBUSY, false, "DELETE met SEAL" },
	{ OP_CREATE, EEXIST, false, "CREATE met CREATE" },
	{ OP_OPEN, ENOENT, false, "open met DELETE" },
	{ OP_LIST_ENTRIES, ENODEV, false, "LIST_ENTRIES met DELETE" },
	{ OP_SYSFS, ENOENT, false, "sysfs met DELETE" },
};

FIXTURE(torture) {
};

FIXTURE_SETUP(torture)
{
}

/* After a failed assertion too: no racer left, state NORMAL, pool gone. */
FIXTURE_TEARDOWN(torture)
{
	int p, ctl, luo, fd, b;

	if (!sh)
		return;
	atomic_store(&sh->stop, 1);
	for (p = 0; p <= NR_PROCS; p++)
		if (pids[p] > 0 && waitpid(pids[p], NULL, 0) == pids[p])
			pids[p] = 0;
	luo = luo_open();
	if (luo >= 0 && luo_get_state(luo) == LIVEUPDATE_STATE_PREPARED)
		luo_set_event(luo, LIVEUPDATE_CANCEL);
	if (luo >= 0)
		close(luo);
	ctl = fdbox_open_ctl();
	for (b = 0; ctl >= 0 && b < NR_BOXES; b++) {
		if (!sh->names[b][0] || !fdbox_box_exists(sh->names[b]))
			continue;
		fd = fdbox_open_box(sh->names[b]);
		if (fd >= 0) {
			fdbox_unseal(fd);
			close(fd);
		}
		fdbox_delete(ctl, sh->names[b]);
	}
	if (ctl >= 0)
		close(ctl);
}

/* A bound against hangs, above the time cap and the final checks. */
TEST_F_TIMEOUT(torture, races, MAX_SECONDS + 300)
{
	unsigned int tag, nr_tags, put = 0, taken = 0, drained = 0;
	unsigned int dropped = 0, lost = 0, dup = 0, stray = 0;
	int ctl, luo, b, p, status, fds, op;
	unsigned int i;
	uint64_t start, elapsed;
	long budget;

	if (fdbox_stage() != 1)
		SKIP(return, "runs once, in stage 1");

	fds = tt_count_fds();
	sh = tt_shared(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	sh->seed = tt_seed("FDBOX_TORTURE_SEED");
	budget = getenv("FDBOX_TORTURE_OPS") ?
		 atol(getenv("FDBOX_TORTURE_OPS")) : DEFAULT_OPS;
	if (!getenv("FDBOX_TORTURE_OPS") &&
	    (fdbox_kconfig("CONFIG_KASAN") > 0 || fdbox_kconfig("CONFIG_KCSAN") > 0))
		budget /= 10;
	ASSERT_LT(0, budget);
	sh->max_tags = budget;
	tags = tt_shared(sizeof(*tags) * budget);
	ASSERT_NE(NULL, tags);
	atomic_store(&sh->ops_left, budget);
	sh->nr_cpus = tt_cpus(sh->cpus);
	ASSERT_LT(0, sh->nr_cpus);
	tt_msg("torture: seed %llu (FDBOX_TORTURE_SEED=%llu replays it)",
	       (unsigned long long)sh->seed, (unsigned long long)sh->seed);
	tt_msg("torture: %ld operations, %d processes of %d threads, %d CPUs",
	       budget, NR_PROCS, NR_THREADS, sh->nr_cpus);

	luo = luo_open();
	if (luo < 0) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no %s: %s", LUO_DEV, strerror(-luo));
		tt_msg("torture: no %s: no PREPARE racer", LUO_DEV);
	} else {
		ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
		sh->luo = true;
		/* One opener at a time: the state machine racer's turn. */
		close(luo);
	}

	ctl = fdbox_open_ctl();
	ASSERT_LE(0, ctl);
	for (b = 0; b < NR_BOXES; b++) {
		snprintf(sh->names[b], sizeof(sh->names[b]), "tt-%d-%d",
			 getpid(), b);
		ASSERT_EQ(0, fdbox_create(ctl, sh->names[b]));
	}

	start = tt_now_ns();
	sh->deadline = start + MAX_SECONDS * 1000000000ULL;
	fflush(stdout);
	fflush(stderr);
	for (p = 0; p <= NR_PROCS; p++) {
		if (p == NR_PROCS && !sh->luo)
			break;
		pids[p] = fork();
		ASSERT_LE(0, pids[p]);
		if (!pids[p])
			_exit(p < NR_PROCS ? proc_main(p) : luo_main());
	}
	for (p = 0; p <= NR_PROCS; p++) {
		if (pids[p] <= 0)
			continue;
		/* The box racers are done: stop the state machine's. */
		if (p == NR_PROCS)
			atomic_store(&sh->stop, 1);
		ASSERT_EQ(pids[p], waitpid(pids[p], &status, 0));
		pids[p] = 0;
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("process %d: status %#x", p, status);
	}
	elapsed = (tt_now_ns() - start) / 1000000;

	if (sh->luo) {
		luo = luo_open();
		ASSERT_LE(0, luo) TH_LOG("%s: %s", LUO_DEV, strerror(-luo));
		EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(luo));
		close(luo);
	}
	for (b = 0; b < NR_BOXES; b++)
		drain(_metadata, ctl, b);
	close(ctl);

	nr_tags = atomic_load(&sh->next_tag);
	if (nr_tags > sh->max_tags)
		nr_tags = sh->max_tags;
	for (tag = 0; tag < nr_tags; tag++) {
		unsigned int g = atomic_load(&tags[tag].got);
		unsigned int d = atomic_load(&tags[tag].drained);

		if (!atomic_load(&tags[tag].put)) {
			if (g + d && stray++ < 5)
				tt_msg("torture: t%u taken, but never put", tag);
			continue;
		}
		put++;
		taken += g;
		drained += d;
		b = atomic_load(&tags[tag].box) - 1;
		if (g + d > 1) {
			if (dup++ < 5)
				tt_msg("torture: t%u taken %u times", tag, g + d);
		} else if (!(g + d)) {
			if (atomic_load(&sh->deletes[b]) >
			    atomic_load(&tags[tag].deletes))
				dropped++;
			else if (lost++ < 5)
				tt_msg("torture: t%u lost: put into %s, not taken, not deleted",
				       tag, sh->names[b]);
		}
	}

	tt_print_counts(&sh->counts, op_names, NR_OPS, "torture");
	tt_msg("torture: sysfs state \"deleted\" read %lu times",
	       atomic_load(&sh->state_deleted));
	tt_msg("torture: %lu operations in %llu.%03llu s%s",
	       atomic_load(&sh->done), (unsigned long long)elapsed / 1000,
	       (unsigned long long)elapsed % 1000,
	       atomic_load(&sh->timed_out) ? ", stopped by the time cap" : "");
	tt_msg("torture: %u memfds put: %u taken by GET racers, %u left in boxes,",
	       put, taken, drained);
	tt_msg("torture: %u dropped with their box; %u lost, %u taken twice, %u never put",
	       dropped, lost, dup, stray);

	EXPECT_EQ(0, atomic_load(&sh->errors.n));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, dup);
	EXPECT_EQ(0, stray);
	for (op = 0; op < NR_OPS; op++) {
		if (!sh->luo && op >= OP_PREPARE)
			continue;
		EXPECT_LT(0, atomic_load(&sh->counts.ok[op]))
			TH_LOG("no %s succeeded", op_names[op]);
	}
	for (i = 0; i < ARRAY_SIZE(races); i++) {
		if (races[i].luo && !sh->luo)
			continue;
		EXPECT_LT(0, tt_errs(&sh->counts, races[i].op, races[i].err))
			TH_LOG("never seen: %s", races[i].what);
	}
	EXPECT_EQ(fds, tt_count_fds());
}

TEST_HARNESS_MAIN
