import ts from "typescript";

/** The type of a notebook parameter, as far as the runner checks it. */
export type ParamType =
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "null" }
  | { kind: "literal"; value: string | number | boolean }
  | { kind: "union"; options: ParamType[] }
  | { kind: "array"; element: ParamType };

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** The default as written in the cell. */
  defaultSource: string;
  /** The trailing `// comment`, if any. */
  doc: string;
}

export function describeType(t: ParamType): string {
  switch (t.kind) {
    case "literal":
      return JSON.stringify(t.value);
    case "union":
      return t.options.map(describeType).join(" | ");
    case "array": {
      const inner = describeType(t.element);
      return t.element.kind === "union" ? `(${inner})[]` : `${inner}[]`;
    }
    default:
      return t.kind;
  }
}

export function matchesType(value: unknown, t: ParamType): boolean {
  switch (t.kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "literal":
      return value === t.value;
    case "union":
      return t.options.some((o) => matchesType(value, o));
    case "array":
      return Array.isArray(value) && value.every((v) => matchesType(v, t.element));
  }
}

function union(types: ParamType[]): ParamType {
  const uniq = types.filter((t, i) => types.findIndex((u) => describeType(u) === describeType(t)) === i);
  return uniq.length === 1 ? uniq[0] : { kind: "union", options: uniq };
}

function typeFromNode(node: ts.TypeNode, src: ts.SourceFile): ParamType {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { kind: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { kind: "number" };
    case ts.SyntaxKind.BooleanKeyword:
      return { kind: "boolean" };
    case ts.SyntaxKind.NullKeyword:
      return { kind: "null" };
  }
  if (ts.isParenthesizedTypeNode(node)) return typeFromNode(node.type, src);
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword)
    return typeFromNode(node.type, src);
  if (ts.isUnionTypeNode(node)) return union(node.types.map((t) => typeFromNode(t, src)));
  if (ts.isArrayTypeNode(node)) return { kind: "array", element: typeFromNode(node.elementType, src) };
  if (
    ts.isTypeReferenceNode(node) &&
    /^(ReadonlyArray|Array)$/.test(node.typeName.getText(src)) &&
    node.typeArguments?.length === 1
  ) {
    return { kind: "array", element: typeFromNode(node.typeArguments[0], src) };
  }
  if (ts.isLiteralTypeNode(node)) {
    const l = node.literal;
    if (l.kind === ts.SyntaxKind.NullKeyword) return { kind: "null" };
    if (l.kind === ts.SyntaxKind.TrueKeyword) return { kind: "literal", value: true };
    if (l.kind === ts.SyntaxKind.FalseKeyword) return { kind: "literal", value: false };
    if (ts.isStringLiteral(l)) return { kind: "literal", value: l.text };
    if (ts.isNumericLiteral(l)) return { kind: "literal", value: Number(l.text) };
    if (ts.isPrefixUnaryExpression(l) && l.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(l.operand))
      return { kind: "literal", value: -Number(l.operand.text) };
  }
  throw new Error(
    `type \`${node.getText(src)}\` is not supported (use string, number, boolean, string literals, unions or arrays of them)`,
  );
}

/** Evaluate a literal initializer; `undefined` when it is not a plain literal. */
function literalValue(e: ts.Expression): { value: unknown } | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { value: e.text };
  if (ts.isNumericLiteral(e)) return { value: Number(e.text) };
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { value: true };
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { value: false };
  if (e.kind === ts.SyntaxKind.NullKeyword) return { value: null };
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return literalValue(e.expression);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = literalValue(e.operand);
    return v && typeof v.value === "number" ? { value: -v.value } : undefined;
  }
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.map(literalValue);
    return items.every((x) => x) ? { value: items.map((x) => x!.value) } : undefined;
  }
  return undefined;
}

/** The value a parameter's default source stands for, when it is a plain literal (`"a"`, `-2`, `[1, 2]`, `true`). */
export function literalDefault(source: string): { value: unknown } | undefined {
  const src = ts.createSourceFile("default.ts", `(${source});`, ts.ScriptTarget.ES2022, true);
  const stmt = src.statements[0];
  return src.statements.length === 1 && ts.isExpressionStatement(stmt) ? literalValue(stmt.expression) : undefined;
}

function inferType(value: unknown): ParamType | undefined {
  if (typeof value === "string") return { kind: "string" };
  if (typeof value === "number") return { kind: "number" };
  if (typeof value === "boolean") return { kind: "boolean" };
  if (Array.isArray(value) && value.length > 0) {
    const el = value.map(inferType);
    return el.every((t) => t) ? { kind: "array", element: union(el as ParamType[]) } : undefined;
  }
  return undefined;
}

/**
 * Read a `parameters` cell: only `let name = value; // what it is` or `let name: Type = value;`
 * statements are allowed. Throws with a message naming the offending line.
 */
export function parseParametersCell(code: string): ParamSpec[] {
  const src = ts.createSourceFile("parameters.ts", code, ts.ScriptTarget.ES2022, true);
  const specs: ParamSpec[] = [];
  const lineOf = (n: ts.Node) => src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
  for (const stmt of src.statements) {
    if (!ts.isVariableStatement(stmt)) {
      throw new Error(
        `line ${lineOf(stmt)}: only \`let name = value;\` lines belong in the parameters cell, found \`${stmt.getText(src).split("\n")[0]}\``,
      );
    }
    if (!(stmt.declarationList.flags & ts.NodeFlags.Let)) {
      throw new Error(
        `line ${lineOf(stmt)}: declare parameters with \`let\` so the runner can override them (found \`${stmt.getText(src).split("\n")[0]}\`)`,
      );
    }
    for (const decl of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name))
        throw new Error(`line ${lineOf(decl)}: destructuring is not supported in the parameters cell`);
      const name = decl.name.text;
      if (!decl.initializer) throw new Error(`line ${lineOf(decl)}: parameter "${name}" needs a default value`);
      let type: ParamType | undefined;
      try {
        type = decl.type ? typeFromNode(decl.type, src) : undefined;
      } catch (err) {
        throw new Error(`line ${lineOf(decl)}: parameter "${name}": ${(err as Error).message}`);
      }
      if (!type) {
        const lit = literalValue(decl.initializer);
        type = lit ? inferType(lit.value) : undefined;
        if (!type)
          throw new Error(
            `line ${lineOf(decl)}: cannot tell the type of parameter "${name}" from \`${decl.initializer.getText(src)}\`; annotate it (\`let ${name}: string = ...\`)`,
          );
      }
      const trailing = ts.getTrailingCommentRanges(code, stmt.getEnd()) ?? [];
      const doc = trailing
        .map((r) =>
          code
            .slice(r.pos, r.end)
            .replace(/^\/\/\s?|^\/\*|\*\/$/g, "")
            .trim(),
        )
        .join(" ");
      if (specs.some((s) => s.name === name))
        throw new Error(`line ${lineOf(decl)}: parameter "${name}" is declared twice`);
      specs.push({ name, type, defaultSource: decl.initializer.getText(src), doc });
    }
  }
  return specs;
}

/** Source of the `injected-parameters` cell (papermill convention: plain assignments after the parameters cell). */
export function injectedCellSource(values: Record<string, unknown>): string {
  const lines = Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)};`);
  // `void 0;` last, so tslab does not echo the value of the final assignment.
  return ["// Parameters injected by the embedlab runner (ci/run)", ...lines, "void 0;"].join("\n");
}
