# shellcheck shell=bash
# Helpers the action's scripts share; sourced, never run on its own.
#
# The scripts read the action's inputs from DEFUSE_* environment variables that action.yml
# sets with `env:`, never from workflow expressions pasted into shell code. They keep to
# bash 3.2 (the macOS system bash): no `${x,,}`, no `mapfile`, no associative arrays, and
# possibly empty arrays are expanded as `${a[@]+"${a[@]}"}`.

# Data of a workflow command: `%`, CR and LF escaped as the runner expects.
escape_data() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

# An error annotation, then exit 2: bad input or an error of defuse itself. On stderr, which
# the runner reads for workflow commands too, so that it is not lost when `die` runs in a
# command substitution (whose failure then stops the script through `set -e`).
die() {
  printf '::error title=defuse action::%s\n' "$(escape_data "$1")" >&2
  exit 2
}

lower() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# `bool NAME VALUE`: prints true or false; anything else is an input error.
bool() {
  case "$(lower "$2")" in
    true) printf 'true' ;;
    false) printf 'false' ;;
    *) die "input \`$1\` must be true or false, not \`$2\`" ;;
  esac
}

# Outputs and the step summary go to the files the runner names; run by hand, without
# those variables, they are dropped.
set_output() {
  printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"
}

set_output_multiline() {
  local delim
  delim="defuse_eof_$(date +%s)_$$_${RANDOM}${RANDOM}"
  {
    printf '%s<<%s\n' "$1" "$delim"
    printf '%s\n' "$2"
    printf '%s\n' "$delim"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
}

summary() {
  cat >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
}

# A folder for the scripts' own files: the runner's temporary folder, or a new one.
work_dir() {
  local d
  if [[ -n "${RUNNER_TEMP:-}" ]]; then
    d="$RUNNER_TEMP/defuse-action"
    mkdir -p "$d"
  else
    d=$(mktemp -d)
  fi
  printf '%s' "$d"
}

# Sets the array `paths` from DEFUSE_PATHS: words separated by spaces, tabs or newlines,
# never glob-expanded; `./...` when empty.
read_paths() {
  paths=()
  local line
  local -a words
  while IFS= read -r line || [[ -n "$line" ]]; do
    IFS=$' \t' read -r -a words <<<"$line" || true
    if [[ ${#words[@]} -gt 0 ]]; then
      paths+=("${words[@]}")
    fi
  done <<<"${DEFUSE_PATHS:-}"
  if [[ ${#paths[@]} -eq 0 ]]; then
    paths=("./...")
  fi
}

# Sets the array `filter` to the options check and fix share: rules selected and ignored
# (spaces dropped, so `a, b` works) and the changed-lines filter. Values are attached with
# `=` so that none can be read as another option.
read_filter() {
  filter=()
  local rules=${DEFUSE_RULES:-} ignore=${DEFUSE_IGNORE_RULES:-} since=${DEFUSE_CHANGED_SINCE:-}
  rules=${rules//[[:space:]]/}
  ignore=${ignore//[[:space:]]/}
  since=${since//[[:space:]]/}
  if [[ -n "$rules" ]]; then
    filter+=("--select=$rules")
  fi
  if [[ -n "$ignore" ]]; then
    filter+=("--ignore=$ignore")
  fi
  if [[ -n "$since" ]]; then
    # What a pull request into REV changes: `git diff REV...`, as the runner's checkout
    # stands. For a REV that HEAD descends from, the merge base is REV itself.
    filter+=("--changed-since=$since" --merge-base)
  fi
}

# Sets JSON_TOOL: jq when installed (every GitHub-hosted runner has it), else python3.
# DEFUSE_ACTION_JSON_TOOL=jq|python3 forces one (the tests use it to cover both).
init_json_tool() {
  JSON_TOOL=${DEFUSE_ACTION_JSON_TOOL:-}
  if [[ -z "$JSON_TOOL" ]]; then
    if command -v jq >/dev/null 2>&1; then
      JSON_TOOL=jq
    elif command -v python3 >/dev/null 2>&1; then
      JSON_TOOL=python3
    else
      die "the action reads defuse's JSON report with jq or python3; install one of them"
    fi
  fi
  case "$JSON_TOOL" in
    jq | python3) ;;
    *) die "DEFUSE_ACTION_JSON_TOOL must be jq or python3, not \`$JSON_TOOL\`" ;;
  esac
}

# `count_findings FILE`: the findings that are not suppressed, from a JSON report.
count_findings() {
  if [[ "$JSON_TOOL" == jq ]]; then
    jq -r '.summary.findings' "$1"
  else
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$1"
  fi
}

# `render_summary FILE SINCE [CAP]`: Markdown for the step summary from a JSON report:
# the count, a table per rule with links to the rule docs, and the first CAP findings
# (GitHub shows only 10 error and 10 warning annotations per step, so the summary is where
# the full picture lives).
render_summary() {
  local file=$1 since=${2:-} cap=${3:-50}
  if [[ "$JSON_TOOL" == jq ]]; then
    jq -r --arg since "$since" --argjson cap "$cap" "$SUMMARY_JQ" "$file"
  else
    python3 -c "$SUMMARY_PY" "$file" "$since" "$cap"
  fi
}

# The jq and Python renderings are the same text; tests/action.rs compares them.
# shellcheck disable=SC2016 # `$` and backticks here are jq's and Markdown's, not the shell's
SUMMARY_JQ='
def plural($n; $word): "\($n) \($word)\(if $n == 1 then "" else "s" end)";
def cell: tostring | gsub("\\|"; "\\|") | gsub("[\r\n]+"; " ");
[.findings[] | select(.suppressed == null)] as $f
| .summary as $s
| (if $s.findings == 0 then "### defuse: no findings"
   else "### defuse: \(plural($s.findings; "finding"))" end),
  "",
  ("\(plural($s.files_scanned; "Go file")) scanned"
   + (if $since != "" then "; only lines changed since `\($since)`" else "" end)
   + (if $s.suppressed > 0 then "; \($s.suppressed) suppressed" else "" end)
   + "."),
  (if $s.findings > 0 then
     "",
     "| Rule | Findings |",
     "| --- | ---: |",
     ($s.by_rule | to_entries | sort_by(-.value, .key)[]
      | . as $e
      | ([$f[] | select(.rule == $e.key) | .docs_url][0] // "") as $url
      | "| \(if $url != "" then "[`\($e.key)`](\($url))" else "`\($e.key)`" end) | \($e.value) |"),
     "",
     ($f[:$cap][] | "- `\(.path):\(.start.line):\(.start.column)` \(.severity) `\(.rule)`: \(.message | cell)"),
     (if ($f | length) > $cap
      then "- and \(($f | length) - $cap) more: `defuse check` lists them all."
      else empty end)
   else empty end),
  (if (.problems | length) > 0 then
     "",
     "Problems:",
     "",
     (.problems[] | "- `\(.path)`: \(.message | cell)")
   else empty end)
'

# shellcheck disable=SC2016 # the same for Python's strings
SUMMARY_PY='
import json, re, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
since, cap = sys.argv[2], int(sys.argv[3])
def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")
def cell(s):
    return re.sub(r"[\r\n]+", " ", str(s).replace("|", "\\|"))
f = [x for x in report["findings"] if x.get("suppressed") is None]
s = report["summary"]
out = []
out.append("### defuse: no findings" if s["findings"] == 0
           else "### defuse: " + plural(s["findings"], "finding"))
out.append("")
line = plural(s["files_scanned"], "Go file") + " scanned"
if since:
    line += "; only lines changed since `%s`" % since
if s["suppressed"] > 0:
    line += "; %d suppressed" % s["suppressed"]
out.append(line + ".")
if s["findings"] > 0:
    out += ["", "| Rule | Findings |", "| --- | ---: |"]
    for rule, n in sorted(s["by_rule"].items(), key=lambda e: (-e[1], e[0])):
        urls = [x["docs_url"] for x in f if x["rule"] == rule and x.get("docs_url")]
        name = "[`%s`](%s)" % (rule, urls[0]) if urls else "`%s`" % rule
        out.append("| %s | %d |" % (name, n))
    out.append("")
    for x in f[:cap]:
        out.append("- `%s:%d:%d` %s `%s`: %s" % (x["path"], x["start"]["line"],
            x["start"]["column"], x["severity"], x["rule"], cell(x["message"])))
    if len(f) > cap:
        out.append("- and %d more: `defuse check` lists them all." % (len(f) - cap))
if report["problems"]:
    out += ["", "Problems:", ""]
    for p in report["problems"]:
        out.append("- `%s`: %s" % (p["path"], cell(p["message"])))
sys.stdout.write("\n".join(out) + "\n")
'
