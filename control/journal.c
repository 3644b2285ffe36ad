/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The journal: every call's state in SQLite ([control] journal = PATH), so
 * that a restarted control finds its calls again. If the dataplane it finds
 * is the one that was running (same generation), the flows are still there
 * and nothing is sent; if it restarted too, every journaled flow is
 * programmed again. Writes are grouped: one transaction per burst of ng
 * requests or loop tick (ctl_journal_commit).
 *
 * A row is the call's fixed part, its streams and its branches as this
 * build lays them out; rows from another layout (sizes in the header) are
 * dropped with a warning. Calls that hold SRTP keys are not journaled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ctl.h"
#include "session.h"

#define JR_MAGIC 0x314a524dU	/* "MRJ1" */

struct jr_hdr {
	uint32_t magic;
	uint16_t call_size, stream_size, remote_size, branch_tag;
	uint16_t n_streams, n_branches;
	uint32_t pad;
};

static int exec(struct ctl *c, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(c->jr.db, sql, NULL, NULL, &err) != SQLITE_OK) {
		MR_LOG(&ctl_log_sess, ERR, "journal: %s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		c->jr.errors++;
		return -EIO;
	}
	return 0;
}

int ctl_journal_open(struct ctl *c, const char *path)
{
	struct ctl_journal *j = &c->jr;

	memset(j, 0, sizeof(*j));
	if (path == NULL || path[0] == '\0')
		return 0;
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		MR_LOG(&ctl_log_sess, ERR, "journal %s: %s", path,
		       j->db ? sqlite3_errmsg(j->db) : "cannot open");
		ctl_journal_close(c);
		return -EIO;
	}
	if (exec(c, "PRAGMA journal_mode=WAL") || exec(c, "PRAGMA synchronous=NORMAL") ||
	    exec(c, "CREATE TABLE IF NOT EXISTS calls(call_id BLOB PRIMARY KEY, state BLOB NOT NULL)") ||
	    exec(c, "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER)") ||
	    sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO calls(call_id, state) VALUES(?1, ?2)",
			       -1, &j->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "DELETE FROM calls WHERE call_id = ?1", -1, &j->del,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO meta(k, v) VALUES('generation', ?1)",
			       -1, &j->meta, NULL) != SQLITE_OK) {
		MR_LOG(&ctl_log_sess, ERR, "journal %s: %s", path, sqlite3_errmsg(j->db));
		ctl_journal_close(c);
		return -EIO;
	}
	return 0;
}

void ctl_journal_close(struct ctl *c)
{
	struct ctl_journal *j = &c->jr;

	if (j->db == NULL)
		return;
	ctl_journal_commit(c);
	sqlite3_finalize(j->put);
	sqlite3_finalize(j->del);
	sqlite3_finalize(j->meta);
	sqlite3_close(j->db);
	memset(j, 0, sizeof(*j));
}

static void begin(struct ctl *c)
{
	if (!c->jr.in_txn && exec(c, "BEGIN") == 0)
		c->jr.in_txn = true;
}

void ctl_journal_commit(struct ctl *c)
{
	struct ctl_journal *j = &c->jr;

	if (j->db == NULL || !j->in_txn)
		return;
	sqlite3_bind_int64(j->meta, 1, (sqlite3_int64)c->dp.generation);
	if (sqlite3_step(j->meta) != SQLITE_DONE)
		j->errors++;
	sqlite3_reset(j->meta);
	exec(c, "COMMIT");
	j->in_txn = false;
}

/*
 * SRTP keys never go to disk: a call with keys is not journaled, so a
 * restarted control does not know it (its flows stay in the dataplane,
 * unowned, until it restarts).
 */
static bool call_has_keys(const struct ctl_call *call)
{
	for (unsigned i = 0; i < call->n_streams; i++) {
		const struct ctl_srtp *k = &call->streams[i].srtp;

		if (k->n_offered || k->await[0] || k->await[1])
			return true;
		for (unsigned s = 0; s < 2; s++)
			if (k->rx[s].suite || k->tx[s].suite)
				return true;
	}
	return false;
}

