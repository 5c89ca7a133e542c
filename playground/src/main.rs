//! Mounts the playground.

#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(playground::components::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs in a browser: scripts/serve");
}
