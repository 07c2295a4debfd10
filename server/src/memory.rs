//! The allocator's arenas. glibc's malloc gives every thread that allocates an arena of its
//! own (up to 8 per core) and keeps what is freed in it for that arena's next use: the
//! blocking pool's threads, each decoding photos and writing files in turn, held their freed
//! buffers, so the server's memory grew with the number of threads that ever did photo work,
//! not with the work in hand. Two arenas are enough for two busy cores and keep the freed
//! memory in reach of the next upload.
//!
//! Measured (BENCHMARKS.md, "Memory at 100 concurrent uploads"): a million-report SQLite
//! database, 100 connections uploading three ≈150 KB photos each for 15 s, server peak RSS
//! 241–243 MB with glibc's default and 106–118 MB with two arenas, at the same throughput
//! (47.8–51.1 against 40.3–50.7 reports/s). mimalloc was tried instead: 283–308 MB.
//!
//! glibc reads `MALLOC_ARENA_MAX` when the process starts, and the workspace forbids the
//! `unsafe` of a `mallopt` call: so the server, started without the variable, starts itself
//! again with it (the same process id, arguments and environment). An operator who sets the
//! variable (to any value) is left alone.

/// The arenas the server asks for.
pub const ARENAS: &str = "2";

/// On Linux with glibc, without `MALLOC_ARENA_MAX` set: replaces this process by the same
/// program with `MALLOC_ARENA_MAX=2`. Returns (doing nothing) elsewhere, when the variable is
/// set, or when the program cannot be started again (it then runs with glibc's default).
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        // `exec` only returns on failure.
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env("MALLOC_ARENA_MAX", ARENAS)
            .exec();
        eprintln!("could not restart with MALLOC_ARENA_MAX={ARENAS}: {error}");
    }
}
