// Stop strings over streamed text, without leaking a partial match.
//
// Text is released only when no stop string can still start inside it: the
// longest tail that is a prefix of some stop string is held back until the
// next piece decides it. When a stop string completes, the text before it is
// released and everything from the match on is dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class StopFilter {
public:
    explicit StopFilter(std::vector<std::string> stops);

    // Appends a piece; returns the text that is now safe to emit. `stopped`
    // becomes true when a stop string completed (the return value then holds
    // the text up to the match).
    std::string push(std::string_view piece, bool & stopped);
    // At the end of generation: whatever was held back.
    std::string flush();

private:
    size_t held_tail() const;

    std::vector<std::string> m_stops;
    std::string m_pending;
};

}  // namespace hearth
