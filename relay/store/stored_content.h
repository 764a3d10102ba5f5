// Reading a stored event's content back from its stored JSON (events.json).
//
// Since schema 10 the search index (events_fts) is contentless: it holds the tokens of
// each event's content but not the text, which the JSON already holds. Search reads
// (the substring check after FTS5's token match) and the writer's removals (FTS5's
// 'delete' needs the very text that was indexed) take the content from the JSON, byte
// for byte the text the writer indexed (event.content()), NUL characters included
// (SQLite's json_extract stops at one).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "event/limits.h"

namespace datt::relay::sqlite {

// Limits at least as wide as any the relay stores under (kind 4560 proofs carry two
// events): for reading back what was stored, never for accepting events.
event::Limits stored_limits();

// The `content` of a stored event's JSON; nullopt when `json` is not an event's JSON.
// Event::to_json writes one compact "content" member: when its string holds no escape,
// the text between its quotes is the content (no parse); otherwise, or when the JSON is
// not laid out so, it is read with the reader Event::parse uses (event_reader.h). Both
// give the same text (fuzz/fuzz_stored_content.cpp).
std::optional<std::string> stored_content(std::string_view json);

// The same, always through event_reader.h (the reference for the shortcut above).
std::optional<std::string> parsed_content(std::string_view json);

}  // namespace datt::relay::sqlite
