// AppContext: the app's controllers, created and wired in C++ (not as QML
// children), and handed to QML as the singleton `App`.
//
// It owns Preferences, the chat feature (ChatFeature: the store and the
// chat's controllers, which it wires to one another), the ModelsController,
// the ServerController and the ExportController, and connects the features:
//   - the server may share the chat's engine (one model in memory);
//   - the exporter reads the chat's database, and an import reloads the
//     sidebar and opens the first imported conversation;
//   - the server panel preselects the chat's model from the library;
//   - the models' saved settings are read once, at start.
//
// main.cpp and the GUI tests build it the same way, before loading Main.qml:
// one AppContext per engine, alive for as long as the engine's QML is
// (declare it before the engine, or parent it to the engine). QML reads
// `App.chat`, `App.conversations`, `App.chatSettings`, `App.chatModel`,
// `App.agentController`, `App.models`, ... ;
// `App`'s create() hands QML the instance made last, keeping its ownership
// in C++.
//
// The model to load at start comes from StartupOptions (main.cpp parses the
// command line once); without one, the model that last loaded is loaded again.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <memory>

#include "startup_options.h"

class QJSEngine;
class QQmlEngine;

namespace Hearth {

class AgentController;
class ChatController;
class ChatFeature;
class ChatModelController;
class ChatSettingsController;
class ConversationsController;
class ExportController;
class ModelsController;
class Preferences;
class ServerController;

class AppContext : public QObject {
    Q_OBJECT
    Q_MOC_INCLUDE("agent_controller.h")
    Q_MOC_INCLUDE("chat_controller.h")
    Q_MOC_INCLUDE("chat_model_controller.h")
    Q_MOC_INCLUDE("chat_settings_controller.h")
    Q_MOC_INCLUDE("conversations_controller.h")
    Q_MOC_INCLUDE("export_controller.h")
    Q_MOC_INCLUDE("models_controller.h")
    Q_MOC_INCLUDE("preferences.h")
    Q_MOC_INCLUDE("server_controller.h")
    QML_NAMED_ELEMENT(App)
    QML_SINGLETON
    Q_PROPERTY(Hearth::Preferences * preferences READ preferences CONSTANT)
    Q_PROPERTY(Hearth::ChatController * chat READ chat CONSTANT)
    Q_PROPERTY(Hearth::ChatSettingsController * chatSettings READ chatSettings CONSTANT)
    Q_PROPERTY(Hearth::ChatModelController * chatModel READ chatModel CONSTANT)
    Q_PROPERTY(Hearth::ConversationsController * conversations READ conversations CONSTANT)
    Q_PROPERTY(Hearth::AgentController * agentController READ agentController CONSTANT)
    Q_PROPERTY(Hearth::ModelsController * models READ models CONSTANT)
    Q_PROPERTY(Hearth::ServerController * server READ server CONSTANT)
    Q_PROPERTY(Hearth::ExportController * exporter READ exporter CONSTANT)
public:
    // No default argument: QML (Qt 6.4) would default-construct a second
    // AppContext of its own instead of calling create().
    AppContext(const StartupOptions & options, QObject * parent);
    // As the app with no arguments: the model from $HEARTH_MODEL, else the last one (the GUI tests).
    explicit AppContext(QObject * parent);
    ~AppContext() override;

    Preferences * preferences() const { return m_preferences; }
    ChatController * chat() const;
    ChatSettingsController * chatSettings() const;
    ChatModelController * chatModel() const;
    ConversationsController * conversations() const;
    AgentController * agentController() const;
    ModelsController * models() const { return m_models; }
    ServerController * server() const { return m_server; }
    ExportController * exporter() const { return m_exporter; }

    // QML's `App`: the AppContext made last (nullptr, and a QML error, when
    // none was made before the QML was loaded).
    static AppContext * create(QQmlEngine * qmlEngine, QJSEngine * jsEngine);

private:
    void wire();
    void preselectServerModel();

    Preferences * m_preferences;
    // The store and the chat's controllers (children of this context, deleted
    // by the feature in its order, before the other controllers).
    std::unique_ptr<ChatFeature> m_chatFeature;
    ModelsController * m_models;
    ServerController * m_server;
    ExportController * m_exporter;
};

}  // namespace Hearth
