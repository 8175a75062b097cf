/**
 * backend/ (above core): picks and initialises the tfjs backend (and says why), and registers the
 * project's own wasm kernels (wasm-kernels/: one file per kernel, one registration list).
 */
export { initBackend, backendInfo, type BackendInfo, type BackendPreference } from "./select";
export { registerWasmKernels } from "./wasm-kernels";
