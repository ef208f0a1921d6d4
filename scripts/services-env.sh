# Sourced by scripts/test.sh and scripts/fault.sh: where the test services keep their state, how RabbitMQ's node is
# named and bound, and the admin commands for PostgreSQL and MariaDB (root over the unix socket). Expects $state_dir.
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=25672
export RABBITMQ_CONFIG_FILE="$state_dir/rabbitmq"
export RABBITMQ_CONF_ENV_FILE="$state_dir/rabbitmq-env.conf"

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres "$@"; }
# MariaDB on Debian: root logs in over the unix socket with unix_socket auth (we run as the root OS user).
first_command() { local c; for c in "$@"; do command -v "$c" >/dev/null 2>&1 && { echo "$c"; return 0; }; done; echo "$1"; }
mysql_admin() { "$(first_command mariadb mysql)" --protocol=socket -u root -N -B -e "$1"; }
mariadb_admin() { "$(first_command mariadb-admin mysqladmin)" --protocol=socket -u root --connect-timeout=2 "$@"; }
