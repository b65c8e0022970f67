// Pre- and post-processing for the model layer (web/src/models/): length bucketing, int64 input
// tensors, pooling + normalization, cross-encoder scores and token vectors, on typed arrays.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "errors.h"
#include "models/batching.h"
#include "models/pooling.h"
#include "models/scores.h"

namespace osprey::bindings {
namespace {

using emscripten::val;

bool is_a(const val& v, const char* ctor) {
  val type = val::global(ctor);
  return !v.isUndefined() && !v.isNull() && v.instanceof (type);
}

template <typename T>
std::vector<T> copy_typed(const val& array, const char* ctor, const std::string& what) {
  if (!is_a(array, ctor)) type_error(what, (std::string("a ") + ctor).c_str());
  const size_t n = array["length"].as<size_t>();
  std::vector<T> out(n);
  // One memcpy into the WebAssembly heap, through a byte view (Embind 3.1.6 has no int64 views).
  val bytes =
      val::global("Uint8Array").new_(array["buffer"], array["byteOffset"], val(n * sizeof(T)));
  val(emscripten::typed_memory_view(n * sizeof(T), reinterpret_cast<uint8_t*>(out.data())))
      .call<void>("set", bytes);
  return out;
}

// Token ids or masks: Int32Array, Uint32Array or BigInt64Array (the dtype of ONNX inputs).
std::vector<int32_t> copy_ints(const val& array, const std::string& what) {
  if (is_a(array, "BigInt64Array")) {
    std::vector<int64_t> wide = copy_typed<int64_t>(array, "BigInt64Array", what);
    return std::vector<int32_t>(wide.begin(), wide.end());
  }
  if (is_a(array, "Uint32Array")) {
    std::vector<uint32_t> u = copy_typed<uint32_t>(array, "Uint32Array", what);
    return std::vector<int32_t>(u.begin(), u.end());
  }
  if (!is_a(array, "Int32Array")) type_error(what, "an Int32Array, Uint32Array or BigInt64Array");
  return copy_typed<int32_t>(array, "Int32Array", what);
}

template <typename T>
val to_js(const char* ctor, const std::vector<T>& data) {
  // Copy the bytes out of the heap (a view would die when memory grows), then type them.
  val bytes = val::global("Uint8Array")
                  .new_(val(emscripten::typed_memory_view(
                      data.size() * sizeof(T), reinterpret_cast<const uint8_t*>(data.data()))));
  return val::global(ctor).new_(bytes["buffer"]);
}

size_t get_size(const val& v, const std::string& what) {
  if (!v.isNumber()) type_error(what, "a whole number >= 0");
  const double d = v.as<double>();
  if (!(d >= 0) || d != double(size_t(d))) type_error(what, "a whole number >= 0");
  return size_t(d);
}

models::TokenTensor token_tensor(const std::vector<float>& data, const std::vector<int32_t>& mask,
                                 size_t batch, size_t seq, size_t dim) {
  if (data.size() != batch * seq * dim) {
    throw Error(ErrorCode::kInvalidArgument, "the model output has " + std::to_string(data.size()) +
                                                 " values, expected " + std::to_string(batch) +
                                                 " x " + std::to_string(seq) + " x " +
                                                 std::to_string(dim));
  }
  if (!mask.empty() && mask.size() != batch * seq) {
    throw Error(ErrorCode::kInvalidArgument, "the attention mask does not match the output shape");
  }
  return {data.data(), batch, seq, dim, mask.empty() ? nullptr : mask.data()};
}

// pool({data, batch, seq, dim, mask, pooling, normalize}) -> Float32Array [batch * dim]
val pool(val o) {
  return guarded([&] {
    const size_t batch = get_size(o["batch"], "batch"), seq = get_size(o["seq"], "seq"),
                 dim = get_size(o["dim"], "dim");
    std::vector<float> data = copy_typed<float>(o["data"], "Float32Array", "data");
    std::vector<int32_t> mask;
    if (!o["mask"].isUndefined() && !o["mask"].isNull()) mask = copy_ints(o["mask"], "mask");
    const models::Pooling pooling = models::parse_pooling(get_string(o, "pooling", "pool", true));
    std::vector<float> out = models::pool(token_tensor(data, mask, batch, seq, dim), pooling);
    if (get_bool(o, "normalize", "pool", false)) models::l2_normalize_rows(out.data(), batch, dim);
    return to_js("Float32Array", out);
  });
}

// planBatches(lengths, maxBatch, maxTokens) -> {order: Uint32Array, starts: Uint32Array}
val plan_batches(val lengths, val max_batch, val max_tokens) {
  return guarded([&] {
    std::vector<int32_t> raw = copy_ints(lengths, "lengths");
    std::vector<uint32_t> lens(raw.begin(), raw.end());
    models::BatchPlan plan = models::plan_batches(lens, get_size(max_batch, "batchSize"),
                                                  get_size(max_tokens, "maxTokens"));
    val out = val::object();
    out.set("order", to_js("Uint32Array", plan.order));
    out.set("starts", to_js("Uint32Array", plan.starts));
    return out;
  });
}

// gatherRows(matrix Int32Array [n x width], width, rows Uint32Array, seq, fill) -> BigInt64Array
val gather_rows(val matrix, val width_v, val rows_v, val seq_v, val fill_v) {
  return guarded([&] {
    std::vector<int32_t> m = copy_ints(matrix, "matrix");
    const size_t width = get_size(width_v, "width");
    if (width == 0 || m.size() % width != 0) type_error("width", "a divisor of the matrix size");
    std::vector<int32_t> raw = copy_ints(rows_v, "rows");
    std::vector<uint32_t> rows(raw.begin(), raw.end());
    const double fill = fill_v.isNumber() ? fill_v.as<double>() : 0;
    return to_js("BigInt64Array", models::gather_rows(m.data(), m.size() / width, width, rows,
                                                      get_size(seq_v, "seq"), int64_t(fill)));
  });
}

// scores(logits Float32Array, batch, labels, mode, positive) -> Float32Array [batch]
val scores(val logits, val batch_v, val labels_v, val mode_v, val positive_v) {
  return guarded([&] {
    std::vector<float> l = copy_typed<float>(logits, "Float32Array", "logits");
    const size_t batch = get_size(batch_v, "batch"), labels = get_size(labels_v, "labels");
    if (l.size() != batch * labels) {
      throw Error(ErrorCode::kInvalidArgument, "logits do not match [batch, labels]");
    }
    const std::string mode = mode_v.isString() ? checked_string(mode_v, "score") : "";
    return to_js("Float32Array",
                 models::scores_from_logits(l.data(), batch, labels, models::parse_score_mode(mode),
                                            get_size(positive_v, "positiveLabel")));
  });
}

// tokenVectors({data, batch, seq, dim, mask, ids, skipIds, normalize}) -> {data, counts}
val token_vectors(val o) {
  return guarded([&] {
    const size_t batch = get_size(o["batch"], "batch"), seq = get_size(o["seq"], "seq"),
                 dim = get_size(o["dim"], "dim");
    std::vector<float> data = copy_typed<float>(o["data"], "Float32Array", "data");
    std::vector<int32_t> mask = copy_ints(o["mask"], "mask");
    std::vector<int32_t> ids;
    if (!o["ids"].isUndefined() && !o["ids"].isNull()) ids = copy_ints(o["ids"], "ids");
    if (!ids.empty() && ids.size() != batch * seq) {
      throw Error(ErrorCode::kInvalidArgument, "ids do not match the output shape");
    }
    std::vector<int32_t> skip;
    if (!o["skipIds"].isUndefined() && !o["skipIds"].isNull())
      skip = copy_ints(o["skipIds"], "skipIds");
    models::TokenVectors tv = models::token_vectors(
        token_tensor(data, mask, batch, seq, dim), ids.empty() ? nullptr : ids.data(), skip,
        get_bool(o, "normalize", "tokenVectors", false));
    val out = val::object();
    out.set("data", to_js("Float32Array", tv.data));
    out.set("counts", to_js("Uint32Array", tv.counts));
    return out;
  });
}

}  // namespace
}  // namespace osprey::bindings

EMSCRIPTEN_BINDINGS(osprey_models) {
  emscripten::function("modelPool", &osprey::bindings::pool);
  emscripten::function("modelPlanBatches", &osprey::bindings::plan_batches);
  emscripten::function("modelGatherRows", &osprey::bindings::gather_rows);
  emscripten::function("modelScores", &osprey::bindings::scores);
  emscripten::function("modelTokenVectors", &osprey::bindings::token_vectors);
}
