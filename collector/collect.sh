#!/bin/sh
# collect.sh: gather what an Istio support engineer needs into one .tar.gz, read-only.
#
# Read this before you run it. It only runs `kubectl get|logs|top|exec` (exec only for
# read-only admin requests: Envoy/istiod debug pages, istiod metrics and a file-descriptor count) and
# `istioctl version|proxy-status|analyze|proxy-config`. It never applies, labels, restarts,
# deletes or changes log levels. It never reads Secret values: only Secret names and types,
# and the public certificates of `cacerts`/`istio-ca-secret`, selected field by field.
# Everything it writes goes through a redaction pass first (see redact below), and the
# bundle carries a redaction report saying what was removed from which file.
#
# Needs: a POSIX sh, kubectl, tar, gzip, date, sed, awk (istioctl is used when on PATH).
# Usage: sh collect.sh --help
set -u
# Byte order for every sort (the proxy choice must not depend on the customer's locale).
LC_ALL=C
export LC_ALL

VERSION=0.1.0
NAMESPACES=""
ALL_NAMESPACES=0
OUTPUT=""
SINCE=""
TAIL=2000
MAX_PROXIES=50
ISTIO_NS=istio-system
CONTEXT=""
TIMEOUT=60

usage() {
  cat <<'EOF'
Usage: sh collect.sh [options]

Collects Istio diagnostics from the current kubectl context into one .tar.gz for offline
analysis (istio-bundle analyze). Read-only: nothing in the cluster is changed.

Options:
  -n, --namespace NS[,NS...]   application namespaces to collect (default: the namespaces
                               labelled for the mesh: istio-injection=enabled, istio.io/rev,
                               or istio.io/dataplane-mode=ambient). The Services and pods
                               of the other namespaces are listed too (no logs or proxies):
                               configuration refers to them across namespaces
  -A, --all-namespaces         collect every namespace
  -o, --output FILE.tar.gz     where to write the bundle
                               (default: ./istio-bundle-<cluster>-<UTC time>.tar.gz)
      --since DURATION         only logs newer than this (e.g. 1h, 30m); default: no limit
      --tail LINES             newest log lines kept per container (default 2000)
      --max-proxies N          proxies whose config dump, stats and logs are collected
                               (default 50; gateways and waypoints are always included)
      --istio-namespace NS     control-plane namespace (default istio-system)
      --context CTX            kubectl context to use (default: the current one)
      --timeout SECONDS        per-command time limit (default 60); a command that takes
                               longer is stopped and recorded with exit code 124
  -h, --help                   this text
      --version                print the collector version

Before collecting, it checks that kubectl can reach the cluster (current context,
`kubectl version`, `kubectl auth can-i`) and stops without writing a bundle if not.

Exit codes: 0 bundle written (some commands may have failed: see the summary and
manifest.json); 2 usage error, or kubectl/tar/gzip missing, or the bundle could not be written;
3 the cluster cannot be reached: no current context, API server unreachable, or credentials
refused (nothing was collected).
EOF
}

die() {
  printf 'collect.sh: %s\n' "$1" >&2
  exit 2
}

# The cluster cannot be reached: nothing is collected, no bundle is written.
unreachable() {
  printf 'collect.sh: %s\nNo bundle was written.\n' "$1" >&2
  exit 3
}

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--namespace) [ $# -ge 2 ] || die "$1 needs a value"; NAMESPACES=$2; shift 2 ;;
    --namespace=*) NAMESPACES=${1#*=}; shift ;;
    -A|--all-namespaces) ALL_NAMESPACES=1; shift ;;
    -o|--output) [ $# -ge 2 ] || die "$1 needs a value"; OUTPUT=$2; shift 2 ;;
    --output=*) OUTPUT=${1#*=}; shift ;;
    --since) [ $# -ge 2 ] || die "$1 needs a value"; SINCE=$2; shift 2 ;;
    --since=*) SINCE=${1#*=}; shift ;;
    --tail) [ $# -ge 2 ] || die "$1 needs a value"; TAIL=$2; shift 2 ;;
    --tail=*) TAIL=${1#*=}; shift ;;
    --max-proxies) [ $# -ge 2 ] || die "$1 needs a value"; MAX_PROXIES=$2; shift 2 ;;
    --max-proxies=*) MAX_PROXIES=${1#*=}; shift ;;
    --istio-namespace) [ $# -ge 2 ] || die "$1 needs a value"; ISTIO_NS=$2; shift 2 ;;
    --istio-namespace=*) ISTIO_NS=${1#*=}; shift ;;
    --context) [ $# -ge 2 ] || die "$1 needs a value"; CONTEXT=$2; shift 2 ;;
    --context=*) CONTEXT=${1#*=}; shift ;;
    --timeout) [ $# -ge 2 ] || die "$1 needs a value"; TIMEOUT=$2; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --version) printf 'collect.sh %s\n' "$VERSION"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

is_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
is_number "$TAIL" || die "--tail must be a number of lines"
is_number "$MAX_PROXIES" || die "--max-proxies must be a number"
if ! is_number "$TIMEOUT" || [ "$TIMEOUT" -eq 0 ]; then die "--timeout must be a positive number of seconds"; fi
case "$SINCE" in ''|*[0-9]s|*[0-9]m|*[0-9]h) ;; *) die "--since takes a duration such as 30m or 1h" ;; esac
[ "$ALL_NAMESPACES" -eq 1 ] && [ -n "$NAMESPACES" ] && die "-n and -A exclude each other"

for tool in kubectl tar gzip date sed awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required and was not found on PATH"
done
HAVE_ISTIOCTL=0
command -v istioctl >/dev/null 2>&1 && HAVE_ISTIOCTL=1

# In commands below, `k` and `ic` stand for kubectl and istioctl with the chosen context.

# ---------------------------------------------------------------------------------------------
# Work area: raw outputs wait in a private folder until redacted into the bundle folder.
umask 077
WORK=$(mktemp -d 2>/dev/null || mktemp -d -t istio-bundle) || die "cannot create a temporary folder"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
ROOT=$WORK/bundle
RAW=$WORK/raw
mkdir -p "$ROOT" "$RAW" || die "cannot write to $WORK"
ENTRIES=$WORK/manifest.entries
REDACTIONS=$WORK/redactions.entries
SUMMARY=$WORK/summary
SKIPS=$WORK/skips.entries
: >"$SKIPS"
: >"$ENTRIES"
: >"$REDACTIONS"
: >"$SUMMARY"
COUNT_OK=0
COUNT_FAILED=0
RUN_SEQ=0

COLLECTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# Milliseconds where date supports %N (GNU, busybox), whole seconds elsewhere.
now_ms() {
  ms=$(date +%s%N 2>/dev/null)
  case "$ms" in
    *N*|'') echo $(( $(date +%s) * 1000 )) ;;
    *) echo $(( ms / 1000000 )) ;;
  esac
}

json_string() {
  # JSON-escape one value: backslash, quote, tab and CR escaped, newlines as \n, other control
  # characters dropped.
  printf '%s' "$1" |
    tr -d '\000-\010\013\014\016-\037' |
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$(printf '\t')/\\\\t/g" -e "s/$(printf '\r')/\\\\r/g" |
    awk 'BEGIN { ORS = ""; printf "\"" } { if (NR > 1) print "\\n"; print } END { printf "\"" }'
}

# ---------------------------------------------------------------------------------------------
# Redaction: every output passes through here before it is written into the bundle.
# Layers (each counted per file in redaction-report.json):
#   private-key       PEM private key blocks, also inside JSON strings with \n escapes
#   base64-pem-key    base64-encoded PEM that is not a certificate (LS0tLS1CRUdJTi...)
#   envoy-inline      Envoy inline_bytes/inline_string values that are not certificates
#   jwt               JSON Web Tokens (eyJ...eyJ...)
#   bearer            Authorization: Bearer/Basic credentials
#   key-value         password=, token:, secret=, api_key... values (plain, JSON, escaped JSON)
#   env-secret        container env {name, value} pairs whose name says password/secret/token/key
#   secret-data       values of a Secret's data/stringData (kubectl get secret -o yaml|json, bug-report
#                     --full-secrets, last-applied-configuration), base64 or PEM certificates kept
# src/redact/ (istio-bundle redact) implements the same layers; test/redact/agreement.test.ts runs one
# corpus through both. A change here needs the same change there.
redact() {
  # $1 input, $2 output, $3 bundle path (for the report)
  awk -v report="$REDACTIONS" -v file="$3" -v sq="'" '
    function count(kind, n) { if (n > 0) counts[kind] += n }
    # Replaces every match of re in s by rep; returns the new string, adds to counts[kind].
    function replace_all(s, re, rep, kind,    out, n) {
      out = ""; n = 0
      while (match(s, re)) {
        out = out substr(s, 1, RSTART - 1) rep
        s = substr(s, RSTART + RLENGTH)
        n++
      }
      count(kind, n)
      return out s
    }
    # Replaces the value after each key match (key and separator kept) when the value is secret.
    # keep (optional): values that match it stay.
    function redact_values(s, re, kind, keep,    out, n, head, rest, value, q, i, c, end_at) {
      out = ""; n = 0
      while (match(s, re)) {
        head = substr(s, 1, RSTART + RLENGTH - 1)
        rest = substr(s, RSTART + RLENGTH)
        # The opening quote, possibly escaped once or more (JSON inside a JSON string inside a log line).
        q = ""
        if (match(rest, /^\\*["]/) || match(rest, "^[\\\\]*" sq)) q = substr(rest, 1, RLENGTH)
        rest = substr(rest, length(q) + 1)
        value = ""
        if (q == "\"") {
          # Plain JSON string: ends at the first quote that is not escaped.
          for (i = 1; i <= length(rest); i++) {
            c = substr(rest, i, 1)
            if (c == "\\") { value = value c substr(rest, i + 1, 1); i++; continue }
            if (c == "\"") break
            value = value c
          }
        } else if (q != "") {
          end_at = index(rest, q)
          value = end_at ? substr(rest, 1, end_at - 1) : rest
        } else {
          for (i = 1; i <= length(rest); i++) {
            c = substr(rest, i, 1)
            if (c == " " || c == "," || c == "&" || c == ";" || c == "}" || c == "\"" || c == sq || c == "\t" || c == "\\") break
            value = value c
          }
        }
        if (value == "" || value ~ /^(true|false|null|-?[0-9]+|\[REDACTED[^]]*\])$/ || (q == "" && value ~ /^[{[]/) || (keep != "" && value ~ keep)) {
          out = out head q value
        } else {
          out = out head q "[REDACTED]"
          n++
        }
        s = substr(rest, length(value) + 1)
      }
      count(kind, n)
      return out s
    }
    BEGIN {
      in_key = 0; pending_env = 0
      mode = 0; nheld = 0; held_bytes = 0; scalar_k = -1; blk_k = 0; blk_json = 0; keys_after = 0; nsecret = 0
      data_keep = "^([\"" sq "]?LS0tLS1CRUdJTiBDRVJU|[\"" sq "]?-----BEGIN CERTIFICATE|\"\"$|" sq sq "$|[\"" sq "]?\\[REDACTED)"
      yaml_data_re = "^[ ]*(\"[^\"]*\"|" sq "[^" sq "]*" sq "|[^ #\"" sq "][^:]*):[ ]+"
      kv_re = "([Pp][Aa][Ss][Ss]([Ww][Oo][Rr][Dd]|[Ww][Dd])?|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Aa][Pp][Ii][_-]?[Kk][Ee][Yy]|[Aa][Cc][Cc][Ee][Ss][Ss][_-]?[Kk][Ee][Yy]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee][_-]?[Kk][Ee][Yy]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll][Ss]?|[Cc][Oo][Oo][Kk][Ii][Ee])(\\\\*[\"" sq "])?[ \t]*[:=][ \t]*"
    }
    {
      line = $0
      # Multi-line PEM private key blocks.
      if (in_key) {
        if (line ~ /-----END [A-Z ]*PRIVATE KEY-----/) { in_key = 0; sub(/^.*-----END [A-Z ]*PRIVATE KEY-----/, "[REDACTED private key]", line) }
        else next
      }
      line = replace_all(line, "-----BEGIN [A-Z ]*PRIVATE KEY-----[^\"]*-----END [A-Z ]*PRIVATE KEY-----", "[REDACTED private key]", "private-key")
      if (line ~ /-----BEGIN [A-Z ]*PRIVATE KEY-----/) {
        count("private-key", 1); in_key = 1
        sub(/-----BEGIN [A-Z ]*PRIVATE KEY-----.*$/, "", line)
        if (line != "") emit(line)
        next
      }
      # base64 PEM: certificates (LS0tLS1CRUdJTiBDRVJU = "-----BEGIN CERT") are public and kept.
      line = protect_certs(line)
      line = replace_all(line, "LS0tLS1CRUdJTi[A-Za-z0-9+/=]*", "[REDACTED base64 PEM]", "base64-pem-key")
      line = unprotect_certs(line)
      # Envoy inline key material that is not a certificate or already redacted by Envoy.
      line = redact_inline(line)
      line = replace_all(line, "eyJ[A-Za-z0-9_-]+[.]eyJ[A-Za-z0-9_-]+[.][A-Za-z0-9_-]*", "[REDACTED jwt]", "jwt")
      # A bearer token has a digit or punctuation; "bearer of bad news" is prose.
      line = replace_all(line, "[Bb][Ee][Aa][Rr][Ee][Rr] [A-Za-z0-9._~+/=-]*[0-9._~+/=-][A-Za-z0-9._~+/=-]*", "Bearer [REDACTED]", "bearer")
      # Basic credentials only where an Authorization header is named ("basic health check" is prose).
      if (tolower(line) ~ /authorization/) line = replace_all(line, "[Bb][Aa][Ss][Ii][Cc] [A-Za-z0-9+/]+=*", "Basic [REDACTED]", "bearer")
      line = replace_all(line, "://[^/@ \t\"" sq "]+:[^/@ \t\"" sq "]+@", "://[REDACTED]@", "url-credentials")
      line = redact_values(line, kv_re, "key-value")
      # env entries: {"name": "DB_PASSWORD", "value": "..."}, on one line or on consecutive lines.
      if (line ~ /"name"[ \t]*:[ \t]*"[^"]*([Pp][Aa][Ss][Ss]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Cc][Rr][Ee][Dd])[^"]*"/) pending_env = 3
      if (pending_env > 0 && line ~ /"value"[ \t]*:[ \t]*"/) {
        line = redact_values(line, "\"value\"[ \t]*:[ \t]*", "env-secret")
        pending_env = 0
      } else if (pending_env > 0) pending_env--
      line = one_line_secret(line)
      emit(line)
    }
    function protect_certs(s) { gsub(/LS0tLS1CRUdJTiBDRVJU/, "%%ISTIO_BUNDLE_CERT%%", s); return s }
    function unprotect_certs(s) { gsub(/%%ISTIO_BUNDLE_CERT%%/, "LS0tLS1CRUdJTiBDRVJU", s); return s }
    function redact_inline(s,    out, n, head, rest, q, value, end_at) {
      out = ""; n = 0
      while (match(s, "\"(inline_bytes|inline_string|inlineBytes|inlineString)\"[ \t]*:[ \t]*\"")) {
        head = substr(s, 1, RSTART + RLENGTH - 1)
        rest = substr(s, RSTART + RLENGTH)
        end_at = index(rest, "\"")
        if (end_at == 0) { out = out head; s = rest; break }
        value = substr(rest, 1, end_at - 1)
        if (value ~ /^(LS0tLS1CRUdJTiBDRVJU|-----BEGIN CERTIFICATE|W3JlZGFjdGVkXQ==|\[REDACTED)/ || value == "") out = out head value
        else { out = out head "[REDACTED]"; n++ }
        s = substr(rest, end_at)
      }
      count("envoy-inline", n)
      return out s
    }
    # secret-data on one-line objects: compact JSON, last-applied-configuration (quotes maybe escaped).
    function one_line_secret(s,    out, rest, close_at) {
      if (s !~ /\\*"kind\\*"[ ]*:[ ]*\\*"Secret\\*"/) return s
      out = ""
      while (match(s, /\\*"(data|stringData)\\*"[ ]*:[ ]*[{]/)) {
        out = out substr(s, 1, RSTART + RLENGTH - 1)
        rest = substr(s, RSTART + RLENGTH)
        close_at = index(rest, "}")
        if (close_at == 0) close_at = length(rest) + 1
        out = out redact_values(substr(rest, 1, close_at - 1), "\\\\*\"[^\"\\\\]+\\\\*\"[ ]*:[ ]*", "secret-data", data_keep)
        s = substr(rest, close_at)
      }
      return out s
    }
    # secret-data on multi-line YAML and JSON: the values of a data:/stringData: block whose object is a
    # Secret. kubectl sorts keys (data before kind), so a block of unknown kind is held (at most 2 MiB: a
    # Secret holds at most 1 MiB) until the kind is read within the next 3 keys at its indentation.
    # mode: 0 outside a block, 1 in a Secret block, 2 in a block of unknown kind, 3 after it.
    function indent_of(s) { match(s, /^ */); return RLENGTH }
    function key_indent_of(s,    n) { n = indent_of(s); return substr(s, n + 1, 2) == "- " ? n + 2 : n }
    function is_blank(s) { return s ~ /^[ \t]*\r?$/ }
    function kind_of(s,    v) {
      if (s !~ /^ *(- )?"?kind"?[ ]*:[ ]*"?[A-Za-z0-9]*"?,?[ ]*\r?$/) return ""
      v = s; sub(/^ *(- )?"?kind"?[ ]*:[ ]*"?/, "", v); sub(/"?,?[ ]*\r?$/, "", v)
      return v == "" ? "-" : v
    }
    function block_ends(s) { return blk_json ? (indent_of(s) == blk_k && s ~ /^ *[}],?[ ]*\r?$/) : (!is_blank(s) && indent_of(s) <= blk_k) }
    function emit(s,    kv) {
      if (mode == 1 || mode == 2) {
        if (!block_ends(s)) { if (mode == 1) secret_line(s); else hold(s); return }
        if (blk_json) {
          if (mode == 1) { print s; mode = 0 } else { held[++nheld] = s; mode = 3; keys_after = 0 }
          return
        }
        if (mode == 1) mode = 0; else { mode = 3; keys_after = 0 }
      }
      if (mode == 3) {
        if (!is_blank(s) && indent_of(s) < blk_k) flush(0)
        else if (!is_blank(s) && key_indent_of(s) == blk_k && s ~ /^ *(- )?"?[A-Za-z0-9_.-]+"?[ ]*:/) {
          kv = kind_of(s)
          if (kv != "") flush(kv == "Secret")
          else if (++keys_after > 3) flush(0)
          else { held[++nheld] = s; return }
        } else { held[++nheld] = s; return }
      }
      plain(s)
    }
    # secret_at[indent]: the object whose keys are at that indentation said kind: Secret (nsecret of them).
    function plain(s,    i, k, kv, n, gone) {
      if (nsecret > 0 && !is_blank(s)) {
        n = 0
        for (i in secret_at) if (i + 0 > indent_of(s)) gone[++n] = i
        for (i = 1; i <= n; i++) { delete secret_at[gone[i]]; nsecret-- }
      }
      if (index(s, "kind")) {
        kv = kind_of(s)
        if (kv != "") {
          k = key_indent_of(s)
          if (kv == "Secret" && !(k in secret_at)) { secret_at[k] = 1; nsecret++ }
          else if (kv != "Secret" && (k in secret_at)) { delete secret_at[k]; nsecret-- }
        }
      }
      print s
      if (!index(s, "ata") || s !~ /^ *(- )?"?(data|stringData)"?[ ]*:[ ]*[{]?[ ]*\r?$/) return
      blk_k = key_indent_of(s); blk_json = (s ~ /[{][ ]*\r?$/); scalar_k = -1; nheld = 0; held_bytes = 0
      mode = (blk_k in secret_at) ? 1 : 2
    }
    function hold(s,    i) {
      held[++nheld] = s; held_bytes += length(s) + 1
      if (held_bytes > 2097152) { for (i = 1; i <= nheld; i++) print held[i]; nheld = 0; mode = 0 }
    }
    function flush(secret,    i, in_blk) {
      mode = 0; in_blk = 1
      for (i = 1; i <= nheld; i++) {
        if (in_blk && secret) {
          if (block_ends(held[i])) in_blk = 0
          else { secret_line(held[i]); continue }
        }
        print held[i]
      }
      nheld = 0
    }
    function secret_line(s,    head, value) {
      if (blk_json) { print redact_values(s, "^[ ]*\"[^\"]*\"[ ]*:[ ]*", "secret-data", data_keep); return }
      if (scalar_k >= 0) {
        if (is_blank(s) || indent_of(s) > scalar_k) return
        scalar_k = -1
      }
      if (!match(s, yaml_data_re)) { print s; return }
      head = substr(s, 1, RLENGTH); value = substr(s, RLENGTH + 1)
      if (value ~ /^[|>]/) { scalar_k = indent_of(s); count("secret-data", 1); print head "[REDACTED]" }
      else if (value == "" || value ~ data_keep) print s
      else { count("secret-data", 1); print head "[REDACTED]" }
    }
    END {
      if (mode == 2 || mode == 3) flush(0)
      for (kind in counts) printf "%s\t%s\t%d\n", file, kind, counts[kind] >> report
    }
  ' "$1" >"$2"
}

# ---------------------------------------------------------------------------------------------
# timed OUT ERR command...
#   Runs the command with stdout in OUT and stderr in ERR, stopped after $TIMEOUT seconds; sets rc
#   (124 when it was stopped).
timed() {
  t_out=$1 t_err=$2
  shift 2
  RUN_SEQ=$((RUN_SEQ + 1))
  running="$RAW/running.$RUN_SEQ" marker="$RAW/timedout.$RUN_SEQ"
  : >"$running"
  "$@" >"$t_out" 2>"$t_err" </dev/null &
  pid=$!
  # Portable time limit (no GNU timeout): a watchdog polls once a second while the command runs,
  # and stops it when the limit is reached. It ends by itself within a second of the command, so
  # it is never signalled (no race with its own start-up) and never waited for.
  (
    trap - INT TERM
    waited=0
    while [ -f "$running" ] && [ "$waited" -lt "$TIMEOUT" ]; do
      sleep 1
      waited=$((waited + 1))
    done
    if [ -f "$running" ]; then
      : >"$marker"
      kill -TERM "$pid" 2>/dev/null
      sleep 2
      [ -f "$running" ] && kill -KILL "$pid" 2>/dev/null
    fi
  ) >/dev/null 2>&1 </dev/null &
  wait "$pid" 2>/dev/null # (the shell's own "Terminated" notice is not the command's output)
  rc=$?
  rm -f "$running"
  [ -f "$marker" ] && rc=124 && rm -f "$marker"
  return 0
}

# The line of a command's stderr that says what went wrong. client-go logs retries as klog lines
# (`E1201 08:54:06.123456   12345 memcache.go:265] "Unhandled Error" err=...`) before kubectl's own
# message (`The connection to the server ... was refused`, `error: You must be logged in to the
# server (Unauthorized)`): the first line that is not klog noise, else the message of the first.
meaningful_line() {
  awk '
    /^[EWIF][0-9][0-9][0-9][0-9] [0-9:.]+ +[0-9]+ [^ ]+:[0-9]+\] / { if (klog == "") { klog = $0; sub(/^[^]]*\] /, "", klog) } next }
    NF > 0 { print; found = 1; exit }
    END { if (!found && klog != "") print klog }
  ' "$1" | cut -c1-160
}

# ---------------------------------------------------------------------------------------------
# run KIND PATH META -- command...
#   Runs the command with a time limit, redacts its stdout into PATH and its stderr into
#   PATH.stderr (only when not empty), and records both in the manifest. META is a JSON
#   fragment (',"namespace":"x",...') or empty. Never fails the script.
run() {
  kind=$1 path=$2 meta=$3
  shift 4
  # `k`/`ic` stand for kubectl/istioctl with the chosen context; run the real executable so the
  # watchdog's signal reaches it, and so the manifest records the exact command line.
  case "$1" in
    k) shift; set -- kubectl ${CONTEXT:+"--context=$CONTEXT"} "$@" ;;
    ic) shift; set -- istioctl ${CONTEXT:+"--context=$CONTEXT"} "$@" ;;
  esac
  out="$ROOT/$path"
  mkdir -p "$(dirname "$out")"
  raw="$RAW/out" rawerr="$RAW/err"
  start=$(now_ms)
  timed "$raw" "$rawerr" "$@"
  duration=$(( $(now_ms) - start ))

  redact "$raw" "$out" "$path"
  bytes=$(wc -c <"$out" | tr -d ' ')
  truncated=false
  case "$kind" in
    logs.*) lines=$(wc -l <"$out" | tr -d ' '); [ "$TAIL" -gt 0 ] && [ "$lines" -ge "$TAIL" ] && truncated=true ;;
  esac
  stderr_field=""
  if [ -s "$rawerr" ]; then
    redact "$rawerr" "$out.stderr" "$path.stderr"
    stderr_field=",\"stderr\":$(json_string "$path.stderr")"
  fi
  forbidden=false
  grep -q -e '(Forbidden)' -e 'is forbidden: User' "$rawerr" 2>/dev/null && forbidden=true
  rm -f "$raw" "$rawerr"

  printf '{"path":%s,"kind":%s,"command":%s,"exitCode":%d,"durationMs":%d,"bytes":%d,"truncated":%s,"forbidden":%s%s%s}\n' \
    "$(json_string "$path")" "$(json_string "$kind")" "$(json_string "$*")" "$rc" "$duration" "$bytes" "$truncated" "$forbidden" "$stderr_field" "$meta" >>"$ENTRIES"

  if [ "$rc" -eq 0 ]; then
    COUNT_OK=$((COUNT_OK + 1))
  elif [ "$kind" = istioctl.analyze ] && [ "$rc" -eq 79 ]; then
    COUNT_OK=$((COUNT_OK + 1)) # istioctl analyze: 79 = issues found, the output is complete
  else
    COUNT_FAILED=$((COUNT_FAILED + 1))
    reason="exit $rc"
    [ "$rc" -eq 124 ] && reason="timed out after ${TIMEOUT}s"
    [ "$forbidden" = true ] && reason="forbidden (RBAC)"
    first=""
    [ -s "$out.stderr" ] && first=$(meaningful_line "$out.stderr" | cut -c1-110)
    printf '  %-44s %s%s\n' "$path" "$reason" "${first:+: $first}" >>"$SUMMARY"
  fi
  return 0
}

