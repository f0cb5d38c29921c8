use clap::Parser;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than the system allocator: a request allocates many small, short-lived
/// buffers (rows, JSON), and under load that is where glibc's allocator spends its time
/// (BENCHMARKS.md, the mentor directory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("TRELLIS_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = trellis::cli::Cli::parse();
    match trellis::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
