#include "common/fixtures.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hearth_test {

std::string fixtures_dir() {
    const char * env = std::getenv("HEARTH_FIXTURES_DIR");
    std::string dir = env && *env ? env : HEARTH_FIXTURES_DIR;
    if (!std::filesystem::exists(dir + "/README.md"))
        throw std::runtime_error("test fixtures not found at '" + dir +
                                 "': check out ../shared next to the repository or configure with "
                                 "-DHEARTH_FIXTURES_DIR=/path/to/shared/fixtures");
    return dir;
}

std::string fixture(const std::string & rel) {
    std::string path = fixtures_dir() + "/" + rel;
    if (!std::filesystem::exists(path)) throw std::runtime_error("missing fixture file: " + path);
    return path;
}

std::vector<uint8_t> read_bytes(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_text(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string output_dir() {
    const char * env = std::getenv("HEARTH_TEST_OUTPUT");
    std::string dir = env && *env ? env : std::filesystem::temp_directory_path().string() + "/hearth-test-output";
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace hearth_test
