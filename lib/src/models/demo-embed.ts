/**
 * `npm run demo:embed -- "a sentence"`: embeds the sentence with USE-lite (offline, from the npm package)
 * and prints its dimension and the built-in sentences ranked by cosine similarity.
 */
import { loadUseLite } from "./use-lite";
import { cosine } from "./vector-math";
import { getTf } from "./tf";

export const DEMO_SENTENCES = [
  "The cat is sleeping on the sofa.",
  "Interest rates were raised by the central bank.",
  "He scored the winning goal in the final minute.",
  "This pasta recipe needs garlic, olive oil and basil.",
  "The telescope captured images of a distant galaxy.",
];

async function main(): Promise<void> {
  const query = process.argv.slice(2).join(" ").trim() || "A kitten naps on the couch.";
  const t0 = Date.now();
  const enc = await loadUseLite();
  const tf = await getTf();
  const [q, ...refs] = await enc.embed([query, ...DEMO_SENTENCES]);
  const ranked = DEMO_SENTENCES.map((s, i) => ({ s, c: cosine(q, refs[i]) })).sort((a, b) => b.c - a.c);
  console.log(`encoder: ${enc.id} (${enc.provenance.source}), backend ${tf.getBackend()}`);
  console.log(`dimension: ${enc.dim}`);
  console.log(`query: ${JSON.stringify(query)}`);
  console.log(`nearest: ${JSON.stringify(ranked[0].s)} (cosine ${ranked[0].c.toFixed(3)})`);
  for (const r of ranked) console.log(`  ${r.c.toFixed(3)}  ${r.s}`);
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s, offline)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
