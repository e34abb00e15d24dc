// SPDX-License-Identifier: GPL-2.0
/*
 * fdboxctl kho: what FDBox hands over at a live update, as the next kernel
 * will take it, or what the previous kernel handed over, as this one took
 * it.
 *
 * The kernel shows the "fdbox" KHO subtree (its header) and the device
 * tree the header points to in debugfs, fdbox/{out,in}/{header,tree}; the
 * outgoing header is the page KHO itself shows as kho/out/sub_fdts/fdbox.
 * The checks below are those of drivers/misc/fdbox_luo.c, in its order and
 * with its words: fdbox_check_header() and fdbox_check_tree() reject the
 * whole subtree, fdbox_restore_box() and fdbox_restore_entry() skip a box
 * or an entry. What they skip, FINISH releases, if the entry still names
 * its LUO handler and data (fdbox_orphan_entry()). Whether a handler
 * exists is known only when the box is unsealed: not checked here.
 */

#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <search.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/fdbox.h>

#include "fdboxctl.h"

#define KHO_DEBUGFS	"/sys/kernel/debug/fdbox"

/*
 * The format, from include/linux/kho/abi/fdbox.h: a change to any of it
 * comes with a new FDBOX_KHO_VERSION, which this tool then reports as
 * "unknown version", as the kernel would.
 */
#define KHO_MAGIC	0x78426446
#define KHO_VERSION	2
#define KHO_COMPATIBLE	"fdbox-v1"
/* LIVEUPDATE_HNDL_COMPAT_LENGTH, include/linux/kho/abi/luo.h. */
#define KHO_LUO_COMPAT_LEN	48
/* FDBOX_MINORS, drivers/misc/fdbox_internal.h: the minor space. */
#define KHO_MINORS	0x100000u
/* FDT_TAGALIGN(), which libfdt keeps to itself. */
#define KHO_TAGALIGN(off)	(((off) + 3) & ~(uint64_t)3)
/* FDBOX_MAX_BOXES, drivers/misc/fdbox.c. */
#define KHO_MAX_BOXES	4096

/* struct fdbox_kho_header, with struct kho_vmalloc inline. */
struct kho_header {
	uint32_t magic;
	uint32_t version;
	uint32_t size;
	uint32_t crc;
	uint64_t tree_first;
	uint32_t tree_pages;
	uint16_t tree_flags;
	uint16_t tree_order;
	uint32_t hdr_crc;
};

static_assert(offsetof(struct kho_header, hdr_crc) == 32, "header layout");
static_assert(sizeof(struct kho_header) == 40, "header size");

