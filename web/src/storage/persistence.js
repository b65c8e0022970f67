// Keeps one open collection in step with its storage. Opening replays the last snapshot and its
// change records; save() appends a change record (bytes proportional to the change) or, once the
// log has grown, writes a new snapshot. Writers take turns through a Web Lock; a writer that finds
// a newer generation merges it first (its own changes replayed on top: last writer wins per
// document), so no update is lost. Other tabs hear of new generations on a BroadcastChannel.
import { OspreyError } from '../errors.js';
import { bindingOf, checkBinding } from './binding.js';
import { logSize } from './manifest.js';

// Compaction: a new snapshot once the log is half the snapshot's size, or this many records long.
const MAX_RECORDS = 64;
const MAX_LOG_FRACTION = 0.5;

const localLocks = new Map(); // when navigator.locks is missing (Node): a queue per realm

function withLock(name, fn) {
  const locks = globalThis.navigator?.locks;
  if (locks?.request) return locks.request(`osprey:${name}`, { mode: 'exclusive' }, fn);
  const run = (localLocks.get(name) ?? Promise.resolve()).then(fn, fn);
  localLocks.set(name, run.catch(() => {}));
  return run;
}

export class Persistence {
  #core;    // the WASM module: Collection, crc32c
  #storage;
  #name;
  #embedding; // {model, tokenizer}: the embedding model id and tokenizer fingerprint (model
              // undefined: this opener does not embed, nothing to check)
  #handle;  // {get(), set(handle)}: the collection's current core handle
  #onChange;
  #base = null;           // manifest of the generation the collection was built from
  #generation = 0;        // generation stored when we last read or wrote
  #pending = [];          // change records taken from the journal, not committed yet
  #needsSnapshot = false; // changes that no record holds (new collection, import, journal overflow)
  #replacing = false;     // an import: the next save replaces what is stored
  #channel = null;
  recovered = null;
  lastSave = null; // {kind: 'snapshot' | 'record', bytes, generation} of the last commit

  constructor({ core, storage, name, model, tokenizer, handle, onChange }) {
    this.#core = core;
    this.#storage = storage;
    this.#name = name;
    this.#embedding = { model, tokenizer };
    this.#handle = handle;
    this.#onChange = onChange;
  }

