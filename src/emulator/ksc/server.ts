import { AgentScheduler } from './agents/scheduler.ts';
import { WORK_HANDLERS } from './agents/work.ts';
import type { Socket } from 'node:net';
import { Hono, type Context } from 'hono';
import { encodeArgument, decodeArguments } from '../../ksc/codec.ts';
import { parseWireJson, stringifyWireJson } from '../../wire/json.ts';
import { KconnectError } from '../../errors.ts';
import type { KlArgument } from '../../ksc/values.ts';
import { AsyncActions } from './actions.ts';
import { CallCounter } from './call-counter.ts';
import { CATEGORIZER_UPLOAD_PREFIX, categorizerUploads } from './categories/uploads.ts';
import { Authenticator, type Authenticated, type LockoutPolicy } from './auth/authenticator.ts';
import { effectiveRights, satisfies } from './auth/rights.ts';
import { rightsOnServer } from './auth/vserver-acl.ts';
import { SessionStore, type Session } from './auth/sessions.ts';
import type { Clock } from '../core/clock.ts';
import type { MethodContext } from './context.ts';
import { FaultInjector, injectFaults } from '../core/fault-injection.ts';
import { checkJsonNesting } from '../core/json-nesting.ts';
import { compressWhenAccepted } from '../core/compression.ts';
import { DEFAULT_MAX_BODY_BYTES, limitBody } from '../core/body-limit.ts';
import type { EmulatorEnv } from '../core/server.ts';
import { logUnhandledError, requestLogging, type EmulatorLogger } from '../core/request-log.ts';
import { faults, KscFault } from './faults.ts';
import { IteratorRegistry } from './iterators.ts';
import { MalformedAnswers, malformedBody } from './malformed-answers.ts';
import { RawJson, type KscClass, type MethodResult } from './method.ts';
import type { KscWorld } from './world.ts';

export interface KscServerOptions {
  readonly world: KscWorld;
  readonly clock: Clock;
  readonly classes: readonly KscClass[];
  readonly sessionIdleTimeoutMs: number;
  readonly lockout: LockoutPolicy;
  readonly faults?: FaultInjector;
  /** Interval of the simulated Network Agents' syncs, ms. */
  readonly syncIntervalMs: number;
  /** Largest request body accepted, bytes; larger ones are refused with 413 unread. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** One line per request (debug) and unexpected errors. Default: none. */
  readonly logger?: EmulatorLogger;
}

/** The parts of the server other modules (control API, agents, tests) reach into. */
export interface KscServerState {
  readonly sessions: SessionStore;
  readonly iterators: IteratorRegistry;
  readonly actions: AsyncActions;
  readonly faults: FaultInjector;
  readonly agents: AgentScheduler;
  /** Methods armed to answer malformed (R22), through the control API. */
  readonly malformed: MalformedAnswers;
}

/** API versions clients use: v1.0 is documented; IKRAM's connector calls v1.1. */
const API_VERSIONS = new Set(['v1.0', 'v1.1']);

function jsonResponse(c: Context<EmulatorEnv>, body: string, status: number): Response {
  return c.body(body, status as 200, { 'Content-Type': 'application/json; charset=utf-8' });
}

