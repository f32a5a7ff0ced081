//! Rebuild when the embedded templates change: `include_dir!` reads them, but stable Cargo
//! does not track those reads.

fn main() {
    println!("cargo::rerun-if-changed=templates");
}
