/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the hugetlb memfd tests: the pool counters, as /proc/meminfo
 * and the 2 MiB size's sysfs directory show them, and memfds of 2 MiB
 * pages filled with a pattern that tells every 8 bytes apart.
 */
#ifndef _FDBOX_HUGETLB_H
#define _FDBOX_HUGETLB_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kernel-page-flags.h>

#include "fdbox_run.h"
#include "fdbox_util.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif
#ifndef MFD_HUGE_1GB
#define MFD_HUGE_1GB	(30U << 26)
#endif

#define HUGE_SIZE	(2UL << 20)
#define HUGE_SYSFS	"/sys/kernel/mm/hugepages/hugepages-2048kB/"
/* The VM runner boots every kernel with this many 2 MiB pages. */
#define HUGE_POOL	16

/* The carry test's memfd of huge pages: its box, size, and its record. */
#define CARRY_HUGE_BOX		"carry-hugetlb"
#define CARRY_HUGE_PAGES	4
#define CARRY_HUGE_POS		12345
/*
 * As MFD_NOEXEC_SEAL seals one, which must come back writable: sealing an
 * executable memfd against exec would seal it against writes too.
 */
#define CARRY_HUGE_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_EXEC)
#define CARRY_HUGE_RECORD	"/fdbox/carry-hugetlb.record"
/* The huge pages of the box that nobody claims: FINISH adds them to the pool. */
#define CARRY_UNCLAIMED_HUGE_PAGES	2

/*
 * In this stage the carry verify test sizes the pool with nr_hugepages
 * before UNSEAL, as a sysctl at boot would: no room is left, and the
 * carried pages, retrieved or unclaimed, are surplus.
 */
#define CARRY_HUGE_NO_ROOM_STAGE	3

/*
 * The damaged live update: the last one of a run of four stages or more
 * (after the carry tests'), that the QEMU scenario's setup prepares. Each
 * box's hugetlb memfd has its hugetlb_luo data damaged; UNSEAL fails with
 * the errno given.
 */
#define HUGE_DAMAGED_RECORD	"/fdbox/hugetlb-damaged.record"
#define HUGE_DAMAGED_BOXES	5
#define HUGE_DAMAGED_PAGES	2

static const struct {
	const char *box;
	const char *damage;
	int err;
} huge_damaged[HUGE_DAMAGED_BOXES] = {
	{ "hugetlb-damaged-size", "hugetlb-size", -EINVAL },
	{ "hugetlb-damaged-shift", "hugetlb-shift", -EOPNOTSUPP },
	{ "hugetlb-damaged-count", "hugetlb-count", -EINVAL },
	{ "hugetlb-damaged-index", "hugetlb-index-dup", -EINVAL },
	{ "hugetlb-damaged-reverse", "hugetlb-reverse", -EINVAL },
};

/* Whether the live update into stage @stage is the damaged one. */
static inline bool huge_damaged_stage(int stage)
{
	return fdbox_stages() >= 4 && stage == fdbox_stages();
}

struct huge_counts {
	/* /proc/meminfo: HugePages_Total, _Free, _Rsvd, _Surp. */
	long total, free, rsvd, surp;
	/* sysfs: nr_hugepages (all pages, surplus ones too), free, resv, surplus. */
	long nr, sfree, sresv, ssurp;
};

/* The counter @name of the pool whose sysfs directory is @dir, or -1. */
static inline long hstate_sysfs(const char *dir, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	return fdbox_read_number(path);
}

static inline void huge_counts(struct huge_counts *c)
{
	char line[128];
	long v;
	FILE *f;

	memset(c, 0xff, sizeof(*c));
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "HugePages_Total: %ld", &v) == 1)
			c->total = v;
		else if (sscanf(line, "HugePages_Free: %ld", &v) == 1)
			c->free = v;
		else if (sscanf(line, "HugePages_Rsvd: %ld", &v) == 1)
			c->rsvd = v;
		else if (sscanf(line, "HugePages_Surp: %ld", &v) == 1)
			c->surp = v;
	}
	if (f)
		fclose(f);
	c->nr = hstate_sysfs(HUGE_SYSFS, "nr_hugepages");
	c->sfree = hstate_sysfs(HUGE_SYSFS, "free_hugepages");
	c->sresv = hstate_sysfs(HUGE_SYSFS, "resv_hugepages");
	c->ssurp = hstate_sysfs(HUGE_SYSFS, "surplus_hugepages");
}

