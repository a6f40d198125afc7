# Train a face-mask classifier on Windows: .\train.ps1 [command] [options]   (.\train.ps1 --help)
# Mirrors train.sh. Windows needs only the .NET 10 SDK: OpenCV and ONNX Runtime come as NuGet
# packages. Untested on Windows (README, "Windows").
$ErrorActionPreference = 'Stop'
# The script's own folder, through any link to it (as train.sh resolves its own): scripts\ and the
# build are beside the file itself, not beside the link.
$self = $PSCommandPath
while ((Get-Item -LiteralPath $self -Force).LinkType -eq 'SymbolicLink') {
  $target = @((Get-Item -LiteralPath $self -Force).Target)[0]
  if (-not [IO.Path]::IsPathRooted($target)) { $target = Join-Path (Split-Path -Parent $self) $target }
  $self = $target
}
$root = Split-Path -Parent $self
# The build runs in the repository; the app runs where the script was started, so paths on the
# command line and the defaults (data\, artifacts\, .workspace\) are the caller's (as in train.sh).
Push-Location $root
try {
  . "$root/scripts/setup.ps1"
  Invoke-MtSetup -Configuration Release -Project 'src/MaskTrainer.Train/MaskTrainer.Train.csproj'
} catch {
  # One line, as train.sh says it, not PowerShell's error record with its script position.
  [Console]::Error.WriteLine("error: $($_.Exception.Message)")
  exit 1
} finally {
  Pop-Location
}
& dotnet "$root/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll" @args
exit $LASTEXITCODE
