// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libupci's IOVA allocator (VFIO spaces): placement under a
 * DMA mask, usable spans with holes, alignment, reservation conflicts,
 * exhaustion and reuse, overflow at the top of the address space, and a
 * quarter of a million mappings in a row.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"
#include "unit.h"

#define K4	4096ULL
#define M2	(2ULL << 20)
#define MASK28	((1ULL << 28) - 1)

static void under_mask(void)
{
	static const struct upci_iova_span all[] = { { 0, UINT64_MAX } };
	struct upci_iova a;
	uint64_t iova = 0, worst = 0;
	unsigned int i, n = 0;
	int ret = 0;

	upci__iova_init(&a);
	T_EQ(upci__iova_set_spans(&a, all, 1), 0, "one span: everything");
	/* 2^28 bytes hold 65536 pages: all below the mask, then ENOSPC */
	for (i = 0; i < 65536 && !ret; i++) {
		ret = upci__iova_alloc(&a, K4, K4, 0, MASK28, &iova);
		if (!ret) {
			n++;
			if (iova + K4 - 1 > worst)
				worst = iova + K4 - 1;
		}
	}
	T_EQ(n, 65536, "65536 pages fit under a 28-bit mask");
	T(worst <= MASK28, "every IOVA is below 2^28 (highest byte %#llx)",
	  (unsigned long long)worst);
	T_EQ(upci__iova_alloc(&a, K4, K4, 0, MASK28, &iova), -ENOSPC,
	     "the 65537th page: ENOSPC");
	T_EQ(upci__iova_alloc(&a, K4, K4, 0, 0, &iova), 0,
	     "without the mask there is room");
	T(iova > MASK28, "... above 2^28 (%#llx)", (unsigned long long)iova);
	/* Free one in the middle: the next masked allocation wraps to it */
	T_EQ(upci__iova_free(&a, 0x1234000, K4), 0, "free a page in the middle");
	T_EQ(upci__iova_alloc(&a, K4, K4, 0, MASK28, &iova), 0,
	     "allocate again under the mask");
	T_EQ(iova, 0x1234000, "the freed page is reused");
	upci__iova_destroy(&a);
}

static void spans_and_alignment(void)
{
	/* The x86 layout: the MSI window 0xfee00000-0xfeefffff is reserved */
	static const struct upci_iova_span spans[] = {
		{ 0, 0xfedfffff }, { 0xfef00000, (1ULL << 48) - 1 },
	};
	static const struct upci_iova_span bad[] = {
		{ 0x2000, 0x1000 },
	};
	struct upci_iova a;
	uint64_t iova = 0;
	int ret = 0, hit = 0;

	upci__iova_init(&a);
	T_EQ(upci__iova_set_spans(&a, bad, 1), -EINVAL, "a span ending before it starts: EINVAL");
	T_EQ(upci__iova_set_spans(&a, spans, 2), 0, "two spans around the MSI window");
	T_EQ(upci__iova_reserve(&a, 0xfee00000, K4), -EINVAL,
	     "a fixed IOVA in the MSI window: EINVAL");
	/* Fill up to the window with 2 MiB chunks, then go past it */
	while (!ret && iova < 0x100000000ULL) {
		ret = upci__iova_alloc(&a, M2, M2, 0, 0, &iova);
		if (!ret && iova <= 0xfeefffff && iova + M2 - 1 >= 0xfee00000)
			hit = 1;
		if (!ret && iova & (M2 - 1))
			hit = 2;
	}
	T(!ret && !hit, "2 MiB chunks are 2 MiB aligned and skip the MSI window");
	T_EQ(upci__iova_alloc(&a, M2, M2, 0x5000, 0, &iova), 0,
	     "aligned like a buffer that starts 0x5000 into a huge page");
	T_EQ(iova & (M2 - 1), 0x5000, "IOVA offset within 2 MiB matches");
	T_EQ(upci__iova_reserve(&a, iova + K4, K4), -EEXIST,
	     "fixed IOVA inside a mapping: EEXIST");
	T_EQ(upci__iova_free(&a, iova + K4, K4), -EINVAL,
	     "unmap of part of a mapping: EINVAL");
	T_EQ(upci__iova_free(&a, iova, K4), -EINVAL,
	     "unmap with a shorter length: EINVAL");
	T_EQ(upci__iova_free(&a, 1ULL << 47, K4), -ENOENT,
	     "unmap where nothing is mapped: ENOENT");
	T_EQ(upci__iova_alloc(&a, K4, 3 * K4, 0, 0, &iova), -EINVAL,
	     "alignment not a power of two: EINVAL");
	T_EQ(upci__iova_alloc(&a, 0, K4, 0, 0, &iova), -EINVAL, "length 0: EINVAL");
	upci__iova_destroy(&a);
}

static void top_of_space(void)
{
	static const struct upci_iova_span top[] = {
		{ UINT64_MAX - (1ULL << 20) + 1, UINT64_MAX },
	};
	struct upci_iova a;
	uint64_t iova = 0;
	unsigned int n = 0;

	upci__iova_init(&a);
	upci__iova_set_spans(&a, top, 1);
	while (!upci__iova_alloc(&a, 64 * K4, K4, 0, 0, &iova))
		n++;
	T_EQ(n, 4, "1 MiB at the top of the space holds four 256 KiB mappings");
	T_EQ(upci__iova_reserve(&a, UINT64_MAX - K4 + 1, 2 * K4), -EOVERFLOW,
	     "a range past 2^64: EOVERFLOW");
	T_EQ(upci__iova_free(&a, UINT64_MAX - 64 * K4 + 1, 64 * K4), 0,
	     "free the topmost mapping");
	T_EQ(upci__iova_alloc(&a, 64 * K4, K4, 0, 0, &iova), 0, "and get it back");
	T_EQ(iova, UINT64_MAX - 64 * K4 + 1, "at the same place");
	upci__iova_destroy(&a);
}

static void many(void)
{
	static const struct upci_iova_span all[] = { { 0x1000, (1ULL << 48) - 1 } };
	const unsigned int n = 250000;
	struct upci_iova a;
	uint64_t *iovas = malloc(n * sizeof(*iovas));
	unsigned int i, bad = 0;
	clock_t t0 = clock();
	double s;

	upci__iova_init(&a);
	upci__iova_set_spans(&a, all, 1);
	for (i = 0; i < n; i++)
		if (upci__iova_alloc(&a, K4, K4, 0, 0, &iovas[i]))
			bad++;
	for (i = 0; i < n; i += 2)
		if (upci__iova_free(&a, iovas[i], K4))
			bad++;
	for (i = 1; i < n; i += 2)
		if (upci__iova_free(&a, iovas[i], K4))
			bad++;
	s = (double)(clock() - t0) / CLOCKS_PER_SEC;
	T_EQ(bad, 0, "250000 allocations and frees succeed");
	T_EQ(a.count, 0, "nothing left");
	T(s < 20, "in %.2f s (O(log n) each, even under ASan)", s);
	upci__iova_destroy(&a);
	free(iovas);
}

int main(void)
{
	under_mask();
	spans_and_alignment();
	top_of_space();
	many();
	return unit_done();
}
