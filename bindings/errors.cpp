#include "errors.h"

#include <cmath>

namespace osprey::bindings {

using emscripten::val;

void throw_js_error(const char* code, std::string message) {
  val ctor = val::module_property("OspreyError");
  val error = ctor.isUndefined() ? val::global("Error").new_(val(message))
                                 : ctor.new_(val(message), val(code));
  message = std::string();  // throw_() never returns: free the buffer now
  error.throw_();
}

std::string checked_string(const val& v, const std::string& what) {
  // Embind's UTF-16 to UTF-8 conversion silently pairs a lone surrogate with the next code unit,
  // which would corrupt text without a trace: refuse such strings instead.
  if (!v.call<bool>("isWellFormed")) {
    throw Error(ErrorCode::kInvalidUtf8,
                what + " is not well-formed Unicode (it has an unpaired UTF-16 surrogate)");
  }
  return v.as<std::string>();
}

bool is_object(const val& value) {
  return !value.isNull() && value.typeOf().as<std::string>() == "object";
}

void type_error(const std::string& what, const char* expected) {
  throw Error(ErrorCode::kInvalidArgument, what + " must be " + expected);
}

std::string get_string(const val& object, const char* key, const std::string& where,
                       bool required) {
  val v = object[key];
  if (v.isUndefined() || v.isNull()) {
    if (required) type_error(where + "." + key, "a string");
    return {};
  }
  if (!v.isString()) type_error(where + "." + key, "a string");
  return checked_string(v, where + "." + key);
}

double get_number(const val& object, const char* key, const std::string& where, double fallback) {
  val v = object[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isNumber()) type_error(where + "." + key, "a number");
  double d = v.as<double>();
  if (!std::isfinite(d)) type_error(where + "." + key, "a finite number");
  return d;
}

size_t get_whole(const val& object, const char* key, const std::string& where, double fallback,
                 double max) {
  const double d = get_number(object, key, where, fallback);
  if (d < 0 || d != std::floor(d) || d > max) {
    type_error(where + "." + key,
               ("a whole number in [0, " + std::to_string(size_t(max)) + "]").c_str());
  }
  return size_t(d);
}

bool get_bool(const val& object, const char* key, const std::string& where, bool fallback) {
  val v = object[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isTrue() && !v.isFalse()) type_error(where + "." + key, "true or false");
  return v.isTrue();
}

std::vector<float> get_vector(const val& value, const std::string& what) {
  bool array_like = val::global("Array").call<bool>("isArray", value) ||
                    (val::global("ArrayBuffer").call<bool>("isView", value) && !value.instanceof
                     (val::global("DataView")));
  if (!array_like) type_error(what, "a Float32Array or an array of numbers");
  // Non-numbers become NaN here and are refused by the vector checks with their index.
  return emscripten::convertJSArrayToNumberVector<float>(value);
}

std::vector<uint8_t> get_bytes(const val& value, const std::string& what) {
  if (!value.instanceof (val::global("Uint8Array"))) type_error(what, "a Uint8Array");
  return emscripten::convertJSArrayToNumberVector<uint8_t>(value);
}

}  // namespace osprey::bindings
