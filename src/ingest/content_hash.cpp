#include "ingest/content_hash.h"

#include <cstring>

namespace osprey {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

}  // namespace

uint64_t content_hash(std::string_view bytes, uint64_t seed) {
  uint64_t h = mix(seed ^ (bytes.size() * kMul));
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);  // little-endian on every target we build for
    h = (h ^ mix(word)) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < bytes.size(); ++k) tail |= uint64_t(uint8_t(bytes[i + k])) << (8 * k);
  h = (h ^ mix(tail + 1)) * kMul;
  return mix(h);
}

uint64_t hash_combine(uint64_t hash, uint64_t value) {
  return mix(hash ^ (value + kMul + (hash << 6)));
}

std::string hash_hex(uint64_t hash) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[size_t(i)] = kDigits[hash & 15];
  return out;
}

}  // namespace osprey
