# Train a face-mask classifier on Windows: .\train.ps1 [command] [options]   (.\train.ps1 --help)
# Mirrors train.sh. Windows needs only the .NET 10 SDK: OpenCV and ONNX Runtime come as NuGet
# packages. Untested on Windows (README, "Windows").
$ErrorActionPreference = 'Stop'
# The build runs in the repository; the app runs where the script was started, so paths on the
# command line and the defaults (data\, artifacts\, .workspace\) are the caller's (as in train.sh).
Push-Location $PSScriptRoot
try {
  . "$PSScriptRoot/scripts/setup.ps1"
  Invoke-MtSetup -Configuration Release -Project 'src/MaskTrainer.Train/MaskTrainer.Train.csproj'
} catch {
  # One line, as train.sh says it, not PowerShell's error record with its script position.
  [Console]::Error.WriteLine("error: $($_.Exception.Message)")
  exit 1
} finally {
  Pop-Location
}
& dotnet "$PSScriptRoot/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll" @args
exit $LASTEXITCODE
