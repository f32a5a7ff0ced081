//! `sop serve`: the site built in memory, served on 127.0.0.1, rebuilt when an SOP, a template
//! or `sop.toml` changes, with open pages reloaded through Server-Sent Events.
//!
//! A small HTTP/1.1 server of our own, one request per connection (`Connection: close`), so
//! that two things a local preview must guarantee are in our hands (DESIGN.md, Guarantees):
//! - only requests for `127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>` are answered;
//!   any other `Host` gets `421 Misdirected Request`, so a web page that rebinds its own name
//!   to 127.0.0.1 (DNS rebinding) cannot read the preview;
//! - at most [`MAX_CONNECTIONS`] connections are served at once, each on its own thread, and
//!   an idle one is closed after [`READ_TIMEOUT`]: thousands of idle sockets cannot make
//!   thousands of threads. (tiny_http, used before, starts a thread per connection without a
//!   limit and offers no way to refuse one.)
//!
//! Files copied from the repository (attachments) are read from disk when asked for, with a
//! `Content-Security-Policy` that lets nothing in them run, and `X-Content-Type-Options:
//! nosniff`. Nothing is written to disk.
//!
//! While the repository has problems (a broken SOP, an invalid `sop.toml`: see
//! [`super::preview`]), every page is sent with an overlay naming them, added here as the page
//! leaves the server: the built pages never hold it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{Debouncer, RecommendedCache};

/// The file watcher, with the events of a short while gathered into one batch.
type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

use super::preview::{Files, Problem};

/// The path pages listen on for reload events.
pub const RELOAD_PATH: &str = "/__livereload";

/// How many connections are served at once; more are answered `503` and closed at once.
pub const MAX_CONNECTIONS: usize = 256;

/// How long a connection may take to send its request head before it is closed.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head read (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// Sent with every attachment: nothing in the file may run, load or be shown as a page of
/// the site's origin (a `sandbox` document has an origin of its own).
pub const ATTACHMENT_CSP: &str =
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {reason}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        reason: String,
    },
    /// A folder could not be watched.
    #[error("cannot watch `{}` for changes: {reason}", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What happened while serving, for the command to report.
#[derive(Debug)]
pub enum ServeEvent {
    /// The server answers and every folder is watched: changes from now on are seen.
    Ready,
    /// Files changed; a rebuild starts.
    Changed(Vec<PathBuf>),
    /// A folder made while serving could not be watched: what went wrong.
    NotWatched(String),
}

/// What a rebuild gives the server.
pub struct Update {
    /// The site to serve from now on.
    pub files: Arc<Files>,
    /// What is broken, shown over every page until an update has none.
    pub problems: Vec<Problem>,
    /// The files and folders to watch from now on, when they are no longer those watched (an
    /// edited `sop.toml` moved the SOP folder).
    pub watch: Option<Vec<PathBuf>>,
}

struct State {
    files: RwLock<Arc<Files>>,
    /// The overlay added to every page (empty when nothing is broken).
    overlay: RwLock<Arc<str>>,
    clients: Mutex<Vec<Sender<()>>>,
    /// How many times the site was rebuilt: the id of the reload events, so a page that
    /// reconnects after missing one reloads at once.
    generation: AtomicU64,
    /// Connections being served now.
    connections: AtomicUsize,
    /// The `Host` values answered.
    hosts: [String; 3],
}

