# Live face-mask detection on Windows: .\detect.ps1 [--camera N | --video FILE | --image FILE] [options]
# Mirrors detect.sh; needs what train.ps1 needs (see README, "Windows").
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
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
& dotnet "$app/masktrainer-detect.dll" @args
exit $LASTEXITCODE
