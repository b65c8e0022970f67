// Collections in IndexedDB, in the paged layout of manifest.js: database 'osprey' with object
// stores 'manifests' (one per collection) and 'pages' (immutable checksummed byte pages).
import { OspreyError } from '../errors.js';
import { nextGeneration, pageRange, readGeneration, referencedKeys, checkManifest } from './manifest.js';

const DB_VERSION = 2;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
  });
}

function storageError(action, name, cause) {
  if (cause instanceof OspreyError) return cause;
  if (cause?.name === 'QuotaExceededError') {
    return new OspreyError(`saving collection '${name}' exceeded the browser's storage quota; the ` +
      'last saved generation is intact and the changes are still in memory. Free space, or ask for ' +
      'persistent storage (Osprey.open(name, {persist: true})), then save again.', 'QUOTA_EXCEEDED', { cause });
  }
  return new OspreyError(`IndexedDB could not ${action} collection '${name}': ${cause?.message ?? cause}`,
    'STORAGE_FAILED', { cause });
}

export class IndexedDBStorage {
  kind = 'indexeddb';
  lastCommitBytes = 0;
  #dbName;
  #db = null;

  constructor(dbName = 'osprey') {
    this.#dbName = dbName;
  }

  static available() {
    try {
      return typeof indexedDB !== 'undefined' && indexedDB !== null;
    } catch {
      return false; // some private modes throw on access
    }
  }

  async #open(checksum) {
    if (this.#db) return this.#db;
    let req;
    try {
      req = indexedDB.open(this.#dbName, DB_VERSION);
    } catch (cause) {
      throw unavailable(cause);
    }
    req.onupgradeneeded = (event) => upgrade(req.result, req.transaction, event.oldVersion, checksum);
    try {
      this.#db = await request(req);
    } catch (cause) {
      if (cause?.name === 'VersionError') {
        throw new OspreyError(`the IndexedDB database '${this.#dbName}' was written by a newer Osprey; ` +
          'upgrade Osprey to open it', 'UNSUPPORTED_FORMAT', { cause });
      }
      throw unavailable(cause);
    }
    // Let another tab upgrade the database: close ours, reopen on next use.
    this.#db.onversionchange = () => this.close();
    return this.#db;
  }

  async head(name, checksum) {
    const db = await this.#open(checksum);
    try {
      const tx = db.transaction('manifests', 'readonly');
      const manifest = await request(tx.objectStore('manifests').get(name));
      return manifest === undefined ? null : checkManifest(name, manifest);
    } catch (cause) {
      throw storageError('read', name, cause);
    }
  }

  async read(name, checksum) {
    const manifest = await this.head(name, checksum);
    if (!manifest) return null;
    const db = await this.#open(checksum);
    const readPages = async (keys) => {
      try {
        const tx = db.transaction('pages', 'readonly');
        const store = tx.objectStore('pages');
        const values = await Promise.all(keys.map((k) => request(store.get(k))));
        return new Map(keys.map((k, i) => [k, values[i]]));
      } catch (cause) {
        throw storageError('read', name, cause);
      }
    };
    return readGeneration(name, manifest, readPages, checksum);
  }

  /** Writes the next generation atomically; fails with CONFLICT if the stored generation moved. */
  async commit(name, { expectGeneration, base, snapshot, records, binding, checksum }) {
    const db = await this.#open(checksum);
    const { manifest, pages } = nextGeneration(name, base, { snapshot, records, binding, checksum, after: expectGeneration });
    try {
      // 'strict': the commit is on disk when it completes, not only in the OS cache.
      const tx = db.transaction(['manifests', 'pages'], 'readwrite', { durability: 'strict' });
      const finished = done(tx);
      const manifests = tx.objectStore('manifests');
      const current = await request(manifests.get(name));
      if ((current?.generation ?? 0) !== expectGeneration) {
        tx.abort();
        await finished.catch(() => {});
        throw new OspreyError(`collection '${name}' was saved elsewhere meanwhile (generation ` +
          `${current?.generation} instead of ${expectGeneration})`, 'CONFLICT');
      }
      const store = tx.objectStore('pages');
      for (const page of pages) store.put(page.bytes, page.key);
      manifests.put(manifest, name);
      await finished;
    } catch (cause) {
      throw storageError('save', name, cause);
    }
    this.lastCommitBytes = pages.reduce((sum, p) => sum + p.bytes.length, 0);
    await this.#collect(name, manifest).catch(() => {}); // garbage only: retried after the next commit
    return manifest;
  }

  async #collect(name, manifest) {
    const keep = referencedKeys(manifest);
    const tx = this.#db.transaction('pages', 'readwrite');
    const store = tx.objectStore('pages');
    const keys = await request(store.getAllKeys(IDBKeyRange.bound(...pageRange(name))));
    for (const key of keys) if (!keep.has(key)) store.delete(key);
    await done(tx);
  }

  async delete(name) {
    const db = await this.#open();
    try {
      const tx = db.transaction(['manifests', 'pages'], 'readwrite');
      tx.objectStore('manifests').delete(name);
      tx.objectStore('pages').delete(IDBKeyRange.bound(...pageRange(name)));
      await done(tx);
    } catch (cause) {
      throw storageError('delete', name, cause);
    }
  }

  async list() {
    const db = await this.#open();
    const tx = db.transaction('manifests', 'readonly');
    return request(tx.objectStore('manifests').getAllKeys());
  }

  close() {
    this.#db?.close();
    this.#db = null;
  }
}

function unavailable(cause) {
  return new OspreyError(`IndexedDB is not usable here (${cause?.message ?? cause}); private ` +
    "browsing can block it. Open the collection with {storage: 'memory'} to work without " +
    'persistence.', 'STORAGE_UNAVAILABLE', { cause });
}

// Version 1 kept each collection as one record {bytes} in a 'collections' store: move each into
// the paged layout as a generation-1 snapshot, inside the upgrade transaction.
function upgrade(db, tx, oldVersion, checksum) {
  if (!db.objectStoreNames.contains('manifests')) db.createObjectStore('manifests');
  if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages');
  if (oldVersion === 1 && db.objectStoreNames.contains('collections')) {
    const old = tx.objectStore('collections');
    const cursorRequest = old.openCursor();
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) {
        db.deleteObjectStore('collections');
        return;
      }
      const bytes = cursor.value?.bytes;
      if (bytes instanceof Uint8Array && checksum) {
        const name = String(cursor.key);
        const { manifest, pages } = nextGeneration(name, null, { snapshot: bytes, binding: null, checksum });
        for (const page of pages) tx.objectStore('pages').put(page.bytes, page.key);
        tx.objectStore('manifests').put(manifest, name);
      }
      cursor.continue();
    };
  }
}
