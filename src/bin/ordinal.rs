//! The headless CLI (to be written).

fn main() {
    println!("{}", ordinal::sim::version_string());
}
