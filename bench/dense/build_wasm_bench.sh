#!/bin/sh
# Compiles bench/dense/osprey_index_bench.cpp with the dense index sources (src/dense, src/core)
# to WASM (SIMD128) as a Node program; [build-dir] (default build/dense-wasm) gives the folder of
# third-party header links that CMake makes (configure it with emcmake as in the README).
#   sh bench/dense/build_wasm_bench.sh [build-dir]   ->   <build-dir>/osprey_index_bench.cjs
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build/dense-wasm}
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
em++ -std=c++17 -O3 -msimd128 -fwasm-exceptions -Wall -Wextra -Wpedantic \
  -I"$here/src" -isystem "$build/third-party-include" \
  "$here/bench/dense/osprey_index_bench.cpp" "$here"/src/dense/*.cpp "$here"/src/core/*.cpp \
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1 -sWASM_ASYNC_COMPILATION=0 \
  -o "$build/osprey_index_bench.cjs"
