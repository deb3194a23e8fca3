//! Example programs for `secrets-core`: `service` and `ops_script` in `src/bin/`; `quickstart`
//! is a package of its own (`examples/quickstart`), so the README's first command builds
//! `secrets-core` alone.
