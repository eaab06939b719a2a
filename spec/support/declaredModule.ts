import ts from 'typescript';

/** What a declaration file exports, as the TypeScript compiler reads it (an application's view of the package's types). */
export interface DeclaredModule {
  /** Every exported name (values and types), sorted. */
  readonly names: readonly string[];
  /** The exported names whose declaration says `@deprecated`, sorted. */
  readonly deprecated: readonly string[];
  /** The members of an exported class that are not private, sorted; the constructor is `constructor` when it is public. */
  membersOf(className: string): string[];
}

/** Reads the exports of the declaration file `file` (a `.d.ts` or `.d.mts`), following the chunks it re-exports from. */
export function declaredModule(file: string): DeclaredModule {
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file}: not a module`);
  const exported = new Map(checker.getExportsOfModule(module).map((symbol) => [symbol.name, symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol]));
  const isDeprecated = (symbol: ts.Symbol) => symbol.getJsDocTags(checker).some((tag) => tag.name === 'deprecated');
  return {
    names: [...exported.keys()].sort(),
    deprecated: [...exported].filter(([, symbol]) => isDeprecated(symbol)).map(([name]) => name).sort(),
    membersOf(className) {
      const declaration = exported.get(className)?.declarations?.find(ts.isClassDeclaration);
      if (!declaration) throw new Error(`${file}: exports no class ${className}`);
      const isPrivate = (member: ts.ClassElement) => (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private) !== 0;
      return declaration.members.filter((member) => !isPrivate(member)).map((member) => (ts.isConstructorDeclaration(member) ? 'constructor' : (member.name?.getText(member.getSourceFile()) ?? '?'))).sort();
    },
  };
}
