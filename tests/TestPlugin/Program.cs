using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

// A deliberately misbehaving plugin for the tests. It speaks protocol v1 by hand (no SDK), so it can break it.
// The misbehaviour comes from the first argument, else TB_TEST_MODE, else the step's config "mode"; see Mode below.
var stdout = Console.OpenStandardOutput();
var stderr = Console.OpenStandardError();
var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
var fixedMode = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("TB_TEST_MODE");

void Send(string json)
{
    var bytes = Encoding.UTF8.GetBytes(json + "\n");
    stdout.Write(bytes);
    stdout.Flush();
}

void Err(string text)
{
    var bytes = Encoding.UTF8.GetBytes(text + "\n");
    stderr.Write(bytes);
    stderr.Flush();
}

string Q(string text) => JsonSerializer.Serialize(text, TestJson.Default.String);

void Log(string stepId, string level, string message) =>
    Send("{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":{\"stepId\":" + Q(stepId) + ",\"level\":" + Q(level) + ",\"message\":" + Q(message) + "}}");

void Answer(string id, string stepId, string outputs) =>
    Send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"status\":\"succeeded\",\"outputs\":" + outputs + "}}");

// Any mode: config "touch" names a file to create as the step starts, and "await" lists files to wait for (up to
// 30 s) before the mode runs, so a spec can order steps in different processes without guessing at timing.
void Rendezvous(JsonElement config)
{
    if (config.TryGetProperty("touch", out var touch))
    {
        File.WriteAllText(touch.GetString()!, string.Empty);
    }

    if (config.TryGetProperty("await", out var awaited))
    {
        var deadline = Stopwatch.StartNew();
        foreach (var path in awaited.EnumerateArray().Select(item => item.GetString()!))
        {
            while (!File.Exists(path) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);
            }
        }
    }
}

if (fixedMode == "ignore-sigterm")
{
    // Survive SIGTERM: only SIGKILL ends this process.
    PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
}

