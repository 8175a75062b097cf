/** An error as Jupyter's `error` output carries it. */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/**
 * tslab reports a failing cell only by `status: "error"` and the error printed on stderr
 * (a thrown value's stack, or TypeScript diagnostics `line:col - message`). Turn that text
 * into ename / evalue / a short traceback (frames inside node:vm and tslab itself dropped).
 */
export function parseErrorText(text: string): CellError {
  const lines = text.replace(/\s+$/, "").split("\n");
  const diag = lines.filter((l) => /^(\S+ )?\d+:\d+ - /.test(l));
  if (diag.length > 0 && diag.length >= lines.filter((l) => l.trim()).length / 2) {
    return { ename: "TypeScriptError", evalue: diag.join("\n"), traceback: diag };
  }
  const head = lines.findIndex(
    (l) => /^[A-Za-z_$][\w$.]*(?: \[[\w-]+\])?: /.test(l) || /^[A-Za-z_$][\w$]*Error$/.test(l),
  );
  if (head < 0) {
    const first = lines.find((l) => l.trim()) ?? "(no error text)";
    return { ename: "Error", evalue: first.trim(), traceback: lines.slice(0, 8) };
  }
  const m = /^([A-Za-z_$][\w$.]*)(?: \[[\w-]+\])?(?:: (.*))?$/.exec(lines[head]) ?? [lines[head], "Error", ""];
  const msgLines = [m[2] ?? ""];
  let i = head + 1;
  for (; i < lines.length && !/^\s+at /.test(lines[i]); i++) msgLines.push(lines[i]);
  const frames: string[] = [];
  for (; i < lines.length && /^\s+at /.test(lines[i]); i++) {
    if (/node:vm|tslab[\\/]dist|sigintHandlersWrap/.test(lines[i])) break;
    frames.push(lines[i].trim());
  }
  return {
    ename: m[1],
    evalue: msgLines.join("\n").replace(/\s+$/, ""),
    traceback: [`${m[1]}: ${msgLines.join("\n")}`.trimEnd(), ...frames.slice(0, 6).map((f) => "    " + f)],
  };
}
