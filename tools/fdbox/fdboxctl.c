// SPDX-License-Identifier: GPL-2.0
/*
 * fdboxctl: manage FDBox boxes and live updates from the command line.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdboxctl.h"
#include "libfdbox.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct command *current;

static int usage_of(const struct command *c, FILE *out);

/* Report a failure naming what failed; returns the exit status. */
int fail(const char *what, int err)
{
	fprintf(stderr, "fdboxctl %s: %s: %s\n", current->name, what,
		strerror(-err));
	return 1;
}

static bool want_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

/*
 * The length of the UTF-8 character at @s, its code point in *@cp; 0 if
 * the bytes there are not one (overlong, a surrogate, cut short).
 */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c = s[0];
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xf8 || c < 0xc0)
		return 0;
	n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	c &= 0x7f >> n;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* C0 and C1 controls and DEL: a terminal acts on them. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/*
 * Print @s as a JSON string. Names are bytes a tenant chose: controls are
 * escaped, and a byte that is not UTF-8 becomes U+FFFD, so that the output
 * stays JSON a strict parser takes.
 */
void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	putchar('"');
	while (*p) {
		n = utf8_char(p, &cp);
		if (!n) {
			fputs("\\ufffd", stdout);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			printf("\\%c", (int)cp);
		else if (is_control(cp))
			printf("\\u%04x", cp);
		else
			fwrite(p, 1, n, stdout);
		p += n;
	}
	putchar('"');
}

/*
 * @s for a terminal, into @buf of @size bytes: the bytes of controls, of
 * what is not UTF-8, and backslashes as \xNN, so that a tenant's name
 * cannot act on the operator's terminal. 4 bytes a byte are enough.
 */
const char *text_escape(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i, len = 0;
	uint32_t cp;

	while (*p && len + 5 <= size) {
		n = utf8_char(p, &cp);
		if (n && !is_control(cp) && cp != '\\') {
			if (len + n + 1 > size)
				break;
			memcpy(buf + len, p, n);
			len += n;
			p += n;
			continue;
		}
		for (i = 0; i < (n ?: 1) && len + 5 <= size; i++, p++)
			len += snprintf(buf + len, size - len, "\\x%02x", *p);
	}
	buf[len] = '\0';
	return buf;
}

static int cmd_ls_boxes(bool json)
{
	char esc[TEXT_ESCAPE_SIZE(FDBOX_NAME_LEN)];
	struct fdbox_box_info *b;
	int ctl, n, i;

	ctl = fdbox_open_control();
	if (ctl < 0)
		return fail("/dev/fdbox/fdbox", ctl);
	n = fdbox_list_boxes(ctl, &b);
	close(ctl);
	if (n < 0)
		return fail("list boxes", n);

	if (json) {
		printf("{\"boxes\":[");
		for (i = 0; i < n; i++) {
			printf("%s{\"name\":", i ? "," : "");
			json_string((char *)b[i].name);
			printf(",\"sealed\":%s,\"carried\":%s,\"incoming\":%s,\"entries\":%u}",
			       b[i].flags & FDBOX_BOX_SEALED ? "true" : "false",
			       b[i].flags & FDBOX_BOX_CARRIED ? "true" : "false",
			       b[i].flags & FDBOX_BOX_INCOMING ? "true" : "false",
			       b[i].nr_entries);
		}
		printf("]}\n");
	} else {
		printf("%-32s %-9s %s\n", "BOX", "STATE", "ENTRIES");
		for (i = 0; i < n; i++) {
			const char *state = "unsealed";

			if (b[i].flags & FDBOX_BOX_INCOMING)
				state = "incoming";
			else if (b[i].flags & FDBOX_BOX_CARRIED)
				state = "carried";
			else if (b[i].flags & FDBOX_BOX_SEALED)
				state = "sealed";
			printf("%-32s %-9s %u\n",
			       text_escape((char *)b[i].name, esc, sizeof(esc)),
			       state, b[i].nr_entries);
		}
	}
	free(b);
	return 0;
}

