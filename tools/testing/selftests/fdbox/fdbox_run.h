/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VM runner (vmtest.sh) tells the FDBox selftests about the run:
 * the stage, the selection of tests, the kernel's configuration.
 */
#ifndef _FDBOX_RUN_H
#define _FDBOX_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The stage of the run (FDBOX_STAGE), from 1; 1 outside the runner. */
static inline int fdbox_stage(void)
{
	const char *s = getenv("FDBOX_STAGE");

	return s ? atoi(s) : 1;
}

/* The number of stages of the run (FDBOX_STAGES); 1 outside the runner. */
static inline int fdbox_stages(void)
{
	const char *s = getenv("FDBOX_STAGES");

	return s ? atoi(s) : 1;
}

/*
 * The configuration of the kernel under test, which the VM runner packs
 * into the initramfs: a test must not skip what that kernel was built to
 * have.
 */
#define FDBOX_KCONFIG	"/fdbox/config"

/* 1 if @opt (CONFIG_...) is y or m, 0 if not, -1 if there is no config. */
static inline int fdbox_kconfig(const char *opt)
{
	char line[256];
	size_t len = strlen(opt);
	int found = 0;
	FILE *f;

	f = fopen(FDBOX_KCONFIG, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, opt, len) && line[len] == '=' &&
		    (line[len + 1] == 'y' || line[len + 1] == 'm')) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Whether a test that finds the feature of @opt missing may skip: only if
 * the kernel under test was built without it, or if no configuration says
 * (outside the VM runner). A feature missing from a kernel built with it
 * is a failure.
 */
static inline bool fdbox_may_skip(const char *opt)
{
	return fdbox_kconfig(opt) <= 0;
}

/*
 * Whether the runner runs a selection of the suite (vmtest.sh -T): a test
 * that checks what another one set up may then find nothing to check.
 */
static inline bool fdbox_tests_selected(void)
{
	const char *s = getenv("FDBOX_TESTS");

	return s && *s;
}

#endif /* _FDBOX_RUN_H */
