//! HashiCorp Vault and OpenBao KV v2 as a source (feature `vault`): one request per secret path.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::sources::read::read_regular;
use crate::sources::{Found, Origin, Source, SourceError};

/// A KV v2 secret: its keys and values, and its version.
type KvSecret = (Vec<(String, Option<KvValue>)>, Option<u64>);

/// How long one request to the server may take, connecting included.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest timeout accepted; a longer one is clamped (a startup must not wait for days).
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The largest answer read: a KV secret is not megabytes long.
const MAX_ANSWER: u64 = 1024 * 1024;

/// Where and how to reach a Vault or OpenBao server.
///
/// [`VaultConfig::from_env`] reads `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE` and
/// `VAULT_CACERT`, as the `vault` and `bao` commands do; every setting also has a method.
///
/// The token goes only to the configured address: redirects are not followed (a `3xx` is an
/// error), proxies from the environment are not used, and errors say what happened in the
/// library's words, never with text the server sent. The address is shown without userinfo.
#[derive(Clone)]
pub struct VaultConfig {
    /// The address requests go to: parsed, without userinfo; `None` when it is not a URL.
    target: Option<String>,
    /// The same address, for errors and reports.
    addr: String,
    auth: Auth,
    namespace: Option<String>,
    cacert: Option<PathBuf>,
    timeout: Duration,
}

#[derive(Clone)]
enum Auth {
    None,
    Token(SecretString),
    AppRole { role_id: String, secret_id: SecretString },
}

impl std::fmt::Debug for VaultConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match self.auth {
            Auth::None => "none",
            Auth::Token(_) => "token",
            Auth::AppRole { .. } => "approle",
        };
        f.debug_struct("VaultConfig")
            .field("addr", &self.addr)
            .field("auth", &auth)
            .field("namespace", &self.namespace)
            .field("cacert", &self.cacert)
            .field("timeout", &self.timeout)
            // The address as configured may hold userinfo: only `addr` is shown.
            .finish_non_exhaustive()
    }
}

