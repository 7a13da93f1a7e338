/**
 * Programming languages for the skill taxonomy, derived from GitHub Linguist's
 * language list (MIT-licensed `linguist-languages` package) with hand-made
 * corrections. Linguist is built to classify files, not to read prose, so its
 * data needs three kinds of fixes before it can be matched against work logs:
 *
 *  1. Names that are everyday English words or people's names ("Red", "Ring",
 *     "Pony", "Julia", "Reason", "Processing", "Cadence") would be found in
 *     ordinary sentences. Languages nobody realistically lists on a resume under
 *     such a name are left out entirely; popular ones ("Go", "Rust", "Swift",
 *     "Julia", "Dart") are kept with case-sensitive or context-checked matching
 *     (see MatchMode in taxonomy.types.ts).
 *  2. Single letters ("C", "R", "D", "J", "V") are either context-checked (C, R)
 *     or dropped: "Plan B", "option D" and "V2" are not skills.
 *  3. Some aliases name other things: Linguist calls `node` an alias of
 *     JavaScript, `terraform` an alias of HCL, `bazel` of Starlark, `flex` of
 *     Lex, `progress` of OpenEdge ABL. Those are removed (the curated list has
 *     Node.js, Terraform and Bazel as their own skills).
 */
import { createRequire } from 'node:module'
import type { InferenceRule, SkillEntry, MatchMode } from './taxonomy.types.ts'

interface LinguistLanguage {
  name: string;
  type: string;
  aliases?: readonly string[];
}

/** Linguist programming languages left out of the taxonomy (English words, names, or not skills). */
const EXCLUDED = new Set<string>([
  // Single letters and near-letters: "Plan B", "grade E", "M&A", "V2".
  'B', 'B (Formal Method)', 'D', 'E', 'J', 'M', 'V', 'q', 'eC', 'C3', 'X10', 'XC', 'XS', 'DM', 'AL', 'ASL', 'ATS', 'EQ', 'Io', 'Hy', 'Ox', 'Oz', 'Nu',
  // Everyday English words.
  'Alloy', 'Arc', 'Berry', 'Beef', 'Boo', 'Boogie', 'Cadence', 'Carbon', 'Chapel', 'Charity', 'Clarity', 'Clean', 'Click', 'Clue', 'Cool',
  'Curry', 'Dune', 'Earthly', 'Elvish', 'Euphoria', 'Factor', 'Fancy', 'Fennel', 'Fluent', 'FLUX', 'Forth', 'GAP', 'Genie', 'Glyph', 'Grace',
  'Hack', 'Harbour', 'Hare', 'HIP', 'Ink', 'Jac', 'Just', 'Lasso', 'Lean', 'Limbo', 'Lobster', 'Logos', 'Max', 'Mercury', 'Metal', 'Mint',
  'Mojo', 'Monkey', 'Move', 'Nasal', 'Nickel', 'Nit', 'Noir', 'Opal', 'Pact', 'Pan', 'Papyrus', 'Parrot', 'Pawn', 'Pike', 'Polar', 'Pony',
  'Processing', 'Quake', 'Rascal', 'Reason', 'Red', 'Rez', 'Ring', 'Roc', 'Rouge', 'Sage', 'Sail', 'Salt', 'Scenic', 'Self', 'Sieve',
  'Singularity', 'Slang', 'Slash', 'Slice', 'Smithy', 'Squirrel', 'Sway', 'Tact', 'Talon', 'Tape', 'Teal', 'Terra', 'Turing', 'Uno', 'Verse',
  'Volt', 'Wren', 'ZAP', 'fish', 'wisp', 'ooc', 'Gno', 'CUE', 'CLIPS', 'RPC', 'SIP', 'SMT', 'TLA', 'Lex',
  // People's and place names.
  'Aiken', 'Cairo', 'Clarion', 'Dylan', 'Faust', 'Isabelle', 'Jai', 'Janet', 'Jasmin', 'Jolie', 'Leo', 'Mirah', 'Odin', 'Opa', 'Shen', 'Stan',
  'Toit', 'Apollo Guidance Computer', '4D',
  // Not something a person lists: REPL transcripts, literate variants, build descriptors and near-duplicates.
  'ShellSession', 'Python console', 'Julia REPL', 'Elvish Transcript', 'Literate Agda', 'Literate CoffeeScript', 'Literate Haskell',
  'JavaScript+ERB', 'NetLinx+ERB', 'Isabelle ROOT', 'Fortran Free Form', 'Csound Document', 'Csound Score', 'Glimmer JS', 'Glimmer TS',
  'Jison Lex', 'Cairo Zero', 'Bluespec BH', 'TI Program', 'Linker Script', 'Module Management System', 'Mathematical Programming System',
  'Filebench WML', 'GCC Machine Description', 'Procfile', 'Pep8', 'ECL', 'ECLiPSe',
  // Covered by curated entries of another kind (tools/frameworks).
  'Dockerfile', 'Puppet', 'NumPy',
])

