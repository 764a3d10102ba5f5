// Owning wrappers for SQLite connections and prepared statements, so every early return
// closes and finalizes what it opened, plus the one place SQLite errors become datt::Error.
//
// Not thread-safe: a connection and its statements belong to one thread at a time
// (connections are opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::relay::sqlite {

// Error code "store_sqlite": `what` failed, with SQLite's message and extended code.
Error error(sqlite3* db, std::string_view what);

class Statement {
  public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(stmt_); }

    sqlite3_stmt* get() const { return stmt_; }

    // Parameters are 1-based, as in SQLite. Values are copied (SQLITE_TRANSIENT) unless
    // the caller promises they outlive the statement's next reset (`_static`).
    void bind_int(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
    void bind_blob(int index, ByteSpan value);
    void bind_blob_static(int index, ByteSpan value);
    void bind_text(int index, std::string_view value);
    void bind_text_static(int index, std::string_view value);
    void bind_null(int index) { sqlite3_bind_null(stmt_, index); }

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(stmt_); }
    // Resets and clears bindings so the statement can be reused from the cache.
    void reset();

    int64_t column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
    ByteSpan column_blob(int col) const;
    std::string_view column_text(int col) const;

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
  public:
    Connection() = default;
    explicit Connection(sqlite3* db) : db_(db) {}
    Connection(Connection&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { sqlite3_close_v2(db_); }

    // `flags` are SQLITE_OPEN_*; `path` may be a file: URI when flags has SQLITE_OPEN_URI.
    // `vfs`: a registered VFS's name, or nullptr for the default.
    [[nodiscard]] static Result<Connection> open(const std::string& path, int flags,
                                                 const char* vfs = nullptr);

    sqlite3* get() const { return db_; }

    [[nodiscard]] Result<Statement> prepare(std::string_view sql, bool persistent = true);
    // Runs one or more statements that return no rows.
    [[nodiscard]] Status exec(const std::string& sql);
    // The single integer a statement such as "PRAGMA user_version" returns.
    [[nodiscard]] Result<int64_t> query_int(std::string_view sql);

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace datt::relay::sqlite
