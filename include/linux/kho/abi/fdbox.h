/* SPDX-License-Identifier: GPL-2.0 */

/**
 * DOC: FDBox KHO ABI
 *
 * FDBox hands the boxes it carries through a live update to the next kernel
 * in one KHO subtree, named "fdbox": a page holding a &struct
 * fdbox_kho_header, which points to a flattened device tree of
 * FDBOX_KHO_COMPATIBLE, whose layout
 * Documentation/core-api/kho/fdbox.rst describes.
 * The tree is a preserved vmalloc area: its size grows with the entries
 * carried, but it is made of single pages, so that a host with memory in
 * small pieces can still carry many entries.
 *
 * The header lets the next kernel reject, before it parses anything, data
 * that memory corruption or a mismatched kernel damaged: a wrong magic or
 * version, or a header CRC32 that does not match, reject the whole subtree
 * before the tree's pages are touched; then a tree that cannot be mapped,
 * a size beyond its pages or a tree CRC32 that does not match, and no box
 * is restored. The device tree is then checked node by node; what does not
 * check out is skipped.
 *
 * Both kernels run on the same machine: the header is in native byte order.
 * Any change to this layout needs a new version.
 */

#ifndef _LINUX_KHO_ABI_FDBOX_H
#define _LINUX_KHO_ABI_FDBOX_H

#include <linux/crc32.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/stddef.h>
#include <linux/types.h>

#define FDBOX_KHO_NAME		"fdbox"
#define FDBOX_KHO_MAGIC		0x78426446	/* "FdBx" */
#define FDBOX_KHO_VERSION	2
#define FDBOX_KHO_COMPATIBLE	"fdbox-v1"

/**
 * struct fdbox_kho_header - The "fdbox" KHO subtree.
 * @magic:   FDBOX_KHO_MAGIC.
 * @version: FDBOX_KHO_VERSION.
 * @size:    Bytes of the device tree.
 * @crc:     fdbox_kho_crc() of those bytes.
 * @tree:    The preserved vmalloc area that holds the device tree.
 * @hdr_crc: fdbox_kho_crc() of the header up to this field.
 */
struct fdbox_kho_header {
	u32 magic;
	u32 version;
	u32 size;
	u32 crc;
	struct kho_vmalloc tree;
	u32 hdr_crc;
};

/**
 * fdbox_kho_crc() - Checksum of FDBox's data in the "fdbox" subtree.
 * @p:    The device tree, or the header.
 * @size: Its size in bytes.
 *
 * Return: the CRC32 (little-endian, inverted) of @size bytes at @p.
 */
static inline u32 fdbox_kho_crc(const void *p, u32 size)
{
	return ~crc32_le(~0U, p, size);
}

/**
 * fdbox_kho_hdr_crc() - Checksum of a &struct fdbox_kho_header.
 * @hdr: The header.
 *
 * Return: fdbox_kho_crc() of @hdr up to its @hdr_crc.
 */
static inline u32 fdbox_kho_hdr_crc(const struct fdbox_kho_header *hdr)
{
	return fdbox_kho_crc(hdr, offsetof(struct fdbox_kho_header, hdr_crc));
}

#endif /* _LINUX_KHO_ABI_FDBOX_H */
