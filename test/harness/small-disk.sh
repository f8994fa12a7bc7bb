#!/bin/sh
# A small real disk for the store-failure tests: run under `unshare -Urm` (a user and mount namespace,
# no root needed), it mounts a tmpfs of SIZE on MNT (read-only when RO=1), runs the command, and
# on request fills the disk to the last byte (CTL/fill) or frees it (CTL/free), answering with
# CTL/filled and CTL/freed. FILL_FIRST=1 fills it before the command starts.
# Usage: unshare -Urm sh small-disk.sh MNT SIZE RO FILL_FIRST CTL -- COMMAND...
MNT=$1; SIZE=$2; RO=$3; FILL_FIRST=$4; CTL=$5; shift 6
mount -t tmpfs -o "size=$SIZE" tmpfs "$MNT" || exit 90
fill() { dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null; dd if=/dev/zero of="$MNT/filler2" bs=64 2>/dev/null; }
[ "$FILL_FIRST" = 1 ] && fill
[ "$RO" = 1 ] && mount -o remount,ro "$MNT"
"$@" &
pid=$!
trap 'kill -TERM $pid' TERM INT
while kill -0 $pid 2>/dev/null; do
  if [ -e "$CTL/fill" ]; then rm -f "$CTL/fill"; fill; touch "$CTL/filled"; fi
  if [ -e "$CTL/free" ]; then rm -f "$CTL/free" "$MNT/filler" "$MNT/filler2"; touch "$CTL/freed"; fi
  sleep 0.05
done
wait $pid
