#include "core/byte_io.h"

namespace osprey {

void ByteWriter::floats(const float* v, size_t n) {
  for (size_t i = 0; i < n; ++i) f32(v[i]);
}

void ByteReader::fail(const std::string& why) const {
  throw Error(ErrorCode::kCorruptData,
              what_ + " is corrupt: " + (section_.empty() ? why : section_ + ": " + why));
}

uint64_t ByteReader::fixed(int n) {
  if (remaining() < size_t(n)) fail("unexpected end of data");
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t(p_[i]) << (8 * i);
  p_ += n;
  return v;
}

uint64_t ByteReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ == end_) fail("unexpected end of data in a varint");
    uint8_t b = *p_++;
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  fail("varint longer than 64 bits");
}

size_t ByteReader::count(size_t min_bytes_each) {
  uint64_t n = varint();
  if (min_bytes_each > 0 && n > remaining() / min_bytes_each) fail("count larger than the data");
  return size_t(n);
}

std::string ByteReader::str() {
  size_t n = count(1);
  const uint8_t* p = raw(n);
  return std::string(reinterpret_cast<const char*>(p), n);
}

const uint8_t* ByteReader::raw(size_t size) {
  if (remaining() < size) fail("unexpected end of data");
  if (size == 0) return p_ ? p_ : reinterpret_cast<const uint8_t*>("");  // never null: memcpy
  const uint8_t* p = p_;
  p_ += size;
  return p;
}

void ByteReader::floats(float* out, size_t n) {
  if (remaining() / 4 < n) fail("unexpected end of data in a vector");
  for (size_t i = 0; i < n; ++i) out[i] = f32();
}

}  // namespace osprey
