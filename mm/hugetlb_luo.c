// SPDX-License-Identifier: GPL-2.0

/**
 * DOC: hugetlb memfd preservation via LUO
 *
 * A memfd created with ``MFD_HUGETLB`` can be preserved over a kexec by the
 * Live Update Orchestrator, as memfd_luo preserves shmem memfds: its contents
 * (the same huge pages, never copied), size, position and seals, and the
 * lack of exec permission of one made with ``MFD_NOEXEC_SEAL``. The
 * ``FD_CLOEXEC`` flag and everything not listed is reset: the file comes
 * back with mode 0777 otherwise, owned by whoever retrieves it.
 *
 * Preservation pins every huge page of the file (a hole gets a page from the
 * pool, as memfd_pin_folios() fills any hole) and freezes the file's mapping:
 * until the preservation is undone, resizing, fallocate() and a writable
 * mmap() past the end of the file fail with ``EPERM``. Writes through a
 * mapping still land, in the preserved pages.
 *
 * Pool accounting in the next kernel: the handler's File-Lifecycle-Bound
 * object counts the huge pages of the preserved files per size, and the
 * boot allocates that many fewer pages for the pool ``hugepages=`` asks
 * for, so that the carried pages are part of it rather than on top of it.
 * Until a file is retrieved its pages are in no counter: ``HugePages_Total``
 * is short of the pool's size by them. Retrieval adds them as pages in use
 * (``HugePages_Total`` grows, ``HugePages_Free`` does not), in the
 * persistent pool up to its size, as surplus pages beyond it (a boot
 * without ``hugepages=``); the file's reservation map covers each of them,
 * so that a later mmap() reserves nothing for them. When the file is freed
 * they go back to the pool, or to the page allocator if they were surplus.
 * Pages of a file never retrieved join the pool as free pages at finish,
 * up to its size, and go to the page allocator beyond it. Gigantic pools
 * (1 GiB) are allocated from memblock before LUO reads its data: the boot
 * finds their count with liveupdate_flb_incoming_early(). A pool allocated
 * per node (``hugepages=N:X``) is allocated whole: the pages carried into
 * it are surplus.
 *
 * Locking: preserve and unpreserve take the inode lock, for the mapping
 * freeze and the pinning. Retrieve builds a new file that nothing else can
 * reach yet; it takes hugetlb_lock only for the pool counters, as the
 * allocation paths of mm/hugetlb.c do.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/hugetlb.h>
#include <linux/liveupdate.h>
#include <linux/memcontrol.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <uapi/linux/memfd.h>

#include "hugetlb_internal.h"
#include "hugetlb_vmemmap.h"

#define HUGETLB_LUO_ALL_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 F_SEAL_EXEC)

/* The folio pointer array of preserve is a kvmalloc(): stay under its cap. */
#define HUGETLB_LUO_MAX_FOLIOS	(INT_MAX / sizeof(struct folio *))

static struct liveupdate_flb hugetlb_luo_flb;

/* The pages of @h's persistent pool: all but the surplus ones. */
static unsigned long hugetlb_luo_persistent(struct hstate *h)
{
	lockdep_assert_held(&hugetlb_lock);
	return h->nr_huge_pages - h->surplus_huge_pages;
}

static struct hstate *hugetlb_luo_hstate(unsigned int shift)
{
	if (shift <= PAGE_SHIFT || shift >= BITS_PER_LONG)
		return NULL;
	return size_to_hstate(1UL << shift);
}

/* The files' pages counted per page size, for the next kernel's boot. */
static DEFINE_SPINLOCK(hugetlb_luo_pool_lock);

static void hugetlb_luo_count(struct hstate *h, u64 nr, bool add)
{
	struct hugetlb_luo_pool_ser *pool;

	/* The file's preservation holds the object: it cannot fail here. */
	if (WARN_ON_ONCE(liveupdate_flb_get_outgoing(&hugetlb_luo_flb,
						     (void **)&pool)))
		return;
	scoped_guard(spinlock, &hugetlb_luo_pool_lock) {
		if (add)
			pool->pages[huge_page_shift(h)] += nr;
		else
			pool->pages[huge_page_shift(h)] -= nr;
	}
	liveupdate_flb_put_outgoing(&hugetlb_luo_flb);
}

