// A small GraphQL executable-document parser (operations, fragments, variables, aliases,
// arguments, directives). The `graphql` package is not installed in this project, so the
// simulator carries its own. Errors mimic the shape graphql-ruby (Shopify) produces.

export interface Loc {
  line: number;
  column: number;
}

export type ValueNode =
  | { kind: "Variable"; name: string; loc: Loc }
  | { kind: "Int"; value: string; loc: Loc }
  | { kind: "Float"; value: string; loc: Loc }
  | { kind: "String"; value: string; loc: Loc }
  | { kind: "Boolean"; value: boolean; loc: Loc }
  | { kind: "Null"; loc: Loc }
  | { kind: "Enum"; value: string; loc: Loc }
  | { kind: "List"; values: ValueNode[]; loc: Loc }
  | { kind: "Object"; fields: { name: string; value: ValueNode }[]; loc: Loc };

export type TypeNode =
  | { kind: "Named"; name: string }
  | { kind: "List"; type: TypeNode }
  | { kind: "NonNull"; type: TypeNode };

export interface ArgumentNode {
  name: string;
  value: ValueNode;
  loc: Loc;
}
export interface DirectiveNode {
  name: string;
  args: ArgumentNode[];
  loc: Loc;
}
export interface FieldNode {
  kind: "Field";
  alias?: string;
  name: string;
  args: ArgumentNode[];
  directives: DirectiveNode[];
  selectionSet?: SelectionNode[];
  loc: Loc;
}
export interface FragmentSpreadNode {
  kind: "FragmentSpread";
  name: string;
  directives: DirectiveNode[];
  loc: Loc;
}
export interface InlineFragmentNode {
  kind: "InlineFragment";
  typeCondition?: string;
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
  loc: Loc;
}
export type SelectionNode = FieldNode | FragmentSpreadNode | InlineFragmentNode;

export interface VariableDefinitionNode {
  name: string;
  type: TypeNode;
  defaultValue?: ValueNode;
  loc: Loc;
}
export interface OperationNode {
  kind: "Operation";
  operation: "query" | "mutation" | "subscription";
  name?: string;
  variableDefinitions: VariableDefinitionNode[];
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
  loc: Loc;
}
export interface FragmentNode {
  kind: "Fragment";
  name: string;
  typeCondition: string;
  directives: DirectiveNode[];
  selectionSet: SelectionNode[];
  loc: Loc;
}
export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

export class GraphQLSyntaxError extends Error {
  constructor(
    message: string,
    public readonly loc: Loc,
  ) {
    super(message);
  }
}

type TokKind = "Punct" | "Name" | "Int" | "Float" | "String" | "EOF";
interface Token {
  kind: TokKind;
  value: string;
  loc: Loc;
}

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Loc => ({ line, column: at - lineStart + 1 });
  const err = (msg: string, at: number): never => {
    throw new GraphQLSyntaxError(msg, loc(at));
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "," || c === "\uFEFF") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (c === "." && src.startsWith("...", i)) {
      tokens.push({ kind: "Punct", value: "...", loc: loc(start) });
      i += 3;
      continue;
    }
    if ("!$&()=:@[]{}|".includes(c)) {
      tokens.push({ kind: "Punct", value: c, loc: loc(start) });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      tokens.push({ kind: "Name", value: src.slice(start, i), loc: loc(start) });
      continue;
    }
    if (c === "-" || /[0-9]/.test(c)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      if (!m) err(`Parse error on "${c}" (error) at [${line}, ${start - lineStart + 1}]`, start);
      i += m![0].length;
      if (i < src.length && /[A-Za-z_.]/.test(src[i]!)) err(`Parse error on bad number at [${line}, ${start - lineStart + 1}]`, start);
      tokens.push({ kind: m![2] || m![3] ? "Float" : "Int", value: m![0], loc: loc(start) });
      continue;
    }
    if (c === '"') {
      const startLoc = loc(start);
      if (src.startsWith('"""', i)) {
        i += 3;
        let raw = "";
        for (;;) {
          if (i >= src.length) err("Parse error: unterminated block string", start);
          if (src.startsWith('\\"""', i)) {
            raw += '"""';
            i += 4;
            continue;
          }
          if (src.startsWith('"""', i)) {
            i += 3;
            break;
          }
          if (src[i] === "\n") {
            line++;
            lineStart = i + 1;
          }
          raw += src[i++];
        }
        tokens.push({ kind: "String", value: blockStringValue(raw), loc: startLoc });
        continue;
      }
      i++;
      let out = "";
      for (;;) {
        if (i >= src.length || src[i] === "\n") err(`Parse error: unterminated string at [${startLoc.line}, ${startLoc.column}]`, start);
        const ch = src[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === "\\") {
          const e = src[i + 1];
          const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (e !== undefined && simple[e] !== undefined) {
            out += simple[e];
            i += 2;
            continue;
          }
          if (e === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          err(`Parse error: bad escape sequence at [${line}, ${i - lineStart + 1}]`, i);
        }
        out += ch;
        i++;
      }
      tokens.push({ kind: "String", value: out, loc: startLoc });
      continue;
    }
    err(`Parse error on "${c}" (error) at [${line}, ${start - lineStart + 1}]`, start);
  }
  tokens.push({ kind: "EOF", value: "", loc: { line, column: i - lineStart + 1 } });
  return tokens;
}

