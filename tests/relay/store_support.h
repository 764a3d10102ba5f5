// Shared by the store suites: a temporary directory that removes itself, and signing
// helpers over a fixed pool of test keys.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "event/event.h"
#include "event/time_id.h"
#include "store/store.h"

namespace datt::relay::test {

class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("datt-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                 "-" + std::to_string(random()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// Key i of the pool (i >= 0): the secret 0x...01 + i.
inline crypto::SecretKey test_key(int i) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = 0x5a;
    bytes[30] = static_cast<uint8_t>((i + 1) >> 8);
    bytes[31] = static_cast<uint8_t>(i + 1);
    return *crypto::SecretKey::from_bytes(bytes);
}

inline ByteArray<32> test_pubkey(int i) {
    return crypto::xonly_pubkey(test_key(i)).bytes();
}

inline event::Event sign_event(int key, int64_t created_at, event::Kind kind, event::Tags tags = {},
                               std::string content = "") {
    static const std::array<uint8_t, 32> kAux{};
    auto signed_event = event::Event::sign({created_at, kind, std::move(tags), std::move(content)},
                                           test_key(key), kAux);
    EXPECT_TRUE(signed_event.ok()) << signed_event.error().message;
    return std::move(signed_event).value();
}

// NIP-01 order: newest first, ties by lowest id. The core rule (event::supersedes), so that
// the suites check that the store's SQL orders as the core does.
inline bool feed_order(const event::Event& a, const event::Event& b) {
    return event::supersedes({a.created_at(), a.id()}, {b.created_at(), b.id()});
}

}  // namespace datt::relay::test
