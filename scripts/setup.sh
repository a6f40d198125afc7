#!/usr/bin/env bash
# Shared set-up for train.sh, detect.sh and test.sh: installs what is missing on a
# Debian/Ubuntu machine (apt, via sudo when not root), then builds (or publishes) a project.
# Source it, then call `mt_setup <build-config> <project or solution> [extra apt packages...]`.

# The repository root, wherever the script is sourced from (through a link to it too, as train.sh resolves its own).
MT_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

mt_note() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }
mt_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Packages the product needs at run time: OpenCvSharp's native OpenCV (a NuGet package) links
# GTK 3 for its windows, and the Haar cascades come from opencv-data. Nothing is compiled here.
MT_APT_PACKAGES=(libgtk-3-0 opencv-data)

mt_apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || mt_die "missing packages (${missing[*]}) and no apt-get: install GTK 3 and OpenCV's data files by hand (see README, Troubleshooting)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || mt_die "need root or sudo to install: ${missing[*]}"
    sudo="sudo"
  fi
  mt_note "installing with apt: ${missing[*]} (one-time, about a minute)"
  mt_busy "apt install (${missing[*]})"
  local log
  log=$(mktemp)
  # apt's and debconf's chatter goes to a log shown only when something fails. A failure clears
  # .busy before dying: left behind, it would name an apt install that is no longer running.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; mt_busy; mt_die "apt-get update failed"
  fi
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; mt_busy; mt_die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$log"
  mt_busy
}

mt_check_dotnet() {
  command -v dotnet >/dev/null || mt_die "the .NET 10 SDK is not installed: see https://dot.net (or 'apt-get install dotnet-sdk-10.0' where your distribution packages it)"
  local out v
  # Its own message when it fails (a broken SDK, a HOME it cannot use): set -e would end the script silently.
  out=$(dotnet --version 2>&1) || mt_die "'dotnet --version' failed: $(printf '%s' "$out" | head -3 | tr '\n' ' ')"
  v=${out%%.*}
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 10 ] || mt_die ".NET SDK 10 or later is needed (found $out)"
}

# True when PROJECT must be (re)built: no stamp from a successful build yet, or a source,
# project or props file (or a folder, for added and deleted files) is newer than the stamp.
mt_build_needed() {
  local stamp=$1 root=$MT_ROOT
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$root/src" "$root/tests" "$root/bench" "$root/scripts" "$root/Directory.Build.props" \
    "$root/Directory.Packages.props" "$root/MaskTrainer.sln" \
    \( -name bin -o -name obj \) -prune -o -newer "$stamp" -print -quit 2>/dev/null)" ]
}

# mt_setup CONFIG PROJECT [extra apt packages...]: install, then build PROJECT quietly, unless
# nothing changed since its last successful build (then the command starts at once).
# MT_REBUILD=1 forces the build. MT_PUBLISH=DIR publishes PROJECT into DIR instead, precompiled
# (ReadyToRun): the detect app then never compiles ML.NET's code while frames go by
# (docs/detector.md, Performance). A publish that fails (offline without the SDK's compiler
# packs) returns 3 instead of stopping, so the caller can build instead; it is not tried again
# until a source changes or MT_REBUILD=1, as a restore that cannot reach NuGet can take minutes.
mt_setup() {
  # One build or publish of this repository at a time: a second ./detect.sh started during a
  # publish would swap the same folders and stamps (and failed on the missing 'publish.new'). It
  # waits, then finds the work done. The lock is released before the app starts, so two apps can run.
  # A checkout this user cannot write (a read-only mount, an install owned by root) can take no
  # lock and build nothing, and needs neither when it is built: it runs without the lock, and
  # mt_setup_locked says so in one line when a build is needed.
  local lock_fd="" rc=0 stamps="$MT_ROOT/.build-stamps"
  MT_READ_ONLY=""
  if ! mkdir -p "$stamps" 2>/dev/null || [ ! -w "$stamps" ]; then
    MT_READ_ONLY=1
  elif command -v flock >/dev/null; then
    if ! { exec {lock_fd}>>"$stamps/.lock"; } 2>/dev/null; then
      lock_fd="" MT_READ_ONLY=1
    else
      mt_wait_for_lock "$lock_fd"
      # Left by a build that was killed: nothing runs now (we hold the lock).
      rm -f "$stamps/.busy"
    fi
  fi
  mt_setup_locked "$@" || rc=$?
  if [ -n "$lock_fd" ]; then
    exec {lock_fd}>&-
  fi
  return "$rc"
}

