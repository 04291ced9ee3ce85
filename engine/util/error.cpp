#include "hearth/error.h"

namespace hearth {

const char * error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode_io:
            return "io";
        case ErrorCode_format:
            return "format";
        case ErrorCode_unsupported:
            return "unsupported";
        case ErrorCode_model:
            return "model";
        case ErrorCode_tokenizer:
            return "tokenizer";
        case ErrorCode_template:
            return "template";
        case ErrorCode_resources:
            return "resources";
        case ErrorCode_context:
            return "context";
        case ErrorCode_cancelled:
            return "cancelled";
        case ErrorCode_device:
            return "device";
        case ErrorCode_invalid_argument:
            return "invalid_argument";
    }
    return "unknown";
}

void assert_failed(const char * expr, const char * file, int line) {
    std::fprintf(stderr, "hearth: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
    std::abort();
}

}  // namespace hearth
