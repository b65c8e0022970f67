// A small builder for ONNX graphs on top of the protobuf definitions of `onnx-proto`: enough to write
// the models the project generates (a BERT encoder, a static embedding model) without Python.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

const TYPED_ARRAY_TYPE = new Map([
  [Float32Array, DataType.FLOAT],
  [Int8Array, DataType.INT8],
  [Uint8Array, DataType.UINT8],
  [Int32Array, DataType.INT32],
  [BigInt64Array, DataType.INT64],
  [Uint16Array, DataType.FLOAT16], // fp16 values are passed as their raw 16-bit patterns
]);

function attribute(name, value) {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'number') return { name, type: AttributeType.FLOAT, f: value };
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (Array.isArray(value) && value.every(Number.isInteger)) {
    return { name, type: AttributeType.INTS, ints: value };
  }
  throw new Error(`attribute ${name}: unsupported value ${value}`);
}

export class GraphBuilder {
  constructor(name) {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.counter = 0;
  }

  /** A fresh value name. */
  fresh(hint = 't') {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  /** Adds a constant tensor; `data` is a typed array (its type gives the ONNX type). */
  constant(name, dims, data) {
    const dataType = TYPED_ARRAY_TYPE.get(data.constructor);
    if (dataType === undefined) throw new Error(`constant ${name}: unsupported array type`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`constant ${name}: ${data.length} values for ${dims}`);
    this.initializers.push({
      name, dims, dataType,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  scalarFloat(value, hint = 'c') { return this.constant(this.fresh(hint), [], new Float32Array([value])); }
  int64s(values, hint = 'c') {
    return this.constant(this.fresh(hint), [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** dims: numbers or symbolic names (strings). */
  input(name, elemType, dims) {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name, elemType, dims) {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Adds a node; returns its output name (or names when `outputs` is a number > 1). */
  op(opType, inputs, attributes = {}, outputs = 1) {
    const outNames = typeof outputs === 'number'
      ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
      : outputs;
    this.nodes.push({
      opType,
      name: this.fresh(`n_${opType}`),
      input: inputs,
      output: outNames,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      domain: '',
    });
    return outNames.length === 1 ? outNames[0] : outNames;
  }

  /** Serializes the model (ONNX IR 8, opset 17). */
  encode({ producer = 'osprey', opset = 17, metadata = {} } = {}) {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: producer,
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value: String(value) })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name, elemType, dims) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export { makeRandom } from '../lib/random.mjs';
