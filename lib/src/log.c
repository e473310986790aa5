// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: logging.  Silent unless the application gives a callback; every
 * message is one line, formatted here so that callbacks stay trivial.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static upci_log_fn log_fn;
static void *log_arg;
static int log_max = UPCI_LOG_INFO;

void upci_set_log(upci_log_fn fn, void *arg, int max_level)
{
	log_fn = fn;
	log_arg = arg;
	log_max = max_level;
}

void upci_log_stderr(void *arg, int level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "libupci: %s%s\n",
		level <= UPCI_LOG_ERR ? "error: " :
		level == UPCI_LOG_WARNING ? "warning: " : "", msg);
}

void upci_log(int level, const char *fmt, ...)
{
	char msg[512];
	upci_log_fn fn = log_fn;
	va_list ap;

	if (!fn || level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(log_arg, level, msg);
}
