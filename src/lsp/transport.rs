//! The conversation's bytes: the protocol's framing (`Content-Length` headers, a blank line, a
//! JSON body) on stdin and stdout.
//!
//! lsp-server's own stdio transport ends the server at the first message it cannot read, and
//! the writer loses every diagnostic until the editor restarts it. This one answers such a
//! message as JSON-RPC asks (a parse error, -32700, for bytes that are not JSON; an invalid
//! request, -32600, for JSON that is not a message) and reads on from the next message. The
//! server's loop sees the same [`Connection`] as with lsp-server's transport: one end of an
//! in-memory pair, whose other end these two threads join to stdin and stdout.

use std::io::{self, BufRead, Read, Write};
use std::thread::{self, JoinHandle};

use lsp_server::{Connection, ErrorCode, Message};
use serde_json::{Value, json};

/// JSON-RPC's code for bytes that are not JSON.
const PARSE_ERROR: i32 = ErrorCode::ParseError as i32;
/// JSON-RPC's code for JSON that is not a request, a response or a notification.
const INVALID_REQUEST: i32 = ErrorCode::InvalidRequest as i32;

/// The reading and writing threads of [`stdio`].
pub(crate) struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Wait until everything the server sent is written. The reader is waited for only when it
    /// has already stopped (at `exit` or the end of stdin): when the server stops first, it may
    /// be waiting for input that never comes.
    pub(crate) fn join(self) -> io::Result<()> {
        let written = self.writer.join().unwrap_or_else(|_| Err(thread_died()));
        if self.reader.is_finished() {
            self.reader.join().unwrap_or_else(|_| Err(thread_died()))?;
        }
        written
    }
}

fn thread_died() -> io::Error {
    io::Error::other("a thread of the connection stopped unexpectedly")
}

/// A connection on stdin and stdout.
///
/// # Errors
/// When a thread cannot be started.
pub(crate) fn stdio() -> io::Result<(Connection, IoThreads)> {
    let (server, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    let writer = thread::Builder::new()
        .name("sop-lsp-writer".to_owned())
        .spawn(move || {
            for message in receiver {
                // One lock per message: the reader's error answers never land inside one.
                message.write(&mut io::stdout().lock())?;
            }
            Ok(())
        })?;
    let reader = thread::Builder::new()
        .name("sop-lsp-reader".to_owned())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                let message = match read_frame(&mut input)? {
                    Frame::End => return Ok(()),
                    Frame::Unreadable(why) => {
                        answer_error(&mut io::stdout().lock(), Value::Null, PARSE_ERROR, &why)?;
                        continue;
                    }
                    Frame::Body(body) => match parse(&body) {
                        Ok(message) => message,
                        Err((id, code, why)) => {
                            answer_error(&mut io::stdout().lock(), id, code, &why)?;
                            continue;
                        }
                    },
                };
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                // The server has stopped: nothing more to read for it.
                if sender.send(message).is_err() || exit {
                    return Ok(());
                }
            }
        })?;
    Ok((server, IoThreads { reader, writer }))
}

/// What one read of the input gave.
#[derive(Debug, PartialEq)]
enum Frame {
    /// A message's body.
    Body(Vec<u8>),
    /// Headers the server cannot use, and why; the input goes on after their blank line.
    Unreadable(String),
    /// The input ended.
    End,
}

/// Read one message: header lines up to a blank line, then `Content-Length` bytes. Lines may
/// end in `\r\n` (as the protocol says) or `\n`; header names are read in any case.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length = None;
    let mut problem = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(Frame::End);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<u64>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        problem.get_or_insert(format!(
                            "the header `{text}` does not give a length in bytes"
                        ));
                    }
                }
            }
            Some(_) => {}
            None => {
                problem.get_or_insert(format!("`{text}` is not a message header (`Name: value`)"));
            }
        }
    }
    if let Some(problem) = problem {
        // A body whose length is known is skipped, so that the next message is read whole.
        if let Some(length) = length {
            io::copy(&mut input.take(length), &mut io::sink())?;
        }
        return Ok(Frame::Unreadable(problem));
    }
    let Some(length) = length else {
        return Ok(Frame::Unreadable(
            "a message came without its `Content-Length` header".to_owned(),
        ));
    };
    // Read as the bytes come: a wrong, huge length allocates nothing ahead.
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(Frame::End);
    }
    Ok(Frame::Body(body))
}

/// A body as a message, or the id (when there is one), code and text of the error answer.
fn parse(body: &[u8]) -> Result<Message, (Value, i32, String)> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        (
            Value::Null,
            PARSE_ERROR,
            format!("the message is not valid JSON: {e}"),
        )
    })?;
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    serde_json::from_value(value).map_err(|e| {
        (
            id,
            INVALID_REQUEST,
            format!("the message is not a JSON-RPC request, response or notification: {e}"),
        )
    })
}

/// Write a JSON-RPC error answer to `out`.
fn answer_error(out: &mut impl Write, id: Value, code: i32, message: &str) -> io::Result<()> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
    .to_string();
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut input = input;
        let mut out = Vec::new();
        loop {
            let frame = read_frame(&mut input).unwrap_or(Frame::End);
            if frame == Frame::End {
                return out;
            }
            out.push(frame);
        }
    }

    #[test]
    fn a_bad_frame_is_reported_and_the_next_one_read() {
        let input =
            b"garbage\r\n\r\nContent-Length: 2\r\n\r\n{}content-length:3\nX-Other: y\n\n[1]";
        assert_eq!(
            frames(input),
            [
                Frame::Unreadable("`garbage` is not a message header (`Name: value`)".into()),
                Frame::Body(b"{}".to_vec()),
                Frame::Body(b"[1]".to_vec()),
            ]
        );
        // A stray header line beside a good length: the body is skipped with the headers.
        assert_eq!(
            frames(b"Content-Length: 2\r\nstray\r\n\r\n{}Content-Length: 2\r\n\r\n[]"),
            [
                Frame::Unreadable("`stray` is not a message header (`Name: value`)".into()),
                Frame::Body(b"[]".to_vec()),
            ]
        );
        assert_eq!(
            frames(b"\r\nContent-Length: ten\r\n\r\n"),
            [
                Frame::Unreadable("a message came without its `Content-Length` header".into()),
                Frame::Unreadable(
                    "the header `Content-Length: ten` does not give a length in bytes".into()
                ),
            ]
        );
        // A body cut short by the end of the input is the end, not a message.
        assert_eq!(frames(b"Content-Length: 99999999999\r\n\r\n{}"), []);
    }

    #[test]
    fn bodies_that_are_not_messages_get_the_right_code_and_id() {
        assert!(matches!(
            parse(b"{bad}"),
            Err((Value::Null, PARSE_ERROR, _))
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":7,"method":7}"#),
            Err((Value::Number(n), INVALID_REQUEST, _)) if n.as_i64() == Some(7)
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            Ok(Message::Request(r)) if r.method == "shutdown"
        ));
    }

    #[test]
    fn an_error_answer_is_framed() {
        let mut out = Vec::new();
        answer_error(&mut out, Value::Null, PARSE_ERROR, "no").unwrap();
        let text = String::from_utf8(out).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        let body: Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["id"], Value::Null);
        assert_eq!(body["error"]["code"], PARSE_ERROR);
    }
}
