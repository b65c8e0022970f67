#!/bin/sh
# Builds the MaxSim benchmark natively and for WASM against the core libraries of the rerank build
# directories (configured as in the README: build/rerank-native, build/rerank-wasm).
#   sh bench/rerank/build_bench.sh
#   build/rerank-native/maxsim_bench && node build/rerank-wasm/maxsim_bench.cjs
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
ninja -C "$here/build/rerank-native" osprey_core
g++ -std=c++17 -O3 -march=native -Wall -Wextra -Wpedantic -I"$here/src" \
  "$here/bench/rerank/maxsim_bench.cpp" "$here/build/rerank-native/libosprey_core.a" -lpthread \
  -o "$here/build/rerank-native/maxsim_bench"
ninja -C "$here/build/rerank-wasm" osprey_core
em++ -std=c++17 -O3 -msimd128 -fwasm-exceptions -Wall -Wextra -Wpedantic \
  -I"$here/src" -isystem "$here/build/rerank-wasm/third-party-include" \
  "$here/bench/rerank/maxsim_bench.cpp" "$here/build/rerank-wasm/libosprey_core.a" \
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1 \
  -sWASM_ASYNC_COMPILATION=0 -o "$here/build/rerank-wasm/maxsim_bench.cjs"
