// The dense index on its own: kernels, int8 quantization, recall, filters inside the graph walk,
// deletes with slot reuse, batch insert and the portable save/load.
#include <algorithm>
#include <cmath>
#include <set>

#include "dense/distance.h"
#include "dense/hnsw_index.h"
#include "dense/scalar_quantizer.h"
#include "dense/vector_index.h"
#include "dense_test_data.h"
#include "test_util.h"

using namespace osprey;

namespace {

using test::clustered;
using test::DataSet;

DenseOptions hnsw_options(Metric metric, size_t dimension, Quantization q = Quantization::kNone,
                          bool keep_float = false) {
  DenseOptions o;
  o.dimension = uint32_t(dimension);
  o.metric = metric;
  o.hnsw.m = 16;
  o.hnsw.ef_construction = 100;
  o.hnsw.ef_search = 64;
  o.quantization = q;
  o.keep_float = keep_float;
  return o;
}

std::unique_ptr<VectorIndex> build(const DenseOptions& options, const DataSet& d) {
  auto index = make_vector_index(options);
  std::vector<uint32_t> slots;
  std::vector<const float*> vectors;
  for (size_t i = 0; i < d.vectors.size(); ++i) {
    slots.push_back(uint32_t(i));
    vectors.push_back(d.vectors[i].data());
  }
  index->add_batch(slots, vectors);
  return index;
}

std::vector<uint32_t> slots_of(const std::vector<ScoredSlot>& hits) {
  std::vector<uint32_t> out;
  for (const auto& h : hits) out.push_back(h.slot);
  return out;
}

// Exact float top-k over the data set (the ground truth), optionally restricted.
std::vector<uint32_t> truth(Metric metric, const DataSet& d, const float* query, size_t k,
                            const Bitset* allowed = nullptr, const std::set<uint32_t>& gone = {}) {
  std::vector<ScoredSlot> all;
  for (size_t i = 0; i < d.vectors.size(); ++i) {
    if ((allowed && !allowed->test(i)) || gone.count(uint32_t(i))) continue;
    all.push_back({uint32_t(i),
                   score_from_distance(
                       metric, distance_between(metric, query, d.vectors[i].data(), d.dimension))});
  }
  keep_top_k(all, k);
  return slots_of(all);
}

double overlap(const std::vector<uint32_t>& got, const std::vector<uint32_t>& expected) {
  size_t hit = 0;
  for (uint32_t s : got) hit += std::count(expected.begin(), expected.end(), s);
  return expected.empty() ? 1.0 : double(hit) / double(expected.size());
}

double recall_at_10(const VectorIndex& index, Metric metric, const DataSet& d, uint32_t ef = 0,
                    const Bitset* allowed = nullptr) {
  double sum = 0;
  for (const auto& q : d.queries) {
    DenseQuery query{q.data(), 10, allowed, ef, false};
    sum += overlap(slots_of(index.search(query)), truth(metric, d, q.data(), 10, allowed));
  }
  return sum / double(d.queries.size());
}

}  // namespace

TEST_CASE("SIMD kernels agree with scalar sums, tails included") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> code(-127, 127);
  for (size_t n : {1u, 3u, 4u, 15u, 16u, 17u, 31u, 33u, 64u, 100u, 384u, 385u}) {
    auto a = test::random_vector(rng, n), b = test::random_vector(rng, n);
    double dot_ref = 0, l2_ref = 0;
    std::vector<int8_t> ca(n), cb(n);
    int64_t idot = 0, il2 = 0;
    for (size_t i = 0; i < n; ++i) {
      dot_ref += double(a[i]) * b[i];
      l2_ref += double(a[i] - b[i]) * (a[i] - b[i]);
      ca[i] = int8_t(code(rng));
      cb[i] = int8_t(code(rng));
      idot += int64_t(ca[i]) * cb[i];
      il2 += (int64_t(ca[i]) - cb[i]) * (int64_t(ca[i]) - cb[i]);
    }
    CAPTURE(n);
    CHECK(dot(a.data(), b.data(), n) == doctest::Approx(dot_ref).epsilon(1e-4));
    CHECK(l2_squared(a.data(), b.data(), n) == doctest::Approx(l2_ref).epsilon(1e-4));
    CHECK(dot_i8(ca.data(), cb.data(), n) == idot);
    CHECK(l2_squared_i8(ca.data(), cb.data(), n) == il2);
  }
  // Extremes: every product at its largest magnitude must not overflow the 16-bit steps.
  std::vector<int8_t> hi(384, 127), lo(384, -127);
  CHECK(dot_i8(hi.data(), hi.data(), 384) == 384 * 127 * 127);
  CHECK(dot_i8(hi.data(), lo.data(), 384) == -384 * 127 * 127);
  CHECK(l2_squared_i8(hi.data(), lo.data(), 384) == 384 * 254 * 254);
}

