/**
 * A reader for PyTorch's `torch.save` state dicts (`pytorch_model.bin`), for checkpoints that publish no
 * safetensors. Two containers: the zip format (torch ≥ 1.6: `<archive>/data.pkl` + `<archive>/data/<key>`)
 * and the legacy format (pickled magic number, protocol, sys info, the object, the storage keys, then each
 * storage as an 8-byte element count and its bytes). The object is a pickle (protocol 2–4) whose tensors
 * are `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` with storages as persistent ids;
 * a small pickle machine handles the opcodes these files use. Float32, float16 and bfloat16 tensors are
 * read as Float32Array (strided views copied out); other dtypes are skipped.
 */
import * as fs from "node:fs";
import { unzipSync } from "fflate";
import { CorruptDataError, DataNotFoundError } from "../../core";
import { bf16ToF32, f16ToF32, type SafeTensor } from "../gpt/safetensors";

const STORAGE_DTYPES: Record<string, { dtype: string; bytes: number }> = {
  FloatStorage: { dtype: "F32", bytes: 4 },
  HalfStorage: { dtype: "F16", bytes: 2 },
  BFloat16Storage: { dtype: "BF16", bytes: 2 },
  DoubleStorage: { dtype: "F64", bytes: 8 },
  LongStorage: { dtype: "I64", bytes: 8 },
  IntStorage: { dtype: "I32", bytes: 4 },
  ByteStorage: { dtype: "U8", bytes: 1 },
  BoolStorage: { dtype: "BOOL", bytes: 1 },
  CharStorage: { dtype: "I8", bytes: 1 },
  ShortStorage: { dtype: "I16", bytes: 2 },
};

interface StorageRef {
  kind: "storage";
  key: string;
  type: string;
}
interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}
interface GlobalRef {
  kind: "global";
  name: string;
}
type PyValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | PyValue[]
  | { kind: "tuple"; items: PyValue[] }
  | Map<PyValue, PyValue>
  | StorageRef
  | TensorRef
  | GlobalRef
  | { kind: "object"; cls: string; args: PyValue };

const MARK = Symbol("mark");

function items(v: PyValue): PyValue[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object" && "kind" in v && v.kind === "tuple") return v.items;
  return [];
}

