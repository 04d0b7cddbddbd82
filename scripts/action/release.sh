#!/usr/bin/env bash
# With DEFUSE_VERSION `auto` (the default): installs the release binary of the action's own
# ref when that ref is a release tag (v1.2.3), through scripts/install.sh, which verifies it
# against the release's SHA256SUMS. Output `installed`: true when it did; false when the
# ref is not a tag (a branch, a commit, a local action) or that release has no build for
# this runner (install.sh exits 3, e.g. HTTP 404): the next steps then build from source.
# A failed download or a checksum mismatch fails the step: no silent fallback.
#
#   DEFUSE_ACTION_REF         github.action_ref (may be empty in composite actions)
#   DEFUSE_ACTION_REPOSITORY  github.action_repository: owner/name the releases come from
#   DEFUSE_RELEASE_BASE_URL   another place with the same layout (a mirror, file:// in tests)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

if [[ "$(lower "${DEFUSE_VERSION:-auto}")" != auto ]]; then
  set_output installed false
  exit 0
fi

ref=${DEFUSE_ACTION_REF:-}
if [[ ! "$ref" =~ ^v[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$ ]]; then
  printf 'defuse: the action ref %s is not a release tag: building defuse from source\n' "${ref:-(none)}"
  set_output installed false
  exit 0
fi

repo=${DEFUSE_ACTION_REPOSITORY:-}
base=${DEFUSE_RELEASE_BASE_URL:-}
if [[ -z "$base" && -n "$repo" ]]; then
  base="https://github.com/$repo/releases/download"
fi
bin="${RUNNER_TEMP:-$(work_dir)}/defuse-release/bin"
args=(--version "$ref" --to "$bin")
if [[ -n "$base" ]]; then
  args+=(--base-url "$base")
fi

rc=0
sh "$here/../install.sh" "${args[@]}" || rc=$?
case $rc in
  0)
    printf '%s\n' "$bin" >>"${GITHUB_PATH:-/dev/null}"
    set_output installed true
    ;;
  3)
    printf 'defuse: no release build for %s on this runner: building defuse from source\n' "$ref"
    set_output installed false
    ;;
  *) die "installing the defuse $ref release failed (see above); not falling back to a source build" ;;
esac
