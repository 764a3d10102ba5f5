// Reading a stored event's fields back from its stored JSON (events.json).
//
// Since schema 10 the search index (events_fts) is contentless: it holds the tokens of
// each event's content but not the text, which the JSON already holds. Search reads
// (the substring check after FTS5's token match) and the writer's removals (FTS5's
// 'delete' needs the very text that was indexed) take the content from the JSON with
// the same reader Event::parse uses, so it is byte for byte the text the writer indexed
// (event.content()), NUL characters included (SQLite's json_extract stops at one).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "event/limits.h"

struct sqlite3;

namespace datt::relay::sqlite {

// Limits at least as wide as any the relay stores under (kind 4560 proofs carry two
// events): for reading back what was stored, never for accepting events.
event::Limits stored_limits();

// The `content` of a stored event's JSON; nullopt when `json` is not an event's JSON.
std::optional<std::string> stored_content(std::string_view json);

// Registers datt_content(json) on `db`: stored_content as an SQL function (NULL when the
// JSON is not an event's). SQLite result code.
int register_content_function(sqlite3* db);

}  // namespace datt::relay::sqlite
