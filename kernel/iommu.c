// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: DMA address spaces, /dev/upci/iommu.
 *
 * Every open() of /dev/upci/iommu creates a struct upci_ioas: an empty set
 * of mappings from IOVAs to the caller's memory.  Devices attach to it from
 * their own file (device.c calls upci_ioas_attach()); from then on their DMA
 * is translated by an IOMMU domain of the space, and reaches only what the
 * space maps.  The node is mode 0666: a space is harmless until a device the
 * caller already owns is attached to it.
 *
 * Mappings live in an interval tree keyed by IOVA, so map and unmap cost
 * O(log n) in the number of mappings; kernel-chosen IOVAs are searched from
 * a hint just past the previous one, so a driver that maps and maps again
 * finds free space at once; they are never below 1 MiB (so never 0).  Each
 * mapping costs one struct upci_map (a slab object of about 200 bytes; 197
 * bytes of kernel memory per mapping measured with one million of them)
 * plus, above one page, 8 bytes per page for its page array, plus the
 * IOMMU's page tables.
 *
 * Domains: one per IOMMU in use.  A device's group joins the first domain
 * that accepts it (iommu_attach_group() gives -EINVAL for an incompatible
 * one, such as a domain of another IOMMU unit); otherwise a new domain is
 * allocated and every existing mapping is replayed into it, so every domain
 * maps everything.  QEMU has one IOMMU unit, so the tests exercise this path
 * with the domain_per_group parameter, which gives every group its own.  A
 * group is attached once, however many of its devices attach.  The usable
 * IOVA ranges are the intersection of the domains' apertures less every
 * group's reserved regions (the MSI window, RMRRs), recomputed at attach and
 * detach; an attach that would leave an existing mapping outside them is
 * refused.
 *
 * The lock order is in upci_ioas.h.  Teardown order everywhere: IOMMU
 * unmap (or detach, which blocks the group), which flushes the IOTLB, then
 * unpin; never the other way round.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/sched/user.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/upci.h>

#include "upci_private.h"

static unsigned long max_mappings = 1UL << 22;
module_param(max_mappings, ulong, 0644);
MODULE_PARM_DESC(max_mappings,
		 "Most mappings one DMA address space may hold (default 4194304)");

static unsigned long max_revoked = 1UL << 16;
module_param(max_revoked, ulong, 0644);
MODULE_PARM_DESC(max_revoked,
		 "Most revoked mappings a space queues unread before new maps get ENOSPC (default 65536)");

static bool domain_per_group;
module_param(domain_per_group, bool, 0644);
MODULE_PARM_DESC(domain_per_group,
		 "Testing: give every IOMMU group its own domain, as if each sat behind its own IOMMU");

/* Usable IOVAs before any device is attached: 48 bits, what every IOMMU has */
#define UPCI_IOVA_DEFAULT_LAST	((1ULL << 48) - 1)
#define UPCI_DEFAULT_PGSIZES	(SZ_4K | SZ_2M | SZ_1G)
#define UPCI_MAX_RANGES		64
/* Kernel-chosen IOVAs start here: never 0, the low megabyte for fixed ones */
#define UPCI_IOVA_CHOSEN_MIN	SZ_1M
/* Revoked ranges returned per UPCI_IOAS_GET_REVOKED call, at most */
#define UPCI_MAX_REVOKED_PER_CALL	1024
/* Times a map retries when the memory changed while it was being pinned */
#define UPCI_MAP_TRIES		3

/**
 * struct upci_group - an IOMMU group attached to a domain of a space
 * @node: entry in &upci_domain.groups
 * @group: the group, of which it holds a reference
 * @users: attached devices of the group
 * @resv: its reserved regions, &struct iommu_resv_region
 */
struct upci_group {
	struct list_head node;
	struct iommu_group *group;
	unsigned int users;
	struct list_head resv;
};

/**
 * struct upci_domain - one IOMMU domain of a space
 * @node: entry in &upci_ioas.domains
 * @domain: the paging domain
 * @groups: &struct upci_group attached to it
 */
struct upci_domain {
	struct list_head node;
	struct iommu_domain *domain;
	struct list_head groups;
};

static const struct file_operations upci_ioas_fops;

/* ------------------------------------------------------------ IOVA ranges */

/* Removes [start, last] from the sorted, disjoint ranges @r[0..*n). */
static int upci_ranges_subtract(struct upci_iova_range *r, unsigned int *n,
				u64 start, u64 last)
{
	int i;

	for (i = 0; i < *n; i++) {
		struct upci_iova_range cur = r[i];

		if (last < cur.start || start > cur.last)
			continue;
		if (start <= cur.start && last >= cur.last) {
			memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
			(*n)--;
			i--;
		} else if (start > cur.start && last < cur.last) {
			if (*n == UPCI_MAX_RANGES)
				return -ENOSPC;
			memmove(&r[i + 2], &r[i + 1], (*n - i - 1) * sizeof(*r));
			r[i].last = start - 1;
			r[i + 1].start = last + 1;
			r[i + 1].last = cur.last;
			(*n)++;
			i++;
		} else if (start <= cur.start) {
			r[i].start = last + 1;
		} else {
			r[i].last = start - 1;
		}
	}
	return 0;
}

static int upci_ranges_remove_group(struct upci_iova_range *r, unsigned int *n,
				    struct upci_group *g)
{
	struct iommu_resv_region *resv;
	int ret;

	list_for_each_entry(resv, &g->resv, list) {
		if (resv->type == IOMMU_RESV_DIRECT_RELAXABLE || !resv->length)
			continue;
		ret = upci_ranges_subtract(r, n, resv->start,
					   resv->start + resv->length - 1);
		if (ret)
			return ret;
	}
	return 0;
}

