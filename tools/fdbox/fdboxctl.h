/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of fdboxctl share.
 */
#ifndef _FDBOXCTL_H
#define _FDBOXCTL_H

#include <stdbool.h>
#include <stddef.h>

/* Room for text_escape() of a string of at most @n bytes and its NUL. */
#define TEXT_ESCAPE_SIZE(n)	(4 * (n) + 1)

int fail(const char *what, int err);
int usage(void);
void json_string(const char *s);
const char *text_escape(const char *s, char *buf, size_t size);

int cmd_kho(int argc, char **argv);

#endif /* _FDBOXCTL_H */
