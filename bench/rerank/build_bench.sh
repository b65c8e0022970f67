#!/bin/sh
# Builds the MaxSim benchmark natively and for WASM against the core libraries that scripts/build
# makes (build/native, build/wasm).
#   sh bench/rerank/build_bench.sh
#   build/native/maxsim_bench && node build/wasm/maxsim_bench.cjs
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
ninja -C "$here/build/native" osprey_core
g++ -std=c++17 -O3 -march=native -Wall -Wextra -Wpedantic -I"$here/src" \
  "$here/bench/rerank/maxsim_bench.cpp" "$here/build/native/libosprey_core.a" -lpthread \
  -o "$here/build/native/maxsim_bench"
ninja -C "$here/build/wasm" osprey_core
em++ -std=c++17 -O3 -msimd128 -fwasm-exceptions -Wall -Wextra -Wpedantic \
  -I"$here/src" -isystem "$here/build/wasm/third-party-include" \
  "$here/bench/rerank/maxsim_bench.cpp" "$here/build/wasm/libosprey_core.a" \
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1 \
  -sWASM_ASYNC_COMPILATION=0 -o "$here/build/wasm/maxsim_bench.cjs"
