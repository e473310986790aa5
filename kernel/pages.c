// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: the user memory behind DMA mappings: pinning, locked-memory
 * accounting and the MMU notifier that revokes a mapping when the process
 * lets go of its memory.
 *
 * A mapping pins its pages with FOLL_LONGTERM (and FOLL_WRITE when the
 * device may write), in one pass straight into its page array.  The pages
 * are charged to user_struct->locked_vm of the user who opened the address
 * space, checked against the caller's RLIMIT_MEMLOCK: per user, so forking
 * or opening more spaces does not multiply the limit.  They are also added
 * to the mm's pinned_vm, so /proc/PID/status (VmPin) shows them.
 *
 * The notifier watches the mapping's virtual range.  UNMAP (munmap, mremap),
 * CLEAR (MADV_DONTNEED, page replacement) and RELEASE (exit) mean the
 * process's memory there is no longer what the device sees: the mapping is
 * removed from every IOMMU domain (iommu_unmap flushes the IOTLB before it
 * returns) and only then unpinned.  A CLEAR of folios that are all locked is
 * a migration or reclaim attempt, which fails on pinned pages and leaves the
 * memory as it was (upci_map_folios_locked()): the mapping stays.
 * PROTECTION_* (fork, mprotect), SOFT_DIRTY, MIGRATE (device-private
 * migration) and EXCLUSIVE leave the pages where they are, so the mapping
 * stays too.  The callback may run under the folio lock (a reclaim attempt
 * on a pinned page), so unpinning here never takes it:
 * mapped memory is anonymous, shmem or hugetlbfs (long-term writable pins of
 * other files are refused by GUP), whose folios are marked dirty without it.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/iommu.h>

#include "upci_ioas.h"

/* Pages pinned per call of pin_user_pages_fast() */
#define UPCI_PIN_BATCH	512

static struct kmem_cache *upci_map_cache;

long upci_user_locked_pages(struct user_struct *user)
{
	return atomic_long_read(&user->locked_vm);
}

/* Would @npages more pages on top of @cur exceed the caller's limit? */
static bool upci_over_limit(struct upci_ioas *ioas, long cur,
			    unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long new = cur + npages;

	if (ioas->lock_cap || (new >= npages && new <= limit))
		return false;
	pr_info_ratelimited("upci: mapping %lu KiB for uid %u exceeds RLIMIT_MEMLOCK (%lu KiB, %ld KiB in use)\n",
			    npages << (PAGE_SHIFT - 10),
			    from_kuid(&init_user_ns, ioas->user->uid),
			    limit << (PAGE_SHIFT - 10), cur << (PAGE_SHIFT - 10));
	return true;
}

static int upci_charge(struct upci_ioas *ioas, unsigned long npages)
{
	long cur = atomic_long_read(&ioas->user->locked_vm);

	do {
		if (upci_over_limit(ioas, cur, npages))
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&ioas->user->locked_vm, &cur,
					  cur + npages));
	return 0;
}

static void upci_uncharge(struct upci_ioas *ioas, unsigned long npages)
{
	atomic_long_sub(npages, &ioas->user->locked_vm);
}

struct page *upci_map_page(struct upci_map *map, unsigned long i)
{
	return map->npages == 1 ? map->page : map->pages[i];
}

static struct page **upci_map_page_array(struct upci_map *map)
{
	return map->npages == 1 ? &map->page : map->pages;
}

/*
 * Is every page of @map in [start, end) in a locked folio?  Then this is
 * the kernel trying to migrate or reclaim them (compaction, memory
 * pressure, KSM, split_huge_page()), which unmaps a folio under its lock and
 * fails on a pinned one: the process keeps, or faults back, the very pages
 * the device sees.  Discards (MADV_DONTNEED, truncation, COW) unmap without
 * the folio lock, and so does an in-place split of a huge page's mapping
 * (mprotect() of part of it), which therefore still revokes (upci(7) BUGS).
 * A folio some other task happens to lock during a discard
 * only delays the revocation to the next unmap or close; the pages stay
 * pinned meanwhile, so the device still reaches only the process's pages.
 */
static bool upci_map_folios_locked(struct upci_map *map, unsigned long start,
				   unsigned long end)
{
	unsigned long first = max(start, map->vaddr) - map->vaddr;
	unsigned long last = min(end, map->vaddr + (map->npages << PAGE_SHIFT)) -
			     map->vaddr;
	unsigned long i;

	for (i = first >> PAGE_SHIFT; i < DIV_ROUND_UP(last, PAGE_SIZE); i++)
		if (!folio_test_locked(page_folio(upci_map_page(map, i))))
			return false;
	return true;
}

static bool upci_map_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	struct upci_map *map = container_of(mni, struct upci_map, notifier);
	struct upci_ioas *ioas = map->ioas;

	switch (range->event) {
	case MMU_NOTIFY_UNMAP:
	case MMU_NOTIFY_CLEAR:
	case MMU_NOTIFY_RELEASE:
		break;
	default:
		return true;
	}
	if (!mmu_notifier_range_blockable(range))
		return false;

	mutex_lock(&ioas->iova_lock);
	mmu_interval_set_seq(mni, cur_seq);
	if (map->state == UPCI_MAP_LIVE &&
	    !(range->event == MMU_NOTIFY_CLEAR &&
	      upci_map_folios_locked(map, range->start, range->end))) {
		upci_ioas_unmap_domains(ioas, map);
		upci_map_unpin(map);
		/* Only its range is kept, until the user reads it */
		if (map->npages > 1) {
			kvfree(map->pages);
			map->pages = NULL;
		}
		upci_ioas_queue_revoked(ioas, map);
	}
	mutex_unlock(&ioas->iova_lock);
	return true;
}