/* fdbox_kho_crc(): the CRC-32 of zlib and Ethernet. */
static uint32_t kho_crc(const void *p, size_t size)
{
	const uint8_t *b = p;
	uint32_t crc = ~0u;
	int k;

	while (size--) {
		crc ^= *b++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* The whole of debugfs file @path into *@buf (malloc'ed); its size or -errno. */
static ssize_t read_whole(const char *path, uint8_t **buf)
{
	size_t len = 0, room = 65536;
	uint8_t *p = malloc(room), *q;
	ssize_t n;
	int fd;

	*buf = NULL;
	if (!p)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(p);
		return -errno;
	}
	while ((n = read(fd, p + len, room - len)) > 0) {
		len += n;
		if (len < room)
			continue;
		q = realloc(p, room *= 2);
		if (!q) {
			n = -1;
			errno = ENOMEM;
			break;
		}
		p = q;
	}
	if (n < 0) {
		n = -errno;
		close(fd);
		free(p);
		return n;
	}
	close(fd);
	*buf = p;
	return len;
}

/* What one side of a live update holds, read and checked. */
struct kho_view {
	const char *dir;		/* "out" or "in" */
	uint8_t *hdr_buf;
	ssize_t hdr_len;
	struct kho_header hdr;
	uint8_t *tree;
	ssize_t tree_len;		/* or -errno */
	const char *why;		/* why the subtree is rejected */
	bool walkable;			/* the tree is one, rejected or not */
	uint64_t damage_at;		/* check_struct(), if it failed */
};

static ssize_t read_part(const struct kho_view *v, const char *part,
			 uint8_t **buf)
{
	char path[64];

	snprintf(path, sizeof(path), KHO_DEBUGFS "/%s/%s", v->dir, part);
	return read_whole(path, buf);
}

/*
 * Header and tree, in two reads: read the header again after the tree,
 * and start over if a CANCEL and a PREPARE came in between.
 */
static int kho_read(struct kho_view *v)
{
	uint8_t *again;
	ssize_t n;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		v->hdr_len = read_part(v, "header", &v->hdr_buf);
		if (v->hdr_len < 0)
			return v->hdr_len;
		v->tree_len = read_part(v, "tree", &v->tree);
		n = read_part(v, "header", &again);
		if (n == v->hdr_len && !memcmp(again, v->hdr_buf, n)) {
			free(again);
			return 0;
		}
		free(again);
		free(v->hdr_buf);
		free(v->tree);
		v->tree = NULL;
	}
	return -EAGAIN;
}

/* fdbox_check_header(). */
static const char *check_header(struct kho_view *v)
{
	if ((size_t)v->hdr_len < sizeof(v->hdr))
		return "no FDBox header";
	memcpy(&v->hdr, v->hdr_buf, sizeof(v->hdr));
	if (v->hdr.magic != KHO_MAGIC)
		return "no FDBox header";
	if (v->hdr.version != KHO_VERSION)
		return "unknown version";
	if (kho_crc(&v->hdr, offsetof(struct kho_header, hdr_crc)) !=
	    v->hdr.hdr_crc)
		return "header checksum mismatch";
	return NULL;
}

/*
 * fdbox_fdt_walks(), stepping as the kernel's fdt_next_tag() does: the
 * offset in the tree of the first tag of @fdt (@len bytes, its header
 * checked) that does not lead to the next one, lies outside the one root
 * node, or is a property without a name; 0 if the tree ends as it should.
 * Ours, not libfdt's: before 1.7 (bookworm has 1.6.1) libfdt loops forever
 * on a property length that wraps the walk back, and its fdt_check_full()
 * crashes on a node name of a tree older than version 16.
 */
static uint64_t check_struct(const void *fdt, size_t len)
{
	uint64_t base = fdt_off_dt_struct(fdt), o = 0, at;
	uint64_t size = fdt_size_dt_struct(fdt);
	const uint8_t *p = (const uint8_t *)fdt + base;
	bool rooted = false;
	int depth = 0;
	size_t n;

	if (fdt_version(fdt) < 17 || base + size > len)
		return base ?: 1;
	while (o + 4 <= size) {
		at = base + o;
		switch (fdt32_ld((const fdt32_t *)(p + o))) {
		case FDT_BEGIN_NODE:
			n = strnlen((const char *)p + o + 4, size - o - 4);
			if (o + 4 + n >= size || (!depth && rooted))
				return at;
			o = KHO_TAGALIGN(o + 4 + n + 1);
			rooted = true;
			depth++;
			break;
		case FDT_PROP:
			if (size - o < sizeof(struct fdt_property) || !depth ||
			    !fdt_get_string(fdt, fdt32_ld((const fdt32_t *)(p + o + 8)),
					    NULL))
				return at;
			o += sizeof(struct fdt_property) +
			     (uint64_t)fdt32_ld((const fdt32_t *)(p + o + 4));
			if (o > size)
				return at;
			o = KHO_TAGALIGN(o);
			break;
		case FDT_NOP:
			o += 4;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return at;
			o += 4;
			break;
		case FDT_END:
			return rooted && !depth ? 0 : at;
		default:
			return at;
		}
	}
	return base + o;
}

/* fdbox_check_tree(), on the tree's pages as read. */
static const char *check_tree(struct kho_view *v)
{
	const void *fdt = v->tree;
	/* Both kernels run on this machine: its byte order, its page size. */
	size_t pages = (size_t)v->hdr.tree_pages * sysconf(_SC_PAGESIZE);

	if (v->hdr.size > pages || v->hdr.size > (size_t)v->tree_len)
		return "size beyond the tree";
	if (kho_crc(fdt, v->hdr.size) != v->hdr.crc)
		return "checksum mismatch";
	if (v->hdr.size < FDT_V17_SIZE || fdt_check_header(fdt) ||
	    fdt_version(fdt) < 17)
		return "not a valid tree";
	if (fdt_totalsize(fdt) > v->hdr.size)
		return "tree truncated";
	/* kho_check() walked it: the header and size checks above held. */
	if (v->damage_at)
		return "tree damaged";
	if (fdt_node_check_compatible(fdt, 0, KHO_COMPATIBLE))
		return "tree not " KHO_COMPATIBLE;
	return NULL;
}

/*
 * Check as the kernel does; then whether the boxes can be listed at all,
 * for a subtree rejected on its version, say, which still holds a tree.
 * A rejected tree is walked only if the whole of it checks out: the
 * kernel never walks one, and its damage must not crash this tool.
 */
static void kho_check(struct kho_view *v)
{
	bool sound = false;

	/* Walked once, before anything of libfdt walks it. */
	if (v->tree_len >= (ssize_t)FDT_V17_SIZE && !fdt_check_header(v->tree) &&
	    fdt_totalsize(v->tree) <= (size_t)v->tree_len) {
		v->damage_at = check_struct(v->tree, fdt_totalsize(v->tree));
		sound = !v->damage_at;
	}
	v->why = check_header(v);
	if (!v->why && v->tree_len < 0)
		v->why = "cannot map the tree";
	if (!v->why)
		v->why = check_tree(v);
	if (sound)
		v->walkable = !v->why || !fdt_check_full(v->tree, v->tree_len);
}

/* fdbox_fdt_string(): a NUL-terminated string of at most @max bytes. */
static const char *prop_string(const void *fdt, int node, const char *prop,
			       int max)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, node, prop, &len);
	if (!s || len <= 1 || len > max || s[len - 1] ||
	    strnlen(s, len) != (size_t)len - 1)
		return NULL;
	return s;
}

