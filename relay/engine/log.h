// Minimal leveled logging to stderr. Never pass secrets: the relay handles none, and
// event contents are not logged either (only ids and reasons).
#pragma once

#include <iostream>
#include <mutex>
#include <string_view>

namespace datt::relay::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

inline Level& threshold() {
    static Level level = Level::kInfo;
    return level;
}

inline bool set_level(std::string_view name) {
    if (name == "error") threshold() = Level::kError;
    else if (name == "warn") threshold() = Level::kWarn;
    else if (name == "info") threshold() = Level::kInfo;
    else if (name == "debug") threshold() = Level::kDebug;
    else return false;
    return true;
}

inline void write(Level level, std::string_view message) {
    if (level > threshold()) return;
    static std::mutex mutex;
    static constexpr const char* kNames[] = {"error", "warn", "info", "debug"};
    std::lock_guard lock(mutex);
    std::cerr << "datt-relay: " << kNames[static_cast<int>(level)] << ": " << message << std::endl;
}

inline void error(std::string_view m) { write(Level::kError, m); }
inline void warn(std::string_view m) { write(Level::kWarn, m); }
inline void info(std::string_view m) { write(Level::kInfo, m); }
inline void debug(std::string_view m) { write(Level::kDebug, m); }

}  // namespace datt::relay::log
