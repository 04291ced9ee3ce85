#include "core/quant_name.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace Hearth {

QString quantFromFileName(const QString & fileName) {
    // Longest alternatives first so "Q4_K_M" wins over "Q4_K" and "IQ2_XXS" over "IQ2_XS".
    static const QRegularExpression re(QStringLiteral("(?<![A-Za-z0-9])("
                                                      "IQ[1-4]_(?:XXS|XS|NL|S|M|L)"
                                                      "|Q[2-8]_K_(?:XL|S|M|L)"
                                                      "|Q[2-8]_K"
                                                      "|Q[4-8]_[01]"
                                                      "|TQ[12]_0"
                                                      "|MXFP4(?:_MOE)?"
                                                      "|BF16|F16|F32|FP16|FP32"
                                                      ")(?![A-Za-z0-9])"),
                                       QRegularExpression::CaseInsensitiveOption);
    QString name = QFileInfo(fileName).fileName();
    // The last match names the quant: "Q8_0-distill-Q4_K_M" is a Q4_K_M file.
    QString found;
    auto it = re.globalMatch(name);
    while (it.hasNext()) found = it.next().captured(1);
    found = found.toUpper();
    if (found == QLatin1String("FP16")) return QStringLiteral("F16");
    if (found == QLatin1String("FP32")) return QStringLiteral("F32");
    return found;
}

QString quantFromFileType(int fileType) {
    // llama.cpp's llama_ftype ids; gaps are ids it retired.
    switch (fileType) {
        case 0:
            return QStringLiteral("F32");
        case 1:
            return QStringLiteral("F16");
        case 2:
            return QStringLiteral("Q4_0");
        case 3:
            return QStringLiteral("Q4_1");
        case 7:
            return QStringLiteral("Q8_0");
        case 8:
            return QStringLiteral("Q5_0");
        case 9:
            return QStringLiteral("Q5_1");
        case 10:
            return QStringLiteral("Q2_K");
        case 11:
            return QStringLiteral("Q3_K_S");
        case 12:
            return QStringLiteral("Q3_K_M");
        case 13:
            return QStringLiteral("Q3_K_L");
        case 14:
            return QStringLiteral("Q4_K_S");
        case 15:
            return QStringLiteral("Q4_K_M");
        case 16:
            return QStringLiteral("Q5_K_S");
        case 17:
            return QStringLiteral("Q5_K_M");
        case 18:
            return QStringLiteral("Q6_K");
        case 19:
            return QStringLiteral("IQ2_XXS");
        case 20:
            return QStringLiteral("IQ2_XS");
        case 21:
            return QStringLiteral("Q2_K_S");
        case 22:
            return QStringLiteral("IQ3_XS");
        case 23:
            return QStringLiteral("IQ3_XXS");
        case 24:
            return QStringLiteral("IQ1_S");
        case 25:
            return QStringLiteral("IQ4_NL");
        case 26:
            return QStringLiteral("IQ3_S");
        case 27:
            return QStringLiteral("IQ3_M");
        case 28:
            return QStringLiteral("IQ2_S");
        case 29:
            return QStringLiteral("IQ2_M");
        case 30:
            return QStringLiteral("IQ4_XS");
        case 31:
            return QStringLiteral("IQ1_M");
        case 32:
            return QStringLiteral("BF16");
        case 36:
            return QStringLiteral("TQ1_0");
        case 37:
            return QStringLiteral("TQ2_0");
        case 38:
            return QStringLiteral("MXFP4_MOE");
        default:
            return QString();
    }
}

ShardName parseShardName(const QString & path) {
    static const QRegularExpression re(QStringLiteral("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                       QRegularExpression::CaseInsensitiveOption);
    ShardName out;
    auto m = re.match(path);
    if (m.hasMatch()) {
        int index = m.captured(2).toInt();
        int count = m.captured(3).toInt();
        if (count >= 1 && index >= 1 && index <= count) {
            out.base = m.captured(1);
            out.index = index;
            out.count = count;
            return out;
        }
    }
    out.base = path.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ? path.left(path.size() - 5) : path;
    return out;
}

QString shardFileName(const QString & base, int index, int count) {
    return QStringLiteral("%1-%2-of-%3.gguf")
        .arg(base)
        .arg(index, 5, 10, QLatin1Char('0'))
        .arg(count, 5, 10, QLatin1Char('0'));
}

bool isProjectorFile(const QString & fileName) {
    return QFileInfo(fileName).fileName().contains(QLatin1String("mmproj"), Qt::CaseInsensitive);
}

}  // namespace Hearth