/// A bound server, not yet running.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Listen on 127.0.0.1:`port` (0 picks a free port) and serve `first`.
    ///
    /// # Errors
    /// [`ServeError::Bind`] when the port is taken or not allowed.
    pub fn bind(port: u16, first: Update) -> Result<Server, ServeError> {
        let bind_err = |e: std::io::Error| ServeError::Bind {
            port,
            reason: e.to_string(),
        };
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let p = addr.port();
        Ok(Server {
            listener,
            addr,
            state: Arc::new(State {
                files: RwLock::new(first.files),
                overlay: RwLock::new(overlay(&first.problems).into()),
                clients: Mutex::new(Vec::new()),
                generation: AtomicU64::new(0),
                connections: AtomicUsize::new(0),
                hosts: [
                    format!("127.0.0.1:{p}"),
                    format!("localhost:{p}"),
                    format!("[::1]:{p}"),
                ],
            }),
        })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serve until the process ends: answer requests, watch `watch` (folders recursively,
    /// files through their folder), and on a change call `rebuild` with the changed paths,
    /// serve what it gives and reload open pages.
    ///
    /// # Errors
    /// [`ServeError::Watch`] when a folder cannot be watched.
    pub fn run<B, E>(
        self,
        watch: &[PathBuf],
        mut rebuild: B,
        mut on_event: E,
    ) -> Result<(), ServeError>
    where
        B: FnMut(&[PathBuf]) -> Update,
        E: FnMut(ServeEvent),
    {
        let listener = self.listener.try_clone().map_err(|e| ServeError::Bind {
            port: self.addr.port(),
            reason: e.to_string(),
        })?;
        let state = Arc::clone(&self.state);
        std::thread::spawn(move || accept(&listener, &state));
        let (tx, rx) = mpsc::channel();
        let mut debouncer =
            notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx).map_err(|e| {
                ServeError::Watch {
                    path: PathBuf::from("."),
                    reason: e.to_string(),
                }
            })?;
        // A folder is watched whole; a file, or a folder not made yet (`templates/`), through
        // its parent, so that creating it is seen too.
        let mut targets: Vec<(PathBuf, RecursiveMode)> = Vec::new();
        for path in watch {
            if path.is_dir() {
                targets.push((path.clone(), RecursiveMode::Recursive));
            } else if let Some(parent) = path.parent().filter(|p| p.is_dir()) {
                targets.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
            }
        }
        // One watch per folder; a whole-folder watch wins over a watch of its files.
        targets.sort_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                (a.1 != RecursiveMode::Recursive).cmp(&(b.1 != RecursiveMode::Recursive))
            })
        });
        targets.dedup_by(|a, b| a.0 == b.0);
        for (path, mode) in &targets {
            debouncer
                .watch(path, *mode)
                .map_err(|e| ServeError::Watch {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
        }
        let mut whole: Vec<PathBuf> = targets
            .iter()
            .filter(|(_, mode)| *mode == RecursiveMode::Recursive)
            .map(|(p, _)| p.clone())
            .collect();
        let mut watch = watch.to_vec();
        // A watched folder made since serve started (or deleted and made again, which ends its
        // old watch, or named by an edited `sop.toml`) is watched whole from now on.
        let mut watch_new_folders =
            |debouncer: &mut Watcher, watch: &[PathBuf], on_event: &mut E| {
                whole.retain(|p| p.is_dir());
                for path in watch {
                    if path.is_dir() && !whole.contains(path) {
                        if let Err(e) = debouncer.watch(path, RecursiveMode::Recursive) {
                            on_event(ServeEvent::NotWatched(format!(
                                "cannot watch `{}` for changes: {e}",
                                path.display()
                            )));
                        }
                        whole.push(path.clone());
                    }
                }
            };
        on_event(ServeEvent::Ready);
        while let Ok(first) = rx.recv() {
            // Events that arrived while the last rebuild ran are handled together.
            let batches = std::iter::once(first).chain(rx.try_iter());
            let mut changed: Vec<PathBuf> = batches
                .filter_map(Result::ok)
                .flatten()
                .filter(|e| is_change(&e.kind))
                .flat_map(|e| e.event.paths)
                .filter(|p| is_relevant(p, &watch))
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            watch_new_folders(&mut debouncer, &watch, &mut on_event);
            on_event(ServeEvent::Changed(changed.clone()));
            let mut update = rebuild(&changed);
            if let Some(places) = update.watch.take() {
                watch = places;
                watch_new_folders(&mut debouncer, &watch, &mut on_event);
            }
            self.replace(update);
        }
        Ok(())
    }

    /// Serve `update` from now on and tell open pages to reload.
    pub fn replace(&self, update: Update) {
        *self
            .state
            .overlay
            .write()
            .unwrap_or_else(PoisonError::into_inner) = overlay(&update.problems).into();
        *self
            .state
            .files
            .write()
            .unwrap_or_else(PoisonError::into_inner) = update.files;
        self.state.generation.fetch_add(1, Ordering::SeqCst);
        self.state
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|client| client.send(()).is_ok());
    }
}

/// Whether an event changes content: reading files (which the rebuild itself does) and
/// metadata changes such as access times do not count, or every rebuild would start another.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(m) => !matches!(m, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Whether a changed path matters: inside a watched folder, or a watched file itself; editor
/// back-up and swap files are ignored.
fn is_relevant(path: &Path, watch: &[PathBuf]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") {
        return false;
    }
    watch.iter().any(|w| {
        if w.is_dir() || w.extension().is_none() {
            path.starts_with(w)
        } else {
            path == w
        }
    })
}

/// Accept connections for ever, each served on a thread of its own, at most
/// [`MAX_CONNECTIONS`] at once.
fn accept(listener: &TcpListener, state: &Arc<State>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            continue;
        };
        if state.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            state.connections.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = respond_text(
                &mut stream,
                503,
                "Service Unavailable",
                "sop serve is busy: too many connections are open; try again in a moment\n",
            );
            continue;
        }
        let guard = Connection(Arc::clone(state));
        let spawned = std::thread::Builder::new()
            .name("sop-serve-connection".into())
            .spawn(move || {
                let state = Arc::clone(&guard.0);
                serve_connection(&state, stream);
                drop(guard);
            });
        // When no thread can be made, the closure (and its guard) is dropped: the count
        // goes down again and the connection is closed.
        drop(spawned);
    }
}

