# Shared set-up for train.ps1 and detect.ps1: checks the .NET SDK and builds the app.
# OpenCV arrives as NuGet packages (OpenCvSharp4 + its Windows runtime), ONNX Runtime likewise:
# nothing to install by hand. Untested: the Windows runtime package is not served where this
# project is developed (README, "Windows").
# -Publish DIR publishes the project into DIR compiled ahead of time (ReadyToRun) instead of
# building it, as scripts/setup.sh does with MT_PUBLISH (the detect app).
function Invoke-MtSetup {
  param([string]$Configuration, [string]$Project, [string]$Publish = '')
  $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
  if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    throw 'The .NET 10 SDK is not installed: see https://dot.net'
  }
  if ($Publish) {
    # Into a new folder, swapped in only when complete: a failed publish leaves the last one whole.
    $new = "$Publish.new"
    if (Test-Path $new) { Remove-Item -Recurse -Force $new }
    dotnet publish $Project -c $Configuration --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o $new -nologo -v q
    if ($LASTEXITCODE -ne 0) {
      if (Test-Path $new) { Remove-Item -Recurse -Force $new }
      throw 'publish failed (see above)'
    }
    if (Test-Path $Publish) { Remove-Item -Recurse -Force $Publish }
    Move-Item $new $Publish
  } else {
    dotnet build $Project -c $Configuration -nologo -v q
    if ($LASTEXITCODE -ne 0) { throw 'build failed (see above)' }
  }
}