/* Whether the two views agree. */
static inline bool huge_counts_agree(const struct huge_counts *c)
{
	return c->total >= 0 && c->nr == c->total &&
	       c->sfree == c->free && c->sresv == c->rsvd &&
	       c->ssurp == c->surp;
}

static inline uint64_t huge_word(uint64_t seed, size_t off)
{
	return (seed ^ off) * 0x9e3779b97f4a7c15ULL;
}

/* A memfd of @pages 2 MiB pages, every word written; -errno on failure. */
static inline int huge_memfd(const char *name, size_t pages, uint64_t seed)
{
	size_t size = pages * HUGE_SIZE, i;
	uint64_t *p;
	int fd;

	fd = memfd_create(name, MFD_HUGETLB | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size))
		goto err;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto err;
	for (i = 0; i < size / 8; i++)
		p[i] = huge_word(seed, i * 8);
	munmap(p, size);
	return fd;
err:
	i = errno;
	close(fd);
	return -(int)i;
}

/*
 * The frames of @n pages mapped @stride bytes apart from @p, as pagemap
 * gives them (root only): 0, -ENODATA if one is not present, or -errno.
 */
static inline long huge_frames(const void *p, size_t n, size_t stride,
			       uint64_t *pfns)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	long ret = 0;
	size_t i;

	if (pm < 0)
		return -errno;
	/* Bit 63: present; bits 0-54: the frame. */
	for (i = 0; i < n && !ret; i++) {
		uintptr_t page = ((uintptr_t)p + i * stride) / 4096;

		if (pread(pm, &pfns[i], 8, page * 8) != 8)
			ret = -EIO;
		else if (!(pfns[i] >> 63) || !(pfns[i] & ((1ULL << 55) - 1)))
			ret = -ENODATA;
		pfns[i] &= (1ULL << 55) - 1;
	}
	close(pm);
	return ret;
}

/*
 * Whether the @n frames from @pfn are one hugetlb folio, as
 * /proc/kpageflags shows them (root only): its head, then its tails, each
 * one of a hugetlb folio. A live update's restore sets up every tail: a
 * tail it missed is a folio of its own to page_folio(). 0 if all are, the
 * index + 1 of the first that is not, or -errno.
 */
static inline long huge_folio_check(uint64_t pfn, size_t n)
{
	const uint64_t mask = 1ULL << KPF_COMPOUND_HEAD |
			      1ULL << KPF_COMPOUND_TAIL | 1ULL << KPF_HUGE;
	uint64_t *flags = malloc(n * 8);
	long ret = flags ? 0 : -ENOMEM;
	int fd = -1;
	ssize_t len;
	size_t i;

	if (!ret) {
		fd = open("/proc/kpageflags", O_RDONLY);
		if (fd < 0)
			ret = -errno;
	}
	if (!ret) {
		len = pread(fd, flags, n * 8, pfn * 8);
		if (len != (ssize_t)(n * 8))
			ret = len < 0 ? -errno : -EIO;
	}
	if (!n)
		ret = -EINVAL;
	for (i = 0; i < n && !ret; i++)
		if ((flags[i] & mask) != (1ULL << KPF_HUGE |
					  1ULL << (i ? KPF_COMPOUND_TAIL :
						   KPF_COMPOUND_HEAD)))
			ret = i + 1;
	if (fd >= 0)
		close(fd);
	free(flags);
	return ret;
}

/*
 * A record that a setup test leaves to the verify test of the next stage:
 * @n numbers (a seed, frames), one a line, written to @path: 0 or -errno.
 */
