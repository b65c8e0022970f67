// Every C++ error crosses into JavaScript as an OspreyError (the class the JS package hands to the
// module) with `code` and a message; never as an abort or a bare exception pointer.
#pragma once

#include <emscripten/val.h>

#include <new>
#include <string>

#include "core/error.h"

namespace osprey::bindings {

[[noreturn]] void throw_js_error(const char* code, std::string message);

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  const char* code = "INTERNAL";
  std::string message;
  try {
    return f();
  } catch (const Error& e) {
    code = error_code_name(e.code());
    message = e.what();
  } catch (const std::bad_alloc&) {
    code = "OUT_OF_MEMORY";
    message = "out of memory: the WebAssembly heap cannot grow further (the input is too large)";
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  }
  throw_js_error(code, std::move(message));
}

// Argument checks at the JS boundary, so that a wrong type is a clear error, not a crash.
[[noreturn]] void type_error(const std::string& what, const char* expected);
// A JS object (not null, not a primitive, not a function).
bool is_object(const emscripten::val& value);
// A JS string as UTF-8; refuses strings with unpaired surrogates.
std::string checked_string(const emscripten::val& value, const std::string& what);
std::string get_string(const emscripten::val& object, const char* key, const std::string& where,
                       bool required);
double get_number(const emscripten::val& object, const char* key, const std::string& where,
                  double fallback);
bool get_bool(const emscripten::val& object, const char* key, const std::string& where,
              bool fallback);
// A whole number in [0, max] (fallback when absent).
size_t get_whole(const emscripten::val& object, const char* key, const std::string& where,
                 double fallback, double max);
std::vector<float> get_vector(const emscripten::val& value, const std::string& what);
std::vector<uint8_t> get_bytes(const emscripten::val& value, const std::string& what);

}  // namespace osprey::bindings