void ctl_journal_put(struct ctl *c, const struct ctl_call *call)
{
	struct ctl_journal *j = &c->jr;
	struct jr_hdr h = { .magic = JR_MAGIC, .call_size = sizeof(struct ctl_call),
			    .stream_size = sizeof(struct ctl_stream),
			    .remote_size = sizeof(struct ctl_remote), .branch_tag = CTL_MAX_TAG,
			    .n_streams = call->n_streams, .n_branches = call->n_branches };
	size_t len = sizeof(h) + sizeof(*call) + sizeof(struct ctl_stream) * call->n_streams;
	struct ctl_call *cc;
	uint8_t *buf, *p;

	if (j->db == NULL)
		return;
	if (call_has_keys(call)) {
		j->skipped++;
		ctl_journal_del(c, call->call_id);
		return;
	}
	for (unsigned b = 0; b < call->n_branches; b++)
		len += CTL_MAX_TAG + sizeof(uint16_t) + sizeof(struct ctl_remote) * call->branches[b]->n;
	buf = malloc(len);
	if (buf == NULL) {
		j->errors++;
		return;
	}
	p = buf;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	cc = malloc(sizeof(*cc));
	if (cc == NULL) {
		free(buf);
		j->errors++;
		return;
	}
	memcpy(cc, call, sizeof(*call));
	memset(&cc->hh, 0, sizeof(cc->hh));	/* no pointer is kept */
	cc->streams = NULL;
	memset(cc->branches, 0, sizeof(cc->branches));
	memcpy(p, cc, sizeof(*cc));	/* the row is bytes: no alignment in it */
	free(cc);
	p += sizeof(*call);
	if (call->n_streams)
		memcpy(p, call->streams, sizeof(struct ctl_stream) * call->n_streams);
	p += sizeof(struct ctl_stream) * call->n_streams;
	for (unsigned b = 0; b < call->n_branches; b++) {
		const struct ctl_branch *br = call->branches[b];

		memcpy(p, br->tag, CTL_MAX_TAG);
		p += CTL_MAX_TAG;
		memcpy(p, &br->n, sizeof(br->n));
		p += sizeof(br->n);
		memcpy(p, br->remote, sizeof(struct ctl_remote) * br->n);
		p += sizeof(struct ctl_remote) * br->n;
	}
	begin(c);
	sqlite3_bind_blob(j->put, 1, call->call_id, (int)strlen(call->call_id), SQLITE_STATIC);
	sqlite3_bind_blob(j->put, 2, buf, (int)len, SQLITE_STATIC);
	if (sqlite3_step(j->put) == SQLITE_DONE)
		j->puts++;
	else
		j->errors++;
	sqlite3_reset(j->put);
	sqlite3_clear_bindings(j->put);
	free(buf);
}

void ctl_journal_del(struct ctl *c, const char *call_id)
{
	struct ctl_journal *j = &c->jr;

	if (j->db == NULL)
		return;
	begin(c);
	sqlite3_bind_blob(j->del, 1, call_id, (int)strlen(call_id), SQLITE_STATIC);
	if (sqlite3_step(j->del) == SQLITE_DONE)
		j->dels++;
	else
		j->errors++;
	sqlite3_reset(j->del);
	sqlite3_clear_bindings(j->del);
}

static bool str_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* One row back into a call; NULL (and nothing kept) when it does not fit. */
static struct ctl_call *row_load(struct ctl *c, const uint8_t *p, size_t len)
{
	struct jr_hdr h;
	struct ctl_call *call;
	size_t need;

