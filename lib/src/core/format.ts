/**
 * Numbers written into a notebook's generated text, the same way in every notebook.
 */

/**
 * `x` with an explicit sign and a typographic minus, to `digits` decimals:
 * signed(0.0853, 3) → "+0.085", signed(-0.29, 2) → "−0.29"; a value that rounds to zero is "±0.00".
 */
export function signed(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x).toFixed(digits);
  const sign = Number(abs) === 0 ? "±" : x > 0 ? "+" : "−";
  return `${sign}${abs}`;
}

/** A difference of two fractions (accuracies, rates) in signed percentage points: points(-0.029) → "−2.9". */
export function points(diff: number, digits = 1): string {
  return signed(100 * diff, digits);
}

/** A fraction as a percentage, a space before the sign: percent(0.5917) → "59.2 %", percent(0.8819, 2) → "88.19 %". */
export function percent(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)} %`;
}
