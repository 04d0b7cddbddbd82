#!/usr/bin/env bash
# The action's main step: DEFUSE_MODE (check|fix) picks check.sh or fix.sh, which read the
# other DEFUSE_* variables. The exit code is theirs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

command -v defuse >/dev/null 2>&1 || die "no defuse on PATH (see the input \`version\`)"
case "$(lower "${DEFUSE_MODE:-check}")" in
  check) exec bash "$here/check.sh" ;;
  fix) exec bash "$here/fix.sh" ;;
  *) die "input \`mode\` must be check or fix, not \`${DEFUSE_MODE:-}\`" ;;
esac
