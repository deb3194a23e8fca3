# Sourced by the compile-time scripts: `make_crate NAME [DEPENDENCIES [FILE]]` writes a crate
# named NAME under $work whose src/FILE (default `lib.rs`) is read from stdin, depending on
# DEPENDENCIES (`[dependencies]` lines; default secrets-core only), with the workspace's lock
# file ($root is the workspace).
make_crate() {
  local dir="$work/$1" dependencies="${2:-}" file="${3:-lib.rs}"
  [ -n "$dependencies" ] || dependencies="secrets-core = { path = \"$root/secrets-core\" }"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$dependencies

[workspace]
TOML
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/src/$file"
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
