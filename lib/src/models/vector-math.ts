/**
 * Vector helpers used by the model wrappers. The one implementation lives in metrics/cosine.ts;
 * these are re-exports so `models.cosine`, `models.meanVector` and `models.l2normalize` keep working.
 */
export { cosine, dot, l2normalize, meanVector } from "../metrics/cosine";