function renderResult(result: MethodResult): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(result)) {
    if (value === undefined) continue;
    const text =
      value instanceof RawJson ? value.text : stringifyWireJson(encodeArgument(value as KlArgument, name));
    parts.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The KSC Open API over HTTP: `POST /api/v1.0/[Instance.]Class.Method` with named JSON arguments, the three ways
 * to authenticate (connection-bound `login`, `X-KSC-Session`, per-request `KSCBasic` or `KSCT`), and KSC's error
 * shapes. Method handlers are plain functions registered per class.
 */
export function createKscServer(options: KscServerOptions): {
  app: Hono<EmulatorEnv>;
  state: KscServerState;
} {
  const { world, clock } = options;
  const sessions = new SessionStore(clock, { idleTimeoutMs: options.sessionIdleTimeoutMs });
  const iterators = new IteratorRegistry(clock);
  const actions = new AsyncActions(clock);
  const agents = new AgentScheduler(world, clock, { syncIntervalMs: options.syncIntervalMs });
  for (const [kind, handler] of Object.entries(WORK_HANDLERS)) agents.on(kind, handler);
  const injector = options.faults ?? new FaultInjector();
  const malformed = new MalformedAnswers();
  const calls = new CallCounter();
  const authenticator = new Authenticator(world, sessions, clock, options.lockout);
  const connectionSessions = new WeakMap<Socket, string>();
  sessions.onEnd((session) => iterators.releaseOwner(session.key));

  const methods = new Map<
    string,
    { cls: string; name: string; side: KscClass['side']; def: KscClass['methods'][string] }
  >();
  for (const cls of options.classes) {
    for (const [name, def] of Object.entries(cls.methods))
      methods.set(`${cls.name}.${name}`, { cls: cls.name, name, side: cls.side, def });
  }

  const app = new Hono<EmulatorEnv>();
  const log: EmulatorLogger = options.logger ?? (() => undefined);
  // Before anything can refuse a request, so refusals carry the id too; the control API, mounted later, as well.
  app.use('*', requestLogging(log, 'X-KSC-RequestId'));
  // First of all, so no later step (faults, authentication) reads an oversized body.
  app.use(
    '/api/*',
    limitBody(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, (c, message) =>
      jsonResponse(c, new KscFault({ code: 1193, module: 'KLSTD', message }, 413).body(), 413),
    ),
  );
  // Real KSC compresses when asked (spec §2.1); a client that asks for nothing keeps the cheap path, where a page
  // of events is one string written to the socket (hono's own `compress` turned it into a web stream: about a
  // tenth of the emulator's CPU serving GetRecordRange).
  app.use('/api/*', compressWhenAccepted({ threshold: 1024 }));
  app.use('/api/*', async (c, next) => {
    const requestId = c.req.header('X-KSC-RequestId');
    if (requestId !== undefined) c.header('X-KSC-RequestId', requestId);
    await next();
  });
  app.use(
    '/api/*',
    injectFaults(
      injector,
      (status) =>
        new Response(
          new KscFault({ code: 1182, module: 'KLSTD', message: 'Unspecified error' }, status).body(),
          {
            status,
            headers: { 'Content-Type': 'application/json; charset=utf-8' },
          },
        ),
    ),
  );

  app.onError((error, c) => {
    if (error instanceof KscFault) return jsonResponse(c, error.body(), error.httpStatus);
    logUnhandledError(log, c.req.path, error);
    const fault = new KscFault({ code: 1182, module: 'KLSTD', message: 'Unspecified error' }, 500);
    return jsonResponse(c, fault.body(), 500);
  });

  app.notFound((c) =>
    jsonResponse(c, new KscFault({ code: 1186, module: 'KLSTD', message: 'Not found' }, 404).body(), 404),
  );

  async function who(
    c: Context<EmulatorEnv>,
    method: string,
  ): Promise<{ auth: Authenticated; session: Session | undefined }> {
    const sessionHeader = c.req.header('X-KSC-Session');
    const authorization = c.req.header('Authorization');
    if (sessionHeader !== undefined && method !== 'Session.StartSession')
      return liveSession(sessions.use(sessionHeader));
    if (authorization !== undefined) {
      return {
        auth: await authenticator.authenticate(authorization, c.req.header('X-KSC-VServer')),
        session: undefined,
      };
    }
    const socket = c.env.incoming?.socket;
    const bound = socket === undefined ? undefined : connectionSessions.get(socket);
    if (bound !== undefined) return liveSession(sessions.useKey(bound));
    throw faults.sessionInvalid();
  }

  /** The caller behind a session; an unknown, ended or idle-expired one (`undefined`) is a 403. */
  function liveSession(session: Session | undefined): { auth: Authenticated; session: Session } {
    const user = session === undefined ? undefined : world.users.get(session.userId);
    if (session === undefined || user === undefined) throw faults.sessionInvalid();
    return {
      auth: {
        user,
        vserverId: session.vserverId,
        ...(session.gateway === undefined ? {} : { gateway: session.gateway }),
      },
      session,
    };
  }

  // FileCategorizer2's upload URL (InitFileUpload): the token in the path is the credential, as only its caller
  // was handed it; the file is the body, `?name=` its name (decisions/0067).
  app.put(`${CATEGORIZER_UPLOAD_PREFIX}:token`, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const accepted = categorizerUploads(world).receive(
      c.req.param('token'),
      bytes,
      c.req.query('name') ?? '',
    );
    return accepted ? c.body(null, 200) : c.notFound();
  });

  app.post('/api/:version/login', async (c) => {
    if (!API_VERSIONS.has(c.req.param('version'))) return c.notFound();
    const authorization = c.req.header('Authorization');
    if (authorization === undefined) throw faults.authenticationFailure();
    const auth = await authenticator.authenticate(authorization, c.req.header('X-KSC-VServer'));
    const socket = c.env.incoming?.socket;
    // The login belongs to the TCP connection (spec §1.1): it ends when the connection closes.
    const { session } = sessions.create(auth.user.id, auth.vserverId, auth.gateway);
    if (socket !== undefined) {
      const previous = connectionSessions.get(socket);
      if (previous !== undefined) sessions.end(previous);
      // The connection is the credential here: the id is never handed out, so only its key is kept.
      connectionSessions.set(socket, session.key);
      socket.once('close', () => sessions.end(session.key));
    }
    return jsonResponse(c, '{}', 200);
  });

  app.post('/api/:version/:call', async (c) => {
    if (!API_VERSIONS.has(c.req.param('version'))) return c.notFound();
    const parts = c.req.param('call').split('.');
    // `Instance.Class.Method`: most classes have one instance and ignore it; `ListTags` reads it (ctx.instance).
    const method = parts.length === 3 ? `${parts[1]}.${parts[2]}` : parts.join('.');
    const { auth, session } = await who(c, method);
    const entry = methods.get(method);
    // A gateway connection reaches the Network Agent's classes (and `Session`, to hold it); the server does not
    // serve the agent's.
    if (
      entry === undefined ||
      (entry.cls !== 'Session' && (entry.side === 'agent') !== (auth.gateway !== undefined))
    )
      throw faults.noSuchCall(method);

    let decoded: Record<string, KlArgument>;
    try {
      const body = await c.req.text();
      checkJsonNesting(body);
      decoded = decodeArguments(body);
    } catch (error) {
      if (error instanceof KconnectError) {
        throw new KscFault(
          { code: 1192, module: 'KLSTD', message: 'Data is corrupted or has an unknown format' },
          400,
        );
      }
      throw error;
    }
    // A null argument is an absent argument: clients send null for optional containers (spec §2.1).
    for (const key of Object.keys(decoded)) if (decoded[key] === null) delete decoded[key];
    const parsed = entry.def.args.safeParse(decoded);
    if (!parsed.success) {
      const name = parsed.error.issues[0]?.path[0];
      throw faults.badParameter(typeof name === 'string' ? name : method);
    }
    const rights = await rightsOnServer(world, auth.user, auth.vserverId, {
      server: effectiveRights(auth.user.roles.server, world.roles),
      devices: effectiveRights(auth.user.roles.devices, world.roles),
    });
    if (!satisfies(rights.server, entry.def.rights)) throw faults.accessDenied();
    // What fell due since the last call happens first, so the caller sees a world consistent with the clock.
    await agents.runDue();
    const ctx: MethodContext = {
      world,
      clock,
      iterators,
      actions,
      agents,
      sessions,
      calls,
      user: auth.user,
      vserverId: auth.vserverId,
      session,
      gateway: auth.gateway,
      owner: session?.key ?? `user:${auth.user.id}`,
      rights,
      requestId: c.req.header('X-KSC-RequestId'),
      instance: parts.length === 3 ? parts[0] : undefined,
    };
    let result: MethodResult;
    try {
      result = await entry.def.handler(ctx, parsed.data);
    } finally {
      // Counted once answered, so a call reading the statistics does not count itself.
      calls.count();
    }
    const broken = malformed.take(method);
    if (broken !== undefined) {
      const body = malformedBody(broken.kind, parseWireJson(renderResult(result)), broken.hugeLength);
      return jsonResponse(c, body, 200);
    }
    return jsonResponse(c, renderResult(result), 200);
  });

  return { app, state: { sessions, iterators, actions, faults: injector, agents, malformed } };
}
