// A notebook's parameters as its parameters cell sets them, for tests to start from what a reader runs with.
import { createRequire } from "node:module";

const { literalDefaults, loadNotebook } = createRequire(import.meta.url)("../ci/dist/notebooks.js");
const NOTEBOOKS = new URL("../notebooks", import.meta.url).pathname;

/** `{ name: default }` for the parameters of `notebooks/<name>.ipynb` whose default is a literal. */
export const notebookDefaults = (name) => literalDefaults(loadNotebook(NOTEBOOKS, name));
