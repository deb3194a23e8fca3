#!/usr/bin/env bash
# What a user's first build costs: a minimal binary that loads the same 10-variable contract
# (four required secrets, two optional secrets, two u16, a bool and a string setting) with each
# contender, built from an empty target directory (`cargo build`, dev profile) with the registry
# cached. The contenders are built in turns, RUNS rounds (default 3), each round in a rotated
# order; each is reported with the crates it compiles, its median time, and the median of the
# rounds' ratios to confique's build in the same round.
#
#   bash benches/cold_build.sh
#   RUNS=5 bash benches/cold_build.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
work="$root/target/cold-build"
rm -rf "$work"
mkdir -p "$work"
source "$root/benches/crate.sh"

# `bin_crate NAME DEPENDENCIES`: a binary crate under $work, its main.rs read from stdin.
bin_crate() { make_crate "$1" "$2" main.rs; }

# `loaded_main EXPR`: a `main` that loads the `App` of the crate's other lines with EXPR, uses
# every field, and exits 78 when it fails.
loaded_main() {
  cat <<RUST

fn main() {
    match $1 {
        Ok(app) => println!(
            "{} {} {} {} {} {} {} {} {} {}",
            app.database_url.len(),
            app.redis_url.len(),
            app.stripe_key.len(),
            app.jwt_secret.len(),
            app.sentry_dsn.is_some(),
            app.slack_webhook_url.is_some(),
            app.port,
            app.workers,
            app.debug,
            app.public_url
        ),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(78);
        }
    }
}
RUST
}

bin_crate by_hand 'secrecy = "0.10"
dotenvy = "0.15"' <<'RUST'
use secrecy::SecretString;

fn required(name: &'static str, missing: &mut Vec<&'static str>) -> Option<SecretString> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(SecretString::from(value)),
        _ => {
            missing.push(name);
            None
        }
    }
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

fn main() {
    let _ = dotenvy::dotenv();
    let mut missing = Vec::new();
    let secrets = ["DATABASE_URL", "REDIS_URL", "STRIPE_KEY", "JWT_SECRET"].map(|name| required(name, &mut missing));
    let optional = ["SENTRY_DSN", "SLACK_WEBHOOK_URL"].map(|name| std::env::var(name).ok().map(SecretString::from));
    let (port, workers) = (setting::<u16>("PORT", 8080), setting::<u16>("WORKERS", 4));
    let (debug, public_url) = (setting("DEBUG", false), setting("PUBLIC_URL", String::from("http://localhost")));
    if !missing.is_empty() {
        eprintln!("missing: {}", missing.join(", "));
        std::process::exit(78);
    }
    println!("{} secrets, {} optional, {port} {workers} {debug} {public_url}", secrets.len(), optional.len());
}
RUST

# The contract's fields: name, type, variable, default (`-` for none).
fields='database_url String DATABASE_URL -
redis_url String REDIS_URL -
stripe_key String STRIPE_KEY -
jwt_secret String JWT_SECRET -
sentry_dsn Option<String> SENTRY_DSN -
slack_webhook_url Option<String> SLACK_WEBHOOK_URL -
port u16 PORT 8080
workers u16 WORKERS 4
debug bool DEBUG false
public_url String PUBLIC_URL http://localhost'

# `app_struct USE DERIVE ATTRIBUTE DEFAULT [literal]`: the `App` struct of $fields, each field
# with the attribute ATTRIBUTE or, when it has a default, DEFAULT: printf formats given the
# variable and its default; with `literal`, a default is a Rust literal (a string quoted).
app_struct() {
  printf '%s\n\n#[derive(%s)]\nstruct App {\n' "$1" "$2"
  while read -r name type var default; do
    if [ "$default" = - ]; then
      printf "    #[$3]\n" "$var"
    else
      [ "${5:-}" = literal ] && [ "$type" = String ] && default="\"$default\""
      printf "    #[$4]\n" "$var" "$default"
    fi
    printf '    %s: %s,\n' "$name" "$type"
  done <<< "$fields"
  printf '}\n'
}

{
  app_struct 'use envconfig::Envconfig;' Envconfig 'envconfig(from = "%s")' 'envconfig(from = "%s", default = "%s")'
  loaded_main 'App::init_from_env()'
} | bin_crate envconfig 'envconfig = "0.11"'

{
  app_struct 'use confique::Config;' Config 'config(env = "%s")' 'config(env = "%s", default = %s)' literal
  loaded_main 'App::builder().env().load()'
} | bin_crate confique 'confique = { version = "0.4", default-features = false }'

contract_main() {
  cat <<'RUST'
use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[secret(required)]
    database_url: SecretString,
    #[secret(required)]
    redis_url: SecretString,
    #[secret(required)]
    stripe_key: SecretString,
    #[secret(required)]
    jwt_secret: SecretString,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
    #[secret(optional)]
    slack_webhook_url: Option<SecretString>,
    #[config(default = "8080")]
    port: u16,
    #[config(default = "4")]
    workers: u16,
    #[config(default = "false")]
    debug: bool,
    #[config(default = "http://localhost")]
    public_url: String,
}

fn main() {
    let app = App::load_or_exit();
    println!("{app:?}");
}
RUST
}
contract_main | bin_crate secrets_core "secrets-core = { path = \"$root/secrets-core\" }"
contract_main | bin_crate secrets_core_vault "secrets-core = { path = \"$root/secrets-core\", features = [\"vault\"] }"

crates=(by_hand envconfig confique secrets_core secrets_core_vault)
# Downloads and lock files first, outside the timing.
for crate in "${crates[@]}"; do
  cargo fetch --quiet --manifest-path "$work/$crate/Cargo.toml"
done

# `cold_build CRATE`: the seconds of a dev build from an empty target directory; the crates it
# compiled are left in $work/CRATE/compiled.
cold_build() {
  local dir="$work/$1" start end
  rm -rf "$dir/target"
  start=$(date +%s.%N)
  CARGO_TARGET_DIR="$dir/target" cargo build --offline --manifest-path "$dir/Cargo.toml" 2> "$dir/build.log"
  end=$(date +%s.%N)
  grep -c '^ *Compiling ' "$dir/build.log" > "$dir/compiled"
  awk "BEGIN { print $end - $start }"
}

declare -A times=() ratios=()
for ((run = 0; run < runs; run++)); do
  declare -A round=()
  count=${#crates[@]}
  for ((i = 0; i < count; i++)); do
    crate=${crates[$(((i + run) % count))]}
    round[$crate]=$(cold_build "$crate")
    times[$crate]+="${round[$crate]} "
  done
  for crate in "${crates[@]}"; do
    ratios[$crate]+="$(awk "BEGIN { print ${round[$crate]} / ${round[confique]} }") "
  done
done

printf '| dependency | crates compiled | cold dev build (median of %d) | to confique (median of rounds) |\n' "$runs"
printf '|---|---|---|---|\n'
for crate in "${crates[@]}"; do
  printf '| %s | %s | %.1f s | %.2fx |\n' "$crate" "$(cat "$work/$crate/compiled")" \
    "$(printf '%s\n' ${times[$crate]} | median)" "$(printf '%s\n' ${ratios[$crate]} | median)"
done
echo "each run, seconds:"
for crate in "${crates[@]}"; do echo "  $crate: ${times[$crate]}"; done
