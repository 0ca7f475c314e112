# shellcheck shell=bash
# Source me: makes a PostgreSQL server reachable for the test suite and exports
# KIKAN_TEST_DATABASE_URL. Order: a server already up on 127.0.0.1:5432 → the installed
# Debian cluster started with pg_ctlcluster → (root, CI) install PostgreSQL from apt →
# a throwaway cluster (initdb as the postgres user) on port 55432.
pg_up() { pg_isready -q -h "$1" -p "$2" 2>/dev/null; }

kikan_pg() {
  local url=""
  if command -v pg_isready >/dev/null 2>&1 && pg_up 127.0.0.1 5432; then
    url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
  elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    local ver; ver=$(ls /etc/postgresql | sort -V | tail -n1)
    echo "starting PostgreSQL $ver (pg_ctlcluster)" >&2
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 || true
    for _ in $(seq 1 30); do pg_up 127.0.0.1 5432 && break; sleep 1; done
    pg_up 127.0.0.1 5432 && url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
  fi
  if [ -z "$url" ] && [ "$(id -u)" = 0 ] && [ -n "${CI:-}" ] && command -v apt-get >/dev/null 2>&1 \
     && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing PostgreSQL from apt" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || true
  fi
  if [ -z "$url" ]; then
    local initdb; initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
    if [ -n "$initdb" ]; then
      local bin dir run; bin=$(dirname "$initdb"); dir=/tmp/kikan-pg; run=""
      [ "$(id -u)" = 0 ] && run="runuser -u postgres --"
      if ! pg_up 127.0.0.1 55432; then
        echo "starting a throwaway PostgreSQL cluster on port 55432" >&2
        rm -rf "$dir"; mkdir -p "$dir"; [ -n "$run" ] && chown postgres "$dir"
        $run "$bin/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 -U postgres -A trust >/dev/null
        $run "$bin/pg_ctl" -D "$dir/data" -o "-p 55432 -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >&2
      fi
      pg_up 127.0.0.1 55432 && url="postgresql+psycopg://postgres@127.0.0.1:55432/postgres"
    fi
  fi
  if [ -n "$url" ]; then
    export KIKAN_TEST_DATABASE_URL="$url"
    echo "PostgreSQL tests: $url" >&2
  else
    echo "PostgreSQL not available: running the SQLite half of the suite only" >&2
    [ -n "${CI:-}" ] && { echo "CI needs PostgreSQL" >&2; return 1; }
  fi
  return 0
}
