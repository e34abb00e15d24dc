/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A real VMM across a live update: Debian's QEMU runs fdbox_qemu_guest.S
 * with its RAM in a memfd; before the live update the VMM stops the guest
 * and saves its device state, without the RAM, into a second memfd, and
 * both go into a sealed box; after it, a new QEMU started by `fdboxctl run`
 * on the two memfds loads the state and resumes the guest.
 *
 * Shared by fdbox_qemu_setup_test, fdbox_qemu_verify_test and the demo.
 * The VM runner packs the host's qemu-system-x86_64, its libraries and the
 * guest image into the initramfs (vmtest.sh).
 *
 * QEMU 7.2 (Debian bookworm) has no cpr-reboot migration mode (QEMU 8.2
 * has); the x-ignore-shared capability it builds on is there: shared RAM
 * blocks are left out of the migration stream, and the destination maps
 * the same file instead. The RAM is
 * memory-backend-file,mem-path=/proc/self/fd/3,share=on: QEMU opens the
 * path with open(2), which for /proc/self/fd/N gives a new open file of the
 * memfd itself, same inode, same pages (memory-backend-memfd would create
 * another memfd, and 7.2's memory backends take no fd of their own).
 *
 * The state: an incoming "fd:4" migration reads fd 4 of the new QEMU. An
 * outgoing "fd:" migration takes only an fd passed with the getfd command
 * over a Unix socket, which the test kernel (no networking) has not, so
 * the outgoing QEMU writes its state through "exec:cat > /proc/PID/fd/4",
 * its own fd 4 reopened by the shell it spawns (QEMU closes the other fds
 * of that shell).
 */
#ifndef _FDBOX_QEMU_H
#define _FDBOX_QEMU_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
#include <x86intrin.h>
#endif

#include "fdbox_hostile.h"
#include "fdbox_run.h"

#define QEMU_BIN		"/usr/bin/qemu-system-x86_64"
#define QEMU_GUEST		"/fdbox/qemu/guest.bin"
#define QEMU_BOX		"qemu-vm"
/* What the stage before the live update leaves for the one after it. */
#define QEMU_RECORD		"/fdbox/qemu.record"
#define QEMU_PFNS		"/fdbox/qemu.pfns"
/*
 * The stage whose live update the tests ride, or 0: the last one of the
 * run (after stage 6 of make check's seven), which no other test prepares,
 * so that the setup test can send PREPARE itself and read the guest's page
 * frames once PREPARE pinned them: before, compaction or the pin itself
 * may move them. In a run of the whole suite, not one that the carry tests
 * prepare (the first three stages) or the hostile-data tests damage; a -T
 * selection has them or not, as the user chose.
 */
static inline int qemu_stage(void)
{
	int stage = fdbox_stages() - 1;

	if (stage < 1 || (!fdbox_tests_selected() &&
			  (stage < 3 || hostile_damage(stage))))
		return 0;
	return stage;
}

#define QEMU_RAM_SIZE		(64UL << 20)
#define QEMU_PAGES		(QEMU_RAM_SIZE / 4096)
/* The fds QEMU gets: the RAM and state memfds, the serial port's pipe. */
#define QEMU_FD_RAM		3
#define QEMU_FD_STATE		4
#define QEMU_FD_SERIAL		9
/*
 * The longest a step may take (QEMU's start-up, a tick, a migration), under
 * nested emulation on a debug kernel: a bound against hangs. A test that
 * takes one wait for each of its few steps ends well inside four of them.
 */
#define QEMU_TIMEOUT_S		120

/* fdbox_qemu_guest.S's layout. */
#define GUEST_MAGIC_ADDR	0x1000
#define GUEST_COUNTER_ADDR	0x1004
#define GUEST_MAGIC		0x78426446
#define GUEST_PATTERN_START	0x100000
#define GUEST_PATTERN_END	0x200000
#define GUEST_PATTERN_SEED	0x2545f491

/*
 * The checksum the guest prints: of its pattern as @ram holds it, or, with
 * @ram NULL, as the guest writes it.
 */
static inline uint32_t guest_sum(const uint8_t *ram)
{
	uint32_t x = GUEST_PATTERN_SEED, sum = 0, w;
	unsigned long off;

	for (off = GUEST_PATTERN_START; off < GUEST_PATTERN_END; off += 4) {
		if (ram) {
			memcpy(&w, ram + off, 4);
		} else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			w = x;
		}
		sum = ((sum << 5) | (sum >> 27)) + w;
	}
	return sum;
}

