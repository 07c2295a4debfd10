//! The allocator's arenas and large blocks. glibc's malloc gives every thread that allocates an arena of its
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
//! Large blocks go back to the system when freed. glibc serves a block of at least
//! `M_MMAP_THRESHOLD` from a mapping of its own, unmapped on free, but it raises that
//! threshold to the size of each such block freed (up to 32 MiB), after which blocks of that
//! size come from the arenas and stay there. Each password hash (argon2, 19 MiB) did so: a
//! start with the demo seed (five accounts hashed, then checked for the published password)
//! kept 193 MB resident, idle. A fixed threshold of [`MMAP_THRESHOLD`] keeps the dynamic
//! rule off: every 19 MiB hash is mapped and unmapped, while the photos' buffers (a 1600 px
//! photo decodes into about 6 MB) stay in the arenas for the next upload. Measured with the
//! debug build: 193 → 42 MB resident after a start with the demo seed.
//!
//! A fixed threshold also fixes the trim threshold (the free memory at the top of an arena
//! that glibc keeps rather than give back) at its default of 128 KiB: every upload's buffers
//! were then given back and faulted in again, 46–50 instead of 57 reports/s at 100 concurrent
//! uploads. [`TRIM_THRESHOLD`] keeps 32 MiB: 53–57 reports/s, peak 116–121 MB, and still
//! 21 MB idle (BENCHMARKS.md, "Bodies, floods and faults").
//!
//! glibc reads `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_` and `MALLOC_TRIM_THRESHOLD_`
//! when the process starts, and
//! the workspace forbids the `unsafe` of a `mallopt` call: so the server, started without
//! them, starts itself again with them (the same process id, arguments and environment). A
//! variable the operator set (to any value) is left as it is.

/// The arenas the server asks for.
pub const ARENAS: &str = "2";
/// Blocks from this size up are mapped on their own and returned when freed: 16 MiB, below
/// argon2's 19 MiB and above any photo buffer.
pub const MMAP_THRESHOLD: &str = "16777216";
/// Free memory at the top of an arena kept for the next uploads: 32 MiB.
pub const TRIM_THRESHOLD: &str = "33554432";

/// On Linux with glibc, when one of `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_` and
/// `MALLOC_TRIM_THRESHOLD_` is not set: replaces this process by the same program with the
/// missing ones set to [`ARENAS`], [`MMAP_THRESHOLD`] and [`TRIM_THRESHOLD`]. Returns (doing nothing) elsewhere, when both are set, or when the
/// program cannot be started again (it then runs with glibc's defaults).
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let missing: Vec<(&str, &str)> = [
            ("MALLOC_ARENA_MAX", ARENAS),
            ("MALLOC_MMAP_THRESHOLD_", MMAP_THRESHOLD),
            ("MALLOC_TRIM_THRESHOLD_", TRIM_THRESHOLD),
        ]
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        // `exec` only returns on failure.
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .envs(missing.iter().copied())
            .exec();
        eprintln!("could not restart with the allocator's settings {missing:?}: {error}");
    }
}