static const struct mmu_interval_notifier_ops upci_map_notifier_ops = {
	.invalidate = upci_map_invalidate,
};

/**
 * upci_map_alloc() - a new mapping of the caller's memory, not yet pinned
 * @ioas: the address space
 * @vaddr: page-aligned user address
 * @npages: number of pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 *
 * Registers the MMU notifier on current->mm, which may take mmap_lock.
 * Return: the mapping in state NEW, or an ERR_PTR.
 */
struct upci_map *upci_map_alloc(struct upci_ioas *ioas, unsigned long vaddr,
				unsigned long npages, int prot)
{
	struct upci_map *map;
	int ret;

	/*
	 * Refuse a mapping over the limit before its page array is allocated,
	 * so that a huge length costs nothing (upci_map_pin() charges it for
	 * real).  Without a limit, a page array too big for kvcalloc() fails
	 * quietly with -ENOMEM.
	 */
	if (upci_over_limit(ioas, upci_user_locked_pages(ioas->user), npages))
		return ERR_PTR(-ENOMEM);
	map = kmem_cache_zalloc(upci_map_cache, GFP_KERNEL_ACCOUNT);
	if (!map)
		return ERR_PTR(-ENOMEM);
	map->ioas = ioas;
	map->vaddr = vaddr;
	map->npages = npages;
	map->prot = prot;
	map->state = UPCI_MAP_NEW;
	INIT_LIST_HEAD(&map->revoked);
	if (npages > 1) {
		map->pages = kvcalloc(npages, sizeof(*map->pages),
				      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!map->pages) {
			ret = -ENOMEM;
			goto out_free;
		}
	}
	ret = mmu_interval_notifier_insert(&map->notifier, current->mm, vaddr,
					   npages << PAGE_SHIFT,
					   &upci_map_notifier_ops);
	if (ret)
		goto out_free_pages;
	return map;

out_free_pages:
	if (npages > 1)
		kvfree(map->pages);
out_free:
	kmem_cache_free(upci_map_cache, map);
	return ERR_PTR(ret);
}

/**
 * upci_map_pin() - pin and charge the pages of a mapping
 * @map: a mapping in state NEW, not pinned
 * @seq: out: the notifier sequence to check with upci_map_retry()
 *
 * Return: 0, -ENOMEM over the memlock limit, -EFAULT if the memory is not
 * mapped with the access asked, -EINTR on a fatal signal.
 */
int upci_map_pin(struct upci_map *map, unsigned long *seq)
{
	unsigned int gup = FOLL_LONGTERM;
	struct page **pages = upci_map_page_array(map);
	unsigned long done = 0;
	long ret;

	if (map->prot & IOMMU_WRITE)
		gup |= FOLL_WRITE;
	*seq = mmu_interval_read_begin(&map->notifier);
	ret = upci_charge(map->ioas, map->npages);
	if (ret)
		return ret;
	while (done < map->npages) {
		unsigned long nr = min_t(unsigned long, map->npages - done,
					 UPCI_PIN_BATCH);

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_unpin;
		}
		ret = pin_user_pages_fast(map->vaddr + (done << PAGE_SHIFT), nr,
					  gup, pages + done);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto out_unpin;
		}
		done += ret;
		cond_resched();
	}
	atomic64_add(map->npages, &map->notifier.mm->pinned_vm);
	map->pinned = true;
	return 0;

out_unpin:
	unpin_user_pages(pages, done);
	upci_uncharge(map->ioas, map->npages);
	return ret;
}

/**
 * upci_map_unpin() - unpin and uncharge a mapping's pages
 * @map: the mapping, which no device can reach any more
 *
 * Never takes a folio lock (see the top of this file); may be called from
 * the notifier.
 */
void upci_map_unpin(struct upci_map *map)
{
	struct page **pages = upci_map_page_array(map);
	unsigned long i;

	if (!map->pinned)
		return;
	if (map->prot & IOMMU_WRITE) {
		for (i = 0; i < map->npages; i++)
			folio_mark_dirty(page_folio(pages[i]));
	}
	unpin_user_pages(pages, map->npages);
	atomic64_sub(map->npages, &map->notifier.mm->pinned_vm);
	upci_uncharge(map->ioas, map->npages);
	map->pinned = false;
}

/**
 * upci_map_retry() - did the memory change since upci_map_pin()?
 * @map: the mapping
 * @seq: what upci_map_pin() returned
 *
 * Called with &upci_ioas.iova_lock held, before the mapping goes live.
 */
bool upci_map_retry(struct upci_map *map, unsigned long seq)
{
	lockdep_assert_held(&map->ioas->iova_lock);
	return mmu_interval_read_retry(&map->notifier, seq);
}

/**
 * upci_map_free() - free an unpinned mapping
 * @map: the mapping, in no tree or list
 *
 * Waits for a notifier callback in flight; never call it with iova_lock.
 */
void upci_map_free(struct upci_map *map)
{
	WARN_ON_ONCE(map->pinned);
	mmu_interval_notifier_remove(&map->notifier);
	if (map->npages > 1)
		kvfree(map->pages);
	kmem_cache_free(upci_map_cache, map);
}

int upci_pages_init(void)
{
	upci_map_cache = KMEM_CACHE(upci_map, SLAB_ACCOUNT);
	return upci_map_cache ? 0 : -ENOMEM;
}

void upci_pages_exit(void)
{
	kmem_cache_destroy(upci_map_cache);
}
