/** Holds this process's event loop for `ms` with a busy loop: what a long synchronous piece of work does. */
export function holdLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}