static int cmd_ls_entries(const char *name, bool json)
{
	char esc[TEXT_ESCAPE_SIZE(FDBOX_NAME_LEN)];
	char esc_type[TEXT_ESCAPE_SIZE(FDBOX_TYPE_LEN)];
	struct fdbox_entry_info *e;
	int box, n, i;

	box = fdbox_open(name);
	if (box < 0)
		return fail(name, box);
	n = fdbox_list_entries(box, &e);
	close(box);
	if (n < 0)
		return fail(name, n);

	if (json) {
		printf("{\"box\":");
		json_string(name);
		printf(",\"entries\":[");
		for (i = 0; i < n; i++) {
			printf("%s{\"name\":", i ? "," : "");
			json_string((char *)e[i].name);
			printf(",\"type\":");
			json_string((char *)e[i].type);
			printf(",\"size\":%llu,\"waiting\":%s}",
			       (unsigned long long)e[i].size,
			       e[i].flags & FDBOX_ENTRY_WAITING ? "true" : "false");
		}
		printf("]}\n");
	} else {
		printf("%-32s %-8s %12s\n", "ENTRY", "TYPE", "SIZE");
		for (i = 0; i < n; i++)
			printf("%-32s %-8s %12llu%s\n",
			       text_escape((char *)e[i].name, esc, sizeof(esc)),
			       text_escape((char *)e[i].type, esc_type,
					   sizeof(esc_type)),
			       (unsigned long long)e[i].size,
			       e[i].flags & FDBOX_ENTRY_WAITING ?
			       " waiting for unseal" : "");
	}
	free(e);
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	const char *box = NULL;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!box)
			box = argv[i];
		else
			return usage_of(current, stderr);
	}
	return box ? cmd_ls_entries(box, json) : cmd_ls_boxes(json);
}

static int ctl_op(int argc, char **argv, int (*op)(int ctl, const char *box))
{
	int ctl, err;

	if (argc != 2)
		return usage_of(current, stderr);
	ctl = fdbox_open_control();
	if (ctl < 0)
		return fail("/dev/fdbox/fdbox", ctl);
	err = op(ctl, argv[1]);
	close(ctl);
	return err ? fail(argv[1], err) : 0;
}

static int cmd_create(int argc, char **argv)
{
	return ctl_op(argc, argv, fdbox_create);
}

static int cmd_delete(int argc, char **argv)
{
	return ctl_op(argc, argv, fdbox_delete);
}

static int box_op(int argc, char **argv, int (*op)(int box))
{
	int box, err;

	if (argc != 2)
		return usage_of(current, stderr);
	box = fdbox_open(argv[1]);
	if (box < 0)
		return fail(argv[1], box);
	err = op(box);
	close(box);
	return err ? fail(argv[1], err) : 0;
}

static int cmd_seal(int argc, char **argv)
{
	return box_op(argc, argv, fdbox_seal);
}

static int cmd_unseal(int argc, char **argv)
{
	return box_op(argc, argv, fdbox_unseal);
}

/* Parse "write,grow,shrink,seal,future-write" into F_SEAL_* bits. */
static int parse_seals(const char *s)
{
	static const struct { const char *name; int seal; } seals[] = {
		{ "seal", F_SEAL_SEAL }, { "shrink", F_SEAL_SHRINK },
		{ "grow", F_SEAL_GROW }, { "write", F_SEAL_WRITE },
		{ "future-write", F_SEAL_FUTURE_WRITE },
	};
	char *copy = strdup(s), *tok, *save;
	int bits = 0;
	size_t i;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(seals); i++)
			if (!strcmp(tok, seals[i].name))
				break;
		if (i == ARRAY_SIZE(seals)) {
			free(copy);
			return -EINVAL;
		}
		bits |= seals[i].seal;
	}
	free(copy);
	return bits;
}

/* Copy all of @in to @out, from their current offsets. */
static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n, w, off;

	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, n - off);
			if (w < 0)
				return -errno;
		}
	}
	return n < 0 ? -errno : 0;
}

static int cmd_put(int argc, char **argv)
{
	const char *box_name, *name, *path = NULL;
	int seals = 0, in, mfd, box, err, i;

	if (argc < 3)
		return usage_of(current, stderr);
	box_name = argv[1];
	name = argv[2];
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--from-file") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--seal") && i + 1 < argc) {
			seals = parse_seals(argv[++i]);
			if (seals < 0) {
				fprintf(stderr, "fdboxctl put: unknown seals '%s'\n",
					argv[i]);
				return usage_of(current, stderr);
			}
		} else {
			return usage_of(current, stderr);
		}
	}
	if (!path)
		return usage_of(current, stderr);

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail(path, -errno);
	mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return fail("memfd_create", -errno);
	err = copy_fd(in, mfd);
	close(in);
	if (err)
		return fail(path, err);
	if (seals && fcntl(mfd, F_ADD_SEALS, seals))
		return fail("seal the memfd", -errno);
	/* Whoever takes it out reads it from the start. */
	if (lseek(mfd, 0, SEEK_SET))
		return fail("lseek", -errno);

	box = fdbox_open(box_name);
	if (box < 0)
		return fail(box_name, box);
	err = fdbox_put(box, mfd, name);
	close(box);
	if (err) {
		fprintf(stderr, "fdboxctl put: %s/%s: %s\n", box_name, name,
			strerror(-err));
		return 1;
	}
	return 0;
}