/* fdbox_fdt_u32() and fdbox_fdt_u64(): 0, -ENOENT or -EINVAL. */
static int prop_u32(const void *fdt, int node, const char *prop,
		    uint64_t limit, uint32_t *val)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -ENOENT;
	if (len != sizeof(*p) || fdt32_to_cpu(*p) >= limit)
		return -EINVAL;
	*val = fdt32_to_cpu(*p);
	return 0;
}

static int prop_u64(const void *fdt, int node, const char *prop,
		    uint64_t *val)
{
	const fdt64_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -ENOENT;
	if (len != sizeof(*p))
		return -EINVAL;
	*val = fdt64_ld(p);
	return 0;
}

/* fdbox_check_name() and fdbox_check_box_name(), on a checked string. */
static bool good_name(const char *name)
{
	return !strchr(name, '/');
}

static bool good_box_name(const char *name)
{
	return good_name(name) && strcmp(name, "fdbox") &&
	       strcmp(name, ".") && strcmp(name, "..");
}

static bool set_has(struct hsearch_data *set, const char *name)
{
	ENTRY e = { .key = (char *)name }, *found;

	return hsearch_r(e, FIND, &found, set);
}

/* Add @name to @set; false if it was there already. */
static bool set_add(struct hsearch_data *set, const char *name)
{
	ENTRY e = { .key = (char *)name }, *found;

	if (set_has(set, name))
		return false;
	/* Sized for every name of the tree: it cannot fill up. */
	hsearch_r(e, ENTER, &found, set);
	return true;
}

struct kho_walk {
	bool json;
	bool rejected;
	unsigned int boxes, entries, taken_entries;
	unsigned int skipped_boxes, skipped_entries, releases;
	unsigned int restored;
	struct hsearch_data box_names;
	uint8_t *minors;		/* a bit per minor restored */
	uint32_t cursor;		/* fdbox_next_minor */
};

static bool minor_taken(const struct kho_walk *w, uint32_t minor)
{
	return w->minors[minor / 8] & (1u << (minor % 8));
}

/*
 * fdbox_alloc_minor(): @minor if it is free, or the first free one from
 * the cursor on, wrapping, which then moves past it; -1 if none is free.
 */
static int64_t alloc_minor(struct kho_walk *w, int err_minor, uint32_t minor)
{
	uint32_t m, i;

	if (!err_minor) {
		if (minor_taken(w, minor))
			return -1;
	} else {
		for (i = 0, m = w->cursor; i < KHO_MINORS; i++) {
			if (!minor_taken(w, m))
				break;
			m = (m + 1) % KHO_MINORS;
		}
		if (i == KHO_MINORS)
			return -1;
		minor = m;
		w->cursor = (m + 1) % KHO_MINORS;
	}
	w->minors[minor / 8] |= 1u << (minor % 8);
	return minor;
}

