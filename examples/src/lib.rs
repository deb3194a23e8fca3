//! Example programs for `secrets-core`: `quickstart`, `service` and `ops_script` in `src/bin/`.
