// ChatEngine: what the chat needs from whatever generates its replies, a
// local model (EngineBridge) or a remote OpenAI-compatible endpoint
// (RemoteEngine).
//
// Every call returns at once and never waits on the engine or the network;
// results come back as signals on the engine's (GUI) thread. For one request:
// contextPlanned (when the engine knows the context's use), textReceived (at
// most about every 16 ms, the text generated since the last one), then
// generationFinished with the whole result, its tool calls and stats, or an
// error sentence with the text received so far.
#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include "core/generation_types.h"

namespace Hearth {

class ChatEngine : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // Generates the reply that follows `history` (root -> the last message
    // before it). `requestId` names the request in the signals.
    virtual void generate(qint64 requestId, const QList<Hearth::Message> & history,
                          const Hearth::GenerationSettings & settings) = 0;
    // Continues `partial` (an interrupted reply's raw text) after `history`.
    virtual void continueReply(qint64 requestId, const QList<Hearth::Message> & history, const QString & partial,
                               const Hearth::GenerationSettings & settings) = 0;
    // The context meter's figure for a chat without generating (contextPlanned), where the engine can tell.
    virtual void measureContext(qint64 requestId, const QList<Hearth::Message> & history,
                                const Hearth::GenerationSettings & settings) = 0;
    virtual void cancel(qint64 requestId) = 0;

signals:
    void contextPlanned(qint64 requestId, const Hearth::ContextUsage & usage);
    void textReceived(qint64 requestId, const QString & content, const QString & reasoning);
    void generationFinished(qint64 requestId, const Hearth::GenerationResult & result);
};

}  // namespace Hearth
