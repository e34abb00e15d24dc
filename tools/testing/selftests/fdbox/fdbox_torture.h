/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the FDBox torture tests: fdbox_torture_test races every
 * operation against every other in one kernel, fdbox_torture_setup_test
 * and fdbox_torture_verify_test race UNSEAL, GET and DELETE of the boxes a
 * live update carried against FINISH.
 *
 * Every thread draws from a PRNG of its own, derived from the run's seed,
 * and is pinned to one CPU, round robin over those the test may use, so
 * that racers numbered in a row really run at the same time. Every memfd
 * holds the pattern of a 64-bit key, which its first bytes name: a GET
 * that returns the wrong file, or a file whose size or any byte changed,
 * is caught, and the log says whose file came back.
 *
 * Manifest of the live update torture (one line each):
 *   torture STAGE SEED
 *   box NAME
 *   entry BOX NAME SIZE KEY
 */
#ifndef _FDBOX_TORTURE_H
#define _FDBOX_TORTURE_H

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdbox_run.h"
#include "fdbox_util.h"
#include "../kselftest.h"

/* splitmix64: a good 64-bit mix, and the step of the per-thread PRNG. */
static inline uint64_t tt_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct tt_rng {
	uint64_t state;
};

/* The PRNG of stream @stream (a thread, a box) of the run of @seed. */
static inline void tt_rng_init(struct tt_rng *r, uint64_t seed,
			       uint64_t stream)
{
	r->state = tt_mix(seed ^ tt_mix(stream + 1));
}

static inline uint64_t tt_rand(struct tt_rng *r)
{
	r->state += 0x9e3779b97f4a7c15ULL;
	return tt_mix(r->state);
}

/* Uniform in [0, @n), @n > 0; the bias of the modulo does not matter here. */
static inline unsigned int tt_below(struct tt_rng *r, unsigned int n)
{
	return tt_rand(r) % n;
}

/*
 * The seed of the run: the environment variable @env if set, so that a
 * failure can be replayed, otherwise a random one.
 */
static inline uint64_t tt_seed(const char *env)
{
	const char *s = getenv(env);
	uint64_t seed;

	if (s && *s)
		return strtoull(s, NULL, 0);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return seed;
}

/*
 * The stage whose end the setup test fills boxes at, or 0: the one before
 * the last, whose live update the verify test then owns. In a run of the
 * whole suite, not before the carry tests' live updates (the first three
 * stages), whose verify test sends FINISH first; a -T selection has
 * them or not, as the user chose.
 */
static inline int tt_setup_stage(void)
{
	int stage = fdbox_stages() - 1;

	if (stage < 1 || (stage < 3 && !fdbox_tests_selected()))
		return 0;
	return stage;
}

/* CLOCK_MONOTONIC in ns: shared by all processes, for the time caps. */
static inline uint64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The CPUs the test may run on, as the affinity of the calling thread
 * gives them, into @cpus (room for CPU_SETSIZE); their number, or a
 * negative errno. Call it before any thread pins itself.
 */
static inline int tt_cpus(int *cpus)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n;
}

/*
 * Pin the calling thread to the @idx-th of the @n CPUs @cpus, round robin,
 * so that racers numbered in a row land on different CPUs. 0 or a
 * negative errno.
 */
