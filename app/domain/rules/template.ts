// The template language: literal text with `{{ path | filter: arg, arg | filter }}` tags, a
// small Liquid. Parsing is separate from evaluation so the admin can point at a mistake (with
// its column) before anything is booked, and the worker evaluates a tree it knows is sound.
// Columns are 1-based positions in the template text, as an editor shows them.

export interface PathNode {
  kind: "path";
  segments: string[];
  column: number;
  /** The path as written, for messages. */
  text: string;
}
export interface LiteralNode {
  kind: "literal";
  /** Numbers keep their text ("0.8"), so arithmetic on them stays exact. */
  value: string;
  numeric: boolean;
  column: number;
}
export type ArgNode = PathNode | LiteralNode;

export interface FilterNode {
  name: string;
  args: ArgNode[];
  column: number;
}

export interface ExpressionNode {
  kind: "expression";
  input: ArgNode;
  filters: FilterNode[];
  column: number;
}

export type Segment = { kind: "text"; text: string } | ExpressionNode;

export interface SyntaxProblem {
  code: "unclosed_tag" | "empty_tag" | "syntax";
  column: number;
  /** What was expected or found, in English and Swedish. */
  detail: { en: string; sv: string };
}

export type ParseResult = { ok: true; segments: Segment[] } | { ok: false; problem: SyntaxProblem };

class SyntaxError_ extends Error {
  constructor(readonly problem: SyntaxProblem) { super(problem.detail.en); }
}

const IDENT = /[A-Za-z0-9_\-]/;

/** Reads one expression inside `{{ … }}`; `offset` is the 0-based index of its first character. */
class ExpressionReader {
  private i = 0;
  constructor(private readonly src: string, private readonly offset: number) {}

  private col(i = this.i) { return this.offset + i + 1; }
  private fail(en: string, sv: string, at = this.i): never {
    throw new SyntaxError_({ code: "syntax", column: this.col(at), detail: { en, sv } });
  }
  private skip() { while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++; }
  private peek() { return this.src[this.i]; }

  read(): ExpressionNode {
    this.skip();
    const column = this.col();
    const input = this.arg();
    const filters: FilterNode[] = [];
    this.skip();
    while (this.peek() === "|") {
      this.i++;
      filters.push(this.filter());
      this.skip();
    }
    if (this.i < this.src.length) {
      const found = this.src.slice(this.i, this.i + 10);
      this.fail(`expected "|" or "}}" but found "${found}"`, `förväntade "|" eller "}}" men hittade "${found}"`);
    }
    return { kind: "expression", input, filters, column };
  }

  private filter(): FilterNode {
    this.skip();
    const start = this.i;
    while (this.i < this.src.length && /[A-Za-z0-9_]/.test(this.src[this.i])) this.i++;
    if (start === this.i) this.fail("expected a filter name after \"|\"", "förväntade ett filternamn efter \"|\"");
    const node: FilterNode = { name: this.src.slice(start, this.i), args: [], column: this.col(start) };
    this.skip();
    if (this.peek() === ":") {
      this.i++;
      node.args.push(this.arg());
      this.skip();
      while (this.peek() === ",") {
        this.i++;
        node.args.push(this.arg());
        this.skip();
      }
    }
    return node;
  }

  private arg(): ArgNode {
    this.skip();
    const start = this.i;
    const c = this.peek();
    if (c === undefined) this.fail("expected a value", "förväntade ett värde");
    if (c === "\"" || c === "'") return { kind: "literal", value: this.quoted(), numeric: false, column: this.col(start) };
    const number = /^-?\d+(\.\d+)?(?![A-Za-z0-9_.])/.exec(this.src.slice(this.i));
    if (number) {
      this.i += number[0].length;
      return { kind: "literal", value: number[0], numeric: true, column: this.col(start) };
    }
    return this.path();
  }

  private quoted(): string {
    const quote = this.src[this.i];
    const start = this.i;
    this.i++;
    let out = "";
    while (this.i < this.src.length && this.src[this.i] !== quote) out += this.src[this.i++];
    if (this.i >= this.src.length) this.fail(`the text started here has no closing ${quote}`, `texten som börjar här saknar avslutande ${quote}`, start);
    this.i++;
    return out;
  }

  /** a.b.c, with ["any name"] for names that hold spaces or dots (note attributes). */
  private path(): PathNode {
    const start = this.i;
    const segments: string[] = [];
    for (;;) {
      if (this.peek() === "[") {
        this.i++;
        this.skip();
        const q = this.peek();
        if (q !== "\"" && q !== "'") this.fail("expected a quoted name after \"[\"", "förväntade ett namn inom citattecken efter \"[\"");
        segments.push(this.quoted());
        this.skip();
        if (this.peek() !== "]") this.fail("expected \"]\"", "förväntade \"]\"");
        this.i++;
      } else {
        const s = this.i;
        while (this.i < this.src.length && IDENT.test(this.src[this.i])) this.i++;
        if (s === this.i) {
          if (segments.length) this.fail("expected a name after \".\"", "förväntade ett namn efter \".\"");
          this.fail(`expected a value but found "${this.src[this.i]}"`, `förväntade ett värde men hittade "${this.src[this.i]}"`);
        }
        segments.push(this.src.slice(s, this.i));
      }
      if (this.peek() === ".") { this.i++; continue; }
      if (this.peek() === "[") continue;
      break;
    }
    return { kind: "path", segments, column: this.col(start), text: this.src.slice(start, this.i) };
  }
}

export function parseTemplate(template: string): ParseResult {
  const segments: Segment[] = [];
  let i = 0;
  try {
    while (i < template.length) {
      const open = template.indexOf("{{", i);
      if (open < 0) { segments.push({ kind: "text", text: template.slice(i) }); break; }
      if (open > i) segments.push({ kind: "text", text: template.slice(i, open) });
      const close = closingOf(template, open + 2);
      if (close < 0) return { ok: false, problem: { code: "unclosed_tag", column: open + 1, detail: { en: "\"{{\" has no closing \"}}\"", sv: "\"{{\" saknar avslutande \"}}\"" } } };
      const body = template.slice(open + 2, close);
      if (!body.trim()) return { ok: false, problem: { code: "empty_tag", column: open + 1, detail: { en: "\"{{ }}\" holds nothing", sv: "\"{{ }}\" är tom" } } };
      segments.push(new ExpressionReader(body, open + 2).read());
      i = close + 2;
    }
  } catch (e) {
    if (e instanceof SyntaxError_) return { ok: false, problem: e.problem };
    throw e;
  }
  return { ok: true, segments };
}

/** The `}}` that closes a tag, skipping quoted text (a "}}" inside quotes is text). */
function closingOf(template: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < template.length; i++) {
    const c = template[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === "\"" || c === "'") { quote = c; continue; }
    if (c === "{" && template[i + 1] === "{") return -1; // a new tag before this one closed
    if (c === "}" && template[i + 1] === "}") return i;
  }
  return -1;
}

/** Every path a template reads, in order (its input and its filters' arguments). */
export function pathsOf(segments: Segment[]): PathNode[] {
  return segments.flatMap((s) => s.kind === "text" ? [] : [s.input, ...s.filters.flatMap((f) => f.args)].filter((a): a is PathNode => a.kind === "path"));
}
