# Live face-mask detection on Windows: .\detect.ps1 [--camera N | --video FILE | --image FILE] [options]
# Mirrors detect.sh; needs what train.ps1 needs (see README, "Windows").
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
# command line and the default model are the caller's (as in detect.sh).
Push-Location $root
try {
  . "$root/scripts/setup.ps1"
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
& dotnet "$root/$app/masktrainer-detect.dll" @args
exit $LASTEXITCODE
