// Where model files are kept between loads. In the browser: Cache Storage, so that a second load
// works offline. Elsewhere (Node, or when Cache Storage is unavailable): no cache, or any object with
// the same two methods, e.g. MemoryModelCache.
import { OspreyError } from '../errors.js';

export const DEFAULT_CACHE_NAME = 'osprey-models-v1';

/** Cache Storage: responses keyed by URL. */
export class BrowserModelCache {
  #name;
  constructor(name = DEFAULT_CACHE_NAME) { this.#name = name; }
  static available() { return typeof caches === 'object' && caches !== null; }

  async get(key) {
    const cache = await caches.open(this.#name);
    const response = await cache.match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async put(key, bytes) {
    try {
      const cache = await caches.open(this.#name);
      await cache.put(key, new Response(bytes, { headers: { 'Content-Length': String(bytes.byteLength) } }));
    } catch (cause) {
      // A full quota must not fail the load: the model works, it is only not cached.
      console.warn(`Osprey: could not cache ${key} (${cause?.message ?? cause})`);
    }
  }

  async delete(key) { return (await caches.open(this.#name)).delete(key); }
}

/** In-memory cache (tests, Node processes that load a model several times). */
export class MemoryModelCache {
  #entries = new Map();
  async get(key) { return this.#entries.get(key); }
  async put(key, bytes) { this.#entries.set(key, bytes); }
  async delete(key) { return this.#entries.delete(key); }
  get size() { return this.#entries.size; }
}

/** `cache` option: undefined = Cache Storage when available, false/null = none, or an object. */
export function chooseModelCache(cache) {
  if (cache === false || cache === null) return null;
  if (cache === undefined) return BrowserModelCache.available() ? new BrowserModelCache() : null;
  if (typeof cache === 'object' && typeof cache.get === 'function' && typeof cache.put === 'function') return cache;
  throw new OspreyError('cache must be false, or an object with get(key) and put(key, bytes)', 'INVALID_ARGUMENT');
}