/*
 * The huge pages a file of @size bytes holds: fallocate() may leave the size
 * short of a page boundary, and the page it ends in is the file's too.
 */
static u64 hugetlb_luo_size_folios(u64 size, unsigned int shift)
{
	return (size >> shift) + !!(size & ((1ULL << shift) - 1));
}

static int hugetlb_luo_preserve_folios(struct file *file, struct hstate *h,
				       struct hugetlb_luo_ser *ser,
				       struct hugetlb_luo_folio_ser **out)
{
	u64 nr = hugetlb_luo_size_folios(ser->size, huge_page_shift(h));
	struct hugetlb_luo_folio_ser *folios_ser;
	struct folio **folios;
	long i, pinned;
	pgoff_t offset;
	int err;

	folios = kvmalloc_array(nr, sizeof(*folios), GFP_KERNEL);
	if (!folios)
		return -ENOMEM;

	/* Also takes every page out of CMA, hence out of KHO's scratch. */
	pinned = memfd_pin_folios(file, 0, ser->size - 1, folios, nr, &offset);
	if (pinned < 0) {
		err = pinned;
		goto out_free;
	}

	folios_ser = vcalloc(pinned, sizeof(*folios_ser));
	if (!folios_ser) {
		err = -ENOMEM;
		goto out_unpin;
	}

	for (i = 0; i < pinned; i++) {
		/* Frame 0 marks an unused entry of the array: see discard. */
		if (!folio_pfn(folios[i])) {
			err = -EINVAL;
			goto out_unpreserve;
		}
		err = kho_preserve_folio(folios[i]);
		if (err)
			goto out_unpreserve;
		folios_ser[i].pfn = folio_pfn(folios[i]);
		folios_ser[i].index = folios[i]->index >> huge_page_order(h);
	}

	err = kho_preserve_vmalloc(folios_ser, &ser->folios);
	if (err)
		goto out_unpreserve;

	ser->nr_folios = pinned;
	*out = folios_ser;
	kvfree(folios);
	return 0;

out_unpreserve:
	while (i--)
		kho_unpreserve_folio(folios[i]);
	vfree(folios_ser);
out_unpin:
	unpin_folios(folios, pinned);
out_free:
	kvfree(folios);
	return err;
}

static int hugetlb_luo_preserve(struct liveupdate_file_op_args *args)
{
	struct inode *inode = file_inode(args->file);
	struct hstate *h = hstate_inode(inode);
	struct hugetlb_luo_folio_ser *folios_ser = NULL;
	struct hugetlb_luo_ser *ser;
	int seals, err;

	inode_lock(inode);
	hugetlbfs_freeze(inode, true);

	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser)) {
		err = PTR_ERR(ser);
		goto err_thaw;
	}

	seals = memfd_get_seals(args->file);
	if (seals < 0) {
		err = seals;
		goto err_free_ser;
	}
	if (seals & ~HUGETLB_LUO_ALL_SEALS) {
		err = -EOPNOTSUPP;
		goto err_free_ser;
	}

	ser->pos = args->file->f_pos;
	ser->size = i_size_read(inode);
	ser->seals = seals;
	if (!(inode->i_mode & 0111))
		ser->flags |= HUGETLB_LUO_NOEXEC;
	ser->shift = huge_page_shift(h);
	if (hugetlb_luo_size_folios(ser->size, ser->shift) >
	    HUGETLB_LUO_MAX_FOLIOS) {
		err = -EFBIG;
		goto err_free_ser;
	}

	if (ser->size) {
		err = hugetlb_luo_preserve_folios(args->file, h, ser,
						  &folios_ser);
		if (err)
			goto err_free_ser;
		hugetlb_luo_count(h, ser->nr_folios, true);
	}
	inode_unlock(inode);

	args->private_data = folios_ser;
	args->serialized_data = virt_to_phys(ser);
	return 0;

err_free_ser:
	kho_unpreserve_free(ser);
err_thaw:
	hugetlbfs_freeze(inode, false);
	inode_unlock(inode);
	return err;
}

/* Only the position can still change once the mapping is frozen. */
static int hugetlb_luo_freeze(struct liveupdate_file_op_args *args)
{
	struct hugetlb_luo_ser *ser;

	if (WARN_ON_ONCE(!args->serialized_data))
		return -EINVAL;

	ser = phys_to_virt(args->serialized_data);
	ser->pos = args->file->f_pos;
	return 0;
}

