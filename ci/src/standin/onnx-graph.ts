/**
 * A small builder for ONNX models (onnx-proto's ModelProto, protobufjs-encoded): initializers, nodes and the
 * graph's typed inputs/outputs, encoded at opset 14 (which onnxruntime-node 1.21 runs; Reshape/Unsqueeze take
 * their shapes/axes as inputs, ReduceMean its axes as an attribute).
 */
import { onnx } from "onnx-proto";

export const OPSET = 14;
/** A dimension: a fixed size or a symbolic name ("batch_size", "sequence_length", …). */
export type Dim = number | string;
export type ElemType = "float32" | "int64";
export interface IoSpec {
  name: string;
  type: ElemType;
  dims: Dim[];
}
type Attr = number | number[];

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

function valueInfo(io: IoSpec): onnx.IValueInfoProto {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: ELEM[io.type],
        shape: { dim: io.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: Attr): onnx.IAttributeProto {
  return Array.isArray(v)
    ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
    : { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
}

export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inits: onnx.ITensorProto[] = [];
  private count = 0;

  constructor(private readonly name: string) {}

  /** A float32 weight, named like the exporter names it. */
  weight(name: string, dims: number[], data: Float32Array): string {
    if (data.length !== dims.reduce((a, b) => a * b, 1))
      throw new Error(`${name}: ${data.length} values for [${dims}]`);
    this.inits.push({
      name,
      dims,
      dataType: ELEM.float32,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** An int64 constant (shapes, axes, indices); `scalar` makes a one-value constant 0-D (CumSum's axis). */
  ints(values: number[], name = `const_${this.count++}`, scalar = false): string {
    if (scalar && values.length !== 1) throw new Error(`${name}: a scalar holds one value, got ${values.length}`);
    const data = BigInt64Array.from(values.map(BigInt));
    this.inits.push({
      name,
      dims: scalar ? [] : [values.length],
      dataType: ELEM.int64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Add a node; returns its (first) output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** The encoded ModelProto. */
  encode(inputs: IoSpec[], outputs: IoSpec[]): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "embedlab-standin",
      opsetImport: [{ domain: "", version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: inputs.map(valueInfo),
        output: outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
