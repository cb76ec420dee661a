fn main() -> std::process::ExitCode {
    qaportal::cli::main()
}