# Records a step that was not run, so the manifest says why a file is missing.
skip() {
  printf '  %-44s skipped: %s\n' "$1" "$2" >>"$SUMMARY"
  printf '{"path":%s,"reason":%s}\n' "$(json_string "$1")" "$(json_string "$2")" >>"$SKIPS"
}

meta_pod() { printf ',"namespace":%s,"pod":%s,"container":%s' "$(json_string "$1")" "$(json_string "$2")" "$(json_string "$3")"; }
meta_ns() { printf ',"namespace":%s' "$(json_string "$1")"; }

# Outputs of small listing commands used to decide what to collect (not part of the bundle).
list() {
  case "$1" in
    k) shift; set -- kubectl ${CONTEXT:+"--context=$CONTEXT"} "$@" ;;
    ic) shift; set -- istioctl ${CONTEXT:+"--context=$CONTEXT"} "$@" ;;
  esac
  "$@" 2>/dev/null </dev/null
}

since_flag=""
[ -n "$SINCE" ] && since_flag="--since=$SINCE"
# --tail 0 means every line (kubectl's own "no limit" is -1).
tail_flag="--tail=$TAIL"
[ "$TAIL" -eq 0 ] && tail_flag="--tail=-1"

# ---------------------------------------------------------------------------------------------

# Preflight: a workstation whose kubectl cannot reach the cluster must not produce an empty
# bundle that looks like a success. Checked before anything is collected.
PF_OUT=$RAW/preflight.out PF_ERR=$RAW/preflight.err
TARGET=$CONTEXT
if [ -z "$CONTEXT" ]; then
  timed "$PF_OUT" "$PF_ERR" kubectl config current-context
  if [ "$rc" -ne 0 ] || [ ! -s "$PF_OUT" ]; then
    unreachable "kubectl has no current context ($(meaningful_line "$PF_ERR")). Choose the cluster with 'kubectl config use-context NAME', or pass --context NAME."
  fi
  TARGET=$(sed -n '1p' "$PF_OUT")
