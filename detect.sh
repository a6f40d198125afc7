#!/usr/bin/env bash
# Live face-mask detection: ./detect.sh [--camera N | --video FILE | --image FILE] [options]
# Installs what is missing (apt: GTK 3 and OpenCV data files), builds, and runs the detector app.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
. scripts/setup.sh
mt_setup Release src/MaskTrainer.Detect/MaskTrainer.Detect.csproj
exec dotnet "src/MaskTrainer.Detect/bin/Release/net10.0/masktrainer-detect.dll" "$@"
