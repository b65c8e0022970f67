#!/usr/bin/env node
// Osprey's command line, on the same WebAssembly core as the browser package.
//   osprey index <dir> [--out index.osprey] [--model <id>]   ingests .txt .md .html .htm .json files
//   osprey search <query> [--index index.osprey] [--k 10] [--context <tokens>] [--json]
//   osprey eval <beir-dir> [--k1 0.9 --b 0.4] [--json]   nDCG@10, MAP, MRR@10, Recall@100
import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { Osprey, OspreyError } from '../web/src/osprey.js';
import { addFileDocuments, documentsFromFile, INDEXED_EXTENSIONS } from './lib/documents.mjs';

const USAGE = `usage:
  osprey index <dir> [--out index.osprey] [--model <id>] [--max-tokens <n>] [--overlap <n>] [--rebuild] [--json]
                                               index .txt .md .html .htm .json files under <dir>, cut
                                               into passages; an existing index is updated in place
  osprey search <query> [--index index.osprey] [--model <id>] [--k 10] [--passages 2] [--json]
  osprey search <query> --context <tokens> [--order relevance|document|edges] [--max-per-doc <n>] [--json]
                                               the best passages packed into a token budget, cited
  osprey eval <beir-dir> [--k1 <n>] [--b <n>] [--json]
                                               nDCG@10, MAP, MRR@10, Recall@100 of BM25 on a BEIR folder`;

class UsageError extends Error {}

function parse(argv, flags) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const name = arg.slice(2);
    if (!(name in flags)) throw new UsageError(`unknown option ${arg}`);
    if (flags[name] === 'boolean') { options[name] = true; continue; }
    if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
    const value = argv[++i];
    if (flags[name] === 'number' && !Number.isFinite(Number(value))) throw new UsageError(`${arg} needs a number, not '${value}'`);
    options[name] = flags[name] === 'number' ? Number(value) : value;
  }
  return { positional, options };
}

async function* walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && INDEXED_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield path;
  }
}

