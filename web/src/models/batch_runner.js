// Runs a tokenized batch through a session in length buckets: texts are sorted by token count and
// grouped so that each ONNX call pads to a similar length (bucketing does not change any result: each
// row is computed under its own attention mask). Tensors are assembled in WebAssembly (int64).
import { OspreyError } from '../errors.js';

export const DEFAULT_BATCH = { batchSize: 32, maxTokens: 8192 };

function rowLengths(tokens) {
  const { attentionMask, rows, cols } = tokens;
  const lengths = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) n += attentionMask[base + c];
    lengths[r] = n;
  }
  return lengths;
}

/**
 * @param {object} o
 * @param {object} o.core the WebAssembly core (model* functions)
 * @param {object} o.ort onnxruntime-web
 * @param {import('./ort.js').SessionQueue} o.queue
 * @param {import('./tokenizer_adapter.js').BatchTokens} o.tokens
 * @param {string} o.outputName
 * @param {number} [o.padId]
 * @param {(batch: {rows: Uint32Array, seq: number, output: object, mask: BigInt64Array,
 *          ids: BigInt64Array}) => void} o.onBatch
 */
export async function runBucketed({ core, ort, queue, tokens, outputName, padId = 0, batchSize, maxTokens, signal, onBatch }) {
  if (tokens.rows === 0) return;
  const lengths = rowLengths(tokens);
  const plan = core.modelPlanBatches(lengths, batchSize ?? DEFAULT_BATCH.batchSize, maxTokens ?? DEFAULT_BATCH.maxTokens);
  const names = queue.inputNames;
  for (let b = 0; b + 1 < plan.starts.length; b++) {
    if (signal?.aborted) throw new OspreyError('the model call was aborted', 'ABORTED', { cause: signal.reason });
    const rows = plan.order.subarray(plan.starts[b], plan.starts[b + 1]);
    const seq = Math.max(1, lengths[rows[rows.length - 1]]); // sorted: the last row is the longest
    const dims = [rows.length, seq];
    const ids = core.modelGatherRows(tokens.inputIds, tokens.cols, rows, seq, padId);
    const mask = core.modelGatherRows(tokens.attentionMask, tokens.cols, rows, seq, 0);
    const feeds = {};
    for (const name of names) {
      if (name === 'input_ids') feeds[name] = new ort.Tensor('int64', ids, dims);
      else if (name === 'attention_mask') feeds[name] = new ort.Tensor('int64', mask, dims);
      else if (name === 'token_type_ids') {
        feeds[name] = new ort.Tensor('int64', core.modelGatherRows(tokens.tokenTypeIds, tokens.cols, rows, seq, 0), dims);
      } else if (name === 'position_ids') {
        const pos = new BigInt64Array(rows.length * seq);
        for (let r = 0; r < rows.length; r++) for (let s = 0; s < seq; s++) pos[r * seq + s] = BigInt(s);
        feeds[name] = new ort.Tensor('int64', pos, dims);
      } else {
        throw new OspreyError(`the model needs an input '${name}' that Osprey does not provide ` +
          '(it feeds input_ids, attention_mask, token_type_ids, position_ids)', 'MODEL_INPUT_UNSUPPORTED');
      }
    }
    let results;
    try {
      results = await queue.run(feeds);
    } catch (cause) {
      throw new OspreyError(`the model failed on a batch of ${rows.length} x ${seq} tokens: ${cause?.message ?? cause}`,
        'MODEL_RUN_FAILED', { cause });
    }
    const output = results[outputName];
    if (!output) {
      throw new OspreyError(`the model has no output '${outputName}' (it has ${Object.keys(results).join(', ')})`,
        'MODEL_OUTPUT_MISMATCH');
    }
    onBatch({ rows, seq, output, mask, ids });
  }
}
