#!/usr/bin/env python3
"""tb-wordcount.py: a Talking Binaries plugin (protocol v1), Python 3 standard library only.

Written from docs/protocol.md alone; it behaves like ../bash/tb-wordcount.

For each step it counts the words of config `text` (words are separated by ASCII
whitespace), logs each one as `word N: <word>`, and returns the outputs
{"words": N, "first": "<first word>"}. With `fail: true` it does the same work, then reports
the step as failed ("asked to fail", code asked_to_fail).
"""
import json
import os
import re
import sys

PLUGIN_NAME = "wordcount-py"
PLUGIN_VERSION = "1.0.0"
SUPPORTED_VERSIONS = {1}  # protocol versions this plugin speaks
COOKIE_NAME, COOKIE_VALUE = "TALKING_BINARIES_PLUGIN", "9c1e6f2a-talking-binaries"

# ASCII whitespace only, not Python's wider str.split(), so that both example plugins
# count the same words.
WORD = re.compile(r"[^ \t\n\v\f\r]+")

# JSON-RPC error codes from docs/protocol.md, "Error codes".
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
UNSUPPORTED_VERSION = -32000


class HostGone(Exception):
    """The host closed our stdout: nobody is left to read anything we say."""


class Protocol:
    """The protocol's two pipes, moved off fds 0 and 1.

    os.dup gives close-on-exec descriptors, so a child process inherits neither pipe and
    cannot hold the host's pipes open after we exit. fd 1 then becomes a copy of stderr (a
    stray print() is shown as a log line instead of corrupting the protocol), and fd 0 reads
    /dev/null (a child cannot swallow the host's messages).
    """

    def __init__(self):
        # Bytes, not text: a line that is not UTF-8 must get a parse error, not crash us.
        self.incoming = os.fdopen(os.dup(0), "rb")
        self.outgoing = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)

    def lines(self):
        # readline, not iteration over the file, so each message is handled as soon as its
        # \n arrives. A last line without \n is still returned at end of stream.
        while True:
            line = self.incoming.readline()
            if not line:
                return
            yield line

    def send(self, message):
        # ensure_ascii: always valid UTF-8 out, even for a lone surrogate the host sent us.
        data = json.dumps({"jsonrpc": "2.0", **message}, separators=(",", ":")) + "\n"
        try:
            self.outgoing.write(data.encode("ascii"))
            self.outgoing.flush()  # the host acts on a line when its \n arrives
        except (BrokenPipeError, ValueError, OSError) as error:
            raise HostGone() from error

    def result(self, request_id, result):
        self.send({"id": request_id, "result": result})

    def error(self, request_id, code, message):
        self.send({"id": request_id, "error": {"code": code, "message": message}})


def log(protocol, step_id, level, text):
    params = {"level": level, "message": text}
    if step_id is not None:  # leave it out for lines about the plugin as a whole
        params["stepId"] = step_id
    protocol.send({"method": "log", "params": params})


def failed(message, code):
    return {"status": "failed", "outputs": {}, "error": {"message": message, "code": code}}


def run_step(protocol, params):
    """Runs one step; returns the step/run result. A config that does not fit is the step's
    failure (invalid_config), not a protocol error."""
    step_id = params.get("stepId") if isinstance(params.get("stepId"), str) else None
    config = params.get("config", {})
    text, fail = config.get("text"), config.get("fail")
    if not isinstance(text, str):
        return failed("config.text must be a string; add text: some words to the step", "invalid_config")
    if fail is not None and not isinstance(fail, bool):
        return failed("config.fail must be true or false (yes/no/on/off are strings in a DevFile)", "invalid_config")

    print("counting words", file=sys.stderr, flush=True)  # shown live, prefixed with the step
    words = WORD.findall(text)
    for number, word in enumerate(words, start=1):
        log(protocol, step_id, "info", f"word {number}: {word}")
    progress = {"message": f"counted {len(words)} words", "fraction": 1}
    if step_id is not None:
        progress["stepId"] = step_id
    protocol.send({"method": "progress", "params": progress})

    if fail:
        return failed("asked to fail", "asked_to_fail")
    # No words: 0, and an empty string as the first word.
    return {"status": "succeeded", "outputs": {"words": len(words), "first": words[0] if words else ""}}


