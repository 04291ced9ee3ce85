// Engine errors rewritten as sentences for the person using the app: the
// file path prefix goes (the UI shows the model's name already), sizes are
// given in GB, and each kind of failure says what to do about it.
#pragma once

#include <QString>

#include "hearth/error.h"

namespace Hearth {

// `message` is hearth::Error::what(), which starts with "<path>: ".
QString loadErrorText(hearth::ErrorCode code, const QString & message, const QString & path);
// Errors while generating (context full, template failure...).
QString generationErrorText(hearth::ErrorCode code, const QString & message);
// "18.2 GB"
QString formatGigabytes(double bytes);

}  // namespace Hearth
