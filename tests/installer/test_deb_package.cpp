// Builds the .deb with CPack, unpacks it with dpkg -x into a temporary root,
// and checks what a user's system would receive: binaries that start, a valid
// desktop entry, icons in the hicolor sizes, AppStream metainfo.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {
struct Run {
    int code;
    QString out;
};

Run run(const QString & program, const QStringList & args, int timeoutMs = 300000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted()) return {-1, QStringLiteral("cannot start ") + program};
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromLocal8Bit(p.readAll())};
}
}  // namespace

class TestDebPackage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_root;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        Run r = run(QStringLiteral(HEARTH_CPACK),
                    {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("--config"),
                     QStringLiteral(HEARTH_BUILD_DIR "/CPackConfig.cmake"), QStringLiteral("-B"), m_dir.path()});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QStringList debs = QDir(m_dir.path()).entryList({QStringLiteral("hearth_*.deb")}, QDir::Files);
        QCOMPARE(debs.size(), 1);
        m_root = m_dir.path() + QStringLiteral("/root");
        r = run(QStringLiteral("dpkg"), {QStringLiteral("-x"), m_dir.path() + u'/' + debs.first(), m_root});
        QVERIFY2(r.code == 0, qPrintable(r.out));

        r = run(QStringLiteral("dpkg-deb"),
                {QStringLiteral("-f"), m_dir.path() + u'/' + debs.first(), QStringLiteral("Depends")});
        QVERIFY2(r.out.contains(QStringLiteral("libqt6quick6")), qPrintable(r.out));
    }

    void binariesStart() {
        for (const char * bin : {"hearth", "hearth-cli"}) {
            QString path = m_root + QStringLiteral("/usr/bin/") + QLatin1String(bin);
            QVERIFY2(QFileInfo(path).isExecutable(), qPrintable(path));
            Run r = run(path, {QStringLiteral("--version")}, 30000);
            QVERIFY2(r.code == 0, qPrintable(r.out));
            QVERIFY2(r.out.startsWith(QLatin1String(bin) + QStringLiteral(" 0.")), qPrintable(r.out));
        }
    }

    void desktopEntryIsValid() {
        QString desktop = m_root + QStringLiteral("/usr/share/applications/hearth.desktop");
        QVERIFY(QFileInfo::exists(desktop));
        Run r = run(QStringLiteral("desktop-file-validate"), {desktop});
        if (r.code == -1) QSKIP("desktop-file-validate is not installed (package desktop-file-utils)");
        QVERIFY2(r.code == 0 && r.out.trimmed().isEmpty(), qPrintable(r.out));
    }

    void iconsInHicolorSizes() {
        for (int size : {16, 32, 48, 64, 128, 256}) {
            QString png = m_root + QStringLiteral("/usr/share/icons/hicolor/%1x%1/apps/hearth.png").arg(size);
            QImage image(png);
            QVERIFY2(!image.isNull(), qPrintable(png));
            QCOMPARE(image.size(), QSize(size, size));
        }
        QVERIFY(QFileInfo::exists(m_root + QStringLiteral("/usr/share/icons/hicolor/scalable/apps/hearth.svg")));
    }

    void metainfoIsPresent() {
        QString meta = m_root + QStringLiteral("/usr/share/metainfo/io.github.hearth.Hearth.metainfo.xml");
        QVERIFY(QFileInfo::exists(meta));
        Run r = run(QStringLiteral("appstreamcli"), {QStringLiteral("validate"), QStringLiteral("--no-net"), meta});
        if (r.code == -1) QSKIP("appstreamcli is not installed (package appstream)");
        QVERIFY2(r.code == 0, qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestDebPackage)
#include "test_deb_package.moc"
