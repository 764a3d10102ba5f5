// Internal to core/bip32: wipes a secret buffer on every return path, early errors included.
// (A candidate for crypto/wipe.h; core/bip39 has the same helper.)
#pragma once

#include <cstddef>

#include "crypto/wipe.h"

namespace datt::bip32::detail {

class WipeOnExit {
  public:
    WipeOnExit(void* data, size_t size) : data_(data), size_(size) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() { crypto::secure_wipe(data_, size_); }

  private:
    void* data_;
    size_t size_;
};

}  // namespace datt::bip32::detail
