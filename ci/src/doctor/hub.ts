/** Whether the model hub (`HF_ENDPOINT`, default https://huggingface.co) answers: one HEAD request, short timeout. */
import { models } from "@embedlab/lib";
import type { CheckResult } from "./check";

export async function checkHub(
  timeoutMs = 5000,
): Promise<CheckResult<{ endpoint: string; reachable: boolean; status?: number; cause?: string }>> {
  let endpoint: string;
  try {
    endpoint = models.hubEndpoint();
  } catch (err) {
    const e = err as Error & { hint?: string };
    return {
      id: "hub",
      name: "model hub",
      summary: e.message.split("\n")[0],
      data: { endpoint: process.env.HF_ENDPOINT ?? "", reachable: false, cause: e.message },
      problems: [{ message: e.message.split("\n")[0], fix: e.hint ?? "fix HF_ENDPOINT", blocks: ["full"] }],
    };
  }
  try {
    const res = await fetch(endpoint, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    return {
      id: "hub",
      name: "model hub",
      summary: `${endpoint} answers (HTTP ${res.status})`,
      data: { endpoint, reachable: true, status: res.status },
      problems: [],
    };
  } catch (err) {
    const cause = models.describeCause(err);
    return {
      id: "hub",
      name: "model hub",
      summary: `${endpoint} unreachable: ${cause}`,
      data: { endpoint, reachable: false, cause },
      problems: [
        {
          message: `the model hub ${endpoint} is unreachable (${cause}): the full profile downloads its models from it`,
          fix: `check the network; behind a firewall set HF_ENDPOINT to a hub mirror${process.env.HF_ENDPOINT ? ` (now ${process.env.HF_ENDPOINT})` : ""}`,
          blocks: ["full"],
        },
      ],
    };
  }
}