/** Aliases that Linguist lists but which mean something else in prose. */
const ALIAS_DENY = new Set<string>([
  'node', 'rake', 'progress', 'flex', 'emacs', 'cask', 'eask', 'autoconf', 'bazel', 'terraform', 'opentofu', 'cucumber', 'console',
  'bash session', 'octave', 'squeak', 'bro', 'inc', 'make', 'apples', 'igor', 'posh', 'nush', 'coffee', 'carto', 'cake', 'cakescript',
  'batch', 'clipper', 'pyrex', 'lisp', 'wolfram', 'mumps', 'rusthon', 'envrc', 'basic for android', 'xdr', 'shell-script',
])

interface LanguageOverride {
  canonical?: string;
  mode?: MatchMode;
  /** Replaces Linguist's aliases entirely when given. */
  aliases?: string[];
  properAliases?: string[];
  nameAliases?: string[];
  rules?: InferenceRule[];
}

/**
 * Popular languages with reviewed names and aliases. Anything not listed here
 * keeps Linguist's name (matched case-sensitively) and its safe aliases.
 */
const OVERRIDES: Record<string, LanguageOverride> = {
  JavaScript: { mode: 'any', aliases: ['javascript', 'ECMAScript', 'ES6', 'ES2015', 'vanilla js'], nameAliases: ['JS'] },
  TypeScript: { mode: 'any', aliases: [], nameAliases: ['TS'] },
  Python: { mode: 'any', aliases: ['python3', 'python 3', 'py3'] },
  Java: { mode: 'any', aliases: ['Java 8', 'Java 11', 'Java 17', 'Java 21'] },
  Kotlin: { mode: 'any', aliases: [] },
  Scala: { mode: 'any', aliases: [] },
  PHP: { mode: 'any', aliases: [] },
  Perl: { mode: 'proper', aliases: [] },
  Haskell: { mode: 'any', aliases: [] },
  Clojure: { mode: 'any', aliases: ['ClojureScript'] },
  Erlang: { mode: 'any', aliases: [] },
  Elixir: { mode: 'any', aliases: [] },
  OCaml: { mode: 'any', aliases: [] },
  'F#': { mode: 'any', aliases: ['fsharp'] },
  'C#': { mode: 'any', aliases: ['csharp', 'c sharp'] },
  'C++': { mode: 'any', aliases: ['cpp', 'C++11', 'C++14', 'C++17', 'C++20'] },
  'Objective-C': { mode: 'any', aliases: ['objective c', 'objc', 'obj-c'] },
  Lua: { mode: 'proper', aliases: [] },
  Groovy: { mode: 'proper', aliases: [] },
  PowerShell: { mode: 'any', aliases: ['pwsh'] },
  Fortran: { mode: 'any', aliases: [] },
  COBOL: { mode: 'any', aliases: [] },
  MATLAB: { mode: 'any', aliases: [] },
  Solidity: { mode: 'proper', aliases: [] },
  WebAssembly: { mode: 'any', aliases: ['wasm'] },
  Zig: { mode: 'proper', aliases: ['ziglang'] },
  Nim: { mode: 'proper', aliases: ['nimlang'] },
  Dart: { mode: 'proper', aliases: [] },
  Ruby: { mode: 'proper', aliases: ['jruby'] },
  Rust: { mode: 'proper', aliases: ['rustlang'] },
  // Swift's own idioms in iOS work (async/await, Codable) show the language unnamed.
  Swift: { mode: 'proper', aliases: ['SwiftLang'], rules: [{ when: /\b(?:async\/await|codable|swift concurrency|structured concurrency|actors|optionals)\b/, within: /\b(?:ios|iphone|ipad|xcode|swiftui|uikit|macos|watchos)\b/ }] },
  Julia: { mode: 'context', aliases: ['julialang'] },
  Crystal: { mode: 'context', aliases: [] },
  Elm: { mode: 'context', aliases: [] },
  // "Go" is a verb, "go-live" a milestone: only case-sensitive with a technical cue, or the unambiguous "golang".
  Go: { mode: 'context', aliases: ['golang', 'go lang'] },
  // C and R: single capital letters appear in "Plan C", "R&D", "section C".
  C: { mode: 'context', aliases: ['ANSI C', 'C99', 'C11'] },
  R: { mode: 'context', aliases: ['rlang', 'Rscript', 'RStudio'] },
  Shell: { canonical: 'Bash', mode: 'any', aliases: ['bash', 'shell script', 'shell scripts', 'shell scripting', 'zsh', 'bash script', 'bash scripts'] },
  Cuda: { canonical: 'CUDA', mode: 'proper', aliases: [] },
  HCL: { mode: 'proper', aliases: ['HashiCorp Configuration Language'] },
  Makefile: { mode: 'any', aliases: ['Makefiles', 'GNU Make'] },
  Starlark: { mode: 'any', aliases: [] },
  Gherkin: { mode: 'any', aliases: [] },
  Scheme: { mode: 'proper', aliases: [] },
  Racket: { mode: 'proper', aliases: [] },
  Apex: { mode: 'proper', aliases: [] },
  Ada: { mode: 'context', aliases: ['Ada95', 'Ada 2012'] },
  SAS: { mode: 'proper', aliases: [] },
  PLSQL: { canonical: 'PL/SQL', mode: 'any', aliases: ['PLSQL', 'PL SQL'] },
  TSQL: { canonical: 'T-SQL', mode: 'any', aliases: ['TSQL', 'Transact-SQL'] },
  PLpgSQL: { canonical: 'PL/pgSQL', mode: 'any', aliases: ['plpgsql'] },
  Assembly: { mode: 'context', aliases: ['assembly language', 'x86 assembly', 'ARM assembly', 'nasm'] },
  'Common Lisp': { mode: 'any', aliases: [], properAliases: ['Lisp'] },
  'Emacs Lisp': { mode: 'any', aliases: ['elisp'] },
  'Visual Basic .NET': { mode: 'any', aliases: ['VB.NET', 'vbnet'] },
  'Visual Basic 6.0': { mode: 'any', aliases: ['VB6', 'Visual Basic 6'] },
  VBA: { mode: 'proper', aliases: ['Visual Basic for Applications'] },
  Pascal: { mode: 'proper', aliases: ['Delphi', 'Object Pascal'] },
  'Lean 4': { mode: 'proper', aliases: ['lean4'] },
  'Rocq Prover': { canonical: 'Coq', mode: 'proper', aliases: ['Rocq'] },
  RobotFramework: { canonical: 'Robot Framework', mode: 'any', aliases: ['RobotFramework'] },
  Awk: { mode: 'proper', aliases: ['awk', 'gawk'] },
  Nix: { mode: 'proper', aliases: ['NixOS', 'Nixpkgs'] },
  Gleam: { mode: 'proper', aliases: [] },
  Ballerina: { mode: 'proper', aliases: [] },
  BASIC: { mode: 'proper', aliases: [] },
  Bicep: { mode: 'proper', aliases: [] },
  Thrift: { canonical: 'Apache Thrift', mode: 'proper', aliases: ['Thrift'] },
  LLVM: { mode: 'proper', aliases: [] },
  'Open Policy Agent': { mode: 'any', aliases: ['OPA policies', 'Rego'] },
  Cypher: { mode: 'proper', aliases: [] },
  Smalltalk: { mode: 'any', aliases: [] },
  'Vim script': { canonical: 'Vim Script', mode: 'any', aliases: ['vimscript', 'VimL'] },
  LookML: { mode: 'any', aliases: [], nameAliases: ['PDT', 'PDTs'] },
  Jsonnet: { mode: 'any', aliases: [] },
  Verilog: { mode: 'any', aliases: [] },
  VHDL: { mode: 'any', aliases: [] },
  SystemVerilog: { mode: 'any', aliases: [] },
  GLSL: { mode: 'any', aliases: [] },
  HLSL: { mode: 'any', aliases: [] },
  Haxe: { mode: 'any', aliases: [] },
  CoffeeScript: { mode: 'any', aliases: ['coffee-script'] },
  PureScript: { mode: 'any', aliases: [] },
  ReScript: { mode: 'any', aliases: [] },
  Idris: { mode: 'proper', aliases: [] },
  Prolog: { mode: 'any', aliases: [] },
  ABAP: { mode: 'any', aliases: [] },
  Stata: { mode: 'proper', aliases: [] },
  Vyper: { mode: 'proper', aliases: [] },
  'Wolfram Language': { mode: 'any', aliases: ['Mathematica'] },
}

