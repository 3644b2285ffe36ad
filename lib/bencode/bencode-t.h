/* SPDX-License-Identifier: BSD-3-Clause */
/* Bencode types: a decoded document is a flat array of nodes (no malloc). */
#ifndef MR_BENCODE_T_H
#define MR_BENCODE_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mr_str.h"

/* Nesting limit of the decoder and the encoder (containers inside containers). */
#define MR_BENCODE_MAX_DEPTH 32

enum mr_bencode_type {
	MR_BENCODE_NONE = 0,
	MR_BENCODE_DICT,
	MR_BENCODE_LIST,
	MR_BENCODE_STRING,
	MR_BENCODE_INT,
};

/*
 * One value. Nodes are stored in document order (pre-order): a container's
 * first child, when it has one, is the node right after it; siblings are
 * linked through `next`. A dictionary's children alternate key (always a
 * string) and value.
 */
struct mr_bencode_node {
	uint8_t type;		/* enum mr_bencode_type */
	uint32_t count;		/* dict: key/value pairs; list: items; else 0 */
	uint32_t next;		/* index of the next sibling, 0 when last */
	union {
		struct mr_str str;	/* MR_BENCODE_STRING: the bytes, in the input */
		int64_t num;		/* MR_BENCODE_INT */
	};
	struct mr_str raw;	/* the node's whole encoding, in the input */
};

/*
 * A decoded document: nodes[0] is the root. The caller owns `nodes` (cap
 * entries) and the input buffer, which must outlive the document since
 * strings point into it.
 */
struct mr_bencode_doc {
	struct mr_bencode_node *nodes;
	uint32_t cap;		/* entries in nodes */
	uint32_t n;		/* entries used by the last decode */
};

/*
 * Reply builder over a caller buffer. Errors are sticky: after the first
 * one every call returns it and writes nothing, so a sequence of calls can
 * be checked once, at mr_bencode_enc_finish().
 */
struct mr_bencode_enc {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;		/* 0, -ENOSPC or -EINVAL */
	uint8_t depth;		/* open containers */
	bool root_done;		/* a complete root value has been written */
	uint32_t dict_mask;	/* bit d: the container at depth d is a dict */
	uint32_t key_mask;	/* bit d: that dict has a key awaiting its value */
};

#endif