impl VaultConfig {
    /// A server at `addr` (`https://vault.internal:8200`), no credentials yet.
    pub fn new(addr: impl Into<String>) -> Self {
        let target = request_address(&addr.into());
        Self {
            addr: target.clone().unwrap_or_else(|| NOT_A_URL.to_owned()),
            target,
            auth: Auth::None,
            namespace: None,
            cacert: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE` and `VAULT_CACERT`; `None` without `VAULT_ADDR`.
    pub fn from_env() -> Option<Self> {
        let text = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let mut config = Self::new(text("VAULT_ADDR")?);
        if let Some(token) = text("VAULT_TOKEN") {
            config = config.token(SecretString::from(token));
        }
        config.namespace = text("VAULT_NAMESPACE");
        config.cacert = text("VAULT_CACERT").map(PathBuf::from);
        Some(config)
    }

    /// The server address, as requests go to it: without userinfo (`http://ops:pw@vault:8200` is
    /// `http://vault:8200`); an address that is not a URL is never shown.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Authenticates with a token (sent as `X-Vault-Token`, never shown).
    #[must_use]
    pub fn token(mut self, token: SecretString) -> Self {
        self.auth = Auth::Token(token);
        self
    }

    /// Logs in with AppRole (`auth/approle/login`) before reading.
    #[must_use]
    pub fn approle(mut self, role_id: impl Into<String>, secret_id: SecretString) -> Self {
        self.auth = Auth::AppRole { role_id: role_id.into(), secret_id };
        self
    }

    /// The Vault Enterprise / OpenBao namespace (`X-Vault-Namespace`).
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Trusts the certificate authority in this PEM file, as `VAULT_CACERT` does.
    #[must_use]
    pub fn cacert(mut self, path: impl Into<PathBuf>) -> Self {
        self.cacert = Some(path.into());
        self
    }

    /// Bounds each request, connecting included (5 s by default; at most an hour, at least 1 ms).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.clamp(Duration::from_millis(1), MAX_TIMEOUT);
        self
    }

    /// Logs in if needed and reads every KV v2 `paths` entry (`secret/app`: mount `secret`,
    /// path `app`), one request each; the secret's keys are variable names (envconsul's rule).
    pub fn read(&self, paths: &[&str]) -> Result<VaultSource, SourceError> {
        let Some(target) = &self.target else {
            return Err(self.error("-", "VAULT_ADDR is not a URL such as https://vault.internal:8200"));
        };
        let agent = self.agent()?;
        let token = self.token_for(&agent, target)?;
        let mut values = HashMap::new();
        #[cfg(feature = "live")]
        let mut versions = Vec::new();
        for path in paths {
            let (data, version) = self.read_path(&agent, target, token.as_ref(), path)?;
            #[cfg(feature = "live")]
            versions.push(((*path).to_owned(), version));
            for (key, value) in data {
                let Some(value) = value else { continue };
                let origin = Origin::Vault { path: (*path).into(), key: key.as_str().into(), version };
                values.insert(key, (value, origin));
            }
        }
        Ok(VaultSource {
            addr: self.addr.clone(),
            paths: paths.iter().map(|path| (*path).to_owned()).collect(),
            values,
            // Polls ask with the token this read used: an AppRole login is not repeated.
            #[cfg(feature = "live")]
            read: (token.map_or_else(|| self.clone(), |token| self.clone().token(token)), versions),
        })
    }

    /// The current version of the KV v2 secret at `path`, for a live contract that polls: one
    /// request to its metadata, or, when the token may not read metadata (403: a policy that
    /// grants `MOUNT/data/PATH` only), to the secret itself, whose answer says its version.
    #[cfg(feature = "live")]
    pub(crate) fn current_version(&self, path: &str) -> Result<u64, SourceError> {
        let Some(target) = &self.target else {
            return Err(self.error("-", "VAULT_ADDR is not a URL such as https://vault.internal:8200"));
        };
        let (mount, rest) = self.split(path)?;
        let agent = self.agent()?;
        let token = self.token_for(&agent, target)?;
        let mut request = agent.get(format!("{target}/v1/{mount}/metadata/{rest}"));
        if let Some(token) = &token {
            request = request.header("X-Vault-Token", token.expose_secret());
        }
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace);
        }
        let response = request.call();
        if matches!(&response, Ok(answer) if answer.status() == 403) {
            let (data, version) = self.read_path(&agent, target, token.as_ref(), path)?;
            drop(data);
            return version.ok_or_else(|| self.error(path, "its answer holds no version"));
        }
        let mut json = self.json(path, response)?;
        let version = json.pointer("/data/current_version").and_then(Value::as_u64);
        wipe(&mut json);
        version.ok_or_else(|| self.error(path, "its metadata holds no current version"))
    }

    /// The token requests carry: the configured one, or one an AppRole login gives now.
    fn token_for(&self, agent: &ureq::Agent, target: &str) -> Result<Option<SecretString>, SourceError> {
        Ok(match &self.auth {
            Auth::None => None,
            Auth::Token(token) => Some(token.clone()),
            Auth::AppRole { role_id, secret_id } => Some(self.login(agent, target, role_id, secret_id)?),
        })
    }

    /// `MOUNT/PATH` split at its first `/`, both parts present.
    fn split<'p>(&self, path: &'p str) -> Result<(&'p str, &'p str), SourceError> {
        path.split_once('/')
            .filter(|(mount, rest)| !mount.is_empty() && !rest.is_empty())
            .ok_or_else(|| self.error(path, "is not MOUNT/PATH (for example secret/app)"))
    }

    fn error(&self, path: &str, reason: impl Into<String>) -> SourceError {
        SourceError::Vault { addr: self.addr.clone(), path: path.to_owned(), reason: reason.into() }
    }

    fn agent(&self) -> Result<ureq::Agent, SourceError> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(cacert) = &self.cacert {
            let unusable = |reason: String| self.error("-", format!("VAULT_CACERT {}: {reason}", cacert.display()));
            let pem = read_regular(cacert, MAX_ANSWER).map_err(|error| unusable(error.to_string()))?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem.into_bytes())
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(unusable("holds no PEM certificate".to_owned()));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            // The token goes to `addr` and nowhere else.
            .max_redirects(0)
            .proxy(None)
            .tls_config(tls.build())
            .build();
        Ok(config.into())
    }

    fn login(
        &self,
        agent: &ureq::Agent,
        target: &str,
        role_id: &str,
        secret_id: &SecretString,
    ) -> Result<SecretString, SourceError> {
        const LOGIN: &str = "auth/approle/login";
        let mut body = serde_json::json!({ "role_id": role_id, "secret_id": secret_id.expose_secret() }).to_string();
        let mut request = agent.post(format!("{target}/v1/{LOGIN}")).header("Content-Type", "application/json");
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace);
        }
        let response = request.send(body.as_bytes());
        body.zeroize();
        let mut json = self.json(LOGIN, response)?;
        let token = json.pointer_mut("/auth/client_token").map(Value::take);
        wipe(&mut json);
        match token {
            Some(Value::String(token)) => Ok(SecretString::from(token)),
            _ => Err(self.error(LOGIN, "the login answer holds no client token")),
        }
    }

    fn read_path(
        &self,
        agent: &ureq::Agent,
        target: &str,
        token: Option<&SecretString>,
        path: &str,
    ) -> Result<KvSecret, SourceError> {
        let (mount, rest) = self.split(path)?;
        let mut request = agent.get(format!("{target}/v1/{mount}/data/{rest}"));
        if let Some(token) = token {
            request = request.header("X-Vault-Token", token.expose_secret());
        }
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace);
        }
        let mut json = self.json(path, request.call())?;
        let version = json.pointer("/data/metadata/version").and_then(Value::as_u64);
        let data = json.pointer_mut("/data/data").map(Value::take);
        wipe(&mut json);
        let Some(Value::Object(data)) = data else {
            wipe(&mut data.unwrap_or(Value::Null));
            return Err(self.error(path, "is not a KV version 2 secret"));
        };
        let pairs = data.into_iter().map(|(key, value)| (key, kv_value(value))).collect();
        Ok((pairs, version))
    }

    /// The JSON body of a 200 answer, or a value-free error for everything else.
    fn json(
        &self,
        path: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Value, SourceError> {
        let mut response = response.map_err(|error| self.error(path, transport_reason(&error, self.timeout)))?;
        let status = response.status().as_u16();
        // Only a 200's body is read: any other answer is judged by its status alone.
        let reason = match status {
            200 => {
                let mut body = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_ANSWER)
                    .read_to_string()
                    .map_err(|error| self.error(path, body_reason(&error, self.timeout)))?;
                let parsed = serde_json::from_str::<Value>(&body);
                body.zeroize();
                return parsed.map_err(|_| self.error(path, "answered with something that is not JSON"));
            }
            403 => "permission denied (403): the token cannot read this path, or has expired".to_owned(),
            404 => "not found (404): no secret at this path, or the mount is not KV version 2".to_owned(),
            503 => "unavailable (503): the server is sealed or in standby".to_owned(),
            400 if path == "auth/approle/login" => "login refused (400): wrong role_id or secret_id".to_owned(),
            300..=399 => format!(
                "redirected (HTTP {status}), not followed: the token is sent to this address only; \
                 set VAULT_ADDR to the server that answers"
            ),
            status => format!("answered HTTP {status}"),
        };
        Err(self.error(path, reason))
    }
}

