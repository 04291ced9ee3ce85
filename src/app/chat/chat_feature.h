// ChatFeature: the chat feature's owner. It opens the conversation store
// (StoreWorker, its own thread) and makes the chat's controllers on it, wires
// them to one another, and tears them down in order. Not a QObject and not in
// QML: AppContext owns one (and exposes its controllers as App.chat, ...), and
// a test builds one on its own database, so both run the very same wiring.
//
// Opening waits for the store thread to open and migrate the database: the
// app does it before its window shows. A database that cannot be opened is
// reported on the chat's error line, and the controllers then run without a
// store (nothing is saved, nothing can be sent).
//
// Teardown (the destructor) keeps a streaming reply's text: the reply's saver
// is flushed, the engines stop, and only then does the worker run every queued
// write and stop. The controllers are deleted last; they may have `parent` as
// their QObject parent, which their deletion detaches them from.
#pragma once

#include <QString>
#include <memory>

class QObject;

namespace Hearth {

class AgentController;
class ChatController;
class ChatModelController;
class ChatSettingsController;
class ConversationsController;
class StoreWorker;

class ChatFeature {
public:
    // The store at `databasePath` ("" = Hearth::databasePath()); the
    // controllers' QObject parent is `parent` (may be null).
    ChatFeature(const QString & databasePath, QObject * parent);
    ~ChatFeature();
    ChatFeature(const ChatFeature &) = delete;
    ChatFeature & operator=(const ChatFeature &) = delete;

    ChatController * chat() const { return m_chat; }
    ChatSettingsController * settings() const { return m_settings; }
    ChatModelController * model() const { return m_model; }
    ConversationsController * conversations() const { return m_conversations; }
    AgentController * agent() const { return m_agent; }
    // The database file ("" when it could not be opened).
    QString databasePath() const;

private:
    std::unique_ptr<StoreWorker> m_worker;  // null when the database could not be opened
    ChatSettingsController * m_settings = nullptr;
    ChatModelController * m_model = nullptr;
    ConversationsController * m_conversations = nullptr;
    AgentController * m_agent = nullptr;
    ChatController * m_chat = nullptr;

    void wire();
    void wireTools();
};

}  // namespace Hearth
