fn main() {
    std::process::exit(defuse::cli::main());
}