/** Run a pickle from `pos`; returns the object and the position after STOP. */
function unpickle(buf: Buffer, pos: number, file: string): { value: PyValue; end: number } {
  const stack: (PyValue | typeof MARK)[] = [];
  const memo = new Map<number, PyValue>();
  const fail = (msg: string): never => {
    throw new CorruptDataError(file, `pickle: ${msg}`, pos);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail("stack underflow");
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) return fail("no MARK");
    const out = stack.splice(i) as PyValue[];
    out.shift();
    return out;
  };
  const line = (): string => {
    const e = buf.indexOf(0x0a, pos);
    if (e < 0) fail("unterminated line");
    const s = buf.toString("utf8", pos, e);
    pos = e + 1;
    return s;
  };
  const call = (fn: PyValue, args: PyValue): PyValue => {
    const name = (fn as GlobalRef)?.kind === "global" ? (fn as GlobalRef).name : "";
    const a = items(args);
    if (name === "torch._utils._rebuild_tensor_v2" || name === "torch._utils._rebuild_tensor")
      return {
        kind: "tensor",
        storage: a[0] as StorageRef,
        offset: a[1] as number,
        size: items(a[2]) as number[],
        stride: items(a[3]) as number[],
      };
    if (name === "torch._utils._rebuild_parameter") return a[0];
    if (name === "collections.OrderedDict") return new Map();
    return { kind: "object", cls: name, args };
  };
  const setItems = (d: PyValue, kv: PyValue[]) => {
    if (d instanceof Map) for (let i = 0; i + 1 < kv.length; i += 2) d.set(kv[i], kv[i + 1]);
  };
  for (;;) {
    if (pos >= buf.byteLength) fail("ran past the end without STOP");
    const op = buf[pos++];
    switch (op) {
      case 0x80: // PROTO
        pos += 1;
        break;
      case 0x95: // FRAME
        pos += 8;
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push({ kind: "tuple", items: [] });
        break;
      case 0x74: // TUPLE
        stack.push({ kind: "tuple", items: popMark() });
        break;
      case 0x85: // TUPLE1
        stack.push({ kind: "tuple", items: [pop()] });
        break;
      case 0x86: {
        const b = pop();
        stack.push({ kind: "tuple", items: [pop(), b] });
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push({ kind: "tuple", items: [pop(), b, c] });
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const d = new Map<PyValue, PyValue>();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(buf[pos++]);
        break;
      case 0x4d: // BININT2
        stack.push(buf.readUInt16LE(pos));
        pos += 2;
        break;
      case 0x4a: // BININT
        stack.push(buf.readInt32LE(pos));
        pos += 4;
        break;
      case 0x8a: {
        // LONG1
        const n = buf[pos++];
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]);
        if (n > 0 && buf[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(Number(v));
        break;
      }
      case 0x47: // BINFLOAT
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x58: {
        // BINUNICODE
        const n = buf.readUInt32LE(pos);
        stack.push(buf.toString("utf8", pos + 4, pos + 4 + n));
        pos += 4 + n;
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        const n = buf[pos];
        stack.push(buf.toString("utf8", pos + 1, pos + 1 + n));
        pos += 1 + n;
        break;
      }
      case 0x54: {
        // BINSTRING
        const n = buf.readInt32LE(pos);
        stack.push(buf.toString("latin1", pos + 4, pos + 4 + n));
        pos += 4 + n;
        break;
      }
      case 0x55: {
        // SHORT_BINSTRING
        const n = buf[pos];
        stack.push(buf.toString("latin1", pos + 1, pos + 1 + n));
        pos += 1 + n;
        break;
      }
      case 0x43: {
        // SHORT_BINBYTES
        const n = buf[pos];
        stack.push(buf.subarray(pos + 1, pos + 1 + n));
        pos += 1 + n;
        break;
      }
      case 0x42: {
        // BINBYTES
        const n = buf.readUInt32LE(pos);
        stack.push(buf.subarray(pos + 4, pos + 4 + n));
        pos += 4 + n;
        break;
      }
      case 0x63: {
        // GLOBAL
        const mod = line();
        stack.push({ kind: "global", name: `${mod}.${line()}` });
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop() as string;
        stack.push({ kind: "global", name: `${pop() as string}.${name}` });
        break;
      }
      case 0x71: // BINPUT
        memo.set(buf[pos++], stack[stack.length - 1] as PyValue);
        break;
      case 0x72: // LONG_BINPUT
        memo.set(buf.readUInt32LE(pos), stack[stack.length - 1] as PyValue);
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack[stack.length - 1] as PyValue);
        break;
      case 0x68: // BINGET
        stack.push(memo.get(buf[pos++]) ?? null);
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memo.get(buf.readUInt32LE(pos)) ?? null);
        pos += 4;
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(stack[stack.length - 1] as PyValue, [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(stack[stack.length - 1] as PyValue, kv);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        (stack[stack.length - 1] as PyValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const vs = popMark();
        (stack[stack.length - 1] as PyValue[]).push(...vs);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: // BUILD (state of an object: not needed for state dicts)
        pop();
        break;
      case 0x51: {
        // BINPERSID: ('storage', storage_type, key, location, numel[, view_metadata])
        const pid = items(pop());
        const type = (pid[1] as GlobalRef)?.name?.split(".").pop() ?? "";
        stack.push({ kind: "storage", key: String(pid[2]), type });
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}

/** Copy a (possibly strided) tensor out of its storage's bytes as float32. */
function tensorData(t: TensorRef, bytes: Uint8Array, file: string, name: string): SafeTensor | null {
  const st = STORAGE_DTYPES[t.storage.type];
  if (!st) throw new CorruptDataError(file, `tensor "${name}" has unknown storage ${t.storage.type}`);
  if (!["F32", "F16", "BF16"].includes(st.dtype)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elems = bytes.byteLength / st.bytes;
  const n = t.size.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  // the element decoder, chosen once per tensor rather than per element
  const read: (i: number) => number =
    st.dtype === "F32"
      ? (i) => view.getFloat32(4 * i, true)
      : st.dtype === "BF16"
        ? (i) => bf16ToF32(view.getUint16(2 * i, true))
        : (i) => f16ToF32(view.getUint16(2 * i, true));
  const idx = new Array(t.size.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = t.offset;
    for (let d = 0; d < idx.length; d++) off += idx[d] * t.stride[d];
    if (off >= elems)
      throw new CorruptDataError(file, `tensor "${name}" reads element ${off} of a ${elems}-element storage`);
    data[k] = read(off);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.size[d]) break;
      idx[d] = 0;
    }
  }
  return { dtype: st.dtype, shape: t.size, data };
}

function stateDict(root: PyValue, file: string): Map<PyValue, PyValue> {
  if (root instanceof Map) {
    const inner = root.get("state_dict");
    return inner instanceof Map ? inner : root;
  }
  throw new CorruptDataError(file, "the pickled object is not a state dict");
}

/** Read the float tensors (or those `want` accepts) of a PyTorch state dict file. */
export function readTorchBin(file: string, want: (name: string) => boolean = () => true): Record<string, SafeTensor> {
  if (!fs.existsSync(file)) throw new DataNotFoundError("PyTorch weights file", [file]);
  const buf = fs.readFileSync(file);
  const storages = new Map<string, Uint8Array>();
  let root: PyValue;
  if (buf[0] === 0x50 && buf[1] === 0x4b) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    } catch (err) {
      throw new CorruptDataError(file, `not a readable zip (${(err as Error).message})`);
    }
    const pkl = Object.keys(entries).find((k) => k.endsWith("/data.pkl") || k === "data.pkl");
    if (!pkl) throw new CorruptDataError(file, "zip has no data.pkl (not a torch.save file)");
    const prefix = pkl.slice(0, -"data.pkl".length);
    for (const [k, v] of Object.entries(entries))
      if (k.startsWith(prefix + "data/")) storages.set(k.slice(prefix.length + 5), v);
    root = unpickle(Buffer.from(entries[pkl]), 0, file).value;
  } else if (buf[0] === 0x80) {
    let pos = 0;
    for (let i = 0; i < 3; i++) pos = unpickle(buf, pos, file).end; // magic number, protocol, sys info
    const obj = unpickle(buf, pos, file);
    const keys = unpickle(buf, obj.end, file);
    pos = keys.end;
    root = obj.value;
    // storage sizes come from the tensors' storage types: find each key's element size
    const typeOf = new Map<string, string>();
    for (const v of stateDict(root, file).values())
      if ((v as TensorRef)?.kind === "tensor") typeOf.set((v as TensorRef).storage.key, (v as TensorRef).storage.type);
    for (const k of items(keys.value) as string[]) {
      if (pos + 8 > buf.byteLength) throw new CorruptDataError(file, `storage ${k} is cut off`, pos);
      const numel = Number(buf.readBigInt64LE(pos));
      const bytes = numel * (STORAGE_DTYPES[typeOf.get(k) ?? "FloatStorage"]?.bytes ?? 4);
      if (pos + 8 + bytes > buf.byteLength) throw new CorruptDataError(file, `storage ${k} is cut off`, pos);
      storages.set(k, buf.subarray(pos + 8, pos + 8 + bytes));
      pos += 8 + bytes;
    }
  } else {
    throw new CorruptDataError(file, "neither a zip nor a pickle (not a torch.save file)", 0);
  }
  const out: Record<string, SafeTensor> = {};
  for (const [k, v] of stateDict(root, file)) {
    if (typeof k !== "string" || (v as TensorRef)?.kind !== "tensor" || !want(k)) continue;
    const t = v as TensorRef;
    const bytes = storages.get(t.storage.key);
    if (!bytes) throw new CorruptDataError(file, `tensor "${k}" refers to storage ${t.storage.key}, which is missing`);
    const st = tensorData(t, bytes, file, k);
    if (st) out[k] = st;
  }
  return out;
}
