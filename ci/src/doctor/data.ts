/** The data root, and which datasets each notebook needs under each profile and whether they are there. */
import { data, dataDir } from "@embedlab/lib";
import type { CheckResult, DoctorProfile, Problem } from "./check";

export interface NotebookData {
  needs: string[];
  missing: { dataset: string; files: string[]; optional: boolean; downloadable: boolean; dir: string }[];
  ready: boolean;
}

export function checkData(
  notebooks: string[],
): CheckResult<{ root: string; notebooks: Record<string, Record<DoctorProfile, NotebookData>> }> {
  const root = dataDir();
  const out: Record<string, Record<DoctorProfile, NotebookData>> = {};
  const problems: Problem[] = [];
  const details: string[] = [];
  for (const nb of notebooks) {
    out[nb] = {} as Record<DoctorProfile, NotebookData>;
    for (const profile of ["quick", "full"] as const) {
      const st = data.checkNeeds(nb, profile, root);
      const missing = st
        .filter((s) => s.missing.length > 0)
        .map((s) => ({
          dataset: s.dataset,
          files: s.missing,
          optional: Boolean(s.optional),
          downloadable: s.downloadable,
          dir: s.dir,
        }));
      const ready = missing.every((m) => m.optional);
      out[nb][profile] = { needs: [...new Set(st.map((s) => s.dataset))], missing, ready };
      details.push(
        `${nb} · ${profile}: ${
          st.length === 0
            ? "no datasets"
            : ready
              ? `has ${out[nb][profile].needs.join(", ")}`
              : `missing ${missing
                  .filter((m) => !m.optional)
                  .map((m) => `${m.dataset} (${m.files.join(", ")})`)
                  .join("; ")}`
        }` +
          (missing.some((m) => m.optional)
            ? ` (optional, absent: ${missing
                .filter((m) => m.optional)
                .map((m) => m.files.join(", "))
                .join("; ")})`
            : ""),
      );
      for (const m of missing.filter((x) => !x.optional)) {
        problems.push({
          message: `${nb} (profile ${profile}) needs dataset "${m.dataset}": ${m.files.join(", ")} not in ${m.dir}`,
          fix: m.downloadable
            ? `npm run data -- fetch ${m.dataset}, or set EMBEDLAB_DATA_DIR to a mirror that has it`
            : `set EMBEDLAB_DATA_DIR to a mirror that has ${m.dir.slice(root.length + 1)}/ (no public download is registered)`,
          blocks: [profile],
        });
      }
    }
  }
  return {
    id: "data",
    name: "data",
    summary: `data root ${root}${process.env.EMBEDLAB_DATA_DIR ? " (EMBEDLAB_DATA_DIR)" : " (default)"}`,
    details,
    data: { root, notebooks: out },
    problems,
  };
}