# Takes the lock on descriptor $1, waiting while another script holds it. Most holders only check
# the stamps, for a moment: only a build or an install, which can take minutes, is said, as its
# holder names it in .build-stamps/.busy (mt_busy).
mt_wait_for_lock() {
  local fd=$1 said="" status what
  while :; do
    status=0
    flock -w 0.2 -E 75 "$fd" || status=$?
    [ "$status" -eq 75 ] || break
    if [ -z "$said" ] && what=$(cat "$MT_ROOT/.build-stamps/.busy" 2>/dev/null) && [ -n "$what" ]; then
      mt_note "another $what is under way: waiting for it"
      said=1
    fi
  done
  [ "$status" -eq 0 ] || mt_die "could not take the build lock $MT_ROOT/.build-stamps/.lock (flock exit code $status)"
}

# mt_busy WHAT: tells a script waiting for the lock what this one does under it (a "build", an
# "apt install"); mt_busy with nothing: done. Nothing on a read-only checkout, which takes no lock.
mt_busy() {
  [ -z "${MT_READ_ONLY:-}" ] || return 0
  if [ -n "${1:-}" ]; then
    printf '%s\n' "$1" >"$MT_ROOT/.build-stamps/.busy" 2>/dev/null || true
  else
    rm -f "$MT_ROOT/.build-stamps/.busy"
  fi
}

mt_setup_locked() {
  local config=$1 project=$2
  shift 2
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  local root=$MT_ROOT stamp publish=${MT_PUBLISH:-}
  stamp="$root/.build-stamps/$(basename "$project").$config${publish:+.publish}"
  mt_check_dotnet
  mt_apt_install "${MT_APT_PACKAGES[@]}" "$@"
  # Built before: the configuration's output folder exists; published: the folder holds the app.
  local built
  if [ -n "$publish" ]; then
    compgen -G "$publish/*.dll" >/dev/null && built=1
  else
    { [[ "$project" != *.csproj ]] || [ -d "$root/$(dirname "$project")/bin/$config" ]; } && built=1
  fi
  if [ "${MT_REBUILD:-0}" != 1 ] && ! mt_build_needed "$stamp" && [ -n "${built:-}" ]; then
    return 0
  fi
  if [ -n "$publish" ] && [ "${MT_REBUILD:-0}" != 1 ] && [ -f "$stamp.failed" ] && ! mt_build_needed "$stamp.failed"; then
    mt_note "the last publish failed and nothing changed since (MT_REBUILD=1 tries again)"
    return 3
  fi
  if [ -n "${MT_READ_ONLY:-}" ]; then
    local needs="a build"
    [ -z "$publish" ] || needs="to be published"
    mt_die "$root cannot be written (a read-only file system, or not yours) and $(basename "$project") needs $needs: run the script once where the checkout can be written, or use a copy you can write"
  fi
  local cmd=(dotnet build "$project" -c "$config")
  if [ -n "$publish" ]; then
    # --use-current-runtime picks the SDK's portable runtime identifier (linux-x64), even where
    # a distribution's SDK reports its own (ubuntu.24.04-x64), for which no packs exist.
    # Into a new folder, swapped in only when complete: a failed publish leaves the last one whole.
    rm -rf "$publish.new"
    cmd=(dotnet publish "$project" -c "$config" --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o "$publish.new")
    mt_note "compiling the app ahead of time (after each change; about 30 s)"
  fi
  local log
  log=$(mktemp)
  # The stamp is taken before building, so an edit made during the build triggers the next one.
  mkdir -p "$(dirname "$stamp")"
  local started="$stamp.new"
  # A first build creates bin/ and obj/ beside each project, which changes its folder's time after
  # the stamp: make them now, or the next call would see a change and build again.
  local csproj
  for csproj in "$root"/src/*/*.csproj "$root"/tests/*/*.csproj "$root"/bench/*/*.csproj; do
    [ -f "$csproj" ] && mkdir -p "$(dirname "$csproj")/bin" "$(dirname "$csproj")/obj"
  done
  touch "$started"
  # The build runs without the lock's descriptor: build servers it starts outlive it and would
  # hold the lock for minutes. (lock_fd is mt_setup's, empty without flock.)
  mt_busy "build of this repository"
  if ! ( if [ -n "${lock_fd:-}" ]; then exec {lock_fd}>&-; fi; "${cmd[@]}" -nologo -v q -clp:NoSummary ) >"$log" 2>&1; then
    mt_busy
    cat "$log" >&2
    rm -f "$log" "$started"
    if [ -n "$publish" ]; then
      rm -rf "$publish.new"
      printf 'error: publish failed (see above)\n' >&2
      touch "$stamp.failed"
      return 3
    fi
    mt_die "build failed (see above)"
  fi
  if [ -n "$publish" ]; then
    rm -rf "$publish.old"
    [ ! -d "$publish" ] || mv "$publish" "$publish.old"
    mv "$publish.new" "$publish"
    rm -rf "$publish.old"
  fi
  mt_busy
  rm -f "$log" "$stamp.failed"
  mv -f "$started" "$stamp"
}
