//! Arbitrary `.env` content, with a canary line in it: loading never panics, and no output
//! shows the canary, whatever the file looks like.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrets_core::{SecretContract, SecretString, Sources};

#[derive(SecretContract)]
struct Target {
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional)]
    api_key: Option<SecretString>,
}

const CANARY: &str = "Zq8Kp2Wm7Rt4Xn9Bv3Lc";

fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |&b| usize::from(b) % (data.len().max(1)));
    let mut content = data.get(1..split.max(1)).unwrap_or_default().to_vec();
    content.extend_from_slice(format!("\nAPI_KEY={CANARY}\n{CANARY} broken\n").as_bytes());
    content.extend_from_slice(data.get(split.max(1)..).unwrap_or_default());
    let path = std::env::temp_dir().join(format!("secrets-core-fuzz-{}.env", std::process::id()));
    std::fs::write(&path, &content).expect("temp dir is writable");
    let sources = Sources::new().dotenv_file(&path);
    let report = Target::status_from(&sources);
    let mut shown = format!("{report}{}{report:?}", report.to_json());
    match Target::load_from(&sources) {
        Ok(target) => shown.push_str(&format!("{target:?}")),
        Err(error) => shown.push_str(&format!("{error}{error:?}")),
    }
    assert!(!shown.contains(&CANARY[..8]), "a .env line leaked:\n{shown}");
});
