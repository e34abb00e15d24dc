/* SPDX-License-Identifier: GPL-2.0 */

/**
 * DOC: FDBox KHO ABI
 *
 * FDBox hands the boxes it carries through a live update to the next kernel
 * in one KHO subtree, named "fdbox": a &struct fdbox_kho_header, then a
 * flattened device tree of FDBOX_KHO_COMPATIBLE of @size bytes, whose
 * layout Documentation/kho/fdbox.rst describes.
 *
 * The header lets the next kernel reject, before it parses anything, data
 * that memory corruption or a mismatched kernel damaged: a wrong magic or
 * version, a size beyond the subtree, or a CRC32 that does not match reject
 * the whole subtree, and no box is restored. The device tree is then
 * checked node by node; what does not check out is skipped.
 *
 * Both kernels run on the same machine: the header is in native byte order.
 * Any change to this layout needs a new version.
 */

#ifndef _LINUX_KHO_ABI_FDBOX_H
#define _LINUX_KHO_ABI_FDBOX_H

#include <linux/crc32.h>
#include <linux/types.h>

#define FDBOX_KHO_NAME		"fdbox"
#define FDBOX_KHO_MAGIC		0x78426446	/* "FdBx" */
#define FDBOX_KHO_VERSION	1
#define FDBOX_KHO_COMPATIBLE	"fdbox-v1"

/**
 * struct fdbox_kho_header - Start of the "fdbox" KHO subtree.
 * @magic:   FDBOX_KHO_MAGIC.
 * @version: FDBOX_KHO_VERSION.
 * @size:    Bytes of the device tree that follows the header.
 * @crc:     fdbox_kho_crc() of those bytes.
 */
struct fdbox_kho_header {
	u32 magic;
	u32 version;
	u32 size;
	u32 crc;
} __packed;

/**
 * fdbox_kho_crc() - Checksum of the device tree in the "fdbox" subtree.
 * @fdt:  The device tree, right after the header.
 * @size: Its size in bytes.
 *
 * Return: the CRC32 (little-endian, inverted) of @size bytes at @fdt.
 */
static inline u32 fdbox_kho_crc(const void *fdt, u32 size)
{
	return ~crc32_le(~0U, fdt, size);
}

#endif /* _LINUX_KHO_ABI_FDBOX_H */
