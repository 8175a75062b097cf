import type { LoadOptions } from "./types";

/** Whether hub downloads are allowed: explicit option, else profile "full", else EMBEDLAB_ALLOW_REMOTE / EMBEDLAB_PROFILE. */
export function remoteAllowed(opts: LoadOptions = {}): boolean {
  if (opts.allowRemote !== undefined) return opts.allowRemote;
  if (opts.profile === "full") return true;
  const env = process.env.EMBEDLAB_ALLOW_REMOTE;
  if (env && env !== "0" && env.toLowerCase() !== "false") return true;
  return process.env.EMBEDLAB_PROFILE === "full";
}
