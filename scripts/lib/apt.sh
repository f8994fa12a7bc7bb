# Shared by scripts/provision-*.sh: install a Debian package when a check says the component is
# missing. Works as root or through sudo; never starts the package's system service (the tests
# start their own instances on 127.0.0.1); runs `apt-get update` at most once an hour.
#
#   apt_ensure NAME "CHECK COMMAND" PACKAGE [PACKAGE…]
#   apt_ensure prometheus 'command -v prometheus && command -v promtool' prometheus
apt_ensure() {
  local name="$1" check="$2"
  shift 2
  if bash -c "$check" >/dev/null 2>&1; then
    echo "provision-$name: already installed"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "provision-$name: missing ($check failed) and apt-get is not available; install Debian/Ubuntu package(s): $*" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # Keep postinst scripts from starting services (invoke-rc.d honours policy-rc.d: 101 = action
  # forbidden). An existing policy is left as it is; one added here is removed afterwards.
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added=1
  fi
  local lists=/var/lib/apt/lists
  if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n1)" ]; then
    $sudo apt-get update -qq
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" || rc=$?
  if [ -n "$added" ]; then $sudo rm -f "$policy"; fi
  if [ "$rc" -ne 0 ]; then return "$rc"; fi
  if ! bash -c "$check" >/dev/null 2>&1; then
    echo "provision-$name: installed $* but the check still fails: $check" >&2
    return 1
  fi
  echo "provision-$name: installed $*"
}
