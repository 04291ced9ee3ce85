#include "hearth/context_window.h"

#include <algorithm>
#include <string>

namespace hearth {

namespace {

struct Layout {
    size_t pinned = 0;               // messages before the first turn
    std::vector<size_t> turn_start;  // index of each turn's user message
};

Layout layout_of(const std::vector<ChatMessage> & m) {
    Layout l;
    while (l.pinned < m.size() && m[l.pinned].role != "user") ++l.pinned;
    for (size_t i = l.pinned; i < m.size(); ++i)
        if (m[i].role == "user") l.turn_start.push_back(i);
    return l;
}

// The conversation with turns [first, first + dropped) left out.
ContextWindow without(const std::vector<ChatMessage> & m, const Layout & l, size_t first, size_t dropped) {
    ContextWindow w;
    w.messages.assign(m.begin(), m.begin() + std::ptrdiff_t(l.pinned));
    const size_t turns = l.turn_start.size();
    for (size_t t = 0; t < turns; ++t) {
        const size_t begin = l.turn_start[t], end = t + 1 < turns ? l.turn_start[t + 1] : m.size();
        if (t >= first && t < first + dropped) {
            w.dropped_messages += int32_t(end - begin);
            continue;
        }
        w.messages.insert(w.messages.end(), m.begin() + std::ptrdiff_t(begin), m.begin() + std::ptrdiff_t(end));
    }
    w.dropped_turns = int32_t(dropped);
    return w;
}

}  // namespace

const char * context_overflow_name(ContextOverflow policy) {
    switch (policy) {
        case ContextOverflow_rolling_window:
            return "rolling_window";
        case ContextOverflow_truncate_middle:
            return "truncate_middle";
        case ContextOverflow_stop:
            return "stop";
    }
    return "rolling_window";
}

bool context_overflow_from_name(const std::string & name, ContextOverflow & policy) {
    for (ContextOverflow p : {ContextOverflow_rolling_window, ContextOverflow_truncate_middle, ContextOverflow_stop})
        if (name == context_overflow_name(p)) {
            policy = p;
            return true;
        }
    return false;
}

ContextWindow choose_context_window(const std::vector<ChatMessage> & messages, ContextOverflow policy, int32_t budget,
                                    int32_t previous_dropped, const PromptTokenCounter & count, float refill) {
    const Layout l = layout_of(messages);
    // Turns that may go: all but the last; truncate-middle also keeps the first.
    const size_t turns = l.turn_start.size();
    const size_t first = policy == ContextOverflow_truncate_middle ? 1 : 0;
    const size_t droppable = turns > first + 1 ? turns - first - 1 : 0;
    auto measure = [&](size_t dropped) {
        ContextWindow w = without(messages, l, first, dropped);
        w.n_tokens = count(w.messages);
        w.fits = w.n_tokens <= budget;
        return w;
    };
    ContextWindow all = measure(0);
    if (all.fits || policy == ContextOverflow_stop || droppable == 0) return all;

    // Keep the last turn's choice while it still fits: the prompt's prefix stays the same.
    const size_t previous = std::min(size_t(std::max(previous_dropped, 0)), droppable);
    if (previous > 0) {
        ContextWindow w = measure(previous);
        if (w.fits) return w;
    }
    // The fewest dropped turns that bring the prompt under `target`: fewer
    // tokens the more is dropped, so a binary search over the count.
    auto fewest_under = [&](int32_t target) {
        size_t lo = 1, hi = droppable;
        ContextWindow best = measure(hi);
        if (best.n_tokens > target) return best;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            ContextWindow w = measure(mid);
            if (w.n_tokens <= target) {
                best = std::move(w);
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return best.dropped_turns == int32_t(lo) ? best : measure(lo);
    };
    ContextWindow w = fewest_under(int32_t(float(budget) * refill));
    if (!w.fits) w = fewest_under(budget);
    return w;
}

}  // namespace hearth
