// Writes the seed corpora of the tokenizer fuzz harnesses (tests/fuzz/corpus/<harness>/) from the
// real tokenizer files and oracle texts in ../shared/data/tokenizers: real tokenizer.json files
// with their vocabularies cut down (every seed < 64 KB), one small file per pipeline component,
// regex patterns of real tokenizers with subjects, and oracle texts for each tokenizer.
//   node scripts/fuzz-seeds.mjs
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(root, '..', 'shared', 'data', 'tokenizers');
const corpus = join(root, 'tests', 'fuzz', 'corpus');
const families = ['bert-uncased', 'cross-encoder', 'bert-chinese', 'bge-zh', 'roberta', 'gpt2', 't5'];
const kMaxSeed = 60000;

function writeSeeds(harness, seeds) {
  const dir = join(corpus, harness);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [name, bytes] of seeds) {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
    if (buf.length > kMaxSeed) throw new Error(`${harness}/${name}: ${buf.length} bytes`);
    writeFileSync(join(dir, name), buf);
    total += buf.length;
  }
  console.log(`${harness}: ${seeds.length} seeds, ${total} bytes`);
}

const oracle = (family) =>
  readFileSync(join(data, family, 'oracle.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// A few texts of every kind (src) of the oracle, short ones first.
function sampleTexts(perSource, maxBytes) {
  const bySource = new Map();
  for (const row of oracle('bert-uncased')) {
    const list = bySource.get(row.src) ?? [];
    list.push(row.text);
    bySource.set(row.src, list);
  }
  const out = [];
  for (const list of bySource.values()) {
    list.sort((a, b) => a.length - b.length);
    for (let k = 0; k < Math.min(perSource, list.length); ++k) {
      const text = list[Math.floor(((k + 0.5) * list.length) / perSource)];
      if (Buffer.byteLength(text) <= maxBytes) out.push(text);
    }
  }
  return out;
}

// ---- tokenizer.json: real files, vocabularies cut to their first ids ----------------------------
function cutReal(family, keep) {
  const j = JSON.parse(readFileSync(join(data, family, 'tokenizer.json'), 'utf8'));
  const m = j.model;
  if (Array.isArray(m.vocab)) {
    m.vocab = m.vocab.slice(0, keep);
  } else {
    m.vocab = Object.fromEntries(Object.entries(m.vocab).filter(([, id]) => id < keep));
  }
  if (m.merges) {
    const has = (t) => Object.hasOwn(m.vocab, t);
    m.merges = m.merges.filter((x) => {
      const [a, b] = Array.isArray(x) ? x : x.split(' ');
      return has(a) && has(b) && has(a + b);
    });
  }
  if (j.normalizer?.type === 'Precompiled') {
    // The real charsmap is 300 KB: a SentencePiece-like stand-in.
    j.normalizer = {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    };
  }
  if (Array.isArray(j.added_tokens)) j.added_tokens = j.added_tokens.slice(0, 12);
  return JSON.stringify(j);
}

// A darts-clone trie (SentencePiece's precompiled_charsmap) mapping "A" -> "a" and "é" -> "e".
function tinyCharsmap() {
  const units = new Uint32Array(202);
  units[0] = 1 << 10;                          // root: offset 1
  units[64] = 0x41 | (1 << 8) | (1 << 10);     // 'A' (node 1 ^ 0x41), leaf at 65
  units[65] = 0;                               // -> "a" at 0
  units[194] = 0xc3 | (163 << 10);             // 0xC3 (node 1 ^ 0xC3), children at 97
  units[200] = 0xa9 | (1 << 8) | (1 << 10);    // 0xA9 (node 97 ^ 0xA9), leaf at 201
  units[201] = 2;                              // -> "e" at 2
  const trie = Buffer.from(units.buffer);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(trie.length);
  return Buffer.concat([size, trie, Buffer.from('a\0e\0')]).toString('base64');
}

const wordVocab = { '[UNK]': 0, hello: 1, world: 2, '!': 3, '1': 4, '2': 5, '3': 6, café: 7, cafe: 8, a: 9, '▁hello': 10, '▁world': 11 };
const added = [
  { id: 20, content: '[CLS]', special: true, normalized: false },
  { id: 21, content: '<mask>', special: true, lstrip: true, rstrip: false, normalized: false },
  { id: 22, content: 'hello world', single_word: true, normalized: true },
  { id: 23, content: '[SEP]', special: true, rstrip: true, normalized: false },
];
const wordLevel = (normalizer, pre_tokenizer, extra = {}) =>
  JSON.stringify({
    version: '1.0', added_tokens: added, normalizer, pre_tokenizer, post_processor: null, decoder: null,
    model: { type: 'WordLevel', unk_token: '[UNK]', vocab: wordVocab }, ...extra,
  });
const llama3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const template = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
  pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
  special_tokens: { '[CLS]': { id: '[CLS]', ids: [20], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [23], tokens: ['[SEP]'] } },
};
const bytes256 = Object.fromEntries(Array.from({ length: 256 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, b]));

const components = [
  ['bert-normalizer', wordLevel({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }, { type: 'BertPreTokenizer' })],
  ['forms', wordLevel({ type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'NFC' }, { type: 'NFKD' }, { type: 'NFKC' }, { type: 'Lowercase' }] }, { type: 'Whitespace' })],
  ['replace-prepend-strip', wordLevel({ type: 'Sequence', normalizers: [{ type: 'Strip', strip_left: true, strip_right: true }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }, { type: 'Prepend', prepend: '▁' }] }, null)],
  ['precompiled', wordLevel({ type: 'Precompiled', precompiled_charsmap: tinyCharsmap() }, { type: 'WhitespaceSplit' })],
  ['split-regex', wordLevel(null, { type: 'Split', pattern: { Regex: llama3 }, behavior: 'Isolated', invert: false })],
  ['split-behaviors', wordLevel(null, { type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithNext', invert: false },
    { type: 'Split', pattern: { Regex: '\\s+$|[0-9]' }, behavior: 'MergedWithPrevious', invert: true },
    { type: 'Punctuation', behavior: 'Contiguous' }, { type: 'Digits', individual_digits: true },
    { type: 'CharDelimiterSplit', delimiter: '!' }, { type: 'Split', pattern: { Regex: 'o' }, behavior: 'Removed' }] })],
  ['metaspace', wordLevel({ type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true }, { decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true } })],
  ['metaspace-old', wordLevel(null, { type: 'Metaspace', replacement: '▁', add_prefix_space: false, split: false })],
  ['template-padding', wordLevel({ type: 'Lowercase' }, { type: 'WhitespaceSplit' }, {
    post_processor: template, decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    truncation: { direction: 'Left', max_length: 16, strategy: 'OnlyFirst', stride: 0 },
    padding: { strategy: { Fixed: 32 }, direction: 'Left', pad_to_multiple_of: 8, pad_id: 0, pad_type_id: 1, pad_token: '[UNK]' } })],
  ['bert-processing', wordLevel(null, { type: 'BertPreTokenizer' }, { post_processor: { type: 'Sequence', processors: [
    { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true }, { type: 'BertProcessing', cls: ['[CLS]', 20], sep: ['[SEP]', 23] }] },
    padding: { strategy: 'BatchLongest', pad_id: 0 } })],
  ['roberta-processing', wordLevel(null, { type: 'WhitespaceSplit' }, { post_processor: { type: 'RobertaProcessing', cls: ['[CLS]', 20], sep: ['[SEP]', 23], trim_offsets: true, add_prefix_space: true } })],
  ['bpe-byte-fallback', JSON.stringify({
    added_tokens: [], normalizer: { type: 'NFC' },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Metaspace', replacement: '▁' }] },
    model: { type: 'BPE', unk_token: '<unk>', fuse_unk: true, byte_fallback: true, ignore_merges: false, dropout: null,
      vocab: { ...bytes256, '<unk>': 256, '▁': 257, h: 258, e: 259, l: 260, o: 261, he: 262, ll: 263, hell: 264, hello: 265, '▁hello': 266 },
      merges: ['h e', 'l l', 'he ll', 'hell o', '▁ hello'] } })],
  ['bpe-suffix', JSON.stringify({
    pre_tokenizer: { type: 'Whitespace' },
    model: { type: 'BPE', continuing_subword_prefix: '##', end_of_word_suffix: '</w>', unk_token: '[UNK]',
      vocab: { '[UNK]': 0, a: 1, '##b': 2, '##b</w>': 3, 'a##b</w>': 4, ab: 5 }, merges: [['a', '##b</w>']] } })],
  ['byte-level-no-regex', JSON.stringify({
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, use_regex: false }, decoder: { type: 'ByteLevel' },
    post_processor: { type: 'ByteLevel', trim_offsets: true },
    model: { type: 'BPE', ignore_merges: true, vocab: { 'Ġ': 0, h: 1, i: 2, hi: 3, 'Ġhi': 4 }, merges: ['h i', 'Ġ hi'] } })],
  ['unigram-byte-fallback', JSON.stringify({
    normalizer: { type: 'Precompiled', precompiled_charsmap: tinyCharsmap() },
    pre_tokenizer: { type: 'WhitespaceSplit' },
    model: { type: 'Unigram', unk_id: 0, byte_fallback: true,
      vocab: [['<unk>', 0], ['▁', -2], ['a', -3], ['ab', -2.5], ['b', -3], ['abc', -4], ...Object.keys(bytes256).map((b) => [b, -10])] } })],
  ['wordpiece-old-format', JSON.stringify({
    normalizer: { type: 'BertNormalizer', lowercase: false, strip_accents: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: { unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 10,
      vocab: { '[UNK]': 0, un: 1, '##aff': 2, '##able': 3, a: 4, '##b': 5 } } })],
];

