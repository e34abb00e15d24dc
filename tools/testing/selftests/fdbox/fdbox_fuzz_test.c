// SPDX-License-Identifier: GPL-2.0
/*
 * Model-checked fuzzing of the FDBox ioctls, and of the live update state
 * machine's on /dev/liveupdate.
 *
 * The test keeps a shadow model of everything it touches: the boxes it
 * created (alive, sealed, carried by a live update) with their entries in
 * the order they were put, the files it made (a unique tag in each, their
 * size and seals, the bytes the test file handler's hooks write), every fd
 * number of its own, the live update state, and the pages its pointers may
 * point to. Before each ioctl the model works out, in the kernel's own
 * order of checks, what the call must return: an errno, 0, or the number
 * of the fd a GET installs. Any other answer is a mismatch, reported with
 * the call's index and arguments; the run stops after MAX_MISMATCHES.
 *
 * About 70% of the calls are well-formed operations on live boxes, half of
 * the GETs on names that are there; the others are hostile: undefined
 * flags, bad names, sizes and pointers (NULL, a read-only page, a guard
 * page, kernel addresses), the wrong device, random commands. A box that a
 * DELETE removes is created and opened again soon; the end of the run
 * checks that most box calls reached live boxes.
 *
 * Seeded and reproducible: the seed is printed, FDBOX_FUZZ_SEED=N replays
 * it and FDBOX_FUZZ_CALLS sets the number of calls (default DEFAULT_CALLS,
 * about a minute under QEMU's software emulation). Runs in stage 1 only.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/magic.h>

#include "fdbox_run.h"
#include "fdbox_util.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL		0x0008U
#endif

/*
 * About a minute under TCG with one guest CPU: the calls run at 4000 to
 * 7500 a second there, depending on how busy the host is (measured: 300000
 * in 41 s on a quiet host, 400000 in 68 to 98 s on a busy one). A KASAN
 * kernel is several times slower: it gets a quarter. Whatever the kernel,
 * the calls stop after MAX_SECONDS, well within the harness's time-out;
 * the log then says how many calls replay the run.
 */
#define DEFAULT_CALLS		350000
#define MAX_SECONDS		480

#define PAGE_SZ			4096UL
#define NR_SLOTS		4	/* boxes the fuzzer keeps alive */
#define MAX_BOXES		16	/* boxes of its own at a time */
#define MAX_ENTRIES		24	/* entries in one of its boxes */
#define MAX_FILES		192
#define MAX_TEST_FILES		12
#define MAX_FDS			1024
#define NR_NAMES		32	/* entry names it puts under */
#define MAX_OWNED		64	/* box names it ever created */
#define MAX_FOREIGN		256	/* boxes of others */
#define MAX_MISMATCHES		3
#define MAX_ERRNO		134	/* errnos counted per operation */
#define LIST_ELEM_MAX		4096	/* the driver's FDBOX_LIST_ELEM_MAX */

/*
 * Each file starts with the byte the test handler's hooks write ('S' or
 * 'U'), the byte that makes them fail ('s' or 'u'), and a unique tag.
 */
#define HDR_LEN			16
#define MAX_FILE_SIZE		(64 * 1024)

/*
 * The pages argument pointers point to: ARENA_RW bytes read-write, one
 * page the kernel can read but not write (a second, writable view of it
 * lets the test fill it), then a hole never mapped, whose first page is
 * the guard. Below LOW_UNMAPPED and above USER_TOP nothing is mapped.
 * Anything else may be mapped or not: the model refuses to guess.
 */
#define ARENA_RW		(64 * PAGE_SZ)
#define ARENA_HOLE		(64 * PAGE_SZ)
#define ARENA_SIZE		(ARENA_RW + PAGE_SZ + ARENA_HOLE)
#define LOW_UNMAPPED		0x10000UL
#define USER_TOP		0x800000000000UL

/* What the model answers for a call it cannot predict or must not make. */
#define NOPE			LONG_MIN

enum op {
	OP_CREATE,
	OP_DELETE,
	OP_PUT,
	OP_GET,
	OP_SEAL,
	OP_UNSEAL,
	OP_LIST_BOXES,
	OP_LIST_ENTRIES,
	OP_GET_STATE,
	OP_SET_EVENT,
	OP_RANDOM,
	NR_OPS
};

static const char *const op_names[NR_OPS] = {
	[OP_CREATE] = "CREATE_BOX",
	[OP_DELETE] = "DELETE_BOX",
	[OP_PUT] = "PUT_FD",
	[OP_GET] = "GET_FD",
	[OP_SEAL] = "SEAL",
	[OP_UNSEAL] = "UNSEAL",
	[OP_LIST_BOXES] = "LIST_BOXES",
	[OP_LIST_ENTRIES] = "LIST_ENTRIES",
	[OP_GET_STATE] = "GET_STATE",
	[OP_SET_EVENT] = "SET_EVENT",
	[OP_RANDOM] = "random cmd",
};

/* How often each operation is chosen, in parts of their sum. */
static const unsigned int op_weight[NR_OPS] = {
	[OP_CREATE] = 4,
	[OP_DELETE] = 3,
	[OP_PUT] = 22,
	[OP_GET] = 20,
	[OP_SEAL] = 5,
	[OP_UNSEAL] = 8,
	[OP_LIST_BOXES] = 6,
	[OP_LIST_ENTRIES] = 8,
	[OP_GET_STATE] = 3,
	[OP_SET_EVENT] = 4,
	[OP_RANDOM] = 5,
};

enum fd_kind {
	FD_NONE,	/* not open */
	FD_OTHER,	/* open before the test: never an ioctl target */
	FD_CTL,
	FD_BOX,
	FD_FILE,	/* a file of the model, not in a box */
	FD_FILECTL,	/* a second open file of a test handler file */
	FD_PIPE,
	FD_LUO,
	FD_OPATH,
};

enum file_kind {
	FK_MEMFD,
	FK_TEST,	/* a memfd the test handler owns: "fdbox-test..." */
	FK_TMPFILE,	/* O_TMPFILE in /tmp */
};

/* Paths worth counting, to show that the run went through them. */
enum note {
	NOTE_NONE,
	NOTE_CARRIED,		/* a carried box refused UNSEAL */
	NOTE_SEAL_SHARED,	/* SEAL refused: another entry holds a file */
	NOTE_ROLLBACK,		/* a hook failed after others ran */
	NOTE_EMFILE,		/* GET found no fd number left */
	NR_NOTES
};

static const char *const note_names[NR_NOTES] = {
	[NOTE_CARRIED] = "UNSEAL of a carried box",
	[NOTE_SEAL_SHARED] = "SEAL of a file another entry holds",
	[NOTE_ROLLBACK] = "hooks rolled back",
	[NOTE_EMFILE] = "GET without an fd left",
};

/* What a call changes in the model when the kernel answers as expected. */
enum effect {
	EFF_NONE,
	EFF_CREATE,
	EFF_DELETE,
	EFF_PUT,
	EFF_GET,
	EFF_HOOKS,	/* SEAL or UNSEAL, whether the hooks failed or not */
	EFF_PREPARE,
	EFF_CANCEL,
	EFF_LIST,
	EFF_STATE,
};

struct mfile {
	bool used;
	enum file_kind kind;
	int refs;		/* fds and entries that hold it */
	int ctl;		/* FK_TEST: the second open file, else -1 */
	unsigned int seals;
	__u64 size;
	ino_t ino;
	__u8 hdr[HDR_LEN];
};

struct mentry {
	int file;
	char name[FDBOX_NAME_LEN];
};

struct mbox {
	bool alive;
	bool sealed;
	bool carried;
	int slot;		/* -1: not one of the boxes kept alive */
	int nr_fds;		/* fds of the test on it, alive or not */
	int nr;
	char name[FDBOX_NAME_LEN];
	struct mentry ent[MAX_ENTRIES];	/* in the order they were put */
};

struct mfd {
	enum fd_kind kind;
	int obj;		/* FD_BOX: a box; FD_FILE, FD_FILECTL: a file */
	bool boxable;		/* FD_OTHER: a file FDBox would take */
};

struct foreign_box {
	char name[FDBOX_NAME_LEN];
	__u32 flags;
	__u32 nr_entries;
};

struct call {
	enum op op;
	int fd;
	unsigned int cmd;
	__u64 arg;
	rlim_t fdlimit;		/* RLIMIT_NOFILE for the call, 0 to keep it */
	char desc[400];
	long want;
	/* Set by the model: what to change and check after the call. */
	enum effect eff;
	enum note note;
	int box;
	int idx;
	int file;
	bool seal;
	char name[FDBOX_NAME_LEN];
	bool entries;
	__u32 n;
	__u32 stride;
	__u64 elems;
	__u64 filled;	/* bytes of the element buffer set to 0xa5 */
	__u8 b0[MAX_FILES];	/* hook bytes after SEAL or UNSEAL; last */
};

/* What the parent's teardown needs if the test dies. */
struct fuzz_owned {
	bool luo_used;
	int nr_owned;
	char owned[MAX_OWNED][FDBOX_NAME_LEN];
};

FIXTURE(fuzz) {
	struct fuzz_owned o;
};

static struct {
	__u64 rng;
	int ctl;
	int luo;		/* -1: the state machine is not fuzzed */
	int state;
	bool no_prepare;
	bool tmpfile_ok;
	bool tmpfile_boxable;
	__u8 *arena;
	__u8 *ro;		/* writable view of the read-only page */
	struct mbox boxes[MAX_BOXES];
	int slot_box[NR_SLOTS];
	char slot_name[NR_SLOTS][32];
	struct mfile files[MAX_FILES];
	int nr_test_files;
	struct mfd fds[MAX_FDS];
	int fd_top;		/* no fd of the model at or above */
	struct foreign_box foreign[MAX_FOREIGN];
	int nr_foreign;
	char names[NR_NAMES][FDBOX_NAME_LEN];
	unsigned int tags;
	struct rlimit nofile;
	unsigned long ncall;
	int mismatches;
	unsigned long calls[NR_OPS];
	unsigned long ok[NR_OPS];
	unsigned long errs[NR_OPS][MAX_ERRNO];
	unsigned long notes[NR_NOTES];
	unsigned long box_calls;
	unsigned long box_live;
	struct fuzz_owned *owned;	/* in the fixture, shared */
} fz;

static __u64 rnd(void)
{
	fz.rng ^= fz.rng << 13;
	fz.rng ^= fz.rng >> 7;
	fz.rng ^= fz.rng << 17;
	return fz.rng;
}

static unsigned int pick(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return pick(100) < percent;
}

/* A name of at most FDBOX_NAME_LEN - 1 bytes into a name buffer. */
static void copy_name(void *dst, const char *src)
{
	snprintf(dst, FDBOX_NAME_LEN, "%s", src);
}

