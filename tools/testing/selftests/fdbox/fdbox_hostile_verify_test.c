// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox hostile incoming data, part 2: in the stage after a live update
 * whose FDBox data fdbox_hostile_setup_test had damaged, check that this
 * kernel booted, reported each damage, skipped what it could not trust,
 * and kept the rest with its contents. Runs before fdbox_carry_verify_test,
 * which sends FINISH.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbox_carry.h"
#include "fdbox_hostile.h"
#include "fdbox_kho.h"
#include "luo_util.h"
#include "../kselftest_harness.h"

static char damage[32];

/*
 * The damage before this stage: NULL where the plan has none; otherwise
 * the manifest must name it, unless hostile_may_lack_manifest().
 */
static const char *planned_damage(void)
{
	return hostile_damage(fdbox_stage() - 1);
}

#define MAX_BOXES	64

/* Add @name to the set @set of @n names, if it has room. */
static void set_add(char set[][FDBOX_NAME_LEN], int *n, const char *name)
{
	if (*n < MAX_BOXES)
		snprintf(set[(*n)++], FDBOX_NAME_LEN, "%s", name);
}

static bool set_has(char set[][FDBOX_NAME_LEN], int n, const char *name)
{
	while (n--)
		if (!strcmp(set[n], name))
			return true;
	return false;
}

/*
 * The boxes the carry tests sent through the same live update, from their
 * manifest: the box lines marked carried, the unclaimed box, the race
 * boxes, fdboxctl's.
 */
static void carry_boxes(char set[][FDBOX_NAME_LEN], int *n)
{
	char line[1024], box[FDBOX_NAME_LEN], state[16];
	FILE *f = fopen(CARRY_MANIFEST, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if ((sscanf(line, "box %255s %15s", box, state) == 2 &&
		     !strcmp(state, "carried")) ||
		    sscanf(line, "unclaimed %255s", box) == 1 ||
		    sscanf(line, "delegate %255s", box) == 1 ||
		    sscanf(line, "race %255s", box) == 1 ||
		    sscanf(line, "pos %255s", box) == 1 ||
		    sscanf(line, "unseal-fails %255s", box) == 1 ||
		    sscanf(line, "huge %255s", box) == 1 ||
		    sscanf(line, "ctl %255s", box) == 1)
			set_add(set, n, box);
	}
	if (f)
		fclose(f);
}

/* Whether @name is that of a box of the suite's live update tests. */
static bool suite_box(const char *name)
{
	return !strncmp(name, "hostile", 7) || !strncmp(name, "carry", 5);
}

/*
 * The suite's boxes now are exactly @want, all of them sealed and from the
 * previous kernel: a damaged name must not come back mangled, truncated or
 * as a copy, incoming or not. Only names of the suite's own prefixes
 * count, since a user's scenario (-x) may carry boxes of its own.
 */
static void check_incoming(struct __test_metadata *_metadata,
			   char want[][FDBOX_NAME_LEN], int n_want)
{
	struct fdbox_box_info *b = NULL;
	__u32 count = 0, i;
	int ctl, found = 0, err;

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	/* How many, then all of them; nothing else creates boxes meanwhile. */
	err = fdbox_list(ctl, FDBOX_LIST_BOXES, NULL, sizeof(*b), &count);
	ASSERT_TRUE(!err || err == -ENOSPC);
	b = calloc(count + 1, sizeof(*b));
	ASSERT_NE(NULL, b);
	err = fdbox_list(ctl, FDBOX_LIST_BOXES, b, sizeof(*b), &count);
	close(ctl);
	ASSERT_EQ(0, err);
	for (i = 0; i < count; i++) {
		const char *name = (const char *)b[i].name;

		if (!suite_box(name))
			continue;
		EXPECT_TRUE(set_has(want, n_want, name))
			TH_LOG("unexpected box '%s'", name);
		EXPECT_EQ(FDBOX_BOX_SEALED | FDBOX_BOX_INCOMING, b[i].flags)
			TH_LOG("box '%s'", name);
		found++;
	}
	free(b);
	EXPECT_EQ(n_want, found);
}

