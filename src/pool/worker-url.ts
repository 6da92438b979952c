/**
 * Resolves a worker module next to the calling module, from source and from
 * a build alike. Write the `.ts` name; when the caller itself runs as
 * compiled JavaScript (`import.meta.url` ends in `.js`), the URL points at
 * the `.js` file the build emitted instead. `tsc` does not rewrite
 * `new URL("./worker.ts", import.meta.url)`, so that form breaks once built.
 *
 * @example
 * ```ts
 * import { WorkerPool, workerUrl } from "@headroom/headroom";
 *
 * const pool = new WorkerPool({ worker: workerUrl("./hash-worker.ts", import.meta.url) });
 * ```
 */
export function workerUrl(specifier: string, base: string | URL): URL {
  const url = new URL(specifier, base);
  const from = new URL(base).pathname;
  const compiled = from.endsWith(".js") || from.endsWith(".mjs") || from.endsWith(".cjs");
  if (compiled) {
    if (url.pathname.endsWith(".mts")) url.pathname = url.pathname.slice(0, -4) + ".mjs";
    else if (url.pathname.endsWith(".ts") && !url.pathname.endsWith(".d.ts")) {
      url.pathname = url.pathname.slice(0, -3) + ".js";
    }
  }
  return url;
}