static long sysret(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* A call's result for a log line: a number, or an errno's name. */
static const char *rstr(long v)
{
	static char buf[4][32];
	static int i;
	char *s = buf[i++ % 4];
	const char *name;

	if (v == NOPE)
		return "(unpredictable)";
	if (v >= 0) {
		snprintf(s, 32, "%ld", v);
		return s;
	}
	name = strerrorname_np(-v);
	snprintf(s, 32, "%s", name ? name : "?");
	return s;
}

/* @name with bytes that are not printable escaped, for log lines. */
static const char *pname(const char *name)
{
	static char buf[4][80];
	static int i;
	char *s = buf[i++ % 4];
	size_t o = 0;

	for (; *name && o < 70; name++) {
		unsigned char c = *name;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			s[o++] = c;
		else
			o += snprintf(s + o, 80 - o, "\\x%02x", c);
	}
	if (*name)
		o += snprintf(s + o, 80 - o, "...");
	s[o] = '\0';
	return s;
}

static __printf(1, 2) void mismatch(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ksft_print_msg("fuzz: MISMATCH at call %lu: %s\n", fz.ncall, buf);
	fz.mismatches++;
}

/* Check a syscall the model predicts (not one of the fuzzed ioctls). */
static bool expect_sys(const char *what, long got, long want)
{
	if (got == want)
		return true;
	mismatch("%s: expected %s, got %s", what, rstr(want), rstr(got));
	return false;
}

/* The fd model. */

static int lowest_free_fd(void)
{
	int fd;

	for (fd = 0; fd < MAX_FDS; fd++)
		if (fz.fds[fd].kind == FD_NONE)
			return fd;
	return MAX_FDS;
}

static void fdm_set(int fd, enum fd_kind kind, int obj)
{
	fz.fds[fd].kind = kind;
	fz.fds[fd].obj = obj;
	if (kind == FD_BOX)
		fz.boxes[obj].nr_fds++;
	if (fd >= fz.fd_top)
		fz.fd_top = fd + 1;
}

static void fdm_clear(int fd)
{
	if (fz.fds[fd].kind == FD_BOX)
		fz.boxes[fz.fds[fd].obj].nr_fds--;
	fz.fds[fd].kind = FD_NONE;
}

static bool fd_is_live_box(int fd)
{
	return fd >= 0 && fd < MAX_FDS && fz.fds[fd].kind == FD_BOX &&
	       fz.boxes[fz.fds[fd].obj].alive;
}

/*
 * A random fd of @kind, or -1. For FD_BOX, @live picks live (1) or dead
 * (0) boxes, and @sealed, when not -1, those sealed or not.
 */
static int any_fd(enum fd_kind kind, int live, int sealed)
{
	int fd, n = 0, found = -1;

	for (fd = 0; fd < fz.fd_top; fd++) {
		const struct mfd *m = &fz.fds[fd];

		if (m->kind != kind)
			continue;
		if (kind == FD_BOX) {
			const struct mbox *b = &fz.boxes[m->obj];

			if (live >= 0 && b->alive != live)
				continue;
			if (sealed >= 0 && (!b->alive || b->sealed != sealed))
				continue;
		}
		if (kind == FD_FILE && live >= 0 &&
		    (fz.files[m->obj].kind == FK_TMPFILE &&
		     !fz.tmpfile_boxable) == live)
			continue;
		if (!pick(++n))
			found = fd;
	}
	return found;
}

static int count_fds(enum fd_kind kind, int live)
{
	int fd, n = 0;

	for (fd = 0; fd < fz.fd_top; fd++)
		if (fz.fds[fd].kind == kind &&
		    (kind != FD_BOX || live < 0 ||
		     fz.boxes[fz.fds[fd].obj].alive == live))
			n++;
	return n;
}

/* Files in fds that FDBox would take. */
static int nr_boxable_loose(void)
{
	int fd, n = 0;

	for (fd = 0; fd < fz.fd_top; fd++)
		if (fz.fds[fd].kind == FD_FILE &&
		    (fz.files[fz.fds[fd].obj].kind != FK_TMPFILE ||
		     fz.tmpfile_boxable))
			n++;
	return n;
}

/* A number that is not an open fd. */
static int closed_fd(void)
{
	int fd;

	switch (pick(4)) {
	case 0:
		return -1;
	case 1:
		return INT_MAX;
	case 2:
		return MAX_FDS + pick(100000);
	default:
		fd = lowest_free_fd() + pick(8);
		return fd < MAX_FDS && fz.fds[fd].kind == FD_NONE ? fd : -1;
	}
}

/* Some fd of the test other than a live box's, or a closed one. */
static int other_fd(void)
{
	static const enum fd_kind kinds[] = {
		FD_CTL, FD_BOX, FD_FILE, FD_PIPE, FD_LUO, FD_OPATH, FD_FILECTL,
	};
	enum fd_kind kind = kinds[pick(ARRAY_SIZE(kinds))];
	int fd;

	if (!pick(5))
		return closed_fd();
	fd = any_fd(kind, kind == FD_BOX ? 0 : -1, -1);
	return fd >= 0 ? fd : closed_fd();
}

static const char *fd_str(int fd)
{
	static const char *const kinds[] = {
		[FD_NONE] = "closed", [FD_OTHER] = "not ours",
		[FD_CTL] = "control", [FD_BOX] = "box", [FD_FILE] = "file",
		[FD_FILECTL] = "test file's 2nd", [FD_PIPE] = "pipe",
		[FD_LUO] = "liveupdate", [FD_OPATH] = "O_PATH",
	};
	static char buf[4][128];
	static int i;
	char *s = buf[i++ % 4];
	const struct mfd *m;

	if (fd < 0 || fd >= MAX_FDS) {
		snprintf(s, 128, "%d (closed)", fd);
		return s;
	}
	m = &fz.fds[fd];
	if (m->kind == FD_BOX)
		snprintf(s, 128, "%d (%s box %s)", fd,
			 fz.boxes[m->obj].alive ? "live" : "deleted",
			 pname(fz.boxes[m->obj].name));
	else if (m->kind == FD_FILE)
		snprintf(s, 128, "%d (file %.14s)", fd,
			 (char *)fz.files[m->obj].hdr + 2);
	else
		snprintf(s, 128, "%d (%s)", fd, kinds[m->kind]);
	return s;
}

/* User memory, as the kernel finds it. */

enum { M_OK, M_FAULT, M_UNKNOWN };

static __u64 arena_addr(void)
{
	return (uintptr_t)fz.arena;
}

static int page_class(__u64 p, bool write)
{
	__u64 a = arena_addr();

	if (p >= a && p < a + ARENA_RW)
		return M_OK;
	if (p >= a + ARENA_RW && p < a + ARENA_RW + PAGE_SZ)
		return write ? M_FAULT : M_OK;
	if (p >= a && p < a + ARENA_SIZE)
		return M_FAULT;
	if (p < LOW_UNMAPPED || p >= USER_TOP)
		return M_FAULT;
	return M_UNKNOWN;
}

/*
 * Whether the kernel can copy @len bytes from or to @p. The copy fails if
 * any byte faults, whatever comes before it.
 */
static int access_class(__u64 p, __u64 len, bool write)
{
	int res = M_OK;
	__u64 q;

	if (!len)
		return M_OK;
	if (p + len < p)
		return M_FAULT;
	for (q = p & ~(PAGE_SZ - 1); q < p + len; q += PAGE_SZ) {
		int c = page_class(q, write);

		if (c == M_FAULT)
			return M_FAULT;
		if (c == M_UNKNOWN)
			res = M_UNKNOWN;
	}
	return res;
}

static __u8 peek(__u64 p)
{
	__u64 off = p - arena_addr();

	return off < ARENA_RW ? fz.arena[off] : fz.ro[off - ARENA_RW];
}

/* copy_from_user() and get_user(): 0, -EFAULT or NOPE. */
static long kcopy_in(void *dst, __u64 src, size_t len)
{
	size_t i;

	switch (access_class(src, len, false)) {
	case M_FAULT:
		return -EFAULT;
	case M_UNKNOWN:
		return NOPE;
	}
	for (i = 0; i < len; i++)
		((__u8 *)dst)[i] = peek(src + i);
	return 0;
}

static long kcan_write(__u64 dst, __u64 len)
{
	switch (access_class(dst, len, true)) {
	case M_FAULT:
		return -EFAULT;
	case M_UNKNOWN:
		return NOPE;
	}
	return 0;
}

/*
 * check_zeroed_user() as copy_struct_from_user() calls it: aligned words,
 * in order, until a fault or a non-zero byte.
 */
static long kzeroed(__u64 from, __u64 size)
{
	__u64 end = from + size, w, b;

	if (end < from)
		return -EFAULT;
	for (w = from & ~7ULL; w < end; w += 8) {
		int c = page_class(w, false);

		if (c != M_OK)
			return c == M_FAULT ? -EFAULT : NOPE;
		for (b = w < from ? from : w; b < w + 8 && b < end; b++)
			if (peek(b))
				return -E2BIG;
	}
	return 0;
}

/* The size-first argument convention: get_user() of the size, then copy. */
static long ksize_first(__u64 arg, void *dst, __u32 usize, size_t ksize)
{
	long err;

	if (usize < ksize)
		return -EINVAL;
	if (usize > ksize) {
		err = kzeroed(arg + ksize, usize - ksize);
		if (err)
			return err;
	}
	return kcopy_in(dst, arg, ksize);
}

/* Write @len bytes at user address @p, wherever the test can write. */
static void place(__u64 p, const void *src, size_t len)
{
	__u64 a = arena_addr(), i;

	for (i = 0; i < len; i++, p++) {
		if (p >= a && p < a + ARENA_RW)
			fz.arena[p - a] = ((const __u8 *)src)[i];
		else if (p >= a + ARENA_RW && p < a + ARENA_RW + PAGE_SZ)
			fz.ro[p - a - ARENA_RW] = ((const __u8 *)src)[i];
	}
}

static const char *ptr_str(__u64 p)
{
	static char buf[4][48];
	static int i;
	char *s = buf[i++ % 4];
	__u64 a = arena_addr();

	if (p >= a && p < a + ARENA_RW)
		snprintf(s, 48, "rw+%#llx", (unsigned long long)(p - a));
	else if (p >= a + ARENA_RW && p < a + ARENA_RW + PAGE_SZ)
		snprintf(s, 48, "ro+%#llx",
			 (unsigned long long)(p - a - ARENA_RW));
	else if (p >= a && p < a + ARENA_SIZE)
		snprintf(s, 48, "guard+%#llx",
			 (unsigned long long)(p - a - ARENA_RW - PAGE_SZ));
	else
		snprintf(s, 48, "%#llx", (unsigned long long)p);
	return s;
}

/* Where arguments go, and the element buffer of lists. */
static __u64 arg_ptr(void)
{
	return arena_addr() + 64;
}

static __u64 buf_ptr(void)
{
	return arena_addr() + PAGE_SZ;
}

static __u64 rw_end(void)
{
	return arena_addr() + ARENA_RW;
}

/* A pointer for @len bytes of argument that is not where it should be. */
static __u64 bad_ptr(size_t len)
{
	__u64 ro = rw_end(), guard = ro + PAGE_SZ;

	if (len > PAGE_SZ)
		len = PAGE_SZ;
	switch (pick(9)) {
	case 0:
		return 0;
	case 1:
		return pick(LOW_UNMAPPED);
	case 2:
		return guard + pick(PAGE_SZ);
	case 3:
		return guard + pick(ARENA_HOLE);
	case 4:
		return 0xffffffff81000000ULL + pick(PAGE_SZ);
	case 5:
		return 0x8000000000000000ULL | rnd();
	case 6:
		/* Starts read-write, ends in the read-only page. */
		return ro - 1 - pick(len);
	case 7:
		return ro + pick(PAGE_SZ - len + 1);
	default:
		/* Runs off the read-only page into the guard page. */
		return guard - 1 - pick(len);
	}
}

/* Files. */

static void file_unref(int fi)
{
	struct mfile *f = &fz.files[fi];

	if (--f->refs)
		return;
	if (f->ctl >= 0) {
		expect_sys("close of a test file's 2nd fd", sysret(close(f->ctl)),
			   0);
		fdm_clear(f->ctl);
		fz.nr_test_files--;
	}
	f->used = false;
}

/*
 * Whether the size of @fi is frozen: it is in a carried box (memfd_luo
 * froze it), or in a sealed one and the memfd handler, not the test
 * handler, holds it (its seal hook froze it).
 */
static bool file_frozen(int fi)
{
	bool memfd = fz.files[fi].kind != FK_TEST;
	int b, e;

	for (b = 0; b < MAX_BOXES; b++) {
		const struct mbox *box = &fz.boxes[b];

		if (!box->alive || !(box->carried || (memfd && box->sealed)))
			continue;
		for (e = 0; e < box->nr; e++)
			if (box->ent[e].file == fi)
				return true;
	}
	return false;
}

/* What makes the test handler's hooks fail: 's' SEAL, 'u' UNSEAL. */
static __u8 fail_byte(void)
{
	return "------su"[pick(8)];
}

/* Make a file with a unique tag, in a new fd. */
static void make_file(void)
{
	static const unsigned int seal_bits[] = {
		F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE,
		F_SEAL_SEAL,
	};
	unsigned int flags = MFD_CLOEXEC, i;
	struct mfile *f = NULL;
	int fi, fd, want;
	char tag[16];
	struct stat st;

	for (fi = 0; fi < MAX_FILES; fi++) {
		if (!fz.files[fi].used) {
			f = &fz.files[fi];
			break;
		}
	}
	if (!f)
		return;
	memset(f, 0, sizeof(*f));
	f->ctl = -1;
	f->kind = FK_MEMFD;
	if (!pick(6) && fz.nr_test_files < MAX_TEST_FILES)
		f->kind = FK_TEST;
	else if (!pick(6) && fz.tmpfile_ok)
		f->kind = FK_TMPFILE;

	want = lowest_free_fd();
	if (f->kind == FK_TEST) {
		fd = memfd_create("fdbox-test-fuzz", MFD_CLOEXEC);
	} else if (f->kind == FK_TMPFILE) {
		fd = open("/tmp", O_TMPFILE | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	} else {
		if (pick(2))
			flags |= MFD_ALLOW_SEALING;
		if (!pick(4))
			flags |= MFD_NOEXEC_SEAL;
		fd = memfd_create("fuzz", flags);
	}
	if (!expect_sys("a new file's fd", sysret(fd), want))
		return;
	fdm_set(fd, FD_FILE, fi);
	f->used = true;
	f->refs = 1;

	f->hdr[0] = '-';
	f->hdr[1] = f->kind == FK_TEST ? fail_byte() : '-';
	snprintf(tag, sizeof(tag), "tag-%010u", fz.tags++);
	memcpy(f->hdr + 2, tag, HDR_LEN - 2);
	expect_sys("pwrite of a tag", sysret(pwrite(fd, f->hdr, HDR_LEN, 0)),
		   HDR_LEN);
	f->size = HDR_LEN;
	if (!pick(3)) {
		f->size = HDR_LEN + pick(MAX_FILE_SIZE - HDR_LEN + 1);
		expect_sys("ftruncate of a new file",
			   sysret(ftruncate(fd, f->size)), 0);
	}
	if (expect_sys("fstat of a new file", sysret(fstat(fd, &st)), 0))
		f->ino = st.st_ino;

	if ((flags & MFD_ALLOW_SEALING) && pick(2)) {
		for (i = 0; i < ARRAY_SIZE(seal_bits); i++)
			if (!pick(3))
				f->seals |= seal_bits[i];
		expect_sys("F_ADD_SEALS",
			   sysret(fcntl(fd, F_ADD_SEALS, f->seals)), 0);
	}

	if (f->kind == FK_TEST) {
		char path[64];

		/* A second file on the inode: to see and steer the hooks. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		want = lowest_free_fd();
		f->ctl = open(path, O_RDWR | O_CLOEXEC);
		if (expect_sys("reopen of a test file", sysret(f->ctl), want)) {
			fdm_set(f->ctl, FD_FILECTL, fi);
			fz.nr_test_files++;
		} else {
			f->ctl = -1;
		}
	}
}

static void close_fd_checked(int fd)
{
	enum fd_kind kind = fz.fds[fd].kind;
	int obj = fz.fds[fd].obj;

	expect_sys("close", sysret(close(fd)), 0);
	fdm_clear(fd);
	if (kind == FD_FILE)
		file_unref(obj);
}

/* Read back a file a GET returned: its flags, inode, size and header. */
static void check_got_file(int fd, int fi)
{
	const struct mfile *f = &fz.files[fi];
	__u8 hdr[HDR_LEN];
	struct stat st;
	int flags;

	flags = fcntl(fd, F_GETFD);
	if (flags < 0 || !(flags & FD_CLOEXEC))
		mismatch("GET fd %d: not close-on-exec (%d)", fd, flags);
	if (fstat(fd, &st) || st.st_ino != f->ino ||
	    (__u64)st.st_size != f->size)
		mismatch("GET fd %d: inode %lu size %lld, expected %lu %llu",
			 fd, (unsigned long)st.st_ino, (long long)st.st_size,
			 (unsigned long)f->ino, (unsigned long long)f->size);
	if (pread(fd, hdr, HDR_LEN, 0) != HDR_LEN ||
	    memcmp(hdr, f->hdr, HDR_LEN))
		mismatch("GET fd %d: header '%.16s', expected '%.16s'", fd,
			 (char *)hdr, (char *)f->hdr);
}

/* The hook bytes of the test files in @box, as the model has them. */
static void check_hook_bytes(int b)
{
	const struct mbox *box = &fz.boxes[b];
	int e;

	for (e = 0; e < box->nr; e++) {
		const struct mfile *f = &fz.files[box->ent[e].file];
		__u8 c = 0;

		if (f->kind != FK_TEST || f->ctl < 0)
			continue;
		if (pread(f->ctl, &c, 1, 0) != 1 || c != f->hdr[0])
			mismatch("box %s entry %s: hook byte '%c', expected '%c'",
				 pname(box->name), pname(box->ent[e].name), c,
				 f->hdr[0]);
	}
}

/* Boxes. */

static int find_box(const char *name)
{
	int b;

	for (b = 0; b < MAX_BOXES; b++)
		if (fz.boxes[b].alive && !strcmp(fz.boxes[b].name, name))
			return b;
	return -1;
}

static bool is_foreign(const char *name)
{
	int i;

	for (i = 0; i < fz.nr_foreign; i++)
		if (!strcmp(fz.foreign[i].name, name))
			return true;
	return false;
}

static int nr_alive(void)
{
	int b, n = 0;

	for (b = 0; b < MAX_BOXES; b++)
		n += fz.boxes[b].alive;
	return n;
}

static int free_box(void)
{
	int b;

	for (b = 0; b < MAX_BOXES; b++)
		if (!fz.boxes[b].alive && !fz.boxes[b].nr_fds)
			return b;
	return -1;
}

static int find_entry(const struct mbox *box, const char *name)
{
	int e;

	for (e = 0; e < box->nr; e++)
		if (!strcmp(box->ent[e].name, name))
			return e;
	return -1;
}

/* Whether an entry of a live, sealed box holds file @fi. */
static bool file_held(int fi)
{
	int b, e;

	for (b = 0; b < MAX_BOXES; b++) {
		const struct mbox *box = &fz.boxes[b];

		if (!box->alive || !box->sealed)
			continue;
		for (e = 0; e < box->nr; e++)
			if (box->ent[e].file == fi)
				return true;
	}
	return false;
}

/* Remember a box name the kernel created for the test, for the teardown. */
static void own(const char *name)
{
	struct fuzz_owned *o = fz.owned;
	int i;

	for (i = 0; i < o->nr_owned; i++)
		if (!strcmp(o->owned[i], name))
			return;
	if (o->nr_owned < MAX_OWNED)
		copy_name(o->owned[o->nr_owned++], name);
}

static void open_box(int b)
{
	char path[sizeof(FDBOX_DIR) + FDBOX_NAME_LEN + 1];
	int want = lowest_free_fd(), fd;

	snprintf(path, sizeof(path), "%s/%s", FDBOX_DIR, fz.boxes[b].name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (expect_sys("open of a new box", sysret(fd), want))
		fdm_set(fd, FD_BOX, b);
}

static void box_created(const char *name)
{
	int b = free_box(), s;
	struct mbox *box = &fz.boxes[b];

	memset(box, 0, sizeof(*box));
	box->alive = true;
	box->slot = -1;
	copy_name(box->name, name);
	for (s = 0; s < NR_SLOTS; s++) {
		if (!strcmp(name, fz.slot_name[s])) {
			box->slot = s;
			fz.slot_box[s] = b;
			open_box(b);
		}
	}
}

static void box_deleted(int b)
{
	struct mbox *box = &fz.boxes[b];
	int e;

	box->alive = false;
	for (e = 0; e < box->nr; e++)
		file_unref(box->ent[e].file);
	box->nr = 0;
	if (box->slot >= 0)
		fz.slot_box[box->slot] = -1;
}

/* The model of the kernel: what each ioctl must return. */

/* A name as fdbox_check_name() and fdbox_check_box_name() take it. */
static long check_name(const __u8 *uname, bool box)
{
	const char *name = (const char *)uname;
	size_t len = strnlen(name, FDBOX_NAME_LEN);

	if (!len || len == FDBOX_NAME_LEN || memchr(name, '/', len))
		return -EINVAL;
	if (box && (!strcmp(name, "fdbox") || !strcmp(name, ".") ||
		    !strcmp(name, "..")))
		return -EINVAL;
	return 0;
}

static long sim_create(struct call *c, const struct fdbox_create_box *a)
{
	const char *name = (const char *)a->name;
	long err;

	if (a->flags)
		return -EINVAL;
	err = check_name(a->name, true);
	if (err)
		return err;
	if (find_box(name) >= 0 || is_foreign(name))
		return -EEXIST;
	/* The model has room for so many boxes of its own. */
	if (free_box() < 0 || nr_alive() >= MAX_BOXES - 2)
		return NOPE;
	c->eff = EFF_CREATE;
	copy_name(c->name, name);
	return 0;
}

static long sim_delete(struct call *c, const struct fdbox_delete_box *a)
{
	const char *name = (const char *)a->name;
	long err;
	int b;

	if (a->flags)
		return -EINVAL;
	err = check_name(a->name, true);
	if (err)
		return err;
	/* Never delete a box of someone else's. */
	if (is_foreign(name))
		return NOPE;
	b = find_box(name);
	if (b < 0)
		return -ENOENT;
	if (fz.boxes[b].sealed)
		return -EBUSY;
	c->eff = EFF_DELETE;
	c->box = b;
	return 0;
}

static long sim_put(struct call *c, int b, const struct fdbox_put_fd *a)
{
	struct mbox *box = &fz.boxes[b];
	const struct mfd *m;
	int fi = -1;
	long err;

	if (a->flags || a->pad)
		return -EINVAL;
	err = check_name(a->name, false);
	if (err)
		return err;
	/* fget() */
	if (a->fd >= MAX_FDS || fz.fds[a->fd].kind == FD_NONE ||
	    fz.fds[a->fd].kind == FD_OPATH)
		return -EBADF;
	m = &fz.fds[a->fd];
	switch (m->kind) {
	case FD_OTHER:
		/* Never take the fds of the harness. */
		if (m->boxable)
			return NOPE;
		return -EOPNOTSUPP;
	case FD_FILECTL:
		/* It would be boxable; the model keeps these for itself. */
		return NOPE;
	case FD_FILE:
		fi = m->obj;
		if (fz.files[fi].kind == FK_TMPFILE && !fz.tmpfile_boxable)
			return -EOPNOTSUPP;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!box->alive)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	if (find_entry(box, (const char *)a->name) >= 0)
		return -EEXIST;
	if (box->nr >= MAX_ENTRIES)
		return NOPE;
	c->eff = EFF_PUT;
	c->box = b;
	c->file = fi;
	c->idx = a->fd;
	copy_name(c->name, (const char *)a->name);
	return 0;
}

static long sim_get(struct call *c, int b, const struct fdbox_get_fd *a)
{
	struct mbox *box = &fz.boxes[b];
	long err;
	int e, fd;

	if (a->flags)
		return -EINVAL;
	err = check_name(a->name, false);
	if (err)
		return err;
	if (!box->alive)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	e = find_entry(box, (const char *)a->name);
	if (e < 0)
		return -ENOENT;
	fd = lowest_free_fd();
	if (fd >= MAX_FDS)
		return NOPE;
	if (c->fdlimit && (rlim_t)fd >= c->fdlimit) {
		c->note = NOTE_EMFILE;
		return -EMFILE;
	}
	c->eff = EFF_GET;
	c->box = b;
	c->idx = e;
	c->file = box->ent[e].file;
	return fd;
}

/* A hook of the test handler on @fi, on the model's bytes in @b0. */
static long sim_hook(int fi, bool seal, __u8 *b0)
{
	const struct mfile *f = &fz.files[fi];

	if (f->kind != FK_TEST)
		return 0;
	if (f->hdr[1] == (seal ? 's' : 'u'))
		return -EIO;
	b0[fi] = seal ? 'S' : 'U';
	return 0;
}

/* fdbox_set_sealed(): every entry's hook, or a roll back of those done. */
static long sim_set_sealed(struct call *c, int b, bool seal)
{
	const struct mbox *box = &fz.boxes[b];
	long err = 0;
	int e, fi;

	for (fi = 0; fi < MAX_FILES; fi++)
		c->b0[fi] = fz.files[fi].hdr[0];
	for (e = 0; e < box->nr; e++) {
		err = sim_hook(box->ent[e].file, seal, c->b0);
		if (err)
			break;
	}
	if (err && e)
		c->note = NOTE_ROLLBACK;
	if (err)
		while (--e >= 0)
			sim_hook(box->ent[e].file, !seal, c->b0);
	c->eff = EFF_HOOKS;
	c->box = b;
	c->seal = seal;
	return err;
}

static long sim_seal(struct call *c, int b)
{
	const struct mbox *box = &fz.boxes[b];
	int e, o;

	if (!box->alive)
		return -ENODEV;
	if (box->sealed)
		return -EBUSY;
	/* One entry per inode in sealed boxes: a live update preserves it once. */
	for (e = 0; e < box->nr; e++) {
		for (o = 0; o < e; o++)
			if (box->ent[o].file == box->ent[e].file)
				break;
		if (o < e || file_held(box->ent[e].file)) {
			c->note = NOTE_SEAL_SHARED;
			return -EALREADY;
		}
	}
	return sim_set_sealed(c, b, true);
}

static long sim_unseal(struct call *c, int b)
{
	if (!fz.boxes[b].alive)
		return -ENODEV;
	if (!fz.boxes[b].sealed)
		return -EINVAL;
	if (fz.boxes[b].carried) {
		c->note = NOTE_CARRIED;
		return -EBUSY;
	}
	return sim_set_sealed(c, b, false);
}

static int nr_listed_boxes(void)
{
	return fz.nr_foreign + nr_alive();
}

/* fdbox_list_check() and fdbox_list_answer(). */
static long sim_list(struct call *c, const struct fdbox_list *l, int b)
{
	size_t ksize = b >= 0 ? sizeof(struct fdbox_entry_info) :
				sizeof(struct fdbox_box_info);
	__u64 dst = l->elems;
	long err;
	__u32 n, i;

	if (l->__reserved || l->elem_size < ksize ||
	    l->elem_size > LIST_ELEM_MAX)
		return -EINVAL;
	if (b >= 0 && !fz.boxes[b].alive)
		return -ENODEV;
	n = b >= 0 ? fz.boxes[b].nr : nr_listed_boxes();

	err = kcan_write(c->arg + offsetof(struct fdbox_list, count), 4);
	if (err)
		return err;
	c->eff = EFF_LIST;
	c->entries = b >= 0;
	c->box = b;
	c->n = n;
	c->stride = l->elem_size;
	c->elems = l->elems;
	if (n > l->count)
		return -ENOSPC;
	for (i = 0; i < n; i++, dst += l->elem_size) {
		err = kcan_write(dst, ksize);
		if (!err && l->elem_size > ksize)
			err = kcan_write(dst + ksize, l->elem_size - ksize);
		if (err)
			return err;
	}
	return 0;
}

/* Whether the control device (@ctl) or a box has ioctl number @nr. */
static bool fdbox_has_op(bool ctl, unsigned int nr)
{
	if (ctl)
		return nr == 0 || nr == 1 || nr == 6;
	return nr >= 2 && nr <= 7 && nr != 6;
}

/* fdbox_dispatch() and the ioctls of both FDBox devices. */
static long sim_fdbox(struct call *c, int b)
{
	static const size_t sizes[] = {
		sizeof(struct fdbox_create_box),
		sizeof(struct fdbox_delete_box),
		sizeof(struct fdbox_put_fd),
		sizeof(struct fdbox_get_fd),
	};
	union {
		struct fdbox_create_box create;
		struct fdbox_delete_box delete;
		struct fdbox_put_fd put;
		struct fdbox_get_fd get;
		struct fdbox_list list;
	} a;
	unsigned int nr = _IOC_NR(c->cmd);
	__u32 usize;
	long err = 0;

	if (_IOC_TYPE(c->cmd) != FDBOX_TYPE || !fdbox_has_op(b < 0, nr))
		return -ENOTTY;
	if (c->cmd != _IO(FDBOX_TYPE, nr))
		return -ENOTTY;
	/* The test runs as root: CAP_SYS_ADMIN passes. */
	if (nr == 6 || nr == 7) {
		err = kcopy_in(&usize, c->arg, sizeof(usize));
		if (!err)
			err = ksize_first(c->arg, &a.list, usize,
					  sizeof(a.list));
	} else if (nr < ARRAY_SIZE(sizes)) {
		err = kcopy_in(&a, c->arg, sizes[nr]);
	}
	if (err)
		return err;

	switch (nr) {
	case 0:
		return sim_create(c, &a.create);
	case 1:
		return sim_delete(c, &a.delete);
	case 2:
		return sim_put(c, b, &a.put);
	case 3:
		return sim_get(c, b, &a.get);
	case 4:
		return sim_seal(c, b);
	case 5:
		return sim_unseal(c, b);
	default:
		return sim_list(c, &a.list, nr == 7 ? b : -1);
	}
}

static long sim_prepare(struct call *c)
{
	if (fz.state != LIVEUPDATE_STATE_NORMAL)
		return -EBUSY;
	if (fz.no_prepare)
		return NOPE;
	c->eff = EFF_PREPARE;
	return 0;
}

/* luo_ioctl() and the two state machine ioctls. */
static long sim_luo(struct call *c)
{
	static const unsigned int cmds[] = {
		LIVEUPDATE_IOCTL_CREATE_SESSION,
		LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
		LIVEUPDATE_IOCTL_GET_STATE,
		LIVEUPDATE_IOCTL_SET_EVENT,
	};
	unsigned int nr = _IOC_NR(c->cmd);
	struct liveupdate_ioctl_set_event a;
	__u32 usize;
	long err;

	if (nr >= ARRAY_SIZE(cmds))
		return -EINVAL;
	err = kcopy_in(&usize, c->arg, sizeof(usize));
	if (err)
		return err;
	if (c->cmd != cmds[nr])
		return -ENOTTY;
	/* Sessions are upstream's, and not this test's to make. */
	if (nr < 2)
		return NOPE;
	err = ksize_first(c->arg, &a, usize, sizeof(a));
	if (err)
		return err;
	if (c->cmd == LIVEUPDATE_IOCTL_GET_STATE) {
		err = kcan_write(c->arg, sizeof(a));
		if (!err)
			c->eff = EFF_STATE;
		return err;
	}
	switch (a.event) {
	case LIVEUPDATE_PREPARE:
		return sim_prepare(c);
	case LIVEUPDATE_CANCEL:
		if (fz.state != LIVEUPDATE_STATE_PREPARED)
			return -EBUSY;
		c->eff = EFF_CANCEL;
		return 0;
	case LIVEUPDATE_FINISH:
		return fz.state != LIVEUPDATE_STATE_UPDATED ? -EBUSY : NOPE;
	default:
		return -EINVAL;
	}
}

/* ioctl(2) itself, then the file's own ioctl. */
static long model(struct call *c)
{
	unsigned int type = _IOC_TYPE(c->cmd);
	const struct mfd *m;

	c->eff = EFF_NONE;
	c->note = NOTE_NONE;
	if (c->fd < 0 || c->fd >= MAX_FDS)
		return -EBADF;
	m = &fz.fds[c->fd];
	if (m->kind == FD_NONE || m->kind == FD_OPATH)
		return -EBADF;
	/*
	 * do_vfs_ioctl() answers commands of these types itself, on any file,
	 * and pipes answer 'W': the model leaves them alone.
	 */
	if (!type || type == 0x15 || type == 'T' || type == 'X' ||
	    type == 'f' || type == 0x94 || type == 'W')
		return NOPE;
	switch (m->kind) {
	case FD_CTL:
		return sim_fdbox(c, -1);
	case FD_BOX:
		return sim_fdbox(c, m->obj);
	case FD_LUO:
		return sim_luo(c);
	case FD_FILE:
	case FD_FILECTL:
	case FD_PIPE:
		return -ENOTTY;
	default:
		return NOPE;
	}
}

/* Checks after a call that went as expected. */

static int info_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* What a list must hold, sorted by name; the number of elements. */
static __u32 expected_list(const struct call *c, void *out)
{
	struct fdbox_entry_info *ei = out;
	struct fdbox_box_info *bi = out;
	__u32 n = 0;
	int i;

	if (c->entries) {
		const struct mbox *box = &fz.boxes[c->box];

		for (i = 0; i < box->nr; i++, n++) {
			const struct mfile *f = &fz.files[box->ent[i].file];

			memset(&ei[n], 0, sizeof(ei[n]));
			copy_name((char *)ei[n].name, box->ent[i].name);
			snprintf((char *)ei[n].type, sizeof(ei[n].type), "%s",
				 f->kind == FK_TEST ? "fdbox-test" : "memfd");
			ei[n].size = f->size;
		}
		qsort(ei, n, sizeof(*ei), info_cmp);
		return n;
	}
	for (i = 0; i < fz.nr_foreign; i++, n++) {
		const struct foreign_box *fb = &fz.foreign[i];

		memset(&bi[n], 0, sizeof(bi[n]));
		copy_name((char *)bi[n].name, fb->name);
		bi[n].flags = fb->flags;
		/* PREPARE carries every sealed box that is not incoming. */
		if (fz.state == LIVEUPDATE_STATE_PREPARED &&
		    (fb->flags & FDBOX_BOX_SEALED) &&
		    !(fb->flags & FDBOX_BOX_INCOMING))
			bi[n].flags |= FDBOX_BOX_CARRIED;
		bi[n].nr_entries = fb->nr_entries;
	}
	for (i = 0; i < MAX_BOXES; i++) {
		const struct mbox *box = &fz.boxes[i];

		if (!box->alive)
			continue;
		memset(&bi[n], 0, sizeof(bi[n]));
		copy_name((char *)bi[n].name, box->name);
		bi[n].flags = (box->sealed ? FDBOX_BOX_SEALED : 0) |
			      (box->carried ? FDBOX_BOX_CARRIED : 0);
		bi[n].nr_entries = box->nr;
		n++;
	}
	qsort(bi, n, sizeof(*bi), info_cmp);
	return n;
}

static void bad_entry_info(const struct call *c, __u32 i,
			   const struct fdbox_entry_info *got,
			   const struct fdbox_entry_info *want)
{
	mismatch("%s: element %u is '%s' %.32s %llu %#x, expected '%s' %.32s %llu",
		 c->desc, i, pname((const char *)got->name),
		 (const char *)got->type, got->size, got->flags,
		 pname((const char *)want->name), (const char *)want->type,
		 want->size);
}

static void bad_box_info(const struct call *c, __u32 i,
			 const struct fdbox_box_info *got,
			 const struct fdbox_box_info *want)
{
	mismatch("%s: element %u is '%s' %#x %u, expected '%s' %#x %u",
		 c->desc, i, pname((const char *)got->name), got->flags,
		 got->nr_entries, pname((const char *)want->name),
		 want->flags, want->nr_entries);
}

static void check_list(const struct call *c)
{
	static union {
		struct fdbox_entry_info e[MAX_ENTRIES];
		struct fdbox_box_info b[MAX_FOREIGN + MAX_BOXES];
	} want;
	size_t ksize = c->entries ? sizeof(want.e[0]) : sizeof(want.b[0]);
	__u64 a = arena_addr();
	__u32 count, n, i, j;
	__u8 *dst;

	n = expected_list(c, &want);
	if (n != c->n)
		mismatch("%s: model lists %u, expected %u", c->desc, n, c->n);
	memcpy(&count, (void *)(uintptr_t)(c->arg +
					   offsetof(struct fdbox_list, count)),
	       sizeof(count));
	if (count != n)
		mismatch("%s: count %u, expected %u", c->desc, count, n);
	if (c->want == -ENOSPC && c->filled &&
	    *(__u8 *)(uintptr_t)c->elems != 0xa5)
		mismatch("%s: ENOSPC, but the elements were written", c->desc);
	if (c->want)
		return;
	/* The elements are in the read-write arena if the call succeeded. */
	for (i = 0; i < n; i++) {
		dst = fz.arena + (c->elems - a) + (__u64)i * c->stride;
		if (memcmp(dst, (__u8 *)&want + i * ksize, ksize)) {
			if (c->entries)
				bad_entry_info(c, i, (void *)dst, &want.e[i]);
			else
				bad_box_info(c, i, (void *)dst, &want.b[i]);
			return;
		}
		for (j = ksize; j < c->stride; j++) {
			if (dst[j]) {
				mismatch("%s: element %u not zeroed at %u",
					 c->desc, i, j);
				return;
			}
		}
	}
	/* Nothing written past the last element. */
	if ((__u64)n * c->stride < c->filled &&
	    fz.arena[c->elems - a + (__u64)n * c->stride] != 0xa5)
		mismatch("%s: written past element %u", c->desc, n);
}

static void apply(struct call *c, long got)
{
	struct mbox *box = &fz.boxes[c->box];
	__u32 state;
	int b, fi;

	switch (c->eff) {
	case EFF_NONE:
		break;
	case EFF_CREATE:
		box_created(c->name);
		break;
	case EFF_DELETE:
		box_deleted(c->box);
		break;
	case EFF_PUT:
		box->ent[box->nr].file = c->file;
		copy_name(box->ent[box->nr].name, c->name);
		box->nr++;
		/* The fd's reference became the entry's. */
		fdm_clear(c->idx);
		break;
	case EFF_GET:
		fdm_set(got, FD_FILE, c->file);
		box->nr--;
		memmove(&box->ent[c->idx], &box->ent[c->idx + 1],
			(box->nr - c->idx) * sizeof(box->ent[0]));
		check_got_file(got, c->file);
		break;
	case EFF_HOOKS:
		for (fi = 0; fi < MAX_FILES; fi++)
			fz.files[fi].hdr[0] = c->b0[fi];
		if (!c->want)
			box->sealed = c->seal;
		check_hook_bytes(c->box);
		break;
	case EFF_PREPARE:
		fz.state = LIVEUPDATE_STATE_PREPARED;
		for (b = 0; b < MAX_BOXES; b++)
			fz.boxes[b].carried = fz.boxes[b].alive &&
					      fz.boxes[b].sealed;
		break;
	case EFF_CANCEL:
		fz.state = LIVEUPDATE_STATE_NORMAL;
		for (b = 0; b < MAX_BOXES; b++)
			fz.boxes[b].carried = false;
		break;
	case EFF_LIST:
		check_list(c);
		break;
	case EFF_STATE:
		memcpy(&state, (void *)(uintptr_t)(c->arg + 4), sizeof(state));
		if (state != (__u32)fz.state)
			mismatch("%s: state %u, expected %u", c->desc, state,
				 fz.state);
		break;
	}
}

/* Make the call, compare and follow up. */
static void issue(struct call *c)
{
	struct rlimit lim = fz.nofile;
	bool box_call = false;
	long got;

	if (c->fd >= 0 && c->fd < MAX_FDS && fz.fds[c->fd].kind == FD_BOX &&
	    c->op != OP_RANDOM) {
		box_call = true;
		fz.box_calls++;
		fz.box_live += fd_is_live_box(c->fd);
	}
	if (c->fdlimit) {
		lim.rlim_cur = c->fdlimit;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	got = sysret(ioctl(c->fd, c->cmd, (unsigned long)c->arg));
	if (c->fdlimit)
		setrlimit(RLIMIT_NOFILE, &fz.nofile);
	fz.calls[c->op]++;
	if (got >= 0)
		fz.ok[c->op]++;
	else if (-got < MAX_ERRNO)
		fz.errs[c->op][-got]++;

	/* Whatever the model says, the teardown must find what was made. */
	if (!got && c->cmd == FDBOX_CREATE_BOX && c->fd >= 0 &&
	    c->fd < MAX_FDS && fz.fds[c->fd].kind == FD_CTL &&
	    access_class(c->arg, sizeof(struct fdbox_create_box),
			 false) == M_OK) {
		struct fdbox_create_box a;

		kcopy_in(&a, c->arg, sizeof(a));
		a.name[FDBOX_NAME_LEN - 1] = '\0';
		own((const char *)a.name);
	}

	if (got != c->want) {
		mismatch("%s: expected %s, got %s%s", c->desc, rstr(c->want),
			 rstr(got), box_call && !fd_is_live_box(c->fd) ?
			 " (on a deleted box)" : "");
		return;
	}
	fz.notes[c->note]++;
	apply(c, got);
}

/* The generators. */

static const char *pool_name(void)
{
	return fz.names[pick(NR_NAMES)];
}

/* Copy @name into @dst, sometimes with junk after its NUL. */
static void set_name(__u8 *dst, const char *name)
{
	size_t len = strlen(name);

	memset(dst, 0, FDBOX_NAME_LEN);
	memcpy(dst, name, len);
	if (!pick(8))
		for (len++; len < FDBOX_NAME_LEN; len++)
			dst[len] = 1 + pick(255);
}

static void bad_name(__u8 *dst, bool box)
{
	memset(dst, 0, FDBOX_NAME_LEN);
	switch (pick(box ? 7 : 4)) {
	case 0:
		break;
	case 1:
		memset(dst, 'u', FDBOX_NAME_LEN);
		break;
	case 2:
		copy_name((char *)dst, "a/b");
		break;
	case 3:
		copy_name((char *)dst, "/");
		break;
	case 4:
		copy_name((char *)dst, "fdbox");
		break;
	case 5:
		copy_name((char *)dst, ".");
		break;
	default:
		copy_name((char *)dst, "..");
		break;
	}
}

/* A command that is almost @cmd: other direction and size bits, or nr. */
static unsigned int bad_cmd(unsigned int cmd)
{
	switch (pick(3)) {
	case 0:
		return _IOC(1 + pick(3), _IOC_TYPE(cmd), _IOC_NR(cmd),
			    1 + pick(1 << 13));
	case 1:
		return _IO(_IOC_TYPE(cmd), _IOC_NR(cmd) + 8 + pick(200));
	default:
		return _IO(pick(2) ? 'F' : LIVEUPDATE_IOCTL_TYPE,
			   _IOC_NR(cmd));
	}
}

/* A box fd: a live one mostly, sealed or not as @sealed asks if it can. */
static int box_fd(int sealed)
{
	int fd = -1;

	if (!pick(20))
		fd = any_fd(FD_BOX, 0, -1);
	if (fd < 0 && sealed >= 0 && chance(80))
		fd = any_fd(FD_BOX, 1, sealed);
	if (fd < 0)
		fd = any_fd(FD_BOX, 1, -1);
	if (fd < 0)
		fd = any_fd(FD_BOX, -1, -1);
	return fd >= 0 ? fd : fz.ctl;
}

static int box_of(int fd)
{
	return fd >= 0 && fd < MAX_FDS && fz.fds[fd].kind == FD_BOX ?
	       fz.fds[fd].obj : -1;
}

/* Hostile variations every ioctl can get: command, target, pointer. */
static void mutate_common(struct call *c, size_t len)
{
	switch (pick(3)) {
	case 0:
		c->cmd = bad_cmd(c->cmd);
		break;
	case 1:
		c->fd = other_fd();
		break;
	default:
		c->arg = bad_ptr(len);
		break;
	}
}

static __printf(2, 3) void describe(struct call *c, const char *fmt, ...)
{
	size_t o;
	va_list ap;

	o = snprintf(c->desc, sizeof(c->desc), "%s on fd %s, cmd %#x, arg %s",
		     op_names[c->op], fd_str(c->fd), c->cmd, ptr_str(c->arg));
	o += snprintf(c->desc + o, sizeof(c->desc) - o, ": ");
	va_start(ap, fmt);
	vsnprintf(c->desc + o, sizeof(c->desc) - o, fmt, ap);
	va_end(ap);
}

static void gen_create_delete(struct call *c, bool hostile)
{
	struct fdbox_create_box a = { 0 };
	int s, b;

	c->fd = fz.ctl;
	c->cmd = c->op == OP_CREATE ? FDBOX_CREATE_BOX : FDBOX_DELETE_BOX;
	c->arg = arg_ptr();
	s = pick(NR_SLOTS);
	if (c->op == OP_CREATE) {
		/* A slot's box, or one of a few more. */
		if (fz.slot_box[s] >= 0 && pick(2)) {
			char name[32];

			snprintf(name, sizeof(name), "fuzz-%d-x%u", getpid(),
				 pick(3));
			set_name(a.name, name);
		} else {
			set_name(a.name, fz.slot_name[s]);
		}
	} else {
		/* The extra boxes first, then the slots', or no box. */
		b = -1;
		for (s = 0; s < MAX_BOXES; s++)
			if (fz.boxes[s].alive && fz.boxes[s].slot < 0)
				b = s;
		if (b >= 0 && pick(2))
			set_name(a.name, fz.boxes[b].name);
		else if (pick(6))
			set_name(a.name, fz.slot_name[pick(NR_SLOTS)]);
		else
			set_name(a.name, "fuzz-none");
	}
	if (hostile) {
		switch (pick(3)) {
		case 0:
			a.flags = 1ULL << pick(64);
			break;
		case 1:
			bad_name(a.name, true);
			break;
		default:
			mutate_common(c, sizeof(a));
			break;
		}
	}
	place(c->arg, &a, sizeof(a));
	describe(c, "flags %#llx name '%s'", (unsigned long long)a.flags,
		 pname((char *)a.name));
}

/* Re-create a slot whose box was deleted. */
static void gen_recreate(struct call *c, int s)
{
	struct fdbox_create_box a = { 0 };

	c->op = OP_CREATE;
	c->fd = fz.ctl;
	c->cmd = FDBOX_CREATE_BOX;
	c->arg = arg_ptr();
	set_name(a.name, fz.slot_name[s]);
	place(c->arg, &a, sizeof(a));
	describe(c, "name '%s'", fz.slot_name[s]);
}

static void gen_put(struct call *c, bool hostile)
{
	struct fdbox_put_fd a = { 0 };
	bool full;
	int b, fd;

	c->fd = box_fd(0);
	c->cmd = FDBOX_PUT_FD;
	c->arg = arg_ptr();
	b = box_of(c->fd);
	fd = any_fd(FD_FILE, 1, -1);
	a.fd = fd >= 0 ? fd : closed_fd();
	/* A full box gets names it has: EEXIST. */
	full = b >= 0 && fz.boxes[b].nr >= MAX_ENTRIES - 4;
	if (b >= 0 && fz.boxes[b].nr && (full || !pick(8)))
		set_name(a.name, fz.boxes[b].ent[pick(fz.boxes[b].nr)].name);
	else
		set_name(a.name, pool_name());
	if (hostile) {
		switch (pick(5)) {
		case 0:
			if (pick(2))
				a.flags = 1ULL << pick(64);
			else
				a.pad = 1 + pick(UINT_MAX);
			break;
		case 1:
			bad_name(a.name, false);
			break;
		case 2:
			/* Not a file FDBox takes, or no file. */
			switch (pick(4)) {
			case 0:
				a.fd = closed_fd();
				break;
			case 1:
				a.fd = any_fd(FD_FILE, 0, -1);
				break;
			case 2:
				a.fd = pick(3);
				break;
			default:
				a.fd = other_fd();
				break;
			}
			break;
		case 3:
			c->fd = any_fd(FD_BOX, 0, -1);
			if (c->fd < 0)
				c->fd = box_fd(1);
			break;
		default:
			mutate_common(c, sizeof(a));
			break;
		}
	}
	place(c->arg, &a, sizeof(a));
	describe(c, "flags %#llx fd %s pad %u name '%s'",
		 (unsigned long long)a.flags, fd_str(a.fd), a.pad,
		 pname((char *)a.name));
}

static void gen_get(struct call *c, bool hostile)
{
	struct fdbox_get_fd a = { 0 };
	int b;

	c->fd = box_fd(0);
	c->cmd = FDBOX_GET_FD;
	c->arg = arg_ptr();
	b = box_of(c->fd);
	if (b >= 0 && fz.boxes[b].nr && pick(2))
		set_name(a.name, fz.boxes[b].ent[pick(fz.boxes[b].nr)].name);
	else
		set_name(a.name, pool_name());
	if (hostile) {
		switch (pick(5)) {
		case 0:
			a.flags = 1ULL << pick(64);
			break;
		case 1:
			bad_name(a.name, false);
			break;
		case 2:
			/* No fd left for it: EMFILE, and the entry stays. */
			if (b >= 0 && fz.boxes[b].nr)
				set_name(a.name, fz.boxes[b].ent[0].name);
			c->fdlimit = lowest_free_fd();
			break;
		case 3:
			c->fd = box_fd(1);
			break;
		default:
			mutate_common(c, sizeof(a));
			break;
		}
	}
	place(c->arg, &a, sizeof(a));
	describe(c, "flags %#llx name '%s'%s", (unsigned long long)a.flags,
		 pname((char *)a.name), c->fdlimit ? " at RLIMIT_NOFILE" : "");
}

static void gen_seal(struct call *c, bool hostile)
{
	bool seal = c->op == OP_SEAL;

	c->fd = box_fd(!seal);
	c->cmd = seal ? FDBOX_SEAL : FDBOX_UNSEAL;
	/* No argument: the pointer does not matter. */
	c->arg = pick(2) ? arg_ptr() : bad_ptr(8);
	if (hostile) {
		if (pick(2))
			c->fd = box_fd(seal);
		else
			mutate_common(c, 8);
	}
	describe(c, "-");
}

static void gen_list(struct call *c, bool hostile)
{
	bool entries = c->op == OP_LIST_ENTRIES;
	size_t ksize = entries ? sizeof(struct fdbox_entry_info) :
				 sizeof(struct fdbox_box_info);
	struct fdbox_list l = { .size = sizeof(l) };
	__u64 room, trail = 0;
	__u32 n = 0;
	int b;

	c->fd = entries ? box_fd(-1) : fz.ctl;
	c->cmd = entries ? FDBOX_LIST_ENTRIES : FDBOX_LIST_BOXES;
	c->arg = arg_ptr();
	b = box_of(c->fd);
	if (!entries)
		n = nr_listed_boxes();
	else if (b >= 0)
		n = fz.boxes[b].nr;

	switch (pick(10)) {
	case 0:
		l.elem_size = LIST_ELEM_MAX;
		break;
	case 1:
	case 2:
		l.elem_size = ksize + pick(LIST_ELEM_MAX - ksize + 1);
		break;
	case 3:
	case 4:
		l.elem_size = ksize + 8 * pick(8);
		break;
	default:
		l.elem_size = ksize;
		break;
	}
	l.count = n + (pick(2) ? 0 : pick(4));
	l.elems = buf_ptr() + 8 * pick(8);

	if (hostile) {
		switch (pick(8)) {
		case 0:
			l.size = pick(sizeof(l));
			break;
		case 1:
			/* Larger than the kernel's: the rest must be zero. */
			l.size = pick(4) ? sizeof(l) + pick(600) : UINT_MAX;
			if (pick(2) && l.size != UINT_MAX)
				trail = sizeof(l) + pick(l.size - sizeof(l));
			break;
		case 2:
			switch (pick(4)) {
			case 0:
				l.elem_size = pick(ksize);
				break;
			case 1:
				l.elem_size = LIST_ELEM_MAX + 1 + pick(8192);
				break;
			default:
				l.elem_size = pick(2) ? ksize - 1 : UINT_MAX;
				break;
			}
			break;
		case 3:
			/* ENOSPC, and the count tells how many. */
			l.count = n ? pick(n) : 0;
			break;
		case 4:
			l.elems = pick(3) ? bad_ptr(l.elem_size) :
				  rw_end() - pick((n + 1) * l.elem_size);
			break;
		case 5:
			l.__reserved = 1 + pick(UINT_MAX);
			break;
		case 6:
			c->arg = bad_ptr(sizeof(l));
			break;
		default:
			mutate_common(c, sizeof(l));
			break;
		}
	}

	/* Mark the element buffer, to see what the kernel writes. */
	c->filled = 0;
	room = (__u64)(l.count < n + 1 ? l.count : n + 1) * l.elem_size;
	if (l.elems >= buf_ptr() && l.elems < rw_end() &&
	    l.elem_size <= LIST_ELEM_MAX) {
		if (room > rw_end() - l.elems)
			room = rw_end() - l.elems;
		memset(fz.arena + (l.elems - arena_addr()), 0xa5, room);
		c->filled = room;
	}
	place(c->arg, &l, sizeof(l));
	if (trail)
		place(c->arg + trail, "\x01", 1);
	describe(c, "size %u elem_size %u count %u reserved %u elems %s",
		 l.size, l.elem_size, l.count, l.__reserved,
		 ptr_str(l.elems));
}

static void gen_luo(struct call *c, bool hostile)
{
	static const __u32 events[] = {
		LIVEUPDATE_PREPARE, LIVEUPDATE_CANCEL, LIVEUPDATE_FINISH,
		LIVEUPDATE_FREEZE, 0, 99,
	};
	struct liveupdate_ioctl_set_event a = { .size = sizeof(a) };
	bool set = c->op == OP_SET_EVENT;
	__u32 trail = 0;

	c->fd = fz.luo;
	c->cmd = set ? LIVEUPDATE_IOCTL_SET_EVENT : LIVEUPDATE_IOCTL_GET_STATE;
	c->arg = arg_ptr();
	if (set) {
		/* Leave PREPARED soon: carried boxes refuse most calls. */
		if (fz.state == LIVEUPDATE_STATE_PREPARED && pick(4))
			a.event = LIVEUPDATE_CANCEL;
		else if (fz.state == LIVEUPDATE_STATE_NORMAL && !pick(4))
			a.event = LIVEUPDATE_PREPARE;
		else
			a.event = events[pick(ARRAY_SIZE(events))];
	} else {
		a.event = rnd();
	}
	if (hostile) {
		switch (pick(6)) {
		case 0:
			a.size = pick(sizeof(a));
			break;
		case 1:
			a.size = sizeof(a) + pick(600);
			if (a.size > sizeof(a) && pick(2))
				trail = sizeof(a) + pick(a.size - sizeof(a));
			break;
		case 2:
			a.size = UINT_MAX - pick(4);
			break;
		case 3:
			if (set)
				a.event = rnd();
			else
				c->arg = rw_end() + pick(PAGE_SZ - sizeof(a));
			break;
		case 4:
			c->arg = bad_ptr(sizeof(a));
			break;
		default:
			if (pick(2))
				c->cmd = bad_cmd(c->cmd);
			else
				c->fd = other_fd();
			break;
		}
	}
	place(c->arg, &a, sizeof(a));
	if (trail)
		place(c->arg + trail, "\x01", 1);
	describe(c, "size %u %s %u", a.size, set ? "event" : "state",
		 a.event);
}

static void gen_random(struct call *c)
{
	static const enum fd_kind kinds[] = {
		FD_CTL, FD_CTL, FD_BOX, FD_BOX, FD_BOX, FD_LUO, FD_PIPE,
		FD_FILE, FD_OPATH,
	};
	unsigned int i;
	int fd;

	switch (pick(4)) {
	case 0:
		c->cmd = _IO(FDBOX_TYPE, pick(16));
		break;
	case 1:
		c->cmd = _IOC(pick(4), FDBOX_TYPE, pick(16), pick(1 << 14));
		break;
	case 2:
		c->cmd = _IOC(pick(2) ? 0 : pick(4), LIVEUPDATE_IOCTL_TYPE,
			      pick(8), pick(2) ? 0 : pick(1 << 14));
		break;
	default:
		c->cmd = rnd();
		break;
	}
	fd = any_fd(kinds[pick(ARRAY_SIZE(kinds))], -1, -1);
	c->fd = fd >= 0 ? fd : closed_fd();
	c->arg = arg_ptr();
	if (pick(4)) {
		/* Junk, or zeroes with some junk: flags may pass then. */
		bool sparse = pick(2);

		for (i = 0; i < 512; i++)
			fz.arena[64 + i] = sparse && pick(16) ? 0 : rnd();
	} else {
		c->arg = bad_ptr(512);
	}
	describe(c, "-");
}

/* One call, made up until the model can tell what it must return. */
static void gen_call(struct call *c)
{
	unsigned int w = 0, total = 0, i;
	enum op op;
	int tries, s;

	for (i = 0; i < NR_OPS; i++)
		if (fz.luo >= 0 || (i != OP_GET_STATE && i != OP_SET_EVENT))
			total += op_weight[i];

	for (tries = 0; ; tries++) {
		bool hostile = chance(30);

		memset(c, 0, offsetof(struct call, b0));
		memset(fz.arena, 0, PAGE_SZ);
		/* A slot whose box was deleted gets it back soon. */
		for (s = 0; s < NR_SLOTS; s++)
			if (fz.slot_box[s] < 0 && chance(30))
				break;
		if (s < NR_SLOTS) {
			gen_recreate(c, s);
		} else {
			w = pick(total);
			for (op = 0; op < NR_OPS; op++) {
				if (fz.luo < 0 && (op == OP_GET_STATE ||
						   op == OP_SET_EVENT))
					continue;
				if (w < op_weight[op])
					break;
				w -= op_weight[op];
			}
			c->op = op;
			switch (op) {
			case OP_CREATE:
			case OP_DELETE:
				gen_create_delete(c, hostile);
				break;
			case OP_PUT:
				gen_put(c, hostile);
				break;
			case OP_GET:
				gen_get(c, hostile);
				break;
			case OP_SEAL:
			case OP_UNSEAL:
				gen_seal(c, hostile);
				break;
			case OP_LIST_BOXES:
			case OP_LIST_ENTRIES:
				gen_list(c, hostile);
				break;
			case OP_GET_STATE:
			case OP_SET_EVENT:
				gen_luo(c, hostile);
				break;
			default:
				gen_random(c);
				break;
			}
		}
		c->want = model(c);
		if (c->want != NOPE)
			return;
		if (tries > 1000) {
			/* Never: a list of the boxes is always predictable. */
			memset(c, 0, offsetof(struct call, b0));
			c->op = OP_LIST_BOXES;
			gen_list(c, false);
			c->want = model(c);
			return;
		}
		/* The ro page may hold an argument of a call not made. */
		memset(fz.ro, 0, PAGE_SZ);
	}
}

/* Between calls: files to put, fds to drop, hooks to steer. */
static void maintain(void)
{
	int fd, fi, want;

	while (nr_boxable_loose() < 3 && lowest_free_fd() < 200) {
		int before = nr_boxable_loose();

		make_file();
		if (nr_boxable_loose() == before)
			break;
	}
	if (count_fds(FD_FILE, -1) > 12 || !pick(100)) {
		fd = any_fd(FD_FILE, -1, -1);
		if (fd >= 0)
			close_fd_checked(fd);
	}
	if (count_fds(FD_BOX, 0) > 2) {
		fd = any_fd(FD_BOX, 0, -1);
		close_fd_checked(fd);
	}
	switch (pick(100)) {
	case 0:
		/* Make the hooks of a test file fail, or not. */
		fd = any_fd(FD_FILECTL, -1, -1);
		if (fd >= 0) {
			struct mfile *f = &fz.files[fz.fds[fd].obj];
			__u8 c = fail_byte();

			if (expect_sys("pwrite of a hook byte",
				       sysret(pwrite(fd, &c, 1, 1)), 1))
				f->hdr[1] = c;
		}
		break;
	case 1:
		/* Resize a file: its seals, or a live update, may refuse. */
		fd = any_fd(FD_FILE, -1, -1);
		if (fd >= 0) {
			struct mfile *f = &fz.files[fz.fds[fd].obj];
			__u64 size = HDR_LEN + pick(MAX_FILE_SIZE - HDR_LEN);
			long err = 0;

			if (size != f->size &&
			    ((size < f->size && (f->seals & F_SEAL_SHRINK)) ||
			     (size > f->size && (f->seals & F_SEAL_GROW)) ||
			     file_frozen(fz.fds[fd].obj)))
				err = -EPERM;
			if (expect_sys("ftruncate", sysret(ftruncate(fd, size)),
				       err) && !err)
				f->size = size;
		}
		break;
	case 2:
		/* The same file in two fds: PUT must refuse the second entry. */
		if (pick(10))
			break;
		fd = any_fd(FD_FILE, -1, -1);
		want = lowest_free_fd();
		if (fd >= 0 && want < 200) {
			fi = fz.fds[fd].obj;
			if (expect_sys("dup", sysret(dup(fd)), want)) {
				fdm_set(want, FD_FILE, fi);
				fz.files[fi].refs++;
			}
		}
		break;
	case 3:
		/* sysfs agrees with the model. */
		fd = any_fd(FD_BOX, 1, -1);
		if (fd >= 0) {
			const struct mbox *box = &fz.boxes[fz.fds[fd].obj];
			const char *state = box->carried ? "carried" :
					    box->sealed ? "sealed" : "unsealed";
			char buf[32] = "";

			fdbox_sysfs(box->name, "state", buf, sizeof(buf));
			if (strcmp(buf, state))
				mismatch("sysfs state of %s: '%s', expected '%s'",
					 pname(box->name), buf, state);
		}
		break;
	}
}

/* Setup and the end. */

/* Which errnos an operation got, and how often. */
static void print_errnos(enum op op)
{
	char line[512];
	size_t o = 0;
	int e;

	for (e = 1; e < MAX_ERRNO; e++)
		if (fz.errs[op][e] && o < sizeof(line) - 40)
			o += snprintf(line + o, sizeof(line) - o, " %s %lu",
				      rstr(-e), fz.errs[op][e]);
	if (o)
		ksft_print_msg("fuzz:   errors:%s\n", line);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The test subsystem of the state machine fails PREPARE if this is 1. */
#define LUO_TEST_FAIL_PREPARE	"/sys/kernel/debug/luo_state_test/fail_prepare"

static int scan_fds(bool *open_fds)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	memset(open_fds, 0, MAX_FDS * sizeof(*open_fds));
	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		int fd = atoi(d->d_name);

		if (d->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		if (fd < MAX_FDS)
			open_fds[fd] = true;
		n++;
	}
	closedir(dir);
	return n;
}

static bool fd_boxable(int fd)
{
	struct statfs sfs;
	struct stat st;

	return !fstat(fd, &st) && S_ISREG(st.st_mode) && !st.st_nlink &&
	       !fstatfs(fd, &sfs) && sfs.f_type == TMPFS_MAGIC;
}

/* All boxes, in a new array; their number in *@n. */
static struct fdbox_box_info *list_all_boxes(int ctl, __u32 *n)
{
	struct fdbox_box_info *b = NULL;
	__u32 room = 0;

	for (;;) {
		*n = room;
		if (fdbox_list(ctl, FDBOX_LIST_BOXES, b, sizeof(*b), n) !=
		    -ENOSPC)
			return b;
		free(b);
		room = *n;
		b = calloc(room, sizeof(*b));
		if (!b)
			return NULL;
	}
}

static void init_names(void)
{
	static const char *const special[] = {
		".", "..", "fdbox", "with space", "\xff\xfe high", "x:y=z",
		"-", "\t",
	};
	int nr_plain = NR_NAMES - ARRAY_SIZE(special) - 1, i;

	/* Plain names, names only boxes may not have, and a longest one. */
	for (i = 0; i < nr_plain; i++)
		snprintf(fz.names[i], FDBOX_NAME_LEN, "e%d", i);
	for (; i < NR_NAMES - 1; i++)
		copy_name(fz.names[i], special[i - nr_plain]);
	memset(fz.names[i], 'n', FDBOX_NAME_LEN - 1);
}

/*
 * Remove what the test made, from what the kernel reports rather than
 * from the model, which may be wrong after a mismatch. Returns how many
 * boxes it removed.
 */
static int sweep(struct fuzz_owned *o, int ctl)
{
	struct fdbox_entry_info *e;
	int i, box, removed = 0;
	__u32 n, j;

	for (i = 0; i < o->nr_owned; i++) {
		const char *name = o->owned[i];

		if (!fdbox_box_exists(name))
			continue;
		box = fdbox_open_box(name);
		if (box >= 0) {
			fdbox_unseal(box);
			n = 0;
			fdbox_list(box, FDBOX_LIST_ENTRIES, NULL, sizeof(*e), &n);
			e = calloc(n + 1, sizeof(*e));
			if (e && !fdbox_list(box, FDBOX_LIST_ENTRIES, e,
					     sizeof(*e), &n)) {
				for (j = 0; j < n; j++) {
					int fd = fdbox_get(box,
							   (char *)e[j].name);

					if (fd >= 0)
						close(fd);
				}
			}
			free(e);
			close(box);
		}
		removed += !fdbox_delete(ctl, name);
	}
	return removed;
}

/* If the test left the live update PREPARED, CANCEL it. */
static void luo_cancel_left(void)
{
	int luo = luo_open();

	if (luo < 0)
		return;
	if (luo_get_state(luo) == LIVEUPDATE_STATE_PREPARED)
		luo_set_event(luo, LIVEUPDATE_CANCEL);
	close(luo);
}

FIXTURE_SETUP(fuzz)
{
}

/* In the parent: the test's child is gone, whatever way it ended. */
FIXTURE_TEARDOWN_PARENT(fuzz)
{
	int ctl, n;

	if (self->o.luo_used)
		luo_cancel_left();
	ctl = fdbox_open_ctl();
	if (ctl < 0)
		return;
	n = sweep(&self->o, ctl);
	if (n)
		ksft_print_msg("fuzz: teardown removed %d box(es)\n", n);
	close(ctl);
}

/* Without CAP_SYS_ADMIN, CREATE and DELETE are EPERM, LIST_BOXES is not. */
static int check_eperm(int ctl)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	__u32 n = 0;

	if (syscall(SYS_capget, &h, d))
		return 1;
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
		~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &h, d))
		return 2;
	if (ioctl(ctl, FDBOX_CREATE_BOX, NULL) != -1 || errno != EPERM)
		return 3;
	if (fdbox_delete(ctl, fz.slot_name[0]) != -EPERM)
		return 4;
	/* There is a box at least: the test's. */
	if (fdbox_list(ctl, FDBOX_LIST_BOXES, NULL,
		       sizeof(struct fdbox_box_info), &n) != -ENOSPC || !n)
		return 5;
	return 0;
}

/* A list call made the usual way, through the model. */
static void final_list(int fd, enum op op)
{
	size_t ksize = op == OP_LIST_ENTRIES ? sizeof(struct fdbox_entry_info) :
					       sizeof(struct fdbox_box_info);
	struct fdbox_list l = { .size = sizeof(l), .elem_size = ksize };
	struct call c = { .op = op, .fd = fd, .arg = arg_ptr() };

	c.cmd = op == OP_LIST_ENTRIES ? FDBOX_LIST_ENTRIES : FDBOX_LIST_BOXES;
	l.count = MAX_FOREIGN + MAX_BOXES;
	l.elems = buf_ptr();
	c.filled = (__u64)(MAX_ENTRIES + 1) * ksize;
	memset(fz.arena, 0, PAGE_SZ);
	memset(fz.arena + PAGE_SZ, 0xa5, c.filled);
	place(c.arg, &l, sizeof(l));
	describe(&c, "final check");
	c.want = model(&c);
	issue(&c);
	if (c.want)
		mismatch("%s: the model expects %s", c.desc, rstr(c.want));
}

/* A call the test must make; the model says what it returns. */
static void final_call(struct call *c)
{
	c->want = model(c);
	if (c->want == NOPE)
		mismatch("%s: the model cannot tell", c->desc);
	else
		issue(c);
}

/* An fd of the test on box @b, or -1. */
static int fd_of_box(int b)
{
	int fd;

	for (fd = 0; fd < fz.fd_top; fd++)
		if (fz.fds[fd].kind == FD_BOX && fz.fds[fd].obj == b)
			return fd;
	return -1;
}

/* The sysfs attributes of box @b agree with the model. */
static void check_sysfs(int b)
{
	const struct mbox *box = &fz.boxes[b];
	char count[32] = "", sealed[32] = "";

	fdbox_sysfs(box->name, "count", count, sizeof(count));
	fdbox_sysfs(box->name, "sealed", sealed, sizeof(sealed));
	if (atoi(count) != box->nr || atoi(sealed) != box->sealed)
		mismatch("sysfs of %s: count '%s' sealed '%s', expected %d %d",
			 pname(box->name), count, sealed, box->nr, box->sealed);
}

/* Unseal box @b, on @fd, with every hook let pass first. */
static void final_unseal(int b, int fd)
{
	struct mbox *box = &fz.boxes[b];
	struct call c = {
		.op = OP_UNSEAL, .fd = fd, .cmd = FDBOX_UNSEAL,
		.arg = arg_ptr(),
	};
	__u8 ch = '-';
	int e;

	for (e = 0; e < box->nr; e++) {
		struct mfile *f = &fz.files[box->ent[e].file];

		if (f->ctl >= 0 &&
		    expect_sys("pwrite of a hook byte",
			       sysret(pwrite(f->ctl, &ch, 1, 1)), 1))
			f->hdr[1] = ch;
	}
	describe(&c, "final UNSEAL");
	final_call(&c);
}

/* Take the last entry out of box @b, on @fd, and close it. */
static void final_get(int b, int fd)
{
	const struct mbox *box = &fz.boxes[b];
	struct call c = {
		.op = OP_GET, .fd = fd, .cmd = FDBOX_GET_FD, .arg = arg_ptr(),
	};
	struct fdbox_get_fd a = { 0 };

	set_name(a.name, box->ent[box->nr - 1].name);
	place(c.arg, &a, sizeof(a));
	describe(&c, "final GET");
	final_call(&c);
	if (!fz.mismatches && c.want >= 0)
		close_fd_checked(c.want);
}

static void final_delete(int b)
{
	struct call c = {
		.op = OP_DELETE, .fd = fz.ctl, .cmd = FDBOX_DELETE_BOX,
		.arg = arg_ptr(),
	};
	struct fdbox_delete_box a = { 0 };

	set_name(a.name, fz.boxes[b].name);
	place(c.arg, &a, sizeof(a));
	describe(&c, "final DELETE '%s'", pname(fz.boxes[b].name));
	final_call(&c);
}

static void final_cancel(void)
{
	struct liveupdate_ioctl_set_event a = {
		.size = sizeof(a), .event = LIVEUPDATE_CANCEL,
	};
	struct call c = {
		.op = OP_SET_EVENT, .fd = fz.luo, .arg = arg_ptr(),
		.cmd = LIVEUPDATE_IOCTL_SET_EVENT,
	};

	place(c.arg, &a, sizeof(a));
	describe(&c, "final CANCEL");
	final_call(&c);
}

/*
 * Check every box and entry against the kernel, then take every entry out
 * (GET checks each file's tag) and delete the boxes.
 */
static void drain(void)
{
	int b, fd, s;

	final_list(fz.ctl, OP_LIST_BOXES);
	for (b = 0; b < MAX_BOXES; b++) {
		if (!fz.boxes[b].alive)
			continue;
		/* The extra boxes have no fd yet. */
		if (fd_of_box(b) < 0)
			open_box(b);
		fd = fd_of_box(b);
		if (fd < 0)
			return;
		final_list(fd, OP_LIST_ENTRIES);
		check_sysfs(b);
	}
	if (fz.luo >= 0 && fz.state == LIVEUPDATE_STATE_PREPARED)
		final_cancel();

	for (b = 0; b < MAX_BOXES && !fz.mismatches; b++) {
		if (!fz.boxes[b].alive)
			continue;
		fd = fd_of_box(b);
		if (fz.boxes[b].sealed)
			final_unseal(b, fd);
		while (fz.boxes[b].nr && !fz.mismatches)
			final_get(b, fd);
		if (!fz.mismatches)
			final_delete(b);
	}
	for (s = 0; s < NR_SLOTS && !fz.mismatches; s++)
		if (fz.slot_box[s] >= 0)
			mismatch("slot %d still has a box", s);
}

/* Close every fd the model has, the way the model expects. */
static void close_all(void)
{
	int fd;

	for (fd = 0; fd < fz.fd_top; fd++)
		if (fz.fds[fd].kind == FD_FILE || fz.fds[fd].kind == FD_BOX)
			close_fd_checked(fd);
	for (fd = 0; fd < fz.fd_top; fd++) {
		switch (fz.fds[fd].kind) {
		case FD_NONE:
		case FD_OTHER:
			break;
		case FD_FILECTL:
			mismatch("fd %d: a test file's 2nd fd still open", fd);
			close_fd_checked(fd);
			break;
		default:
			close_fd_checked(fd);
			break;
		}
	}
}

/* The pages argument pointers point to: see ARENA_RW. */
static void setup_arena(struct __test_metadata *_metadata)
{
	void *p;
	int memfd;

	/*
	 * Low enough that a size-first argument of 4 GiB past it stays in user
	 * space: access_ok() then never decides, the pages do.
	 */
	p = mmap((void *)(1UL << 36), ARENA_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_GT(USER_TOP - (1ULL << 34), (uintptr_t)p);
	fz.arena = p;
	ASSERT_NE(MAP_FAILED, mmap(p, ARENA_RW, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   -1, 0));
	memfd = memfd_create("fuzz-ro-page", MFD_CLOEXEC);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ(0, ftruncate(memfd, PAGE_SZ));
	ASSERT_NE(MAP_FAILED, mmap(fz.arena + ARENA_RW, PAGE_SZ, PROT_READ,
				   MAP_SHARED | MAP_FIXED, memfd, 0));
	p = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	fz.ro = p;
	close(memfd);
}

/* The fds open before: the harness's, never touched; their number. */
static int setup_fds(struct __test_metadata *_metadata, bool *open_before)
{
	int fd, n = 0, fds;

	fds = scan_fds(open_before);
	ASSERT_GE(fds, 0);
	for (fd = 0; fd < MAX_FDS; fd++) {
		if (!open_before[fd])
			continue;
		fz.fds[fd].kind = FD_OTHER;
		fz.fds[fd].boxable = fd_boxable(fd);
		fz.fd_top = fd + 1;
		n++;
	}
	/* The model knows every fd below MAX_FDS, and there is none above. */
	ASSERT_EQ(fds, n);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &fz.nofile));
	return fds;
}

/* The control device, and the boxes of others, as they are now. */
static void setup_ctl(struct __test_metadata *_metadata)
{
	struct fdbox_box_info *boxes;
	__u32 nr_boxes, n;

	fz.ctl = fdbox_open_ctl();
	ASSERT_GE(fz.ctl, 0);
	fdm_set(fz.ctl, FD_CTL, 0);
	boxes = list_all_boxes(fz.ctl, &nr_boxes);
	ASSERT_LE(nr_boxes, MAX_FOREIGN);
	for (n = 0; n < nr_boxes; n++) {
		struct foreign_box *fb = &fz.foreign[fz.nr_foreign++];

		copy_name(fb->name, (char *)boxes[n].name);
		fb->flags = boxes[n].flags;
		fb->nr_entries = boxes[n].nr_entries;
	}
	free(boxes);
	ksft_print_msg("fuzz: %d box(es) of others\n", fz.nr_foreign);
}

/* The live update state machine, if it is there; it must be NORMAL. */
static void setup_luo(struct __test_metadata *_metadata,
		      struct fuzz_owned *o)
{
	char buf[16];

	fz.luo = luo_open();
	if (fz.luo < 0) {
		ksft_print_msg("fuzz: no /dev/liveupdate (%s): not fuzzed\n",
			       strerror(-fz.luo));
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"));
		fz.luo = -1;
		return;
	}
	fdm_set(fz.luo, FD_LUO, 0);
	fz.state = luo_get_state(fz.luo);
	ASSERT_EQ(LIVEUPDATE_STATE_NORMAL, fz.state);
	o->luo_used = true;
	if (fdbox_read_file(LUO_TEST_FAIL_PREPARE, buf, sizeof(buf)) > 0 &&
	    atoi(buf)) {
		ksft_print_msg("fuzz: the test subsystem fails PREPARE: not sent\n");
		fz.no_prepare = true;
	}
}

/* A pipe and an O_PATH fd to aim at, files in /tmp, the boxes. */
static void setup_rest(struct __test_metadata *_metadata)
{
	struct statfs sfs;
	int pfd[2], fd, s;

	fd = lowest_free_fd();
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_EQ(fd, pfd[0]);
	fdm_set(pfd[0], FD_PIPE, 0);
	fdm_set(pfd[1], FD_PIPE, 0);
	fd = open(FDBOX_CTL_PATH, O_PATH | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	fdm_set(fd, FD_OPATH, 0);

	/* O_TMPFILE files: FDBox takes them if /tmp is a tmpfs. */
	fd = open("/tmp", O_TMPFILE | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		fz.tmpfile_ok = true;
		fz.tmpfile_boxable = !fstatfs(fd, &sfs) &&
				     sfs.f_type == TMPFS_MAGIC;
		close(fd);
	}

	init_names();
	for (s = 0; s < NR_SLOTS; s++) {
		snprintf(fz.slot_name[s], sizeof(fz.slot_name[s]), "fuzz-%d-%d",
			 getpid(), s);
		ASSERT_FALSE(is_foreign(fz.slot_name[s]));
		ASSERT_EQ(0, fdbox_create(fz.ctl, fz.slot_name[s]));
		own(fz.slot_name[s]);
		box_created(fz.slot_name[s]);
	}
	ASSERT_EQ(0, fz.mismatches);
}

/* After a mismatch the model is not to be trusted: clean up by hand. */
static void cleanup_by_hand(struct fuzz_owned *o, const bool *open_before)
{
	static bool open_now[MAX_FDS];
	__u8 ch = '-';
	int fd;

	if (fz.luo >= 0)
		close(fz.luo);
	luo_cancel_left();
	/* Let every hook pass, so that the boxes can be unsealed. */
	for (fd = 0; fd < fz.fd_top; fd++)
		if (fz.fds[fd].kind == FD_FILECTL &&
		    pwrite(fd, &ch, 1, 1) != 1)
			ksft_print_msg("fuzz: cannot steer the hooks of fd %d\n",
				       fd);
	sweep(o, fz.ctl);
	scan_fds(open_now);
	for (fd = 0; fd < MAX_FDS; fd++)
		if (open_now[fd] && !open_before[fd])
			close(fd);
}

/* Per operation: calls, successes, errnos; the total; the notable paths. */
static void report(unsigned long *total, unsigned long *total_ok)
{
	int i;

	*total = *total_ok = 0;
	for (i = 0; i < NR_OPS; i++) {
		if (fz.luo < 0 && (i == OP_GET_STATE || i == OP_SET_EVENT))
			continue;
		ksft_print_msg("fuzz: %s: %lu calls, %lu succeeded\n",
			       op_names[i], fz.calls[i], fz.ok[i]);
		print_errnos(i);
		*total += fz.calls[i];
		*total_ok += fz.ok[i];
	}
	ksft_print_msg("fuzz: total: %lu calls, %lu succeeded\n", *total,
		       *total_ok);
	ksft_print_msg("fuzz: box calls on live boxes: %lu of %lu\n",
		       fz.box_live, fz.box_calls);
	for (i = NOTE_NONE + 1; i < NR_NOTES; i++)
		ksft_print_msg("fuzz: %s: %lu\n", note_names[i], fz.notes[i]);
}

/* Nothing of the test is left: no fd, no box, no live update. */
static void check_left(struct __test_metadata *_metadata,
		       const bool *open_before, int fds_before)
{
	static bool open_now[MAX_FDS];
	struct fdbox_box_info *boxes;
	__u32 nr_boxes, n;
	int fd;

	EXPECT_EQ(fds_before, scan_fds(open_now));
	for (fd = 0; fd < MAX_FDS; fd++)
		EXPECT_EQ(open_before[fd], open_now[fd]) TH_LOG("fd %d", fd);

	fz.ctl = fdbox_open_ctl();
	ASSERT_GE(fz.ctl, 0);
	/* Only the boxes of others; none is NULL. */
	boxes = list_all_boxes(fz.ctl, &nr_boxes);
	EXPECT_EQ(fz.nr_foreign, (int)nr_boxes);
	for (n = 0; boxes && n < nr_boxes && n < (__u32)fz.nr_foreign; n++) {
		const struct foreign_box *fb = &fz.foreign[n];

		EXPECT_STREQ(fb->name, (char *)boxes[n].name);
		EXPECT_EQ(fb->flags, boxes[n].flags);
		EXPECT_EQ(fb->nr_entries, boxes[n].nr_entries);
	}
	free(boxes);

	if (fz.luo >= 0) {
		fd = luo_open();
		ASSERT_GE(fd, 0);
		EXPECT_EQ(LIVEUPDATE_STATE_NORMAL, luo_get_state(fd));
		close(fd);
	}
}

/* FDBox still works, and still wants CAP_SYS_ADMIN to create boxes. */
static void check_works(struct __test_metadata *_metadata)
{
	const char *name = fz.slot_name[0];
	int box, memfd, status = -1;
	pid_t pid;

	ASSERT_EQ(0, fdbox_create(fz.ctl, name));
	own(name);
	box = fdbox_open_box(name);
	ASSERT_GE(box, 0);
	memfd = memfd_pattern("after", 4096, 1);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ(0, fdbox_put(box, memfd, "after"));
	memfd = fdbox_get(box, "after");
	ASSERT_GE(memfd, 0);
	EXPECT_EQ(0, memfd_check_pattern(memfd, 4096, 1));
	close(memfd);
	close(box);

	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(check_eperm(fz.ctl));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("without CAP_SYS_ADMIN: step %d",
				    WEXITSTATUS(status));
	EXPECT_EQ(0, fdbox_delete(fz.ctl, name));
	close(fz.ctl);
}

/* A bound against hangs, not a speed requirement: TCG and KASAN are slow. */
TEST_F_TIMEOUT(fuzz, ioctls, 900)
{
	static bool open_before[MAX_FDS];
	unsigned long calls = DEFAULT_CALLS, i, total, total_ok;
	const char *env;
	int fds_before;
	double start;
	__u64 seed;

	if (fdbox_stage() > 1)
		SKIP(return, "runs once, in stage 1");

	env = getenv("FDBOX_FUZZ_SEED");
	seed = env ? strtoull(env, NULL, 0) : (__u64)time(NULL) ^ getpid();
	env = getenv("FDBOX_FUZZ_CALLS");
	if (env)
		calls = strtoul(env, NULL, 0);
	else if (fdbox_kconfig("CONFIG_KASAN") > 0)
		calls /= 4;
	fz.rng = seed | 1;
	fz.owned = &self->o;
	ksft_print_msg("fuzz: seed %llu, %lu calls; FDBOX_FUZZ_SEED=%llu replays\n",
		       (unsigned long long)seed, calls,
		       (unsigned long long)seed);

	fds_before = setup_fds(_metadata, open_before);
	setup_arena(_metadata);
	setup_ctl(_metadata);
	setup_luo(_metadata, &self->o);
	setup_rest(_metadata);

	start = now();
	for (i = 0; i < calls && fz.mismatches < MAX_MISMATCHES; i++) {
		struct call c;

		if (!(i % 1024) && now() - start > MAX_SECONDS) {
			ksft_print_msg("fuzz: time limit: FDBOX_FUZZ_CALLS=%lu replays this run\n",
				       i);
			break;
		}
		fz.ncall = i;
		maintain();
		gen_call(&c);
		issue(&c);
	}
	ksft_print_msg("fuzz: %lu calls in %.1f s\n", i, now() - start);

	fz.ncall = i;
	if (!fz.mismatches)
		drain();
	if (!fz.mismatches)
		close_all();
	if (fz.mismatches) {
		ksft_print_msg("fuzz: %d mismatch(es), seed %llu, %lu calls\n",
			       fz.mismatches, (unsigned long long)seed, calls);
		cleanup_by_hand(&self->o, open_before);
	}
	report(&total, &total_ok);
	EXPECT_EQ(0, fz.mismatches);

	/*
	 * The old defect: boxes deleted for good, and from then on every call
	 * ENODEV. Most box calls must reach live boxes, many calls succeed.
	 */
	if (i >= 2000) {
		EXPECT_GE(fz.box_live * 4, fz.box_calls * 3);
		EXPECT_GE(total_ok * 4, total);
		for (i = 0; i < NR_OPS; i++) {
			if (i == OP_RANDOM || (fz.luo < 0 &&
					       (i == OP_GET_STATE ||
						i == OP_SET_EVENT)))
				continue;
			EXPECT_LT(0, fz.ok[i]) TH_LOG("no %s succeeded",
						      op_names[i]);
		}
	}
	check_left(_metadata, open_before, fds_before);
	check_works(_metadata);
}

TEST_HARNESS_MAIN
