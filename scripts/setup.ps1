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
    dotnet publish $Project -c $Configuration --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o $Publish -nologo -v q
    if ($LASTEXITCODE -ne 0) { throw 'publish failed (see above)' }
  } else {
    dotnet build $Project -c $Configuration -nologo -v q
    if ($LASTEXITCODE -ne 0) { throw 'build failed (see above)' }
  }
}
