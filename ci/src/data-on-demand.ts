/**
 * First use: before a notebook runs, fetch the datasets it reads under its profile (needs.ts) that the data root lacks,
 * through the library's fetch (checksummed, sizes announced, progress). Off with EMBEDLAB_OFFLINE=1, and when the data
 * root is a mirror. A failed fetch does not stop the run: the notebook's own data cell then names the dataset and the fix.
 */
import { data, dataDir } from "@embedlab/lib";

export type DataFetchOutcome = "nothing needed" | "offline" | "mirror" | "fetched" | "failed";

export async function fetchNotebookData(
  notebook: string,
  profile: unknown,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DataFetchOutcome> {
  const dataProfile: data.DataProfile = profile === "full" ? "full" : "quick";
  if (!(notebook in data.NOTEBOOK_DATA)) return "nothing needed";
  const root = dataDir(env);
  const plan = data.planFetch(dataProfile, [notebook], root);
  if (plan.every((p) => p.action === "present")) return "nothing needed";
  if (env.EMBEDLAB_OFFLINE === "1") {
    log(
      `${notebook}: EMBEDLAB_OFFLINE=1, not fetching ${plan
        .filter((p) => p.action !== "present")
        .map((p) => p.entry.name)
        .join(", ")}`,
    );
    return "offline";
  }
  const mirror = data.mirrorReason(root);
  if (mirror) {
    log(`${notebook}: data dir ${root} is a mirror (${mirror}): not fetching into it`);
    return "mirror";
  }
  try {
    await data.fetchForProfile({ profile: dataProfile, notebooks: [notebook], root, log });
    return "fetched";
  } catch (err) {
    log(`${notebook}: ${(err as Error).message}`);
    return "failed";
  }
}