static inline int huge_record_write(const char *path, const uint64_t *v,
				    size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < n; i++)
		fprintf(f, "%llu\n", (unsigned long long)v[i]);
	return fclose(f) ? -errno : 0;
}

/*
 * Read the @n numbers of record @path into @v, and remove it once read:
 * 0, -ENOENT if there is none, -EIO if it holds fewer, or -errno.
 */
static inline int huge_record_read(const char *path, uint64_t *v, size_t n)
{
	FILE *f = fopen(path, "r");
	unsigned long long x;
	int ret = 0;
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < n && !ret; i++) {
		if (fscanf(f, "%llu", &x) == 1)
			v[i] = x;
		else
			ret = -EIO;
	}
	fclose(f);
	if (!ret)
		unlink(path);
	return ret;
}

/*
 * Check every word of memfd @fd of @pages 2 MiB pages and, if @pfns is not
 * NULL, give the frame of each page's start: 0 if all is well, the byte
 * offset + 1 of the first wrong word, or -errno.
 */
static inline long huge_check(int fd, size_t pages, uint64_t seed,
			      uint64_t *pfns)
{
	size_t size = pages * HUGE_SIZE, i;
	long ret = 0;
	uint64_t *p;

	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < size / 8; i++) {
		if (p[i] != huge_word(seed, i * 8)) {
			ret = i * 8 + 1;
			goto out;
		}
	}
	if (pfns)
		ret = huge_frames(p, pages, HUGE_SIZE, pfns);
out:
	munmap(p, size);
	return ret;
}

/*
 * 1 GiB pages (fdbox_gigantic_setup_test, fdbox_gigantic_verify_test): a
 * memfd of one such page carried across three live updates, taken back
 * after the first, unclaimed at the others, in a VM of its own of four
 * stages booted with a pool of one (hugepagesz=1G hugepages=1).
 */
#define GIGA_SIZE	(1024 * HUGE_SIZE / 2)
#define GIGA_SYSFS	"/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#define GIGA_BOX	"gigantic"
#define GIGA_RECORD	"/fdbox/gigantic.record"
#define GIGA_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW)
#define GIGA_SEED	0x61676967ULL
/* One word of each 4 KiB page: enough to tell frames and contents apart. */
#define GIGA_STRIDE	4096

/* nr_, free_, surplus_ and resv_hugepages of 1 GiB pages. */
struct giga_counts {
	long nr, free, surp, resv;
};

static inline void giga_counts(struct giga_counts *c)
{
	c->nr = hstate_sysfs(GIGA_SYSFS, "nr_hugepages");
	c->free = hstate_sysfs(GIGA_SYSFS, "free_hugepages");
	c->surp = hstate_sysfs(GIGA_SYSFS, "surplus_hugepages");
	c->resv = hstate_sysfs(GIGA_SYSFS, "resv_hugepages");
}

/* Whether the kernel booted with a pool of 1 GiB pages. */
static inline bool giga_booted(void)
{
	char cmdline[4096];

	return !fdbox_cmdline(cmdline, sizeof(cmdline)) &&
	       strstr(cmdline, "hugepagesz=1G hugepages=");
}

/*
 * The stages of the 1 GiB page: boxed in stage 1, taken back in stage 2,
 * boxed again there and in stage 3, left unclaimed in stages 3 and 4. In
 * stage 4 the pool's size is set to nothing first: FINISH must give the
 * page to the page allocator. GIGA_FREE_RECORD holds free_kb() before FINISH.
 */
#define GIGA_VERIFY_STAGE	2
#define GIGA_UNCLAIMED_STAGE	3
#define GIGA_NO_ROOM_STAGE	4
#define GIGA_FREE_RECORD	"/fdbox/gigantic.free"

/*
 * Why the test of stages @first to @last has nothing to do here, or NULL;
 * a setup test (@setup) needs a live update after its stage, too.
 */
