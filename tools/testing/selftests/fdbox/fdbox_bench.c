// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox benchmark, run by `make bench` as a VM program over several stages
 * (live updates). Every stage appends its samples to BENCH_SAMPLES on the
 * root file system, which the VM carries to the next stage; the last stage
 * prints, for each figure, the median, min and max of its samples as a
 * table and as one JSON line each, with the ratios and their targets.
 *
 * Stage 1:
 *   1. PUT and GET per operation with 10, 1,000 and 100,000 entries in a
 *      box (each sample: the mean of BENCH_OPS GETs and PUTs of random
 *      entries), and GET of a missing name, which is the lookup alone;
 *   2. SEAL of those boxes;
 *   3. PREPARE of 1,000 memfds of 1 MiB held in 10 sealed boxes, against
 *      LIVEUPDATE_SESSION_PRESERVE_FD of the same memfds into a LUO
 *      session, alternately;
 *   then it leaves, for the live update: those memfds sealed in FDBox,
 *   another 1,000 memfds of 1 MiB in a LUO session held by a child, and
 *   two 1 GiB memfds, one of 4 KiB pages in box bench-big, one of
 *   transparent huge pages in bench-big-thp; it sends PREPARE and records
 *   their page frame numbers.
 * Stage 2: the freeze times of the previous kernel (FDBox's subsystem
 *   callback against the LUO sessions' serialization), from sysfs.
 * Stages 2 and up:
 *   4. UNSEAL + GET of each 1 GiB memfd, against a memcpy() of 1 GiB;
 *   5. their page frame numbers, against those before the live update;
 *   then, but in the last stage, it carries them again.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/liveupdate.h>

#include "fdbox_carry.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest.h"

#define BENCH_SAMPLES	"/fdbox/bench.samples"
#define BENCH_PFNS	"/fdbox/bench.pfns"
#define BENCH_REPS	5
#define CLOCKSOURCE \
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"
#define BENCH_OPS	1000
#define SET_FILES	1000
#define SET_BOXES	10
#define SET_FILE_SIZE	(1024 * 1024UL)
#define BIG_SIZE	(1024 * SET_FILE_SIZE)
#define BIG_PAGES	(BIG_SIZE / 4096)

static const unsigned int box_sizes[] = { 10, 1000, 100000 };

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

#define CHECK(expr, what)						\
	do {								\
		long __r = (expr);					\
		if (__r < 0)						\
			die(what, __r == -1 ? errno : (int)__r);	\
	} while (0)

/*
 * False when this kernel runs on the jiffies clocksource (it could not
 * calibrate the TSC: the test VM has no HPET or ACPI timer to check it
 * against, and a kexec'd kernel under emulation sometimes fails): times
 * then move in 4 ms steps, and this stage records none.
 */
static bool fine_clock;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Append one sample of figure @name (with its @param) in @unit. */
static void sample(const char *name, unsigned long param, double value,
		   const char *unit)
{
	FILE *f;

	/* Frames, and freeze times the previous kernel took, still count. */
	if (!fine_clock && strncmp(name, "pfn_", 4) &&
	    strncmp(name, "freeze_", 7))
		return;
	f = fopen(BENCH_SAMPLES, "a");
	if (!f)
		die("open " BENCH_SAMPLES, errno);
	fprintf(f, "%s %lu %.3f %s\n", name, param, value, unit);
	fclose(f);
	printf("bench: stage %d: %s(%lu) = %.3f %s\n", carry_stage(), name,
	       param, value, unit);
	fflush(stdout);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Box bench-@n, open, filled with @n empty memfds. */
static int box_filled(int ctl, unsigned int n)
{
	char box_name[32], name[32];
	int box, fd, i;

	snprintf(box_name, sizeof(box_name), "bench-%u", n);
	CHECK(fdbox_create(ctl, box_name), "create");
	box = fdbox_open_box(box_name);
	CHECK(box, "open box");
	for (i = 0; i < (int)n; i++) {
		snprintf(name, sizeof(name), "e%06d", i);
		fd = memfd_create(name, 0);
		CHECK(fd, "memfd_create");
		CHECK(fdbox_put(box, fd, name), "put");
	}
	return box;
}

/* 1 and 2: one sample of PUT, GET, and SEAL, with @n entries. */
static void bench_box(int box, unsigned int n, uint64_t *rnd)
{
	uint64_t t0, t_put = 0, t_get = 0;
	char name[32];
	int fd, i;

	for (i = 0; i < BENCH_OPS; i++) {
		snprintf(name, sizeof(name), "e%06d", (int)(xorshift(rnd) % n));
		t0 = now_ns();
		fd = fdbox_get(box, name);
		t_get += now_ns() - t0;
		CHECK(fd, "get");
		t0 = now_ns();
		CHECK(fdbox_put(box, fd, name), "put");
		t_put += now_ns() - t0;
	}
	sample("put_ns", n, (double)t_put / BENCH_OPS, "ns");
	sample("get_ns", n, (double)t_get / BENCH_OPS, "ns");

	/* The lookup alone: GET of names the box does not hold. */
	t_get = 0;
	for (i = 0; i < BENCH_OPS; i++) {
		snprintf(name, sizeof(name), "x%06d", (int)(xorshift(rnd) % n));
		t0 = now_ns();
		fd = fdbox_get(box, name);
		t_get += now_ns() - t0;
		if (fd != -ENOENT)
			die("get of a missing name", fd);
	}
	sample("get_miss_ns", n, (double)t_get / BENCH_OPS, "ns");

	t0 = now_ns();
	CHECK(fdbox_seal(box), "seal");
	sample("seal_us", n, (now_ns() - t0) / 1000.0, "us");
	CHECK(fdbox_unseal(box), "unseal");
}

/*
 * 1 and 2 for every box size, the sizes interleaved in each repetition so
 * that a slow spell of the (emulated) machine hits them all alike.
 */
static void bench_boxes(int ctl)
{
	uint64_t rnd = 88172645463325252ULL;
	int boxes[ARRAY_SIZE(box_sizes)];
	char box_name[32];
	unsigned int b;
	int rep;

	for (b = 0; b < ARRAY_SIZE(box_sizes); b++)
		boxes[b] = box_filled(ctl, box_sizes[b]);
	/* The name hash tables grow in a deferred worker: let it finish. */
	sleep(1);
	for (rep = 0; rep < BENCH_REPS; rep++)
		for (b = 0; b < ARRAY_SIZE(box_sizes); b++)
			bench_box(boxes[b], box_sizes[b], &rnd);
	for (b = 0; b < ARRAY_SIZE(box_sizes); b++) {
		close(boxes[b]);
		snprintf(box_name, sizeof(box_name), "bench-%u", box_sizes[b]);
		CHECK(fdbox_delete(ctl, box_name), "delete");
	}
}

/* A memfd of @size bytes, every page written. */
static int memfd_filled(const char *name, size_t size, unsigned int seed)
{
	static char buf[1 << 20];
	size_t off;
	int fd;

	memset(buf, 0x5a ^ seed, sizeof(buf));
	fd = memfd_create(name, 0);
	CHECK(fd, "memfd_create");
	for (off = 0; off < size; off += sizeof(buf)) {
		buf[0] = (char)(off >> 20);
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			die("pwrite", errno);
	}
	return fd;
}

static int session_create(int luo, const char *name)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };

	snprintf((char *)arg.name, sizeof(arg.name), "%s", name);
	if (ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &arg))
		return -errno;
	return arg.fd;
}

