/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelayctl's shared pieces: options, the control client, tables. */
#ifndef MRCTL_CLI_H
#define MRCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "shm/shm.h"

/* Exit codes. */
enum {
	CLI_OK = 0,
	CLI_ERR = 1,		/* control or dataplane down, unknown id, a failed request */
	CLI_USAGE = 2,		/* bad arguments */
};

struct cli {
	const char *prog;
	char socket[108];
	char instance[32];
	bool json;
};

/* One request to control; the reply object, or NULL with the error printed. */
json_t *cli_rpc(const struct cli *g, json_t *req);
/*
 * A reply whose "ok" is false: print its error and return CLI_ERR. A reply
 * that says the dataplane is not attached: note it on stderr and return CLI_ERR
 * (after the output). Otherwise CLI_OK.
 */
int cli_reply_status(const struct cli *g, json_t *r);
/* Map the dataplane's region read-only; prints why not and returns -errno. */
int cli_shm_attach(const struct cli *g, struct mr_shm *shm);
void cli_print_json(json_t *o);

/* Column-aligned tables: add cells row by row, then print. */
struct cli_table;
struct cli_table *cli_table_new(unsigned ncols, const char *const *headers);
/* Right-aligned columns: bit i set for column i. */
void cli_table_right(struct cli_table *t, uint64_t mask);
void cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(struct cli_table *t, const char *indent);
void cli_table_free(struct cli_table *t);

/* "12.3k" style counts; "1.2 MB" style bytes; "3m12s" style durations. */
const char *cli_count(uint64_t v, char *buf, size_t len);
const char *cli_bytes(uint64_t v, char *buf, size_t len);
const char *cli_age(int64_t s, char *buf, size_t len);
/* Numbers out of a JSON object, 0 / NAN when absent. */
uint64_t cli_ju(json_t *o, const char *key);
double cli_jf(json_t *o, const char *key);
const char *cli_js(json_t *o, const char *key);

/* commands.c */
int cli_cmd_calls(struct cli *g, int argc, char **argv);
int cli_cmd_call(struct cli *g, int argc, char **argv);
int cli_cmd_flows(struct cli *g, int argc, char **argv);
int cli_cmd_flow(struct cli *g, int argc, char **argv);
int cli_cmd_totals(struct cli *g, int argc, char **argv);
int cli_cmd_ports(struct cli *g, int argc, char **argv);
int cli_cmd_drops(struct cli *g, int argc, char **argv);
int cli_cmd_workers(struct cli *g, int argc, char **argv);
int cli_cmd_interfaces(struct cli *g, int argc, char **argv);
int cli_cmd_version(struct cli *g, int argc, char **argv);
/* capture.c */
int cli_cmd_capture(struct cli *g, int argc, char **argv);
/* top.c */
int cli_cmd_top(struct cli *g, int argc, char **argv);

/*
 * Options common to every command (--json, --help) plus the command's own
 * (each given to fn; fn returns 0 or CLI_USAGE after saying why). argv[0]
 * is the command. Returns -1 to go on, with the first positional argument's
 * index in *pos and their count checked against min_pos..max_pos; or an
 * exit code to return at once (CLI_OK after --help, CLI_USAGE).
 */
struct cli_opt {
	const char *name;	/* long name */
	int has_arg;
	int val;
};
int cli_parse(struct cli *g, int argc, char **argv, const char *usage, const struct cli_opt *own,
	      int (*fn)(struct cli *g, int val, const char *arg, void *ctx), void *ctx,
	      int min_pos, int max_pos, int *pos);

#endif
