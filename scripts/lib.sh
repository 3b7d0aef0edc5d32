# shellcheck shell=bash
# Shared helpers for scripts/run, scripts/test and scripts/bench.
#
# Source this file; it sets ROOT (repo root), cds there and installs an EXIT trap that
# stops everything started through these helpers (PostgreSQL, Redis, background
# processes), also on Ctrl-C / SIGTERM.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export ROOT VENV PY
cd "$ROOT" || exit 1

# Colours only on a terminal (and not with NO_COLOR).
# shellcheck disable=SC2034  # used by the scripts that source this file
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
    C_BOLD=$'\033[1m' C_RED=$'\033[31m' C_GREEN=$'\033[32m' C_YELLOW=$'\033[33m' C_OFF=$'\033[0m'
else
    C_BOLD="" C_RED="" C_GREEN="" C_YELLOW="" C_OFF=""
fi
log() { printf '%s==> %s%s\n' "$C_BOLD" "$*" "$C_OFF" >&2; }
warn() { printf '%sWARNING: %s%s\n' "$C_YELLOW" "$*" "$C_OFF" >&2; }
die() { printf '%sERROR: %s%s\n' "$C_RED" "$*" "$C_OFF" >&2; exit 1; }

# ---------------------------------------------------------------------------- venv

# Create .venv if missing and (re)install requirements-dev.txt when the requirement
# files are newer than .venv/.stamp. Same logic as the Makefile's `venv` target.
ensure_venv() {
    local stamp="$VENV/.stamp" need=0 f
    if [[ ! -x "$PY" ]]; then
        log "creating virtualenv in .venv"
        python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        need=1
    fi
    if [[ ! -f "$stamp" ]]; then
        need=1
    else
        for f in "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt"; do
            [[ "$f" -nt "$stamp" ]] && need=1
        done
    fi
    if (( need )); then
        log "installing requirements-dev.txt into .venv"
        "$PY" -m pip install --disable-pip-version-check -q -r "$ROOT/requirements-dev.txt" \
            || die "pip install failed"
        touch "$stamp"
    fi
}

# ---------------------------------------------------------------------------- helpers

