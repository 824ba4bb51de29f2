// Schema-driven validation + execution for the simulator's small Admin API schema.
// Validation errors are returned without data (as Shopify does); field errors null the field
// and propagate through non-null types as the GraphQL spec says.
import {
  parseDocument,
  parseTypeRef,
  typeToString,
  GraphQLSyntaxError,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type Loc,
  type OperationNode,
  type SelectionNode,
  type TypeNode,
  type ValueNode,
} from "./gql-parse";

export interface GqlError {
  message: string;
  locations?: Loc[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Thrown by resolvers: becomes an entry in `errors` with the field's path, the field becomes null. */
export class GqlFieldError extends Error {
  constructor(
    message: string,
    public readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export type ScalarParse = { ok: true; value: unknown } | { ok: false; explanation: string };

export interface ScalarDef {
  kind: "SCALAR";
  name: string;
  parse(value: unknown): ScalarParse;
  serialize?(value: unknown): unknown;
}
export interface EnumDef {
  kind: "ENUM";
  name: string;
  values: string[];
}
export interface ArgDef {
  type: TypeNode;
  defaultValue?: unknown;
}
export interface FieldDef<Ctx = unknown> {
  type: TypeNode;
  args: Record<string, ArgDef>;
  resolve?: (source: any, args: Record<string, any>, ctx: Ctx, info: ResolveInfo) => unknown;
  /** Points this field adds to the requested cost (default: 1 for object types, 0 for leaves). */
  staticCost?: (args: Record<string, any>, childCost: number) => number;
  /** Marks a mutation root field: costs a flat amount, its payload is not counted. */
  flatCost?: number;
}
/** What a resolver learns of its field beyond the arguments: the custom directives on it, with their arguments. */
export interface ResolveInfo {
  directives: Record<string, Record<string, unknown>>;
}
/** A directive the schema declares (besides the built-in @include and @skip), e.g. Shopify's @idempotent(key:). */
export interface DirectiveDef {
  name: string;
  args: Record<string, ArgDef>;
  /** where it may stand: "FIELD", "QUERY", "MUTATION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT" */
  locations: string[];
}
export interface ObjectDef<Ctx = unknown> {
  kind: "OBJECT";
  name: string;
  interfaces: string[];
  fields: Record<string, FieldDef<Ctx>>;
}
export interface InterfaceDef<Ctx = unknown> {
  kind: "INTERFACE";
  name: string;
  fields: Record<string, FieldDef<Ctx>>;
  resolveType(value: any): string;
}
export interface InputDef {
  kind: "INPUT_OBJECT";
  name: string;
  fields: Record<string, ArgDef>;
}
export type TypeDef<Ctx = unknown> = ScalarDef | EnumDef | ObjectDef<Ctx> | InterfaceDef<Ctx> | InputDef;

export interface Schema<Ctx = unknown> {
  types: Map<string, TypeDef<Ctx>>;
  directives: Map<string, DirectiveDef>;
  queryType: string;
  mutationType: string;
}

// ---------------------------------------------------------------------------------------------
// schema-building helpers

export type FieldSpec<Ctx> =
  | string
  | {
      type: string;
      args?: Record<string, string | { type: string; defaultValue?: unknown }>;
      resolve?: FieldDef<Ctx>["resolve"];
      staticCost?: FieldDef<Ctx>["staticCost"];
      flatCost?: number;
    };

function buildFields<Ctx>(spec: Record<string, FieldSpec<Ctx>>): Record<string, FieldDef<Ctx>> {
  const out: Record<string, FieldDef<Ctx>> = {};
  for (const [name, f] of Object.entries(spec)) {
    if (typeof f === "string") {
      out[name] = { type: parseTypeRef(f), args: {} };
      continue;
    }
    const args: Record<string, ArgDef> = {};
    for (const [an, a] of Object.entries(f.args ?? {})) {
      args[an] = typeof a === "string" ? { type: parseTypeRef(a) } : { type: parseTypeRef(a.type), defaultValue: a.defaultValue };
    }
    out[name] = { type: parseTypeRef(f.type), args, resolve: f.resolve, staticCost: f.staticCost, flatCost: f.flatCost };
  }
  return out;
}

export function objectType<Ctx>(name: string, fields: Record<string, FieldSpec<Ctx>>, interfaces: string[] = []): ObjectDef<Ctx> {
  return { kind: "OBJECT", name, interfaces, fields: buildFields(fields) };
}
export function interfaceType<Ctx>(name: string, fields: Record<string, FieldSpec<Ctx>>, resolveType: (v: any) => string): InterfaceDef<Ctx> {
  return { kind: "INTERFACE", name, fields: buildFields(fields), resolveType };
}
export function inputType(name: string, fields: Record<string, string>): InputDef {
  const out: Record<string, ArgDef> = {};
  for (const [n, t] of Object.entries(fields)) out[n] = { type: parseTypeRef(t) };
  return { kind: "INPUT_OBJECT", name, fields: out };
}
export function directiveDef(name: string, args: Record<string, string>, locations: string[]): DirectiveDef {
  return { name, args: inputType(name, args).fields, locations };
}
export function enumType(name: string, values: string[]): EnumDef {
  return { kind: "ENUM", name, values };
}

const INT_MAX = 2147483647;
export const builtinScalars: ScalarDef[] = [
  { kind: "SCALAR", name: "String", parse: (v) => (typeof v === "string" ? { ok: true, value: v } : { ok: false, explanation: "Could not coerce value " + JSON.stringify(v) + " to String" }) },
  {
    kind: "SCALAR",
    name: "Int",
    parse: (v) =>
      typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= INT_MAX
        ? { ok: true, value: v }
        : { ok: false, explanation: "Could not coerce value " + JSON.stringify(v) + " to Int" },
  },
  { kind: "SCALAR", name: "Float", parse: (v) => (typeof v === "number" && Number.isFinite(v) ? { ok: true, value: v } : { ok: false, explanation: "Could not coerce value " + JSON.stringify(v) + " to Float" }) },
  { kind: "SCALAR", name: "Boolean", parse: (v) => (typeof v === "boolean" ? { ok: true, value: v } : { ok: false, explanation: "Could not coerce value " + JSON.stringify(v) + " to Boolean" }) },
];

const BUILTIN_DIRECTIVES: DirectiveDef[] = ["include", "skip"].map((name) => ({
  name,
  args: { if: { type: parseTypeRef("Boolean!") } },
  locations: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
}));

export function buildSchema<Ctx>(types: TypeDef<Ctx>[], queryType = "QueryRoot", mutationType = "Mutation", directives: DirectiveDef[] = []): Schema<Ctx> {
  const map = new Map<string, TypeDef<Ctx>>();
  for (const t of [...builtinScalars, ...types]) map.set(t.name, t);
  // sanity check: every referenced type exists
  const check = (t: TypeNode, where: string) => {
    const n = namedType(t);
    if (!map.has(n)) throw new Error(`schema: unknown type ${n} in ${where}`);
  };
  for (const t of map.values()) {
    if (t.kind === "OBJECT" || t.kind === "INTERFACE") {
      for (const [fn, f] of Object.entries(t.fields)) {
        check(f.type, `${t.name}.${fn}`);
        for (const [an, a] of Object.entries(f.args)) check(a.type, `${t.name}.${fn}(${an})`);
      }
    }
    if (t.kind === "INPUT_OBJECT") for (const [fn, f] of Object.entries(t.fields)) check(f.type, `${t.name}.${fn}`);
  }
  return { types: map, queryType, mutationType, directives: new Map([...BUILTIN_DIRECTIVES, ...directives].map((d) => [d.name, d])) };
}

export function namedType(t: TypeNode): string {
  return t.kind === "Named" ? t.name : namedType(t.type);
}

// ---------------------------------------------------------------------------------------------
// execution entry point

export interface ExecuteRequest {
  query: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface Prepared {
  operation: OperationNode;
  doc: DocumentNode;
  variables: Record<string, unknown>;
  requestedCost: number;
  rootFieldNames: string[];
}

export type PrepareResult = { ok: true; prepared: Prepared } | { ok: false; errors: GqlError[] };

/** Parses, validates and coerces variables; computes the requested cost. No resolver runs. */
export function prepare<Ctx>(schema: Schema<Ctx>, req: ExecuteRequest): PrepareResult {
  if (typeof req.query !== "string" || req.query.trim() === "") {
    return { ok: false, errors: [{ message: "No query string was present" }] };
  }
  let doc: DocumentNode;
  try {
    doc = parseDocument(req.query);
  } catch (e) {
    if (e instanceof GraphQLSyntaxError) return { ok: false, errors: [{ message: e.message, locations: [e.loc] }] };
    throw e;
  }
  let operation: OperationNode | undefined;
  if (req.operationName !== undefined && req.operationName !== null) {
    operation = doc.operations.find((o) => o.name === req.operationName);
    if (!operation) return { ok: false, errors: [{ message: `No operation named "${String(req.operationName)}"` }] };
  } else if (doc.operations.length === 1) {
    operation = doc.operations[0];
  } else if (doc.operations.length === 0) {
    return { ok: false, errors: [{ message: "Document has no operations" }] };
  } else {
    return { ok: false, errors: [{ message: "An operation name is required" }] };
  }
  const op = operation!;
  if (op.operation === "subscription") {
    return { ok: false, errors: [{ message: "Subscriptions are not supported", locations: [op.loc] }] };
  }
  const validator = new Validator(schema, doc, op);
  const errors = validator.run();
  if (errors.length) return { ok: false, errors };

  const coerced = coerceVariables(schema, op, req.variables);
  if (!coerced.ok) return coerced;

  const rootType = op.operation === "mutation" ? schema.mutationType : schema.queryType;
  const requestedCost = staticCost(schema, doc, op.selectionSet, rootType, coerced.variables, op.operation === "mutation");
  const rootFieldNames: string[] = [];
  for (const sel of op.selectionSet) if (sel.kind === "Field") rootFieldNames.push(sel.name);
  return { ok: true, prepared: { operation: op, doc, variables: coerced.variables, requestedCost, rootFieldNames } };
}

export interface ExecutionResult {
  data: Record<string, unknown> | null;
  errors: GqlError[];
  actualCost: number;
}

export function execute<Ctx>(schema: Schema<Ctx>, prepared: Prepared, ctx: Ctx): ExecutionResult {
  const ex = new Executor(schema, prepared, ctx);
  return ex.run();
}

// ---------------------------------------------------------------------------------------------
// validation

function opLabel(op: OperationNode): string {
  return op.name ?? `anonymous ${op.operation}`;
}

class Validator<Ctx> {
  errors: GqlError[] = [];
  usedVariables = new Map<string, { type: TypeNode; hasDefault: boolean; loc: Loc }[]>();
  usedFragments = new Set<string>();
  constructor(
    private schema: Schema<Ctx>,
    private doc: DocumentNode,
    private op: OperationNode,
  ) {}

  run(): GqlError[] {
    const { op, schema, doc } = this;
    const seenVars = new Set<string>();
    for (const v of op.variableDefinitions) {
      if (seenVars.has(v.name)) this.errors.push({ message: `There can only be one variable named "${v.name}"`, locations: [v.loc] });
      seenVars.add(v.name);
      const base = schema.types.get(namedType(v.type));
      if (!base) {
        this.errors.push({ message: `${namedType(v.type)} isn't a defined input type (on $${v.name})`, locations: [v.loc], extensions: { code: "variableRequiresValidType", typeName: namedType(v.type), variableName: v.name } });
      } else if (base.kind === "OBJECT" || base.kind === "INTERFACE") {
        this.errors.push({ message: `${typeToString(v.type)} isn't a valid input type (on $${v.name})`, locations: [v.loc], extensions: { code: "variableRequiresValidType", typeName: typeToString(v.type), variableName: v.name } });
      } else if (v.defaultValue) {
        const problem = literalProblem(schema, v.defaultValue, v.type, null);
        if (problem) this.errors.push({ message: `Default value for $${v.name} doesn't match type ${typeToString(v.type)}`, locations: [v.loc], extensions: { code: "defaultValueInvalidType" } });
      }
    }
    const rootType = op.operation === "mutation" ? schema.mutationType : schema.queryType;
    this.directives(op.directives, [op.operation], op.operation.toUpperCase());
    this.selectionSet(op.selectionSet, rootType, [op.operation], new Set());

    // variables: usage and declaration
    for (const [name, uses] of this.usedVariables) {
      const def = op.variableDefinitions.find((v) => v.name === name);
      if (!def) {
        this.errors.push({ message: `Variable $${name} is used by ${opLabel(op)} but not declared`, locations: [uses[0]!.loc], extensions: { code: "variableNotDefined", variableName: name } });
        continue;
      }
      for (const u of uses) {
        const varType = def.defaultValue && def.defaultValue.kind !== "Null" && def.type.kind !== "NonNull" ? ({ kind: "NonNull", type: def.type } as TypeNode) : def.type;
        const locType = u.hasDefault && u.type.kind === "NonNull" ? u.type.type : u.type;
        if (!isSubType(varType, locType)) {
          const nullOnly = isSubType({ kind: "NonNull", type: stripNonNull(varType) } as TypeNode, locType);
          this.errors.push({
            message: nullOnly
              ? `Nullability mismatch on variable $${name} and argument (${typeToString(def.type)} / ${typeToString(u.type)})`
              : `Type mismatch on variable $${name} and argument (${typeToString(def.type)} / ${typeToString(u.type)})`,
            locations: [u.loc],
            extensions: { code: "variableMismatch", variableName: name, typeName: typeToString(def.type) },
          });
        }
      }
    }
    for (const v of op.variableDefinitions) {
      if (!this.usedVariables.has(v.name)) {
        this.errors.push({ message: `Variable $${v.name} is declared by ${opLabel(op)} but not used`, locations: [v.loc], extensions: { code: "variableNotUsed", variableName: v.name } });
      }
    }
    for (const [name, f] of doc.fragments) {
      if (!this.usedFragments.has(name) && !this.fragmentUsedElsewhere(name)) {
        this.errors.push({ message: `Fragment ${name} was defined, but not used`, locations: [f.loc], extensions: { code: "useAndDefineFragment", fragmentName: name } });
      }
    }
    return this.errors;
  }

  private fragmentUsedElsewhere(name: string): boolean {
    // fragments used only by other (not selected) operations still count as used
    const walk = (sels: SelectionNode[], seen: Set<string>): boolean =>
      sels.some((s) => {
        if (s.kind === "FragmentSpread") {
          if (s.name === name) return true;
          if (seen.has(s.name)) return false;
          seen.add(s.name);
          const f = this.doc.fragments.get(s.name);
          return f ? walk(f.selectionSet, seen) : false;
        }
        return s.selectionSet ? walk(s.selectionSet, seen) : false;
      });
    return this.doc.operations.some((o) => o !== this.op && walk(o.selectionSet, new Set()));
  }

  private directives(ds: DirectiveNode[], path: (string | number)[], location: string) {
    for (const d of ds) {
      const def = this.schema.directives.get(d.name);
      if (!def) {
        this.errors.push({ message: `Directive @${d.name} is not defined`, locations: [d.loc], path, extensions: { code: "undefinedDirective", directiveName: d.name } });
        continue;
      }
      if (!def.locations.includes(location)) {
        this.errors.push({ message: `'@${d.name}' can't be applied to ${location.toLowerCase().replace(/_/g, " ")}s (allowed: ${def.locations.map((l) => l.toLowerCase().replace(/_/g, " ") + "s").join(", ")})`, locations: [d.loc], path, extensions: { code: "directiveCannotBeApplied", targetName: location, name: d.name } });
        continue;
      }
      for (const a of d.args) {
        const ad = def.args[a.name];
        if (!ad) {
          this.errors.push({ message: `Directive '${d.name}' doesn't accept argument '${a.name}'`, locations: [a.loc], path, extensions: { code: "argumentNotAccepted", name: d.name, typeName: "Directive", argumentName: a.name } });
          continue;
        }
        this.value(a.value, ad.type, false, `Directive '${d.name}'`, a.name, path);
      }
      const missing = Object.entries(def.args).filter(([n, a]) => a.type.kind === "NonNull" && !d.args.some((x) => x.name === n)).map(([n]) => n);
      if (missing.length) this.errors.push({ message: `Directive '${d.name}' is missing required arguments: ${missing.join(", ")}`, locations: [d.loc], path, extensions: { code: "missingRequiredArguments" } });
    }
  }

  private typeHasField(typeName: string, field: string): FieldDef<Ctx> | undefined {
    const t = this.schema.types.get(typeName);
    if (!t || (t.kind !== "OBJECT" && t.kind !== "INTERFACE")) return undefined;
    return Object.prototype.hasOwnProperty.call(t.fields, field) ? t.fields[field] : undefined;
  }

  private possibleTypes(typeName: string): Set<string> {
    const t = this.schema.types.get(typeName);
    if (!t) return new Set();
    if (t.kind === "OBJECT") return new Set([t.name]);
    if (t.kind === "INTERFACE") {
      const s = new Set<string>();
      for (const o of this.schema.types.values()) if (o.kind === "OBJECT" && o.interfaces.includes(t.name)) s.add(o.name);
      return s;
    }
    return new Set();
  }

  private selectionSet(sels: SelectionNode[], parentType: string, path: (string | number)[], fragmentStack: Set<string>) {
    const seenKeys = new Map<string, FieldNode>();
    for (const sel of sels) {
      this.directives(sel.directives, path, sel.kind === "Field" ? "FIELD" : sel.kind === "FragmentSpread" ? "FRAGMENT_SPREAD" : "INLINE_FRAGMENT");
      if (sel.kind === "FragmentSpread") {
        const frag = this.doc.fragments.get(sel.name);
        this.usedFragments.add(sel.name);
        if (!frag) {
          this.errors.push({ message: `Fragment ${sel.name} was used, but not defined`, locations: [sel.loc], path, extensions: { code: "useAndDefineFragment", fragmentName: sel.name } });
          continue;
        }
        if (fragmentStack.has(sel.name)) {
          this.errors.push({ message: `Fragment ${sel.name} contains an infinite loop`, locations: [sel.loc], path, extensions: { code: "infiniteLoop", fragmentName: sel.name } });
          continue;
        }
        if (!this.checkTypeCondition(frag.typeCondition, parentType, sel.loc, path, `fragment ${sel.name}`)) continue;
        const next = new Set(fragmentStack).add(sel.name);
        this.selectionSet(frag.selectionSet, frag.typeCondition, [...path, `... ${sel.name}`], next);
        continue;
      }
      if (sel.kind === "InlineFragment") {
        const cond = sel.typeCondition ?? parentType;
        if (!this.checkTypeCondition(cond, parentType, sel.loc, path, "inline fragment")) continue;
        this.selectionSet(sel.selectionSet, cond, [...path, `... on ${cond}`], fragmentStack);
        continue;
      }
      const key = sel.alias ?? sel.name;
      const prior = seenKeys.get(key);
      if (prior && (prior.name !== sel.name || argsSignature(prior.args) !== argsSignature(sel.args))) {
        this.errors.push({
          message: `Field '${key}' has a field conflict: ${prior.name}${argsSignature(prior.args)} or ${sel.name}${argsSignature(sel.args)}?`,
          locations: [prior.loc, sel.loc],
          path,
          extensions: { code: "fieldConflict", fieldName: key },
        });
      }
      seenKeys.set(key, sel);
      this.field(sel, parentType, path, fragmentStack);
    }
  }

  private checkTypeCondition(cond: string, parentType: string, loc: Loc, path: (string | number)[], what: string): boolean {
    const t = this.schema.types.get(cond);
    if (!t || (t.kind !== "OBJECT" && t.kind !== "INTERFACE")) {
      this.errors.push({ message: `No such type ${cond}, so it can't be a fragment condition`, locations: [loc], path, extensions: { code: "undefinedType", typeName: cond } });
      return false;
    }
    const a = this.possibleTypes(cond);
    const b = this.possibleTypes(parentType);
    if (![...a].some((x) => b.has(x))) {
      this.errors.push({ message: `Fragment on ${cond} can't be spread inside ${parentType}`, locations: [loc], path, extensions: { code: "fragmentSpreadTypeMismatch", fragmentName: what, typeName: cond, parentName: parentType } });
      return false;
    }
    return true;
  }

  private field(f: FieldNode, parentType: string, path: (string | number)[], fragmentStack: Set<string>) {
    const key = f.alias ?? f.name;
    const fpath = [...path, key];
    if (f.name === "__typename") {
      if (f.args.length || f.selectionSet) this.errors.push({ message: "Selections can't be made on scalars (field '__typename' returns String but has selections)", locations: [f.loc], path: fpath, extensions: { code: "selectionMismatch" } });
      return;
    }
    const def = this.typeHasField(parentType, f.name);
    if (!def) {
      this.errors.push({
        message: `Field '${f.name}' doesn't exist on type '${parentType}'`,
        locations: [f.loc],
        path: fpath,
        extensions: { code: "undefinedField", typeName: parentType, fieldName: f.name },
      });
      return;
    }
    // arguments
    const seen = new Set<string>();
    for (const a of f.args) {
      if (seen.has(a.name)) this.errors.push({ message: `There can be only one argument named "${a.name}"`, locations: [a.loc], path: fpath, extensions: { code: "argumentNotUnique" } });
      seen.add(a.name);
      const ad = def.args[a.name];
      if (!ad) {
        this.errors.push({
          message: `Field '${f.name}' doesn't accept argument '${a.name}'`,
          locations: [a.loc],
          path: [...fpath, a.name],
          extensions: { code: "argumentNotAccepted", name: f.name, typeName: "Field", argumentName: a.name },
        });
        continue;
      }
      this.value(a.value, ad.type, ad.defaultValue !== undefined, `Field '${f.name}'`, a.name, fpath);
    }
    const missing = Object.entries(def.args)
      .filter(([n, a]) => a.type.kind === "NonNull" && a.defaultValue === undefined && !f.args.some((x) => x.name === n))
      .map(([n]) => n);
    if (missing.length) {
      this.errors.push({
        message: `Field '${f.name}' is missing required arguments: ${missing.join(", ")}`,
        locations: [f.loc],
        path: fpath,
        extensions: { code: "missingRequiredArguments", className: "Field", name: f.name, arguments: missing.join(", ") },
      });
    }
    // selections
    const rt = this.schema.types.get(namedType(def.type))!;
    const isLeaf = rt.kind === "SCALAR" || rt.kind === "ENUM";
    if (isLeaf && f.selectionSet) {
      this.errors.push({
        message: `Selections can't be made on scalars (field '${f.name}' returns ${rt.name} but has selections [${f.selectionSet.map((s) => (s.kind === "Field" ? s.name : "...")).join(", ")}])`,
        locations: [f.loc],
        path: fpath,
        extensions: { code: "selectionMismatch", nodeName: `field '${f.name}'`, typeName: rt.name },
      });
    } else if (!isLeaf && !f.selectionSet) {
      this.errors.push({
        message: `Field must have selections (field '${f.name}' returns ${rt.name} but has no selections. Did you mean '${f.name} { ... }'?)`,
        locations: [f.loc],
        path: fpath,
        extensions: { code: "selectionMismatch", nodeName: `field '${f.name}'`, typeName: rt.name },
      });
    } else if (f.selectionSet) {
      this.selectionSet(f.selectionSet, rt.name, fpath, fragmentStack);
    }
  }

  /** Checks a literal (or records a variable use) against an input type. */
  private value(v: ValueNode, type: TypeNode, hasDefault: boolean, owner: string, argName: string, path: (string | number)[]) {
    const vars: { name: string; type: TypeNode; hasDefault: boolean; loc: Loc }[] = [];
    const problem = literalProblem(this.schema, v, type, vars, hasDefault);
    for (const u of vars) {
      const list = this.usedVariables.get(u.name) ?? [];
      list.push({ type: u.type, hasDefault: u.hasDefault, loc: u.loc });
      this.usedVariables.set(u.name, list);
    }
    if (problem) {
      this.errors.push({
        message: problem.custom ?? `Argument '${argName}' on ${owner} has an invalid value (${printValue(v)}). Expected type '${typeToString(type)}'.`,
        locations: [v.loc],
        path: [...path, argName],
        extensions: { code: "argumentLiteralsIncompatible", typeName: problem.custom ? "CoercionError" : owner.startsWith("Field") ? "Field" : "Directive", argumentName: argName },
      });
    }
  }
}

function stripNonNull(t: TypeNode): TypeNode {
  return t.kind === "NonNull" ? t.type : t;
}

function isSubType(maybeSub: TypeNode, superType: TypeNode): boolean {
  if (superType.kind === "NonNull") {
    return maybeSub.kind === "NonNull" ? isSubType(maybeSub.type, superType.type) : false;
  }
  if (maybeSub.kind === "NonNull") return isSubType(maybeSub.type, superType);
  if (superType.kind === "List") return maybeSub.kind === "List" ? isSubType(maybeSub.type, superType.type) : false;
  if (maybeSub.kind === "List") return false;
  return maybeSub.name === superType.name;
}

function argsSignature(args: ArgumentNode[]): string {
  if (!args.length) return "";
  return "(" + [...args].sort((a, b) => a.name.localeCompare(b.name)).map((a) => `${a.name}: ${printValue(a.value)}`).join(", ") + ")";
}

export function printValue(v: ValueNode): string {
  switch (v.kind) {
    case "Variable":
      return `$${v.name}`;
    case "Int":
    case "Float":
      return v.value;
    case "String":
      return JSON.stringify(v.value);
    case "Boolean":
      return String(v.value);
    case "Null":
      return "null";
    case "Enum":
      return v.value;
    case "List":
      return `[${v.values.map(printValue).join(", ")}]`;
    case "Object":
      return `{${v.fields.map((f) => `${f.name}: ${printValue(f.value)}`).join(", ")}}`;
  }
}

/** Returns a problem for literal values that can't be coerced to `type`; records variable uses. */
function literalProblem<Ctx>(
  schema: Schema<Ctx>,
  v: ValueNode,
  type: TypeNode,
  vars: { name: string; type: TypeNode; hasDefault: boolean; loc: Loc }[] | null,
  hasDefault = false,
): { custom?: string } | null {
  if (v.kind === "Variable") {
    if (vars) vars.push({ name: v.name, type, hasDefault, loc: v.loc });
    return null;
  }
  if (type.kind === "NonNull") {
    if (v.kind === "Null") return {};
    return literalProblem(schema, v, type.type, vars);
  }
  if (v.kind === "Null") return null;
  if (type.kind === "List") {
    if (v.kind === "List") {
      for (const item of v.values) {
        const p = literalProblem(schema, item, type.type, vars);
        if (p) return p;
      }
      return null;
    }
    return literalProblem(schema, v, type.type, vars);
  }
  const t = schema.types.get(type.name);
  if (!t) return {};
  if (t.kind === "INPUT_OBJECT") {
    if (v.kind !== "Object") return {};
    for (const f of v.fields) {
      const fd = t.fields[f.name];
      if (!fd) return { custom: `InputObject '${t.name}' doesn't accept argument '${f.name}'` };
      const p = literalProblem(schema, f.value, fd.type, vars);
      if (p) return p;
    }
    for (const [n, fd] of Object.entries(t.fields)) {
      if (fd.type.kind === "NonNull" && !v.fields.some((f) => f.name === n)) {
        return { custom: `Argument '${n}' on InputObject '${t.name}' is required. Expected type ${typeToString(fd.type)}` };
      }
    }
    return null;
  }
  if (t.kind === "ENUM") return v.kind === "Enum" && t.values.includes(v.value) ? null : {};
  if (t.kind === "SCALAR") {
    let js: unknown;
    switch (v.kind) {
      case "Int":
        js = Number(v.value);
        if (t.name === "Float" || t.name === "ID" || t.name === "JSON") break;
        if (t.name !== "Int") return {};
        break;
      case "Float":
        js = Number(v.value);
        if (t.name !== "Float" && t.name !== "JSON") return {};
        break;
      case "String":
        js = v.value;
        break;
      case "Boolean":
        js = v.value;
        break;
      case "Enum":
        return {};
      case "List":
      case "Object":
        if (t.name !== "JSON") return {};
        return null;
    }
    if (t.name === "ID" && typeof js === "number") js = String(js);
    const r = t.parse(js);
    if (!r.ok) return t.name === "String" || t.name === "Int" || t.name === "Float" || t.name === "Boolean" ? {} : { custom: r.explanation };
    return null;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// variables

function coerceVariables<Ctx>(schema: Schema<Ctx>, op: OperationNode, raw: unknown): { ok: true; variables: Record<string, unknown> } | { ok: false; errors: GqlError[] } {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    return { ok: false, errors: [{ message: "Variables must be an object" }] };
  }
  const input = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const errors: GqlError[] = [];
  for (const def of op.variableDefinitions) {
    const has = Object.prototype.hasOwnProperty.call(input, def.name);
    if (!has && def.defaultValue) {
      out[def.name] = literalToJs(schema, def.defaultValue, def.type, {});
      continue;
    }
    const value = has ? input[def.name] : undefined;
    const problems: { path: (string | number)[]; explanation: string }[] = [];
    const coerced = coerceInput(schema, value, def.type, [], problems);
    if (problems.length) {
      errors.push({
        message: `Variable $${def.name} of type ${typeToString(def.type)} was provided invalid value${problems.length === 1 && problems[0]!.path.length ? ` for ${problems[0]!.path.join(".")}` : ""}`,
        locations: [def.loc],
        extensions: { code: "INVALID_VARIABLE", value: value === undefined ? null : value, problems },
      });
      continue;
    }
    if (has) out[def.name] = coerced;
  }
  return errors.length ? { ok: false, errors } : { ok: true, variables: out };
}

function coerceInput<Ctx>(schema: Schema<Ctx>, value: unknown, type: TypeNode, path: (string | number)[], problems: { path: (string | number)[]; explanation: string }[]): unknown {
  if (type.kind === "NonNull") {
    if (value === null || value === undefined) {
      problems.push({ path, explanation: "Expected value to not be null" });
      return null;
    }
    return coerceInput(schema, value, type.type, path, problems);
  }
  if (value === null || value === undefined) return null;
  if (type.kind === "List") {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, i) => coerceInput(schema, item, type.type, Array.isArray(value) ? [...path, i] : path, problems));
  }
  const t = schema.types.get(type.name);
  if (!t) {
    problems.push({ path, explanation: `Unknown type ${type.name}` });
    return null;
  }
  if (t.kind === "INPUT_OBJECT") {
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.push({ path, explanation: `Expected ${JSON.stringify(value)} to be a key-value object.` });
      return null;
    }
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      if (!t.fields[k]) problems.push({ path: [...path, k], explanation: `Field is not defined on ${t.name}` });
    }
    for (const [k, fd] of Object.entries(t.fields)) {
      const has = Object.prototype.hasOwnProperty.call(obj, k);
      if (!has) {
        if (fd.type.kind === "NonNull") problems.push({ path: [...path, k], explanation: "Expected value to not be null" });
        continue;
      }
      out[k] = coerceInput(schema, obj[k], fd.type, [...path, k], problems);
    }
    return out;
  }
  if (t.kind === "ENUM") {
    if (typeof value !== "string" || !t.values.includes(value)) {
      problems.push({ path, explanation: `Expected ${JSON.stringify(value)} to be one of: ${t.values.join(", ")}` });
      return null;
    }
    return value;
  }
  if (t.kind === "SCALAR") {
    const v = t.name === "ID" && typeof value === "number" && Number.isInteger(value) ? String(value) : value;
    const r = t.parse(v);
    if (!r.ok) {
      problems.push({ path, explanation: r.explanation });
      return null;
    }
    return r.value;
  }
  problems.push({ path, explanation: `${type.name} is not an input type` });
  return null;
}

function literalToJs<Ctx>(schema: Schema<Ctx>, v: ValueNode, type: TypeNode, variables: Record<string, unknown>): unknown {
  if (v.kind === "Variable") return variables[v.name] ?? null;
  if (type.kind === "NonNull") return literalToJs(schema, v, type.type, variables);
  if (v.kind === "Null") return null;
  if (type.kind === "List") {
    if (v.kind === "List") return v.values.map((x) => literalToJs(schema, x, type.type, variables));
    return [literalToJs(schema, v, type.type, variables)];
  }
  const t = schema.types.get(type.name);
  if (t?.kind === "INPUT_OBJECT" && v.kind === "Object") {
    const out: Record<string, unknown> = {};
    for (const f of v.fields) {
      const fd = t.fields[f.name];
      if (fd) {
        if (f.value.kind === "Variable" && !Object.prototype.hasOwnProperty.call(variables, f.value.name)) continue;
        out[f.name] = literalToJs(schema, f.value, fd.type, variables);
      }
    }
    return out;
  }
  switch (v.kind) {
    case "Int":
      return type.name === "ID" ? v.value : Number(v.value);
    case "Float":
      return Number(v.value);
    case "String":
    case "Enum":
      return v.value;
    case "Boolean":
      return v.value;
    case "List":
      return v.values.map((x) => literalToJs(schema, x, { kind: "Named", name: "JSON" }, variables));
    case "Object": {
      const out: Record<string, unknown> = {};
      for (const f of v.fields) out[f.name] = literalToJs(schema, f.value, { kind: "Named", name: "JSON" }, variables);
      return out;
    }
  }
}

function argumentValues<Ctx>(schema: Schema<Ctx>, def: FieldDef<Ctx>, node: FieldNode, variables: Record<string, unknown>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [name, ad] of Object.entries(def.args)) {
    const a = node.args.find((x) => x.name === name);
    if (!a) {
      if (ad.defaultValue !== undefined) out[name] = ad.defaultValue;
      continue;
    }
    if (a.value.kind === "Variable" && !Object.prototype.hasOwnProperty.call(variables, a.value.name)) {
      if (ad.defaultValue !== undefined) out[name] = ad.defaultValue;
      continue;
    }
    let v = literalToJs(schema, a.value, ad.type, variables);
    // literal strings for custom scalars go through the scalar's parser (e.g. ID validation)
    v = normalizeScalars(schema, v, ad.type);
    out[name] = v;
  }
  return out;
}

function normalizeScalars<Ctx>(schema: Schema<Ctx>, v: unknown, type: TypeNode): unknown {
  if (v === null || v === undefined) return v;
  if (type.kind === "NonNull") return normalizeScalars(schema, v, type.type);
  if (type.kind === "List") return Array.isArray(v) ? v.map((x) => normalizeScalars(schema, x, type.type)) : v;
  const t = schema.types.get(type.name);
  if (t?.kind === "SCALAR") {
    const r = t.parse(v);
    return r.ok ? r.value : v;
  }
  if (t?.kind === "INPUT_OBJECT" && typeof v === "object") {
    const o = { ...(v as Record<string, unknown>) };
    for (const [k, fd] of Object.entries(t.fields)) if (k in o) o[k] = normalizeScalars(schema, o[k], fd.type);
    return o;
  }
  return v;
}

function directiveSkips(ds: DirectiveNode[], variables: Record<string, unknown>): boolean {
  for (const d of ds) {
    const a = d.args.find((x) => x.name === "if");
    if (!a) continue;
    const val = a.value.kind === "Variable" ? variables[a.value.name] : a.value.kind === "Boolean" ? a.value.value : false;
    if (d.name === "skip" && val === true) return true;
    if (d.name === "include" && val !== true) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// cost

function staticCost<Ctx>(schema: Schema<Ctx>, doc: DocumentNode, sels: SelectionNode[], typeName: string, variables: Record<string, unknown>, mutationRoot: boolean): number {
  let total = 0;
  const visit = (selections: SelectionNode[], parent: string, seen: Set<string>) => {
    let sum = 0;
    for (const s of selections) {
      if (directiveSkips(s.directives, variables)) continue;
      if (s.kind === "FragmentSpread") {
        const f = doc.fragments.get(s.name);
        if (f && !seen.has(s.name)) sum += visit(f.selectionSet, f.typeCondition, new Set(seen).add(s.name));
        continue;
      }
      if (s.kind === "InlineFragment") {
        sum += visit(s.selectionSet, s.typeCondition ?? parent, seen);
        continue;
      }
      if (s.name === "__typename") continue;
      const t = schema.types.get(parent);
      if (!t || (t.kind !== "OBJECT" && t.kind !== "INTERFACE")) continue;
      const def = t.fields[s.name];
      if (!def) continue;
      if (def.flatCost !== undefined) {
        sum += def.flatCost;
        continue;
      }
      const rt = schema.types.get(namedType(def.type))!;
      if (rt.kind === "OBJECT" || rt.kind === "INTERFACE") {
        const child = s.selectionSet ? visit(s.selectionSet, rt.name, seen) : 0;
        const args = argumentValues(schema, def, s, variables);
        sum += def.staticCost ? def.staticCost(args, child) : 1 + child;
      }
    }
    return sum;
  };
  total = visit(sels, typeName, new Set());
  void mutationRoot;
  return total;
}

// ---------------------------------------------------------------------------------------------
// executor

class NullPropagation extends Error {}

class Executor<Ctx> {
  errors: GqlError[] = [];
  actualCost = 0;
  private flatDepth = 0;
  constructor(
    private schema: Schema<Ctx>,
    private prepared: Prepared,
    private ctx: Ctx,
  ) {}

  run(): ExecutionResult {
    const { operation } = this.prepared;
    const rootType = operation.operation === "mutation" ? this.schema.mutationType : this.schema.queryType;
    const root = this.schema.types.get(rootType) as ObjectDef<Ctx>;
    let data: Record<string, unknown> | null;
    try {
      data = this.executeSelections(root, operation.selectionSet, {}, []);
    } catch (e) {
      if (!(e instanceof NullPropagation)) throw e;
      data = null;
    }
    return { data, errors: this.errors, actualCost: this.actualCost };
  }

  private collect(objectType: ObjectDef<Ctx>, sels: SelectionNode[], out: Map<string, FieldNode[]>, visited: Set<string>) {
    const { variables, doc } = this.prepared;
    for (const s of sels) {
      if (directiveSkips(s.directives, variables)) continue;
      if (s.kind === "Field") {
        const key = s.alias ?? s.name;
        const list = out.get(key) ?? [];
        list.push(s);
        out.set(key, list);
      } else if (s.kind === "InlineFragment") {
        if (s.typeCondition && !this.typeApplies(objectType, s.typeCondition)) continue;
        this.collect(objectType, s.selectionSet, out, visited);
      } else {
        if (visited.has(s.name)) continue;
        visited.add(s.name);
        const f = doc.fragments.get(s.name);
        if (!f || !this.typeApplies(objectType, f.typeCondition)) continue;
        this.collect(objectType, f.selectionSet, out, visited);
      }
    }
  }

  private typeApplies(objectType: ObjectDef<Ctx>, cond: string): boolean {
    return cond === objectType.name || objectType.interfaces.includes(cond);
  }

  private executeSelections(objectType: ObjectDef<Ctx>, sels: SelectionNode[], source: unknown, path: (string | number)[]): Record<string, unknown> {
    const fields = new Map<string, FieldNode[]>();
    this.collect(objectType, sels, fields, new Set());
    const result: Record<string, unknown> = {};
    for (const [key, nodes] of fields) {
      const node = nodes[0]!;
      if (node.name === "__typename") {
        result[key] = objectType.name;
        continue;
      }
      const def = objectType.fields[node.name]!;
      const fpath = [...path, key];
      // merge sub-selections of all nodes with this response key
      const merged: SelectionNode[] = nodes.flatMap((n) => n.selectionSet ?? []);
      try {
        const args = argumentValues(this.schema, def, node, this.prepared.variables);
        let value: unknown;
        try {
          value = def.resolve ? def.resolve(source, args, this.ctx, { directives: this.directiveArgs(node) }) : (source as Record<string, unknown>)?.[node.name];
        } catch (e) {
          if (e instanceof GqlFieldError) {
            this.errors.push({ message: e.message, locations: [node.loc], path: fpath, ...(e.extensions ? { extensions: e.extensions } : {}) });
            value = null;
            if (def.type.kind === "NonNull") throw new NullPropagation();
            result[key] = null;
            continue;
          }
          throw e;
        }
        const isFlat = def.flatCost !== undefined;
        if (isFlat) {
          this.actualCost += def.flatCost!;
          this.flatDepth++;
        }
        try {
          result[key] = this.complete(def.type, merged, value, fpath, `${objectType.name}.${node.name}`, node.loc);
        } finally {
          if (isFlat) this.flatDepth--;
        }
      } catch (e) {
        if (!(e instanceof NullPropagation)) throw e;
        if (def.type.kind === "NonNull") throw e;
        result[key] = null;
      }
    }
    return result;
  }

  private directiveArgs(node: FieldNode): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const d of node.directives) {
      const def = this.schema.directives.get(d.name);
      if (!def || d.name === "include" || d.name === "skip") continue;
      out[d.name] = argumentValues(this.schema, { type: { kind: "Named", name: "String" }, args: def.args }, { ...node, args: d.args }, this.prepared.variables);
    }
    return out;
  }

  private complete(type: TypeNode, sels: SelectionNode[], value: unknown, path: (string | number)[], fieldLabel: string, loc: Loc): unknown {
    if (type.kind === "NonNull") {
      const v = this.complete(type.type, sels, value, path, fieldLabel, loc);
      if (v === null || v === undefined) {
        this.errors.push({ message: `Cannot return null for non-nullable field ${fieldLabel}`, locations: [loc], path });
        throw new NullPropagation();
      }
      return v;
    }
    if (value === null || value === undefined) return null;
    if (type.kind === "List") {
      if (!Array.isArray(value)) throw new Error(`resolver for ${fieldLabel} returned a non-list`);
      return value.map((item, i) => {
        try {
          return this.complete(type.type, sels, item, [...path, i], fieldLabel, loc);
        } catch (e) {
          if (e instanceof NullPropagation && type.type.kind !== "NonNull") return null;
          throw e;
        }
      });
    }
    const t = this.schema.types.get(type.name)!;
    if (t.kind === "SCALAR") return t.serialize ? t.serialize(value) : value;
    if (t.kind === "ENUM") return value;
    let objectType: ObjectDef<Ctx>;
    if (t.kind === "INTERFACE") {
      const tn = t.resolveType(value);
      objectType = this.schema.types.get(tn) as ObjectDef<Ctx>;
    } else if (t.kind === "OBJECT") {
      objectType = t;
    } else {
      throw new Error(`cannot complete ${type.name}`);
    }
    if (this.flatDepth === 0) this.actualCost += 1;
    return this.executeSelections(objectType, sels, value, path);
  }
}
