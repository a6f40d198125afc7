# Live face-mask detection on Windows: .\detect.ps1 [--camera N | --video FILE | --image FILE] [options]
# Mirrors detect.sh; needs what train.ps1 needs (see README, "Windows").
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
. "$PSScriptRoot/scripts/setup.ps1"
Invoke-MtSetup -Configuration Release -Project 'src/MaskTrainer.Detect/MaskTrainer.Detect.csproj' -Publish 'src/MaskTrainer.Detect/bin/Release/publish'
& dotnet 'src/MaskTrainer.Detect/bin/Release/publish/masktrainer-detect.dll' @args
exit $LASTEXITCODE