def negotiate(params):
    """initialize: agree on the newest version both sides speak. Returns (result, error)."""
    offered = params.get("protocolVersions")
    # bool is an int in Python; `true` is not a version.
    if not isinstance(offered, list) or not all(type(v) is int for v in offered):
        return None, (INVALID_PARAMS, "initialize: protocolVersions must be an array of integers")
    shared = SUPPORTED_VERSIONS.intersection(offered)
    if not shared:
        return None, (UNSUPPORTED_VERSION,
                      f"The plugin {PLUGIN_NAME} speaks protocol versions {sorted(SUPPORTED_VERSIONS)} "
                      f"and the host offered {offered}; upgrade whichever is older.")
    # cancel: false because a step here takes microseconds; it always finishes before the
    # next message (a step/cancel) is even read.
    return {"protocolVersion": max(shared),
            "plugin": {"name": PLUGIN_NAME, "version": PLUGIN_VERSION},
            "capabilities": {"cancel": False, "warm": False, "maxConcurrency": 1},
            "declares": {"variables": [], "outputs": ["words", "first"]}}, None


def parse(line):
    """Returns the message as a dict, or None if the line is not a JSON-RPC 2.0 message."""
    try:
        message = json.loads(line.decode("utf-8"))
    except ValueError:  # also covers UnicodeDecodeError
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    if "method" not in message and "id" not in message:
        return None
    return message


def converse(protocol):
    initialized = False
    for line in protocol.lines():
        if not line.strip():
            continue  # blank lines are ignored (strip also removes the \r of \r\n)
        message = parse(line)
        if message is None:
            protocol.error(None, PARSE_ERROR, "not a JSON-RPC 2.0 message")
            continue
        method = message.get("method")
        is_request = "id" in message
        request_id = message.get("id")  # copied unchanged into the answer
        if method is None:
            continue  # a response: this plugin sends no requests, so nothing waits for one
        if not isinstance(method, str):
            if is_request:
                protocol.error(request_id, INVALID_REQUEST, "method must be a string")
            continue
        params = message.get("params", {})

        if method == "shutdown":
            # Usually a notification; answered only when sent as a request. No step is in
            # flight: each one is answered before the next line is read.
            if is_request:
                protocol.result(request_id, {})
            return
        if not is_request:
            continue  # step/cancel needs nothing (see `cancel` above); others are ignored
        if method == "initialize":
            if not isinstance(params, dict):
                protocol.error(request_id, INVALID_PARAMS, "initialize: params must be an object")
                continue
            result, error = negotiate(params)
            if error:
                protocol.error(request_id, *error)
            else:
                initialized = True
                protocol.result(request_id, result)
        elif method == "step/run":
            if not initialized:
                protocol.error(request_id, INVALID_REQUEST, "step/run before initialize")
            elif not isinstance(params, dict) or not isinstance(params.get("config", {}), dict):
                protocol.error(request_id, INVALID_PARAMS, "step/run: params and config must be objects")
            else:
                protocol.result(request_id, run_step(protocol, params))
        else:
            # So the sender can fall back.
            protocol.error(request_id, METHOD_NOT_FOUND, f"{PLUGIN_NAME} does not know the method {method}")
    # End of stdin: the host has nothing more to say, or is gone.


def main():
    # Run by hand (no cookie from a host), waiting silently for JSON would look like a hang:
    # say what this is instead, and fail.
    if os.environ.get(COOKIE_NAME) != COOKIE_VALUE:
        sys.stderr.write(
            f"This is a Talking Binaries plugin ({PLUGIN_NAME} {PLUGIN_VERSION}): it talks JSON-RPC on "
            "stdin/stdout to a host and is not meant to be run by hand. Run it through tb: list it under "
            "`plugins:` in a DevFile and run `tb run` (see docs/devfile.md and docs/protocol.md). "
            "Config: text (a string, required), fail (true or false, optional).\n")
        return 2
    protocol = Protocol()
    try:
        converse(protocol)
    except HostGone:
        pass  # nobody is left to answer; exit like at end of stdin
    return 0


if __name__ == "__main__":
    sys.exit(main())
