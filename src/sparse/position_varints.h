// Term positions inside posting lists: LEB128 varints of at most 32 bits, in byte arrays that the
// index and its stored form share (the stored form's positions are these same bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace osprey {

inline void put_varint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

// Reads one varint written by put_varint() (callers only read bytes that were checked or written
// here).
inline uint32_t get_varint(const uint8_t*& p) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = *p++;
    v |= uint32_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
}

// Size in bytes of `count` varints starting at p.
inline size_t skip_varints(const uint8_t* p, size_t count) {
  const uint8_t* start = p;
  for (size_t i = 0; i < count; ++i) {
    while (*p & 0x80) ++p;
    ++p;
  }
  return size_t(p - start);
}

}  // namespace osprey
