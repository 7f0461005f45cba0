using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin;

/// <summary>What the test plugin writes: protocol messages on stdout, log lines on stderr, and garbage where asked.</summary>
/// <remarks>One thread writes; each line goes out in one write, flushed at once.</remarks>
internal sealed class Wire(Stream stdout, Stream stderr)
{
    public void Answer(JsonElement? id, InitializeResult result) =>
        Send(new ResultResponse<InitializeResult>(id, result), TestPluginJson.Default.InitializeResponse);

    public void Refuse(JsonElement? id, RpcError error) =>
        Send(new ErrorResponse(id, error), TestPluginJson.Default.ErrorResponse);

    public void Succeed<TOutputs>(StepRequest step, TOutputs outputs, JsonTypeInfo<TOutputs> outputsType) =>
        Answer(step, new StepResult("succeeded", JsonSerializer.SerializeToElement(outputs, outputsType), Error: null));

    public void Fail(StepRequest step, StepError error) =>
        Answer(step, new StepResult("failed", Outputs: null, error));

    public void Log(StepRequest step, string level, string message) =>
        Send(new Notification<LogParams>("log", new LogParams(step.StepId, level, message)), TestPluginJson.Default.LogNotification);

    public void Progress(StepRequest step, string message, double fraction) =>
        Send(new Notification<ProgressParams>("progress", new ProgressParams(step.StepId, message, fraction)), TestPluginJson.Default.ProgressNotification);

    public void SetVariable(StepRequest step, string name, JsonElement value, bool secret) =>
        Send(new Notification<VarsSetParams>("vars/set", new VarsSetParams(step.StepId, name, value, secret)), TestPluginJson.Default.VarsSetNotification);

    public void AddSecret(StepRequest step, JsonElement value) =>
        Send(new Notification<SecretsAddParams>("secrets/add", new SecretsAddParams(step.StepId, value)), TestPluginJson.Default.SecretsAddNotification);

    /// <summary>Writes a line to stdout as it is: the way to break the protocol on purpose.</summary>
    public void WriteRawStdoutLine(string line) => WriteLine(stdout, Encoding.UTF8.GetBytes(line));

    /// <summary>Writes bytes to stdout as they are, with a line end: for lines that are not even UTF-8.</summary>
    public void WriteRawStdoutLine(byte[] line) => WriteLine(stdout, line);

    public void WriteStderrLine(string line) => WriteLine(stderr, Encoding.UTF8.GetBytes(line));

    /// <summary>Writes text to stderr in one write, however many lines it holds.</summary>
    public void WriteStderr(string text)
    {
        stderr.Write(Encoding.UTF8.GetBytes(text));
        stderr.Flush();
    }

    private void Answer(StepRequest step, StepResult result) =>
        Send(new ResultResponse<StepResult>(step.Id, result), TestPluginJson.Default.StepResponse);

    private void Send<T>(T message, JsonTypeInfo<T> typeInfo) => WriteLine(stdout, JsonSerializer.SerializeToUtf8Bytes(message, typeInfo));

    private static void WriteLine(Stream stream, byte[] line)
    {
        stream.Write([.. line, (byte)'\n']);
        stream.Flush();
    }
}
