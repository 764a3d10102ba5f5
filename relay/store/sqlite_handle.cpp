#include "store/sqlite_handle.h"

namespace datt::relay::sqlite {

Error error(sqlite3* db, std::string_view what) {
    std::string message(what);
    if (db) {
        message += ": ";
        message += sqlite3_errmsg(db);
        message += " (SQLite code " + std::to_string(sqlite3_extended_errcode(db)) + ")";
    }
    return make_error("store_sqlite", std::move(message));
}

// The start of an SQL text for messages ("..." with quotes), built by appending:
// g++ 12 warns falsely (-Wrestrict) about `"\"" + std::string(...)`.
static std::string quoted_sql(std::string_view sql, std::string_view suffix) {
    std::string out;
    out += '"';
    out.append(sql.substr(0, 80));
    out += '"';
    out.append(suffix);
    return out;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = other.stmt_;
        other.stmt_ = nullptr;
    }
    return *this;
}

// SQLite wants a non-null pointer for a zero-length blob to store an empty blob, not NULL.
static const char kEmpty[1] = {0};

void Statement::bind_blob(int index, ByteSpan value) {
    const void* data = value.empty() ? kEmpty : static_cast<const void*>(value.data());
    sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT);
}

void Statement::bind_blob_static(int index, ByteSpan value) {
    const void* data = value.empty() ? kEmpty : static_cast<const void*>(value.data());
    sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_STATIC);
}

void Statement::bind_text(int index, std::string_view value) {
    const char* data = value.empty() ? kEmpty : value.data();
    sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::bind_text_static(int index, std::string_view value) {
    const char* data = value.empty() ? kEmpty : value.data();
    sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

ByteSpan Statement::column_blob(int col) const {
    const void* data = sqlite3_column_blob(stmt_, col);
    const int size = sqlite3_column_bytes(stmt_, col);
    if (!data || size <= 0) return {};
    return {static_cast<const uint8_t*>(data), static_cast<size_t>(size)};
}

std::string_view Statement::column_text(int col) const {
    const unsigned char* data = sqlite3_column_text(stmt_, col);
    const int size = sqlite3_column_bytes(stmt_, col);
    if (!data || size <= 0) return {};
    return {reinterpret_cast<const char*>(data), static_cast<size_t>(size)};
}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        db_ = other.db_;
        other.db_ = nullptr;
    }
    return *this;
}

Result<Connection> Connection::open(const std::string& path, int flags, const char* vfs) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, vfs);
    Connection connection(db);  // closes `db` on every path, even when open failed
    if (rc != SQLITE_OK) {
        return db ? error(db, "cannot open")
                  : make_error("store_sqlite", "cannot open: out of memory");
    }
    sqlite3_extended_result_codes(db, 1);
    return connection;
}

Result<Statement> Connection::prepare(std::string_view sql, bool persistent) {
    sqlite3_stmt* stmt = nullptr;
    const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
    Statement statement(stmt);
    if (rc != SQLITE_OK) return error(db_, "cannot prepare " + quoted_sql(sql, ""));
    return statement;
}

Status Connection::exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);  // the same text is available from sqlite3_errmsg
    if (rc != SQLITE_OK) return error(db_, quoted_sql(sql, " failed"));
    return Ok{};
}

Result<int64_t> Connection::query_int(std::string_view sql) {
    auto stmt = prepare(sql, false);
    if (!stmt) return stmt.error();
    const int rc = stmt->step();
    if (rc != SQLITE_ROW) return error(db_, quoted_sql(sql, " failed"));
    return stmt->column_int(0);
}

}  // namespace datt::relay::sqlite
