/**
 * @embedlab/kernel-ext — how an embedlab notebook talks to Jupyter (tslab): rich display, live
 * progress, kernel install. Everything works outside a kernel too, printing plain text.
 */
import { setProgressFactory } from "@embedlab/lib";
import { inKernel } from "./kernel";
import { liveProgress } from "./progress";

export const version = "0.1.0";

export { inKernel, displayBundle, newLiveDisplay, type LiveDisplay, type DisplayMessage } from "./kernel";
export { escapeHtml, type MimeBundle } from "./mime";
export { show, type VegaLiteShowOptions } from "./show";
export { markdownToHtml } from "./markdown";
export type { MessageHeader } from "./tslab-protocol";
export {
  renderVegaLite,
  saveFigure,
  vegaliteBundle,
  writeFigure,
  type VegaLiteSpec,
  type RenderedFigure,
  type RenderOptions,
} from "./vegalite";
export { tableBundle, toRows, formatCell, type TableOptions, type TableRows, type DataFrameLike } from "./table";
export { imagesBundle, type ImageItem, type ImagesOptions } from "./images";
export { progress, liveProgress, type ProgressOptions } from "./progress";
export { chartFonts, type FontConfig } from "./fonts";
export { queueSendsWhenBusy, unboundedPublishers, guardTslabSockets, TSLAB_SOCKET_CLASSES } from "./zmq-send-queue";
export {
  kernelSpec,
  installKernelSpec,
  jupyterDataDir,
  tslabBin,
  KERNEL_NAME,
  KERNEL_PRELOAD,
  type KernelSpec,
  type KernelSpecOptions,
  type InstallOptions,
} from "./kernelspec";

/**
 * Inside a kernel, library code's `progress()` (lib/core) shows live bars too. Outside, lib keeps
 * its text default. Safe to call again (e.g. if the package was first imported outside a cell).
 */
export function installNotebookProgress(): boolean {
  if (!inKernel()) return false;
  setProgressFactory((total, label) => (inKernel() ? liveProgress(total, label) : fallbackText(total, label)));
  return true;
}

import { textProgress } from "@embedlab/lib";
function fallbackText(total: number, label: string) {
  return textProgress(total, label);
}

installNotebookProgress();
