//! Integration tests: the real `sop` binary on real repositories in temp folders.
//! One test binary (it links once); one module per command.

mod support;

mod due;
mod e2e;
mod publish;
mod serve;
mod stats;
