# Live face-mask detection on Windows: .\detect.ps1 [--camera N | --video FILE | --image FILE] [options]
# Mirrors detect.sh; needs what train.ps1 needs (see README, "Windows").
$ErrorActionPreference = 'Stop'
# The build runs in the repository; the app runs where the script was started, so paths on the
# command line and the default model are the caller's (as in detect.sh).
Push-Location $PSScriptRoot
try {
  . "$PSScriptRoot/scripts/setup.ps1"
  $project = 'src/MaskTrainer.Detect/MaskTrainer.Detect.csproj'
  $app = 'src/MaskTrainer.Detect/bin/Release/publish'
  # Published precompiled (ReadyToRun), as detect.sh does; the plain build when that fails
  # (offline without the SDK's compiler packs), unless MT_PUBLISH_REQUIRED=1.
  try {
    Invoke-MtSetup -Configuration Release -Project $project -Publish $app
  } catch {
    if ($env:MT_PUBLISH_REQUIRED -eq '1') { throw }
    Write-Warning "could not compile the app ahead of time ($_): running the plain build instead"
    Invoke-MtSetup -Configuration Release -Project $project
    $app = 'src/MaskTrainer.Detect/bin/Release/net10.0'
  }
} finally {
  Pop-Location
}
& dotnet "$PSScriptRoot/$app/masktrainer-detect.dll" @args
exit $LASTEXITCODE
