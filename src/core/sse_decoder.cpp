#include "core/sse_decoder.h"

#include <cstring>

namespace Hearth {

QList<QByteArray> SseDecoder::feed(const char * data, size_t size) {
    QList<QByteArray> out;
    const char * p = data;
    const char * end = data + size;
    while (p < end && !failed()) {
        const char * nl = static_cast<const char *>(memchr(p, '\n', size_t(end - p)));
        const char * stop = nl ? nl : end;
        if (m_line.size() + (stop - p) > m_maxLine) {
            m_error = QStringLiteral("the server sent a stream line longer than %1 KiB").arg(m_maxLine / 1024);
            m_line.clear();
            m_data.clear();
            break;
        }
        m_line.append(p, stop - p);
        if (!nl) break;
        takeLine(std::move(m_line), out);
        m_line = QByteArray();
        p = nl + 1;
    }
    return out;
}

QList<QByteArray> SseDecoder::finish() {
    QList<QByteArray> out;
    if (failed()) return out;
    if (!m_line.isEmpty()) takeLine(std::move(m_line), out);
    m_line = QByteArray();
    if (m_hasData && !failed()) out.append(std::move(m_data));
    m_data = QByteArray();
    m_hasData = false;
    return out;
}

void SseDecoder::takeLine(QByteArray line, QList<QByteArray> & out) {
    if (line.endsWith('\r')) line.chop(1);
    if (line.isEmpty()) {  // a blank line ends the event
        if (m_hasData) out.append(std::move(m_data));
        m_data = QByteArray();
        m_hasData = false;
        return;
    }
    if (line.startsWith(':') || !line.startsWith("data:")) return;
    qsizetype from = 5;
    if (line.size() > from && line.at(from) == ' ') ++from;
    if (m_hasData) m_data.append('\n');
    m_data.append(line.constData() + from, line.size() - from);
    m_hasData = true;
    if (m_data.size() > m_maxLine) {
        m_error = QStringLiteral("the server sent a stream event larger than %1 KiB").arg(m_maxLine / 1024);
        m_data.clear();
        m_hasData = false;
    }
}

}  // namespace Hearth