static int cmd_get(int argc, char **argv)
{
	int box, fd, out, err;

	if (argc != 5 || strcmp(argv[3], "--to-file"))
		return usage_of(current, stderr);
	box = fdbox_open(argv[1]);
	if (box < 0)
		return fail(argv[1], box);
	fd = fdbox_get(box, argv[2]);
	close(box);
	if (fd < 0) {
		fprintf(stderr, "fdboxctl get: %s/%s: %s\n", argv[1], argv[2],
			strerror(-fd));
		return 1;
	}
	out = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		return fail(argv[4], -errno);
	/* The file comes back at whatever offset it was left at. */
	if (lseek(fd, 0, SEEK_SET))
		return fail("lseek", -errno);
	err = copy_fd(fd, out);
	close(fd);
	if (close(out) && !err)
		err = -errno;
	return err ? fail(argv[4], err) : 0;
}

static int cmd_state(int argc, char **argv)
{
	int luo, state;

	if (argc != 1)
		return usage_of(current, stderr);
	luo = fdbox_luo_open();
	if (luo < 0)
		return fail("/dev/liveupdate", luo);
	state = fdbox_luo_state(luo);
	close(luo);
	if (state < 0)
		return fail("get state", state);
	printf("%s\n", fdbox_luo_state_name(state));
	return 0;
}

static int luo_event(int argc, unsigned int event)
{
	int luo, err;

	if (argc != 1)
		return usage_of(current, stderr);
	luo = fdbox_luo_open();
	if (luo < 0)
		return fail("/dev/liveupdate", luo);
	err = fdbox_luo_event(luo, event);
	close(luo);
	return err ? fail(current->name, err) : 0;
}

static int cmd_prepare(int argc, char **argv)
{
	return luo_event(argc, LIVEUPDATE_PREPARE);
}

static int cmd_cancel(int argc, char **argv)
{
	return luo_event(argc, LIVEUPDATE_CANCEL);
}

static int cmd_finish(int argc, char **argv)
{
	return luo_event(argc, LIVEUPDATE_FINISH);
}

/*
 * Take entries out of a box and exec a command with them as fds 3.. and
 * LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID set as systemd's socket
 * activation does.
 */
