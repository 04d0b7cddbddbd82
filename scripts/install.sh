#!/bin/sh
# Installs a defuse release binary, checksum verified.
#
#   sh install.sh [--version vX.Y.Z] [--to DIR] [--base-url URL] [--target TRIPLE]
#
#   --version   the release tag (default: the latest release)
#   --to        where `defuse` goes (default: $HOME/.local/bin)
#   --base-url  where the releases are: the files are read from URL/VERSION/
#               (default: https://github.com/$REPO/releases/download). A file:// URL
#               works, for a release copied to disk or a mirror.
#   --target    the build to install, a Rust target triple (default: this machine's)
#
# It downloads SHA256SUMS and defuse-TARGET.tar.gz from the release, checks the archive
# against its line in SHA256SUMS (sha256sum, shasum -a 256 or openssl) and only then puts
# `defuse` (`defuse.exe` on Windows) into the folder, replacing any earlier one.
#
# Exit status: 0 installed; 1 an error (a checksum mismatch, a failed download, bad
# arguments), nothing installed; 3 no such release, or no build of it for this platform
# (HTTP 404 or a missing file), nothing installed: the GitHub Action then builds from source.
#
# POSIX sh: it runs under dash, busybox sh and the macOS /bin/sh. It needs curl (or wget
# for http(s) URLs), tar and gzip.
set -eu

# The GitHub repository the releases come from.
REPO=defuse-go/defuse

usage() {
  sed -n '2,19s/^# \{0,1\}//p' "$0" 2>/dev/null || true
}

say() {
  printf 'defuse install: %s\n' "$*" >&2
}

die() {
  say "error: $*"
  exit 1
}

not_found() {
  say "$*"
  exit 3
}

