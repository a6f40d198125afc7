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
    # Only a failed publish falls back (offline without the compiler packs); a missing SDK would fail again.
    $message = $_.Exception.Message
    if ($env:MT_PUBLISH_REQUIRED -eq '1' -or $message -notmatch 'publish failed') { throw }
    Write-Warning "could not compile the app ahead of time ($message): running the plain build instead"
    Invoke-MtSetup -Configuration Release -Project $project
    $app = 'src/MaskTrainer.Detect/bin/Release/net10.0'
  }
} catch {
  # One line, as detect.sh says it, not PowerShell's error record with its script position.
  [Console]::Error.WriteLine("error: $($_.Exception.Message)")
  exit 1
} finally {
  Pop-Location
}
& dotnet "$PSScriptRoot/$app/masktrainer-detect.dll" @args
exit $LASTEXITCODE