const jsonSeeds = [];
for (const family of families) jsonSeeds.push([`real-${family}.json`, cutReal(family, family === 't5' ? 1200 : 1500)]);
for (const [name, json] of components) jsonSeeds.push([`${name}.json`, json]);
writeSeeds('tokenizer_json_fuzz', jsonSeeds);

// ---- Encoding: the first byte picks the tokenizer (index mod 7) and the options ----------------
const texts = sampleTexts(3, 6000);
const encodeSeeds = [];
families.forEach((family, f) => {
  texts.forEach((text, i) => {
    if (i % families.length !== f && i % 5 !== 0) return;  // spread the texts over the families
    const mode = i % 3 === 0 ? 0 : i % 36;  // byte f + 7 * mode stays below 256
    encodeSeeds.push([`${family}-${i}`, Buffer.concat([Buffer.from([f + families.length * mode]), Buffer.from(text)])]);
  });
});
writeSeeds('tokenizer_encode_fuzz', encodeSeeds);

// ---- Regex: pattern NUL subject ----------------------------------------------------------------
const patterns = [
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  llama3,
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  '\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+',
  '\\s?[!-/:-~！-／：-～‘-‟　-。]+', '\\s+$', '[一-龥ࠀ-一가-퟿]+', '\\p{N}+', '[\\r\\n]',
  "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  '\\w+|[^\\w\\s]+', '[0-9][0-9][0-9]', '.', '^\\s+|\\s+$', '(?=\\p{Lu})', '\\p{L}+(?=\\s)', 'x+?y',
  '(a|ab)(c|bcd)(d*)', '[^\\S\\n]+', '\\S+', '(?:\\p{L}|\')+', '\\x{1F600}|\\x41\\t', '(?!a)[\\P{L}]{2,5}?', '(?:ab){2,}',
  '(a+)+b', '\\p{L}+\\d', 'a+b|a', '(?=a*b)a', '(?:(?!\\d).)*\\d', '\\p{Han}', '[\\p{Greek}]',
];
const subjects = sampleTexts(1, 1500);
const regexSeeds = patterns.map((p, i) => [`pattern-${i}`, `${p}\0${subjects[(i * 7) % subjects.length]}`]);
patterns.slice(0, 6).forEach((p, i) => regexSeeds.push([`fixed-${i}`, p]));
writeSeeds('regex_fuzz', regexSeeds);