version=""
to="${HOME:-}/.local/bin"
base_url=""
target=""
while [ $# -gt 0 ]; do
  case $1 in
    --version | --to | --base-url | --target)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --version) version=$2 ;;
        --to) to=$2 ;;
        --base-url) base_url=$2 ;;
        --target) target=$2 ;;
      esac
      shift 2
      ;;
    --version=*) version=${1#*=}; shift ;;
    --to=*) to=${1#*=}; shift ;;
    --base-url=*) base_url=${1#*=}; shift ;;
    --target=*) target=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument \`$1\` (see --help)" ;;
  esac
done

case $version in
  "" | latest) version=latest ;;
  v[0-9]*) ;;
  [0-9]*) version=v$version ;;
  *) die "--version must be a release tag like v1.2.3, not \`$version\`" ;;
esac
case $version in
  */* | *..* | *' '*) die "--version must be a release tag like v1.2.3, not \`$version\`" ;;
esac
[ -n "$to" ] || die "--to needs a folder (or set HOME)"

if [ -z "$base_url" ]; then
  if [ "$version" = latest ]; then
    dir_url="https://github.com/$REPO/releases/latest/download"
  else
    dir_url="https://github.com/$REPO/releases/download/$version"
  fi
else
  [ "$version" != latest ] || die "--base-url needs --version"
  dir_url="${base_url%/}/$version"
fi

# This machine's build, as the release workflow names them.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case $os in
    Linux) os=unknown-linux-musl ;;
    Darwin)
      os=apple-darwin
      # A shell under Rosetta reports x86_64 on Apple silicon: take the native build.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
        arch=arm64
      fi
      ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=pc-windows-msvc ;;
    *) not_found "no release build for the operating system $os; build from source: cargo install --locked --git https://github.com/$REPO" ;;
  esac
  case $arch in
    x86_64 | amd64 | x64) arch=x86_64 ;;
    aarch64 | arm64 | armv8*) arch=aarch64 ;;
    *) not_found "no release build for the architecture $arch; build from source: cargo install --locked --git https://github.com/$REPO" ;;
  esac
  printf '%s-%s' "$arch" "$os"
}
[ -n "$target" ] || target=$(detect_target)
case $target in
  *-windows-*) exe=defuse.exe ;;
  *) exe=defuse ;;
esac
archive="defuse-$target.tar.gz"

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t defuse-install)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# `fetch URL FILE`: 0 downloaded, 3 not there (HTTP 404/410 or a missing file), 1 other
# failures (after retries), with the reason on stderr.
fetch() {
  case $1 in
    file://*)
      if ! command -v curl >/dev/null 2>&1; then
        # file://PATH (or file://localhost/PATH) without curl: a plain copy.
        path=${1#file://}
        path=${path#localhost}
        [ -f "$path" ] || return 3
        cp "$path" "$2" || return 1
        return 0
      fi
      ;;
  esac
  if command -v curl >/dev/null 2>&1; then
    rc=0
    code=$(curl --silent --show-error --location --retry 3 --proto '=https,http,file' --proto-redir '=https' \
      --output "$2" --write-out '%{http_code}' "$1") || rc=$?
    case $rc:$code in
      0:2?? | 0:000) return 0 ;; # 000: file:// has no status
      0:404 | 0:410 | 37:*) return 3 ;; # 37: a file:// path that is not there
      0:*) say "$1: HTTP $code"; return 1 ;;
      *) say "$1: curl failed (exit $rc)"; return 1 ;;
    esac
  fi
  case $1 in
    http://* | https://*) ;;
    *) die "$1: downloading needs curl" ;;
  esac
  command -v wget >/dev/null 2>&1 || die "downloading needs curl or wget"
  if wget --quiet --tries=3 --server-response --output-document="$2" "$1" 2>"$tmp/wget.err"; then
    return 0
  fi
  if grep -q 'HTTP/[0-9.]* 404\|HTTP/[0-9.]* 410' "$tmp/wget.err"; then
    return 3
  fi
  say "$1: wget failed"
  return 1
}

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
elif command -v openssl >/dev/null 2>&1; then
  sha256() { openssl dgst -sha256 "$1" | sed 's/^.*= *//'; }
else
  die "verifying the download needs sha256sum, shasum or openssl"
fi

say "defuse $version for $target from $dir_url/"
rc=0
fetch "$dir_url/SHA256SUMS" "$tmp/SHA256SUMS" || rc=$?
case $rc in
  0) ;;
  3) not_found "no release $version at $dir_url/ (no SHA256SUMS there); nothing installed" ;;
  *) die "could not download $dir_url/SHA256SUMS; nothing installed" ;;
esac
# `HASH  NAME` lines, as sha256sum writes them (`*NAME` in binary mode, `./NAME` from
# `sha256sum ./*`, CRLF from an editor on Windows).
want=$(awk -v f="$archive" '{ sub(/\r$/, ""); n = $2; sub(/^\*/, "", n); sub(/^\.\//, "", n) }
  n == f { print tolower($1); exit }' "$tmp/SHA256SUMS")
[ -n "$want" ] || not_found "release $version has no build for $target (no $archive in SHA256SUMS); nothing installed"

rc=0
fetch "$dir_url/$archive" "$tmp/$archive" || rc=$?
case $rc in
  0) ;;
  3) die "$dir_url/$archive is listed in SHA256SUMS but not there; nothing installed" ;;
  *) die "could not download $dir_url/$archive; nothing installed" ;;
esac
got=$(sha256 "$tmp/$archive")
if [ "$got" != "$want" ]; then
  die "checksum mismatch for $archive: SHA256SUMS says $want, the download is $got; nothing installed"
fi

mkdir "$tmp/x"
(cd "$tmp/x" && gzip -dc "../$archive" | tar -xf -) || die "could not unpack $archive; nothing installed"
bin=""
for f in "$tmp/x/defuse-$target/$exe" "$tmp/x/$exe"; do
  if [ -f "$f" ]; then
    bin=$f
    break
  fi
done
[ -n "$bin" ] || die "$archive holds no defuse-$target/$exe; nothing installed"

mkdir -p "$to" || die "cannot create $to"
# Copied next to the old one, then renamed over it: a running defuse is not disturbed and
# an interrupted install leaves no half-written binary.
cp "$bin" "$to/.$exe.install.$$" || die "cannot write to $to"
chmod 755 "$to/.$exe.install.$$"
mv -f "$to/.$exe.install.$$" "$to/$exe" || {
  rm -f "$to/.$exe.install.$$"
  die "cannot write $to/$exe"
}
say "installed $to/$exe (defuse $version, $target, sha256 $got)"
case ":${PATH:-}:" in
  *":$to:"*) ;;
  *) say "note: $to is not on PATH" ;;
esac
