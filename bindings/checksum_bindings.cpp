// CRC-32C for the JS storage layer's per-page checksums: one implementation, in the core.
#include <emscripten/bind.h>

#include "core/checksum.h"
#include "errors.h"

namespace osprey::bindings {
namespace {

uint32_t crc32c_of(emscripten::val bytes) {
  return guarded([&] {
    auto data = get_bytes(bytes, "checksummed bytes");
    return crc32c(data.data(), data.size());
  });
}

}  // namespace
}  // namespace osprey::bindings

EMSCRIPTEN_BINDINGS(osprey_checksum) {
  emscripten::function("crc32c", &osprey::bindings::crc32c_of);
}