/* 0 if entry @name of @box holds the pattern of @seed. */
static int entry_check(int box, const char *name, unsigned int seed)
{
	int fd = fdbox_get(box, name), err;

	if (fd < 0)
		return fd;
	err = memfd_check_pattern(fd, HOSTILE_SIZE, seed);
	close(fd);
	return err;
}

static bool box_sealed(const char *name)
{
	char buf[16];

	return !fdbox_sysfs(name, "sealed", buf, sizeof(buf)) &&
	       !strcmp(buf, "1");
}

FIXTURE(damaged) {
};

/*
 * Every test checks the damage the plan gives the live update before this
 * stage, which the previous stage's manifest must name.
 */
FIXTURE_SETUP(damaged)
{
	if (!planned_damage())
		SKIP(return, "no damaged live update before this stage");
	if (!hostile_manifest(fdbox_stage(), damage, sizeof(damage))) {
		ASSERT_TRUE(hostile_may_lack_manifest())
			TH_LOG("no %s", HOSTILE_MANIFEST);
		SKIP(return, "the setup test did not damage anything");
	}
	ASSERT_STREQ(planned_damage(), damage);
}

FIXTURE_TEARDOWN(damaged)
{
}

/* The live update itself went through: the damage was FDBox's alone. */
TEST_F(damaged, state_is_updated)
{
	int luo;

	luo = luo_open();
	ASSERT_GE(luo, 0);
	EXPECT_EQ(LIVEUPDATE_STATE_UPDATED, luo_get_state(luo));
	close(luo);
}

/*
 * Before UNSEAL, the box lists exactly the entries the damage left, each
 * waiting for its file, of the memfd handler.
 */
static void check_waiting(struct __test_metadata *_metadata, int box,
			  enum hostile_outcome outcome)
{
	const char *want[2] = { "a", "b" };
	struct fdbox_entry_info e[4];
	__u32 count = 4, i, n = 2;

	if (outcome == FIRST_GONE)
		want[0] = want[--n];
	else if (outcome == SECOND_GONE)
		n--;
	ASSERT_EQ(0, fdbox_list(box, FDBOX_LIST_ENTRIES, e, sizeof(e[0]),
				&count));
	ASSERT_EQ(n, count);
	for (i = 0; i < count; i++) {
		EXPECT_STREQ(want[i], (const char *)e[i].name);
		EXPECT_STREQ(outcome == LATE_HANDLER && !i ? HOSTILE_LATE :
			     "memfd", (const char *)e[i].type);
		EXPECT_EQ(FDBOX_ENTRY_WAITING, e[i].flags);
		/* No file yet, hence no size. */
		EXPECT_EQ(0, e[i].size);
		EXPECT_EQ(0, e[i].__reserved);
	}
}

/* Check what came of box @i of the "boxes" damage. */
static void check_box(struct __test_metadata *_metadata, int ctl, int i)
{
	const struct hostile_box *hb = &hostile_boxes[i];
	int box;

	if (hb->outcome == BOX_GONE) {
		EXPECT_FALSE(fdbox_box_exists(hb->name));
		return;
	}

	box = fdbox_open_box(hb->name);
	ASSERT_GE(box, 0);
	EXPECT_TRUE(box_sealed(hb->name));
	check_waiting(_metadata, box, hb->outcome);
	if (hb->outcome == UNSEAL_FAILS || hb->outcome == LATE_HANDLER) {
		/* Kept for a retry, never half restored: FINISH drops it. */
		EXPECT_EQ(-ENOENT, fdbox_unseal(box));
		EXPECT_TRUE(box_sealed(hb->name));
		EXPECT_EQ(-EBUSY, fdbox_get(box, "b"));
	}
	if (hb->outcome == UNSEAL_FAILS) {
		close(box);
		return;
	}
	/* A handler that registers after boot gets what waited for it. */
	if (hb->outcome == LATE_HANDLER)
		ASSERT_EQ(0, fdbox_write_file(HOSTILE_LATE_KNOB, "1"));
	ASSERT_EQ(0, fdbox_unseal(box));
	/* entry_check() is -ENOENT for an entry that is not there. */
	EXPECT_EQ(hb->outcome == FIRST_GONE ? -ENOENT : 0,
		  entry_check(box, "a", hostile_seed(i, 0)));
	EXPECT_EQ(hb->outcome == SECOND_GONE ? -ENOENT : 0,
		  entry_check(box, "b", hostile_seed(i, 1)));
	close(box);
	EXPECT_EQ(0, fdbox_delete(ctl, hb->name));
}

