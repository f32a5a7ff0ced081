//! Section-aware differences between two versions of an SOP.
