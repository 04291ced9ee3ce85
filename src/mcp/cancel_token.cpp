#include "mcp/cancel_token.h"

#include <vector>

namespace Hearth::Mcp {

void CancelToken::cancel() {
    std::map<int, std::function<void()>> callbacks;
    {
        std::lock_guard lock(m_mutex);
        if (m_cancelled) return;
        m_cancelled = true;
        callbacks.swap(m_callbacks);
    }
    for (auto & [key, fn] : callbacks) fn();  // outside the lock: a callback may take other locks
}

bool CancelToken::cancelled() const {
    std::lock_guard lock(m_mutex);
    return m_cancelled;
}

int CancelToken::subscribe(std::function<void()> fn) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_cancelled) {
            m_callbacks.emplace(++m_next, std::move(fn));
            return m_next;
        }
    }
    fn();
    return 0;
}

void CancelToken::unsubscribe(int key) {
    std::lock_guard lock(m_mutex);
    m_callbacks.erase(key);
}

}  // namespace Hearth::Mcp
