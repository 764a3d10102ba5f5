// What one worker thread owns and lends to the tasks it runs: its SQLite read connection
// (REQ, COUNT, NEG-OPEN) and its cache of parsed author keys (EVENT: each verify skips
// the key's square root for an author seen recently). Never shared between threads.
#pragma once

#include <memory>

#include "crypto/xonly_key_cache.h"
#include "store/store.h"

namespace datt::relay {

struct WorkerState {
    explicit WorkerState(std::unique_ptr<StoreReader> reader) : store_reader(std::move(reader)) {}

    StoreReader& store() { return *store_reader; }

    std::unique_ptr<StoreReader> store_reader;
    crypto::XOnlyKeyCache keys;
};

}  // namespace datt::relay
