/** A function's wiring, built on first call and kept for the container (Lambda reuses it across invocations). */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
