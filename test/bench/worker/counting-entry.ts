/**
 * The bench's worker entry: Latchkey's own, with D1 and Durable Object bindings wrapped to count
 * what each request does, and `GET /__bench/counts` to read the totals. Only `npm run bench`
 * runs it (`wrangler dev test/bench/worker/counting-entry.ts`); production code is untouched.
 */
import type { Env } from "../../../src/config";
import worker from "../../../src/index";

export { AccountGuard, WebhookDispatcher } from "../../../src/index";

/** Totals since the isolate started: D1 statements by kind, and Durable Object calls. */
const counts = { d1Reads: 0, d1Writes: 0, durableObjectCalls: 0 };

function countStatement(sql: string) {
  const verb = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toLowerCase();
  if (verb === "select") counts.d1Reads++;
  else counts.d1Writes++;
}

const statementSql = new WeakMap<object, string>();
const realStatement = new WeakMap<object, D1PreparedStatement>();

function wrapStatement(statement: D1PreparedStatement, sql: string): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "bind") {
        return (...args: unknown[]) => wrapStatement(target.bind(...args), sql);
      }
      if (["first", "all", "run", "raw"].includes(String(property))) {
        return (...args: unknown[]) => {
          countStatement(sql);
          return Reflect.apply(value, target, args);
        };
      }
      return value.bind(target);
    },
  });
  statementSql.set(proxy, sql);
  realStatement.set(proxy, statement);
  return proxy;
}

function wrapDatabase(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "prepare") {
        return (sql: string) => wrapStatement(target.prepare(sql), sql);
      }
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          for (const statement of statements) countStatement(statementSql.get(statement) ?? "");
          return target.batch(statements.map((each) => realStatement.get(each) ?? each));
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function wrapStub<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      // An RPC stub answers every property with a callable, even `apply`, so Reflect.apply.
      if (typeof value !== "function" || property === "then") return value;
      return (...args: unknown[]) => {
        counts.durableObjectCalls++;
        return Reflect.apply(value, target, args);
      };
    },
  });
}

function wrapNamespace<T extends DurableObjectNamespace>(namespace: T): T {
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "get" || property === "getByName") {
        return (...args: unknown[]) => wrapStub(Reflect.apply(value, target, args) as object);
      }
      return value.bind(target);
    },
  });
}

const wrapped = new WeakMap<Env, Env>();

function countingEnv(env: Env): Env {
  let counted = wrapped.get(env);
  if (!counted) {
    counted = {
      ...env,
      DB: wrapDatabase(env.DB),
      ACCOUNT_GUARD: wrapNamespace(env.ACCOUNT_GUARD),
      WEBHOOK_DISPATCHER: wrapNamespace(env.WEBHOOK_DISPATCHER),
    };
    wrapped.set(env, counted);
  }
  return counted;
}

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/counts") return Response.json(counts);
    return worker.fetch(request, countingEnv(env), ctx);
  },
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
