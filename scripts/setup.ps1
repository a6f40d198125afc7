# Shared set-up for train.ps1 and detect.ps1: checks the tools, builds the native shim and the app.
function Invoke-MtSetup {
  param([string]$Configuration, [string]$Project)
  $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
  if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    throw 'The .NET 10 SDK is not installed: see https://dot.net'
  }
  if (-not (Get-Command cmake -ErrorAction SilentlyContinue)) {
    throw 'CMake is not installed: winget install Kitware.CMake (needed to build the OpenCV shim)'
  }
  if (-not $env:OpenCV_DIR) {
    throw 'OpenCV_DIR is not set: install OpenCV 4.x for Windows and set OpenCV_DIR to its build folder (see README, "Windows")'
  }
  $nativeBuild = Join-Path $PSScriptRoot '../src/MaskTrainer.OpenCv/obj/native-build'
  cmake -S (Join-Path $PSScriptRoot '../src/MaskTrainer.OpenCv/native') -B $nativeBuild | Out-Null
  if ($LASTEXITCODE -ne 0) { throw 'cmake configure of the OpenCV shim failed' }
  cmake --build $nativeBuild --config Release | Out-Null
  if ($LASTEXITCODE -ne 0) { throw 'building the OpenCV shim failed' }
  dotnet build $Project -c $Configuration -nologo -v q
  if ($LASTEXITCODE -ne 0) { throw 'build failed (see above)' }
}
