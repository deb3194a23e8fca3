# Sourced by the compile-time scripts: `make_crate NAME` writes a crate named NAME under $work
# whose src/lib.rs is read from stdin, depending on secrets-core only ($root is the workspace).
make_crate() {
  local dir="$work/$1"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
secrets-core = { path = "$root/secrets-core" }

[workspace]
TOML
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/src/lib.rs"
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
