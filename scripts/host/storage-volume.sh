#!/usr/bin/env bash
# Gives Offshoot's storage path block-level copy-on-write (reflink) when the host has none: a sparse
# file formatted with `mkfs.xfs -m reflink=1`, loop-mounted at the storage path. Idempotent: a path
# already on a reflink-capable filesystem (a native XFS or btrfs, or this script's earlier mount) is
# left alone, and a half-done run (file made, not formatted or not mounted) is completed.
#
#   OFFSHOOT_STORAGE_PATH  where branch data lives (default /var/lib/offshoot/storage)
#   OFFSHOOT_STORAGE_SIZE  the sparse file's size (default 40G; it takes only what is written)
#   OFFSHOOT_STORAGE_IMAGE the sparse file (default <path>.xfs beside the path)
#
# Needs root for mkfs and mount; without it (or with OFFSHOOT_STORAGE_DRIVER=overlay) it does
# nothing and the service's `auto` driver falls back to overlay, saying why in its log and health.
set -euo pipefail

path="${OFFSHOOT_STORAGE_PATH:-/var/lib/offshoot/storage}"
size="${OFFSHOOT_STORAGE_SIZE:-40G}"
image="${OFFSHOOT_STORAGE_IMAGE:-${path%/}.xfs}"

say() { printf 'storage-volume: %s\n' "$*" >&2; }

# reflink_works DIR -> true if a real `cp --reflink=always` succeeds in DIR
reflink_works() {
  local probe
  probe="$(mktemp -d "$1/.reflink-probe.XXXXXX" 2>/dev/null)" || return 1
  head -c 65536 /dev/zero > "$probe/a" 2>/dev/null \
    && cp --reflink=always "$probe/a" "$probe/b" 2>/dev/null
  local ok=$?
  rm -rf "$probe"
  return $ok
}

if [[ "${OFFSHOOT_STORAGE_DRIVER:-auto}" == overlay ]]; then
  say "driver overlay requested: no volume needed"
  exit 0
fi
mkdir -p "$path"
if reflink_works "$path"; then
  say "$path already supports reflink"
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  say "not root: cannot create a reflink volume at $path; the auto driver will use overlay"
  exit 0
fi
if mountpoint -q "$path"; then
  say "$path is a mount point without reflink support; leaving it alone (auto driver will use overlay)"
  exit 0
fi
if ! command -v mkfs.xfs >/dev/null 2>&1; then
  say "installing xfsprogs"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xfsprogs >/dev/null \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xfsprogs >/dev/null; }
fi

if [[ ! -f "$image" ]]; then
  bytes="$(numfmt --from=iec "${size%B}")"
  free="$(df --output=avail -B1 "$(dirname "$image")" | tail -1 | tr -d ' ')"
  say "creating sparse file $image ($size; $(numfmt --to=iec "$free") free on its filesystem)"
  if (( free < bytes / 8 )); then
    say "warning: less than an eighth of $size is free; branches may fill the disk"
  fi
  truncate -s "$size" "$image.partial"
  mkfs.xfs -q -f -m reflink=1 "$image.partial"
  # only a formatted file gets its final name, so a run interrupted before this point starts over
  mv "$image.partial" "$image"
fi
rm -f "$image.partial"
if ! mountpoint -q "$path"; then
  say "mounting $image at $path"
  mount -o loop "$image" "$path"
fi
reflink_works "$path" || { say "error: $path is mounted but a reflink copy still fails"; exit 1; }
say "$path supports reflink"
