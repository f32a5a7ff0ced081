//! Integration tests: the real `sop` binary on real repositories in temp folders.
//! One test binary (it links once); one module per command.

mod support;
