// `datt-relay sync <peer-url> [filter-json] [--database FILE] [options]`: reconciles one
// filter's events in a database with a peer relay once (NIP-77), fetches what the database
// lacks, stores it, and reports what it moved. For operators: filling a new relay from an
// old one, or checking that two relays agree. Run it against a database no relay process
// is writing (SQLite allows one writer; a running relay would not see the new events live).
#pragma once

#include <string>
#include <vector>

namespace datt::relay {

// argv after "sync"; returns the process exit code (0 done, 1 failed, 2 usage).
int run_sync_command(const std::vector<std::string>& args);

}  // namespace datt::relay