static int upci_ranges_clip_domain(struct upci_iova_range *r, unsigned int *n,
				   struct iommu_domain *domain,
				   unsigned long *pgsizes)
{
	const struct iommu_domain_geometry *geo = &domain->geometry;
	int ret = 0;

	*pgsizes &= domain->pgsize_bitmap;
	if (geo->aperture_start)
		ret = upci_ranges_subtract(r, n, 0, geo->aperture_start - 1);
	if (!ret && geo->aperture_end < U64_MAX)
		ret = upci_ranges_subtract(r, n, (u64)geo->aperture_end + 1,
					   U64_MAX);
	return ret;
}

/*
 * The usable IOVA ranges of @ioas if @extra_group (and @extra_domain) were
 * attached too.  Returns a kcalloc'd array.
 */
static struct upci_iova_range *
upci_ioas_compute_ranges(struct upci_ioas *ioas, struct upci_group *extra_group,
			 struct iommu_domain *extra_domain, unsigned int *nr,
			 unsigned long *pgsizes)
{
	struct upci_iova_range *r;
	struct upci_domain *d;
	struct upci_group *g;
	unsigned int n = 1;
	int ret = 0;

	r = kcalloc(UPCI_MAX_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r[0].start = 0;
	*pgsizes = ioas->no_iommu ? PAGE_SIZE : UPCI_DEFAULT_PGSIZES;
	if (ioas->no_iommu) {
		r[0].last = U64_MAX;
		goto out;
	}
	r[0].last = list_empty(&ioas->domains) && !extra_domain ?
		    UPCI_IOVA_DEFAULT_LAST : U64_MAX;
	if (extra_domain) {
		*pgsizes = extra_domain->pgsize_bitmap;
		ret = upci_ranges_clip_domain(r, &n, extra_domain, pgsizes);
	}
	list_for_each_entry(d, &ioas->domains, node) {
		if (!ret)
			ret = upci_ranges_clip_domain(r, &n, d->domain, pgsizes);
		list_for_each_entry(g, &d->groups, node)
			if (!ret)
				ret = upci_ranges_remove_group(r, &n, g);
	}
	if (!ret && extra_group)
		ret = upci_ranges_remove_group(r, &n, extra_group);
	if (!ret && (!*pgsizes || __ffs(*pgsizes) > PAGE_SHIFT))
		ret = -EINVAL;	/* cannot map single CPU pages */
out:
	if (ret) {
		kfree(r);
		return ERR_PTR(ret);
	}
	*nr = n;
	return r;
}

static bool upci_ranges_contain(const struct upci_iova_range *r, unsigned int n,
				u64 start, u64 last)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (start >= r[i].start && last <= r[i].last)
			return true;
	return false;
}

/* Does every mapping of @ioas lie in the ranges @r? Under ioas->lock. */
static bool upci_ioas_maps_fit(struct upci_ioas *ioas,
			       const struct upci_iova_range *r, unsigned int n,
			       struct pci_dev *pdev)
{
	struct interval_tree_node *node;
	bool fit = true;

	mutex_lock(&ioas->iova_lock);
	for (node = interval_tree_iter_first(&ioas->iova_tree, 0, ULONG_MAX);
	     node; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		if (!upci_ranges_contain(r, n, node->start, node->last)) {
			pci_info_ratelimited(pdev,
					     "attach refused: mapping at IOVA 0x%lx-0x%lx is reserved or untranslated for this device\n",
					     node->start, node->last);
			fit = false;
			break;
		}
	}
	mutex_unlock(&ioas->iova_lock);
	return fit;
}

static void upci_ioas_set_ranges(struct upci_ioas *ioas,
				 struct upci_iova_range *r, unsigned int n,
				 unsigned long pgsizes)
{
	kfree(ioas->allowed);
	ioas->allowed = r;
	ioas->nr_allowed = n;
	ioas->pgsizes = pgsizes;
}

/*
 * Finds a free IOVA range of @length at or below @limit, congruent to
 * @offset modulo @align (a power of two), starting at the hint.  Under
 * ioas->lock and iova_lock.
 */
static int upci_ioas_find_iova(struct upci_ioas *ioas, u64 length, u64 align,
			       u64 offset, u64 limit, u64 *out)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		u64 from = max_t(u64, pass ? 0 : ioas->iova_hint,
				 UPCI_IOVA_CHOSEN_MIN);
		unsigned int i;

		for (i = 0; i < ioas->nr_allowed; i++) {
			u64 lo = max(ioas->allowed[i].start, from);
			u64 hi = min(ioas->allowed[i].last, limit);
			u64 cand = (lo & ~(align - 1)) | offset;

			if (cand < lo && check_add_overflow(cand, align, &cand))
				continue;
			while (cand <= hi && hi - cand >= length - 1) {
				struct interval_tree_node *node;

				node = interval_tree_iter_first(&ioas->iova_tree,
								cand,
								cand + length - 1);
				if (!node) {
					*out = cand;
					ioas->iova_hint = cand + length;
					return 0;
				}
				if (node->last == ULONG_MAX)
					break;
				lo = node->last + 1;
				cand = (lo & ~(align - 1)) | offset;
				if (cand < lo &&
				    check_add_overflow(cand, align, &cand))
					break;
			}
		}
	}
	return -ENOSPC;
}

/* ------------------------------------------------------------ domains */

