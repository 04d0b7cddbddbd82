#!/usr/bin/env bash
# fix mode: rewrites the findings in the runner's checkout with `defuse fix --write`, and
# writes the pull-request body and commit message that peter-evans/create-pull-request
# then uses to commit the working-tree changes to a branch and open or update the pull
# request.
#
# Environment (from action.yml): DEFUSE_PATHS, DEFUSE_RULES, DEFUSE_IGNORE_RULES,
# DEFUSE_CHANGED_SINCE, DEFUSE_REVIEW_FIXES (true|false), DEFUSE_VERIFY (auto|true|false),
# DEFUSE_PR_TITLE.
#
# Outputs: findings (found before fixing), pr-body (the body file), pr-title (the input, or
# the default when it is empty), commit-message.
# Exit: 0 when defuse fix exits 0 or 1 (1: some findings have no fix to apply; the body lists
# them), 2 on bad input or a defuse error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

review_fixes=$(bool review-fixes "${DEFUSE_REVIEW_FIXES:-false}")
fix_args=(--write --allow-dirty)
if [[ "$review_fixes" == true ]]; then
  fix_args+=(--review-fixes)
fi
case "$(lower "${DEFUSE_VERIFY:-auto}")" in
  auto)
    if command -v go >/dev/null 2>&1; then
      fix_args+=(--verify)
    else
      printf 'defuse: no Go toolchain on PATH, so the fixes are not type-checked (verify: auto)\n'
    fi
    ;;
  true) fix_args+=(--verify) ;;
  false) ;;
  *) die "input \`verify\` must be auto, true or false, not \`${DEFUSE_VERIFY:-}\`" ;;
esac
pr_title=${DEFUSE_PR_TITLE:-}
pr_title=${pr_title//[$'\r\n']/ }
if [[ -z "$pr_title" ]]; then
  pr_title="defuse: fix hazards where defer meets maps"
fi
read_paths
read_filter
init_json_tool
work=$(work_dir)
report="$work/fix-check.json"
body="${RUNNER_TEMP:-$work}/defuse-pr.md"
rm -f "$body"

# What there is to fix, for the `findings` output.
rc=0
defuse check --format=json --quiet ${filter[@]+"${filter[@]}"} -- "${paths[@]}" >"$report" || rc=$?
if [[ $rc -ge 2 ]]; then
  die "defuse check failed (exit $rc); see the error above"
fi
findings=$(count_findings "$report")
set_output findings "$findings"

rc=0
defuse fix "${fix_args[@]}" "--pr-body=$body" ${filter[@]+"${filter[@]}"} -- "${paths[@]}" || rc=$?
case $rc in
  0) ;;
  1) printf 'defuse: some findings have no fix to apply; the pull-request body lists them\n' ;;
  *) die "defuse fix failed (exit $rc); see the error above" ;;
esac
if [[ ! -s "$body" ]]; then
  die "defuse fix did not write the pull-request body $body"
fi
set_output pr-body "$body"
set_output pr-title "$pr_title"

version=$(defuse --version)
set_output_multiline commit-message "$pr_title

Rewritten by \`defuse fix\` ($version) in the defuse GitHub Action.
The pull request's description lists each fix per rule, the findings
left as they were, and the command that regenerates the change."

{
  cat "$body"
  printf '\n'
} | summary
exit 0
