//! Parse arguments, run, map the outcome to an exit code: nothing else.

fn main() {
    std::process::exit(authdoctor::run::main());
}