	if (len < sizeof(h))
		return NULL;
	memcpy(&h, p, sizeof(h));
	if (h.magic != JR_MAGIC || h.call_size != sizeof(struct ctl_call) ||
	    h.stream_size != sizeof(struct ctl_stream) || h.remote_size != sizeof(struct ctl_remote) ||
	    h.branch_tag != CTL_MAX_TAG || h.n_streams > MR_SDP_MAX_MEDIA ||
	    h.n_branches > CTL_MAX_BRANCHES)
		return NULL;
	need = sizeof(h) + sizeof(*call) + sizeof(struct ctl_stream) * h.n_streams;
	if (len < need)
		return NULL;
	call = calloc(1, sizeof(*call));
	if (call == NULL)
		return NULL;
	memcpy(call, p + sizeof(h), sizeof(*call));
	memset(&call->hh, 0, sizeof(call->hh));
	memset(call->branches, 0, sizeof(call->branches));
	call->n_branches = 0;
	call->streams = NULL;
	call->heap_idx = UINT32_MAX;
	call->busy = false;
	if (call->n_streams != h.n_streams || !str_ok(call->call_id, CTL_MAX_TAG) ||
	    call->call_id[0] == '\0' || !str_ok(call->tag[0], CTL_MAX_TAG) ||
	    !str_ok(call->tag[1], CTL_MAX_TAG) || !str_ok(call->label[0], CTL_MAX_TAG) ||
	    !str_ok(call->label[1], CTL_MAX_TAG) || call->iface[0] >= c->cfg->n_ifaces ||
	    call->iface[1] >= c->cfg->n_ifaces)
		goto bad;
	if (h.n_streams) {
		call->streams = malloc(sizeof(struct ctl_stream) * h.n_streams);
		if (call->streams == NULL)
			goto bad;
		memcpy(call->streams, p + sizeof(h) + sizeof(*call), sizeof(struct ctl_stream) * h.n_streams);
		for (unsigned i = 0; i < h.n_streams; i++)	/* never keys from disk */
			memset(&call->streams[i].srtp, 0, sizeof(call->streams[i].srtp));
	}
	p += need;
	len -= need;
	for (unsigned b = 0; b < h.n_branches; b++) {
		struct ctl_branch *br;
		uint16_t n;

		if (len < CTL_MAX_TAG + sizeof(n))
			goto bad;
		memcpy(&n, p + CTL_MAX_TAG, sizeof(n));
		if (n > MR_SDP_MAX_MEDIA || len < CTL_MAX_TAG + sizeof(n) + sizeof(struct ctl_remote) * n)
			goto bad;
		br = calloc(1, sizeof(*br));
		if (br == NULL)
			goto bad;
		br->remote = calloc(n ? n : 1, sizeof(struct ctl_remote));
		if (br->remote == NULL) {
			free(br);
			goto bad;
		}
		memcpy(br->tag, p, CTL_MAX_TAG);
		br->tag[CTL_MAX_TAG - 1] = '\0';
		br->n = n;
		memcpy(br->remote, p + CTL_MAX_TAG + sizeof(n), sizeof(struct ctl_remote) * n);
		call->branches[call->n_branches++] = br;
		p += CTL_MAX_TAG + sizeof(n) + sizeof(struct ctl_remote) * n;
		len -= CTL_MAX_TAG + sizeof(n) + sizeof(struct ctl_remote) * n;
	}
	for (unsigned i = 0; i < call->n_streams; i++)
		for (unsigned s = 0; s < 2; s++)
			if (call->streams[i].local[s].iface >= c->cfg->n_ifaces)
				goto bad;
	return call;
bad:
	for (unsigned b = 0; b < call->n_branches; b++) {
		free(call->branches[b]->remote);
		free(call->branches[b]);
	}
	free(call->streams);
	free(call);
	return NULL;
}

int ctl_journal_load(struct ctl *c)
{
	struct ctl_journal *j = &c->jr;
	sqlite3_stmt *st = NULL;
	int n = 0, dropped = 0;

	if (j->db == NULL)
		return 0;
	if (sqlite3_prepare_v2(j->db, "SELECT v FROM meta WHERE k = 'generation'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		c->dp.generation = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(j->db, "SELECT state FROM calls", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *blob = sqlite3_column_blob(st, 0);
		struct ctl_call *call = row_load(c, blob, (size_t)sqlite3_column_bytes(st, 0));

		if (call == NULL || ctl_sess_adopt(c, call) < 0) {
			dropped++;
			continue;
		}
		n++;
	}
	sqlite3_finalize(st);
	for (unsigned i = 0; i < c->cfg->n_ifaces; i++)
		ctl_ports_rebuild(&c->ports[i], ctl_wall_us() + i);
	if (dropped)
		MR_LOG(&ctl_log_sess, WARNING, "journal: %d calls could not be taken back", dropped);
	if (n)
		MR_LOG(&ctl_log_sess, NOTICE, "journal: %d calls taken back (dataplane generation %llu)",
		       n, (unsigned long long)c->dp.generation);
	return n;
}