static int upci_domain_map(struct iommu_domain *domain, struct upci_map *map,
			   gfp_t gfp)
{
	unsigned long i = 0, run;
	int ret;

	while (i < map->npages) {
		phys_addr_t pa = page_to_phys(upci_map_page(map, i));

		for (run = 1; i + run < map->npages; run++)
			if (page_to_phys(upci_map_page(map, i + run)) !=
			    pa + (run << PAGE_SHIFT))
				break;
		ret = iommu_map(domain, map->node.start + (i << PAGE_SHIFT), pa,
				run << PAGE_SHIFT, map->prot | IOMMU_CACHE, gfp);
		if (ret) {
			if (i)
				iommu_unmap(domain, map->node.start,
					    i << PAGE_SHIFT);
			return ret;
		}
		i += run;
	}
	return 0;
}

static void upci_domains_unmap(struct upci_ioas *ioas, struct upci_map *map)
{
	size_t len = map->npages << PAGE_SHIFT;
	struct upci_domain *d;

	list_for_each_entry(d, &ioas->domains, node)
		WARN_ON_ONCE(iommu_unmap(d->domain, map->node.start, len) != len);
}

/* Maps a NEW mapping into every domain; unwinds on failure. Under lock. */
static int upci_domains_map(struct upci_ioas *ioas, struct upci_map *map)
{
	size_t len = map->npages << PAGE_SHIFT;
	struct upci_domain *d;
	int ret;

	list_for_each_entry(d, &ioas->domains, node) {
		ret = upci_domain_map(d->domain, map, GFP_KERNEL_ACCOUNT);
		if (ret)
			goto out_unmap;
	}
	return 0;

out_unmap:
	list_for_each_entry_continue_reverse(d, &ioas->domains, node)
		iommu_unmap(d->domain, map->node.start, len);
	return ret;
}

/**
 * upci_ioas_unmap_domains() - take a live mapping out of the space
 * @ioas: the space
 * @map: a LIVE mapping
 *
 * Removes it from the IOVA tree and from every domain; when this returns no
 * device can reach its pages, which the caller then unpins.  Called with
 * iova_lock held, by unmap, close and the MMU notifier.
 */
void upci_ioas_unmap_domains(struct upci_ioas *ioas, struct upci_map *map)
{
	lockdep_assert_held(&ioas->iova_lock);
	interval_tree_remove(&map->node, &ioas->iova_tree);
	upci_domains_unmap(ioas, map);
	ioas->nr_maps--;
	ioas->mapped_bytes -= map->npages << PAGE_SHIFT;
	ioas->pinned_pages -= map->npages;
}

/**
 * upci_ioas_queue_revoked() - report a mapping the notifier tore down
 * @ioas: the space
 * @map: the mapping, already out of the domains and unpinned
 *
 * Called with iova_lock held.
 */
void upci_ioas_queue_revoked(struct upci_ioas *ioas, struct upci_map *map)
{
	lockdep_assert_held(&ioas->iova_lock);
	map->state = UPCI_MAP_REVOKED;
	list_add_tail(&map->revoked, &ioas->revoked);
	WRITE_ONCE(ioas->nr_revoked, ioas->nr_revoked + 1);
	if (ioas->revoke_trigger)
		eventfd_signal(ioas->revoke_trigger);
}

static void upci_group_free(struct upci_group *g)
{
	iommu_put_resv_regions(NULL, &g->resv);
	iommu_group_put(g->group);
	kfree(g);
}

static struct upci_group *upci_group_alloc(struct iommu_group *group)
{
	struct upci_group *g;
	int ret;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&g->resv);
	g->users = 1;
	ret = iommu_get_group_resv_regions(group, &g->resv);
	if (ret) {
		iommu_put_resv_regions(NULL, &g->resv);
		kfree(g);
		return ERR_PTR(ret);
	}
	g->group = iommu_group_ref_get(group);
	return g;
}

static struct upci_group *upci_ioas_find_group(struct upci_ioas *ioas,
					       struct iommu_group *group,
					       struct upci_domain **domain)
{
	struct upci_domain *d;
	struct upci_group *g;

	list_for_each_entry(d, &ioas->domains, node)
		list_for_each_entry(g, &d->groups, node)
			if (g->group == group) {
				*domain = d;
				return g;
			}
	return NULL;
}

/*
 * A new domain for @pdev, holding every mapping of the space.  The replay
 * runs under iova_lock, so that a revocation cannot slip between a mapping's
 * replay and the domain joining the list; it therefore allocates without
 * reclaim (GFP_NOWAIT), as the notifier may be waiting for the lock.
 */
static struct upci_domain *upci_domain_create(struct upci_ioas *ioas,
					      struct iommu_domain *domain)
{
	struct interval_tree_node *node;
	struct upci_domain *d;
	int ret = 0;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->domain = domain;
	INIT_LIST_HEAD(&d->groups);

	mutex_lock(&ioas->iova_lock);
	for (node = interval_tree_iter_first(&ioas->iova_tree, 0, ULONG_MAX);
	     node; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		ret = upci_domain_map(domain, container_of(node, struct upci_map, node),
				      GFP_NOWAIT | __GFP_NOWARN);
		if (ret)
			break;
	}
	if (!ret)
		list_add_tail(&d->node, &ioas->domains);
	mutex_unlock(&ioas->iova_lock);
	if (ret) {
		kfree(d);
		return ERR_PTR(ret);
	}
	return d;
}

static void upci_domain_destroy(struct upci_ioas *ioas, struct upci_domain *d)
{
	mutex_lock(&ioas->iova_lock);
	list_del(&d->node);
	mutex_unlock(&ioas->iova_lock);
	iommu_domain_free(d->domain);
	kfree(d);
}