/// Why a 200's body could not be read, in the library's words.
fn body_reason(error: &ureq::Error, timeout: Duration) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("no whole answer within {timeout:?}"),
        ureq::Error::BodyExceedsLimit(_) => format!("answered with more than {MAX_ANSWER} bytes"),
        _ => "answered with a body that was cut off or is not text".to_owned(),
    }
}

/// Zeroizes every string in a JSON value that was not taken out of it.
fn wipe(value: &mut Value) {
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A KV value as a variable's text: `null` is absent, numbers and booleans are their JSON text,
/// objects and arrays are not text (said without any of their content).
fn kv_value(value: Value) -> Option<KvValue> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(KvValue::Text(SecretString::from(text))),
        Value::Bool(_) | Value::Number(_) => Some(KvValue::Text(SecretString::from(value.to_string()))),
        mut other @ (Value::Array(_) | Value::Object(_)) => {
            let what = if other.is_array() { "a JSON array" } else { "a JSON object" };
            wipe(&mut other);
            Some(KvValue::NotText(what))
        }
    }
}

/// What went wrong, in the library's words: an HTTP client's message may quote what the server
/// sent (a header, a redirect target), so none is passed on.
fn transport_reason(error: &ureq::Error, timeout: Duration) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("no answer within {timeout:?}"),
        ureq::Error::HostNotFound => "unreachable: host not found".to_owned(),
        ureq::Error::ConnectionFailed => "unreachable: connection failed".to_owned(),
        ureq::Error::BadUri(_) => "is not a usable http:// or https:// address".to_owned(),
        ureq::Error::Http(_) => "a request header is not valid (a token or namespace with a line break?)".to_owned(),
        // rustls reports handshake and certificate failures as invalid data.
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => TLS_FAILED.to_owned(),
        ureq::Error::Io(io) => format!("unreachable: {}", io.kind()),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) | ureq::Error::TlsRequired => {
            TLS_FAILED.to_owned()
        }
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) | ureq::Error::BodyExceedsLimit(_) => {
            "answered with something that is not an HTTP answer of a Vault server".to_owned()
        }
        _ => "the request failed".to_owned(),
    }
}

