#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and Redis on loopback for the tests that need
# real servers (the PostgreSQL store, the Redis rate budget), installing
# Debian's packages when they are missing.
#
# Source it so that its variables reach the tests:
#     source .ci/services.sh && make test
# It exports KOSMO_TEST_POSTGRES_URL and KOSMO_TEST_REDIS_URL, and stops both
# servers when the shell that sourced it exits. The data lives under /tmp and
# is removed with them.
#
# Ports: KOSMO_TEST_POSTGRES_PORT (default 55432), KOSMO_TEST_REDIS_PORT
# (default 56379).

kosmo_services() {
	local pg_port="${KOSMO_TEST_POSTGRES_PORT:-55432}"
	local redis_port="${KOSMO_TEST_REDIS_PORT:-56379}"

	# Debian's packages, not whatever else may be on PATH: this runs on a
	# fresh machine.
	local pg_bin
	pg_bin="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
	pg_bin="${pg_bin%/initdb}"
	# A machine may have the client alone (psql, without initdb).
	if [ ! -x "$pg_bin/initdb" ] || ! command -v redis-server >/dev/null; then
		if [ "$(id -u)" != 0 ]; then
			echo "services: PostgreSQL or Redis is missing; run as root to install them (apt-get install postgresql redis-server)" >&2
			return 1
		fi
		echo "services: installing postgresql and redis-server (Debian packages)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null || return 1
		# The packages' own services are not wanted: policy-rc.d 101 keeps
		# them from starting (this script starts its own on other ports).
		local policy=/usr/sbin/policy-rc.d created_policy=
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
		fi
		local rc=0
		apt-get install -y -qq postgresql redis-server >/dev/null || rc=$?
		[ -n "$created_policy" ] && rm -f "$policy"
		[ $rc = 0 ] || return $rc
		pg_bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
	fi

	local dir
	dir="$(mktemp -d /tmp/kosmo-services.XXXXXX)" || return 1
	chmod 0755 "$dir"

	# PostgreSQL refuses to run as root: as the postgres user (Debian's
	# package creates it) when root, else as whoever runs this.
	local as=()
	if [ "$(id -u)" = 0 ]; then
		as=(runuser -u postgres --)
	fi
	mkdir -p "$dir/pg" || return 1
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir/pg" || return 1
	fi
	"${as[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U kosmo --auth=trust -E UTF8 >"$dir/pg-initdb.log" 2>&1 ||
		{ cat "$dir/pg-initdb.log" >&2; return 1; }
	"${as[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
		-o "-h 127.0.0.1 -p $pg_port -k $dir/pg -c fsync=off -c max_connections=200" start >/dev/null ||
		{ cat "$dir/pg/server.log" >&2; return 1; }
	"${as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U kosmo kosmo_test || return 1

	redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
	local i
	for i in $(seq 100); do
		redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
		sleep 0.1
	done

	export KOSMO_TEST_POSTGRES_URL="postgres://kosmo@127.0.0.1:$pg_port/kosmo_test?sslmode=disable"
	export KOSMO_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
	KOSMO_SERVICES_DIR="$dir"
	KOSMO_SERVICES_STOP="${as[*]} $pg_bin/pg_ctl -D $dir/pg/data -m fast stop; kill \$(cat $dir/redis.pid); rm -rf $dir"
	trap 'eval "$KOSMO_SERVICES_STOP" >/dev/null 2>&1' EXIT
	echo "services: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port, Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$redis_port (data in $dir)"
}

kosmo_services
