/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include <stddef.h>

#include "config/config-t.h"

/*
 * The built-in configuration: instance "default", ng on 127.0.0.1:2223, and
 * one interface "media" on a TAP device (net_tap0, kernel name mr-media0)
 * with 198.18.0.1/24, so that the demo runs with no file at all.
 */
void mr_config_defaults(struct mr_config *cfg);

/*
 * Defaults, then the file. On error returns -EINVAL (or -errno when the file
 * cannot be read) and writes "path:line: what" into err.
 * A file that names interfaces replaces the built-in interface.
 */
int mr_config_load(struct mr_config *cfg, const char *path, char *err, size_t errlen);

/* The same from a string (tests, --config-string). */
int mr_config_load_string(struct mr_config *cfg, const char *text, char *err, size_t errlen);

/* Index of the interface or tenant with that name, or -ENOENT. */
int mr_config_iface_find(const struct mr_config *cfg, const char *name);
int mr_config_tenant_find(const struct mr_config *cfg, const char *name);

#endif
