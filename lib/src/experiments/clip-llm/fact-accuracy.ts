import { aonomi } from "../../data";
import { bootstrapCI, type ConfidenceInterval } from "../../metrics";
import { EmbedlabError, yieldToEventLoop } from "../../core";
import { generate, type GPT, type GptTokenizer } from "../../models/gpt";

/** One evaluated question: its fact, its question template, the greedy answer and the judgement. */
export interface FactAnswer {
  instruction: string;
  fact: string;
  question: string;
  answer: string;
  correct: boolean;
  found: string[];
  /** Other facts the answer states (a trained answer given to the wrong question). */
  others: string[];
}

/** Fact accuracy with a bootstrap CI that resamples question templates (answers to one template are correlated). */
export interface FactAccuracy extends ConfidenceInterval {
  /** Questions answered. */
  n: number;
  /** Question templates they come from (the bootstrap's resampling unit). */
  templates: number;
  answers: FactAnswer[];
}

/**
 * Up to `perTemplate` distinct questions (instructions) of each question template among `pairs`, in the
 * pairs' order: the held-out paraphrases to ask. Every pair must carry `fact` and `question`.
 */
export function factQuestions(
  pairs: readonly aonomi.InstructionPair[],
  perTemplate: number,
): { instruction: string; fact: string; question: string }[] {
  const seen = new Set<string>();
  const perKey = new Map<string, number>();
  const out: { instruction: string; fact: string; question: string }[] = [];
  for (const p of pairs) {
    if (!p.fact || p.question === undefined) continue;
    const key = `${p.fact}|${p.question}`;
    if (seen.has(p.instruction) || (perKey.get(key) ?? 0) >= perTemplate) continue;
    seen.add(p.instruction);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    out.push({ instruction: p.instruction, fact: p.fact, question: p.question });
  }
  return out;
}

/** Share of judged answers that are correct, with a percentile-bootstrap CI over question templates. */
export function factAccuracyCI(answers: readonly FactAnswer[], seed = 0): FactAccuracy {
  const keys = [...new Set(answers.map((a) => `${a.fact}|${a.question}`))];
  const byKey = keys.map((k) => answers.filter((a) => `${a.fact}|${a.question}` === k));
  const ci =
    answers.length === 0
      ? { estimate: 0, lo: 0, hi: 0 }
      : bootstrapCI(
          (idx) => {
            let hit = 0;
            let n = 0;
            for (const i of idx) {
              hit += byKey[i].filter((a) => a.correct).length;
              n += byKey[i].length;
            }
            return hit / Math.max(1, n);
          },
          { size: keys.length, seed },
        );
  return { ...ci, n: answers.length, templates: keys.length, answers: [...answers] };
}

/**
 * Fact accuracy of a model: the greedy answer (stopped at "###" or <|endoftext|>) to each question, judged
 * by `aonomi.judgeFact` against the fact the question asks about.
 */
export async function factAccuracy(
  model: GPT,
  tok: GptTokenizer,
  questions: readonly { instruction: string; fact: string; question: string }[],
  signatures: readonly aonomi.FactSignature[],
  o: { maxNewTokens: number; seed?: number },
): Promise<FactAccuracy> {
  const answers: FactAnswer[] = [];
  for (const q of questions) {
    const r = generate(model, tok, aonomi.instructionPrompt(q.instruction), {
      maxNewTokens: o.maxNewTokens,
      greedy: true,
      stop: ["###"],
      warn: () => undefined,
    });
    const answer = r.text.trim();
    const j = aonomi.judgeFact(answer, q.fact, signatures);
    answers.push({ ...q, answer, correct: j.correct, found: j.found, others: j.others });
    await yieldToEventLoop();
  }
  return factAccuracyCI(answers, o.seed ?? 0);
}

/** `n` questions spread evenly over the list (all of them when there are at most `n`), in order. */
export function spreadQuestions<T>(questions: readonly T[], n: number): T[] {
  if (questions.length <= n) return [...questions];
  return Array.from({ length: n }, (_, i) => questions[Math.floor((i * questions.length) / n)]);
}

/** Share of answers that are wrong but state another fact: the model answered, with the wrong question's answer. */
export function otherFactShare(answers: readonly FactAnswer[]): number {
  return answers.length === 0 ? 0 : answers.filter((a) => !a.correct && a.others.length > 0).length / answers.length;
}

/**
 * Chance level: the fact accuracy of answering each question with a random training answer, i.e. per
 * question the share of `trainPairs` responses that state its fact, averaged over the questions.
 */
export function factAccuracyChance(
  questions: readonly { fact: string }[],
  trainPairs: readonly aonomi.InstructionPair[],
  signatures: readonly aonomi.FactSignature[],
): number {
  if (questions.length === 0 || trainPairs.length === 0) return 0;
  const facts = [...new Set(questions.map((q) => q.fact))];
  const words = trainPairs.map((p) => new Set(aonomi.factWords(p.response)));
  const share = new Map(
    facts.map((f) => {
      const sig = signatures.find((s) => s.fact === f);
      if (!sig)
        throw new EmbedlabError(`unknown fact "${f}"`, "pass the signatures of the grammar the questions come from");
      return [f, words.filter((w) => aonomi.statesFact(w, sig)).length / trainPairs.length];
    }),
  );
  return questions.reduce((s, q) => s + (share.get(q.fact) as number), 0) / questions.length;
}