while (stdin.ReadLine() is { } line)
{
    using var document = JsonDocument.Parse(line);
    var root = document.RootElement;
    var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
    var id = root.TryGetProperty("id", out var i) ? i.GetRawText() : "null";
    switch (method)
    {
        case "initialize":
            switch (fixedMode)
            {
                case "bad-handshake":
                    Send("""{"jsonrpc":"2.0","id":""" + id + ""","result":{"protocolVersion":99,"plugin":{"name":"test","version":"0"}}}""");
                    continue;
                case "version-mismatch":
                    Send("""{"jsonrpc":"2.0","id":""" + id + ""","error":{"code":-32000,"message":"this plugin speaks protocol versions [7]"}}""");
                    continue;
                case "silent-handshake":
                    Send("hello? is this thing on?");
                    continue;
                case "exit-in-handshake":
                    Err("giving up during the handshake");
                    return 4;
            }

            Send("""{"jsonrpc":"2.0","id":""" + id + ""","result":{"protocolVersion":1,"plugin":{"name":"test","version":"1.0.0"},"capabilities":{"cancel":true}}}""");
            break;
        case "step/run":
            var parameters = root.GetProperty("params");
            var stepId = parameters.GetProperty("stepId").GetString()!;
            var config = parameters.GetProperty("config");
            var mode = fixedMode ?? (config.TryGetProperty("mode", out var c) ? c.GetString() : null) ?? "ok";
            var lines = config.TryGetProperty("lines", out var l) ? l.GetInt32() : 20;
            var milliseconds = config.TryGetProperty("ms", out var ms) ? ms.GetInt32() : 0;
            var parallel = parameters.TryGetProperty("parallel", out var p) ? p.GetRawText() : "null";
            var pid = Environment.ProcessId;
            Rendezvous(config);
            switch (mode)
            {
                case "sleep":
                    // Sleeps, then answers with where it ran; "fail": true fails it after the sleep.
                    Err($"sleeping {milliseconds} ms (pid {pid})");
                    Thread.Sleep(milliseconds);
                    if (config.TryGetProperty("fail", out var fail) && fail.GetBoolean())
                    {
                        Send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"status\":\"failed\",\"error\":{\"message\":\"failed after sleeping\"}}}");
                        break;
                    }

                    Answer(id, stepId, "{\"pid\":" + pid + ",\"parallel\":" + parallel + "}");
                    break;
                case "set-var":
                    // Sets vars.<name> to config "value" (after "ms" of sleep); "register" names a secret to mask,
                    // which it then prints, to show the masking.
                    Thread.Sleep(milliseconds);
                    var name = config.GetProperty("name").GetString()!;
                    var secretFlag = config.TryGetProperty("secret", out var s) && s.GetBoolean() ? "true" : "false";
                    Send("{\"jsonrpc\":\"2.0\",\"method\":\"vars/set\",\"params\":{\"stepId\":" + Q(stepId) + ",\"name\":" + Q(name) + ",\"value\":" + config.GetProperty("value").GetRawText() + ",\"secret\":" + secretFlag + "}}");
                    if (config.TryGetProperty("register", out var register))
                    {
                        Send("{\"jsonrpc\":\"2.0\",\"method\":\"secrets/add\",\"params\":{\"stepId\":" + Q(stepId) + ",\"value\":" + register.GetRawText() + "}}");
                        // stderr and stdout are separate pipes: give the host a moment to take the secret first.
                        Thread.Sleep(200);
                        Err("the registered secret is " + register.GetString());
                    }

                    Err("variables seen: " + parameters.GetProperty("variables").GetRawText());
                    Answer(id, stepId, "{\"value\":" + config.GetProperty("value").GetRawText() + ",\"config\":" + config.GetRawText() + "}");
                    break;
                case "ok":
                    Err($"stderr line from pid {pid}");
                    Log(stepId, "info", "log line from the protocol");
                    Send("{\"jsonrpc\":\"2.0\",\"method\":\"progress\",\"params\":{\"stepId\":" + Q(stepId) + ",\"message\":\"half way\",\"fraction\":0.5}}");
                    Answer(id, stepId, "{\"pid\":" + pid + ",\"config\":" + config.GetRawText() + "}");
                    break;
                case "fail":
                    Err("about to fail");
                    Send("""{"jsonrpc":"2.0","id":""" + id + ""","result":{"status":"failed","error":{"message":"the test plugin was told to fail","code":"told_to_fail"}}}""");
                    break;
                case "crash-after-logging":
                    for (var n = 1; n <= lines; n++)
                    {
                        Err($"line {n} of {lines} before the crash");
                    }

                    Log(stepId, "error", "crashing now");
                    return 3;
                case "kill-self":
                    Err("about to be killed by SIGKILL");
                    Process.GetCurrentProcess().Kill();
                    break;
                case "exit-without-answer":
                    Err("leaving without an answer");
                    return 0;
                case "garbage-stdout":
                    Send("this is not json");
                    Send("""{"json":"but not JSON-RPC"}""");
                    Send("[1, 2");
                    Answer(id, stepId, "{}");
                    break;
                case "stderr-flood":
                    var builder = new StringBuilder();
                    for (var n = 1; n <= lines; n++)
                    {
                        builder.Append("flood line ").Append(n).Append('\n');
                    }

                    stderr.Write(Encoding.UTF8.GetBytes(builder.ToString()));
                    stderr.Flush();
                    Answer(id, stepId, "{}");
                    break;
                case "spawn-child":
                    // The child inherits stdout and stderr, so it holds the host's pipes open after this process exits.
                    var child = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
                    Err($"child pid {child.Id}");
                    Answer(id, stepId, "{\"childPid\":" + child.Id + "}");
                    break;
                case "hang":
                case "ignore-sigterm":
                    var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
                    Err($"child pid {sleeper.Id}");
                    Err($"hanging (pid {pid})");
                    Log(stepId, "info", "hanging");
                    // Ignore step/cancel and the end of stdin: only signals end this.
                    Thread.Sleep(Timeout.Infinite);
                    break;
                default:
                    Err($"unknown mode {mode}");
                    return 64;
            }

            break;
        case "shutdown":
            if (fixedMode == "ignore-shutdown")
            {
                continue;
            }

            return 0;
    }
}

return 0;

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
