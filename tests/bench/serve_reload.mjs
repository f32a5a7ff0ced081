// Time from saving one SOP to the reload event of `sop serve` (BENCHMARKS.md, "sop serve").
//
//   node tests/bench/serve_reload.mjs <sop binary> <repository> [runs]
//
// Starts `sop serve --port 0` in the repository, listens on the live-reload stream as a page
// does, then `runs` times (default 20): appends a line to the body of one SOP (a different one
// each time, so no edit is a no-op), and measures from the write to the `data: reload` event.
// Prints each time and the median, minimum and maximum in milliseconds. The edits are undone
// at the end (the files get their old text back).
//
// Needs only Node (no packages).

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import http from "node:http";

const [bin, repo, runsArg] = process.argv.slice(2);
if (!bin || !repo) {
  console.error("usage: node tests/bench/serve_reload.mjs <sop binary> <repository> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 20);
const RELOAD_PATH = "/__livereload";

/** Every SOP file under `sops/`, sorted. */
function sopFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sopFiles(path));
    else if (name.endsWith(".md")) out.push(path);
  }
  return out;
}

const files = sopFiles(join(repo, "sops"));
const chosen = Array.from({ length: runs }, (_, i) => files[(i * 37) % files.length]);
const original = new Map(chosen.map((f) => [f, readFileSync(f, "utf8")]));

const server = spawn(bin, ["serve", "--port", "0"], {
  cwd: repo,
  stdio: ["ignore", "pipe", "pipe"],
});
let stderr = "";
server.stderr.on("data", (d) => (stderr += d));

const url = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const nl = out.indexOf("\n");
    if (nl >= 0) resolve(out.slice(0, nl).trim());
  });
  server.on("exit", (code) => reject(new Error(`sop serve ended (${code}): ${stderr}`)));
});

// The reload stream, read as the page's EventSource reads it: the server ends each stream
// after 30 s, and the page connects again, saying which event it saw last.
let waiting = null;
let lastId = null;
let stream = null;
function listen() {
  const headers = lastId === null ? {} : { "Last-Event-ID": lastId };
  let buffered = "";
  stream = http.get(new URL(RELOAD_PATH, url), { headers }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(event);
        if (id) lastId = id[1];
        if (waiting && waiting.want.test(event)) {
          const w = waiting;
          waiting = null;
          w.resolve(event);
        }
      }
    });
    res.on("end", () => {
      if (!stopped) listen();
    });
  });
  stream.on("error", () => {});
}
let stopped = false;
listen();
const next = (want) => new Promise((resolve) => (waiting = { want, resolve }));
await next(/^data: connected$/m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(500);

// CPU time of the server (user + system, Linux only): less sensitive to a busy machine than
// wall time.
const cpuMs = () => {
  try {
    const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return null;
  }
};
const cpuBefore = cpuMs();
let cpuAfter = null;
const times = [];
try {
  for (const [i, file] of chosen.entries()) {
    const reloaded = next(/^data: reload$/m);
    const started = process.hrtime.bigint();
    writeFileSync(file, `${original.get(file)}\nEdited for the reload benchmark, run ${i}.\n`);
    const event = await Promise.race([reloaded, sleep(30000).then(() => null)]);
    if (!event || !event.includes("data: reload")) {
      throw new Error(`no reload event within 30 s after editing ${file}`);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    times.push(ms);
    console.log(`run ${i + 1}: ${ms.toFixed(1)} ms (${file.slice(repo.length + 1)})`);
    // Let the server settle before the next edit.
    await sleep(300);
  }
  cpuAfter = cpuMs();
} finally {
  for (const [file, text] of original) writeFileSync(file, text);
  stopped = true;
  stream.destroy();
  server.kill();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `save → reload event, ${times.length} runs: median ${median.toFixed(1)} ms, ` +
    `min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`,
);
if (cpuBefore !== null && cpuAfter !== null) {
  console.log(`server CPU time per rebuild: ${((cpuAfter - cpuBefore) / times.length).toFixed(0)} ms`);
}
// The rebuild times `sop serve` reports itself ("rebuilt ... in 0.081 s"), for comparison.
const own = [...stderr.matchAll(/rebuilt.* in (\d+\.\d+) s/g)].map((m) => Number(m[1]) * 1000);
if (own.length > 0) {
  own.sort((a, b) => a - b);
  console.log(
    `rebuild as sop serve reports it, ${own.length} rebuilds: median ` +
      `${own[Math.floor(own.length / 2)].toFixed(1)} ms, min ${own[0].toFixed(1)} ms`,
  );
}
