#!/usr/bin/env bash
# Puts defuse on PATH for the action's later steps. DEFUSE_VERSION:
#   auto      (default) the release binary of the action's tag, which the `release` step
#             (release.sh) installed and put on PATH when DEFUSE_RELEASE_INSTALLED is true;
#             otherwise as `source`;
#   source    build the action's own source, at the ref the workflow uses, with
#             `cargo install --path ACTION --locked` into $RUNNER_TEMP/defuse, unless the
#             cache step already restored that binary;
#   installed use the defuse already on PATH (installed by an earlier step).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

build_from_source() {
  local src root bin
  src=${GITHUB_ACTION_PATH:-$(cd "$here/../.." && pwd)}
  root="${RUNNER_TEMP:-$(work_dir)}/defuse"
  bin="$root/bin"
  if "$bin/defuse" --version >/dev/null 2>&1; then
    printf 'defuse: using the cached build in %s\n' "$bin"
  else
    command -v cargo >/dev/null 2>&1 \
      || die "building defuse from source needs cargo (the Rust toolchain) on PATH"
    cargo install --path "$src" --locked --force --root "$root"
  fi
  printf '%s\n' "$bin" >>"${GITHUB_PATH:-/dev/null}"
  "$bin/defuse" --version
}

case "$(lower "${DEFUSE_VERSION:-auto}")" in
  auto)
    if [[ "$(lower "${DEFUSE_RELEASE_INSTALLED:-false}")" == true ]]; then
      bin="${RUNNER_TEMP:-}/defuse-release/bin"
      "$bin/defuse" --version || die "the release binary in $bin does not run on this runner"
      printf 'defuse: using the release binary in %s\n' "$bin"
    else
      build_from_source
    fi
    ;;
  source) build_from_source ;;
  installed)
    command -v defuse >/dev/null 2>&1 \
      || die "input \`version\` is \`installed\` but there is no defuse on PATH"
    defuse --version
    ;;
  *) die "input \`version\` must be auto, source or installed, not \`${DEFUSE_VERSION:-}\`" ;;
esac
