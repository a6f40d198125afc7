# Train a face-mask classifier on Windows: .\train.ps1 [command] [options]   (.\train.ps1 --help)
# Mirrors train.sh. Windows needs only the .NET 10 SDK: OpenCV and ONNX Runtime come as NuGet
# packages. Untested on Windows (README, "Windows").
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
. "$PSScriptRoot/scripts/setup.ps1"
Invoke-MtSetup -Configuration Release -Project 'src/MaskTrainer.Train/MaskTrainer.Train.csproj'
& dotnet 'src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll' @args
exit $LASTEXITCODE
