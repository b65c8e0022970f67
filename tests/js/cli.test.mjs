// The command line (bin/osprey.mjs) as users run it: index a folder, search the index file, evaluate
// a BEIR folder; bad input gives a message and a non-zero exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, stat } from 'node:fs/promises';
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

let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-'));
  await mkdir(join(dir, 'notes', 'sub'), { recursive: true });
  await writeFile(join(dir, 'notes', 'gliders.txt'), 'Gliders ride thermals of rising air.');
  await writeFile(join(dir, 'notes', 'sub', 'wings.md'), '# Wings\n\nA swept wing delays shock waves.\n');
  await writeFile(join(dir, 'notes', 'heat.html'), '<html><head><title>Heat &amp; flow</title><style>p{}</style></head>' +
    '<body><p>Boundary layer heat transfer.</p><script>const thermals = 1;</script></body></html>');
  await writeFile(join(dir, 'notes', 'more.json'), JSON.stringify([
    { id: 'jet', title: 'Jets', text: 'Jet nozzle thrust.', year: 2020 }, { title: 'Stall', body: 'Wing stall at a high angle.' }]));
  await writeFile(join(dir, 'notes', 'ignored.bin'), 'wing wing wing');
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('index a folder, then search the index file', async () => {
  const indexed = await osprey(['index', 'notes', '--out', 'notes.osprey'], dir);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stdout, /indexed 5 documents from 4 files into notes\.osprey/);
  assert.ok((await stat(join(dir, 'notes.osprey'))).size > 0);

  const found = await osprey(['search', 'wing', '--index', 'notes.osprey', '--json'], dir);
  assert.equal(found.code, 0, found.stderr);
  const hits = JSON.parse(found.stdout);
  assert.deepEqual(hits.map((h) => h.id).sort(), ['more.json#1', 'sub/wings.md']);
  assert.equal(hits.find((h) => h.id === 'sub/wings.md').title, 'Wings');
  assert.ok(hits[0].score >= hits[1].score);

  // HTML: the title without entities, the text without scripts and styles.
  const heat = JSON.parse((await osprey(['search', 'heat', '--index', 'notes.osprey', '--json'], dir)).stdout);
  assert.deepEqual(heat.map((h) => [h.id, h.title]), [['heat.html', 'Heat & flow']]);
  const thermals = JSON.parse((await osprey(['search', 'thermals', '--index', 'notes.osprey', '--json'], dir)).stdout);
  assert.deepEqual(thermals.map((h) => h.id), ['gliders.txt']);
  const jet = JSON.parse((await osprey(['search', 'nozzle', '--index', 'notes.osprey', '--json'], dir)).stdout);
  assert.deepEqual(jet.map((h) => [h.id, h.metadata.year]), [['more.json#jet', 2020]]);

  const text = await osprey(['search', 'swept', 'wing', '--index', 'notes.osprey', '--k', '1'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^1\. sub\/wings\.md/);
  assert.match(text.stdout, /\[swept\] \[wing\]/);
  assert.doesNotMatch(text.stdout, /^2\./m);
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
  const cases = [
    [['search', 'wing', '--index', 'missing.osprey'], 2, /no index at missing\.osprey: create one with 'osprey index/],
    [['index', 'no-such-dir'], 2, /no directory no-such-dir/],
    [['frob'], 2, /unknown command 'frob'/],
    [['search', 'x', '--k', 'many'], 2, /--k needs a number/],
    [['search', 'x', '--colour'], 2, /unknown option --colour/],
    [['eval', join(dir, 'notes')], 2, /cannot read the BEIR folder/],
    [['search', 'wing', '--index', 'notes/gliders.txt'], 1, /UNSUPPORTED_FORMAT/],
  ];
  for (const [args, code, message] of cases) {
    const result = await osprey(args, dir);
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const help = await osprey(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /osprey index <dir>/);
});
