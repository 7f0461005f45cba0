using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>The entry point of a plugin: hand it the step handler from <c>Main</c> and return its exit code.</summary>
/// <example>
/// <code>
/// return await Plugin.RunAsync(new PluginOptions { Name = "echo" }, EchoJson.Default.EchoConfig, (step, ct) =>
/// {
///     step.LogInfo(step.Config.Say);
///     step.SetOutput("said", step.Config.Say);
///     return Task.CompletedTask;
/// });
/// </code>
/// </example>
public static class Plugin
{
    /// <summary>Exit code of a plugin run by hand, without the host's cookie.</summary>
    public const int NotLaunchedByHostExitCode = 2;

    /// <summary>Exit code after the host closed stdin while a step ignored its cancellation for longer than <see cref="PluginOptions.HostGoneGrace"/>.</summary>
    public const int HostGoneExitCode = 3;

    /// <summary>Serves steps over the process's stdin and stdout until the host says shutdown or closes stdin.</summary>
    /// <returns>The exit code for <c>Main</c>: 0 after an orderly end.</returns>
    public static async Task<int> RunAsync<TConfig>(
        PluginOptions options,
        JsonTypeInfo<TConfig> configType,
        Func<StepContext<TConfig>, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (input, output, errors) = StandardStreams.Take();
        await using (errors.ConfigureAwait(false))
        {
            if (!PluginCookie.IsValid(Environment.GetEnvironmentVariable(PluginCookie.Name)))
            {
                var text = $"This is a Talking Binaries plugin ({options.Name} {options.Version}): it talks JSON-RPC on stdin/stdout "
                    + "to a host and is not meant to be run by hand. Run it through tb: list it under `plugins:` in a DevFile "
                    + "and run `tb run` (see docs/devfile.md and docs/protocol.md).\n";
                await errors.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
                return NotLaunchedByHostExitCode;
            }

            var server = new PluginServer(options, (server, request, cancellationToken) => RunStepAsync(server, request, configType, handler, cancellationToken), input, output, errors);
            await using (server.ConfigureAwait(false))
            {
                return await server.ServeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One step as the SDK runs it: the config read into its type, the handler run, a <see cref="StepFailedException"/> made the failed result.</summary>
    /// <remarks>Also what <see cref="StepHarness{TConfig}"/> runs, so a handler's tests go through the same code as its plugin.</remarks>
    internal static async Task<StepRunResult> RunStepAsync<TConfig>(
        StepChannel server,
        StepRunParams request,
        JsonTypeInfo<TConfig> configType,
        Func<StepContext<TConfig>, CancellationToken, Task> handler,
        CancellationToken cancellationToken)
    {
        TConfig? config;
        try
        {
            config = request.Config.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? JsonSerializer.Deserialize("{}"u8, configType)
                : request.Config.Deserialize(configType);
        }
        catch (JsonException exception)
        {
            throw new StepFailedException($"the step's config does not fit this plugin: {exception.Message}", "invalid_config");
        }

        var step = new StepContext<TConfig>(server, request, config!, cancellationToken);
        try
        {
            await handler(step, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFailedException exception)
        {
            server.OnStepFailed(exception);

            // Outputs set before the failure are kept: a failed command's output is often what explains it.
            return PluginServer.Failed(exception) with { Outputs = step.SnapshotOutputs() };
        }

        return new StepRunResult { Status = StepResultStatus.Succeeded, Outputs = step.SnapshotOutputs() };
    }
}
