#include "collection/change_journal.h"

#include <cstring>

#include "core/byte_io.h"
#include "core/checksum.h"
#include "core/error.h"

namespace osprey {
namespace {
constexpr char kMagic[8] = {'O', 'S', 'P', 'R', 'J', 'R', 'N', 'L'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8;

size_t approximate_bytes(const DocumentInput& d) {
  return d.id.size() + d.title.size() + d.body.size() + d.metadata_json.size() +
         (d.vector ? d.vector->size() * sizeof(float) : 0) + 64;
}
}  // namespace

void ChangeJournal::record_upsert(const std::vector<DocumentInput>& docs) {
  if (overflowed_ || docs.empty()) return;
  for (const auto& d : docs) bytes_ += approximate_bytes(d);
  if (bytes_ > kMaxBytes) {
    clear();
    overflowed_ = true;
    return;
  }
  operations_.push_back({Operation::Kind::kUpsert, docs, {}});
}

void ChangeJournal::record_remove(const std::vector<std::string>& ids) {
  if (overflowed_ || ids.empty()) return;
  for (const auto& id : ids) bytes_ += id.size() + 8;
  if (bytes_ > kMaxBytes) {
    clear();
    overflowed_ = true;
    return;
  }
  operations_.push_back({Operation::Kind::kRemove, {}, ids});
}

void ChangeJournal::clear() {
  operations_.clear();
  bytes_ = 0;
  overflowed_ = false;
}

std::vector<uint8_t> ChangeJournal::take() {
  ByteWriter payload;
  payload.varint(operations_.size());
  for (const auto& op : operations_) {
    payload.u8(uint8_t(op.kind));
    if (op.kind == Operation::Kind::kUpsert) {
      payload.varint(op.docs.size());
      for (const auto& d : op.docs) {
        payload.str(d.id);
        payload.str(d.title);
        payload.str(d.body);
        payload.str(d.metadata_json);
        payload.u8(d.vector ? 1 : 0);
        if (d.vector) {
          payload.varint(d.vector->size());
          payload.floats(d.vector->data(), d.vector->size());
        }
      }
    } else {
      payload.varint(op.ids.size());
      for (const auto& id : op.ids) payload.str(id);
    }
  }
  clear();
  ByteWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u32(kFormatVersion);
  out.u32(crc32c(payload.bytes().data(), payload.size()));
  out.u64(payload.size());
  out.raw(payload.bytes().data(), payload.size());
  return out.take();
}

std::vector<ChangeJournal::Operation> ChangeJournal::decode(const uint8_t* data, size_t size) {
  if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
    throw Error(ErrorCode::kUnsupportedFormat, "not an Osprey change record (bad magic)");
  }
  ByteReader header(data, size, "change record");
  header.raw(sizeof kMagic);
  const uint32_t version = header.u32();
  if (version == 0 || version > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedFormat, "change record version " + std::to_string(version) +
                                                   " is newer than this build of Osprey reads (" +
                                                   std::to_string(kFormatVersion) + ")");
  }
  const uint32_t checksum = header.u32();
  const uint64_t payload_size = header.u64();
  if (payload_size != header.remaining()) header.fail("truncated or padded");
  if (crc32c(data + kHeaderSize, payload_size) != checksum) header.fail("checksum mismatch");

  ByteReader in(data + kHeaderSize, payload_size, "change record");
  std::vector<Operation> ops(in.count(2));
  for (auto& op : ops) {
    const uint8_t kind = in.u8();
    if (kind == uint8_t(Operation::Kind::kUpsert)) {
      op.kind = Operation::Kind::kUpsert;
      op.docs.resize(in.count(5));
      for (auto& d : op.docs) {
        d.id = in.str();
        d.title = in.str();
        d.body = in.str();
        d.metadata_json = in.str();
        if (in.u8()) {
          std::vector<float> v(in.count(4));
          in.floats(v.data(), v.size());
          d.vector = std::move(v);
        }
      }
    } else if (kind == uint8_t(Operation::Kind::kRemove)) {
      op.kind = Operation::Kind::kRemove;
      op.ids.resize(in.count(1));
      for (auto& id : op.ids) id = in.str();
    } else {
      in.fail("unknown operation " + std::to_string(kind));
    }
  }
  if (!in.done()) in.fail("unexpected bytes after the last operation");
  return ops;
}

}  // namespace osprey
