// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: DMA address spaces, the part common to both backends: reference
 * counting, argument checks, buffer allocation with huge pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << 26)
#endif

int upci_dma_open(struct upci_dma **out)
{
	struct upci_dma *dma;

	if (!out)
		return -EINVAL;
	dma = calloc(1, sizeof(*dma));
	if (!dma)
		return -ENOMEM;
	pthread_mutex_init(&dma->lock, NULL);
	dma->refs = 1;
	dma->fd = -1;
	dma->event_fd = -1;
	dma->limit = UINT64_MAX;
	upci__iova_init(&dma->iova);
	*out = dma;
	return 0;
}

void upci__dma_get(struct upci_dma *dma)
{
	__atomic_add_fetch(&dma->refs, 1, __ATOMIC_RELAXED);
}

void upci__dma_put(struct upci_dma *dma)
{
	if (__atomic_sub_fetch(&dma->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (dma->ops)
		dma->ops->destroy(dma);
	if (dma->event_fd >= 0)
		close(dma->event_fd);
	upci__iova_destroy(&dma->iova);
	pthread_mutex_destroy(&dma->lock);
	free(dma);
}

void upci_dma_close(struct upci_dma *dma)
{
	if (dma)
		upci__dma_put(dma);
}

int upci__dma_bind(struct upci_dma *dma, int backend)
{
	if (dma->backend)
		return dma->backend == backend ? 0 : -EXDEV;
	dma->backend = backend;
	dma->ops = backend == UPCI_BACKEND_UPCI ? &upci__upci_dma_ops :
						 &upci__vfio_dma_ops;
	return 0;
}

static int ready(struct upci_dma *dma)
{
	if (!dma)
		return -EINVAL;
	if (!dma->devs) {
		upci__err("DMA space: no device attached yet");
		return -ENODEV;
	}
	return 0;
}

int upci_dma_map(struct upci_dma *dma, void *va, size_t len,
		 unsigned int flags, uint64_t *iova)
{
	int ret;

	if (!iova || flags & ~(UPCI_DMA_READ | UPCI_DMA_WRITE | UPCI_DMA_FIXED))
		return -EINVAL;
	if (!(flags & (UPCI_DMA_READ | UPCI_DMA_WRITE)))
		flags |= UPCI_DMA_READ | UPCI_DMA_WRITE;
	if (!len || ((uintptr_t)va | len) & (UPCI_PAGE_SIZE - 1))
		return -EINVAL;
	pthread_mutex_lock(&dma->lock);
	ret = ready(dma);
	if (!ret)
		ret = dma->ops->map(dma, va, len, flags, iova);
	pthread_mutex_unlock(&dma->lock);
	return ret;
}

int upci_dma_unmap(struct upci_dma *dma, uint64_t iova, size_t len)
{
	int ret;

	if (!len)
		return -EINVAL;
	pthread_mutex_lock(&dma->lock);
	ret = ready(dma);
	if (!ret)
		ret = dma->ops->unmap(dma, iova, len);
	pthread_mutex_unlock(&dma->lock);
	return ret;
}

/* Anonymous memory of @len bytes aligned to @align */
static void *map_aligned(size_t len, size_t align)
{
	size_t total = len + align;
	uintptr_t p, a;
	void *m;

	m = mmap(NULL, total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = (uintptr_t)m;
	a = ALIGN_UP(p, align);
	if (a > p)
		munmap(m, a - p);
	if (a + len < p + total)
		munmap((void *)(a + len), p + total - (a + len));
	return (void *)a;
}

int upci_dma_alloc(struct upci_dma *dma, size_t len, unsigned int flags,
		   struct upci_dma_buf *buf)
{
	unsigned int mflags = flags & (UPCI_DMA_READ | UPCI_DMA_WRITE);
	size_t size;
	void *va = NULL;
	int huge = 0, ret;

	if (!buf || !len || flags & ~(UPCI_DMA_READ | UPCI_DMA_WRITE |
				      UPCI_DMA_NO_HUGE))
		return -EINVAL;
	memset(buf, 0, sizeof(*buf));
	if (!(flags & UPCI_DMA_NO_HUGE) && len >= UPCI_HUGE_SIZE) {
		size = ALIGN_UP(len, UPCI_HUGE_SIZE);
		va = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
			  -1, 0);
		if (va != MAP_FAILED) {
			huge = 1;
		} else {
			/* No free hugetlbfs pages: transparent huge pages */
			va = map_aligned(size, UPCI_HUGE_SIZE);
			if (va) {
				madvise(va, size, MADV_HUGEPAGE);
				huge = 2;
			}
		}
	} else {
		size = ALIGN_UP(len, UPCI_PAGE_SIZE);
		va = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (va == MAP_FAILED)
			va = NULL;
	}
	if (!va)
		return -ENOMEM;
	/*
	 * Keep the buffer a VMA of its own that nothing rewrites while it is
	 * pinned: without NOHUGEPAGE, small-page memory merges with
	 * the caller's neighbouring anonymous mappings and khugepaged's
	 * collapse attempts fire the MMU notifier, which revokes the DMA
	 * mapping under a running device (seen with libupci-msg's send
	 * buffers next to a NIC's rings); without DONTFORK, a fork makes
	 * the pages copy-on-write, and the parent's next write revokes.
	 */
	madvise(va, size, MADV_DONTFORK);
	ret = upci_dma_map(dma, va, size, mflags, &buf->iova);
	if (ret) {
		munmap(va, size);
		return ret;
	}
	if (huge != 1)	/* pinned now: huge pages stay, nothing collapses */
		madvise(va, size, MADV_NOHUGEPAGE);
	buf->va = va;
	buf->len = size;
	buf->huge = huge;
	return 0;
}

int upci_dma_free(struct upci_dma *dma, struct upci_dma_buf *buf)
{
	int ret;

	if (!buf || !buf->va)
		return -EINVAL;
	ret = upci_dma_unmap(dma, buf->iova, buf->len);
	munmap(buf->va, buf->len);
	memset(buf, 0, sizeof(*buf));
	return ret;
}

int upci_dma_iova_ranges(struct upci_dma *dma, struct upci_dma_range *ranges,
			 unsigned int max, unsigned int *count)
{
	int ret;

	if (!count || (max && !ranges))
		return -EINVAL;
	pthread_mutex_lock(&dma->lock);
	ret = ready(dma);
	if (!ret)
		ret = dma->ops->ranges(dma, ranges, max, count);
	pthread_mutex_unlock(&dma->lock);
	return ret;
}

int upci_dma_event_fd(struct upci_dma *dma, int *fd)
{
	int ret;

	if (!fd)
		return -EINVAL;
	pthread_mutex_lock(&dma->lock);
	ret = ready(dma);
	if (!ret)
		ret = dma->ops->event_fd(dma, fd);
	pthread_mutex_unlock(&dma->lock);
	return ret;
}

int upci_dma_revoked(struct upci_dma *dma, struct upci_dma_range *ranges,
		     unsigned int max, unsigned int *count)
{
	int ret;

	if (!count || (max && !ranges))
		return -EINVAL;
	pthread_mutex_lock(&dma->lock);
	ret = ready(dma);
	if (!ret)
		ret = dma->ops->revoked(dma, ranges, max, count);
	pthread_mutex_unlock(&dma->lock);
	return ret;
}