static int upci_ioas_attach_group(struct upci_ioas *ioas, struct pci_dev *pdev,
				  struct iommu_group *group)
{
	struct iommu_domain *domain;
	struct upci_iova_range *r;
	unsigned long pgsizes;
	struct upci_domain *d;
	struct upci_group *g;
	unsigned int n;
	int ret;

	g = upci_group_alloc(group);
	if (IS_ERR(g))
		return PTR_ERR(g);

	r = upci_ioas_compute_ranges(ioas, g, NULL, &n, &pgsizes);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out_free_group;
	}
	if (!upci_ioas_maps_fit(ioas, r, n, pdev)) {
		ret = -EINVAL;
		goto out_free_ranges;
	}
	list_for_each_entry(d, &ioas->domains, node) {
		if (domain_per_group)
			break;
		ret = iommu_attach_group(d->domain, group);
		if (!ret)
			goto out_attached;
		if (ret != -EINVAL)
			goto out_free_ranges;
	}
	kfree(r);

	/* No domain of the space fits this device's IOMMU: a new one */
	domain = iommu_paging_domain_alloc(&pdev->dev);
	if (IS_ERR(domain)) {
		ret = PTR_ERR(domain);
		goto out_free_group;
	}
	r = upci_ioas_compute_ranges(ioas, g, domain, &n, &pgsizes);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out_free_domain;
	}
	if (!upci_ioas_maps_fit(ioas, r, n, pdev)) {
		ret = -EINVAL;
		goto out_free_new_ranges;
	}
	d = upci_domain_create(ioas, domain);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_free_new_ranges;
	}
	ret = iommu_attach_group(domain, group);
	if (ret) {
		upci_domain_destroy(ioas, d);
		kfree(r);
		goto out_free_group;
	}
out_attached:
	list_add_tail(&g->node, &d->groups);
	kfree(r);
	/*
	 * A domain's page sizes and aperture are final only once it is
	 * attached (Intel computes them then): compute the ranges again.
	 */
	r = upci_ioas_compute_ranges(ioas, NULL, NULL, &n, &pgsizes);
	if (IS_ERR(r) || !upci_ioas_maps_fit(ioas, r, n, pdev)) {
		ret = IS_ERR(r) ? PTR_ERR(r) : -EINVAL;
		if (!IS_ERR(r))
			kfree(r);
		list_del(&g->node);
		iommu_detach_group(d->domain, group);
		if (list_empty(&d->groups))
			upci_domain_destroy(ioas, d);
		goto out_free_group;
	}
	upci_ioas_set_ranges(ioas, r, n, pgsizes);
	return 0;

out_free_new_ranges:
	kfree(r);
out_free_domain:
	iommu_domain_free(domain);
	goto out_free_group;
out_free_ranges:
	kfree(r);
out_free_group:
	upci_group_free(g);
	return ret;
}

/**
 * upci_ioas_attach() - let a device DMA into an address space
 * @ioas: the space; on success the device holds a reference until detach
 * @pdev: the device, whose DMA ownership the caller holds
 * @no_iommu: the device was opened in no-IOMMU mode
 *
 * Return: 0, -EINVAL (the space and device disagree), -EBUSY (the group is
 * attached elsewhere), -ENOMEM.
 */
int upci_ioas_attach(struct upci_ioas *ioas, struct pci_dev *pdev,
		     bool no_iommu)
{
	struct iommu_group *group = NULL;
	struct upci_domain *d;
	struct upci_group *g;
	int ret = 0;

	mutex_lock(&ioas->lock);
	if (ioas->closed) {
		ret = -EBADF;
		goto out_unlock;
	}
	if (no_iommu != ioas->no_iommu) {
		pci_info_ratelimited(pdev,
				     "attach refused: %s device, %s address space\n",
				     no_iommu ? "no-IOMMU" : "IOMMU-isolated",
				     ioas->no_iommu ? "no-IOMMU" : "IOMMU");
		ret = -EINVAL;
		goto out_unlock;
	}
	if (!no_iommu) {
		group = iommu_group_get(&pdev->dev);
		if (!group) {
			ret = -EINVAL;
			goto out_unlock;
		}
		g = upci_ioas_find_group(ioas, group, &d);
		if (g)
			g->users++;
		else
			ret = upci_ioas_attach_group(ioas, pdev, group);
		iommu_group_put(group);
		if (ret)
			goto out_unlock;
	}
	ioas->nr_devices++;
	kref_get(&ioas->kref);
out_unlock:
	mutex_unlock(&ioas->lock);
	return ret;
}

/**
 * upci_ioas_detach() - block a device's DMA again
 * @ioas: the space it was attached to; the device's reference is dropped
 * @pdev: the device
 *
 * Never fails; safe after the space's file was closed (which detached
 * everything already).
 */
void upci_ioas_detach(struct upci_ioas *ioas, struct pci_dev *pdev)
{
	struct iommu_group *group;
	struct upci_iova_range *r;
	unsigned long pgsizes;
	struct upci_domain *d;
	struct upci_group *g;
	unsigned int n;

	mutex_lock(&ioas->lock);
	group = ioas->no_iommu ? NULL : iommu_group_get(&pdev->dev);
	g = group ? upci_ioas_find_group(ioas, group, &d) : NULL;
	if (g && !--g->users) {
		iommu_detach_group(d->domain, group);
		list_del(&g->node);
		upci_group_free(g);
		if (list_empty(&d->groups))
			upci_domain_destroy(ioas, d);
		/* Fewer devices: the ranges only grow; keep the old on failure */
		r = upci_ioas_compute_ranges(ioas, NULL, NULL, &n, &pgsizes);
		if (!IS_ERR(r))
			upci_ioas_set_ranges(ioas, r, n, pgsizes);
	}
	iommu_group_put(group);
	ioas->nr_devices--;
	mutex_unlock(&ioas->lock);
	upci_ioas_put(ioas);
}

