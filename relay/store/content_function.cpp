#include "store/content_function.h"

#include <sqlite3.h>

#include <optional>
#include <string>

#include "store/stored_content.h"

namespace datt::relay::sqlite {
namespace {

void datt_content(sqlite3_context* context, int, sqlite3_value** args) {
    const auto* json = sqlite3_value_text(args[0]);
    std::optional<std::string> content;
    if (json) {
        content = stored_content(std::string_view(
            reinterpret_cast<const char*>(json), static_cast<size_t>(sqlite3_value_bytes(args[0]))));
    }
    if (!content) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_text64(context, content->data(), content->size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8);
}

}  // namespace

int register_content_function(sqlite3* db) {
    return sqlite3_create_function_v2(db, "datt_content", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, datt_content, nullptr, nullptr, nullptr);
}

}  // namespace datt::relay::sqlite
