import * as path from "node:path";

type DynamicImport = (specifier: string) => Promise<Record<string, unknown>>;
const cache = new Map<string, Promise<unknown>>();

/**
 * Load a package once and cache it. CommonJS builds are `require`d (vega 5.33 and vega-lite 5.23
 * ship them); a package that is ES-module only (ERR_REQUIRE_ESM, e.g. after an upgrade) goes
 * through a real `import()` in `src/esm-import.js`, which tsc and tslab leave alone.
 */
export function loadModule<T>(name: string): Promise<T> {
  let p = cache.get(name);
  if (!p) {
    p = (async () => {
      try {
        return require(name) as T;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== "ERR_REQUIRE_ESM" && code !== "ERR_REQUIRE_ASYNC_MODULE") throw err;
        const esmImport = require(path.join(__dirname, "..", "src", "esm-import.js")) as DynamicImport;
        const ns = await esmImport(name);
        // A CommonJS module imported this way has only `default` (and `module.exports`): unwrap it.
        const named = Object.keys(ns).filter((k) => k !== "default" && k !== "module.exports");
        return (named.length === 0 && ns.default !== undefined ? ns.default : ns) as T;
      }
    })();
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p as Promise<T>;
}
