/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading `fdboxctl kho ... --json` in the FDBox selftests. Its objects
 * have their members in a fixed order (tools/fdbox/fdboxctl_kho.c): a box
 * is {"node","name","minor",...,"accepted","reason","entries":[...]}, an
 * entry {"node","name","fdbox_handler",...,"accepted","reason",
 * "finish_releases"}, and no member holds a ']' in the suite's names.
 */
#ifndef _FDBOX_KHO_H
#define _FDBOX_KHO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the --json of a stage's hand-over: 300 entries and more. */
#define KHO_JSON_MAX	(1024 * 1024)

/* How many times @needle is in @s. */
static inline int kho_count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* The box named @name, from its "name" on, or NULL. */
static inline const char *kho_box(const char *json, const char *name)
{
	char key[320];

	snprintf(key, sizeof(key), ",\"name\":\"%s\",\"minor\":", name);
	return strstr(json, key);
}

/*
 * Whether member @member (e.g. "\"accepted\":true") is in the box named
 * @box, before its entries, or, with @entry, in the entry of the box whose
 * name is the JSON value @entry ("\"a\"", or "null" for a bad name).
 */
static inline bool kho_has(const char *json, const char *box,
			   const char *entry, const char *member)
{
	const char *b = kho_box(json, box), *end, *p;
	char key[320];

	if (!b)
		return false;
	end = strstr(b, "]}");
	if (!end)
		return false;
	if (!entry) {
		p = strstr(b, member);
		return p && p < strstr(b, "\"entries\":[");
	}
	snprintf(key, sizeof(key), ",\"name\":%s,\"fdbox_handler\":", entry);
	b = strstr(b, key);
	if (!b || b > end)
		return false;
	p = strstr(b, member);
	return p && p < strchr(b, '}');
}

/* Member @key of the summary, a number; -1 if it is not there. */
static inline long kho_summary(const char *json, const char *key)
{
	const char *s = strstr(json, "\"summary\":{");
	char want[64];

	if (!s)
		return -1;
	snprintf(want, sizeof(want), "\"%s\":", key);
	s = strstr(s, want);
	return s ? strtol(s + strlen(want), NULL, 10) : -1;
}

/* The "reason" of the whole hand-over into @why, "" if it has none. */
static inline void kho_reason(const char *json, char *why, size_t len)
{
	const char *s = strstr(json, ",\"reason\":\"");
	const char *v = strstr(json, "\"verdict\":\"rejected\"");
	size_t n;

	*why = '\0';
	if (!s || !v || s < v)
		return;
	s += strlen(",\"reason\":\"");
	n = strcspn(s, "\"");
	snprintf(why, len, "%.*s", (int)n, s);
}

#endif /* _FDBOX_KHO_H */
