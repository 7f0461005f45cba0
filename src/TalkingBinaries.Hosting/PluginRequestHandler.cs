using System.Text.Json;

namespace TalkingBinaries.Hosting;

/// <summary>Answers a request a plugin sends to its host: the method, its params, and the result to send back.</summary>
public delegate Task<JsonElement> PluginRequestHandler(string method, JsonElement? parameters, CancellationToken cancellationToken);
