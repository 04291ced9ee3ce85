#include "app_context.h"

#include <QtQml/qqml.h>

#include <QFileInfo>
#include <QQmlEngine>

#include "agent_controller.h"
#include "chat_controller.h"
#include "chat_feature.h"
#include "chat_model_controller.h"
#include "conversations_controller.h"
#include "export_controller.h"
#include "model_library_model.h"
#include "models_controller.h"
#include "preferences.h"
#include "server_controller.h"

namespace Hearth {

namespace {
// The AppContext QML's `App` resolves to (see create()).
AppContext * g_current = nullptr;
}  // namespace

AppContext::AppContext(QObject * parent)
    : AppContext(StartupOptions{.model = qEnvironmentVariable("HEARTH_MODEL")}, parent) {}

AppContext::AppContext(const StartupOptions & options, QObject * parent)
    : QObject(parent),
      m_preferences(new Preferences(this)),
      m_chatFeature(std::make_unique<ChatFeature>(QString(), this)),
      m_models(new ModelsController(this)),
      m_server(new ServerController(this)),
      m_exporter(new ExportController(this)) {
    // Tests look controllers up by name, as they did when QML made them.
    chat()->setObjectName(QStringLiteral("chatController"));
    m_models->setObjectName(QStringLiteral("modelsController"));
    m_server->setObjectName(QStringLiteral("serverController"));
    wire();
    chatModel()->loadAtStart(options.model);
    m_models->loadSettings();
    g_current = this;
}

AppContext::~AppContext() {
    if (g_current == this) g_current = nullptr;
}

ChatController * AppContext::chat() const {
    return m_chatFeature->chat();
}

ChatSettingsController * AppContext::chatSettings() const {
    return m_chatFeature->settings();
}

ChatModelController * AppContext::chatModel() const {
    return m_chatFeature->model();
}

ConversationsController * AppContext::conversations() const {
    return m_chatFeature->conversations();
}

AgentController * AppContext::agentController() const {
    return m_chatFeature->agent();
}

AppContext * AppContext::create(QQmlEngine *, QJSEngine *) {
    // The engine must not delete what C++ owns.
    if (g_current) QJSEngine::setObjectOwnership(g_current, QJSEngine::CppOwnership);
    return g_current;
}

void AppContext::wire() {
    // The server can serve the chat's loaded model instead of a second copy.
    m_server->setChatEngine(chatModel()->engine());
    m_exporter->setDatabasePath(conversations()->databasePath());
    connect(m_exporter, &ExportController::imported, this, [this](const QList<qint64> & ids) {
        conversations()->reloadConversations();
        if (!ids.isEmpty() && !chat()->generating()) chat()->setCurrentConversationId(ids.first());
    });
    // The server panel offers the chat's model first, once it is in the library.
    connect(chatModel(), &ChatModelController::modelChanged, this, &AppContext::preselectServerModel);
    ModelLibraryModel * library = m_models->library();
    connect(library, &QAbstractItemModel::modelReset, this, &AppContext::preselectServerModel);
    connect(library, &QAbstractItemModel::rowsInserted, this, &AppContext::preselectServerModel);
}

// The library file whose name starts with the chat model's name becomes the
// server's model, unless the user already chose one.
void AppContext::preselectServerModel() {
    const QString name = chatModel()->modelName();
    if (!m_server->modelPath().isEmpty() || name.isEmpty()) return;
    const ModelLibraryModel * library = m_models->library();
    for (int row = 0; row < library->rowCount(); ++row) {
        const QString path = library->pathAt(row);
        if (QFileInfo(path).fileName().startsWith(name)) {
            m_server->setModelPath(path);
            return;
        }
    }
}

}  // namespace Hearth
