// Osprey's C++ tokenizer through the JS wrapper (web/src/tokenizer.js): every oracle row of
// ../shared/data/tokenizers, the batch path, bad input, and extra pipelines checked live against
// the Rust reference (npm `tokenizers`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { Tokenizer } from '../../web/src/tokenizer.js';

const DATA = new URL('../../../shared/data/tokenizers/', import.meta.url);
const FAMILIES = ['bert-uncased', 'cross-encoder', 'bert-chinese', 'bge-zh', 'roberta', 'gpt2', 't5'];

const read = (family, file) => readFileSync(new URL(`${family}/${file}`, DATA), 'utf8');
const oracle = (family) => read(family, 'oracle.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const configOf = (family) => { try { return read(family, 'tokenizer_config.json'); } catch { return undefined; } };

for (const family of FAMILIES) {
  test(`oracle ${family}: every row matches through the JS wrapper`, async () => {
    const tokenizer = await Tokenizer.fromUrl(new URL(`${family}/tokenizer.json`, DATA),
      { configUrl: new URL(`${family}/tokenizer_config.json`, DATA) }).catch(async () =>
      Tokenizer.fromJson(read(family, 'tokenizer.json')));
    const rows = oracle(family);
    let passed = 0;
    const failures = [];
    for (const row of rows) {
      const options = row.text_pair !== undefined ? { maxLength: 512, truncation: 'longest_first' } : {};
      const e = tokenizer.encode(row.text, row.text_pair ?? null, options);
      const ok = JSON.stringify(Array.from(e.inputIds)) === JSON.stringify(row.input_ids) &&
        JSON.stringify(Array.from(e.attentionMask)) === JSON.stringify(row.attention_mask) &&
        JSON.stringify(Array.from(e.tokenTypeIds)) === JSON.stringify(row.token_type_ids) &&
        (!row.offsets?.length || JSON.stringify(e.offsets) === JSON.stringify(row.offsets));
      if (ok) passed++;
      else if (failures.length < 3) failures.push(row.text.slice(0, 80));
    }
    assert.equal(passed, rows.length, `${family}: ${passed}/${rows.length}; first failures: ${failures.join(' | ')}`);
    tokenizer.dispose();
  });
}

test('encodeBatch equals per-text encode, padded into flat tensors (int32 and int64)', async () => {
  const tokenizer = await Tokenizer.fromJson(read('bert-uncased', 'tokenizer.json'));
  const texts = oracle('bert-uncased').slice(0, 64).map((r) => r.text);
  const batch = tokenizer.encodeBatch(texts, { padding: true, maxLength: 128 });
  assert.equal(batch.rows, texts.length);
  assert.deepEqual(batch.shape, [batch.rows, batch.cols]);
  assert.equal(batch.inputIds.length, batch.rows * batch.cols);
  texts.forEach((text, r) => {
    const one = tokenizer.encode(text, { maxLength: 128 });
    const row = batch.inputIds.subarray(r * batch.cols, (r + 1) * batch.cols);
    assert.deepEqual(Array.from(row.subarray(0, one.inputIds.length)), Array.from(one.inputIds));
    assert.ok(row.subarray(one.inputIds.length).every((id) => id === tokenizer.padId));
    const mask = batch.attentionMask.subarray(r * batch.cols, (r + 1) * batch.cols);
    assert.equal(mask.reduce((a, b) => a + b, 0), one.inputIds.length);
  });
  const wide = tokenizer.encodeBatch(texts, { padding: 'max_length', maxLength: 32, dtype: 'int64' });
  assert.ok(wide.inputIds instanceof BigInt64Array);
  assert.equal(wide.cols, 32);
  assert.equal(wide.inputIds[0], 101n);
  // Pairs as [text, pair] items or as a parallel array.
  const pairs = tokenizer.encodeBatch([['a question', 'a passage']]);
  const parallel = tokenizer.encodeBatch(['a question'], ['a passage']);
  assert.deepEqual(Array.from(pairs.tokenTypeIds), Array.from(parallel.tokenTypeIds));
  assert.deepEqual(Array.from(pairs.tokenTypeIds), [0, 0, 0, 0, 1, 1, 1]);
  tokenizer.dispose();
});

test('bad input: clear OspreyErrors, never a crash', async () => {
  await assert.rejects(Tokenizer.fromJson('{not json'), { code: 'INVALID_JSON' });
  await assert.rejects(Tokenizer.fromJson('{"model":{"type":"Mystery","vocab":{}}}'),
    (e) => e.code === 'UNSUPPORTED_FORMAT' && e.message.includes('Mystery'));
  const tokenizer = await Tokenizer.fromJson(read('gpt2', 'tokenizer.json'));
  assert.throws(() => tokenizer.encode('lone \ud800 surrogate'), { code: 'INVALID_UTF8' });
  assert.throws(() => tokenizer.encodeBatch(['ok', 'bad \udfff']), { code: 'INVALID_UTF8' });
  assert.throws(() => tokenizer.encode(42), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => tokenizer.encode('x', { padding: 'sideways' }), { code: 'INVALID_ARGUMENT' });
  const big = 'Osprey tokenizes ten megabytes of text without trouble. '.repeat(190000);
  assert.ok(big.length > 10e6);
  const cut = tokenizer.encode(big, { maxLength: 1000 });
  assert.equal(cut.inputIds.length, 1000);
  const whole = tokenizer.encodeBatch([big]);
  assert.ok(whole.cols > 1e6);
  assert.deepEqual(Array.from(whole.inputIds.subarray(0, 1000)), Array.from(cut.inputIds));
  tokenizer.dispose();
  assert.throws(() => tokenizer.encode('x'), { code: 'CLOSED' });
});

test('decode round-trips byte-level BPE', async () => {
  const tokenizer = await Tokenizer.fromJson(read('gpt2', 'tokenizer.json'));
  for (const row of oracle('gpt2').slice(0, 300)) {
    assert.equal(tokenizer.decode(row.input_ids), row.text);
  }
  tokenizer.dispose();
});

// Pipelines no oracle file uses, built from the real files and compared with the Rust reference.
function variant(family, edit) {
  const json = JSON.parse(read(family, 'tokenizer.json'));
  edit(json);
  json.truncation = null;
  json.padding = null;
  return JSON.stringify(json);
}

const VARIANTS = {
  'bert: NFKC + Lowercase, Whitespace + Digits + Punctuation': variant('bert-uncased', (j) => {
    j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] };
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' },
      { type: 'Digits', individual_digits: true }, { type: 'Punctuation', behavior: 'Isolated' }] };
  }),
  'bert: NFD + StripAccents + Replace, WhitespaceSplit, BertProcessing': variant('bert-uncased', (j) => {
    j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' },
      { type: 'Lowercase' }, { type: 'Replace', pattern: { String: '-' }, content: ' - ' }] };
    j.pre_tokenizer = { type: 'WhitespaceSplit' };
    j.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] };
  }),
  'roberta: Llama-3 style Split regex + ByteLevel without regex': variant('roberta', (j) => {
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] };
  }),
  'gpt2: NFC + ByteLevel with prefix space': variant('gpt2', (j) => {
    j.normalizer = { type: 'NFC' };
    j.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  }),
  't5: NFKD + Strip, Metaspace (prepend first), CharDelimiterSplit': variant('t5', (j) => {
    j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Strip', strip_left: true, strip_right: true }] };
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'CharDelimiterSplit', delimiter: '\n' },
      { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: true }] };
  }),
};

for (const [name, json] of Object.entries(VARIANTS)) {
  test(`live reference: ${name}`, async () => {
    const ours = await Tokenizer.fromJson(json);
    const rust = RustTokenizer.fromString(json);
    const texts = oracle('gpt2').map((r) => r.text).filter((_, i) => i % 3 === 0);
    let same = 0;
    const failures = [];
    for (const text of texts) {
      const want = await rust.encode(text);
      const got = ours.encode(text);
      const ok = JSON.stringify(Array.from(got.inputIds)) === JSON.stringify(want.getIds()) &&
        JSON.stringify(got.offsets) === JSON.stringify(want.getOffsets());
      if (ok) same++;
      else if (failures.length < 2) failures.push(`${JSON.stringify(text.slice(0, 60))}: want ${want.getIds().slice(0, 12)} got ${Array.from(got.inputIds.slice(0, 12))}`);
    }
    assert.equal(same, texts.length, `${same}/${texts.length}; ${failures.join(' | ')}`);
    ours.dispose();
  });
}
