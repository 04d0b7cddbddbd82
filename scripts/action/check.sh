#!/usr/bin/env bash
# check mode: annotations (`--format github`) or a SARIF file for code scanning, a step
# summary with the count per rule, and the outputs `findings` and `sarif-file`.
#
# Environment (from action.yml): DEFUSE_PATHS, DEFUSE_RULES, DEFUSE_IGNORE_RULES,
# DEFUSE_CHANGED_SINCE, DEFUSE_FORMAT (github|sarif), DEFUSE_SARIF_FILE,
# DEFUSE_FAIL_ON_FINDINGS (true|false).
#
# Exit: 0 no findings, or findings with fail-on-findings false; 1 findings with
# fail-on-findings true; 2 bad input or a defuse error, whatever fail-on-findings says.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

format=$(lower "${DEFUSE_FORMAT:-github}")
case "$format" in
  github | sarif) ;;
  *) die "input \`format\` must be github or sarif, not \`${DEFUSE_FORMAT:-}\`" ;;
esac
fail_on_findings=$(bool fail-on-findings "${DEFUSE_FAIL_ON_FINDINGS:-true}")
sarif_file=${DEFUSE_SARIF_FILE:-defuse.sarif}
if [[ "$format" == sarif && -z "$sarif_file" ]]; then
  die "input \`sarif-file\` is empty"
fi
since=${DEFUSE_CHANGED_SINCE:-}
since=${since//[[:space:]]/}
read_paths
read_filter
init_json_tool
work=$(work_dir)
report="$work/check.json"

# One run writes both reports: the JSON one gives the count and the job summary, the
# other goes to GitHub (annotations on stdout, or the SARIF file). Errors reach stderr.
outputs=(--output "json=$report")
if [[ "$format" == github ]]; then
  outputs+=(--output github)
else
  mkdir -p "$(dirname "$sarif_file")"
  outputs+=(--output "sarif=$sarif_file")
fi
rc=0
defuse check "${outputs[@]}" ${filter[@]+"${filter[@]}"} -- "${paths[@]}" || rc=$?
if [[ $rc -ge 2 ]]; then
  # shellcheck disable=SC2016 # backticks for Markdown
  printf '### defuse: failed\n\n`defuse check` exited with %s; its error is in the log.\n' "$rc" | summary
  die "defuse check failed (exit $rc); see the error above"
fi
findings=$(count_findings "$report")
set_output findings "$findings"
render_summary "$report" "$since" | summary

if [[ "$format" == sarif ]]; then
  # Set only once the file is complete: the upload step runs when this is not empty.
  set_output sarif-file "$sarif_file"
  printf 'defuse: wrote %s\n' "$sarif_file"
fi

if [[ $rc -eq 1 || "$findings" -gt 0 ]]; then
  if [[ "$fail_on_findings" == true ]]; then
    printf 'defuse: %s finding(s); failing because fail-on-findings is true\n' "$findings"
    exit 1
  fi
  printf 'defuse: %s finding(s); not failing because fail-on-findings is false\n' "$findings"
else
  printf 'defuse: no findings\n'
fi
exit 0
