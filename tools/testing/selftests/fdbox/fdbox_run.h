/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel under test was built with, for the FDBox selftests.
 */
#ifndef _FDBOX_KCONFIG_H
#define _FDBOX_KCONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
 * the kernel under test was built without it or, outside the VM runner, if
 * no configuration says (the runner's list of expected skips catches a skip
 * there). A feature missing from a kernel built with it is a failure.
 */
static inline bool fdbox_may_skip(const char *opt)
{
	return fdbox_kconfig(opt) <= 0;
}

#endif /* _FDBOX_KCONFIG_H */
