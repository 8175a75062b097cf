/**
 * Student tokeniser: lower-case words, clitics ("n't", "'s") and punctuation as separate tokens. SST-2
 * text is already tokenised this way ("does n't"); raw text ("doesn't") is split the same way.
 */
const TOKEN = /n't|'[a-z]+|[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

export function studentTokens(text: string): string[] {
  const lower = text.toLowerCase().replace(/(\p{L})n't\b/gu, "$1 n't");
  return lower.match(TOKEN) ?? [];
}

/** Adjacent token pairs joined by a space ("not good"). */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]} ${tokens[i + 1]}`);
  return out;
}

/** How a clitic or PTB bracket token is spelled in the word-vector table. */
const WORD_VECTOR_SPELLING: Record<string, string> = {
  "n't": "not",
  "'re": "are",
  "'ve": "have",
  "'m": "am",
  "'ll": "will",
  "'d": "would",
  "-lrb-": "(",
  "-rrb-": ")",
  "``": '"',
  "''": '"',
};

export function wordVectorSpelling(token: string): string {
  return WORD_VECTOR_SPELLING[token] ?? token;
}
