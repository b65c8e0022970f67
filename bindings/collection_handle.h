// The core Collection behind a JS Collection handle, for bindings in other files (ingestion).
#pragma once

#include <emscripten/val.h>

#include "collection/collection.h"

namespace osprey::bindings {

// `handle`: a Collection object made by this module's Collection.create/load.
Collection& collection_of(const emscripten::val& handle);

}  // namespace osprey::bindings