static int session_preserve(int session, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd arg = {
		.size = sizeof(arg),
		.fd = fd,
		.token = token,
	};

	return ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &arg) ? -errno : 0;
}

/*
 * Put the @fds in the SET_BOXES boxes bench-set-N and seal them; or, with
 * @back, unseal the boxes and take the files back into @fds.
 */
static void set_move(int *fds, bool back)
{
	char box_name[32], name[32];
	int b, i, box;

	for (b = 0; b < SET_BOXES; b++) {
		snprintf(box_name, sizeof(box_name), "bench-set-%d", b);
		box = fdbox_open_box(box_name);
		CHECK(box, "open set box");
		if (back)
			CHECK(fdbox_unseal(box), "unseal set");
		for (i = b; i < SET_FILES; i += SET_BOXES) {
			snprintf(name, sizeof(name), "f%04d", i);
			if (back)
				fds[i] = fdbox_get(box, name);
			CHECK(back ? fds[i] : fdbox_put(box, fds[i], name),
			      "put or get set");
		}
		if (!back)
			CHECK(fdbox_seal(box), "seal set");
		close(box);
	}
}

/* 3: PREPARE through FDBox against PRESERVE_FD into a session. */
static void bench_prepare(int ctl, int luo, int *fds)
{
	char box_name[32];
	uint64_t t0;
	int rep, i, session;

	for (i = 0; i < SET_BOXES; i++) {
		snprintf(box_name, sizeof(box_name), "bench-set-%d", i);
		CHECK(fdbox_create(ctl, box_name), "create set box");
	}
	for (rep = 0; rep < BENCH_REPS; rep++) {
		set_move(fds, false);
		t0 = now_ns();
		CHECK(luo_set_event(luo, LIVEUPDATE_PREPARE), "prepare");
		sample("prepare_fdbox_ms", SET_FILES, (now_ns() - t0) / 1e6,
		       "ms");
		CHECK(luo_set_event(luo, LIVEUPDATE_CANCEL), "cancel");
		set_move(fds, true);

		session = session_create(luo, "bench-prepare");
		CHECK(session, "create session");
		t0 = now_ns();
		for (i = 0; i < SET_FILES; i++)
			CHECK(session_preserve(session, fds[i], i),
			      "preserve fd");
		sample("prepare_luo_ms", SET_FILES, (now_ns() - t0) / 1e6,
		       "ms");
		close(session);	/* unpreserves them all */
	}
}