fi
timed "$PF_OUT" "$PF_ERR" kubectl ${CONTEXT:+"--context=$CONTEXT"} version -o json
if [ "$rc" -ne 0 ]; then
  why=$(meaningful_line "$PF_ERR")
  [ "$rc" -eq 124 ] && why="no answer within ${TIMEOUT}s"
  case "$why" in
    *"getting credentials"*) unreachable "kubectl could not get credentials for context $TARGET: $why. Install or repair the credential plugin the kubeconfig names (e.g. gke-gcloud-auth-plugin, kubelogin, aws), then run collect.sh again." ;;
    *Unauthorized*|*"must be logged in"*) unreachable "the API server refused the credentials of context $TARGET: $why. Log in again (renew the kubeconfig token or certificate) and run collect.sh again." ;;
    *) unreachable "cannot reach the Kubernetes API server of context $TARGET: ${why:-kubectl version failed with exit code $rc}. Check that 'kubectl get pods -n $ISTIO_NS' works from this machine (VPN, kubeconfig, context), then run collect.sh again." ;;
  esac
fi
timed "$PF_OUT" "$PF_ERR" kubectl ${CONTEXT:+"--context=$CONTEXT"} auth can-i get pods -n "$ISTIO_NS"
case "$(cat "$PF_OUT" 2>/dev/null)" in
  no*) printf 'collect.sh: warning: these credentials may not read pods in %s; expect outputs marked forbidden.\n' "$ISTIO_NS" >&2 ;;
