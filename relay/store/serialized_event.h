// An event with its wire JSON (Event::to_json), made once when the event is wrapped: the
// relay wraps on its worker threads (the ingester), so that the single writer neither
// serializes the event for its insert nor again for the fan-out (docs/performance.md,
// "Issue 17"). Constructible only from an Event, so the JSON is always that event's.
#pragma once

#include <string>
#include <utility>

#include "event/event.h"

namespace datt::relay {

class SerializedEvent {
  public:
    // Implicit: a command built from a plain Event (PutEvent{event}) serializes it here.
    SerializedEvent(event::Event event)  // NOLINT(google-explicit-constructor)
        : event_(std::move(event)), json_(event_.to_json()) {}

    const event::Event& event() const { return event_; }
    const std::string& json() const { return json_; }

    // Moves both out (the writer hands them to the fan-out); the object is spent after.
    std::pair<event::Event, std::string> release() && {
        return {std::move(event_), std::move(json_)};
    }

  private:
    event::Event event_;
    std::string json_;
};

}  // namespace datt::relay
