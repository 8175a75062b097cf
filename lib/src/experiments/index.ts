/**
 * experiments/: the top layer, one folder per notebook, named for what it studies. Each holds that
 * notebook's code and nothing else imports it (the notebooks do, through `@embedlab/lib`):
 * - `config.ts`: the notebook's typed parameters and every profile default, resolved in one place;
 * - the steps the notebook's cells call, one file per concern;
 * - `report.ts`: the flat metrics `ci/expectations.json` checks and the generated conclusion sentences
 *   (decision thresholds named there), both unit-tested.
 * Reusable parts (models, metrics, training) live in the layers below.
 */
export * as smoke from "./smoke"; // notebook 00
export * as labelTargets from "./label-targets"; // notebook 01
export * as trainWithoutLabels from "./train-without-labels"; // notebook 02
export * as gptEmbeddings from "./gpt-embeddings"; // notebook 03
export * as clipLlm from "./clip-llm"; // notebook 04