esac
if [ "$rc" -ne 0 ] && grep -q -e Unauthorized -e 'must be logged in' "$PF_ERR" 2>/dev/null; then
  unreachable "the API server refused the credentials: $(meaningful_line "$PF_ERR")."
fi

printf 'collect.sh %s: collecting from context %s into a bundle...\n' "$VERSION" "$TARGET" >&2
CLUSTER=${TARGET:-cluster}
SAFE_CLUSTER=$(printf '%s' "$CLUSTER" | sed 's/[^A-Za-z0-9._-]/_/g')
[ -n "$OUTPUT" ] || OUTPUT="istio-bundle-$SAFE_CLUSTER-$STAMP.tar.gz"
OUTPUT_DIR=$(dirname "$OUTPUT")
{ [ -d "$OUTPUT_DIR" ] && [ -w "$OUTPUT_DIR" ]; } || die "cannot write the bundle into $OUTPUT_DIR (no such folder, or not writable)"

# Versions
run kubectl.version kubernetes/version.json "" -- k version -o json
if [ "$HAVE_ISTIOCTL" -eq 1 ]; then
  run istioctl.version istio/version.json "" -- ic version -o json
else
  skip istio/version.json "istioctl not on PATH (the image tags in the pods JSON give the versions)"
fi

# Namespaces to collect: -A, -n, or those enrolled in the mesh.
run k8s.resources kubernetes/namespaces.json "" -- k get namespaces -o json
if [ "$ALL_NAMESPACES" -eq 1 ]; then
  APP_NAMESPACES=$(list k get namespaces -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}')
