/**
 * A small reader/writer for the safetensors format: 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`, then the raw data.
 * F32, F16 and BF16 are read as Float32Array (the dtypes GPT-2 checkpoints use).
 */
import * as fs from "node:fs";
import { CorruptDataError, DataNotFoundError } from "../../core";

export interface SafeTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** An IEEE half-precision bit pattern as a number. */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);

/** A bfloat16 bit pattern (the top half of a float32) as a number. */
export function bf16ToF32(h: number): number {
  u32Box[0] = h << 16;
  return f32Box[0];
}

/** The IEEE half-precision bit pattern nearest to `v` (round to nearest even; overflow → ±Infinity). */
export function f32ToF16(v: number): number {
  f32Box[0] = v;
  const x = u32Box[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (up to Infinity)
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** Read every tensor (or only those `want` accepts) of a safetensors file. */
export function readSafetensors(
  file: string,
  want: (name: string) => boolean = () => true,
): Record<string, SafeTensor> {
  if (!fs.existsSync(file)) throw new DataNotFoundError("safetensors file", [file]);
  const buf = fs.readFileSync(file);
  if (buf.byteLength < 8) throw new CorruptDataError(file, "shorter than the 8-byte header length");
  const hlen = Number(buf.readBigUInt64LE(0));
  if (hlen > buf.byteLength - 8)
    throw new CorruptDataError(file, `header length ${hlen} exceeds the file size ${buf.byteLength}`, 0);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + hlen).toString("utf8"));
  } catch (err) {
    throw new CorruptDataError(file, `header is not JSON (${(err as Error).message})`, 8);
  }
  const base = 8 + hlen;
  const out: Record<string, SafeTensor> = {};
  for (const [name, h] of Object.entries(header)) {
    if (name === "__metadata__" || !want(name)) continue;
    const size = BYTES[h.dtype];
    if (!size)
      throw new CorruptDataError(file, `tensor "${name}" has dtype ${h.dtype}; only F32, F16 and BF16 are supported`);
    const n = h.shape.reduce((a, b) => a * b, 1);
    const [b0, b1] = h.data_offsets;
    if (b1 - b0 !== n * size || base + b1 > buf.byteLength) {
      throw new CorruptDataError(
        file,
        `tensor "${name}" [${h.shape}] ${h.dtype} needs ${n * size} bytes at ${b0}, header says ${b0}..${b1} (file has ${buf.byteLength - base} data bytes)`,
        base + b0,
      );
    }
    const data = new Float32Array(n);
    const off = base + b0;
    if (h.dtype === "F32") for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(off + 4 * i);
    else if (h.dtype === "F16") for (let i = 0; i < n; i++) data[i] = f16ToF32(buf.readUInt16LE(off + 2 * i));
    else for (let i = 0; i < n; i++) data[i] = bf16ToF32(buf.readUInt16LE(off + 2 * i));
    out[name] = { dtype: h.dtype, shape: h.shape, data };
  }
  return out;
}

/** Write float32 tensors as a safetensors file (used by tests and for exporting). */
export function writeSafetensors(
  file: string,
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    const bytes = t.data.length * 4;
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8) json += " ";
  const hbuf = Buffer.from(json, "utf8");
  const out = Buffer.alloc(8 + hbuf.byteLength + off);
  out.writeBigUInt64LE(BigInt(hbuf.byteLength), 0);
  hbuf.copy(out, 8);
  let o = 8 + hbuf.byteLength;
  for (const name of names) {
    const d = tensors[name].data;
    for (let i = 0; i < d.length; i++, o += 4) out.writeFloatLE(d[i], o);
  }
  fs.writeFileSync(file, out);
}
