// datt_content(json): stored_content (stored_content.h) as an SQL function, NULL when the
// JSON is not an event's: the schema 10 migration and the writer's search index deletes.
#pragma once

struct sqlite3;

namespace datt::relay::sqlite {

// Registers datt_content on `db`. SQLite result code.
int register_content_function(sqlite3* db);

}  // namespace datt::relay::sqlite