elif [ -n "$NAMESPACES" ]; then
  APP_NAMESPACES=$(printf '%s\n' "$NAMESPACES" | tr ',' '\n')
else
  APP_NAMESPACES=$(list k get namespaces -o 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.metadata.labels.istio-injection}{"\t"}{.metadata.labels.istio\.io/rev}{"\t"}{.metadata.labels.istio\.io/dataplane-mode}{"\n"}{end}' |
    awk -F '\t' '$2 == "enabled" || $3 != "" || $4 == "ambient" { print $1 }')
fi
APP_NAMESPACES=$(printf '%s\n' "$APP_NAMESPACES" | grep -v "^$ISTIO_NS\$" | grep -v '^$' | sort -u)
ALL_COLLECTED_NS=$(printf '%s\n%s\n' "$ISTIO_NS" "$APP_NAMESPACES" | grep -v '^$')

# Control plane
run kubectl.pods "kubernetes/pods/$ISTIO_NS.json" "$(meta_ns "$ISTIO_NS")" -- k get pods -n "$ISTIO_NS" -o json
run kubectl.top "kubernetes/top/$ISTIO_NS.txt" "$(meta_ns "$ISTIO_NS")" -- k top pod -n "$ISTIO_NS" --containers
# The control plane's Services (istiod, gateways), EndpointSlices and Deployments.
run k8s.resources "kubernetes/resources/$ISTIO_NS.json" "$(meta_ns "$ISTIO_NS")" -- k get services,endpointslices.discovery.k8s.io,deployments -n "$ISTIO_NS" -o json
# NetworkPolicies in front of istiod (port 15012) and the gateways, in a command of their own: a
# role that may not list them must not lose the Services above. A folder of their own, as pods/ and
# top/: no namespace's file name can collide with them (kubernetes/resources/<ns>-networkpolicies.json
# would be namespace <ns>-networkpolicies's Services).
run k8s.resources "kubernetes/networkpolicies/$ISTIO_NS.json" "$(meta_ns "$ISTIO_NS")" -- k get networkpolicies.networking.k8s.io -n "$ISTIO_NS" -o json
# Mesh config (key `mesh`: rootNamespace, defaultServiceExportTo, defaultVirtualServiceExportTo,
# defaultDestinationRuleExportTo) and injector config (keys `config` and `values`), of the default
# revision and of each other revision: `istio-<rev>`, `istio-sidecar-injector-<rev>`, as their own
# istio.io/rev label names them. Not other ConfigMaps (applications keep credentials in theirs).
run k8s.resources "kubernetes/configmaps/$ISTIO_NS-istio.json" "" -- k get configmap istio -n "$ISTIO_NS" -o json
run k8s.resources "kubernetes/configmaps/$ISTIO_NS-istio-sidecar-injector.json" "" -- k get configmap istio-sidecar-injector -n "$ISTIO_NS" -o json
REVISION_CONFIGMAPS=$(list k get configmaps -n "$ISTIO_NS" -l istio.io/rev -o 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.metadata.labels.istio\.io/rev}{"\n"}{end}' |
  awk -F '\t' '$2 != "" && $2 != "default" && ($1 == "istio-" $2 || $1 == "istio-sidecar-injector-" $2) { print $1 }' | sort -u)
for configmap in $REVISION_CONFIGMAPS; do
  run k8s.resources "kubernetes/configmaps/$ISTIO_NS-$configmap.json" "" -- k get configmap "$configmap" -n "$ISTIO_NS" -o json
done
run k8s.resources "kubernetes/configmaps/$ISTIO_NS-istio-ca-root-cert.json" "" -- k get configmap istio-ca-root-cert -n "$ISTIO_NS" -o json
# Secret names and types only (the table has no values), and the multi-cluster remote secrets' names.
run kubectl.secretNames "kubernetes/secrets/$ISTIO_NS.txt" "$(meta_ns "$ISTIO_NS")" -- k get secrets -n "$ISTIO_NS"
run kubectl.secretNames kubernetes/secrets/remote-secrets.txt "" -- k get secrets -A -l istio/multiCluster=true -o 'jsonpath={range .items[*]}{.metadata.namespace}{"/"}{.metadata.name}{"\n"}{end}'
# Public CA certificates, field by field (never ca-key.pem).
for secret in cacerts istio-ca-secret; do
  for field in ca-cert.pem root-cert.pem cert-chain.pem; do
    [ "$secret" = istio-ca-secret ] && [ "$field" != ca-cert.pem ] && continue
    if list k get secret "$secret" -n "$ISTIO_NS" -o name >/dev/null; then
      run certs.public "certs/$secret/$field" "$(meta_ns "$ISTIO_NS")" -- k get secret "$secret" -n "$ISTIO_NS" -o "go-template={{index .data \"$field\" | base64decode}}"
    fi
  done
done

