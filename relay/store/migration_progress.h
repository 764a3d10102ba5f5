// What the writer's connection says while it migrates a file's schema (sqlite_schema.cpp).
// At a million events a migration rebuilds tables and indexes for a minute or more inside
// the open, before the relay listens: the operator is told which step runs, how far it got
// and how long each step took, never left with a silent process.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace datt::relay::sqlite {

// Receives one line at a time (datt-relay logs them at info level). Empty: no reports.
using ProgressReport = std::function<void(const std::string&)>;

// Reports on `db`'s migration while it is alive: the migration's start (versions, events
// stored), each step's end and duration, and every `interval` within a step the time so far
// and the rows its statement has read (SQLite's count of full-scan steps: the migrations'
// passes over events and tags). Nothing is reported for a new file (version 0).
class MigrationProgress {
  public:
    using Clock = std::chrono::steady_clock;

    MigrationProgress(sqlite3* db, ProgressReport report,
                      Clock::duration interval = std::chrono::seconds(5));
    ~MigrationProgress();
    MigrationProgress(const MigrationProgress&) = delete;
    MigrationProgress& operator=(const MigrationProgress&) = delete;

    // `events`: the highest seq stored (an upper bound of the events, read without a scan).
    void begin(int64_t from, int64_t to, int64_t events);
    void step_begins(int64_t version);
    void step_done();
    void committed();
    // The log checkpointed after the commit, in `took` (seconds_since).
    void folded(const std::string& took);

  private:
    static int on_progress(void* self);
    int64_t rows_read() const;
    void say(const std::string& line) const;

    sqlite3* db_;
    ProgressReport report_;
    Clock::duration interval_;
    bool active_ = false;
    int64_t version_ = 0;
    Clock::time_point migration_start_, step_start_, last_report_;
};

// 1234567 -> "1,234,567".
std::string with_separators(int64_t n);

// "12.3 s" since `start`.
std::string seconds_since(MigrationProgress::Clock::time_point start);

}  // namespace datt::relay::sqlite
