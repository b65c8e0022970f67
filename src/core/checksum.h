// CRC-32C (Castagnoli): detects torn writes and bit rot in stored collections.
#pragma once

#include <cstddef>
#include <cstdint>

namespace osprey {

uint32_t crc32c(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace osprey
