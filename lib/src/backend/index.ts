/**
 * backend/ (above core): picks and initialises the tfjs backend (and says why), and registers the
 * project's own wasm kernels (wasm-kernels/: one file per kernel, one registration list).
 */
export { initBackend, backendInfo, type BackendInfo, type BackendPreference } from "./select";
export { planBackend, nativeUnavailable, resolvePreference, NATIVE_TFJS_PACKAGES, type BackendProbes } from "./select";
export * from "./device";
export { gpuUnavailable, gpuVisible, NVIDIA_DEVICE_FILES, type GpuProbes } from "./gpu";
export { installedPackage, packageJsonPath, type PackageProbes } from "./packages";
export { registerWasmKernels } from "./wasm-kernels";
