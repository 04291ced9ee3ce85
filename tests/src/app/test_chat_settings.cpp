// App-wide chat settings: what AppSettings keeps across restarts (the last
// model, the theme, the new-chat defaults, the user's presets, hand-edited
// values read back bounded), the chat controller taking the defaults and
// presets, and the thinking switch reaching the chat template as
// enable_thinking (Qwen3's and QwQ's real templates).
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "chat_controller.h"
#include "chat_feature.h"
#include "chat_settings_controller.h"
#include "common/fixtures.h"
#include "core/app_settings.h"
#include "core/context_planner.h"
#include "hearth/chat_setup.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"
#include "preferences.h"

using namespace Hearth;

class TestChatSettings : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_serial = 0;

    QString freshIni() { return m_dir.filePath(QStringLiteral("s%1.ini").arg(++m_serial)); }

    // The planner's prompt for one user message under `templateFile` with the switch as given.
    std::string promptWith(const char * templateFile, bool thinking) {
        const std::string model = HEARTH_FIXTURE("models/stories260K.gguf");
        hearth::ChatSetup setup;
        setup.chat_template = std::make_shared<const hearth::ChatTemplate>(
            hearth::ChatTemplate::from_file(HEARTH_FIXTURE(std::string("templates/source/") + templateFile)));
        setup.n_ctx = 2048;
        ContextPlanner planner;
        planner.setModel(&setup, std::make_shared<const hearth::Tokenizer>(
                                     hearth::Tokenizer::from_gguf(hearth::GgufFile::open(model))));
        Message user;
        user.conversationId = 1;
        user.role = MessageRole::User;
        user.content = QStringLiteral("Hello");
        GenerationSettings s;
        s.thinking = thinking;
        return planner.plan({user}, s, QString(), false).prompt;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("HEARTH_DATA_DIR", m_dir.path().toUtf8());
        qunsetenv("HEARTH_MODEL");
    }

    void lastModelAndThemePersist() {
        const QString ini = freshIni();
        {
            AppSettings s(ini);
            QCOMPARE(s.lastModel(), QString());
            QCOMPARE(s.theme(), QStringLiteral("system"));
            s.setLastModel(QStringLiteral("/models/a/../qwen3.gguf"));
            s.setTheme(QStringLiteral("dark"));
        }
        AppSettings again(ini);  // as after a restart
        QCOMPARE(again.lastModel(), QStringLiteral("/models/qwen3.gguf"));
        QCOMPARE(again.theme(), QStringLiteral("dark"));
        again.setTheme(QStringLiteral("purple"));  // unknown: back to following the system
        QCOMPARE(AppSettings(ini).theme(), QStringLiteral("system"));
        again.setLastModel(QString());
        QCOMPARE(AppSettings(ini).lastModel(), QString());
    }

    void defaultsPersistWithoutSeedOrPolicy() {
        const QString ini = freshIni();
        AppSettings s(ini);
        const GenerationSettings plain = s.chatDefaults();
        QCOMPARE(plain.maxTokens, GenerationSettings{}.maxTokens);
        QCOMPARE(plain.temperature, GenerationSettings{}.temperature);
        QVERIFY(plain.thinking);

        GenerationSettings d;
        d.systemPrompt = QStringLiteral("Answer in French.");
        d.temperature = 0.3;
        d.maxTokens = 777;
        d.seed = 5;
        d.thinking = false;
        d.contextOverflow = QStringLiteral("truncate_middle");
        s.setChatDefaults(d);
        const GenerationSettings back = AppSettings(ini).chatDefaults();
        QCOMPARE(back.systemPrompt, d.systemPrompt);
        QCOMPARE(back.temperature, 0.3);
        QCOMPARE(back.maxTokens, 777);
        QVERIFY(!back.thinking);
        QCOMPARE(back.seed, -1);                    // every reply still gets its own seed
        QCOMPARE(back.contextOverflow, QString());  // chats follow the app's policy...
        QCOMPARE(AppSettings(ini).contextOverflow(), QStringLiteral("truncate_middle"));  // ...which is now this
    }

    void presetsSaveRemoveAndBounds() {
        const QString ini = freshIni();
        AppSettings s(ini);
        const QList<ChatPreset> builtIn = s.presets();
        QCOMPARE(builtIn.size(), 3);
        QCOMPARE(builtIn.first().name, QStringLiteral("Balanced"));
        QVERIFY(std::all_of(builtIn.begin(), builtIn.end(), [](const ChatPreset & p) { return p.builtIn; }));

        GenerationSettings mine;
        mine.temperature = 1.4;
        mine.maxTokens = 300;
        mine.seed = 99;
        mine.systemPrompt = QStringLiteral("Be brief.");
        QVERIFY(s.savePreset(QStringLiteral("  Short   answers "), mine));
        QVERIFY(!s.savePreset(QStringLiteral("precise"), mine));  // a built-in name, any case
        QVERIFY(!s.savePreset(QStringLiteral("   "), mine));
        const std::optional<GenerationSettings> back = AppSettings(ini).preset(QStringLiteral("Short answers"));
        QVERIFY(back);
        QCOMPARE(back->temperature, 1.4);
        QCOMPARE(back->maxTokens, 300);
        QCOMPARE(back->seed, -1);  // a style, not one reply
        QCOMPARE(back->systemPrompt, QStringLiteral("Be brief."));
        QCOMPARE(AppSettings(ini).presets().size(), 4);
        QCOMPARE(AppSettings(ini).presets().last().name, QStringLiteral("Short answers"));

        QVERIFY(!s.removePreset(QStringLiteral("Precise")));
        QVERIFY(!s.removePreset(QStringLiteral("nothing")));
        QVERIFY(s.removePreset(QStringLiteral("Short answers")));
        QCOMPARE(AppSettings(ini).presets().size(), 3);

        // At most kMaxPresets of the user's own.
        for (int i = 0; i < kMaxPresets; ++i)
            QVERIFY(s.savePreset(QStringLiteral("p%1").arg(i, 3, 10, QChar('0')), mine));
        QVERIFY(!s.savePreset(QStringLiteral("one too many"), mine));
        QVERIFY(s.savePreset(QStringLiteral("p000"), mine));  // overwriting is fine
        QCOMPARE(s.presets().size(), 3 + kMaxPresets);
    }

    void handEditedPresetsAreReadBounded() {
        const QString ini = freshIni();
        {
            QSettings raw(ini, QSettings::IniFormat);
            raw.setValue(QStringLiteral("chat/presets"),
                         QStringLiteral(R"({"Good":{"temperature":0.5},"Balanced":{"temperature":2},)"
                                        R"("bad":[1,2],"  spaced  ":{"temperature":0.1},"":{}})"));
            raw.setValue(QStringLiteral("chat/defaults"), QStringLiteral("{not json"));
        }
        AppSettings s(ini);
        const QList<ChatPreset> all = s.presets();
        QCOMPARE(all.size(), 4);  // the built-ins, then only "Good"
        QCOMPARE(all.last().name, QStringLiteral("Good"));
        QCOMPARE(all.last().settings.temperature, 0.5);
        QCOMPARE(s.preset(QStringLiteral("Balanced"))->temperature, GenerationSettings{}.temperature);
        QCOMPARE(s.chatDefaults().maxTokens, GenerationSettings{}.maxTokens);  // broken defaults: the plain ones
    }

    void chatTakesDefaultsAndPresets() {
        AppSettings app;  // HEARTH_DATA_DIR's settings.ini: what the controller reads
        GenerationSettings d;
        d.maxTokens = 333;
        d.temperature = 0.6;
        app.setChatDefaults(d);
        ChatFeature feature(m_dir.filePath(QStringLiteral("chat.db")), nullptr);
        ChatController & chat = *feature.chat();
        ChatSettingsController & settings = *feature.settings();
        QCOMPARE(settings.settings().value("maxTokens").toInt(), 333);
        QCOMPARE(settings.settings().value("thinking").toBool(), true);
        settings.setSetting(QStringLiteral("maxTokens"), 50);
        settings.setSetting(QStringLiteral("thinking"), false);
        QCOMPARE(settings.settings().value("thinking").toBool(), false);
        chat.newChat();  // a new chat: the defaults again, not the last chat's
        QCOMPARE(settings.settings().value("maxTokens").toInt(), 333);
        QCOMPARE(settings.settings().value("thinking").toBool(), true);
        QCOMPARE(settings.activePreset(), QString());  // 0.6 is none of the presets

        QSignalSpy presets(&settings, &ChatSettingsController::presetsChanged);
        settings.setSetting(QStringLiteral("systemPrompt"), QStringLiteral("You are terse."));
        QVERIFY(settings.applyPreset(QStringLiteral("Precise")));
        QCOMPARE(settings.settings().value("temperature").toDouble(), 0.2);
        QCOMPARE(settings.settings().value("systemPrompt").toString(), QStringLiteral("You are terse."));  // kept
        QCOMPARE(settings.activePreset(), QStringLiteral("Precise"));
        QVERIFY(!settings.applyPreset(QStringLiteral("No such preset")));

        settings.setSetting(QStringLiteral("temperature"), 0.9);
        QCOMPARE(settings.activePreset(), QString());
        QVERIFY(settings.savePreset(QStringLiteral("Warm")));
        QCOMPARE(presets.count(), 1);
        QVERIFY(settings.presetNames().contains(QStringLiteral("Warm")));
        QCOMPARE(settings.activePreset(), QStringLiteral("Warm"));
        QVERIFY(AppSettings().preset(QStringLiteral("Warm")));

        settings.saveAsDefaults();
        QCOMPARE(AppSettings().chatDefaults().temperature, 0.9);
        settings.setSetting(QStringLiteral("temperature"), 1.5);
        settings.resetSettings();  // back to the (new) defaults; the prompt stays
        QCOMPARE(settings.settings().value("temperature").toDouble(), 0.9);
        QCOMPARE(settings.settings().value("systemPrompt").toString(), QStringLiteral("You are terse."));
        QVERIFY(settings.removePreset(QStringLiteral("Warm")));
        QVERIFY(!settings.presetNames().contains(QStringLiteral("Warm")));
        AppSettings().setChatDefaults(GenerationSettings{});
    }

    void thinkingIsStoredWithTheChat() {
        GenerationSettings s;
        QVERIFY(!s.samplingJson().contains(QStringLiteral("enable_thinking")));  // on: the stored JSON as before
        s.thinking = false;
        QCOMPARE(s.samplingJson().value(QStringLiteral("enable_thinking")).toBool(true), false);
        QCOMPARE(GenerationSettings::fromJson(s.samplingJson(), QString()).thinking, false);
        QCOMPARE(GenerationSettings::fromJson(QJsonObject{}, QString()).thinking, true);
    }

    void thinkingSwitchReachesTheTemplate() {
        // Qwen3: off closes an empty think block in the generation prompt.
        QVERIFY(promptWith("Qwen-Qwen3-0.6B.jinja", false).find("<think>\n\n</think>") != std::string::npos);
        QVERIFY(promptWith("Qwen-Qwen3-0.6B.jinja", true).find("</think>") == std::string::npos);
        // QwQ-style: thinks only when enable_thinking is set, which nothing did before.
        const std::string on = promptWith("Qwen-QwQ-32B.jinja", true);
        QVERIFY(on.size() >= 8 && on.compare(on.size() - 8, 8, "<think>\n") == 0);
        const std::string off = promptWith("Qwen-QwQ-32B.jinja", false);
        QVERIFY(off.size() >= 8 && off.compare(off.size() - 8, 8, "</think>") == 0);
    }

    void themePreferencePersists() {
        {
            Preferences p;
            QSignalSpy changed(&p, &Preferences::themeChanged);
            p.setTheme(QStringLiteral("light"));
            QCOMPARE(p.themeMode(), QStringLiteral("light"));
            QCOMPARE(changed.count(), 1);
            p.setTheme(QStringLiteral("light"));
            QCOMPARE(changed.count(), 1);
        }
        Preferences again;
        QCOMPARE(again.theme(), QStringLiteral("light"));
        again.setTheme(QStringLiteral("system"));
        QCOMPARE(again.themeMode(), QString());
        QCOMPARE(Preferences().theme(), QStringLiteral("system"));
    }
};

QTEST_MAIN(TestChatSettings)
#include "test_chat_settings.moc"
