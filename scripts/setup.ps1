# Shared set-up for train.ps1 and detect.ps1, as scripts/setup.sh is for the shell scripts: checks
# the .NET SDK (10 or later) and builds the app only when a source, project or props file changed
# since its last successful build (a stamp in .build-stamps\; $env:MT_REBUILD = '1' forces it).
# OpenCV arrives as NuGet packages (OpenCvSharp4 + its Windows runtime), ONNX Runtime likewise:
# nothing to install by hand. Untested: the Windows runtime package is not served where this
# project is developed (README, "Windows"). Windows PowerShell 5.1 and PowerShell 7 alike.
# -Publish DIR publishes the project into DIR compiled ahead of time (ReadyToRun) instead of
# building it, as scripts/setup.sh does with MT_PUBLISH (the detect app).
#
# Nothing is written to the output stream: the build's lines are kept and shown on stderr only when
# it fails, and the notes go to stderr, so `.\train.ps1 evaluate --json > m.json` gets the app's
# output alone (dotnet's "Build succeeded. 0 Warning(s)" used to land in the file).

# The repository root, wherever the script is dot-sourced from.
$script:MtRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path

function Write-MtNote([string]$Message) { [Console]::Error.WriteLine("[setup] $Message") }

# The SDK is there and is 10 or later (a 9 SDK fails later with an unreadable NETSDK error).
function Assert-MtDotnet {
  if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    throw "the .NET 10 SDK is not installed: see https://dot.net"
  }
  # Its own message when it fails (a broken SDK, a runtime without an SDK); stderr lines of a native
  # command are error records, which 'Stop' would turn into an exception of their own.
  $ErrorActionPreference = 'Continue'
  $out = @(& dotnet --version 2>&1 | ForEach-Object { "$_" })
  if ($LASTEXITCODE -ne 0) {
    throw "'dotnet --version' failed: $(($out | Select-Object -First 3) -join ' ')"
  }
  $version = "$($out | Select-Object -Last 1)".Trim()
  $major = 0
  if (-not [int]::TryParse(($version -split '\.')[0], [ref]$major) -or $major -lt 10) {
    throw ".NET SDK 10 or later is needed (found $version)"
  }
}

# True when a file or folder under $Dir changed after $Since, bin\ and obj\ left out. Folders count:
# an added or deleted file changes its folder's time.
function Test-MtNewerUnder([string]$Dir, [datetime]$Since) {
  foreach ($item in @(Get-ChildItem -LiteralPath $Dir -Force -ErrorAction SilentlyContinue)) {
    if ($item.PSIsContainer) {
      if ($item.Name -eq 'bin' -or $item.Name -eq 'obj') { continue }
      if ($item.LastWriteTimeUtc -gt $Since) { return $true }
      if (Test-MtNewerUnder $item.FullName $Since) { return $true }
    } elseif ($item.LastWriteTimeUtc -gt $Since) {
      return $true
    }
  }
  return $false
}

# True when the project must be (re)built: no stamp from a successful build yet, or a source,
# project or props file (or a folder) is newer than the stamp. The same files as setup.sh looks at.
function Test-MtBuildNeeded([string]$Stamp) {
  if (-not (Test-Path -LiteralPath $Stamp -PathType Leaf)) { return $true }
  $since = (Get-Item -LiteralPath $Stamp).LastWriteTimeUtc
  foreach ($name in 'Directory.Build.props', 'Directory.Packages.props', 'MaskTrainer.sln', 'src', 'tests', 'bench', 'scripts') {
    $path = Join-Path $script:MtRoot $name
    if (-not (Test-Path -LiteralPath $path)) { continue }
    if ((Get-Item -LiteralPath $path).LastWriteTimeUtc -gt $since) { return $true }
    if ((Test-Path -LiteralPath $path -PathType Container) -and (Test-MtNewerUnder $path $since)) { return $true }
  }
  return $false
}