static void print_null_or_string(const char *s)
{
	if (s)
		json_string(s);
	else
		fputs("null", stdout);
}

/* A string of the tree on the terminal, escaped (cut if long); "?" if none. */
static void text_string(const char *s)
{
	char buf[TEXT_ESCAPE_SIZE(FDBOX_NAME_LEN)];

	fputs(s ? text_escape(s, buf, sizeof(buf)) : "?", stdout);
}

static void print_opt_u64(const char *key, int err, uint64_t val)
{
	printf(",\"%s\":", key);
	if (err)
		fputs("null", stdout);
	else
		printf("%llu", (unsigned long long)val);
}

/* One entry of a box; @box_why: why its box is skipped, or NULL. */
static void walk_entry(struct kho_walk *w, const void *fdt, int node,
		       const char *box_why, struct hsearch_data *names,
		       bool first)
{
	const char *node_name = fdt_get_name(fdt, node, NULL) ?: "?";
	const char *name, *type, *compat, *why = NULL;
	const void *data;
	uint64_t val = 0;
	bool releases;
	int len;

	name = prop_string(fdt, node, "name", FDBOX_NAME_LEN);
	type = prop_string(fdt, node, "fdbox-handler", FDBOX_TYPE_LEN);
	compat = prop_string(fdt, node, "luo-handler", KHO_LUO_COMPAT_LEN);
	data = fdt_getprop(fdt, node, "data", &len);
	if (data && len == sizeof(val))
		val = fdt64_ld(data);
	else
		data = NULL;
	if (box_why)
		why = w->rejected ? box_why : "its box is skipped";
	if (!why && (!name || !good_name(name) || !type || !compat || !data))
		why = "is malformed";
	else if (!why && !set_add(names, name))
		why = "is a duplicate";
	/* Not if the subtree is rejected: nothing of it is looked at. */
	releases = why && !w->rejected && compat && data;

	w->entries++;
	w->taken_entries += !why;
	if (why && !box_why)
		w->skipped_entries++;
	w->releases += releases;

	if (w->json) {
		printf("%s{\"node\":", first ? "" : ",");
		json_string(node_name);
		printf(",\"name\":");
		print_null_or_string(name);
		printf(",\"fdbox_handler\":");
		print_null_or_string(type);
		printf(",\"luo_handler\":");
		print_null_or_string(compat);
		if (data)
			printf(",\"data\":\"0x%016llx\"", (unsigned long long)val);
		else
			printf(",\"data\":null");
		printf(",\"accepted\":%s,\"reason\":", why ? "false" : "true");
		print_null_or_string(why);
		printf(",\"finish_releases\":%s}", releases ? "true" : "false");
		return;
	}
	printf("  ");
	text_string(node_name);
	putchar(' ');
	text_string(name);
	printf(": ");
	text_string(type);
	printf(", ");
	text_string(compat);
	printf(", data ");
	if (data)
		printf("0x%016llx", (unsigned long long)val);
	else
		printf("?");
	if (why && !box_why)
		printf("; skipped: %s", why);
	if (releases)
		printf("; FINISH releases its file");
	putchar('\n');
}

/*
 * Why fdbox_restore_box() would skip the box at @node, or NULL; in the
 * order of its checks and of fdbox_box_add()'s, which takes the name only
 * once a minor is found.
 */
static const char *box_verdict(struct kho_walk *w, const char *name,
			       int err_minor, uint32_t minor, int err_limits)
{
	if (w->rejected)
		return "the subtree is rejected";
	if (!name || !good_box_name(name))
		return "has a bad name";
	if (err_minor == -EINVAL)
		return "has a bad minor";
	if (err_limits == -EINVAL)
		return "has bad limits";
	if (set_has(&w->box_names, name))
		return "its name is taken";
	if (w->restored >= KHO_MAX_BOXES)
		return "too many boxes";
	if (alloc_minor(w, err_minor, minor) < 0)
		return err_minor ? "no minor is free" : "its minor is taken";
	set_add(&w->box_names, name);
	w->restored++;
	return NULL;
}