static inline const char *giga_skip(int first, int last, bool setup)
{
	if (!giga_booted())
		return "no pool of 1 GiB pages on the command line";
	if (fdbox_stage() < first || fdbox_stage() > last)
		return "not a stage of this test";
	if (setup && fdbox_stage() >= fdbox_stages())
		return "no live update follows this stage";
	return NULL;
}

/*
 * 2 MiB pages across a boot that sizes no pool of them, in the same VM
 * (whose command line has hugepages= for the 1 GiB size alone):
 * nopool_setup sizes the 2 MiB pool at run time in stage 1 and boxes a
 * memfd of NOPOOL_PAGES of its pages; in stage 2 nopool_verify takes them
 * back as surplus pages, which go back to the page allocator with the
 * file. NOPOOL_RECORD holds their frames after a PREPARE and CANCEL.
 * fallocate() gave the memfd its last page, zeroed, and a size in the
 * middle of it, NOPOOL_SIZE: a truncate or a mapping of the file would
 * have left a multiple of the page size.
 */
#define NOPOOL_BOX	"nopool"
#define NOPOOL_PAGES	2
#define NOPOOL_SIZE	((NOPOOL_PAGES - 1) * HUGE_SIZE + HUGE_SIZE / 2)
#define NOPOOL_SEED	0x6e6f706fULL
#define NOPOOL_RECORD	"/fdbox/nopool.record"
#define NOPOOL_STAGE	2

/*
 * The no-pool memfd @fd: the pattern of NOPOOL_SEED in each page but the
 * last, zeros in the last; its frames in @pfns. 0, the offset + 1 of the
 * first word that differs, or -errno.
 */
static inline long nopool_check(int fd, uint64_t *pfns)
{
	const size_t size = NOPOOL_PAGES * HUGE_SIZE;
	const size_t last = (NOPOOL_PAGES - 1) * HUGE_SIZE;
	uint64_t *p;
	long ret = 0;
	size_t i;

	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < size / 8 && !ret; i++)
		if (p[i] != (i * 8 < last ? huge_word(NOPOOL_SEED, i * 8) : 0))
			ret = i * 8 + 1;
	if (!ret)
		ret = huge_frames(p, NOPOOL_PAGES, HUGE_SIZE, pfns);
	munmap(p, size);
	return ret;
}

/* The frame recorded for the page by the stage before, or 0. */
static inline uint64_t giga_recorded(void)
{
	long long pfn = fdbox_read_number(GIGA_RECORD);

	unlink(GIGA_RECORD);
	return pfn > 0 ? pfn : 0;
}

/*
 * Write (@check false) or check the pattern of @fd's page; give its frame.
 * 0 if all is well, the byte offset + 1 of the first wrong word, or -errno.
 */
static inline long giga_pattern(int fd, bool check, uint64_t *pfn)
{
	size_t off;
	long ret = 0;
	uint64_t *p;

	p = mmap(NULL, GIGA_SIZE, PROT_READ | (check ? 0 : PROT_WRITE),
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (off = 0; off < GIGA_SIZE; off += GIGA_STRIDE) {
		if (!check) {
			p[off / 8] = huge_word(GIGA_SEED, off);
		} else if (p[off / 8] != huge_word(GIGA_SEED, off)) {
			ret = off + 1;
			goto out;
		}
	}
	ret = huge_frames(p, 1, GIGA_SIZE, pfn);
out:
	munmap(p, GIGA_SIZE);
	return ret;
}

/*
 * A memfd of one 1 GiB page, with memfd_create() @flags besides the huge
 * page ones, its pattern written (giga_pattern()) and its frame in @pfn:
 * the descriptor, or -errno.
 */
static inline int giga_memfd(unsigned int flags, uint64_t *pfn)
{
	int fd = memfd_create("gigantic", MFD_HUGETLB | MFD_HUGE_1GB | flags);
	long err;

	if (fd < 0)
		return -errno;
	err = ftruncate(fd, GIGA_SIZE) ? -errno : giga_pattern(fd, false, pfn);
	if (err) {
		close(fd);
		return err < 0 ? err : -EIO;
	}
	return fd;
}

#endif /* _FDBOX_HUGETLB_H */
