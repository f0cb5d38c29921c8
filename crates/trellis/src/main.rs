use clap::Parser;

/// mimalloc rather than the system allocator: a request allocates many small, short-lived
/// buffers (rows, JSON), and under load that is where glibc's allocator spends its time
/// (BENCHMARKS.md, the mentor directory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Err(e) = trellis::logging::init() {
        eprintln!("error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let cli = trellis::cli::Cli::parse();
    match trellis::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