ISTIOD_PODS=$(list k get pods -n "$ISTIO_NS" -l app=istiod -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
for pod in $ISTIOD_PODS; do
  run logs.istiod "logs/$ISTIO_NS/$pod/discovery.log" "$(meta_pod "$ISTIO_NS" "$pod" discovery)" -- k logs "$pod" -n "$ISTIO_NS" -c discovery "$tail_flag" ${since_flag:+"$since_flag"}
  restarts=$(list k get pod "$pod" -n "$ISTIO_NS" -o 'jsonpath={.status.containerStatuses[?(@.name=="discovery")].restartCount}')
  if is_number "$restarts" && [ "$restarts" -gt 0 ]; then
    run logs.istiod "logs/$ISTIO_NS/$pod/discovery.previous.log" "$(meta_pod "$ISTIO_NS" "$pod" discovery)" -- k logs "$pod" -n "$ISTIO_NS" -c discovery --previous "$tail_flag"
  fi
  run istiod.syncz "istiod/$pod/syncz.json" "$(meta_pod "$ISTIO_NS" "$pod" discovery)" -- k exec "$pod" -n "$ISTIO_NS" -c discovery -- pilot-discovery request GET /debug/syncz
  run istiod.configz "istiod/$pod/configz.json" "$(meta_pod "$ISTIO_NS" "$pod" discovery)" -- k exec "$pod" -n "$ISTIO_NS" -c discovery -- pilot-discovery request GET /debug/configz
  # `pilot-discovery request` speaks to 127.0.0.1:15014, istiod's monitoring port, which serves
  # /metrics beside /debug (pilot/cmd/pilot-discovery/app/request.go): no curl needed in the
  # distroless image, and the same pods/exec right as syncz, where the API server's pod proxy
  # (`kubectl get --raw …/pods/<pod>:15014/proxy/metrics`) needs pods/proxy, which support roles rarely have.
  run istiod.metrics "istiod/$pod/metrics.txt" "$(meta_pod "$ISTIO_NS" "$pod" discovery)" -- k exec "$pod" -n "$ISTIO_NS" -c discovery -- pilot-discovery request GET /metrics
done
[ -n "$ISTIOD_PODS" ] || skip "logs/$ISTIO_NS/<istiod>/discovery.log" "no pod labelled app=istiod in $ISTIO_NS"

if [ "$HAVE_ISTIOCTL" -eq 1 ]; then
  # istioctl >= 1.27 shows per-type status only with --verbosity 1; older ones reject the flag.
  if list ic proxy-status --help | grep -q -e '--verbosity'; then
    run istioctl.proxyStatus istio/proxy-status.txt "" -- ic proxy-status --verbosity 1
  else
    run istioctl.proxyStatus istio/proxy-status.txt "" -- ic proxy-status
  fi
  if [ "$ALL_NAMESPACES" -eq 1 ] || [ -z "$NAMESPACES" ]; then
    run istioctl.analyze istio/analyze.json "" -- ic analyze -A -o json
    run istioctl.analyze istio/analyze.txt "" -- ic analyze -A
  else
    for ns in $ALL_COLLECTED_NS; do
      run istioctl.analyze "istio/analyze/$ns.json" "$(meta_ns "$ns")" -- ic analyze -n "$ns" -o json
    done
  fi
else
  skip istio/proxy-status.txt "istioctl not on PATH (istiod debug/syncz collected instead)"
  skip istio/analyze.json "istioctl not on PATH (no kubectl-only equivalent)"
fi

# Istio and Gateway API configuration, cluster-wide (policies in the root namespace apply everywhere).
for resource in virtualservices.networking.istio.io destinationrules.networking.istio.io gateways.networking.istio.io \
  serviceentries.networking.istio.io sidecars.networking.istio.io workloadentries.networking.istio.io \
  workloadgroups.networking.istio.io envoyfilters.networking.istio.io peerauthentications.security.istio.io \
  authorizationpolicies.security.istio.io requestauthentications.security.istio.io telemetries.telemetry.istio.io \
  wasmplugins.extensions.istio.io gateways.gateway.networking.k8s.io httproutes.gateway.networking.k8s.io \
  grpcroutes.gateway.networking.k8s.io referencegrants.gateway.networking.k8s.io; do
  run k8s.resources "istio/resources/${resource%%.*}.${resource#*.}.json" "" -- k get "$resource" -A -o json
done

run k8s.resources kubernetes/nodes.json "" -- k get nodes -o json

# Application namespaces
for ns in $APP_NAMESPACES; do
  run kubectl.pods "kubernetes/pods/$ns.json" "$(meta_ns "$ns")" -- k get pods -n "$ns" -o json
  run kubectl.top "kubernetes/top/$ns.txt" "$(meta_ns "$ns")" -- k top pod -n "$ns" --containers
  run k8s.resources "kubernetes/resources/$ns.json" "$(meta_ns "$ns")" -- k get services,endpointslices.discovery.k8s.io,deployments -n "$ns" -o json
  # Whether a NetworkPolicy selecting a Service's pods admits its callers (upstream connect errors).
  run k8s.resources "kubernetes/networkpolicies/$ns.json" "$(meta_ns "$ns")" -- k get networkpolicies.networking.k8s.io -n "$ns" -o json
  # The mesh root istiod publishes in the namespace (public): a proxy there trusting another is a CA change half done.
  run k8s.resources "kubernetes/configmaps/istio-ca-root-cert/$ns.json" "$(meta_ns "$ns")" -- k get configmap istio-ca-root-cert -n "$ns" -o json
done

# Services and pods of every other namespace, one listing each: a VirtualService or DestinationRule
# may name a Service of any namespace, and subsets select pods by label. The field selector leaves
# out the namespaces collected one by one above, so no object is in the bundle twice. With -A every
# namespace was collected above.
if [ "$ALL_NAMESPACES" -eq 0 ]; then
  collected_ns=$(printf '%s\n' "$ALL_COLLECTED_NS" | sort -u | awk 'NF { printf "%smetadata.namespace!=%s", (n++ ? "," : ""), $0 }')
  run k8s.resources kubernetes/resources/services.other-namespaces.json "" -- k get services -A --field-selector "$collected_ns" -o json
  run kubectl.pods kubernetes/resources/pods.other-namespaces.json "" -- k get pods -A --field-selector "$collected_ns" -o json
fi
# Every Service of the cluster by namespace and name only (no spec, labels or annotations): how many
# Services istiod watches, from one cluster-wide listing that stays small with thousands of them.
run kubectl.serviceNames kubernetes/service-names.txt "" -- k get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name

# Proxies: gateways and waypoints always, then sidecars in name order up to --max-proxies.
PROXY_LIST=$WORK/proxies
for ns in $ALL_COLLECTED_NS; do
  list k get pods -n "$ns" -o 'jsonpath={range .items[*]}{.metadata.namespace}{"\t"}{.metadata.name}{"\t"}{.metadata.labels.istio}{"\t"}{.metadata.labels.gateway\.istio\.io/managed}{"\t"}{.metadata.labels.app}{"\t"}{.spec.containers[*].name}{" "}{.spec.initContainers[*].name}{"\n"}{end}'
done | awk -F '\t' '
  $5 == "ztunnel" { next }
  { containers = " " $6 " " }
  containers !~ / istio-proxy / { next }
  { always = ($3 ~ /gateway/ || $4 != "") ? 0 : 1; print always "\t" $1 "\t" $2 }
' | sort >"$PROXY_LIST"
always=$(awk -F '\t' '$1 == 0' "$PROXY_LIST" | wc -l | tr -d ' ')
awk -F '\t' -v max="$MAX_PROXIES" -v always="$always" '$1 == 0 || n++ < max - always { print $2 "\t" $3 }' "$PROXY_LIST" >"$PROXY_LIST.chosen"
total=$(wc -l <"$PROXY_LIST" | tr -d ' ')
chosen=$(wc -l <"$PROXY_LIST.chosen" | tr -d ' ')
[ "$chosen" -lt "$total" ] && skip "proxies/..." "$((total - chosen)) of $total proxies not collected (--max-proxies $MAX_PROXIES)"

while IFS="$(printf '\t')" read -r ns pod; do
  [ -n "$pod" ] || continue
  meta=$(meta_pod "$ns" "$pod" istio-proxy)
  run logs.proxy "logs/$ns/$pod/istio-proxy.log" "$meta" -- k logs "$pod" -n "$ns" -c istio-proxy "$tail_flag" ${since_flag:+"$since_flag"}
  if [ "$HAVE_ISTIOCTL" -eq 1 ]; then
    run envoy.configDump "proxies/$ns/$pod/config_dump.json" "$meta" -- ic proxy-config all "$pod" -n "$ns" -o json
  else
    run envoy.configDump "proxies/$ns/$pod/config_dump.json" "$meta" -- k exec "$pod" -n "$ns" -c istio-proxy -- pilot-agent request GET config_dump
  fi
  run envoy.stats "proxies/$ns/$pod/stats.txt" "$meta" -- k exec "$pod" -n "$ns" -c istio-proxy -- pilot-agent request GET stats
  # Open descriptors of the container's processes, the soft limit, and the hard limit: Envoy and
  # pilot-agent raise their soft limit to the hard one at start-up, so the hard one binds them.
  run proxy.fileDescriptors "proxies/$ns/$pod/fd-count.txt" "$meta" -- k exec "$pod" -n "$ns" -c istio-proxy -- sh -c 'ls -1 /proc/[0-9]*/fd 2>/dev/null | grep -c "^[0-9]"; ulimit -n; ulimit -H -n'
done <"$PROXY_LIST.chosen"

# Ambient: ztunnel logs per node.
list k get pods -n "$ISTIO_NS" -l app=ztunnel -o 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.nodeName}{"\n"}{end}' | sort >"$WORK/ztunnels"
while IFS="$(printf '\t')" read -r pod node; do
  [ -n "$pod" ] || continue
  run logs.ztunnel "logs/$ISTIO_NS/$pod/ztunnel.log" "$(meta_pod "$ISTIO_NS" "$pod" istio-proxy),\"node\":$(json_string "$node")" -- k logs "$pod" -n "$ISTIO_NS" -c istio-proxy "$tail_flag" ${since_flag:+"$since_flag"}