/// Counts a connection as open while it lives.
struct Connection(Arc<State>);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A request head, as far as `sop serve` reads it.
struct Request {
    method: String,
    path: String,
    host: Option<String>,
    last_event_id: Option<u64>,
}

/// Read the request head from `stream`: `None` when the client sends nothing useful in time.
fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    // The whole head must arrive in time, not each piece of it: a client sending a byte now
    // and then would otherwise hold its connection for ever.
    let started = Instant::now();
    let end = loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if head.len() > MAX_HEAD || started.elapsed() > READ_TIMEOUT {
            return None;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(buf.get(..n)?);
    };
    let text = String::from_utf8_lossy(head.get(..end)?);
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let mut target = first.next()?.to_string();
    // The absolute form (`GET http://host/path`): the path alone is served.
    if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        target = rest.find('/').map_or("/".into(), |i| rest[i..].to_string());
    }
    let mut request = Request {
        method,
        path: target,
        host: None,
        last_event_id: None,
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            request.host = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("last-event-id") {
            request.last_event_id = value.parse().ok();
        }
    }
    Some(request)
}

/// Answer one request on `stream`, then close it.
fn serve_connection(state: &State, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let Some(request) = read_request(&mut stream) else {
        let _ = respond_text(
            &mut stream,
            400,
            "Bad Request",
            "sop serve could not read this request\n",
        );
        return;
    };
    let host_ok = request
        .host
        .as_deref()
        .is_some_and(|h| state.hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)));
    if !host_ok {
        let reason = format!(
            "sop serve answers only at http://{}/ (this request was for `{}`)\n",
            state.hosts[0],
            request.host.as_deref().unwrap_or("no host").escape_debug()
        );
        let _ = respond_text(&mut stream, 421, "Misdirected Request", &reason);
        return;
    }
    if request.method != "GET" && request.method != "HEAD" {
        let _ = respond_text(
            &mut stream,
            405,
            "Method Not Allowed",
            "sop serve only shows pages (GET and HEAD)\n",
        );
        return;
    }
    let path = request.path.split(['?', '#']).next().unwrap_or("/");
    if path == RELOAD_PATH {
        stream_reloads(state, stream, request.last_event_id);
        return;
    }
    let head_only = request.method == "HEAD";
    let files = Arc::clone(&state.files.read().unwrap_or_else(PoisonError::into_inner));
    let mut rel = super::links::percent_decode(path.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    if let Some(source) = files.attachments.get(&rel) {
        let _ = respond_file(&mut stream, &rel, source, head_only);
        return;
    }
    let found = files
        .rendered
        .get(&rel)
        .map(|b| (rel.as_str(), b))
        .or_else(|| {
            let dir_index = format!("{rel}/index.html");
            files
                .rendered
                .get_key_value(&dir_index)
                .map(|(k, b)| (k.as_str(), b))
        });
    let empty = super::preview::Page {
        bytes: Arc::from(Vec::new()),
        build: 0,
    };
    let (status, reason, name, page) = match found {
        Some((name, page)) => (200, "OK", name, page),
        None => (
            404,
            "Not Found",
            "404.html",
            files.rendered.get("404.html").unwrap_or(&empty),
        ),
    };
    let body = &page.bytes;
    let overlay = Arc::clone(&state.overlay.read().unwrap_or_else(PoisonError::into_inner));
    let with_overlay;
    let body: &[u8] = if overlay.is_empty() || !name.ends_with(".html") {
        body
    } else {
        with_overlay = add_overlay(body, &overlay);
        &with_overlay
    };
    // A release's copy of a linked file is kept in memory, and is an attachment all the same.
    let policy = if name.starts_with("files/") {
        format!("Content-Security-Policy: {ATTACHMENT_CSP}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n{policy}X-Content-Type-Options: nosniff\r\nX-Sop-Build: {}\r\nConnection: close\r\n\r\n",
        content_type(name),
        body.len(),
        page.build
    );
    // A client that went away is not an error worth reporting.
    let _ = stream.write_all(head.as_bytes()).and_then(|()| {
        if head_only {
            Ok(())
        } else {
            stream.write_all(body)
        }
    });
}

/// `page` with `overlay` added at the start of its `<body>`.
fn add_overlay(page: &[u8], overlay: &str) -> Vec<u8> {
    let at = memchr::memmem::find(page, b"<body")
        .and_then(|body| memchr::memchr(b'>', page.get(body..)?).map(|end| body + end + 1))
        .unwrap_or(0);
    let (head, tail) = page.split_at(at);
    [head, overlay.as_bytes(), tail].concat()
}

/// How many problems the overlay lists; `sop lint` lists them all.
const OVERLAY_LISTED: usize = 10;

/// The overlay naming `problems` (empty when there are none): fixed at the bottom of the
/// window, styled inline so that no theme can hide it, with a button to put it away.
fn overlay(problems: &[Problem]) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let n = problems.len();
    let mut out = format!(
        "<div id=\"sop-serve-problems\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:50vh;overflow:auto;margin:0;padding:.75rem 1rem;background:#7f1d1d;color:#fff;font:15px/1.45 system-ui,sans-serif;box-shadow:0 -2px 10px rgba(0,0,0,.45)\"><button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"float:right;font:inherit;color:#7f1d1d;background:#fff;border:0;border-radius:4px;padding:.15rem .6rem;cursor:pointer\">Hide</button><strong>{} to fix.</strong> This preview updates when you save.<ul style=\"margin:.4rem 0 0;padding-left:1.2rem\">",
        crate::words::count(n, "problem")
    );
    for p in problems.iter().take(OVERLAY_LISTED) {
        let place = match (p.file.as_str(), p.line) {
            ("", _) => String::new(),
            (file, Some(line)) => format!("{file}:{line}"),
            (file, None) => file.to_string(),
        };
        out.push_str("<li>");
        if !place.is_empty() {
            out.push_str(&format!(
                "<code style=\"color:inherit;font-weight:bold\">{}</code>: ",
                super::escape_html(&place)
            ));
        }
        out.push_str(&super::escape_html(&p.message));
        out.push_str("</li>");
    }
    if n > OVERLAY_LISTED {
        out.push_str(&format!(
            "<li>and {} more: <code style=\"color:inherit\">sop lint</code> lists them all</li>",
            n - OVERLAY_LISTED
        ));
    }
    out.push_str("</ul></div>");
    out
}