static void hugetlb_luo_unpreserve(struct liveupdate_file_op_args *args)
{
	struct inode *inode = file_inode(args->file);
	struct hugetlb_luo_folio_ser *folios_ser = args->private_data;
	struct hugetlb_luo_ser *ser;
	u64 i;

	if (WARN_ON_ONCE(!args->serialized_data))
		return;

	ser = phys_to_virt(args->serialized_data);

	inode_lock(inode);
	if (ser->nr_folios) {
		hugetlb_luo_count(hstate_inode(inode), ser->nr_folios, false);
		kho_unpreserve_vmalloc(&ser->folios);
		for (i = 0; i < ser->nr_folios; i++) {
			struct folio *folio = pfn_folio(folios_ser[i].pfn);

			kho_unpreserve_folio(folio);
			unpin_folio(folio);
		}
		vfree(folios_ser);
	}
	kho_unpreserve_free(ser);
	hugetlbfs_freeze(inode, false);
	inode_unlock(inode);
}

/* Folios given to the pool at a time: hugetlb_lock is taken for each. */
#define HUGETLB_LUO_BATCH	512

/* The free pages @h's pool lacks to reach its size. */
static unsigned long hugetlb_luo_room(struct hstate *h)
{
	unsigned long room;

	spin_lock_irq(&hugetlb_lock);
	room = h->max_huge_pages > hugetlb_luo_persistent(h) ?
	       h->max_huge_pages - hugetlb_luo_persistent(h) : 0;
	spin_unlock_irq(&hugetlb_lock);
	return room;
}

/*
 * Hand the folios from @first on, which no file took, to the pool of their
 * size as free pages while it is short of its size, and the rest to the
 * page allocator. The size is the folios' own, not the serialized one,
 * which may be what made the retrieve fail.
 */
static void hugetlb_luo_discard(const struct hugetlb_luo_folio_ser *folios_ser,
				u64 first, u64 nr)
{
	unsigned long room = 0, batch = 0;
	struct hstate *h = NULL;
	struct folio *folio;
	LIST_HEAD(pool);
	u64 i;

	for (i = first; i < nr; i++) {
		/* Frame 0 is never a preserved folio: an unused entry. */
		if (!folios_ser[i].pfn)
			continue;
		folio = kho_restore_folio(PFN_PHYS(folios_ser[i].pfn));
		if (!folio)
			continue;
		if (!h) {
			h = hugetlb_luo_hstate(folio_order(folio) + PAGE_SHIFT);
			if (h)
				room = hugetlb_luo_room(h);
		}
		if (batch < room && folio_order(folio) == huge_page_order(h) &&
		    folio_ref_freeze(folio, 1)) {
			init_new_hugetlb_folio(folio);
			list_add(&folio->lru, &pool);
			if (++batch == HUGETLB_LUO_BATCH) {
				prep_and_add_allocated_folios(h, &pool);
				INIT_LIST_HEAD(&pool);
				batch = 0;
				/* Measured again: retrieves may take room. */
				room = hugetlb_luo_room(h);
			}
		} else {
			folio_put(folio);
		}
		cond_resched();
	}
	if (!list_empty(&pool))
		prep_and_add_allocated_folios(h, &pool);
}

/*
 * Make @folio, a restored folio of @h's order, a hugetlb folio in use at
 * @index of @inode: a page of the persistent pool while the pool is short
 * of its size (the boot left room for it), a surplus page otherwise;
 * charged as the fault path charges a new page. The caller covers it in
 * the file's reservation map. On failure the folio has been freed.
 */
static int hugetlb_luo_add_folio(struct hstate *h, struct inode *inode,
				 struct folio *folio, pgoff_t index)
{
	int nid = folio_nid(folio);
	bool frozen;
	int err;

	/*
	 * Frozen, as a fresh hugetlb folio is, to free its tail struct pages
	 * (HVO). A speculative reference may prevent it: the folio then
	 * keeps them, as it would after a failed optimization.
	 */
	frozen = folio_ref_freeze(folio, 1);
	init_new_hugetlb_folio(folio);
	if (frozen)
		hugetlb_vmemmap_optimize_folio(h, folio);
	spin_lock_irq(&hugetlb_lock);
	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
	if (hugetlb_luo_persistent(h) > h->max_huge_pages) {
		h->surplus_huge_pages++;
		h->surplus_huge_pages_node[nid]++;
	}
	list_add(&folio->lru, &h->hugepage_activelist);
	spin_unlock_irq(&hugetlb_lock);
	if (frozen)
		folio_ref_unfreeze(folio, 1);

