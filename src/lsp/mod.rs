//! `sop lsp`: a language server on stdin and stdout, for editors.
//!
//! One thread reads the editor's messages ([`transport`]: a message it cannot read is answered
//! with an error, and the server goes on), one writes them; this module's loop
//! handles them one at a time, with no async runtime, as ruff's server does. The repository is
//! loaded once ([`workspace`]); an open buffer's text takes its file's place there. A change
//! re-lints that one buffer after a short pause ([`DEBOUNCE`]), so a writer who types fast gets
//! one check when they stop, not one per key; opening and saving check at once. Files changed
//! by other programs are read again, one by one, as the file watcher reports them (or the
//! editor does, with `workspace/didChangeWatchedFiles`); a changed `sop.toml` or template
//! reloads the whole repository.
//!
//! What the editor gets: diagnostics ([`diagnostics`]), quick fixes ([`actions`]), completion
//! ([`complete`]), hover and go to definition ([`hover`]). This module depends on `repo`,
//! `lint` and `diag`; it prints nothing (the protocol owns stdout).

mod actions;
mod complete;
mod convert;
mod diagnostics;
mod hover;
mod transport;
mod workspace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Exit, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, HoverProviderCapability,
    InitializeResult, LogMessageParams, MessageType, OneOf, PositionEncodingKind,
    PublishDiagnosticsParams, SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url, WorkDoneProgressOptions,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::Finding;
use crate::repo::{Repo, Sop};
use convert::{Encoding, LineIndex};
use workspace::Workspace;

/// How long a buffer must stay unchanged before it is checked again: long enough to let a
/// burst of keystrokes through, short enough that the result is there when the writer looks.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// Why the server stopped other than by the editor's `shutdown` and `exit`.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The editor did not start the conversation as the protocol says.
    #[error("the editor did not start the language server protocol as expected: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// There is no SOP repository to serve.
    #[error("{0}")]
    NoRepository(String),
    /// Reading or writing the conversation failed.
    #[error("the connection to the editor failed")]
    Io(#[from] std::io::Error),
}

/// Opens the SOP repository around a folder: the command's `Repo::open` and the files git
/// tracks; the error is the message (with its advice) the editor shows.
pub type Opener = Box<dyn Fn(&Path) -> Result<Repo, String>>;

/// How the conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown` then `exit`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the editor closed the connection.
    Abrupt,
}

/// Serve the editor on stdin and stdout until it says `exit`. The repository is the one around
/// the editor's workspace folder, else around `cwd`. With `verbose`, each check's time goes to
/// the editor's log.
///
/// # Errors
/// [`LspError`] when the conversation cannot start or the repository cannot be opened (the
/// editor is told why first).
pub fn run(cwd: &Path, open: Opener, verbose: bool) -> Result<Ending, LspError> {
    let (connection, io_threads) = transport::stdio()?;
    let ending = serve(&connection, cwd, open, verbose);
    drop(connection);
    io_threads.join()?;
    ending
}

/// The conversation on `connection`.
fn serve(
    connection: &Connection,
    cwd: &Path,
    open: Opener,
    verbose: bool,
) -> Result<Ending, LspError> {
    let (id, params) = connection.initialize_start()?;
    let root = client_root(&params).unwrap_or_else(|| cwd.to_path_buf());
    let repo = match open(&root) {
        Ok(repo) => repo,
        Err(message) => {
            let error = ResponseError {
                code: ErrorCode::InvalidParams as i32,
                message: message.clone(),
                data: None,
            };
            connection
                .sender
                .send(Message::Response(Response {
                    id,
                    response_result: Err(error),
                }))
                .map_err(|_| LspError::Io(std::io::ErrorKind::BrokenPipe.into()))?;
            return Err(LspError::NoRepository(message));
        }
    };
    let encodings = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(|v| Vec::<PositionEncodingKind>::deserialize(v).ok());
    let encoding = Encoding::choose(encodings.as_deref());
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "sop".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).unwrap_or(Value::Null);
    connection.initialize_finish(id, result)?;

    let (tx, rx) = mpsc::channel();
    let messages = connection.receiver.clone();
    let forward = tx.clone();
    std::thread::spawn(move || {
        for message in messages {
            if forward.send(Event::Message(message)).is_err() {
                return;
            }
        }
        let _ = forward.send(Event::Gone);
    });
    let mut server = Server {
        connection,
        ws: Workspace::load(repo),
        open,
        docs: HashMap::new(),
        encoding,
        verbose,
        shutdown: false,
        config_warned: false,
    };
    let _watcher = server.watch(tx);
    Ok(server.run(&rx))
}

