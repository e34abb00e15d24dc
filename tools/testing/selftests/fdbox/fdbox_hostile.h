/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the FDBox hostile-data selftests: fdbox_hostile_setup_test
 * fills boxes at the end of a stage and has the kernel damage what it hands
 * to the next one (CONFIG_FDBOX_LUO_TEST); fdbox_hostile_verify_test checks
 * in that next stage that the damage was reported and skipped and that the
 * rest came through.
 *
 * The live update after stage 1 damages single boxes and entries, next to
 * the intact boxes of the carry tests; those after stages 3, 4 and 5 damage
 * the whole subtree, once each way.
 *
 * Manifest: one line, "stage N DAMAGE SEED".
 */
#ifndef _FDBOX_HOSTILE_H
#define _FDBOX_HOSTILE_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "fdbox_run.h"
#include "fdbox_util.h"
#include "../kselftest.h"

#define HOSTILE_MANIFEST	"/fdbox/hostile.manifest"
#define HOSTILE_KNOB		"/sys/kernel/debug/fdbox/damage"
/* FREEZE, not PREPARE, freezes the files: the "boxes" live update. */
#define HOSTILE_FREEZE_LATE	"/sys/kernel/debug/fdbox/freeze_late"
#define HOSTILE_SIZE		(8 * 4096)
#define HOSTILE_TREE_BOX	"hostile-tree"
/* The handler of fdbox_test.c that registers when its knob is written. */
#define HOSTILE_LATE		"fdbox-late"
#define HOSTILE_LATE_KNOB	"/sys/kernel/debug/fdbox_test/late"

/* The damage of the live update that follows each stage. */
static const char *const hostile_plan[] = {
	[1] = "boxes",
	[3] = "version",
	[4] = "truncate",
	[5] = "bitflip",
};

static inline const char *hostile_damage(int stage)
{
	if (stage < 1 || stage >= (int)ARRAY_SIZE(hostile_plan))
		return NULL;
	return hostile_plan[stage];
}

/* What the next kernel makes of a damaged box. */
enum hostile_outcome {
	BOX_KEPT,	/* both entries, UNSEAL works */
	BOX_GONE,	/* no such box */
	FIRST_GONE,	/* entry "b" only */
	SECOND_GONE,	/* entry "a" only, with its own contents */
	UNSEAL_FAILS,	/* UNSEAL fails with ENOENT, the box stays sealed */
	LATE_HANDLER,	/* as UNSEAL_FAILS until the handler registers */
};

/* The boxes of the "boxes" damage, each with entries "a" and "b". */
static const struct hostile_box {
	const char *name;
	const char *damage;	/* written to the knob */
	enum hostile_outcome outcome;
	const char *log;	/* what the next kernel must have logged */
} hostile_boxes[] = {
	{ "hostile-ok", NULL, BOX_KEPT, NULL },
	{ "hostile-box-nul", "box-name-nul hostile-box-nul", BOX_GONE,
	  "has a bad name, skipped" },
	{ "hostile-zdup", "box-rename hostile-zdup hostile-ok", BOX_GONE,
	  "cannot restore box hostile-ok" },
	{ "hostile-minor-big", "box-minor-big hostile-minor-big", BOX_GONE,
	  "incoming box hostile-minor-big has a bad minor, skipped" },
	{ "hostile-limits", "box-limit-size hostile-limits", BOX_GONE,
	  "incoming box hostile-limits has bad limits, skipped" },
	/* After hostile-ok in name order, hence restored after it. */
	{ "hostile-zminor", "box-minor-of hostile-zminor hostile-ok", BOX_GONE,
	  "incoming box hostile-zminor: its minor " },
	{ "hostile-entry-nul", "entry-name-nul hostile-entry-nul", FIRST_GONE,
	  "hostile-entry-nul: incoming entry fd-0 is malformed, skipped" },
	{ "hostile-entry-long", "entry-name-long hostile-entry-long",
	  FIRST_GONE,
	  "hostile-entry-long: incoming entry fd-0 is malformed, skipped" },
	{ "hostile-entry-size", "entry-data-size hostile-entry-size",
	  FIRST_GONE,
	  "hostile-entry-size: incoming entry fd-0 is malformed, skipped" },
	{ "hostile-entry-dup", "entry-rename hostile-entry-dup", SECOND_GONE,
	  "hostile-entry-dup: incoming entry a is a duplicate, skipped" },
	{ "hostile-entry-luo", "entry-luo-handler hostile-entry-luo",
	  UNSEAL_FAILS, "hostile-entry-luo: entry a: no LUO handler" },
	{ "hostile-late", "entry-type hostile-late " HOSTILE_LATE,
	  LATE_HANDLER, "hostile-late: entry a: no handler " HOSTILE_LATE },
};