	/*
	 * As alloc_hugetlb_folio(): the memcg first, so that the stat counts
	 * in it; free_huge_folio() takes both back, whatever fails below.
	 */
	err = mem_cgroup_charge_hugetlb(folio, current->mm,
					htlb_alloc_mask(h) | __GFP_RETRY_MAYFAIL);
	lruvec_stat_mod_folio(folio, NR_HUGETLB, pages_per_huge_page(h));
	if (err)
		goto err_put;

	__folio_mark_uptodate(folio);
	err = hugetlb_add_to_page_cache(folio, inode->i_mapping, index);
	if (err)
		goto err_put;

	folio_set_hugetlb_migratable(folio);
	folio_unlock(folio);
	folio_put(folio);
	return 0;

err_put:
	folio_put(folio);
	return err;
}

/*
 * The entries of the folio array that may be read: the count comes from the
 * previous kernel, the array's preserved area bounds it.
 */
static u64 hugetlb_luo_nr_folios(const struct hugetlb_luo_ser *ser)
{
	u64 room = (u64)ser->folios.total_pages * PAGE_SIZE /
		   sizeof(struct hugetlb_luo_folio_ser);

	if (ser->nr_folios <= room)
		return ser->nr_folios;
	pr_err("%llu folios in an array of room for %llu\n", ser->nr_folios,
	       room);
	return room;
}

/* Restore folio @i, @fs, of @h's order, and add it to @inode at index @i. */
static int hugetlb_luo_retrieve_folio(struct hstate *h, struct inode *inode,
				      const struct hugetlb_luo_folio_ser *fs,
				      u64 i)
{
	struct folio *folio;
	int err;

	folio = kho_restore_folio(PFN_PHYS(fs->pfn));
	if (!folio) {
		pr_err("folio %llu: pfn %#llx was not preserved\n", i, fs->pfn);
		return -EINVAL;
	}
	if (folio_order(folio) != huge_page_order(h)) {
		pr_err("folio %llu: order %u, not %u\n", i, folio_order(folio),
		       huge_page_order(h));
		folio_put(folio);
		return -EINVAL;
	}
	err = hugetlb_luo_add_folio(h, inode, folio, i);
	if (err)
		pr_err("folio %llu: cannot add it to the file: %pe\n", i,
		       ERR_PTR(err));
	return err;
}

/*
 * Preserve fills every hole of the file, so entry i of the array is the
 * folio at index i, and anything else is refused. The folios are then one
 * run from index 0, which the reservation map covers with one region
 * rather than one per folio: region_chg() allocates each time.
 */
static int hugetlb_luo_retrieve_folios(struct hstate *h, struct inode *inode,
				       const struct hugetlb_luo_folio_ser *fs,
				       u64 nr)
{
	struct resv_map *resv = HUGETLBFS_I(inode)->resv_map;
	long regions, chg;
	int err = 0;
	u64 i;

	/* Checked first, so that a failure below only concerns folio i. */
	for (i = 0; i < nr; i++) {
		if (fs[i].index != i || !fs[i].pfn) {
			pr_err("folio %llu: index %llu, pfn %#llx: malformed\n",
			       i, fs[i].index, fs[i].pfn);
			hugetlb_luo_discard(fs, 0, nr);
			return -EINVAL;
		}
	}
	if (!nr)
		return 0;

	chg = region_chg(resv, 0, nr, &regions);
	if (chg < 0) {
		hugetlb_luo_discard(fs, 0, nr);
		return chg;
	}
	for (i = 0; i < nr; i++) {
		err = hugetlb_luo_retrieve_folio(h, inode, &fs[i], i);
		if (err)
			break;
		cond_resched();
	}
	/*
	 * The map covers the folios the file holds, which its eviction gives
	 * back. The empty map of a new file needs one entry, which
	 * region_chg() made sure its cache holds, so this cannot fail.
	 */
	if (!i || WARN_ON_ONCE(region_add(resv, 0, i, regions, NULL, NULL) < 0))
		region_abort(resv, 0, nr, regions);
	/* The file frees what it holds; the rest goes back here. */
	if (err)
		hugetlb_luo_discard(fs, i + 1, nr);
	return err;
}

