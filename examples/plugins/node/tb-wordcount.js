#!/usr/bin/env node
// tb-wordcount.js: a warm, concurrent, cancellable Talking Binaries plugin (protocol v1) in
// plain Node.js (20 or later), no dependencies. Written from docs/protocol.md alone.
//
// For each step it counts the words of config `text` (words are separated by ASCII
// whitespace), logs each one as `word N: <word>`, and returns the outputs
// {"words": N, "first": "<first word>"}. With `fail: true` it does the same work, then reports
// the step as failed ("asked to fail", code asked_to_fail). With `seconds: S` it counts slowly,
// spreading the words over S seconds, so there is time to watch it, run other steps beside it
// in the same process, or cancel it.
//
// Unlike the bash and Python examples it is warm (one process serves every step of a run),
// runs up to MAX_CONCURRENCY steps at once, and honours step/cancel.
'use strict';

const { Console } = require('node:console');
const { setTimeout: sleep, setImmediate: yieldToOthers } = require('node:timers/promises');

const PLUGIN_NAME = 'wordcount-node';
const PLUGIN_VERSION = '1.0.0';
const SUPPORTED_VERSIONS = [1]; // protocol versions this plugin speaks, oldest first
const MAX_CONCURRENCY = 8;
const COOKIE_NAME = 'TALKING_BINARIES_PLUGIN';
const COOKIE_VALUE = '9c1e6f2a-talking-binaries';

// docs/protocol.md, "Limits": lines up to 16 MiB, not counting the line end.
const LINE_LIMIT = 16 * 1024 * 1024;
// Of a line over the limit only its start is kept, to find its id and method there.
const OVERSIZE_HEAD = 64 * 1024;

// docs/protocol.md, "Error codes".
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
const UNSUPPORTED_VERSION = -32000;
const LIMIT_EXCEEDED = -32001;

// How long the steps still in flight get to stop when stdin ends (docs/protocol.md, "Stopping
// a plugin": the host is gone or wants us gone, so exit promptly either way).
const HOST_GONE_GRACE_MS = 2000;

// ASCII whitespace only, as the bash and Python examples split, so all three count alike.
const WORD = /[^ \t\n\v\f\r]+/g;

// --- Standard streams ------------------------------------------------------------------------

/**
 * Keeps fd 1 for protocol messages only. Node has no dup2, so the protocol cannot move off fd 1
 * (docs/protocol.md, "Standard streams"); instead the plugin keeps the original stdout stream
 * for itself and points everything else that would write there at stderr: console.log and
 * friends, and process.stdout for code that writes to it directly. Child processes must be
 * started with stdio ['ignore', 2, 2] (never 'inherit'), so they cannot write into the
 * protocol or read the host's messages.
 */
function takeProtocolStreams() {
  const input = process.stdin;
  const output = process.stdout;
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  Object.defineProperty(process, 'stdout', { value: process.stderr, configurable: true, enumerable: true });
  return { input, output };
}

/** Writes whole messages to the host, one line each. */
class Channel {
  constructor(output, onHostGone) {
    this.output = output;
    this.gone = false;
    // A write after the host closed its end fails with EPIPE (Node ignores SIGPIPE); that is
    // the host going away, not a crash.
    output.on('error', () => {
      this.gone = true;
      onHostGone();
    });
  }

  // Node runs this code on one thread and writes to a pipe synchronously on Linux, so each
  // message goes out as one whole line, never interleaved with another.
  send(message) {
    if (this.gone) {
      return;
    }
    // `jsonrpc` and `id` first, then `method`: docs/protocol.md, "Limits" asks for the id at the
    // start of the line. JSON.stringify writes lone surrogates as \uXXXX, so this is valid UTF-8.
    let line = JSON.stringify({ jsonrpc: '2.0', ...message });
    if (Buffer.byteLength(line, 'utf8') > LINE_LIMIT) {
      if (!('id' in message) || 'method' in message) {
        console.error(`${PLUGIN_NAME}: dropped a message over the protocol's limit of ${LINE_LIMIT} bytes`);
        return;
      }
      line = JSON.stringify({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: LIMIT_EXCEEDED, message: `The result was not sent: it is over the protocol's limit of ${LINE_LIMIT} bytes.` },
      });
    }
    this.output.write(line + '\n');
  }

  result(id, result) {
    this.send({ id, result });
  }

  error(id, code, message) {
    this.send({ id, error: { code, message } });
  }

  notify(method, params) {
    this.send({ method, params });
  }
}

// --- Framing ---------------------------------------------------------------------------------