/** The bytes of an index file, or null when there is none. */
async function readIndex(path) {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${path}: ${error.message}`);
  }
}

/**
 * Opens an index file (or a new collection when `bytes` is null), with the embedding model that
 * its vectors need: the CLI cannot tell which model made them, so the user names it again.
 */
async function openIndex(name, path, bytes, model) {
  const collection = await Osprey.open(name, { storage: 'memory', ...(bytes ? { bytes } : {}), ...(model ? { model } : {}) });
  const { dimension } = collection.info();
  if (dimension > 0 && !model) {
    collection.close();
    throw new UsageError(`${path} holds ${dimension}-d vectors: pass the model it was built with (--model <id>)`);
  }
  if (dimension === 0 && model) {
    collection.close();
    throw new UsageError(`${path} was built without a model: drop --model, or rebuild it with 'osprey index <dir> --out ${path} --model ${model} --rebuild'`);
  }
  return collection;
}

// Batch errors name a document by its position: add the file it came from.
function withFile(error, docs) {
  const at = /\b(?:record|document) #(\d+)|documents\[(\d+)\]/.exec(error.message ?? '');
  const doc = at && docs[Number(at[1] ?? at[2])];
  if (doc) error.message += ` (in ${doc.metadata?.path ?? doc.record?.path})`;
  return error;
}

async function indexCommand(argv) {
  const { positional, options } = parse(argv, { out: 'string', model: 'string', 'max-tokens': 'number',
    overlap: 'number', rebuild: 'boolean', json: 'boolean' });
  if (positional.length !== 1) throw new UsageError('index needs exactly one directory');
  const root = resolve(positional[0]);
  const out = options.out ?? 'index.osprey';
  const docs = [];
  let files = 0;
  try {
    for await (const path of walk(root)) {
      files++;
      docs.push(...documentsFromFile(relative(root, path).split('\\').join('/'), await readFile(path, 'utf8')));
    }
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new UsageError(`no directory ${positional[0]}`);
    throw error;
  }
  const chunk = {};
  if (options['max-tokens'] !== undefined) chunk.maxTokens = options['max-tokens'];
  if (options.overlap !== undefined) chunk.overlap = options.overlap;

  // An existing index is updated: unchanged files cost nothing, changed ones re-embed only their
  // changed passages, and documents whose file is gone are deleted.
  const previous = options.rebuild ? null : await readIndex(out);
  let collection;
  try {
    collection = await openIndex('cli-index', out, previous, options.model);
  } catch (error) {
    if (!['UNSUPPORTED_FORMAT', 'CORRUPT_DATA'].includes(error.code)) throw error;
    throw new UsageError(`${out} is not an index this version can update (${error.message}): ` +
      'choose another --out, or pass --rebuild to replace it');
  }
  let added;
  try {
    added = await addFileDocuments(collection, docs, { chunk });
  } catch (error) {
    throw withFile(error, docs);
  }
  const current = new Set(docs.map((d) => d.id));
  const gone = (await collection.documentIds()).filter((id) => !current.has(id));
  const deleted = gone.length ? await collection.deleteDocuments(gone) : { deletedDocuments: 0, passagesRemoved: 0 };
  const report = {
    files, documents: docs.length, changed: added.documents - added.unchangedDocuments,
    unchanged: added.unchangedDocuments, empty: added.emptyDocuments, deleted: deleted.deletedDocuments,
    passagesAdded: added.passagesAdded, passagesRemoved: added.passagesRemoved + deleted.passagesRemoved,
    passagesKept: added.passagesKept, passagesMoved: added.passagesMoved, embedded: added.embedded,
    passages: collection.size, written: false,
  };
  if (report.changed > 0 || report.deleted > 0 || !previous) {
    // A whole new file, then a rename: a crash never leaves half an index.
    await writeFile(`${out}.tmp`, collection.export());
    await rename(`${out}.tmp`, out);
    report.written = true;
  }
  collection.close();
  if (options.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`indexed ${report.documents} documents from ${files} files into ${out}: ` +
    `${report.changed} new or changed, ${report.unchanged} unchanged, ${report.deleted} deleted` +
    `${report.empty ? ` (${report.empty} without text)` : ''}`);
  console.log(`passages: ${report.passagesAdded} added, ${report.passagesRemoved} removed, ` +
    `${report.passagesKept} kept, ${report.embedded} embedded; ${report.passages} in the index` +
    (report.written ? '' : ' (up to date: not rewritten)'));
}

/** The passage's text around its first match, matched terms in [brackets], on one line. */
function marked(passage, width = 200) {
  const { text } = passage;
  const spans = passage.highlights ?? [];
  const from = spans.length ? Math.max(0, spans[0][0] - 60) : 0;
  const to = Math.min(text.length, from + width);
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [start, end] of spans) {
    if (start < at || end > to) continue;
    out += `${text.slice(at, start)}[${text.slice(start, end)}]`;
    at = end;
  }
  out += text.slice(at, to) + (to < text.length ? '…' : '');
  return out.replace(/\s+/g, ' ').trim();
}

// Where a passage is in its source: the heading path, then UTF-16 and UTF-8 offsets into the file
// (for HTML the passage is the visible text of that span).
const place = (p) => `${p.section ? `§ ${p.section}  ` : ''}chars ${p.start}–${p.end}, bytes ${p.byteStart}–${p.byteEnd}`;

// The document's own metadata, from its best passage (without what ingestion adds to passages).
async function documentMetadata(collection, passageId) {
  const { docId, section, start, end, byteStart, byteEnd, ...metadata } = (await collection.get(passageId))?.metadata ?? {};
  return metadata;
}

async function searchCommand(argv) {
  const { positional, options } = parse(argv, { index: 'string', model: 'string', k: 'number', passages: 'number',
    context: 'number', order: 'string', 'max-per-doc': 'number', json: 'boolean' });
  if (positional.length === 0) throw new UsageError('search needs a query');
  const contextOnly = ['order', 'max-per-doc'].filter((o) => options[o] !== undefined);
  if (options.context === undefined && contextOnly.length) throw new UsageError(`--${contextOnly[0]} needs --context <tokens>`);
  if (options.context !== undefined && options.passages !== undefined) throw new UsageError('--passages does not apply to --context');
  const path = options.index ?? 'index.osprey';
  const bytes = await readIndex(path);
  if (!bytes) throw new UsageError(`no index at ${path}: create one with 'osprey index <dir> --out ${path}'`);
  const collection = await openIndex('cli-search', path, bytes, options.model);
  const query = positional.join(' ');
  try {
    if (options.context !== undefined) {
      const ctx = await collection.context(query, { tokenBudget: options.context,
        ...(options.order !== undefined ? { order: options.order } : {}),
        ...(options['max-per-doc'] !== undefined ? { maxPerDoc: options['max-per-doc'] } : {}) });
      if (options.json) {
        console.log(JSON.stringify(ctx, null, 2));
      } else if (ctx.passages.length === 0) {
        console.log('no passages');
      } else {
        console.log(ctx.prompt);
        console.log(`\n-- ${ctx.tokens} of ${options.context} tokens, ${ctx.passages.length} passages` +
          `${ctx.leftOut ? `, ${ctx.leftOut} left out` : ''}`);
        for (const p of ctx.passages) console.log(`[${p.citation}] ${p.docId}  ${place(p)}`);
      }
      return;
    }
    const docs = await collection.searchDocuments(query, { k: options.k ?? 10, passagesPerDocument: options.passages ?? 2 });
    if (options.json) {
      const out = [];
      for (const { id, title, score, passages } of docs) {
        out.push({ id, title, score, metadata: await documentMetadata(collection, passages[0].id),
          passages: passages.map(({ snippet, ...p }) => p) });
      }
      console.log(JSON.stringify(out, null, 2));
    } else if (docs.length === 0) {
      console.log('no results');
    } else {
      docs.forEach((doc, i) => {
        console.log(`${i + 1}. ${doc.id}  (score ${doc.score.toFixed(3)})${doc.title ? `  ${doc.title}` : ''}`);
        for (const p of doc.passages) {
          console.log(`   ${place(p)}`);
          console.log(`     ${marked(p)}`);
        }
      });
    }
  } finally {
    collection.close();
  }
}

async function evalCommand(argv) {
  const { positional, options } = parse(argv, { k1: 'number', b: 'number', json: 'boolean' });
  if (positional.length !== 1) throw new UsageError('eval needs one BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)');
  const { readBeir, evaluate } = await import('../scripts/lib/beir.mjs');
  let data;
  try {
    data = readBeir(positional[0]);
  } catch (error) {
    throw new UsageError(`cannot read the BEIR folder ${positional[0]}: ${error.message}`);
  }
  const bm25 = {};
  if (options.k1 !== undefined) bm25.k1 = options.k1;
  if (options.b !== undefined) bm25.b = options.b;
  const collection = await Osprey.open('cli-eval', { storage: 'memory', ...(Object.keys(bm25).length ? { bm25 } : {}) });
  await collection.add(data.corpus.map((d) => ({ id: String(d._id), title: d.title ?? '', body: d.text ?? '' })));
  const rankings = new Map();
  for (const q of data.queries) {
    const hits = q.text.trim() ? await collection.search(q.text, { k: 100, mode: 'sparse' }) : [];
    rankings.set(q._id, hits.map((h) => h.id));
  }
  collection.close();
  const metrics = { dataset: basename(resolve(positional[0])), docs: data.corpus.length, ...evaluate(rankings, data.qrels) };
  if (options.json) {
    console.log(JSON.stringify(metrics));
  } else {
    console.log(`${metrics.dataset}: ${metrics.docs} documents, ${metrics.queries} queries`);
    console.log(`nDCG@10 ${metrics.ndcg10.toFixed(4)}  MAP ${metrics.map.toFixed(4)}  ` +
      `MRR@10 ${metrics.mrr10.toFixed(4)}  Recall@100 ${metrics.recall100.toFixed(4)}`);
  }
}

const COMMANDS = { index: indexCommand, search: searchCommand, eval: evalCommand };

async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!COMMANDS[command]) throw new UsageError(`unknown command '${command}'`);
  await COMMANDS[command](rest);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`osprey: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof OspreyError) {
    console.error(`osprey: ${error.message} (${error.code})`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