TEST_CASE("int8 quantizer: reconstruction error within half a step, clamping outside the range") {
  std::mt19937 rng(3);
  const size_t dim = 24, n = 500;
  std::vector<float> data;
  for (size_t i = 0; i < n; ++i) {
    auto v = test::random_vector(rng, dim);
    for (size_t j = 0; j < dim; ++j) v[j] = v[j] * 0.1f + float(j) * 0.01f;  // per-dim offsets
    data.insert(data.end(), v.begin(), v.end());
  }
  auto q = ScalarQuantizer::fit(data.data(), n, dim);
  std::vector<int8_t> codes(dim);
  std::vector<float> back(dim);
  for (size_t i = 0; i < n; ++i) {
    const float bias = q.encode(data.data() + i * dim, codes.data());
    CHECK(bias == doctest::Approx(q.bias(codes.data())));
    q.decode(codes.data(), back.data());
    for (size_t j = 0; j < dim; ++j) {
      CHECK(std::abs(back[j] - data[i * dim + j]) <= q.step() * 0.5f + 1e-6f);
      CHECK(codes[j] >= -127);
    }
  }
  std::vector<float> far(dim, 1000.0f);
  q.encode(far.data(), codes.data());
  for (int8_t c : codes) CHECK(c == 127);
}

TEST_CASE("HNSW recall@10 >= 0.95 against exact search (float, int8, int8 + re-scoring)") {
  for (Metric metric : {Metric::kCosine, Metric::kL2, Metric::kInnerProduct}) {
    const DataSet d = clustered(metric, 5000, 100, 48, 50, 0.5f, 11);
    CAPTURE(metric_name(metric));
    auto plain = build(hnsw_options(metric, 48), d);
    CHECK(plain->size() == 5000);
    CHECK(recall_at_10(*plain, metric, d) >= 0.95);
    auto rescored = build(hnsw_options(metric, 48, Quantization::kInt8, true), d);
    CHECK(recall_at_10(*rescored, metric, d) >= 0.95);
    // Codes alone rank by approximate distances: still close to the exact top 10.
    auto codes = build(hnsw_options(metric, 48, Quantization::kInt8, false), d);
    CHECK(recall_at_10(*codes, metric, d, 128) >= 0.85);
    // Exact mode is exact whatever the index stores (with floats kept).
    for (size_t i = 0; i < 10; ++i) {
      DenseQuery q{d.queries[i].data(), 10, nullptr, 0, true};
      CHECK(slots_of(rescored->search(q)) == truth(metric, d, d.queries[i].data(), 10));
    }
  }
}

TEST_CASE("quantized and float results agree on the top hit for well-separated data") {
  for (Metric metric : {Metric::kCosine, Metric::kL2}) {
    // 2000 points in 400 far-apart clusters (neighbours within a cluster at cosine ~0.96, far
    // beyond int8 noise of ~0.002); each query is a stored point plus tiny noise.
    const DataSet d = clustered(metric, 2000, 0, 64, 400, 0.2f, 5);
    auto floats = build(hnsw_options(metric, 64), d);
    auto codes = build(hnsw_options(metric, 64, Quantization::kInt8, false), d);
    std::mt19937 rng(9);
    for (size_t i = 0; i < 2000; i += 17) {
      auto noise = test::random_vector(rng, 64);
      std::vector<float> q = d.vectors[i];
      for (size_t j = 0; j < 64; ++j) q[j] += 0.001f * noise[j];
      q = prepare_vector(metric, 64, q.data(), 64, "query");
      DenseQuery query{q.data(), 1, nullptr, 0, false};
      auto a = floats->search(query), b = codes->search(query);
      CAPTURE(std::string(metric_name(metric)));
      REQUIRE(a.size() == 1);
      REQUIRE(b.size() == 1);
      CHECK(a[0].slot == i);
      CHECK(b[0].slot == a[0].slot);
      // Scores from codes are approximate: within a few quantization steps of the float score.
      CHECK(std::abs(b[0].score - a[0].score) <= (metric == Metric::kL2 ? 0.2f : 0.02f));
    }
  }
}

