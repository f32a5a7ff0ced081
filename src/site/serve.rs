//! `sop serve`: the site built in memory, served on 127.0.0.1, rebuilt when an SOP, a template
//! or `sop.toml` changes, with open pages reloaded through Server-Sent Events.
//!
//! One thread per request (tiny_http). The reload stream is written by hand through
//! `Request::into_writer`: tiny_http buffers a streaming `Response` of unknown length, so events
//! would never arrive. Nothing is written to disk.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;

use super::Site;

/// The path pages listen on for reload events.
pub const RELOAD_PATH: &str = "/__livereload";

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
    /// The site was rebuilt and open pages told to reload.
    Rebuilt {
        /// Files in the new site.
        files: usize,
        /// How long the rebuild took.
        took: Duration,
        /// Notes from the build.
        notes: Vec<String>,
    },
    /// The rebuild failed; the previous site is still served.
    Failed(String),
    /// A folder made while serving could not be watched: what went wrong.
    NotWatched(String),
}

type Files = Arc<BTreeMap<String, Vec<u8>>>;

struct State {
    files: RwLock<Files>,
    clients: Mutex<Vec<Sender<()>>>,
    /// How many times the site was rebuilt: the id of the reload events, so a page that
    /// reconnects after missing one reloads at once.
    generation: AtomicU64,
}

/// A bound server, not yet running.
pub struct Server {
    http: Arc<tiny_http::Server>,
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Listen on 127.0.0.1:`port` (0 picks a free port) and serve `site`.
    ///
    /// # Errors
    /// [`ServeError::Bind`] when the port is taken or not allowed.
    pub fn bind(port: u16, site: Site) -> Result<Server, ServeError> {
        let http = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| ServeError::Bind {
            port,
            reason: e.to_string(),
        })?;
        let addr = match http.server_addr() {
            tiny_http::ListenAddr::IP(a) => a,
            #[allow(unreachable_patterns)]
            _ => SocketAddr::from(([127, 0, 0, 1], port)),
        };
        Ok(Server {
            http: Arc::new(http),
            addr,
            state: Arc::new(State {
                files: RwLock::new(Arc::new(site.files)),
                clients: Mutex::new(Vec::new()),
                generation: AtomicU64::new(0),
            }),
        })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serve until the process ends: answer requests, watch `watch` (folders recursively,
    /// files through their folder), and on a change call `rebuild` and reload open pages.
    ///
    /// # Errors
    /// [`ServeError::Watch`] when a folder cannot be watched.
    pub fn run<B, E>(self, watch: &[PathBuf], rebuild: B, mut on_event: E) -> Result<(), ServeError>
    where
        B: Fn() -> Result<Site, String>,
        E: FnMut(ServeEvent),
    {
        let http = Arc::clone(&self.http);
        let state = Arc::clone(&self.state);
        std::thread::spawn(move || {
            for request in http.incoming_requests() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || handle(&state, request));
            }
        });
        let (tx, rx) = mpsc::channel();
        let mut debouncer =
            notify_debouncer_full::new_debouncer(Duration::from_millis(200), None, tx).map_err(
                |e| ServeError::Watch {
                    path: PathBuf::from("."),
                    reason: e.to_string(),
                },
            )?;
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
        on_event(ServeEvent::Ready);
        for result in rx {
            let Ok(events) = result else {
                continue;
            };
            let mut changed: Vec<PathBuf> = events
                .iter()
                .filter(|e| is_change(&e.kind))
                .flat_map(|e| e.paths.iter())
                .filter(|p| is_relevant(p, watch))
                .cloned()
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            // A watched folder made since serve started (or deleted and made again, which
            // ends its old watch) is watched whole from now on.
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
            on_event(ServeEvent::Changed(changed));
            let started = Instant::now();
            match rebuild() {
                Ok(site) => {
                    let files = site.files.len();
                    self.replace(site.files);
                    on_event(ServeEvent::Rebuilt {
                        files,
                        took: started.elapsed(),
                        notes: site.notes,
                    });
                }
                Err(message) => on_event(ServeEvent::Failed(message)),
            }
        }
        Ok(())
    }

    /// Serve `files` from now on and tell open pages to reload.
    pub fn replace(&self, files: BTreeMap<String, Vec<u8>>) {
        *self
            .state
            .files
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(files);
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

fn handle(state: &State, request: tiny_http::Request) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == RELOAD_PATH {
        stream_reloads(state, request);
        return;
    }
    let files = Arc::clone(&state.files.read().unwrap_or_else(PoisonError::into_inner));
    let mut rel = super::links::percent_decode(path.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let found = files.get(&rel).map(|b| (rel.as_str(), b)).or_else(|| {
        let dir_index = format!("{rel}/index.html");
        files
            .get_key_value(&dir_index)
            .map(|(k, b)| (k.as_str(), b))
    });
    let (status, name, body) = match found {
        Some((name, body)) => (200, name.to_string(), body.clone()),
        None => (
            404,
            "404.html".to_string(),
            files.get("404.html").cloned().unwrap_or_default(),
        ),
    };
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    for (k, v) in [
        ("Content-Type", content_type(&name)),
        ("Cache-Control", "no-cache"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    // A client that went away is not an error worth reporting.
    let _ = request.respond(response);
}

/// Keep the connection open and write `data: reload` after each rebuild.
///
/// Each stream lives at most [`STREAM_LIFE`] and writes a comment every [`KEEP_ALIVE`], so a
/// stream whose page is gone is noticed and its connection freed (browsers allow six per
/// host). The browser reconnects by itself, sending the last event id it saw: when a rebuild
/// happened in between, the new stream starts with a reload.
fn stream_reloads(state: &State, request: tiny_http::Request) {
    let seen: Option<u64> = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Last-Event-ID"))
        .and_then(|h| h.value.as_str().trim().parse().ok());
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
    let mut out = request.into_writer();
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
