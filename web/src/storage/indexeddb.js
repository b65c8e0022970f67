// Saves each collection as one record of its serialized (checksummed) bytes in IndexedDB.
// The write is a single transaction, so a crash leaves either the old or the new bytes.
import { OspreyError } from '../errors.js';

const DB_VERSION = 1;
const STORE = 'collections';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function storageError(action, name, cause) {
  if (cause?.name === 'QuotaExceededError') {
    return new OspreyError(
      `saving collection '${name}' exceeded the browser's storage quota; the last saved ` +
        'version is intact. Free space, or ask for persistent storage (navigator.storage.persist()).',
      'QUOTA_EXCEEDED', { cause });
  }
  return new OspreyError(`IndexedDB could not ${action} collection '${name}': ${cause?.message ?? cause}`,
    'STORAGE_FAILED', { cause });
}

export class IndexedDBStorage {
  kind = 'indexeddb';
  #dbName;
  #db = null;

  constructor(dbName = 'osprey') {
    this.#dbName = dbName;
  }

  static available() {
    return typeof indexedDB !== 'undefined' && indexedDB !== null;
  }

  async #open() {
    if (this.#db) return this.#db;
    const req = indexedDB.open(this.#dbName, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    try {
      this.#db = await request(req);
    } catch (cause) {
      throw new OspreyError(
        `IndexedDB is not usable here (${cause?.message ?? cause}); private browsing may block it. ` +
          "Open the collection with {storage: 'memory'} to work without persistence.",
        'STORAGE_UNAVAILABLE', { cause });
    }
    // Another tab upgrading the database must not be blocked by us.
    this.#db.onversionchange = () => {
      this.#db.close();
      this.#db = null;
    };
    return this.#db;
  }

  async #transaction(mode, action, name, body) {
    const db = await this.#open();
    try {
      const tx = db.transaction(STORE, mode);
      const result = body(tx.objectStore(STORE));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
      });
      return result === undefined ? undefined : await result;
    } catch (cause) {
      throw storageError(action, name, cause);
    }
  }

  async get(name) {
    let record;
    await this.#transaction('readonly', 'read', name, (store) => {
      const req = store.get(name);
      req.onsuccess = () => { record = req.result; };
    });
    if (record === undefined) return null;
    if (!(record?.bytes instanceof Uint8Array)) {
      throw new OspreyError(`the IndexedDB record of collection '${name}' was not written by Osprey`,
        'UNSUPPORTED_FORMAT');
    }
    return record.bytes;
  }

  async put(name, bytes) {
    await this.#transaction('readwrite', 'save', name, (store) => {
      store.put({ bytes, savedAt: Date.now() }, name);
    });
  }

  async delete(name) {
    await this.#transaction('readwrite', 'delete', name, (store) => { store.delete(name); });
  }

  async list() {
    let keys = [];
    await this.#transaction('readonly', 'list', '*', (store) => {
      const req = store.getAllKeys();
      req.onsuccess = () => { keys = req.result; };
    });
    return keys;
  }

  close() {
    this.#db?.close();
    this.#db = null;
  }
}
