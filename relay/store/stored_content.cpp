#include "store/stored_content.h"

#include <sqlite3.h>

#include "event/event_reader.h"

namespace datt::relay::sqlite {
namespace {

void datt_content(sqlite3_context* context, int, sqlite3_value** args) {
    const auto* json = sqlite3_value_text(args[0]);
    if (!json) {
        sqlite3_result_null(context);
        return;
    }
    std::optional<std::string> content = stored_content(
        std::string_view(reinterpret_cast<const char*>(json),
                         static_cast<size_t>(sqlite3_value_bytes(args[0]))));
    if (!content) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_text64(context, content->data(), content->size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8);
}

}  // namespace

event::Limits stored_limits() {
    event::Limits limits;
    limits.max_json_bytes = 16 * 1024 * 1024;
    limits.max_content_bytes = 16 * 1024 * 1024;
    limits.max_tags = 1'000'000;
    limits.max_tag_values = 1'000'000;
    limits.max_tag_value_bytes = 16 * 1024 * 1024;
    return limits;
}

std::optional<std::string> stored_content(std::string_view json) {
    auto raw = event::read_raw_event(json, stored_limits());
    if (!raw || !raw->content) return std::nullopt;
    return std::move(*raw->content);
}

int register_content_function(sqlite3* db) {
    return sqlite3_create_function_v2(db, "datt_content", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, datt_content, nullptr, nullptr, nullptr);
}

}  // namespace datt::relay::sqlite
