// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests of fdboxctl (tools/fdbox): each subcommand's output and exit
 * status, --json, --help, and run, checked by a child (this binary, with
 * --listen-child) that verifies LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID and
 * reads its memfds; the operator's procedure with kexec-tools; and `kho
 * out`, on an intact and a damaged outgoing hand-over.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdbox_kho.h"
#include "fdbox_run.h"
#include "../kselftest_harness.h"

/*
 * Each test runs fdboxctl several times, each a fork and an exec: a bound
 * against hangs, not a speed requirement, for a debug kernel under
 * emulation on a busy host.
 */
#define CTL_TIMEOUT	300

#define FDBOXCTL	"/fdbox/bin/fdboxctl"
#define OUT_MAX		KHO_JSON_MAX

static char out[OUT_MAX], err_out[OUT_MAX];

static void read_all(int fd, char *buf)
{
	size_t len = 0;
	ssize_t n;

	while (len < OUT_MAX - 1 &&
	       (n = read(fd, buf + len, OUT_MAX - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
}

/* Run @prog with @argv; its stdout and stderr land in out, err_out. */
static int run_prog(const char *prog, const char *const *argv)
{
	int o[2], e[2], status;
	pid_t pid;

	if (pipe(o) || pipe(e))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	read_all(o[0], out);
	read_all(e[0], err_out);
	close(o[0]);
	close(e[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define CTL(...)							\
	run_prog(FDBOXCTL, (const char *const[]){ "fdboxctl", __VA_ARGS__, NULL })

/* kexec-tools, which the VM runner packs from the host. */
#define KEXEC		"/usr/sbin/kexec"
#define KEXEC_RUN(...)							\
	run_prog(KEXEC, (const char *const[]){ "kexec", __VA_ARGS__, NULL })
#define FAIL_FREEZE	"/sys/kernel/debug/luo_state_test/fail_freeze"

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

FIXTURE(ctl) {
	char box[64];
	char src[96];
	char dst[96];
};

FIXTURE_SETUP(ctl)
{
	snprintf(self->box, sizeof(self->box), "ctltest-%d", getpid());
	snprintf(self->src, sizeof(self->src), "/tmp/ctl-src-%d", getpid());
	snprintf(self->dst, sizeof(self->dst), "/tmp/ctl-dst-%d", getpid());
	ASSERT_EQ(0, CTL("create", self->box)) TH_LOG("%s", err_out);
}

FIXTURE_TEARDOWN(ctl)
{
	CTL("unseal", self->box);
	CTL("delete", self->box);
	unlink(self->src);
	unlink(self->dst);
}

TEST_F_TIMEOUT(ctl, ls_and_json, CTL_TIMEOUT)
{
	char want[160];

	ASSERT_EQ(0, CTL("ls"));
	EXPECT_NE(NULL, strstr(out, "BOX"));
	snprintf(want, sizeof(want), "\n%s ", self->box);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "unsealed"));

	ASSERT_EQ(0, CTL("ls", "--json"));
	EXPECT_EQ(0, strncmp(out, "{\"boxes\":[", 10));
	snprintf(want, sizeof(want),
		 "{\"name\":\"%s\",\"sealed\":false,\"carried\":false,\"incoming\":false,\"entries\":0}",
		 self->box);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_STREQ("]}\n", out + strlen(out) - 3);

	ASSERT_EQ(0, CTL("seal", self->box));
	ASSERT_EQ(0, CTL("ls", "--json"));
	snprintf(want, sizeof(want), "{\"name\":\"%s\",\"sealed\":true,",
		 self->box);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
}

TEST_F_TIMEOUT(ctl, put_get, CTL_TIMEOUT)
{
	char data[100000], back[100001], want[200];
	ssize_t n;
	int i;

	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = i * 7;
	ASSERT_EQ(0, write_file(self->src, data, sizeof(data)));

	ASSERT_EQ(0, CTL("put", self->box, "blob", "--from-file", self->src,
			 "--seal", "shrink,grow")) TH_LOG("%s", err_out);
	ASSERT_EQ(0, CTL("ls", self->box));
	EXPECT_NE(NULL, strstr(out, "blob"));
	EXPECT_NE(NULL, strstr(out, "100000"));
	ASSERT_EQ(0, CTL("ls", self->box, "--json"));
	snprintf(want, sizeof(want),
		 "{\"box\":\"%s\",\"entries\":[{\"name\":\"blob\",\"type\":\"memfd\",\"size\":100000,\"waiting\":false}]}\n",
		 self->box);
	EXPECT_STREQ(want, out);

	/* A name taken: exit 1, the error names the entry. */
	ASSERT_EQ(1, CTL("put", self->box, "blob", "--from-file", self->src));
	snprintf(want, sizeof(want), "%s/blob: File exists", self->box);
	EXPECT_NE(NULL, strstr(err_out, want)) TH_LOG("%s", err_out);

	ASSERT_EQ(0, CTL("get", self->box, "blob", "--to-file", self->dst));
	n = read_file(self->dst, back, sizeof(back));
	ASSERT_EQ(sizeof(data), n);
	EXPECT_EQ(0, memcmp(data, back, sizeof(data)));

	ASSERT_EQ(1, CTL("get", self->box, "blob", "--to-file", self->dst));
	EXPECT_NE(NULL, strstr(err_out, "No such file or directory"));
}

TEST_F_TIMEOUT(ctl, sealed_box, CTL_TIMEOUT)
{
	char want[160];

	ASSERT_EQ(0, write_file(self->src, "x", 1));
	ASSERT_EQ(0, CTL("seal", self->box));
	ASSERT_EQ(1, CTL("put", self->box, "x", "--from-file", self->src));
	snprintf(want, sizeof(want), "%s/x: Device or resource busy",
		 self->box);
	EXPECT_NE(NULL, strstr(err_out, want)) TH_LOG("%s", err_out);
	ASSERT_EQ(1, CTL("delete", self->box));
	EXPECT_NE(NULL, strstr(err_out, "Device or resource busy"));
	ASSERT_EQ(0, CTL("unseal", self->box));
	ASSERT_EQ(1, CTL("unseal", self->box));
	EXPECT_NE(NULL, strstr(err_out, "Invalid argument"));
}

TEST_F_TIMEOUT(ctl, errors_and_help, CTL_TIMEOUT)
{
	static const char * const cmds[] = {
		"ls", "create", "delete", "seal", "unseal", "put", "get",
		"state", "prepare", "cancel", "finish", "run", "kho",
	};
	unsigned int i;

	EXPECT_EQ(1, CTL("delete", "ctltest-none"));
	EXPECT_NE(NULL, strstr(err_out, "ctltest-none: No such file"));
	EXPECT_EQ(1, CTL("create", self->box));
	EXPECT_NE(NULL, strstr(err_out, "File exists"));
	EXPECT_EQ(1, CTL("put", self->box, "x", "--from-file", "/nonexistent"));
	EXPECT_NE(NULL, strstr(err_out, "/nonexistent"));
	EXPECT_EQ(2, CTL("put", self->box, "x", "--seal", "sideways"));
	EXPECT_EQ(2, CTL("frobnicate"));
	EXPECT_NE(NULL, strstr(err_out, "unknown command"));
	EXPECT_EQ(2, CTL("create"));
	EXPECT_NE(NULL, strstr(err_out, "usage: fdboxctl create"));

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char want[64];

		EXPECT_EQ(0, CTL(cmds[i], "--help")) TH_LOG("%s", cmds[i]);
		snprintf(want, sizeof(want), "usage: fdboxctl %s", cmds[i]);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", cmds[i]);
	}
	EXPECT_EQ(0, CTL("--help"));
	EXPECT_NE(NULL, strstr(out, "COMMAND"));
	EXPECT_EQ(0, CTL("help", "kho"));
	EXPECT_NE(NULL, strstr(out, "usage: fdboxctl kho out|in [--json]"));
	EXPECT_NE(NULL, strstr(out, "Exit status 0: all taken; 3:"));
	EXPECT_EQ(2, CTL("help", "frobnicate"));
	EXPECT_EQ(2, CTL("kho"));
	EXPECT_EQ(2, CTL("kho", "sideways"));
	EXPECT_NE(NULL, strstr(err_out, "usage: fdboxctl kho"));
}

TEST(state_events)
{
	if (access("/dev/liveupdate", F_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no /dev/liveupdate");
		SKIP(return, "no /dev/liveupdate");
	}
	ASSERT_EQ(0, CTL("state"));
	ASSERT_STREQ("normal\n", out);
	ASSERT_EQ(1, CTL("finish"));
	EXPECT_NE(NULL, strstr(err_out, "Device or resource busy"));
	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(0, CTL("state"));
	EXPECT_STREQ("prepared\n", out);
	ASSERT_EQ(0, CTL("cancel"));
	ASSERT_EQ(0, CTL("state"));
	EXPECT_STREQ("normal\n", out);
}

/*
 * The operator's procedure with kexec-tools, as far as it goes without a
 * kexec: an image loaded with `kexec -s -l`, a PREPARE that `fdboxctl
 * cancel` takes back, then a `kexec -e` that a failed freeze refuses: it
 * fails, the state is normal again and the image stays loaded, for
 * another try, until `kexec -s -u`. The stages of the VM run kexec with
 * kexec-tools all the way (vm-init.sh).
 */
/* /sys/kernel/kexec_loaded, "" if it cannot be read. */
static const char *kexec_image_loaded(void)
{
	static char loaded[8];
	ssize_t n = read_file("/sys/kernel/kexec_loaded", loaded,
			      sizeof(loaded) - 1);

	loaded[n > 0 ? n : 0] = '\0';
	return loaded;
}

FIXTURE(kexec) {};

FIXTURE_SETUP(kexec) {}

/* Whatever failed, leave no knob set, no PREPARE, no image loaded. */
FIXTURE_TEARDOWN(kexec)
{
	write_file(FAIL_FREEZE, "0", 1);
	if (!CTL("state") && !strcmp(out, "prepared\n"))
		CTL("cancel");
	KEXEC_RUN("-s", "-u");
}

TEST_F_TIMEOUT(kexec, kexec_tools, CTL_TIMEOUT)
{
	if (access(KEXEC, X_OK))
		SKIP(return, "no kexec-tools in the VM (not on the host)");
	if (fdbox_may_skip("CONFIG_LIVEUPDATE_STATE_TEST"))
		SKIP(return, "no state machine test knobs");
	ASSERT_EQ(0, CTL("state"));
	ASSERT_STREQ("normal\n", out);

	/* Should it kexec after all, the VM stops at once instead of hanging. */
	ASSERT_EQ(0, KEXEC_RUN("-s", "-l", "/fdbox/kernel",
			       "--initrd=/fdbox/config",
			       "--command-line=console=ttyS0 panic=-1"))
		TH_LOG("%s", err_out);
	ASSERT_STREQ("1\n", kexec_image_loaded());

	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(0, CTL("cancel"));
	ASSERT_EQ(0, CTL("state"));
	EXPECT_STREQ("normal\n", out);

	ASSERT_EQ(0, write_file(FAIL_FREEZE, "1", 1));
	ASSERT_EQ(0, CTL("prepare"));
	EXPECT_NE(0, KEXEC_RUN("-e", "-x"));
	EXPECT_NE(NULL, strstr(err_out, "kexec failed"))
		TH_LOG("kexec -e: %s", err_out);
	ASSERT_EQ(0, write_file(FAIL_FREEZE, "0", 1));
	ASSERT_EQ(0, CTL("state"));
	EXPECT_STREQ("normal\n", out);
	EXPECT_STREQ("1\n", kexec_image_loaded());

	EXPECT_EQ(0, KEXEC_RUN("-s", "-u")) TH_LOG("%s", err_out);
	EXPECT_STREQ("0\n", kexec_image_loaded());
}

/*
 * `fdboxctl kho out` after PREPARE, on an intact hand-over, then on one
 * that the damage knob spoils in an entry and in the header: the verdicts
 * of the next kernel's checks, before the kexec. The damages that
 * fdbox_hostile_setup_test may have set up for this stage's live update
 * are put back as they were.
 */
#define DAMAGE_KNOB	"/sys/kernel/debug/fdbox/damage"
#define KHO_SUBTREE	"/sys/kernel/debug/kho/out/sub_fdts/fdbox"
#define FDBOX_OUT_HDR	"/sys/kernel/debug/fdbox/out/header"
#define KHO_HDR_SIZE	40
#define KHO_OUT_HEAD	"{\"handover\":\"out\",\"header\":{\"bytes\":40,"
#define SKIPPED_NOT	"\"accepted\":true,\"reason\":null,\"finish_releases\":false}"
#define SKIPPED_MALFORMED \
	"\"accepted\":false,\"reason\":\"is malformed\",\"finish_releases\":true}"

FIXTURE(kho) {
	char box[64];
	char src[96];
	char damages[4096];
};

/*
 * A tenant's entry name that would clear the operator's terminal (ESC and
 * the C1 CSI) and is not UTF-8; as fdboxctl shows it on a terminal, and
 * in JSON.
 */
#define KHO_TERM_NAME	"term\x1b[2J\xc2\x9b\xff"
#define KHO_TERM_TEXT	"term\\x1b[2J\\xc2\\x9b\\xff"
#define KHO_TERM_JSON	"\"term\\u001b[2J\\u009b\\ufffd\""

#define KHO_DAMAGED \
	"\"verdict\":\"rejected\",\"reason\":\"tree damaged\",\"damaged_at\":"

/* 0x0102030405060708 and 0x01020304. */
#define KHO_MAX_BYTES	"72623859790382856"
#define KHO_MAX_ENTRIES	"16909060"

FIXTURE_SETUP(kho)
{
	char path[128];
	ssize_t n;

	if (access("/dev/liveupdate", F_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_LIVEUPDATE"))
			TH_LOG("no /dev/liveupdate");
		SKIP(return, "no /dev/liveupdate");
	}
	snprintf(self->box, sizeof(self->box), "ctltest-kho-%d", getpid());
	snprintf(self->src, sizeof(self->src), "/tmp/ctl-kho-%d", getpid());
	n = read_file(DAMAGE_KNOB, self->damages, sizeof(self->damages) - 1);
	self->damages[n > 0 ? n : 0] = '\0';
	ASSERT_EQ(0, write_file(self->src, "kho", 3));
	ASSERT_EQ(0, CTL("create", self->box)) TH_LOG("%s", err_out);
	ASSERT_EQ(0, CTL("put", self->box, "blob", "--from-file", self->src))
		TH_LOG("%s", err_out);
	ASSERT_EQ(0, CTL("put", self->box, KHO_TERM_NAME, "--from-file",
			 self->src)) TH_LOG("%s", err_out);
	/* Limits whose every byte differs, to see them decoded in order. */
	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/max_bytes", self->box);
	ASSERT_EQ(0, write_file(path, KHO_MAX_BYTES, strlen(KHO_MAX_BYTES)));
	snprintf(path, sizeof(path), "/sys/class/fdbox/%s/max_entries",
		 self->box);
	ASSERT_EQ(0, write_file(path, KHO_MAX_ENTRIES, strlen(KHO_MAX_ENTRIES)));
	ASSERT_EQ(0, CTL("seal", self->box));
}

/* Set the damages to @list, one per line. */
static void set_damages(char *list)
{
	char *line, *save;

	write_file(DAMAGE_KNOB, "clear", 5);
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		write_file(DAMAGE_KNOB, line, strlen(line));
}

FIXTURE_TEARDOWN(kho)
{
	if (!CTL("state") && !strcmp(out, "prepared\n"))
		CTL("cancel");
	if (!access(DAMAGE_KNOB, F_OK))
		set_damages(self->damages);
	CTL("unseal", self->box);
	CTL("delete", self->box);
	unlink(self->src);
}

TEST_F_TIMEOUT(kho, out, CTL_TIMEOUT)
{
	char hdr[KHO_HDR_SIZE + 1], kho_hdr[KHO_HDR_SIZE + 1], want[160];
	char list[96], dev[96];
	struct stat st;

	snprintf(dev, sizeof(dev), "/dev/fdbox/%s", self->box);
	ASSERT_EQ(0, stat(dev, &st));
	ASSERT_EQ(0, CTL("state"));
	ASSERT_STREQ("normal\n", out);
	ASSERT_EQ(1, CTL("kho", "out"));
	EXPECT_NE(NULL, strstr(err_out, "no outgoing hand-over"))
		TH_LOG("%s", err_out);
	/* FINISH released what the previous kernel handed over, if any. */
	ASSERT_EQ(1, CTL("kho", "in"));
	EXPECT_NE(NULL, strstr(err_out, "no incoming hand-over"))
		TH_LOG("%s", err_out);

	if (!access(DAMAGE_KNOB, F_OK))
		set_damages(strcpy(list, ""));
	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(0, CTL("kho", "out", "--json")) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, KHO_OUT_HEAD, strlen(KHO_OUT_HEAD)));
	EXPECT_NE(NULL, strstr(out, "\"magic\":\"0x78426446\",\"version\":2,"));
	EXPECT_NE(NULL, strstr(out, "\"verdict\":\"accepted\",\"reason\":null,"));
	EXPECT_NE(NULL, strstr(out, ",\"compatible\":\"fdbox-v1\","));
	EXPECT_TRUE(kho_has(out, self->box, NULL, "\"accepted\":true"));
	snprintf(want, sizeof(want), "\"minor\":%u,\"max_entries\":%s,\"max_bytes\":%s,",
		 minor(st.st_rdev), KHO_MAX_ENTRIES, KHO_MAX_BYTES);
	EXPECT_TRUE(kho_has(out, self->box, NULL, want)) TH_LOG("%s", want);
	EXPECT_TRUE(kho_has(out, self->box, "\"blob\"",
			    "\"luo_handler\":\"memfd-v2\",\"data\":\"0x"));
	EXPECT_TRUE(kho_has(out, self->box, "\"blob\"",
			    "\"fdbox_handler\":\"memfd\","));
	EXPECT_TRUE(kho_has(out, self->box, "\"blob\"", SKIPPED_NOT));
	EXPECT_TRUE(kho_has(out, self->box, KHO_TERM_JSON, SKIPPED_NOT));
	EXPECT_EQ(0, kho_summary(out, "skipped_boxes"));
	EXPECT_EQ(0, kho_summary(out, "skipped_entries"));
	EXPECT_EQ(0, kho_summary(out, "finish_releases"));

	/* What it decoded is the subtree KHO hands over. */
	ASSERT_EQ(KHO_HDR_SIZE, read_file(KHO_SUBTREE, kho_hdr, sizeof(kho_hdr)));
	ASSERT_EQ(KHO_HDR_SIZE, read_file(FDBOX_OUT_HDR, hdr, sizeof(hdr)));
	EXPECT_EQ(0, memcmp(hdr, kho_hdr, KHO_HDR_SIZE));

	ASSERT_EQ(0, CTL("kho", "out"));
	snprintf(want, sizeof(want), " %s: minor ", self->box);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, " blob: memfd, memfd-v2, data 0x"));
	EXPECT_NE(NULL, strstr(out, " " KHO_TERM_TEXT ": memfd, ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "verdict: accepted: "));
	ASSERT_EQ(0, CTL("ls", self->box));
	EXPECT_NE(NULL, strstr(out, KHO_TERM_TEXT " ")) TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("cancel"));
	ASSERT_EQ(1, CTL("kho", "out"));
	EXPECT_NE(NULL, strstr(err_out, "no outgoing hand-over"))
		TH_LOG("%s", err_out);

	if (access(DAMAGE_KNOB, F_OK)) {
		ASSERT_TRUE(fdbox_may_skip("CONFIG_FDBOX_LUO_TEST"));
		SKIP(return, "no damage knob");
	}
	/* The entry is skipped, and its file released at FINISH. */
	snprintf(list, sizeof(list), "entry-name-nul %s", self->box);
	set_damages(list);
	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(3, CTL("kho", "out", "--json")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"verdict\":\"accepted\""));
	EXPECT_TRUE(kho_has(out, self->box, NULL, "\"accepted\":true"));
	EXPECT_TRUE(kho_has(out, self->box, "null", SKIPPED_MALFORMED))
		TH_LOG("%s", out);
	EXPECT_EQ(1, kho_summary(out, "skipped_entries"));
	EXPECT_EQ(1, kho_summary(out, "finish_releases"));
	ASSERT_EQ(0, CTL("cancel"));

	/*
	 * A property length that wraps the walk back, the checksums right:
	 * the next kernel would reject the tree, and libfdt before 1.7 would
	 * loop on it. Said, not looped on.
	 */
	snprintf(list, sizeof(list), "entry-data-wrap %s", self->box);
	set_damages(list);
	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(3, CTL("kho", "out", "--json")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, KHO_DAMAGED)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "\"damaged_at\":null")) TH_LOG("%s", out);
	ASSERT_EQ(3, CTL("kho", "out"));
	EXPECT_NE(NULL, strstr(out, "verdict: rejected: tree damaged; no box restored"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("cancel"));

	/* The whole subtree is rejected; the tree still shows what is lost. */
	set_damages(strcpy(list, "version"));
	ASSERT_EQ(0, CTL("prepare"));
	ASSERT_EQ(3, CTL("kho", "out", "--json")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"verdict\":\"rejected\",\"reason\":\"unknown version\""));
	EXPECT_TRUE(kho_has(out, self->box, NULL,
			    "\"accepted\":false,\"reason\":\"the subtree is rejected\""));
	EXPECT_EQ(0, kho_summary(out, "finish_releases"));
	ASSERT_EQ(3, CTL("kho", "out"));
	EXPECT_NE(NULL, strstr(out, "verdict: rejected: unknown version; no box restored"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("cancel"));
}

/* The child of `fdboxctl run`: check what socket activation passes. */
static int listen_child(void)
{
	const char *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	const char *pid = getenv("LISTEN_PID");
	char buf[16];

	if (!fds || strcmp(fds, "2"))
		return 10;
	if (!names || strcmp(names, "beta:alpha"))
		return 11;
	if (!pid || atoi(pid) != getpid())
		return 12;
	if (fcntl(3, F_GETFD) != 0 || fcntl(4, F_GETFD) != 0)
		return 13;
	if (pread(3, buf, 4, 0) != 4 || memcmp(buf, "BETA", 4))
		return 14;
	if (pread(4, buf, 5, 0) != 5 || memcmp(buf, "ALPHA", 5))
		return 15;
	return 0;
}

TEST_F_TIMEOUT(ctl, run, CTL_TIMEOUT)
{
	char self_exe[256];
	ssize_t n;

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	ASSERT_GT(n, 0);
	self_exe[n] = '\0';

	ASSERT_EQ(0, write_file(self->src, "ALPHA", 5));
	ASSERT_EQ(0, CTL("put", self->box, "alpha", "--from-file", self->src));
	ASSERT_EQ(0, write_file(self->src, "BETA", 4));
	ASSERT_EQ(0, CTL("put", self->box, "beta", "--from-file", self->src));
	ASSERT_EQ(0, write_file(self->src, "GAMMA", 5));
	ASSERT_EQ(0, CTL("put", self->box, "gamma", "--from-file", self->src));

	EXPECT_EQ(0, CTL("run", self->box, "--names", "beta,alpha", "--",
			 self_exe, "--listen-child")) TH_LOG("%s", err_out);
	/* What was not named stays in the box. */
	ASSERT_EQ(0, CTL("ls", self->box));
	EXPECT_NE(NULL, strstr(out, "gamma"));
	EXPECT_EQ(NULL, strstr(out, "alpha"));

	EXPECT_EQ(1, CTL("run", self->box, "--names", "nope", "--", "/bin/true"));
	EXPECT_NE(NULL, strstr(err_out, "/nope: No such file"));
	EXPECT_EQ(2, CTL("run", self->box, "/bin/true"));
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--listen-child"))
		return listen_child();
	return test_harness_run(argc, argv);
}