/**
 * Splits the bytes from the host into lines (docs/protocol.md, "Framing"): `\n` ends a line, a
 * `\r` before it is removed, and a last line without `\n` still counts at end of stream. Memory
 * stays bounded: a line over LINE_LIMIT is not kept, only its first OVERSIZE_HEAD bytes, and is
 * handed on as `{ oversize: true, head, length }`.
 */
class LineSplitter {
  constructor(onLine) {
    this.onLine = onLine;
    this.chunks = [];
    this.length = 0;
    this.head = null; // set while the current line is over the limit
    this.lastByte = -1;
  }

  push(chunk) {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      this.append(piece);
      if (end === -1) {
        return;
      }
      this.finishLine();
      start = end + 1;
    }
  }

  end() {
    if (this.length > 0) {
      this.finishLine();
    }
  }

  append(piece) {
    this.length += piece.length;
    if (piece.length > 0) {
      this.lastByte = piece[piece.length - 1];
    }
    if (this.head !== null) {
      return; // an oversize line: its head is all we keep
    }
    this.chunks.push(piece);
    // One byte of slack: a `\r` at the end does not count against the limit.
    if (this.length > LINE_LIMIT + 1) {
      this.head = Buffer.concat(this.chunks, OVERSIZE_HEAD); // a copy: the rest can go
      this.chunks = [];
    }
  }

  finishLine() {
    const head = this.head;
    let line = head ?? Buffer.concat(this.chunks, this.length);
    // A `\r` before the `\n` is removed, and does not count against the limit.
    const length = this.lastByte === 0x0d ? this.length - 1 : this.length;
    if (head === null && length < line.length) {
      line = line.subarray(0, length);
    }
    this.chunks = [];
    this.length = 0;
    this.head = null;
    this.lastByte = -1;
    if (length > LINE_LIMIT) {
      this.onLine({ oversize: true, head: head ?? Buffer.from(line.subarray(0, OVERSIZE_HEAD)), length });
    } else {
      // Invalid UTF-8 becomes U+FFFD, as docs/protocol.md, "Framing" says.
      this.onLine({ oversize: false, text: line.toString('utf8') });
    }
  }
}

/**
 * Reads the top-level `id` and `method` from the start of a line too long to parse
 * (docs/protocol.md, "Limits": a dropped request still gets an answer when its id comes early).
 * Returns { id, method } with what it found complete before the bulk of the message.
 */
function peekIdAndMethod(head) {
  const text = head.toString('utf8');
  const found = {};
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) {
      at++;
    }
  };
  const readString = () => {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at, at + OVERSIZE_HEAD));
    if (!match) {
      return undefined;
    }
    at += match[0].length;
    return JSON.parse(match[0]);
  };
  skipSpace();
  if (text[at++] !== '{') {
    return found;
  }
  for (;;) {
    skipSpace();
    const key = readString();
    skipSpace();
    if (key === undefined || text[at++] !== ':') {
      return found;
    }
    skipSpace();
    if (text[at] === '"') {
      const value = readString();
      if (value === undefined) {
        return found;
      }
      if (key === 'id' || key === 'method') {
        found[key] = value;
      }
    } else {
      const scalar = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,}])/.exec(text.slice(at, at + 64));
      if (!scalar) {
        return found; // an object or array: the bulk of the message, most likely
      }
      at += scalar[0].length;
      if (key === 'id') {
        found.id = JSON.parse(scalar[0]);
      }
    }
    skipSpace();
    if (text[at++] !== ',') {
      return found;
    }
  }
}

/** Returns the message as an object, or null if the text is not a JSON-RPC 2.0 message. */
function parse(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message) || message.jsonrpc !== '2.0') {
    return null;
  }
  if (!('method' in message) && !('id' in message)) {
    return null;
  }
  return message;
}

// --- Steps -----------------------------------------------------------------------------------

class StepCancelled extends Error {}

function failed(message, code) {
  return { status: 'failed', outputs: {}, error: { message, code } };
}

/** Reads the step's config; returns { text, fail, seconds } or { error } (a failed result). */
function readConfig(config) {
  const { text, fail = false } = config;
  let { seconds = 0 } = config;
  if (typeof text !== 'string') {
    return { error: failed('config.text must be a string; add text: some words to the step', 'invalid_config') };
  }
  if (typeof fail !== 'boolean') {
    return { error: failed('config.fail must be true or false (yes/no/on/off are strings in a DevFile)', 'invalid_config') };
  }
  // An expression such as ${{ vars.delay }} gives a string.
  if (typeof seconds === 'string' && seconds.trim() !== '') {
    seconds = Number(seconds);
  }
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 86400) {
    return { error: failed('config.seconds must be a number of seconds from 0 to 86400', 'invalid_config') };
  }
  return { text, fail, seconds };
}

