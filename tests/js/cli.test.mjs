// The command line (bin/osprey.mjs) as users run it: index a folder (files cut into passages by the
// core, re-indexing only what changed), search it by document with the best passages and their
// offsets into the files, assemble cited context, evaluate a BEIR folder; bad input gives a message
// and a non-zero exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateDataset } from '../../scripts/eval.mjs';

const CLI = fileURLToPath(new URL('../../bin/osprey.mjs', import.meta.url));
const ADI = fileURLToPath(new URL('../../../shared/data/ir/adi/', import.meta.url));

function osprey(args, cwd) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

async function json(args, cwd) {
  const result = await osprey([...args, '--json'], cwd);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const JSON_RECORDS = [
  { id: 'jet', title: 'Jets', text: 'Jet nozzle thrust.', year: 2020 }, { title: 'Stall', body: 'Wing stall at a high angle.' }];
const HEAT = '<html><head><title>Heat &amp; flow</title><style>p{}</style></head>' +
  '<body><p>Boundary layer heat transfer.</p><script>const thermals = 1;</script></body></html>';

let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-'));
  await mkdir(join(dir, 'notes', 'sub'), { recursive: true });
  await writeFile(join(dir, 'notes', 'gliders.txt'), 'Gliders ride thermals of rising air.');
  await writeFile(join(dir, 'notes', 'sub', 'wings.md'), '# Wings\n\nIntro to lift.\n\n## Sweep\n\nA swept wing delays shock waves.\n');
  await writeFile(join(dir, 'notes', 'heat.html'), HEAT);
  await writeFile(join(dir, 'notes', 'more.json'), JSON.stringify(JSON_RECORDS));
  await writeFile(join(dir, 'notes', 'ignored.bin'), 'wing wing wing');
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

// The text a passage's offsets point into: the file, or for a JSON record its text fields.
async function sourceOf(id) {
  if (id.startsWith('more.json#')) {
    const record = id === 'more.json#jet' ? JSON_RECORDS[0] : JSON_RECORDS[Number(id.split('#')[1])];
    return record.text ?? record.body;
  }
  return readFile(join(dir, 'notes', id), 'utf8');
}

test('index a folder into passages, then search it by document with offsets into the files', async () => {
  const indexed = await osprey(['index', 'notes', '--out', 'notes.osprey'], dir);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stdout, /indexed 5 documents from 4 files into notes\.osprey: 5 new or changed, 0 unchanged, 0 deleted/);
  assert.ok((await stat(join(dir, 'notes.osprey'))).size > 0);

  const hits = await json(['search', 'wing', '--index', 'notes.osprey'], dir);
  assert.deepEqual(hits.map((h) => h.id).sort(), ['more.json#1', 'sub/wings.md']);
  assert.ok(hits[0].score >= hits[1].score);
  for (const hit of hits) {
    const source = await sourceOf(hit.id);
    assert.ok(hit.passages.length >= 1);
    for (const p of hit.passages) assert.equal(source.slice(p.start, p.end), p.text);
  }
  // Markdown: the passage with the match sits under its heading path.
  const wings = hits.find((h) => h.id === 'sub/wings.md');
  assert.equal(wings.passages[0].section, 'Wings > Sweep');
  assert.match(wings.passages[0].text, /A swept wing delays shock waves\./);
  assert.deepEqual(wings.metadata, { path: 'sub/wings.md' });
  assert.deepEqual(hits.find((h) => h.id === 'more.json#1').title, 'Stall');

  // HTML: the title without entities, the visible text without scripts and styles; the offsets
  // cover the source span the text came from.
  const heat = await json(['search', 'heat', '--index', 'notes.osprey'], dir);
  assert.deepEqual(heat.map((h) => [h.id, h.title]), [['heat.html', 'Heat & flow']]);
  const [p] = heat[0].passages;
  assert.equal(p.text, 'Boundary layer heat transfer.');
  assert.equal(HEAT.slice(p.start, p.end), 'Boundary layer heat transfer.');
  assert.equal(Buffer.from(HEAT).subarray(p.byteStart, p.byteEnd).toString(), 'Boundary layer heat transfer.');
  const thermals = await json(['search', 'thermals', '--index', 'notes.osprey'], dir);
  assert.deepEqual(thermals.map((h) => h.id), ['gliders.txt']);
  // JSON records: fields mapped to title, text and metadata.
  const jet = await json(['search', 'nozzle', '--index', 'notes.osprey'], dir);
  assert.deepEqual(jet.map((h) => [h.id, h.title, h.metadata]), [['more.json#jet', 'Jets', { path: 'more.json', year: 2020 }]]);

  const text = await osprey(['search', 'swept', 'wing', '--index', 'notes.osprey', '--k', '1'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^1\. sub\/wings\.md  \(score \d+\.\d{3}\)\n/);
  assert.match(text.stdout, /^ {3}§ Wings > Sweep {2}chars \d+–\d+, bytes \d+–\d+$/m);
  assert.match(text.stdout, /\[swept\] \[wing\]/);
  assert.doesNotMatch(text.stdout, /^2\./m);
});

test('context: the best passages within a token budget, cited with document, section and offsets', async () => {
  await osprey(['index', 'notes', '--out', 'ctx.osprey'], dir);
  const ctx = await json(['search', 'wing', 'heat', '--index', 'ctx.osprey', '--context', '60'], dir);
  assert.ok(ctx.tokens > 0 && ctx.tokens <= 60, String(ctx.tokens));
  assert.ok(ctx.passages.length >= 2);
  for (const p of ctx.passages) {
    assert.equal((await sourceOf(p.docId)).slice(p.start, p.end).replace(/<[^>]+>/g, ''), p.text.replace(/<[^>]+>/g, ''));
    assert.ok(ctx.prompt.includes(`[${p.citation}] ${p.docId}`));
  }
  const small = await json(['search', 'wing', 'heat', '--index', 'ctx.osprey', '--context', '12'], dir);
  assert.ok(small.tokens <= 12 && small.passages.length < ctx.passages.length);

  const text = await osprey(['search', 'swept', 'wing', '--index', 'ctx.osprey', '--context', '40'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^\[1\] sub\/wings\.md — Wings > Sweep\n/);
  assert.match(text.stdout, /^-- \d+ of 40 tokens, \d+ passages?/m);
  assert.match(text.stdout, /^\[1\] sub\/wings\.md {2}§ Wings > Sweep {2}chars \d+–\d+, bytes \d+–\d+$/m);
  const bad = await osprey(['search', 'wing', '--index', 'ctx.osprey', '--context', '10', '--order', 'random'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /INVALID_ARGUMENT/);
});

test('re-indexing with a model: unchanged files embed nothing, a changed file only its passages, a removed file is deleted', async () => {
  const work = join(dir, 'incremental');
  await cp(join(dir, 'notes'), join(work, 'notes'), { recursive: true });
  const model = ['--model', 'osprey-static-en'];
  const first = await json(['index', 'notes', '--out', 'm.osprey', ...model], work);
  assert.equal(first.documents, 5);
  assert.equal(first.changed, 5);
  assert.ok(first.passagesAdded >= 6, JSON.stringify(first));
  assert.equal(first.embedded, first.passagesAdded);
  assert.equal(first.passages, first.passagesAdded);
  const bytes = await readFile(join(work, 'm.osprey'));

  const again = await json(['index', 'notes', '--out', 'm.osprey', ...model], work);
  assert.deepEqual([again.unchanged, again.changed, again.deleted, again.embedded, again.passagesAdded, again.written],
    [5, 0, 0, 0, 0, false]);
  assert.deepEqual(await readFile(join(work, 'm.osprey')), bytes);

  // One new paragraph in the Markdown file, one file gone.
  await writeFile(join(work, 'notes', 'sub', 'wings.md'),
    '# Wings\n\nIntro to lift.\n\n## Sweep\n\nA swept wing delays shock waves.\n\n## Flaps\n\nFlaps add camber for landing.\n');
  await rm(join(work, 'notes', 'heat.html'));
  const changed = await json(['index', 'notes', '--out', 'm.osprey', ...model], work);
  assert.deepEqual([changed.documents, changed.unchanged, changed.changed, changed.deleted], [4, 3, 1, 1]);
  assert.equal(changed.passagesAdded, 1);
  assert.equal(changed.embedded, 1);
  assert.ok(changed.passagesKept >= 2);
  assert.equal(changed.passages, first.passages - 1 + 1);

  const hits = await json(['search', 'camber', '--index', 'm.osprey', ...model], work);
  assert.equal(hits[0].id, 'sub/wings.md');
  assert.equal(hits[0].passages[0].section, 'Wings > Flaps');
  assert.equal(hits[0].passages[0].sparseRank, 1);
  assert.ok(hits[0].passages[0].denseRank >= 1);
  assert.deepEqual((await json(['search', 'boundary', 'layer', '--index', 'm.osprey', ...model], work))
    .filter((h) => h.id === 'heat.html'), []);

  const noModel = await osprey(['search', 'camber', '--index', 'm.osprey'], work);
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /m\.osprey holds 100-d vectors: pass the model it was built with \(--model <id>\)/);
  const rebuilt = await json(['index', 'notes', '--out', 'm.osprey', '--rebuild'], work);
  assert.deepEqual([rebuilt.changed, rebuilt.embedded], [4, 0]);
  assert.equal((await json(['search', 'camber', '--index', 'm.osprey'], work))[0].id, 'sub/wings.md');
});

test('eval reports the metrics of the evaluation script on a BEIR folder', async () => {
  const result = await osprey(['eval', ADI, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const metrics = JSON.parse(result.stdout);
  const reference = await evaluateDataset(ADI);
  assert.equal(metrics.dataset, 'adi');
  assert.equal(metrics.queries, reference.queries);
  assert.ok(metrics.queries > 0);
  for (const key of ['ndcg10', 'map', 'mrr10', 'recall100']) {
    assert.ok(Math.abs(metrics[key] - reference[key]) < 1e-9, `${key}: ${metrics[key]} vs ${reference[key]}`);
  }
  assert.ok(metrics.ndcg10 > 0.2 && metrics.ndcg10 < 1);
  const human = await osprey(['eval', ADI]);
  assert.match(human.stdout, /nDCG@10 0\.\d{4}/);
});

test('bad input: a message that says what to do and a non-zero exit code', async () => {
  await mkdir(join(dir, 'reserved'), { recursive: true });
  await writeFile(join(dir, 'reserved', 'a.txt'), 'Fine text.');
  await writeFile(join(dir, 'reserved', 'events.json'), JSON.stringify([{ id: 'e', text: 'Launch.', start: 3 }]));
  const cases = [
    [['search', 'wing', '--index', 'missing.osprey'], 2, /no index at missing\.osprey: create one with 'osprey index/],
    [['index', 'no-such-dir'], 2, /no directory no-such-dir/],
    [['frob'], 2, /unknown command 'frob'/],
    [['search', 'x', '--k', 'many'], 2, /--k needs a number/],
    [['search', 'x', '--colour'], 2, /unknown option --colour/],
    [['eval', join(dir, 'notes')], 2, /cannot read the BEIR folder/],
    [['search', 'wing', '--index', 'notes/gliders.txt'], 1, /UNSUPPORTED_FORMAT/],
    [['index', 'notes', '--out', 'notes/gliders.txt'], 2, /notes\/gliders\.txt is not an index this version can update .*--rebuild/],
    [['search', 'wing', '--index', 'notes'], 2, /cannot read notes/],
    [['search', 'wing', '--order', 'document'], 2, /--order needs --context <tokens>/],
    [['index', 'reserved', '--out', 'reserved.osprey'], 1, /document 'events\.json#e' metadata uses the key 'start'.*rename it/],
    [['index', 'notes', '--out', 'x.osprey', '--model', 'no-such-model'], 1, /unknown model 'no-such-model'.*\(UNKNOWN_MODEL\)/],
  ];
  for (const [args, code, message] of cases) {
    const result = await osprey(args, dir);
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  // Nothing was written by the failed runs.
  await assert.rejects(stat(join(dir, 'reserved.osprey')), { code: 'ENOENT' });
  await assert.rejects(stat(join(dir, 'x.osprey')), { code: 'ENOENT' });
  assert.equal(await readFile(join(dir, 'notes', 'gliders.txt'), 'utf8'), 'Gliders ride thermals of rising air.');
  const help = await osprey(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /osprey index <dir>/);
});