/// Send a repository file as it is, streamed from disk, with headers that keep anything in it
/// from running in the site's origin.
fn respond_file(
    stream: &mut TcpStream,
    name: &str,
    source: &Path,
    head_only: bool,
) -> std::io::Result<()> {
    let Ok(mut file) = std::fs::File::open(source) else {
        return respond_text(stream, 404, "Not Found", "this file is gone\n");
    };
    let len = file.metadata()?.len();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {len}\r\nCache-Control: no-cache\r\nContent-Security-Policy: {ATTACHMENT_CSP}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        content_type(name)
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        std::io::copy(&mut file, stream)?;
    }
    Ok(())
}

/// A short plain-text answer.
fn respond_text(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    text: &str,
) -> std::io::Result<()> {
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(msg.as_bytes())
}

/// Keep the connection open and write `data: reload` after each rebuild.
///
/// Each stream lives at most [`STREAM_LIFE`] and writes a comment every [`KEEP_ALIVE`], so a
/// stream whose page is gone is noticed and its connection freed (browsers allow six per
/// host). The browser reconnects by itself, sending the last event id it saw: when a rebuild
/// happened in between, the new stream starts with a reload.
fn stream_reloads(state: &State, mut out: TcpStream, seen: Option<u64>) {
    let (tx, rx) = mpsc::channel();
    state
        .clients
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(tx);
    let now = state.generation.load(Ordering::SeqCst);
    let first = if seen.is_some_and(|g| g < now) {
        "reload"
    } else {
        "connected"
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 500\nid: {now}\ndata: {first}\n\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    let started = Instant::now();
    while started.elapsed() < STREAM_LIFE {
        let message = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(()) => format!(
                "id: {}\ndata: reload\n\n",
                state.generation.load(Ordering::SeqCst)
            ),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

/// How long the watcher waits for more events after one before a rebuild starts: editors
/// save in a few quick steps (write a copy, rename it), which are seen as one change.
const DEBOUNCE: Duration = Duration::from_millis(25);

/// How long one reload stream stays open before the browser is made to reconnect.
const STREAM_LIFE: Duration = Duration::from_secs(30);

/// How often an idle reload stream is written to (to notice closed pages).
const KEEP_ALIVE: Duration = Duration::from_secs(2);

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or_default();
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_paths_are_inside_watched_places() {
        let watch = vec![PathBuf::from("/r/sops"), PathBuf::from("/r/sop.toml")];
        assert!(is_relevant(Path::new("/r/sops/a/SOP-1.md"), &watch));
        assert!(is_relevant(Path::new("/r/sop.toml"), &watch));
        assert!(!is_relevant(Path::new("/r/README.md"), &watch));
        assert!(!is_relevant(Path::new("/r/sops/a/SOP-1.md~"), &watch));
    }

    #[test]
    fn reading_files_is_not_a_change() {
        use notify::EventKind;
        use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Any)));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn types_follow_extensions() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
