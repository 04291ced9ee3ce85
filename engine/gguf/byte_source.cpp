// Read-only memory mapping of a model file. Weights stay in this mapping for
// the life of the model: the CPU backend reads them in place (zero copy).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hearth/error.h"
#include "hearth/gguf.h"

namespace hearth {

namespace {

class MappedFile final : public ByteSource {
public:
    MappedFile(void * addr, size_t size) : m_addr(addr), m_size(size) {}
    ~MappedFile() override {
        if (m_addr != nullptr && m_size > 0) munmap(m_addr, m_size);
    }
    const uint8_t * data() const override { return static_cast<const uint8_t *>(m_addr); }
    size_t size() const override { return m_size; }

private:
    void * m_addr;
    size_t m_size;
};

class OwnedBytes final : public ByteSource {
public:
    explicit OwnedBytes(std::vector<uint8_t> bytes) : m_bytes(std::move(bytes)) {}
    const uint8_t * data() const override { return m_bytes.data(); }
    size_t size() const override { return m_bytes.size(); }

private:
    std::vector<uint8_t> m_bytes;
};

std::string errno_text() {
    return std::strerror(errno);
}

}  // namespace

std::shared_ptr<ByteSource> map_file(const std::string & path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorCode_io, "cannot open '" + path + "': " + errno_text());
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        std::string why = errno_text();
        ::close(fd);
        throw Error(ErrorCode_io, "cannot stat '" + path + "': " + why);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorCode_io, "'" + path + "' is not a regular file");
    }
    size_t size = static_cast<size_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        return std::make_shared<MappedFile>(nullptr, 0);
    }
    void * addr = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    std::string why = addr == MAP_FAILED ? errno_text() : std::string();
    ::close(fd);
    if (addr == MAP_FAILED) throw Error(ErrorCode_io, "cannot map '" + path + "': " + why);
    return std::make_shared<MappedFile>(addr, size);
}

std::shared_ptr<ByteSource> own_bytes(std::vector<uint8_t> bytes) {
    return std::make_shared<OwnedBytes>(std::move(bytes));
}

}  // namespace hearth