static void walk_box(struct kho_walk *w, const void *fdt, int node,
		     bool first)
{
	const char *node_name = fdt_get_name(fdt, node, NULL) ?: "?";
	int err_minor, err_entries, err_bytes, child, n = 0;
	uint32_t minor = 0, max_entries = 0;
	struct hsearch_data names = { 0 };
	uint64_t max_bytes = 0;
	const char *name, *why;

	name = prop_string(fdt, node, "name", FDBOX_NAME_LEN);
	err_minor = prop_u32(fdt, node, "minor", KHO_MINORS, &minor);
	err_entries = prop_u32(fdt, node, "max-entries", 1ull << 32,
			       &max_entries);
	err_bytes = prop_u64(fdt, node, "max-bytes", &max_bytes);
	why = box_verdict(w, name, err_minor, minor,
			  err_entries == -EINVAL ? err_entries : err_bytes);
	w->boxes++;
	w->skipped_boxes += !!why;

	fdt_for_each_subnode(child, fdt, node)
		n++;
	if (w->json) {
		printf("%s{\"node\":", first ? "" : ",");
		json_string(node_name);
		printf(",\"name\":");
		print_null_or_string(name);
		print_opt_u64("minor", err_minor, minor);
		print_opt_u64("max_entries", err_entries, max_entries);
		print_opt_u64("max_bytes", err_bytes, max_bytes);
		printf(",\"accepted\":%s,\"reason\":", why ? "false" : "true");
		print_null_or_string(why);
		printf(",\"entries\":[");
	} else {
		printf("box ");
		text_string(node_name);
		putchar(' ');
		text_string(name);
		printf(": ");
		if (err_minor)
			printf("minor %s", err_minor == -ENOENT ? "none" : "bad");
		else
			printf("minor %u", minor);
		if (!err_entries)
			printf(", max-entries %u", max_entries);
		if (!err_bytes)
			printf(", max-bytes %llu", (unsigned long long)max_bytes);
		printf(", %d entr%s", n, n == 1 ? "y" : "ies");
		if (why)
			printf("; skipped: %s", why);
		putchar('\n');
	}

	/* Twice the entries, as hsearch wants room; at least one. */
	if (!hcreate_r(2 * n + 1, &names)) {
		fprintf(stderr, "fdboxctl kho: out of memory\n");
		exit(1);
	}
	n = 0;
	fdt_for_each_subnode(child, fdt, node)
		walk_entry(w, fdt, child, why, &names, !n++);
	hdestroy_r(&names);
	if (w->json)
		printf("]}");
}

/* The boxes of a tree that is one: taken, skipped, or lost with it. */
static void walk_tree(struct kho_walk *w, const void *fdt, uint32_t cursor)
{
	int node, n = 0;

	fdt_for_each_subnode(node, fdt, 0)
		n++;
	w->minors = calloc(KHO_MINORS / 8, 1);
	if (!w->minors || !hcreate_r(2 * n + 1, &w->box_names)) {
		fprintf(stderr, "fdboxctl kho: out of memory\n");
		exit(1);
	}
	w->cursor = cursor;
	n = 0;
	fdt_for_each_subnode(node, fdt, 0)
		walk_box(w, fdt, node, !n++);
	hdestroy_r(&w->box_names);
	free(w->minors);
}

static void print_header(const struct kho_view *v, bool json)
{
	const struct kho_header *h = &v->hdr;
	bool whole = (size_t)v->hdr_len >= sizeof(*h);

	if (json) {
		printf(",\"header\":{\"bytes\":%zd", v->hdr_len);
		if (whole) {
			printf(",\"magic\":\"0x%08x\",\"version\":%u",
			       h->magic, h->version);
			printf(",\"size\":%u,\"crc\":\"0x%08x\"", h->size, h->crc);
			printf(",\"tree_pages\":%u,\"hdr_crc\":\"0x%08x\"",
			       h->tree_pages, h->hdr_crc);
		}
		printf("}");
		return;
	}
	printf("header: %zd bytes", v->hdr_len);
	if (whole) {
		printf(", magic 0x%08x, version %u, crc 0x%08x", h->magic,
		       h->version, h->hdr_crc);
		printf("; tree: %u bytes in %u page(s), crc 0x%08x", h->size,
		       h->tree_pages, h->crc);
	}
	putchar('\n');
}