/*
 * Damaged boxes and entries are skipped, each reported once; nothing else
 * comes back in their place; the rest comes back whole.
 */
TEST_F(damaged, boxes)
{
	char want[MAX_BOXES][FDBOX_NAME_LEN];
	int ctl, i, n = 0;

	if (strcmp(damage, "boxes"))
		SKIP(return, "the damage before this stage is %s", damage);

	carry_boxes(want, &n);
	for (i = 0; i < HOSTILE_NR_BOXES; i++)
		if (hostile_boxes[i].outcome != BOX_GONE)
			set_add(want, &n, hostile_boxes[i].name);
	check_incoming(_metadata, want, n);

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	for (i = 0; i < HOSTILE_NR_BOXES; i++) {
		TH_LOG("box %s", hostile_boxes[i].name);
		check_box(_metadata, ctl, i);
		/* After the box's UNSEAL, which logs some of the damages. */
		if (hostile_boxes[i].log)
			EXPECT_EQ(1, hostile_log_count(hostile_boxes[i].log));
	}
	close(ctl);

	/*
	 * Each skipped entry and box was logged once, and nothing else was
	 * skipped: the memory their files were preserved in stays reserved
	 * until the next reboot (Documentation/core-api/kho/fdbox.rst, "Threat
	 * model"), so their number must be exactly what the damage made.
	 */
	EXPECT_EQ(HOSTILE_SKIPPED_ENTRIES, hostile_log_count("is malformed, skipped") +
		  hostile_log_count("is a duplicate, skipped"));
	EXPECT_EQ(1, hostile_log_count("has a bad name, skipped"));
	EXPECT_EQ(1, hostile_log_count("has a bad minor, skipped"));
	EXPECT_EQ(1, hostile_log_count("has bad limits, skipped"));
	EXPECT_EQ(1, hostile_log_count("is taken, skipped"));
	EXPECT_EQ(1, hostile_log_count("cannot restore box"));
}

/* A damaged subtree is rejected whole; the kernel still boxes. */
TEST_F(damaged, whole_tree)
{
	const char *why;
	int ctl;

	if (!strcmp(damage, "boxes"))
		SKIP(return, "the damage before this stage is %s", damage);

	if (!strcmp(damage, "version"))
		why = "incoming boxes rejected: unknown version";
	else if (!strcmp(damage, "truncate"))
		why = "incoming boxes rejected: tree truncated";
	else
		why = "incoming boxes rejected: ";
	TH_LOG("damage %s, expecting \"%s\"", damage, why);
	EXPECT_EQ(1, hostile_log_count(why));
	EXPECT_EQ(1, hostile_log_count("; no box restored"));
	/* Not one box, not even a mangled one, came from that tree. */
	check_incoming(_metadata, NULL, 0);
	EXPECT_FALSE(fdbox_box_exists(HOSTILE_TREE_BOX));

	ctl = fdbox_open_ctl();
	ASSERT_GE(ctl, 0);
	EXPECT_EQ(0, fdbox_create(ctl, HOSTILE_TREE_BOX));
	EXPECT_EQ(0, fdbox_delete(ctl, HOSTILE_TREE_BOX));
	close(ctl);
}

/*
 * What `fdboxctl kho in` makes of the damaged hand-over is what this
 * kernel made of it: each box and entry it says the kernel skipped, for
 * each reason, the kernel logged; a rejected subtree, with the kernel's
 * reason; the files FINISH releases, as many as FINISH will.
 */
