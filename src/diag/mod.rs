//! Findings and their output formats. One [`Finding`] type feeds every writer; the writers
//! know nothing of rules or SOPs beyond it.

pub mod finding;
pub mod github;
pub mod human;
pub mod json;
pub mod report;
pub mod sarif;
pub mod summary;

pub use finding::{
    Applicability, Edit, Family, Finding, Fix, Location, RuleMeta, Severity, Sources,
};
pub use human::HumanOptions;
pub use report::Summary;
pub use report::{Format, Report, write};