/* The exit status: 0 all taken, 3 rejected or something skipped. */
static int kho_show(struct kho_view *v, bool json)
{
	struct kho_walk w = { .json = json, .rejected = !!v->why };
	const void *fdt = v->walkable ? v->tree : NULL;
	uint32_t cursor = 0;
	int err_cursor = -ENOENT;

	if (fdt)
		err_cursor = prop_u32(fdt, 0, "next-minor", KHO_MINORS,
				      &cursor);
	if (json) {
		printf("{\"handover\":\"%s\"", v->dir);
		print_header(v, json);
		printf(",\"verdict\":\"%s\",\"reason\":",
		       v->why ? "rejected" : "accepted");
		print_null_or_string(v->why);
		print_opt_u64("damaged_at", !v->damage_at, v->damage_at);
		printf(",\"compatible\":");
		print_null_or_string(fdt ? prop_string(fdt, 0, "compatible", 64) :
					   NULL);
		print_opt_u64("next_minor", err_cursor, cursor);
		printf(",\"boxes\":[");
	} else {
		printf("FDBox hand-over, %s\n", strcmp(v->dir, "out") ?
		       "incoming (from the previous kernel)" :
		       "outgoing (to the next kernel)");
		print_header(v, json);
		if (v->damage_at)
			printf("structure: damaged at byte %llu: boxes not shown\n",
			       (unsigned long long)v->damage_at);
		if (err_cursor == -EINVAL)
			printf("next-minor: bad, ignored\n");
		else if (!err_cursor)
			printf("next-minor: %u\n", cursor);
	}
	if (fdt)
		walk_tree(&w, fdt, err_cursor ? 0 : cursor);
	if (json) {
		printf("],\"summary\":{\"boxes\":%u,\"entries\":%u",
		       w.boxes, w.entries);
		printf(",\"skipped_boxes\":%u,\"skipped_entries\":%u",
		       w.skipped_boxes, w.skipped_entries);
		printf(",\"finish_releases\":%u}}\n", w.releases);
	} else if (v->why) {
		printf("verdict: rejected: %s; no box restored (%u box(es), %u entr%s %s)\n",
		       v->why, w.boxes, w.entries, w.entries == 1 ? "y" : "ies",
		       fdt ? "in the tree" : "that could be read");
	} else {
		printf("verdict: accepted: %u box(es), %u entr%s",
		       w.boxes - w.skipped_boxes, w.taken_entries,
		       w.taken_entries == 1 ? "y" : "ies");
		printf("; skipped: %u box(es), %u entr%s; FINISH releases %u file(s)\n",
		       w.skipped_boxes, w.skipped_entries,
		       w.skipped_entries == 1 ? "y" : "ies", w.releases);
	}
	return v->why || w.skipped_boxes || w.skipped_entries ? 3 : 0;
}

int cmd_kho(int argc, char **argv)
{
	struct kho_view v = { 0 };
	char path[64];
	bool json = false;
	int i, err, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!v.dir && (!strcmp(argv[i], "out") ||
				    !strcmp(argv[i], "in")))
			v.dir = argv[i];
		else
			return usage();
	}
	if (!v.dir)
		return usage();

	err = kho_read(&v);
	if (err == -ENOENT) {
		fprintf(stderr, "fdboxctl kho: no %s: %s\n", KHO_DEBUGFS,
			"mount debugfs, on a kernel with CONFIG_FDBOX_LUO");
		return 1;
	}
	if (err == -ENODATA) {
		fprintf(stderr, "fdboxctl kho: no %s hand-over: %s\n",
			!strcmp(v.dir, "out") ? "outgoing" : "incoming",
			!strcmp(v.dir, "out") ?
			"send PREPARE first" :
			"this kernel was not live-updated with boxes, or FINISH released them");
		return 1;
	}
	snprintf(path, sizeof(path), KHO_DEBUGFS "/%s/header", v.dir);
	if (err)
		return fail(path, err);
	if (v.tree_len < 0 && v.tree_len != -ENODATA) {
		snprintf(path, sizeof(path), KHO_DEBUGFS "/%s/tree", v.dir);
		free(v.hdr_buf);
		return fail(path, v.tree_len);
	}
	kho_check(&v);
	ret = kho_show(&v, json);
	free(v.hdr_buf);
	free(v.tree);
	return ret;
}
