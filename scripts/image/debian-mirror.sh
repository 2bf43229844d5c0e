# Sourced by build-pg-image.sh and build-jre-image.sh: find_mirror SUITE prints the URI of this
# machine's apt source for SUITE (never a hard-coded mirror). Part of the Postgres image's tag hash.
find_mirror() {
  local suite="$1" f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri="$(awk -v suite="$suite" '
      function flush() { if (has && u != "") { print u; found=1; exit } u=""; has=0 }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "uris:"   { u=$2 }
      tolower($1) == "suites:" { for (i=2;i<=NF;i++) if ($i == suite) has=1 }
      END { if (!found) flush() }' "$f")"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    uri="$(awk -v suite="$suite" '
      $1 == "deb" {
        i=2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i+1) == suite) { print $i; exit }
      }' "$f")"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  return 1
}

# find_mirror_for SUITE: find_mirror SUITE, or, for a Debian release this machine does not list
# (trixie on a bookworm host), the source of this machine's own release's counterpart (bookworm for
# trixie, bookworm-security for trixie-security): the same archive serves every release.
find_mirror_for() {
  local suite="$1" own
  find_mirror "$suite" && return 0
  own="$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")"
  [[ -n "$own" ]] || return 1
  find_mirror "$own${suite#"${suite%%-*}"}"
}
