//! The loaded text of secrets whose type keeps none (`SecretBox<u64>`), for the redactor.
//!
//! A contract's redactor masks "every loaded secret", whatever its type. A type such as
//! `SecretBox<[u8; 32]>` holds only the parsed value, so loading keeps a copy of the text here,
//! by contract type, zeroized and never shown, for the life of the process. A secret that
//! rotates keeps its old texts too, the newest 256: an old value in a log is still a leak.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};

use crate::spec::ContractSpec;

/// Texts by contract (the address of its static spec), each once.
static KEPT: Mutex<Option<HashMap<usize, Vec<SecretString>>>> = Mutex::new(None);

/// The most texts kept for one contract: a service that reloads a rotating secret keeps the
/// newest ones, and its redactor stays as small.
const MAX_KEPT: usize = 256;

fn key(spec: &'static ContractSpec) -> usize {
    std::ptr::from_ref(spec) as usize
}

/// Keeps the texts of a contract's secrets whose type keeps none.
pub(crate) fn keep(spec: &'static ContractSpec, texts: Vec<SecretString>) {
    if texts.is_empty() {
        return;
    }
    let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    let list = kept.get_or_insert_with(HashMap::new).entry(key(spec)).or_default();
    for text in texts {
        list.retain(|known| known.expose_secret() != text.expose_secret());
        list.push(text);
    }
    let excess = list.len().saturating_sub(MAX_KEPT);
    list.drain(..excess);
}

/// Calls `f` with the texts kept for a contract.
pub(crate) fn with_kept<R>(spec: &'static ContractSpec, f: impl FnOnce(&[SecretString]) -> R) -> R {
    let kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    f(kept.as_ref().and_then(|kept| kept.get(&key(spec))).map_or(&[], Vec::as_slice))
}