/// The folder the editor opened: its first workspace folder, else its root (when the folder is
/// not a local one, such as `untitled:`, the root is tried next). Only these fields
/// of `initialize` are read, from the JSON itself: a capability the server does not know (or
/// one written loosely by an editor) then never hides the folder.
fn client_root(params: &Value) -> Option<PathBuf> {
    ["/workspaceFolders/0/uri", "/rootUri"]
        .iter()
        .find_map(|at| {
            let uri = Url::parse(params.pointer(at)?.as_str()?).ok()?;
            convert::to_path(&uri)
        })
}

/// What the server can do, told to the editor at `initialize`.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    let triggers = [":", " ", "(", "#", "/", "-", "["];
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            work_done_progress_options: WorkDoneProgressOptions::default(),
            resolve_provider: None,
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(triggers.iter().map(|t| (*t).to_string()).collect()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// What wakes the loop.
enum Event {
    /// A message from the editor.
    Message(Message),
    /// Files changed on disk (absolute paths).
    Disk(Vec<PathBuf>),
    /// The editor closed the connection.
    Gone,
}

/// One open buffer.
struct Doc {
    /// The file's path relative to the repository root.
    rel: String,
    /// Whether the file is an SOP of the repository (else it is not checked).
    is_sop: bool,
    /// The buffer's text.
    text: String,
    /// Its lines.
    lines: LineIndex,
    /// The editor's version of the text.
    version: i32,
    /// Whether the workspace (or `own`) holds this text already.
    placed: bool,
    /// When to check it again; `None` when the findings are those of the text.
    due: Option<Instant>,
    /// The findings of the last check.
    findings: Vec<Finding>,
    /// The parsed text of a buffer that is not an SOP (links and ids still work there).
    own: Option<Sop>,
}

/// What a request handler sees of one document.
pub(crate) struct View<'a> {
    /// The repository.
    pub(crate) ws: &'a Workspace,
    /// The document's URI.
    pub(crate) uri: &'a Url,
    /// The document, parsed.
    pub(crate) sop: &'a Sop,
    /// Its lines.
    pub(crate) lines: &'a LineIndex,
    /// How the editor counts columns.
    pub(crate) enc: Encoding,
    /// Its findings.
    pub(crate) findings: &'a [Finding],
}

impl View<'_> {
    /// The document's text.
    pub(crate) fn text(&self) -> &str {
        self.sop.source.text()
    }

    /// The byte offset of `pos`.
    pub(crate) fn offset(&self, pos: lsp_types::Position) -> usize {
        self.lines.offset(self.text(), pos, self.enc)
    }

    /// The range of `span`.
    pub(crate) fn range(&self, span: crate::repo::Span) -> lsp_types::Range {
        self.lines.range(self.text(), span, self.enc)
    }

    /// The URI of the repository file `rel`.
    pub(crate) fn uri_of(&self, rel: &str) -> Option<Url> {
        convert::to_uri(&self.ws.repo.root.join(rel))
    }
}

/// The server's state.
struct Server<'c> {
    connection: &'c Connection,
    ws: Workspace,
    /// Opens the repository again when `sop.toml` changes.
    open: Opener,
    docs: HashMap<Url, Doc>,
    encoding: Encoding,
    verbose: bool,
    /// `shutdown` was asked: only `exit` is expected now.
    shutdown: bool,
    /// The editor was told that `sop.toml` names an unknown rule.
    config_warned: bool,
}

