export { initBackend, backendInfo, type BackendInfo, type BackendPreference } from "./select";
export { registerWasmKernels } from "./wasm-kernels";
