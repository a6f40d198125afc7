#!/usr/bin/env bash
# Live face-mask detection: ./detect.sh [--camera N | --video FILE | --image FILE] [options]
# Installs what is missing (apt: GTK 3 and OpenCV data files), publishes the detector app
# compiled ahead of time, and runs it.
set -euo pipefail
# Paths on the command line and the default model (artifacts/mask_model.zip) are the caller's:
# the app runs in the folder the script was started from, only the build runs in the repository.
caller="$PWD"
# The script's own folder, through any link to it (`ln -s …/detect.sh /usr/local/bin/mt-detect`):
# scripts/ and the build are beside the file itself, not beside the link.
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$root"
. scripts/setup.sh
project=src/MaskTrainer.Detect/MaskTrainer.Detect.csproj
# Published precompiled (ReadyToRun), not just built: see scripts/setup.sh. That needs the
# SDK's compiler packs from NuGet once; when the publish fails (offline without them), the
# plain build runs instead, unless MT_PUBLISH_REQUIRED=1 (CI and the bench measure the publish).
app="src/MaskTrainer.Detect/bin/Release/publish"
status=0
MT_PUBLISH="$root/$app" mt_setup Release "$project" || status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 3 ] && [ "${MT_PUBLISH_REQUIRED:-0}" != 1 ] || exit "$status"
  mt_note "could not compile the app ahead of time: running the plain build instead"
  mt_setup Release "$project"
  app="src/MaskTrainer.Detect/bin/Release/net10.0"
fi
cd "$caller"
exec dotnet "$root/$app/masktrainer-detect.dll" "$@"
