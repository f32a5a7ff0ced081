//! Integration tests: the real `sop` binary on real repositories in temp folders.
//! One test binary (it links once); one module per command.

// Test helpers may panic with a message and need no narrower visibility.
#![allow(clippy::expect_used, clippy::unwrap_used, unreachable_pub)]

mod diff;
mod history;
mod release;
mod review;
mod support;
