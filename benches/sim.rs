//! Simulation throughput benchmark (to be written).

fn main() {}