/**
 * Runs one step; returns its step/run result. Everything it sends about the step carries the
 * step's stepId (docs/protocol.md, "Writing a warm plugin"), since other steps may be running
 * in this process at the same time.
 */
async function runStep(channel, params, signal) {
  const stepId = typeof params.stepId === 'string' ? params.stepId : undefined;
  const about = stepId === undefined ? {} : { stepId };
  const log = (level, message) => channel.notify('log', { level, message, ...about });

  const config = readConfig(params.config ?? {});
  if (config.error) {
    return config.error;
  }

  // console.log goes to stderr (see takeProtocolStreams): shown live, and given to this step
  // when it is the only one in flight on the process.
  console.log('counting words');
  const words = config.text.match(WORD) ?? [];
  const pause = config.seconds * 1000 / Math.max(words.length, 1);
  let counted = 0;
  try {
    for (const word of words) {
      signal.throwIfAborted();
      counted++;
      log('info', `word ${counted}: ${word}`);
      if (pause > 0) {
        await sleep(pause, undefined, { signal });
      } else if (counted % 1000 === 0) {
        await yieldToOthers(undefined, { signal }); // let other steps and step/cancel in
      }
    }
    if (words.length === 0 && pause > 0) {
      await sleep(pause, undefined, { signal });
    }
    signal.throwIfAborted();
  } catch (error) {
    if (signal.aborted) {
      throw new StepCancelled(`the step was cancelled after ${counted} of ${words.length} words`);
    }
    throw error;
  }
  channel.notify('progress', { message: `counted ${words.length} words`, fraction: 1, ...about });

  if (config.fail) {
    return failed('asked to fail', 'asked_to_fail');
  }
  // No words: 0, and an empty string as the first word.
  return { status: 'succeeded', outputs: { words: words.length, first: words[0] ?? '' } };
}

// --- The conversation ------------------------------------------------------------------------

class Plugin {
  constructor(streams) {
    this.channel = new Channel(streams.output, () => this.hostGone());
    this.input = streams.input;
    this.initialized = false;
    this.stopping = false;
    // Steps in flight, by stepId, for step/cancel; each with its AbortController.
    this.steps = new Map();
    this.running = new Set();
  }

  start() {
    const splitter = new LineSplitter(line => this.receive(line));
    this.input.on('data', chunk => {
      if (!this.stopping) {
        splitter.push(chunk);
      }
    });
    this.input.on('end', () => {
      if (!this.stopping) {
        splitter.end();
      }
      this.hostGone();
    });
    this.input.on('error', () => this.hostGone());
  }

  receive(line) {
    if (this.stopping) {
      return; // after shutdown, no further messages are read
    }
    if (line.oversize) {
      this.dropOversize(line);
      return;
    }
    if (line.text.trim() === '') {
      return; // blank lines are ignored
    }
    const message = parse(line.text);
    if (message === null) {
      this.channel.error(null, PARSE_ERROR, 'not a JSON-RPC 2.0 message');
      return;
    }
    const isRequest = 'id' in message;
    const { id, method } = message;
    if (method === undefined) {
      return; // a response: this plugin sends no requests, so nothing waits for one
    }
    if (typeof method !== 'string') {
      if (isRequest) {
        this.channel.error(id, INVALID_REQUEST, 'method must be a string');
      }
      return;
    }
    const params = message.params ?? {};

    switch (method) {
      case 'initialize':
        if (isRequest) {
          this.initialize(id, params);
        }
        break;
      case 'step/run':
        // As a notification there is nobody to answer, so nothing to run.
        if (isRequest) {
          this.startStep(id, params);
        }
        break;
      case 'step/cancel':
        // About one step only; the others go on (docs/protocol.md, "step/cancel"). A
        // step/cancel for a step that is not running is ignored.
        if (params !== null && typeof params === 'object' && typeof params.stepId === 'string') {
          this.steps.get(params.stepId)?.abort();
        }
        break;
      case 'shutdown':
        this.shutdown(isRequest ? id : undefined);
        break;
      default:
        // Unknown notifications are ignored; unknown requests get "method not found", so the
        // sender can fall back (docs/protocol.md, "Versioning").
        if (isRequest) {
          this.channel.error(id, METHOD_NOT_FOUND, `${PLUGIN_NAME} does not know the method ${method}`);
        }
    }
  }

