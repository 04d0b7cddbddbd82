#!/usr/bin/env bash
# The actions/cache key for a defuse built from the action's own source: runner OS and
# architecture, the action's ref (DEFUSE_ACTION_REF, from `github.action_ref`, which
# composite actions do not always get: then `local`) and a hash of the source files, so a
# changed source never reuses an old binary whatever the ref says. Output: key.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

src=${GITHUB_ACTION_PATH:-$(cd "$here/../.." && pwd)}
if command -v sha256sum >/dev/null 2>&1; then
  sha() { sha256sum; }
else
  sha() { shasum -a 256; }
fi
inputs=()
for f in Cargo.toml Cargo.lock build.rs src transforms; do
  if [[ -e "$src/$f" ]]; then
    inputs+=("$f")
  fi
done
[[ ${#inputs[@]} -gt 0 ]] || die "no defuse source in $src"
hash=$(
  cd "$src"
  find "${inputs[@]}" -type f -print \
    | LC_ALL=C sort \
    | while IFS= read -r f; do
      printf '%s\n' "$f"
      sha <"$f"
    done \
    | sha | cut -c1-16
)
ref=${DEFUSE_ACTION_REF:-}
ref=$(printf '%s' "$ref" | tr -c 'A-Za-z0-9._/-' '_')
key="defuse-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-${ref:-local}-$hash"
set_output key "$key"
printf 'defuse cache key: %s\n' "$key"
