//! systemd's notification protocol: one datagram to the socket in `NOTIFY_SOCKET`.

use std::ffi::OsStr;
use std::io;
use std::os::unix::net::UnixDatagram;

/// The most of a report's first line sent as `STATUS=`.
const STATUS_LIMIT: usize = 512;

/// `STATUS=` with the report's first line and its first problem, then `ERRNO=78`.
pub(super) fn failure_message(report: &str) -> String {
    let mut lines = report.lines();
    let mut status = lines.next().unwrap_or_default().to_owned();
    if let Some(first) = lines.next().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("looked in")) {
        status.push_str(": ");
        status.push_str(first);
    }
    if status.len() > STATUS_LIMIT {
        let mut end = STATUS_LIMIT;
        while !status.is_char_boundary(end) {
            end -= 1;
        }
        status.truncate(end);
    }
    format!("STATUS={status}\nERRNO={}\n", super::EX_CONFIG)
}

/// Sends `message` to the socket `NOTIFY_SOCKET` names: a path, or `@name` in the abstract
/// namespace. Never waits: a full socket is an error.
pub(super) fn send(socket: &OsStr, message: &str) -> io::Result<()> {
    let datagram = UnixDatagram::unbound()?;
    datagram.set_nonblocking(true)?;
    let bytes = socket.as_encoded_bytes();
    if let Some(name) = bytes.strip_prefix(b"@") {
        return send_abstract(&datagram, name, message);
    }
    datagram.send_to(message.as_bytes(), socket).map(drop)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn send_abstract(datagram: &UnixDatagram, name: &[u8], message: &str) -> io::Result<()> {
    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
    datagram.send_to_addr(message.as_bytes(), &address).map(drop)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn send_abstract(_: &UnixDatagram, _: &[u8], _: &str) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "abstract sockets are Linux-only"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_the_first_line_and_the_first_problem() {
        let report =
            "AppSecrets: 2 problems\n  REDIS_URL (required secret): missing\n  PORT (config): missing\nlooked in: env";
        assert_eq!(
            failure_message(report),
            "STATUS=AppSecrets: 2 problems: REDIS_URL (required secret): missing\nERRNO=78\n"
        );
        assert_eq!(failure_message("Only line"), "STATUS=Only line\nERRNO=78\n");
        let long = format!("{}\n", "é".repeat(400));
        let message = failure_message(&long);
        assert!(message.len() <= STATUS_LIMIT + "STATUS=\nERRNO=78\n".len());
    }

    #[test]
    fn one_datagram_reaches_a_path_and_an_abstract_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        send(path.as_os_str(), "STATUS=x\nERRNO=78\n").unwrap();
        let mut buffer = [0u8; 64];
        let n = listener.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..n], b"STATUS=x\nERRNO=78\n");
        assert!(send(dir.path().join("nobody").as_os_str(), "x").is_err());
        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let name = format!("secrets-core-test-{}", std::process::id());
            let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
            let listener = UnixDatagram::bind_addr(&address).unwrap();
            send(OsStr::new(&format!("@{name}")), "READY=0\n").unwrap();
            let n = listener.recv(&mut buffer).unwrap();
            assert_eq!(&buffer[..n], b"READY=0\n");
        }
    }
}