/* ------------------------------------------------------------ lifetime */

static void upci_ioas_release_kref(struct kref *kref)
{
	struct upci_ioas *ioas = container_of(kref, struct upci_ioas, kref);

	kfree(ioas->allowed);
	free_uid(ioas->user);
	mutex_destroy(&ioas->iova_lock);
	mutex_destroy(&ioas->lock);
	kfree(ioas);
}

void upci_ioas_put(struct upci_ioas *ioas)
{
	kref_put(&ioas->kref, upci_ioas_release_kref);
}

/**
 * upci_ioas_get_from_fd() - the address space behind a file descriptor
 * @fd: a descriptor of /dev/upci/iommu
 *
 * Return: the space with a new reference, or ERR_PTR(-EBADF).
 */
struct upci_ioas *upci_ioas_get_from_fd(int fd)
{
	struct upci_ioas *ioas = ERR_PTR(-EBADF);
	struct fd f = fdget(fd);

	if (fd_empty(f))
		return ioas;
	if (fd_file(f)->f_op == &upci_ioas_fops) {
		ioas = fd_file(f)->private_data;
		kref_get(&ioas->kref);
	}
	fdput(f);
	return ioas;
}

static int upci_dev_has_iommu(struct device *dev, void *data)
{
	return device_iommu_mapped(dev);
}

static int upci_ioas_open(struct inode *inode, struct file *file)
{
	struct upci_iova_range *r;
	struct upci_ioas *ioas;
	unsigned int n;
	bool no_iommu;

	/* No PCI device behind an IOMMU: DMA addresses are physical */
	no_iommu = !bus_for_each_dev(&pci_bus_type, NULL, NULL,
				     upci_dev_has_iommu);
	if (no_iommu && !capable(CAP_SYS_RAWIO)) {
		pr_info_ratelimited("upci: DMA address space refused: no IOMMU, and the opener lacks CAP_SYS_RAWIO\n");
		return -EPERM;
	}

	ioas = kzalloc(sizeof(*ioas), GFP_KERNEL_ACCOUNT);
	if (!ioas)
		return -ENOMEM;
	kref_init(&ioas->kref);
	mutex_init(&ioas->lock);
	mutex_init(&ioas->iova_lock);
	mutex_init(&ioas->revoked_lock);
	ioas->iova_tree = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&ioas->domains);
	INIT_LIST_HEAD(&ioas->revoked);
	ioas->no_iommu = no_iommu;
	ioas->lock_cap = file_ns_capable(file, &init_user_ns, CAP_IPC_LOCK);
	ioas->user = get_uid(current_user());
	r = upci_ioas_compute_ranges(ioas, NULL, NULL, &n, &ioas->pgsizes);
	if (IS_ERR(r)) {
		upci_ioas_put(ioas);
		return PTR_ERR(r);
	}
	ioas->allowed = r;
	ioas->nr_allowed = n;
	file->private_data = ioas;
	return nonseekable_open(inode, file);
}

/* Frees mappings that are out of every tree, list and domain. */
static void upci_maps_free(struct list_head *maps)
{
	struct upci_map *map, *next;

	list_for_each_entry_safe(map, next, maps, revoked) {
		list_del(&map->revoked);
		upci_map_unpin(map);
		upci_map_free(map);
		cond_resched();
	}
}

static int upci_ioas_release(struct inode *inode, struct file *file)
{
	struct upci_ioas *ioas = file->private_data;
	struct upci_domain *d, *dnext;
	struct upci_group *g, *gnext;
	struct interval_tree_node *node;
	struct eventfd_ctx *trigger;
	LIST_HEAD(domains);
	LIST_HEAD(maps);

	mutex_lock(&ioas->lock);
	ioas->closed = true;
	/* First block every device's DMA, then take the memory back */
	list_for_each_entry(d, &ioas->domains, node) {
		list_for_each_entry_safe(g, gnext, &d->groups, node) {
			iommu_detach_group(d->domain, g->group);
			list_del(&g->node);
			upci_group_free(g);
		}
	}
	mutex_lock(&ioas->iova_lock);
	list_splice_init(&ioas->domains, &domains);
	while ((node = interval_tree_iter_first(&ioas->iova_tree, 0, ULONG_MAX))) {
		struct upci_map *map = container_of(node, struct upci_map, node);

		interval_tree_remove(node, &ioas->iova_tree);
		map->state = UPCI_MAP_GONE;
		list_add_tail(&map->revoked, &maps);
	}
	list_splice_tail_init(&ioas->revoked, &maps);
	ioas->nr_revoked = 0;
	ioas->nr_maps = 0;
	ioas->mapped_bytes = 0;
	ioas->pinned_pages = 0;
	trigger = ioas->revoke_trigger;
	ioas->revoke_trigger = NULL;
	mutex_unlock(&ioas->iova_lock);

	list_for_each_entry_safe(d, dnext, &domains, node) {
		iommu_domain_free(d->domain);
		kfree(d);
	}
	upci_maps_free(&maps);
	mutex_unlock(&ioas->lock);
	if (trigger)
		eventfd_ctx_put(trigger);
	upci_ioas_put(ioas);
	return 0;
}

/* ------------------------------------------------------------ ioctls */