#define HOSTILE_NR_BOXES	((int)ARRAY_SIZE(hostile_boxes))

/*
 * Entries the next kernel skips one by one when it parses the "boxes"
 * damage: entry-name-nul, entry-name-long, entry-data-size and the
 * duplicate of entry-rename. The five skipped boxes hold two more each.
 * FINISH releases the files of all of them but the one whose data is
 * damaged, which stays reserved until the next reboot, as does the entry
 * of an unknown LUO handler.
 */
#define HOSTILE_SKIPPED_ENTRIES	4
#define HOSTILE_SKIPPED_BOXES	5
#define HOSTILE_ORPHANS		14
#define HOSTILE_STR(x)		HOSTILE_STR_(x)
#define HOSTILE_STR_(x)		#x
#define HOSTILE_ORPHANS_RELEASED \
	"files of skipped incoming entries: " HOSTILE_STR(HOSTILE_ORPHANS) \
	" released, 0 not"

/*
 * The skipped box hostile-box-nul also holds "orphan", a memfd this large,
 * so that its release at FINISH shows in free memory: the FINISH of
 * fdbox_carry_verify_test's finish_releases_unclaimed counts it.
 */
#define HOSTILE_ORPHAN_BOX	"hostile-box-nul"
#define HOSTILE_ORPHAN_SIZE	(128UL << 20)

/* What FINISH logs for the entry of the unknown LUO handler. */
#define HOSTILE_UNRELEASED	"hostile-entry-luo: cannot release entry a: "

/* The contents of entry @e ("a" is 0, "b" is 1) of box @i. */
static inline unsigned int hostile_seed(int i, int e)
{
	return 1000 + 2 * i + e;
}

/*
 * The damage that the manifest of the previous stage names, into @damage
 * of @len bytes; false if there is no manifest from that stage.
 */
static inline bool hostile_manifest(int stage, char *damage, size_t len)
{
	unsigned long long seed;
	char fmt[32];
	FILE *f;
	int from;
	bool ok;

	f = fopen(HOSTILE_MANIFEST, "r");
	if (!f)
		return false;
	snprintf(fmt, sizeof(fmt), "stage %%d %%%zus %%llu", len - 1);
	ok = fscanf(f, fmt, &from, damage, &seed) == 3 && from == stage - 1;
	fclose(f);
	return ok;
}

/*
 * Whether a stage after a damaged live update may find no manifest: only
 * if the setup test did not run (a -T selection) or could not damage
 * anything (a kernel without the knob); in a run of the whole suite on the
 * test kernel a missing manifest is a failure.
 */
static inline bool hostile_may_lack_manifest(void)
{
	return fdbox_tests_selected() || fdbox_may_skip("CONFIG_FDBOX_LUO_TEST");
}

/* How many times the kernel log of this boot holds @needle; -1 on error. */
static inline int hostile_log_count(const char *needle)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	const char *p;
	char *buf;
	int n, count = 0;

	if (size <= 0)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, needle)); p++)
		count++;
	free(buf);
	return count;
}

#endif /* _FDBOX_HOSTILE_H */
