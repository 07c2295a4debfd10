//! The wasm's loader: Leptos's islands script, but one island per task.
//!
//! V8 compiles WebAssembly lazily, each function on its first call, on the page's main
//! thread. Hydrating /report's form is mostly that compilation (on this machine's Chromium:
//! 20 ms with it, 5 ms with `--no-wasm-lazy-compilation`), and Leptos's own script runs the
//! module's start, `hydrate()` and every island in one task: one long task on a cheap phone
//! (Lighthouse: 46 ms here, 186 ms at its 4× CPU slowdown, all of /report's blocking time).
//! This script does the same steps (load on idle, then the islands in document order) but
//! gives the browser its turn between them, so input and painting are never held up for
//! more than one island.
//!
//! It registers the service worker (server/src/pwa.rs) last, when the islands and the work
//! they left for the next task are done (or the wasm failed to load): installing it compiles
//! its script and precaches /pkg, which on two cores ran beside the hydration and doubled
//! its task (Lighthouse traces here: 25 ms without, 71 ms with the worker's 40 ms beside).

use leptos::prelude::*;

/// `(js, wasm)`: the module and the wasm it loads; each island hydrates in a task of its own.
const LOADER: &str = r#"((js, wasm) => {
  const turn = () => (globalThis.scheduler && scheduler.yield) ? scheduler.yield()
    : new Promise((go) => setTimeout(go, 0));
  const worker = () => {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
  };
  const start = async () => {
    const mod = await import(js);
    await mod.default({ module_or_path: wasm });
    await turn();
    mod.hydrate();
    for (const el of document.querySelectorAll("leptos-island")) {
      const island = mod[el.dataset.component];
      if (!island) {
        console.warn("no island " + el.dataset.component);
        continue;
      }
      await turn();
      const done = island(el);
      if (done && done.then) await done;
    }
  };
  const later = (go) => ("requestIdleCallback" in window) ? requestIdleCallback(go)
    : setTimeout(go, 0);
  later(() => start().finally(() => setTimeout(() => later(worker), 0)));
})"#;

/// In `<head>`: preloads the module and the wasm, and the loader. Stands in for Leptos's
/// `<HydrationScripts islands=true />`, with the same file names (content-hashed when
/// `LEPTOS_HASH_FILES` is on).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As Leptos's own component does: what follows in the page is not hydrated as a whole,
    // only the islands are.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let (js, wasm) = file_names(&options);
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}", options.site_pkg_dir);
    let js = format!("{pkg}/{js}.js");
    let wasm = format!("{pkg}/{wasm}.wasm");
    view! {
        <link rel="modulepreload" href=js.clone() />
        // `crossorigin`: the wasm is fetched in CORS mode, and a preload must match it.
        <link
            rel="preload"
            href=wasm.clone()
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=""
        />
        <script type="module" nonce=nonce>
            {format!("{LOADER}({js:?}, {wasm:?});")}
        </script>
    }
}

/// The module's and the wasm's names without extension: `<output-name>.<hash>` from the hash
/// file cargo-leptos writes beside the server when hashing is on (read once per process).
fn file_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    if !options.hash_files {
        let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            format!("{name}_bg")
        } else {
            name.clone()
        };
        return (name, wasm);
    }
    #[cfg(feature = "ssr")]
    {
        static HASHES: std::sync::OnceLock<(Option<String>, Option<String>)> =
            std::sync::OnceLock::new();
        let (js, wasm) = HASHES.get_or_init(|| {
            // The server turns hashing off at start when the file is missing.
            let text = std::fs::read_to_string(hash_file_path(options)).ok();
            let hash = |kind: &str| {
                text.as_deref()?.lines().find_map(|line| {
                    let (file, hash) = line.trim().split_once(':')?;
                    (file == kind).then(|| hash.trim().to_string())
                })
            };
            (hash("js"), hash("wasm"))
        });
        let with = |hash: &Option<String>| match hash {
            Some(h) => format!("{name}.{h}"),
            None => name.clone(),
        };
        (with(js), with(wasm))
    }
    #[cfg(not(feature = "ssr"))]
    (name.clone(), name)
}

/// Where cargo-leptos's hash file is: next to the server executable (an absolute `hash_file`
/// is taken as is). The loader's names and the server's `/pkg` caching read it.
#[cfg(feature = "ssr")]
pub fn hash_file_path(options: &LeptosOptions) -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default()
        .join(&*options.hash_file)
}

/// Runs `work` in a task of its own, after the one now running (and after the island being
/// hydrated). For what an island starts that need not hold up its hydration: the device
/// queue's engine, reading device storage. Tasks run in the order they were asked for.
#[cfg(feature = "hydrate")]
pub fn after_this_task(work: impl FnOnce() + 'static) {
    set_timeout(work, std::time::Duration::ZERO);
}