static inline int tt_pin(const int *cpus, int n, unsigned int idx)
{
	cpu_set_t set;

	if (n <= 0)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpus[idx % n], &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Largest file the torture tests make. */
#define TT_MAX_SIZE	(64 * 1024)

/*
 * The contents of the file of @key, @size bytes, into @buf: its first
 * eight bytes are the key itself, so that a wrong file names itself; the
 * rest a stream of the key.
 */
static inline void tt_pattern(uint8_t *buf, size_t size, uint64_t key)
{
	uint64_t w;
	size_t off;

	for (off = 0; off < size; off += sizeof(w)) {
		w = off ? tt_mix(key ^ (off * 0x2545f4914f6cdd1dULL)) : key;
		memcpy(buf + off, &w, size - off < sizeof(w) ? size - off :
							      sizeof(w));
	}
}

/* A memfd of @size (at most TT_MAX_SIZE) bytes of the pattern of @key. */
static inline int tt_memfd(const char *name, size_t size, uint64_t key)
{
	uint8_t buf[TT_MAX_SIZE];
	int fd;

	if (size > sizeof(buf))
		return -EINVAL;
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	tt_pattern(buf, size, key);
	if (pwrite(fd, buf, size, 0) != (ssize_t)size) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/*
 * 0 if @fd holds exactly the @size bytes of the pattern of @key. Otherwise
 * -EFBIG (another size), -EIO (unreadable) or -EILSEQ (other bytes); *@found
 * then gets the key its first bytes name, if it has them.
 */
static inline int tt_check(int fd, size_t size, uint64_t key,
			   uint64_t *found)
{
	uint8_t buf[TT_MAX_SIZE + 1], want[TT_MAX_SIZE];
	ssize_t n;

	*found = 0;
	if (size > TT_MAX_SIZE)
		return -EINVAL;
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -EIO;
	if ((size_t)n >= sizeof(*found))
		memcpy(found, buf, sizeof(*found));
	if ((size_t)n != size)
		return -EFBIG;
	tt_pattern(want, size, key);
	return memcmp(buf, want, size) ? -EILSEQ : 0;
}

/*
 * The number of fds open in the calling process. Only meaningful while no
 * other thread of it opens or closes any.
 */
static inline int tt_count_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	/* Less the one the listing itself used. */
	return n - 1;
}

/*
 * Errno allow-lists: TT_ERRNOS(EBUSY, ENODEV) is the list of errnos an
 * operation may fail with; tt_allowed() says whether the negative errno
 * @err is one of them.
 */
#define TT_ERRNOS(...)	((const int []){ __VA_ARGS__, 0 })

static inline bool tt_allowed(int err, const int *list)
{
	for (; *list; list++)
		if (err == -*list)
			return true;
	return false;
}

/* The name of the negative errno @err ("EBUSY"), for the log. */
static inline const char *tt_errname(int err)
{
	const char *s = err < 0 ? strerrorname_np(-err) : NULL;

	return s ?: "?";
}

/*
 * Per operation: calls, successes, and failures by errno (slot 0: an
 * errno beyond TT_MAX_ERRNO), for the summary and for the races that
 * must have happened; in shared memory when processes share them.
 */
#define TT_MAX_OPS	16
#define TT_MAX_ERRNO	134

struct tt_counts {
	atomic_ulong calls[TT_MAX_OPS];
	atomic_ulong ok[TT_MAX_OPS];
	atomic_ulong errs[TT_MAX_OPS][TT_MAX_ERRNO];
};

/*
 * Count the result @ret (an fd, 0, or a negative errno) of operation @op:
 * whether it is a success or one of the errnos of the list @allowed (NULL:
 * none is).
 */
static inline bool tt_count(struct tt_counts *c, int op, int ret,
			    const int *allowed)
{
	atomic_fetch_add(&c->calls[op], 1);
	if (ret >= 0) {
		atomic_fetch_add(&c->ok[op], 1);
		return true;
	}
	atomic_fetch_add(&c->errs[op][-ret < TT_MAX_ERRNO ? -ret : 0], 1);
	return allowed && tt_allowed(ret, allowed);
}

static inline unsigned long tt_errs(struct tt_counts *c, int op, int err)
{
	return atomic_load(&c->errs[op][err < TT_MAX_ERRNO ? err : 0]);
}

/*
 * A line of the test's own for the log, written in one write(2) so that
 * the lines of concurrent processes and threads do not mix.
 */
static inline __printf(1, 2) void tt_msg(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "# ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, n) < 0)
		return;
}

/* One line per operation of @c, named by @names, after @prefix. */
static inline void tt_print_counts(struct tt_counts *c,
				   const char *const *names, int nr_ops,
				   const char *prefix)
{
	char line[400];
	int op, e, n;

	for (op = 0; op < nr_ops; op++) {
		n = snprintf(line, sizeof(line), "%-17s %7lu calls %7lu ok",
			     names[op], atomic_load(&c->calls[op]),
			     atomic_load(&c->ok[op]));
		for (e = 0; e < TT_MAX_ERRNO && n < (int)sizeof(line) - 32; e++) {
			unsigned long nr = atomic_load(&c->errs[op][e]);

			if (nr)
				n += snprintf(line + n, sizeof(line) - n,
					      ", %s %lu",
					      e ? tt_errname(-e) : "other", nr);
		}
		tt_msg("%s: %s", prefix, line);
	}
}

/* Unexpected results: in shared memory when processes share them. */
struct tt_errors {
	atomic_int n;
};

/* Count an unexpected result, and describe the first TT_MAX_REPORTS. */
#define TT_MAX_REPORTS	20

static inline __printf(2, 3) void tt_error(struct tt_errors *errors,
					   const char *fmt, ...)
{
	char line[400];
	va_list ap;

	if (atomic_fetch_add(&errors->n, 1) >= TT_MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	tt_msg("torture: %s", line);
}

/* Shared anonymous memory for threads and forked processes, or NULL. */
static inline void *tt_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The live update torture's boxes and what went into them. */
#define TT_MANIFEST		"/fdbox/torture.manifest"
#define TT_MAX_BOXES		32
#define TT_MAX_ENTRIES		16
#define TT_BOX_NAME_LEN		32
#define TT_ENTRY_NAME_LEN	16

struct tt_mentry {
	char name[TT_ENTRY_NAME_LEN];
	size_t size;
	uint64_t key;
};

struct tt_mbox {
	char name[TT_BOX_NAME_LEN];
	int nr;
	struct tt_mentry e[TT_MAX_ENTRIES];
};

struct tt_manifest {
	int stage;
	uint64_t seed;
	int nr;
	struct tt_mbox box[TT_MAX_BOXES];
};

/*
 * Write @m to @path, whole or not at all: through a new file renamed over
 * it, so that a stage never finds half a manifest. 0 or a negative errno.
 */
static inline int tt_manifest_write(const char *path,
				    const struct tt_manifest *m)
{
	char tmp[256];
	int b, e, err = 0;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "torture %d %llu\n", m->stage, (unsigned long long)m->seed);
	for (b = 0; b < m->nr; b++) {
		const struct tt_mbox *box = &m->box[b];

		fprintf(f, "box %s\n", box->name);
		for (e = 0; e < box->nr; e++)
			fprintf(f, "entry %s %s %zu %llu\n", box->name,
				box->e[e].name, box->e[e].size,
				(unsigned long long)box->e[e].key);
	}
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static inline struct tt_mbox *tt_manifest_box(struct tt_manifest *m,
					      const char *name)
{
	int b;

	for (b = 0; b < m->nr; b++)
		if (!strcmp(m->box[b].name, name))
			return &m->box[b];
	return NULL;
}

/*
 * Read @path into @m: 0, -ENOENT if there is none, -EINVAL if it does not
 * parse (a line of an unknown kind, an entry of no box, too many).
 */
static inline int tt_manifest_read(const char *path, struct tt_manifest *m)
{
	char line[512], box[TT_BOX_NAME_LEN], name[TT_ENTRY_NAME_LEN];
	unsigned long long seed, key;
	int err = 0, stage, n;
	struct tt_mbox *b;
	size_t size;
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->stage = -1;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "torture %d %llu", &stage, &seed) == 2) {
			m->stage = stage;
			m->seed = seed;
		} else if (sscanf(line, "box %31s", box) == 1) {
			if (m->nr == TT_MAX_BOXES || tt_manifest_box(m, box)) {
				err = -EINVAL;
				continue;
			}
			snprintf(m->box[m->nr++].name, TT_BOX_NAME_LEN, "%s", box);
		} else if (sscanf(line, "entry %31s %15s %zu %llu", box, name,
				  &size, &key) == 4) {
			b = tt_manifest_box(m, box);
			if (!b || b->nr == TT_MAX_ENTRIES || size > TT_MAX_SIZE) {
				err = -EINVAL;
				continue;
			}
			n = b->nr++;
			snprintf(b->e[n].name, TT_ENTRY_NAME_LEN, "%s", name);
			b->e[n].size = size;
			b->e[n].key = key;
		} else {
			err = -EINVAL;
		}
	}
	fclose(f);
	if (!err && m->stage < 0)
		err = -EINVAL;
	return err;
}

#endif /* _FDBOX_TORTURE_H */
