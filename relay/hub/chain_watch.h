// The hub's chain watch (issue 13 item 4; implemented as Hub members in chain_watch.cpp,
// on the hub thread): every stored channel's funding outpoint is watched through the
// Bitcoin bridge (BitcoinService::watch_spend). When a transaction spending it shows up
// (mempool or block; at startup blocks from the funding's stored height are scanned again,
// so a spend mined while the relay was down is found):
//   1. the channel is closed on chain: usable() is false from then on, channel_reestablish
//      gets an `error` hub_channel_closed_onchain, an attached client gets it at once;
//   2. core's resolver (channel/chain_resolver.h) runs on the spend with the channel's
//      stored state (the remote's revoked secrets are in its shachain), the client's
//      revoked commitments that held HTLCs (each stored with the state that revoked it:
//      PutHubRevoked, hub_revoked), the preimages the hub knows of HTLCs it received on the
//      channel, the channel's shutdown script (an address of the hub's wallet; a key of
//      the channel's seed for channels opened before, or without a wallet) as where swept
//      funds go, and the channel's feerate;
//   3. its answer is stored (PutHubOnchain, onchain_record.h) through the single writer,
//      and only once committed is anything broadcast (BitcoinService::broadcast).
// Each resolver transaction is broadcast once the chain allows it (earliest_height: its
// parent's height plus its CSV delay, its CLTV lock time) and again on every new block until
// it is in one; its inputs are watched too, so the hub sees it confirm (kConfirmed, with the
// height its children count from) or an input taken by another transaction (kLost: the
// remote's claim, say). When what took an input of our justice tx is the client's own
// HTLC-timeout/-success of its revoked commitment, in a block, the record is resolved again
// with it (revoked_htlc_txs.h: the commitment's bytes are kept in the record for this) and
// stored before the rebuilt justice tx and the HTLC tx's sweep are broadcast. A justice tx still
// waiting past half of its window is replaced at a higher feerate at each new tip
// (justice_fee_bump.h; BIP-125), stored before broadcast; whichever version is mined is the
// record's (spend_seen matches every version's txid). After a restart
// the stored records are loaded and what is due is broadcast again; the rescan from a
// spend's block tells the spend again, whose bytes a record of version 2 of a revoked
// commitment lacked (kept then), and an HTLC tx that took a justice tx's input again (taken
// if not yet: idempotent).
// The hub broadcasts the cooperative close's transaction itself once both signed it (the
// ChannelClosed event), after the state that holds it is committed.
// Funding height: recorded when the funding check first sees the output confirmed
// (tip - confirmations + 1). A channel stored without one (hub_minimum_depth 0, or opened
// by an older relay) is watched from the tip on: a spend while the relay was down is then
// found only if it is still in the mempool.
// The hub's own commitment, broadcast when an HTLC deadline needs it, and the settling of
// the payer's HTLC from the chain: force_close.h.
// Pruning: the revoked commitments with HTLCs (kept in memory too, about 100 bytes per
// revoked commitment and HTLC) are deleted (DeleteHubRevoked) once the channel's funding
// spend is 100 blocks deep and no justice tx of its record waits (revoked_htlc_txs.h,
// forget_revoked: a cheater's HTLC tx mined later still finds them).
// Not handled: reorganizations deeper than the spend (a record is not rolled back).
// /metrics: datt_hub_onchain_spends_total{kind}, datt_hub_onchain_broadcasts_total{kind},
// datt_hub_onchain_broadcast_refusals_total, datt_hub_justice_fee_bumps_total (force_close.h adds its own).
#pragma once