static const struct {
	const char *tool;
	const char *log;
} kho_skips[] = {
	{ "\"reason\":\"has a bad name\"", "has a bad name, skipped" },
	{ "\"reason\":\"has a bad minor\"", "has a bad minor, skipped" },
	{ "\"reason\":\"has bad limits\"", "has bad limits, skipped" },
	{ "\"reason\":\"its minor is taken\"", "is taken, skipped" },
	/* EEXIST: -17 or by name, as CONFIG_SYMBOLIC_ERRNAME says. */
	{ "\"reason\":\"its name is taken\"", "cannot restore box hostile-ok: " },
	{ "\"reason\":\"is malformed\"", "is malformed, skipped" },
	{ "\"reason\":\"is a duplicate\"", "is a duplicate, skipped" },
};

/* Each damaged box as the tool shows it: taken or not, as the kernel did. */
static void check_kho_boxes(struct __test_metadata *_metadata,
			    const char *json)
{
	const struct hostile_box *h;
	int i;

	for (i = 0; i < HOSTILE_NR_BOXES; i++) {
		h = &hostile_boxes[i];
		TH_LOG("box %s", h->name);
		/* Renamed: a second hostile-ok, skipped after the first. */
		if (h->damage && !strncmp(h->damage, "box-rename", 10)) {
			EXPECT_EQ(2, kho_count(json, ",\"name\":\"hostile-ok\",\"minor\":"));
			continue;
		}
		/* Its name is not a string any more. */
		if (h->damage && !strncmp(h->damage, "box-name-nul", 12))
			continue;
		EXPECT_TRUE(kho_has(json, h->name, NULL,
				    h->outcome == BOX_GONE ? "\"accepted\":false" :
				    "\"accepted\":true"));
		if (h->outcome == BOX_KEPT || h->outcome == FIRST_GONE)
			EXPECT_TRUE(kho_has(json, h->name, "\"b\"",
					    "\"accepted\":true"));
		if (h->outcome == SECOND_GONE)
			EXPECT_TRUE(kho_has(json, h->name, "\"a\"",
					    "\"accepted\":true"));
	}
}

TEST_F(damaged, kho)
{
	static char json[KHO_JSON_MAX];
	char why[64], line[128];
	bool boxes = !strcmp(damage, "boxes");
	unsigned int i;

	ASSERT_EQ(3, CARRY_CTL(json, "kho", "in", "--json")) TH_LOG("%s", json);
	if (boxes) {
		EXPECT_NE(NULL, strstr(json, "\"verdict\":\"accepted\""));
		for (i = 0; i < ARRAY_SIZE(kho_skips); i++) {
			TH_LOG("%s", kho_skips[i].tool);
			EXPECT_LT(0, kho_count(json, kho_skips[i].tool));
			EXPECT_EQ(hostile_log_count(kho_skips[i].log),
				  kho_count(json, kho_skips[i].tool));
		}
		EXPECT_EQ(HOSTILE_SKIPPED_BOXES,
			  kho_summary(json, "skipped_boxes"));
		EXPECT_EQ(HOSTILE_SKIPPED_ENTRIES,
			  kho_summary(json, "skipped_entries"));
		EXPECT_EQ(HOSTILE_ORPHANS,
			  kho_summary(json, "finish_releases"));
		check_kho_boxes(_metadata, json);
	} else {
		kho_reason(json, why, sizeof(why));
		ASSERT_NE(0, strlen(why)) TH_LOG("%s", json);
		snprintf(line, sizeof(line),
			 "incoming boxes rejected: %s; no box restored", why);
		EXPECT_EQ(1, hostile_log_count(line)) TH_LOG("%s", line);
		EXPECT_EQ(0, kho_summary(json, "finish_releases"));
	}

	ASSERT_EQ(3, CARRY_CTL(json, "kho", "in"));
	EXPECT_NE(NULL, strstr(json, boxes ? "verdict: accepted: " :
			       "verdict: rejected: ")) TH_LOG("%s", json);
}

TEST_HARNESS_MAIN