/** Non-programming Linguist entries people do list on resumes (markup, query and data languages). */
const DATA_LANGUAGES: Record<string, LanguageOverride> = {
  SQL: { mode: 'any', aliases: [] },
  HTML: { mode: 'any', aliases: ['HTML5'] },
  // Layout work written in CSS's own words: viewport units, flexbox, z-index, media queries.
  CSS: { mode: 'any', aliases: ['CSS3', 'Cascading Style Sheets'], rules: [{ when: /\b\d*(?:d|s|l)?v[hw]\b|\bflexbox\b|\bcss grid\b|\bz-index\b|\bmedia quer(?:y|ies)\b|\bcontainer quer(?:y|ies)\b|\bsticky (?:header|footer|nav\w*|sidebar)\b|\bstylesheets?\b/ }] },
  SCSS: { canonical: 'Sass', mode: 'proper', aliases: ['SCSS', 'Sass'] },
  GraphQL: { mode: 'any', aliases: [] },
  YAML: { mode: 'any', aliases: [] },
  XML: { mode: 'any', aliases: [] },
  // Lowercase "svg" is usually a file type or a package name ("svg loader"), not the skill.
  SVG: { mode: 'name', aliases: ['Scalable Vector Graphics'], nameAliases: ['SVGs'] },
  Markdown: { mode: 'proper', aliases: [] },
  TeX: { canonical: 'LaTeX', mode: 'any', aliases: ['LaTeX'] },
  'Protocol Buffer': { canonical: 'Protocol Buffers', mode: 'any', aliases: ['protobuf', 'protobufs', 'proto3'] },
  SPARQL: { mode: 'any', aliases: [] },
  Jinja: { mode: 'proper', aliases: ['Jinja2'] },
  Handlebars: { mode: 'proper', aliases: [] },
  PlantUML: { mode: 'any', aliases: [] },
}