TEST_CASE("filters inside the graph walk never return a non-matching slot and keep recall") {
  const Metric metric = Metric::kCosine;
  const DataSet d = clustered(metric, 5000, 50, 32, 40, 0.5f, 21);
  for (Quantization quant : {Quantization::kNone, Quantization::kInt8}) {
    auto index = build(hnsw_options(metric, 32, quant, true), d);
    // Selectivities from half the collection down to a handful of slots, plus nothing at all.
    for (size_t every : {2u, 5u, 13u, 97u, 1001u, 100000u}) {
      Bitset allowed(5000);
      for (size_t i = 0; i < 5000; i += every) allowed.set(i);
      CAPTURE(every);
      for (const auto& q : d.queries) {
        DenseQuery query{q.data(), 10, &allowed, 0, false};
        auto hits = index->search(query);
        for (const auto& h : hits) CHECK(allowed.test(h.slot));
        CHECK(hits.size() == std::min<size_t>(10, allowed.count()));
      }
      CHECK(recall_at_10(*index, metric, d, 0, &allowed) >= 0.9);
    }
    Bitset none(5000);
    DenseQuery query{d.queries[0].data(), 10, &none, 0, false};
    CHECK(index->search(query).empty());
  }
}

TEST_CASE("deletes never come back; deleted slots are reused in place") {
  const Metric metric = Metric::kL2;
  const DataSet d = clustered(metric, 3000, 40, 32, 30, 0.5f, 31);
  for (Quantization quant : {Quantization::kNone, Quantization::kInt8}) {
    auto index = build(hnsw_options(metric, 32, quant, true), d);
    std::set<uint32_t> gone;
    for (uint32_t s = 0; s < 3000; s += 3) {
      index->remove(s);
      gone.insert(s);
    }
    CHECK(index->size() == 2000);
    CHECK_FALSE(index->contains(0));
    CHECK(index->contains(1));
    double recall = 0;
    for (const auto& q : d.queries) {
      DenseQuery query{q.data(), 10, nullptr, 0, false};
      auto hits = slots_of(index->search(query));
      for (uint32_t s : hits) CHECK(gone.count(s) == 0);
      recall += overlap(hits, truth(metric, d, q.data(), 10, nullptr, gone));
    }
    CHECK(recall / double(d.queries.size()) >= 0.9);

    // Re-adding a deleted slot with a new vector: the node is reused and found at its new place.
    auto hnsw = dynamic_cast<HnswIndex*>(index.get());
    REQUIRE(hnsw);
    for (uint32_t s = 0; s < 300; s += 3) {
      index->add(s, d.queries[(s / 3) % d.queries.size()].data());
      CHECK(index->contains(s));
    }
    CHECK(index->size() == 2100);
    for (size_t qi = 0; qi < d.queries.size(); ++qi) {
      DenseQuery query{d.queries[qi].data(), 1, nullptr, 128, false};
      auto hits = index->search(query);
      REQUIRE(hits.size() == 1);
      CHECK(hits[0].slot % 3 == 0);  // one of the re-added copies of this query
      CHECK(hits[0].slot < 300);
    }
  }
}