# Invoke-MtSetup -Configuration C -Project P [-Publish DIR]: builds (or publishes) P unless nothing
# changed since its last successful build. A publish that fails throws (detect.ps1 then builds
# instead); it is not tried again until a source changes or MT_REBUILD is 1, as a restore that
# cannot reach NuGet can take minutes.
function Invoke-MtSetup {
  param([string]$Configuration, [string]$Project, [string]$Publish = '')
  # Set for the SDK's commands only and put back after: the scripts run in the caller's session,
  # where $env: changes would outlive them.
  $names = 'DOTNET_CLI_TELEMETRY_OPTOUT', 'DOTNET_NOLOGO', 'DOTNET_SKIP_FIRST_TIME_EXPERIENCE'
  $saved = @{}
  foreach ($name in $names) {
    $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    [Environment]::SetEnvironmentVariable($name, '1')
  }
  $lock = $null
  try {
    $lock = Lock-MtBuild
    # No lock: a checkout this user cannot write, which runs as it was built (Lock-MtBuild).
    Invoke-MtBuild -Configuration $Configuration -Project $Project -Publish $Publish -ReadOnly:($null -eq $lock)
  } finally {
    if ($lock) { $lock.Dispose() }
    foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
  }
}

# One build or publish of this repository at a time, as setup.sh's flock (the same file, and on
# Linux the same lock: .NET takes flock for FileShare.None): a second detect.ps1 started during a
# publish would swap the same folders and stamps. It waits, then finds the work done. The caller
# disposes the lock before the app starts, so two apps can run. Most holders only check the stamps,
# for a moment: the wait is said only for a build, which its holder names in .build-stamps\.busy
# (as setup.sh's mt_busy does). $null for a checkout this user cannot write (a read-only mount, an
# install owned by another user): it can take no lock and build nothing, and needs neither when built.
function Lock-MtBuild {
  $dir = Join-Path $script:MtRoot '.build-stamps'
  $path = Join-Path $dir '.lock'
  $busy = Join-Path $dir '.busy'
  $said = $false
  while ($true) {
    try {
      [void][IO.Directory]::CreateDirectory($dir)
      $lock = [IO.File]::Open($path, [IO.FileMode]::OpenOrCreate, [IO.FileAccess]::ReadWrite, [IO.FileShare]::None)
      # Left by a build that was killed: nothing runs now (we hold the lock).
      Remove-Item -LiteralPath $busy -Force -ErrorAction SilentlyContinue
      return $lock
    } catch {
      $inner = $_.Exception.InnerException
      # Cannot be written: no permission, or a read-only file system (EROFS on Linux and macOS, a
      # write-protected disk on Windows).
      if ($inner -is [UnauthorizedAccessException] -or ($inner -is [IO.IOException] -and $inner.HResult -in @(30, -2147024877))) { return $null }
      # Held by another build: EWOULDBLOCK from flock (Linux 11, macOS 35) or a Windows sharing or
      # lock violation, as OutputCommit tells them. Anything else (an I/O error) is an error.
      if (-not ($inner -is [IO.IOException]) -or $inner.HResult -notin @(11, 35, -2147024864, -2147024863)) { throw }
      if (-not $said) {
        $what = "$(Get-Content -LiteralPath $busy -TotalCount 1 -ErrorAction SilentlyContinue)".Trim()
        if ($what) {
          Write-MtNote "another $what is under way: waiting for it"
          $said = $true
        }
      }
      Start-Sleep -Milliseconds 200
    }
  }
}