static int upci_ioas_info(struct upci_ioas *ioas, void *arg)
{
	struct upci_ioas_info *cmd = arg;
	struct upci_iova_range *r;
	unsigned int n;
	int ret = 0;

	mutex_lock(&ioas->lock);
	n = ioas->nr_allowed;
	r = kmemdup(ioas->allowed, n * sizeof(*r), GFP_KERNEL);
	cmd->out_flags = (ioas->no_iommu ? UPCI_IOAS_FLAG_NO_IOMMU : 0) |
			 (ioas->lock_cap ? UPCI_IOAS_FLAG_LOCK_CAP : 0);
	cmd->out_pgsizes = ioas->pgsizes;
	cmd->out_num_devices = ioas->nr_devices;
	cmd->out_num_domains = list_count_nodes(&ioas->domains);
	mutex_lock(&ioas->iova_lock);
	cmd->out_num_mappings = ioas->nr_maps;
	cmd->out_num_revoked = ioas->nr_revoked;
	cmd->out_mapped_bytes = ioas->mapped_bytes;
	cmd->out_pinned_pages = ioas->pinned_pages;
	mutex_unlock(&ioas->iova_lock);
	cmd->out_user_locked_pages = upci_user_locked_pages(ioas->user);
	mutex_unlock(&ioas->lock);
	if (!r)
		return -ENOMEM;

	if (cmd->num_ranges < n) {
		ret = -EMSGSIZE;
	} else if (copy_to_user(u64_to_user_ptr(cmd->ranges), r,
				n * sizeof(*r))) {
		ret = -EFAULT;
	}
	cmd->num_ranges = n;
	kfree(r);
	/* EMSGSIZE still reports the count needed */
	return ret == -EMSGSIZE ? 1 : ret;
}

static int upci_ioas_check_map(struct upci_ioas *ioas,
			       const struct upci_ioas_map *cmd)
{
	u64 end;

	if (!(cmd->flags & (UPCI_IOAS_MAP_READ | UPCI_IOAS_MAP_WRITE)) ||
	    !cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->user_va, cmd->length - 1, &end) ||
	    end > TASK_SIZE_MAX)
		return -EOVERFLOW;
	if ((cmd->flags & UPCI_IOAS_MAP_FIXED_IOVA) &&
	    check_add_overflow(cmd->iova, cmd->length - 1, &end))
		return -EOVERFLOW;
	if (!PAGE_ALIGNED(cmd->user_va) || !PAGE_ALIGNED(cmd->length) ||
	    ((cmd->flags & UPCI_IOAS_MAP_FIXED_IOVA) && !PAGE_ALIGNED(cmd->iova)))
		return -EINVAL;
	if ((cmd->flags & UPCI_IOAS_MAP_FIXED_IOVA) && ioas->no_iommu)
		return -EINVAL;	/* the IOVA is the physical address */
	return 0;
}

/* Physically contiguous? Then the IOVA of a no-IOMMU mapping is its address */
static int upci_ioas_place_no_iommu(struct upci_map *map, u64 limit)
{
	phys_addr_t pa = page_to_phys(upci_map_page(map, 0));
	unsigned long i;

	for (i = 1; i < map->npages; i++) {
		if (page_to_phys(upci_map_page(map, i)) != pa + (i << PAGE_SHIFT)) {
			pr_info_ratelimited("upci: no-IOMMU map refused: the memory is not physically contiguous (use one huge page)\n");
			return -EINVAL;
		}
	}
	if (limit && pa + (map->npages << PAGE_SHIFT) - 1 > limit) {
		pr_info_ratelimited("upci: no-IOMMU map refused: physical address %pa is above the IOVA limit\n",
				    &pa);
		return -EINVAL;
	}
	map->node.start = pa;
	map->node.last = pa + (map->npages << PAGE_SHIFT) - 1;
	return 0;
}

/* Chooses or checks the IOVA of @map. Under lock and iova_lock. */
static int upci_ioas_place(struct upci_ioas *ioas, struct upci_map *map,
			   const struct upci_ioas_map *cmd)
{
	u64 length = map->npages << PAGE_SHIFT, start, last, align;
	u64 limit = cmd->iova_limit ? cmd->iova_limit : U64_MAX;
	int ret;

	if (ioas->no_iommu) {
		ret = upci_ioas_place_no_iommu(map, cmd->iova_limit);
		if (ret)
			return ret;
	} else if (cmd->flags & UPCI_IOAS_MAP_FIXED_IOVA) {
		last = cmd->iova + length - 1;
		if (last > limit ||
		    !upci_ranges_contain(ioas->allowed, ioas->nr_allowed,
					 cmd->iova, last))
			return -EINVAL;
		map->node.start = cmd->iova;
		map->node.last = last;
	} else {
		align = rounddown_pow_of_two(ioas->pgsizes &
					     GENMASK_ULL(ilog2(length), 0));
		ret = upci_ioas_find_iova(ioas, length, align,
					  cmd->user_va & (align - 1), limit,
					  &start);
		if (ret)
			return ret;
		map->node.start = start;
		map->node.last = start + length - 1;
	}
	if (interval_tree_iter_first(&ioas->iova_tree, map->node.start,
				     map->node.last))
		return -EEXIST;
	return 0;
}

