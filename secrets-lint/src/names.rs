//! Which variable names look like secrets.

/// Words that, as a `_`-separated part of a name, mark it as a secret.
const SECRET_WORDS: [&str; 16] = [
    "KEY",
    "KEYS",
    "APIKEY",
    "TOKEN",
    "TOKENS",
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "CREDENTIAL",
    "CREDENTIALS",
    "DSN",
    "PRIVATE",
    "AUTH",
    "SALT",
];

/// Connection strings that usually embed a password.
const SECRET_SUFFIXES: [&str; 4] = ["DATABASE_URL", "REDIS_URL", "MONGODB_URI", "AMQP_URL"];

/// Whether `name` looks like it holds a secret (`STRIPE_API_KEY`, `DATABASE_URL`), not `RUST_LOG`.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.split(|c: char| !c.is_ascii_alphanumeric()).any(|part| SECRET_WORDS.contains(&part))
        || SECRET_SUFFIXES.iter().any(|suffix| upper.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn secret_names_are_recognised() {
        for name in ["STRIPE_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "SENTRY_DSN", "DATABASE_URL", "APP_DATABASE_URL"]
        {
            assert!(looks_secret(name), "{name}");
        }
    }

    #[test]
    fn plain_settings_are_not() {
        for name in ["RUST_LOG", "PORT", "HOME", "KEYBOARD_LAYOUT", "MONKEY", "TOKENIZER_THREADS", "PATH"] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
