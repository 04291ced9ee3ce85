// CancelToken: lets one thread stop work that another thread waits on (the
// app's Cancel button stopping a tool call). Work registers a callback while
// it runs; cancel() runs the callbacks once, at once for late registrations.
#pragma once

#include <functional>
#include <map>
#include <mutex>

namespace Hearth::Mcp {

class CancelToken {
public:
    void cancel();
    bool cancelled() const;
    // Runs `fn` on cancel (or now, if already cancelled). Returns a key for unsubscribe().
    int subscribe(std::function<void()> fn);
    void unsubscribe(int key);

private:
    mutable std::mutex m_mutex;
    bool m_cancelled = false;
    int m_next = 0;
    std::map<int, std::function<void()>> m_callbacks;
};

// Unsubscribes when the scope that subscribed ends.
class CancelSubscription {
public:
    CancelSubscription(CancelToken * token, std::function<void()> fn)
        : m_token(token), m_key(token ? token->subscribe(std::move(fn)) : -1) {}
    ~CancelSubscription() {
        if (m_token) m_token->unsubscribe(m_key);
    }
    CancelSubscription(const CancelSubscription &) = delete;
    CancelSubscription & operator=(const CancelSubscription &) = delete;

private:
    CancelToken * m_token;
    int m_key;
};

}  // namespace Hearth::Mcp
