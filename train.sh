#!/usr/bin/env bash
# Train a face-mask classifier: ./train.sh [command] [options]   (./train.sh --help)
# Installs what is missing (apt: GTK 3 and OpenCV data files), builds, and runs the training app.
set -euo pipefail
# Paths on the command line and the defaults (data/, artifacts/, .workspace/) are the caller's:
# the app runs in the folder the script was started from, only the build runs in the repository.
caller="$PWD"
# The script's own folder, through any link to it (`ln -s …/train.sh /usr/local/bin/mt-train`):
# scripts/ and the build are beside the file itself, not beside the link.
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$root"
. scripts/setup.sh
mt_setup Release src/MaskTrainer.Train/MaskTrainer.Train.csproj
cd "$caller"
exec dotnet "$root/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll" "$@"
