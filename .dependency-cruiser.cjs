/**
 * The layer order of lib/ (lowest first), checked by `npm test` (test/layers.test.mjs) and `npm run layers`:
 * core → backend → parallel → data → metrics → losses → viz → models → train → experiments.
 * A layer imports only layers before it; core imports nothing of ours; no cycles; nobody deep-imports a
 * package's dist/ (use the package's index: `@embedlab/lib`, `@embedlab/kernel-ext`).
 */
const LAYERS = ["core", "backend", "parallel", "data", "metrics", "losses", "viz", "models", "train", "experiments"];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-higher-layer`,
  comment: `lib/src/${layer} is below ${LAYERS.slice(i + 1).join(", ")}: it must not import them`,
  severity: "error",
  from: { path: `^lib/src/${layer}/` },
  to: { path: `^lib/src/(${LAYERS.slice(i + 1).join("|")})/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-cycles",
      comment: "an import cycle makes load order and ownership unclear",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-dist-deep-imports",
      comment: "import @embedlab/lib or @embedlab/kernel-ext by package name, not their dist/ files",
      severity: "error",
      from: { path: "^(lib|kernel-ext|ci)/src/" },
      to: { path: "^(lib|kernel-ext)/dist/(?!index\\.js$)" },
    },
    {
      name: "lib-is-not-kernel-or-runner",
      comment: "lib/ is usable outside a kernel: it never imports kernel-ext/ or ci/",
      severity: "error",
      from: { path: "^lib/src/" },
      to: { path: "^(kernel-ext|ci)/" },
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)(node_modules|dist)/" },
    exclude: { path: "(^|/)node_modules/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
  },
};