static int upci_ioas_map(struct upci_ioas *ioas, void *arg)
{
	struct upci_ioas_map *cmd = arg;
	struct upci_map *map;
	unsigned long seq;
	int prot = 0, tries = 0, ret;

	ret = upci_ioas_check_map(ioas, cmd);
	if (ret)
		return ret;
	if (cmd->flags & UPCI_IOAS_MAP_READ)
		prot |= IOMMU_READ;
	if (cmd->flags & UPCI_IOAS_MAP_WRITE)
		prot |= IOMMU_WRITE;

	map = upci_map_alloc(ioas, cmd->user_va, cmd->length >> PAGE_SHIFT,
			     prot);
	if (IS_ERR(map))
		return PTR_ERR(map);
retry:
	/*
	 * Pinning faults the memory in, which takes as long as the memory's
	 * owner likes (a FUSE file): it runs without ioas->lock, so that a
	 * detach, and thus a device's remove(), never waits for it.  The
	 * mapping is nobody's until it is inserted below.
	 */
	ret = upci_map_pin(map, &seq);
	if (ret)
		goto out_free;

	mutex_lock(&ioas->lock);
	if (ioas->nr_maps >= max_mappings) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	/*
	 * Revoked mappings wait, uncharged, until the user reads them: bound
	 * the kernel memory a process that never reads them can make the
	 * space hold.  nr_revoked only grows under iova_lock; a stale read
	 * lets at most the live mappings' revocations through.
	 */
	if (READ_ONCE(ioas->nr_revoked) >= max_revoked) {
		pr_info_ratelimited("upci: %lu revoked mappings not read with UPCI_IOAS_GET_REVOKED; map refused\n",
				    READ_ONCE(ioas->nr_revoked));
		ret = -ENOSPC;
		goto out_unlock;
	}
	mutex_lock(&ioas->iova_lock);
	ret = upci_ioas_place(ioas, map, cmd);
	mutex_unlock(&ioas->iova_lock);
	if (ret)
		goto out_unlock;
	ret = upci_domains_map(ioas, map);
	if (ret)
		goto out_unlock;

	mutex_lock(&ioas->iova_lock);
	if (upci_map_retry(map, seq)) {
		/* The memory changed while we pinned it: pin again */
		mutex_unlock(&ioas->iova_lock);
		upci_domains_unmap(ioas, map);
		mutex_unlock(&ioas->lock);
		upci_map_unpin(map);
		if (++tries < UPCI_MAP_TRIES)
			goto retry;
		ret = -EAGAIN;
		goto out_free;
	}
	interval_tree_insert(&map->node, &ioas->iova_tree);
	map->state = UPCI_MAP_LIVE;
	ioas->nr_maps++;
	ioas->mapped_bytes += cmd->length;
	ioas->pinned_pages += map->npages;
	mutex_unlock(&ioas->iova_lock);
	cmd->iova = map->node.start;
	mutex_unlock(&ioas->lock);
	return 0;

out_unlock:
	mutex_unlock(&ioas->lock);
	upci_map_unpin(map);
out_free:
	upci_map_free(map);
	return ret;
}

static int upci_ioas_unmap(struct upci_ioas *ioas, void *arg)
{
	struct upci_ioas_unmap *cmd = arg;
	struct interval_tree_node *node, *next;
	u64 start = cmd->iova, last;
	u64 unmapped = 0;
	LIST_HEAD(maps);
	int ret = 0;

	if (cmd->flags & UPCI_IOAS_UNMAP_ALL) {
		if (cmd->iova || cmd->length)
			return -EINVAL;
		start = 0;
		last = U64_MAX;
	} else {
		if (!cmd->length)
			return -EINVAL;
		if (check_add_overflow(cmd->iova, cmd->length - 1, &last))
			return -EOVERFLOW;
		if (!PAGE_ALIGNED(cmd->iova) || !PAGE_ALIGNED(cmd->length))
			return -EINVAL;
	}

	mutex_lock(&ioas->lock);
	mutex_lock(&ioas->iova_lock);
	/* Whole mappings only: check everything before changing anything */
	node = interval_tree_iter_first(&ioas->iova_tree, start, last);
	if (!node)
		ret = -ENOENT;
	for (; node; node = interval_tree_iter_next(node, start, last)) {
		if (node->start < start || node->last > last) {
			ret = -EINVAL;
			break;
		}
	}
	node = ret ? NULL : interval_tree_iter_first(&ioas->iova_tree, start, last);
	for (; node; node = next) {
		struct upci_map *map = container_of(node, struct upci_map, node);

		next = interval_tree_iter_next(node, start, last);
		upci_ioas_unmap_domains(ioas, map);
		map->state = UPCI_MAP_GONE;
		list_add_tail(&map->revoked, &maps);
		unmapped += map->npages << PAGE_SHIFT;
	}
	mutex_unlock(&ioas->iova_lock);
	upci_maps_free(&maps);
	mutex_unlock(&ioas->lock);
	cmd->out_unmapped = unmapped;
	return ret;
}

