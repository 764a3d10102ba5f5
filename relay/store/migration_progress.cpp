#include "store/migration_progress.h"

#include <cstdio>

namespace datt::relay::sqlite {
namespace {

// Virtual machine instructions between two looks at the clock (a few milliseconds).
constexpr int kInstructionsPerCheck = 200'000;

std::string seconds(MigrationProgress::Clock::duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(d).count());
    return text;
}

}  // namespace

std::string with_separators(int64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string seconds_since(MigrationProgress::Clock::time_point start) {
    return seconds(MigrationProgress::Clock::now() - start);
}

MigrationProgress::MigrationProgress(sqlite3* db, ProgressReport report, Clock::duration interval)
    : db_(db), report_(std::move(report)), interval_(interval) {}

MigrationProgress::~MigrationProgress() {
    if (active_) sqlite3_progress_handler(db_, 0, nullptr, nullptr);
}

void MigrationProgress::begin(int64_t from, int64_t to, int64_t events) {
    if (!report_ || from == 0) return;
    active_ = true;
    migration_start_ = Clock::now();
    sqlite3_progress_handler(db_, kInstructionsPerCheck, &MigrationProgress::on_progress, this);
    say("migrating the database from schema version " + std::to_string(from) + " to " +
        std::to_string(to) + " (up to " + with_separators(events) +
        " events stored), in one transaction: the relay starts when it is done");
}

void MigrationProgress::step_begins(int64_t version) {
    version_ = version;
    step_start_ = last_report_ = Clock::now();
}

void MigrationProgress::step_done() {
    if (active_) {
        say("schema version " + std::to_string(version_) + " done in " +
            seconds_since(step_start_));
    }
}

void MigrationProgress::committed() {
    if (active_) say("migration committed, " + seconds_since(migration_start_) + " in all");
}

void MigrationProgress::folded(const std::string& took) {
    if (active_) say("log folded into the database file in " + took);
}

int MigrationProgress::on_progress(void* self) {
    auto& progress = *static_cast<MigrationProgress*>(self);
    const Clock::time_point now = Clock::now();
    if (now - progress.last_report_ >= progress.interval_) {
        progress.last_report_ = now;
        progress.say("schema version " + std::to_string(progress.version_) + ": " +
                     seconds(now - progress.step_start_) + " so far, " +
                     with_separators(progress.rows_read()) + " rows read");
    }
    return 0;  // never interrupts
}

int64_t MigrationProgress::rows_read() const {
    int64_t rows = 0;
    for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt;
         stmt = sqlite3_next_stmt(db_, stmt)) {
        if (sqlite3_stmt_busy(stmt)) {
            rows += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
        }
    }
    return rows;
}

void MigrationProgress::say(const std::string& line) const { report_(line); }

}  // namespace datt::relay::sqlite
