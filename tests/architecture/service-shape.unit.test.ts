import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Issue 20 item 2, one service shape: every route module exports a plugin factory
// `xxxRoutes(deps): FastifyPluginAsyncZod`, and a service's `routes` only registers them with deps
// from its wiring. Whatever a route needs is built in `wire`; whatever must be closed is a
// `background` task the runtime stops, never an onClose hook.
const ROOT = join(__dirname, '..', '..');
const SERVICES = readdirSync(join(ROOT, 'services'));

const parse = (file: string): ts.SourceFile => ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);

const find = <T extends ts.Node>(root: ts.Node, is: (n: ts.Node) => n is T): T[] => {
  const found: T[] = [];
  const visit = (n: ts.Node) => {
    if (is(n)) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(root);
  return found;
};

const httpFiles = (service: string): string[] =>
  readdirSync(join(ROOT, 'services', service, 'src', 'http'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `services/${service}/src/http/${f}`);

/** The exported `xxxRoutes` of a route module, with the declared type of what each returns. */
const exportedRoutes = (file: string): { name: string; returns: string | undefined }[] => {
  const src = parse(file);
  return find(src, ts.isVariableStatement)
    .filter((s) => s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    .flatMap((s) => [...s.declarationList.declarations])
    .filter((d) => ts.isIdentifier(d.name) && d.name.text.endsWith('Routes'))
    .map((d) => {
      const init = d.initializer;
      return { name: d.name.getText(src), returns: init && ts.isArrowFunction(init) ? init.type?.getText(src) : undefined };
    });
};

/** `await app.register(xxxRoutes(deps))`, deps only read (no call, no new, no function): the plugin's name, or undefined. */
const registeredPlugin = (s: ts.Statement, app: string): string | undefined => {
  if (!ts.isExpressionStatement(s) || !ts.isAwaitExpression(s.expression)) return undefined;
  const register = s.expression.expression;
  if (!ts.isCallExpression(register) || register.arguments.length !== 1) return undefined;
  if (!ts.isPropertyAccessExpression(register.expression) || register.expression.getText() !== `${app}.register`) return undefined;
  const plugin = register.arguments[0]!;
  if (!ts.isCallExpression(plugin) || !ts.isIdentifier(plugin.expression) || !plugin.expression.text.endsWith('Routes')) return undefined;
  const builds = plugin.arguments.some((a) => find(a, (n): n is ts.Node => ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isFunctionLike(n)).length > 0);
  return builds ? undefined : plugin.expression.text;
};

/** The statements of `routes` in the service's defineService, each as registered plugin or offending source text. */
const routesOf = (service: string): { registered: string[]; other: string[] } => {
  const src = parse(`services/${service}/src/service.ts`);
  const routes = find(src, ts.isPropertyAssignment).filter((p) => p.name.getText(src) === 'routes');
  expect({ service, routes: routes.length }).toEqual({ service, routes: 1 });
  const fn = routes[0]!.initializer;
  if (!ts.isArrowFunction(fn) || !ts.isBlock(fn.body)) return { registered: [], other: [fn.getText(src)] };
  const app = fn.parameters[0]!.name.getText(src);
  const registered: string[] = [];
  const other: string[] = [];
  for (const s of fn.body.statements) {
    const plugin = registeredPlugin(s, app);
    if (plugin) registered.push(plugin);
    else other.push(s.getText(src));
  }
  return { registered, other };
};

describe('one service shape', () => {
  it.each(SERVICES)('%s: every route module exports plugin factories (deps) => FastifyPluginAsyncZod', (service) => {
    const routes = httpFiles(service).flatMap((file) => exportedRoutes(file).map((r) => ({ file, ...r })));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.returns !== 'FastifyPluginAsyncZod')).toEqual([]);
  });

  it.each(SERVICES)('%s: routes only registers its route plugins, each once, with deps built elsewhere', (service) => {
    const { registered, other } = routesOf(service);
    expect(other).toEqual([]);
    const exported = httpFiles(service).flatMap((file) => exportedRoutes(file).map((r) => r.name));
    expect([...registered].sort()).toEqual([...exported].sort());
  });

  it('no service closes a resource in an onClose hook (a background task does, stopped by the runtime)', () => {
    const hooks = SERVICES.flatMap((service) =>
      (readdirSync(join(ROOT, 'services', service, 'src'), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `services/${service}/src/${f}`)
        .filter((file) => /addHook\(\s*['"]onClose['"]/.test(readFileSync(join(ROOT, file), 'utf8'))),
    );
    expect(hooks).toEqual([]);
  });
});