function toEntry (language: LinguistLanguage, override: LanguageOverride | undefined): SkillEntry {
  const canonical = override?.canonical ?? language.name
  const aliases =
    override?.aliases ??
    (language.aliases ?? []).filter((alias) => alias.length >= 4 && !ALIAS_DENY.has(alias.toLowerCase()))
  const entry: SkillEntry = {
    canonical,
    kind: 'language',
    aliases: aliases.filter((alias) => alias.toLowerCase() !== canonical.toLowerCase()),
    // Unreviewed Linguist names are matched case-sensitively: "Haskell" yes, "haskell" too risky to assume.
    mode: override?.mode ?? 'proper',
  }
  if (override?.properAliases) entry.properAliases = override.properAliases
  if (override?.nameAliases) entry.nameAliases = override.nameAliases
  if (override?.rules) entry.inferredFrom = override.rules
  return entry
}

/** Linguist's programming languages as taxonomy entries, built on each call (the taxonomy keeps one set). */
export function languageEntries (): SkillEntry[] {
  // Linguist ships one module per language (over 800): loaded when the taxonomy is first
  // used, not by every process that merely imports the agents (each CLI command, each
  // test file), where loading them was a fifth of start-up.
  const linguist = createRequire(import.meta.url)('linguist-languages') as Record<string, LinguistLanguage>
  const entries: SkillEntry[] = []
  for (const language of Object.values(linguist)) {
    if (language.type === 'programming') {
      if (EXCLUDED.has(language.name)) continue
      entries.push(toEntry(language, OVERRIDES[language.name]))
    } else {
      const override = DATA_LANGUAGES[language.name]
      if (override) entries.push(toEntry(language, override))
    }
  }
  return entries.sort((a, b) => a.canonical.localeCompare(b.canonical))
}
