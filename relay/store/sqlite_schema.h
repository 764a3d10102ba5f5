// Opening the relay's SQLite file: validation before any write, pragmas, and the schema
// with its forward migrations.
//
// Schema versions live in PRAGMA user_version; PRAGMA application_id marks the file as
// Datt's, so another program's SQLite database is never mistaken for an empty one.
// Version 1 (the initial schema):
//
//   events(seq INTEGER PRIMARY KEY, id BLOB(32) UNIQUE, pubkey BLOB(32), created_at, kind,
//          d_key BLOB, json TEXT)
//       d_key: NULL for regular kinds, "" for replaceable kinds, the d tag (or "") for
//       addressable kinds; a partial unique index keeps one row per (pubkey, kind, d_key).
//       json: Event::to_json(), sent to clients verbatim.
//   tags(event -> events.seq, name, value BLOB, created_at, id) WITHOUT ROWID
//       every tag whose name is one character and that has a value, once per event;
//       created_at and id are copies of the event's so the index yields feed order.
//       (Since version 12 the table itself is keyed (name, value, created_at DESC, id).)
//   events_fts(content) FTS5, rowid = events.seq: NIP-50 search (contentless since
//       version 10).
//   deleted_ids(id, pubkey): NIP-09 `e` targets; an event with that id by that author is
//       refused.
//   deleted_addresses(pubkey, kind, d_key, until): NIP-09 `a` targets; versions with
//       created_at <= until are refused.
//
// Version 2 adds:
//   store_version(id = 0, version): one row, the number of the last commit (store.h
//       "Versions"); the writer updates it in every commit's transaction, so a reader
//       reads the version of exactly the state its snapshot sees.
//
// Version 3 adds (chain_tables.h):
//   chain_entries(author, chain, seq, id, prev), chain_heads(author, chain, head_seq),
//       fork_proofs(author, chain, seq, proof_id): content-chain state, written in the same
//       transaction as the events that change it.
//   relay_key(id = 0, secret): the key the relay signs kind 4560 fork proofs with, drawn
//       from the OS at the first open (sqlite_store.h). It vouches for nothing: a proof
//       stands on the author's two signatures.
//
// Version 4 adds:
//   time_bounds(block, max_created_at): for block b, at least the largest created_at of any
//       event ever stored with seq < (b + 1) << 10 (a prefix maximum; deleted events may
//       leave it higher than needed, never lower). A block with no row has no event of
//       its own: the nearest lower row bounds it. The writer keeps it in every commit
//       (sqlite_store.cpp, write_time_bounds). It lets a search read its FTS5 matches
//       newest stored first (rowid = seq descending, FTS5's own order, no sort) and stop as
//       soon as no older row can be newer than the results it holds (kTimeBoundSql).
//
// Version 5 adds (relay/hub/hub.h):
//   hub_channels(channel_id, seed, state): each client channel of the hub, its 32-byte
//       channel seed (ChannelSecrets::from_seed, drawn from the OS when the channel opens:
//       a secret, like relay_key) and its stored state (channel_state_codec.h), rewritten
//       by the writer before any message that depends on it is sent.
//   hub_forwards(in_channel, in_htlc, payment_hash, in_cltv, out_channel, out_amount,
//       out_cltv, deadline, out_htlc, preimage, failed): an incoming HTLC the hub took on
//       to forward, until it is settled back: its expiry, where it goes, the amount (msat)
//       and expiry of the outgoing HTLC, the unix second by which it is failed back if the
//       payee has not taken it, the outgoing HTLC's id once added (NULL before), then how
//       the outgoing one ended: the payee's preimage, or failed = 1.
//
// Version 6 (no new table): events_by_pubkey_kind is dropped and events_by_pubkey becomes
//   (pubkey, created_at DESC, id, kind): a filter on authors and kinds reads the author's
//   events in feed order and checks the kind from the index entry (no row read for the
//   events it skips), so each stored event costs one author index insert, not two
//   (docs/performance.md "Issue 17"). The cost moves to a query for a kind an author has
//   few of among many events (it reads past the others' index entries); replaceable kinds
//   (kind 0, 3, 10000-19999) are one row per author and kind, the address lookup of the
//   writer keeps its own index (events_by_address).
//
// Version 7 adds (relay/hub/chain_watch.h):
//   hub_onchain(channel_id, record): for each hub channel, what its chain watch knows
//       (onchain_record.h: the funding's height, the transaction that spent the funding
//       output, the resolver's transactions and how far each got), written through the
//       writer before any of them is broadcast.
//   hub_revoked(channel_id, number, revoked): each revoked commitment of a client's that
//       held HTLCs (onchain_record.h serialize_revoked_commitment), committed with the
//       channel state that revoked it, so a justice transaction takes its HTLC outputs too.
//
// Version 8 adds (relay/hub/hub.h "Receipts"):
//   hub_receipt_requests(in_channel, in_htlc, onion): for a forward whose payer asked for a
//       receipt (hop payload 0xd3), the incoming HTLC's onion as it arrived, written with
//       the forward's first row and deleted with its last, so the receipt is published when
//       the payee fulfils after a restart. The hub parses and checks it again when it loads
//       it (parse_hop_payload, check_receipt_request).
//
// Version 9 adds (relay/hub/force_close.h):
//   hub_force_closes(channel_id, reason, height, commitment): the hub's decision to close a
//       channel on chain itself (onchain_deadlines.h: why, at which tip) and its signed
//       commitment, committed before the commitment is broadcast, so a restart broadcasts
//       the same transaction again until the funding spend is seen.
//   hub_revoked rows of a channel are deleted (DeleteHubRevoked) once its funding spend is
//       final (chain_watch.h "Pruning").
//
// Version 10 (no new table): events_fts becomes contentless (content=''): FTS5 keeps the
//   tokens of each event's content but not a copy of the text, which events.json holds
//   (one B-tree less per stored event). Search reads take the content from the JSON and
//   the writer passes it to FTS5's 'delete' command when an event goes
//   (stored_content.h); the migration rebuilds the index from the JSON.
//
// Version 11 adds (relay/hub/hub_wallet.h):
//   hub_wallet(id = 0, seed, birth_height): the hub's wallet seed (32 random bytes, drawn
//       once), from which its BIP-84 account keys derive, and the node's tip when it was
//       drawn (blocks from there are scanned again at each start); written before any
//       address is given out.
//   hub_wallet_coins(txid, vout, value, chain, idx, height, spent_by): each output paying
//       one of its addresses (chain/idx: the key's BIP-84 path), height 0 while unconfirmed;
//       spent_by is the txid of the hub's own transaction that spends it, set in the same
//       commit as the channel that transaction funds, before the transaction is broadcast.
//   hub_funding_txs(channel_id, tx): the signed funding transaction of a channel the hub
//       funds, stored with the channel before funding_created is sent, broadcast after
//       funding_signed (again at each start until the funding output is seen).
//
// Version 12 (no new table): tags is keyed (name, value, created_at DESC, id) WITHOUT ROWID,
//   with `event` (events.seq) as its only other column, and tags_by_value is gone: the
//   table is the index a tag filter reads in feed order, so each stored tag costs one
//   B-tree insert (and one randomly placed page in the WAL), not two. The writer removes an
//   event's tags by their keys, read from the event's stored JSON (stored_content.h); a
//   tag condition that does not drive a query is tested by the full key (the event's
//   created_at and id). The migration rebuilds the table from the old one (docs/
//   performance.md "Sixth pass").
//
// Version 13 adds (relay/hub/hub_wallet.h):
//   hub_wallet_receive(id = 0, next): the receive indexes below `next` were given out as
//       channels' closing (shutdown and sweep) addresses, each committed before the address
//       is sent; only ever raised.
//   hub_wallet_txs(txid, tx): the operator's withdrawals (POST /hub/wallet/withdraw),
//       signed, stored with the coins they spend before they are broadcast (again at each
//       start), deleted once the node has them in a block or refused them.
//
// Version 14 (no new table): time_bounds is recomputed per block from the stored events.
//   Writers before it gave every block a commit wrote to that commit's largest created_at,
//   so a search read all of a large commit's matches (20,000 in datt_search_fill's files)
//   before it could stop; the writer now bounds each block by its own events.
//
// Every feed index ends in (created_at DESC, id) (events_by_pubkey then has the kind after
// them) so that a filter on one value of authors, kinds, authors+kinds or one tag reads
// rows already in the order NIP-01 wants (newest first, ties by lowest id) and stops at the
// limit.
#pragma once

