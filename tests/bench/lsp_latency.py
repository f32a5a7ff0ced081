#!/usr/bin/env python3
"""How long a writer waits for diagnostics while typing: `sop lsp` against a peer server.

Starts a language server over stdio in a repository, opens one SOP, then types into it: each
edit is one `textDocument/didChange` (an incremental change of one character), and the time
measured is from sending the edit to receiving that version's `textDocument/publishDiagnostics`
(for a server that offers pull diagnostics, its answer to `textDocument/diagnostic`). The
figure includes the server's pause before it checks (`sop lsp` waits 30 ms for more keys), so
it is what the writer sees.

    python3 tests/bench/lsp_latency.py --repo /tmp/c1k --file sops/x/SOP-0001-y.md \
        --edits 40 -- target/release/sop lsp
    python3 tests/bench/lsp_latency.py --repo /tmp/c1k --file ... -- rumdl server

Standard library only. Prints the time to start (initialize answered), to the first
diagnostics after opening, and the median, 90th percentile and worst of the edits.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import threading
import time
import queue


class Server:
    def __init__(self, command, cwd):
        self.proc = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, matches, timeout=30):
        """The first message `matches` accepts (answering the server's own requests on the way)."""
        end = time.perf_counter() + timeout
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no answer from the server")
            item = self.messages.get(timeout=left)
            if item is None:
                raise RuntimeError("the server stopped")
            at, message = item
            if "method" in message and "id" in message:
                # workspace/configuration, client/registerCapability, ...: a plain answer.
                result = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message["params"].get("items", [])]
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if matches(message):
                return at, message


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True, help="the repository the server starts in")
    parser.add_argument("--file", required=True, help="the SOP to type into, relative to --repo")
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between edits")
    parser.add_argument(
        "--pull",
        action="store_true",
        help="ask with textDocument/diagnostic (the default when the server offers it)",
    )
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    repo = pathlib.Path(args.repo).resolve()
    path = repo / args.file
    uri = path.as_uri()
    text = path.read_text()
    lines = text.split("\n")
    # Type at the end of the first body line that is plain text.
    line = next(
        i
        for i, l in enumerate(lines)
        if i > 3 and l and not l.startswith(("#", "-", "|", "`", ">", "<", "*")) and ":" not in l
    )
    column = len(lines[line])

    started = time.perf_counter()
    server = Server(args.command, repo)
    init = server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": repo.as_uri(),
            "workspaceFolders": [{"uri": repo.as_uri(), "name": repo.name}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "textDocument": {
                    "publishDiagnostics": {"versionSupport": True},
                    "diagnostic": {"dynamicRegistration": False},
                },
            },
        },
    )
    at, answer = server.wait(lambda m: m.get("id") == init)
    start_ms = (at - started) * 1000
    server.notify("initialized", {})
    # A server that offers pull diagnostics is asked; one that does not pushes them.
    pull = args.pull or "diagnosticProvider" in answer.get("result", {}).get("capabilities", {})

    def diagnostics_of(version):
        if pull:
            asked = server.request(
                "textDocument/diagnostic", {"textDocument": {"uri": uri}}
            )
            at, m = server.wait(lambda m: m.get("id") == asked)
            return at, len(m.get("result", {}).get("items", []))
        at, m = server.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version", version) == version
        )
        return at, len(m["params"]["diagnostics"])

    sent = time.perf_counter()
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    at, found = diagnostics_of(1)
    open_ms = (at - sent) * 1000

    waits = []
    for k in range(args.edits):
        time.sleep(args.pause)
        version = k + 2
        letter = "x" if k % 2 == 0 else " "
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": column + k},
                            "end": {"line": line, "character": column + k},
                        },
                        "text": letter,
                    }
                ],
            },
        )
        at, found = diagnostics_of(version)
        waits.append((at - sent) * 1000)

    server.request("shutdown", None)
    server.notify("exit", None)
    try:
        server.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.proc.kill()

    waits.sort()
    p90 = waits[min(len(waits) - 1, int(len(waits) * 0.9))]
    how = "pulled" if pull else "pushed"
    print(
        f"{' '.join(args.command)} ({how}): started in {start_ms:.1f} ms; "
        f"first diagnostics {open_ms:.1f} ms after opening ({found} found); "
        f"after an edit: median {statistics.median(waits):.1f} ms, 90th percentile {p90:.1f} ms, "
        f"worst {waits[-1]:.1f} ms ({len(waits)} edits)"
    )


if __name__ == "__main__":
    sys.exit(main())