function blockStringValue(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  let common: number | null = null;
  for (let k = 1; k < lines.length; k++) {
    const l = lines[k]!;
    const indent = l.length - l.trimStart().length;
    if (indent < l.length && (common === null || indent < common)) common = indent;
  }
  if (common) for (let k = 1; k < lines.length; k++) lines[k] = lines[k]!.slice(common);
  while (lines.length && lines[0]!.trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === "") lines.pop();
  return lines.join("\n");
}

export function parseDocument(src: string): DocumentNode {
  const tokens = lex(src);
  let p = 0;
  const peek = () => tokens[p]!;
  const describe = (t: Token) =>
    t.kind === "EOF" ? `Parse error on end of input` : `Parse error on "${t.value}" (${t.kind === "Punct" ? punctName(t.value) : t.kind.toUpperCase()}) at [${t.loc.line}, ${t.loc.column}]`;
  const fail = (t: Token = peek()): never => {
    throw new GraphQLSyntaxError(describe(t), t.loc);
  };
  const isPunct = (v: string) => peek().kind === "Punct" && peek().value === v;
  const expectPunct = (v: string) => {
    if (!isPunct(v)) fail();
    return tokens[p++]!;
  };
  const expectName = () => {
    if (peek().kind !== "Name") fail();
    return tokens[p++]!;
  };

  const parseType = (): TypeNode => {
    let t: TypeNode;
    if (isPunct("[")) {
      p++;
      const inner = parseType();
      expectPunct("]");
      t = { kind: "List", type: inner };
    } else {
      t = { kind: "Named", name: expectName().value };
    }
    if (isPunct("!")) {
      p++;
      t = { kind: "NonNull", type: t };
    }
    return t;
  };

  const parseValue = (isConst: boolean): ValueNode => {
    const t = peek();
    if (t.kind === "Punct") {
      if (t.value === "$" && !isConst) {
        p++;
        return { kind: "Variable", name: expectName().value, loc: t.loc };
      }
      if (t.value === "[") {
        p++;
        const values: ValueNode[] = [];
        while (!isPunct("]")) {
          if (peek().kind === "EOF") fail();
          values.push(parseValue(isConst));
        }
        p++;
        return { kind: "List", values, loc: t.loc };
      }
      if (t.value === "{") {
        p++;
        const fields: { name: string; value: ValueNode }[] = [];
        while (!isPunct("}")) {
          const name = expectName().value;
          expectPunct(":");
          fields.push({ name, value: parseValue(isConst) });
        }
        p++;
        return { kind: "Object", fields, loc: t.loc };
      }
      return fail();
    }
    p++;
    switch (t.kind) {
      case "Int":
        return { kind: "Int", value: t.value, loc: t.loc };
      case "Float":
        return { kind: "Float", value: t.value, loc: t.loc };
      case "String":
        return { kind: "String", value: t.value, loc: t.loc };
      case "Name":
        if (t.value === "true" || t.value === "false") return { kind: "Boolean", value: t.value === "true", loc: t.loc };
        if (t.value === "null") return { kind: "Null", loc: t.loc };
        return { kind: "Enum", value: t.value, loc: t.loc };
      default:
        p--;
        return fail();
    }
  };

  const parseArguments = (isConst: boolean): ArgumentNode[] => {
    const args: ArgumentNode[] = [];
    if (!isPunct("(")) return args;
    p++;
    while (!isPunct(")")) {
      const n = expectName();
      expectPunct(":");
      args.push({ name: n.value, value: parseValue(isConst), loc: n.loc });
    }
    p++;
    if (args.length === 0) fail(tokens[p - 1]);
    return args;
  };

  const parseDirectives = (): DirectiveNode[] => {
    const ds: DirectiveNode[] = [];
    while (isPunct("@")) {
      const at = tokens[p++]!;
      const name = expectName().value;
      ds.push({ name, args: parseArguments(false), loc: at.loc });
    }
    return ds;
  };

  const parseSelectionSet = (): SelectionNode[] => {
    expectPunct("{");
    const selections: SelectionNode[] = [];
    while (!isPunct("}")) {
      if (peek().kind === "EOF") fail();
      selections.push(parseSelection());
    }
    p++;
    if (selections.length === 0) fail(tokens[p - 1]);
    return selections;
  };

  const parseSelection = (): SelectionNode => {
    if (isPunct("...")) {
      const dots = tokens[p++]!;
      if (peek().kind === "Name" && peek().value !== "on") {
        const name = expectName().value;
        return { kind: "FragmentSpread", name, directives: parseDirectives(), loc: dots.loc };
      }
      let typeCondition: string | undefined;
      if (peek().kind === "Name" && peek().value === "on") {
        p++;
        typeCondition = expectName().value;
      }
      const directives = parseDirectives();
      return { kind: "InlineFragment", typeCondition, directives, selectionSet: parseSelectionSet(), loc: dots.loc };
    }
    const first = expectName();
    let alias: string | undefined;
    let name = first.value;
    if (isPunct(":")) {
      p++;
      alias = first.value;
      name = expectName().value;
    }
    const args = parseArguments(false);
    const directives = parseDirectives();
    const selectionSet = isPunct("{") ? parseSelectionSet() : undefined;
    return { kind: "Field", alias, name, args, directives, selectionSet, loc: first.loc };
  };

  const operations: OperationNode[] = [];
  const fragments = new Map<string, FragmentNode>();
  if (peek().kind === "EOF") fail();
  while (peek().kind !== "EOF") {
    const t = peek();
    if (isPunct("{")) {
      operations.push({ kind: "Operation", operation: "query", variableDefinitions: [], directives: [], selectionSet: parseSelectionSet(), loc: t.loc });
      continue;
    }
    if (t.kind !== "Name") fail();
    if (t.value === "fragment") {
      p++;
      const name = expectName();
      if (name.value === "on") fail(name);
      const on = expectName();
      if (on.value !== "on") fail(on);
      const typeCondition = expectName().value;
      const directives = parseDirectives();
      if (fragments.has(name.value)) {
        throw new GraphQLSyntaxError(`Fragment name "${name.value}" must be unique`, name.loc);
      }
      fragments.set(name.value, { kind: "Fragment", name: name.value, typeCondition, directives, selectionSet: parseSelectionSet(), loc: t.loc });
      continue;
    }
    if (t.value === "query" || t.value === "mutation" || t.value === "subscription") {
      p++;
      let name: string | undefined;
      if (peek().kind === "Name") name = expectName().value;
      const variableDefinitions: VariableDefinitionNode[] = [];
      if (isPunct("(")) {
        p++;
        while (!isPunct(")")) {
          const dollar = expectPunct("$");
          const vname = expectName().value;
          expectPunct(":");
          const type = parseType();
          let defaultValue: ValueNode | undefined;
          if (isPunct("=")) {
            p++;
            defaultValue = parseValue(true);
          }
          parseDirectives();
          variableDefinitions.push({ name: vname, type, defaultValue, loc: dollar.loc });
        }
        p++;
      }
      const directives = parseDirectives();
      operations.push({ kind: "Operation", operation: t.value, name, variableDefinitions, directives, selectionSet: parseSelectionSet(), loc: t.loc });
      continue;
    }
    fail();
  }
  return { operations, fragments };
}

