// A BERT encoder as an ONNX graph with the input/output names of Hugging Face's ONNX exports
// (input_ids, attention_mask, token_type_ids -> last_hidden_state | logits), with random weights.
// `quantized` writes the linear layers the way dynamic int8 quantization does (DynamicQuantizeLinear
// + MatMulInteger, per-column weight scales), so that the int8 path of the runtime is exercised.
import { DataType, GraphBuilder, makeRandom } from './onnx_graph.mjs';

export const MINILM_SHAPE = {
  layers: 6, hidden: 384, heads: 12, intermediate: 1536, vocab: 30522, maxPositions: 512, typeVocab: 2,
};

/**
 * @param {object} o
 * @param {'embedding'|'cross-encoder'|'token-embeddings'} o.head
 * @param {boolean} o.quantized
 * @param {number} o.seed
 * @param {number} [o.tokenDim] projection size of the token-embedding head (ColBERT-style)
 * @param {number} [o.numLabels] outputs of the classification head
 */
export function buildBert({ head, quantized, seed, tokenDim = 128, numLabels = 1, shape = MINILM_SHAPE }) {
  const rand = makeRandom(seed);
  const g = new GraphBuilder(`osprey-random-bert-${head}`);
  const { hidden: H, heads, intermediate: I } = shape;
  const headDim = H / heads;

  const randomMatrix = (rows, cols, std = 0.02) => {
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = rand.normal() * std;
    return data;
  };
  const randomVector = (n, mean, std) => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = mean + rand.normal() * std;
    return data;
  };

  // x [.., K] @ W [K, N] + b, fp32 or dynamically quantized.
  const linear = (x, K, N, name, withBias = true) => {
    const W = randomMatrix(K, N);
    const bias = withBias ? g.constant(`${name}.bias`, [N], randomVector(N, 0, 0.02)) : null;
    let y;
    if (!quantized) {
      y = g.op('MatMul', [x, g.constant(`${name}.weight`, [K, N], W)]);
    } else {
      // Symmetric int8 per output column: w = q * scale[n].
      const q = new Int8Array(K * N);
      const scales = new Float32Array(N);
      for (let n = 0; n < N; n++) {
        let max = 0;
        for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(W[k * N + n]));
        scales[n] = max > 0 ? max / 127 : 1;
      }
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) q[k * N + n] = Math.round(W[k * N + n] / scales[n]);
      }
      const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3);
      const wq = g.constant(`${name}.weight_quantized`, [K, N], q);
      const acc = g.op('MatMulInteger', [xq, wq, xZero]);
      const accF = g.op('Cast', [acc], { to: DataType.FLOAT });
      const scale = g.op('Mul', [xScale, g.constant(`${name}.weight_scale`, [N], scales)]);
      y = g.op('Mul', [accF, scale]);
    }
    return bias ? g.op('Add', [y, bias]) : y;
  };

  const layerNorm = (x, name) => g.op('LayerNormalization', [
    x,
    g.constant(`${name}.gamma`, [H], randomVector(H, 1, 0.02)),
    g.constant(`${name}.beta`, [H], randomVector(H, 0, 0.02)),
  ], { axis: -1, epsilon: 1e-12 });

  const gelu = (x) => {
    // Exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
    const erf = g.op('Erf', [g.op('Div', [x, g.scalarFloat(Math.SQRT2)])]);
    const onePlus = g.op('Add', [erf, g.scalarFloat(1)]);
    return g.op('Mul', [g.op('Mul', [x, onePlus]), g.scalarFloat(0.5)]);
  };

  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', DataType.INT64, ['batch_size', 'sequence_length']);

  // Embeddings: word + position + token type, then LayerNorm.
  const wordTable = g.constant('embeddings.word', [shape.vocab, H], randomMatrix(shape.vocab, H));
  const posTable = g.constant('embeddings.position', [shape.maxPositions, H], randomMatrix(shape.maxPositions, H));
  const typeTable = g.constant('embeddings.token_type', [shape.typeVocab, H], randomMatrix(shape.typeVocab, H));
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), g.constant('one_index', [], BigInt64Array.from([1n]))], { axis: 0 });
  const positions = g.op('Range', [
    g.constant('zero_i64', [], BigInt64Array.from([0n])), seqLen, g.constant('one_i64', [], BigInt64Array.from([1n])),
  ]);
  let x = g.op('Add', [
    g.op('Add', [g.op('Gather', [wordTable, ids]), g.op('Gather', [posTable, positions])]),
    g.op('Gather', [typeTable, types]),
  ]);
  x = layerNorm(x, 'embeddings.norm');

  // Additive attention bias: 0 where mask = 1, -10000 where mask = 0; shape [B, 1, 1, S].
  const maskF = g.op('Cast', [mask], { to: DataType.FLOAT });
  const bias = g.op('Mul', [g.op('Sub', [g.scalarFloat(1), maskF]), g.scalarFloat(-10000)]);
  const maskBias = g.op('Unsqueeze', [bias, g.int64s([1, 2])]);
  const splitHeads = g.int64s([0, 0, heads, headDim]);
  const mergeHeads = g.int64s([0, 0, H]);
  const invSqrt = g.scalarFloat(1 / Math.sqrt(headDim));

  for (let l = 0; l < shape.layers; l++) {
    const p = `layer${l}`;
    const q = g.op('Transpose', [g.op('Reshape', [linear(x, H, H, `${p}.q`), splitHeads])], { perm: [0, 2, 1, 3] });
    const k = g.op('Transpose', [g.op('Reshape', [linear(x, H, H, `${p}.k`), splitHeads])], { perm: [0, 2, 3, 1] });
    const v = g.op('Transpose', [g.op('Reshape', [linear(x, H, H, `${p}.v`), splitHeads])], { perm: [0, 2, 1, 3] });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), invSqrt]), maskBias]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), mergeHeads]);
    x = layerNorm(g.op('Add', [linear(context, H, H, `${p}.attn_out`), x]), `${p}.attn_norm`);
    const ff = linear(gelu(linear(x, H, I, `${p}.ff_in`)), I, H, `${p}.ff_out`);
    x = layerNorm(g.op('Add', [ff, x]), `${p}.ff_norm`);
  }

  if (head === 'embedding') {
    g.nodes.push({ opType: 'Identity', name: 'out', input: [x], output: ['last_hidden_state'] });
    g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', H]);
  } else if (head === 'token-embeddings') {
    const projected = linear(x, H, tokenDim, 'colbert.linear', false);
    g.nodes.push({ opType: 'Identity', name: 'out', input: [projected], output: ['last_hidden_state'] });
    g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', tokenDim]);
  } else if (head === 'cross-encoder') {
    // BertForSequenceClassification: pooler (dense + tanh over [CLS]) then the classifier.
    const cls = g.op('Gather', [x, g.constant('zero_index', [], BigInt64Array.from([0n]))], { axis: 1 });
    const pooled = g.op('Tanh', [linear(cls, H, H, 'pooler')]);
    const logits = linear(pooled, H, numLabels, 'classifier');
    g.nodes.push({ opType: 'Identity', name: 'out', input: [logits], output: ['logits'] });
    g.output('logits', DataType.FLOAT, ['batch_size', numLabels]);
  } else {
    throw new Error(`unknown head ${head}`);
  }
  return g.encode({ metadata: { osprey_generated: `random-bert seed=${seed}` } });
}