const TLS_FAILED: &str = "TLS failed: the server's certificate was not accepted or the handshake failed (VAULT_CACERT names the CA to trust)";

/// What an address that is not a URL is shown as: its text may hold anything.
const NOT_A_URL: &str = "(VAULT_ADDR, not a URL: not shown)";

/// The address requests go to, from what was configured: split as a URL and written back
/// without userinfo, query and fragment, so what errors show is what is contacted; `None` when
/// it is not an `http` or `https` URL with a host.
fn request_address(configured: &str) -> Option<String> {
    let url = crate::redaction::url::split(configured).ok()?;
    let scheme = url.scheme.to_ascii_lowercase();
    // A password with `/`, `?` or `\` ends the authority early (`https://ops:2024/pw@vault`
    // is host `ops`): such an address is refused, never contacted nor shown.
    if !matches!(scheme.as_str(), "http" | "https") || !crate::redaction::url::split_safely(&url) {
        return None;
    }
    let authority = url.authority?;
    let port = authority.port.map(|port| format!(":{port}")).unwrap_or_default();
    Some(format!("{scheme}://{}{port}{}", authority.host, url.path.trim_end_matches('/')))
}

/// A value of a KV secret, as kept for lookups.
enum KvValue {
    Text(SecretString),
    NotText(&'static str),
}

/// The values of one or more KV v2 secrets, read once; lookups are answered from memory.
pub struct VaultSource {
    addr: String,
    paths: Vec<String>,
    values: HashMap<String, (KvValue, Origin)>,
    /// How the paths were read, and the version of each, for a live contract to poll.
    #[cfg(feature = "live")]
    read: (VaultConfig, Vec<(String, Option<u64>)>),
}

impl std::fmt::Debug for VaultSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultSource").field("addr", &self.addr).field("paths", &self.paths).finish_non_exhaustive()
    }
}

impl Source for VaultSource {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        match self.values.get(name) {
            None => Ok(None),
            Some((KvValue::Text(value), origin)) => {
                Ok(Some(Found::new(SecretString::from(value.expose_secret()), origin.clone())))
            }
            Some((KvValue::NotText(what), origin)) => Err(SourceError::NotText {
                name: name.to_owned(),
                origin: origin.clone(),
                reason: format!("the key holds {what}; a variable's value is a string, a number or a boolean"),
            }),
        }
    }

    fn describe(&self) -> Vec<String> {
        self.paths.iter().map(|path| format!("vault {}/{path}", self.addr)).collect()
    }

    fn names(&self) -> Vec<String> {
        self.values.keys().cloned().collect()
    }

    #[cfg(feature = "live")]
    fn watched(&self, watched: &mut crate::live::Watched) {
        let (config, versions) = &self.read;
        for (path, version) in versions {
            watched.vault(crate::live::VaultPath { config: config.clone(), path: path.clone(), version: *version });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::request_address;

    #[test]
    fn the_address_contacted_is_the_address_as_every_reader_takes_it() {
        let cases = [
            ("https://vault.internal:8200/", Some("https://vault.internal:8200")),
            ("HTTP://ops:pw@10.0.0.7:8200?x#y", Some("http://10.0.0.7:8200")),
            ("https://[::1]:8200/prefix/", Some("https://[::1]:8200/prefix")),
            // Readers disagree on these hosts: refused.
            ("https://ops:2024/pw@vault.internal", None),
            ("https://ops:pw@vault.internal\\@evil", None),
            ("http://0x7f.1:8200", None),
            ("http://1.2.3.010:8200", None),
            ("http://2130706433:8200", None),
            ("postgres://db:5432", None),
            ("vault.internal:8200", None),
        ];
        for (configured, expected) in cases {
            assert_eq!(request_address(configured).as_deref(), expected, "{configured}");
        }
    }
}
