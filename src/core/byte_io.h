// Little-endian binary encoding for the collection format. The reader checks every bound and
// reports truncation as CORRUPT_DATA, so no input bytes can make it read out of range.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace osprey {

// A loaded collection's bytes, kept by the structures that decode parts of them on first use.
using SharedBytes = std::shared_ptr<const std::vector<uint8_t>>;

class ByteWriter {
 public:
  void u8(uint8_t v) { bytes_.push_back(v); }
  void u32(uint32_t v) { fixed(v, 4); }
  void u64(uint64_t v) { fixed(v, 8); }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  // LEB128 unsigned varint: postings and ids are mostly small.
  void varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(uint8_t(v) | 0x80);
      v >>= 7;
    }
    bytes_.push_back(uint8_t(v));
  }
  void str(std::string_view s) {
    varint(s.size());
    raw(s.data(), s.size());
  }
  void raw(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
  }
  void floats(const float* v, size_t n);

  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  void fixed(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(uint8_t(v >> (8 * i)));
  }
  std::vector<uint8_t> bytes_;
};

class ByteReader {
 public:
  // `what` names the structure being read, for error messages ("collection", "HNSW graph", ...);
  // `section` the part of it (e.g. "bm25 section"), so that a message says where the damage is.
  ByteReader(const uint8_t* data, size_t size, std::string what, std::string section = {})
      : p_(data), end_(data + size), what_(std::move(what)), section_(std::move(section)) {}

  uint8_t u8() { return uint8_t(fixed(1)); }
  uint32_t u32() { return uint32_t(fixed(4)); }
  uint64_t u64() { return fixed(8); }
  float f32() {
    uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  double f64() {
    uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  uint64_t varint();
  // A count that will size an allocation: checked against the bytes left so that corrupt input
  // cannot request gigabytes (each element takes at least `min_bytes_each` bytes).
  size_t count(size_t min_bytes_each);
  std::string str();
  const uint8_t* raw(size_t size);
  void floats(float* out, size_t n);

  size_t remaining() const { return size_t(end_ - p_); }
  const uint8_t* position() const { return p_; }
  bool done() const { return p_ == end_; }
  [[noreturn]] void fail(const std::string& why) const;
  void set_section(std::string section) { section_ = std::move(section); }
  const std::string& section() const { return section_; }

 private:
  uint64_t fixed(int n);
  const uint8_t* p_;
  const uint8_t* end_;
  std::string what_;
  std::string section_;
};

}  // namespace osprey