  dropOversize(line) {
    console.error(`${PLUGIN_NAME}: dropped a line longer than the protocol's limit (${line.length} bytes)`);
    const { id, method } = peekIdAndMethod(line.head);
    if (id !== undefined && method !== undefined) {
      this.channel.error(id, LIMIT_EXCEEDED,
        `The '${method}' request was not read: it is a line of ${line.length} bytes, over the protocol's limit of ${LINE_LIMIT} bytes.`);
    }
  }

  initialize(id, params) {
    const offered = params?.protocolVersions;
    if (!Array.isArray(offered) || !offered.every(Number.isInteger)) {
      this.channel.error(id, INVALID_PARAMS, 'initialize: protocolVersions must be an array of integers');
      return;
    }
    const shared = SUPPORTED_VERSIONS.filter(version => offered.includes(version));
    if (shared.length === 0) {
      this.channel.error(id, UNSUPPORTED_VERSION,
        `The plugin ${PLUGIN_NAME} speaks protocol versions [${SUPPORTED_VERSIONS}] and the host offered [${offered}]; upgrade whichever is older.`);
      return;
    }
    this.initialized = true;
    this.channel.result(id, {
      protocolVersion: Math.max(...shared),
      plugin: { name: PLUGIN_NAME, version: PLUGIN_VERSION },
      capabilities: { cancel: true, warm: true, maxConcurrency: MAX_CONCURRENCY },
      declares: { variables: [], outputs: ['words', 'first'] },
    });
  }

  startStep(id, params) {
    if (!this.initialized) {
      this.channel.error(id, INVALID_REQUEST, 'step/run before initialize');
      return;
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params) ||
        (params.config !== undefined && (params.config === null || typeof params.config !== 'object' || Array.isArray(params.config)))) {
      this.channel.error(id, INVALID_PARAMS, 'step/run: params and config must be objects');
      return;
    }
    const controller = new AbortController();
    const key = typeof params.stepId === 'string' ? params.stepId : undefined;
    if (key !== undefined) {
      this.steps.set(key, controller);
    }
    // Each step is a promise of its own: the reading goes on while it waits, so further
    // step/run requests and step/cancel keep arriving (docs/protocol.md, "Writing a warm plugin").
    const running = runStep(this.channel, params, controller.signal)
      .then(
        result => this.channel.result(id, result),
        error => {
          if (error instanceof StepCancelled) {
            this.channel.result(id, { status: 'cancelled', outputs: {}, error: { message: error.message, code: 'cancelled' } });
          } else {
            console.error(error?.stack ?? String(error));
            this.channel.result(id, failed(`the step threw: ${error?.message ?? error}`, 'unhandled_exception'));
          }
        })
      .catch(error => {
        console.error(error?.stack ?? String(error));
        this.channel.error(id, INTERNAL_ERROR, String(error?.message ?? error));
      })
      .finally(() => {
        if (key !== undefined && this.steps.get(key) === controller) {
          this.steps.delete(key);
        }
        this.running.delete(running);
      });
    this.running.add(running);
  }

  // shutdown: finish the steps in flight, answer a request with {}, exit 0. Nothing more is read.
  async shutdown(id) {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
    if (id !== undefined) {
      this.channel.result(id, {});
    }
    process.exit(0);
  }

  // End of stdin (or our stdout gone): the host has nothing more to say, or is gone. Stop every
  // step, give them a moment to answer, and exit promptly whether or not they have.
  async hostGone() {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    for (const controller of this.steps.values()) {
      controller.abort();
    }
    const timer = sleep(HOST_GONE_GRACE_MS, 'timed out');
    const outcome = await Promise.race([Promise.allSettled([...this.running]), timer]);
    if (outcome === 'timed out') {
      console.error(`${PLUGIN_NAME}: steps still running ${HOST_GONE_GRACE_MS} ms after the host went away; exiting anyway`);
      process.exit(3);
    }
    process.exit(0);
  }
}

function main() {
  // Run by hand (no cookie from a host), waiting silently for JSON would look like a hang:
  // say what this is instead, and fail.
  if (process.env[COOKIE_NAME] !== COOKIE_VALUE) {
    process.stderr.write(
      `This is a Talking Binaries plugin (${PLUGIN_NAME} ${PLUGIN_VERSION}): it talks JSON-RPC on ` +
      'stdin/stdout to a host and is not meant to be run by hand. Run it through tb: list it under ' +
      '`plugins:` in a DevFile and run `tb run` (see docs/devfile.md and docs/protocol.md). ' +
      'Config: text (a string, required), fail (true or false, optional), seconds (a number, optional).\n');
    process.exitCode = 2;
    return;
  }
  new Plugin(takeProtocolStreams()).start();
}

main();
