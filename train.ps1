# Train a face-mask classifier on Windows: .\train.ps1 [command] [options]   (.\train.ps1 --help)
# Mirrors train.sh. Windows needs: the .NET 10 SDK, CMake, a C++ compiler (Visual Studio
# Build Tools) and OpenCV 4.x (the official Windows build; set OpenCV_DIR to its build folder
# and put its bin folder, with opencv_world4xx.dll, on PATH). See README, "Windows".
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
. "$PSScriptRoot/scripts/setup.ps1"
Invoke-MtSetup -Configuration Release -Project 'src/MaskTrainer.Train/MaskTrainer.Train.csproj'
& dotnet 'src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll' @args
exit $LASTEXITCODE
