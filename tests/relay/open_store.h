// A fixture for the store suites: a store file of its own in a temporary folder, opened with a
// reader at SetUp, and reopen() to close and open it again (a restart on the same file).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/sqlite_store.h"
#include "store_support.h"

namespace datt::relay::test {

class OpenStoreTest : public ::testing::Test {
  protected:
    explicit OpenStoreTest(const std::string& file_name) : path_(dir_.file(file_name)) {}

    void SetUp() override { reopen(); }

    void reopen() {
        reader_.reset();
        store_.reset();
        auto store = open_sqlite_store(path_);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(store).value();
        auto reader = store_->open_reader();
        ASSERT_TRUE(reader.ok()) << reader.error().message;
        reader_ = std::move(reader).value();
    }

    TempDir dir_;
    std::string path_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<StoreReader> reader_;
};

}  // namespace datt::relay::test