static int upci_ioas_set_eventfd(struct upci_ioas *ioas, void *arg)
{
	struct upci_ioas_set_eventfd *cmd = arg;
	struct eventfd_ctx *ctx = NULL, *old;

	if (cmd->fd < -1 || cmd->__reserved)
		return -EINVAL;
	if (cmd->fd >= 0) {
		ctx = eventfd_ctx_fdget(cmd->fd);
		if (IS_ERR(ctx))
			return -EBADF;
	}
	mutex_lock(&ioas->iova_lock);
	old = ioas->revoke_trigger;
	ioas->revoke_trigger = ctx;
	mutex_unlock(&ioas->iova_lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static int upci_ioas_get_revoked(struct upci_ioas *ioas, void *arg)
{
	struct upci_ioas_get_revoked *cmd = arg;
	struct upci_revoked_range *out;
	struct upci_map *map, *next;
	unsigned int n = 0, cap;
	LIST_HEAD(maps);
	int ret = 0;

	cap = min_t(u32, cmd->num_ranges, UPCI_MAX_REVOKED_PER_CALL);
	out = kcalloc(max(cap, 1U), sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;

	/*
	 * revoked_lock, not lock: the copy to user memory may fault for as
	 * long as the user likes, and nothing on a device's remove() path
	 * waits for revoked_lock.  Copy first: new entries only ever join the
	 * tail, and only we take them off.
	 */
	mutex_lock(&ioas->revoked_lock);
	mutex_lock(&ioas->iova_lock);
	list_for_each_entry(map, &ioas->revoked, revoked) {
		if (n == cap)
			break;
		out[n].iova = map->node.start;
		out[n].length = (u64)map->npages << PAGE_SHIFT;
		out[n].user_va = map->vaddr;
		n++;
	}
	mutex_unlock(&ioas->iova_lock);
	if (n && copy_to_user(u64_to_user_ptr(cmd->ranges), out,
			      n * sizeof(*out))) {
		ret = -EFAULT;
		goto out_unlock;
	}
	mutex_lock(&ioas->iova_lock);
	cap = 0;
	list_for_each_entry_safe(map, next, &ioas->revoked, revoked) {
		if (cap++ == n)
			break;
		list_move_tail(&map->revoked, &maps);
	}
	WRITE_ONCE(ioas->nr_revoked, ioas->nr_revoked - n);
	cmd->out_remaining = ioas->nr_revoked;
	mutex_unlock(&ioas->iova_lock);
	cmd->num_ranges = n;
	upci_maps_free(&maps);
out_unlock:
	mutex_unlock(&ioas->revoked_lock);
	kfree(out);
	return ret;
}

/**
 * struct upci_ioas_op - one ioctl of an address space
 * @size: size of its struct
 * @min_size: size of the struct's first version
 * @flags: flags it accepts
 * @out: the struct has results (out_* fields, or the IOVA of a map) to copy
 *	 back
 * @execute: the handler, given the copied-in struct
 */
struct upci_ioas_op {
	u32 size;
	u32 min_size;
	u32 flags;
	bool out;
	int (*execute)(struct upci_ioas *ioas, void *cmd);
};

#define UPCI_IOAS_OP(_nr, _fn, _struct, _last, _flags, _out)		\
	[(_nr) - UPCI_CMD_IOAS_GET_INFO] = {				\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.flags = _flags,					\
		.out = _out,						\
		.execute = _fn,						\
	}

static const struct upci_ioas_op upci_ioas_ops[] = {
	UPCI_IOAS_OP(UPCI_CMD_IOAS_GET_INFO, upci_ioas_info,
		     struct upci_ioas_info, out_user_locked_pages, 0, true),
	UPCI_IOAS_OP(UPCI_CMD_IOAS_MAP, upci_ioas_map, struct upci_ioas_map,
		     iova_limit, UPCI_IOAS_MAP_READ | UPCI_IOAS_MAP_WRITE |
		     UPCI_IOAS_MAP_FIXED_IOVA, true),
	UPCI_IOAS_OP(UPCI_CMD_IOAS_UNMAP, upci_ioas_unmap,
		     struct upci_ioas_unmap, out_unmapped, UPCI_IOAS_UNMAP_ALL,
		     true),
	UPCI_IOAS_OP(UPCI_CMD_IOAS_SET_EVENTFD, upci_ioas_set_eventfd,
		     struct upci_ioas_set_eventfd, __reserved, 0, false),
	UPCI_IOAS_OP(UPCI_CMD_IOAS_GET_REVOKED, upci_ioas_get_revoked,
		     struct upci_ioas_get_revoked, ranges, 0, true),
};

union upci_ioas_buffer {
	struct upci_ioas_info info;
	struct upci_ioas_map map;
	struct upci_ioas_unmap unmap;
	struct upci_ioas_set_eventfd set_eventfd;
	struct upci_ioas_get_revoked get_revoked;
};

static long upci_ioas_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct upci_ioas *ioas = file->private_data;
	void __user *uarg = (void __user *)arg;
	const struct upci_ioas_op *op;
	union upci_ioas_buffer buf;
	unsigned int idx = _IOC_NR(cmd) - UPCI_CMD_IOAS_GET_INFO;
	u32 usize;
	int ret;

	if (idx >= ARRAY_SIZE(upci_ioas_ops) || cmd != _IO(UPCI_TYPE, _IOC_NR(cmd)))
		return -ENOTTY;
	op = &upci_ioas_ops[array_index_nospec(idx, ARRAY_SIZE(upci_ioas_ops))];
	ret = upci_ioctl_copy_in(&buf, op->size, op->min_size, op->flags, uarg,
				 &usize);
	if (ret)
		return ret;
	ret = op->execute(ioas, &buf);
	if (ret < 0 || !op->out)
		return ret;
	/* 1: EMSGSIZE, with the count needed in the struct */
	if (upci_ioctl_copy_out(uarg, &buf, op->size, usize))
		return -EFAULT;
	return ret ? -EMSGSIZE : 0;
}

static const struct file_operations upci_ioas_fops = {
	.owner = THIS_MODULE,
	.open = upci_ioas_open,
	.release = upci_ioas_release,
	.unlocked_ioctl = upci_ioas_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice upci_ioas_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "upci-iommu",
	.nodename = "upci/iommu",
	.mode = 0666,
	.fops = &upci_ioas_fops,
};

int upci_ioas_init(void)
{
	int ret;

	ret = upci_pages_init();
	if (ret)
		return ret;
	ret = misc_register(&upci_ioas_misc);
	if (ret)
		upci_pages_exit();
	return ret;
}

void upci_ioas_exit(void)
{
	misc_deregister(&upci_ioas_misc);
	upci_pages_exit();
}