static int cmd_run(int argc, char **argv)
{
	struct fdbox_entry_info *e = NULL;
	char **names = NULL, *list = NULL, *save, *tok;
	int box, n = 0, i, fd, sep;
	char *fdnames, env[32];
	size_t len = 1;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep < 2 || sep + 1 >= argc)
		return usage_of(current, stderr);
	if (sep == 4 && !strcmp(argv[2], "--names"))
		list = strdup(argv[3]);
	else if (sep != 2)
		return usage_of(current, stderr);

	box = fdbox_open(argv[1]);
	if (box < 0)
		return fail(argv[1], box);

	if (list) {
		names = calloc(strlen(list) + 1, sizeof(*names));
		for (tok = strtok_r(list, ",", &save); tok && names;
		     tok = strtok_r(NULL, ",", &save))
			names[n++] = tok;
	} else {
		n = fdbox_list_entries(box, &e);
		if (n < 0)
			return fail(argv[1], n);
		names = calloc(n + 1, sizeof(*names));
		for (i = 0; i < n && names; i++)
			names[i] = (char *)e[i].name;
	}
	if (!names)
		return fail("memory", -ENOMEM);

	/* Keep the box fd out of the way of fds 3..3+n-1. */
	fd = fcntl(box, F_DUPFD_CLOEXEC, 3 + n);
	if (fd < 0)
		return fail("fcntl", -errno);
	close(box);
	box = fd;

	for (i = 0; i < n; i++) {
		fd = fdbox_get(box, names[i]);
		if (fd < 0) {
			fprintf(stderr, "fdboxctl run: %s/%s: %s\n", argv[1],
				names[i], strerror(-fd));
			return 1;
		}
		/* dup2() leaves the new fd without close-on-exec. */
		if (fd != 3 + i) {
			if (dup2(fd, 3 + i) < 0)
				return fail("dup2", -errno);
			close(fd);
		} else if (fcntl(fd, F_SETFD, 0)) {
			return fail("fcntl", -errno);
		}
		len += strlen(names[i]) + 1;
	}
	close(box);

	fdnames = calloc(len, 1);
	if (!fdnames)
		return fail("memory", -ENOMEM);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(fdnames, ":");
		strcat(fdnames, names[i]);
	}
	snprintf(env, sizeof(env), "%d", n);
	setenv("LISTEN_FDS", env, 1);
	setenv("LISTEN_FDNAMES", fdnames, 1);
	snprintf(env, sizeof(env), "%d", getpid());
	setenv("LISTEN_PID", env, 1);

	execvp(argv[sep + 1], argv + sep + 1);
	fprintf(stderr, "fdboxctl run: %s: %s\n", argv[sep + 1],
		strerror(errno));
	return 127;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "ls", "[BOX] [--json]",
	  "List the boxes, or the entries of BOX.", cmd_ls },
	{ "create", "BOX", "Create a box.", cmd_create },
	{ "delete", "BOX", "Delete an unsealed box and release its files.",
	  cmd_delete },
	{ "seal", "BOX", "Seal a box.", cmd_seal },
	{ "unseal", "BOX", "Unseal a box (after a live update: restore its files).",
	  cmd_unseal },
	{ "put", "BOX NAME --from-file PATH [--seal SEALS]",
	  "Make a memfd with the contents of PATH, sealed with SEALS\n"
	  "  (comma-separated: seal,shrink,grow,write,future-write), and put it\n"
	  "  in BOX as NAME.", cmd_put },
	{ "get", "BOX NAME --to-file PATH",
	  "Take NAME out of BOX and write its contents to PATH.", cmd_get },
	{ "state", "", "Print the live update state.", cmd_state },
	{ "prepare", "", "Send PREPARE: sealed boxes will be carried.",
	  cmd_prepare },
	{ "cancel", "", "Send CANCEL.", cmd_cancel },
	{ "finish", "", "Send FINISH: boxes never unsealed are dropped.",
	  cmd_finish },
	{ "run", "BOX [--names N1,N2,...] -- CMD [ARGS...]",
	  "Take the named entries (all, by default) out of BOX and exec CMD\n"
	  "  with them as fds 3.. and LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID\n"
	  "  set as for systemd socket activation.", cmd_run },
	{ "kho", "out|in [--json]",
	  "Show what FDBox hands over at the live update (out: after PREPARE)\n"
	  "  or what the previous kernel handed over (in: until FINISH): the\n"
	  "  header and its checksums, every box and entry, each with the\n"
	  "  verdict of the checks the next kernel makes, and what FINISH\n"
	  "  releases. Read from debugfs (/sys/kernel/debug/fdbox), as root.\n"
	  "  Exit status 0: all taken; 3: the hand-over is rejected, or a box\n"
	  "  or an entry is skipped; 1: nothing to show.", cmd_kho },
	{ "help", "[COMMAND]", "This help, or the help of COMMAND.", cmd_help },
};

#define NR_COMMANDS	ARRAY_SIZE(commands)

static int usage_of(const struct command *c, FILE *out)
{
	fprintf(out, "usage: fdboxctl %s %s\n  %s\n", c->name, c->args,
		c->help);
	return out == stdout ? 0 : 2;
}

/* The usage of the command running, on stderr; the exit status. */
int usage(void)
{
	return usage_of(current, stderr);
}

static int cmd_help(int argc, char **argv)
{
	size_t i;

	if (argc == 2) {
		for (i = 0; i < NR_COMMANDS; i++)
			if (!strcmp(argv[1], commands[i].name))
				return usage_of(&commands[i], stdout);
		fprintf(stderr, "fdboxctl: unknown command '%s'; see fdboxctl help\n",
			argv[1]);
		return 2;
	}
	if (argc > 2)
		return usage_of(current, stderr);
	printf("usage: fdboxctl COMMAND [ARGS...]; fdboxctl COMMAND --help\n\n");
	for (i = 0; i < NR_COMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].args);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cmd_help(0, NULL);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		current = &commands[i];
		if (want_help(argc - 1, argv + 1))
			return usage_of(current, stdout);
		return current->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "fdboxctl: unknown command '%s'; see fdboxctl help\n",
		argv[1]);
	return 2;
}
