// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: the IOVA allocator of VFIO spaces.
 *
 * VFIO type1 makes the caller choose every IOVA.  The allocator keeps the
 * mappings of a space as a treap (a binary search tree kept balanced by
 * random priorities) keyed by their first IOVA, and places a new mapping by
 * next fit: from a cursor that follows the last allocation, skip past every
 * mapping that overlaps the candidate, then past the end of a usable span
 * to the next one, and wrap around once.  Appending a million mappings in a
 * row thus costs O(log n) each.
 *
 * Ranges are inclusive ("last"), so that a span may end at 2^64 - 1; every
 * sum is checked for overflow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct upci_iova_node {
	uint64_t start;
	uint64_t last;
	uint32_t prio;
	struct upci_iova_node *left;
	struct upci_iova_node *right;
};

void upci__iova_init(struct upci_iova *a)
{
	memset(a, 0, sizeof(*a));
	a->seed = 0x9e3779b9u;
	/* The first MiB is used last: IOVA 0 looks like NULL to many devices */
	a->cursor = 1ULL << 20;
}

static uint32_t next_rand(struct upci_iova *a)
{
	/* xorshift32 */
	a->seed ^= a->seed << 13;
	a->seed ^= a->seed >> 17;
	a->seed ^= a->seed << 5;
	return a->seed;
}

int upci__iova_set_spans(struct upci_iova *a, const struct upci_iova_span *spans,
			 unsigned int n)
{
	struct upci_iova_span *copy = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (spans[i].last < spans[i].start ||
		    (i && spans[i].start <= spans[i - 1].last))
			return -EINVAL;	/* must be sorted and disjoint */
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, spans, n * sizeof(*copy));
	}
	free(a->spans);
	a->spans = copy;
	a->nspans = n;
	return 0;
}

/* Splits @t into nodes with start < @key (*l) and start >= @key (*r) */
static void split(struct upci_iova_node *t, uint64_t key,
		  struct upci_iova_node **l, struct upci_iova_node **r)
{
	while (t) {
		if (t->start < key) {
			*l = t;
			l = &t->right;
			t = t->right;
		} else {
			*r = t;
			r = &t->left;
			t = t->left;
		}
	}
	*l = NULL;
	*r = NULL;
}

/* Joins @l and @r, every key of @l below every key of @r */
static struct upci_iova_node *merge(struct upci_iova_node *l,
				    struct upci_iova_node *r)
{
	struct upci_iova_node *root = NULL, **link = &root;

	while (l && r) {
		if (l->prio > r->prio) {
			*link = l;
			link = &l->right;
			l = l->right;
		} else {
			*link = r;
			link = &r->left;
			r = r->left;
		}
	}
	*link = l ? l : r;
	return root;
}

/* The node with the greatest start <= @key, or NULL */
static struct upci_iova_node *find_le(struct upci_iova_node *t, uint64_t key)
{
	struct upci_iova_node *best = NULL;

	while (t) {
		if (t->start <= key) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return best;
}

static int insert(struct upci_iova *a, uint64_t start, uint64_t last)
{
	struct upci_iova_node *n = malloc(sizeof(*n)), *l, *r;

	if (!n)
		return -ENOMEM;
	n->start = start;
	n->last = last;
	n->prio = next_rand(a);
	n->left = n->right = NULL;
	split(a->root, start, &l, &r);
	a->root = merge(merge(l, n), r);
	a->count++;
	return 0;
}

/* Is [start, last] free of mappings? */
static struct upci_iova_node *overlap(struct upci_iova *a, uint64_t start,
				      uint64_t last)
{
	struct upci_iova_node *p = find_le(a->root, last);

	return p && p->last >= start ? p : NULL;
}

/* Smallest x >= @from with x % @align == @offset; 0 on overflow */
static int align_to(uint64_t from, uint64_t align, uint64_t offset,
		    uint64_t *out)
{
	uint64_t base = from & ~(align - 1), x;

	if (__builtin_add_overflow(base, offset, &x))
		return -ENOSPC;
	if (x < from && __builtin_add_overflow(x, align, &x))
		return -ENOSPC;
	*out = x;
	return 0;
}

int upci__iova_alloc(struct upci_iova *a, uint64_t len, uint64_t align,
		     uint64_t offset, uint64_t limit, uint64_t *iova)
{
	uint64_t from = a->cursor, cand, last, end;
	struct upci_iova_node *p;
	unsigned int i = 0;
	int pass, ret;

	if (!len || !align || (align & (align - 1)) || offset >= align)
		return -EINVAL;
	if (!limit)
		limit = UINT64_MAX;
	for (pass = 0; pass < 2; pass++, from = 0, i = 0) {
		for (; i < a->nspans; i++) {
			end = a->spans[i].last < limit ? a->spans[i].last : limit;
			if (end < from)
				continue;
			ret = align_to(from > a->spans[i].start ? from :
				       a->spans[i].start, align, offset, &cand);
			while (!ret && !__builtin_add_overflow(cand, len - 1, &last) &&
			       last <= end) {
				p = overlap(a, cand, last);
				if (!p) {
					ret = insert(a, cand, last);
					if (ret)
						return ret;
					a->cursor = last + 1;
					*iova = cand;
					return 0;
				}
				if (p->last == UINT64_MAX)
					break;
				ret = align_to(p->last + 1, align, offset, &cand);
			}
			if (end == limit && limit < a->spans[i].last)
				break;	/* nothing higher is allowed */
		}
	}
	return -ENOSPC;
}

int upci__iova_reserve(struct upci_iova *a, uint64_t iova, uint64_t len)
{
	uint64_t last;
	unsigned int i;

	if (!len || __builtin_add_overflow(iova, len - 1, &last))
		return -EOVERFLOW;
	for (i = 0; i < a->nspans; i++)
		if (iova >= a->spans[i].start && last <= a->spans[i].last)
			break;
	if (i == a->nspans)
		return -EINVAL;
	if (overlap(a, iova, last))
		return -EEXIST;
	return insert(a, iova, last);
}

int upci__iova_free(struct upci_iova *a, uint64_t iova, uint64_t len)
{
	struct upci_iova_node *l, *mid, *r, *n;

	n = find_le(a->root, iova);
	if (!n || n->start != iova) {
		/* Inside a mapping is "part of one"; elsewhere nothing */
		return n && n->last >= iova ? -EINVAL : -ENOENT;
	}
	if (!len || n->last - n->start != len - 1)
		return -EINVAL;
	split(a->root, iova, &l, &mid);
	/* mid's smallest node is n: cut it off */
	if (iova == UINT64_MAX) {
		n = mid;
		r = NULL;
	} else {
		split(mid, iova + 1, &n, &r);
	}
	free(n);
	a->root = merge(l, r);
	a->count--;
	return 0;
}

static void free_tree(struct upci_iova_node *t)
{
	/* Iterative: a treap is shallow, but stay safe */
	while (t) {
		struct upci_iova_node *l = t->left;

		if (l) {
			t->left = l->right;
			l->right = t;
			t = l;
		} else {
			struct upci_iova_node *r = t->right;

			free(t);
			t = r;
		}
	}
}

void upci__iova_destroy(struct upci_iova *a)
{
	free_tree(a->root);
	free(a->spans);
	upci__iova_init(a);
}