done <"$WORK/ztunnels"

# ---------------------------------------------------------------------------------------------
# Redaction report and manifest, then the tarball (manifest first).
{
  printf '{\n  "schemaVersion": 1,\n  "description": "Values removed from each file before it was written into this bundle, by kind and count.",\n  "files": ['
  sort "$REDACTIONS" | awk -F '\t' '
    $1 != file { if (file != "") printf "}}"; printf "%s\n    {\"path\": \"%s\", \"redactions\": {", (file != "" ? "," : ""), $1; file = $1; sep = "" }
    { printf "%s\"%s\": %d", sep, $2, $3; sep = ", " }
    END { if (file != "") printf "}}"; printf "\n  ]\n}\n" }'
} >"$ROOT/redaction-report.json"

namespaces_json=$(printf '%s\n' "$APP_NAMESPACES" | awk 'NF { printf "%s\"%s\"", (n++ ? "," : ""), $0 } END { }' | sed 's/^/[/; s/$/]/')
[ -n "$namespaces_json" ] || namespaces_json='[]'
options=$(printf '{"namespaces":%s,"allNamespaces":%s,"since":%s,"tail":%d,"maxProxies":%d,"istioNamespace":%s,"timeoutSeconds":%d,"istioctl":%s}' \
  "$namespaces_json" "$([ "$ALL_NAMESPACES" -eq 1 ] && echo true || echo false)" \
  "$(json_string "$SINCE")" "$TAIL" "$MAX_PROXIES" "$(json_string "$ISTIO_NS")" "$TIMEOUT" "$([ "$HAVE_ISTIOCTL" -eq 1 ] && echo true || echo false)")
{
  printf '{\n  "schemaVersion": 1,\n  "collector": {"name": "istio-bundle-collector", "version": %s},\n' "$(json_string "$VERSION")"
  printf '  "collectedAt": %s,\n  "cluster": {"name": %s, "context": %s},\n  "options": %s,\n  "artifacts": [\n' \
    "$(json_string "$COLLECTED_AT")" "$(json_string "$CLUSTER")" "$(json_string "${CONTEXT:-$CLUSTER}")" "$options"
  printf '    {"path":"redaction-report.json","kind":"collector.redactionReport","command":"collect.sh redaction pass","exitCode":0}'
  while IFS= read -r entry; do printf ',\n    %s' "$entry"; done <"$ENTRIES"
  printf '\n  ],\n  "skipped": ['
  sep=''
  while IFS= read -r entry; do printf '%s\n    %s' "$sep" "$entry"; sep=','; done <"$SKIPS"
  printf '\n  ]\n}\n'
} >"$ROOT/manifest.json"

OUT_TMP="$WORK/bundle.tar.gz"
(
  cd "$ROOT" || exit 2
  # manifest.json first: the analyzer reads it before everything else it describes.
  set -- manifest.json redaction-report.json
  for entry in *; do
    case "$entry" in manifest.json|redaction-report.json) ;; *) set -- "$@" "$entry" ;; esac
  done
  tar -cf - "$@" | gzip -9
) >"$OUT_TMP" || die "could not write the bundle"
umask 022
cp "$OUT_TMP" "$OUTPUT" 2>/dev/null || die "could not write $OUTPUT"
chmod 644 "$OUTPUT" 2>/dev/null

# One screen of summary.
{
  printf '\nBundle: %s (%s bytes)\n' "$OUTPUT" "$(wc -c <"$OUTPUT" | tr -d ' ')"
  printf 'Collected: %d outputs; failed or incomplete: %d\n' "$COUNT_OK" "$COUNT_FAILED"
  if [ -s "$SUMMARY" ]; then
    printf 'Not collected (details in manifest.json and the .stderr files):\n'
    head -n 30 "$SUMMARY"
    extra=$(( $(wc -l <"$SUMMARY") - 30 ))
    [ "$extra" -gt 0 ] && printf '  ... and %d more\n' "$extra"
  fi
  redacted=$(awk -F '\t' '{ n += $3 } END { print n + 0 }' "$REDACTIONS")
  printf 'Redacted: %d values (see redaction-report.json in the bundle)\n' "$redacted"
  printf 'Send this file to your support engineer: %s\n' "$OUTPUT"
} >&2
exit 0
