#include "dense/vector_index.h"

#include "core/error.h"
#include "dense/flat_index.h"
#include "dense/hnsw_index.h"

namespace osprey {

IndexKind parse_index_kind(const std::string& name) {
  if (name == "hnsw") return IndexKind::kHnsw;
  if (name == "flat") return IndexKind::kFlat;
  throw Error(ErrorCode::kInvalidArgument, "unknown index '" + name + "': use 'hnsw' or 'flat'");
}

Quantization parse_quantization(const std::string& name) {
  if (name == "none" || name.empty()) return Quantization::kNone;
  if (name == "int8") return Quantization::kInt8;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown quantization '" + name + "': use 'none' or 'int8'");
}

void HnswParams::validate() const {
  if (m < 2 || m > 128) throw Error(ErrorCode::kInvalidArgument, "hnsw.M must be in [2, 128]");
  if (ef_construction < 1 || ef_construction > 4096) {
    throw Error(ErrorCode::kInvalidArgument, "hnsw.efConstruction must be in [1, 4096]");
  }
  if (capacity > (1u << 28))
    throw Error(ErrorCode::kInvalidArgument, "hnsw.capacity must be at most 2^28");
  if (ef_search < 1 || ef_search > 65536) {
    throw Error(ErrorCode::kInvalidArgument, "hnsw.efSearch must be in [1, 65536]");
  }
}

void DenseOptions::validate() const {
  hnsw.validate();
  if (dimension > 65536)
    throw Error(ErrorCode::kInvalidArgument, "dimension must be at most 65536");
  if (quantization != Quantization::kNone && kind != IndexKind::kHnsw) {
    throw Error(ErrorCode::kInvalidArgument, "quantization 'int8' needs index 'hnsw'");
  }
}

void DenseOptions::save(ByteWriter& out) const {
  out.u32(dimension);
  out.u8(uint8_t(metric));
  out.u8(uint8_t(kind));
  out.u32(hnsw.m);
  out.u32(hnsw.ef_construction);
  out.u32(hnsw.ef_search);
  out.u32(hnsw.seed);
  out.u8(uint8_t(quantization));
  out.u8(keep_float ? 1 : 0);
}

DenseOptions DenseOptions::load(ByteReader& in) {
  DenseOptions o;
  o.dimension = in.u32();
  uint8_t metric = in.u8(), kind = in.u8();
  if (metric > uint8_t(Metric::kL2) || kind > uint8_t(IndexKind::kFlat))
    in.fail("unknown metric or index");
  o.metric = Metric(metric);
  o.kind = IndexKind(kind);
  o.hnsw.m = in.u32();
  o.hnsw.ef_construction = in.u32();
  o.hnsw.ef_search = in.u32();
  o.hnsw.seed = in.u32();
  const uint8_t quantization = in.u8(), keep_float = in.u8();
  if (quantization > uint8_t(Quantization::kInt8) || keep_float > 1)
    in.fail("unknown quantization");
  o.quantization = Quantization(quantization);
  o.keep_float = keep_float != 0;
  try {
    o.validate();
  } catch (const Error& e) {
    in.fail(e.what());
  }
  return o;
}

std::unique_ptr<VectorIndex> make_vector_index(const DenseOptions& options) {
  if (options.kind == IndexKind::kFlat) return std::make_unique<FlatIndex>(options);
  return std::make_unique<HnswIndex>(options);
}

std::unique_ptr<VectorIndex> load_vector_index(const DenseOptions& options, ByteReader& in,
                                               size_t slot_limit) {
  if (options.kind == IndexKind::kFlat) return FlatIndex::load(options, in, slot_limit);
  return HnswIndex::load(options, in, slot_limit);
}

}  // namespace osprey
