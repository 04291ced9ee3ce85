// Access to ../shared/fixtures for tests.
//
// The folder comes from the HEARTH_FIXTURES_DIR CMake variable. A missing
// folder or file throws with a message that says how to fix it, so a test
// never passes vacuously for lack of data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hearth_test {

std::string fixtures_dir();                    // throws std::runtime_error when missing
std::string fixture(const std::string & rel);  // fixtures_dir()/rel, which must exist
std::vector<uint8_t> read_bytes(const std::string & path);
std::string read_text(const std::string & path);
std::string output_dir();  // where tests may leave artefacts (screenshots)

}  // namespace hearth_test

// In a Qt Test function: fails the test with the message instead of throwing.
#define HEARTH_FIXTURE(rel)                             \
    ([&]() -> std::string {                             \
        try {                                           \
            return ::hearth_test::fixture(rel);         \
        } catch (const std::exception & e) {            \
            QTest::qFail(e.what(), __FILE__, __LINE__); \
            return std::string();                       \
        }                                               \
    }())
