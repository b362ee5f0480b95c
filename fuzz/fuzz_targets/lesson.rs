#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ordinal::sim::fuzzing::lesson_target(data);
});
