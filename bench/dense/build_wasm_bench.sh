#!/bin/sh
# Links bench/dense/osprey_index_bench.cpp against the WASM core library of a build directory
# (default build/dense-wasm, configured with emcmake as in the README) into a Node program.
#   sh bench/dense/build_wasm_bench.sh [build-dir]   ->   <build-dir>/osprey_index_bench.cjs
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build/dense-wasm}
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
ninja -C "$build" osprey_core
em++ -std=c++17 -O3 -msimd128 -fwasm-exceptions -Wall -Wextra -Wpedantic \
  -I"$here/src" -isystem "$build/third-party-include" \
  "$here/bench/dense/osprey_index_bench.cpp" "$build/libosprey_core.a" \
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1 -sWASM_ASYNC_COMPILATION=0 \
  -o "$build/osprey_index_bench.cjs"