# Print a free TCP port on 127.0.0.1.
free_port() {
    python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# wait_port PORT [SECONDS]: wait until something accepts connections on 127.0.0.1:PORT.
wait_port() {
    python3 - "$1" "${2:-30}" <<'EOF'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# Directory holding PostgreSQL server binaries (initdb, pg_ctl, ...), or empty.
pg_bindir() {
    local d
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" ]] && { echo "$d"; return; }
    done
}

have_postgres() { [[ -n "$(pg_bindir)" ]]; }
have_redis() { command -v redis-server >/dev/null 2>&1; }
have_dovecot() { command -v dovecot >/dev/null 2>&1 || [[ -x /usr/sbin/dovecot ]]; }

# Path of a usable Chromium, honouring $CHROMIUM_PATH; empty if none.
chromium_path() {
    local c
    for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        [[ -n "$c" && -x "$c" ]] && { echo "$c"; return; }
    done
}

# ---------------------------------------------------------------------------- cleanup

_BG_PIDS=()
PG_DIR=""
PG_PORT=""
REDIS_DIR=""
REDIS_PORT=""
IMAP_DIR=""
IMAP_PID=""

# start_bg NAME CMD...: run CMD in the background in its own process group (so that
# children such as runserver's autoreloader are stopped with it). Sets BG_PID.
start_bg() {
    local name="$1"; shift
    setsid "$@" &
    BG_PID=$!
    _BG_PIDS+=("$BG_PID")
    log "started $name (pid $BG_PID)"
}

# Stop background processes: TERM to each leader first (celery shuts down its pool
# gracefully), then TERM and finally KILL to whatever is left in its process group
# (e.g. the runserver child of Django's autoreloader).
_stop_bg() {
    local pid i
    (( ${#_BG_PIDS[@]} )) || return 0
    for pid in "${_BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${_BG_PIDS[@]}"; do
        for ((i = 0; i < 150; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -TERM -- "-$pid" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    _BG_PIDS=()
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_s3
    _stop_bg
    stop_pg_replica
    stop_imap
    stop_redis
    stop_postgres
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- PostgreSQL

# Run a command as the postgres system user when we are root (initdb refuses root).
_as_pg() {
    if (( EUID == 0 )); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# start_postgres: throwaway cluster on a free loopback port; exports DATABASE_URL
# (database "leadcrm", superuser "postgres", trust auth) and PG_PORT.
start_postgres() {
    local bindir
    bindir="$(pg_bindir)"
    [[ -n "$bindir" ]] || die "PostgreSQL binaries (initdb, pg_ctl) not found"
    if (( EUID == 0 )) && ! id -u postgres >/dev/null 2>&1; then
        log "creating system user postgres"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/leadcrm-pg.XXXXXX")"
    (( EUID == 0 )) && chown postgres: "$PG_DIR"
    chmod 700 "$PG_DIR"
    PG_PORT="$(free_port)"
    log "starting PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT in $PG_DIR"
    _as_pg "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    # Durability off: this cluster is thrown away after the run.
    _as_pg "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    # pg_trgm (contrib) in template1 so every database created later has it.
    local sharedir
    sharedir="$("$bindir/pg_config" --sharedir 2>/dev/null || true)"
    if [[ -f "$sharedir/extension/pg_trgm.control" ]]; then
        "$bindir/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d template1 \
            -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null
    else
        warn "pg_trgm extension not available (install postgresql-contrib)"
    fi
    "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres leadcrm
    export PG_PORT
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/leadcrm"
}

stop_postgres() {
    [[ -n "$PG_DIR" ]] || return 0
    local bindir
    bindir="$(pg_bindir)"
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
        log "stopping PostgreSQL on port $PG_PORT"
        _as_pg "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || _as_pg "$bindir/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
    PG_PORT=""
    unset DATABASE_URL
}

# start_pg_replica: streaming hot standby of the start_postgres cluster (pg_basebackup -R;
# PostgreSQL's defaults wal_level=replica, max_wal_senders=10 and initdb's trust entry for
# replication on 127.0.0.1 suffice) on another free port; exports PG_REPLICA_PORT. Read-only:
# a misrouted write fails. Databases created later on the primary (the test database)
# appear on the replica by replication.
PG_REPLICA_PORT=""
start_pg_replica() {
    [[ -n "$PG_DIR" ]] || die "start_pg_replica needs start_postgres first"
    local bindir
    bindir="$(pg_bindir)"
    PG_REPLICA_PORT="$(free_port)"
    log "starting PostgreSQL streaming replica on 127.0.0.1:$PG_REPLICA_PORT"
    _as_pg "$bindir/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$PG_DIR/replica" \
        -R -X stream -c fast >"$PG_DIR/basebackup.log" 2>&1 \
        || { cat "$PG_DIR/basebackup.log" >&2; die "pg_basebackup failed"; }
    _as_pg "$bindir/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w -t 60 \
        -o "-p $PG_REPLICA_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200 -c fsync=off" \
        start >/dev/null || { cat "$PG_DIR/replica.log" >&2; die "replica did not start"; }
    export PG_REPLICA_PORT
}

stop_pg_replica() {
    [[ -n "$PG_REPLICA_PORT" && -f "$PG_DIR/replica/postmaster.pid" ]] || return 0
    log "stopping PostgreSQL replica on port $PG_REPLICA_PORT"
    _as_pg "$(pg_bindir)/pg_ctl" -D "$PG_DIR/replica" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    PG_REPLICA_PORT=""
    unset PG_REPLICA_PORT
}

# ---------------------------------------------------------------------------- Redis

# start_redis: throwaway redis-server on a free loopback port; exports REDIS_URL (db 0)
# and REDIS_PORT.
start_redis() {
    have_redis || die "redis-server not found"
    REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/leadcrm-redis.XXXXXX")"
    REDIS_PORT="$(free_port)"
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes \
        --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_DIR/redis.pid" \
        --logfile "$REDIS_DIR/redis.log" \
        || die "redis-server failed to start"
    wait_port "$REDIS_PORT" 20 || { cat "$REDIS_DIR/redis.log" >&2; die "Redis did not come up"; }
    export REDIS_PORT
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

stop_redis() {
    [[ -n "$REDIS_DIR" ]] || return 0
    local pid i
    if [[ -f "$REDIS_DIR/redis.pid" ]]; then
        pid="$(cat "$REDIS_DIR/redis.pid")"
        log "stopping Redis on port $REDIS_PORT"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$REDIS_DIR"
    REDIS_DIR=""
    REDIS_PORT=""
    unset REDIS_URL
}

# ---------------------------------------------------------------------------- IMAP (dovecot)

# start_imap: throwaway dovecot (IMAP only, plaintext on loopback, no SSL) on a free port
# with one test user and maildirs in a temp dir; exports IMAP_TEST_HOST/PORT/USER/PASSWORD.
# As root the mail user is `nobody` (dovecot refuses uid 0 for mail access).
start_imap() {
    have_dovecot || die "dovecot not found (Debian: apt-get install dovecot-imapd)"
    local bin port mail_user mail_uid mail_gid internal
    bin="$(command -v dovecot || echo /usr/sbin/dovecot)"
    IMAP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/leadcrm-imap.XXXXXX")"
    chmod 755 "$IMAP_DIR"
    port="$(free_port)"
    if (( EUID == 0 )); then
        mail_user=nobody
        internal=dovecot
        id -u dovecot >/dev/null 2>&1 || internal=nobody
    else
        mail_user="$(id -un)"
        internal="$mail_user"
    fi
    mail_uid="$(id -u "$mail_user")"
    mail_gid="$(id -g "$mail_user")"
    mkdir -p "$IMAP_DIR/mail" "$IMAP_DIR/run"
    (( EUID == 0 )) && chown "$mail_uid:$mail_gid" "$IMAP_DIR/mail"
    cat >"$IMAP_DIR/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $IMAP_DIR/run
state_dir = $IMAP_DIR/run
log_path = $IMAP_DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $internal
default_login_user = $internal
first_valid_uid = 1
mail_location = maildir:$IMAP_DIR/mail/%u
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
passdb {
  driver = static
  args = password=test-secret
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$IMAP_DIR/mail/%u
}
CONF
    log "starting dovecot (IMAP) on 127.0.0.1:$port"
    start_bg dovecot "$bin" -F -c "$IMAP_DIR/dovecot.conf"
    IMAP_PID="$BG_PID"
    wait_port "$port" 20 || { cat "$IMAP_DIR/dovecot.log" >&2; die "dovecot did not come up"; }
    export IMAP_TEST_HOST=127.0.0.1 IMAP_TEST_PORT="$port" IMAP_TEST_USER=crm-test
    export IMAP_TEST_PASSWORD=test-secret
}

stop_imap() {
    [[ -n "$IMAP_DIR" ]] || return 0
    local i
    if [[ -n "$IMAP_PID" ]]; then
        log "stopping dovecot"
        kill -TERM -- "-$IMAP_PID" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 -- "-$IMAP_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$IMAP_PID" 2>/dev/null || true
    fi
    IMAP_PID=""
    rm -rf "$IMAP_DIR"
    IMAP_DIR=""
    unset IMAP_TEST_HOST IMAP_TEST_PORT IMAP_TEST_USER IMAP_TEST_PASSWORD
}

# ---------------------------------------------------------------------------- S3 (moto)

S3_PID=""

# moto's standalone S3-compatible server (moto[server] in requirements-dev.txt)
have_moto() { "$PY" -c "import moto.server" >/dev/null 2>&1; }

# start_s3: throwaway moto server (in memory) on a free loopback port; exports
# S3_TEST_ENDPOINT_URL (tests marked `s3` create their own bucket there).
start_s3() {
    have_moto || die "moto server not installed (pip install 'moto[server]')"
    local port
    port="$(free_port)"
    log "starting moto (S3) on 127.0.0.1:$port"
    S3_LOG="$(mktemp "${TMPDIR:-/tmp}/leadcrm-moto.XXXXXX.log")"
    # its request log goes to a file, not into the test output
    start_bg moto "$VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1
    S3_PID="$BG_PID"
    wait_port "$port" 30 || { cat "$S3_LOG" >&2; die "moto server did not come up"; }
    export S3_TEST_ENDPOINT_URL="http://127.0.0.1:$port"
}

stop_s3() {
    [[ -n "$S3_PID" ]] || return 0
    log "stopping moto (S3)"
    kill -TERM -- "-$S3_PID" 2>/dev/null || true
    S3_PID=""
    if [[ -n "${S3_LOG:-}" ]]; then rm -f "$S3_LOG"; fi
    unset S3_TEST_ENDPOINT_URL
}

# ---------------------------------------------------------------------------- Django

have_msgfmt() { command -v msgfmt >/dev/null 2>&1; }

# Compile .po -> .mo for the project's own locale dirs (not the venv's).
compile_messages() {
    if ! have_msgfmt; then
        warn "gettext (msgfmt) not installed: skipping compilemessages, UI falls back to source strings"
        return 0
    fi
    "$PY" manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules \
        --ignore=static --ignore=staticfiles -v 0
}
