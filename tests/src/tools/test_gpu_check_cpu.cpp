// tools/gpu-check.sh in CPU mode (HEARTH_GPU_CHECK_FORCE_CPU=1), reusing this
// build folder: every step reports, the GPU steps are skipped with a reason,
// the bench plumbing runs on a tiny model on the CPU, and both reports are
// written and agree. A ctest run made to fail (a stand-in ctest on PATH for
// one label) shows that a failed step is reported and the script goes on.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestGpuCheckCpu : public QObject {
    Q_OBJECT

private slots:
    void usageWithoutOutputFolder() {
        QProcess p;
        p.start("bash", {QStringLiteral(HEARTH_GPU_CHECK_SCRIPT)});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("usage: tools/gpu-check.sh OUT_DIR"));
    }

    void cpuModeWritesTheReport() {
        QTemporaryDir work, out, bin;
        // ctest -L broken fails as a broken test would; every other ctest call is the real one.
        const QString real_ctest = QStandardPaths::findExecutable("ctest");
        QVERIFY(!real_ctest.isEmpty());
        QFile fake(bin.filePath("ctest"));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write(
            "#!/usr/bin/env bash\n"
            "for a in \"$@\"; do\n"
            "  if [ \"$a\" = broken ]; then\n"
            "    echo '0% tests passed, 1 tests failed out of 1'; echo '  1 - test_made_to_fail (Failed)'; exit 8\n"
            "  fi\n"
            "done\n"
            "exec '" +
            real_ctest.toUtf8() + "' \"$@\"\n");
        fake.close();
        QVERIFY(fake.setPermissions(fake.permissions() | QFile::ExeOwner));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", bin.path() + ":" + env.value("PATH"));
        env.insert("HEARTH_GPU_CHECK_FORCE_CPU", "1");
        env.insert("HEARTH_GPU_CHECK_REUSE_BUILD", "1");
        env.insert("HEARTH_GPU_CHECK_BUILD", HEARTH_BUILD_DIR);
        env.insert("HEARTH_GPU_CHECK_WORK", work.path());
        // The cuda-sim label runs in this ctest already; "broken" is the stand-in's failure.
        env.insert("HEARTH_GPU_CHECK_CTEST_LABELS", "gpu broken");
        p.setProcessEnvironment(env);
        p.start("bash", {QStringLiteral(HEARTH_GPU_CHECK_SCRIPT), out.path()});
        QVERIFY(p.waitForFinished(540000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0, err.constData());

        QFile jf(out.filePath("report.json"));
        QVERIFY(jf.open(QIODevice::ReadOnly));
        QJsonParseError perr;
        const QJsonObject report = QJsonDocument::fromJson(jf.readAll(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
        QCOMPARE(report["gpu"].toObject()["present"].toBool(), false);

        const QJsonArray steps = report["steps"].toArray();
        QStringList names;
        for (const QJsonValue & s : steps) names << s.toObject()["name"].toString();
        QCOMPARE(names, QStringList({"gpu", "build", "ctest-gpu", "ctest-broken", "sanitizer", "models", "bench",
                                     "bandwidth", "logits"}));
        auto step = [&](const QString & name) {
            for (const QJsonValue & s : steps)
                if (s.toObject()["name"].toString() == name) return s.toObject();
            return QJsonObject();
        };
        QCOMPARE(step("gpu")["status"].toString(), QString("skip"));
        QVERIFY(step("gpu")["details"].toString().contains("HEARTH_GPU_CHECK_FORCE_CPU"));
        QCOMPARE(step("build")["status"].toString(), QString("pass"));
        QCOMPARE(step("ctest-gpu")["status"].toString(), QString("pass"));
        // The failed step says what failed, and every later step still ran.
        QCOMPARE(step("ctest-broken")["status"].toString(), QString("fail"));
        QVERIFY2(step("ctest-broken")["details"].toString().contains("test_made_to_fail"),
                 qPrintable(step("ctest-broken")["details"].toString()));
        for (const char * gpu_only : {"sanitizer", "logits"}) {
            QCOMPARE(step(gpu_only)["status"].toString(), QString("skip"));
            QVERIFY(step(gpu_only)["details"].toString().startsWith("no GPU"));
        }

        // The plumbing run: two depths of a tiny model on the CPU.
        const QJsonArray bench = report["bench"].toArray();
        QCOMPARE(bench.size(), 2);
        for (const QJsonValue & b : bench) {
            const QJsonObject tg = b.toObject()["result"].toObject()["tg"].toObject();
            QVERIFY(tg["tok_s"].toDouble() > 0);
            QVERIFY(tg["bytes_per_token"].toDouble() > 0);
            QVERIFY(b.toObject()["pct_of_peak"].isNull());  // no peak without a GPU
        }
        QCOMPARE(bench[1].toObject()["result"].toObject()["depth"].toInt(), 128);

        QFile mf(out.filePath("report.md"));
        QVERIFY(mf.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(mf.readAll());
        QVERIFY(md.contains("# Hearth GPU check"));
        QVERIFY(md.contains("| 4 | ctest-broken: ctest -L broken | fail |"));
        QVERIFY(md.contains("| 5 | sanitizer: compute-sanitizer on the matmul test and 2-layer forwards | skip |"));
        QVERIFY(md.contains("| tiny-cpu | f16 | on | cpu | 128 | pp64: "));
        QVERIFY(QFile::exists(out.filePath("logs/bench-tiny-cpu.log")));
    }
};

QTEST_APPLESS_MAIN(TestGpuCheckCpu)
#include "test_gpu_check_cpu.moc"