static int hugetlb_luo_retrieve(struct liveupdate_file_op_args *args)
{
	struct hugetlb_luo_folio_ser *folios_ser = NULL;
	struct hugetlb_luo_ser *ser;
	struct file *file;
	struct hstate *h;
	u64 nr;
	int err;

	if (!args->serialized_data)
		return -EINVAL;
	ser = phys_to_virt(args->serialized_data);

	nr = hugetlb_luo_nr_folios(ser);
	if (nr) {
		folios_ser = kho_restore_vmalloc(&ser->folios);
		if (!folios_ser) {
			pr_err("cannot map the folio array: %llu folios lost\n",
			       nr);
			err = -EINVAL;
			goto out_free_ser;
		}
	}
	if (nr != ser->nr_folios) {
		err = -EINVAL;
		goto out_discard;
	}

	h = hugetlb_luo_hstate(ser->shift);
	if (!h) {
		pr_err("no huge page size of shift %u\n", ser->shift);
		err = -EOPNOTSUPP;
		goto out_discard;
	}
	if ((ser->seals & ~HUGETLB_LUO_ALL_SEALS) ||
	    (ser->flags & ~HUGETLB_LUO_ALL_FLAGS) ||
	    ser->size > MAX_LFS_FILESIZE ||
	    ser->nr_folios != hugetlb_luo_size_folios(ser->size, ser->shift)) {
		pr_err("malformed file: size %llu, seals %#x, flags %#x, %llu folios\n",
		       ser->size, ser->seals, ser->flags, ser->nr_folios);
		err = -EINVAL;
		goto out_discard;
	}

	file = memfd_alloc_file("", MFD_HUGETLB | MFD_ALLOW_SEALING |
				(ser->shift << MFD_HUGE_SHIFT));
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_discard;
	}

	/* Before the seals, to which F_SEAL_EXEC would add write seals. */
	if (ser->flags & HUGETLB_LUO_NOEXEC)
		file_inode(file)->i_mode &= ~0111;
	vfs_setpos(file, ser->pos, MAX_LFS_FILESIZE);
	i_size_write(file_inode(file), ser->size);
	err = hugetlb_luo_retrieve_folios(h, file_inode(file), folios_ser,
					  ser->nr_folios);
	if (!err)
		err = memfd_add_seals(file, ser->seals);
	if (err) {
		fput(file);
		goto out_vfree;
	}

	args->file = file;
	goto out_vfree;

out_discard:
	hugetlb_luo_discard(folios_ser, 0, nr);
out_vfree:
	vfree(folios_ser);
out_free_ser:
	kho_restore_free(ser);
	return err;
}

static void hugetlb_luo_finish(struct liveupdate_file_op_args *args)
{
	struct hugetlb_luo_folio_ser *folios_ser;
	struct hugetlb_luo_ser *ser;
	u64 nr;

	/* A retrieve, successful or not, consumed the data. */
	if (args->retrieve_status)
		return;

	if (!args->serialized_data)
		return;
	ser = phys_to_virt(args->serialized_data);

	nr = hugetlb_luo_nr_folios(ser);
	if (nr) {
		folios_ser = kho_restore_vmalloc(&ser->folios);
		if (folios_ser) {
			hugetlb_luo_discard(folios_ser, 0, nr);
			vfree(folios_ser);
		} else {
			pr_err("cannot map the folio array: %llu folios lost\n",
			       nr);
		}
	}
	kho_restore_free(ser);
}

static bool hugetlb_luo_can_preserve(struct liveupdate_file_handler *handler,
				     struct file *file)
{
	/* A carried page may come back surplus, which must be freeable. */
	return is_file_hugepages(file) && !file_inode(file)->i_nlink &&
	       !hstate_is_gigantic_no_runtime(hstate_file(file));
}

static unsigned long hugetlb_luo_get_id(struct file *file)
{
	return (unsigned long)file_inode(file);
}

static int hugetlb_luo_flb_preserve(struct liveupdate_flb_op_args *args)
{
	struct hugetlb_luo_pool_ser *pool;

	pool = kho_alloc_preserve(sizeof(*pool));
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	args->obj = pool;
	args->data = virt_to_phys(pool);
	return 0;
}

