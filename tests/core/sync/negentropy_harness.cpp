// A stdio harness around core/sync in the line protocol of the reference implementation's
// conformance suite (hoytech/negentropy test/: fuzz.pl, test.pl), so Datt can be run
// against other implementations' harnesses, and by tests/interop/negentropy.test.mjs.
//
// Input lines:   item,<timestamp>,<id hex>   add an item (before seal)
//                seal                        build the set and the session
//                initiate                    become the initiator; prints msg,<hex>
//                msg,<hex>                   reconcile a message
// Output lines:  msg,<hex>   have,<id hex>   need,<id hex>   done
// FRAMESIZELIMIT in the environment sets the frame size limit (0 or unset: none). Any
// error prints "error,<code>,<message>" and exits with status 1.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sync/item_set.h"
#include "sync/session.h"
#include "util/hex.h"

namespace {

using namespace datt;
using namespace datt::sync;

[[noreturn]] void fail(const std::string& code, const std::string& message) {
    std::cout << "error," << code << "," << message << std::endl;
    std::exit(1);
}

template <class T>
T value_or_fail(Result<T> result) {
    if (!result) fail(result.error().code, result.error().message);
    return std::move(result).value();
}

uint64_t parse_u64(const std::string& text) {
    if (text.empty() || text.size() > 20 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        fail("bad_number", "not a timestamp: " + text);
    }
    const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (value == ~0ull && text != "18446744073709551615")
        fail("bad_number", "out of range: " + text);
    return value;
}

}  // namespace

int main() {
    Limits limits;
    if (const char* env = std::getenv("FRAMESIZELIMIT"); env && *env) {
        limits.frame_size_limit = parse_u64(env);
    }
    limits.max_items = UINT64_MAX;

    std::vector<Item> items;
    std::shared_ptr<const ItemSet> set;
    std::optional<Initiator> initiator;
    std::optional<Responder> responder;

    for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const size_t comma = line.find(',');
        const std::string command = line.substr(0, comma);
        const std::string rest = comma == std::string::npos ? "" : line.substr(comma + 1);
        if (command == "item") {
            const size_t second = rest.find(',');
            if (second == std::string::npos) fail("bad_line", line);
            const uint64_t timestamp = parse_u64(rest.substr(0, second));
            const auto id = value_or_fail(from_hex_fixed<32>(rest.substr(second + 1)));
            items.push_back({timestamp, id});
        } else if (command == "seal") {
            set = std::make_shared<const ItemSet>(value_or_fail(ItemSet::from_items(items)));
            responder.emplace(value_or_fail(Responder::create(set, limits)));
        } else if (command == "initiate") {
            if (!set) fail("bad_line", "initiate before seal");
            initiator.emplace(value_or_fail(Initiator::create(set, limits)));
            std::cout << "msg," << to_hex(initiator->initiate()) << std::endl;
        } else if (command == "msg") {
            if (!set) fail("bad_line", "msg before seal");
            const Bytes message = value_or_fail(from_hex(rest));
            if (initiator) {
                const InitiatorStep step = value_or_fail(initiator->reconcile(message));
                for (const Hash256& id : step.have) std::cout << "have," << to_hex(id) << "\n";
                for (const Hash256& id : step.need) std::cout << "need," << to_hex(id) << "\n";
                if (step.done()) {
                    std::cout << "done" << std::endl;
                } else {
                    std::cout << "msg," << to_hex(*step.next) << std::endl;
                }
            } else {
                std::cout << "msg," << to_hex(value_or_fail(responder->reconcile(message)))
                          << std::endl;
            }
        } else {
            fail("bad_line", "unknown command: " + command);
        }
    }
    return 0;
}
