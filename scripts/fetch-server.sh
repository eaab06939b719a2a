#!/usr/bin/env bash
# Fetches a newer Redis or Valkey server from Debian's newer releases into a cache folder, and prints the folder
# of wrappers (redis-server, redis-cli, redis-benchmark) to put first on PATH, so that the specs start it unchanged:
#
#   PATH="$(scripts/fetch-server.sh redis 8.6):$PATH" ./node_modules/.bin/jest
#
# The packages are built for a newer C library than this machine's, so each wrapper runs the binary through the
# dynamic loader of the release it came from, with that release's libraries. apt runs with a private
# sources.list and private list and cache folders: the machine's own apt setup is untouched.
# Cache: $RX_SERVER_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/rx-redis-events/servers. Progress goes to stderr.
set -euo pipefail

usage() { echo "usage: $0 redis|valkey <version prefix, e.g. 8.6 or 9.1>" >&2; exit 2; }
[ "$#" -eq 2 ] || usage
server="$1" wanted="$2"
case "$server" in
  redis) server_pkgs=(redis-server redis-tools) prog=redis ;;
  valkey) server_pkgs=(valkey-server valkey-tools) prog=valkey ;;
  *) usage ;;
esac
[[ "$wanted" =~ ^[0-9]+(\.[0-9]+)*$ ]] || usage

releases=(experimental sid trixie)
libs=(libc6 libstdc++6 libgcc-s1 libssl3t64 libsystemd0 libjemalloc2 liblzf1 libatomic1
  libcap2 libgcrypt20 liblz4-1 liblzma5 libzstd1 libgpg-error0)
cache="${RX_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rx-redis-events/servers}"
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"

log() { echo "fetch-server: $*" >&2; }
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

: >"$apt_dir/sources.list"
for release in "${releases[@]}"; do
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $release main" \
    >>"$apt_dir/sources.list"
done
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives"
  -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

# The newest package version of the server that starts with the wanted version, and the release that has it.
find_version() {
  apt-cache "${apt_opts[@]}" madison "${server_pkgs[0]}" 2>/dev/null |
    awk -F'|' -v want="$wanted" '{
      gsub(/ /, "", $2); split($3, where, " "); v = $2; sub(/^[0-9]+:/, "", v)
      if (index(v, want ".") == 1 || v == want) { print $2, where[2]; exit }
    }' | sed 's#/main##'
}

found="$(find_version || true)"
if [ -z "$found" ]; then
  log "updating the package lists of ${releases[*]}"
  $sudo_cmd apt-get "${apt_opts[@]}" -qq update >&2
  found="$(find_version || true)"
fi
[ -n "$found" ] || { log "no $server $wanted in ${releases[*]}"; exit 1; }
version="${found% *}" release="${found#* }"
# experimental holds only a few packages: its servers take their libraries from sid.
lib_release="$release"
[ "$release" = experimental ] && lib_release=sid

root="$cache/$server-${version#*:}"
bin="$root/bin"
if [ ! -x "$bin/redis-server" ] || ! "$bin/redis-server" --version >/dev/null 2>&1; then
  log "fetching $server $version from $release"
  rm -rf "$root"
  mkdir -p "$root/debs" "$root/fs" "$bin"
  pkgs=()
  for p in "${server_pkgs[@]}"; do pkgs+=("$p=$version"); done
  for p in "${libs[@]}"; do pkgs+=("$p/$lib_release"); done
  (cd "$root/debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}" >&2)
  for deb in "$root"/debs/*.deb; do dpkg-deb -x "$deb" "$root/fs"; done
  rm -rf "$root/debs"
  lib="$root/fs/usr/lib/x86_64-linux-gnu"
  for tool in server cli benchmark; do
    cat >"$bin/redis-$tool" <<WRAPPER
#!/bin/sh
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$root/fs/usr/bin/$prog-$tool" "\$@"
WRAPPER
    chmod +x "$bin/redis-$tool"
  done
  "$bin/redis-server" --version >&2
fi
echo "$bin"