#include <string>

#include "store/migration_progress.h"
#include "store/sqlite_handle.h"
#include "util/result.h"

namespace datt::relay::sqlite {

// The newest schema version this code knows (the number of migration steps).
int latest_schema_version();

// Row: (version) of store_version.
inline constexpr const char* kVersionSql = "SELECT version FROM store_version";

// Events per time_bounds block: seq >> kTimeBlockBits.
inline constexpr int kTimeBlockBits = 10;

// Parameter: a block. Row: (max_created_at) bounding every event with seq in that block or
// below; no row when nothing is known (then there is no bound).
inline constexpr const char* kTimeBoundSql =
    "SELECT max_created_at FROM time_bounds WHERE block <= ? ORDER BY block DESC LIMIT 1";

// Opens the writer's connection to `path`.
// - Missing file: created (its directory must exist: error "store_directory_missing").
// - Existing file: first checked through a read-only connection that creates no files
//   (magic header, application_id, PRAGMA quick_check); a file that fails is left
//   byte-for-byte untouched: error "store_invalid_database" ("database file X is not a
//   valid Datt database: ..."). A schema newer than this code knows: "store_schema_too_new".
//   A write-protected file: "store_read_only".
// - Then: WAL mode, synchronous FULL (durable) or NORMAL, busy timeout, and any pending
//   migrations applied in one transaction, reported to `report` as they run when the file
//   had a schema already (migration_progress.h).
[[nodiscard]] Result<Connection> open_writer(const std::string& path, bool durable,
                                             const ProgressReport& report = {});

// A read-only connection for one reader thread (the file must already be set up by
// open_writer). Memory-mapped: through the process's one map of the file
// (shared_map_vfs.h), whose warming the first such reader starts (`report` hears when it
// is done).
[[nodiscard]] Result<Connection> open_reader(const std::string& path, bool memory_mapped,
                                             const ProgressReport& report = {});

}  // namespace datt::relay::sqlite