  get generation() { return this.#generation; }
  #checksum = (bytes) => this.#core.crc32c(bytes);

  /**
   * The core handle of `name`: from `bytes` (an import, stored by the next save), else from storage,
   * else a new collection made with `createOptions`. Refuses a stored collection whose dimension,
   * metric, index, analyzer, embedding model or tokenizer differs from what `createOptions`/the
   * model ask for (binding.js).
   */
  async open({ createOptions, bytes }) {
    let handle;
    if (bytes) {
      handle = this.#core.Collection.load(bytes, {});
      this.#needsSnapshot = this.#replacing = true;
    } else {
      const stored = await this.#storage.read(this.#name, this.#checksum);
      if (stored) {
        handle = this.#build(stored);
      } else {
        handle = this.#core.Collection.create(createOptions);
        this.#needsSnapshot = true;
      }
    }
    try {
      checkBinding(this.#name, this.#base?.binding ?? null, handle.info(), this.#embedding, createOptions);
      handle.setJournaling(true); // a new or imported collection: its first save is a snapshot
    } catch (error) {
      handle.delete();
      throw error;
    }
    this.#listen();
    return handle;
  }

  // The stored snapshot with its records replayed in order, journaling from that state on. The
  // core loads what opening needs and decodes the rest on first use. Pages that the storage layer
  // checked are not checksummed again (a custom storage that does not say so is).
  #build(stored) {
    const handle = this.#core.Collection.load(stored.snapshot, { verified: stored.verified === true });
    try {
      for (const record of stored.records) handle.applyJournal(record);
      handle.setJournaling(true);
      handle.snapshotSaved();
    } catch (error) {
      handle.delete();
      throw error;
    }
    this.#base = stored.manifest;
    this.#generation = stored.headGeneration;
    this.recovered = stored.recovered;
    if (stored.recovered) {
      console.warn(`Osprey: collection '${this.#name}': ${stored.recovered.reason}; opened generation ` +
        `${stored.recovered.generation} instead.`);
    }
    return handle;
  }

  /** True when the collection has changes that are not saved. */
  dirty() {
    const handle = this.#handle.get();
    // An incomplete journal holds changes it could not record (e.g. ingestion's metadata updates).
    return this.#needsSnapshot || this.#pending.length > 0 || handle.journalOperations() > 0 ||
      handle.journalIncomplete();
  }

  /** Commits the collection's changes as the next generation. */
  async save() {
    await withLock(this.#name, async () => {
      this.#takeJournal(this.#handle.get());
      for (;;) {
        const head = await this.#storage.head(this.#name, this.#checksum);
        const stored = head?.generation ?? 0;
        if (stored !== this.#generation && !this.#replacing) await this.#merge();
        if (!this.#needsSnapshot && this.#pending.length === 0) return;
        const handle = this.#handle.get();
        const base = this.#replacing ? head : this.#base;
        const pendingBytes = this.#pending.reduce((sum, r) => sum + r.length, 0);
        const compact = this.#needsSnapshot || !base || base.records.length + this.#pending.length > MAX_RECORDS ||
          logSize(base) + pendingBytes > base.snapshot.size * MAX_LOG_FRACTION;
        let snapshot;
        if (compact) {
          // Synchronously with serialize(): changes made while the commit is in flight are journaled
          // against this snapshot.
          this.#takeJournal(handle);
          snapshot = handle.serialize();
          handle.snapshotSaved();
        }
        try {
          const manifest = await this.#storage.commit(this.#name, {
            expectGeneration: stored,
            base,
            snapshot,
            records: compact ? [] : this.#pending,
            binding: bindingOf(handle.info(), this.#embedding, base?.binding),
            checksum: this.#checksum,
          });
          this.#base = manifest;
          this.#generation = manifest.generation;
          this.#pending = [];
          this.#needsSnapshot = this.#replacing = false;
          this.recovered = null;
          this.lastSave = { kind: compact ? 'snapshot' : 'record', bytes: this.#storage.lastCommitBytes ?? null,
            generation: manifest.generation };
          this.#channel?.postMessage({ generation: manifest.generation });
          return;
        } catch (error) {
          if (compact) this.#needsSnapshot = true; // the journal restarted at the unsaved snapshot
          if (error.code !== 'CONFLICT') throw error; // nothing was committed; the changes stay here
        }
      }
    });
  }

  #takeJournal(handle) {
    if (handle.journalIncomplete()) this.#needsSnapshot = true;
    else if (handle.journalOperations() > 0) this.#pending.push(handle.takeJournal());
  }

  // Another writer committed since we read: rebuild from storage and replay our own pending
  // records on top (last writer wins per document).
  async #merge() {
    const stored = await this.#storage.read(this.#name, this.#checksum);
    if (!stored) return;
    const old = this.#handle.get();
    this.#takeJournal(old); // changes made while we awaited
    if (this.#needsSnapshot && this.#base) {
      throw new OspreyError(`collection '${this.#name}' was saved elsewhere meanwhile, and this copy ` +
        'has more unsaved changes than its journal holds: save more often, or reopen and redo them', 'CONFLICT');
    }
    const fresh = this.#build(stored);
    try {
      for (const record of this.#pending) fresh.applyJournal(record);
    } catch (error) {
      fresh.delete();
      throw error;
    }
    this.#handle.set(fresh);
    old.delete();
  }

  /** Loads the newest stored generation, unless this copy has unsaved changes. */
  async refresh() {
    if (this.dirty()) return false;
    return withLock(this.#name, async () => {
      const head = await this.#storage.head(this.#name, this.#checksum);
      if (!head || head.generation === this.#generation || this.dirty()) return false;
      const stored = await this.#storage.read(this.#name, this.#checksum);
      if (!stored || this.dirty()) return false;
      const old = this.#handle.get();
      this.#handle.set(this.#build(stored));
      old.delete();
      return true;
    });
  }

  #listen() {
    if (this.#storage.kind !== 'indexeddb' || typeof BroadcastChannel !== 'function') return;
    this.#channel = new BroadcastChannel(`osprey:${this.#name}`);
    this.#channel.onmessage = (event) => {
      if (event.data?.generation > this.#generation) this.#onChange?.(event.data.generation);
    };
  }

  close() {
    this.#channel?.close();
    this.#channel = null;
  }
}
