//! Integration tests: the real `sop` binary on real repositories in temp folders.
//! One test binary (it links once); one module per command.

#![allow(unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

mod support;

mod action;
mod adopt;
mod adopt_fixtures;
mod adopted_markdown;
mod approval;
mod approval_model;
mod approved;
mod completions;
mod dates;
mod diag_formats;
mod diff;
mod due;
mod e2e;
mod e2e_hostile;
mod exit_codes;
mod files;
mod front_matter_keys;
mod help;
mod history;
mod history_follow;
mod import;
mod init;
mod languages;
mod links;
mod lint;
mod lint_base;
mod lint_gone;
mod list;
mod load;
mod lsp;
mod messages;
mod new;
mod precommit;
mod publish;
mod release;
mod release_landed;
mod release_safety;
mod retire;
mod review;
mod schema;
mod serve;
mod site_safety;
mod stats;
mod tabs;
mod tags_trust;
mod validate;
mod wiki;
mod windows_files;