static void hugetlb_luo_flb_unpreserve(struct liveupdate_flb_op_args *args)
{
	kho_unpreserve_free(args->obj);
}

static int hugetlb_luo_flb_retrieve(struct liveupdate_flb_op_args *args)
{
	if (!args->data)
		return -EINVAL;
	args->obj = phys_to_virt(args->data);
	return 0;
}

static void hugetlb_luo_flb_finish(struct liveupdate_flb_op_args *args)
{
	kho_restore_free(args->obj);
}

static const struct liveupdate_flb_ops hugetlb_luo_flb_ops = {
	.preserve = hugetlb_luo_flb_preserve,
	.unpreserve = hugetlb_luo_flb_unpreserve,
	.retrieve = hugetlb_luo_flb_retrieve,
	.finish = hugetlb_luo_flb_finish,
	.owner = THIS_MODULE,
};

static struct liveupdate_flb hugetlb_luo_flb = {
	.ops = &hugetlb_luo_flb_ops,
	.compatible = HUGETLB_LUO_FLB_COMPATIBLE,
};

/**
 * hugetlb_luo_boot_pages - Huge pages of a pool that a live update carried.
 * @h: The hstate whose pool the boot is about to allocate.
 *
 * The pages of @h's size that the previous kernel's preserved hugetlb
 * memfds hold: the boot allocates that many fewer, and retrieving the files
 * (or finishing them unclaimed) fills the pool up to its size.
 *
 * Context: Boot, before @h's pool is allocated: in mm_core_init_early()
 * for gigantic pools, before LUO reads its data, at subsys_initcall for
 * the others.
 * Return: The number of pages, 0 if there is no such live update data.
 */
unsigned long __init hugetlb_luo_boot_pages(struct hstate *h)
{
	bool early = !slab_is_available();
	struct hugetlb_luo_pool_ser *pool;
	unsigned long nr;
	int err;

	/* Gigantic pools are allocated before LUO reads its data. */
	if (early)
		err = liveupdate_flb_incoming_early(HUGETLB_LUO_FLB_COMPATIBLE,
						    sizeof(*pool),
						    (void **)&pool);
	else
		err = liveupdate_flb_get_incoming(&hugetlb_luo_flb,
						  (void **)&pool);
	if (err)
		return 0;
	nr = pool->pages[huge_page_shift(h)];
	if (!early)
		liveupdate_flb_put_incoming(&hugetlb_luo_flb);

	/*
	 * From the previous kernel: no more than this machine's memory, the
	 * carried pages included (they are not managed pages yet).
	 */
	if (nr > get_num_physpages() >> huge_page_order(h)) {
		pr_warn("%lu carried pages of %lu kB: more than memory holds, ignored\n",
			nr, huge_page_size(h) / SZ_1K);
		return 0;
	}
	pr_info("%lu pages of %lu kB carried by a live update\n", nr,
		huge_page_size(h) / SZ_1K);
	return nr;
}

static const struct liveupdate_file_ops hugetlb_luo_file_ops = {
	.freeze = hugetlb_luo_freeze,
	.finish = hugetlb_luo_finish,
	.retrieve = hugetlb_luo_retrieve,
	.preserve = hugetlb_luo_preserve,
	.unpreserve = hugetlb_luo_unpreserve,
	.can_preserve = hugetlb_luo_can_preserve,
	.get_id = hugetlb_luo_get_id,
	.owner = THIS_MODULE,
};

static struct liveupdate_file_handler hugetlb_luo_handler = {
	.ops = &hugetlb_luo_file_ops,
	.compatible = HUGETLB_LUO_FH_COMPATIBLE,
};

static int __init hugetlb_luo_init(void)
{
	int err = liveupdate_register_file_handler(&hugetlb_luo_handler);

	if (err == -EOPNOTSUPP)
		return 0;
	if (!err) {
		err = liveupdate_register_flb(&hugetlb_luo_handler,
					      &hugetlb_luo_flb);
		if (err)
			liveupdate_unregister_file_handler(&hugetlb_luo_handler);
	}
	if (err)
		pr_err("cannot register the file handler: %pe\n", ERR_PTR(err));
	return err;
}
late_initcall(hugetlb_luo_init);
