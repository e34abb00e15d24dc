/* SPDX-License-Identifier: GPL-2.0 */

#ifndef _LINUX_KHO_ABI_HUGETLB_H
#define _LINUX_KHO_ABI_HUGETLB_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

/**
 * DOC: hugetlb memfd Live Update ABI
 *
 * A memfd created with ``MFD_HUGETLB`` crosses a live update as one
 * &struct hugetlb_luo_ser in preserved memory, handed to the next kernel by
 * LUO as the file's serialized data, and an array of
 * &struct hugetlb_luo_folio_ser, one per huge page of the file, in a
 * preserved vmalloc area. The huge pages themselves are preserved folios
 * of the huge page size. One &struct hugetlb_luo_pool_ser, the data of the
 * handler's File-Lifecycle-Bound object, counts the huge pages of all
 * preserved files, so that the next kernel's boot leaves them out of the
 * pools it allocates. Any change to these structures requires a new
 * compatible string.
 */

/**
 * struct hugetlb_luo_folio_ser - One huge page of the file.
 * @pfn:   Page frame number of the folio's first page; never 0, which the
 *         next kernel takes for an unused entry (a file holding the folio
 *         at frame 0 is not preserved).
 * @index: Offset of the folio in the file, in huge pages: the entry's own
 *         place in the array, since preserve fills every hole of the file
 *         (the next kernel refuses an array in another order).
 */
struct hugetlb_luo_folio_ser {
	u64 pfn;
	u64 index;
} __packed;

/**
 * struct hugetlb_luo_ser - A hugetlb memfd.
 * @pos:       The file position (f_pos).
 * @size:      The file size in bytes. fallocate() may leave it short of a
 *             huge page boundary.
 * @seals:     The memfd seals (uABI values).
 * @shift:     log2 of the huge page size: the next kernel must have a
 *             hugetlb page size of that shift.
 * @nr_folios: Number of entries in @folios: every huge page of the file,
 *             @size over the huge page size rounded up.
 * @folios:    The preserved vmalloc area of the folio array.
 * @flags:     %HUGETLB_LUO_NOEXEC; the other bits are 0.
 */
struct hugetlb_luo_ser {
	u64 pos;
	u64 size;
	u32 seals;
	u32 shift;
	u64 nr_folios;
	struct kho_vmalloc folios;
	u32 flags;
} __packed;

/*
 * The file had no exec permission bit, as MFD_NOEXEC_SEAL makes one: it
 * comes back so, and F_SEAL_EXEC does not add write seals to it.
 */
#define HUGETLB_LUO_NOEXEC		BIT(0)
#define HUGETLB_LUO_ALL_FLAGS		HUGETLB_LUO_NOEXEC

/* Huge page sizes that &struct hugetlb_luo_pool_ser counts, by shift. */
#define HUGETLB_LUO_SHIFTS		64

/**
 * struct hugetlb_luo_pool_ser - The huge pages the preserved files hold.
 * @pages: Indexed by the shift of a huge page size (log2 of its bytes, as
 *         &struct hugetlb_luo_ser.shift): the number of huge pages of
 *         that size that the preserved hugetlb memfds hold. The next
 *         kernel allocates that many fewer at boot for that size's pool.
 *
 * It is the data of the File-Lifecycle-Bound object of the hugetlb memfd
 * handler, in one preserved page.
 */
struct hugetlb_luo_pool_ser {
	u64 pages[HUGETLB_LUO_SHIFTS];
} __packed;

/* The compatibility string of the hugetlb memfd file handler. */
#define HUGETLB_LUO_FH_COMPATIBLE	"hugetlb-memfd-v2"

/* The compatibility string of its File-Lifecycle-Bound object. */
#define HUGETLB_LUO_FLB_COMPATIBLE	"hugetlb-pool-v1"

#endif /* _LINUX_KHO_ABI_HUGETLB_H */