/* A running QEMU and what its guest printed so far. */
struct vmm {
	pid_t pid;
	FILE *qmp_in;
	FILE *qmp_out;
	int serial;
	char reply[4096];	/* the last QMP reply */
	char buf[256];		/* a serial line not complete yet */
	size_t len;
	/* The guest's lines so far. */
	unsigned int boots;	/* "fdbox-guest boot" */
	unsigned int ticks;	/* tick lines */
	unsigned int first;	/* the first tick's counter */
	unsigned int last;	/* the last tick's counter */
	unsigned int skipped;	/* counters missing or repeated */
	unsigned int partial;	/* lines that are not the guest's */
	unsigned int partial_first;	/* of which the first line */
	uint32_t sum;		/* the first tick's checksum */
	unsigned int sums_changed;
};

/*
 * The options shared by both QEMUs: the guest's 64 MiB of RAM in the memfd
 * on fd 3, shared so that QEMU maps the memfd itself; a microvm with no
 * firmware but the guest, no option ROMs, no timers, no ACPI, COM1 only
 * (on fd 9); QMP on stdin and stdout.
 */
#define QEMU_ARGS							\
	QEMU_BIN, "-nodefaults", "-no-user-config", "-display", "none",	\
	"-machine", "microvm,x-option-roms=off,pit=off,pic=off,rtc=off,"\
		    "isa-serial=on,acpi=off,accel=tcg,memory-backend=ram",\
	"-object", "memory-backend-file,id=ram,size=64M,"		\
		   "mem-path=/proc/self/fd/3,share=on",			\
	"-m", "64M", "-bios", QEMU_GUEST,				\
	"-serial", "file:/proc/self/fd/9", "-qmp", "stdio"

/*
 * Start QEMU: exec @argv with QMP on its stdin and stdout and the guest's
 * serial port on fd 9; @ram and @state, if not -1, become fds 3 and 4
 * (with `fdboxctl run`, it puts them there itself).
 */
static inline int vmm_start(struct vmm *v, const char *const argv[], int ram,
			    int state)
{
	int in[2], out[2], ser[2], fd;

	memset(v, 0, sizeof(*v));
	/* A QEMU that died must fail the QMP write, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	if (pipe(in) || pipe(out) || pipe(ser))
		return -errno;
	v->pid = fork();
	if (v->pid < 0)
		return -errno;
	if (!v->pid) {
		/* Out of the way of 0, 1, 3, 4 and 9 first. */
		in[0] = fcntl(in[0], F_DUPFD, 10);
		out[1] = fcntl(out[1], F_DUPFD, 10);
		ser[1] = fcntl(ser[1], F_DUPFD, 10);
		if (ram >= 0)
			ram = fcntl(ram, F_DUPFD, 10);
		if (state >= 0)
			state = fcntl(state, F_DUPFD, 10);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(ser[1], QEMU_FD_SERIAL) < 0 ||
		    (ram >= 0 && dup2(ram, QEMU_FD_RAM) < 0) ||
		    (state >= 0 && dup2(state, QEMU_FD_STATE) < 0))
			_exit(126);
		for (fd = 3; fd < 1024; fd++)
			if (fd != QEMU_FD_SERIAL &&
			    (fd != QEMU_FD_RAM || ram < 0) &&
			    (fd != QEMU_FD_STATE || state < 0))
				close(fd);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(ser[1]);
	v->qmp_in = fdopen(in[1], "w");
	v->qmp_out = fdopen(out[0], "r");
	v->serial = ser[0];
	if (!v->qmp_in || !v->qmp_out)
		return -ENOMEM;
	fcntl(v->serial, F_SETFL, O_NONBLOCK);
	setvbuf(v->qmp_in, NULL, _IOLBF, 0);
	return 0;
}

