/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA address spaces (iommu.c) and the user memory they map (pages.c).
 *
 * An address space (struct upci_ioas) is what one open() of /dev/upci/iommu
 * creates.  It holds the mappings (struct upci_map), one per successful map
 * ioctl, in an interval tree keyed by IOVA, and one IOMMU domain per
 * compatible IOMMU among the attached devices (struct upci_domain); every
 * mapping is mirrored into every domain.
 *
 * A mapping pins its pages (FOLL_LONGTERM) and charges them to the locked
 * memory of the user that opened the space.  It also watches its virtual
 * range with an MMU interval notifier: when the process unmaps, remaps or
 * discards that memory, the notifier removes the IOMMU mappings, flushes the
 * IOTLB, unpins and uncharges before the mm goes on, and queues the mapping
 * on the space's revoked list for the user to read (with an eventfd signal).
 *
 * Lock order (outermost first):
 *
 *   upci_device locks (device.c)
 *     -> upci_ioas.lock           map (after pinning), unmap, attach,
 *                                 detach, info, close; may allocate and
 *                                 sleep, but never waits for user space
 *                                 (no GUP, no user copy), because a
 *                                 device's remove() takes it to detach
 *       -> upci_ioas.iova_lock    the IOVA tree, mapping states, the
 *                                 domain list's membership, the revoked
 *                                 list and the eventfd; taken by the MMU
 *                                 notifier, so it is never held across a
 *                                 GFP_KERNEL allocation, a GUP or a copy to
 *                                 or from user memory (lockdep: reclaim ->
 *                                 invalidate)
 *
 *   upci_ioas.revoked_lock        readers of the revoked list (GET_REVOKED);
 *     -> mmap_lock                held across the copy to user memory
 *       -> upci_ioas.iova_lock
 *
 *   mmap_lock (GUP while pinning, notifier registration; the notifier)
 *     -> upci_ioas.iova_lock
 *
 * The notifier runs with mmap_lock (or the mm's teardown) held and takes only
 * iova_lock.  The domain list is changed with both locks held, so either
 * one keeps it stable for a reader.
 */
#ifndef UPCI_IOAS_H
#define UPCI_IOAS_H

#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

struct eventfd_ctx;
struct iommu_domain;
struct iommu_group;
struct pci_dev;
struct upci_iova_range;
struct user_struct;

/**
 * enum upci_map_state - life of a mapping
 * @UPCI_MAP_NEW: being built by the map ioctl; not in the IOVA tree
 * @UPCI_MAP_LIVE: in the IOVA tree and in every domain
 * @UPCI_MAP_REVOKED: torn down by the MMU notifier; on the revoked list
 * @UPCI_MAP_GONE: torn down by unmap or close
 */
enum upci_map_state {
	UPCI_MAP_NEW,
	UPCI_MAP_LIVE,
	UPCI_MAP_REVOKED,
	UPCI_MAP_GONE,
};

/**
 * struct upci_map - one mapping of user memory at an IOVA range
 * @node: IOVA range (start, last inclusive) in &upci_ioas.iova_tree
 * @notifier: watches [@vaddr, @vaddr + length) of the mapper's mm
 * @ioas: the address space
 * @vaddr: user virtual address of the first byte
 * @npages: number of PAGE_SIZE pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 * @state: &enum upci_map_state, under &upci_ioas.iova_lock
 * @pinned: the pages are pinned and charged (cleared by the unpin)
 * @revoked: entry in &upci_ioas.revoked while @state is REVOKED
 * @page: the page when @npages is 1
 * @pages: the pinned pages otherwise
 */
struct upci_map {
	struct interval_tree_node node;
	struct mmu_interval_notifier notifier;
	struct upci_ioas *ioas;
	unsigned long vaddr;
	unsigned long npages;
	u8 prot;
	u8 state;
	bool pinned;
	struct list_head revoked;
	union {
		struct page *page;
		struct page **pages;
	};
};

/**
 * struct upci_ioas - a DMA address space
 * @kref: one reference for the open file, one per attached device
 * @lock: see the lock order above
 * @iova_lock: see the lock order above
 * @revoked_lock: see the lock order above
 * @iova_tree: live mappings, by IOVA
 * @domains: &struct upci_domain, one per IOMMU in use
 * @revoked: mappings the notifier tore down, oldest first, not yet reported
 * @nr_revoked: length of @revoked
 * @revoke_trigger: eventfd signalled on every revocation, or NULL
 * @user: the user whose locked memory pays for the pinned pages
 * @lock_cap: the opener had CAP_IPC_LOCK: no limit (still counted)
 * @no_iommu: DMA addresses are physical; only no-IOMMU devices attach
 * @closed: the file was closed: no more maps or attaches
 * @nr_maps: number of live mappings
 * @nr_devices: number of attached devices
 * @mapped_bytes: bytes in live mappings
 * @pinned_pages: pages pinned by live mappings
 * @iova_hint: where the next search for a kernel-chosen IOVA starts
 * @allowed: the usable IOVA ranges, recomputed at attach and detach
 * @nr_allowed: number of entries in @allowed
 * @pgsizes: IOMMU page sizes every domain supports
 */
struct upci_ioas {
	struct kref kref;
	struct mutex lock;		/* see the lock order above */
	struct mutex iova_lock;		/* see the lock order above */
	struct mutex revoked_lock;	/* see the lock order above */
	struct rb_root_cached iova_tree;
	struct list_head domains;
	struct list_head revoked;
	unsigned long nr_revoked;
	struct eventfd_ctx *revoke_trigger;
	struct user_struct *user;
	bool lock_cap;
	bool no_iommu;
	bool closed;
	unsigned long nr_maps;
	unsigned int nr_devices;
	u64 mapped_bytes;
	u64 pinned_pages;
	u64 iova_hint;
	struct upci_iova_range *allowed;
	unsigned int nr_allowed;
	unsigned long pgsizes;
};

/* iommu.c */
int upci_ioas_init(void);
void upci_ioas_exit(void);
struct upci_ioas *upci_ioas_get_from_fd(int fd);
void upci_ioas_put(struct upci_ioas *ioas);
int upci_ioas_attach(struct upci_ioas *ioas, struct pci_dev *pdev, bool no_iommu);
void upci_ioas_detach(struct upci_ioas *ioas, struct pci_dev *pdev);
void upci_ioas_unmap_domains(struct upci_ioas *ioas, struct upci_map *map);
void upci_ioas_queue_revoked(struct upci_ioas *ioas, struct upci_map *map);

/* pages.c */
int upci_pages_init(void);
void upci_pages_exit(void);
struct upci_map *upci_map_alloc(struct upci_ioas *ioas, unsigned long vaddr,
				unsigned long npages, int prot);
int upci_map_pin(struct upci_map *map, unsigned long *seq);
void upci_map_unpin(struct upci_map *map);
void upci_map_free(struct upci_map *map);
bool upci_map_retry(struct upci_map *map, unsigned long seq);
struct page *upci_map_page(struct upci_map *map, unsigned long i);
long upci_user_locked_pages(struct user_struct *user);

#endif /* UPCI_IOAS_H */
