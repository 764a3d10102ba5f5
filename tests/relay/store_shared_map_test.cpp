// The readers' shared memory map (store/shared_map_vfs.h) against real SQLite files: one
// map per file per process that survives commits, reads that stay right as the file grows
// and through checkpoints, and the limit that keeps pointers inside the file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/map_warmer.h"
#include "store/shared_file_map.h"
#include "store/shared_map_vfs.h"
#include "store/sqlite_handle.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "stored_set.h"

namespace datt::relay {
namespace {

using sqlite::Connection;
using test::filter_from;
using test::sign_event;
using test::TempDir;

// The lines of /proc/self/maps that map `path`: one per mapping.
std::vector<std::string> maps_of(const std::string& path) {
    std::ifstream maps("/proc/self/maps");
    std::vector<std::string> lines;
    for (std::string line; std::getline(maps, line);) {
        if (line.size() >= path.size() && line.ends_with(path)) lines.push_back(line);
    }
    return lines;
}

// The read syscalls (pread of a page the map did not serve, among others) this thread made.
uint64_t read_calls() {
    std::ifstream io("/proc/thread-self/io");
    for (std::string key; io >> key;) {
        uint64_t value = 0;
        io >> value;
        if (key == "syscr:") return value;
    }
    ADD_FAILURE() << "no syscr in /proc/thread-self/io";
    return 0;
}

void exec(Connection& db, const std::string& sql) {
    auto done = db.exec(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.error().message;
}

int64_t query(Connection& db, const std::string& sql) {
    auto value = db.query_int(sql);
    EXPECT_TRUE(value.ok()) << sql << ": " << value.error().message;
    return value.ok() ? *value : -1;
}

// rows(id, v): v is the id written out in 900 digits, so every row's bytes can be checked.
Connection open_writer(const std::string& path) {
    auto db = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    EXPECT_TRUE(db.ok());
    exec(*db,
         "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
         "CREATE TABLE IF NOT EXISTS rows(id INTEGER PRIMARY KEY, v TEXT)");
    return std::move(*db);
}

void insert_rows(Connection& writer, int from, int to, int salt = 0) {
    exec(writer, "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) +
                     " UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " + std::to_string(to) +
                     ") INSERT OR REPLACE INTO rows SELECT i, printf('%0900d', i + " +
                     std::to_string(salt) + ") FROM n");
}

// A reader as the relay opens one (memory-mapped through the shim) or, for comparison,
// through the default VFS with SQLite's own map.
Connection open_reader(const std::string& path, bool shared) {
    auto db =
        Connection::open(path, SQLITE_OPEN_READONLY, shared ? sqlite::shared_map_vfs() : nullptr);
    EXPECT_TRUE(db.ok());
    exec(*db, "PRAGMA mmap_size=2147418112");
    return std::move(*db);
}

// Rows whose bytes are right for `salt` (every row when the reader sees what was written).
const std::string kRightRows = "SELECT count(*) FROM rows WHERE CAST(v AS INTEGER) = id + ";

void checkpoint(Connection& writer, int mode) {
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(writer.get(), nullptr, mode, nullptr, nullptr), SQLITE_OK);
}

// A file of `rows` rows checkpointed into it, and its writer.
struct FilledFile {
    FilledFile(const std::string& name, int rows)
        : path(dir.file(name)), writer(open_writer(path)) {
        insert_rows(writer, 0, rows);
        checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    }
    TempDir dir;
    std::string path;
    Connection writer;
};

TEST(StoreSharedMap, ReadersShareOneMapThatCommitsKeep) {
    FilledFile file("shared.sqlite3", 2000);
    const std::string& path = file.path;
    Connection& writer = file.writer;

    {  // SQLite's own maps, for comparison: one per connection, made again after a commit
       // (here the new one is larger: the checkpoint grew the file).
        Connection a = open_reader(path, false);
        Connection b = open_reader(path, false);
        EXPECT_EQ(query(a, kRightRows + "0"), 2000);
        EXPECT_EQ(query(b, kRightRows + "0"), 2000);
        const std::vector<std::string> own = maps_of(path);
        EXPECT_EQ(own.size(), 2u);
        insert_rows(writer, 2000, 2500);
        checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
        EXPECT_EQ(query(a, kRightRows + "0"), 2500);
        EXPECT_EQ(query(b, kRightRows + "0"), 2500);
        EXPECT_EQ(maps_of(path).size(), 2u);
        EXPECT_NE(maps_of(path), own);
    }
    EXPECT_EQ(maps_of(path).size(), 0u);

    Connection a = open_reader(path, true);
    Connection b = open_reader(path, true);
    EXPECT_EQ(query(a, kRightRows + "0"), 2500);
    EXPECT_EQ(query(b, kRightRows + "0"), 2500);
    const std::vector<std::string> before = maps_of(path);
    ASSERT_EQ(before.size(), 1u);
    const size_t reserve = std::stoull(before[0].substr(before[0].find('-') + 1), nullptr, 16) -
                           std::stoull(before[0], nullptr, 16);
    EXPECT_EQ(reserve, sqlite::kSharedMapReserve);

    // Commits (each one drops SQLite's own maps at the readers' next transaction) and a
    // checkpoint that grows the file: still the one map, at the same address.
    for (int i = 0; i < 3; ++i) {
        insert_rows(writer, 2500 + i * 100, 2600 + i * 100);
        EXPECT_EQ(query(a, "SELECT count(*) FROM rows"), 2600 + i * 100);
        EXPECT_EQ(query(b, "SELECT count(*) FROM rows"), 2600 + i * 100);
    }
    checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    EXPECT_EQ(query(a, kRightRows + "0"), 2800);
    EXPECT_EQ(maps_of(path), before);
}

TEST(StoreSharedMap, PagesPastTheOldLimitAreReadAfterCheckpoints) {
    FilledFile file("grow.sqlite3", 500);
    const std::string& path = file.path;
    Connection& writer = file.writer;
    Connection reader = open_reader(path, true);
    EXPECT_EQ(query(reader, kRightRows + "0"), 500);

    // The file grows by a PASSIVE checkpoint (log kept), then by a TRUNCATE one, and rows
    // are rewritten in place: each time the reader sees every row, right.
    insert_rows(writer, 500, 3000);
    EXPECT_EQ(query(reader, kRightRows + "0"), 3000);
    checkpoint(writer, SQLITE_CHECKPOINT_PASSIVE);
    EXPECT_EQ(query(reader, kRightRows + "0"), 3000);
    insert_rows(writer, 3000, 6000);
    checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    EXPECT_EQ(query(reader, kRightRows + "0"), 6000);
    insert_rows(writer, 0, 6000, 7);
    checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    EXPECT_EQ(query(reader, kRightRows + "7"), 6000);

    // And the grown file is read through the map, not page by page with pread(): the
    // limit was read again after the checkpoint (about 1,500 pages of rows).
    insert_rows(writer, 6000, 9000);
    checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    const uint64_t reads = read_calls();
    EXPECT_EQ(query(reader, kRightRows + "0 OR id < 6000"), 9000);
    EXPECT_LT(read_calls() - reads, 50u) << "pages past the first limit were read with pread()";
}

TEST(StoreSharedMap, AnOpenSnapshotStaysWhileTheWriterCommitsAndCheckpoints) {
    FilledFile file("snapshot.sqlite3", 2000);
    const std::string& path = file.path;
    Connection& writer = file.writer;
    Connection reader = open_reader(path, true);
    Connection other = open_reader(path, true);

    exec(reader, "BEGIN");
    EXPECT_EQ(query(reader, kRightRows + "0"), 2000);
    // Every row rewritten and more added, committed, checkpointed as far as it may go.
    insert_rows(writer, 0, 3000, 1);
    checkpoint(writer, SQLITE_CHECKPOINT_PASSIVE);
    EXPECT_EQ(query(other, kRightRows + "1"), 3000) << "another reader sees the commit";
    EXPECT_EQ(query(reader, kRightRows + "0"), 2000) << "the open snapshot does not";
    EXPECT_EQ(query(reader, "SELECT count(*) FROM rows"), 2000);
    EXPECT_EQ(sqlite3_wal_checkpoint_v2(writer.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                        nullptr),
              SQLITE_BUSY)
        << "a TRUNCATE checkpoint cannot pass the open snapshot";
    EXPECT_EQ(query(reader, kRightRows + "0"), 2000);
    exec(reader, "COMMIT");

    checkpoint(writer, SQLITE_CHECKPOINT_TRUNCATE);
    EXPECT_EQ(query(reader, kRightRows + "1"), 3000);
    EXPECT_EQ(query(other, kRightRows + "1"), 3000);
}

// The relay's reader connections use the shim when memory-mapped reads are on: one map
// for all of them, and none when they are off.
TEST(StoreSharedMap, TheStoreReadersShareOneMapOnlyWhenMemoryMapped) {
    TempDir dir;
    for (const bool mapped : {true, false}) {
        const std::string path = dir.file(mapped ? "mapped.sqlite3" : "unmapped.sqlite3");
        auto store = open_sqlite_store(path, {.memory_mapped_reads = mapped});
        ASSERT_TRUE(store.ok()) << store.error().message;
        std::vector<event::Event> events;
        for (int i = 0; i < 300; ++i)
            events.push_back(sign_event(i % 3, 1000 + i, 1, {}, std::string(600, 'm')));
        ASSERT_TRUE((*store)->write_batch(events).ok());
        auto a = (*store)->open_reader();
        auto b = (*store)->open_reader();
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_EQ((*a)->query(filter_from("{}"), 500)->size(), 300u);
        EXPECT_EQ((*b)->query(filter_from("{}"), 500)->size(), 300u);
        EXPECT_EQ(maps_of(path).size(), mapped ? 1u : 0u);
    }
    EXPECT_EQ(sqlite::shared_maps_in_use(), 0u) << "unmapped when the last reader closed";
}

// The VFS's own rules, on a file much larger than SQLite's 2 GiB cap (sparse: cheap).
TEST(StoreSharedMap, FetchPointsOnlyInsideTheFile) {
    TempDir dir;
    const std::string path = dir.file("sparse.bin");
    const sqlite3_int64 page = 4096;
    const sqlite3_int64 far = (sqlite3_int64{5} << 29) - page;  // 2.5 GiB - 1 page
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    const std::string marker(page, 'f');
    ASSERT_EQ(::pwrite(fd, marker.data(), page, far), page);

    sqlite3_vfs* vfs = sqlite3_vfs_find(sqlite::shared_map_vfs());
    ASSERT_NE(vfs, nullptr);
    std::vector<std::byte> storage(static_cast<size_t>(vfs->szOsFile));
    auto* file = reinterpret_cast<sqlite3_file*>(storage.data());
    int out_flags = 0;
    ASSERT_EQ(
        vfs->xOpen(vfs, path.c_str(), file, SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READONLY, &out_flags),
        SQLITE_OK);
    auto fetch = [&](sqlite3_int64 offset) {
        void* p = reinterpret_cast<void*>(1);
        EXPECT_EQ(file->pMethods->xFetch(file, offset, static_cast<int>(page), &p), SQLITE_OK);
        return static_cast<const char*>(p);
    };
    const char* last = fetch(far);
    ASSERT_NE(last, nullptr) << "the page ending at the file's end, past 2 GiB";
    EXPECT_EQ(std::memcmp(last, marker.data(), page), 0);
    EXPECT_EQ(fetch(far + 1), nullptr) << "one byte past the end";
    EXPECT_EQ(fetch(far + page), nullptr);

    // The file grows: a page past the limit has the shim read the file's size again.
    ASSERT_EQ(::pwrite(fd, marker.data(), page, far + page), page);
    const char* grown = fetch(far + page);
    ASSERT_NE(grown, nullptr);
    EXPECT_EQ(grown, last + page) << "the same map";
    EXPECT_EQ(std::memcmp(grown, marker.data(), page), 0);
    EXPECT_EQ(fetch(far + 2 * page), nullptr);

    // SQLite never shrinks the file under a reader, but the limit follows the file at
    // xUnfetch(NULL) ("the database changed"), not at the unfetch of a page.
    ASSERT_EQ(::ftruncate(fd, far + page), 0);
    EXPECT_EQ(file->pMethods->xUnfetch(file, far, const_cast<char*>(last)), SQLITE_OK);
    EXPECT_EQ(file->pMethods->xUnfetch(file, 0, nullptr), SQLITE_OK);
    EXPECT_EQ(fetch(far + page), nullptr) << "past the new end";
    EXPECT_EQ(fetch(far), last);
    EXPECT_EQ(file->pMethods->xClose(file), SQLITE_OK);
    ::close(fd);
    EXPECT_EQ(maps_of(path).size(), 0u);
}

// This thread's minor page faults so far.
long thread_faults() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Touches one byte per page of `size` bytes at `base`; the faults that took.
long touch_pages(const std::byte* base, size_t size) {
    const long before = thread_faults();
    unsigned sum = 0;
    for (size_t offset = 0; offset < size; offset += 4096) {
        sum +=
            static_cast<unsigned>(*reinterpret_cast<const volatile unsigned char*>(base + offset));
    }
    EXPECT_EQ(sum, 0u);
    return thread_faults() - before;
}

// The warmer fills the page tables of a map of a file in the OS cache (just written), so
// touching its pages then costs no faults where a fresh map of the same file faults.
TEST(StoreSharedMap, TheWarmerMapsCachedPagesAhead) {
    TempDir dir;
    const std::string path = dir.file("warm.bin");
    const size_t size = size_t{32} << 20;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    const std::string zeros(size, '\0');
    ASSERT_EQ(::pwrite(fd, zeros.data(), size, 0), static_cast<ssize_t>(size));
    auto map_file = [&] {
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        EXPECT_NE(p, MAP_FAILED);
        return static_cast<const std::byte*>(p);
    };
    const std::byte* cold = map_file();
    const long cold_faults = touch_pages(cold, size);
    const std::byte* warm = map_file();
    std::atomic<bool> stop{false};
    EXPECT_EQ(sqlite::warm_map(warm, size, stop), size);
    const long warm_faults = touch_pages(warm, size);
    RecordProperty("cold_faults", static_cast<int>(cold_faults));
    RecordProperty("warm_faults", static_cast<int>(warm_faults));
    EXPECT_LT(warm_faults, 4) << "against " << cold_faults << " in a fresh map";
    EXPECT_GT(cold_faults, 4 + warm_faults);
    stop = true;
    EXPECT_EQ(sqlite::warm_map(warm, size, stop), 0u) << "a stopped warmer does nothing";
    ::munmap(const_cast<std::byte*>(cold), size);
    ::munmap(const_cast<std::byte*>(warm), size);
    ::close(fd);
}

// The store's first memory-mapped reader starts the warming, which reports when done.
TEST(StoreSharedMap, TheStoreWarmsItsReadersMapAndSaysSo) {
    TempDir dir;
    std::mutex mutex;
    std::vector<std::string> lines;
    auto store = open_sqlite_store(dir.file("warm.sqlite3"),
                                   {.migration_report = [&](const std::string& line) {
                                       std::lock_guard lock(mutex);
                                       lines.push_back(line);
                                   }});
    ASSERT_TRUE(store.ok());
    auto a = (*store)->open_reader();
    auto b = (*store)->open_reader();
    ASSERT_TRUE(a.ok() && b.ok());
    for (int i = 0; i < 500; ++i) {
        {
            std::lock_guard lock(mutex);
            if (!lines.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mutex);
    ASSERT_EQ(lines.size(), 1u) << "one warming per map";
    EXPECT_NE(lines[0].find("readers' memory map"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace datt::relay