/*
 * Send the QMP command @fmt and wait for its reply, left in v->reply;
 * events that come first are skipped. 0 if it returned, -EIO if it
 * failed, -EPIPE if QEMU went away.
 */
static inline int vmm_qmp(struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(v->qmp_in, fmt, ap);
	va_end(ap);
	fputc('\n', v->qmp_in);
	fflush(v->qmp_in);
	while (fgets(v->reply, sizeof(v->reply), v->qmp_out)) {
		if (!strncmp(v->reply, "{\"return\"", 9))
			return 0;
		if (!strncmp(v->reply, "{\"error\"", 8))
			return -EIO;
	}
	return -EPIPE;
}

/* The greeting, then the capabilities negotiation every QMP client does. */
static inline int vmm_qmp_open(struct vmm *v)
{
	if (!fgets(v->reply, sizeof(v->reply), v->qmp_out) ||
	    strncmp(v->reply, "{\"QMP\"", 6))
		return -EPIPE;
	return vmm_qmp(v, "{\"execute\": \"qmp_capabilities\"}");
}

static inline time_t vmm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Ask @cmd until its reply holds @want (0) or @fail (-EIO), or time out. */
static inline int vmm_wait_for(struct vmm *v, const char *cmd,
			       const char *want, const char *fail)
{
	time_t end = vmm_now() + QEMU_TIMEOUT_S;
	int err;

	while (vmm_now() <= end) {
		err = vmm_qmp(v, "%s", cmd);
		if (err)
			return err;
		if (strstr(v->reply, want))
			return 0;
		if (fail && strstr(v->reply, fail))
			return -EIO;
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

/* The shared-RAM migration capability, which both ends must have. */
static inline int vmm_ignore_shared(struct vmm *v)
{
	return vmm_qmp(v,
		       "{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": [{\"capability\": \"x-ignore-shared\", \"state\": true}]}}");
}

/* Save the stopped guest's state, all but its RAM, into fd 4 of QEMU. */
static inline int vmm_save_state(struct vmm *v)
{
	int err;

	err = vmm_ignore_shared(v);
	if (!err)
		err = vmm_qmp(v,
			      "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > /proc/%d/fd/%d\"}}",
			      v->pid, QEMU_FD_STATE);
	if (!err)
		err = vmm_wait_for(v, "{\"execute\": \"query-migrate\"}",
				   "\"completed\"", "\"failed\"");
	return err;
}

/*
 * Load the guest's state from fd 4 of a QEMU started with "-incoming
 * defer -S": the status is "inmigrate" until it is loaded, "paused"
 * then, and QEMU exits if it cannot load it.
 */
static inline int vmm_load_state(struct vmm *v)
{
	int err;

	err = vmm_ignore_shared(v);
	if (!err)
		err = vmm_qmp(v,
			      "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"fd:%d\"}}",
			      QEMU_FD_STATE);
	if (!err)
		err = vmm_wait_for(v, "{\"execute\": \"query-status\"}",
				   "\"paused\"", NULL);
	return err;
}

static inline void vmm_line(struct vmm *v, const char *line)
{
	unsigned int count, sum;

	if (!strcmp(line, "fdbox-guest boot")) {
		v->boots++;
	} else if (sscanf(line, "fdbox-guest tick %x sum %x", &count,
			  &sum) == 2) {
		if (!v->ticks) {
			v->first = count;
			v->sum = sum;
		} else if (count != v->last + 1) {
			v->skipped++;
		}
		if (v->ticks && sum != v->sum)
			v->sums_changed++;
		v->last = count;
		v->ticks++;
	} else {
		/*
		 * The rest of a line the guest was printing when it was
		 * stopped, the first one after it resumed.
		 */
		if (!v->ticks && !v->boots && !v->partial)
			v->partial_first++;
		v->partial++;
	}
}

/*
 * Read the guest's serial port until it printed @ticks tick lines in all,
 * or until QEMU closed it (@ticks 0), or the time-out.
 */
static inline int vmm_serial(struct vmm *v, unsigned int ticks)
{
	struct pollfd p = { .fd = v->serial, .events = POLLIN };
	time_t end = vmm_now() + QEMU_TIMEOUT_S;
	char c;
	ssize_t n;

	while (!ticks || v->ticks < ticks) {
		n = read(v->serial, &c, 1);
		if (n == 0)
			return ticks ? -EPIPE : 0;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n < 0) {
			if (vmm_now() > end)
				return -ETIMEDOUT;
			poll(&p, 1, 1000);
			continue;
		}
		if (c == '\r')
			continue;
		if (c != '\n') {
			if (v->len < sizeof(v->buf) - 1)
				v->buf[v->len++] = c;
			continue;
		}
		v->buf[v->len] = 0;
		vmm_line(v, v->buf);
		v->len = 0;
	}
	return 0;
}

/* Quit QEMU and read what the guest printed before: 0 if QEMU exited 0. */
static inline int vmm_quit(struct vmm *v)
{
	int status = 0;

	if (vmm_qmp(v, "{\"execute\": \"quit\"}") == -EIO)
		kill(v->pid, SIGKILL);
	vmm_serial(v, 0);
	fclose(v->qmp_in);
	fclose(v->qmp_out);
	close(v->serial);
	if (waitpid(v->pid, &status, 0) < 0)
		return -errno;
	v->pid = 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

/* Kill a QEMU that is still running, after a failure. */
static inline void vmm_kill(struct vmm *v)
{
	if (v->pid <= 0)
		return;
	kill(v->pid, SIGKILL);
	waitpid(v->pid, NULL, 0);
	v->pid = 0;
}

/* The guest's counter, as its RAM holds it. */
static inline int guest_counter(int ram, uint32_t *counter)
{
	return pread(ram, counter, 4, GUEST_COUNTER_ADDR) == 4 ? 0 : -EIO;
}

/* The checksum of the guest's pattern as its RAM holds it. */
static inline int guest_ram_sum(int ram, uint32_t *sum)
{
	uint8_t *p = mmap(NULL, QEMU_RAM_SIZE, PROT_READ, MAP_SHARED, ram, 0);

	if (p == MAP_FAILED)
		return -errno;
	*sum = guest_sum(p);
	munmap(p, QEMU_RAM_SIZE);
	return 0;
}

/* The page frames of the guest's RAM, every page of it. */
static inline int guest_pfns(int ram, uint64_t *pfns)
{
	unsigned long i;
	void *p;
	int pm, err = 0;

	p = mmap(NULL, QEMU_RAM_SIZE, PROT_READ, MAP_SHARED | MAP_POPULATE,
		 ram, 0);
	if (p == MAP_FAILED)
		return -errno;
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || pread(pm, pfns, QEMU_PAGES * 8,
			    (uintptr_t)p / 4096 * 8) != QEMU_PAGES * 8)
		err = -EIO;
	/* Bit 63: present; bits 0-54: the frame. */
	for (i = 0; !err && i < QEMU_PAGES; i++) {
		if (!(pfns[i] >> 63) || !(pfns[i] & ((1ULL << 55) - 1)))
			err = -ENODATA;
		pfns[i] &= (1ULL << 55) - 1;
	}
	if (pm >= 0)
		close(pm);
	munmap(p, QEMU_RAM_SIZE);
	return err;
}

/* The TSC, which a kexec does not reset; 0 where there is none. */
static inline uint64_t tsc_now(void)
{
#ifdef __x86_64__
	return __rdtsc();
#else
	return 0;
#endif
}

/*
 * Seconds from @from to @to, two readings of tsc_now(), at the rate the VM
 * runner gives the kernel (tsc_early_khz=); 0 if it gave none.
 */
static inline double tsc_seconds(uint64_t from, uint64_t to)
{
	char cmdline[4096], *p;
	double khz = 0;

	if (fdbox_cmdline(cmdline, sizeof(cmdline)))
		return 0;
	p = strstr(cmdline, "tsc_early_khz=");
	if (p)
		khz = atof(p + strlen("tsc_early_khz="));
	return khz > 0 && to > from ? (double)(to - from) / (khz * 1000) : 0;
}

#endif /* _FDBOX_QEMU_H */