impl Server<'_> {
    /// Handle events until `exit` or the end of the connection.
    fn run(&mut self, rx: &mpsc::Receiver<Event>) -> Ending {
        loop {
            let event = match self.next_due() {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(event) => Some(event),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ending::Abrupt,
                },
                None => match rx.recv() {
                    Ok(event) => Some(event),
                    Err(_) => return Ending::Abrupt,
                },
            };
            match event {
                None => self.check_due(),
                Some(Event::Message(Message::Request(req))) => self.on_request(req),
                Some(Event::Message(Message::Notification(note))) => {
                    if note.method == Exit::METHOD {
                        return if self.shutdown {
                            Ending::Clean
                        } else {
                            Ending::Abrupt
                        };
                    }
                    self.on_notification(note);
                }
                Some(Event::Message(Message::Response(_))) => {}
                Some(Event::Disk(paths)) => self.on_disk_change(&paths),
                Some(Event::Gone) => return Ending::Abrupt,
            }
        }
    }

    /// The earliest time a buffer is due for a check.
    fn next_due(&self) -> Option<Instant> {
        self.docs.values().filter_map(|d| d.due).min()
    }

    /// Check every buffer whose pause is over.
    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.check(&uri);
        }
    }

    fn send(&self, message: Message) {
        // A closed connection ends the loop through the reader; nothing to do here.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )));
    }

    fn log(&self, message: String) {
        self.notify::<LogMessage>(LogMessageParams {
            typ: MessageType::LOG,
            message,
        });
    }

    fn show(&self, typ: MessageType, message: String) {
        self.notify::<ShowMessage>(ShowMessageParams { typ, message });
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = if self.shutdown {
            Err(error(
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ))
        } else {
            self.dispatch(req)
        };
        self.send(Message::Response(Response {
            id,
            response_result: result,
        }));
    }

    fn dispatch(&mut self, req: Request) -> Result<Value, ResponseError> {
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let pos = p.text_document_position_params;
                let uri = pos.text_document.uri;
                self.prepare(&uri, true);
                reply(self.view(&uri).and_then(|v| hover::hover(&v, pos.position)))
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let pos = p.text_document_position_params;
                let uri = pos.text_document.uri;
                self.prepare(&uri, false);
                reply(
                    self.view(&uri)
                        .and_then(|v| hover::definition(&v, pos.position)),
                )
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req.params)?;
                let pos = p.text_document_position;
                let uri = pos.text_document.uri;
                self.prepare(&uri, false);
                reply(
                    self.view(&uri)
                        .and_then(|v| complete::complete(&v, pos.position)),
                )
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(req.params)?;
                let uri = p.text_document.uri.clone();
                self.prepare(&uri, true);
                reply(self.view(&uri).map(|v| actions::actions(&v, &p)))
            }
            other => Err(error(
                ErrorCode::MethodNotFound,
                format!("`sop lsp` does not answer `{other}`"),
            )),
        }
    }

    fn on_notification(&mut self, note: Notification) {
        match note.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<DidOpenTextDocumentParams>(note.params) {
                    self.open_doc(
                        p.text_document.uri,
                        p.text_document.text,
                        p.text_document.version,
                    );
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<DidChangeTextDocumentParams>(note.params) {
                    self.change_doc(p);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = params::<DidSaveTextDocumentParams>(note.params) {
                    self.check(&p.text_document.uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = params::<DidCloseTextDocumentParams>(note.params) {
                    self.close_doc(&p.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = params::<DidChangeWatchedFilesParams>(note.params) {
                    let paths: Vec<PathBuf> = p
                        .changes
                        .iter()
                        .filter_map(|c| convert::to_path(&c.uri))
                        .collect();
                    self.on_disk_change(&paths);
                }
            }
            _ => {}
        }
    }

    fn open_doc(&mut self, uri: Url, text: String, version: i32) {
        let Some(rel) = convert::to_path(&uri).and_then(|p| self.ws.relative(&p)) else {
            // Outside the repository (or not a file): nothing `sop` can say about it.
            return;
        };
        let doc = Doc {
            is_sop: self.ws.is_sop(&rel),
            rel,
            lines: LineIndex::new(&text),
            text,
            version,
            placed: false,
            due: None,
            findings: Vec::new(),
            own: None,
        };
        self.docs.insert(uri.clone(), doc);
        self.check(&uri);
    }

    fn change_doc(&mut self, p: DidChangeTextDocumentParams) {
        let enc = self.encoding;
        let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                Some(range) => {
                    let span = doc.lines.span(&doc.text, range, enc);
                    doc.text.replace_range(span.start..span.end, &change.text);
                }
                None => doc.text = change.text,
            }
            doc.lines = LineIndex::new(&doc.text);
        }
        doc.version = p.text_document.version;
        doc.placed = false;
        doc.due = Some(Instant::now() + DEBOUNCE);
    }

    fn close_doc(&mut self, uri: &Url) {
        if let Some(doc) = self.docs.remove(uri) {
            if doc.is_sop {
                self.ws.reload(&doc.rel);
            }
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }

    /// Give the workspace the buffer's text, if it changed; with `checked`, also its findings.
    fn prepare(&mut self, uri: &Url, checked: bool) {
        if checked && self.docs.get(uri).is_some_and(|d| d.due.is_some()) {
            self.check(uri);
        } else {
            self.place(uri);
        }
    }

    fn place(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        if doc.placed {
            return;
        }
        if doc.is_sop {
            self.ws.put(&doc.rel, &doc.text);
            // A blank buffer is no SOP yet, but completion still needs its text.
            doc.own =
                self.ws.sop(&doc.rel).is_none().then(|| {
                    Sop::parse_in(doc.rel.clone(), doc.text.clone(), &self.ws.repo.settings)
                });
        } else {
            doc.own = Some(Sop::parse_in(
                doc.rel.clone(),
                doc.text.clone(),
                &self.ws.repo.settings,
            ));
        }
        doc.placed = true;
    }

    /// Check the buffer now and send its diagnostics.
    fn check(&mut self, uri: &Url) {
        self.place(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let started = Instant::now();
        let findings = if doc.is_sop {
            match self.ws.check(&doc.rel) {
                Ok(findings) => findings,
                Err(e) => {
                    if !self.config_warned {
                        self.config_warned = true;
                        self.show(MessageType::ERROR, format!("sop: {e}; {}", e.help()));
                    }
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let took = started.elapsed();
        let diagnostics = match self.view(uri) {
            Some(view) => findings
                .iter()
                .map(|f| diagnostics::to_diagnostic(&view, f))
                .collect(),
            None => Vec::new(),
        };
        let version = doc.version;
        if self.verbose {
            self.log(format!(
                "checked {} (version {version}) in {:.1} ms: {} findings",
                doc.rel,
                took.as_secs_f64() * 1000.0,
                findings.len()
            ));
        }
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.findings = findings;
            doc.due = None;
        }
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: Some(version),
        });
    }

    /// What handlers see of the buffer at `uri` (placed already).
    fn view(&self, uri: &Url) -> Option<View<'_>> {
        let (uri, doc) = self.docs.get_key_value(uri)?;
        let sop = if doc.is_sop {
            self.ws.sop(&doc.rel).or(doc.own.as_ref())?
        } else {
            doc.own.as_ref()?
        };
        Some(View {
            ws: &self.ws,
            uri,
            sop,
            lines: &doc.lines,
            enc: self.encoding,
            findings: &doc.findings,
        })
    }

    /// Files changed on disk: read each again (an open buffer wins over its file), or the
    /// whole repository when `sop.toml` or a template changed; then check open buffers again.
    fn on_disk_change(&mut self, paths: &[PathBuf]) {
        if !paths.is_empty() {
            self.ws.files_changed();
        }
        let config = self.ws.repo.settings.path.clone();
        let mut whole = false;
        let mut changed = false;
        for path in paths {
            if config.as_deref() == Some(path.as_path()) {
                whole = true;
                continue;
            }
            let Some(rel) = self.ws.relative(path) else {
                continue;
            };
            if rel == crate::repo::config::FILE_NAME || rel.starts_with("templates/") {
                whole = true;
                continue;
            }
            if self.docs.values().any(|d| d.rel == rel) {
                continue;
            }
            // A folder that went away takes its SOPs with it.
            let inside = format!("{rel}/");
            let mut gone: Vec<String> = self
                .ws
                .corpus
                .sops
                .iter()
                .map(|s| s.path.clone())
                .chain(self.ws.corpus.broken.iter().map(|b| b.path.clone()))
                .filter(|p| p.starts_with(&inside))
                .collect();
            if self.ws.is_sop(&rel) || self.ws.sop(&rel).is_some() {
                gone.push(rel);
            }
            for rel in gone {
                self.ws.reload(&rel);
                changed = true;
            }
        }
        if whole {
            self.reload_all();
            changed = true;
        }
        if changed {
            let due = Instant::now() + DEBOUNCE;
            for doc in self.docs.values_mut() {
                doc.due = Some(due);
            }
        }
    }

    /// Open the repository again (after `sop.toml` or a template changed) and put the open
    /// buffers back in it. A broken `sop.toml` keeps the last good settings and says why.
    fn reload_all(&mut self) {
        match (self.open)(&self.ws.repo.root) {
            Ok(repo) => {
                self.ws = Workspace::load(repo);
                self.config_warned = false;
                for doc in self.docs.values_mut() {
                    doc.is_sop = self.ws.is_sop(&doc.rel);
                    doc.placed = false;
                    doc.own = None;
                }
            }
            Err(message) => self.show(MessageType::ERROR, message),
        }
    }

    /// Watch the SOP folder, `sop.toml` and `templates/` for changes by other programs. Without
    /// a watcher (the system refused one) the editor's own file events still work.
    fn watch(
        &self,
        tx: mpsc::Sender<Event>,
    ) -> Option<
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    > {
        use notify::RecursiveMode;
        let handler = move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(events) = result else {
                return;
            };
            let paths: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                .flat_map(|e| e.event.paths)
                .collect();
            if !paths.is_empty() {
                let _ = tx.send(Event::Disk(paths));
            }
        };
        let mut debouncer =
            notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, handler).ok()?;
        let root = &self.ws.repo.root;
        let mut targets = vec![(root.clone(), RecursiveMode::NonRecursive)];
        for dir in [self.ws.repo.sops_dir(), root.join("templates")] {
            if dir.is_dir() && &dir != root {
                targets.push((dir, RecursiveMode::Recursive));
            }
        }
        for (path, mode) in targets {
            if let Err(e) = debouncer.watch(&path, mode) {
                self.log(format!(
                    "cannot watch `{}` for changes ({e}); files changed outside the editor are seen when the editor reports them",
                    path.display()
                ));
            }
        }
        Some(debouncer)
    }
}

/// The params of a message, or the protocol's error for params that do not fit.
fn params<P: DeserializeOwned>(value: Value) -> Result<P, ResponseError> {
    serde_json::from_value(value).map_err(|e| {
        error(
            ErrorCode::InvalidParams,
            format!("the request's parameters are not what the protocol says: {e}"),
        )
    })
}

/// A handler's answer as the response's result (`null` for none).
fn reply<T: serde::Serialize>(value: Option<T>) -> Result<Value, ResponseError> {
    serde_json::to_value(value).map_err(|e| {
        error(
            ErrorCode::InternalError,
            format!("cannot write the answer: {e}"),
        )
    })
}

fn error(code: ErrorCode, message: String) -> ResponseError {
    ResponseError {
        code: code as i32,
        message,
        data: None,
    }
}
