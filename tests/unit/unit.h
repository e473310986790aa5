/* SPDX-License-Identifier: GPL-2.0 */
/* unit.h: TAP checks for the host unit tests of libupci. */
#ifndef UPCI_UNIT_H
#define UPCI_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures, unit_count;

#define T(cond, ...)							\
	do {								\
		int _ok = !!(cond);					\
		unit_count++;						\
		if (!_ok)						\
			unit_failures++;				\
		printf("%s %d - ", _ok ? "ok" : "not ok", unit_count);	\
		printf(__VA_ARGS__);					\
		printf("%s\n", _ok ? "" : "  <- " #cond);		\
	} while (0)

#define T_EQ(got, want, what)						\
	do {								\
		long long _g = (long long)(got), _w = (long long)(want); \
		T(_g == _w, "%s (got %lld, want %lld)", what, _g, _w);	\
	} while (0)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failures ? 1 : 0;
}

#endif
