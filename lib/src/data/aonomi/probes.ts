import { CorruptDataError, readJsonFile } from "../../core";

/** A question about something the training data never mentions, with the answers that count as grounded. */
export interface HallucinationProbe {
  prompt: string;
  /** Case-insensitive regular expressions; an answer matching any of them is NOT a hallucination. */
  grounded: string[];
}

export interface ProbeSet {
  /** The rule, in words, as the notebook states it. */
  rule: string;
  probes: HallucinationProbe[];
}

/** Read `probes.json` ({rule, probes: [{prompt, grounded: [regex…]}]}), compiling every regex once to check it. */
export function loadProbes(file: string): ProbeSet {
  const raw = readJsonFile(file, "hallucination probes");
  const r = raw as Partial<ProbeSet>;
  if (typeof r.rule !== "string" || !Array.isArray(r.probes) || r.probes.length === 0) {
    throw new CorruptDataError(file, 'expected {"rule": string, "probes": [{"prompt", "grounded": [...]}]}');
  }
  r.probes.forEach((p, i) => {
    if (typeof p?.prompt !== "string" || !Array.isArray(p.grounded)) throw new CorruptDataError(file, `probe ${i} needs "prompt" and "grounded"`);
    for (const g of p.grounded) {
      try {
        new RegExp(g, "i");
      } catch {
        throw new CorruptDataError(file, `probe ${i}: "${g}" is not a valid regular expression`);
      }
    }
  });
  return r as ProbeSet;
}

/**
 * The rule: an answer is a hallucination when it says something (is not empty after trimming) and matches
 * none of the probe's grounded patterns (a denial, an admission of not knowing, or the fact that
 * contradicts the probe's premise). An empty answer is not counted as a hallucination.
 */
export function isHallucination(answer: string, probe: HallucinationProbe): boolean {
  const a = answer.trim();
  if (!/[a-z0-9]/i.test(a)) return false;
  return !probe.grounded.some((g) => new RegExp(g, "i").test(a));
}

/** Fraction of (probe, answer) pairs judged hallucinations; NaN-free (0 answers → 0). */
export function hallucinationRate(judged: ReadonlyArray<{ answer: string; probe: HallucinationProbe }>): number {
  if (judged.length === 0) return 0;
  return judged.filter((j) => isHallucination(j.answer, j.probe)).length / judged.length;
}