/* The two 1 GiB memfds: 4 KiB pages, and transparent huge pages. */
static const struct big {
	const char *box;
	const char *shmem_enabled;	/* while it is filled */
} bigs[] = {
	{ "bench-big", "never" },
	{ "bench-big-thp", "always" },
};

#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path, errno);
	close(fd);
}

/* Record, or compare with what was recorded, the frames of big @b. */
static void big_pfns(int b, int fd, bool compare)
{
	uint64_t *pfns, *old = NULL, entry;
	unsigned long i, same = 0;
	char path[64], *p;
	int pm, f;

	snprintf(path, sizeof(path), "%s.%s", BENCH_PFNS, bigs[b].box);
	p = mmap(NULL, BIG_SIZE, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", errno);
	pfns = calloc(BIG_PAGES, sizeof(*pfns));
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (!pfns || pm < 0)
		die("pagemap", errno);
	for (i = 0; i < BIG_PAGES; i++) {
		if (pread(pm, &entry, 8, ((uintptr_t)p / 4096 + i) * 8) != 8)
			die("read pagemap", errno);
		/* Bit 63: present; bits 0-54: the frame number. */
		pfns[i] = entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
	}
	close(pm);
	munmap(p, BIG_SIZE);
	if (!pfns[0])
		die("pagemap shows no frame numbers (not root?)", EPERM);

	if (compare) {
		old = calloc(BIG_PAGES, sizeof(*old));
		f = open(path, O_RDONLY);
		if (!old || f < 0 ||
		    read(f, old, BIG_PAGES * 8) != (ssize_t)(BIG_PAGES * 8))
			die(path, errno);
		close(f);
		for (i = 0; i < BIG_PAGES; i++)
			same += old[i] == pfns[i];
		sample(b ? "pfn_same_thp_pct" : "pfn_same_pct", BIG_PAGES,
		       100.0 * same / BIG_PAGES, "%");
		free(old);
	}
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (f < 0 || write(f, pfns, BIG_PAGES * 8) != (ssize_t)(BIG_PAGES * 8))
		die(path, errno);
	close(f);
	free(pfns);
}

/* A new 1 GiB memfd for big @b, every page written. */
static int big_new(int b)
{
	int fd;

	write_str(THP_SHMEM, bigs[b].shmem_enabled);
	fd = memfd_filled("ram", BIG_SIZE, 1 + b);
	write_str(THP_SHMEM, "never");
	return fd;
}

/*
 * Hand the big memfds @fds to the next kernel: put each in its box, sealed,
 * send PREPARE, and only then record their frames: PREPARE pins the pages,
 * before it compaction may still move them.
 */
static void bigs_carry(int ctl, int *fds)
{
	int b, box, luo, keep[2];

	for (b = 0; b < 2; b++) {
		if (!fdbox_box_exists(bigs[b].box))
			CHECK(fdbox_create(ctl, bigs[b].box), "create big box");
		box = fdbox_open_box(bigs[b].box);
		CHECK(box, "open big box");
		keep[b] = dup(fds[b]);
		CHECK(keep[b], "dup");
		CHECK(fdbox_put(box, fds[b], "ram"), "put ram");
		CHECK(fdbox_seal(box), "seal big box");
		close(box);
	}
	luo = luo_open();
	CHECK(luo, "open /dev/liveupdate");
	CHECK(luo_set_event(luo, LIVEUPDATE_PREPARE), "prepare");
	close(luo);
	for (b = 0; b < 2; b++) {
		big_pfns(b, keep[b], false);
		close(keep[b]);
	}
}

/* 4 and 5, after a live update; the memfds back in @fds. */
static void bench_restore(int *fds)
{
	char *dst, *src;
	int b, box, rep, luo;
	uint64_t t0;

	for (b = 0; b < 2; b++) {
		box = fdbox_open_box(bigs[b].box);
		CHECK(box, "open big box");
		t0 = now_ns();
		CHECK(fdbox_unseal(box), "unseal big box");
		fds[b] = fdbox_get(box, "ram");
		CHECK(fds[b], "get ram");
		sample(b ? "restore_1g_thp_ms" : "restore_1g_ms", 1,
		       (now_ns() - t0) / 1e6, "ms");
		close(box);
		big_pfns(b, fds[b], true);
	}

	src = mmap(NULL, BIG_SIZE, PROT_READ, MAP_SHARED | MAP_POPULATE,
		   fds[0], 0);
	dst = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		die("mmap", errno);
	for (rep = 0; rep < BENCH_REPS; rep++) {
		t0 = now_ns();
		memcpy(dst, src, BIG_SIZE);
		sample("memcpy_1g_ms", 1, (now_ns() - t0) / 1e6, "ms");
	}
	if (memcmp(dst, src, 4096))
		die("memcpy", EIO);
	munmap(src, BIG_SIZE);
	munmap(dst, BIG_SIZE);

	/* FINISH, so that the next live update can PREPARE. */
	luo = luo_open();
	CHECK(luo, "open /dev/liveupdate");
	if (luo_get_state(luo) == LIVEUPDATE_STATE_UPDATED)
		CHECK(luo_set_event(luo, LIVEUPDATE_FINISH), "finish");
	close(luo);
}

static double read_ull(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%llu", &v) != 1)
		die(path, errno ? errno : EIO);
	fclose(f);
	return (double)v;
}

static void stage1(int ctl)
{
	static int fds[SET_FILES], set_b[SET_FILES];
	struct rlimit rl = { 4 * SET_FILES, 4 * SET_FILES };
	char name[32];
	int luo, session, i;

	unlink(BENCH_SAMPLES);
	CHECK(setrlimit(RLIMIT_NOFILE, &rl), "setrlimit");
	bench_boxes(ctl);

	for (i = 0; i < SET_FILES; i++) {
		snprintf(name, sizeof(name), "f%04d", i);
		fds[i] = memfd_filled(name, SET_FILE_SIZE, i);
	}
	luo = luo_open();
	CHECK(luo, "open /dev/liveupdate");
	bench_prepare(ctl, luo, fds);

	/* What the live update carries. */
	set_move(fds, false);
	session = session_create(luo, "bench-freeze");
	CHECK(session, "create session");
	for (i = 0; i < SET_FILES; i++) {
		snprintf(name, sizeof(name), "g%04d", i);
		set_b[i] = memfd_filled(name, SET_FILE_SIZE, i);
		CHECK(session_preserve(session, set_b[i], i), "preserve fd");
		close(set_b[i]);
	}
	close(luo);
	fds[0] = big_new(0);
	fds[1] = big_new(1);
	bigs_carry(ctl, fds);

	/* A child holds the session until the kexec, as LUO requires. */
	fflush(stdout);
	if (fork() == 0) {
		setsid();
		close(0);
		close(1);
		close(2);
		for (;;)
			pause();
	}
}

struct figure {
	char name[32];
	unsigned long param;
	char unit[8];
	double v[64];
	int n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct figure figs[32];
static int nr_figs;

static struct figure *fig_find(const char *name, unsigned long param)
{
	int i;

	for (i = 0; i < nr_figs; i++)
		if (!strcmp(figs[i].name, name) && figs[i].param == param)
			return &figs[i];
	return NULL;
}

static double fig_median(const char *name, unsigned long param)
{
	struct figure *f = fig_find(name, param);

	return f ? f->v[f->n / 2] : 0;
}

static void ratio_line(const char *name, double num, double den, double target)
{
	double r = num > 0 && den > 0 ? num / den : -1;
	const char *met = r < 0 ? "no samples" : r <= target ? "met" : "MISSED";

	printf("  %-34s %10.3f   target <= %.1f   %s\n", name, r, target, met);
	printf("{\"figure\":\"%s\",\"ratio\":%.4f,\"target\":%.1f,\"met\":%s}\n",
	       name, r, target, r >= 0 && r <= target ? "true" : "false");
}

/* Every sample of @fig must be 100 %: each live update kept every frame. */
static void pfn_line(const char *name, const char *fig)
{
	struct figure *f = fig_find(fig, BIG_PAGES);
	bool met = f && f->n && f->v[0] == 100.0;

	printf("  %-34s %10.3f %%   target 100 %%   %s\n", name,
	       f && f->n ? f->v[0] : 0, met ? "met" : "MISSED");
	printf("{\"figure\":\"%s\",\"min_pct\":%.3f,\"target\":100,\"met\":%s}\n",
	       name, f && f->n ? f->v[0] : 0, met ? "true" : "false");
}

static void summary(void)
{
	char name[32], unit[8];
	unsigned long param;
	struct figure *f;
	double v;
	FILE *in;
	int i;

	in = fopen(BENCH_SAMPLES, "r");
	if (!in)
		die("open " BENCH_SAMPLES, errno);
	while (fscanf(in, "%31s %lu %lf %7s", name, &param, &v, unit) == 4) {
		f = fig_find(name, param);
		if (!f && nr_figs < 32) {
			f = &figs[nr_figs++];
			snprintf(f->name, sizeof(f->name), "%s", name);
			snprintf(f->unit, sizeof(f->unit), "%s", unit);
			f->param = param;
		}
		if (f && f->n < 64)
			f->v[f->n++] = v;
	}
	fclose(in);

	printf("\nFDBox benchmark (median of n samples, min, max)\n");
	printf("  %-22s %8s %12s %12s %12s %4s\n", "figure", "param",
	       "median", "min", "max", "n");
	for (i = 0; i < nr_figs; i++) {
		f = &figs[i];
		qsort(f->v, f->n, sizeof(double), cmp_double);
		printf("  %-22s %8lu %12.3f %12.3f %12.3f %4d %s\n", f->name,
		       f->param, f->v[f->n / 2], f->v[0], f->v[f->n - 1],
		       f->n, f->unit);
	}
	for (i = 0; i < nr_figs; i++) {
		f = &figs[i];
		printf("{\"figure\":\"%s\",\"param\":%lu,\"unit\":\"%s\",",
		       f->name, f->param, f->unit);
		printf("\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"n\":%d}\n",
		       f->v[f->n / 2], f->v[0], f->v[f->n - 1], f->n);
	}

	printf("\nRatios\n");
	ratio_line("put_100k/put_10", fig_median("put_ns", 100000),
		   fig_median("put_ns", 10), 1.5);
	ratio_line("get_100k/get_10", fig_median("get_ns", 100000),
		   fig_median("get_ns", 10), 1.5);
	ratio_line("get_miss_100k/get_miss_10",
		   fig_median("get_miss_ns", 100000),
		   fig_median("get_miss_ns", 10), 1.5);
	ratio_line("prepare+freeze_fdbox/luo",
		   fig_median("prepare_fdbox_ms", SET_FILES) +
		   fig_median("freeze_fdbox_ms", SET_FILES + 2),
		   fig_median("prepare_luo_ms", SET_FILES) +
		   fig_median("freeze_luo_ms", SET_FILES), 1.0);
	ratio_line("restore_1g/memcpy_1g", fig_median("restore_1g_ms", 1),
		   fig_median("memcpy_1g_ms", 1), 0.1);
	ratio_line("restore_1g_thp/memcpy_1g",
		   fig_median("restore_1g_thp_ms", 1),
		   fig_median("memcpy_1g_ms", 1), 0.1);
	pfn_line("pfn_same", "pfn_same_pct");
	pfn_line("pfn_same_thp", "pfn_same_thp_pct");
}

int main(void)
{
	int ctl = fdbox_open_ctl(), fds[2];
	char cs[32] = "";
	FILE *f;

	/* Figures of a few microseconds need more than the jiffies clock. */
	f = fopen(CLOCKSOURCE, "r");
	fine_clock = f && fgets(cs, sizeof(cs), f) && !strstr(cs, "jiffies");
	if (f)
		fclose(f);
	if (!fine_clock)
		printf("bench: stage %d: clocksource %s: no timing in this stage\n",
		       carry_stage(), cs[0] ? cs : "unknown");
	/* Without stage 1's figures there is nothing to compare. */
	if (!fine_clock && carry_stage() == 1)
		die("stage 1 has no fine clock; run again", EINVAL);
	CHECK(ctl, "open " FDBOX_CTL_PATH);
	if (carry_stage() == 1) {
		stage1(ctl);
		return 0;
	}
	if (carry_stage() == 2) {
		/*
		 * The sets carried by the first live update: 1,000 memfds
		 * each, and the two big ones more in FDBox's.
		 */
		sample("freeze_fdbox_ms", SET_FILES + 2,
		       read_ull("/sys/kernel/liveupdate/freeze_ns") / 1e6, "ms");
		sample("freeze_luo_ms", SET_FILES,
		       read_ull("/sys/kernel/liveupdate/sessions_freeze_ns") / 1e6,
		       "ms");
	}
	bench_restore(fds);
	if (carry_stage() >= vm_stages())
		summary();
	else
		bigs_carry(ctl, fds);
	return 0;
}
