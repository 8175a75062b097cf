/**
 * The post's four-pair demo with its exact texts: two questions × two answers, the cosine matrix of each
 * embedding (rows = questions, columns = answers; the diagonal holds the relevant pairs).
 */
import { cosineSimilarityMatrix, type Vector } from "../../metrics";
import type { EmbedFn } from "../../metrics/embedding-quality";
import type { TextEncoder } from "../../models/types";
import type { VegaLiteSpec } from "../../viz";
import { heatmap } from "../../viz";

export const QUESTIONS = ["Where is the headquarter of OpenAI?", "What is GPU?"];
export const ANSWERS = [
  "OpenAI is based at San Francisco.",
  "A graphics processing unit (GPU) is an electronic circuit that can perform mathematical calculations quickly",
];
/** The four texts, questions first: what each fold's fine-tuned model also embeds. */
export const FOUR = [...QUESTIONS, ...ANSWERS];
export const Q_LABELS = ["Q: OpenAI HQ?", "Q: What is GPU?"];
export const A_LABELS = ["A: OpenAI in SF", "A: GPU is a circuit"];

/** questions × answers cosine matrix. */
export type FourPairMatrix = number[][];

/** The matrix from the four texts' vectors (in `FOUR` order). */
export function fourPairMatrix(v: readonly Vector[]): FourPairMatrix {
  return cosineSimilarityMatrix(v.slice(0, 2), v.slice(2)).map((r) => Array.from(r));
}

export async function fourPair(fn: EmbedFn): Promise<FourPairMatrix> {
  return fourPairMatrix(await fn(FOUR));
}

/** Mean cosine of the relevant (diagonal) and irrelevant (off-diagonal) pairs. */
export function diagOff(m: FourPairMatrix): { relevant: number; irrelevant: number } {
  return { relevant: (m[0][0] + m[1][1]) / 2, irrelevant: (m[0][1] + m[1][0]) / 2 };
}

/** relevant − irrelevant: the demo's separation. */
export function demoGap(m: FourPairMatrix): number {
  return diagOff(m).relevant - diagOff(m).irrelevant;
}

/** The demo's matrices by embedding name (display order), and the three the conclusion compares. */
export interface FourPairDemo {
  matrices: Record<string, FourPairMatrix>;
  logits: FourPairMatrix;
  encoder: FourPairMatrix;
  /** Set by `addFinetuned` (§4). */
  finetuned?: FourPairMatrix;
}

/**
 * The demo for the full profile's chat LM (`chat`, when loaded: hub, last-token logits of the chat-templated
 * text), the GPT's last-token logits and the trained encoder.
 */
export async function fourPairDemo(o: {
  chat?: { id: string; embed: EmbedFn };
  gptName: string;
  gptLogits: EmbedFn;
  encoder: TextEncoder;
}): Promise<FourPairDemo> {
  const matrices: Record<string, FourPairMatrix> = {};
  if (o.chat) matrices[`${o.chat.id} (chat template)`] = await fourPair(o.chat.embed);
  const logits = await fourPair(o.gptLogits);
  matrices[`${o.gptName} last-token logits`] = logits;
  const encoder = await fourPair((x) => o.encoder.embed(x));
  matrices[`${o.encoder.id}`] = encoder;
  return { matrices, logits, encoder };
}

/** Add the fine-tuned model's matrix (from its vectors of `FOUR`) under `name`. */
export function addFinetuned(demo: FourPairDemo, name: string, vectors: readonly Vector[]): FourPairMatrix {
  const m = fourPairMatrix(vectors);
  demo.matrices[name] = m;
  demo.finetuned = m;
  return m;
}

export function fourPairHeatmap(m: FourPairMatrix, title: string): VegaLiteSpec {
  return heatmap(m, Q_LABELS, A_LABELS, { title, domain: [-1, 1], colorScheme: "redblue" });
}

/** The fine-tuned model's heatmap (fold 1's model). */
export function finetunedHeatmap(m: FourPairMatrix): VegaLiteSpec {
  return fourPairHeatmap(m, "four-pair demo after fine-tuning (fold 1 model)");
}

/** One heatmap per matrix, with the figure name it is saved under (`03_four_pair_<i>`). */
export function fourPairFigures(demo: FourPairDemo): { spec: VegaLiteSpec; save: string }[] {
  return Object.entries(demo.matrices).map(([name, m], i) => ({
    spec: fourPairHeatmap(m, name),
    save: `03_four_pair_${i}`,
  }));
}

export function fourPairTable(demo: FourPairDemo): Record<string, string | number>[] {
  return Object.entries(demo.matrices).map(([name, m]) => ({
    embedding: name,
    "OpenAI↔SF": m[0][0],
    "GPU↔circuit": m[1][1],
    "OpenAI↔circuit": m[0][1],
    "GPU↔SF": m[1][0],
    "relevant − irrelevant": demoGap(m),
  }));
}
