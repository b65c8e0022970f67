// Fetches model files: progress events (bytes loaded / total), AbortSignal, a cache so that a second
// load works offline, and an integrity check (size and sha256 when the manifest knows them). Every
// failure is an OspreyError with a code; nothing half-downloaded is ever cached.
import { OspreyError } from '../errors.js';
import { chooseModelCache } from './cache.js';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

function abortError(signal, url) {
  return new OspreyError(`loading ${url} was aborted`, 'ABORTED', { cause: signal?.reason });
}

async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks bytes against {size, sha256}; throws INTEGRITY_MISMATCH. */
export async function checkIntegrity(bytes, expected, url) {
  if (!expected) return;
  if (expected.size !== undefined && bytes.byteLength !== expected.size) {
    throw new OspreyError(`${url} has ${bytes.byteLength} bytes, expected ${expected.size} ` +
      '(truncated or a different file)', 'INTEGRITY_MISMATCH');
  }
  if (expected.sha256) {
    const actual = await sha256Hex(bytes);
    if (actual !== expected.sha256.toLowerCase()) {
      throw new OspreyError(`${url} has sha256 ${actual}, expected ${expected.sha256}`, 'INTEGRITY_MISMATCH');
    }
  }
}

function isFileLocation(url) {
  return isNode && (url.startsWith('file:') || url.startsWith('/') || /^\.\.?[\\/]/.test(url));
}

async function readLocalFile(url, { signal, onProgress }) {
  const { readFile, stat } = await import(/* webpackIgnore: true */ 'node:fs/promises');
  const path = url.startsWith('file:') ? new URL(url) : url;
  let size;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw new OspreyError(`model file not found: ${url}`, 'MODEL_NOT_FOUND', { cause });
  }
  onProgress?.({ url, loaded: 0, total: size });
  const bytes = new Uint8Array(await readFile(path, { signal }).catch((cause) => {
    if (signal?.aborted) throw abortError(signal, url);
    throw new OspreyError(`could not read ${url}: ${cause.message}`, 'MODEL_FETCH_FAILED', { cause });
  }));
  onProgress?.({ url, loaded: bytes.byteLength, total: size });
  return bytes;
}

async function download(url, { signal, onProgress, fetchImpl = globalThis.fetch }) {
  let response;
  try {
    response = await fetchImpl(url, { signal });
  } catch (cause) {
    if (signal?.aborted) throw abortError(signal, url);
    throw new OspreyError(`could not fetch ${url} (${cause?.message ?? cause}); offline and not cached?`,
      'MODEL_FETCH_FAILED', { cause });
  }
  if (response.status === 404 || response.status === 410) {
    throw new OspreyError(`model file not found: ${url} (HTTP ${response.status})`, 'MODEL_NOT_FOUND');
  }
  if (!response.ok) {
    throw new OspreyError(`fetching ${url} failed with HTTP ${response.status}`, 'MODEL_FETCH_FAILED');
  }
  // Content-Length is the size on the wire; with a content encoding it is not the body's size.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const declared = encoded ? NaN : Number(response.headers.get('content-length'));
  const total = Number.isFinite(declared) && declared > 0 ? declared : undefined;
  const chunks = [];
  let loaded = 0;
  onProgress?.({ url, loaded, total });
  try {
    if (!response.body) {
      const whole = new Uint8Array(await response.arrayBuffer());
      chunks.push(whole);
      loaded = whole.byteLength;
    } else {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        onProgress?.({ url, loaded, total });
      }
    }
  } catch (cause) {
    if (signal?.aborted) throw abortError(signal, url);
    throw new OspreyError(`the download of ${url} broke off after ${loaded} bytes: ${cause?.message ?? cause}`,
      'MODEL_TRUNCATED', { cause });
  }
  if (total !== undefined && loaded !== total) {
    throw new OspreyError(`the download of ${url} is truncated: ${loaded} of ${total} bytes`, 'MODEL_TRUNCATED');
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.byteLength; }
  onProgress?.({ url, loaded, total: total ?? loaded });
  return bytes;
}

/**
 * Loads one file: from the cache if present, else from the network or disk (then cached).
 * @param {string} url http(s):, file:, or (Node) a file path
 * @param {{signal?: AbortSignal, onProgress?: Function, cache?: object|false, integrity?: {size?, sha256?},
 *          fetch?: Function}} [options]
 * @returns {Promise<{bytes: Uint8Array, fromCache: boolean}>}
 */
export async function loadModelFile(url, options = {}) {
  const { signal, onProgress, integrity } = options;
  if (signal?.aborted) throw abortError(signal, url);
  const local = isFileLocation(url);
  // Disk files and inline data (a bundler inlines small assets as data: URLs) need no cache.
  const chosen = chooseModelCache(options.cache);
  const cache = local || /^(data|blob):/i.test(url) ? null : chosen;
  if (cache) {
    const cached = await cache.get(url);
    if (cached) {
      try {
        await checkIntegrity(cached, integrity, url);
        onProgress?.({ url, loaded: cached.byteLength, total: cached.byteLength, cached: true });
        return { bytes: cached, fromCache: true };
      } catch {
        await cache.delete?.(url); // a stale or damaged entry: fetch again
      }
    }
  }
  const bytes = local
    ? await readLocalFile(url, { signal, onProgress })
    : await download(url, { signal, onProgress, fetchImpl: options.fetch });
  if (signal?.aborted) throw abortError(signal, url);
  await checkIntegrity(bytes, integrity, url);
  if (cache) await cache.put(url, bytes);
  return { bytes, fromCache: false };
}

/** Loads a text file (tokenizer.json, config.json); `optional` files that are missing give null. */
export async function loadTextFile(url, { optional = false, ...options } = {}) {
  try {
    const { bytes } = await loadModelFile(url, options);
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (optional && error.code === 'MODEL_NOT_FOUND') return null;
    throw error;
  }
}