function punctName(v: string): string {
  const names: Record<string, string> = {
    "{": "LCURLY",
    "}": "RCURLY",
    "(": "LPAREN",
    ")": "RPAREN",
    "[": "LBRACKET",
    "]": "RBRACKET",
    ":": "COLON",
    "!": "BANG",
    $: "VAR_SIGN",
    "=": "EQUALS",
    "@": "DIR_SIGN",
    "...": "ELLIPSIS",
    "|": "PIPE",
    "&": "AMP",
  };
  return names[v] ?? "PUNCT";
}

export function typeToString(t: TypeNode): string {
  if (t.kind === "Named") return t.name;
  if (t.kind === "List") return `[${typeToString(t.type)}]`;
  return `${typeToString(t.type)}!`;
}

/** Parses a type reference such as "[String!]!" (used for the simulator's schema table). */
export function parseTypeRef(src: string): TypeNode {
  const doc = src.trim();
  let i = 0;
  const read = (): TypeNode => {
    let t: TypeNode;
    if (doc[i] === "[") {
      i++;
      const inner = read();
      if (doc[i] !== "]") throw new Error(`bad type ref ${src}`);
      i++;
      t = { kind: "List", type: inner };
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(doc.slice(i));
      if (!m) throw new Error(`bad type ref ${src}`);
      i += m[0].length;
      t = { kind: "Named", name: m[0] };
    }
    if (doc[i] === "!") {
      i++;
      t = { kind: "NonNull", type: t };
    }
    return t;
  };
  const t = read();
  if (i !== doc.length) throw new Error(`bad type ref ${src}`);
  return t;
}