function Invoke-MtBuild {
  param([string]$Configuration, [string]$Project, [string]$Publish, [switch]$ReadOnly)
  $root = $script:MtRoot
  if ($Publish -and -not [IO.Path]::IsPathRooted($Publish)) { $Publish = Join-Path $root $Publish }
  $suffix = ''
  if ($Publish) { $suffix = '.publish' }
  $stamp = Join-Path (Join-Path $root '.build-stamps') ("{0}.{1}{2}" -f (Split-Path -Leaf $Project), $Configuration, $suffix)
  Assert-MtDotnet

  # Built before: the configuration's output folder exists; published: the folder holds the app.
  if ($Publish) {
    $built = @(Get-ChildItem -Path (Join-Path $Publish '*.dll') -ErrorAction SilentlyContinue).Count -gt 0
  } elseif ($Project -like '*.csproj') {
    $built = Test-Path -LiteralPath (Join-Path (Join-Path $root (Split-Path -Parent $Project)) "bin\$Configuration") -PathType Container
  } else {
    $built = $true
  }
  $rebuild = $env:MT_REBUILD -eq '1'
  if (-not $rebuild -and $built -and -not (Test-MtBuildNeeded $stamp)) { return }
  if ($Publish -and -not $rebuild -and (Test-Path -LiteralPath "$stamp.failed") -and -not (Test-MtBuildNeeded "$stamp.failed")) {
    throw 'the last publish failed and nothing changed since (MT_REBUILD=1 tries again)'
  }

  if ($ReadOnly) {
    $needs = 'a build'
    if ($Publish) { $needs = 'to be published' }
    throw "$root cannot be written (a read-only file system, or not yours) and $(Split-Path -Leaf $Project) needs ${needs}: run the script once where the checkout can be written, or use a copy you can write"
  }
  $arguments = @('build', $Project, '-c', $Configuration)
  if ($Publish) {
    # Into a new folder, swapped in only when complete: a failed publish leaves the last one whole.
    $new = "$Publish.new"
    if (Test-Path -LiteralPath $new) { Remove-Item -LiteralPath $new -Recurse -Force }
    $arguments = @('publish', $Project, '-c', $Configuration, '--use-current-runtime', '--self-contained', 'false', '-p:PublishReadyToRun=true', '-o', $new)
    Write-MtNote 'compiling the app ahead of time (after each change; about 30 s)'
  }

  # The stamp is taken before building, so an edit made during the build triggers the next one.
  New-Item -ItemType Directory -Force -Path (Split-Path -Parent $stamp) | Out-Null
  $started = "$stamp.new"
  # A first build creates bin\ and obj\ beside each project, which changes its folder's time after
  # the stamp: make them now, or the next run would see a change and build again.
  foreach ($csproj in @(Get-ChildItem -Path (Join-Path $root 'src\*\*.csproj'), (Join-Path $root 'tests\*\*.csproj'), (Join-Path $root 'bench\*\*.csproj') -ErrorAction SilentlyContinue)) {
    New-Item -ItemType Directory -Force -Path (Join-Path $csproj.DirectoryName 'bin'), (Join-Path $csproj.DirectoryName 'obj') | Out-Null
  }
  New-Item -ItemType File -Force -Path $started | Out-Null

  # For a script waiting for the lock (Lock-MtBuild): a build is worth saying it waits for.
  $busy = Join-Path (Join-Path $root '.build-stamps') '.busy'
  Set-Content -LiteralPath $busy -Value 'build of this repository'
  # Kept in a variable, not printed: shown (on stderr) only when the build fails.
  $ErrorActionPreference = 'Continue'
  $log = @(& dotnet @arguments -nologo -v q -clp:NoSummary 2>&1 | ForEach-Object { "$_" })
  $built = $LASTEXITCODE
  Remove-Item -LiteralPath $busy -Force -ErrorAction SilentlyContinue
  # Back to stopping at the first failure: a swap below that fails (the app's files locked by a
  # running detect.ps1) must not be taken for a finished publish and stamped.
  $ErrorActionPreference = 'Stop'
  if ($built -ne 0) {
    foreach ($line in $log) { [Console]::Error.WriteLine($line) }
    Remove-Item -LiteralPath $started -Force -ErrorAction SilentlyContinue
    if ($Publish) {
      if (Test-Path -LiteralPath $new) { Remove-Item -LiteralPath $new -Recurse -Force }
      New-Item -ItemType File -Force -Path "$stamp.failed" | Out-Null
      throw 'publish failed (see above)'
    }
    throw 'build failed (see above)'
  }
  if ($Publish) {
    $old = "$Publish.old"
    if (Test-Path -LiteralPath $old) { Remove-Item -LiteralPath $old -Recurse -Force }
    try {
      if (Test-Path -LiteralPath $Publish) { Move-Item -LiteralPath $Publish -Destination $old -ErrorAction Stop }
      Move-Item -LiteralPath $new -Destination $Publish -ErrorAction Stop
    } catch {
      Remove-Item -LiteralPath $started -Force -ErrorAction SilentlyContinue
      throw "could not put the new build in place ($($_.Exception.Message)); is detect.ps1 running? Stop it and run again"
    }
    if (Test-Path -LiteralPath $old) { Remove-Item -LiteralPath $old -Recurse -Force -ErrorAction SilentlyContinue }
  }
  Remove-Item -LiteralPath "$stamp.failed" -Force -ErrorAction SilentlyContinue
  Move-Item -LiteralPath $started -Destination $stamp -Force
}
