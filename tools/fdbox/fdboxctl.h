/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of fdboxctl share.
 */
#ifndef _FDBOXCTL_H
#define _FDBOXCTL_H

#include <stdbool.h>

int fail(const char *what, int err);
int usage(void);
void json_string(const char *s);

int cmd_kho(int argc, char **argv);

#endif /* _FDBOXCTL_H */
