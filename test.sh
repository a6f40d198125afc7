#!/usr/bin/env bash
# Run every test: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~OpenCv]
# Installs what is missing (apt: GTK 3, OpenCV data files, Xvfb + ImageMagick for the window tests), builds, runs xunit.
# Tests read real images and models from ../shared, or $MASKTRAINER_SHARED (skipped with a message when absent).
set -euo pipefail
# The script's own folder, through any link to it, as in train.sh.
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$root"
. scripts/setup.sh
mt_setup Release MaskTrainer.sln xvfb xauth imagemagick
# Tests use the offline model copies so that they never need the network.
if [ -z "${MASKTRAINER_MODELS:-}" ] && [ -d "$root/../shared/models" ]; then
  export MASKTRAINER_MODELS="$(cd "$root/../shared/models" && pwd)"
fi
export MASKTRAINER_OFFLINE=1
results="$(mktemp -d)"
set +e
dotnet test tests/MaskTrainer.Tests/MaskTrainer.Tests.csproj -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" \
  --results-directory "$results" "$@"
status=$?
set -e
# One plain closing line, whatever the runner printed above.
if [ -f "$results/results.trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$results/results.trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); passed=$(get passed); failed=$(get failed)
  skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
  echo "Tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
fi
rm -rf "$results"
exit $status
