// TernScript owns the Kamailio configuration language: the preprocessor (#!define, #!ifdef,
// include_file, #!subst), the lexer, a parser that recovers after errors, the AST, the checker
// (names, arity, route types, did-you-mean) and the compiler that turns routes into closures with
// their arguments resolved once (Kamailio's "fixups"). It also owns the execution core the
// compiled closures run on: ScriptValue, ScriptContext, pseudo-variables and route running.
//
// It knows no particular module: modules describe themselves with ModuleDeclaration values
// (parameters, functions, pseudo-variables), and the runtime hands those in through ScriptSymbols.
