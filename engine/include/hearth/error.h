// hearth::Error: the one exception type the engine throws.
//
// Load and parse code throws it with a message that names the file, the key or
// tensor, and the byte offset where that makes sense. Kernel and decode paths
// never throw; they report failures through return values or events.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace hearth {

enum ErrorCode {
    ErrorCode_io,           // the file could not be opened, read or mapped
    ErrorCode_format,       // malformed data: a corrupt or truncated GGUF, bad JSON
    ErrorCode_unsupported,  // valid, but not something Hearth can run (architecture, tensor type)
    ErrorCode_model,        // tensors that do not match the architecture
    ErrorCode_tokenizer,    // vocab problems, unknown pre-tokenizer
    ErrorCode_template,     // chat template syntax or render failure
    ErrorCode_resources,    // not enough memory, VRAM or disk
    ErrorCode_context,      // prompt longer than the context, context full
    ErrorCode_cancelled,    // the caller cancelled (load)
    ErrorCode_device,       // GPU driver or device failure
    ErrorCode_invalid_argument,
};

const char * error_code_name(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string & message) : std::runtime_error(message), m_code(code) {}
    ErrorCode code() const noexcept { return m_code; }

private:
    ErrorCode m_code;
};

[[noreturn]] void assert_failed(const char * expr, const char * file, int line);

}  // namespace hearth

// Broken invariants only; never user data. Stays on in release builds.
#define HEARTH_ASSERT(cond)                                              \
    do {                                                                 \
        if (!(cond)) ::hearth::assert_failed(#cond, __FILE__, __LINE__); \
    } while (0)
