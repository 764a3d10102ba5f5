// The relay's ingest check for a community's rules (the relay calls it for each kind 1111
// event naming a community it holds, with that community's current view).
//
// An event that is not a kind 1111 item of this community is admitted (not its business).
// The owner and current moderators are always admitted. Otherwise, in this order:
//   banned       the author is banned now             "blocked: you are banned from <address>"
//   locked       a comment under a locked post        "blocked: the post is locked"
//   pow_too_low  the community's NIP-13 difficulty is not met (event/pow.h
//                meets_difficulty)                    "pow: difficulty <N> required"
// The message starts with the NIP-01 OK prefix, so the relay replies with it as it is; the
// code is stable for programs.
#pragma once

#include "community/definition.h"
#include "community/view.h"
#include "event/event.h"
#include "util/result.h"

namespace datt::community {

[[nodiscard]] Status admit(const Definition& definition, const CommunityView& view,
                           const event::Event& event);

}  // namespace datt::community
