// A real dynamic import() that neither tsc (module: commonjs) nor tslab rewrites to require():
// used to load packages that are ES modules only. Kept as plain .js outside the compiled output.
module.exports = (specifier) => import(specifier);