TEST_CASE("save/load round-trips give identical results (float, int8, int8 + floats, unfitted)") {
  const Metric metric = Metric::kCosine;
  const DataSet d = clustered(metric, 1500, 20, 24, 20, 0.5f, 41);
  DataSet small = d;
  small.vectors.resize(100);  // below the quantizer's training count: kept as floats
  struct Case {
    Quantization q;
    bool keep;
    const DataSet* data;
  };
  for (Case c : {Case{Quantization::kNone, false, &d}, Case{Quantization::kInt8, false, &d},
                 Case{Quantization::kInt8, true, &d}, Case{Quantization::kInt8, true, &small}}) {
    const DenseOptions options = hnsw_options(metric, 24, c.q, c.keep);
    auto index = build(options, *c.data);
    index->remove(7);
    ByteWriter out;
    index->save(out);
    ByteReader in(out.bytes().data(), out.size(), "index");
    auto loaded = load_vector_index(options, in, 1500);
    CHECK(in.done());
    CHECK(loaded->size() == index->size());
    CHECK_FALSE(loaded->contains(7));
    for (const auto& q : d.queries) {
      for (bool exact : {false, true}) {
        DenseQuery query{q.data(), 10, nullptr, 0, exact};
        auto a = index->search(query), b = loaded->search(query);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) {
          CHECK(a[i].slot == b[i].slot);
          CHECK(a[i].score == b[i].score);
        }
      }
    }
    // A truncated index is refused, not half-loaded.
    ByteReader cut(out.bytes().data(), out.size() / 2, "index");
    CHECK_OSPREY_ERROR(load_vector_index(options, cut, 1500), ErrorCode::kCorruptData);
  }
}

TEST_CASE("the int8 index fits its ranges once enough vectors arrived, one by one or in a batch") {
  const Metric metric = Metric::kCosine;
  const DataSet d = clustered(metric, 1200, 10, 16, 10, 0.5f, 51);
  auto one_by_one = make_vector_index(hnsw_options(metric, 16, Quantization::kInt8, true));
  for (size_t i = 0; i < d.vectors.size(); ++i) {
    one_by_one->add(uint32_t(i), d.vectors[i].data());
    CHECK(one_by_one->size() == i + 1);
  }
  auto batch = build(hnsw_options(metric, 16, Quantization::kInt8, true), d);
  for (const auto& q : d.queries) {
    DenseQuery query{q.data(), 5, nullptr, 200, false};
    CHECK(slots_of(one_by_one->search(query)) == truth(metric, d, q.data(), 5));
    CHECK(slots_of(batch->search(query)) == truth(metric, d, q.data(), 5));
  }
}

TEST_CASE("a reserved capacity is a hint: the index still grows past it") {
  const DataSet d = clustered(Metric::kCosine, 3000, 20, 16, 20, 0.5f, 61);
  DenseOptions options = hnsw_options(Metric::kCosine, 16, Quantization::kInt8, true);
  options.hnsw.capacity = 2000;
  auto index = build(options, d);
  CHECK(index->size() == 3000);
  CHECK(recall_at_10(*index, Metric::kCosine, d) >= 0.95);
}

TEST_CASE("dense options: quantization is validated and round-trips") {
  CHECK(parse_quantization("int8") == Quantization::kInt8);
  CHECK(parse_quantization("none") == Quantization::kNone);
  CHECK_OSPREY_ERROR(parse_quantization("int4"), ErrorCode::kInvalidArgument);
  DenseOptions flat = hnsw_options(Metric::kCosine, 8, Quantization::kInt8);
  flat.kind = IndexKind::kFlat;
  CHECK_OSPREY_ERROR(flat.validate(), ErrorCode::kInvalidArgument);
  DenseOptions o = hnsw_options(Metric::kL2, 8, Quantization::kInt8, true);
  ByteWriter out;
  o.save(out);
  ByteReader in(out.bytes().data(), out.size(), "options");
  DenseOptions back = DenseOptions::load(in);
  CHECK(back.quantization == Quantization::kInt8);
  CHECK(back.keep_float);
  CHECK(back.metric == Metric::kL2);
  DenseOptions huge = o;
  huge.hnsw.capacity = 1u << 29;
  CHECK_OSPREY_ERROR(huge.validate(), ErrorCode::kInvalidArgument);
  out.bytes().back() = 7;  // keep_float must be 0 or 1
  ByteReader bad(out.bytes().data(), out.size(), "options");
  CHECK_OSPREY_ERROR(DenseOptions::load(bad), ErrorCode::kCorruptData);
}
