#!/usr/bin/env bash
# Builds ndaccel and assembles a private, importable copy of the package in
# DIR/ndaccel (default DIR=/tmp/nd), for running tests against the working
# tree without touching the installed package:
#     tools/devpkg.sh /tmp/nd_me && (cd /tmp && PYTHONPATH=/tmp/nd_me \
#         python3 -m pytest /work/main/tests/python/test_x.py -q -p no:cacheprovider)
set -euo pipefail
dest=${1:-/tmp/nd}
cd "$(dirname "$0")/.."
targets=(//python/ndaccel:_core.so //backends/opencl:libndaccel_opencl.so)
if bazel query //backends/cuda:libndaccel_cuda.so >/dev/null 2>&1; then
    targets+=(//backends/cuda:libndaccel_cuda.so)
fi
bazel build --noshow_progress "${targets[@]}"
mkdir -p "$dest/ndaccel"
rm -rf "${dest:?}/ndaccel"/*
cp -r python/ndaccel/. "$dest/ndaccel/"
rm -rf "$dest/ndaccel/__pycache__" "$dest/ndaccel/BUILD"
for so in bazel-bin/python/ndaccel/_core.so bazel-bin/backends/opencl/libndaccel_opencl.so \
    bazel-bin/backends/cuda/libndaccel_cuda.so; do
    if [ -f "$so" ]; then install -m 0755 "$so" "$dest/ndaccel/"; fi
done
echo "ndaccel assembled in $dest/ndaccel"
